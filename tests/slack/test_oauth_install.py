"""Many workspaces: Bolt's OAuth install, encrypted tokens, one token per team, clean-up.

Real parts: the production start-up path (:class:`slack_kit.AppServer` over
``build_runtime`` + ``serve_http``) in many-workspace mode, signed HTTP requests, the
install page and redirect served by Bolt, ``oauth.v2.access`` on the loopback fake
Slack (which records the token of every call), a SQLite file and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from coach_slack_kit import practice
from cryptography.fernet import Fernet, InvalidToken
from fake_slack import FakeSlack
from slack_kit import AppServer, _event_callback, install, message_im, seed_overdue_interview
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, create_engine, inspect, text
from sqlalchemy.pool import NullPool
from typer.testing import CliRunner

from bot.config import Settings, get_settings
from bot.slack.installations import BOT_SCOPES, NotInstalled, TokenCipher, TokenKeyError
from bot.slack.server import SlackStartupError, build_runtime, multi_workspace_problems
from bot.store import sync_url, upgrade_to_head

ROOT = Path(__file__).parents[2]
KEY1 = Fernet.generate_key().decode()
KEY2 = Fernet.generate_key().decode()
TA, TB, TC = "T0SCHOOLA", "T0SCHOOLB", "T0NOTHERE"


def _oauth_settings(fake: FakeSlack, keys: str = KEY1) -> dict[str, Any]:
    return {
        "SLACK_CLIENT_ID": fake.client_id,
        "SLACK_CLIENT_SECRET": fake.client_secret,
        "SLACK_SIGNING_SECRET": "test-signing-secret-8f14e45fceea167a",
        "token_keys": keys,
    }


@pytest.fixture
def multi(fake: FakeSlack, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppServer]:
    """The app in many-workspace mode on SQLite and on PostgreSQL, scripted caregiver."""
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "AZURE_OPENAI_ENDPOINT", "SLACK_BOT_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    with AppServer(
        fake,
        Path("unused.db"),
        database_url=db_url,
        bot_token="",
        settings=_oauth_settings(fake),
    ) as app:
        yield app


def _base(server: AppServer) -> str:
    return f"http://127.0.0.1:{server.port}"


def rows(url: str, sql: str) -> list[dict[str, Any]]:
    engine = create_engine(sync_url(url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return [dict(r) for r in conn.execute(text(sql)).mappings()]
    finally:
        engine.dispose()


def _db(server: AppServer) -> str:
    return server.settings.database_url


def _tokens_of(fake: FakeSlack, channel: str) -> set[str | None]:
    methods = {"chat.postMessage", "chat.startStream", "chat.appendStream", "chat.stopStream"}
    return {
        c.token for c in fake.calls if c.method in methods and c.params.get("channel") == channel
    }


def test_install_flow_stores_tokens_encrypted(multi: AppServer, fake: FakeSlack) -> None:
    token, code = fake.add_workspace(TA)
    done = install(multi, code)
    assert done.status_code == 200, done.text
    assert [c.params.get("code") for c in fake.calls_to("oauth.v2.access")] == [code]
    stored = {
        name: rows(_db(multi), f"SELECT * FROM {name}")
        for name in ("slack_installations", "slack_bots")
    }
    assert len(stored["slack_installations"]) == len(stored["slack_bots"]) == 1
    cipher = TokenCipher([KEY1])
    for table, found in stored.items():
        row = found[0]
        assert row["team_id"] == TA
        raw = json.dumps(found, default=str)
        assert token not in raw and "xoxb-" not in raw, f"{table} holds a plaintext token"
        assert cipher.decrypt(row["bot_token"]) == token
    # the state was used once: the same redirect again is refused and nothing more is stored
    again = multi.http.get(
        _base(multi) + "/slack/oauth_redirect", params={"code": code, "state": "made-up"}
    )
    assert again.status_code in (400, 401)
    assert len(rows(_db(multi), "SELECT id FROM slack_bots")) == 1


def test_redirect_without_the_state_cookie_installs_nothing(
    multi: AppServer, fake: FakeSlack
) -> None:
    _token, code = fake.add_workspace(TA)
    page = multi.http.get(_base(multi) + "/slack/install")
    state = re.search(r"state=([\w-]+)", page.text)
    assert state
    multi.http.cookies.clear()
    refused = multi.http.get(
        _base(multi) + "/slack/oauth_redirect", params={"code": code, "state": state.group(1)}
    )
    assert refused.status_code == 400
    assert fake.calls_to("oauth.v2.access") == []
    assert rows(_db(multi), "SELECT id FROM slack_bots") == []


def _practice(server: AppServer, user: str, team: str) -> None:
    practice(server, ["Tell me about mornings."], user=user, team_id=team, end=False)


def test_two_workspaces_each_answered_with_its_own_token(multi: AppServer, fake: FakeSlack) -> None:
    token_a, code_a = fake.add_workspace(TA)
    token_b, code_b = fake.add_workspace(TB)
    assert install(multi, code_a).status_code == 200
    assert install(multi, code_b).status_code == 200
    card, _sid = practice(multi, ["Tell me about mornings."], user="UALICE", team_id=TA, end=False)
    _practice(multi, "UBOB", TB)
    assert len(fake.messages(channel="DUALICE")) >= 2 and len(fake.messages(channel="DUBOB")) >= 2
    assert _tokens_of(fake, "DUALICE") == {token_a}
    assert _tokens_of(fake, "DUBOB") == {token_b}
    sessions = rows(_db(multi), "SELECT workspace_id, user_id FROM practice_sessions")
    assert sorted((r["workspace_id"], r["user_id"]) for r in sessions) == [
        (TA, "UALICE"),
        (TB, "UBOB"),
    ]
    turns = rows(
        _db(multi),
        "SELECT s.workspace_id FROM turns t JOIN practice_sessions s ON s.id = t.session_id",
    )
    assert sorted(r["workspace_id"] for r in turns) == [TA, TB]
    # a turn in Alice's practice thread sent from workspace B is not added to Alice's session
    multi.post(message_im("UALICE", "What else?", channel="DUALICE", thread_ts=card.ts, team_id=TB))
    multi.drain()
    assert len(rows(_db(multi), "SELECT session_id FROM turns")) == 2
    assert _tokens_of(fake, "DUALICE") == {token_a}


def test_a_workspace_that_is_not_installed_is_refused(multi: AppServer, fake: FakeSlack) -> None:
    _token, code = fake.add_workspace(TA)
    assert install(multi, code).status_code == 200
    calls = len(fake.calls)
    answer = multi.post(message_im("UCAROL", "practice with Rosa", team_id=TC))
    assert answer.status_code == 200
    multi.drain()
    assert fake.calls[calls:] == []  # nothing posted, with no token at all
    assert rows(_db(multi), "SELECT id FROM practice_sessions") == []


def test_bolt_logs_an_uninstalled_workspace_as_one_warning_and_never_a_spent_code(
    multi: AppServer, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.slack.bolt")
    spent = "code-made-up-4f3e2a"
    page = install(multi, spent)  # Slack answers invalid_code for a code it never issued
    assert page.status_code >= 400
    multi.post(message_im("UCAROL", "practice with Rosa", team_id=TC))
    multi.drain()
    # Bolt's own loggers (the filter governs these; other tests' log set-up may add more)
    said = [
        (r.name, r.levelname, r.getMessage())
        for r in caplog.records
        if r.name.startswith(("bot.slack", "slack_bolt"))
    ]
    assert any("oauth.v2.access" in m for _n, _l, m in said)
    assert all(spent not in m for _n, _l, m in said)
    refused = [(n, lv) for n, lv, m in said if TC in m or "not installed" in m or "AuthorizeR" in m]
    assert refused == [("bot.slack.installations", "WARNING")], said
    assert not [x for x in said if x[1] in ("ERROR", "CRITICAL")], said


def test_background_clients_use_the_team_of_the_work(multi: AppServer, fake: FakeSlack) -> None:
    token_a, code_a = fake.add_workspace(TA)
    token_b, code_b = fake.add_workspace(TB)
    install(multi, code_a)
    install(multi, code_b)
    clients = multi.runtime.clients
    multi.call(clients.lazy(TB).chat_postMessage(channel="C0B", text="hello"))
    direct = multi.call(clients.client_for(TA))
    multi.call(direct.chat_postMessage(channel="C0A", text="hello"))
    assert _tokens_of(fake, "C0B") == {token_b} and _tokens_of(fake, "C0A") == {token_a}
    assert multi.call(clients.client_for(TC)) is None
    calls = len(fake.calls)
    with pytest.raises(NotInstalled):
        multi.call(clients.lazy(TC).chat_postMessage(channel="C0C", text="hello"))
    assert fake.calls[calls:] == []


def _event(server: AppServer, team: str, event: dict[str, Any]) -> None:
    body = _event_callback(event, event_id=f"Ev{time.monotonic_ns()}", team_id=team)
    assert server.post((body, "application/json")).status_code == 200


def test_uninstall_and_revocation_delete_the_workspace(multi: AppServer, fake: FakeSlack) -> None:
    token_a, code_a = fake.add_workspace(TA)
    token_b, code_b = fake.add_workspace(TB)
    install(multi, code_a)
    install(multi, code_b)
    fake.revoke(token_a)
    _event(multi, TA, {"type": "app_uninstalled"})
    multi.drain()
    teams = {r["team_id"] for r in rows(_db(multi), "SELECT team_id FROM slack_bots")}
    assert teams == {TB}
    installed = rows(_db(multi), "SELECT team_id FROM slack_installations")
    assert {r["team_id"] for r in installed} == {TB}
    # workspace A is no longer served, B still is
    calls = len(fake.calls)
    multi.post(message_im("UALICE", "practice with Rosa", team_id=TA))
    multi.drain()
    assert fake.calls[calls:] == []
    _practice(multi, "UBOB", TB)
    multi.drain()
    assert _tokens_of(fake, "DUBOB") == {token_b}
    # B revokes its bot token: its rows go too
    _event(
        multi, TB, {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT_T0SCHOOLB"]}}
    )
    multi.drain()
    assert rows(_db(multi), "SELECT id FROM slack_bots") == []
    assert rows(_db(multi), "SELECT id FROM slack_installations") == []


def test_reminders_of_an_uninstalled_workspace_are_skipped(
    fake: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    seed_overdue_interview(url, "UALICE", team_id=TA)
    seed_overdue_interview(url, "UBOB", team_id=TB)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    with AppServer(
        fake, tmp_path / "r.db", bot_token="", settings=_oauth_settings(fake), dispatch=False
    ) as server:
        token_b, code_b = fake.add_workspace(TB)
        install(server, code_b)  # A never installed (or uninstalled): only B is served
        assert server.tick() > 0
        reminders = rows(url, "SELECT workspace_id, status, failure_reason FROM reminders")
    of_a = [r for r in reminders if r["workspace_id"] == TA]
    of_b = [r for r in reminders if r["workspace_id"] == TB]
    assert of_a and {(r["status"], r["failure_reason"]) for r in of_a} == {
        ("failed", "not_installed")
    }
    assert of_b and {r["status"] for r in of_b} <= {"sent", "pending"}
    assert "sent" in {r["status"] for r in of_b}
    assert _tokens_of(fake, "DUBOB") == {token_b}
    assert _tokens_of(fake, "DUALICE") == set()


def test_rotate_keys_reencrypts_every_token(
    multi: AppServer, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import app

    token, code = fake.add_workspace(TA)
    install(multi, code)
    url = _db(multi)
    before = rows(url, "SELECT bot_token FROM slack_bots")[0]["bot_token"]
    monkeypatch.setenv("EC_DATABASE_URL", url)
    monkeypatch.setenv("EC_TOKEN_KEYS", f"{KEY2},{KEY1}")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["db", "rotate-keys"])
        assert result.exit_code == 0, result.output
        assert "2 token(s) in 2 row(s)" in result.output
        monkeypatch.setenv("EC_TOKEN_KEYS", KEY1)  # an old key alone opens nothing now
        get_settings.cache_clear()
        assert CliRunner().invoke(app, ["db", "rotate-keys"]).exit_code == 1
    finally:
        get_settings.cache_clear()
    for table in ("slack_bots", "slack_installations"):
        after = rows(url, f"SELECT bot_token FROM {table}")[0]["bot_token"]
        assert after != before
        assert TokenCipher([KEY2]).decrypt(after) == token  # the new key alone opens it
    # the old key alone no longer opens the rows: they need KEY2 now
    with pytest.raises(InvalidToken):
        TokenCipher([KEY1]).decrypt(after)


def test_bad_keys_are_named_without_their_value() -> None:
    with pytest.raises(TokenKeyError, match="key 2 is not a Fernet key") as caught:
        TokenCipher.from_setting(f"{KEY1},not-a-key-secret-value")
    assert "not-a-key-secret-value" not in str(caught.value)
    with pytest.raises(TokenKeyError, match="EC_TOKEN_KEYS is not set"):
        TokenCipher.from_setting(" , ")


def test_multi_mode_names_each_missing_setting(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", SLACK_CLIENT_ID="1.2")
    problems = multi_workspace_problems(settings, mode="socket")
    named = [p.split(" ", 1)[0] for p in problems]
    assert named == ["SLACK_CLIENT_SECRET", "SLACK_SIGNING_SECRET", "EC_TOKEN_KEYS", "many"]
    with pytest.raises(SlackStartupError) as caught:
        asyncio.run(build_runtime(settings, migrate=False))
    assert str(caught.value).splitlines() == problems[:3]
    ok = Settings(
        database_url=f"sqlite:///{tmp_path / 'x.db'}",
        SLACK_CLIENT_ID="1.2",
        SLACK_CLIENT_SECRET="s",
        SLACK_SIGNING_SECRET="x",
        token_keys=KEY1,
    )
    assert multi_workspace_problems(ok) == []
    assert not Settings(database_url="sqlite://").slack_multi_workspace


def test_serve_command_prints_one_line_per_missing_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from bot.cli import app

    for var in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "EC_TOKEN_KEYS", "SLACK_CLIENT_ID"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "shh-client-secret")
    monkeypatch.setenv("EC_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["serve", "slack", "--http"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert [line.split()[1] for line in lines] == [
        "SLACK_CLIENT_ID",
        "SLACK_SIGNING_SECRET",
        "EC_TOKEN_KEYS",
    ]
    assert "shh-client-secret" not in result.output


def test_migrated_tables_match_slack_sdk(db_url: str) -> None:
    """Migration 0008 makes the library's tables (token columns wider, for ciphertext)."""
    upgrade_to_head(db_url)
    metadata = MetaData()
    expected = [
        SQLAlchemyInstallationStore.build_installations_table(metadata, "slack_installations"),
        SQLAlchemyInstallationStore.build_bots_table(metadata, "slack_bots"),
        SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, "slack_oauth_states"),
    ]
    engine = create_engine(sync_url(db_url), poolclass=NullPool)
    try:
        found = inspect(engine)
        for table in expected:
            columns = {c["name"]: c for c in found.get_columns(table.name)}
            assert list(columns) == [c.name for c in table.columns], table.name
            for column in table.columns:
                assert columns[column.name]["nullable"] == column.nullable, column.name
            indexes = {i["name"]: i["column_names"] for i in found.get_indexes(table.name)}
            for index in table.indexes:
                assert indexes[index.name] == [c.name for c in index.columns]
    finally:
        engine.dispose()


