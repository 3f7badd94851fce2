"""Start-up and serving for the Slack app: migrations, token checks, HTTP or Socket Mode.

``empathy-coach serve slack`` (:mod:`bot.cli.serve`) and the end-to-end tests
and benchmark all go through :func:`build_runtime` and :func:`serve_http` /
:func:`serve_socket`, so the tests exercise the production path.

Both ways of serving also run the reminder dispatcher
(:class:`bot.services.dispatcher.Dispatcher` over :class:`bot.slack.deliver.SlackDeliverer`)
as a task beside the app, so the after-interview prompts go out while the app
runs; on shutdown it is stopped (a post in flight finishes, claims not yet
attempted are released) before the database and HTTP session close. When
``EC_RETENTION_DAYS`` is set, the retention pass
(:class:`bot.services.data_rights.RetentionJob`) runs beside it: at start-up and
once a day (one process per day when several share the database).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.bootstrap import build_application
from bot.privacy import scrub
from bot.services.claims import PendingWork
from bot.services.data_rights import RetentionJob
from bot.services.dispatcher import Dispatcher
from bot.slack.app import (
    EVENTS_PATH,
    OAuthConfig,
    SlackDeps,
    SlackStartupError,
    check_bot_token,
    create_app,
    make_client,
    normalize_api_url,
    rejected,
    utcnow,
    web_application,
)
from bot.slack.deliver import SlackDeliverer
from bot.slack.installations import (
    EncryptedInstallationStore,
    ManyWorkspaces,
    SingleWorkspace,
    TokenCipher,
    TokenKeyError,
    WorkspaceClients,
)
from bot.slack.outbox import SlackOutbox
from bot.slack.redact import install_redaction
from bot.store import StoreUnavailable, aupgrade_to_head, migration_failure, safe_url

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.services.sessions import ServiceFactory
    from bot.store import Store

__all__ = [
    "SlackRuntime",
    "SlackStartupError",
    "build_runtime",
    "check_app_token",
    "check_bot_token",
    "multi_workspace_problems",
    "recovery_outboxes",
    "running_dispatcher",
    "running_recovery",
    "serve_http",
    "serve_socket",
]

DISPATCHER_STOP_SECONDS = 30.0
"""How long shutdown waits for the reminder dispatcher's post in flight."""

OAUTH_STATE_SECONDS = 600
"""How long an install link's OAuth state stays valid (Bolt's default, 10 minutes)."""


def _value(secret: object) -> str:
    get = getattr(secret, "get_secret_value", None)
    return str(get() if get else (secret or "")).strip()


def multi_workspace_problems(settings: Settings, *, mode: str = "http") -> list[str]:
    """What stops many-workspace mode (``SLACK_CLIENT_ID`` or ``SLACK_CLIENT_SECRET`` set).

    Args:
        settings: the app settings.
        mode: ``http`` or ``socket`` (the OAuth redirect needs HTTP).

    Returns:
        One plain line per missing or wrong setting (empty when all is well); never a
        secret's value.
    """
    problems: list[str] = []
    if not (settings.slack_client_id or "").strip():
        problems.append("SLACK_CLIENT_ID is not set (Basic Information > App Credentials)")
    if not _value(settings.slack_client_secret):
        problems.append("SLACK_CLIENT_SECRET is not set (Basic Information > App Credentials)")
    if not _value(settings.slack_signing_secret):
        problems.append("SLACK_SIGNING_SECRET is not set (Basic Information > App Credentials)")
    keys = _value(settings.token_keys)
    if not keys:
        problems.append(
            "EC_TOKEN_KEYS is not set (comma-separated Fernet keys that encrypt the stored "
            "Slack tokens; see the README's 'Serve many workspaces (OAuth)')"
        )
    else:
        try:
            TokenCipher.from_setting(keys)
        except TokenKeyError as exc:
            problems.append(str(exc))
    if mode != "http":
        problems.append(
            "many workspaces (SLACK_CLIENT_ID) need --http: the OAuth redirect is an HTTP page"
        )
    return problems


log = logging.getLogger(__name__)


