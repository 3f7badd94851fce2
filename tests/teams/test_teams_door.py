"""The door of the Teams endpoint (a new user's try-out, issue 12): only the district's
tenant is served, a bot mention and Teams HTML become plain text, an empty message gets
a hint, Teams says Teams words, and a created database folder is named in the log.
Everything goes through the real endpoint with signed tokens."""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from fake_connector import FakeConnector, FakeIdentity
from teams_kit import BOT, TeamsServer, activity, chat_of, in_team

from bot.presenters.practice import TEAMS_HELP, TEAMS_OTHER_TENANT, TEAMS_POINTER

pytestmark = pytest.mark.integration

OTHER_TENANT = "0b5d3a2e-9c4f-4e1a-8f7d-6a2b1c3d4e5f"
BOT_MENTION = {
    "type": "mention",
    "text": "<at>Empathy Coach</at>",
    "mentioned": {"id": BOT, "name": "Empathy Coach"},
}


@pytest.fixture
def server(tmp_path: Path, identity: FakeIdentity, connector: FakeConnector):  # type: ignore[no-untyped-def]
    with TeamsServer(str(tmp_path / "ec.db"), identity, connector) as s:
        yield s


def _rows(server: TeamsServer) -> dict[str, int]:
    """Rows per table of the app's SQLite file (the migration's bookkeeping left out)."""
    path = server.settings.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        names = [
            r[0]
            for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
            if r[0] != "alembic_version"
        ]
        return {n: db.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}


def _said(server: TeamsServer, text: str, n: int = 1, **extra: Any) -> Any:
    """User ``n`` sends ``text`` (with extra activity fields); the one reply that follows."""
    before = len(server.connector.messages(chat_of(n)))
    body = activity("message", server.connector.service_url, n=n, text=text, **extra)
    assert server.post(body).status_code == 200
    got = server.wait_messages(before + 1, chat_of(n))
    assert len(got) == before + 1, "one answer came"
    return got[-1]


def _quiet(server: TeamsServer, seconds: float = 0.5) -> None:
    """Give a wrongly sent reply time to reach the connector."""
    time.sleep(seconds)


# ---------------------------------------------------------------------- 1. one tenant


def _foreign(body: dict[str, Any], where: str) -> dict[str, Any]:
    if where in ("both", "conversation"):
        body["conversation"]["tenantId"] = OTHER_TENANT
    if where in ("both", "channelData"):
        body["channelData"]["tenant"] = {"id": OTHER_TENANT}
    return body


@pytest.mark.parametrize("where", ["both", "conversation", "channelData"])
def test_another_tenants_message_runs_nothing_and_gets_one_plain_line(
    server: TeamsServer, where: str
) -> None:
    before = _rows(server)
    for text in ("practice", "log"):
        body = _foreign(activity("message", server.connector.service_url, text=text), where)
        assert server.post(body).status_code == 200
    got = server.wait_messages(2, chat_of(1))
    _quiet(server)
    assert [m.text for m in server.connector.messages(chat_of(1))] == [TEAMS_OTHER_TENANT] * 2
    assert not any(m.cards for m in got), "no picker, no form"
    assert _rows(server) == before, "nothing stored"
    # the district's own people are served as before (and that stores things)
    picker = _said(server, "practice")
    assert "Who would you like to practice with?" in picker.card_text
    assert _rows(server) != before


def test_another_tenants_card_press_install_and_channel_message_do_nothing(
    server: TeamsServer,
) -> None:
    url = server.connector.service_url
    before = _rows(server)
    press = activity(
        "invoke",
        url,
        name="adaptiveCard/action",
        value={
            "action": {"type": "Action.Execute", "data": {"ec": "start", "id": "night-shift-mom"}},
            "trigger": "manual",
        },
        tenant=OTHER_TENANT,
    )
    r = server.post(press)
    assert r.status_code == 200
    assert r.json()["value"] == TEAMS_OTHER_TENANT, "the sentence is the invoke's own answer"
    submit = activity("message", url, value={"ec": "start", "id": "night-shift-mom"})
    assert server.post(_foreign(submit, "both")).status_code == 200
    install = activity("conversationUpdate", url, membersAdded=[{"id": BOT}], tenant=OTHER_TENANT)
    assert server.post(install).status_code == 200
    team = in_team(
        "conversationUpdate", url, "19:other-team@thread.tacv2", membersAdded=[{"id": BOT}]
    )
    team["channelData"]["eventType"] = "teamMemberAdded"
    assert server.post(_foreign(team, "both")).status_code == 200
    said = in_team("message", url, "19:other-team@thread.tacv2", text="practice")
    assert server.post(_foreign(said, "both")).status_code == 200
    server.wait_messages(1, chat_of(1))
    _quiet(server)
    sent = server.connector.messages()
    assert [m.text for m in sent] == [TEAMS_OTHER_TENANT], "only the 1:1 submit got the line"
    assert not server.connector.updates()
    assert _rows(server) == before, "no session, no chat, no team stored"


# ---------------------------------------------------------------------- 3. empty messages


