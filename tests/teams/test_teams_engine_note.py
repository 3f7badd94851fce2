"""The engine's own coach note ("Check it back with them: '…'") in a Teams practice turn.

Through the real Teams endpoint (tokens checked against the loopback key server,
teams_kit): a reflection naming a fact the caregiver never said gets the
engine's note as a coach note card, with no "Was this note wrong?" (there is no
reviewer finding to dispute).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_connector import FakeConnector, FakeIdentity
from teams_kit import TeamsServer, chat_of

pytestmark = pytest.mark.integration

LINES = [
    "Hi, this is Ms. Lee from the school. Is now a good time to talk?",
    "Tell me about a typical morning.",
]
MISS = "It sounds like those letters really stung."


@pytest.fixture
def server(tmp_path: Path, identity: FakeIdentity, connector: FakeConnector):  # type: ignore[no-untyped-def]
    with TeamsServer(str(tmp_path / "ec.db"), identity, connector) as s:
        yield s


def test_a_reflection_naming_an_unsaid_fact_shows_the_check_back_card(
    server: TeamsServer,
) -> None:
    conn = server.connector
    chat = chat_of(1)
    server.say("practice")
    [picker] = server.wait_messages(1, chat)
    start = next(a["data"] for a in picker.submits() if a["data"].get("id") == "bus-route-grandpa")
    server.press(start)
    server.wait_messages(2, chat)
    for line in LINES:
        before = len(conn.messages(chat))
        server.say(line)
        server.wait_messages(before + 1, chat)
    assert not [m for m in conn.messages(chat) if "Coach note" in m.card_text]
    said = " ".join(m.text or "" for m in conn.messages(chat)).lower()
    assert "letter" not in said  # the premise: the caregiver never said it
    before = len(conn.messages(chat))
    server.say(MISS)
    got = server.wait_messages(before + 2, chat)[before:]
    notes = [m for m in got if "Coach note" in m.card_text]
    assert len(notes) == 1
    shown = notes[0].card_text
    assert "not part of the call with" in shown and "'letters'" in shown
    assert "Check it back with them: 'I may have put words in your mouth there." in shown
    assert notes[0].submits() == []  # nothing to dispute
