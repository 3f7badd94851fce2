"""Event listeners: ``message.im`` (practice turns), ``app_mention`` and ``app_home_opened``.

Bolt acknowledges events before a listener runs; these listeners only
filter, then start the work in the background. Every event is claimed in the
store by its ``event_id`` (and a message also by its ``client_msg_id``)
before anything is posted, so a Slack retry (``x-slack-retry-num``) or a
redelivered Socket Mode envelope never produces a second reply, even when it
reaches another process. A message is claimed durably, with its text, under a
short renewed lease (:class:`bot.services.recovery.DurableChat`): when the
process dies mid-turn, the claim lapses and the turn is answered after all.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.presenters import practice as say
from bot.presenters.views import Notice
from bot.services.claims import Claim, PendingWork
from bot.services.ports import ConversationRef
from bot.slack import flows
from bot.slack.deps import SlackDeps, deps_of, team_of
from bot.slack.outbox import SlackOutbox
from bot.slack.payloads import PARSED_BODY
from bot.slack.text import from_slack
from bot.store import StoreUnavailable

__all__ = ["claim", "on_app_mention", "register"]

log = logging.getLogger(__name__)

_TEXT_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})
"""Message subtypes a person sends; edits, deletions, joins and bot posts are ignored."""


def register(app: AsyncApp) -> None:
    """Register the event listeners.

    Args:
        app: the Bolt app.
    """
    app.event("message")(on_message)
    app.event("app_mention")(on_app_mention)
    app.event("app_home_opened")(on_app_home_opened)


def event_keys(body: dict[str, Any], event: dict[str, Any]) -> list[str]:
    """The claim keys of an event: ``msg:<client_msg_id>`` first (stable across
    retries of one message), then ``event:<event_id>``; ``ts:<channel>:<ts>`` when
    neither is given.

    Args:
        body: the event callback body.
        event: the event.

    Returns:
        The keys (possibly empty).
    """
    keys: list[str] = []
    if event.get("client_msg_id"):
        keys.append(f"msg:{event['client_msg_id']}")
    if body.get("event_id"):
        keys.append(f"event:{body['event_id']}")
    if not keys and event.get("ts"):
        keys.append(f"ts:{event.get('channel')}:{event['ts']}")
    return keys


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
    for key in event_keys(body, event):
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
    if not is_practice_message(event):
        return
    deps = deps_of(context)
    deps.tasks.spawn(
        _handle_message(deps, client, team_of(body, context), body, event, say_stream),
        name="message",
    )


def is_practice_message(event: dict[str, Any]) -> bool:
    """True for a person's text message in the app's DM (what :func:`on_message` answers)."""
    if event.get("channel_type") != "im":
        return False
    if event.get("subtype") not in _TEXT_SUBTYPES or event.get("hidden"):
        return False  # edits, deletions, joins, bot messages
    return not event.get("bot_id") and bool(event.get("user"))


def message_work(team_id: str, body: dict[str, Any], event: dict[str, Any]) -> PendingWork:
    """The durable work for a DM message event (what is claimed and stored before answering)."""
    ref = ConversationRef(
        platform="slack",
        workspace_id=team_id,
        conversation_id=str(event["channel"]),
        user_id=str(event["user"]),
        thread_id=event.get("thread_ts"),
    )
    return PendingWork(
        kind="message",
        ref=ref,
        keys=event_keys(body, event) or [f"ts:{ref.conversation_id}:{event.get('ts')}"],
        text=from_slack(event.get("text") or ""),
        has_files=bool(event.get("files")),
        message_id=str(event["ts"]),
    )


_PRECLAIMED: ContextVar[tuple[tuple[str, ...], Claim | None] | None] = ContextVar(
    "preclaimed", default=None
)
"""The claim :func:`preclaim_middleware` took for this request's message (None: a duplicate)."""


def preclaim_middleware(deps: SlackDeps, path: str, team_id: str) -> Any:
    """An aiohttp middleware that claims a DM message before Bolt acknowledges it.

    Bolt answers an event with 200 before its listener runs; a process killed between that
    answer and the claim lost the message (Slack does not resend an acknowledged event;
    found by ``bench/district_day.py``). Here the message is stored with its claim first,
    so a crash at any later moment leaves it for the recovery. Only for the one workspace
    of single-token mode (``team_id``); a store that cannot save leaves the claim to the
    listener, which tells the user. The listener finds the claim in a context variable.

    Args:
        deps: the listeners' dependencies (their durable chat claims).
        path: the Request URL path.
        team_id: the bot token's workspace (``auth.test``).

    Returns:
        The middleware for ``web.Application.middlewares`` (after the request guard).
    """

    @web.middleware
    async def preclaim(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        body = request.get(PARSED_BODY)  # the request guard's checked body
        if request.method == "POST" and request.path == path and isinstance(body, dict):
            event = body.get("event")
            if (
                body.get("type") == "event_callback"
                and body.get("team_id") == team_id
                and isinstance(event, dict)
                and event.get("type") == "message"
                and is_practice_message(event)
                and isinstance(event.get("channel"), str)
                and isinstance(event.get("ts"), str)
            ):
                work = message_work(team_id, body, event)
                try:
                    claim = await deps.durable.claims.claim(work)
                except StoreUnavailable as exc:
                    log.warning("message not claimed before the ack: %s", exc)
                else:
                    _PRECLAIMED.set((tuple(work.keys), claim))
        return await handler(request)

    return preclaim


async def _handle_message(
    deps: SlackDeps,
    client: AsyncWebClient,
    team_id: str,
    body: dict[str, Any],
    event: dict[str, Any],
    say_stream: Any,
) -> None:
    work = message_work(team_id, body, event)
    ref = work.ref
    outbox = SlackOutbox(client, say_stream=say_stream, buffer_size=deps.stream_buffer)
    pre = _PRECLAIMED.get()
    try:
        if pre is not None and pre[0] == tuple(work.keys):
            # claimed before the ack (preclaim_middleware): answer it, or drop a duplicate
            if pre[1] is None:
                log.info("duplicate delivery of %s ignored", work.keys[0].split(":", 1)[0])
                return
            await deps.durable.run(outbox, pre[1])
            return
        # the message is stored with its claim before anything is answered; a dead
        # process's claim lapses and is redone (bot.services.recovery)
        await deps.durable.handle(outbox, work)
    except StoreUnavailable as exc:
        log.error("message not claimed: %s", exc)
        await outbox.send(ref, Notice(say.CANT_SAVE, icon="warning"))


async def on_app_mention(
    body: dict[str, Any], event: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """An ``@mention`` in a channel: a short private pointer to the app's DM.

    Args:
        body: the event callback.
        event: the ``app_mention`` event.
        context: Bolt's context.
        client: the Web API client.
    """
    if not event.get("user") or not event.get("channel"):
        return
    deps = deps_of(context)
    team_id = team_of(body, context)

    async def work() -> None:
        if not await claim(deps, team_id, body, event):
            return
        ref = ConversationRef(
            platform="slack",
            workspace_id=team_id,
            conversation_id=str(event["channel"]),
            user_id=str(event["user"]),
            thread_id=event.get("thread_ts"),
        )
        await SlackOutbox(client).send_private(ref, Notice(say.CHANNEL_POINTER, icon="info"))

    deps.tasks.spawn(work(), name="app_mention")


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
