"""The coach's section of the App Home: the queue of sent and flagged sessions.

:func:`bot.slack.flows.publish_home` calls :func:`with_coach_section`; a user who
is not a coach sees the Home tab unchanged.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.services import coach_screens
from bot.services.coaching_results import CoachError
from bot.slack import coach_blocks
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
    """The Home view with the coach queue near the top, when the user coaches here.

    Args:
        deps: listener dependencies.
        view: the ``home`` view built so far.
        team_id: the workspace.
        user_id: whose home.
        unreviewed_only: the queue's filter.
        offset: the queue's page.

    Returns:
        ``view`` with the queue after its intro (at most 100 blocks), or unchanged.
    """
    coach = deps.coach
    try:
        if not await coach.is_coach(team_id, user_id):
            return view
        page = await coach.queue(
            team_id, user_id, unreviewed_only=unreviewed_only, offset=offset, limit=QUEUE_ON_HOME
        )
    except (CoachError, StoreUnavailable) as exc:
        log.warning("no coach queue on the Home tab: %s", type(exc).__name__)
        return view
    section = coach_blocks.queue_blocks(coach_screens.queue_view(page, deps.personas))
    blocks = list(view.get("blocks") or [])
    return {**view, "blocks": [*blocks[:3], *section, *blocks[3:]][: coach_blocks.MAX_VIEW_BLOCKS]}
