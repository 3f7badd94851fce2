"""Progress over practice sessions: who may see whose figures, read from the store.

Platform-neutral. The figures themselves (open-question share, reflection-to-question
ratio with MITI 4.2.1's fair 1:1 and good 2:1, intervention findings per 10 turns,
layers reached, insight reached) are computed by :mod:`bot.core.progress` from the
stored turns' reviews and the sessions' engine snapshots, with the reviewer's and the
debrief's own classes of question, open question, reflection and intervention.

Access (the caller states the viewer's role; roles live elsewhere):

- a staff member sees only their own progress (:meth:`ProgressService.staff_progress`
  with another ``staff_id`` raises :class:`NotYourSession`);
- a coach sees any staff member of the workspace, and the workspace (and its schools,
  where the caller tags users with schools) as a whole;
- nothing crosses workspaces: every read is filtered on ``workspace_id``, so a staff
  member of another workspace simply has no sessions here.

Schools: the store keeps no user-to-school tags yet; a caller that knows them passes
``user_schools`` (user id -> school) to :meth:`ProgressService.workspace_progress`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from bot.core.models import Review
from bot.core.persona import Persona
from bot.core.progress import (
    Figures,
    GroupProgress,
    SessionPoint,
    StaffProgress,
    TurnFigures,
    WeekPoint,
    WorkspaceProgress,
    session_point,
    staff_progress,
    turn_figures,
    workspace_progress,
)
from bot.personas import get_persona
from bot.presenters import progress as say
from bot.services.session_results import NotYourSession
from bot.store import PracticeSessionRow, Store, TurnRow

__all__ = [
    "CoachesOnly",
    "Figures",
    "GroupProgress",
    "NotYourSession",
    "ProgressService",
    "SessionPoint",
    "StaffProgress",
    "WeekPoint",
    "WorkspaceProgress",
]

log = logging.getLogger(__name__)


class CoachesOnly(NotYourSession):
    """A staff member asked for the workspace's progress, which only coaches see."""


def _layers(row: PracticeSessionRow) -> tuple[int, bool]:
    """(distinct layers disclosed, insight reached) from a session's engine snapshot."""
    snap: dict[str, Any] = row.snapshot or {}
    disclosed = snap.get("disclosed_ids") or []
    return len(set(disclosed)), bool(snap.get("insight_reached"))


class ProgressService:
    """Read progress figures for staff members and coaches.

    Args:
        store: the database.
        persona_loader: persona id -> card (for the number of layers on a card);
            :func:`bot.personas.get_persona` when None. An unknown card gives
            ``layers_total`` None, never an error.
    """

    def __init__(
        self, store: Store, *, persona_loader: Callable[[str], Persona] | None = None
    ) -> None:
        self._store = store
        self._load_persona = persona_loader or get_persona
        self._layer_counts: dict[str, int | None] = {}

    def _layers_total(self, persona_id: str) -> int | None:
        if persona_id not in self._layer_counts:
            try:
                self._layer_counts[persona_id] = len(self._load_persona(persona_id).layers)
            except Exception:  # an unknown or retired card: the count is simply unknown
                self._layer_counts[persona_id] = None
        return self._layer_counts[persona_id]

    async def _points(self, workspace_id: str, user_id: str | None) -> list[SessionPoint]:
        """Points of a workspace's (or one user's) sessions, oldest first; none for no turn."""
        async with self._store.unit_of_work() as uow:
            sessions = await uow.progress.sessions(workspace_id, user_id)
            turns = await uow.progress.turns(workspace_id, user_id)
        by_session: dict[str, list[TurnRow]] = {}
        for turn in turns:
            by_session.setdefault(turn.session_id, []).append(turn)
        points: list[SessionPoint] = []
        for row in sessions:
            rows = by_session.get(row.id)
            if not rows:
                continue
            figures: list[TurnFigures] = [
                turn_figures(t.staff, Review.model_validate(t.review)) for t in rows
            ]
            reached, insight = _layers(row)
            points.append(
                session_point(
                    session_id=row.id,
                    user_id=row.user_id,
                    persona_id=row.persona_id,
                    started_at=row.created_at,
                    ended=row.status == "ended",
                    turns=figures,
                    layers_reached=reached,
                    layers_total=self._layers_total(row.persona_id),
                    insight_reached=insight,
                )
            )
        return points

    async def staff_progress(
        self, workspace_id: str, viewer_id: str, staff_id: str, *, viewer_is_coach: bool
    ) -> StaffProgress:
        """One staff member's progress across their sessions in this workspace.

        Args:
            workspace_id: the tenant.
            viewer_id: who asks.
            staff_id: whose progress.
            viewer_is_coach: the viewer is a coach of this workspace (the caller
                checked the role).

        Returns:
            The :class:`StaffProgress` (no sessions when the staff member has none
            here, including a user of another workspace).

        Raises:
            NotYourSession: a staff member (not a coach) asked for someone else's.
        """
        if not viewer_is_coach and viewer_id != staff_id:
            log.warning("refused progress of another staff member to %s", viewer_id)
            raise NotYourSession(say.NOT_YOURS)
        points = await self._points(workspace_id, staff_id)
        return staff_progress(workspace_id, staff_id, points)

    async def workspace_progress(
        self,
        workspace_id: str,
        viewer_id: str,
        *,
        viewer_is_coach: bool,
        user_schools: Mapping[str, str] | None = None,
    ) -> WorkspaceProgress:
        """The workspace's progress: each staff member's, the whole, and per school.

        Args:
            workspace_id: the tenant.
            viewer_id: who asks.
            viewer_is_coach: the viewer is a coach of this workspace.
            user_schools: user id -> school name, when the caller knows them.

        Returns:
            The :class:`WorkspaceProgress`.

        Raises:
            CoachesOnly: the viewer is not a coach (a :class:`NotYourSession`).
        """
        if not viewer_is_coach:
            log.warning("refused the workspace's progress to %s (not a coach)", viewer_id)
            raise CoachesOnly(say.COACHES_ONLY)
        points = await self._points(workspace_id, None)
        return workspace_progress(workspace_id, points, user_schools=user_schools)
