"""The coach parts of the App Home: a coach's queue, and for staff, who read their sessions.

:func:`bot.slack.flows.publish_home` calls :func:`with_coach_section`; a user who is
not a coach and whose sessions no coach has read sees the Home tab unchanged.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.presenters.coach_views import ReadRow
from bot.services import coach_screens
from bot.services.coaching_results import CoachError
from bot.services.session_results import SessionError
from bot.slack import coach_blocks, coach_messages
from bot.slack.deps import SlackDeps
from bot.store import StoreUnavailable

__all__ = ["QUEUE_ON_HOME", "with_coach_section"]

log = logging.getLogger(__name__)

QUEUE_ON_HOME = 5
"""Sessions per page of the coach queue on the Home tab (one block each)."""


async def with_coach_section(
    deps: SlackDeps,
    view: dict[str, Any],
    *,
    team_id: str,
    user_id: str,
    unreviewed_only: bool = True,
    offset: int = 0,
) -> dict[str, Any]:
    """The Home view with the coach queue (for a coach) and the sessions coaches read.

    Args:
        deps: listener dependencies.
        view: the ``home`` view built so far.
        team_id: the workspace.
        user_id: whose home.
        unreviewed_only: the queue's filter.
        offset: the queue's page.

    Returns:
        ``view`` with these after its intro (at most 100 blocks), or unchanged.
    """
    coach = deps.coach
    section: list[dict[str, Any]] = []
    try:
        if await coach.is_coach(team_id, user_id):
            page = await coach.queue(
                team_id,
                user_id,
                unreviewed_only=unreviewed_only,
                offset=offset,
                limit=QUEUE_ON_HOME,
            )
            section = coach_blocks.queue_blocks(coach_screens.queue_view(page, deps.personas))
        section += await _read_by_coaches(deps, team_id=team_id, user_id=user_id)
    except (CoachError, SessionError, StoreUnavailable) as exc:
        log.warning("no coach section on the Home tab: %s", type(exc).__name__)
        return view
    if not section:
        return view
    blocks = list(view.get("blocks") or [])
    return {**view, "blocks": [*blocks[:3], *section, *blocks[3:]][: coach_blocks.MAX_VIEW_BLOCKS]}


async def _read_by_coaches(deps: SlackDeps, *, team_id: str, user_id: str) -> list[dict[str, Any]]:
    """The user's recent sessions a coach has read (staff see every read of their own)."""
    rows = []
    for info in await deps.sessions.recent_sessions(team_id, user_id, limit=QUEUE_ON_HOME):
        reads = await deps.coach.reads(team_id, user_id, info.id)
        if reads:
            name = coach_screens.persona_name(deps.personas, info.persona_id)
            view_reads = [ReadRow(coach_user_id=r.coach_user_id, read_at=r.read_at) for r in reads]
            rows.append((info.id, name, info.created_at, view_reads))
    return coach_messages.staff_reads_blocks(rows)
