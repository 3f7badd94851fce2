"""``empathy-coach reminders``: deliver the after-interview prompts.

``empathy-coach reminders run`` runs the reminder dispatcher
(:class:`bot.services.dispatcher.Dispatcher`) until Ctrl-C or SIGTERM;
``--once`` delivers everything due now and exits (for cron or a test). Any
number of dispatchers may share one database (``serve`` runs one too): each
reminder is posted once. Pending migrations are applied first, like ``serve``.

Posting needs a chat platform. The deliverer comes from ``--deliverer
MODULE:CALLABLE`` when given; otherwise one per configured platform, and one
dispatcher serves them all: Slack when ``SLACK_BOT_TOKEN`` is set (or the
many-workspace settings; :data:`SLACK_DELIVERER`) and Teams when its settings
are (``CLIENT_ID``, ``CLIENT_SECRET``, ``TENANT_ID``, the ones ``serve teams``
uses; :data:`TEAMS_DELIVERER`). Each is a callable taking the settings and
returning a :class:`~bot.services.dispatcher.Deliverer`, or an awaitable of one.
A platform left out is said once at start-up (its reminders stay for its
``serve`` process); a Teams setting set without the others is an error naming
each missing one. Without any platform nothing can be posted: the command says
so and exits with code 1, and nothing is claimed.

Exit codes: 0 success; 1 no platform configured, or the database cannot be
reached; 2 a bad option or setting.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import inspect
import signal
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import ValidationError

from bot.bootstrap import configure_logging
from bot.config import Settings, describe_settings_error, get_settings

if TYPE_CHECKING:
    from bot.services.dispatcher import Deliverer

__all__ = [
    "SLACK_DELIVERER",
    "TEAMS_DELIVERER",
    "DelivererFactory",
    "load_factory",
    "reminders_app",
]

reminders_app = typer.Typer(
    help="Deliver the reflection prompts after real interviews.", no_args_is_help=True
)

DelivererFactory = Callable[["Settings"], "Deliverer | Awaitable[Deliverer]"]
"""Builds the platform's deliverer from the settings (sync or async)."""

SLACK_DELIVERER = "bot.slack.deliver:build_deliverer"
"""Where the Slack deliverer factory lives (``MODULE:CALLABLE``)."""

TEAMS_DELIVERER = "bot.teams.deliver:build_deliverer"
"""Where the Teams deliverer factory lives (``MODULE:CALLABLE``)."""

NO_PLATFORM = (
    "no chat platform is configured, so reminders cannot be posted: set SLACK_BOT_TOKEN "
    "(the bot token, xoxb-…, from OAuth & Permissions) for Slack, or CLIENT_ID, "
    "CLIENT_SECRET and TENANT_ID (the Azure Bot's app registration) for Teams. "
    "Nothing was delivered."
)
NO_TEAMS = (
    "note: Teams reminders are left to `empathy-coach serve teams` "
    "(CLIENT_ID, CLIENT_SECRET and TENANT_ID are not set)"
)
NO_SLACK = (
    "note: Slack reminders are left to `empathy-coach serve slack` (SLACK_BOT_TOKEN is not set)"
)


