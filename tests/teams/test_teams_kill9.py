"""Issue 12 / 10 item 1: SIGKILL a real ``serve teams`` process while the model is answering
a practice message, start another on the same database, and the message is answered exactly
once, after the delay is said; the connector redelivering the same activity adds nothing.

Real parts: two ``serve teams`` processes (:mod:`teams_serve_worker`), the Teams endpoint
with token checks against the loopback key server, the loopback Bot Connector, a loopback
fake OpenAI server, a SQLite file (PostgreSQL when ``EC_TEST_POSTGRES_URL`` is set).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_connector import FakeConnector, FakeIdentity, Recorded
from fake_openai import FakeOpenAI
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from teams_kit import APP_ID, TENANT, activity, chat_of

from bot.presenters import practice as say
from bot.store import sync_url

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
CHAT = chat_of(1)
LEASE = 2.0
RECOVERY = 0.5


def _env(db_url: str, model: FakeOpenAI) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "OPENAI_", "AZURE_OPENAI_", "EC_", "CLIENT_", "TENANT_"))
    }
    env.pop("DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS", None)
    env.update(
        PYTHONPATH=os.pathsep.join([str(ROOT), str(HERE), str(HERE.parent)]),
        EC_DATABASE_URL=db_url,
        CLIENT_ID=APP_ID,
        TENANT_ID=TENANT,
        OPENAI_API_KEY="sk-test-teams-kill9",
        OPENAI_BASE_URL=model.base_url,
        EC_REVIEW_MODE="rules",
        EC_CHECK_PRINCIPLES="false",
        EC_MODEL_BUDGET="60",  # the hung request stays in flight until the kill
        EC_CLAIM_LEASE=str(LEASE),
        EC_TURN_LEASE=str(LEASE),
        EC_RECOVERY_INTERVAL=str(RECOVERY),
    )
    return env


def _serve(
    env: dict[str, str], identity: FakeIdentity, token: str, cwd: Path
) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "teams_serve_worker.py"), identity.base_url, "--token", token],
        env=env,
        cwd=str(cwd),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"ready (\d+)", line)
    if not match:
        proc.kill()
        raise AssertionError(f"serve teams did not start: {line!r} {proc.communicate()[1][-3000:]}")
    return proc, f"http://127.0.0.1:{match.group(1)}/api/messages"


def _post(url: str, identity: FakeIdentity, body: dict[str, Any]) -> None:
    token = identity.token(audience=APP_ID, service_url=body["serviceUrl"])
    r = httpx.post(url, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=90)
    assert r.status_code == 200, r.text


def _wait(predicate, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return bool(predicate())


def _replies(conn: FakeConnector, after: int) -> list[Recorded]:
    """Caregiver replies after message ``after``: each closes a Teams stream."""
    return [m for m in conn.messages(CHAT)[after:] if conn.stream_info(m) is not None]


def _turn_rows(db_url: str) -> list[tuple[int, str | None]]:
    engine = create_engine(sync_url(db_url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT turn_index, message_key FROM turns ORDER BY turn_index")
            ).all()
    finally:
        engine.dispose()
    return [(int(i), k) for i, k in rows]


def test_a_teams_turn_in_flight_when_serve_is_killed_is_answered_once_after_restart(
    tmp_path: Path,
    db_url: str,
    identity: FakeIdentity,
    connector: FakeConnector,
    capsys: pytest.CaptureFixture[str],
) -> None:
    conn = connector
    out_token = identity.token(
        audience="https://api.botframework.com", service_url=conn.service_url
    )
    with FakeOpenAI(stall_seconds=60) as model:
        model.fail(1, "timeout")  # the first model request hangs: the turn is in flight
        env = _env(db_url, model)
        first, url = _serve(env, identity, out_token, tmp_path)
        second = None
        try:
            _post(url, identity, activity("message", conn.service_url, text="practice with Denise"))
            assert _wait(lambda: any("Denise" in m.card_text for m in conn.messages(CHAT)), 30)
            before = len(conn.messages(CHAT))
            turn = activity("message", conn.service_url, text="Tell me about a typical morning.")
            # the endpoint answers the turn before its HTTP answer: post it in the background
            poster = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "import sys, httpx; httpx.post(sys.argv[1], content=sys.argv[2], "
                    "headers={'Authorization': 'Bearer ' + sys.argv[3], "
                    "'Content-Type': 'application/json'}, timeout=90)",
                    url,
                    json.dumps(turn),
                    identity.token(audience=APP_ID, service_url=conn.service_url),
                ],
                stderr=subprocess.DEVNULL,  # its connection is cut by the kill
            )
            assert _wait(lambda: model.chat_count >= 1, 30), "the model was never asked"
            first.send_signal(signal.SIGKILL)
            first.wait(10)
            poster.wait(30)
            killed_at = time.monotonic()
            assert _replies(conn, before) == []  # nothing was answered before the kill

            second, url = _serve(env, identity, out_token, tmp_path)
            started = time.monotonic() - killed_at
            assert _wait(lambda: _replies(conn, before), LEASE + 15), "the turn was lost"
            answered = time.monotonic() - killed_at
            _post(url, identity, turn)  # the connector redelivers the same activity
            time.sleep(LEASE + 2 * RECOVERY)  # a second answer would come by now
            replies = _replies(conn, before)
            texts = [m.text for m in conn.messages(CHAT)[before:]]
            assert len(replies) == 1, texts
            ((index, key),) = _turn_rows(db_url)  # one turn row, stored with its message key
            assert index == 1 and key is not None and key.startswith("teams-msg:")
            delayed = [i for i, t in enumerate(texts) if say.REPLY_DELAYED in t]
            assert len(delayed) == 1 and delayed[0] < texts.index(replies[0].text), texts

            # the next message is answered at once (no wait on the dead process's hold)
            sent = time.monotonic()
            _post(url, identity, activity("message", conn.service_url, text="What helps?"))
            assert _wait(lambda: len(_replies(conn, before)) == 2, 15)
            next_reply = time.monotonic() - sent
            assert [i for i, _ in _turn_rows(db_url)] == [1, 2]
        finally:
            if first.poll() is None:
                first.kill()
            if second is not None:
                second.send_signal(signal.SIGTERM)
                _out, err = second.communicate(timeout=30)
                assert second.returncode == 0, err[-3000:]
    assert model.chat_count == 3  # the hung request, the redo, the next turn
    assert answered - started < LEASE + 8, (started, answered)
    with capsys.disabled():
        print(
            f"\nteams kill -9 ({'sqlite' if db_url.startswith('sqlite') else 'postgresql'}): "
            f"restart {started:.2f} s, reply {answered:.2f} s after the kill "
            f"({answered - started:.2f} s after the restart), next turn {next_reply:.2f} s"
        )
