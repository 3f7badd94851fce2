"""``empathy-coach serve``: run the chat-platform apps.

``empathy-coach serve slack --socket`` connects over Socket Mode (needs
``SLACK_BOT_TOKEN`` and ``SLACK_APP_TOKEN``); ``empathy-coach serve slack
--http --port N`` serves Slack's Request URL (needs ``SLACK_BOT_TOKEN`` and
``SLACK_SIGNING_SECRET``; every request's signature is verified). Both apply
pending database migrations first (unless ``EC_MIGRATE_ON_START=false``: then the
database must already be at the head) and check the tokens with Slack before
serving. Log lines are JSON objects unless ``--log-format text`` (``EC_LOG_FORMAT``).
A missing or rejected token ends with one line naming the variable
and exit code 1; token values are never printed or logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from typing import Annotated

import typer
from pydantic import ValidationError

from bot.bootstrap import configure_logging
from bot.cli.common import LogFormat, use_log_format
from bot.config import describe_settings_error, get_settings
from bot.llm.errors import ModelError
from bot.slack.redact import install_redaction

__all__ = ["serve_app"]

serve_app = typer.Typer(help="Run the app on a chat platform.", no_args_is_help=True)


def _fail(message: str, code: int = 1) -> typer.Exit:
    sys.stderr.write(f"error: {message}\n")
    sys.stderr.flush()
    return typer.Exit(code)


def _secret(value: object) -> str:
    get = getattr(value, "get_secret_value", None)
    return (get() if get else "").strip() if value is not None else ""


@serve_app.command("slack")
def slack(
    socket: Annotated[
        bool, typer.Option("--socket", help="Connect over Socket Mode (development).")
    ] = False,
    http: Annotated[
        bool, typer.Option("--http", help="Serve Slack's Request URL over HTTP (production).")
    ] = False,
    port: Annotated[int, typer.Option(help="HTTP port (0 picks a free one).")] = 3000,
    host: Annotated[
        str, typer.Option(help="HTTP interface to bind; keep loopback behind a TLS proxy.")
    ] = "127.0.0.1",
    path: Annotated[str, typer.Option(help="HTTP path of the Request URL.")] = "/slack/events",
    backend: Annotated[
        str | None, typer.Option(help="scripted or openai; default openai when a key is set.")
    ] = None,
    log_level: Annotated[str, typer.Option(help="DEBUG, INFO, WARNING or ERROR.")] = "INFO",
    log_format: Annotated[
        LogFormat,
        typer.Option(
            envvar="EC_LOG_FORMAT",
            help="json (one object per line, for log collectors) or text.",
        ),
    ] = LogFormat.json,
) -> None:
    """Run the Slack app (practice, live review, debrief, question review, App Home)."""
    if socket and http:
        raise _fail("choose one of --socket and --http", code=2)
    mode = "http" if http else "socket"
    if not 0 <= port <= 65535:
        raise _fail("--port must be between 0 and 65535", code=2)
    if backend not in (None, "scripted", "openai"):
        raise _fail("--backend must be 'scripted' or 'openai'", code=2)

    try:
        settings = get_settings()
    except ValidationError as exc:
        raise _fail(describe_settings_error(exc), code=2) from None
    bot_token = _secret(settings.slack_bot_token)
    app_token = _secret(settings.slack_app_token)
    signing_secret = _secret(settings.slack_signing_secret)
    if settings.slack_multi_workspace:  # many workspaces over OAuth: one line per problem
        from bot.slack.server import multi_workspace_problems  # lazy: see _run

        problems = multi_workspace_problems(settings, mode=mode)
        if problems:
            raise _fail("\nerror: ".join(problems))
    else:  # one school: name every missing setting at once, one line each
        problems = []
        if not bot_token:
            problems.append(
                "SLACK_BOT_TOKEN is not set (the bot token, xoxb-…, from OAuth & Permissions)"
            )
        if mode == "socket" and not app_token:
            problems.append(
                "SLACK_APP_TOKEN is not set (an app-level token, xapp-…, with "
                "connections:write; Socket Mode needs it)"
            )
        if mode == "http" and not signing_secret:
            problems.append("SLACK_SIGNING_SECRET is not set (Basic Information > App Credentials)")
        if problems:
            raise _fail("\nerror: ".join(problems))

    configure_logging(log_level, log_bodies=settings.log_bodies)
    use_log_format(log_format)
    install_redaction([bot_token, app_token, signing_secret])
    try:
        asyncio.run(
            _run(
                settings,
                mode=mode,
                bot_token=bot_token,
                app_token=app_token,
                signing_secret=signing_secret,
                host=host,
                port=port,
                path=path,
                backend=backend,
            )
        )
    except _Failed as exc:
        raise _fail(str(exc)) from None
    except KeyboardInterrupt:  # pragma: no cover - signals are handled in _run
        raise typer.Exit(130) from None


class _Failed(Exception):
    """A start-up failure to print as one line."""


async def _run(
    settings: object,
    *,
    mode: str,
    bot_token: str,
    app_token: str,
    signing_secret: str,
    host: str,
    port: int,
    path: str,
    backend: str | None,
) -> None:
    # lazy: every command module loads with the CLI, and the offline `practice` needs no Slack SDK
    from bot.health import schema_problem
    from bot.slack.server import (
        SlackStartupError,
        build_runtime,
        check_app_token,
        serve_http,
        serve_socket,
    )
    from bot.store import migration_failure

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    migrate = bool(settings.migrate_on_start)  # type: ignore[attr-defined]
    if not migrate:  # a district's replicas: a one-shot `db upgrade` migrated before them
        try:
            problem = await schema_problem(settings.database_url)  # type: ignore[attr-defined]
        except Exception as exc:
            raise _Failed(migration_failure(settings.database_url, exc)) from None  # type: ignore[attr-defined]
        if problem:
            raise _Failed(problem)
    try:
        runtime = await build_runtime(
            settings,  # type: ignore[arg-type]
            bot_token=bot_token,
            signing_secret=signing_secret if mode == "http" else "",
            backend=backend,
            migrate=migrate,
        )
    except (SlackStartupError, ModelError) as exc:
        raise _Failed(str(exc)) from None
    try:
        try:
            if mode == "socket":
                await check_app_token(
                    app_token,
                    api_url=settings.slack_api_url,  # type: ignore[attr-defined]
                    session=runtime.http,
                )
        except SlackStartupError as exc:
            raise _Failed(str(exc)) from None
        team = runtime.identity.get("team") or runtime.identity.get("team_id") or "?"

        def ready_http(h: str, p: int) -> None:
            if runtime.installations is not None:  # many workspaces: say where to install
                print(
                    f"Slack app ready for every installed workspace: http://{h}:{p}{path} "
                    f"(install page: http://{h}:{p}/slack/install)",
                    flush=True,
                )
                return
            print(f"Slack app ready for workspace {team}: http://{h}:{p}{path}", flush=True)

        def ready_socket() -> None:
            print(f"Slack app ready for workspace {team} over Socket Mode", flush=True)

        if mode == "http":
            await serve_http(
                runtime, host=host, port=port, path=path, stop=stop, on_ready=ready_http
            )
        else:
            await serve_socket(runtime, app_token=app_token, stop=stop, on_ready=ready_socket)
    finally:
        await runtime.aclose()


@serve_app.command("teams")
def teams(
    port: Annotated[int, typer.Option(help="HTTP port (0 picks a free one).")] = 3978,
    host: Annotated[
        str, typer.Option(help="HTTP interface to bind; keep loopback behind a TLS proxy.")
    ] = "127.0.0.1",
    backend: Annotated[
        str | None, typer.Option(help="scripted or openai; default openai when a key is set.")
    ] = None,
    log_level: Annotated[str, typer.Option(help="DEBUG, INFO, WARNING or ERROR.")] = "INFO",
    log_format: Annotated[
        LogFormat,
        typer.Option(
            envvar="EC_LOG_FORMAT",
            help="json (one object per line, for log collectors) or text.",
        ),
    ] = LogFormat.json,
) -> None:
    """Run the Microsoft Teams app (practice, live review, debrief) at /api/messages.

    Needs CLIENT_ID, CLIENT_SECRET and TENANT_ID (the Teams SDK's names, from the
    Azure Bot's app registration); each missing one is named on its own line.
    """
    if not 0 <= port <= 65535:
        raise _fail("--port must be between 0 and 65535", code=2)
    if backend not in (None, "scripted", "openai"):
        raise _fail("--backend must be 'scripted' or 'openai'", code=2)
    try:
        settings = get_settings()
    except ValidationError as exc:
        raise _fail(describe_settings_error(exc), code=2) from None
    # lazy: every command module loads with the CLI, and the offline `practice` needs no Teams SDK
    from bot.teams.server import TeamsStartupError, check_settings, run_teams

    problems = check_settings(settings)
    if problems:
        for line in problems:
            sys.stderr.write(f"error: {line}\n")
        sys.stderr.flush()
        raise typer.Exit(1)
    configure_logging(log_level, log_bodies=settings.log_bodies)
    use_log_format(log_format)
    secret = _secret(settings.teams_client_secret)
    install_redaction([secret])

    def ready(h: str, p: int) -> None:
        print(
            f"Teams app ready for tenant {settings.teams_tenant_id}: http://{h}:{p}/api/messages",
            flush=True,
        )

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        await run_teams(settings, host=host, port=port, backend=backend, stop=stop, on_ready=ready)

    try:
        asyncio.run(main())
    except (TeamsStartupError, ModelError) as exc:
        raise _fail(str(exc)) from None
    except KeyboardInterrupt:  # pragma: no cover - signals are handled in main
        raise typer.Exit(130) from None
