"""Issue 13, observability: ``/metrics``, JSON request logs and ``/readyz`` on the real Slack
HTTP server (signed requests, the fake Slack Web API, the scripted or a fake model)."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from fake_slack import BOT_TOKEN, TEAM_ID, FakeSlack
from prometheus_client.parser import text_string_to_metric_families
from slack_kit import SIGNING_SECRET, AppServer, block_actions, message_im
from sqlalchemy import create_engine

from bot.bootstrap import configure_logging
from bot.cli.common import LogFormat, use_log_format
from bot.health import not_ready
from bot.slack import ids
from bot.slack.redact import install_redaction
from bot.store import Store, head_revision, sync_url, upgrade_to_head
from bot.store.migrate import alembic_config

pytestmark = pytest.mark.integration

USER = "U0OBS"
DM = f"D{USER}"
JUDGING = "Don't you think Marcus should be in school every day?"


def _metrics(server: AppServer) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    resp = server.http.get(f"http://127.0.0.1:{server.port}/metrics")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/plain")
    out = {}
    for family in text_string_to_metric_families(resp.text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def _value(m: dict, name: str, **labels: str) -> float:  # type: ignore[type-arg]
    return float(m.get((name, tuple(sorted(labels.items()))), 0.0))


def _start(server: AppServer) -> str:
    server.post(block_actions(USER, ids.ACTION_START, value="night-shift-mom", in_home=True))
    server.drain()
    [card] = server.fake.messages(channel=DM)
    return card.ts


def test_metrics_count_a_real_turn_its_findings_and_its_reply_latency(server: AppServer) -> None:
    thread = _start(server)
    before = _metrics(server)
    assert server.post(message_im(USER, JUDGING, thread_ts=thread)).status_code == 200
    server.drain()
    after = _metrics(server)

    def grew(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert grew("ec_turns_total", outcome="answered") == 1
    assert grew("ec_review_findings_total", kind="judgment") == 1  # "Don't you think … should"
    assert grew("ec_review_findings_total", kind="advice") == 0
    assert grew("ec_reply_latency_seconds_count") == 1
    assert 0 < grew("ec_reply_latency_seconds_sum") < 30
    assert _value(after, "ec_pending_turns") == 0  # answered: nothing held any more


def test_a_slack_api_error_is_counted_by_method_and_code(server: AppServer) -> None:
    before = _metrics(server)
    server.fake.fail("chat.postMessage", "channel_not_found", times=1)
    server.post(block_actions(USER, ids.ACTION_START, value="night-shift-mom", in_home=True))
    server.drain()
    after = _metrics(server)
    labels = {"method": "chat.postMessage", "error": "channel_not_found"}
    assert (
        _value(after, "ec_slack_api_errors_total", **labels)
        - _value(before, "ec_slack_api_errors_total", **labels)
        == 1
    )


def test_model_calls_are_timed_and_their_tokens_counted(fake: FakeSlack, tmp_path: Path) -> None:
    from fake_openai import FakeOpenAI

    with FakeOpenAI() as model:
        settings = {
            "OPENAI_API_KEY": "sk-test-model-key",
            "OPENAI_BASE_URL": model.base_url,
            "review_mode": "rules",
            "check_principles": False,
        }
        with AppServer(fake, tmp_path / "m.db", backend="openai", settings=settings) as server:
            thread = _start(server)
            before = _metrics(server)
            calls_before = model.chat_count
            server.post(message_im(USER, "Tell me about mornings.", thread_ts=thread))
            server.drain()
            after = _metrics(server)
            chats = model.chat_requests[calls_before:]
    assert chats and all(r.answered == "ok" for r in chats)
    # what the fake reported: a quarter of the characters it received and sent
    prompt = sum(max(1, len(r.text) // 4) for r in chats)
    replies = [
        f"Well, it has been a long week. I am just trying to keep things going (reply {r.chat_n})."
        for r in chats
    ]
    completion = sum(max(1, len(text) // 4) for text in replies)

    def grew(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert grew("ec_model_tokens_total", kind="prompt") == prompt
    assert grew("ec_model_tokens_total", kind="completion") == completion
    calls = sum(
        grew("ec_model_latency_seconds_count", call=c, outcome="ok")
        for c in ("stream", "chat", "parse")
    )
    assert calls == len(chats)


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The process's log as ``serve`` sets it up (INFO, JSON, redaction), into a buffer."""
    root = logging.getLogger()
    saved = (root.level, list(root.handlers), [(h, h.formatter) for h in root.handlers])
    buffer = io.StringIO()
    root.handlers[:] = [logging.StreamHandler(buffer)]
    configure_logging("INFO")
    use_log_format(LogFormat.json)
    install_redaction([BOT_TOKEN, SIGNING_SECRET])
    yield buffer
    root.handlers[:] = saved[1]
    root.setLevel(saved[0])
    for handler, formatter in saved[2]:
        handler.setFormatter(formatter)


