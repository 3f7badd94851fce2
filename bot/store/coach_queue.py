"""The coach queue and a coach's side of disagreements (issue 11): which sessions coaches
may see (sent or flagged), one page of them newest first, reviews, dispute decisions.

Exposed on the :class:`~bot.store.db.UnitOfWork` as ``uow.coach_queue`` and
``uow.coach_disputes``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case, func, or_, select, union, update

from bot.store.coach_models import SessionFlagRow
from bot.store.coaching import SessionFlagRepository
from bot.store.models import CoachRequestRow, NoteDisputeRow, PracticeSessionRow
from bot.store.repositories import _Repository

__all__ = ["CoachDisputeRepository", "CoachQueueRepository", "QueueRow"]


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


@dataclass(frozen=True)
class QueueRow:
    """One session in a coach queue: the session, its request (if sent) and its flags."""

    session: PracticeSessionRow
    request: CoachRequestRow | None
    flags: tuple[SessionFlagRow, ...]
    disputes_open: int

    @property
    def unreviewed(self) -> bool:
        """True while the request or any flag waits for a coach."""
        pending_request = self.request is not None and self.request.reviewed_at is None
        return pending_request or any(f.reviewed_at is None for f in self.flags)

    @property
    def reviewed_at(self) -> datetime | None:
        """When it was last marked reviewed (None while anything waits)."""
        if self.unreviewed:
            return None
        times = [f.reviewed_at for f in self.flags if f.reviewed_at is not None]
        if self.request is not None and self.request.reviewed_at is not None:
            times.append(self.request.reviewed_at)
        return max(times) if times else None


class CoachQueueRepository(_Repository):
    """The coach queue: sessions of a workspace that were sent to coaches or flagged."""

    async def is_visible(self, workspace_id: str, session_id: str) -> bool:
        """True when the session was sent to coaches or flagged (coaches may read it)."""
        sent = select(CoachRequestRow.id).where(
            CoachRequestRow.workspace_id == workspace_id,
            CoachRequestRow.session_id == session_id,
        )
        flagged = select(SessionFlagRow.id).where(
            SessionFlagRow.workspace_id == workspace_id,
            SessionFlagRow.session_id == session_id,
        )
        if (await self._s.execute(sent.limit(1))).first() is not None:
            return True
        return (await self._s.execute(flagged.limit(1))).first() is not None

    async def request_for(self, workspace_id: str, session_id: str) -> CoachRequestRow | None:
        """The session's (latest) coach request, if it was sent."""
        stmt = (
            select(CoachRequestRow)
            .where(
                CoachRequestRow.workspace_id == workspace_id,
                CoachRequestRow.session_id == session_id,
            )
            .order_by(CoachRequestRow.created_at.desc(), CoachRequestRow.id.desc())
            .limit(1)
            .execution_options(populate_existing=True)
        )
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def page(
        self, workspace_id: str, *, unreviewed_only: bool, offset: int, limit: int
    ) -> tuple[list[QueueRow], int]:
        """One page of the queue, newest first (by the later of sent and last-flagged time).

        Args:
            workspace_id: the tenant.
            unreviewed_only: only sessions whose request or a flag waits for review.
            offset / limit: the page.

        Returns:
            (rows of the page, total matching).
        """
        ids = union(
            select(CoachRequestRow.session_id.label("sid")).where(
                CoachRequestRow.workspace_id == workspace_id
            ),
            select(SessionFlagRow.session_id.label("sid")).where(
                SessionFlagRow.workspace_id == workspace_id
            ),
        ).subquery("ids")
        req = (
            select(
                CoachRequestRow.session_id.label("sid"),
                func.max(CoachRequestRow.created_at).label("sent_at"),
                func.sum(case((CoachRequestRow.reviewed_at.is_(None), 1), else_=0)).label(
                    "waiting"
                ),
            )
            .where(CoachRequestRow.workspace_id == workspace_id)
            .group_by(CoachRequestRow.session_id)
            .subquery("req")
        )
        flg = (
            select(
                SessionFlagRow.session_id.label("sid"),
                func.max(SessionFlagRow.created_at).label("flagged_at"),
                func.sum(case((SessionFlagRow.reviewed_at.is_(None), 1), else_=0)).label("waiting"),
            )
            .where(SessionFlagRow.workspace_id == workspace_id)
            .group_by(SessionFlagRow.session_id)
            .subquery("flg")
        )
        sent_at = req.c.sent_at
        flagged_at = flg.c.flagged_at
        latest = case(
            (sent_at.is_(None), flagged_at),
            (flagged_at.is_(None), sent_at),
            (sent_at >= flagged_at, sent_at),
            else_=flagged_at,
        )
        base = (
            select(PracticeSessionRow.id)
            .join(ids, ids.c.sid == PracticeSessionRow.id)
            .outerjoin(req, req.c.sid == PracticeSessionRow.id)
            .outerjoin(flg, flg.c.sid == PracticeSessionRow.id)
            .where(PracticeSessionRow.workspace_id == workspace_id)
        )
        if unreviewed_only:
            base = base.where(
                or_(func.coalesce(req.c.waiting, 0) > 0, func.coalesce(flg.c.waiting, 0) > 0)
            )
        total = int(
            (await self._s.execute(select(func.count()).select_from(base.subquery()))).scalar_one()
        )
        page_ids = [
            str(i)
            for i in (
                await self._s.execute(
                    base.order_by(latest.desc(), PracticeSessionRow.id)
                    .offset(max(0, offset))
                    .limit(max(1, limit))
                )
            ).scalars()
        ]
        if not page_ids:
            return [], total
        sessions = {
            r.id: r
            for r in (
                await self._s.execute(
                    select(PracticeSessionRow).where(
                        PracticeSessionRow.workspace_id == workspace_id,
                        PracticeSessionRow.id.in_(page_ids),
                    )
                )
            ).scalars()
        }
        requests: dict[str, CoachRequestRow] = {}
        for r in (
            await self._s.execute(
                select(CoachRequestRow)
                .where(
                    CoachRequestRow.workspace_id == workspace_id,
                    CoachRequestRow.session_id.in_(page_ids),
                )
                .order_by(CoachRequestRow.created_at, CoachRequestRow.id)
            )
        ).scalars():
            requests[r.session_id] = r  # the latest wins
        flags = await SessionFlagRepository(self._s, self._dialect).for_sessions(
            workspace_id, page_ids
        )
        disputes: dict[str, int] = dict(
            list(
                await self._s.execute(
                    select(NoteDisputeRow.session_id, func.count(NoteDisputeRow.id))
                    .where(
                        NoteDisputeRow.workspace_id == workspace_id,
                        NoteDisputeRow.session_id.in_(page_ids),
                        NoteDisputeRow.status == "open",
                    )
                    .group_by(NoteDisputeRow.session_id)
                )
            )
        )
        rows = [
            QueueRow(
                session=sessions[i],
                request=requests.get(i),
                flags=tuple(flags.get(i, [])),
                disputes_open=int(disputes.get(i, 0)),
            )
            for i in page_ids
            if i in sessions
        ]
        return rows, total

    async def mark_request_reviewed(
        self, workspace_id: str, session_id: str, *, by: str, now: datetime | None = None
    ) -> int:
        """Mark the session's waiting coach request reviewed. Returns how many rows changed."""
        stmt = (
            update(CoachRequestRow)
            .where(
                CoachRequestRow.workspace_id == workspace_id,
                CoachRequestRow.session_id == session_id,
                CoachRequestRow.reviewed_at.is_(None),
            )
            .values(reviewed_at=_now(now), reviewed_by=by)
            .execution_options(synchronize_session=False)
        )
        return int((await self._s.execute(stmt)).rowcount)  # type: ignore[attr-defined]