def test_install_scopes_are_the_manifests() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    assert set(BOT_SCOPES) == set(manifest["oauth_config"]["scopes"]["bot"])
    assert len(BOT_SCOPES) == len(set(BOT_SCOPES))
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert {"app_uninstalled", "tokens_revoked"} <= events


def test_recovery_redoes_each_work_with_its_own_teams_token(
    multi: AppServer, fake: FakeSlack
) -> None:
    from datetime import UTC, datetime, timedelta

    from bot.services.claims import PendingWork
    from bot.services.ports import ConversationRef
    from bot.slack.server import recovery_outboxes

    token_a, code_a = fake.add_workspace(TA)
    token_b, code_b = fake.add_workspace(TB)
    install(multi, code_a)
    install(multi, code_b)
    runtime = multi.runtime
    # three messages whose holder died before answering: one per team (C is not installed)
    for team, user in ((TA, "UALICE"), (TB, "UBOB"), (TC, "UCAROL")):
        work = PendingWork(
            kind="message",
            ref=ConversationRef(
                platform="slack", workspace_id=team, conversation_id=f"D{user}", user_id=user
            ),
            keys=[f"msg:{team}-{user}"],
            text="practice with Rosa",
            message_id="1700000000.000100",
        )
        held = multi.call(
            runtime.store.claim_work(
                team,
                work.keys,
                token="dead-holder",
                payload=work.model_dump(mode="json"),
                lease=timedelta(seconds=1),
                now=datetime.now(UTC) - timedelta(minutes=5),
            )
        )
        assert held == 1
    redone = multi.call(runtime.deps.durable.recover_once(recovery_outboxes(runtime)))
    assert len(redone) == 3
    multi.drain()
    assert fake.messages(channel="DUALICE") and fake.messages(channel="DUBOB")
    assert _tokens_of(fake, "DUALICE") == {token_a}
    assert _tokens_of(fake, "DUBOB") == {token_b}
    assert _tokens_of(fake, "DUCAROL") == set()
    assert not [c for c in fake.calls if c.params.get("channel") == "DUCAROL"]


