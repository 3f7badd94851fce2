"""Issue 12 / 10 item 2: the connector refuses a practice reply (500); the claim is not
finished, so the recovery loop beside ``serve teams`` re-sends the saved turn's reply
(the model is not asked again), once, after saying it was delayed; a connector that
never takes it gets the plain "gave up" notice after the attempts.

Real parts: the Teams endpoint with token checks against the loopback key server, the
loopback Bot Connector, a real SQLite file (PostgreSQL when ``EC_TEST_POSTGRES_URL``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fake_connector import FakeConnector, FakeIdentity, Recorded
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from teams_kit import TeamsServer, activity, chat_of

from bot.presenters import practice as say
from bot.store import sync_url

pytestmark = pytest.mark.integration

LEASE = 1.0
RECOVERY = 0.2
CHAT = chat_of(1)


@pytest.fixture
def server(db_url: str, identity: FakeIdentity, connector: FakeConnector) -> Iterator[TeamsServer]:
    s = TeamsServer("unused", identity, connector, database_url=db_url)
    s.settings = s.settings.model_copy(
        update={"claim_lease": LEASE, "turn_lease": LEASE, "recovery_interval": RECOVERY}
    )
    with s:
        yield s


def turn_rows(db_url: str) -> list[tuple[int, str | None]]:
    """Every stored turn: (index, message key)."""
    engine = create_engine(sync_url(db_url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT turn_index, message_key FROM turns ORDER BY turn_index")
            ).all()
    finally:
        engine.dispose()
    return [(int(i), k) for i, k in rows]


def start_practice(server: TeamsServer) -> str:
    """User 1 opens the picker and starts a practice with Denise (two messages).

    Returns:
        The session id (from the intro card's End button).
    """
    server.say("practice")
    [picker] = server.wait_messages(1, CHAT, timeout=20)
    denise = next(a["data"] for a in picker.submits() if a["data"]["id"] == "night-shift-mom")
    server.press(denise)
    intro = server.wait_messages(2, CHAT, timeout=20)[-1]
    return str(next(a["data"]["id"] for a in intro.submits() if a["data"]["ec"] == "end"))


def replies(conn: FakeConnector, after: int) -> list[Recorded]:
    """The caregiver replies posted after message ``after`` (a closed stream, or plain text
    that is neither a card nor a notice)."""
    notices = (say.REPLY_DELAYED, say.GAVE_UP)
    return [
        m
        for m in conn.messages(CHAT)[after:]
        if conn.stream_info(m) is not None
        or (m.text.strip() and not m.cards and not any(n in m.text for n in notices))
    ]


def wait_for(predicate, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return bool(predicate())


@pytest.mark.parametrize("failures", [1, 2])
def test_a_reply_the_connector_refuses_arrives_once_later(
    server: TeamsServer, db_url: str, failures: int
) -> None:
    conn = server.connector
    start_practice(server)
    before = len(conn.messages(CHAT))
    conn.fail_messages = failures
    sent = time.monotonic()
    server.say("What does a typical morning look like for you?")
    assert wait_for(lambda: conn.failed == failures, 15), conn.failed
    assert wait_for(lambda: replies(conn, before), LEASE + 15), [
        m.text for m in conn.messages(CHAT)[before:]
    ]
    took = time.monotonic() - sent
    time.sleep(LEASE + 3 * RECOVERY)  # a second answer would come by now
    got = replies(conn, before)
    texts = [m.text for m in conn.messages(CHAT)[before:]]
    assert len(got) == 1, texts
    assert got[0].text.strip()
    delayed = [i for i, t in enumerate(texts) if say.REPLY_DELAYED in t]
    assert len(delayed) == 1 and delayed[0] < texts.index(got[0].text), texts
    assert not any(say.GAVE_UP in t for t in texts)
    ((index, key),) = turn_rows(db_url)  # one turn, saved once: the redo re-sent it
    assert index == 1 and key is not None and key.startswith("teams-msg:")
    # the stream whose final message was refused was removed: one reply is seen
    streams = [t.returned_id for t in conn.of_type("typing") if conn.stream_info(t)]
    assert [aid for _, aid in conn.deleted] == [streams[0]], (conn.deleted, streams)
    print(f"\nreply refused {failures}x by the connector, delivered after {took:.2f} s")


def test_a_reply_the_connector_never_takes_ends_in_a_plain_notice(
    server: TeamsServer, db_url: str
) -> None:
    conn = server.connector
    start_practice(server)
    before = len(conn.messages(CHAT))
    conn.fail_messages = 1000
    server.say("What does a typical morning look like for you?")
    # every attempt fails (the reply, then the delay notice of each redo)
    assert wait_for(lambda: conn.failed >= 3, 8 * (LEASE + RECOVERY) + 15), conn.failed
    time.sleep(LEASE + 2 * RECOVERY)
    conn.fail_messages = 0
    assert wait_for(lambda: any(say.GAVE_UP in m.text for m in conn.messages(CHAT)), 15), [
        m.text for m in conn.messages(CHAT)[before:]
    ]
    time.sleep(LEASE + 3 * RECOVERY)
    texts = [m.text for m in conn.messages(CHAT)[before:]]
    assert sum(say.GAVE_UP in t for t in texts) == 1, texts
    assert replies(conn, before) == [] or all(say.GAVE_UP in m.text for m in replies(conn, before))
    assert len(turn_rows(db_url)) == 1


def test_a_redelivered_activity_after_the_answer_gets_no_second_answer(
    server: TeamsServer, db_url: str
) -> None:
    conn = server.connector
    start_practice(server)
    before = len(conn.messages(CHAT))
    turn = activity("message", conn.service_url, text="What does a typical morning look like?")
    assert server.post(turn).status_code == 200
    assert wait_for(lambda: replies(conn, before), 15)
    for _ in range(2):  # the connector delivers the same activity (same id) again
        assert server.post(turn).status_code == 200
    time.sleep(LEASE + 3 * RECOVERY)  # a redo would come by now
    texts = [m.text for m in conn.messages(CHAT)[before:]]
    assert len(replies(conn, before)) == 1, texts
    assert not any(say.REPLY_DELAYED in t for t in texts), texts
    assert len(turn_rows(db_url)) == 1


def test_a_redelivery_of_a_refused_reply_answers_it_once(server: TeamsServer, db_url: str) -> None:
    """The connector refused the reply, then delivers the activity again (as Teams does when
    its call failed): whichever takes the claim over (the redelivery or the recovery), the
    turn is answered once, after the delay notice."""
    conn = server.connector
    start_practice(server)
    before = len(conn.messages(CHAT))
    conn.fail_messages = 1
    turn = activity("message", conn.service_url, text="What does a typical morning look like?")
    assert server.post(turn).status_code == 200
    assert conn.failed == 1
    time.sleep(LEASE / 2)
    assert server.post(turn).status_code == 200  # within the lease: nothing twice
    assert wait_for(lambda: replies(conn, before), LEASE + 15)
    assert server.post(turn).status_code == 200  # after the answer: nothing
    time.sleep(LEASE + 3 * RECOVERY)
    texts = [m.text for m in conn.messages(CHAT)[before:]]
    assert len(replies(conn, before)) == 1, texts
    assert sum(say.REPLY_DELAYED in t for t in texts) == 1, texts
    assert len(turn_rows(db_url)) == 1


def test_a_debrief_the_connector_refuses_is_posted_once_later(server: TeamsServer) -> None:
    conn = server.connector
    session_id = start_practice(server)
    before = len(conn.messages(CHAT))
    conn.fail_messages = 1  # the debrief card
    server.press({"ec": "end", "id": session_id})
    assert conn.failed == 1

    def debriefs() -> list[Recorded]:
        return [m for m in conn.messages(CHAT)[before:] if "Debrief:" in m.card_text]

    assert wait_for(debriefs, LEASE + 15), [m.text for m in conn.messages(CHAT)[before:]]
    time.sleep(LEASE + 3 * RECOVERY)
    texts = [m.text or m.card_text for m in conn.messages(CHAT)[before:]]
    assert len(debriefs()) == 1, texts
    assert [say.REPLY_DELAYED in t for t in texts] == [True, False], texts
