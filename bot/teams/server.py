"""Start-up of the Teams app: settings checked, the SDK app built, served on one host.

:func:`check_settings` names each missing setting in one line (the Teams SDK's
own names: ``CLIENT_ID``, ``CLIENT_SECRET``, ``TENANT_ID``).
:func:`build_teams_app` builds the Teams SDK :class:`~microsoft_teams.apps.App`
on a FastAPI adapter whose uvicorn server binds the configured host (the SDK's
default would be every interface), registers the handlers (the staff practice plus
the coach and channel parts, :class:`~bot.teams.coach_handlers.CoachingHandlers`),
and returns a :class:`TeamsRuntime`. Bot Framework tokens are always checked unless
``DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS`` is set (local development only).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from microsoft_teams.api import InvokeResponse
from microsoft_teams.api.auth.cloud_environment import CloudEnvironment
from microsoft_teams.apps import App
from microsoft_teams.apps.http import FastAPIAdapter
from microsoft_teams.apps.http.adapter import HttpMethod, HttpRequest, HttpRouteHandler
from pydantic import ValidationError

from bot import metrics
from bot.bootstrap import Application, build_application
from bot.config import Settings
from bot.health import not_ready, schema_problem
from bot.services.chat_refs import ChatReferences
from bot.services.claims import PendingWork
from bot.services.conversation import PracticeChat
from bot.services.ports import Outbox
from bot.services.progress import ProgressService
from bot.store import StoreUnavailable, aupgrade_to_head, migration_failure, safe_url, sync_url
from bot.teams.channels import TeamsChannels
from bot.teams.coach_flows import TeamsCoach
from bot.teams.coach_handlers import CoachingHandlers
from bot.teams.deliver import start_dispatcher
from bot.teams.handlers import TeamsHandlers, register
from bot.teams.settings import TeamsStartupError, app_options, check_settings

__all__ = [
    "MESSAGING_PATH",
    "TeamsRuntime",
    "TeamsStartupError",
    "build_teams_app",
    "check_settings",
    "recovery_outboxes",
    "run_teams",
    "start_recovery",
]

log = logging.getLogger(__name__)

MESSAGING_PATH = "/api/messages"
"""The messaging endpoint path (the Azure Bot's endpoint is ``https://<host>/api/messages``)."""

RECOVERY_STOP_SECONDS = 10.0
"""How long a stopping ``serve teams`` lets a redo in flight finish."""


class GuardedFastAPIAdapter(FastAPIAdapter):
    """The SDK's FastAPI adapter, answering a body that is not a JSON object with 400.

    (The SDK's own route lets the JSON error escape: a 500, or a reset connection.)
    """

    def register_route(self, method: HttpMethod, path: str, handler: HttpRouteHandler) -> None:
        """Register ``handler`` for POST ``path``; a non-JSON or non-object body gets 400."""
        if method != "POST":
            raise ValueError(f"Unsupported HTTP method: {method}")

        async def route(request: Request) -> Response:
            try:
                body = await request.json()
            except ValueError:
                return JSONResponse({"error": "the body is not JSON"}, status_code=400)
            if not isinstance(body, dict):
                return JSONResponse({"error": "the body is not an activity"}, status_code=400)
            result = await handler(HttpRequest(body=body, headers=dict(request.headers)))
            if result.get("body") is not None:
                return JSONResponse(content=result["body"], status_code=result["status"])
            return Response(status_code=result["status"])

        self.app.post(path)(route)


def create_database_folder(database_url: str) -> Path | None:
    """Create a SQLite database file's missing folder, saying so in one INFO line.

    (The store would create it silently; an admin who mistyped ``EC_DATABASE_URL``
    should see where the data went.) Nothing for PostgreSQL, an in-memory database,
    a URI filename, or a folder that exists; a URL that does not parse, or a folder
    that cannot be made, is left to the migration, whose error names it.

    Args:
        database_url: ``EC_DATABASE_URL``.

    Returns:
        The folder created, or None.
    """
    try:
        url = sync_url(database_url)
    except Exception:
        return None
    name = url.database or ""
    if url.get_backend_name() != "sqlite" or name in ("", ":memory:") or name.startswith("file:"):
        return None
    folder = Path(name).expanduser().parent
    if folder.exists():
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    log.info("created the database folder %s", folder)
    return folder


def _guard_shapes(app: App) -> None:
    """Answer an authenticated activity the SDK cannot parse with a quiet 200, not a 500."""
    inner = app.server.on_request
    assert inner is not None  # set by App.initialize

    async def on_request(event: Any) -> InvokeResponse[Any]:
        try:
            return await inner(event)
        except ValidationError as exc:
            log.warning(
                "ignored a Teams activity of an unexpected shape (%d errors)", exc.error_count()
            )
            return InvokeResponse(status=200)

    app.server.on_request = on_request


@dataclass
class TeamsRuntime:
    """A built Teams app: the SDK app, its HTTP server and the handlers."""

    app: App
    server: uvicorn.Server
    handlers: TeamsHandlers
    host: str
    port: int

    async def serve(self) -> None:
        """Initialize the SDK app and serve until :meth:`stop` (blocks)."""
        await self.app.initialize()
        _guard_shapes(self.app)
        await self.app.start(self.port)

    async def stop(self) -> None:
        """Ask the server to stop."""
        await self.app.stop()


def build_teams_app(
    application: Application,
    *,
    host: str = "127.0.0.1",
    port: int = 3978,
    cloud: CloudEnvironment | None = None,
    token: Callable[..., Any] | None = None,
) -> TeamsRuntime:
    """Build the Teams SDK app around the shared services.

    Args:
        application: the platform-neutral application (store, services, personas).
        host: the interface to bind (loopback by default; put a TLS proxy in front).
        port: the TCP port.
        cloud: the Microsoft cloud (token issuer, OpenID metadata); None is the
            SDK's choice (``CLOUD`` or the public cloud). Tests point it at a
            loopback OpenID server.
        token: a token source for outgoing calls instead of the client secret
            (tests; the SDK's ``token`` option).

    Returns:
        The :class:`TeamsRuntime`.
    """
    settings = application.settings
    chat = PracticeChat(
        application.sessions,
        application.personas,
        model_reviewer=application.model.reviewer
        if application.model is not None and application.review_mode != "rules"
        else None,
        review_mode=application.review_mode,
        coaching=application.coaching,
    )

    def server_factory(fastapi: FastAPI) -> uvicorn.Server:
        return uvicorn.Server(
            uvicorn.Config(app=fastapi, host=host, port=port, log_level="warning", lifespan="on")
        )

    adapter = GuardedFastAPIAdapter(server_factory=server_factory)
    options = {
        **app_options(settings, cloud=cloud, token=token),
        "http_server_adapter": adapter,
        "messaging_endpoint": MESSAGING_PATH,
    }
    if settings.teams_allow_unauthenticated:
        log.warning(
            "DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS is on: Teams requests are accepted "
            "without a token; never use this outside local development"
        )
    app = App(**options)
    refs = ChatReferences(application.store, clock=application.clock)
    coach = TeamsCoach(
        application.coaching,
        refs,
        application.personas,
        ProgressService(application.store, persona_loader=application.personas.__getitem__),
    )
    handlers = register(
        app,
        chat,
        application.reflections,
        handlers=CoachingHandlers(
            app,
            chat,
            application.reflections,
            coach=coach,
            refs=refs,
            channels=TeamsChannels(app, refs, application.reflections),
        ),
        tenant_id=settings.teams_tenant_id,
    )

    @adapter.app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @adapter.app.get("/readyz")
    async def readyz() -> JSONResponse:
        reason = await not_ready(application.store)
        if reason is not None:
            return JSONResponse({"ok": False, "reason": reason}, status_code=503)
        return JSONResponse({"ok": True})

    @adapter.app.get("/metrics")
    async def metrics_view() -> Response:
        return Response(metrics.render(), media_type=metrics.CONTENT_TYPE)

    assert adapter._server is not None  # set by server_factory
    return TeamsRuntime(app=app, server=adapter._server, handlers=handlers, host=host, port=port)


def recovery_outboxes(handlers: TeamsHandlers) -> Callable[[PendingWork], Outbox]:
    """The recovery loop's outbox factory: a proactive Teams outbox per piece of work.

    The work's stored reference holds the chat id and its ``serviceUrl``, which is all
    the SDK's proactive ``app.send`` needs (as for reminders, :mod:`bot.teams.deliver`).

    Returns:
        ``work -> handlers.outbox_for(work.ref without its thread)``.
    """

    def outbox_for(work: PendingWork) -> Outbox:
        return handlers.outbox_for(work.ref.in_thread(None))

    return outbox_for


def start_recovery(runtime: TeamsRuntime, *, interval: float) -> Callable[[], Awaitable[None]]:
    """Run :meth:`~bot.services.recovery.DurableChat.run_forever` beside the server: the
    practice messages and debriefs a dead process (or a refused reply) left are redone,
    saying first that the reply was delayed (issue 10, "durable turns").

    Args:
        runtime: the built app (its handlers' durable chat).
        interval: seconds between looks (``EC_RECOVERY_INTERVAL``).

    Returns:
        An async function that stops the loop (a redo in flight gets
        :data:`RECOVERY_STOP_SECONDS` to finish).
    """
    halt = asyncio.Event()
    task = asyncio.create_task(
        runtime.handlers.durable.run_forever(
            recovery_outboxes(runtime.handlers), halt, interval=interval
        ),
        name="teams_reply_recovery",
    )

    async def stop() -> None:
        halt.set()
        done, _ = await asyncio.wait({task}, timeout=RECOVERY_STOP_SECONDS)
        if not done:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return stop


async def run_teams(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 3978,
    backend: str | None = None,
    stop: asyncio.Event,
    on_ready: Callable[[str, int], None] | None = None,
    cloud: CloudEnvironment | None = None,
    token: Callable[..., Any] | None = None,
    clock: Callable[[], datetime] | None = None,
    reminder_poll: float | None = None,
) -> None:
    """Migrate the database (or, with ``EC_MIGRATE_ON_START=false``, check it is at the
    head), build everything, and serve Teams until ``stop`` is set.

    A SQLite file's missing folder is created first, with one INFO line naming it
    (:func:`create_database_folder`).

    The reminder dispatcher for Teams reminders runs beside the server
    (:func:`bot.teams.deliver.start_dispatcher`), and so does the recovery of
    interrupted replies (:func:`start_recovery`).

    Args:
        settings: the app settings (database, model, the Teams settings).
        host / port: where to listen (``port`` 0 picks a free one).
        backend: ``scripted`` | ``openai`` | None (model when a key is set).
        stop: set it to stop serving.
        on_ready: called with the bound host and port once the server listens.
        cloud / token: see :func:`build_teams_app` (tests).
        clock: the current UTC time for the services and the dispatcher (tests).
        reminder_poll: seconds between the dispatcher's looks (None: its default).

    Raises:
        TeamsStartupError: the database cannot be migrated or written, or the
            server did not start (the message says which).
    """
    create_database_folder(settings.database_url)
    try:
        if settings.migrate_on_start:
            await aupgrade_to_head(settings.database_url)
        elif problem := await schema_problem(settings.database_url):
            raise TeamsStartupError(problem)
    except TeamsStartupError:
        raise
    except Exception as exc:
        raise TeamsStartupError(migration_failure(settings.database_url, exc)) from None
    application = await build_application(settings, backend=backend, clock=clock)
    stop_reminders = None
    stop_recovery = None
    try:
        try:
            await application.store.check_writable()
        except StoreUnavailable as exc:
            raise TeamsStartupError(
                f"{exc}: {safe_url(settings.database_url)} accepts no writes; check "
                "EC_DATABASE_URL and the file's permissions"
            ) from None
        runtime = build_teams_app(application, host=host, port=port, cloud=cloud, token=token)
        serving = asyncio.create_task(runtime.serve(), name="teams-http")
        while not runtime.server.started:
            if serving.done():
                serving.result()  # raises what stopped it
                raise TeamsStartupError(f"the Teams server could not listen on {host}:{port}")
            await asyncio.sleep(0.02)
        bound = runtime.server.servers[0].sockets[0].getsockname()[1]
        stop_reminders = start_dispatcher(application, runtime.app, poll=reminder_poll)
        stop_recovery = start_recovery(runtime, interval=settings.recovery_interval)
        if on_ready is not None:
            on_ready(host, int(bound))
        stopping = asyncio.create_task(stop.wait(), name="teams-stop")
        await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not serving.done():
            await runtime.stop()
            await asyncio.wait_for(serving, timeout=10)
    finally:
        if stop_recovery is not None:
            await stop_recovery()
        if stop_reminders is not None:
            await stop_reminders()
        await application.aclose()