@dataclass
class SlackRuntime:
    """Everything a running Slack app owns; close it with :meth:`aclose`.

    Attributes:
        app: the Bolt app.
        deps: the listeners' dependencies (services, background tasks).
        store: the database.
        http: the shared aiohttp session for Web API calls.
        deliverer: posts reminders, each with its own team's client.
        dispatcher: delivers due reminders (run by :func:`running_dispatcher`;
            tests call its ``run_once`` with an injected clock instead).
        identity: the ``auth.test`` answer for the bot token (team, bot user).
        retention: the daily retention pass, or None when ``EC_RETENTION_DAYS`` is unset.
        signing_secret: ``SLACK_SIGNING_SECRET`` (the HTTP request guard checks it).
        recovery_interval: seconds between looks for replies a dead process left
            (``EC_RECOVERY_INTERVAL``; see :func:`running_recovery`).
        clients: the one token lookup (team id -> Web API client) for the work that
            is not a listener: recovery and reminders (:mod:`bot.slack.installations`).
        installations: the encrypted installation store (many workspaces), else None.
    """

    app: AsyncApp
    deps: SlackDeps
    store: Store
    http: aiohttp.ClientSession
    deliverer: SlackDeliverer
    dispatcher: Dispatcher
    identity: dict[str, Any] = field(default_factory=dict)
    retention: RetentionJob | None = None
    signing_secret: str = field(default="", repr=False)
    recovery_interval: float = 5.0
    clients: WorkspaceClients | None = None
    installations: EncryptedInstallationStore | None = None
    _closers: list[Callable[[], Any]] = field(default_factory=list)

    async def aclose(self) -> None:
        """Wait briefly for background work, then close the model client, HTTP and database."""
        if not await self.deps.tasks.drain(timeout=30):
            await self.deps.tasks.cancel_all()
        await self.deps.sessions.aclose()
        for closer in reversed(self._closers):
            result = closer()
            if asyncio.iscoroutine(result):
                await result
        await self.http.close()
        await self.store.dispose()


async def build_runtime(
    settings: Settings,
    *,
    bot_token: str = "",
    signing_secret: str = "",
    backend: str | None = None,
    migrate: bool = True,
    service_factory: ServiceFactory | None = None,
    stream_buffer: int = 128,
    clock: Callable[[], datetime] | None = None,
) -> SlackRuntime:
    """Run pending migrations, open the store and services, and build the Bolt app.

    Args:
        settings: app settings (database URL, model, ``SLACK_API_URL``).
        bot_token: ``SLACK_BOT_TOKEN``; ignored in many-workspace mode
            (``settings.slack_multi_workspace``: OAuth, tokens from the database).
        signing_secret: ``SLACK_SIGNING_SECRET`` (HTTP mode).
        backend: ``scripted`` | ``openai`` | None (model when a key is set).
        migrate: apply pending migrations first (``serve`` always does).
        service_factory: override the practice service factory (tests).
        stream_buffer: characters buffered per ``chat.appendStream``.
        clock: the current UTC time for the after-interview services and the
            reminder dispatcher; None is the system clock (tests inject one).

    Returns:
        The :class:`SlackRuntime`.

    Raises:
        SlackStartupError: the database cannot be migrated, or Slack rejected
            ``SLACK_BOT_TOKEN`` (the message names it), or Slack is unreachable, or
            a many-workspace setting is missing (one line per setting).
    """
    multi = settings.slack_multi_workspace
    if multi:
        problems = multi_workspace_problems(settings)
        if problems:
            raise SlackStartupError("\n".join(problems))
    if migrate:
        try:
            await aupgrade_to_head(settings.database_url)
        except Exception as exc:
            raise SlackStartupError(migration_failure(settings.database_url, exc)) from None
    application = await build_application(
        settings, backend=backend, service_factory=service_factory, clock=clock or utcnow
    )
    store = application.store
    sessions = application.sessions
    try:
        await store.check_writable()
    except StoreUnavailable as exc:
        await application.aclose()
        raise SlackStartupError(
            f"{exc}: {safe_url(settings.database_url)} accepts no writes; check "
            "EC_DATABASE_URL and the file's permissions"
        ) from None
    closers: list[Callable[[], Any]] = list(application._closers)
    application._closers.clear()
    clock = application.clock
    # the scrubber builds its recognizers on first use (~1 s): not inside a 3 s ack
    await asyncio.to_thread(scrub, "warm up")
    # Everything loaded so far (personas, rules, the scrubber's recognizers and the
    # libraries behind them) lives as long as the process: move it out of the
    # garbage collector's view so a full collection under load doesn't walk it
    # (it added ~100 ms to acks in bench/slack_load.py).
    gc.collect()
    gc.freeze()
    model = application.model
    deps = SlackDeps(
        sessions=sessions,
        personas=application.personas,
        reflections=application.reflections,
        coaching=application.coaching,
        clock=clock,
        model_reviewer=model.reviewer
        if model is not None and application.review_mode != "rules"
        else None,
        review_mode=application.review_mode,
        stream_buffer=stream_buffer,
        data_rights=application.data_rights,
        slow_status_after=settings.model_budget / 2 if model is not None else None,
    )
    http = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=100), timeout=aiohttp.ClientTimeout(total=60)
    )
    installations: EncryptedInstallationStore | None = None
    clients: WorkspaceClients
    try:
        if multi:
            installations = EncryptedInstallationStore(
                client_id=str(settings.slack_client_id).strip(),
                engine=store.engine,
                cipher=TokenCipher.from_setting(_value(settings.token_keys)),
            )
            identity: dict[str, Any] = {}
            app = await create_app(
                deps,
                bot_token="",
                signing_secret=signing_secret or _value(settings.slack_signing_secret),
                api_url=settings.slack_api_url,
                session=http,
                oauth=OAuthConfig(
                    client_id=installations.inner.client_id,
                    client_secret=_value(settings.slack_client_secret),
                    store=installations,
                    state_store=AsyncSQLAlchemyOAuthStateStore(
                        expiration_seconds=OAUTH_STATE_SECONDS, engine=store.engine
                    ),
                    redirect_uri=settings.slack_redirect_uri or None,
                    authorize_url=settings.slack_oauth_authorize_url,
                ),
            )
            clients = ManyWorkspaces(installations, app.client)
        else:
            identity = await check_bot_token(
                make_client(bot_token, api_url=settings.slack_api_url, session=http)
            )
            app = await create_app(
                deps,
                bot_token=bot_token,
                signing_secret=signing_secret,
                api_url=settings.slack_api_url,
                session=http,
                identity=identity,
            )
            clients = SingleWorkspace(app.client)
    except BaseException:
        await sessions.aclose()
        for closer in reversed(closers):
            await closer()
        await http.close()
        await store.dispose()
        raise
    deliverer = SlackDeliverer(clients)
    return SlackRuntime(
        clients=clients,
        installations=installations,
        recovery_interval=settings.recovery_interval,
        app=app,
        deps=deps,
        store=store,
        http=http,
        deliverer=deliverer,
        dispatcher=Dispatcher(store, deliverer, clock=clock),
        identity=identity,
        retention=RetentionJob(application.data_rights, settings.retention_days, clock=clock)
        if settings.retention_days
        else None,
        signing_secret=signing_secret or (_value(settings.slack_signing_secret) if multi else ""),
        _closers=closers,
    )