class CoachDisputeRepository(_Repository):
    """A coach's side of "Was this note wrong?" (rows: :class:`NoteDisputeRow`)."""

    async def get(self, workspace_id: str, dispute_id: int) -> NoteDisputeRow | None:
        """One disagreement of the workspace, or None."""
        stmt = (
            select(NoteDisputeRow)
            .where(NoteDisputeRow.workspace_id == workspace_id, NoteDisputeRow.id == dispute_id)
            .execution_options(populate_existing=True)
        )
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def resolve(
        self,
        workspace_id: str,
        dispute_id: int,
        verdict: str,
        *,
        by: str,
        now: datetime | None = None,
    ) -> NoteDisputeRow | None:
        """Record a coach's decision (``note_wrong`` | ``note_stands``); returns the row."""
        row = await self.get(workspace_id, dispute_id)
        if row is None:
            return None
        row.status = verdict
        row.resolved_by = by
        row.resolved_at = _now(now)
        await self._s.flush()
        return row

    async def resolved(
        self, workspace_id: str | None
    ) -> list[tuple[NoteDisputeRow, dict[str, Any]]]:
        """Every decided disagreement (one workspace, or all) with its session's snapshot.

        Returns:
            (dispute, snapshot) pairs, oldest decision first.
        """
        stmt = (
            select(NoteDisputeRow, PracticeSessionRow.snapshot)
            .join(PracticeSessionRow, PracticeSessionRow.id == NoteDisputeRow.session_id)
            .where(NoteDisputeRow.status != "open")
            .order_by(NoteDisputeRow.resolved_at, NoteDisputeRow.id)
        )
        if workspace_id is not None:
            stmt = stmt.where(NoteDisputeRow.workspace_id == workspace_id)
        return [(d, dict(snap or {})) for d, snap in await self._s.execute(stmt)]
