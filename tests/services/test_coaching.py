"""The coach use cases (bot.services.coaching, issue 11) on SQLite and PostgreSQL.

The authorization rules at service level (staff see their own sessions only; a
coach sees only sent or flagged sessions of their own workspace; another
workspace's session is not found; only admins and coaches manage coaches; the
first coach comes from EC_COACH_USER_IDS), the read record of every transcript
read, the queue, automatic flagging (off by default, each flag with its why),
feedback with one reply, reviews, and disagreements feeding the labelled cases
(with the ``empathy-coach review-cases export`` command).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from coach_kit import T, add_session, plain
from typer.testing import CliRunner

from bot.config import Settings
from bot.services.coaching import Coaching
from bot.services.coaching_access import FLAG_SETTINGS_TTL_S
from bot.services.coaching_results import (
    AlreadyReplied,
    BadInput,
    ItemNotFound,
    NotAllowed,
    NothingToSend,
    NotSentToCoaches,
)
from bot.services.session_results import NotYourSession, SessionNotFound
from bot.services.sessions import ModelServiceFactory, PracticeSessions
from bot.store import Store, upgrade_to_head

R = TypeVar("R")
WS_A, WS_B = "T_A", "T_B"
STAFF, OTHER_STAFF, COACH, COACH_B, ADMIN = "U_STAFF", "U_PEER", "U_COACH", "U_COACHB", "U_ADMIN"
SETTINGS = Settings(_env_file=None, openai_api_key=None, seed=0)  # type: ignore[call-arg]


class Clock:
    """A clock that moves one minute each time it is read."""

    def __init__(self) -> None:
        self.now = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def run(
    url: str,
    body: Callable[[Store, Coaching], Awaitable[R]],
    *,
    seeds: tuple[str, ...] = (COACH,),
) -> R:
    """Run ``body`` on a migrated store with a Coaching seeded with ``seeds``."""
    upgrade_to_head(url)

    async def main() -> R:
        store = Store.from_url(url)
        try:
            return await body(store, Coaching(store, clock=Clock(), seed_coaches=seeds))
        finally:
            await store.dispose()

    return asyncio.run(main())


# ---------------------------------------------------------------- roles


def test_first_coach_comes_from_ec_coach_user_ids_and_only_admins_or_coaches_add(
    db_url: str,
) -> None:
    async def body(store: Store, coaching: Coaching) -> None:
        assert await coaching.is_coach(WS_A, COACH)  # seeded on first look
        assert not await coaching.is_coach(WS_A, STAFF)
        assert [c.user_id for c in await coaching.coaches(WS_A)] == [COACH]
        with pytest.raises(NotAllowed):
            await coaching.add_coach(WS_A, STAFF, OTHER_STAFF, actor_is_admin=False)
        with pytest.raises(NotAllowed):
            await coaching.remove_coach(WS_A, STAFF, COACH, actor_is_admin=False)
        with pytest.raises(NotAllowed):
            await coaching.set_flagging(WS_A, STAFF, enabled=True, actor_is_admin=False)
        assert await coaching.coaches(WS_A) != []  # nothing changed
        added = await coaching.add_coach(WS_A, ADMIN, "U_NEW", actor_is_admin=True)
        assert added.changed and added.user_id == "U_NEW"
        assert not (await coaching.add_coach(WS_A, COACH, "U_NEW", actor_is_admin=False)).changed
        by_coach = await coaching.add_coach(WS_A, COACH, "U_THIRD", actor_is_admin=False)
        assert by_coach.changed
        coaches = {c.user_id: c.added_by for c in await coaching.coaches(WS_A)}
        assert coaches == {COACH: "EC_COACH_USER_IDS", "U_NEW": ADMIN, "U_THIRD": COACH}
        assert (await coaching.remove_coach(WS_A, "U_NEW", COACH, actor_is_admin=False)).changed
        assert not await coaching.is_coach(WS_A, COACH)
        # a new Coaching (a restart) does not seed again: the workspace had its seeds
        again = Coaching(store, seed_coaches=(COACH,))
        assert not await again.is_coach(WS_A, COACH)

    run(db_url, body)


def test_without_seeds_a_workspace_has_no_coach_and_a_coach_of_a_cannot_manage_b(
    db_url: str,
) -> None:
    async def body(store: Store, coaching: Coaching) -> None:
        assert await coaching.coaches(WS_A) == []
        await coaching.add_coach(WS_A, ADMIN, COACH, actor_is_admin=True)
        with pytest.raises(NotAllowed):
            await coaching.add_coach(WS_B, COACH, "U_X", actor_is_admin=False)
        assert await coaching.coaches(WS_B) == []

    run(db_url, body, seeds=())


# ---------------------------------------------------------------- who sees what


def test_coaches_see_only_sent_or_flagged_sessions_of_their_workspace(db_url: str) -> None:
    async def body(store: Store, coaching: Coaching) -> None:
        sent = await add_session(store, WS_A, STAFF, plain(3))
        private = await add_session(store, WS_A, STAFF, plain(3))
        in_b = await add_session(store, WS_B, "U_B_STAFF", plain(3))
        await coaching.add_coach(WS_A, ADMIN, COACH, actor_is_admin=True)
        await coaching.add_coach(WS_B, ADMIN, COACH_B, actor_is_admin=True)
        await coaching.send_to_coaches(WS_A, STAFF, sent, None)
        await coaching.send_to_coaches(WS_B, "U_B_STAFF", in_b, None)

        # staff see only their own sessions
        with pytest.raises(NotYourSession):
            await coaching.send_to_coaches(WS_A, OTHER_STAFF, private, None)
        with pytest.raises(NotYourSession):
            await coaching.reads(WS_A, OTHER_STAFF, sent)
        with pytest.raises(NotAllowed):  # a staff member is not a coach
            await coaching.transcript(WS_A, STAFF, sent)
        with pytest.raises(NotAllowed):
            await coaching.queue(WS_A, STAFF)

        # the coach of A: the sent session yes, the private one no, B's is not found
        assert (await coaching.transcript(WS_A, COACH, sent)).session_id == sent
        with pytest.raises(NotSentToCoaches):
            await coaching.transcript(WS_A, COACH, private)
        with pytest.raises(SessionNotFound):
            await coaching.transcript(WS_A, COACH, in_b)
        with pytest.raises(NotAllowed):  # and in B they are nobody
            await coaching.transcript(WS_B, COACH, in_b)
        with pytest.raises(SessionNotFound):
            await coaching.add_feedback(WS_A, COACH, in_b, "Hello")
        with pytest.raises(SessionNotFound):
            await coaching.mark_reviewed(WS_A, COACH, in_b)
        queue_a = await coaching.queue(WS_A, COACH, unreviewed_only=False)
        assert [i.session_id for i in queue_a.items] == [sent]
        queue_b = await coaching.queue(WS_B, COACH_B, unreviewed_only=False)
        assert [i.session_id for i in queue_b.items] == [in_b]
        # the reads of the refused attempts were not recorded
        assert await coaching.reads(WS_B, "U_B_STAFF", in_b) == []

    run(db_url, body, seeds=())


def test_every_transcript_read_is_recorded_and_the_owner_sees_the_record(db_url: str) -> None:
    async def body(store: Store, coaching: Coaching) -> None:
        sid = await add_session(store, WS_A, STAFF, plain(20))
        await coaching.add_coach(WS_A, ADMIN, "U_C2", actor_is_admin=True)
        await coaching.send_to_coaches(WS_A, STAFF, sid, None)
        assert await coaching.reads(WS_A, STAFF, sid) == []
        await coaching.transcript(WS_A, COACH, sid)
        await coaching.transcript(WS_A, COACH, sid, page=1)  # every page is a read
        await coaching.transcript(WS_A, "U_C2", sid, page=2)
        reads = await coaching.reads(WS_A, STAFF, sid)
        assert [r.coach_user_id for r in reads] == ["U_C2", COACH, COACH]  # newest first
        assert reads[0].read_at > reads[1].read_at > reads[2].read_at

    run(db_url, body)


def test_a_long_transcript_is_paged_never_cut_with_findings_layers_and_trust(
    db_url: str,
) -> None:
    async def body(store: Store, coaching: Coaching) -> None:
        specs = plain(20)
        specs[2] = T(staff="Have you tried an earlier bedtime?", kinds=("advice",), trust_after=0.5)
        specs[3] = T(staff="What happens after the bus?", disclosed=["home-after-the-bus"])
        specs[19] = T(staff="What else?", trust_after=3.0, insight=True)
        sid = await add_session(store, WS_A, STAFF, specs)
        await coaching.send_to_coaches(WS_A, STAFF, sid, "Turn 3 felt off.")
        pages = [await coaching.transcript(WS_A, COACH, sid, page=p) for p in range(3)]
        assert [p.pages for p in pages] == [3, 3, 3]
        assert [[t.index for t in p.turns] for p in pages] == [
            list(range(1, 9)),
            list(range(9, 17)),
            list(range(17, 21)),
        ]
        first = pages[0]
        assert first.total_turns == 20 and first.staff_note == "Turn 3 felt off."
        advice = first.turns[2]
        assert [(f.kind, f.evidence, f.span) for f in advice.findings] == [
            ("advice", "Have", (0, 4))
        ]
        assert advice.trust_fell and advice.trust_before == 2.0 and advice.trust_after == 0.5
        assert not first.turns[1].trust_fell
        assert first.turns[3].layer_earned == "home-after-the-bus"
        assert pages[2].turns[-1].layer_earned == "insight"
        assert [t.layer_earned for t in first.turns].count(None) == 7
        # a page past the end shows the last page rather than nothing
        assert [t.index for t in (await coaching.transcript(WS_A, COACH, sid, page=9)).turns] == [
            17,
            18,
            19,
            20,
        ]

    run(db_url, body)


# ---------------------------------------------------------------- the queue


def test_queue_shows_exactly_the_flagged_and_sent_sessions_newest_first_and_pages(
    db_url: str,
) -> None:
    async def body(store: Store, coaching: Coaching) -> None:
        await coaching.set_flagging(WS_A, COACH, enabled=True, actor_is_admin=False)
        quiet = await add_session(store, WS_A, STAFF, plain(6))
        flagged = await add_session(store, WS_A, STAFF, [T(kinds=("advice",))] * 6)
        sent = [await add_session(store, WS_A, STAFF, plain(2)) for _ in range(3)]
        await coaching.send_to_coaches(WS_A, STAFF, sent[0], None)
        assert await coaching.evaluate_flags(WS_A, quiet) == []
        assert [f.code for f in await coaching.evaluate_flags(WS_A, flagged)] == ["findings_per_10"]
        await coaching.send_to_coaches(WS_A, STAFF, sent[1], "Please look")
        await coaching.send_to_coaches(WS_A, STAFF, sent[2], None)
        page = await coaching.queue(WS_A, COACH)
        assert [i.session_id for i in page.items] == [sent[2], sent[1], flagged, sent[0]]
        assert page.total == 4 and not page.has_more
        item = {i.session_id: i for i in page.items}
        assert item[sent[1]].staff_note == "Please look" and item[sent[1]].sent_at is not None
        assert item[flagged].sent_at is None and item[flagged].flags[0].code == "findings_per_10"
        assert item[flagged].turns == 6 and item[flagged].staff_user_id == STAFF
        first = await coaching.queue(WS_A, COACH, limit=3)
        second = await coaching.queue(WS_A, COACH, offset=3, limit=3)
        assert first.has_more and [i.session_id for i in second.items] == [sent[0]]
        await coaching.mark_reviewed(WS_A, COACH, sent[1])
        await coaching.mark_reviewed(WS_A, COACH, flagged)
        unreviewed = await coaching.queue(WS_A, COACH)
        assert [i.session_id for i in unreviewed.items] == [sent[2], sent[0]]
        everything = await coaching.queue(WS_A, COACH, unreviewed_only=False)
        assert [i.session_id for i in everything.items] == [sent[2], sent[1], flagged, sent[0]]
        assert everything.items[1].reviewed_at is not None
        # sending again after the review with nothing new tells nobody and changes nothing
        empty = await coaching.send_to_coaches(WS_A, STAFF, sent[1], None)
        assert empty.nothing_new and not empty.created and empty.coach_ids == ()
        assert [i.session_id for i in (await coaching.queue(WS_A, COACH)).items] == [
            sent[2],
            sent[0],
        ]
        # with a note it goes back in the queue, at the top
        again = await coaching.send_to_coaches(WS_A, STAFF, sent[1], "One more question")
        assert again.created and not again.nothing_new
        assert (await coaching.queue(WS_A, COACH)).items[0].session_id == sent[1]
        repeat = await coaching.send_to_coaches(WS_A, STAFF, sent[1], None)
        assert not repeat.created

    run(db_url, body)


# ---------------------------------------------------------------- flagging


def test_flagging_is_off_by_default_and_each_flag_records_why(db_url: str) -> None:
    async def body(store: Store, coaching: Coaching) -> None:
        heavy = await add_session(store, WS_A, STAFF, [T(kinds=("advice", "judgment"))] * 16)
        assert (await coaching.flag_settings(WS_A)).enabled is False
        assert await coaching.evaluate_flags(WS_A, heavy) == []
        assert (await coaching.queue(WS_A, COACH)).total == 0
        settings = await coaching.set_flagging(WS_A, ADMIN, enabled=True, actor_is_admin=True)
        assert (settings.findings_per_10, settings.turns_without_insight) == (3.0, 15)
        flags = await coaching.evaluate_flags(WS_A, heavy)
        assert {f.code: f.figures for f in flags} == {
            "findings_per_10": {"findings": 32, "turns": 16, "rate": 20.0, "threshold": 3.0},
            "no_insight": {"turns": 16, "threshold": 15},
        }
        why = {f.code: f.reason for f in flags}
        assert "32" in why["findings_per_10"] and "20.0 per 10 turns" in why["findings_per_10"]
        assert why["no_insight"] == "16 turns without reaching the hidden insight."
        assert await coaching.evaluate_flags(WS_A, heavy) == []  # once per reason
        (item,) = (await coaching.queue(WS_A, COACH)).items
        assert {f.code for f in item.flags} == {"findings_per_10", "no_insight"}

    run(db_url, body)


def test_flagging_off_is_trusted_for_the_ttl_and_another_process_switch_on_arrives_after_it(
    db_url: str,
) -> None:
    """The per-turn check skips its transaction while "off" is fresh (30 s, documented)."""

    async def body(store: Store, other: Coaching) -> None:
        heavy = await add_session(store, WS_A, STAFF, [T(kinds=("advice", "judgment"))] * 16)
        ticks = [1000.0]
        here = Coaching(store, clock=Clock(), seed_coaches=(COACH,), monotonic=lambda: ticks[0])
        assert await here.evaluate_flags(WS_A, heavy) == []  # reads "off", remembers it
        # another process (its own Coaching) switches flagging on
        await other.set_flagging(WS_A, COACH, enabled=True, actor_is_admin=False)
        ticks[0] += FLAG_SETTINGS_TTL_S - 1
        assert await here.evaluate_flags(WS_A, heavy) == []  # still within the delay
        ticks[0] += 2
        codes = {f.code for f in await here.evaluate_flags(WS_A, heavy)}
        assert codes == {"findings_per_10", "no_insight"}
        # switching off elsewhere is seen at once: "on" is never trusted from the cache
        fresh = await add_session(store, WS_A, STAFF, [T(kinds=("advice", "judgment"))] * 16)
        await other.set_flagging(WS_A, COACH, enabled=False, actor_is_admin=False)
        assert await here.evaluate_flags(WS_A, fresh) == []
        await here.set_flagging(WS_A, COACH, enabled=True, actor_is_admin=False)
        assert await here.evaluate_flags(WS_A, fresh) != []  # its own switch-on at once

    run(db_url, body)


def test_flag_thresholds_are_settings_and_the_rate_waits_for_five_turns(db_url: str) -> None:
    async def body(store: Store, coaching: Coaching) -> None:
        await coaching.set_flagging(
            WS_A, COACH, enabled=True, findings_per_10=5.0, turns_without_insight=8,
            actor_is_admin=False,
        )  # fmt: skip
        four = await add_session(store, WS_A, STAFF, [T(kinds=("advice",))] * 4)
        assert await coaching.evaluate_flags(WS_A, four) == []  # 4 turns: too few to judge
        half = [T(kinds=("advice",)), *plain(1)] * 5  # 5 findings in 10 turns: 5.0, not over
        at_rate = await add_session(store, WS_A, STAFF, half)
        assert [f.code for f in await coaching.evaluate_flags(WS_A, at_rate)] == ["no_insight"]
        over = await add_session(store, WS_A, STAFF, [*half[:-1], T(kinds=("advice",))])
        codes = [f.code for f in await coaching.evaluate_flags(WS_A, over)]
        assert codes == ["findings_per_10", "no_insight"]
        insight = await add_session(store, WS_A, STAFF, [*plain(9), T(insight=True)])
        assert await coaching.evaluate_flags(WS_A, insight) == []
        kept = await coaching.set_flagging(WS_A, COACH, enabled=False, actor_is_admin=False)
        assert (kept.enabled, kept.findings_per_10, kept.turns_without_insight) == (False, 5.0, 8)
        with pytest.raises(BadInput):
            await coaching.set_flagging(
                WS_A, COACH, enabled=True, findings_per_10=0, actor_is_admin=False
            )
        with pytest.raises(BadInput):
            await coaching.set_flagging(
                WS_A, COACH, enabled=True, turns_without_insight=1000, actor_is_admin=False
            )

    run(db_url, body)


# ---------------------------------------------------------------- feedback and review


def test_feedback_drafts_send_and_one_reply(db_url: str) -> None:
    async def body(store: Store, coaching: Coaching) -> None:
        sid = await add_session(store, WS_A, STAFF, plain(3))
        await coaching.send_to_coaches(WS_A, STAFF, sid, None)
        with pytest.raises(NothingToSend):
            await coaching.send_feedback(WS_A, COACH, sid)
        with pytest.raises(BadInput):
            await coaching.add_feedback(WS_A, COACH, sid, "Turn 4?", turn_index=4)
        with pytest.raises(BadInput):
            await coaching.add_feedback(WS_A, COACH, sid, "   ")
        with pytest.raises(BadInput):
            await coaching.add_feedback(WS_A, COACH, sid, "x" * 2001)
        on_turn = await coaching.add_feedback(
            WS_A, COACH, sid, "Lovely open question. Call me at 555-123-4567.", turn_index=2
        )
        assert on_turn.sent_at is None and "555-123-4567" not in on_turn.text
        await coaching.add_feedback(WS_A, COACH, sid, "Overall: kind and curious.")
        assert await coaching.feedback_for_staff(WS_A, STAFF, sid) == []  # drafts stay private
        sent = await coaching.send_feedback(WS_A, COACH, sid)
        assert sent.staff_user_id == STAFF
        assert [(f.turn_index, f.sent_at is not None) for f in sent.items] == [
            (2, True),
            (None, True),
        ]
        with pytest.raises(NothingToSend):
            await coaching.send_feedback(WS_A, COACH, sid)
        got = await coaching.feedback_for_staff(WS_A, STAFF, sid)
        assert [f.id for f in got] == [f.id for f in sent.items]
        with pytest.raises(NotYourSession):
            await coaching.reply_to_feedback(WS_A, OTHER_STAFF, on_turn.id, "Sneaky")
        with pytest.raises(ItemNotFound):
            await coaching.reply_to_feedback(WS_B, STAFF, on_turn.id, "Other workspace")
        replied = await coaching.reply_to_feedback(WS_A, STAFF, on_turn.id, "Thank you!")
        assert replied.reply == "Thank you!" and replied.coach_user_id == COACH
        with pytest.raises(AlreadyReplied):
            await coaching.reply_to_feedback(WS_A, STAFF, on_turn.id, "And again")
        transcript = await coaching.transcript(WS_A, COACH, sid)
        assert [f.reply for f in transcript.feedback] == ["Thank you!", None]

    run(db_url, body)


def test_mark_reviewed_needs_a_coach_and_clears_the_unreviewed_queue(db_url: str) -> None:
    async def body(store: Store, coaching: Coaching) -> None:
        sid = await add_session(store, WS_A, STAFF, plain(2))
        await coaching.send_to_coaches(WS_A, STAFF, sid, None)
        with pytest.raises(NotAllowed):
            await coaching.mark_reviewed(WS_A, STAFF, sid)
        assert (await coaching.queue(WS_A, COACH)).total == 1
        await coaching.mark_reviewed(WS_A, COACH, sid)
        assert (await coaching.queue(WS_A, COACH)).total == 0
        transcript = await coaching.transcript(WS_A, COACH, sid)
        assert transcript.reviewed_at is not None

    run(db_url, body)


def test_send_to_coaches_scrubs_and_limits_the_note(db_url: str) -> None:
    async def body(store: Store, coaching: Coaching) -> None:
        sid = await add_session(store, WS_A, STAFF, plain(2))
        with pytest.raises(BadInput):
            await coaching.send_to_coaches(WS_A, STAFF, sid, "x" * 501)
        with pytest.raises(SessionNotFound):
            await coaching.send_to_coaches(WS_B, STAFF, sid, None)
        sent = await coaching.send_to_coaches(WS_A, STAFF, sid, "Her number is 555-123-4567.")
        assert sent.created and sent.coach_ids == (COACH,)
        assert sent.note is not None and "555-123-4567" not in sent.note
        assert sent.turns == 2 and sent.staff_user_id == STAFF

    run(db_url, body)


# ---------------------------------------------------------------- disagreements


def test_resolving_a_disagreement_feeds_the_labelled_cases_and_the_export(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def body(store: Store, coaching: Coaching) -> list[dict[str, object]]:
        specs = [
            T(staff="Have you tried an earlier bedtime?", kinds=("advice", "closed")),
            T(staff="Surely you want her in school?", kinds=("leading",)),
            *plain(1),
        ]
        sid = await add_session(store, WS_A, STAFF, specs)
        records = PracticeSessions(
            store, service_factory=ModelServiceFactory(SETTINGS, backend="scripted")
        )
        wrong = await records.dispute_note(WS_A, STAFF, sid, 1, kinds=["advice"])
        stands = await records.dispute_note(WS_A, STAFF, sid, 2)
        with pytest.raises(NotSentToCoaches):  # not sent or flagged yet
            await coaching.resolve_dispute(WS_A, COACH, wrong.id, "note_wrong")
        await coaching.send_to_coaches(WS_A, STAFF, sid, None)
        with pytest.raises(NotAllowed):
            await coaching.resolve_dispute(WS_A, STAFF, wrong.id, "note_wrong")
        with pytest.raises(ItemNotFound):
            await coaching.resolve_dispute(WS_B, COACH, wrong.id, "note_wrong")
        assert (await coaching.queue(WS_A, COACH)).items[0].disputes_open == 2
        decided = await coaching.resolve_dispute(WS_A, COACH, wrong.id, "note_wrong")
        assert (decided.status, decided.resolved_by) == ("note_wrong", COACH)
        assert await coaching.labelled_cases(WS_A) == [
            {
                "text": "Have you tried an earlier bedtime?",
                "kinds": ["closed"],
                "disputed_kinds": ["advice"],
                "verdict": "note_wrong",
                "note": "coach: the note was wrong (advice)",
                "resolved_at": decided.resolved_at.isoformat() if decided.resolved_at else None,
            }
        ]
        await coaching.resolve_dispute(WS_A, COACH, stands.id, "note_stands")
        transcript = await coaching.transcript(WS_A, COACH, sid)
        assert [d.status for d in transcript.disputes] == ["note_wrong", "note_stands"]
        assert (await coaching.queue(WS_A, COACH)).items[0].disputes_open == 0
        assert await coaching.labelled_cases(WS_B) == []
        await records.aclose()
        return await coaching.labelled_cases(None)

    cases = run(db_url, body)
    assert [(c["text"], c["kinds"]) for c in cases] == [
        ("Have you tried an earlier bedtime?", ["closed"]),
        ("Surely you want her in school?", ["leading"]),
    ]
    from bot.cli import app
    from bot.config import get_settings

    monkeypatch.setenv("EC_DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        out = tmp_path / "cases.jsonl"
        result = CliRunner().invoke(app, ["review-cases", "export", "--output", str(out)])
        assert result.exit_code == 0, result.output
        assert "2 labelled case" in result.output
        lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
        assert lines == cases
        only_b = CliRunner().invoke(app, ["review-cases", "export", "--workspace", WS_B])
        assert only_b.exit_code == 0 and only_b.stdout.strip() == ""
    finally:
        get_settings.cache_clear()
