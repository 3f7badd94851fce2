"""The progress buttons: *Show my progress chart* (App Home) and a coach's charts.

*Show my progress chart* carries no id worth trusting: the chart is always the
clicking user's own. A coach's *Team progress chart* (Home tab queue) and *This staff
member's progress* (transcript) carry ``team`` or ``staff:<user id>``; the clicking
user's role is checked in the store on every press (a crafted value from someone
who is not a coach of this workspace gets a refusal and no chart), and the progress
service keeps every figure inside the workspace.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.presenters import progress as say
from bot.slack import ids, progress_blocks
from bot.slack.deps import deps_of, team_of

__all__ = ["on_coach_progress", "on_progress_chart", "register"]

log = logging.getLogger(__name__)

_COACH_VALUE = re.compile(r"^(?:team|staff:([A-Z0-9][A-Z0-9._-]{1,39}))$")
"""``team`` or ``staff:<Slack user id>``."""


def register(app: AsyncApp) -> None:
    """Register the progress listeners.

    Args:
        app: the Bolt app.
    """
    app.action(ids.ACTION_PROGRESS_CHART)(on_progress_chart)
    app.action(ids.ACTION_COACH_PROGRESS)(on_coach_progress)


async def on_progress_chart(
    ack: AsyncAck,
    body: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """*Show my progress chart*: acknowledge, then draw and DM the user's own chart.

    Args:
        ack: Bolt's acknowledgement.
        body: the ``block_actions`` payload (from the App Home).
        context: Bolt's context.
        client: the Web API client.
    """
    await ack()
    deps = deps_of(context)
    team_id = team_of(body, context)
    user_id = str(body["user"]["id"])
    deps.tasks.spawn(
        progress_blocks.post_progress_chart(
            deps, client, team_id, user_id, user_id, viewer_is_coach=False
        ),
        name="progress_chart",
    )


async def on_coach_progress(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """A coach's chart (the workspace, or one staff member): acknowledge, check, then DM it.

    Args:
        ack: Bolt's acknowledgement.
        body: the ``block_actions`` payload (Home tab or transcript modal).
        action: the pressed button (value ``team`` or ``staff:<user id>``).
        context: Bolt's context.
        client: the Web API client.
    """
    await ack()
    deps = deps_of(context)
    team_id = team_of(body, context)
    user_id = str(body["user"]["id"])
    found = _COACH_VALUE.match(str(action.get("value") or ""))

    async def work() -> None:
        if found is None or not await deps.coach.is_coach(team_id, user_id):
            log.warning("refused %s by %s", ids.ACTION_COACH_PROGRESS, user_id)
            await progress_blocks.tell(client, user_id, say.COACHES_ONLY)
            return
        await progress_blocks.post_progress_chart(
            deps, client, team_id, user_id, found.group(1), viewer_is_coach=True
        )

    deps.tasks.spawn(work(), name="coach_progress_chart")
