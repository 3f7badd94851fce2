"""The engine's own coach note ("Check it back with them: '…'") in a Slack practice turn.

Through the real Bolt app with signed requests (slack_kit) and a fake Slack Web
API: a reflection naming a fact the caregiver never said gets the engine's note
in the thread, under the same ":mag: Coach note" label as the reviewer's notes.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fake_slack import FakeSlack, Posted
from slack_kit import AppServer, block_actions, message_im

from bot.slack import ids

pytestmark = pytest.mark.integration

USER = "U0STAFF"
DM = f"D{USER}"
LINES = [
    "Hi, this is Ms. Lee from the school. Is now a good time to talk?",
    "Tell me about a typical morning.",
]
MISS = "It sounds like those letters really stung."


def _text(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _start(server: AppServer, persona: str) -> Posted:
    before = len(server.fake.messages(channel=DM))
    resp = server.post(block_actions(USER, ids.ACTION_START, value=persona, in_home=True))
    assert resp.status_code == 200
    server.drain()
    [card] = server.fake.messages(channel=DM)[before:]
    return card


def _say(server: AppServer, text: str, thread: str) -> None:
    assert server.post(message_im(USER, text, thread_ts=thread)).status_code == 200
    server.drain()


def _notes(fake: FakeSlack, thread: str) -> list[Posted]:
    return [
        m for m in fake.messages(channel=DM, thread_ts=thread) if "Coach note" in _text(m.blocks)
    ]


def test_a_reflection_naming_an_unsaid_fact_shows_the_check_back_note(
    server: AppServer, fake: FakeSlack
) -> None:
    card = _start(server, "bus-route-grandpa")
    for line in LINES:
        _say(server, line, card.ts)
    assert _notes(fake, card.ts) == []  # the premise: no note before the miss
    said = " ".join(m.text for m in fake.messages(channel=DM, thread_ts=card.ts)).lower()
    assert "letter" not in said  # the caregiver never said it
    _say(server, MISS, card.ts)
    [note] = _notes(fake, card.ts)
    shown = _text(note.blocks)
    assert ":mag: *Coach note* · not part of the call with" in shown
    assert "'letters'" in shown
    assert "Check it back with them: 'I may have put words in your mouth there." in shown
    assert "Check it back" in note.text  # the notification text says it too
    # no reviewer finding on a kind reflection, so nothing to dispute
    assert {b["type"] for b in note.blocks} == {"context"}


def test_live_notes_off_hides_the_engine_note_too(server: AppServer, fake: FakeSlack) -> None:
    resp = server.post(
        block_actions(USER, ids.ACTION_LIVE_NOTES, selected_value="off", in_home=True)
    )
    assert resp.status_code == 200
    server.drain()
    card = _start(server, "bus-route-grandpa")
    for line in [*LINES, MISS]:
        _say(server, line, card.ts)
    assert _notes(fake, card.ts) == []
