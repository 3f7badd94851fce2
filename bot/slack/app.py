"""The Slack app: an async Bolt ``AsyncApp`` wired to the practice and review services.

Build it inside a running event loop with :func:`create_app`, then serve it
over HTTP (:func:`web_application`, an aiohttp app) or Socket Mode
(``slack_bolt.adapter.socket_mode.async_handler``). ``bot.cli_serve`` does
both for ``empathy-coach serve slack``.

Acknowledge first, work after: Bolt acknowledges events itself; commands,
actions and views call ``ack()`` before anything slow. Model work then runs
in :class:`BackgroundTasks`, which keeps a strong reference to every task,
logs its failures, and lets shutdown (and tests) wait for the work in flight.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.persona import Persona
from bot.slack.redact import install_redaction

if TYPE_CHECKING:
    from bot.services.review import ModelReviewerPort, ReviewMode
    from bot.services.sessions import PracticeSessions

__all__ = [
    "DEFAULT_API_URL",
    "EVENTS_PATH",
    "BackgroundTasks",
    "SlackDeps",
    "create_app",
    "make_client",
    "normalize_api_url",
    "web_application",
]

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
"""Slack's Web API base URL (``SLACK_API_URL`` overrides it)."""

EVENTS_PATH = "/slack/events"
"""The one HTTP path for events, slash commands and interactivity (Request URL)."""

RATE_LIMIT_RETRIES = 3
"""How many times a call answered ``429 ratelimited`` is retried (after ``Retry-After``)."""


class BackgroundTasks:
    """The work started after an acknowledgement: strong references, logged failures, drain.

    asyncio keeps only weak references to tasks, so a fire-and-forget task can
    vanish mid-flight; this set keeps each one until it finishes.
    """

    def __init__(self) -> None:
        """Start with no tasks."""
        self._tasks: set[asyncio.Task[Any]] = set()
        self.started = 0
        self.failed = 0

    def spawn(self, coro: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        """Run ``coro`` in the background.

        Args:
            coro: the work.
            name: a short label for logs (no user text, no secrets).

        Returns:
            The task (already referenced here; awaiting it is optional).
        """
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        self.started += 1
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            self.failed += 1
            log.error("background work %s failed", task.get_name(), exc_info=exc)

    def __len__(self) -> int:
        """Number of tasks still running."""
        return len(self._tasks)

    async def drain(self, timeout: float | None = None) -> bool:
        """Wait until no background work is left (tasks spawned meanwhile included).

        Args:
            timeout: most seconds to wait; None waits without limit.

        Returns:
            True when everything finished, False on timeout (tasks keep running).
        """
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while self._tasks:
            left = None if deadline is None else deadline - loop.time()
            if left is not None and left <= 0:
                return False
            await asyncio.wait(set(self._tasks), timeout=left)
        return True

    async def cancel_all(self) -> None:
        """Cancel whatever is still running and wait for it to stop."""
        tasks = set(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)


@dataclass
class SlackDeps:
    """What the listeners need, handed to them through Bolt's ``context["coach"]``.

    Attributes:
        sessions: the persisted practice use cases.
        personas: persona id -> card, in gallery order.
        tasks: background work started after acknowledgements.
        model_reviewer: the model reviewer for question lists, or None (rules only).
        review_mode: ``rules`` | ``hybrid`` | ``model`` for question lists.
        stream_buffer: characters buffered before each ``chat.appendStream``.
        status_enabled: call ``assistant.threads.setStatus`` while the caregiver answers.
    """

    sessions: PracticeSessions
    personas: Mapping[str, Persona]
    tasks: BackgroundTasks = field(default_factory=BackgroundTasks)
    model_reviewer: ModelReviewerPort | None = None
    review_mode: ReviewMode = "rules"
    stream_buffer: int = 128
    status_enabled: bool = True


def normalize_api_url(url: str | None) -> str:
    """Return a Web API base URL ending in ``/`` (Slack's default when empty).

    Args:
        url: ``SLACK_API_URL`` or None.

    Returns:
        The base URL with exactly one trailing slash.
    """
    url = (url or "").strip() or DEFAULT_API_URL
    return url.rstrip("/") + "/"


def make_client(
    token: str,
    *,
    api_url: str | None = None,
    session: aiohttp.ClientSession | None = None,
    timeout: int = 30,
) -> AsyncWebClient:
    """An async Web API client with the rate-limit retry handler Slack's SDK leaves off.

    Args:
        token: the bot token (kept inside the client; never logged here).
        api_url: Web API base URL (``SLACK_API_URL``); Slack's when None.
        session: a shared aiohttp session (connection pooling); None makes
            one per call, as the SDK does by default.
        timeout: seconds per call.

    Returns:
        A client that retries ``429 ratelimited`` after ``Retry-After`` (up to
        :data:`RATE_LIMIT_RETRIES` times) and connection errors once.
    """
    handlers: list[AsyncRetryHandler] = [
        AsyncConnectionErrorRetryHandler(max_retry_count=1),
        AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
    ]
    return AsyncWebClient(
        token=token,
        base_url=normalize_api_url(api_url),
        session=session,
        timeout=timeout,
        retry_handlers=handlers,
    )


async def create_app(
    deps: SlackDeps,
    *,
    bot_token: str,
    signing_secret: str = "",
    api_url: str | None = None,
    session: aiohttp.ClientSession | None = None,
) -> AsyncApp:
    """Build the Bolt app with every listener registered.

    Must run inside the event loop that will serve it.

    Args:
        deps: services and settings for the listeners.
        bot_token: ``SLACK_BOT_TOKEN``.
        signing_secret: ``SLACK_SIGNING_SECRET`` (HTTP mode; requests with a
            bad signature or a timestamp older than five minutes get 401).
            Socket Mode does not use it.
        api_url: ``SLACK_API_URL``.
        session: a shared aiohttp session for Web API calls (recommended).

    Returns:
        The :class:`~slack_bolt.async_app.AsyncApp`.
    """
    from bot.slack.listeners import register_all

    install_redaction([bot_token, signing_secret])
    client = make_client(bot_token, api_url=api_url, session=session)
    app = AsyncApp(
        client=client,
        signing_secret=signing_secret,
        process_before_response=False,
        logger=logging.getLogger("bot.slack.bolt"),
        # an App Home or a thread is never an OAuth install: single workspace
        url_verification_enabled=True,
    )

    @app.middleware
    async def attach_deps(context: Any, next: Any) -> Any:
        context["coach"] = deps
        return await next()

    register_all(app)
    return app


def web_application(app: AsyncApp, deps: SlackDeps, *, path: str = EVENTS_PATH) -> web.Application:
    """The aiohttp application for HTTP mode: ``POST {path}`` plus ``GET /healthz``.

    On shutdown it waits (up to 30 s) for the background work in flight, so a
    reply being written is not cut off.

    Args:
        app: the Bolt app.
        deps: its dependencies (for the background tasks).
        path: the Request URL path.

    Returns:
        An :class:`aiohttp.web.Application`.
    """
    web_app = app.web_app(path=path)

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"ok": True, "background": len(deps.tasks)})

    async def on_shutdown(_: web.Application) -> None:
        if not await deps.tasks.drain(timeout=30):
            log.warning("shutting down with %d background tasks unfinished", len(deps.tasks))
            await deps.tasks.cancel_all()

    web_app.router.add_get("/healthz", healthz)
    web_app.on_shutdown.append(on_shutdown)
    return web_app