class _Failed(Exception):
    """A start-up failure to print as one line (with its exit code)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def _fail(message: str, code: int) -> typer.Exit:
    """Print ``error: <line>`` for each line of ``message`` (one per missing setting)."""
    sys.stderr.write("".join(f"error: {line}\n" for line in message.splitlines() or [""]))
    sys.stderr.flush()
    return typer.Exit(code)


def load_factory(spec: str) -> DelivererFactory:
    """Import a deliverer factory named ``MODULE:CALLABLE``.

    Args:
        spec: e.g. ``bot.slack.deliver:build_deliverer``.

    Returns:
        The callable.

    Raises:
        ValueError: a malformed spec, or the module or callable is missing.
    """
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise ValueError(f"--deliverer must look like MODULE:CALLABLE, got {spec!r}")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(f"cannot import {module_name}: {exc}") from None
    factory = getattr(module, attr, None)
    if not callable(factory):
        raise ValueError(f"{module_name} has no callable {attr}")
    return factory  # type: ignore[no-any-return]


def _choose_factories(spec: str | None, settings: Settings) -> list[DelivererFactory]:
    """The deliverer factories to run: ``--deliverer``, else one per configured platform.

    A platform that is not configured is said once on stderr (:data:`NO_TEAMS`,
    :data:`NO_SLACK`) when the other one is.

    Raises:
        _Failed: a bad ``--deliverer`` (code 2), or no platform configured (code 1).
    """
    if spec:
        try:
            return [load_factory(spec)]
        except ValueError as exc:
            raise _Failed(str(exc), code=2) from None
    token = settings.slack_bot_token
    # OAuth (many workspaces): the tokens are in the database
    slack = settings.slack_multi_workspace or not (
        token is None or not token.get_secret_value().strip()
    )
    teams = settings.teams_configured
    if not slack and not teams:
        raise _Failed(NO_PLATFORM)
    factories: list[DelivererFactory] = []
    for wanted, name, spec_of, missing in (
        (slack, "Slack", SLACK_DELIVERER, NO_SLACK),
        (teams, "Teams", TEAMS_DELIVERER, NO_TEAMS),
    ):
        if not wanted:
            sys.stderr.write(missing + "\n")
            continue
        try:
            factories.append(load_factory(spec_of))
        except ValueError:
            raise _Failed(
                f"{name} is configured but this version has no {name} deliverer "
                f"({spec_of}); nothing was delivered"
            ) from None
    return factories


async def _build(factory: DelivererFactory, settings: Settings) -> Deliverer:
    try:
        made: Any = factory(settings)
        if inspect.isawaitable(made):
            made = await made
    except RuntimeError as exc:  # the platforms' start-up errors name the setting to fix
        raise _Failed(str(exc)) from None
    if not callable(getattr(made, "deliver", None)):
        raise _Failed("the deliverer factory did not return an object with deliver()", code=2)
    return made  # type: ignore[no-any-return]


async def _run(
    settings: Settings,
    factories: list[DelivererFactory],
    *,
    url: str,
    once: bool,
    poll: float,
    batch: int,
    lease: timedelta,
) -> int:
    # lazy: every command module loads with the CLI, and the offline `practice` needs no sqlalchemy
    from bot.services.dispatcher import Dispatcher
    from bot.store import Store, aupgrade_to_head

    await aupgrade_to_head(url)
    deliverers: dict[str, Deliverer] = {}
    store = Store.from_url(url)
    try:
        for factory in factories:
            deliverer = await _build(factory, settings)
            platform = str(getattr(deliverer, "platform", "slack"))
            if platform in deliverers:
                raise _Failed(f"two deliverers for the platform {platform!r}", code=2)
            deliverers[platform] = deliverer
        dispatcher = Dispatcher(store, deliverers, batch=batch, lease=lease)
        if once:
            return await dispatcher.drain()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        await dispatcher.run_forever(stop, poll_seconds=poll)
        return 0
    finally:
        for deliverer in deliverers.values():
            closer = getattr(deliverer, "aclose", None)
            if closer is not None:
                with contextlib.suppress(Exception):
                    await closer()
        await store.dispose()


@reminders_app.command("run")
def run(
    once: Annotated[
        bool, typer.Option("--once", help="Deliver everything due now, then exit.")
    ] = False,
    poll: Annotated[
        float, typer.Option(help="Seconds between looks for due reminders when idle.")
    ] = 15.0,
    batch: Annotated[int, typer.Option(help="Reminders claimed at a time.")] = 20,
    lease_seconds: Annotated[
        int, typer.Option(help="Seconds a claim lasts before another dispatcher may take it.")
    ] = 300,
    url: Annotated[
        str | None,
        typer.Option("--url", help="Database URL (default: EC_DATABASE_URL, or the SQLite file)."),
    ] = None,
    deliverer: Annotated[
        str | None,
        typer.Option(
            "--deliverer",
            help="MODULE:CALLABLE building the deliverer (default: Slack from SLACK_BOT_TOKEN "
            "and Teams from CLIENT_ID, CLIENT_SECRET and TENANT_ID).",
        ),
    ] = None,
    log_level: Annotated[str, typer.Option(help="DEBUG, INFO, WARNING or ERROR.")] = "INFO",
) -> None:
    """Deliver due reminders (prompts, team gatherings, notices) until stopped."""
    if batch < 1 or poll <= 0 or lease_seconds < 10:
        raise _fail("--batch must be >= 1, --poll > 0 and --lease-seconds >= 10", 2)
    # lazy: every command module loads with the CLI, and the offline `practice` needs no sqlalchemy
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store import UnsupportedDatabase, safe_url

    try:
        settings = get_settings()
    except ValidationError as exc:
        raise _fail(describe_settings_error(exc), 2) from None
    target = url or settings.database_url
    configure_logging(log_level, log_bodies=settings.log_bodies)
    try:
        factories = _choose_factories(deliverer, settings)
        handled = asyncio.run(
            _run(
                settings.model_copy(update={"database_url": target}),
                factories,
                url=target,
                once=once,
                poll=poll,
                batch=batch,
                lease=timedelta(seconds=lease_seconds),
            )
        )
    except _Failed as exc:
        raise _fail(str(exc), exc.code) from None
    except UnsupportedDatabase as exc:
        raise _fail(str(exc), 2) from None
    except (SQLAlchemyError, OSError) as exc:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        reason = first[0] if first else type(exc).__name__
        raise _fail(f"could not use {safe_url(target)}: {reason}", 1) from None
    except KeyboardInterrupt:  # pragma: no cover - signals are handled in _run
        raise typer.Exit(130) from None
    if once:
        typer.echo(f"handled {handled} due reminder(s)")
