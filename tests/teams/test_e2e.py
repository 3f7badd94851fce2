"""End to end through the real Teams SDK endpoint: tokens checked, a whole practice,
card presses, other users' sessions refused, Slack and Teams kept apart."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_connector import FakeConnector, FakeIdentity
from teams_kit import APP_ID, TENANT, TeamsServer, activity, chat_of

pytestmark = pytest.mark.integration


@pytest.fixture
def server(tmp_path: Path, identity: FakeIdentity, connector: FakeConnector):  # type: ignore[no-untyped-def]
    with TeamsServer(str(tmp_path / "ec.db"), identity, connector) as s:
        yield s


def test_a_whole_practice_from_picker_to_debrief(server: TeamsServer) -> None:
    conn = server.connector
    chat = chat_of(1)
    server.say("practice")
    [picker] = server.wait_messages(1, chat)
    assert "Who would you like to practice with?" in picker.card_text
    starts = [a["data"] for a in picker.submits()]
    assert starts and all(d["ec"] == "start" for d in starts)
    denise = next(d for d in starts if d["id"] == "night-shift-mom")
    server.press(denise)
    msgs = server.wait_messages(2, chat)
    intro = msgs[1]
    assert "Practice call with Denise" in intro.card_text
    assert [a["title"] for a in intro.submits()] == ["End practice"]
    session_id = intro.submits()[0]["data"]["id"]
    assert intro.authorization == f"Bearer {server.outbound_token}"

    for n, text in enumerate(
        [
            "Hi, is this a good time to talk about your son?",
            "You should really make sure he gets to school on time.",
            "What does a typical morning look like for you?",
        ]
    ):
        before = len(conn.messages(chat))
        server.say(text)
        got = server.wait_messages(before + 1, chat)
        assert got[before].text.strip(), "the caregiver answered"
    assert len(conn.of_type("typing")) == 3, "a typing indicator for each turn"
    coach_notes = [m for m in conn.messages(chat) if "Coach note" in m.card_text]
    assert len(coach_notes) == 1 and "Judgment" in coach_notes[0].card_text
    assert "“You should" in coach_notes[0].card_text

    before = len(conn.messages(chat))
    server.say("end")
    debrief = server.wait_messages(before + 1, chat)[before]
    assert "Debrief: your practice with Denise" in debrief.card_text
    assert {a["title"] for a in debrief.submits()} == {"Practice again", "Send to a coach"}
    [update] = conn.updates()
    assert update.activity_id == intro.body.get("id") or update.activity_id == "act-2"
    assert "This practice has ended" in update.body["attachments"][0]["content"]["body"][-1]["text"]

    # a second end press is told plainly, once
    server.press({"ec": "end", "id": session_id})
    last = server.wait_messages(before + 2, chat)[-1]
    assert "already ended" in last.text