def test_an_empty_message_gets_a_hint_of_what_to_type(server: TeamsServer) -> None:
    empties: list[tuple[str, dict[str, Any]]] = [
        ("   \n\t ", {}),
        ("<at>Empathy Coach</at>", {"entities": [BOT_MENTION]}),
        (" <at>Empathy Coach</at> ", {}),  # a mention tag without its entity
        ("<p>&nbsp;</p><div><br></div>", {}),
    ]
    for text, extra in empties:
        assert _said(server, text, **extra).text == TEAMS_POINTER, repr(text)
    server.press({"ec": "start", "id": "night-shift-mom"})
    server.wait_messages(len(empties) + 1, chat_of(1))
    before = _rows(server)["turns"]
    hint = _said(server, "<p><at>Empathy Coach</at>&nbsp;</p>", entities=[BOT_MENTION])
    assert hint.text == TEAMS_HELP, "in a practice call: the call's help"
    assert _rows(server)["turns"] == before, "no empty turn"


# ---------------------------------------------------------------------- 4. plain text


def _staff_turns(server: TeamsServer) -> list[str]:
    path = server.settings.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        return [r[0] for r in db.execute("SELECT staff FROM turns ORDER BY id")]


def test_the_bot_mention_and_teams_html_never_reach_the_review_or_the_caregiver(
    server: TeamsServer,
) -> None:
    review = _said(
        server,
        "<p><at>Empathy Coach</at> review</p><p>Why didn&#39;t you bring him?</p>"
        "<div>What does a <b>typical</b>&nbsp;morning look like?</div>",
        entities=[BOT_MENTION],
    )
    text = review.card_text
    assert "Question review" in text
    assert "“Why didn't you bring him?" in text
    assert "“What does a typical morning look like?" in text
    for markup in ("<at>", "Empathy Coach", "<p>", "<b>", "&nbsp;", "&#39;", "\xa0"):
        assert markup not in text, markup

    server.press({"ec": "start", "id": "night-shift-mom"})
    server.wait_messages(3, chat_of(1))
    _said_turn = activity(
        "message",
        server.connector.service_url,
        text="<p><at>Empathy Coach</at>&nbsp;What does a typical morning look like for you?</p>",
        entities=[BOT_MENTION],
    )
    assert server.post(_said_turn).status_code == 200
    other = activity(
        "message",
        server.connector.service_url,
        text="<p>Does <at>Jordan</at> at school know you work nights?</p>",
        entities=[
            {
                "type": "mention",
                "text": "<at>Jordan</at>",
                "mentioned": {"id": "29:jordan", "name": "Jordan"},
            }
        ],
    )
    assert server.post(other).status_code == 200
    deadline = time.monotonic() + 10
    while len(_staff_turns(server)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _staff_turns(server) == [
        "What does a typical morning look like for you?",
        "Does Jordan at school know you work nights?",
    ], "the caregiver got the words only; another person's mention keeps their name"


# ---------------------------------------------------------------------- 5. Teams words


def test_teams_says_teams_words_not_slash_commands_or_workspace_admins(
    server: TeamsServer,
) -> None:
    server.press({"ec": "start", "id": "night-shift-mom"})
    [intro] = server.wait_messages(1, chat_of(1))
    session_id = intro.submits()[0]["data"]["id"]
    long = _said(server, "What does your morning look like? " * 80)
    assert "type “review”" in long.text and "/review-questions" not in long.text
    server.say("end")
    server.wait_messages(3, chat_of(1))
    server.press({"ec": "coach", "id": session_id})
    msgs = server.wait_messages(4, chat_of(1))
    [sent] = [m for m in msgs if m.text.startswith("Saved for a coach")]
    assert "this organization has no coach set up yet" in sent.text
    assert "“coach add”" in sent.text and "your IT team" in sent.text
    assert "EC_COACH_USER_IDS" not in sent.text
    for slack in ("/coach", "workspace", "admin", "@name"):
        assert slack not in sent.text, slack
    again = _said(server, "", value={"ec": "end", "id": session_id})
    assert again.text == "This practice has already ended; your debrief is above in this chat."


# ---------------------------------------------------------------------- 7. database folder


def test_a_created_database_folder_is_named_once_in_the_log(
    tmp_path: Path,
    identity: FakeIdentity,
    connector: FakeConnector,
    caplog: pytest.LogCaptureFixture,
) -> None:
    folder = tmp_path / "new" / "deeper"
    url = f"sqlite:///{folder / 'ec.db'}"
    caplog.set_level(logging.INFO, logger="bot.teams.server")
    with TeamsServer("", identity, connector, database_url=url):
        pass
    created = [r for r in caplog.records if "database folder" in r.getMessage()]
    assert [(r.levelno, r.getMessage()) for r in created] == [
        (logging.INFO, f"created the database folder {folder}")
    ]
    assert (folder / "ec.db").exists()
    caplog.clear()
    with TeamsServer("", identity, connector, database_url=url):
        pass
    assert not [r for r in caplog.records if "database folder" in r.getMessage()], "it exists now"


# ---------------------------------------------------------------------- plain_text itself


@pytest.mark.parametrize(
    ("sent", "plain"),
    [
        ("a<b and c > d", "a<b and c > d"),  # no Teams tag, no entity: every character stays
        ("Q&A at 8", "Q&A at 8"),
        ("<p>Hi&nbsp;<b>there</b></p><p>second&amp;third</p>", "Hi there\nsecond&third"),
        ('<p>ok <img alt="🙂" itemtype="http://schema.skype.com/Emoji"></p>', "ok 🙂"),
        ("<ul><li>one</li><li>two</li></ul>", "one\ntwo"),
        ("<p></p><br>&nbsp;", ""),
    ],
)
def test_plain_text_of_teams_html(sent: str, plain: str) -> None:
    from bot.teams.door import plain_text

    assert plain_text(sent) == plain
