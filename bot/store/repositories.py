"""Repositories: the only door to the tables. Every method takes ``workspace_id``.

Each repository works inside the transaction of a
:class:`~bot.store.db.UnitOfWork` (it never commits by itself) and returns
ORM rows that stay readable after the transaction ends.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from bot.store.errors import SessionConflict, ThreadInUse
from bot.store.models import (
    CoachRequestRow,
    InterviewRow,
    NoteDisputeRow,
    PracticeSessionRow,
    ProcessedEventRow,
    ReflectionRow,
    ReminderRow,
    TeamDecisionRow,
    TurnRow,
    UserSettingsRow,
    WorkspaceSettingsRow,
)

__all__ = [
    "OPEN_REMINDER_STATUSES",
    "CoachRequestRepository",
    "EventRepository",
    "InterviewRepository",
    "PracticeSessionRepository",
    "ReflectionRepository",
    "ReminderRepository",
    "TeamDecisionRepository",
    "TurnRepository",
    "UserSettingsRepository",
    "UserTimeZoneRepository",
    "WorkspaceSettingsRepository",
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
        thread_id: str | None,
        seed: int,
        snapshot: dict[str, Any],
        conversation_ref: dict[str, Any] | None = None,
        session_id: str | None = None,
        now: datetime | None = None,
    ) -> PracticeSessionRow:
        """Insert a new active session.

        Args:
            workspace_id / user_id / persona_id / platform / channel_id /
                thread_id / seed / snapshot / conversation_ref: the columns.
            session_id: the id; a new UUID4 string when None.
            now: creation time (UTC); now when None.

        Returns:
            The inserted row.

        Raises:
            ThreadInUse: (channel_id, thread_id) already belongs to a session
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
            thread_id=thread_id,
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
        self, workspace_id: str, channel_id: str, thread_id: str
    ) -> PracticeSessionRow | None:
        """Find the session of a conversation thread.

        Args:
            workspace_id: the tenant.
            channel_id: the conversation id.
            thread_id: the thread id.

        Returns:
            The row, or None.
        """
        stmt = select(PracticeSessionRow).where(
            PracticeSessionRow.workspace_id == workspace_id,
            PracticeSessionRow.channel_id == channel_id,
            PracticeSessionRow.thread_id == thread_id,
        )
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def set_thread(
        self,
        workspace_id: str,
        session_id: str,
        *,
        channel_id: str,
        thread_id: str,
        conversation_ref: dict[str, Any] | None = None,
        now: datetime | None = None,
    ) -> PracticeSessionRow:
        """Set a session's conversation reference.

        Args:
            workspace_id: the tenant.
            session_id: the id.
            channel_id / thread_id: the new reference.
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
                row.thread_id = thread_id
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

    async def renew_lease(
        self,
        workspace_id: str,
        session_id: str,
        token: str,
        *,
        now: datetime | None = None,
        ttl: timedelta,
    ) -> bool:
        """Extend the turn lease while ``token`` still holds it.

        Args:
            workspace_id: the tenant.
            session_id: the id.
            token: the token given to :meth:`acquire_lease`.
            now: the current time (UTC).
            ttl: the lease's new length from ``now``.

        Returns:
            True when renewed; False when the lease was lost (another holder took it).
        """
        stmt = (
            update(PracticeSessionRow)
            .where(
                PracticeSessionRow.workspace_id == workspace_id,
                PracticeSessionRow.id == session_id,
                PracticeSessionRow.lease_token == token,
            )
            .values(lease_until=_now(now) + ttl)
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
        message_key: str | None = None,
        release_lease: bool = False,
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
            message_key: the claim key of the staff message answered (unique per session).
            release_lease: also free the lease in the same row update (no separate
                release transaction after the turn: issue 13); needs ``lease_token``.

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
            message_key=message_key,
        )
        self._s.add(turn)
        row.snapshot = snapshot
        row.updated_at = at
        if release_lease and lease_token is not None:
            row.lease_token = None
            row.lease_until = None
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

    async def for_message(
        self, workspace_id: str, session_id: str, message_key: str
    ) -> TurnRow | None:
        """The turn that answered one staff message, if it was saved.

        Args:
            workspace_id: the tenant.
            session_id: the session.
            message_key: the message's claim key.

        Returns:
            The row, or None.
        """
        stmt = select(TurnRow).where(
            TurnRow.workspace_id == workspace_id,
            TurnRow.session_id == session_id,
            TurnRow.message_key == message_key,
        )
        return (await self._s.execute(stmt)).scalar_one_or_none()

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
            .values(
                workspace_id=workspace_id,
                event_key=event_key,
                created_at=_now(now),
                done_at=_now(now),
                attempts=1,
            )
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

    async def prune(self, before: datetime, *, limit: int | None = None) -> int:
        """Delete handled keys (``done_at`` set) older than ``before``, all workspaces.

        Housekeeping that reads no tenant data. Keys not done (a claim still held,
        or lapsed and waiting for the recovery) are never deleted.

        Args:
            before: cut-off time (UTC), compared with ``done_at``.
            limit: at most this many rows (one batch); None: every such row.

        Returns:
            Rows deleted.
        """
        done_before: ColumnElement[bool] = (ProcessedEventRow.done_at.is_not(None)) & (
            ProcessedEventRow.done_at < before
        )
        where: ColumnElement[bool] = done_before
        if limit is not None:
            batch = select(ProcessedEventRow.id).where(done_before).limit(limit).scalar_subquery()
            where = ProcessedEventRow.id.in_(batch)
        result = await self._s.execute(
            delete(ProcessedEventRow).where(where).execution_options(synchronize_session=False)
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


# --------------------------------------------------------------------- issue 5 (revision 0002)

OPEN_REMINDER_STATUSES: tuple[str, ...] = ("pending", "claimed")
"""Reminder statuses that may still be delivered."""


class UserTimeZoneRepository(_Repository):
    """The users' time zones, kept in :class:`UserSettingsRow` (``tz``)."""

    async def get_tz(self, workspace_id: str, user_id: str) -> str | None:
        """The user's stored IANA zone.

        Args:
            workspace_id: the tenant.
            user_id: the user.

        Returns:
            The zone id, or None when never stored.
        """
        stmt = select(UserSettingsRow.tz).where(
            UserSettingsRow.workspace_id == workspace_id, UserSettingsRow.user_id == user_id
        )
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def set_tz(
        self, workspace_id: str, user_id: str, tz: str | None, *, now: datetime | None = None
    ) -> None:
        """Store the user's IANA zone (an upsert, safe under concurrency).

        Args:
            workspace_id: the tenant.
            user_id: the user.
            tz: the zone id (validate it first), or None to forget it.
            now: update time (UTC).
        """
        at = _now(now)
        stmt = _insert(self._dialect, UserSettingsRow).values(
            workspace_id=workspace_id,
            user_id=user_id,
            live_notes=True,
            tz=tz,
            created_at=at,
            updated_at=at,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["workspace_id", "user_id"], set_={"tz": tz, "updated_at": at}
        )
        await self._s.execute(stmt)


