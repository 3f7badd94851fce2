"""The real Teams deliverer for ``reminders run``, signing its posts with a loopback token.

Everything is :func:`bot.teams.deliver.build_deliverer` except where the bot's outgoing
token comes from: Entra ID's login endpoint is outside this machine (and MSAL accepts only
https authorities), so the test sets :data:`TOKEN` (signed by the
:class:`~fake_connector.FakeIdentity`) and points ``TEAMS_DELIVERER`` here.
"""

from __future__ import annotations

import os

from bot.config import Settings
from bot.teams.deliver import TeamsDeliverer, build_deliverer

TOKEN: list[str] = []
"""The outgoing token the test hands the SDK (one item)."""


async def build(settings: Settings) -> TeamsDeliverer:
    """:func:`build_deliverer` with the test's token instead of the client secret."""
    token = TOKEN[0]
    # the SDK reads CLIENT_SECRET from the environment itself and prefers it to a token; the
    # command has read its settings already (the test's monkeypatch restores the variable)
    os.environ.pop("CLIENT_SECRET", None)
    return await build_deliverer(settings, token=lambda *_: token)
