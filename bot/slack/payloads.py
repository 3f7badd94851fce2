"""The shapes of Slack payloads the listeners read, checked before any listener runs.

A Bolt middleware (:func:`check_payload`) parses each request body into these
pydantic models. A body of the wrong shape (a missing user, a list where an
object belongs, an id that is not an id) gets a quiet ``200`` and a log line,
never a 500 and never a stored row; a slash command gets a plain sentence back.
Only the fields the listeners use are checked; everything else passes through.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import parse_body
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier

__all__ = ["MALFORMED_COMMAND", "check_payload", "request_guard", "validate_body"]

log = logging.getLogger(__name__)

SlackId = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9._-]{1,39}$")]
"""A Slack id (user ``U…``/``W…``, channel ``C…``/``D…``/``G…``, team ``T…``, ``E…``)."""

Ts = Annotated[str, StringConstraints(pattern=r"^\d{1,12}(\.\d{1,8})?$")]
"""A Slack timestamp (``1700000000.000100``)."""

Text = Annotated[str, StringConstraints(max_length=40_000)]
"""Message text as Slack delivers it (Slack caps messages at 40,000 characters)."""

MALFORMED_COMMAND = "Something about that request could not be read. Please try the command again."


class _Loose(BaseModel):
    model_config = ConfigDict(extra="allow")


class _User(_Loose):
    id: SlackId


class _MessageEvent(_Loose):
    type: str
    user: SlackId | None = None
    channel: SlackId | None = None
    ts: Ts | None = None
    thread_ts: Ts | None = None
    text: Text | None = None
    channel_type: str | None = None
    subtype: str | None = None
    bot_id: str | None = None
    client_msg_id: Annotated[str, StringConstraints(max_length=64)] | None = None
    files: list[Any] | None = None
    tab: str | None = None


class _EventCallback(_Loose):
    team_id: SlackId | None = None
    event_id: Annotated[str, StringConstraints(max_length=64)] | None = None
    event: _MessageEvent


class _Action(_Loose):
    action_id: Annotated[str, StringConstraints(max_length=255)]
    value: Annotated[str, StringConstraints(max_length=2000)] | None = None
    selected_option: dict[str, Any] | None = None


class _Message(_Loose):
    ts: Ts | None = None
    thread_ts: Ts | None = None


class _Channel(_Loose):
    id: SlackId


class _BlockActions(_Loose):
    user: _User
    actions: list[_Action] = Field(min_length=1, max_length=5)
    trigger_id: Annotated[str, StringConstraints(max_length=255)] | None = None
    channel: _Channel | None = None
    message: _Message | None = None
    container: dict[str, Any] | None = None


class _State(_Loose):
    values: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)


class _View(_Loose):
    callback_id: Annotated[str, StringConstraints(max_length=255)]
    private_metadata: Annotated[str, StringConstraints(max_length=3000)] = ""
    state: _State = Field(default_factory=_State)


class _ViewSubmission(_Loose):
    user: _User
    view: _View


class _MessageShortcut(_Loose):
    user: _User
    message: dict[str, Any] = Field(default_factory=dict)
    channel: _Channel | None = None


class _Command(_Loose):
    command: str
    user_id: SlackId
    text: Text = ""
    channel_id: SlackId | None = None
    trigger_id: Annotated[str, StringConstraints(max_length=255)] | None = None


_BY_TYPE: dict[str, type[BaseModel]] = {
    "event_callback": _EventCallback,
    "block_actions": _BlockActions,
    "view_submission": _ViewSubmission,
    "message_action": _MessageShortcut,
}


_SURROGATE = re.compile("[\ud800-\udfff]")


def strip_surrogates(value: Any) -> Any:
    """Remove lone surrogates from every string of a parsed body, in place where it can.

    JSON may carry ``"\\ud800"``, which Python decodes to a string that cannot be encoded
    (pydantic refuses it, SQLite and PostgreSQL cannot store it). Slack never sends one on
    purpose, so the character is dropped and the rest of the text is kept.

    Args:
        value: a parsed body or any part of it.

    Returns:
        The same object (dicts and lists are cleaned in place), or the cleaned string.
    """
    if isinstance(value, str):
        return _SURROGATE.sub("", value) if _SURROGATE.search(value) else value
    if isinstance(value, dict):
        for key, item in list(value.items()):
            clean = strip_surrogates(item)
            if isinstance(key, str) and _SURROGATE.search(key):
                del value[key]
                value[_SURROGATE.sub("", key)] = clean
            elif clean is not item:
                value[key] = clean
        return value
    if isinstance(value, list):
        for i, item in enumerate(value):
            clean = strip_surrogates(item)
            if clean is not item:
                value[i] = clean
        return value
    return value


def validate_body(body: dict[str, Any]) -> str | None:
    """Check the fields the listeners read.

    Args:
        body: Bolt's parsed request body.

    Returns:
        None when the body is fine (or of a kind no listener reads); else the
        payload kind that failed, for the log (never its content).
    """
    if "command" in body:
        kind, model = "command", _Command
    else:
        kind = str(body.get("type") or "")
        found = _BY_TYPE.get(kind)
        if found is None:
            return None
        model = found  # type: ignore[assignment]
    try:
        model.model_validate(body)
    except ValidationError:
        return kind
    return None


async def check_payload(
    req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[BoltResponse]]
) -> BoltResponse:
    """Bolt middleware: stop a malformed body with a quiet 200 (a command gets a sentence).

    Args:
        req: the request (its ``body`` is already parsed by Bolt).
        resp: the response so far.
        next: the rest of the chain.

    Returns:
        The listeners' response, or a ``200`` for a malformed body.
    """
    body = strip_surrogates(req.body) if isinstance(req.body, dict) else {}
    failed = validate_body(body)
    if failed is None:
        return await next()
    log.info("ignored a malformed %s payload", failed)
    if failed == "command":
        return BoltResponse(status=200, body=MALFORMED_COMMAND)
    return BoltResponse(status=200, body="")


PARSED_BODY = "ec_slack_body"
"""The aiohttp request key under which :func:`request_guard` leaves the checked body."""


def _signed(verifier: SignatureVerifier, raw: bytes, headers: Mapping[str, str]) -> bool:
    """True when ``raw`` carries Slack's signature and a recent numeric timestamp."""
    stamp = headers.get("X-Slack-Request-Timestamp", "").strip()
    if not stamp.isascii() or not stamp.isdigit() or len(stamp) > 12:
        return False
    try:
        return verifier.is_valid_request(raw, dict(headers))
    except (ValueError, TypeError):
        return False