def test_json_log_lines_carry_ids_and_latency_but_no_text_and_no_token(
    server: AppServer, json_log: io.StringIO
) -> None:
    thread = _start(server)
    secret_words = "the purple bicycle behind Grandma's trailer"
    payload = message_im(
        USER, f"Tell me about {secret_words}.", thread_ts=thread, event_id="Ev0OBSLOG"
    )
    assert server.post(payload).status_code == 200
    assert server.post(payload, retry_num=1).status_code == 200  # Slack's retry: a duplicate
    server.drain()
    logging.getLogger("bot.test").error("boom", exc_info=ValueError(f"bad {BOT_TOKEN}"))
    text = json_log.getvalue()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]  # every line parses
    assert lines and all({"timestamp", "level", "logger", "message"} <= set(x) for x in lines)
    requests = [x for x in lines if x["message"] == "request" and x.get("event_id") == "Ev0OBSLOG"]
    assert len(requests) == 2
    first, retry = requests
    assert first["team_id"] == TEAM_ID and first["event_type"] == "message.im"
    assert first["status"] == 200 and isinstance(first["latency_ms"], int | float)
    assert len(first["request_id"]) == 32 and first["request_id"] != retry["request_id"]
    assert "slack_retry_num" not in first and retry["slack_retry_num"] == "1"
    [press] = [x for x in lines if x["message"] == "request" and x["event_type"] == "block_actions"]
    assert press["team_id"] == TEAM_ID
    # the work the press started logs under the same request id
    [started] = [
        x for x in lines if x["logger"] == "bot.services.sessions" and "started" in x["message"]
    ]
    assert started["request_id"] == press["request_id"] and started["team_id"] == TEAM_ID
    assert "purple bicycle" not in text and "Grandma" not in text
    assert BOT_TOKEN not in text and SIGNING_SECRET not in text
    [boom] = [x for x in lines if x["message"] == "boom"]
    assert "ValueError" in boom["exception"] and "[redacted]" in boom["exception"]


def _stamp(url: str, revision: str) -> None:
    engine = create_engine(sync_url(url))
    try:
        with engine.begin() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.stamp(cfg, revision)
    finally:
        engine.dispose()


def test_readyz_says_503_while_the_database_is_behind_the_head(server: AppServer) -> None:
    url = server.settings.database_url
    ready = f"http://127.0.0.1:{server.port}/readyz"
    assert server.http.get(ready).status_code == 200
    _stamp(url, "0005")
    resp = server.http.get(ready)
    assert resp.status_code == 503
    reason = resp.json()["reason"]
    assert "0005" in reason and str(head_revision()) in reason and "db upgrade" in reason
    alive = server.http.get(f"http://127.0.0.1:{server.port}/healthz")
    assert alive.status_code == 200  # alive, only not ready
    _stamp(url, "head")
    assert server.http.get(ready).json() == {"ok": True}


def test_readiness_of_a_read_only_database_file(tmp_path: Path) -> None:
    db = tmp_path / "ro.db"
    upgrade_to_head(f"sqlite:///{db}")

    async def check(url: str) -> str | None:
        store = Store.from_url(url)
        try:
            return await not_ready(store)
        finally:
            await store.dispose()

    assert asyncio.run(check(f"sqlite:///{db}")) is None
    reason = asyncio.run(check(f"sqlite:///file:{db}?mode=ro&uri=true"))
    assert reason is not None and "read-only" in reason


def test_serve_with_migrate_on_start_off_refuses_an_unmigrated_database(
    tmp_path: Path, fake: FakeSlack
) -> None:
    import os
    import subprocess
    import sys

    from bot.store import current_revision

    db = tmp_path / "fresh.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_", "EC_"))}
    root = Path(__file__).resolve().parents[2]
    env.update(
        PYTHONPATH=str(root),
        EC_DATABASE_URL=f"sqlite:///{db}",
        EC_MIGRATE_ON_START="false",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.api_url,
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "serve", "slack", "--http", "--port", "0"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "db upgrade" in errors[0], result.stderr
    assert "Traceback" not in result.stderr
    assert current_revision(f"sqlite:///{db}") is None  # it did not migrate


def test_reminders_due_sent_and_failed_are_counted(fake: FakeSlack, tmp_path: Path) -> None:
    from slack_kit import seed_overdue_interview

    db = tmp_path / "r.db"
    seed_overdue_interview(f"sqlite:///{db}", USER, team_channel="C0TEAM")
    fake.fail("chat.postMessage", "channel_not_found")  # every post: a permanent error
    with AppServer(fake, db, dispatch=False) as server:
        before = _metrics(server)
        handled = server.tick()
        after = _metrics(server)
    posts = fake.calls_to("chat.postMessage")

    def grew(status: str) -> float:
        return _value(after, "ec_reminders_total", status=status) - _value(
            before, "ec_reminders_total", status=status
        )

    assert handled >= 4 and grew("due") == handled  # three DMs and the weekly post, at least
    assert grew("sent") == 0 and grew("failed") >= 4
    assert grew("failed") == len([c for c in posts if c.answer.get("ok") is False])


def test_reminders_sent_are_counted(fake: FakeSlack, tmp_path: Path) -> None:
    from slack_kit import seed_overdue_interview

    db = tmp_path / "s.db"
    seed_overdue_interview(f"sqlite:///{db}", USER)
    with AppServer(fake, db, dispatch=False) as server:
        before = _metrics(server)
        handled = server.tick()
        after = _metrics(server)
    sent = _value(after, "ec_reminders_total", status="sent") - _value(
        before, "ec_reminders_total", status="sent"
    )
    posted = [c for c in fake.calls_to("chat.postMessage") if c.answer.get("ok")]
    assert handled >= 3 and sent == len(posted) >= 3
