"""Teams channels end to end: the app added to a team stores the channel's conversation
reference, the weekly team gathering is posted there (by the dispatcher that ``serve
teams`` runs), and *Record our decision* on that post opens the decision form, whose
submit records the team's decision, from that channel only."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fake_connector import FakeConnector, FakeIdentity, Recorded
from sqlalchemy import select
from teams_kit import BOT, TENANT, TeamsServer, activity, user

from bot.presenters.reflection import DECISION_NEEDED
from bot.services.chat_refs import ChatReferences
from bot.services.ports import ConversationRef
from bot.services.reflections import ReflectionService
from bot.store import Store, TeamDecisionRow
from bot.teams.actions import ALREADY_DONE_IN_THREAD
from bot.teams.channels import DECISION_BUTTON, DECISION_SAVED, WELCOME, WRONG_PLACE

pytestmark = pytest.mark.integration

TEAM = "19:attendance-team-general@thread.tacv2"
OTHER_TEAM = "19:another-team-general@thread.tacv2"


AHEAD: list[timedelta] = [timedelta(0)]
"""How far the server's clock runs ahead of the real one (the gathering is next week)."""


@pytest.fixture
def server(tmp_path: Path, identity: FakeIdentity, connector: FakeConnector):  # type: ignore[no-untyped-def]
    AHEAD[0] = timedelta(0)
    with TeamsServer(
        str(tmp_path / "ec.db"), identity, connector, clock=lambda: datetime.now(UTC) + AHEAD[0]
    ) as s:
        yield s


def _url(db: str) -> str:
    """The database URL of ``db``: a SQLite file's path, or a URL as it is."""
    return db if "://" in db else f"sqlite:///{db}"


def _in_team(
    kind: str, service_url: str, conversation: str, team: str, **extra: Any
) -> dict[str, Any]:
    """An activity in a team channel, shaped like Microsoft's documented ones."""
    body = activity(kind, service_url, **extra)
    body["conversation"] = {
        "isGroup": True,
        "conversationType": "channel",
        "tenantId": TENANT,
        "id": conversation,
    }
    body["channelData"] = {
        "team": {"id": team, "name": "Attendance team", "aadGroupId": "g-1"},
        "channel": {"id": conversation.split(";")[0]},
        "tenant": {"id": TENANT},
    }
    return body


def _install(server: TeamsServer, team: str) -> None:
    body = _in_team(
        "conversationUpdate",
        server.connector.service_url,
        team,
        team,
        membersAdded=[{"id": BOT}],
    )
    body["channelData"]["eventType"] = "teamMemberAdded"
    assert server.post(body).status_code == 200


async def _post_the_week(db: str, server: TeamsServer) -> None:
    store = Store.from_url(_url(db))
    try:
        staff = user(1)
        reflections = ReflectionService(store)
        await reflections.log_interview(
            TENANT,
            staff["aadObjectId"],
            pseudonym="Ms. R",
            grade_band="6-8",
            mode="phone",
            team_channel=TEAM,
            notes="She said mornings fall apart when the bus is late.",
            interviewer_tz="America/Chicago",
            conversation=ConversationRef(
                platform="teams",
                workspace_id=TENANT,
                conversation_id="a:1personal-chat-of-user-1",
                user_id=staff["aadObjectId"],
                service_url=server.connector.service_url,
            ),
        )
        AHEAD[0] = timedelta(days=8)  # the server's dispatcher now finds the week's post due
    finally:
        await store.dispose()


def _decisions(db: str) -> list[TeamDecisionRow]:
    async def read() -> list[TeamDecisionRow]:
        store = Store.from_url(_url(db))
        try:
            async with store.unit_of_work() as uow:
                return list((await uow._session.execute(select(TeamDecisionRow))).scalars())
        finally:
            await store.dispose()

    return asyncio.run(read())


