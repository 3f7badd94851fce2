"""*Send to a coach* says how many coaches were told (issue 12): in Teams a coach who
never opened a chat with the app cannot be reached, and staff are told so honestly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_connector import FakeConnector, FakeIdentity
from teams_kit import TeamsServer, chat_of, user

from bot.presenters.coaching import coach_sent
from bot.presenters.platform_words import SLACK, TEAMS

STAFF, COACH = 1, 2
COACH_ID = user(COACH)["aadObjectId"]


@pytest.fixture
def server(
    tmp_path: Path, identity: FakeIdentity, connector: FakeConnector
) -> Iterator[TeamsServer]:
    s = TeamsServer(str(tmp_path / "ec.db"), identity, connector)
    s.settings = s.settings.model_copy(update={"coach_user_ids": COACH_ID})
    with s:
        yield s


@pytest.mark.integration
def test_a_coach_who_never_opened_a_chat_is_not_said_to_be_told(server: TeamsServer) -> None:
    chat = chat_of(STAFF)
    server.press({"ec": "start", "id": "night-shift-mom"}, n=STAFF)
    [intro] = server.wait_messages(1, chat)
    session_id = str(intro.submits()[0]["data"]["id"])
    server.say("What does a typical morning look like for you?", n=STAFF)
    server.wait_messages(2, chat)
    server.say("end", n=STAFF)
    server.wait_messages(3, chat)
    before = len(server.connector.messages(chat))
    server.press({"ec": "coach", "id": session_id}, n=STAFF)
    said = server.wait_messages(before + 1, chat)[before].text
    assert "have been told" not in said and "Sent to your coach" not in said
    assert "no one has been told" in said
    assert "in their queue" in said and "open a chat with me" in said
    assert server.connector.messages(chat_of(COACH)) == [], "nothing reached the coach"


def test_the_wording_counts_who_was_told() -> None:
    assert coach_sent(True, 1, TEAMS, told=1).startswith("Sent to your coach. They have been told")
    assert coach_sent(True, 3, SLACK, told=3).startswith("Sent to your 3 coaches. All 3 have")
    some = coach_sent(True, 3, TEAMS, told=1)
    assert some.startswith("Sent to your 3 coaches. 1 of them has been told")
    assert "the others will see it in their queue when they open a chat with me" in some
    none = coach_sent(True, 2, SLACK, told=0)
    assert none.startswith("Saved for your 2 coaches, but I could not reach any of them yet")
    assert none.endswith("they will see it on their Home tab.")
