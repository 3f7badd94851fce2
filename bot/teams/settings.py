"""The Teams settings (the Teams SDK's own names) and the SDK app options built from them.

Both ``serve teams`` (:mod:`bot.teams.server`) and the reminder worker's Teams
deliverer (:func:`bot.teams.deliver.build_deliverer`) read the same three settings:
``CLIENT_ID``, ``CLIENT_SECRET`` and ``TENANT_ID`` (:class:`bot.config.Settings`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from microsoft_teams.api.auth.cloud_environment import CloudEnvironment

from bot.config import Settings

__all__ = ["TeamsStartupError", "app_options", "check_settings"]

_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


class TeamsStartupError(RuntimeError):
    """A setting is missing or the app cannot start; the message names the setting."""


def check_settings(settings: Settings) -> list[str]:
    """One line per missing or malformed Teams setting (empty when all are good).

    ``CLIENT_ID`` and ``TENANT_ID`` must be GUIDs: Microsoft Entra gives every app
    registration and every tenant a GUID, and the Teams SDK builds the token authority
    and audience from them (a tenant's domain name does not work there).

    Args:
        settings: the app settings.

    Returns:
        e.g. ``["CLIENT_ID is not set (the Azure Bot's Microsoft App ID)"]``.
    """
    secret = settings.teams_client_secret
    problems = []
    client_id = (settings.teams_client_id or "").strip()
    if not client_id:
        problems.append(
            "CLIENT_ID is not set (the Microsoft App ID of the Azure Bot's app registration)"
        )
    elif not _GUID.match(client_id):
        problems.append(
            "CLIENT_ID is not a GUID (the Microsoft App ID of the Azure Bot's app registration, "
            "like 00000000-0000-0000-0000-000000000000)"
        )
    if secret is None or not secret.get_secret_value().strip():
        problems.append(
            "CLIENT_SECRET is not set (a client secret of that app registration: "
            "Certificates & secrets)"
        )
    tenant_id = (settings.teams_tenant_id or "").strip()
    if not tenant_id:
        problems.append(
            "TENANT_ID is not set (the Directory (tenant) ID of the school district's "
            "Microsoft 365 tenant)"
        )
    elif not _GUID.match(tenant_id):
        problems.append(
            "TENANT_ID is not a GUID (the Directory (tenant) ID of the school district's "
            "Microsoft 365 tenant, like 00000000-0000-0000-0000-000000000000; not a domain "
            "name such as district.onmicrosoft.com)"
        )
    return problems


def app_options(
    settings: Settings,
    *,
    cloud: CloudEnvironment | None = None,
    token: Callable[..., Any] | None = None,
) -> dict[str, Any]:
    """The Teams SDK ``App`` options for these settings (credentials, tenant, cloud).

    Args:
        settings: the app settings.
        cloud: the Microsoft cloud (None: the SDK's choice, ``CLOUD`` or the public one).
        token: a token source for outgoing calls instead of the client secret (tests).

    Returns:
        Keyword arguments for ``microsoft_teams.apps.App`` (no HTTP server options).
    """
    secret = settings.teams_client_secret
    options: dict[str, Any] = {
        "client_id": settings.teams_client_id,
        "tenant_id": settings.teams_tenant_id,
        "dangerously_allow_unauthenticated_requests": settings.teams_allow_unauthenticated,
    }
    if token is not None:
        options["token"] = token
    elif secret is not None:
        options["client_secret"] = secret.get_secret_value()
    if cloud is not None:
        options["cloud"] = cloud
    return options
