"""Event listeners: ``message.im`` (practice turns) and ``app_home_opened``.

Bolt acknowledges events before a listener runs; these listeners only
filter, then start the work in the background. Every event is claimed in the
store by its ``event_id`` (and a message also by its ``client_msg_id``)
before anything is posted, so a Slack retry (``x-slack-retry-num``) or a
redelivered Socket Mode envelope never produces a second reply, even when it
reaches another process.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.sessions import SessionBusy
from bot.slack import blocks, flows
from bot.slack.app import SlackDeps
from bot.slack.listeners import deps_of, team_of
from bot.slack.text import from_slack

__all__ = ["claim", "register"]

log = logging.getLogger(__name__)

_TEXT_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})
"""Message subtypes a person sends; edits, deletions, joins and bot posts are ignored."""


def register(app: AsyncApp) -> None:
    """Register the event listeners.

    Args:
        app: the Bolt app.
    """
    app.event("message")(on_message)
    app.event("app_home_opened")(on_app_home_opened)


async def claim(deps: SlackDeps, team_id: str, body: dict[str, Any], event: dict[str, Any]) -> bool:
    """Claim an event exactly once (store-backed, so it holds across processes).

    Args:
        deps: listener dependencies.
        team_id: the workspace.
        body: the event callback body (its ``event_id``).
        event: the event (its ``client_msg_id``, or channel and ``ts``).

    Returns:
        True when this delivery is the first; False for a retry or redelivery.
    """
    keys: list[str] = []
    if body.get("event_id"):
        keys.append(f"event:{body['event_id']}")
    if event.get("client_msg_id"):
        keys.append(f"msg:{event['client_msg_id']}")
    if not keys and event.get("ts"):
        keys.append(f"ts:{event.get('channel')}:{event['ts']}")
    for key in keys:
        if not await deps.sessions.claim_event(team_id, key):
            log.info("duplicate delivery of %s ignored", key.split(":", 1)[0])
            return False
    return True


async def on_message(
    body: dict[str, Any],
    event: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
    say_stream: Any = None,
) -> None:
    """A message in the app's DM: a practice turn, ``end``, a start request, or nothing.

    Args:
        body: the event callback.
        event: the message event.
        context: Bolt's context.
        client: the Web API client.
        say_stream: Bolt's streaming utility for this thread (when available).
    """
    if event.get("channel_type") != "im":
        return
    if event.get("subtype") not in _TEXT_SUBTYPES or event.get("hidden"):
        return  # edits, deletions, joins, bot messages
    if event.get("bot_id") or not event.get("user"):
        return
    deps = deps_of(context)
    deps.tasks.spawn(
        _handle_message(deps, client, team_of(body, context), body, event, say_stream),
        name="message",
    )


async def _handle_message(
    deps: SlackDeps,
    client: AsyncWebClient,
    team_id: str,
    body: dict[str, Any],
    event: dict[str, Any],
    say_stream: Any,
) -> None:
    if not await claim(deps, team_id, body, event):
        return
    user_id = str(event["user"])
    channel = str(event["channel"])
    ts = str(event["ts"])
    thread_ts = event.get("thread_ts")
    text = from_slack(event.get("text") or "").strip()
    session = await _find_session(deps, team_id, channel, thread_ts) if thread_ts else None

    if session is None or (not session.active and flows.parse_start_request(text) is not None):
        await _maybe_start(deps, client, team_id, user_id, channel, ts, thread_ts, text, session)
        return
    if session.user_id != user_id:
        log.warning("refused a message in session %s: the author does not own it", session.id)
        return
    if not text:
        if event.get("files"):
            persona = deps.personas.get(session.persona_id)
            name = blocks.first_name(persona) if persona else None
            await flows.post_messages(
                client,
                channel,
                [blocks.Message(text=blocks.file_only_text(name))],
                thread_ts=session.thread_ts,
            )
        return
    if text.lower() in flows.END_WORDS:
        try:
            await flows.end_practice(
                deps, client, team_id=team_id, user_id=user_id, session_id=session.id
            )
        except SessionBusy as exc:
            await flows.post_messages(
                client, channel, [blocks.notice(str(exc))], thread_ts=session.thread_ts
            )
        return
    await flows.run_turn(
        deps,
        client,
        team_id=team_id,
        user_id=user_id,
        session_id=session.id,
        persona_id=session.persona_id,
        channel_id=channel,
        thread_ts=str(thread_ts),  # the session was found by this thread
        text=text,
        say_stream=say_stream,
    )


async def _find_session(deps: SlackDeps, team_id: str, channel: str, thread_ts: str) -> Any:
    """The session of a thread; looked up again a few times if not found at first.

    A practice thread is tied to its session right after the intro card is
    posted, so a reply sent in that instant (or under heavy load) may arrive
    first; a short wait avoids dropping it.
    """
    session = await deps.sessions.find_by_thread(team_id, channel, thread_ts)
    for wait in deps.thread_lookup_waits:
        if session is not None:
            break
        await asyncio.sleep(wait)
        session = await deps.sessions.find_by_thread(team_id, channel, thread_ts)
    return session


async def _maybe_start(
    deps: SlackDeps,
    client: AsyncWebClient,
    team_id: str,
    user_id: str,
    channel: str,
    ts: str,
    thread_ts: str | None,
    text: str,
    session: Any,
) -> None:
    """Start practice from a message such as a suggested prompt; ignore anything else."""
    who = flows.parse_start_request(text)
    if who is None:
        return  # not a practice thread, not a start request: ignore
    persona = flows.find_persona(deps.personas, who) if who else None
    # practise in the thread the request was made in, unless an ended session holds it
    root = None if session is not None else (thread_ts or ts)
    if persona is None:
        intro = f"I don't know a caregiver called “{who}”." if who else None
        picker = blocks.persona_picker(list(deps.personas.values()), intro=intro)
        await flows.post_messages(client, channel, [picker], thread_ts=thread_ts or ts)
        return
    await flows.start_practice(
        deps,
        client,
        team_id=team_id,
        user_id=user_id,
        persona=persona,
        channel_id=channel,
        thread_ts=root,
    )


async def on_app_home_opened(
    body: dict[str, Any], event: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """Publish the App Home when its Home tab is opened.

    Args:
        body: the event callback.
        event: the ``app_home_opened`` event.
        context: Bolt's context.
        client: the Web API client.
    """
    if event.get("tab", "home") != "home" or not event.get("user"):
        return
    deps = deps_of(context)
    team_id = team_of(body, context)

    async def work() -> None:
        if await claim(deps, team_id, body, event):
            await flows.publish_home(deps, client, team_id=team_id, user_id=str(event["user"]))

    deps.tasks.spawn(work(), name="app_home")