def test_reminders_command_posts_with_each_workspaces_token(
    fake: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``empathy-coach reminders run`` in many-workspace mode reads the tokens from the store."""
    from slack_sdk.oauth.installation_store.models.installation import Installation

    from bot.cli import app
    from bot.slack.installations import EncryptedInstallationStore
    from bot.store import create_engine as create_async_engine

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    seed_overdue_interview(url, "UALICE", team_id=TA)
    seed_overdue_interview(url, "UBOB", team_id=TB)
    token_b, _code = fake.add_workspace(TB)

    async def save() -> None:
        engine = create_async_engine(url)
        try:
            store = EncryptedInstallationStore(fake.client_id, engine, TokenCipher([KEY1]))
            await store.async_save(
                Installation(
                    app_id="A0FAKEAPP",
                    enterprise_id=None,
                    team_id=TB,
                    user_id="UADMIN",
                    bot_token=token_b,
                    bot_id="B_T0SCHOOLB",
                    bot_user_id="UBOT_T0SCHOOLB",
                    bot_scopes=list(BOT_SCOPES),
                )
            )
        finally:
            await engine.dispose()

    asyncio.run(save())
    assert token_b not in json.dumps(rows(url, "SELECT * FROM slack_bots"), default=str)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    for name, value in {
        "EC_DATABASE_URL": url,
        "SLACK_API_URL": fake.api_url,
        "SLACK_CLIENT_ID": fake.client_id,
        "SLACK_CLIENT_SECRET": fake.client_secret,
        "EC_TOKEN_KEYS": KEY1,
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["reminders", "run", "--once"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    reminders = rows(url, "SELECT workspace_id, status, failure_reason FROM reminders")
    assert {r["status"] for r in reminders if r["workspace_id"] == TB} == {"sent"}
    assert {(r["status"], r["failure_reason"]) for r in reminders if r["workspace_id"] == TA} == {
        ("failed", "not_installed")
    }
    assert _tokens_of(fake, "DUBOB") == {token_b}
    assert _tokens_of(fake, "DUALICE") == set()
