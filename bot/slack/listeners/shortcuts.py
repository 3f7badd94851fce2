"""Message shortcut "Review this question": reviews one message's text, privately."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import ids
from bot.slack.deps import deps_of
from bot.slack.listeners.commands import reply_privately
from bot.slack.text import from_slack

__all__ = ["register"]


def register(app: AsyncApp) -> None:
    """Register the shortcut listeners.

    Args:
        app: the Bolt app.
    """
    app.shortcut(ids.SHORTCUT_REVIEW_MESSAGE)(on_review_message)


async def on_review_message(
    ack: AsyncAck,
    body: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    """Review the chosen message's text the way a question list is reviewed; only the user sees it.

    Args:
        ack: Bolt's acknowledgement.
        body: the ``message_action`` payload.
        context: Bolt's context.
        client: the Web API client.
        respond: posts to the payload's ``response_url``.
    """
    await ack()
    deps = deps_of(context)
    message = body.get("message") or {}
    deps.tasks.spawn(
        reply_privately(
            deps,
            client,
            respond,
            from_slack(message.get("text") or ""),
            channel=(body.get("channel") or {}).get("id"),
            user_id=str(body["user"]["id"]),
            title="Review of this message",
        ),
        name="review_shortcut",
    )
