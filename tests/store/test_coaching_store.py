"""The coach tables and repositories (issue 11, revision 0006) on SQLite and PostgreSQL.

Coaches and their one-time seeding, flags (one per reason) and the flag settings
beside the reflection settings, reads, feedback drafts and the one reply, the
queue query (sent or flagged, newest first, unreviewed filter, paging, tenants
apart), cascades when a session is deleted, and the migration down and up again
with rows in place.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from alembic import command
from coach_kit import T, add_session, plain
from sqlalchemy import create_engine, delete, inspect, text
from sqlalchemy.pool import NullPool

from bot.store import (
    FlagSettingsRow,
    PracticeSessionRow,
    Store,
    head_revision,
    sync_url,
    upgrade_to_head,
)
from bot.store.migrate import alembic_config

R = TypeVar("R")
WS, OTHER = "T_A", "T_B"
T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def run(url: str, body: Callable[[Store], Awaitable[R]]) -> R:
    async def main() -> R:
        store = Store.from_url(url)
        try:
            return await body(store)
        finally:
            await store.dispose()

    return asyncio.run(main())


def test_coaches_per_workspace_added_once_removed_once(migrated_url: str) -> None:
    async def body(store: Store) -> None:
        async with store.unit_of_work() as uow:
            assert await uow.coaches.add(WS, "U_C1", added_by="U_ADMIN", now=T0) is True
            assert await uow.coaches.add(WS, "U_C1", added_by="U_OTHER", now=T0) is False
            assert await uow.coaches.add(WS, "U_C2", added_by="U_C1", now=T0 + timedelta(1))
        async with store.unit_of_work() as uow:
            rows = await uow.coaches.in_workspace(WS)
            assert [(r.user_id, r.added_by) for r in rows] == [
                ("U_C1", "U_ADMIN"),
                ("U_C2", "U_C1"),
            ]
            assert await uow.coaches.is_coach(WS, "U_C1")
            assert not await uow.coaches.is_coach(OTHER, "U_C1")  # another workspace
            assert await uow.coaches.remove(WS, "U_C1") is True
            assert await uow.coaches.remove(WS, "U_C1") is False
            assert [r.user_id for r in await uow.coaches.in_workspace(WS)] == ["U_C2"]

    run(migrated_url, body)


def test_seeds_apply_once_and_never_over_existing_coaches(migrated_url: str) -> None:
    async def body(store: Store) -> None:
        async with store.unit_of_work() as uow:
            assert await uow.coaches.seed_once(WS, ["U_S1", "U_S2", "U_S1"], now=T0) == [
                "U_S1",
                "U_S2",
            ]
            assert await uow.coaches.remove(WS, "U_S1")
            assert await uow.coaches.remove(WS, "U_S2")
            # every coach removed: the seeds do not come back
            assert await uow.coaches.seed_once(WS, ["U_S1"], now=T0) == []
            assert await uow.coaches.in_workspace(WS) == []
            # a workspace that already had a coach keeps only that coach
            await uow.coaches.add(OTHER, "U_OWN", added_by="U_ADMIN", now=T0)
            assert await uow.coaches.seed_once(OTHER, ["U_S1"], now=T0) == []
            assert [r.user_id for r in await uow.coaches.in_workspace(OTHER)] == ["U_OWN"]

    run(migrated_url, body)


def test_flag_settings_default_off_and_live_beside_the_reflection_settings(
    migrated_url: str,
) -> None:
    async def body(store: Store) -> None:
        async with store.unit_of_work() as uow:
            assert await uow.session_flags.settings(WS) == FlagSettingsRow(False, 3.0, 15)
            await uow.workspace_settings.put(
                WS, reflection={"k": 1}, team_tz="America/Chicago", coach_user_id=None, now=T0
            )
            # a row written by the reflection settings still has flagging off
            assert await uow.session_flags.settings(WS) == FlagSettingsRow(False, 3.0, 15)
            await uow.session_flags.put_settings(WS, FlagSettingsRow(True, 4.5, 20), now=T0)
        async with store.unit_of_work() as uow:
            assert await uow.session_flags.settings(WS) == FlagSettingsRow(True, 4.5, 20)
            row = await uow.workspace_settings.get(WS)
            assert row is not None and row.team_tz == "America/Chicago"
            # and the reflection settings' upsert leaves the flag settings alone
            await uow.workspace_settings.put(
                WS, reflection=None, team_tz=None, coach_user_id="U_C", now=T0
            )
            assert await uow.session_flags.settings(WS) == FlagSettingsRow(True, 4.5, 20)
            assert await uow.session_flags.settings(OTHER) == FlagSettingsRow(False, 3.0, 15)

    run(migrated_url, body)


def test_a_session_is_flagged_once_per_reason(migrated_url: str) -> None:
    async def body(store: Store) -> None:
        sid = await add_session(store, WS, "U_STAFF", plain(3), now=T0)
        async with store.unit_of_work() as uow:
            first = await uow.session_flags.add(WS, sid, "no_insight", {"turns": 15}, now=T0)
            again = await uow.session_flags.add(WS, sid, "no_insight", {"turns": 16}, now=T0)
            other = await uow.session_flags.add(WS, sid, "findings_per_10", {"rate": 5}, now=T0)
            assert first is not None and first.figures == {"turns": 15}
            assert again is None and other is not None
        async with store.unit_of_work() as uow:
            flags = await uow.session_flags.for_session(WS, sid)
            assert [(f.code, f.figures) for f in flags] == [
                ("no_insight", {"turns": 15}),
                ("findings_per_10", {"rate": 5}),
            ]
            assert await uow.session_flags.for_session(OTHER, sid) == []
            assert await uow.session_flags.mark_reviewed(WS, sid, by="U_C", now=T0) == 2
            assert await uow.session_flags.mark_reviewed(WS, sid, by="U_C", now=T0) == 0

    run(migrated_url, body)


def test_feedback_drafts_are_sent_per_coach_and_replied_to_once(migrated_url: str) -> None:
    async def body(store: Store) -> None:
        sid = await add_session(store, WS, "U_STAFF", plain(2), now=T0)
        async with store.unit_of_work() as uow:
            mine = await uow.coach_feedback.add(WS, sid, "U_C1", "Nice pause.", turn_index=2)
            await uow.coach_feedback.add(WS, sid, "U_C2", "Theirs.", turn_index=None)
            assert await uow.coach_feedback.set_reply(WS, mine.id, "thanks") is False  # a draft
            sent = await uow.coach_feedback.send_drafts(WS, sid, "U_C1", now=T0)
            assert [(f.text, f.turn_index, f.sent_at) for f in sent] == [("Nice pause.", 2, T0)]
            assert await uow.coach_feedback.send_drafts(WS, sid, "U_C1", now=T0) == []
            staff_view = await uow.coach_feedback.for_session(WS, sid, sent_only=True)
            assert [f.text for f in staff_view] == ["Nice pause."]
            c1_view = await uow.coach_feedback.for_session(WS, sid, coach_user_id="U_C1")
            assert [f.text for f in c1_view] == ["Nice pause."]  # not the other coach's draft
            assert await uow.coach_feedback.set_reply(WS, mine.id, "Thank you!", now=T0) is True
            assert await uow.coach_feedback.set_reply(WS, mine.id, "Again", now=T0) is False
            assert await uow.coach_feedback.set_reply(OTHER, mine.id, "x", now=T0) is False
        async with store.unit_of_work() as uow:
            got = await uow.coach_feedback.get(WS, mine.id)
            assert got is not None and (got.reply, got.replied_at) == ("Thank you!", T0)
            assert await uow.coach_feedback.get(OTHER, mine.id) is None

    run(migrated_url, body)


def test_queue_is_exactly_the_sent_and_flagged_sessions_newest_first(migrated_url: str) -> None:
    async def body(store: Store) -> None:
        ids = [
            await add_session(store, WS, "U_STAFF", plain(2), now=T0 + timedelta(minutes=i))
            for i in range(5)
        ]
        private = await add_session(store, WS, "U_STAFF", plain(2), now=T0)  # neither: never shown
        elsewhere = await add_session(store, OTHER, "U_X", plain(2), now=T0)
        at = T0 + timedelta(hours=1)
        async with store.unit_of_work() as uow:
            await uow.coach_requests.add(WS, ids[0], requested_by="U_STAFF", now=at)
            await uow.session_flags.add(WS, ids[1], "no_insight", {}, now=at + timedelta(1))
            req = await uow.coach_requests.add(WS, ids[2], requested_by="U_STAFF", now=at)
            await uow.session_flags.add(WS, ids[2], "no_insight", {}, now=at + timedelta(3))
            assert req is not None
            req.note = "Could you look at turn 2?"
            await uow.coach_requests.add(WS, ids[3], requested_by="U_STAFF", now=at + timedelta(2))
            await uow.coach_requests.add(OTHER, elsewhere, requested_by="U_X", now=at)
        async with store.unit_of_work() as uow:
            rows, total = await uow.coach_queue.page(WS, unreviewed_only=True, offset=0, limit=10)
            # ids[2] flagged at +3 days, ids[3] sent at +2, ids[1] flagged at +1, ids[0] sent at +0
            assert [r.session.id for r in rows] == [ids[2], ids[3], ids[1], ids[0]]
            assert total == 4 and private not in [r.session.id for r in rows]
            assert rows[0].request is not None and rows[0].request.note.startswith("Could")
            assert [f.code for f in rows[0].flags] == ["no_insight"]
            page2, total2 = await uow.coach_queue.page(WS, unreviewed_only=True, offset=2, limit=2)
            assert [r.session.id for r in page2] == [ids[1], ids[0]] and total2 == 4
            # reviewing one takes it out of the unreviewed view only
            await uow.coach_queue.mark_request_reviewed(WS, ids[3], by="U_C", now=at)
            await uow.coach_queue.mark_request_reviewed(WS, ids[2], by="U_C", now=at)
            await uow.session_flags.mark_reviewed(WS, ids[2], by="U_C", now=at)
        async with store.unit_of_work() as uow:
            rows, total = await uow.coach_queue.page(WS, unreviewed_only=True, offset=0, limit=10)
            assert [r.session.id for r in rows] == [ids[1], ids[0]] and total == 2
            rows, total = await uow.coach_queue.page(WS, unreviewed_only=False, offset=0, limit=10)
            assert [r.session.id for r in rows] == [ids[2], ids[3], ids[1], ids[0]]
            assert [r.unreviewed for r in rows] == [False, False, True, True]
            assert rows[0].reviewed_at == at
            other, n = await uow.coach_queue.page(OTHER, unreviewed_only=False, offset=0, limit=10)
            assert [r.session.id for r in other] == [elsewhere] and n == 1
            assert await uow.coach_queue.is_visible(WS, ids[1])
            assert not await uow.coach_queue.is_visible(WS, private)
            assert not await uow.coach_queue.is_visible(WS, elsewhere)

    run(migrated_url, body)


def test_deleting_a_session_removes_its_flags_reads_and_feedback(migrated_url: str) -> None:
    async def body(store: Store) -> None:
        sid = await add_session(store, WS, "U_STAFF", [T(kinds=("advice",))], now=T0)
        keep = await add_session(store, WS, "U_STAFF", plain(1), now=T0)
        async with store.unit_of_work() as uow:
            for s in (sid, keep):
                await uow.session_flags.add(WS, s, "no_insight", {}, now=T0)
                await uow.coach_reads.add(WS, s, "U_C", now=T0)
                await uow.coach_feedback.add(WS, s, "U_C", "x", turn_index=None, now=T0)
        async with store.engine.begin() as conn:
            await conn.execute(delete(PracticeSessionRow).where(PracticeSessionRow.id == sid))
        async with store.unit_of_work() as uow:
            assert await uow.session_flags.for_session(WS, sid) == []
            assert await uow.coach_reads.for_session(WS, sid) == []
            assert await uow.coach_feedback.for_session(WS, sid) == []
            assert len(await uow.coach_reads.for_session(WS, keep)) == 1
            rows, total = await uow.coach_queue.page(WS, unreviewed_only=True, offset=0, limit=5)
            assert [r.session.id for r in rows] == [keep] and total == 1

    run(migrated_url, body)


def test_0006_downgrades_to_0005_and_up_again_with_rows_in_place(migrated_url: str) -> None:
    async def seed(store: Store) -> str:
        sid = await add_session(store, WS, "U_STAFF", plain(2), now=T0)
        async with store.unit_of_work() as uow:
            req = await uow.coach_requests.add(WS, sid, requested_by="U_STAFF", now=T0)
            assert req is not None
            req.note = "a note"
            await uow.coaches.add(WS, "U_C", added_by="U_ADMIN", now=T0)
            await uow.session_flags.put_settings(WS, FlagSettingsRow(True, 3.0, 15), now=T0)
        return sid

    sid = run(migrated_url, seed)
    engine = create_engine(sync_url(migrated_url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0005")
            conn.commit()
            names = set(inspect(conn).get_table_names())
            req_cols = {c["name"] for c in inspect(conn).get_columns("coach_requests")}
            ws_cols = {c["name"] for c in inspect(conn).get_columns("workspace_settings")}
            kept = conn.execute(text("SELECT session_id FROM coach_requests")).scalars().all()
    finally:
        engine.dispose()
    assert not {"coaches", "session_flags", "coach_reads", "coach_feedback"} & names
    assert not {"note", "reviewed_at", "reviewed_by"} & req_cols and "status" in req_cols
    assert not {"auto_flag", "flag_findings_per_10", "coaches_seeded"} & ws_cols
    assert kept == [sid]  # the request itself survived the downgrade
    assert upgrade_to_head(migrated_url) == head_revision()  # up again, through the later ones

    async def after(store: Store) -> None:
        async with store.unit_of_work() as uow:
            # the settings row came back with the column defaults: flagging off
            assert await uow.session_flags.settings(WS) == FlagSettingsRow(False, 3.0, 15)
            req = await uow.coach_requests.open_for_session(WS, sid)
            assert req is not None and req.note is None and req.reviewed_at is None

    run(migrated_url, after)
