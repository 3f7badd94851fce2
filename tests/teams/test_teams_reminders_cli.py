"""``empathy-coach reminders run`` delivers Teams reminders too when the Teams settings are
set: the real command, its real Teams deliverer posting to the loopback connector (only the
outgoing token is the test's, :mod:`teams_cli_deliverer`), Slack's to the fake Slack Web API,
exactly once each, also while ``serve teams`` runs its own dispatcher on the same database."""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import teams_cli_deliverer
from fake_connector import FakeConnector, FakeIdentity
from teams_kit import APP_ID, TENANT, TeamsServer, chat_of, user
from typer.testing import CliRunner, Result

from bot.cli import app
from bot.config import get_settings
from bot.services.ports import ConversationRef
from bot.services.reflection import ReflectionService
from bot.store import Store, aupgrade_to_head

sys.path.insert(0, str(Path(__file__).parents[1] / "slack"))
from fake_slack import BOT_TOKEN, FakeSlack

pytestmark = pytest.mark.integration

START = datetime(2026, 3, 5, 16, 15, tzinfo=UTC)
"""Thursday 5 March 2026 in Chicago: every prompt of an interview then is overdue today."""
SLACK_TEAM, SLACK_USER = "T0SLACK", "U0SLACK"
TEAMS_ENV = {
    "CLIENT_ID": APP_ID,
    "CLIENT_SECRET": "s3cret-not-used",
    "TENANT_ID": TENANT,
}


class Clock:
    """The real clock shifted by :attr:`offset` (``serve teams`` reads it from its thread).

    The two dispatchers must agree on the time once both run: a lease is compared with
    each one's own clock (``docs/architecture.md``, "Clocks").
    """

    def __init__(self, start: datetime) -> None:
        self.offset = start - datetime.now(UTC)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


def _teams_ref(n: int, service_url: str) -> ConversationRef:
    return ConversationRef(
        platform="teams",
        workspace_id=TENANT,
        conversation_id=chat_of(n),
        user_id=user(n)["aadObjectId"],
        service_url=service_url,
    )


async def _seed(url: str, service_url: str, users: range, *, slack: bool = True) -> dict[Any, str]:
    """One Teams interview per user (logged at :data:`START`) and one Slack interview."""
    await aupgrade_to_head(url)
    store = Store.from_url(url)
    try:
        svc = ReflectionService(store, clock=lambda: START)
        ids: dict[Any, str] = {}
        for n in users:
            info = await svc.log_interview(
                TENANT,
                user(n)["aadObjectId"],
                pseudonym="R.M.",
                grade_band="3-5",
                mode="phone",
                interviewer_tz="America/Chicago",
                conversation=_teams_ref(n, service_url),
            )
            ids[n] = info.id
        if slack:
            info = await svc.log_interview(
                SLACK_TEAM,
                SLACK_USER,
                pseudonym="J.T.",
                grade_band="6-8",
                mode="in_person",
                interviewer_tz="America/Chicago",
                conversation=ConversationRef(
                    platform="slack", workspace_id=SLACK_TEAM, user_id=SLACK_USER
                ),
            )
            ids["slack"] = info.id
        return ids
    finally:
        await store.dispose()


async def _statuses(url: str, workspace: str, interview_id: str) -> list[tuple[str, str]]:
    store = Store.from_url(url)
    try:
        async with store.unit_of_work() as uow:
            rows = await uow.reminders.for_interview(workspace, interview_id)
            return sorted((r.kind, r.status) for r in rows)
    finally:
        await store.dispose()


