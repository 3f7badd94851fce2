"""Export, retention and "delete my data" (bot.services.data_rights) on SQLite and PostgreSQL.

Every table is dumped before and after: exactly the rows the test names by hand go,
and every other row (the other user's, the other workspace's) is unchanged.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest
from data_rights_kit import LINES, Seeded, dump, key, la, seed_user
from dispatch_kit import FakeClock
from sqlalchemy import Column, ForeignKey, Integer, String, Table, create_engine

from bot.services.data_rights import DataRights, RetentionJob
from bot.services.session_results import NotYourSession, SessionNotFound
from bot.store import Base, Store, sync_url
from bot.store.purge import dependents

T = TypeVar("T")
WS_A, WS_B = "T_A", "T_B"
ALICE, BOB = "U_ALICE", "U_BOB"


def run(url: str, clock: FakeClock, body: Callable[[Store, DataRights], Awaitable[T]]) -> T:
    async def main() -> T:
        store = Store.from_url(url)
        try:
            return await body(store, DataRights(store, clock=clock))
        finally:
            await store.dispose()

    return asyncio.run(main())


def seed_three(url: str, clock: FakeClock) -> dict[str, Seeded]:
    """Alice and Bob in workspace A (one team), and a user with Alice's id in workspace B."""

    async def body(store: Store, _: DataRights) -> dict[str, Seeded]:
        return {
            "alice": await seed_user(store, clock, WS_A, ALICE, thread="1.0"),
            "bob": await seed_user(store, clock, WS_A, BOB, thread="2.0"),
            "alice_b": await seed_user(store, clock, WS_B, ALICE, thread="3.0"),
        }

    return run(url, clock, body)


