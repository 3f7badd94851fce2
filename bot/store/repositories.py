"""Repositories: the only door to the tables. Every method takes ``workspace_id``.

Each repository works inside the transaction of a
:class:`~bot.store.db.UnitOfWork` (it never commits by itself) and returns
ORM rows that stay readable after the transaction ends.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.errors import SessionConflict, ThreadInUse
from bot.store.models import (
    CoachRequestRow,
    PracticeSessionRow,
    ProcessedEventRow,
    TurnRow,
    UserSettingsRow,
)

__all__ = [
    "CoachRequestRepository",
    "EventRepository",
    "PracticeSessionRepository",
    "TurnRepository",
    "UserSettingsRepository",
]

MAX_EVENT_KEY = 255
"""Longest event key (characters), the column's width."""


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def _insert(dialect: str, table: Any) -> Any:
    """A dialect-specific INSERT (it has ``on_conflict_do_nothing/update``)."""
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise ValueError(f"no upsert for dialect {dialect!r}")


class _Repository:
    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self._s = session
        self._dialect = dialect


class PracticeSessionRepository(_Repository):
    """Practice sessions of a workspace (rows: :class:`PracticeSessionRow`)."""

    async def add(
        self,
        *,
        workspace_id: str,
        user_id: str,
        persona_id: str,
        platform: str,
        channel_id: str | None,
        thread_ts: str | None,
        seed: int,
        snapshot: dict[str, Any],
        conversation_ref: dict[str, Any] | None = None,
        session_id: str | None = None,
        now: datetime | None = None,
    ) -> PracticeSessionRow:
        """Insert a new active session.

        Args:
            workspace_id / user_id / persona_id / platform / channel_id /
                thread_ts / seed / snapshot / conversation_ref: the columns.
            session_id: the id; a new UUID4 string when None.
            now: creation time (UTC); now when None.

        Returns:
            The inserted row.

        Raises:
            ThreadInUse: (channel_id, thread_ts) already belongs to a session
                of this workspace.
        """
        at = _now(now)
        row = PracticeSessionRow(
            id=session_id or str(uuid.uuid4()),
            workspace_id=workspace_id,
            user_id=user_id,
            persona_id=persona_id,
            platform=platform,
            channel_id=channel_id,
            thread_ts=thread_ts,
            conversation_ref=conversation_ref,
            status="active",
            seed=seed,
            snapshot=snapshot,
            debrief=None,
            created_at=at,
            updated_at=at,
        )
        try:
            async with self._s.begin_nested():
                self._s.add(row)
        except IntegrityError as exc:
            raise ThreadInUse("this conversation thread already has a practice session") from exc
        return row

    async def get(
        self, workspace_id: str, session_id: str, *, for_update: bool = False
    ) -> PracticeSessionRow | None:
        """Load one session of the workspace.

        Args:
            workspace_id: the tenant.
            session_id: the id.
            for_update: lock the row until the transaction ends
                (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the whole
                transaction already holds the write lock).

        Returns:
            The row (fresh from the database), or None when it is not in this workspace.
        """
        stmt = (
            select(PracticeSessionRow)
            .where(
                PracticeSessionRow.workspace_id == workspace_id,
                PracticeSessionRow.id == session_id,
            )
            .execution_options(populate_existing=True)
        )
        if for_update:
            stmt = stmt.with_for_update()
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def find_by_thread(
        self, workspace_id: str, channel_id: str, thread_ts: str
    ) -> PracticeSessionRow | None:
        """Find the session of a conversation thread.

        Args:
            workspace_id: the tenant.
            channel_id: the conversation id.
            thread_ts: the thread id.

        Returns:
            The row, or None.
        """
        stmt = select(PracticeSessionRow).where(
            PracticeSessionRow.workspace_id == workspace_id,
            PracticeSessionRow.channel_id == channel_id,
            PracticeSessionRow.thread_ts == thread_ts,
        )
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def set_thread(
        self,
        workspace_id: str,
        session_id: str,
        *,
        channel_id: str,
        thread_ts: str,
        conversation_ref: dict[str, Any] | None = None,
        now: datetime | None = None,
    ) -> PracticeSessionRow:
        """Set a session's conversation reference.

        Args:
            workspace_id: the tenant.
            session_id: the id.
            channel_id / thread_ts: the new reference.
            conversation_ref: platform extras; None keeps the stored ones.
            now: update time (UTC).

        Returns:
            The updated row.

        Raises:
            LookupError: no such session in this workspace.
            ThreadInUse: the reference belongs to another session of the workspace.
        """
        row = await self.get(workspace_id, session_id)
        if row is None:
            raise LookupError(session_id)
        try:
            async with self._s.begin_nested():
                row.channel_id = channel_id
                row.thread_ts = thread_ts
                if conversation_ref is not None:
                    row.conversation_ref = conversation_ref
                row.updated_at = _now(now)
                await self._s.flush()
        except IntegrityError as exc:
            raise ThreadInUse("this conversation thread already has a practice session") from exc
        return row

    async def acquire_lease(
        self,
        workspace_id: str,
        session_id: str,
        token: str,
        *,
        now: datetime | None = None,
        ttl: timedelta,
    ) -> bool:
        """Take the session's turn lease if it is free or expired (one atomic UPDATE).

        Args:
            workspace_id: the tenant.
            session_id: the id.
            token: the caller's unique token (≤ 64 characters).
            now: the current time (UTC).
            ttl: how long the lease lasts.

        Returns:
            True when the caller now holds the lease; False when someone else
            holds an unexpired one (or the session is not in this workspace).
        """
        at = _now(now)
        stmt = (
            update(PracticeSessionRow)
            .where(
                PracticeSessionRow.workspace_id == workspace_id,
                PracticeSessionRow.id == session_id,
                (PracticeSessionRow.lease_until.is_(None)) | (PracticeSessionRow.lease_until <= at),
            )
            .values(lease_token=token, lease_until=at + ttl)
            .execution_options(synchronize_session=False)
        )
        result = await self._s.execute(stmt)
        return result.rowcount == 1  # type: ignore[attr-defined]

    async def release_lease(self, workspace_id: str, session_id: str, token: str) -> None:
        """Free the turn lease if ``token`` still holds it (otherwise do nothing).

        Args:
            workspace_id: the tenant.
            session_id: the id.
            token: the token given to :meth:`acquire_lease`.
        """
        stmt = (
            update(PracticeSessionRow)
            .where(
                PracticeSessionRow.workspace_id == workspace_id,
                PracticeSessionRow.id == session_id,
                PracticeSessionRow.lease_token == token,
            )
            .values(lease_token=None, lease_until=None)
            .execution_options(synchronize_session=False)
        )
        await self._s.execute(stmt)

    async def save_turn(
        self,
        workspace_id: str,
        session_id: str,
        *,
        lease_token: str | None,
        expected_turns: int,
        index: int,
        staff: str,
        caregiver: str,
        review: dict[str, Any],
        note: str | None,
        mode: str | None = None,
        prompt_tokens: int = 0,
        completion_tokens: int = 0,
        snapshot: dict[str, Any],
        now: datetime | None = None,
    ) -> TurnRow:
        """Record one turn and the session's new snapshot (in the caller's transaction).

        Locks the session row (``FOR UPDATE`` on PostgreSQL) and checks that
        the caller still holds the lease and that no other turn was recorded
        since the snapshot the turn was computed from.

        Args:
            workspace_id: the tenant.
            session_id: the id.
            lease_token: the caller's lease token (None: do not check the lease).
            expected_turns: how many turns the snapshot had before this one.
            index / staff / caregiver / review / note / mode / prompt_tokens /
                completion_tokens: the turn's columns.
            snapshot: the engine snapshot after the turn (JSON).
            now: the time (UTC).

        Returns:
            The inserted :class:`TurnRow`.

        Raises:
            LookupError: no such session in this workspace.
            SessionConflict: the lease was lost, the session ended, or another
                turn was recorded meanwhile (nothing is written).
        """
        row = await self.get(workspace_id, session_id, for_update=True)
        if row is None:
            raise LookupError(session_id)
        if lease_token is not None and row.lease_token != lease_token:
            raise SessionConflict("the session's turn lease was lost (another process took it)")
        if row.status != "active":
            raise SessionConflict("the session ended while the turn was being answered")
        if len(row.snapshot.get("turns", [])) != expected_turns:
            raise SessionConflict("another turn was recorded meanwhile")
        at = _now(now)
        turn = TurnRow(
            workspace_id=workspace_id,
            session_id=session_id,
            turn_index=index,
            staff=staff,
            caregiver=caregiver,
            review=review,
            note=note,
            mode=mode,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            created_at=at,
        )
        self._s.add(turn)
        row.snapshot = snapshot
        row.updated_at = at
        await self._s.flush()
        return turn

    async def mark_ended(
        self,
        workspace_id: str,
        session_id: str,
        *,
        debrief: dict[str, Any],
        now: datetime | None = None,
    ) -> PracticeSessionRow:
        """Mark a session ended with its debrief.

        Args:
            workspace_id: the tenant.
            session_id: the id.
            debrief: the debrief JSON.
            now: end time (UTC).

        Returns:
            The updated row.

        Raises:
            LookupError: no such session in this workspace.
        """
        row = await self.get(workspace_id, session_id, for_update=True)
        if row is None:
            raise LookupError(session_id)
        at = _now(now)
        row.status = "ended"
        row.debrief = debrief
        row.ended_at = at
        row.updated_at = at
        await self._s.flush()
        return row

    async def recent_for_user(
        self, workspace_id: str, user_id: str, *, limit: int = 5
    ) -> list[PracticeSessionRow]:
        """A user's latest sessions, newest first.

        Args:
            workspace_id: the tenant.
            user_id: the owner.
            limit: at most this many.

        Returns:
            Rows ordered by ``created_at`` descending.
        """
        stmt = (
            select(PracticeSessionRow)
            .where(
                PracticeSessionRow.workspace_id == workspace_id,
                PracticeSessionRow.user_id == user_id,
            )
            .order_by(PracticeSessionRow.created_at.desc(), PracticeSessionRow.id)
            .limit(limit)
        )
        return list((await self._s.execute(stmt)).scalars())


