"""What the Slack HTTP server tells operators: one log line per request, metrics, API errors.

:func:`request_log` is an aiohttp middleware that gives every HTTP request a fresh
request id (Slack's timestamp and signature identify nothing), binds it with the
workspace (team id), the event type, Slack's event id and ``X-Slack-Retry-Num`` to the
logging context (:mod:`structlog.contextvars`: the background work a request starts
copies the context, so its log lines carry the same ids), marks the receipt time for
the reply-latency metric, and logs one ``request`` line with the status and the latency
in milliseconds. It never logs the body or any text from it.

:class:`ApiErrorCounter` is a Web API retry handler that counts the calls ending in an
error (``ec_slack_api_errors_total``); it sits last on every client's handler list,
which Bolt copies to the client it makes for each request.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiohttp import web
from slack_bolt.request.internals import parse_body
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot import metrics

__all__ = ["ApiErrorCounter", "describe", "metrics_view", "request_log"]

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def describe(raw: bytes, content_type: str | None) -> dict[str, str]:
    """Pick the ids worth logging out of a Slack request body (never its text).

    Args:
        raw: the request body.
        content_type: its ``Content-Type``.

    Returns:
        Some of ``team_id``, ``event_type`` (``message.im``, ``app_home_opened``,
        ``command:/practice``, ``block_actions`` …) and ``event_id``; empty for a
        body that cannot be read.
    """
    try:
        body = parse_body(raw.decode("utf-8"), content_type)
    except (UnicodeDecodeError, ValueError, TypeError, AttributeError):
        return {}
    if not isinstance(body, dict):
        return {}
    out: dict[str, Any] = {}
    team = body.get("team_id") or body.get("team")
    if isinstance(team, dict):
        team = team.get("id")
    event = body.get("event")
    if isinstance(event, dict):
        kind = event.get("type")
        channel_type = event.get("channel_type")
        out["event_type"] = f"{kind}.{channel_type}" if kind and channel_type else kind
        out["event_id"] = body.get("event_id")
        team = team or event.get("team")
    elif body.get("command"):
        out["event_type"] = f"command:{body.get('command')}"
    else:
        out["event_type"] = body.get("type")
    out["team_id"] = team
    return {k: str(v)[:64] for k, v in out.items() if isinstance(v, str | int) and v != ""}


@web.middleware
async def request_log(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Log one line per request with its ids and latency (see the module docstring).

    Args:
        request: the aiohttp request.
        handler: the next handler.

    Returns:
        The handler's response.
    """
    started = time.monotonic()
    fields: dict[str, str] = {"request_id": uuid.uuid4().hex, "path": request.path}
    retry = request.headers.get("X-Slack-Retry-Num")
    if retry:
        fields["slack_retry_num"] = retry[:8]
    if request.method == "POST":
        fields.update(describe(await request.read(), request.headers.get("Content-Type")))
    received = metrics.mark_received(started)
    status = 500
    try:
        with structlog.contextvars.bound_contextvars(**fields):
            response = await handler(request)
            status = response.status
            return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        metrics.forget_received(received)
        if request.path not in ("/healthz", "/readyz", "/metrics") or status >= 500:
            log.info(
                "request",
                extra={
                    **fields,
                    "method": request.method,
                    "status": status,
                    "latency_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )


async def metrics_view(_: web.Request) -> web.Response:
    """``GET /metrics``: the Prometheus text format."""
    return web.Response(body=metrics.render(), headers={"Content-Type": metrics.CONTENT_TYPE})


class ApiErrorCounter(AsyncRetryHandler):
    """Count Web API calls that end in an error; never asks for a retry.

    Placed last, it sees a call's final answer: ``ok: false`` counts under Slack's error
    code (``channel_not_found``, ``ratelimited`` after the retries ran out …), a
    connection failure as ``connection_error``.
    """

    async def can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        """Record the call's error, if any.

        Returns:
            Always False.
        """
        method = request.url.rstrip("/").rsplit("/", 1)[-1][:64] or "unknown"
        if error is not None:
            metrics.SLACK_API_ERRORS.labels(method, "connection_error").inc()
        elif response is not None:
            body = response.body if isinstance(response.body, dict) else {}
            if body.get("ok") is False:
                code = str(body.get("error") or f"http_{response.status_code}")[:64]
                metrics.SLACK_API_ERRORS.labels(method, code).inc()
            elif response.status_code >= 400 and not body:
                metrics.SLACK_API_ERRORS.labels(method, f"http_{response.status_code}").inc()
        return False