@contextlib.asynccontextmanager
async def running_dispatcher(runtime: SlackRuntime, *, enabled: bool = True) -> AsyncIterator[None]:
    """Run the reminder dispatcher (and the retention pass, when configured) as tasks
    for the duration of the ``async with`` block.

    On exit the dispatcher is asked to stop and given up to
    :data:`DISPATCHER_STOP_SECONDS` to finish the post in flight (the claims
    it has not attempted are released at once), then cancelled.

    Args:
        runtime: from :func:`build_runtime`.
        enabled: False runs nothing (tests that tick the dispatcher by hand).

    Yields:
        Nothing; the dispatcher runs meanwhile.
    """
    if not enabled:
        yield
        return
    halt = asyncio.Event()
    task = asyncio.create_task(runtime.dispatcher.run_forever(halt), name="reminder_dispatcher")
    retention = (
        asyncio.create_task(runtime.retention.run_forever(halt), name="retention")
        if runtime.retention is not None
        else None
    )
    try:
        yield
    finally:
        halt.set()
        if retention is not None:
            retention.cancel()  # a pass is one transaction: cancelling rolls it back
            with contextlib.suppress(asyncio.CancelledError):
                await retention
        done, _ = await asyncio.wait({task}, timeout=DISPATCHER_STOP_SECONDS)
        if not done:
            log.warning("the reminder dispatcher did not stop in time; cancelling it")
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        elif not task.cancelled() and task.exception() is not None:
            log.error("the reminder dispatcher failed", exc_info=task.exception())


def recovery_outboxes(runtime: SlackRuntime) -> Callable[[PendingWork], SlackOutbox]:
    """The recovery loop's outbox factory: each redo speaks with its own team's token.

    Args:
        runtime: from :func:`build_runtime`.

    Returns:
        ``work -> SlackOutbox`` over ``runtime.clients.lazy(work.ref.workspace_id)``: a
        team no longer installed gets calls that raise
        :class:`~bot.slack.installations.NotInstalled` (nothing is sent; the redo fails
        and its claim is given up after its attempts).
    """
    clients = runtime.clients or SingleWorkspace(runtime.app.client)
    buffer = runtime.deps.stream_buffer

    def outbox_for(work: PendingWork) -> SlackOutbox:
        return SlackOutbox(clients.lazy(work.ref.workspace_id), buffer_size=buffer)

    return outbox_for


