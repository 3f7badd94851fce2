"""Block actions: start / practice again, end practice, send to a coach, App Home settings.

Every action is acknowledged first. Button values carry only ids (a persona
id or a session id); the services check that the clicking user owns the
session, so a tampered value is refused (and logged) instead of acting on
someone else's session.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.sessions import NotYourSession, SessionBusy, SessionNotFound
from bot.slack import blocks, flows, ids
from bot.slack.app import SlackDeps
from bot.slack.listeners import deps_of, team_of

__all__ = ["register"]

log = logging.getLogger(__name__)

_NOT_YOURS = "That practice session belongs to someone else, so I can't do that."
_NOT_FOUND = "I couldn't find that practice session."


def register(app: AsyncApp) -> None:
    """Register the block-action listeners.

    Args:
        app: the Bolt app.
    """
    app.action(ids.ACTION_START)(on_start)
    app.action(ids.ACTION_PRACTICE_AGAIN)(on_start)
    app.action(ids.ACTION_END)(on_end)
    app.action(ids.ACTION_SEND_TO_COACH)(on_send_to_coach)
    app.action(ids.ACTION_LIVE_NOTES)(on_live_notes)
    app.action(ids.ACTION_HOME_REVIEW)(on_home_review)


def _where(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """(channel, thread) the clicked message lives in, when it is a message."""
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    message = body.get("message") or {}
    return channel, message.get("thread_ts") or message.get("ts")


async def on_start(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """A persona's Start button or the debrief's Practice again: start in the DM.

    Args:
        ack: Bolt's acknowledgement.
        body: the ``block_actions`` payload.
        action: the clicked button (value: persona id).
        context: Bolt's context.
        client: the Web API client.
    """
    await ack()
    deps = deps_of(context)
    user_id = str(body["user"]["id"])
    persona = deps.personas.get(str(action.get("value") or ""))
    if persona is None:
        log.warning("refused %s: its value names no persona", action.get("action_id"))
        channel, _thread = _where(body)
        await flows.whisper(client, channel, user_id, "That caregiver is not available.")
        return
    deps.tasks.spawn(
        flows.start_practice(
            deps, client, team_id=team_of(body, context), user_id=user_id, persona=persona
        ),
        name="practice_start",
    )


async def _guarded(
    deps: SlackDeps,
    client: AsyncWebClient,
    body: dict[str, Any],
    action_id: str,
    work: Any,
) -> None:
    """Run session work; turn ownership and lookup failures into a private notice."""
    user_id = str(body["user"]["id"])
    channel, thread = _where(body)
    try:
        await work
    except NotYourSession:
        log.warning("refused %s by %s: the session is someone else's", action_id, user_id)
        await flows.whisper(client, channel, user_id, _NOT_YOURS, thread_ts=thread)
    except SessionNotFound:
        log.warning("refused %s by %s: no such session", action_id, user_id)
        await flows.whisper(client, channel, user_id, _NOT_FOUND, thread_ts=thread)
    except SessionBusy as exc:
        await flows.whisper(client, channel, user_id, str(exc), thread_ts=thread)


async def on_end(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """End practice: the debrief card in the practice thread.

    Args:
        ack: Bolt's acknowledgement.
        body: the ``block_actions`` payload.
        action: the clicked button (value: session id).
        context: Bolt's context.
        client: the Web API client.
    """
    await ack()
    deps = deps_of(context)
    work = flows.end_practice(
        deps,
        client,
        team_id=team_of(body, context),
        user_id=str(body["user"]["id"]),
        session_id=str(action.get("value") or ""),
    )
    deps.tasks.spawn(_guarded(deps, client, body, ids.ACTION_END, work), name="practice_end")


async def on_send_to_coach(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """Send to a coach: store the request and confirm.

    Args:
        ack: Bolt's acknowledgement.
        body: the ``block_actions`` payload.
        action: the clicked button (value: session id).
        context: Bolt's context.
        client: the Web API client.
    """
    await ack()
    deps = deps_of(context)
    work = flows.request_coach(
        deps,
        client,
        team_id=team_of(body, context),
        user_id=str(body["user"]["id"]),
        session_id=str(action.get("value") or ""),
    )
    deps.tasks.spawn(
        _guarded(deps, client, body, ids.ACTION_SEND_TO_COACH, work), name="send_to_coach"
    )


async def on_live_notes(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """The App Home live-notes setting changed: store it and refresh the home.

    Args:
        ack: Bolt's acknowledgement.
        body: the ``block_actions`` payload.
        action: the radio buttons (selected value ``on`` or ``off``).
        context: Bolt's context.
        client: the Web API client.
    """
    await ack()
    deps = deps_of(context)
    value = ((action.get("selected_option") or {}).get("value")) or ""
    if value not in ("on", "off"):
        log.warning("refused %s: unexpected value", ids.ACTION_LIVE_NOTES)
        return
    team_id = team_of(body, context)
    user_id = str(body["user"]["id"])

    async def work() -> None:
        await deps.sessions.set_live_notes(team_id, user_id, value == "on")
        await flows.publish_home(deps, client, team_id=team_id, user_id=user_id)

    deps.tasks.spawn(work(), name="live_notes")


async def on_home_review(
    ack: AsyncAck, body: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """App Home's "Review a question list": open the review modal.

    Args:
        ack: Bolt's acknowledgement.
        body: the ``block_actions`` payload (its ``trigger_id`` opens the modal).
        context: Bolt's context.
        client: the Web API client.
    """
    await ack()
    meta = json.dumps({"user": str(body["user"]["id"])})
    await client.views_open(trigger_id=body["trigger_id"], view=blocks.review_modal(meta))