def by_key(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {key(r): r for r in rows}


# ---------------------------------------------------------------------- delete my data


def test_delete_my_data_removes_exactly_that_users_rows(migrated_url: str) -> None:
    clock = FakeClock(la(2026, 3, 6, 17, 0))
    seeded = seed_three(migrated_url, clock)
    alice = seeded["alice"]
    before = dump(migrated_url)
    assert len(before["practice_sessions"]) == 3 and len(before["turns"]) == 9

    report = run(migrated_url, clock, lambda _, dr: dr.delete_user_data(WS_A, ALICE))
    after = dump(migrated_url)

    def alice_a(row: dict[str, Any], table: str) -> bool:
        """The rows that must go, said by hand per table."""
        if row.get("workspace_id") != WS_A:
            return False
        if table in ("turns", "coach_requests", "note_disputes"):
            return row["session_id"] == alice.session_id
        if table == "practice_sessions":
            return row["id"] == alice.session_id
        if table == "interviews":
            return row["id"] == alice.interview_id
        if table == "reflections":
            return row["interview_id"] == alice.interview_id
        if table == "reminders":
            return row["interview_id"] == alice.interview_id
        if table == "user_settings":
            return row["user_id"] == ALICE
        return False

    gone_expected: dict[str, int] = {}
    for table, rows in before.items():
        kept = by_key(after[table])
        for row in rows:
            if alice_a(row, table):
                assert key(row) not in kept, f"{table} row of Alice in A was kept: {row}"
                gone_expected[table] = gone_expected.get(table, 0) + 1
            else:
                assert key(row) in kept, f"{table} row was deleted but is not Alice's: {row}"
        assert len(after[table]) == len(rows) - gone_expected.get(table, 0)

    assert report.deleted == gone_expected
    assert gone_expected == {
        "practice_sessions": 1,
        "turns": 3,
        "coach_requests": 1,
        "note_disputes": 1,
        "interviews": 1,
        "reflections": 1,
        "reminders": 3,  # exact words, reflection, second round
        "user_settings": 1,
    }
    # kept for the team, without Alice: her decision, and the team post (Bob is told now)
    decisions = by_key(after["team_decisions"])
    alice_decision = next(
        r
        for r in before["team_decisions"]
        if r["decided_by"] == ALICE and r["workspace_id"] == WS_A
    )
    assert decisions[key(alice_decision)]["decided_by"] == ""
    assert decisions[key(alice_decision)]["decision"] == alice_decision["decision"]
    post = next(
        r for r in after["reminders"] if r["kind"] == "team_gathering" and r["workspace_id"] == WS_A
    )
    assert post["user_id"] == BOB and post["status"] == "pending"
    # everything else is exactly as it was
    for table, rows in before.items():
        kept = by_key(after[table])
        for row in rows:
            if alice_a(row, table) or (table == "team_decisions" and row is alice_decision):
                continue
            if (
                table == "reminders"
                and row["kind"] == "team_gathering"
                and row["workspace_id"] == WS_A
            ):
                continue
            assert kept[key(row)] == row, f"{table} row changed: {row}"
    # Alice's other workspace is untouched, and a second delete finds nothing
    assert any(
        r["workspace_id"] == WS_B and r["user_id"] == ALICE for r in after["practice_sessions"]
    )
    again = run(migrated_url, clock, lambda _, dr: dr.delete_user_data(WS_A, ALICE))
    assert again.deleted == {} and dump(migrated_url) == after


def test_last_interviewer_deleted_cancels_the_team_post(migrated_url: str) -> None:
    clock = FakeClock(la(2026, 3, 6, 17, 0))
    run(migrated_url, clock, lambda s, _: seed_user(s, clock, WS_A, ALICE, thread="1.0"))
    run(migrated_url, clock, lambda _, dr: dr.delete_user_data(WS_A, ALICE))
    after = dump(migrated_url)
    (post,) = after["reminders"]
    assert post["kind"] == "team_gathering"
    assert post["status"] == "cancelled" and post["user_id"] is None
    assert after["interviews"] == [] and after["practice_sessions"] == []


# ---------------------------------------------------------------------- retention


def test_retention_deletes_practice_data_older_than_the_window_only(migrated_url: str) -> None:
    clock = FakeClock(la(2026, 1, 5, 9, 0))
    old = run(migrated_url, clock, lambda s, _: seed_user(s, clock, WS_A, ALICE, thread="1.0"))
    clock.advance(days=20)
    kept_busy = run(
        migrated_url,
        clock,
        lambda s, _: seed_user(s, clock, WS_B, BOB, thread="2.0", interview=False),
    )
    clock.advance(days=25)  # old: 45 days ago; kept_busy: 25 days ago
    recent = run(
        migrated_url,
        clock,
        lambda s, _: seed_user(s, clock, WS_A, BOB, thread="3.0", interview=False),
    )
    before = dump(migrated_url)

    report = run(migrated_url, clock, lambda _, dr: dr.purge_older_than(30))
    after = dump(migrated_url)

    assert {r["id"] for r in after["practice_sessions"]} == {
        kept_busy.session_id,
        recent.session_id,
    }
    for table in ("turns", "coach_requests", "note_disputes"):
        assert {r["session_id"] for r in after[table]} == {kept_busy.session_id, recent.session_id}
    old_events = [r for r in before["processed_events"] if r["event_key"].endswith("-1.0")]
    assert len(old_events) == 1
    assert report.deleted == {
        "practice_sessions": 1,
        "turns": 3,
        "coach_requests": 1,
        "note_disputes": 1,
        "processed_events": 1,
    }
    # real-interview data and settings are not practice data: all kept, unchanged
    for table in ("interviews", "reflections", "reminders", "team_decisions", "user_settings"):
        assert after[table] == before[table], table
    assert old.interview_id in {r["id"] for r in after["interviews"]}
    # a second pass has nothing left to do
    assert run(migrated_url, clock, lambda _, dr: dr.purge_older_than(30)).deleted == {}


def test_retention_keeps_an_old_session_with_a_recent_turn(migrated_url: str) -> None:
    clock = FakeClock(la(2026, 1, 5, 9, 0))

    async def body(store: Store, dr: DataRights) -> tuple[str, Any]:
        from data_rights_kit import SETTINGS

        from bot.services.sessions import ModelServiceFactory, PracticeSessions

        sessions = PracticeSessions(
            store, service_factory=ModelServiceFactory(SETTINGS, backend="scripted"), clock=clock
        )
        try:
            info = await sessions.start(WS_A, ALICE, "night-shift-mom", platform="cli", seed=1)
            await sessions.take_turn(WS_A, ALICE, info.id, LINES[0])
            clock.advance(days=40)
            await sessions.take_turn(WS_A, ALICE, info.id, LINES[2])
        finally:
            await sessions.aclose()
        return info.id, await dr.purge_older_than(30)

    session_id, report = run(migrated_url, clock, body)
    assert report.deleted == {}
    assert [r["id"] for r in dump(migrated_url)["practice_sessions"]] == [session_id]


@pytest.fixture
def later_table() -> Iterator[Table]:
    """A table another helper adds later, with a plain foreign key to practice_sessions."""
    table = Table(
        "zz_later_notes",
        Base.metadata,
        Column("id", Integer, primary_key=True),
        # no ON DELETE CASCADE: the parent's delete fails unless the children go first
        Column("session_id", String(36), ForeignKey("practice_sessions.id")),
        Column("text", String(50)),
    )
    try:
        yield table
    finally:
        Base.metadata.remove(table)


def test_a_table_added_later_is_purged_through_its_foreign_key(
    migrated_url: str, later_table: Table
) -> None:
    assert later_table in [
        child for child, *_ in dependents(Base.metadata.tables["practice_sessions"])
    ]
    clock = FakeClock(la(2026, 1, 5, 9, 0))
    seeded = seed_three(migrated_url, clock)
    engine = create_engine(sync_url(migrated_url))
    try:
        later_table.create(engine)
        with engine.begin() as conn:
            conn.execute(
                later_table.insert(),
                [
                    {"session_id": seeded["alice"].session_id, "text": "Alice in A"},
                    {"session_id": seeded["bob"].session_id, "text": "Bob in A"},
                    {"session_id": seeded["alice_b"].session_id, "text": "Alice in B"},
                ],
            )
    finally:
        engine.dispose()
    report = run(migrated_url, clock, lambda _, dr: dr.delete_user_data(WS_A, ALICE))
    assert report.deleted["zz_later_notes"] == 1
    left = sorted(r["text"] for r in dump(migrated_url)["zz_later_notes"])
    assert left == ["Alice in B", "Bob in A"]


def test_retention_job_runs_at_start_up_then_once_a_day_across_processes(migrated_url: str) -> None:
    clock = FakeClock(la(2026, 1, 5, 9, 0))
    run(migrated_url, clock, lambda s, _: seed_user(s, clock, WS_A, ALICE, thread="1.0"))
    clock.advance(days=40)

    async def body(store: Store, dr: DataRights) -> list[Any]:
        one = RetentionJob(dr, 30, clock=clock)
        two = RetentionJob(DataRights(store, clock=clock), 30, clock=clock)
        first = await one.run_once(force=True)  # start-up of server one
        second = await two.run_once()  # server two's daily look: the day is taken
        clock.advance(days=1)
        third = await two.run_once()  # the next day: server two claims it
        fourth = await one.run_once()
        return [first, second, third, fourth]

    first, second, third, fourth = run(migrated_url, clock, body)
    assert first is not None and first.deleted["practice_sessions"] == 1
    assert second is None and fourth is None
    assert third is not None and third.deleted == {}


# ---------------------------------------------------------------------- export


def test_export_formats_from_stored_turns(migrated_url: str) -> None:
    clock = FakeClock(la(2026, 3, 6, 17, 0))
    seeded = seed_three(migrated_url, clock)
    alice = seeded["alice"]

    async def body(_: Store, dr: DataRights) -> dict[str, Any]:
        return {
            fmt: await dr.export_session(WS_A, ALICE, alice.session_id, fmt)
            for fmt in ("md", "csv", "json")
        }

    files = run(migrated_url, clock, body)

    md = files["md"].content.decode("utf-8")
    assert files["md"].mime_type.startswith("text/markdown")
    assert files["md"].filename == f"practice-night-shift-mom-2026-03-07-{alice.session_id[:8]}.md"
    assert md.startswith("# Practice with Denise Carver\n")
    turn2 = md.split("## Turn 2\n", 1)[1].split("## Turn 3\n", 1)[0]
    assert "**You:** Have you tried an earlier bedtime?" in turn2
    assert f"**Denise:** {alice.caregiver[1]}" in turn2
    assert "- Advice: “Have you tried”." in turn2
    assert "Try instead: “" in turn2
    assert "Coach notes" not in md.split("## Turn 2\n", 1)[0]  # turn 1 is an open question
    debrief = md.split("## Debrief\n", 1)[1]
    assert "- Turns: 3" in debrief and "- Findings: advice 1" in debrief

    rows = list(csv.reader(io.StringIO(files["csv"].content.decode("utf-8"))))
    assert rows[0] == ["index", "staff", "caregiver", "finding_kinds", "reframe", "note"]
    assert len(rows) == 4
    assert rows[2][:4] == ["2", "Have you tried an earlier bedtime?", alice.caregiver[1], "advice"]
    assert rows[2][4]  # a reframe
    assert rows[1][3] == "" and rows[3][3] == ""

    doc = json.loads(files["json"].content)
    assert doc["schema"] == "empathy-coach/session-export" and doc["version"] == 1
    assert doc["session"]["id"] == alice.session_id and doc["session"]["user_id"] == ALICE
    assert doc["session"]["status"] == "ended"
    assert [t["index"] for t in doc["turns"]] == [1, 2, 3]
    assert [t["staff"] for t in doc["turns"]] == list(LINES)
    assert [f["kind"] for f in doc["turns"][1]["findings"]] == ["advice"]
    assert doc["turns"][1]["findings"][0]["evidence"] == "Have you tried"
    assert doc["debrief"]["turns"] == 3
    assert {k: n for k, n in doc["debrief"]["findings_by_kind"].items() if n} == {"advice": 1}


def test_export_is_owner_only_and_tenant_bound(migrated_url: str) -> None:
    clock = FakeClock(la(2026, 3, 6, 17, 0))
    seeded = seed_three(migrated_url, clock)
    alice = seeded["alice"].session_id

    async def body(_: Store, dr: DataRights) -> list[str]:
        out = []
        for ws, user, sid in (
            (WS_A, BOB, alice),  # another user's session
            (WS_B, ALICE, alice),  # the same user id in another workspace
            (WS_A, ALICE, "no-such-session"),
            (None, None, "no-such-session"),
        ):
            try:
                await dr.export_session(ws, user, sid, "md")
                out.append("exported")
            except NotYourSession:
                out.append("not yours")
            except SessionNotFound:
                out.append("not found")
        operator = await dr.export_session(None, None, alice, "json")
        out.append(json.loads(operator.content)["session"]["workspace_id"])
        return out

    assert run(migrated_url, clock, body) == [
        "not yours",
        "not found",
        "not found",
        "not found",
        WS_A,
    ]
