"""The progress button: *Show my progress chart* on the App Home.

The button carries no id worth trusting: the chart is always the clicking user's
own (a staff member's progress is theirs to see). A coach's charts of other staff or
of the workspace come through :func:`bot.slack.progress_blocks.post_progress_chart`,
called by the coach UI with the viewer's role.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import ids, progress_blocks
from bot.slack.deps import deps_of, team_of

__all__ = ["on_progress_chart", "register"]


def register(app: AsyncApp) -> None:
    """Register the progress listeners.

    Args:
        app: the Bolt app.
    """
    app.action(ids.ACTION_PROGRESS_CHART)(on_progress_chart)


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