def test_install_stores_the_channel_and_the_gathering_posts_there(
    server: TeamsServer, tmp_path: Path
) -> None:
    db = str(tmp_path / "ec.db")
    conn = server.connector
    _install(server, TEAM)
    [hello] = server.wait_messages(1, TEAM)
    assert hello.text == WELCOME

    async def stored() -> list[Any]:
        store = Store.from_url(f"sqlite:///{db}")
        try:
            return await ChatReferences(store).channels(TENANT, "teams")
        finally:
            await store.dispose()

    [channel] = asyncio.run(stored())
    assert (channel.conversation_id, channel.service_url, channel.name) == (
        TEAM,
        conn.service_url,
        "Attendance team",
    )

    asyncio.run(_post_the_week(db, server))
    posts = server.wait_messages(2, TEAM)
    assert len(posts) == 2, "the week's gathering reached the team's channel"
    post = posts[1]
    assert "Ms. R" in post.card_text
    [record] = post.submits()
    assert record["title"] == DECISION_BUTTON
    key = record["data"]["id"]
    assert key.startswith(f"team_gathering:{TEAM}:")

    # the button opens the decision form in the post's thread
    thread = f"{TEAM};messageid={post.returned_id}"
    opened = _in_team("message", conn.service_url, thread, TEAM, value=record["data"])
    assert server.post(opened).status_code == 200
    [form] = server.wait_messages(1, thread)
    [submit] = form.submits()
    assert submit["data"] == {"ec": "team_decision", "id": key, "post": post.returned_id}
    assert [i["id"] for i in form.cards[0]["body"] if i["type"] == "Input.Text"] == ["text"]

    # pressed in another team: refused, nothing recorded
    _install(server, OTHER_TEAM)
    elsewhere = _in_team(
        "message",
        conn.service_url,
        f"{OTHER_TEAM};messageid=9",
        OTHER_TEAM,
        value={**submit["data"], "text": "Call every family we missed."},
    )
    assert server.post(elsewhere).status_code == 200
    refused = server.wait_messages(1, f"{OTHER_TEAM};messageid=9")
    assert [m.text for m in refused] == [WRONG_PLACE]
    assert _decisions(db) == []

    # an empty decision is refused plainly (the form stays); a real one from its own
    # channel is recorded, and the form becomes the thanks
    empty = _in_team(
        "message",
        conn.service_url,
        thread,
        TEAM,
        value={**submit["data"], "text": " "},
        replyToId=form.returned_id,
    )
    assert server.post(empty).status_code == 200
    assert server.wait_messages(2, thread)[-1].text == DECISION_NEEDED
    assert conn.updates() == []
    press = _in_team(
        "message",
        conn.service_url,
        thread,
        TEAM,
        value={**submit["data"], "text": "Call every family we missed on Monday."},
        replyToId=form.returned_id,
    )
    assert server.post(press).status_code == 200
    thanks = next(u for u in conn.updates() if u.activity_id == form.returned_id)
    assert (thanks.conversation_id, thanks.text) == (thread, DECISION_SAVED)
    [decision] = _decisions(db)
    assert (decision.team_channel, decision.decision) == (
        TEAM,
        "Call every family we missed on Monday.",
    )
    assert server.post(press).status_code == 200, "a redelivery"
    assert len(_decisions(db)) == 1


def test_removing_the_app_forgets_the_channel(server: TeamsServer, tmp_path: Path) -> None:
    _install(server, TEAM)
    body = _in_team(
        "conversationUpdate",
        server.connector.service_url,
        TEAM,
        TEAM,
        membersRemoved=[{"id": BOT}],
    )
    assert server.post(body).status_code == 200

    async def stored() -> list[Any]:
        store = Store.from_url(f"sqlite:///{tmp_path / 'ec.db'}")
        try:
            return await ChatReferences(store).channels(TENANT, "teams")
        finally:
            await store.dispose()

    assert asyncio.run(stored()) == [], "answered after handling: the row is gone"


def _the_week(server: TeamsServer, db: str) -> tuple[Recorded, dict[str, Any]]:
    """The app added to the team and the week's gathering posted: the post and the data
    of its *Record our decision*."""
    _install(server, TEAM)
    asyncio.run(_post_the_week(db, server))
    posts = server.wait_messages(2, TEAM)
    assert len(posts) == 2, "the week's gathering reached the team's channel"
    [record] = posts[1].submits()
    return posts[1], record["data"]


