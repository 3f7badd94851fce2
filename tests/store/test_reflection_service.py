"""After real interviews: logging, the prompt rows, edits, deletes, reflections, gatherings.

Runs on SQLite and PostgreSQL (``tests/store/conftest.py``). Time is a fake
clock; nothing sleeps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from dispatch_kit import FakeClock, RecordingDeliverer
from sqlalchemy import text

from bot.core.reflection import Reflection, ReflectionSettings, Weekday
from bot.services.dispatcher import Dispatcher
from bot.services.reflection import (
    InterviewInfo,
    InterviewNotFound,
    InvalidInput,
    NotYourInterview,
    ReflectionService,
    ReminderInfo,
)
from bot.store import Store

T = TypeVar("T")
LA = "America/Los_Angeles"
NY = "America/New_York"
TEAM = "C0TEAM"


def la(*args: int) -> datetime:
    """An aware datetime on the Los Angeles wall clock."""
    return datetime(*args, tzinfo=ZoneInfo(LA))


def local(dt: datetime, tz: str = LA) -> str:
    """``dt`` on the wall clock of ``tz`` as ``"Mon 03-09 08:00"``."""
    return dt.astimezone(ZoneInfo(tz)).strftime("%a %m-%d %H:%M")


def by_kind(info: InterviewInfo) -> dict[str, ReminderInfo]:
    return {r.kind: r for r in info.reminders}


def run(url: str, clock: FakeClock, body: Callable[[ReflectionService], Awaitable[T]]) -> T:
    """Run ``body`` with a service on a fresh store, then dispose of it."""

    async def main() -> T:
        store = Store.from_url(url)
        try:
            return await body(ReflectionService(store, clock=clock))
        finally:
            await store.dispose()

    return asyncio.run(main())


async def log(svc: ReflectionService, user: str = "U1", **kw: Any) -> InterviewInfo:
    args: dict[str, Any] = {
        "happened_at": la(2026, 3, 6, 15, 45),
        "pseudonym": "M.L.",
        "grade_band": "3-5",
        "mode": "phone",
        "team_channel": TEAM,
        "notes": "",
        "interviewer_tz": LA,
    }
    args.update(kw)
    return await svc.log_interview("T1", user, **args)


# ---------------------------------------------------------------------- logging


def test_log_interview_schedules_four_prompts_across_weekend_and_dst(migrated_url: str) -> None:
    # Friday 6 March 2026 15:45 in Los Angeles is 23:45 UTC: an hour later it is Saturday
    # in UTC but 16:45 on Friday in LA, after hours, so the exact-words prompt moves to
    # Monday 08:00. US daylight saving starts on Sunday 8 March, so Monday is UTC-7.
    clock = FakeClock(la(2026, 3, 6, 16, 0).astimezone(UTC))

    info = run(migrated_url, clock, lambda s: log(s))

    prompts = by_kind(info)
    assert {k: local(r.due_at) for k, r in prompts.items()} == {
        "exact_words": "Mon 03-09 08:00",
        "reflection": "Tue 03-10 08:30",
        "team_gathering": "Tue 03-10 13:30",  # meeting Tue 15:30 minus 2 hours
        "second_round": "Fri 03-20 15:45",  # wall clock kept across the DST change
    }
    assert prompts["exact_words"].due_at == datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
    assert all(r.status == "pending" for r in info.reminders)
    assert prompts["team_gathering"].dedupe_key == f"team_gathering:{TEAM}:2026-W11"
    assert prompts["team_gathering"].channel_id == TEAM
    assert prompts["exact_words"].dedupe_key == f"interview:{info.id}:exact_words"
    assert info.gathering_key == f"team_gathering:{TEAM}:2026-W11"
    assert info.interviewer_tz == LA


def test_without_a_team_channel_three_prompts(migrated_url: str) -> None:
    clock = FakeClock(la(2026, 3, 6, 16, 0).astimezone(UTC))
    info = run(migrated_url, clock, lambda s: log(s, team_channel=None))
    assert sorted(by_kind(info)) == ["exact_words", "reflection", "second_round"]
    assert info.gathering_key is None


def test_two_interviews_in_a_week_share_one_team_post(migrated_url: str) -> None:
    clock = FakeClock(la(2026, 3, 9, 16, 0).astimezone(UTC))  # Monday

    async def body(svc: ReflectionService) -> tuple[InterviewInfo, InterviewInfo, Any]:
        a = await log(svc, "U1", happened_at=la(2026, 3, 6, 10, 0), pseudonym="A.B.")
        b = await log(svc, "U2", happened_at=la(2026, 3, 9, 9, 0), pseudonym="C.D.")
        gathering = await svc.gathering_for("T1", TEAM, "2026-W11")
        async with svc.store.unit_of_work() as uow:
            posts = await uow.reminders.in_workspace("T1")
        return a, b, (gathering, [p for p in posts if p.kind == "team_gathering"])

    a, b, (gathering, posts) = run(migrated_url, clock, body)
    assert a.gathering_key == b.gathering_key == f"team_gathering:{TEAM}:2026-W11"
    assert len(posts) == 1
    assert [i.interview.caregiver_pseudonym for i in gathering.interviews] == ["A.B.", "C.D."]


def test_user_time_zone_is_remembered_and_used(migrated_url: str) -> None:
    clock = FakeClock(datetime(2026, 3, 6, 15, 30, tzinfo=UTC))  # 10:30 in New York

    async def body(svc: ReflectionService) -> InterviewInfo:
        await svc.set_user_tz("T1", "U9", NY)
        return await log(
            svc, "U9", interviewer_tz=None, happened_at=datetime(2026, 3, 6, 15, 0, tzinfo=UTC)
        )

    info = run(migrated_url, clock, body)
    assert info.interviewer_tz == NY
    # 10:00 in New York + 1 hour = 11:00 on Friday
    assert local(by_kind(info)["exact_words"].due_at, NY) == "Fri 03-06 11:00"


def test_interview_logged_at_the_weekend_gets_prompts_on_monday(migrated_url: str) -> None:
    # Logged on Saturday for Wednesday: exact words and reflection are overdue; nothing
    # goes out at the weekend: exact words on Monday 08:00, the reflection after them, on
    # the next working day (their natural order, not both at once).
    clock = FakeClock(la(2026, 3, 14, 11, 0).astimezone(UTC))
    info = run(migrated_url, clock, lambda s: log(s, happened_at=la(2026, 3, 11, 10, 0)))
    prompts = by_kind(info)
    assert local(prompts["exact_words"].due_at) == "Mon 03-16 08:00"
    assert local(prompts["reflection"].due_at) == "Tue 03-17 08:00"
    assert local(prompts["team_gathering"].due_at) == "Tue 03-17 13:30"
    assert info.gathering_key == f"team_gathering:{TEAM}:2026-W12"
    assert local(prompts["second_round"].due_at) == "Wed 03-25 10:00"


def test_interview_logged_after_its_weeks_post_joins_the_next_week(migrated_url: str) -> None:
    # Monday's interview would be in Tuesday 13:30's post; logged at 14:00 on Tuesday,
    # that post time has passed, so it joins next week's.
    clock = FakeClock(la(2026, 3, 10, 14, 0).astimezone(UTC))
    info = run(migrated_url, clock, lambda s: log(s, happened_at=la(2026, 3, 9, 9, 0)))
    prompts = by_kind(info)
    assert prompts["exact_words"].due_at == clock.now  # overdue, inside working hours: now
    assert info.gathering_key == f"team_gathering:{TEAM}:2026-W12"
    assert local(prompts["team_gathering"].due_at) == "Tue 03-17 13:30"


def test_workspace_settings_change_the_meeting(migrated_url: str) -> None:
    clock = FakeClock(la(2026, 3, 6, 16, 0).astimezone(UTC))

    async def body(svc: ReflectionService) -> InterviewInfo:
        schedule = ReflectionSettings(team_meeting_weekday=Weekday.THURSDAY)
        await svc.set_workspace_settings("T1", schedule=schedule, team_tz=NY)
        stored = await svc.get_workspace_settings("T1")
        assert stored.schedule.team_meeting_weekday == Weekday.THURSDAY
        assert stored.team_tz == NY
        return await log(svc)

    info = run(migrated_url, clock, body)
    post = by_kind(info)["team_gathering"]
    assert local(post.due_at, NY) == "Thu 03-12 13:30"
    assert post.tz == NY


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("happened_at", la(2026, 3, 7, 9, 0), "future"),
        ("happened_at", datetime(2026, 3, 6, 9, 0), "time zone"),
        ("pseudonym", "  ", "pseudonym"),
        ("pseudonym", "x" * 41, "40 characters"),
        ("pseudonym", "509-555-0142", "contact details"),
        ("grade_band", "fifth", "grade band"),
        ("mode", "video", "phone or in person"),
        ("interviewer_tz", "Mars/Olympus", "unknown time zone"),
        ("notes", "x" * 3001, "3,000"),
        ("team_channel", "C0 TEAM", "channel"),
    ],
)
def test_invalid_input_is_refused(migrated_url: str, field: str, value: Any, message: str) -> None:
    clock = FakeClock(la(2026, 3, 6, 16, 0).astimezone(UTC))
    with pytest.raises(InvalidInput, match=message):
        run(migrated_url, clock, lambda s: log(s, **{field: value}))


# ---------------------------------------------------------------------- owners and tenants


def test_other_users_and_workspaces_cannot_touch_an_interview(migrated_url: str) -> None:
    clock = FakeClock(la(2026, 3, 6, 16, 0).astimezone(UTC))

    async def body(svc: ReflectionService) -> None:
        info = await log(svc)
        with pytest.raises(NotYourInterview):
            await svc.delete_interview("T1", "U2", info.id)
        with pytest.raises(NotYourInterview):
            await svc.save_reflection("T1", "U2", info.id, Reflection(surprised="x"))
        with pytest.raises(NotYourInterview):
            await svc.edit_interview_time("T1", "U2", info.id, happened_at=la(2026, 3, 6, 9))
        with pytest.raises(InterviewNotFound):
            await svc.get_interview("T2", "U1", info.id)
        with pytest.raises(InterviewNotFound):
            await svc.save_exact_words("T2", "U1", info.id, "words")
        assert (await svc.gathering_for("T2", TEAM, "2026-W11")).interviews == []
        # nothing changed
        assert all(
            r.status == "pending" for r in (await svc.get_interview("T1", "U1", info.id)).reminders
        )

    run(migrated_url, clock, body)


# ---------------------------------------------------------------------- edit and delete


def test_edit_moves_pending_prompts_and_keeps_sent_ones(migrated_url: str) -> None:
    clock = FakeClock(la(2026, 3, 6, 17, 0).astimezone(UTC))  # Friday, after hours

    async def body(svc: ReflectionService) -> tuple[InterviewInfo, InterviewInfo]:
        info = await log(svc, happened_at=la(2026, 3, 6, 10, 0))  # exact words due 11:00 Fri
        dispatcher = Dispatcher(svc.store, RecordingDeliverer(clock), clock=clock)
        assert await dispatcher.run_once() == 0  # overdue at logging: moved to Monday 08:00
        clock.now = la(2026, 3, 9, 8, 0).astimezone(UTC)
        assert await dispatcher.run_once() == 1  # exact words sent Monday
        # the interviewer corrects the time: it was Monday 07:30, not last Friday
        moved = await svc.edit_interview_time(
            "T1", "U1", info.id, happened_at=la(2026, 3, 9, 7, 30)
        )
        return info, moved

    before, after = run(migrated_url, clock, body)
    old, new = by_kind(before), by_kind(after)
    assert new["exact_words"].status == "sent"
    assert new["exact_words"].due_at == old["exact_words"].due_at  # not moved, not re-created
    assert local(new["reflection"].due_at) == "Tue 03-10 08:30"
    assert local(new["second_round"].due_at) == "Mon 03-23 08:00"  # 07:30 -> working hours
    assert after.happened_at == la(2026, 3, 9, 7, 30).astimezone(UTC)
    assert new["team_gathering"].id == old["team_gathering"].id  # same week, same post


def test_edit_into_another_week_moves_the_interview_between_team_posts(migrated_url: str) -> None:
    clock = FakeClock(la(2026, 3, 6, 16, 0).astimezone(UTC))

    async def body(svc: ReflectionService) -> tuple[InterviewInfo, InterviewInfo, Any]:
        info = await log(svc, happened_at=la(2026, 3, 6, 10, 0))
        moved = await svc.edit_interview_time(
            "T1", "U1", info.id, happened_at=la(2026, 3, 6, 11, 0)
        )
        assert moved.gathering_key == info.gathering_key  # same week: same post
        # now move it to the Wednesday after: the team post of week 12
        clock.now = la(2026, 3, 11, 17, 0).astimezone(UTC)
        moved = await svc.edit_interview_time(
            "T1", "U1", info.id, happened_at=la(2026, 3, 11, 14, 0)
        )
        async with svc.store.unit_of_work() as uow:
            old = await uow.reminders.by_key("T1", f"team_gathering:{TEAM}:2026-W11")
        return info, moved, old

    _, after, old_post = run(migrated_url, clock, body)
    assert after.gathering_key == f"team_gathering:{TEAM}:2026-W12"
    assert local(by_kind(after)["team_gathering"].due_at) == "Tue 03-17 13:30"
    assert old_post.status == "cancelled"  # nobody left in week 11
    assert old_post.failure_reason == "interview_moved"


def test_delete_cancels_pending_prompts_and_leaves_the_gathering(migrated_url: str) -> None:
    clock = FakeClock(la(2026, 3, 9, 16, 0).astimezone(UTC))

    async def body(svc: ReflectionService) -> tuple[Any, ...]:
        a = await log(svc, "U1", happened_at=la(2026, 3, 6, 10, 0), notes="She said mornings.")
        b = await log(svc, "U2", happened_at=la(2026, 3, 9, 9, 0), pseudonym="C.D.")
        await svc.save_reflection("T1", "U1", a.id, Reflection(surprised="The bus."))
        gone = await svc.delete_interview("T1", "U1", a.id)
        again = await svc.delete_interview("T1", "U1", a.id)  # idempotent
        post_after_a = by_kind(await svc.get_interview("T1", "U2", b.id))["team_gathering"]
        gathering = await svc.gathering_for("T1", TEAM, "2026-W11")
        gone_b = await svc.delete_interview("T1", "U2", b.id)
        with pytest.raises(InterviewNotFound):
            await svc.get_interview("T1", "U1", a.id)
        async with svc.store.unit_of_work() as uow:
            refl = await uow.reflections.get("T1", a.id)
            row = await uow.interviews.get("T1", a.id, include_deleted=True)
        return gone, again, post_after_a, gathering, gone_b, refl, row

    gone, again, post_after_a, gathering, gone_b, refl, row = run(migrated_url, clock, body)
    own = [r for r in gone.reminders if r.kind != "team_gathering"]
    assert own and all(r.status == "cancelled" for r in own)
    # the reflection prompt was already cancelled when the reflection came in
    assert {r.kind: r.failure_reason for r in own} == {
        "exact_words": "interview_deleted",
        "reflection": "already_answered",
        "second_round": "interview_deleted",
    }
    assert gone.deleted_at is not None and again.deleted_at == gone.deleted_at
    assert post_after_a.status == "pending"  # C.D. is still in it
    assert [i.interview.caregiver_pseudonym for i in gathering.interviews] == ["C.D."]
    assert by_kind(gone_b)["team_gathering"].status == "cancelled"  # nobody left
    assert refl is None
    assert row.notes == "" and row.exact_words is None


# ---------------------------------------------------------------------- answers and the red flag


def test_answers_cancel_their_prompts(migrated_url: str) -> None:
    clock = FakeClock(la(2026, 3, 6, 16, 0).astimezone(UTC))

    async def body(svc: ReflectionService) -> InterviewInfo:
        info = await log(svc)
        await svc.save_exact_words("T1", "U1", info.id, "“I didn't know anyone noticed.”")
        assert (
            await svc.save_reflection(
                "T1", "U1", info.id, Reflection(surprised="She wants more calls, not fewer.")
            )
            is False
        )
        return await svc.get_interview("T1", "U1", info.id)

    info = run(migrated_url, clock, body)
    prompts = by_kind(info)
    assert prompts["exact_words"].status == "cancelled"
    assert prompts["exact_words"].failure_reason == "already_answered"
    assert prompts["reflection"].status == "cancelled"
    assert prompts["second_round"].status == "pending"
    assert "red_flag_note" not in prompts
    assert info.exact_words == "“I didn't know anyone noticed.”"


def test_red_flag_queues_one_gentle_note_for_the_team_channel_when_shared(
    migrated_url: str,
) -> None:
    clock = FakeClock(la(2026, 3, 10, 17, 0).astimezone(UTC))  # Tuesday after hours

    async def body(svc: ReflectionService) -> tuple[bool, bool, InterviewInfo, RecordingDeliverer]:
        await svc.set_workspace_settings("T1", share_red_flags=True)
        info = await log(svc, happened_at=la(2026, 3, 10, 10, 0))
        nothing = Reflection(surprised="Nothing surprised me, it was what we expected.")
        red = await svc.save_reflection("T1", "U1", info.id, nothing)
        red_again = await svc.save_reflection(
            "T1", "U1", info.id, Reflection(surprised="nothing", nothing_new=True)
        )
        info = await svc.get_interview("T1", "U1", info.id)
        deliverer = RecordingDeliverer(clock)
        clock.now = la(2026, 3, 11, 8, 0).astimezone(UTC)
        await Dispatcher(svc.store, deliverer, clock=clock).drain()
        return red, red_again, info, deliverer

    red, red_again, info, deliverer = run(migrated_url, clock, body)
    assert red and red_again
    notes = [r for r in info.reminders if r.kind == "red_flag_note"]
    assert len(notes) == 1  # deduplicated
    assert notes[0].channel_id == TEAM
    assert local(notes[0].due_at) == "Wed 03-11 08:00"  # next working slot
    posted = [p for p in deliverer.posts if p.reminder.kind == "red_flag_note"]
    assert len(posted) == 1
    assert "only confirm what we thought are worth a second look" in posted[0].payload.text
    assert posted[0].payload.channel_id == TEAM and posted[0].payload.user_id is None


def test_red_flag_goes_to_the_coach_when_there_is_one(migrated_url: str) -> None:
    clock = FakeClock(la(2026, 3, 10, 11, 0).astimezone(UTC))

    async def body(svc: ReflectionService) -> InterviewInfo:
        await svc.set_workspace_settings("T1", coach_user_id="UCOACH")
        info = await log(svc, happened_at=la(2026, 3, 10, 9, 0))
        assert await svc.save_reflection("T1", "U1", info.id, Reflection(nothing_new=True))
        return await svc.get_interview("T1", "U1", info.id)

    info = run(migrated_url, clock, body)
    note = by_kind(info)["red_flag_note"]
    assert (note.user_id, note.channel_id) == ("UCOACH", None)
    assert note.due_at == clock.now  # inside working hours: now


def test_red_flag_goes_to_the_workspace_coach_when_none_is_named(migrated_url: str) -> None:
    """Coaches added with /coach add (the coaches table) get the note; another workspace's don't."""
    clock = FakeClock(la(2026, 3, 10, 11, 0).astimezone(UTC))

    async def body(svc: ReflectionService) -> tuple[InterviewInfo, InterviewInfo]:
        async with svc.store.unit_of_work() as uow:
            await uow.coaches.add("T2", "UOTHER", added_by="UADMIN")
            await uow.coaches.add("T1", "UFIRST", added_by="UADMIN", now=clock.now)
            await uow.coaches.add("T1", "USECOND", added_by="UADMIN")
        info = await log(svc, happened_at=la(2026, 3, 10, 9, 0))
        assert await svc.save_reflection("T1", "U1", info.id, Reflection(nothing_new=True))
        async with svc.store.unit_of_work() as uow:
            await uow.coaches.remove("T1", "UFIRST")
            await uow.coaches.remove("T1", "USECOND")
        alone = await log(svc, happened_at=la(2026, 3, 10, 9, 30))
        assert await svc.save_reflection("T1", "U1", alone.id, Reflection(nothing_new=True))
        return (
            await svc.get_interview("T1", "U1", info.id),
            await svc.get_interview("T1", "U1", alone.id),
        )

    with_coach, without = run(migrated_url, clock, body)
    assert by_kind(with_coach)["red_flag_note"].user_id == "UFIRST"
    assert by_kind(without)["red_flag_note"].user_id == "U1"  # no coach: the interviewer alone


def test_a_changed_reflection_withdraws_a_pending_note(migrated_url: str) -> None:
    clock = FakeClock(la(2026, 3, 10, 17, 0).astimezone(UTC))

    async def body(svc: ReflectionService) -> InterviewInfo:
        info = await log(svc, happened_at=la(2026, 3, 10, 10, 0))
        assert await svc.save_reflection("T1", "U1", info.id, Reflection(surprised="Nothing."))
        assert not await svc.save_reflection(
            "T1",
            "U1",
            info.id,
            Reflection(surprised="Nothing at first, but then she said the bus never comes."),
        )
        return await svc.get_interview("T1", "U1", info.id)

    note = by_kind(run(migrated_url, clock, body))["red_flag_note"]
    assert note.status == "cancelled" and note.failure_reason == "reflection_changed"


def test_a_second_save_keeps_the_answers_it_leaves_empty(migrated_url: str) -> None:
    """Issue 12: saving again with one field keeps the other three (an empty field is not
    an erasure), so the weekly gathering still has every answer; a red flag is judged on
    the answers as kept."""
    clock = FakeClock(la(2026, 3, 10, 17, 0).astimezone(UTC))
    full = Reflection(
        surprised="The bus comes at 6:40.",
        assumption_challenged="I thought she did not care.",
        not_in_data="She works nights.",
        do_differently="Ask about mornings first.",
    )

    async def body(svc: ReflectionService) -> tuple[Reflection | None, bool]:
        info = await log(svc, happened_at=la(2026, 3, 10, 10, 0))
        await svc.save_reflection("T1", "U1", info.id, full)
        red = await svc.save_reflection("T1", "U1", info.id, Reflection(surprised="Nothing."))
        return await svc.get_reflection("T1", "U1", info.id), red

    kept, red = run(migrated_url, clock, body)
    assert kept is not None
    assert kept.surprised == "Nothing."
    assert kept.assumption_challenged == "I thought she did not care."
    assert kept.not_in_data == "She works nights."
    assert kept.do_differently == "Ask about mornings first."
    assert not red, "a real broken assumption is kept, so nothing new was not all it said"


# ---------------------------------------------------------------------- scrubbing


def test_only_scrubbed_text_is_stored(migrated_url: str) -> None:
    """No phone, e-mail, address or typed name reaches any table."""
    clock = FakeClock(la(2026, 3, 9, 16, 0).astimezone(UTC))
    secrets_ = [
        "509-555-0142",
        "maria.lopez@example.com",
        "1420 Carter Ave",
        "Jordan",  # the interviewer's name, passed as an extra known name
        "Maria",
        "Lopez",
        "Jayden",
        "4412907",
    ]

    async def body(svc: ReflectionService) -> tuple[InterviewInfo, list[str]]:
        info = await log(
            svc,
            pseudonym="Mrs. L",
            notes=(
                "Mrs. L said Maria Lopez is her sister; call 509-555-0142 or "
                "maria.lopez@example.com. They live at 1420 Carter Ave. Her son Jayden "
                "(student ID 4412907) told Jordan the bus never stops there."
            ),
            extra_names=["Jordan Avery"],
        )
        await svc.save_exact_words(
            "T1",
            "U1",
            info.id,
            "“Call me at 509-555-0142, ask for Maria.”",
            extra_names=["Jordan Avery"],
        )
        await svc.save_reflection(
            "T1",
            "U1",
            info.id,
            Reflection(
                surprised="Her son Jayden wants to come; Maria wants more calls.",
                assumption_challenged="That maria.lopez@example.com was the right contact.",
                not_in_data="The bus stop at 1420 Carter Ave is unsafe.",
                do_differently="Jordan will call weekly.",
            ),
            extra_names=["Jordan Avery"],
        )
        await svc.record_team_decision(
            "T1",
            "U2",
            channel=TEAM,
            week="2026-W11",
            decision="Jordan calls Maria at 509-555-0142 every Monday.",
            conversation_id=TEAM,
            extra_names=["Jordan Avery"],
        )
        async with svc.store.engine.connect() as conn:
            dump: list[str] = []
            for table in ("interviews", "reflections", "reminders", "team_decisions"):
                rows = (await conn.execute(text(f"SELECT * FROM {table}"))).all()
                dump += [str(v) for row in rows for v in row]
        return info, dump

    info, dump = run(migrated_url, clock, body)
    blob = "\n".join(dump)
    for secret in secrets_:
        assert secret not in blob, secret
    assert "[PHONE]" in info.notes and "[EMAIL]" in info.notes and "[ADDRESS]" in info.notes
    assert info.scrubbed["PHONE"] == 1 and info.scrubbed["NAME"] >= 3
    assert "Mrs. L" in blob  # the pseudonym is stored (it is not a name)


def test_gathering_and_decisions(migrated_url: str) -> None:
    clock = FakeClock(la(2026, 3, 9, 16, 0).astimezone(UTC))

    async def body(svc: ReflectionService) -> Any:
        a = await log(svc, happened_at=la(2026, 3, 6, 10, 0), pseudonym="A.B.", mode="in_person")
        await svc.save_exact_words("T1", "U1", a.id, "“We want you to call more.”")
        await svc.save_reflection(
            "T1",
            "U1",
            a.id,
            Reflection(
                surprised="They want more contact.",
                assumption_challenged="That calls feel like pressure.",
            ),
        )
        decision = await svc.record_team_decision(
            "T1",
            "U3",
            channel=TEAM,
            week="2026-W11",
            decision="Warm 'we missed you' calls.",
            conversation_id=TEAM,
        )
        with pytest.raises(InvalidInput):
            await svc.record_team_decision(
                "T1", "U3", channel=TEAM, week="2026-W11", decision=" ", conversation_id=TEAM
            )
        with pytest.raises(InvalidInput):
            await svc.gathering_for("T1", TEAM, "week 11")
        return decision, await svc.gathering_for("T1", TEAM, "2026-W11")

    decision, gathering = run(migrated_url, clock, body)
    assert gathering.reflections == 1
    item = gathering.interviews[0]
    assert item.interview.caregiver_pseudonym == "A.B." and item.interview.mode == "in_person"
    assert item.exact_words == "“We want you to call more.”"
    assert item.reflection is not None and item.reflection.surprised == "They want more contact."
    assert [d.decision for d in gathering.decisions] == ["Warm 'we missed you' calls."]
    assert decision.week == "2026-W11" and decision.decided_by == "U3"