@contextlib.asynccontextmanager
async def running_recovery(runtime: SlackRuntime, *, enabled: bool = True) -> AsyncIterator[None]:
    """Redo, for the duration of the block, the messages and debriefs a dead process left.

    At start-up and every ``runtime.recovery_interval`` seconds the claims whose
    lease lapsed are taken over and answered through the same path as a new
    message (:class:`bot.services.recovery.DurableChat`), each over a client with
    the token of the work's own team (``runtime.clients``). On exit the loop is asked
    to stop (a redo in flight finishes).

    Args:
        runtime: from :func:`build_runtime`.
        enabled: False runs nothing.

    Yields:
        Nothing; the recovery runs meanwhile.
    """
    if not enabled:
        yield
        return
    deps = runtime.deps
    outbox_for = recovery_outboxes(runtime)
    halt = asyncio.Event()
    task = asyncio.create_task(
        deps.durable.run_forever(outbox_for, halt, interval=runtime.recovery_interval),
        name="reply_recovery",
    )
    try:
        yield
    finally:
        halt.set()
        done, _ = await asyncio.wait({task}, timeout=DISPATCHER_STOP_SECONDS)
        if not done:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def check_app_token(
    app_token: str, *, api_url: str | None, session: aiohttp.ClientSession | None = None
) -> None:
    """Check ``SLACK_APP_TOKEN`` with ``apps.connections.open`` (Socket Mode).

    Args:
        app_token: the app-level token.
        api_url: ``SLACK_API_URL``.
        session: shared aiohttp session.

    Raises:
        SlackStartupError: the token was rejected, or Slack could not be reached.
    """
    client = AsyncWebClient(token=app_token, base_url=normalize_api_url(api_url), session=session)
    try:
        await client.apps_connections_open(app_token=app_token)
    except SlackApiError as exc:
        raise rejected("SLACK_APP_TOKEN", exc) from None
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        raise SlackStartupError(
            f"could not reach the Slack Web API to check SLACK_APP_TOKEN ({type(exc).__name__})"
        ) from None


async def serve_http(
    runtime: SlackRuntime,
    *,
    host: str = "127.0.0.1",
    port: int = 3000,
    path: str = EVENTS_PATH,
    stop: asyncio.Event | None = None,
    on_ready: Callable[[str, int], None] | None = None,
    dispatch: bool = True,
) -> None:
    """Serve the app over HTTP until ``stop`` is set, with the reminder dispatcher beside it.

    Slack's requests are verified with the signing secret (401 for a bad
    signature or a timestamp more than five minutes old). On stop, the server
    closes and waits for replies still being written, and the dispatcher stops.

    Args:
        runtime: from :func:`build_runtime`.
        host: interface to bind (loopback by default; put a TLS proxy in front).
        port: TCP port (0 picks a free one).
        path: the Request URL path.
        stop: set it to stop serving; None serves forever.
        on_ready: called with ``(host, port)`` once listening.
        dispatch: run the reminder dispatcher (:func:`running_dispatcher`).
    """
    web_app = web_application(
        runtime.app,
        runtime.deps,
        path=path,
        signing_secret=runtime.signing_secret,
        # one workspace (single-token mode): its messages are claimed before the ack
        preclaim_team=(
            str(runtime.identity.get("team_id") or "") if runtime.installations is None else None
        ),
        enterprise_id=runtime.identity.get("enterprise_id") or None,
    )
    runner = web.AppRunner(web_app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    server = getattr(site, "_server", None)
    sockets = getattr(server, "sockets", None) or []
    bound = sockets[0].getsockname()[1] if sockets else port
    log.info("Slack app listening on http://%s:%s%s", host, bound, path)
    if on_ready is not None:
        on_ready(host, bound)
    try:
        async with running_dispatcher(runtime, enabled=dispatch), running_recovery(runtime):
            await (stop or asyncio.Event()).wait()
    finally:
        await runner.cleanup()


async def serve_socket(
    runtime: SlackRuntime,
    *,
    app_token: str,
    stop: asyncio.Event | None = None,
    on_ready: Callable[[], None] | None = None,
    dispatch: bool = True,
) -> None:
    """Serve the app over Socket Mode until ``stop`` is set, with the reminder dispatcher.

    Args:
        runtime: from :func:`build_runtime`.
        app_token: ``SLACK_APP_TOKEN``.
        stop: set it to stop; None serves forever.
        on_ready: called once connected.
        dispatch: run the reminder dispatcher (:func:`running_dispatcher`).
    """
    install_redaction([app_token])
    handler = AsyncSocketModeHandler(runtime.app, app_token, web_client=runtime.app.client)
    await handler.connect_async()
    log.info("Slack app connected over Socket Mode")
    if on_ready is not None:
        on_ready()
    try:
        async with running_dispatcher(runtime, enabled=dispatch), running_recovery(runtime):
            await (stop or asyncio.Event()).wait()
    finally:
        await handler.close_async()