def _open_form(
    server: TeamsServer, post: Recorded, record: dict[str, Any], *, n: int = 1
) -> tuple[str, Recorded]:
    """User ``n`` presses *Record our decision* on the post, as Teams sends a press on a
    channel's root post (the channel's id, the post as ``replyToId``); returns the thread
    and the form posted in it."""
    conn = server.connector
    thread = f"{TEAM};messageid={post.returned_id}"
    before = len(conn.messages(thread))
    press = _in_team(
        "message", conn.service_url, TEAM, TEAM, n=n, value=record, replyToId=post.returned_id
    )
    assert server.post(press).status_code == 200
    forms = server.wait_messages(before + 1, thread)
    assert len(forms) == before + 1, "the form is posted in the post's thread"
    return thread, forms[-1]


def _submit(
    server: TeamsServer, thread: str, form: Recorded, text: str, *, n: int = 1
) -> dict[str, Any]:
    """User ``n`` submits ``form`` with ``text`` (a new activity each time); returns it."""
    [button] = form.submits()
    body = _in_team(
        "message",
        server.connector.service_url,
        thread,
        TEAM,
        n=n,
        value={**button["data"], "text": text},
        replyToId=form.returned_id,
    )
    assert server.post(body).status_code == 200
    return body


def test_a_press_on_the_channel_post_opens_the_form_in_its_thread(
    server: TeamsServer, tmp_path: Path
) -> None:
    post, record = _the_week(server, str(tmp_path / "ec.db"))
    thread, form = _open_form(server, post, record)
    assert form.conversation_id == thread == f"{TEAM};messageid={post.returned_id}"
    assert form.cards[0]["actions"][0]["data"]["post"] == post.returned_id
    assert len(server.connector.messages(TEAM)) == 2, "nothing new at the channel's root"


def test_a_second_submit_stores_no_second_decision_for_the_post(
    server: TeamsServer, tmp_path: Path
) -> None:
    db = str(tmp_path / "ec.db")
    conn = server.connector
    post, record = _the_week(server, db)
    thread, form = _open_form(server, post, record)
    first = _submit(server, thread, form, "Call every family we missed on Monday.")
    assert len(_decisions(db)) == 1

    # the same form submitted again (Teams sends a new activity: a new id)
    again = _submit(server, thread, form, "Call every family we missed on Monday.")
    assert again["id"] != first["id"]
    said = server.wait_messages(2, thread)[-1].text
    assert said == ALREADY_DONE_IN_THREAD and "in this thread" in said and "chat" not in said

    # a second form opened under the same post by someone else, another text
    thread, other_form = _open_form(server, post, record, n=2)
    _submit(server, thread, other_form, "Send a letter home.", n=2)
    assert conn.messages(thread)[-1].text == ALREADY_DONE_IN_THREAD
    [decision] = _decisions(db)
    assert decision.decision == "Call every family we missed on Monday."


def test_the_gathering_post_is_replaced_by_the_recorded_decision(
    server: TeamsServer, tmp_path: Path
) -> None:
    db = str(tmp_path / "ec.db")
    conn = server.connector
    post, record = _the_week(server, db)
    thread, form = _open_form(server, post, record)
    _submit(server, thread, form, "Call every family we missed on Monday.")

    [thanks] = [u for u in conn.updates() if u.activity_id == form.returned_id]
    assert thanks.text == DECISION_SAVED
    [decided] = [u for u in conn.updates() if u.activity_id == post.returned_id]
    assert decided.conversation_id == thread
    assert "Ms. R" in decided.card_text, "the week as the post showed it"
    assert "“Call every family we missed on Monday.”" in decided.card_text
    assert "Recorded by Staff 1." in decided.card_text
    assert decided.submits() == [], "no second Record our decision"
    assert [m.returned_id for m in conn.messages(thread)] == [form.returned_id]
    assert len(_decisions(db)) == 1


def test_a_refused_update_posts_the_decision_in_the_thread(
    server: TeamsServer, tmp_path: Path
) -> None:
    db = str(tmp_path / "ec.db")
    conn = server.connector
    post, record = _the_week(server, db)
    conn.refuse_updates.add(post.returned_id)
    thread, form = _open_form(server, post, record)
    _submit(server, thread, form, "Call every family we missed on Monday.")

    msgs = server.wait_messages(2, thread)
    assert len(msgs) == 2, "the form, then the decision as a new message in the thread"
    assert "“Call every family we missed on Monday.”" in msgs[1].card_text
    assert [u.activity_id for u in conn.updates()] == [form.returned_id], "only the thanks"
    assert len(_decisions(db)) == 1


