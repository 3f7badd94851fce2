"""The Slack app: an async Bolt ``AsyncApp`` wired to the practice and review services.

Build it inside a running event loop with :func:`create_app`, then serve it
over HTTP (:func:`web_application`, an aiohttp app) or Socket Mode
(``slack_bolt.adapter.socket_mode.async_handler``). ``bot.cli.serve`` does
both for ``empathy-coach serve slack``.

Acknowledge first, work after: Bolt acknowledges events itself; commands,
actions and views call ``ack()`` before anything slow. Model work then runs
in :class:`BackgroundTasks`, which keeps a strong reference to every task,
logs its failures, and lets shutdown (and tests) wait for the work in flight.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.internals import extract_enterprise_id, extract_team_id
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.health import not_ready
from bot.slack.deps import BackgroundTasks, SlackDeps, utcnow
from bot.slack.installations import (
    BOT_SCOPES,
    INSTALL_PATH,
    NOT_INSTALLED_MESSAGE,
    REDIRECT_PATH,
    EncryptedInstallationStore,
    StoreAuthorize,
    register_revocation,
)
from bot.slack.listeners import register_all
from bot.slack.listeners.events import preclaim_middleware
from bot.slack.observe import ApiErrorCounter, metrics_view, request_log
from bot.slack.payloads import PARSED_BODY, check_payload, request_guard
from bot.slack.redact import install_redaction

__all__ = [
    "DEFAULT_API_URL",
    "EVENTS_PATH",
    "BackgroundTasks",
    "OAuthConfig",
    "SlackDeps",
    "SlackStartupError",
    "check_bot_token",
    "create_app",
    "make_client",
    "normalize_api_url",
    "utcnow",
    "web_application",
]

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
"""Slack's Web API base URL (``SLACK_API_URL`` overrides it)."""

EVENTS_PATH = "/slack/events"
"""The one HTTP path for events, slash commands and interactivity (Request URL)."""

RATE_LIMIT_RETRIES = 3
"""How many times a call answered ``429 ratelimited`` is retried (after ``Retry-After``)."""


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
    token: str | None,
    *,
    api_url: str | None = None,
    session: aiohttp.ClientSession | None = None,
    timeout: int = 30,
) -> AsyncWebClient:
    """An async Web API client with the rate-limit retry handler Slack's SDK leaves off.

    Args:
        token: the bot token (kept inside the client; never logged here); None for a
            client whose token comes per request (many workspaces).
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
        ApiErrorCounter(),  # last: sees each call's final answer (ec_slack_api_errors_total)
    ]
    return AsyncWebClient(
        token=token,
        base_url=normalize_api_url(api_url),
        session=session,
        timeout=timeout,
        retry_handlers=handlers,
    )


class SlackStartupError(RuntimeError):
    """The app cannot start; the message names the variable to fix and never a secret."""


_REJECTED = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "not_allowed_token_type",
        "invalid_token",
    }
)


def rejected(variable: str, exc: SlackApiError) -> SlackStartupError:
    """The start-up error for a Slack API refusal of ``variable``'s token.

    Args:
        variable: ``SLACK_BOT_TOKEN`` or ``SLACK_APP_TOKEN``.
        exc: the refusal.

    Returns:
        A :class:`SlackStartupError` naming the variable and Slack's error code.
    """
    error = str(exc.response.get("error", "error"))
    if error in _REJECTED:
        return SlackStartupError(f"{variable} was rejected by Slack ({error}). Check its value.")
    return SlackStartupError(f"Slack refused the start-up check of {variable} ({error}).")


async def check_bot_token(client: AsyncWebClient) -> dict[str, Any]:
    """Check ``SLACK_BOT_TOKEN`` with ``auth.test``.

    Args:
        client: a Web API client holding the bot token.

    Returns:
        The ``auth.test`` answer (``team_id``, ``user_id``, ``bot_id`` …).

    Raises:
        SlackStartupError: the token was rejected, or Slack could not be reached.
    """
    try:
        resp = await client.auth_test()
    except SlackApiError as exc:
        raise rejected("SLACK_BOT_TOKEN", exc) from None
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        raise SlackStartupError(
            f"could not reach the Slack Web API at {client.base_url} to check "
            f"SLACK_BOT_TOKEN ({type(exc).__name__}); check SLACK_API_URL and the network"
        ) from None
    return dict(resp.data) if isinstance(resp.data, dict) else {}


_SPENT_CODE = re.compile(r"with code: \S+ - ")
"""Bolt's failed-exchange warning quotes the OAuth code (slack_bolt/oauth/async_oauth_flow.py)."""

