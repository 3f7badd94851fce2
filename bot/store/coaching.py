"""Repositories of the coach work (issue 11): coaches, flags, reads, feedback, the queue.

Like :mod:`bot.store.repositories`, every method takes ``workspace_id`` and works
inside the transaction of a :class:`~bot.store.db.UnitOfWork` (exposed there as
``uow.coaches``, ``uow.session_flags``, ``uow.coach_reads`` and ``uow.coach_feedback``;
the queue and the disagreements are in :mod:`bot.store.coach_queue`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import false, or_, select, update

from bot.store.coach_models import CoachFeedbackRow, CoachReadRow, CoachRow, SessionFlagRow
from bot.store.models import (
    WorkspaceSettingsRow,
)
from bot.store.repositories import _insert, _Repository

__all__ = [
    "CoachFeedbackRepository",
    "CoachReadRepository",
    "CoachRepository",
    "FlagSettingsRow",
    "SessionFlagRepository",
]


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


class CoachRepository(_Repository):
    """Coaches of a workspace (rows: :class:`CoachRow`) and the one-time seeding."""

    async def in_workspace(self, workspace_id: str) -> list[CoachRow]:
        """A workspace's coaches, in the order they were added."""
        stmt = (
            select(CoachRow)
            .where(CoachRow.workspace_id == workspace_id)
            .order_by(CoachRow.added_at, CoachRow.user_id)
        )
        return list((await self._s.execute(stmt)).scalars())

    async def is_coach(self, workspace_id: str, user_id: str) -> bool:
        """True when ``user_id`` coaches in ``workspace_id``."""
        stmt = select(CoachRow.user_id).where(
            CoachRow.workspace_id == workspace_id, CoachRow.user_id == user_id
        )
        return (await self._s.execute(stmt)).first() is not None

    async def add(
        self, workspace_id: str, user_id: str, *, added_by: str, now: datetime | None = None
    ) -> bool:
        """Add a coach (``INSERT … ON CONFLICT DO NOTHING``).

        Returns:
            True when added now, False when they were a coach already.
        """
        stmt = (
            _insert(self._dialect, CoachRow)
            .values(
                workspace_id=workspace_id, user_id=user_id, added_by=added_by, added_at=_now(now)
            )
            .on_conflict_do_nothing(index_elements=["workspace_id", "user_id"])
            .returning(CoachRow.user_id)
        )
        return (await self._s.execute(stmt)).first() is not None

    async def remove(self, workspace_id: str, user_id: str) -> bool:
        """Remove a coach. Returns True when they were one."""
        row = await self._s.get(CoachRow, (workspace_id, user_id))
        if row is None:
            return False
        await self._s.delete(row)
        await self._s.flush()
        return True

    async def seed_once(
        self, workspace_id: str, user_ids: Iterable[str], *, now: datetime | None = None
    ) -> list[str]:
        """Apply ``EC_COACH_USER_IDS`` once to a workspace: add them if it has no coach yet.

        Marks the workspace seeded either way (so removing every coach later does
        not bring the seeds back).

        Returns:
            The user ids added now (empty when already seeded or it had coaches).
        """
        ids = [u for u in dict.fromkeys(user_ids) if u]
        if not ids:
            return []
        at = _now(now)
        stmt = (
            _insert(self._dialect, WorkspaceSettingsRow)
            .values(workspace_id=workspace_id, created_at=at, updated_at=at, coaches_seeded=True)
            .on_conflict_do_update(
                index_elements=["workspace_id"],
                set_={"coaches_seeded": True, "updated_at": at},
                where=WorkspaceSettingsRow.coaches_seeded == false(),
            )
            .returning(WorkspaceSettingsRow.workspace_id)
        )
        if (await self._s.execute(stmt)).first() is None:
            return []  # seeded before
        if await self.in_workspace(workspace_id):
            return []
        return [
            u for u in ids if await self.add(workspace_id, u, added_by="EC_COACH_USER_IDS", now=at)
        ]


@dataclass(frozen=True)
class FlagSettingsRow:
    """A workspace's automatic-flagging settings (defaults when never set)."""

    enabled: bool = False
    findings_per_10: float = 3.0
    turns_without_insight: int = 15