def request_guard(signing_secret: str, path: str) -> Any:
    """An aiohttp middleware that checks a POST to ``path`` before Bolt builds its request.

    Bolt reads ids out of the body while building a request, before any Bolt middleware
    runs, and a wrong type there (``"user": false``) raised a 500. Here a signed body of
    the wrong shape gets a quiet 200 (a command gets :data:`MALFORMED_COMMAND`). Every
    unsigned request (a bad or missing signature, a timestamp that is not a recent number)
    gets 401 here, before Bolt, which would log its whole body.

    Args:
        signing_secret: ``SLACK_SIGNING_SECRET`` ("" skips the signature check).
        path: the Request URL path.

    Returns:
        The middleware for ``web.Application.middlewares``.
    """
    verifier = SignatureVerifier(signing_secret) if signing_secret else None

    @web.middleware
    async def guard(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if request.method != "POST" or request.path != path:
            return await handler(request)
        raw = await request.read()  # aiohttp keeps it: Bolt reads the same bytes
        if verifier is not None and not _signed(verifier, raw, request.headers):
            # refused here, not by Bolt: Bolt logs the whole body of a request it refuses
            # (at INFO), and a timestamp that is not a number crashed its check (a 500)
            return web.Response(status=401, text="")
        try:
            body = parse_body(raw.decode("utf-8"), request.headers.get("Content-Type"))
            failed = (
                validate_body(strip_surrogates(body)) if isinstance(body, dict) else "unreadable"
            )
        except (UnicodeDecodeError, ValueError, TypeError, AttributeError):
            failed = "unreadable"
        if failed is None:
            request[PARSED_BODY] = body  # read by later middleware (no second parse)
            return await handler(request)
        log.info("ignored a malformed %s payload", failed)
        return web.Response(status=200, text=MALFORMED_COMMAND if failed == "command" else "")

    return guard