class TurnRepository(_Repository):
    """Turn rows of a workspace's sessions (rows: :class:`TurnRow`)."""

    async def list_for_session(self, workspace_id: str, session_id: str) -> list[TurnRow]:
        """All turns of one session, in turn order.

        Args:
            workspace_id: the tenant.
            session_id: the session.

        Returns:
            Rows ordered by ``turn_index`` (empty for another tenant's session).
        """
        stmt = (
            select(TurnRow)
            .where(TurnRow.workspace_id == workspace_id, TurnRow.session_id == session_id)
            .order_by(TurnRow.turn_index)
        )
        return list((await self._s.execute(stmt)).scalars())

    async def count_for_session(self, workspace_id: str, session_id: str) -> int:
        """How many turns one session has.

        Args:
            workspace_id: the tenant.
            session_id: the session.

        Returns:
            The count (0 for another tenant's session).
        """
        stmt = select(func.count(TurnRow.id)).where(
            TurnRow.workspace_id == workspace_id, TurnRow.session_id == session_id
        )
        return int((await self._s.execute(stmt)).scalar_one())


class EventRepository(_Repository):
    """Processed platform events, for exactly-once handling (rows: :class:`ProcessedEventRow`)."""

    async def claim(
        self, workspace_id: str, event_key: str, *, now: datetime | None = None
    ) -> bool:
        """Insert the key unless present (``INSERT … ON CONFLICT DO NOTHING RETURNING``).

        Atomic on both databases; the decision is final once the caller's
        transaction commits (:meth:`bot.store.Store.claim_event` commits at once).

        Args:
            workspace_id: the tenant.
            event_key: the event's stable id.
            now: claim time (UTC).

        Returns:
            True when this call inserted the key.

        Raises:
            ValueError: an empty key or one longer than :data:`MAX_EVENT_KEY`.
        """
        if not event_key or len(event_key) > MAX_EVENT_KEY:
            raise ValueError(f"event key must be 1-{MAX_EVENT_KEY} characters")
        stmt = (
            _insert(self._dialect, ProcessedEventRow)
            .values(workspace_id=workspace_id, event_key=event_key, created_at=_now(now))
            .on_conflict_do_nothing(index_elements=["workspace_id", "event_key"])
            .returning(ProcessedEventRow.id)
        )
        return (await self._s.execute(stmt)).first() is not None

    async def seen(self, workspace_id: str, event_key: str) -> bool:
        """Tell whether a key was already claimed (read only).

        Args:
            workspace_id: the tenant.
            event_key: the key.

        Returns:
            True when claimed.
        """
        stmt = select(ProcessedEventRow.id).where(
            ProcessedEventRow.workspace_id == workspace_id,
            ProcessedEventRow.event_key == event_key,
        )
        return (await self._s.execute(stmt)).first() is not None

    async def prune(self, before: datetime) -> int:
        """Delete keys claimed before ``before`` (housekeeping over all workspaces;
        it reads no tenant data).

        Args:
            before: cut-off time (UTC).

        Returns:
            Rows deleted.
        """
        result = await self._s.execute(
            delete(ProcessedEventRow)
            .where(ProcessedEventRow.created_at < before)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


class UserSettingsRepository(_Repository):
    """Per-user settings (rows: :class:`UserSettingsRow`)."""

    async def get(self, workspace_id: str, user_id: str) -> UserSettingsRow | None:
        """Load a user's settings row.

        Args:
            workspace_id: the tenant.
            user_id: the user.

        Returns:
            The row, or None when the user never changed a setting.
        """
        return await self._s.get(UserSettingsRow, (workspace_id, user_id))

    async def get_live_notes(self, workspace_id: str, user_id: str) -> bool:
        """The user's live-notes setting.

        Args:
            workspace_id: the tenant.
            user_id: the user.

        Returns:
            The stored value; True when never set.
        """
        stmt = select(UserSettingsRow.live_notes).where(
            UserSettingsRow.workspace_id == workspace_id, UserSettingsRow.user_id == user_id
        )
        value = (await self._s.execute(stmt)).scalar_one_or_none()
        return True if value is None else bool(value)

    async def set_live_notes(
        self, workspace_id: str, user_id: str, enabled: bool, *, now: datetime | None = None
    ) -> None:
        """Store the live-notes setting (an upsert, safe under concurrency).

        Args:
            workspace_id: the tenant.
            user_id: the user.
            enabled: the value.
            now: update time (UTC).
        """
        at = _now(now)
        stmt = _insert(self._dialect, UserSettingsRow).values(
            workspace_id=workspace_id,
            user_id=user_id,
            live_notes=enabled,
            created_at=at,
            updated_at=at,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["workspace_id", "user_id"],
            set_={"live_notes": enabled, "updated_at": at},
        )
        await self._s.execute(stmt)


class CoachRequestRepository(_Repository):
    """Requests to send a session to a coach (rows: :class:`CoachRequestRow`)."""

    async def add(
        self,
        workspace_id: str,
        session_id: str,
        *,
        requested_by: str,
        now: datetime | None = None,
    ) -> CoachRequestRow | None:
        """Insert an open request for a session.

        Args:
            workspace_id: the tenant.
            session_id: the session.
            requested_by: the staff member.
            now: request time (UTC).

        Returns:
            The new row, or None when the session already has an open request
            (a concurrent click won; read it with :meth:`open_for_session`).
        """
        row = CoachRequestRow(
            workspace_id=workspace_id,
            session_id=session_id,
            requested_by=requested_by,
            status="open",
            created_at=_now(now),
        )
        try:
            async with self._s.begin_nested():
                self._s.add(row)
        except IntegrityError:
            return None
        return row

    async def open_for_session(self, workspace_id: str, session_id: str) -> CoachRequestRow | None:
        """The open request of a session, if any.

        Args:
            workspace_id: the tenant.
            session_id: the session.

        Returns:
            The row or None.
        """
        stmt = select(CoachRequestRow).where(
            CoachRequestRow.workspace_id == workspace_id,
            CoachRequestRow.session_id == session_id,
            CoachRequestRow.status == "open",
        )
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def list_open(self, workspace_id: str, *, limit: int = 50) -> list[CoachRequestRow]:
        """A workspace's open requests, oldest first (the coach queue).

        Args:
            workspace_id: the tenant.
            limit: at most this many.

        Returns:
            Rows ordered by ``created_at``.
        """
        stmt = (
            select(CoachRequestRow)
            .where(CoachRequestRow.workspace_id == workspace_id, CoachRequestRow.status == "open")
            .order_by(CoachRequestRow.created_at, CoachRequestRow.id)
            .limit(limit)
        )
        return list((await self._s.execute(stmt)).scalars())