OTHER_WORKSPACE_MESSAGE = (
    "Empathy Coach here is set up for another Slack workspace, so nothing was done. "
    "Ask a workspace admin to install it for yours."
)
"""What a slash command or button from a workspace other than the bot token's gets."""

_NOT_INSTALLED = "the AuthorizeResult (returned value from authorize) for it was not found"
"""Bolt's ERROR for every request from a workspace with no installation
(slack_bolt/middleware/authorization/async_multi_teams_authorization.py)."""


class _QuietTokenWarnings(logging.Filter):
    """Bolt's log lines, made fit for a district's logs.

    Drops Bolt's notes that a ``token`` argument was skipped (we pass a client and an
    ``authorize`` function on purpose, and Bolt also reads ``SLACK_BOT_TOKEN``); takes the
    one-time OAuth code out of a failed exchange's warning; and drops Bolt's ERROR for a
    request from a workspace with no installation (an uninstalled workspace's retries, a
    Slack Connect guest): :mod:`bot.slack.installations` logs it as a WARNING with the team.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        text = str(record.msg)
        if "`token`" in text and ("unused" in text or "ignored" in text):
            return False
        if _SPENT_CODE.search(text):
            record.msg, record.args = _SPENT_CODE.sub("with code: [redacted] - ", text), ()
        elif _NOT_INSTALLED in text:
            return False  # bot.slack.installations already said it, with the team id
        return True


@dataclass(frozen=True)
class OAuthConfig:
    """Many-workspace mode: Bolt's OAuth flow over the encrypted installation store.

    Attributes:
        client_id / client_secret: ``SLACK_CLIENT_ID`` / ``SLACK_CLIENT_SECRET``.
        store: the installation store (:class:`EncryptedInstallationStore`).
        state_store: the OAuth state store (slack_sdk's SQLAlchemy one, same database).
        redirect_uri: ``SLACK_REDIRECT_URI``, or None for the app settings' one.
        authorize_url: ``SLACK_OAUTH_AUTHORIZE_URL`` (Slack's authorize page).
    """

    client_id: str
    client_secret: str = field(repr=False)
    store: EncryptedInstallationStore = field(repr=False)
    state_store: AsyncOAuthStateStore = field(repr=False)
    redirect_uri: str | None = None
    authorize_url: str = "https://slack.com/oauth/v2/authorize"

    def settings(self) -> AsyncOAuthSettings:
        """Bolt's OAuth settings: install at :data:`INSTALL_PATH`, redirect at
        :data:`REDIRECT_PATH`, the manifest's bot scopes, state checked (cookie and store),
        and :class:`StoreAuthorize` (the team's bot from the store) as ``authorize``."""
        settings = AsyncOAuthSettings(
            client_id=self.client_id,
            client_secret=self.client_secret,
            scopes=list(BOT_SCOPES),
            user_scopes=[],
            redirect_uri=self.redirect_uri,
            install_path=INSTALL_PATH,
            redirect_uri_path=REDIRECT_PATH,
            authorization_url=self.authorize_url,
            installation_store=self.store,
            installation_store_bot_only=True,
            state_store=self.state_store,
        )
        settings.authorize = StoreAuthorize(self.store)  # no auth.test per request
        return settings


async def create_app(
    deps: SlackDeps,
    *,
    bot_token: str,
    signing_secret: str = "",
    api_url: str | None = None,
    session: aiohttp.ClientSession | None = None,
    identity: Mapping[str, Any] | None = None,
    oauth: OAuthConfig | None = None,
) -> AsyncApp:
    """Build the Bolt app with every listener registered.

    Must run inside the event loop that will serve it. The bot token is
    checked once here (``auth.test``) and the answer reused for every request,
    so no request waits on Slack before it is acknowledged.

    Args:
        deps: services and settings for the listeners.
        bot_token: ``SLACK_BOT_TOKEN``.
        signing_secret: ``SLACK_SIGNING_SECRET`` (HTTP mode; requests with a
            bad signature or a timestamp older than five minutes get 401).
            Socket Mode does not use it.
        api_url: ``SLACK_API_URL``.
        session: a shared aiohttp session for Web API calls (recommended).
        identity: an ``auth.test`` answer already obtained; None calls it.
        oauth: many-workspace mode (``bot_token`` is then ignored): see
            :func:`create_oauth_app`.

    Returns:
        The :class:`~slack_bolt.async_app.AsyncApp`.

    Raises:
        SlackStartupError: Slack rejected the bot token or could not be reached.
    """
    if oauth is not None:
        return create_oauth_app(
            deps, oauth, signing_secret=signing_secret, api_url=api_url, session=session
        )
    install_redaction([bot_token, signing_secret])
    client = make_client(bot_token, api_url=api_url, session=session)
    if identity is None:
        identity = await check_bot_token(client)
    me = AuthorizeResult(
        enterprise_id=identity.get("enterprise_id"),
        team_id=identity.get("team_id"),
        team=identity.get("team"),
        url=identity.get("url"),
        bot_user_id=identity.get("user_id"),
        bot_id=identity.get("bot_id"),
        bot_token=bot_token,
    )

    async def authorize(
        team_id: str | None = None, enterprise_id: str | None = None
    ) -> AuthorizeResult | None:
        """This workspace's bot (checked once at start-up); None for another workspace's request."""
        if serves(me, team_id=team_id, enterprise_id=enterprise_id):
            return me
        log.warning(
            "a request from team %s, which this single-workspace server does not serve, "
            "was refused",
            team_id,
        )
        return None

    bolt_logger = logging.getLogger("bot.slack.bolt")
    if not any(isinstance(f, _QuietTokenWarnings) for f in bolt_logger.filters):
        bolt_logger.addFilter(_QuietTokenWarnings())
    app = AsyncApp(
        client=client,
        authorize=authorize,  # type: ignore[arg-type]  # Bolt handles None: "not installed"
        signing_secret=signing_secret,
        process_before_response=False,
        logger=bolt_logger,
        user_facing_authorize_error_message=OTHER_WORKSPACE_MESSAGE,
    )

    _finish(app, deps)
    return app


def workspace_guard(path: str, team_id: str, enterprise_id: str | None) -> Any:
    """An aiohttp middleware (after the request guard) that refuses another workspace's request.

    Single-token mode only. A command from another workspace gets
    :data:`OTHER_WORKSPACE_MESSAGE` as its ephemeral answer; an event or an interaction gets
    a quiet 200. Before Bolt, because Bolt's own refusal posts to the request's
    ``response_url`` and a failing post there became a 500 (the fuzz test found it).

    Args:
        path: the Request URL path.
        team_id / enterprise_id: the bot token's workspace and org (``auth.test``).

    Returns:
        The middleware for ``web.Application.middlewares``.
    """
    me = AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id)

    @web.middleware
    async def guard(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        body = request.get(PARSED_BODY)  # the request guard's checked body
        if request.method == "POST" and request.path == path and isinstance(body, dict):
            team, org = extract_team_id(body), extract_enterprise_id(body)
            if not serves(me, team_id=team, enterprise_id=org):
                log.warning(
                    "a request from team %s, which this single-workspace server does not "
                    "serve, was refused",
                    team,
                )
                answer = OTHER_WORKSPACE_MESSAGE if "command" in body else ""
                return web.Response(status=200, text=answer)
        return await handler(request)

    return guard


def serves(me: AuthorizeResult, *, team_id: str | None, enterprise_id: str | None) -> bool:
    """Whether single-token mode's bot ``me`` serves a request from ``team_id``.

    True for its own workspace, for a request that names no workspace (Bolt then has nothing
    to check), and for any workspace of its own Enterprise Grid org (an org-wide install's
    token works in each). Another workspace's request would otherwise be answered with this
    workspace's token (issue 13: "a payload from another workspace was posted with the first
    workspace's token").
    """
    if not team_id or team_id == me.team_id:
        return True
    return bool(me.enterprise_id) and enterprise_id == me.enterprise_id


def _finish(app: AsyncApp, deps: SlackDeps) -> None:
    """The payload check, the listeners' dependencies and every listener."""
    app.use(check_payload)  # a malformed body stops here with a quiet 200

    @app.middleware
    async def attach_deps(context: Any, next: Any) -> Any:
        context["coach"] = deps
        return await next()

    register_all(app)


def create_oauth_app(
    deps: SlackDeps,
    oauth: OAuthConfig,
    *,
    signing_secret: str,
    api_url: str | None = None,
    session: aiohttp.ClientSession | None = None,
) -> AsyncApp:
    """Build the Bolt app for many workspaces (``SLACK_CLIENT_ID`` / ``SLACK_CLIENT_SECRET``).

    Bolt serves the install page (``GET /slack/install``) and the redirect
    (``GET /slack/oauth_redirect``: state checked against its cookie and the state store,
    then ``oauth.v2.access`` on ``SLACK_API_URL``), saves the installation encrypted, and
    authorizes each request with that team's own bot token (:class:`StoreAuthorize`). A
    request from a team with no installation is answered 200 and served by no listener.
    ``app_uninstalled`` and ``tokens_revoked`` delete what they end.

    Args:
        deps: services and settings for the listeners.
        oauth: the OAuth settings and stores.
        signing_secret: ``SLACK_SIGNING_SECRET`` (OAuth needs HTTP mode).
        api_url: ``SLACK_API_URL`` (``oauth.v2.access`` goes there too).
        session: a shared aiohttp session for Web API calls.

    Returns:
        The :class:`~slack_bolt.async_app.AsyncApp`.
    """
    install_redaction([oauth.client_secret, signing_secret])
    bolt_logger = logging.getLogger("bot.slack.bolt")
    if not any(isinstance(f, _QuietTokenWarnings) for f in bolt_logger.filters):
        bolt_logger.addFilter(_QuietTokenWarnings())  # a stray SLACK_BOT_TOKEN is ignored
    app = AsyncApp(
        client=make_client(None, api_url=api_url, session=session),
        oauth_settings=oauth.settings(),
        signing_secret=signing_secret,
        process_before_response=False,
        logger=bolt_logger,
        user_facing_authorize_error_message=NOT_INSTALLED_MESSAGE,
    )
    register_revocation(app, oauth.store)
    _finish(app, deps)
    return app


def web_application(
    app: AsyncApp,
    deps: SlackDeps,
    *,
    path: str = EVENTS_PATH,
    signing_secret: str = "",
    preclaim_team: str | None = None,
    enterprise_id: str | None = None,
) -> web.Application:
    """The aiohttp application for HTTP mode: ``POST {path}``, ``GET /healthz`` (alive),
    ``GET /readyz`` (the database accepts a write and is at the migrations' head: 200, else
    503 with the reason, :func:`bot.health.not_ready`) and ``GET /metrics`` (Prometheus).
    Every request is logged once with its own request id (:mod:`bot.slack.observe`). A signed
    body of the wrong shape is answered 200 before Bolt sees it (:func:`request_guard`).

    On shutdown it waits (up to 30 s) for the background work in flight, so a
    reply being written is not cut off.

    Args:
        app: the Bolt app.
        deps: its dependencies (for the background tasks).
        path: the Request URL path.
        signing_secret: checked by the request guard ("" skips it: tests only).
        preclaim_team: single-token mode's workspace: its DM messages are claimed before
            Bolt's ack (:func:`bot.slack.listeners.events.preclaim_middleware`), and any other
            workspace's request is refused (:func:`workspace_guard`); None skips both.
        enterprise_id: single-token mode's Enterprise Grid org, if any (its workspaces are served).

    Returns:
        An :class:`aiohttp.web.Application`.
    """
    web_app = app.web_app(path=path)
    web_app.middlewares.append(request_log)  # first: request id, ids, latency for every line
    web_app.middlewares.append(request_guard(signing_secret, path))
    if preclaim_team:
        web_app.middlewares.append(workspace_guard(path, preclaim_team, enterprise_id))
        web_app.middlewares.append(preclaim_middleware(deps, path, preclaim_team))

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"ok": True, "background": len(deps.tasks)})

    async def readyz(_: web.Request) -> web.Response:
        reason = await not_ready(deps.sessions.store)
        if reason is not None:
            return web.json_response({"ok": False, "reason": reason}, status=503)
        return web.json_response({"ok": True})

    async def on_shutdown(_: web.Application) -> None:
        if not await deps.tasks.drain(timeout=30):
            log.warning("shutting down with %d background tasks unfinished", len(deps.tasks))
            await deps.tasks.cancel_all()

    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/readyz", readyz)
    web_app.router.add_get("/metrics", metrics_view)
    web_app.on_shutdown.append(on_shutdown)
    return web_app
