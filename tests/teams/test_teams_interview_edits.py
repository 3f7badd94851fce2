"""Logged interviews in Teams, through the real endpoint with token checks: my interviews
(typed ``interviews`` and the confirmation's buttons), *Change time* (its prompts move; a
refused form comes back filled in), *Delete* after a confirmation (its prompts are
canceled), the log form's team choice (only the teams the app is in that the user belongs
to, as the connector says; a crafted choice is refused), and only the owner, in the same
tenant, reaches an interview: never another user, another tenant or a Slack user."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from fake_connector import FakeConnector, FakeIdentity, Recorded
from teams_kit import CHICAGO, QUIET_NOW, TENANT, YESTERDAY, TeamsServer, activity, chat_of, user

from bot.presenters.interview_logged import DELETE_TITLE, DELETE_WARNING
from bot.presenters.practice import TEAMS_OTHER_TENANT
from bot.services.ports import ConversationRef
from bot.services.reflection import ReflectionService
from bot.store import Store
from bot.teams.interview_cards import NO_TEAMS
from bot.teams.interview_flows import NOT_YOUR_TEAM

pytestmark = pytest.mark.integration

EARLIER = YESTERDAY - timedelta(days=1)


def _on(day: date, hour: str) -> str:
    """How the app writes a local time, US style, e.g. ``Tue, Dec 1, 9:30 AM`` (written out)."""
    return f"{day:%a}, {day:%b} {day.day}, {hour}"


TEAM_A = "19:attendance-team-a@thread.tacv2"
TEAM_B = "19:attendance-team-b@thread.tacv2"
FORM = {
    "ec": "save_interview",
    "pseudonym": "R.M.",
    "happened_on": YESTERDAY.isoformat(),
    "happened_at": "09:30",
    "grade_band": "3-5",
    "mode": "phone",
    "notes": "Mornings are hard since the bus route changed.",
}


@pytest.fixture
def server(tmp_path: Path, identity: FakeIdentity, connector: FakeConnector):  # type: ignore[no-untyped-def]
    with TeamsServer(str(tmp_path / "ec.db"), identity, connector, clock=lambda: QUIET_NOW) as s:
        yield s


def _answer(
    server: TeamsServer,
    value: Any = None,
    *,
    text: str | None = None,
    n: int = 1,
    tenant: str = TENANT,
) -> Recorded:
    """User ``n`` presses ``value`` (or types ``text``); the one answer in their chat."""
    before = len(server.connector.messages(chat_of(n)))
    body = activity(
        "message", server.connector.service_url, n=n, text=text, value=value, tenant=tenant
    )
    r = server.post(body)
    assert r.status_code == 200, r.text
    got = server.wait_messages(before + 1, chat_of(n))
    assert len(got) == before + 1, "one answer came"
    return got[-1]


def _inputs(message: Recorded) -> dict[str, Any]:
    return {i["id"]: i for i in message.cards[0]["body"] if "id" in i}


def _buttons(message: Recorded) -> dict[str, dict[str, Any]]:
    return {b["title"]: b["data"] for b in message.submits()}


def _read(db: str, workspace: str, interview_id: str) -> tuple[Any, list[tuple[str, str, Any]]]:
    async def read() -> tuple[Any, list[tuple[str, str, Any]]]:
        store = Store.from_url(f"sqlite:///{db}")
        try:
            async with store.unit_of_work() as uow:
                row = await uow.interviews.get(workspace, interview_id, include_deleted=True)
                rows = await uow.reminders.for_interview(workspace, interview_id)
                return row, sorted((r.kind, r.status, r.due_at) for r in rows)
        finally:
            await store.dispose()

    return asyncio.run(read())


def test_list_change_the_time_and_delete(server: TeamsServer, tmp_path: Path) -> None:
    db = str(tmp_path / "ec.db")
    form = _answer(server, text="log")
    assert NO_TEAMS in form.card_text, "no team channel: said plainly"
    assert "team_channel" not in _inputs(form)

    done = _answer(server, FORM)
    assert (
        f"Thank you for logging your phone call with R.M. ({_on(YESTERDAY, '9:30 AM')})"
        in done.text
    )
    buttons = _buttons(done)
    assert set(buttons) == {"Change time", "Delete", "My interviews"}
    iv = buttons["Change time"]["id"]
    assert buttons["Delete"] == {"ec": "delete_interview", "id": iv}
    row, before = _read(db, TENANT, iv)
    assert row.team_channel is None and {s for _, s, _ in before} == {"pending"}

    listed = _answer(server, text="interviews")
    assert f"R.M. · grade 3-5 · phone call · {_on(YESTERDAY, '9:30 AM')}" in listed.card_text
    assert _buttons(listed)["Change time"] == {"ec": "edit_interview_time", "id": iv}
    assert _answer(server, buttons["My interviews"]).card_text == listed.card_text

    edit = _answer(server, {"ec": "edit_interview_time", "id": iv})
    fields = _inputs(edit)
    assert (fields["happened_on"]["value"], fields["happened_at"]["value"]) == (
        YESTERDAY.isoformat(),
        "09:30",
    ), "on the interview's own clock (America/Chicago)"
    [save] = edit.submits()
    future = {**save["data"], "happened_on": "2030-01-01", "happened_at": "08:00"}
    refused = _answer(server, future)
    assert "future" in refused.card_text.lower(), refused.card_text
    again = _inputs(refused)
    assert (again["happened_on"]["value"], again["happened_at"]["value"]) == (
        "2030-01-01",
        "08:00",
    ), "what was typed comes back"
    bad = _answer(server, {**save["data"], "happened_on": "yesterday", "happened_at": "9"})
    assert "Choose the date and the time it happened." in bad.card_text

    to = {**save["data"], "happened_on": EARLIER.isoformat(), "happened_at": "15:00"}
    moved = _answer(server, to)
    assert f"Updated: your phone call with R.M. is now {_on(EARLIER, '3:00 PM')}." in moved.text
    row, after = _read(db, TENANT, iv)
    assert row.happened_at == datetime.combine(EARLIER, time(15, 0), CHICAGO).astimezone(UTC)
    pending_before = {k: due for k, s, due in before if s == "pending"}
    pending_after = {k: due for k, s, due in after if s == "pending"}
    # the second-round nudge counts from the interview: a day earlier now (the exact-words
    # and reflection prompts were overdue either way: the next working hour, unchanged)
    assert set(pending_after) == set(pending_before)
    assert pending_after["second_round"] < pending_before["second_round"]

    ask = _answer(server, {"ec": "delete_interview", "id": iv})
    assert DELETE_TITLE in ask.card_text and DELETE_WARNING in ask.card_text
    assert "R.M." in ask.card_text
    assert _read(db, TENANT, iv)[0].deleted_at is None, "asking deletes nothing"
    kept = _answer(server, _buttons(ask)["Keep it"])
    assert "R.M." in kept.card_text, "Keep it shows the list again"
    gone = _answer(server, _buttons(ask)["Delete"])
    assert gone.text.startswith("Deleted your phone call with R.M.")
    row, last = _read(db, TENANT, iv)
    assert row.deleted_at is not None and not row.notes, "its notes are cleared"
    assert "pending" not in {s for _, s, _ in last}, "its pending prompts are canceled"
    assert "No interviews logged yet." in _answer(server, text="interviews").card_text
    late = _answer(server, {"ec": "edit_interview_time", "id": iv})
    assert "was not found" in late.text


def test_only_the_owner_in_the_same_tenant_reaches_an_interview(
    server: TeamsServer, tmp_path: Path
) -> None:
    db = str(tmp_path / "ec.db")
    iv = _buttons(_answer(server, FORM))["Delete"]["id"]

    async def slack_interview() -> str:
        store = Store.from_url(f"sqlite:///{db}")
        try:
            info = await ReflectionService(store).log_interview(
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
    moves = {"happened_on": EARLIER.isoformat(), "happened_at": "10:00"}
    presses = lambda target: [  # noqa: E731
        {"ec": "edit_interview_time", "id": target},
        {"ec": "save_interview_time", "id": target, **moves},
        {"ec": "delete_interview", "id": target},
        {"ec": "delete_interview_confirmed", "id": target},
    ]
    for value in presses(iv):
        assert "logged by someone else" in _answer(server, value, n=2).text, value
        # another tenant: the door refuses it before any interview code runs (one tenant)
        other_tenant = _answer(server, value, tenant="0b6c7e0a-0000-4000-8000-0000000000aa")
        assert other_tenant.text == TEAMS_OTHER_TENANT, value
    for value in presses(theirs):
        answer = _answer(server, value)
        assert "was not found" in answer.text, value
        assert "J.T." not in answer.text + answer.card_text
    assert "R.M." not in _answer(server, text="interviews", n=2).card_text

    row, reminders = _read(db, TENANT, iv)
    assert row.deleted_at is None, "not deleted"
    assert row.happened_at == datetime.combine(YESTERDAY, time(9, 30), CHICAGO).astimezone(UTC)
    assert {s for _, s, _ in reminders} == {"pending"}
    slack_row, slack_reminders = _read(db, "T0SLACK", theirs)
    assert slack_row.deleted_at is None and {s for _, s, _ in slack_reminders} == {"pending"}


def test_the_team_choice_offers_only_the_users_teams(server: TeamsServer, tmp_path: Path) -> None:
    db = str(tmp_path / "ec.db")
    conn = server.connector
    server.install_in_team(TEAM_A, "Attendance team A")
    server.install_in_team(TEAM_B, "Attendance team B")
    server.wait_messages(1, TEAM_B)
    me = user(1)["aadObjectId"]
    conn.members = {TEAM_A: {me}, TEAM_B: {user(2)["aadObjectId"]}}

    form = _answer(server, text="log interview")
    choice = _inputs(form)["team_channel"]
    assert [(c["value"], c["title"]) for c in choice["choices"]] == [
        ("none", "No team (just me)"),
        (TEAM_A, "Attendance team A"),
    ]
    asked = {(team, who) for team, who, _ in conn.lookups}
    assert asked == {(TEAM_A, me), (TEAM_B, me)}
    assert {auth for *_, auth in conn.lookups} == {f"Bearer {server.outbound_token}"}

    crafted = _answer(server, {**FORM, "team_channel": TEAM_B})
    assert NOT_YOUR_TEAM in crafted.card_text
    typed = _inputs(crafted)
    assert typed["team_channel"]["value"] == TEAM_B and typed["notes"]["value"] == FORM["notes"]
    assert "R.M." not in _answer(server, text="interviews").card_text, "nothing was logged"

    done = _answer(server, {**FORM, "team_channel": TEAM_A})
    iv = _buttons(done)["Delete"]["id"]
    row, _ = _read(db, TENANT, iv)
    assert row.team_channel == TEAM_A
    assert row.gathering_key.startswith(f"team_gathering:{TEAM_A}:"), "joins the team's week"
    assert "your team's weekly gathering" in done.text
    listed = _answer(server, text="interviews")
    line = f"R.M. · grade 3-5 · phone call · {_on(YESTERDAY, '9:30 AM')} · team: Attendance team A"
    assert line in listed.card_text

    nobody = _answer(server, text="log", n=3)
    assert NO_TEAMS in nobody.card_text and "team_channel" not in _inputs(nobody)
