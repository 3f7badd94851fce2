"""Posting the after-interview reminders to Slack: the dispatcher's Slack deliverer.

:class:`SlackDeliverer` implements :class:`bot.services.dispatcher.Deliverer`:
the dispatcher hands it one claimed reminder at a time and records what it
returns. It runs inside ``empathy-coach serve slack`` (over the app's own Web
API client) and alone in ``empathy-coach reminders run`` (over a client from
:func:`build_deliverer`); both clients honour ``SLACK_API_URL`` and retry
``429 ratelimited`` after ``Retry-After`` (:func:`bot.slack.app.make_client`).

What it does with a reminder:

* **Where.** A channel post goes to ``payload.channel_id`` (the bot must be a
  member: otherwise Slack answers ``not_in_channel`` and the dispatcher tells
  the interviewer once). A DM goes to the conversation ``conversations.open``
  returns for ``payload.user_id`` (the app's Messages tab).
* **What.** :func:`bot.slack.blocks.prompt_messages`: escaped text within
  Slack's limits, with a button per ``payload.actions``.
* **Idempotency.** Every message carries ``metadata`` with
  ``event_type`` :data:`bot.slack.ids.PROMPT_METADATA_EVENT` and the
  reminder's ``idempotency_key`` (plus the message's ``part`` when a long
  team post takes several messages). On a redelivery (an earlier attempt may
  have posted before its dispatcher died) the conversation's recent history
  is read with its metadata first (``conversations.history``: scope
  ``im:history`` for DMs, ``channels:history`` / ``groups:history`` for
  public / private team channels) and only the parts not found are posted.
  If the history cannot be read for lack of a scope, it posts anyway
  (at-least-once in that rare window) and logs why.
* **Errors.** Slack's answer becomes a :class:`~bot.services.dispatcher.DeliveryResult`:
  :data:`PERMANENT_ERRORS` are permanent (the reminder fails with the code);
  ``ratelimited`` (after the client's own retries, with ``Retry-After``),
  HTTP 5xx, timeouts and connection errors are transient, and so is any
  other code (the dispatcher's attempt limit bounds it), including token
  problems such as ``invalid_auth`` that an admin can fix without losing
  prompts.

* **Whose token.** Each reminder is posted with the bot token of its own workspace
  (``payload.workspace_id``), found by the one token lookup
  (:class:`bot.slack.installations.WorkspaceClients`). A workspace that uninstalled the
  app or revoked its token has no installation: its reminders are skipped with a log
  line and marked failed (``not_installed``, permanent), never retried forever and
  never posted with another workspace's token.

Nothing here logs a message's text (it is what a family said, even scrubbed)
or a token: only reminder ids, kinds and Slack's error codes.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.dispatcher import DeliveryResult
from bot.services.reflection import ReminderInfo, ReminderPayload
from bot.slack import blocks, ids
from bot.slack.app import SlackStartupError, make_client
from bot.slack.installations import (
    EncryptedInstallationStore,
    ManyWorkspaces,
    SingleWorkspace,
    TokenCipher,
    TokenKeyError,
    WorkspaceClients,
)
from bot.slack.redact import install_redaction
from bot.store import create_engine

if TYPE_CHECKING:
    from bot.config import Settings

__all__ = [
    "HISTORY_LIMIT",
    "NOT_INSTALLED",
    "PERMANENT_ERRORS",
    "SlackDeliverer",
    "build_deliverer",
    "classify_error",
    "prompt_metadata",
]

log = logging.getLogger(__name__)

PERMANENT_ERRORS: frozenset[str] = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "user_not_found",
        "account_inactive",
        "user_disabled",
        "cannot_dm_bot",
        "restricted_action",
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
        "no_text",
    }
)
"""Slack error codes a retry cannot fix: the reminder is marked failed with the code
(a channel post's interviewer is told once what to do)."""

NOT_INSTALLED = "not_installed"
"""The failure code of a reminder whose workspace has no installation any more."""

HISTORY_LIMIT = 100
"""Most recent messages read on a redelivery to look for an earlier post. A
redelivery comes within one lease (5 minutes by default) of the lost attempt,
so the earlier post, if any, is among the last few messages."""

_UNREADABLE_HISTORY = frozenset({"missing_scope", "not_allowed_token_type", "no_permission"})
"""History errors after which the post goes ahead without the check."""


def prompt_metadata(payload: ReminderPayload, part: int) -> dict[str, Any]:
    """The ``metadata`` of one reminder message.

    Args:
        payload: the reminder.
        part: the message's index among the reminder's messages (0 for the first).

    Returns:
        ``{"event_type": "empathy_coach_prompt", "event_payload": {"idempotency_key":
        …, "kind": …, "part": …}}``.
    """
    return {
        "event_type": ids.PROMPT_METADATA_EVENT,
        "event_payload": {
            "idempotency_key": payload.idempotency_key,
            "kind": payload.kind,
            "part": part,
        },
    }


def _retry_after(headers: Mapping[str, Any] | None) -> float | None:
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            first = value[0] if isinstance(value, list | tuple) and value else value
            with contextlib.suppress(TypeError, ValueError):
                return float(first)
    return None


def classify_error(exc: SlackApiError) -> DeliveryResult:
    """Turn a Slack API error into the dispatcher's outcome.

    Args:
        exc: the error the Web API client raised.

    Returns:
        :meth:`DeliveryResult.permanent` for :data:`PERMANENT_ERRORS`, else
        :meth:`DeliveryResult.transient` (with ``Retry-After`` seconds for
        ``ratelimited``; reason ``http_<status>`` for a 5xx without a code).
    """
    response = exc.response
    status = int(getattr(response, "status_code", 0) or 0)
    data = getattr(response, "data", None)
    error = str(data.get("error") or "") if isinstance(data, dict) else ""
    if status == 429 or error == "ratelimited":
        return DeliveryResult.transient(
            "ratelimited", retry_after=_retry_after(getattr(response, "headers", None))
        )
    if error in PERMANENT_ERRORS:
        return DeliveryResult.permanent(error)
    if status >= 500:
        return DeliveryResult.transient(error or f"http_{status}")
    return DeliveryResult.transient(error or "unknown_error")


class SlackDeliverer:
    """Posts reminders to Slack (the :class:`~bot.services.dispatcher.Deliverer` for Slack).

    Args:
        client: the token lookup (:class:`~bot.slack.installations.WorkspaceClients`:
            each reminder goes out with its own workspace's token), or one Web API
            client holding the one bot token (single-token mode; from
            :func:`bot.slack.app.make_client`: ``SLACK_API_URL`` and the rate-limit
            retry handler).
        history_limit: messages read on a redelivery (:data:`HISTORY_LIMIT`).
        session: an aiohttp session this deliverer owns and closes in
            :meth:`aclose`; None when the client's session belongs to someone else.
        closers: more things this deliverer owns (an engine's ``dispose``), awaited
            by :meth:`aclose`.
    """

    def __init__(
        self,
        client: AsyncWebClient | WorkspaceClients,
        *,
        history_limit: int = HISTORY_LIMIT,
        session: aiohttp.ClientSession | None = None,
        closers: list[Any] | None = None,
    ) -> None:
        self._clients: WorkspaceClients = (
            SingleWorkspace(client) if isinstance(client, AsyncWebClient) else client
        )
        self._history_limit = max(1, history_limit)
        self._session = session
        self._closers = list(closers or [])

    async def aclose(self) -> None:
        """Close the HTTP session (and engine) this deliverer owns (nothing otherwise)."""
        if self._session is not None:
            await self._session.close()
            self._session = None
        while self._closers:
            await self._closers.pop()()

    async def deliver(self, reminder: ReminderInfo, payload: ReminderPayload) -> DeliveryResult:
        """Post one reminder (see the module docstring).

        Args:
            reminder: the claimed reminder.
            payload: what to post.

        Returns:
            ``ok`` with the first message's ``ts``, or ``permanent`` /
            ``transient`` with Slack's error code.
        """
        client = await self._clients.client_for(payload.workspace_id)
        if client is None:
            log.warning(
                "reminder %s (%s) skipped: workspace %s has no installation (uninstalled "
                "or token revoked)",
                reminder.id,
                reminder.kind,
                payload.workspace_id,
            )
            return DeliveryResult.permanent(NOT_INSTALLED)
        try:
            return await self._deliver(client, payload)
        except SlackApiError as exc:
            result = classify_error(exc)
        except TimeoutError:
            result = DeliveryResult.transient("timeout")
        except (aiohttp.ClientError, OSError) as exc:
            result = DeliveryResult.transient(type(exc).__name__)
        log.info("reminder %s (%s) not posted: %s", reminder.id, reminder.kind, result.reason)
        return result

    async def _deliver(self, client: AsyncWebClient, payload: ReminderPayload) -> DeliveryResult:
        if payload.channel_id:
            channel = payload.channel_id
        elif payload.user_id:
            opened = await client.conversations_open(users=payload.user_id)
            channel = str(opened["channel"]["id"])
        else:
            return DeliveryResult.permanent("no_recipient")
        messages = blocks.prompt_messages(payload)
        posted: set[int] = set()
        if payload.redelivery:
            posted = await self._already_posted(client, channel, payload.idempotency_key)
            if all(part in posted for part in range(len(messages))):
                log.info(
                    "reminder %s was already posted (found by its idempotency key)",
                    payload.idempotency_key,
                )
                return DeliveryResult.ok()
        first: str | None = None
        for part, message in enumerate(messages):
            if part in posted:
                continue
            resp = await client.chat_postMessage(
                channel=channel,
                metadata=prompt_metadata(payload, part),
                unfurl_links=False,
                unfurl_media=False,
                **message.kwargs(),
            )
            first = first or (str(resp.get("ts") or "") or None)
        return DeliveryResult.ok(ref=first)

    async def _already_posted(self, client: AsyncWebClient, channel: str, key: str) -> set[int]:
        """The parts of reminder ``key`` found in the channel's recent history."""
        try:
            resp = await client.conversations_history(
                channel=channel, limit=self._history_limit, include_all_metadata=True
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error", ""))
            if error not in _UNREADABLE_HISTORY:
                raise
            log.warning(
                "reminder %s: history not readable (%s); posting without the duplicate check",
                key,
                error,
            )
            return set()
        parts: set[int] = set()
        for message in resp.get("messages") or []:
            meta = message.get("metadata") or {}
            body = meta.get("event_payload") or {}
            if meta.get("event_type") == ids.PROMPT_METADATA_EVENT and (
                body.get("idempotency_key") == key
            ):
                with contextlib.suppress(TypeError, ValueError):
                    parts.add(int(body.get("part") or 0))
        return parts


def build_deliverer(settings: Settings) -> SlackDeliverer:
    """The Slack deliverer for ``empathy-coach reminders run``.

    Args:
        settings: the app settings (``SLACK_BOT_TOKEN``, ``SLACK_API_URL``; in
            many-workspace mode ``SLACK_CLIENT_ID``, ``EC_TOKEN_KEYS`` and
            ``EC_DATABASE_URL`` for the installations).

    Returns:
        A :class:`SlackDeliverer` over its own Web API client (same base URL
        and rate-limit retries as the app's), or over each workspace's token from
        the installation store.

    Raises:
        SlackStartupError: ``SLACK_BOT_TOKEN`` is not set (single-token mode), or
            ``SLACK_CLIENT_ID`` / ``EC_TOKEN_KEYS`` is missing or wrong (many workspaces).
    """
    if settings.slack_multi_workspace:
        return _many_workspaces_deliverer(settings)
    secret = settings.slack_bot_token
    token = secret.get_secret_value().strip() if secret is not None else ""
    if not token:
        raise SlackStartupError("SLACK_BOT_TOKEN is not set (the bot token, xoxb-…)")
    install_redaction([token])
    return SlackDeliverer(make_client(token, api_url=settings.slack_api_url))


def _many_workspaces_deliverer(settings: Settings) -> SlackDeliverer:
    client_id = (settings.slack_client_id or "").strip()
    if not client_id:
        raise SlackStartupError("SLACK_CLIENT_ID is not set (Basic Information > App Credentials)")
    keys = settings.token_keys.get_secret_value() if settings.token_keys is not None else ""
    try:
        cipher = TokenCipher.from_setting(keys)
    except TokenKeyError as exc:
        raise SlackStartupError(str(exc)) from None
    engine = create_engine(settings.database_url)
    store = EncryptedInstallationStore(client_id, engine, cipher)
    template = make_client(None, api_url=settings.slack_api_url)
    return SlackDeliverer(ManyWorkspaces(store, template), closers=[engine.dispose])
