"""``empathy-coach teams package``: the Teams app package a tenant admin uploads."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from bot.config import get_settings
from bot.teams.package import PLACEHOLDER_WEBSITE, PackageError, build_manifest, write_package

__all__ = ["teams_app"]

teams_app = typer.Typer(help="Microsoft Teams tools.", no_args_is_help=True)

_LINKS = (
    ("EC_TEAMS_WEBSITE_URL", "--website"),
    ("EC_TEAMS_PRIVACY_URL", "--privacy-url"),
    ("EC_TEAMS_TERMS_URL", "--terms-url"),
)


def missing_links(website: str | None, privacy: str | None, terms: str | None) -> str | None:
    """The refusal line when a developer link is unset, or None when all three are given.

    Teams shows the manifest's developer, privacy and terms links to everyone who
    installs the app, so a district's package names its own pages.
    """
    unset = [
        f"{name} ({option})"
        for (name, option), value in zip(_LINKS, (website, privacy, terms), strict=True)
        if not (value or "").strip()
    ]
    if not unset:
        return None
    return (
        "the package needs your district's pages about the app, its privacy statement and "
        f"its terms of use; not set: {', '.join(unset)}. To try the app out with "
        "placeholder links, add --allow-placeholder-links"
    )


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
        str | None,
        typer.Option(help="Your district's page about the app (default EC_TEAMS_WEBSITE_URL)."),
    ] = None,
    privacy_url: Annotated[
        str | None,
        typer.Option(help="Your privacy statement for the app (default EC_TEAMS_PRIVACY_URL)."),
    ] = None,
    terms_url: Annotated[
        str | None,
        typer.Option(help="Your terms of use for the app (default EC_TEAMS_TERMS_URL)."),
    ] = None,
    allow_placeholder_links: Annotated[
        bool,
        typer.Option(
            "--allow-placeholder-links",
            help="Use the project's page for unset links (to try the app out, not for staff).",
        ),
    ] = False,
) -> None:
    """Write manifest.json and the two icons, zipped, with the bot id from CLIENT_ID."""
    try:
        settings = get_settings()
        website = website or settings.teams_website_url
        privacy_url = privacy_url or settings.teams_privacy_url
        terms_url = terms_url or settings.teams_terms_url
        options: dict[str, Any] = {
            "version": version,
            "domain": domain,
            "website": (website or "").strip() or PLACEHOLDER_WEBSITE,
            "privacy_url": (privacy_url or "").strip() or None,
            "terms_url": (terms_url or "").strip() or None,
        }
        refusal = missing_links(website, privacy_url, terms_url)
        if refusal is not None and not allow_placeholder_links:
            build_manifest(settings.teams_client_id, **options)  # the other problems first
            raise PackageError(refusal)
        path = write_package(output, settings.teams_client_id, **options)
    except (PackageError, ValidationError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        raise typer.Exit(1) from None
    print(f"Teams app package written to {path}; upload it in the Teams admin center.")