class SessionFlagRepository(_Repository):
    """Flags on practice sessions (rows: :class:`SessionFlagRow`) and the flag settings."""

    async def settings(self, workspace_id: str) -> FlagSettingsRow:
        """The workspace's flag settings (the defaults when it has no settings row)."""
        row = await self._s.get(WorkspaceSettingsRow, workspace_id, populate_existing=True)
        if row is None:
            return FlagSettingsRow()
        return FlagSettingsRow(
            enabled=bool(row.auto_flag),
            findings_per_10=float(row.flag_findings_per_10),
            turns_without_insight=int(row.flag_turns_without_insight),
        )

    async def put_settings(
        self, workspace_id: str, settings: FlagSettingsRow, *, now: datetime | None = None
    ) -> None:
        """Store the flag settings (an upsert that leaves the other settings alone)."""
        at = _now(now)
        values = {
            "auto_flag": settings.enabled,
            "flag_findings_per_10": settings.findings_per_10,
            "flag_turns_without_insight": settings.turns_without_insight,
        }
        stmt = (
            _insert(self._dialect, WorkspaceSettingsRow)
            .values(workspace_id=workspace_id, created_at=at, updated_at=at, **values)
            .on_conflict_do_update(
                index_elements=["workspace_id"], set_={**values, "updated_at": at}
            )
        )
        await self._s.execute(stmt)

    async def add(
        self,
        workspace_id: str,
        session_id: str,
        code: str,
        figures: dict[str, Any],
        *,
        now: datetime | None = None,
    ) -> SessionFlagRow | None:
        """Flag a session for one reason, once (``ON CONFLICT DO NOTHING``).

        Returns:
            The new row, or None when the session already had this flag.
        """
        stmt = (
            _insert(self._dialect, SessionFlagRow)
            .values(
                workspace_id=workspace_id,
                session_id=session_id,
                code=code,
                figures=figures,
                created_at=_now(now),
            )
            .on_conflict_do_nothing(index_elements=["session_id", "code"])
            .returning(SessionFlagRow.id)
        )
        new_id = (await self._s.execute(stmt)).scalar_one_or_none()
        if new_id is None:
            return None
        return await self._s.get(SessionFlagRow, new_id)

    async def for_session(self, workspace_id: str, session_id: str) -> list[SessionFlagRow]:
        """A session's flags, oldest first."""
        stmt = (
            select(SessionFlagRow)
            .where(
                SessionFlagRow.workspace_id == workspace_id,
                SessionFlagRow.session_id == session_id,
            )
            .order_by(SessionFlagRow.created_at, SessionFlagRow.id)
            .execution_options(populate_existing=True)
        )
        return list((await self._s.execute(stmt)).scalars())

    async def for_sessions(
        self, workspace_id: str, session_ids: Iterable[str]
    ) -> dict[str, list[SessionFlagRow]]:
        """The flags of several sessions, by session id (oldest first)."""
        ids = list(session_ids)
        out: dict[str, list[SessionFlagRow]] = {i: [] for i in ids}
        if not ids:
            return out
        stmt = (
            select(SessionFlagRow)
            .where(
                SessionFlagRow.workspace_id == workspace_id,
                SessionFlagRow.session_id.in_(ids),
            )
            .order_by(SessionFlagRow.created_at, SessionFlagRow.id)
        )
        for row in (await self._s.execute(stmt)).scalars():
            out[row.session_id].append(row)
        return out

    async def mark_reviewed(
        self, workspace_id: str, session_id: str, *, by: str, now: datetime | None = None
    ) -> int:
        """Mark a session's unreviewed flags reviewed. Returns how many."""
        stmt = (
            update(SessionFlagRow)
            .where(
                SessionFlagRow.workspace_id == workspace_id,
                SessionFlagRow.session_id == session_id,
                SessionFlagRow.reviewed_at.is_(None),
            )
            .values(reviewed_at=_now(now), reviewed_by=by)
            .execution_options(synchronize_session=False)
        )
        return int((await self._s.execute(stmt)).rowcount)  # type: ignore[attr-defined]


class CoachReadRepository(_Repository):
    """Transcript reads by coaches (rows: :class:`CoachReadRow`)."""

    async def add(
        self, workspace_id: str, session_id: str, coach_user_id: str, *, now: datetime | None = None
    ) -> CoachReadRow:
        """Record one read."""
        row = CoachReadRow(
            workspace_id=workspace_id,
            session_id=session_id,
            coach_user_id=coach_user_id,
            read_at=_now(now),
        )
        self._s.add(row)
        await self._s.flush()
        return row

    async def for_session(self, workspace_id: str, session_id: str) -> list[CoachReadRow]:
        """A session's reads, newest first."""
        stmt = (
            select(CoachReadRow)
            .where(
                CoachReadRow.workspace_id == workspace_id,
                CoachReadRow.session_id == session_id,
            )
            .order_by(CoachReadRow.read_at.desc(), CoachReadRow.id.desc())
        )
        return list((await self._s.execute(stmt)).scalars())


