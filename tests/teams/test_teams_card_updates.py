"""A pressed card is replaced by its result (``PUT`` of the card's activity), its work is
done once however often the old card is pressed, and a refused update falls back to a
new message: through the real Teams endpoint and the fake connector."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from fake_connector import FakeConnector, FakeIdentity
from teams_kit import QUIET_NOW, TENANT, YESTERDAY, TeamsServer, chat_of, user

from bot.store import Store
from bot.teams.actions import ALREADY_DONE

pytestmark = pytest.mark.integration


@pytest.fixture
def server(tmp_path: Path, identity: FakeIdentity, connector: FakeConnector):  # type: ignore[no-untyped-def]
    with TeamsServer(str(tmp_path / "ec.db"), identity, connector, clock=lambda: QUIET_NOW) as s:
        yield s


def _card_text(body: dict[str, Any]) -> str:
    """Every ``text`` in an updated activity's Adaptive Card, joined."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                out.append(node["text"])
            for item in node.values():
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(body.get("attachments") or [])
    return "\n".join(out)


def _picker(server: TeamsServer) -> tuple[str, dict[str, Any]]:
    """User 1 asks to practice; returns the picker's activity id and Denise's button data."""
    server.say("practice")
    [picker] = server.wait_messages(1, chat_of(1))
    denise = next(a["data"] for a in picker.submits() if a["data"]["id"] == "night-shift-mom")
    return picker.returned_id, denise


def test_the_persona_picker_is_replaced_by_the_intro_and_works_once(
    server: TeamsServer,
) -> None:
    conn = server.connector
    chat = chat_of(1)
    picker_id, denise = _picker(server)

    server.press(denise, card=picker_id)
    [update] = conn.updates()
    assert update.activity_id == picker_id and update.conversation_id == chat
    intro_text = _card_text(update.body)
    assert "Practice call with Denise" in intro_text
    assert len(conn.messages(chat)) == 1, "no new message: the picker became the intro"

    # the same old picker pressed again (a new activity, the same card and value)
    server.press(denise, card=picker_id)
    msgs = server.wait_messages(2, chat)
    assert len(msgs) == 2 and msgs[-1].text == ALREADY_DONE
    assert len(conn.updates()) == 1, "no second intro"

    # the session started once: End on the intro (now at the picker's id) ends it
    session_id = next(
        a["data"]["id"]
        for a in update.body["attachments"][0]["content"]["actions"]
        if a["data"]["ec"] == "end"
    )
    server.press({"ec": "end", "id": session_id}, card=picker_id)
    msgs = server.wait_messages(3, chat)
    assert "Debrief: your practice with Denise" in msgs[2].card_text, "the debrief is posted"
    ended = conn.updates()[-1]
    assert ended.activity_id == picker_id and "This practice has ended" in _card_text(ended.body)


def test_a_refused_update_posts_the_result_as_a_new_message(server: TeamsServer) -> None:
    conn = server.connector
    chat = chat_of(1)
    picker_id, denise = _picker(server)
    conn.refuse_updates.add(picker_id)

    server.press(denise, card=picker_id)
    msgs = server.wait_messages(2, chat)
    assert len(msgs) == 2 and "Practice call with Denise" in msgs[1].card_text
    assert conn.updates() == [], "the refused PUT is not the result"


def test_the_log_form_is_replaced_by_its_error_then_by_the_thanks_and_saves_once(
    server: TeamsServer, tmp_path: Path
) -> None:
    conn = server.connector
    chat = chat_of(1)
    server.say("log interview")
    [form] = server.wait_messages(1, chat)
    fields = {
        "ec": "save_interview",
        "pseudonym": "",
        "happened_on": YESTERDAY.isoformat(),
        "happened_at": "09:30",
        "grade_band": "3-5",
        "mode": "phone",
        "notes": "She works nights and the bus comes at 6:40.",
    }
    server.press(fields, card=form.returned_id)
    [again] = conn.updates()
    assert again.activity_id == form.returned_id
    assert "pseudonym" in _card_text(again.body).lower(), "the form came back with its error"

    fixed = {**fields, "pseudonym": "R.M."}
    server.press(fixed, card=form.returned_id)
    done = conn.updates()[-1]
    assert done.activity_id == form.returned_id
    assert "Thank you for logging your phone call with R.M." in (
        (done.body.get("text") or "") + _card_text(done.body)
    )
    server.press(fixed, card=form.returned_id)  # the same old form submitted again
    msgs = server.wait_messages(2, chat)
    assert msgs[-1].text == ALREADY_DONE and len(conn.updates()) == 2
    assert len(msgs) == 2, "only the form and the already-done notice were posted"

    async def logged() -> int:
        store = Store.from_url(f"sqlite:///{tmp_path / 'ec.db'}")
        try:
            async with store.unit_of_work() as uow:
                return len(await uow.interviews.recent_for_user(TENANT, user(1)["aadObjectId"]))
        finally:
            await store.dispose()

    assert asyncio.run(logged()) == 1, "the interview was saved once"
