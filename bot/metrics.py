"""Prometheus metrics of the app, in one place (``prometheus-client``).

Every metric lives in the process-wide default registry, so ``GET /metrics`` on the Slack
HTTP server and on the Teams server (:func:`render`) shows them with the client's own
process figures (memory, CPU, open files). Services, the model client and the platform
adapters record with one-line calls at the narrowest point:

| metric | recorded in |
|---|---|
| ``ec_turns_total{outcome}`` | :meth:`bot.services.conversation.PracticeChat.take_turn` |
| ``ec_reply_latency_seconds`` | the same, from the staff message's receipt to the reply posted |
| ``ec_model_latency_seconds{call,outcome}``, ``ec_model_tokens_total{kind}`` | the client |
| ``ec_review_findings_total{kind}`` | the same turn, one per finding of the staff turn |
| ``ec_reminders_total{status}`` | :class:`bot.services.dispatcher.Dispatcher` (due = claimed) |
| ``ec_slack_api_errors_total{method,error}`` | the Slack Web API clients (a retry handler) |
| ``ec_pending_turns`` | :class:`bot.services.recovery.DurableChat` (claimed, not yet answered) |

Labels never carry user text or ids of people: outcomes, finding kinds, API method names
and Slack's error codes only, so each label has a small fixed set of values.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Iterator
from dataclasses import dataclass

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

__all__ = [
    "CONTENT_TYPE",
    "FINDINGS",
    "MODEL_LATENCY",
    "MODEL_TOKENS",
    "PENDING_TURNS",
    "REMINDERS",
    "REPLY_LATENCY",
    "SLACK_API_ERRORS",
    "TURNS",
    "ModelCall",
    "forget_received",
    "mark_received",
    "model_call",
    "received_at",
    "render",
    "turn_done",
]

TURNS = Counter(
    "ec_turns",
    "Staff practice turns handled, by outcome (answered, too_long, not_owner, ended, "
    "busy, model_error, failed).",
    ["outcome"],
)

# Buckets in seconds: a scripted reply is under 0.1 s; a model reply is bounded by
# EC_MODEL_BUDGET (20 s by default), so the last finite bucket is above it.
REPLY_LATENCY = Histogram(
    "ec_reply_latency_seconds",
    "Seconds from the staff message's receipt (the HTTP request) to the reply posted.",
    buckets=(0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 8, 13, 21, 34, 60),
)

MODEL_LATENCY = Histogram(
    "ec_model_latency_seconds",
    "Seconds one model call took (stream: until the last token), by call and outcome.",
    ["call", "outcome"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 21, 34),
)

MODEL_TOKENS = Counter(
    "ec_model_tokens",
    "Model tokens used, by kind (prompt, completion); the server's count, else tiktoken's.",
    ["kind"],
)

FINDINGS = Counter(
    "ec_review_findings",
    "Review findings in answered practice turns, by kind (the reviewer's finding ids).",
    ["kind"],
)

REMINDERS = Counter(
    "ec_reminders",
    "After-interview reminders by status: due (claimed by a dispatcher), sent, failed.",
    ["status"],
)

SLACK_API_ERRORS = Counter(
    "ec_slack_api_errors",
    "Slack Web API calls that ended in an error (after retries), by method and error code.",
    ["method", "error"],
)

PENDING_TURNS = Gauge(
    "ec_pending_turns",
    "Claimed staff messages and debriefs this process is answering right now.",
)

CONTENT_TYPE = CONTENT_TYPE_LATEST
"""The ``Content-Type`` of :func:`render`'s output (Prometheus text format 0.0.4)."""

_received: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "ec_received_at", default=None
)


def mark_received(at: float | None = None) -> contextvars.Token[float | None]:
    """Remember when the current request arrived (for the reply latency of its work).

    Background work started while handling the request copies the context, so it sees
    the same time.

    Args:
        at: ``time.monotonic()`` of the receipt; now when None.

    Returns:
        The token to reset the context variable with after the request.
    """
    return _received.set(time.monotonic() if at is None else at)


def forget_received(token: contextvars.Token[float | None]) -> None:
    """Undo :func:`mark_received` once the request is answered.

    Args:
        token: what :func:`mark_received` returned.
    """
    _received.reset(token)


def received_at() -> float | None:
    """``time.monotonic()`` of the current request's receipt, or None outside a request
    (work redone by the recovery loop)."""
    return _received.get()


def turn_done(outcome: str, started: float, kinds: list[str] | None = None) -> None:
    """Count one handled turn; for an answered one also its findings and reply latency.

    Args:
        outcome: ``answered`` or the refusal (see :data:`TURNS`).
        started: ``time.monotonic()`` of the receipt (or of the turn's start).
        kinds: the finding kinds of the staff turn (answered turns only).
    """
    TURNS.labels(outcome).inc()
    if outcome != "answered":
        return
    REPLY_LATENCY.observe(max(time.monotonic() - started, 0.0))
    for kind in kinds or ():
        FINDINGS.labels(kind).inc()


@dataclass
class ModelCall:
    """What a model call reports back to :func:`model_call` (tokens, once known)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0


@contextlib.contextmanager
def model_call(call: str) -> Iterator[ModelCall]:
    """Time one model call and count its tokens.

    Usage: ``with model_call("chat") as seen: ...; seen.prompt_tokens = n``.

    Args:
        call: ``stream``, ``chat`` or ``parse``.

    Yields:
        A :class:`ModelCall` to fill with the call's usage.

    Raises:
        Whatever the block raises (recorded with outcome ``error``, no tokens).
    """
    seen = ModelCall()
    started = time.monotonic()
    try:
        yield seen
    except BaseException:
        MODEL_LATENCY.labels(call, "error").observe(time.monotonic() - started)
        raise
    MODEL_LATENCY.labels(call, "ok").observe(time.monotonic() - started)
    MODEL_TOKENS.labels("prompt").inc(max(seen.prompt_tokens, 0))
    MODEL_TOKENS.labels("completion").inc(max(seen.completion_tokens, 0))


def render() -> bytes:
    """The metrics in Prometheus' text exposition format.

    Returns:
        The body for ``GET /metrics`` (content type :data:`CONTENT_TYPE`).
    """
    return generate_latest()
