""" "Was this note wrong?" twice on one note, at service level on SQLite and PostgreSQL: the
store keeps every disagreement (the new-user tester's finding 2), a coach sees them all,
and a second one after a coach's decision reopens it with the decision kept."""

from __future__ import annotations

from coach_kit import T, add_session, plain
from test_coaching import COACH, SETTINGS, STAFF, WS_A, run

from bot.services.coaching import Coaching
from bot.services.sessions import ModelServiceFactory, PracticeSessions
from bot.store import Store


def test_every_disagreement_with_a_note_is_kept_in_order(db_url: str) -> None:
    async def body(store: Store, coaching: Coaching) -> None:
        sid = await add_session(
            store, WS_A, STAFF, [T(staff="Have you tried an earlier bedtime?", kinds=("advice",))]
        )
        await add_session(store, WS_A, STAFF, plain(1))
        records = PracticeSessions(
            store, service_factory=ModelServiceFactory(SETTINGS, backend="scripted")
        )
        first = await records.dispute_note(WS_A, STAFF, sid, 1, comment="She asked for ideas.")
        assert first.earlier == 0
        await coaching.send_to_coaches(WS_A, STAFF, sid, None)
        await coaching.resolve_dispute(WS_A, COACH, first.id, "note_stands")
        second = await records.dispute_note(WS_A, STAFF, sid, 1, comment="Her own words.")
        third = await records.dispute_note(WS_A, STAFF, sid, 1)
        assert (second.earlier, third.earlier) == (1, 2)
        assert first.id == second.id == third.id  # one disagreement per note, decided once
        assert third.status == "open"  # the new word reopens it for a coach

        [seen] = (await coaching.transcript(WS_A, COACH, sid)).disputes
        assert (seen.comment, seen.status, seen.resolved_by) == (None, "open", None)
        assert [(e.comment, e.verdict) for e in seen.history] == [
            ("She asked for ideas.", "note_stands"),
            ("Her own words.", "open"),
        ]
        assert seen.history[0].at < seen.history[1].at < seen.created_at
        assert all(e.kinds == ("advice",) for e in seen.history)

    run(db_url, body)
