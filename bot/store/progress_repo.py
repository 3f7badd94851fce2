"""Reads for progress over practice sessions (issue 11): a workspace's sessions and turns.

Two queries per request, whatever the number of sessions: the sessions, then all
their turns. Every query is filtered on ``workspace_id``.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.store.models import PracticeSessionRow, TurnRow
from bot.store.repositories import _Repository

__all__ = ["ProgressRepository"]


class ProgressRepository(_Repository):
    """Sessions and turns of a workspace, for progress figures (rows of the store)."""

    async def sessions(
        self, workspace_id: str, user_id: str | None = None
    ) -> list[PracticeSessionRow]:
        """A workspace's sessions (or one user's), oldest first.

        Args:
            workspace_id: the tenant.
            user_id: only this owner's; None for every owner in the workspace.

        Returns:
            Rows ordered by ``created_at`` then id.
        """
        stmt = select(PracticeSessionRow).where(PracticeSessionRow.workspace_id == workspace_id)
        if user_id is not None:
            stmt = stmt.where(PracticeSessionRow.user_id == user_id)
        stmt = stmt.order_by(PracticeSessionRow.created_at, PracticeSessionRow.id)
        return list((await self._s.execute(stmt)).scalars())

    async def turns(self, workspace_id: str, user_id: str | None = None) -> list[TurnRow]:
        """The turns of those sessions, by session and turn number.

        Args:
            workspace_id: the tenant.
            user_id: only turns of this owner's sessions; None for all.

        Returns:
            Rows ordered by ``session_id`` then ``turn_index``.
        """
        stmt = (
            select(TurnRow)
            .join(PracticeSessionRow, PracticeSessionRow.id == TurnRow.session_id)
            .where(
                TurnRow.workspace_id == workspace_id,
                PracticeSessionRow.workspace_id == workspace_id,
            )
        )
        if user_id is not None:
            stmt = stmt.where(PracticeSessionRow.user_id == user_id)
        stmt = stmt.order_by(TurnRow.session_id, TurnRow.turn_index)
        return list((await self._s.execute(stmt)).scalars())
