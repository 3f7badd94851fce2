"""``empathy-coach teams package``: the Teams app package a tenant admin uploads."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from bot.config import get_settings
from bot.teams.package import PackageError, write_package

__all__ = ["teams_app"]

teams_app = typer.Typer(help="Microsoft Teams tools.", no_args_is_help=True)


@teams_app.command("package")
def package(
    output: Annotated[Path, typer.Option(help="Where to write the zip.")] = Path(
        "empathy-coach-teams.zip"
    ),
    version: Annotated[str, typer.Option(help="The app's version (semver).")] = "1.0.0",
    domain: Annotated[
        str | None, typer.Option(help="The bot's host name, e.g. coach.district.org.")
    ] = None,
    website: Annotated[
        str,
        typer.Option(help="Your district's page about the app (developer, privacy, terms)."),
    ] = "https://github.com/empathy-coach/empathy-coach",
) -> None:
    """Write manifest.json and the two icons, zipped, with the bot id from CLIENT_ID."""
    try:
        settings = get_settings()
        path = write_package(
            output, settings.teams_client_id, version=version, domain=domain, website=website
        )
    except (PackageError, ValidationError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        raise typer.Exit(1) from None
    print(f"Teams app package written to {path}; upload it in the Teams admin center.")
