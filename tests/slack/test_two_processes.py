"""Issue 13, item 3: two real ``serve slack --http`` processes on two ports share one
PostgreSQL database with no sticky sessions.

Two practice sessions receive alternating turns (turn 1 to process A, turn 2 to B, …), each
delivered twice, the "Slack retry" (``x-slack-retry-num: 1``) going to the *other* process.
Every turn is answered exactly once and in order; the engine's state carries across the
processes (the debrief's turn numbers, layers and counts are those of one unbroken
conversation, and the transcript downloaded from the other process is whole); the debrief is
posted once when ``end`` reaches either process, even when an ``end`` and the *End practice*
button race on both. Overdue after-interview reminders written while both processes run are
posted once each (the dispatcher runs inside ``serve``: ``bot/slack/server.py:serve_http``).

PostgreSQL only (``EC_TEST_POSTGRES_URL``; each run gets its own schema): SQLite is one
file on one machine and is not a multi-process deployment.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_slack import BOT_TOKEN, FakeSlack, Posted
from slack_kit import (
    SIGNING_SECRET,
    block_actions,
    message_im,
    seed_overdue_interview,
    signed_headers,
)
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bot.slack import ids
from bot.store import sync_url, upgrade_to_head

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PG_ENV = "EC_TEST_POSTGRES_URL"

# Six turns a reader can count by hand: an opening, two open questions, one reflection
# and three follow-ups ("What happened next?", "What else…", "Tell me more…").
TURNS = [
    "Hi, this is Pat from school. Is now a good time?",
    "Tell me about a typical morning at your house.",
    "What happened next?",
    "It sounds like mornings are a lot to carry.",
    "What else is going on for Marcus?",
    "Tell me more about that.",
]
REMINDER_USERS = ["U0REMA", "U0REMB", "U0REMC"]
"""Interviewers whose logged interview makes three prompts overdue each."""


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL schema (``search_path`` set through the URL), dropped afterwards."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set: two serve processes need a shared PostgreSQL server")
    import psycopg

    schema = f"t2p_{uuid.uuid4().hex[:12]}"
    dsn = make_url(base).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _env(fake: FakeSlack, db_url: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "OPENAI_", "AZURE_OPENAI_", "EC_"))
    }
    env.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        EC_DATABASE_URL=db_url,
        SLACK_API_URL=fake.api_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        EC_REVIEW_MODE="rules",
    )
    return env


def _start(env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "slack", "--http", "--port", "0"],
        env=env,
        cwd=str(cwd),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _ready(proc: subprocess.Popen[str]) -> str:
    """The events URL a started ``serve`` prints on its first line."""
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/slack/events", line)
    if not match:
        proc.kill()
        raise AssertionError(f"serve did not start: {line!r} {proc.communicate()[1][-2000:]}")
    return f"http://127.0.0.1:{match.group(1)}/slack/events"


def _post(url: str, payload: tuple[str, str], *, retry: bool = False) -> None:
    body, ctype = payload
    headers = signed_headers(body, ctype, retry_num=1 if retry else None)
    resp = httpx.post(url, content=body, headers=headers, timeout=10)
    assert resp.status_code == 200, resp.text


def _deliver(first: str, second: str, payload: tuple[str, str]) -> None:
    """Deliver to ``first``, then Slack's retry of the same event to ``second``."""
    _post(first, payload)
    _post(second, payload, retry=True)


def _replies(fake: FakeSlack, user: str, thread: str) -> list[Posted]:
    """The caregiver's replies in a practice thread (streamed messages, finished)."""
    return [m for m in fake.messages(channel=f"D{user}", thread_ts=thread) if m.streamed and m.done]


def _debriefs(fake: FakeSlack, user: str, thread: str) -> list[Posted]:
    return [
        m
        for m in fake.messages(channel=f"D{user}", thread_ts=thread)
        if m.blocks and "Debrief: your practice with" in json.dumps(m.blocks[0])
    ]


