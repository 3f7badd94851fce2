"""Typed words in Teams through the real endpoint and the fake connector (issue 12):
command words during a practice are no turn, invisible messages are empty, a review
question on the same line, and Slack's slash commands typed in Teams."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_connector import FakeConnector, FakeIdentity
from teams_kit import TeamsServer, chat_of

pytestmark = pytest.mark.integration


@pytest.fixture
def server(tmp_path: Path, identity: FakeIdentity, connector: FakeConnector):  # type: ignore[no-untyped-def]
    with TeamsServer(str(tmp_path / "ec.db"), identity, connector) as s:
        yield s


def _start(server: TeamsServer) -> int:
    """Start a practice with Denise; returns how many messages the chat has."""
    server.press({"ec": "start", "id": "night-shift-mom"})
    return len(server.wait_messages(1, chat_of(1)))


def _turn_replies(server: TeamsServer) -> int:
    """How many caregiver replies were streamed (each turn's reply closes a Teams stream)."""
    conn = server.connector
    return len([m for m in conn.messages(chat_of(1)) if conn.stream_info(m) is not None])


@pytest.mark.parametrize(
    ("typed", "word"),
    [
        ("log", "log"),
        ("Practice", "practice"),
        ("/practice", "practice"),
        ("review", "review"),
        ("/review-questions", "review"),
        ("interviews", "interviews"),
        ("PROGRESS", "progress"),
        ("coach", "coach"),
    ],
)
def test_a_command_word_during_a_practice_is_no_turn(
    server: TeamsServer, typed: str, word: str
) -> None:
    seen = _start(server)
    server.say(typed)
    [reply] = server.wait_messages(seen + 1, chat_of(1))[seen:]
    assert reply.text.startswith("You're in a practice call with Denise")
    assert f"type “{word}”" in reply.text and "Type “end”" in reply.text
    assert _turn_replies(server) == 0, "the caregiver was not asked"
    # a real turn still goes to the caregiver
    server.say("How are mornings going for you?")
    server.wait_messages(seen + 2, chat_of(1))
    assert _turn_replies(server) == 1


def test_a_sentence_with_a_command_word_is_still_a_turn(server: TeamsServer) -> None:
    seen = _start(server)
    server.say("Do you log her hours somewhere?")
    server.wait_messages(seen + 1, chat_of(1))
    assert _turn_replies(server) == 1


@pytest.mark.parametrize("practicing", [True, False])
def test_an_invisible_message_is_empty(server: TeamsServer, practicing: bool) -> None:
    seen = _start(server) if practicing else 0
    server.say("\u200b\u00a0\n\t\u200b")
    [reply] = server.wait_messages(seen + 1, chat_of(1))[seen:]
    assert _turn_replies(server) == 0
    if practicing:
        assert "“end”" in reply.text and "review" in reply.text  # the in-practice help
    else:
        assert reply.text.startswith("Hi! To rehearse an empathy interview")


@pytest.mark.parametrize(
    "typed",
    [
        "review Does she like her teacher?",
        "Review: Does she like her teacher?",
        "/review-questions Does she like her teacher?",
        "review questions Does she like her teacher?",
    ],
)
def test_a_review_question_on_the_same_line_is_reviewed(server: TeamsServer, typed: str) -> None:
    server.say(typed + "\nWhy is he late so often?")
    [reply] = server.wait_messages(1, chat_of(1))
    shown = reply.text + reply.card_text
    assert "Does she like her teacher?" in shown
    assert "Why is he late so often?" in shown
    assert "Hi! To rehearse" not in shown


def test_slash_practice_outside_a_practice_shows_the_picker(server: TeamsServer) -> None:
    server.say("/practice")
    [picker] = server.wait_messages(1, chat_of(1))
    assert "Who would you like to practice with?" in picker.card_text


def _mention(server: TeamsServer, text: str, mentioned: dict[str, str]) -> None:
    from teams_kit import activity

    body = activity(
        "message",
        server.connector.service_url,
        n=2,
        text=text,
        entities=[
            {"type": "mention", "text": f"<at>{mentioned['name']}</at>", "mentioned": mentioned},
            {"type": "clientInfo", "locale": "en-US"},
        ],
    )
    assert server.post(body).status_code == 200


@pytest.fixture
def coach_server(tmp_path: Path, identity: FakeIdentity, connector: FakeConnector):  # type: ignore[no-untyped-def]
    from teams_kit import user

    s = TeamsServer(str(tmp_path / "ec.db"), identity, connector)
    s.settings = s.settings.model_copy(update={"coach_user_ids": user(2)["aadObjectId"]})
    with s:
        yield s


@pytest.mark.parametrize("shape", ["29 id and aadObjectId", "Entra id"])
def test_coach_add_with_a_mention_adds_the_mentioned_person(
    coach_server: TeamsServer, shape: str
) -> None:
    from teams_kit import user

    staff = user(3)
    coach_server.say("hi", n=3)  # Staff 3 has a chat with the app
    mentioned = (
        dict(staff)
        if shape == "29 id and aadObjectId"
        else {"id": staff["aadObjectId"], "name": staff["name"]}
    )
    _mention(coach_server, "coach add <at>Staff 3</at>", mentioned)
    [added] = coach_server.wait_messages(1, chat_of(2))
    assert "I can't look people up" not in added.text
    assert added.text.startswith("Staff 3 is now a coach"), added.text


def test_a_mention_with_only_a_teams_id_gets_the_picker_without_a_wrong_reason(
    coach_server: TeamsServer,
) -> None:
    _mention(
        coach_server, "coach add <at>Staff 3</at>", {"id": "29:1user3-teams-id", "name": "Staff 3"}
    )
    [picker] = coach_server.wait_messages(1, chat_of(2))
    assert "I can't look people up by a typed name" not in picker.text + picker.card_text
    assert picker.cards, "the people picker"