def test_a_universal_action_submit_is_recorded_once_and_updates_the_post(
    server: TeamsServer, tmp_path: Path
) -> None:
    db = str(tmp_path / "ec.db")
    conn = server.connector
    post, record = _the_week(server, db)
    thread, form = _open_form(server, post, record)
    [button] = form.submits()
    data = {**button["data"], "text": "Call every family we missed on Monday."}
    body = _in_team(
        "invoke",
        conn.service_url,
        thread,
        TEAM,
        name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": "team_decision", "data": data}},
        replyToId=form.returned_id,
    )
    r = server.post(body)
    assert r.status_code == 200
    assert r.json() == {
        "statusCode": 200,
        "type": "application/vnd.microsoft.activity.message",
        "value": "",
    }, "the form's result is the thanks (text): the form is updated by the connector"
    updated = {u.activity_id: u for u in conn.updates()}
    assert updated[form.returned_id].text == DECISION_SAVED
    assert "“Call every family we missed on Monday.”" in updated[post.returned_id].card_text
    assert len(_decisions(db)) == 1


@pytest.fixture
def any_server(db_url: str, identity: FakeIdentity, connector: FakeConnector):  # type: ignore[no-untyped-def]
    """The Teams app on SQLite and on PostgreSQL (when ``EC_TEST_POSTGRES_URL`` is set)."""
    AHEAD[0] = timedelta(0)
    with TeamsServer(
        "",
        identity,
        connector,
        clock=lambda: datetime.now(UTC) + AHEAD[0],
        database_url=db_url,
    ) as s:
        yield s


def test_two_submits_at_once_store_one_decision(any_server: TeamsServer, db_url: str) -> None:
    server = any_server
    post, record = _the_week(server, db_url)
    thread, form = _open_form(server, post, record)
    [button] = form.submits()
    bodies = [
        _in_team(
            "message",
            server.connector.service_url,
            thread,
            TEAM,
            n=n,
            value={**button["data"], "text": f"Decision number {n}."},
            replyToId=form.returned_id,
        )
        for n in (1, 2, 1, 2)
    ]
    with ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(lambda b: server.post(b).status_code, bodies))
    assert codes == [200] * 4
    assert len(_decisions(db_url)) == 1
    texts = [m.text for m in server.connector.messages(thread)]
    assert texts.count(ALREADY_DONE_IN_THREAD) == 3, texts


def test_a_decision_whose_save_fails_is_saved_by_the_retry(
    server: TeamsServer, tmp_path: Path
) -> None:
    """Issue 12: the post's claim and the decision are one transaction. The database
    refuses the first save (a SQLite trigger whose write fails with an operational
    error, as a full or read-only disk does): the
    person is told it was not saved, nothing is stored, and the same submit again is
    saved (not "already done")."""
    import sqlite3

    from bot.presenters.practice import CANT_SAVE

    db = str(tmp_path / "ec.db")
    post, record = _the_week(server, db)
    thread, form = _open_form(server, post, record)
    with sqlite3.connect(db) as raw:
        raw.execute(
            "CREATE TRIGGER fail_once BEFORE INSERT ON team_decisions "
            "BEGIN INSERT INTO the_disk_is_full VALUES (1); END"
        )
    _submit(server, thread, form, "Call every family we missed on Monday.")
    said = server.wait_messages(2, thread)[-1].text
    assert said == CANT_SAVE, said
    assert _decisions(db) == []

    with sqlite3.connect(db) as raw:
        raw.execute("DROP TRIGGER fail_once")
    _submit(server, thread, form, "Call every family we missed on Monday.")
    [decision] = _decisions(db)
    [thanks] = [u for u in server.connector.updates() if u.activity_id == form.returned_id]
    assert thanks.text == DECISION_SAVED
    assert ALREADY_DONE_IN_THREAD not in [m.text for m in server.connector.messages(thread)]
    assert decision.decision == "Call every family we missed on Monday."