def _wait(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def _figures(debrief: Posted) -> dict[str, str]:
    """The debrief card's figures, label -> value (from its ``fields`` section)."""
    out = {}
    for block in debrief.blocks:
        for field in block.get("fields") or []:
            label, _, value = field["text"].partition("\n")
            out[label.strip("*")] = value
    return out


def _rows(db_url: str, sql: str) -> list[Any]:
    engine = create_engine(sync_url(db_url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql)).all())
    finally:
        engine.dispose()


def _reminder_posts(fake: FakeSlack) -> list[tuple[str, str]]:
    """(channel, kind) of every reminder posted (the dispatcher tags them with metadata)."""
    return [
        (c.params["channel"], c.params["metadata"]["event_payload"]["kind"])
        for c in fake.calls_to("chat.postMessage")
        if c.status == 200 and c.answer.get("ok") and isinstance(c.params.get("metadata"), dict)
    ]


def test_two_processes_share_sessions_debriefs_and_reminders(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    upgrade_to_head(pg_url)  # once, as a deployment does before starting replicas
    users = ["U0TWOA", "U0TWOB"]
    started = time.monotonic()
    with FakeSlack() as fake:
        env = _env(fake, pg_url)
        procs = [_start(env, tmp_path), _start(env, tmp_path)]
        try:
            a, b = (_ready(p) for p in procs)
            ready_at = time.monotonic() - started
            # overdue prompts written while both dispatchers run (their first look at
            # start-up has passed; the next poll of either takes them)
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                seeded = pool.submit(
                    lambda: [seed_overdue_interview(pg_url, u) for u in REMINDER_USERS]
                )
                threads = {}
                for n, user in enumerate(users):  # user 0 starts on A, user 1 on B
                    start = message_im(user, "practice with Denise")
                    threads[user] = json.loads(start[0])["event"]["ts"]
                    first, second = (a, b) if n == 0 else (b, a)
                    _deliver(first, second, start)
                for user in users:
                    assert _wait(
                        lambda u=user: bool(fake.messages(channel=f"D{u}", thread_ts=threads[u])),
                        60,
                    ), "the practice did not start"

                for k, words in enumerate(TURNS, start=1):
                    for n, user in enumerate(users):
                        # alternate per turn, and the two users out of phase
                        first, second = (a, b) if (k + n) % 2 else (b, a)
                        _deliver(first, second, message_im(user, words, thread_ts=threads[user]))
                    for user in users:
                        assert _wait(
                            lambda u=user, k=k: len(_replies(fake, u, threads[u])) >= k, 60
                        ), f"turn {k} of {user} was not answered"
                seeded.result(timeout=30)

            # user 0 ends with a typed "end" at A (retried at B); user 1's "end" at B races
            # the End practice button pressed at A
            _deliver(a, b, message_im(users[0], "end", thread_ts=threads[users[0]]))
            intro = next(
                m
                for m in fake.messages(channel=f"D{users[1]}", thread_ts=threads[users[1]])
                if m.blocks and ids.ACTION_END in json.dumps(m.blocks)
            )
            session_b = next(
                el["value"]
                for blk in intro.blocks
                for el in blk.get("elements") or []
                if el.get("action_id") == ids.ACTION_END
            )
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                for fut in [
                    pool.submit(_post, b, message_im(users[1], "end", thread_ts=threads[users[1]])),
                    pool.submit(
                        _post,
                        a,
                        block_actions(
                            users[1],
                            ids.ACTION_END,
                            value=session_b,
                            message_ts=intro.ts,
                            thread_ts=threads[users[1]],
                        ),
                    ),
                ]:
                    fut.result()
            for user in users:
                assert _wait(lambda u=user: bool(_debriefs(fake, u, threads[u])), 60)

            # the transcript, downloaded through the process that did not post the debrief
            debrief_a = _debriefs(fake, users[0], threads[users[0]])[0]
            session_a = next(
                el["value"]
                for blk in debrief_a.blocks
                for el in blk.get("elements") or []
                if el.get("action_id") == ids.ACTION_DOWNLOAD_TRANSCRIPT
            )
            _post(
                b,
                block_actions(
                    users[0],
                    ids.ACTION_DOWNLOAD_TRANSCRIPT,
                    value=session_a,
                    message_ts=debrief_a.ts,
                    thread_ts=threads[users[0]],
                ),
            )
            assert _wait(lambda: bool(fake.uploads(channel=f"D{users[0]}")), 60)

            expected_prompts = sorted((f"D{u}", k) for u in REMINDER_USERS for k in KINDS)
            assert _wait(lambda: len(_reminder_posts(fake)) >= len(expected_prompts), 40), (
                _reminder_posts(fake)
            )
            time.sleep(2.0)  # a second answer, a second debrief or a second prompt shows by now
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            errs = [proc.communicate(timeout=40)[1] for proc in procs]
        for proc, err in zip(procs, errs, strict=True):
            assert proc.returncode == 0, err[-2000:]

        # every turn answered exactly once, in order, in both sessions
        for user in users:
            thread = threads[user]
            replies = _replies(fake, user, thread)
            assert len(replies) == len(TURNS), [r.text for r in replies]
            assert len(_debriefs(fake, user, thread)) == 1
        rows = _rows(
            pg_url,
            "SELECT s.user_id, t.turn_index, t.staff, t.caregiver, t.message_key "
            "FROM turns t JOIN practice_sessions s ON s.id = t.session_id "
            "ORDER BY s.user_id, t.turn_index",
        )
        for user in users:
            mine = [r for r in rows if r[0] == user]
            assert [r[1] for r in mine] == list(range(1, len(TURNS) + 1))
            assert [r[2] for r in mine] == TURNS
            assert len({r[4] for r in mine}) == len(TURNS)  # one message key per turn
            # the replies Slack shows are the stored ones, in the same order
            shown = [m.text for m in _replies(fake, user, threads[user])]
            assert [r[3] for r in mine] == shown

        # the state carried across processes: the figures of one unbroken conversation
        # (what `empathy-coach practice --persona night-shift-mom` gives for TURNS in one
        # process); a state lost between processes restarts trust and the turn count
        for user in users:
            figures = _figures(_debriefs(fake, user, threads[user])[0])
            assert figures["Turns"] == "6"
            assert figures["Follow-ups"] == "3" and figures["Reflections"] == "1"
            assert figures["Layers of the story"] == "2 of 4"
            summary = json.dumps(_debriefs(fake, user, threads[user])[0].blocks)
            assert "turn 3 (a follow-up) and turn 5 (a follow-up)" in summary

        # the downloaded transcript is whole: every staff turn and reply, in order
        (upload,) = fake.uploads(channel=f"D{users[0]}")
        transcript = (upload.data or b"").decode()
        texts = [t for r in rows if r[0] == users[0] for t in (r[2], r[3])]
        at = 0
        for words in texts:
            found = transcript.find(words.split("\n")[0][:60], at)
            assert found >= 0, (words, transcript[at : at + 400])
            at = found

        # each overdue prompt went out once
        assert sorted(_reminder_posts(fake)) == expected_prompts
        sent = _rows(pg_url, "SELECT status, attempts, claimed_by FROM reminders")
        assert {(s, n) for s, n, _ in sent} == {("sent", 1)}
    with capsys.disabled():
        holders = {c for _, _, c in sent}
        print(
            f"\ntwo processes: ready in {ready_at:.1f} s, whole test "
            f"{time.monotonic() - started:.1f} s; reminders sent by {len(holders)} dispatcher(s)"
        )


KINDS = ("exact_words", "reflection", "second_round")
"""The three after-interview prompts an interview without a team channel gets."""