def _run_cli(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> Result:
    """``empathy-coach reminders run --once`` with exactly these platform settings."""
    for name in (
        "CLIENT_ID",
        "CLIENT_SECRET",
        "TENANT_ID",
        "SLACK_BOT_TOKEN",
        "SLACK_CLIENT_ID",
        "SLACK_CLIENT_SECRET",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("bot.cli.reminders.TEAMS_DELIVERER", "teams_cli_deliverer:build")
    get_settings.cache_clear()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        return CliRunner().invoke(app, ["reminders", "run", "--once"])
    finally:
        get_settings.cache_clear()
        root.handlers[:] = handlers  # the command logs to CliRunner's stream, closed after it
        root.setLevel(level)


def test_reminders_run_posts_teams_and_slack_prompts_once(
    tmp_path: Path,
    identity: FakeIdentity,
    connector: FakeConnector,
    slack: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = f"sqlite:///{tmp_path / 'worker.db'}"
    ids = asyncio.run(_seed(url, connector.service_url, range(1, 2)))
    token = identity.token(
        audience="https://api.botframework.com", service_url=connector.service_url
    )
    teams_cli_deliverer.TOKEN[:] = [token]
    env = {
        **TEAMS_ENV,
        "EC_DATABASE_URL": url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": slack.api_url,
    }
    result = _run_cli(monkeypatch, env)
    assert result.exit_code == 0, result.output
    assert "handled 6 due reminder(s)" in result.output
    assert "note:" not in result.output, "both platforms are configured"

    posts = connector.messages()
    assert [p.conversation_id for p in posts] == [chat_of(1)] * 3
    assert all(p.authorization == f"Bearer {token}" for p in posts)
    buttons = sorted(b["data"]["ec"] for p in posts for b in p.submits())
    assert buttons == ["log_interview", "open_exact_words", "open_reflection"]
    assert all("R.M." in p.card_text and "J.T." not in p.card_text for p in posts)
    slack_posts = slack.calls_to("chat.postMessage")
    assert len(slack_posts) == 3
    assert all("R.M." not in str(c.params) for c in slack_posts)
    assert asyncio.run(_statuses(url, TENANT, ids[1])) == [
        ("exact_words", "sent"),
        ("reflection", "sent"),
        ("second_round", "sent"),
    ]
    assert "s3cret" not in result.output and BOT_TOKEN not in result.output

    again = _run_cli(monkeypatch, env)
    assert "handled 0 due reminder(s)" in again.output
    assert len(connector.messages()) == 3 and len(slack.calls_to("chat.postMessage")) == 3


def test_without_teams_settings_it_says_once_that_teams_waits_for_serve_teams(
    tmp_path: Path, connector: FakeConnector, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'worker.db'}"
    ids = asyncio.run(_seed(url, connector.service_url, range(1, 2)))
    result = _run_cli(
        monkeypatch,
        {"EC_DATABASE_URL": url, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": slack.api_url},
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("Teams reminders are left to `empathy-coach serve teams`") == 1
    assert "handled 3 due reminder(s)" in result.output
    assert connector.recorded == []
    assert asyncio.run(_statuses(url, TENANT, ids[1])) == [
        ("exact_words", "pending"),
        ("reflection", "pending"),
        ("second_round", "pending"),
    ], "left for serve teams, not claimed"


def test_a_teams_setting_alone_names_each_missing_one(
    tmp_path: Path, connector: FakeConnector, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'worker.db'}"
    ids = asyncio.run(_seed(url, connector.service_url, range(1, 2), slack=False))
    result = _run_cli(monkeypatch, {"EC_DATABASE_URL": url, "CLIENT_ID": APP_ID})
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(("error", "note"))]
    assert "Slack reminders are left to `empathy-coach serve slack`" in lines[0]
    assert [line.split()[:2] for line in lines[1:]] == [
        ["error:", "CLIENT_SECRET"],
        ["error:", "TENANT_ID"],
    ], "one line per missing Teams setting"
    assert connector.recorded == []
    assert {s for _, s in asyncio.run(_statuses(url, TENANT, ids[1]))} == {"pending"}


def test_reminders_run_beside_serve_teams_posts_each_prompt_once(
    db_url: str,
    tmp_path: Path,
    identity: FakeIdentity,
    connector: FakeConnector,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    users = range(1, 13)
    clock = Clock(START)
    asyncio.run(_seed(db_url, connector.service_url, users, slack=False))
    worker_token = identity.token(
        audience="https://api.botframework.com", service_url=connector.service_url, expires_in=3601
    )
    teams_cli_deliverer.TOKEN[:] = [worker_token]
    with TeamsServer(
        str(tmp_path / "unused.db"), identity, connector, clock=clock, database_url=db_url
    ) as server:
        time.sleep(0.3)
        assert connector.messages() == [], "nothing is due on serve's clock yet"
        clock.offset = timedelta(0)  # serve's clock is the worker's: every prompt is due
        result = _run_cli(monkeypatch, {**TEAMS_ENV, "EC_DATABASE_URL": db_url})
        assert result.exit_code == 0, result.output
        deadline = time.monotonic() + 60
        while len(connector.messages()) < 3 * len(users) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # more looks by serve's dispatcher: nothing is posted again
        posts = connector.messages()
        serve_token = server.outbound_token
    for n in users:
        mine = [p.card_text for p in posts if p.conversation_id == chat_of(n)]
        assert len(mine) == 3 and len(set(mine)) == 3, (n, mine)
    assert len(posts) == 3 * len(users)
    senders = {p.authorization for p in posts}
    assert senders <= {f"Bearer {worker_token}", f"Bearer {serve_token}"}
    handled = int(result.output.split("handled ")[1].split()[0])
    worker_posts = sum(p.authorization == f"Bearer {worker_token}" for p in posts)
    assert handled == worker_posts, "the worker's count is what it posted"
