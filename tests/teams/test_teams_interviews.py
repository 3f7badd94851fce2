"""Logging a real interview in Teams, its exact words and reflection, through the real
endpoint: the forms, the services' checks (a refused form comes back filled in), the
prompts scheduled for this chat in the user's zone, other users' interviews refused."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from fake_connector import FakeConnector, FakeIdentity
from teams_kit import QUIET_NOW, TENANT, YESTERDAY, TeamsServer, chat_of, user

from bot.services.ports import ConversationRef
from bot.services.reflection import ReflectionService
from bot.store import Store

pytestmark = pytest.mark.integration


@pytest.fixture
def server(tmp_path: Path, identity: FakeIdentity, connector: FakeConnector):  # type: ignore[no-untyped-def]
    with TeamsServer(str(tmp_path / "ec.db"), identity, connector, clock=lambda: QUIET_NOW) as s:
        yield s


def _last(server: TeamsServer, before: int, n: int = 1):  # type: ignore[no-untyped-def]
    got = server.wait_messages(before + 1, chat_of(n))
    assert len(got) > before, "an answer came"
    return got[-1]


def _reminders(db: str, interview_id: str) -> list[tuple[str, str, str | None]]:
    async def read() -> list[tuple[str, str, str | None]]:
        store = Store.from_url(f"sqlite:///{db}")
        try:
            async with store.unit_of_work() as uow:
                rows = await uow.reminders.for_interview(TENANT, interview_id)
                iv = await uow.interviews.get(TENANT, interview_id)
                assert iv is not None
                return sorted((r.kind, r.platform, iv.conversation_id) for r in rows)
        finally:
            await store.dispose()

    return asyncio.run(read())


def test_log_an_interview_then_exact_words_and_a_reflection(
    server: TeamsServer, tmp_path: Path
) -> None:
    chat = chat_of(1)
    server.say("log interview")
    form = _last(server, 0)
    assert "Log a real interview" in form.card_text
    [save] = form.submits()
    assert save["data"] == {"ec": "save_interview"}
    fields = {
        "ec": "save_interview",
        "pseudonym": "",
        "happened_on": YESTERDAY.isoformat(),
        "happened_at": "09:30",
        "grade_band": "3-5",
        "mode": "phone",
        "notes": "Call me at 555-201-3344 after work.",
    }
    n = len(server.connector.messages(chat))
    server.press(fields)
    again = _last(server, n)
    assert "pseudonym" in again.card_text.lower(), "the refusal names the field"
    typed = {i["id"]: i.get("value") for i in again.cards[0]["body"] if "id" in i}
    assert typed["notes"] == fields["notes"] and typed["grade_band"] == "3-5", "nothing lost"

    n = len(server.connector.messages(chat))
    server.press({**fields, "pseudonym": "R.M."})
    done = _last(server, n)
    assert "Thank you for logging your phone call with R.M." in done.text
    assert "(America/Chicago)" in done.text, "the client's zone from the activity"
    assert "removed 1 personal detail" in done.text

    async def newest() -> str:
        store = Store.from_url(f"sqlite:///{tmp_path / 'ec.db'}")
        try:
            async with store.unit_of_work() as uow:
                page = await uow.interviews.recent_for_user(TENANT, user(1)["aadObjectId"])
                return page[0].id
        finally:
            await store.dispose()

    iv = asyncio.run(newest())
    kinds = _reminders(str(tmp_path / "ec.db"), iv)
    assert {k for k, _, _ in kinds} >= {"exact_words", "reflection", "second_round"}
    assert all(p == "teams" and c == chat for _, p, c in kinds)

    n = len(server.connector.messages(chat))
    server.press({"ec": "open_exact_words", "id": iv})
    words_form = _last(server, n)
    assert "Their exact words · R.M." in words_form.card_text
    n += 1
    server.press({"ec": "save_exact_words", "id": iv, "text": "We just want someone to call."})
    assert "Saved, thank you" in _last(server, n).text

    # opened again: the form shows the words saved; an empty save is refused, nothing erased
    n = len(server.connector.messages(chat))
    server.press({"ec": "open_exact_words", "id": iv})
    [field] = [i for i in _last(server, n).cards[0]["body"] if i.get("id") == "text"]
    assert field["value"] == "We just want someone to call." and field["isRequired"] is True
    n += 1
    server.press({"ec": "save_exact_words", "id": iv, "text": "   "})
    assert "Please type what they said" in _last(server, n).card_text
    n += 1
    server.press({"ec": "open_exact_words", "id": iv})
    [field] = [i for i in _last(server, n).cards[0]["body"] if i.get("id") == "text"]
    assert field["value"] == "We just want someone to call.", "the empty save erased nothing"

    n = len(server.connector.messages(chat))
    server.press({"ec": "open_reflection", "id": iv})
    refl = _last(server, n)
    multiline = [i for i in refl.cards[0]["body"] if i.get("isMultiline")]
    assert len(multiline) == 4
    n += 1
    server.press({"ec": "save_reflection", "id": iv, "nothing_new": "false"})
    assert "Write a line in any box" in _last(server, n).card_text
    n += 1
    server.press({"ec": "save_reflection", "id": iv, "surprised": "They want more contact."})
    assert "Saved, thank you" in _last(server, n).text

    # issue 12: saved again with one field, the other answers are kept (not erased)
    n += 1
    server.press(
        {
            "ec": "save_reflection",
            "id": iv,
            "surprised": "They want more contact.",
            "assumption_challenged": "I thought they did not care.",
            "not_in_data": "Mom works nights.",
            "do_differently": "Call after 4.",
        }
    )
    assert "Saved, thank you" in _last(server, n).text
    n += 1
    server.press({"ec": "save_reflection", "id": iv, "surprised": "again"})
    assert "Saved, thank you" in _last(server, n).text

    async def stored() -> dict[str, str | None]:
        store = Store.from_url(f"sqlite:///{tmp_path / 'ec.db'}")
        try:
            async with store.unit_of_work() as uow:
                row = await uow.reflections.get(TENANT, iv)
                assert row is not None
                return {
                    f: getattr(row, f)
                    for f in ("surprised", "assumption_challenged", "not_in_data", "do_differently")
                }
        finally:
            await store.dispose()

    values = asyncio.run(stored())
    assert values["surprised"] == "again"
    assert values["assumption_challenged"] == "I thought they did not care."
    assert (
        values["not_in_data"] == "Mom works nights." and values["do_differently"] == "Call after 4."
    )

    # another Teams user cannot open or answer this interview
    for value in (
        {"ec": "open_reflection", "id": iv},
        {"ec": "save_exact_words", "id": iv, "text": "mine now"},
    ):
        m = len(server.connector.messages(chat_of(2)))
        server.press(value, n=2)
        assert "logged by someone else" in _last(server, m, n=2).text


def test_malformed_interview_presses_get_a_plain_answer(server: TeamsServer) -> None:
    chat = chat_of(1)
    for value in (
        {"ec": "open_reflection"},
        {"ec": "open_exact_words", "id": "no-such-interview"},
        {
            "ec": "save_interview",
            "pseudonym": "R.M.",
            "happened_on": "yesterday",
            "happened_at": "9",
        },
        {"ec": "save_interview", "pseudonym": "R.M.", "grade_band": "college", "mode": "phone"},
        {"ec": "save_reflection", "id": "x" * 300},
    ):
        n = len(server.connector.messages(chat))
        r = server.press(value)
        assert r.status_code == 200
        answer = _last(server, n)
        assert answer.text or answer.card_text, value


def test_a_slack_users_interview_is_not_found_from_teams(
    server: TeamsServer, tmp_path: Path
) -> None:
    async def slack_interview() -> str:
        store = Store.from_url(f"sqlite:///{tmp_path / 'ec.db'}")
        try:
            svc = ReflectionService(store)
            info = await svc.log_interview(
                "T0SLACK",
                "U0SLACK",
                pseudonym="J.T.",
                grade_band="6-8",
                mode="phone",
                interviewer_tz="America/Chicago",
                conversation=ConversationRef(
                    platform="slack", workspace_id="T0SLACK", user_id="U0SLACK"
                ),
            )
            return info.id
        finally:
            await store.dispose()

    theirs = asyncio.run(slack_interview())
    chat = chat_of(1)
    for value in (
        {"ec": "open_exact_words", "id": theirs},
        {"ec": "open_reflection", "id": theirs},
        {"ec": "save_exact_words", "id": theirs, "text": "taken"},
        {"ec": "save_reflection", "id": theirs, "surprised": "taken"},
    ):
        n = len(server.connector.messages(chat))
        server.press(value)
        answer = _last(server, n)
        assert "was not found" in answer.text, value
        assert "J.T." not in answer.text + answer.card_text

    async def words_of() -> str | None:
        store = Store.from_url(f"sqlite:///{tmp_path / 'ec.db'}")
        try:
            async with store.unit_of_work() as uow:
                row = await uow.interviews.get("T0SLACK", theirs)
                assert row is not None
                return row.exact_words
        finally:
            await store.dispose()

    assert asyncio.run(words_of()) is None, "nothing written to the Slack user's interview"
