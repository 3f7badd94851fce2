"""The Teams app package a tenant admin uploads: ``manifest.json`` and two icons, zipped.

:func:`build_manifest` writes manifest schema 1.29 (the newest published in
``OfficeDev/microsoft-teams-app-schema``): one bot (the Azure Bot's app id,
``CLIENT_ID``) for 1:1 chats (staff practice, coaches) with its commands, and for
teams (the ``team`` scope: the app added to a team posts the weekly gathering in its
channel). :func:`write_package` zips it
with ``color.png`` (192×192) and ``outline.png`` (32×32, white on transparent)
from ``bot/teams/assets/``.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "MANIFEST_VERSION",
    "PLACEHOLDER_WEBSITE",
    "PackageError",
    "build_manifest",
    "write_package",
]

MANIFEST_VERSION = "1.29"
SCHEMA_URL = f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
ASSETS = Path(__file__).parent / "assets"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


PLACEHOLDER_WEBSITE = "https://github.com/empathy-coach/empathy-coach"
"""The project's page: the developer, privacy and terms links of a package built to try the
app out (``--allow-placeholder-links``); a district's own package names its own pages."""


class PackageError(ValueError):
    """The package cannot be built (the message names the setting)."""


_SEMVER = re.compile(r"^(0|[1-9]\d{0,4})\.(0|[1-9]\d{0,4})\.(0|[1-9]\d{0,4})$")
_HOST = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_HTTPS_PAGE = re.compile(r"^https://[^\s/]+\.[^\s/]+(/\S*)?$")


def host_of(domain: str) -> str:
    """The bare host name for ``validDomains`` (``https://coach.district.org/api/messages`` ->
    ``coach.district.org``).

    Raises:
        PackageError: not a host name (Teams refuses a manifest with one).
    """
    text = domain.strip().lower()
    host = urlsplit(text if "://" in text else f"https://{text}").hostname or ""
    if not _HOST.match(host):
        raise PackageError(
            f"the domain must be the bot's host name, like coach.district.org, not {domain!r}"
        )
    return host


def build_manifest(
    bot_id: str | None,
    *,
    version: str = "1.0.0",
    website: str = PLACEHOLDER_WEBSITE,
    domain: str | None = None,
    privacy_url: str | None = None,
    terms_url: str | None = None,
) -> dict[str, Any]:
    """The app manifest for bot ``bot_id``.

    Args:
        bot_id: the Azure Bot's Microsoft App ID (``CLIENT_ID``), a GUID; also the app id.
        version: the app's semantic version.
        website: the developer's page (``developer.websiteUrl``).
        domain: the bot's host name (listed in ``validDomains``), or None.
        privacy_url / terms_url: the privacy statement and terms of use; None:
            ``website`` with ``#privacy`` / ``#terms``.

    Returns:
        The manifest as a dict.

    Raises:
        PackageError: ``bot_id`` is missing or not a GUID; ``version`` is not
            MAJOR.MINOR.PATCH; ``domain`` is not a host name (a URL gives its host);
            a page is not an https address.
    """
    if not _SEMVER.match(version):
        raise PackageError(
            "the version must be MAJOR.MINOR.PATCH, like 1.0.0 (Teams requires it), "
            f"not {version!r}"
        )
    if domain is not None:
        domain = host_of(domain)
    privacy_url = privacy_url or f"{website}#privacy"
    terms_url = terms_url or f"{website}#terms"
    for what, page in (("website", website), ("privacy", privacy_url), ("terms", terms_url)):
        if not _HTTPS_PAGE.match(page):
            raise PackageError(f"the {what} page must be an https:// address, not {page!r}")
    if not bot_id or not _GUID.match(bot_id.strip()):
        raise PackageError(
            "CLIENT_ID is not set or is not a GUID (the Microsoft App ID of the Azure Bot)"
        )
    bot_id = bot_id.strip()
    commands = [
        {"title": "practice", "description": "Rehearse an empathy interview with a caregiver"},
        {"title": "review", "description": "Check a question list, one question per line"},
        {"title": "end", "description": "End the practice call and get your debrief"},
        {"title": "help", "description": "What you can do here"},
        {"title": "coach", "description": "Coaches: the sessions waiting for your review"},
        {"title": "progress", "description": "Your practice over time, as a chart"},
        {"title": "log", "description": "Log a real interview you held (a short form)"},
        {"title": "interviews", "description": "Your logged interviews: change the time, delete"},
    ]
    manifest: dict[str, Any] = {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": bot_id,
        "developer": {
            "name": "Empathy Coach",
            "websiteUrl": website,
            "privacyUrl": privacy_url,
            "termsOfUseUrl": terms_url,
        },
        "name": {"short": "Empathy Coach", "full": "Empathy interview coach for attendance teams"},
        "description": {
            "short": "Rehearse empathy interviews with families about school attendance.",
            "full": (
                "Practice calls with fictional caregivers whose children miss school. The coach "
                "notes advice, judgment and leading questions as you go, suggests a neutral "
                "reframe, and gives you a debrief at the end."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#2C6E8E",
        "bots": [
            {
                "botId": bot_id,
                "scopes": ["personal", "team"],
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [{"scopes": ["personal"], "commands": commands}],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [domain] if domain else [],
    }
    return manifest


def write_package(path: Path, bot_id: str | None, **manifest_options: Any) -> Path:
    """Write the zip (manifest.json, color.png, outline.png) to ``path``.

    Returns:
        ``path``.

    Raises:
        PackageError: see :func:`build_manifest`.
    """
    manifest = build_manifest(bot_id, **manifest_options)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, indent=2) + "\n")
        zf.write(ASSETS / "color.png", "color.png")
        zf.write(ASSETS / "outline.png", "outline.png")
    return path
