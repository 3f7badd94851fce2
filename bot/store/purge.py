"""Deleting data for retention and for "delete my data": rows and everything hanging off them.

Which rows hang off a row is read from the SQLAlchemy metadata's foreign keys
(:data:`bot.store.models.Base.metadata`), so a table added later with a foreign
key to ``practice_sessions`` (or ``interviews``) is deleted with its parent too,
without changing this module. Children are deleted explicitly, deepest first,
before their parents, so nothing depends on the database's own ``ON DELETE
CASCADE`` (which SQLite honors only with ``PRAGMA foreign_keys=ON``); a foreign
key declared ``ON DELETE SET NULL`` is honored by setting it to NULL instead.

Counts are per table name; callers word them (:mod:`bot.presenters.data_rights`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    delete,
    func,
    select,
    tuple_,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.chat_refs import ChatRefRow
from bot.store.models import (
    Base,
    CoachRequestRow,
    InterviewRow,
    NoteDisputeRow,
    PracticeSessionRow,
    ProcessedEventRow,
    ReflectionRow,
    ReminderRow,
    TeamDecisionRow,
    UserSettingsRow,
)

__all__ = ["PurgeRepository", "dependents"]


Dependent = tuple[Table, Sequence[Any], Sequence[Any], str | None]
"""A child table, its foreign-key columns, the columns they reference, its ``ondelete``."""


def dependents(table: Table) -> list[Dependent]:
    """The tables whose rows reference ``table``, from the metadata's foreign keys.

    Args:
        table: a table of :data:`Base.metadata`.

    Returns:
        ``(child table, child columns, referenced columns, ondelete)`` per foreign
        key, in the metadata's table order (self-references left out).
    """
    out: list[Dependent] = []
    for child in Base.metadata.sorted_tables:
        if child is table:
            continue
        for fk in child.foreign_key_constraints:
            if fk.referred_table is not table:
                continue
            cols = list(fk.columns)
            refs = [e.column for e in fk.elements]
            out.append((child, cols, refs, (fk.ondelete or "").upper() or None))
    return out


def _refers(cols: Sequence[Any], refs: Sequence[Any], parent_where: ColumnElement[bool]) -> Any:
    keys = select(*refs).where(parent_where)
    if len(cols) == 1:
        return cols[0].in_(keys)
    return tuple_(*cols).in_(keys)


class PurgeRepository:
    """Deletes for retention and for one user's erasure (inside the caller's transaction)."""

    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self._s = session
        self._dialect = dialect

    async def _delete_tree(
        self,
        table: Table,
        where: ColumnElement[bool],
        counts: Counter[str],
        path: tuple[Table, ...] = (),
    ) -> None:
        """Delete ``table``'s rows matching ``where`` and, first, every row referencing them."""
        for child, cols, refs, ondelete in dependents(table):
            if child in path or child is table:
                continue  # a cycle: its rows go with the first table on the path
            child_where = _refers(cols, refs, where)
            if ondelete == "SET NULL":
                await self._s.execute(
                    update(child)
                    .where(child_where)
                    .values({c.name: None for c in cols})
                    .execution_options(synchronize_session=False)
                )
                continue
            await self._delete_tree(child, child_where, counts, (*path, table))
        result = await self._s.execute(
            delete(table).where(where).execution_options(synchronize_session=False)
        )
        counts[table.name] += int(result.rowcount or 0)  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ lookups

    async def session_workspace(self, session_id: str) -> str | None:
        """The workspace a session id belongs to (the operator's export), or None."""
        stmt = select(PracticeSessionRow.workspace_id).where(PracticeSessionRow.id == session_id)
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def interviews_of(self, workspace_id: str, user_id: str) -> list[InterviewRow]:
        """Every interview (deleted ones too) a user logged in a workspace."""
        stmt = select(InterviewRow).where(
            InterviewRow.workspace_id == workspace_id, InterviewRow.user_id == user_id
        )
        return list((await self._s.execute(stmt)).scalars())

    async def count_rows(self) -> dict[str, int]:
        """Rows per table of the metadata (for checks and the operator's report)."""
        out = {}
        for table in Base.metadata.sorted_tables:
            out[table.name] = int(
                (await self._s.execute(select(func.count()).select_from(table))).scalar_one()
            )
        return out

    # ------------------------------------------------------------------ retention

    async def purge_sessions_before(self, cutoff: datetime) -> Counter[str]:
        """Delete sessions last active before ``cutoff`` (all workspaces) and their rows.

        Args:
            cutoff: UTC; a session whose ``updated_at`` is earlier goes.

        Returns:
            Rows deleted per table name.
        """
        counts: Counter[str] = Counter()
        table = PracticeSessionRow.__table__
        await self._delete_tree(table, table.c.updated_at < cutoff, counts)  # type: ignore[arg-type]
        return counts

    async def purge_events_before(self, cutoff: datetime) -> int:
        """Delete processed-event keys claimed before ``cutoff``; returns how many."""
        result = await self._s.execute(
            delete(ProcessedEventRow)
            .where(ProcessedEventRow.created_at < cutoff)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ one user

    async def delete_user(self, workspace_id: str, user_id: str) -> tuple[Counter[str], int]:
        """Delete one user's rows in one workspace (see the service for what that means).

        Args:
            workspace_id: the tenant.
            user_id: whose data.

        Returns:
            ``(rows deleted per table name, rows kept whose author field was cleared or,
            for a team post, handed to another interviewer of the gathering)``.
        """
        counts: Counter[str] = Counter()
        sessions = PracticeSessionRow.__table__
        interviews = InterviewRow.__table__
        mine_s = and_(sessions.c.workspace_id == workspace_id, sessions.c.user_id == user_id)
        mine_i = and_(interviews.c.workspace_id == workspace_id, interviews.c.user_id == user_id)
        await self._delete_tree(sessions, mine_s, counts)  # type: ignore[arg-type]
        await self._delete_tree(interviews, mine_i, counts)  # type: ignore[arg-type]
        ws = workspace_id
        # the user's own rows on sessions or interviews that are not theirs
        for model, column in (
            (CoachRequestRow, CoachRequestRow.requested_by),
            (NoteDisputeRow, NoteDisputeRow.user_id),
            (ReflectionRow, ReflectionRow.user_id),
            (UserSettingsRow, UserSettingsRow.user_id),
        ):
            await self._delete_tree(
                model.__table__,  # type: ignore[arg-type]
                and_(model.workspace_id == ws, column == user_id),
                counts,
            )
        # where the app could reach them (their 1:1 chat and the name it showed)
        await self._delete_tree(
            ChatRefRow.__table__,  # type: ignore[arg-type]
            and_(
                ChatRefRow.workspace_id == ws,
                ChatRefRow.kind == "personal",
                ChatRefRow.key == user_id,
            ),
            counts,
        )
        # reminders not about an interview: a DM to the user goes; a team post stays
        await self._delete_tree(
            ReminderRow.__table__,  # type: ignore[arg-type]
            and_(
                ReminderRow.workspace_id == ws,
                ReminderRow.user_id == user_id,
                ReminderRow.channel_id.is_(None),
            ),
            counts,
        )
        # a team post the user would have been told about: another interviewer of that
        # gathering is told instead (or nobody, when none is left)
        other = (
            select(InterviewRow.user_id)
            .where(
                InterviewRow.workspace_id == ReminderRow.workspace_id,
                InterviewRow.gathering_key == ReminderRow.dedupe_key,
                InterviewRow.deleted_at.is_(None),
                InterviewRow.user_id != user_id,
            )
            .order_by(InterviewRow.created_at, InterviewRow.id)
            .limit(1)
            .correlate(ReminderRow)
            .scalar_subquery()
        )
        scrubbed = 0
        for stmt in (
            update(ReminderRow)
            .where(ReminderRow.workspace_id == ws, ReminderRow.user_id == user_id)
            .values(user_id=other),
            update(TeamDecisionRow)
            .where(TeamDecisionRow.workspace_id == ws, TeamDecisionRow.decided_by == user_id)
            .values(decided_by=""),
            update(NoteDisputeRow)
            .where(NoteDisputeRow.workspace_id == ws, NoteDisputeRow.resolved_by == user_id)
            .values(resolved_by=None),
        ):
            result = await self._s.execute(stmt.execution_options(synchronize_session=False))
            scrubbed += int(result.rowcount or 0)  # type: ignore[attr-defined]
        return counts, scrubbed
