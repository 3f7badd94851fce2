"""Run the real Teams endpoint in a thread and post Bot Framework activities to it.

:class:`TeamsServer` starts :func:`bot.teams.server.run_teams` (the same code
``empathy-coach serve teams`` runs) on 127.0.0.1 with a free port, a SQLite
file and the offline caregiver, its token checks pointed at a
:class:`~fake_connector.FakeIdentity`. :func:`activity` builds activities
shaped like Microsoft's documented ones (``from``, ``recipient``,
``conversation`` with ``tenantId`` and ``conversationType``, ``channelData``,
``serviceUrl``, ``localTimezone``).
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from fake_connector import FakeConnector, FakeIdentity, Recorded

from bot.config import Settings

APP_ID = "00000000-1111-4222-8333-444444444444"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
BOT = f"28:{APP_ID}"
_ids = itertools.count(1)


def user(n: int = 1) -> dict[str, str]:
    """A Teams user: ``29:`` id, Entra object id, name."""
    return {
        "id": f"29:1user{n}-teams-id",
        "aadObjectId": f"aad0000{n}-0000-4000-8000-00000000000{n}",
        "name": f"Staff {n}",
    }


def chat_of(n: int = 1) -> str:
    """The 1:1 chat id of user ``n`` with the bot."""
    return f"a:1personal-chat-of-user-{n}"


def activity(
    kind: str,
    service_url: str,
    *,
    n: int = 1,
    text: str | None = None,
    value: Any = None,
    tenant: str = TENANT,
    **extra: Any,
) -> dict[str, Any]:
    """One activity from user ``n`` in their 1:1 chat with the bot."""
    body: dict[str, Any] = {
        "type": kind,
        "id": f"f:{next(_ids)}",
        "timestamp": "2026-12-01T20:00:00.000Z",
        "localTimestamp": "2026-12-01T14:00:00.000-06:00",
        "localTimezone": "America/Chicago",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": user(n),
        "conversation": {"conversationType": "personal", "tenantId": tenant, "id": chat_of(n)},
        "recipient": {"id": BOT, "name": "Empathy Coach"},
        "channelData": {"tenant": {"id": tenant}},
        "locale": "en-US",
    }
    if text is not None:
        body["text"] = text
        body["textFormat"] = "plain"
    if value is not None:
        body["value"] = value
    body.update(extra)
    return body


def in_team(
    kind: str, service_url: str, team: str, *, name: str = "Attendance team", **extra: Any
) -> dict[str, Any]:
    """An activity in a team's General channel (``team`` is its id), as Microsoft documents."""
    body = activity(kind, service_url, **extra)
    body["conversation"] = {
        "isGroup": True,
        "conversationType": "channel",
        "tenantId": body["conversation"]["tenantId"],
        "id": team,
    }
    body["channelData"] = {
        "team": {"id": team, "name": name, "aadGroupId": f"g-{team[:12]}"},
        "channel": {"id": team},
        "tenant": {"id": body["conversation"]["tenantId"]},
    }
    return body


CHICAGO = ZoneInfo("America/Chicago")
"""The test users' client zone (``localTimezone`` in :func:`activity`)."""
YESTERDAY = datetime.now(CHICAGO).date() - timedelta(days=1)
"""A logged interview's day (the services refuse future and long-past days)."""
QUIET_NOW = datetime.combine(YESTERDAY + timedelta(days=1), clock_time(1, 0), CHICAGO).astimezone(
    UTC
)
"""An app clock at 1 AM today in Chicago, outside working hours: no reflection prompt comes
due during a test (from 8 AM the first one does, and the dispatcher claims or posts it)."""


class TeamsServer:
    """The Teams app on 127.0.0.1 in a background thread (use as a context manager)."""

    def __init__(
        self,
        db_path: str,
        identity: FakeIdentity,
        connector: FakeConnector,
        *,
        allow_unauthenticated: bool = False,
        client_id: str | None = APP_ID,
        clock: Callable[[], datetime] | None = None,
        reminder_poll: float | None = 0.05,
        database_url: str | None = None,
    ) -> None:
        values: dict[str, Any] = {
            "database_url": database_url or f"sqlite:///{db_path}",
            "TENANT_ID": TENANT,
            "DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS": allow_unauthenticated,
        }
        if client_id:
            values["CLIENT_ID"] = client_id
        self.settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
        self.identity = identity
        self.connector = connector
        self.clock = clock
        self.reminder_poll = reminder_poll
        self.port = 0
        self.loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self.http = httpx.Client(timeout=30)
        self.outbound_token = identity.token(
            audience="https://api.botframework.com", service_url=connector.service_url
        )

    def __enter__(self) -> TeamsServer:
        self._thread = threading.Thread(target=self._main, daemon=True)
        self._thread.start()
        if not self._ready.wait(180) or self._error is not None:
            raise RuntimeError(f"the Teams app did not start: {self._error!r}")
        return self

    def _main(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:
            self._error = exc
            self._ready.set()

    async def _serve(self) -> None:
        from bot.teams.server import run_teams

        self.loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()

        def ready(host: str, port: int) -> None:
            self.port = port
            self._ready.set()

        await run_teams(
            self.settings,
            host="127.0.0.1",
            port=0,
            backend="scripted",
            stop=self._stop,
            on_ready=ready,
            cloud=self.identity.cloud,
            token=lambda *_: self.outbound_token,
            clock=self.clock,
            reminder_poll=self.reminder_poll,
        )

    def __exit__(self, *exc: object) -> None:
        if self.loop is not None and self._stop is not None:
            self.loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(30)
        self.http.close()

    @property
    def url(self) -> str:
        """The messaging endpoint."""
        return f"http://127.0.0.1:{self.port}/api/messages"

    def post(
        self, body: dict[str, Any], *, token: str | Callable[[], str] | None = "valid"
    ) -> httpx.Response:
        """POST one activity; ``token="valid"`` signs a good token, None sends none."""
        headers = {}
        if token == "valid":
            token = self.identity.token(audience=APP_ID, service_url=body["serviceUrl"])
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.post(self.url, json=body, headers=headers)

    def say(self, text: str, *, n: int = 1) -> httpx.Response:
        """User ``n`` types ``text`` in their chat; asserts 200."""
        r = self.post(activity("message", self.connector.service_url, n=n, text=text))
        assert r.status_code == 200, r.text
        return r

    def press(self, data: dict[str, Any], *, n: int = 1, card: str | None = None) -> httpx.Response:
        """User ``n`` presses an Action.Submit carrying ``data`` on the card whose activity
        id is ``card`` (sent as ``replyToId``, as Teams does; None: no ``replyToId``);
        asserts 200."""
        extra = {"replyToId": card} if card is not None else {}
        r = self.post(activity("message", self.connector.service_url, n=n, value=data, **extra))
        assert r.status_code == 200, r.text
        return r

    def install_in_team(self, team: str, name: str) -> None:
        """The app is added to team ``team`` (its channel's reference is stored)."""
        body = in_team(
            "conversationUpdate",
            self.connector.service_url,
            team,
            name=name,
            membersAdded=[{"id": BOT}],
        )
        body["channelData"]["eventType"] = "teamMemberAdded"
        r = self.post(body)
        assert r.status_code == 200, r.text

    def wait_messages(
        self, count: int, conversation_id: str, timeout: float = 10
    ) -> list[Recorded]:
        """Wait until ``count`` messages reached the connector in that chat."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.connector.messages(conversation_id)
            if len(got) >= count or time.monotonic() > deadline:
                return got
            time.sleep(0.02)
