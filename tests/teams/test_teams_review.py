"""Question-list review from a multi-line card and "Was this note wrong?" on a coach
note, through the real Teams endpoint; both reach the same services as Slack."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from fake_connector import FakeConnector, FakeIdentity, message_bytes
from teams_kit import TENANT, TeamsServer, chat_of

from bot.presenters.practice import TEAMS_CARD_TOO_BIG
from bot.teams.cards import CARD_BUDGET_BYTES

pytestmark = pytest.mark.integration


@pytest.fixture
def server(tmp_path: Path, identity: FakeIdentity, connector: FakeConnector):  # type: ignore[no-untyped-def]
    with TeamsServer(str(tmp_path / "ec.db"), identity, connector) as s:
        yield s


def _next(server: TeamsServer, n: int = 1) -> Any:
    """Wait for the next message in user ``n``'s chat after what is there now."""
    return len(server.connector.messages(chat_of(n)))


def _after(server: TeamsServer, before: int, n: int = 1) -> Any:
    got = server.wait_messages(before + 1, chat_of(n))
    assert len(got) > before, "an answer came"
    return got[-1]


def test_a_question_list_reviewed_from_the_multiline_card(server: TeamsServer) -> None:
    before = _next(server)
    server.say("review")
    form = _after(server, before)
    [field] = [i for i in form.cards[0]["body"] if i.get("id") == "questions"]
    assert field["type"] == "Input.Text" and field["isMultiline"] is True
    [review] = form.submits()
    assert review["data"] == {"ec": "review_list"}

    before = _next(server)
    server.press({"ec": "review_list", "questions": "  \n "})
    assert "Paste at least one question" in _after(server, before).card_text

    before = _next(server)
    questions = (
        "- Why do you think it's important to come to school every day?\n"
        "- Tell me about a morning when getting to school goes well."
    )
    server.press({"ec": "review_list", "questions": questions})
    result = _after(server, before).card_text
    assert "Question review" in result
    assert "1.** “Why do you think it's important" in result
    assert "Persuasion" in result and "Open and neutral." in result


def test_was_this_note_wrong_is_recorded_with_a_comment(
    server: TeamsServer, tmp_path: Path
) -> None:
    server.press({"ec": "start", "id": "night-shift-mom"})
    server.wait_messages(1, chat_of(1))
    before = _next(server)
    server.say("You should really make sure he gets to school on time.")
    deadline = before + 3
    msgs = server.wait_messages(deadline, chat_of(1))
    [note] = [m for m in msgs if "Coach note" in m.card_text]
    [show] = note.cards[0]["actions"]
    assert show["type"] == "Action.ShowCard" and show["title"] == "Was this note wrong?"
    [send] = note.submits()
    target = send["data"]["id"]
    kinds = [c["value"] for c in show["card"]["body"][0]["choices"]]
    assert "judgment" in kinds

    # another user cannot dispute this session's note; a malformed target is refused plainly
    other = _next(server, 2)
    server.press({"ec": "dispute_note", "id": target, "kinds": "judgment"}, n=2)
    assert "belongs to someone else" in _after(server, other, 2).text
    for bad in ("no-turn", f"{target.rsplit(':', 1)[0]}:zero", ":1"):
        before = _next(server)
        server.press({"ec": "dispute_note", "id": bad})
        assert "couldn't read that button press" in _after(server, before).text

    before = _next(server)
    server.press(
        {"ec": "dispute_note", "id": target, "kinds": "judgment", "comment": "I was quoting her."}
    )
    assert "Your disagreement with that note is saved" in _after(server, before).text

    with sqlite3.connect(tmp_path / "ec.db") as db:
        rows = db.execute("SELECT workspace_id, turn_index, comment FROM note_disputes").fetchall()
    [(workspace, turn, comment)] = rows
    assert workspace == TENANT and str(turn) == target.rsplit(":", 1)[1]
    assert comment == "I was quoting her."


def test_a_long_question_list_comes_in_cards_teams_accepts_and_a_413_is_said_plainly(
    server: TeamsServer,
) -> None:
    """Issue 12, finding 1: a 60-question list made one ~75 KB card (UTF-16) and the
    connector's 413 dropped the review silently. Now it comes in parts "(part i of n)",
    each within CARD_BUDGET_BYTES; when the connector still refuses one, the user is told."""
    conn = server.connector
    questions = "\n".join(
        f"- Why do you think it's important that your child, number {i}, comes to school "
        "every single day, and don't you agree that being late really hurts them?"
        for i in range(1, 61)
    )
    before = _next(server)
    server.press({"ec": "review_list", "questions": questions})
    got = server.wait_messages(before + 2, chat_of(1))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # all parts: the last one says part n of n
        got = conn.messages(chat_of(1))[before:]
        if got and re.search(r"\(part (\d+) of \1\)", got[-1].card_text):
            break
        time.sleep(0.05)
    parts = [m for m in got if m.cards]
    assert len(parts) >= 2 and not conn.too_big, "no 413"
    sizes = [message_bytes(json.dumps(p.body, ensure_ascii=False).encode()) for p in parts]
    assert all(size <= CARD_BUDGET_BYTES for size in sizes), sizes
    assert f"Question review (part 1 of {len(parts)})" in parts[0].card_text
    text = "\n".join(p.card_text for p in parts)
    reviewed = [int(n) for n in re.findall(r"(\d+)\.\*\* “Why do you think", text)]
    assert reviewed == list(range(1, len(reviewed) + 1)) and len(reviewed) >= 20

    # the connector refuses even a part: the user is told plainly, not left waiting
    conn.max_message_bytes = 2_000
    before = _next(server)
    server.press({"ec": "review_list", "questions": questions})
    said = _after(server, before)
    assert said.text == TEAMS_CARD_TOO_BIG and conn.too_big