class CoachFeedbackRepository(_Repository):
    """Coach feedback (rows: :class:`CoachFeedbackRow`)."""

    async def add(
        self,
        workspace_id: str,
        session_id: str,
        coach_user_id: str,
        text: str,
        *,
        turn_index: int | None,
        now: datetime | None = None,
    ) -> CoachFeedbackRow:
        """Store a draft comment."""
        row = CoachFeedbackRow(
            workspace_id=workspace_id,
            session_id=session_id,
            coach_user_id=coach_user_id,
            turn_index=turn_index,
            text=text,
            created_at=_now(now),
        )
        self._s.add(row)
        await self._s.flush()
        return row

    async def get(self, workspace_id: str, feedback_id: int) -> CoachFeedbackRow | None:
        """One comment of the workspace, or None."""
        stmt = (
            select(CoachFeedbackRow)
            .where(
                CoachFeedbackRow.workspace_id == workspace_id,
                CoachFeedbackRow.id == feedback_id,
            )
            .execution_options(populate_existing=True)
        )
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def for_session(
        self,
        workspace_id: str,
        session_id: str,
        *,
        sent_only: bool = False,
        coach_user_id: str | None = None,
    ) -> list[CoachFeedbackRow]:
        """A session's comments, oldest first.

        Args:
            workspace_id / session_id: where.
            sent_only: leave out drafts.
            coach_user_id: with ``sent_only`` False, drafts of this coach only
                (another coach's drafts are theirs alone); sent ones always.
        """
        stmt = select(CoachFeedbackRow).where(
            CoachFeedbackRow.workspace_id == workspace_id,
            CoachFeedbackRow.session_id == session_id,
        )
        if sent_only:
            stmt = stmt.where(CoachFeedbackRow.sent_at.is_not(None))
        elif coach_user_id is not None:
            stmt = stmt.where(
                or_(
                    CoachFeedbackRow.sent_at.is_not(None),
                    CoachFeedbackRow.coach_user_id == coach_user_id,
                )
            )
        stmt = stmt.order_by(CoachFeedbackRow.created_at, CoachFeedbackRow.id).execution_options(
            populate_existing=True
        )
        return list((await self._s.execute(stmt)).scalars())

    async def send_drafts(
        self, workspace_id: str, session_id: str, coach_user_id: str, *, now: datetime | None = None
    ) -> list[CoachFeedbackRow]:
        """Mark one coach's drafts on a session sent.

        Returns:
            The rows sent now (empty when there was no draft).
        """
        at = _now(now)
        stmt = (
            update(CoachFeedbackRow)
            .where(
                CoachFeedbackRow.workspace_id == workspace_id,
                CoachFeedbackRow.session_id == session_id,
                CoachFeedbackRow.coach_user_id == coach_user_id,
                CoachFeedbackRow.sent_at.is_(None),
            )
            .values(sent_at=at)
            .returning(CoachFeedbackRow.id)
        )
        ids = [int(i) for i in (await self._s.execute(stmt)).scalars()]
        if not ids:
            return []
        rows = select(CoachFeedbackRow).where(CoachFeedbackRow.id.in_(ids))
        rows = rows.order_by(CoachFeedbackRow.created_at, CoachFeedbackRow.id)
        return list(
            (await self._s.execute(rows.execution_options(populate_existing=True))).scalars()
        )

    async def set_reply(
        self, workspace_id: str, feedback_id: int, reply: str, *, now: datetime | None = None
    ) -> bool:
        """Store the one reply to a sent comment, atomically.

        Returns:
            True when stored now; False when it already had a reply (or is a draft).
        """
        stmt = (
            update(CoachFeedbackRow)
            .where(
                CoachFeedbackRow.workspace_id == workspace_id,
                CoachFeedbackRow.id == feedback_id,
                CoachFeedbackRow.sent_at.is_not(None),
                CoachFeedbackRow.reply.is_(None),
            )
            .values(reply=reply, replied_at=_now(now))
            .execution_options(synchronize_session=False)
        )
        return (await self._s.execute(stmt)).rowcount == 1  # type: ignore[attr-defined]