class InterviewRepository(_Repository):
    """Real interviews of a workspace (rows: :class:`InterviewRow`)."""

    async def add(self, row: InterviewRow) -> InterviewRow:
        """Insert a new interview row (the caller fills every column).

        Args:
            row: the new row; ``id`` a new UUID string.

        Returns:
            The same row, flushed.
        """
        self._s.add(row)
        await self._s.flush()
        return row

    async def get(
        self,
        workspace_id: str,
        interview_id: str,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> InterviewRow | None:
        """Load one interview of the workspace.

        Args:
            workspace_id: the tenant.
            interview_id: the id.
            include_deleted: also return a deleted interview.
            for_update: lock the row until the transaction ends (PostgreSQL;
                SQLite transactions already hold the write lock).

        Returns:
            The row (fresh from the database), or None when it is not in this
            workspace (or deleted, unless ``include_deleted``).
        """
        stmt = (
            select(InterviewRow)
            .where(InterviewRow.workspace_id == workspace_id, InterviewRow.id == interview_id)
            .execution_options(populate_existing=True)
        )
        if not include_deleted:
            stmt = stmt.where(InterviewRow.deleted_at.is_(None))
        if for_update:
            stmt = stmt.with_for_update()
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def in_gathering(self, workspace_id: str, gathering_key: str) -> list[InterviewRow]:
        """The live (not deleted) interviews of one weekly gathering, oldest first.

        Args:
            workspace_id: the tenant.
            gathering_key: ``team_gathering:<channel>:<week>``.

        Returns:
            Rows ordered by ``happened_at``.
        """
        stmt = (
            select(InterviewRow)
            .where(
                InterviewRow.workspace_id == workspace_id,
                InterviewRow.gathering_key == gathering_key,
                InterviewRow.deleted_at.is_(None),
            )
            .order_by(InterviewRow.happened_at, InterviewRow.id)
        )
        return list((await self._s.execute(stmt)).scalars())

    async def count_in_gathering(
        self, workspace_id: str, gathering_key: str, *, excluding: str | None = None
    ) -> int:
        """How many live interviews belong to a gathering.

        Args:
            workspace_id: the tenant.
            gathering_key: the gathering.
            excluding: an interview id not to count.

        Returns:
            The count.
        """
        stmt = select(func.count(InterviewRow.id)).where(
            InterviewRow.workspace_id == workspace_id,
            InterviewRow.gathering_key == gathering_key,
            InterviewRow.deleted_at.is_(None),
        )
        if excluding is not None:
            stmt = stmt.where(InterviewRow.id != excluding)
        return int((await self._s.execute(stmt)).scalar_one())

    async def recent_for_user(
        self, workspace_id: str, user_id: str, *, limit: int = 10, offset: int = 0
    ) -> list[InterviewRow]:
        """A user's live interviews, newest first, one page of them.

        Args:
            workspace_id: the tenant.
            user_id: the interviewer.
            limit: at most this many.
            offset: skip this many newer ones.

        Returns:
            Rows ordered by ``happened_at`` descending.
        """
        stmt = (
            select(InterviewRow)
            .where(
                InterviewRow.workspace_id == workspace_id,
                InterviewRow.user_id == user_id,
                InterviewRow.deleted_at.is_(None),
            )
            .order_by(InterviewRow.happened_at.desc(), InterviewRow.id)
            .offset(max(0, offset))
            .limit(limit)
        )
        return list((await self._s.execute(stmt)).scalars())

    async def count_for_user(self, workspace_id: str, user_id: str) -> int:
        """How many live interviews a user has logged."""
        stmt = select(func.count()).where(
            InterviewRow.workspace_id == workspace_id,
            InterviewRow.user_id == user_id,
            InterviewRow.deleted_at.is_(None),
        )
        return int((await self._s.execute(stmt)).scalar_one())

    async def update(self, row: InterviewRow, **changes: Any) -> InterviewRow:
        """Write ``changes`` (column -> value) to a loaded row and flush them.

        Args:
            row: a row loaded in this unit of work.
            changes: the new column values.

        Returns:
            The same row.
        """
        for name, value in changes.items():
            setattr(row, name, value)
        await self._s.flush()
        return row


class ReflectionRepository(_Repository):
    """Reflections on interviews (rows: :class:`ReflectionRow`)."""

    async def get(self, workspace_id: str, interview_id: str) -> ReflectionRow | None:
        """The reflection on one interview.

        Args:
            workspace_id: the tenant.
            interview_id: the interview.

        Returns:
            The row, or None.
        """
        stmt = (
            select(ReflectionRow)
            .where(
                ReflectionRow.workspace_id == workspace_id,
                ReflectionRow.interview_id == interview_id,
            )
            .execution_options(populate_existing=True)
        )
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def for_interviews(
        self, workspace_id: str, interview_ids: list[str]
    ) -> dict[str, ReflectionRow]:
        """The reflections on several interviews.

        Args:
            workspace_id: the tenant.
            interview_ids: the interviews.

        Returns:
            interview id -> row, for those that have one.
        """
        if not interview_ids:
            return {}
        stmt = select(ReflectionRow).where(
            ReflectionRow.workspace_id == workspace_id,
            ReflectionRow.interview_id.in_(interview_ids),
        )
        return {r.interview_id: r for r in (await self._s.execute(stmt)).scalars()}

    async def upsert(
        self,
        workspace_id: str,
        interview_id: str,
        *,
        user_id: str,
        surprised: str,
        assumption_challenged: str,
        not_in_data: str,
        do_differently: str,
        nothing_new: bool,
        red_flag: bool,
        now: datetime | None = None,
    ) -> ReflectionRow:
        """Store the reflection on an interview, replacing an earlier one.

        The caller holds the interview row (``for_update``), so two submissions
        of one interview do not race.

        Args:
            workspace_id: the tenant.
            interview_id: the interview.
            user_id: who reflected.
            surprised / assumption_challenged / not_in_data / do_differently:
                the answers, already scrubbed.
            nothing_new: the checkbox.
            red_flag: the computed red flag.
            now: time (UTC).

        Returns:
            The stored row.
        """
        at = _now(now)
        row = await self.get(workspace_id, interview_id)
        if row is None:
            row = ReflectionRow(workspace_id=workspace_id, interview_id=interview_id, created_at=at)
            self._s.add(row)
        row.user_id = user_id
        row.surprised = surprised
        row.assumption_challenged = assumption_challenged
        row.not_in_data = not_in_data
        row.do_differently = do_differently
        row.nothing_new = nothing_new
        row.red_flag = red_flag
        row.updated_at = at
        await self._s.flush()
        return row

    async def delete_for_interview(self, workspace_id: str, interview_id: str) -> int:
        """Delete the reflection on an interview.

        Args:
            workspace_id: the tenant.
            interview_id: the interview.

        Returns:
            Rows deleted (0 or 1).
        """
        result = await self._s.execute(
            delete(ReflectionRow)
            .where(
                ReflectionRow.workspace_id == workspace_id,
                ReflectionRow.interview_id == interview_id,
            )
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


class TeamDecisionRepository(_Repository):
    """What teams decided after their weekly gatherings (rows: :class:`TeamDecisionRow`)."""

    async def add(
        self,
        workspace_id: str,
        *,
        team_channel: str,
        week_key: str,
        decision: str,
        decided_by: str,
        now: datetime | None = None,
    ) -> TeamDecisionRow:
        """Record a decision (append-only).

        Args:
            workspace_id: the tenant.
            team_channel: the team.
            week_key: ``<ISO year>-W<week>``.
            decision: the text, already scrubbed.
            decided_by: who recorded it.
            now: time (UTC).

        Returns:
            The new row.
        """
        row = TeamDecisionRow(
            workspace_id=workspace_id,
            team_channel=team_channel,
            week_key=week_key,
            decision=decision,
            decided_by=decided_by,
            created_at=_now(now),
        )
        self._s.add(row)
        await self._s.flush()
        return row

    async def for_week(
        self, workspace_id: str, team_channel: str, week_key: str
    ) -> list[TeamDecisionRow]:
        """A team's decisions for one week, oldest first.

        Args:
            workspace_id: the tenant.
            team_channel: the team.
            week_key: ``<ISO year>-W<week>``.

        Returns:
            Rows ordered by ``created_at``.
        """
        stmt = (
            select(TeamDecisionRow)
            .where(
                TeamDecisionRow.workspace_id == workspace_id,
                TeamDecisionRow.team_channel == team_channel,
                TeamDecisionRow.week_key == week_key,
            )
            .order_by(TeamDecisionRow.created_at, TeamDecisionRow.id)
        )
        return list((await self._s.execute(stmt)).scalars())


class WorkspaceSettingsRepository(_Repository):
    """Per-workspace reflection settings (rows: :class:`WorkspaceSettingsRow`)."""

    async def get(self, workspace_id: str) -> WorkspaceSettingsRow | None:
        """Load a workspace's settings row.

        Args:
            workspace_id: the tenant.

        Returns:
            The row, or None when the workspace uses the defaults.
        """
        return await self._s.get(WorkspaceSettingsRow, workspace_id, populate_existing=True)

    async def put(
        self,
        workspace_id: str,
        *,
        reflection: dict[str, Any] | None,
        team_tz: str | None,
        coach_user_id: str | None,
        now: datetime | None = None,
    ) -> None:
        """Store a workspace's settings (an upsert; every column is replaced).

        Args:
            workspace_id: the tenant.
            reflection: :class:`~bot.core.reflection.ReflectionSettings` as
                JSON, or None for the defaults.
            team_tz: the teams' IANA zone, or None.
            coach_user_id: the coach for red-flag notes, or None.
            now: time (UTC).
        """
        at = _now(now)
        values = {"reflection": reflection, "team_tz": team_tz, "coach_user_id": coach_user_id}
        stmt = _insert(self._dialect, WorkspaceSettingsRow).values(
            workspace_id=workspace_id, created_at=at, updated_at=at, **values
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["workspace_id"], set_={**values, "updated_at": at}
        )
        await self._s.execute(stmt)


class ReminderRepository(_Repository):
    """The durable prompt queue (rows: :class:`ReminderRow`).

    Creating, moving and cancelling take ``workspace_id``. Claiming
    (:meth:`claim_due`) is the one query over all workspaces: the dispatcher
    serves every tenant, and each claimed row is then handled in its own
    workspace. The claim-holder methods are fenced by ``worker_id``: a
    dispatcher whose lease expired and was taken over changes nothing.
    """

    async def add_if_absent(
        self,
        workspace_id: str,
        *,
        dedupe_key: str,
        kind: str,
        due_at: datetime,
        interview_id: str | None = None,
        user_id: str | None = None,
        channel_id: str | None = None,
        tz: str | None = None,
        data: dict[str, Any] | None = None,
        now: datetime | None = None,
        platform: str = "slack",
    ) -> ReminderRow | None:
        """Insert a pending reminder unless one with ``dedupe_key`` exists.

        One ``INSERT … ON CONFLICT DO NOTHING RETURNING`` on the unique key
        (workspace_id, dedupe_key): atomic on both databases, so a prompt is
        never created twice, also by racing processes.

        Args:
            workspace_id: the tenant.
            dedupe_key: unique per workspace (see :class:`ReminderRow`).
            kind: one of :data:`bot.store.models.REMINDER_KINDS`.
            due_at: when due (aware).
            interview_id / user_id / channel_id / tz / data: the columns.
            now: creation time (UTC).
            platform: where it is delivered (``slack`` | ``teams`` | ``cli``).

        Returns:
            The new row, or None when the key already existed (read it with
            :meth:`by_key`).
        """
        at = _now(now)
        new_id = str(uuid.uuid4())
        stmt = (
            _insert(self._dialect, ReminderRow)
            .values(
                id=new_id,
                workspace_id=workspace_id,
                interview_id=interview_id,
                kind=kind,
                user_id=user_id,
                channel_id=channel_id,
                tz=tz,
                due_at=due_at,
                platform=platform,
                status="pending",
                attempts=0,
                dedupe_key=dedupe_key,
                data=data,
                created_at=at,
                updated_at=at,
            )
            .on_conflict_do_nothing(index_elements=["workspace_id", "dedupe_key"])
            .returning(ReminderRow.id)
        )
        if (await self._s.execute(stmt)).first() is None:
            return None
        return await self.get(workspace_id, new_id)

    async def get(self, workspace_id: str, reminder_id: str) -> ReminderRow | None:
        """Load one reminder of the workspace.

        Args:
            workspace_id: the tenant.
            reminder_id: the id.

        Returns:
            The row (fresh from the database), or None.
        """
        stmt = (
            select(ReminderRow)
            .where(ReminderRow.workspace_id == workspace_id, ReminderRow.id == reminder_id)
            .execution_options(populate_existing=True)
        )
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def by_key(
        self, workspace_id: str, dedupe_key: str, *, for_update: bool = False
    ) -> ReminderRow | None:
        """Load the reminder with a dedupe key.

        Args:
            workspace_id: the tenant.
            dedupe_key: the key.
            for_update: lock the row until the transaction ends (PostgreSQL
                ``SELECT … FOR UPDATE``; SQLite transactions already hold the
                write lock). Joining and leaving a team gathering lock its
                post this way, so they serialize.

        Returns:
            The row (fresh from the database), or None.
        """
        stmt = (
            select(ReminderRow)
            .where(ReminderRow.workspace_id == workspace_id, ReminderRow.dedupe_key == dedupe_key)
            .execution_options(populate_existing=True)
        )
        if for_update:
            stmt = stmt.with_for_update()
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def for_interview(
        self, workspace_id: str, interview_id: str, *, statuses: tuple[str, ...] | None = None
    ) -> list[ReminderRow]:
        """The reminders about one interview (not the team gathering), by due time.

        Args:
            workspace_id: the tenant.
            interview_id: the interview.
            statuses: only these statuses; all when None.

        Returns:
            Rows ordered by ``due_at``.
        """
        stmt = (
            select(ReminderRow)
            .where(
                ReminderRow.workspace_id == workspace_id,
                ReminderRow.interview_id == interview_id,
            )
            .order_by(ReminderRow.due_at, ReminderRow.id)
            .execution_options(populate_existing=True)
        )
        if statuses is not None:
            stmt = stmt.where(ReminderRow.status.in_(statuses))
        return list((await self._s.execute(stmt)).scalars())

    async def in_workspace(
        self, workspace_id: str, *, statuses: tuple[str, ...] | None = None
    ) -> list[ReminderRow]:
        """A workspace's reminders, by due time (operations and tests).

        Args:
            workspace_id: the tenant.
            statuses: only these statuses; all when None.

        Returns:
            Rows ordered by ``due_at``.
        """
        stmt = (
            select(ReminderRow)
            .where(ReminderRow.workspace_id == workspace_id)
            .order_by(ReminderRow.due_at, ReminderRow.id)
            .execution_options(populate_existing=True)
        )
        if statuses is not None:
            stmt = stmt.where(ReminderRow.status.in_(statuses))
        return list((await self._s.execute(stmt)).scalars())

    async def move_pending(
        self, workspace_id: str, reminder_id: str, due_at: datetime, *, now: datetime | None = None
    ) -> bool:
        """Give a pending reminder a new due time (a claimed one is in flight: untouched).

        Args:
            workspace_id: the tenant.
            reminder_id: the id.
            due_at: the new due time (aware).
            now: update time (UTC).

        Returns:
            True when it was pending and moved.
        """
        result = await self._s.execute(
            update(ReminderRow)
            .where(
                ReminderRow.workspace_id == workspace_id,
                ReminderRow.id == reminder_id,
                ReminderRow.status == "pending",
            )
            .values(due_at=due_at, updated_at=_now(now))
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    async def cancel_pending(
        self,
        workspace_id: str,
        *,
        reminder_id: str | None = None,
        interview_id: str | None = None,
        kinds: tuple[str, ...] | None = None,
        reason: str,
        now: datetime | None = None,
    ) -> int:
        """Cancel pending reminders: one by id, or those of an interview.

        Claimed reminders are in flight and stay as they are (the dispatcher
        checks the interview before it posts).

        Args:
            workspace_id: the tenant.
            reminder_id: this reminder only.
            interview_id: the reminders of this interview.
            kinds: only these kinds (with ``interview_id``).
            reason: stored in ``failure_reason`` (e.g. ``interview_deleted``).
            now: time (UTC).

        Returns:
            How many were cancelled.

        Raises:
            ValueError: neither ``reminder_id`` nor ``interview_id`` given.
        """
        if reminder_id is None and interview_id is None:
            raise ValueError("give reminder_id or interview_id")
        stmt = update(ReminderRow).where(
            ReminderRow.workspace_id == workspace_id, ReminderRow.status == "pending"
        )
        if reminder_id is not None:
            stmt = stmt.where(ReminderRow.id == reminder_id)
        if interview_id is not None:
            stmt = stmt.where(ReminderRow.interview_id == interview_id)
        if kinds is not None:
            stmt = stmt.where(ReminderRow.kind.in_(kinds))
        result = await self._s.execute(
            stmt.values(
                status="cancelled", failure_reason=reason, updated_at=_now(now)
            ).execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def revive(
        self,
        workspace_id: str,
        reminder_id: str,
        *,
        due_at: datetime,
        user_id: str | None = None,
        now: datetime | None = None,
    ) -> bool:
        """Make a cancelled reminder pending again (its dedupe key is taken).

        Args:
            workspace_id: the tenant.
            reminder_id: the id.
            due_at: the new due time.
            user_id: a new recipient / responsible user, or None to keep it.
            now: time (UTC).

        Returns:
            True when it was cancelled and is now pending.
        """
        values: dict[str, Any] = {
            "status": "pending",
            "due_at": due_at,
            "failure_reason": None,
            "updated_at": _now(now),
        }
        if user_id is not None:
            values["user_id"] = user_id
        result = await self._s.execute(
            update(ReminderRow)
            .where(
                ReminderRow.workspace_id == workspace_id,
                ReminderRow.id == reminder_id,
                ReminderRow.status == "cancelled",
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    # ---------------------------------------------------------------- the dispatcher's side

    async def claim_due(
        self,
        *,
        worker_id: str,
        now: datetime,
        lease: timedelta,
        limit: int,
        platforms: Collection[str] | None = None,
    ) -> list[ReminderRow]:
        """Claim up to ``limit`` due reminders for one dispatcher, atomically (all workspaces).

        One statement::

            UPDATE reminders SET status='claimed', claimed_by=:worker,
                   lease_until=:now + :lease, attempts=attempts + 1
            WHERE id IN (SELECT id FROM reminders
                         WHERE (status='pending' AND due_at <= :now)
                            OR (status='claimed' AND lease_until < :now)
                         ORDER BY due_at, id LIMIT :limit
                         FOR UPDATE SKIP LOCKED)
            RETURNING *

        On PostgreSQL, ``FOR UPDATE SKIP LOCKED`` makes concurrent
        dispatchers take disjoint rows without waiting for each other (a row
        updated meanwhile is re-checked against the WHERE clause before it is
        locked). On SQLite the clause is not rendered; the store's
        transactions start with ``BEGIN IMMEDIATE`` (one writer at a time), so
        the statement is just as atomic. A claim whose lease expired (its
        dispatcher died) is taken over.

        Args:
            worker_id: the claiming dispatcher (unique per process).
            now: the current time (UTC).
            lease: how long the claim lasts.
            limit: at most this many rows.
            platforms: only reminders delivered on these platforms (a dispatcher
                claims what its deliverers can post); None claims every platform.

        Returns:
            The claimed rows, oldest due first.
        """
        due = ((ReminderRow.status == "pending") & (ReminderRow.due_at <= now)) | (
            (ReminderRow.status == "claimed") & (ReminderRow.lease_until < now)
        )
        if platforms is not None:
            due = due & ReminderRow.platform.in_(sorted(platforms))
        ids = (
            select(ReminderRow.id)
            .where(due)
            .order_by(ReminderRow.due_at, ReminderRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        stmt = (
            update(ReminderRow)
            .where(ReminderRow.id.in_(ids.scalar_subquery()))
            .values(
                status="claimed",
                claimed_by=worker_id,
                lease_until=now + lease,
                attempts=ReminderRow.attempts + 1,
                updated_at=now,
            )
            .returning(ReminderRow)
            .execution_options(synchronize_session=False, populate_existing=True)
        )
        rows = list((await self._s.execute(stmt)).scalars())
        rows.sort(key=lambda r: (r.due_at, r.id))
        return rows

    def _held(self, workspace_id: str, reminder_id: str, worker_id: str) -> Any:
        return (
            (ReminderRow.workspace_id == workspace_id)
            & (ReminderRow.id == reminder_id)
            & (ReminderRow.status == "claimed")
            & (ReminderRow.claimed_by == worker_id)
        )

    async def renew(
        self,
        workspace_id: str,
        reminder_id: str,
        *,
        worker_id: str,
        now: datetime,
        lease: timedelta,
    ) -> ReminderRow | None:
        """Extend a claim right before delivering (the fencing check).

        Args:
            workspace_id: the tenant.
            reminder_id: the id.
            worker_id: the dispatcher that claimed it.
            now: the current time (UTC).
            lease: the new lease length from ``now``.

        Returns:
            The row when ``worker_id`` still holds an unexpired claim on it,
            else None (another dispatcher took it over: do not deliver).
        """
        stmt = (
            update(ReminderRow)
            .where(self._held(workspace_id, reminder_id, worker_id), ReminderRow.lease_until >= now)
            .values(lease_until=now + lease, updated_at=now)
            .returning(ReminderRow)
            .execution_options(synchronize_session=False, populate_existing=True)
        )
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def finish(
        self,
        workspace_id: str,
        reminder_id: str,
        *,
        worker_id: str,
        status: str,
        now: datetime,
        reason: str | None = None,
        ref: str | None = None,
        due_at: datetime | None = None,
    ) -> bool:
        """End a claim: ``sent``, ``failed``, ``cancelled``, or back to ``pending``.

        Args:
            workspace_id: the tenant.
            reminder_id: the id.
            worker_id: the dispatcher that claimed it (fencing).
            status: the new status.
            now: the current time (UTC); ``sent_at`` for ``sent``.
            reason: ``failure_reason`` (kept as is when None).
            ref: the platform message id, for ``sent``.
            due_at: the next try, for ``pending`` (a transient failure).

        Returns:
            True when ``worker_id`` still held the claim and the row changed.
        """
        values: dict[str, Any] = {
            "status": status,
            "claimed_by": None,
            "lease_until": None,
            "updated_at": now,
        }
        if reason is not None:
            values["failure_reason"] = reason[:255]
        if status == "sent":
            values["sent_at"] = now
            values["sent_ref"] = ref[:255] if ref else None
        if due_at is not None:
            values["due_at"] = due_at
        result = await self._s.execute(
            update(ReminderRow)
            .where(self._held(workspace_id, reminder_id, worker_id))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    async def release(
        self, workspace_id: str, reminder_id: str, *, worker_id: str, now: datetime
    ) -> bool:
        """Give back a claimed reminder that was not attempted (a dispatcher stopping).

        It becomes pending again at once (no lease wait), and the claim is not
        counted as an attempt.

        Args:
            workspace_id: the tenant.
            reminder_id: the id.
            worker_id: the dispatcher that claimed it (fencing).
            now: the current time (UTC).

        Returns:
            True when ``worker_id`` still held the claim.
        """
        result = await self._s.execute(
            update(ReminderRow)
            .where(self._held(workspace_id, reminder_id, worker_id))
            .values(
                status="pending",
                claimed_by=None,
                lease_until=None,
                attempts=func.max(ReminderRow.attempts - 1, 0)
                if self._dialect == "sqlite"
                else func.greatest(ReminderRow.attempts - 1, 0),
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]


class NoteDisputeRepository(_Repository):
    """ "Was this note wrong?" disagreements (rows: :class:`NoteDisputeRow`)."""

    async def upsert(
        self,
        workspace_id: str,
        session_id: str,
        turn_index: int,
        *,
        user_id: str,
        utterance: str,
        kinds: list[str],
        comment: str | None,
        now: datetime | None = None,
    ) -> NoteDisputeRow:
        """Record a disagreement with one turn's note; a second one keeps the first.

        The row holds the latest disagreement; the one it had before is appended to
        ``history`` (its kinds, comment, time and the coach's verdict on it), so nothing
        a staff member said is lost and a coach sees how the disagreement went.

        Args:
            workspace_id: the tenant.
            session_id: the session.
            turn_index: the staff turn (1-based).
            user_id: who disagreed.
            utterance: the staff text of that turn (from the store).
            kinds: the disputed finding kinds.
            comment: optional words (already scrubbed), or None.
            now: time (UTC).

        Returns:
            The row (``status`` back to ``open``; ``history`` longer by one when this
            turn had a disagreement already).
        """
        stmt = select(NoteDisputeRow).where(
            NoteDisputeRow.workspace_id == workspace_id,
            NoteDisputeRow.session_id == session_id,
            NoteDisputeRow.turn_index == turn_index,
        )
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        if row is None:
            row = NoteDisputeRow(
                workspace_id=workspace_id,
                session_id=session_id,
                turn_index=turn_index,
                created_at=_now(now),
            )
            self._s.add(row)
        else:
            earlier = {
                "kinds": list(row.kinds or []),
                "comment": row.comment,
                "at": row.created_at.isoformat(),
                "verdict": row.status,
            }
            row.history = [*(row.history or []), earlier]  # a new list: JSON change tracked
            row.created_at = _now(now)
        row.user_id = user_id
        row.utterance = utterance
        row.kinds = list(kinds)
        row.comment = comment
        row.status = "open"
        row.resolved_by = None
        row.resolved_at = None
        await self._s.flush()
        return row

    async def for_session(self, workspace_id: str, session_id: str) -> list[NoteDisputeRow]:
        """A session's disagreements, by turn."""
        stmt = (
            select(NoteDisputeRow)
            .where(
                NoteDisputeRow.workspace_id == workspace_id,
                NoteDisputeRow.session_id == session_id,
            )
            .order_by(NoteDisputeRow.turn_index)
        )
        return list((await self._s.execute(stmt)).scalars())

    async def list_open(self, workspace_id: str, *, limit: int = 50) -> list[NoteDisputeRow]:
        """A workspace's open disagreements, oldest first (for coaches)."""
        stmt = (
            select(NoteDisputeRow)
            .where(NoteDisputeRow.workspace_id == workspace_id, NoteDisputeRow.status == "open")
            .order_by(NoteDisputeRow.created_at)
            .limit(max(1, min(int(limit), 500)))
        )
        return list((await self._s.execute(stmt)).scalars())
