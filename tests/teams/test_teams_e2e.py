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

    for _n, text in enumerate(
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
    typing = conn.of_type("typing")
    assert len([t for t in typing if conn.stream_info(t) is None]) == 3, "typing, each turn"
    chunks = [t for t in typing if conn.stream_info(t) is not None]
    finals = [m for m in conn.messages(chat) if conn.stream_info(m) is not None]
    assert len(finals) == 3, "each reply closes a Teams stream"
    for final in finals:
        info = conn.stream_info(final)
        assert info is not None and info["streamType"] == "final"
        opened = next(c for c in chunks if c.returned_id == info["streamId"])
        assert conn.stream_info(opened)["streamType"] == "streaming"  # type: ignore[index]
        assert opened.text and final.text.startswith(opened.text.strip()[:10])
    coach_notes = [m for m in conn.messages(chat) if "Coach note" in m.card_text]
    assert len(coach_notes) == 1 and "Judgment" in coach_notes[0].card_text
    assert "“You should" in coach_notes[0].card_text

    before = len(conn.messages(chat))
    server.say("end")
    debrief = server.wait_messages(before + 1, chat)[before]
    assert "Debrief: your practice with Denise" in debrief.card_text
    assert {a["title"] for a in debrief.submits()} == {"Practice again", "Send to a coach"}
    [update] = conn.updates()
    assert update.activity_id == intro.returned_id, "the intro card itself is updated"
    assert "This practice has ended" in update.body["attachments"][0]["content"]["body"][-1]["text"]

    # a second end press is told plainly, once
    server.press({"ec": "end", "id": session_id})
    last = server.wait_messages(before + 2, chat)[-1]
    assert "already ended" in last.text


def _start(server: TeamsServer, n: int = 1) -> str:
    """User ``n`` starts a practice with Denise; returns the session id."""
    server.press({"ec": "start", "id": "night-shift-mom"}, n=n)
    intro = server.wait_messages(1, chat_of(n))[-1]
    [end] = intro.submits()
    return str(end["data"]["id"])


def test_the_app_greets_on_install(server: TeamsServer) -> None:
    body = activity(
        "conversationUpdate",
        server.connector.service_url,
        membersAdded=[{"id": "28:" + APP_ID}],
    )
    assert server.post(body).status_code == 200
    [hello] = server.wait_messages(1, chat_of(1))
    assert "Type “practice”" in hello.text


@pytest.mark.parametrize("problem", ["none", "audience", "expired", "other key", "issuer"])
def test_requests_without_a_valid_token_get_401(server: TeamsServer, problem: str) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    body = activity("message", server.connector.service_url, text="practice")
    url = body["serviceUrl"]
    token = {
        "none": None,
        "audience": server.identity.token(audience="some-other-bot", service_url=url),
        "expired": server.identity.token(audience=APP_ID, service_url=url, expires_in=-3600),
        "other key": server.identity.token(
            audience=APP_ID,
            service_url=url,
            key=rsa.generate_private_key(public_exponent=65537, key_size=2048),
        ),
        "issuer": server.identity.token(
            audience=APP_ID, service_url=url, issuer="https://evil.example"
        ),
    }[problem]
    assert server.post(body, token=token).status_code == 401
    good = server.post(activity("message", url, text="hi"))
    assert good.status_code == 200
    assert next(m.text for m in server.wait_messages(1, chat_of(1))).startswith("Hi!")
    assert len(server.connector.messages()) == 1, "the refused request posted nothing"


def test_auth_is_off_only_with_the_explicit_development_setting(
    tmp_path: Path, identity: FakeIdentity, connector: FakeConnector
) -> None:
    with TeamsServer(str(tmp_path / "dev.db"), identity, connector) as strict:
        body = activity("message", connector.service_url, text="practice")
        assert strict.post(body, token=None).status_code == 401
    with TeamsServer(
        str(tmp_path / "dev.db"), identity, connector, allow_unauthenticated=True
    ) as dev:
        assert dev.post(body, token=None).status_code == 200
        [picker] = dev.wait_messages(1, chat_of(1))
        assert "Who would you like to practice with?" in picker.card_text


def test_a_malformed_card_value_gets_a_plain_message(server: TeamsServer) -> None:
    for value in ({"ec": "explode", "id": "x"}, {"ec": "end"}, ["end"], {"ec": "end", "id": "a b"}):
        server.press(value)  # type: ignore[arg-type]
    got = server.wait_messages(4, chat_of(1))
    assert all("couldn't read that button" in m.text for m in got)
    assert all("otherwise type “practice” to start one" in m.text for m in got)


def test_a_crafted_card_value_for_another_users_session_is_refused(server: TeamsServer) -> None:
    theirs = _start(server, n=1)
    server.press({"ec": "end", "id": theirs}, n=2)
    server.press({"ec": "coach", "id": theirs}, n=2)
    refused = server.wait_messages(2, chat_of(2))
    assert [m.text for m in refused] == [
        "That practice session belongs to someone else, so I can't do that."
    ] * 2
    assert not any("Debrief" in m.card_text for m in server.connector.messages())
    # the owner's practice goes on
    before = len(server.connector.messages(chat_of(1)))
    server.say("What is a usual morning like at your house?", n=1)
    reply = server.wait_messages(before + 1, chat_of(1))[before]
    assert reply.text and not reply.cards


def test_slack_and_teams_users_in_one_database_never_see_each_others_sessions(
    server: TeamsServer,
) -> None:
    import asyncio

    from bot.bootstrap import build_application

    async def slack_session() -> tuple[str, list[str]]:
        app = await build_application(server.settings, backend="scripted")
        try:
            info = await app.sessions.start(
                "T0SLACK", "U0SLACK", "night-shift-mom", platform="slack", channel_id="D0SLACK"
            )
            seen = [
                s.id for s in await app.sessions.recent_sessions("T0SLACK", "U0SLACK", limit=10)
            ]
            return info.id, seen
        finally:
            await app.aclose()

    slack_id, _ = asyncio.run(slack_session())
    teams_id = _start(server, n=1)
    # Teams cannot act on the Slack session, even by its exact id
    server.press({"ec": "end", "id": slack_id}, n=1)
    server.press({"ec": "coach", "id": slack_id}, n=1)
    got = server.wait_messages(3, chat_of(1))
    assert [m.text for m in got[1:]] == ["I couldn't find that practice session."] * 2

    async def slack_view() -> list[str]:
        app = await build_application(server.settings, backend="scripted")
        try:
            return [
                s.id for s in await app.sessions.recent_sessions("T0SLACK", "U0SLACK", limit=10)
            ]
        finally:
            await app.aclose()

    assert asyncio.run(slack_view()) == [slack_id], "Slack sees only its own session"
    assert teams_id != slack_id

    async def teams_view() -> list[tuple[str, str, object]]:
        app = await build_application(server.settings, backend="scripted")
        try:
            user = "aad00001-0000-4000-8000-000000000001"
            return [
                (s.id, s.platform, s.conversation_ref)
                for s in await app.sessions.recent_sessions(TENANT, user, limit=10)
            ]
        finally:
            await app.aclose()

    assert asyncio.run(teams_view()) == [
        (teams_id, "teams", {"service_url": server.connector.service_url})
    ], "Teams sees only its own session, with what a proactive message needs"


def test_one_open_practice_per_chat_and_practice_again_after_the_debrief(
    server: TeamsServer,
) -> None:
    conn = server.connector
    chat = chat_of(1)
    first = _start(server)
    server.press({"ec": "start", "id": "asthma-mom"})
    still = server.wait_messages(2, chat)[-1]
    assert still.text.startswith("Your practice call with Denise is still open in this chat")
    server.say("end")
    debrief = server.wait_messages(3, chat)[-1]
    again = next(a["data"] for a in debrief.submits() if a["title"] == "Practice again")
    server.press(again)
    intro = server.wait_messages(4, chat)[-1]
    second = intro.submits()[0]["data"]["id"]
    assert second != first and "Practice call with Denise" in intro.card_text
    server.say("How have mornings been going lately?")
    reply = server.wait_messages(5, chat)[-1]
    assert reply.text and not reply.cards
    server.say("end")
    last = server.wait_messages(6, chat)[-1]
    assert "Debrief" in last.card_text
    ended = {u.activity_id for u in conn.updates()}
    assert ended == {intro.returned_id, server.wait_messages(2, chat)[0].returned_id}


def test_bodies_of_the_wrong_shape_never_get_a_500(server: TeamsServer) -> None:
    url = server.connector.service_url
    shapes: list[dict[str, object]] = [
        {"type": "message", "serviceUrl": url},
        {"type": "message", "serviceUrl": url, "from": {"id": 5}},
        {**activity("message", url, text="hi"), "conversation": None},
        {**activity("message", url), "text": 123},
    ]
    for body in shapes:
        assert server.post(body).status_code == 200, body
        assert server.post(body, token=None).status_code == 401
    for raw in (b"{not json", b"[1, 2]"):
        r = server.http.post(server.url, content=raw, headers={"Content-Type": "application/json"})
        assert r.status_code == 400
    assert server.connector.messages() == []
    server.say("hi")
    assert server.wait_messages(1, chat_of(1))[0].text.startswith("Hi!")


def test_the_clients_time_zone_is_stored_per_user(server: TeamsServer) -> None:
    import asyncio

    from bot.bootstrap import build_application

    url = server.connector.service_url
    server.say("hi", n=1)
    server.post(activity("message", url, n=2, text="hi", localTimezone="Not/AZone"))
    server.post(activity("message", url, n=1, text="hi", localTimezone="America/Denver"))
    server.wait_messages(2, chat_of(1))

    async def zones() -> list[str | None]:
        app = await build_application(server.settings, backend="scripted")
        try:
            return [
                await app.reflections.get_user_tz(
                    TENANT, f"aad0000{n}-0000-4000-8000-00000000000{n}"
                )
                for n in (1, 2)
            ]
        finally:
            await app.aclose()

    assert asyncio.run(zones()) == ["America/Denver", None]


def test_a_universal_action_invoke_starts_a_practice_and_is_answered(server: TeamsServer) -> None:
    body = activity(
        "invoke",
        server.connector.service_url,
        name="adaptiveCard/action",
        value={
            "action": {
                "type": "Action.Execute",
                "verb": "start",
                "data": {"ec": "start", "id": "night-shift-mom"},
            },
            "trigger": "manual",
        },
    )
    r = server.post(body)
    assert r.status_code == 200
    assert r.json()["statusCode"] == 200
    [intro] = server.wait_messages(1, chat_of(1))
    assert "Practice call with Denise" in intro.card_text
    bad = activity(
        "invoke",
        server.connector.service_url,
        name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "data": {"ec": "start"}}, "trigger": "manual"},
    )
    assert server.post(bad).status_code == 200
    said = server.wait_messages(2, chat_of(1))[-1].text
    assert "couldn't read that button" in said
    # a practice is open: no "start a new practice call" (issue 12), true either way
    assert "new practice" not in said and "If a practice call is open, keep replying" in said


def test_a_redelivered_activity_is_answered_once(server: TeamsServer) -> None:
    body = activity("message", server.connector.service_url, text="practice")
    assert server.post(body).status_code == 200
    assert server.post(body).status_code == 200
    server.say("hi")  # a new activity is answered
    got = server.wait_messages(2, chat_of(1))
    assert len(got) == 2
    assert "Who would you like" in got[0].card_text and got[1].text.startswith("Hi!")


def test_help_and_pointers_in_teams_name_no_slack_commands(server: TeamsServer) -> None:
    chat = chat_of(1)
    _start(server)
    before = len(server.wait_messages(1, chat))
    server.say("help")
    [help_note] = server.wait_messages(before + 1, chat)[before:]
    assert "type “review” and one question per line" in help_note.text
    assert "/" not in help_note.text  # no slash command Teams does not have
