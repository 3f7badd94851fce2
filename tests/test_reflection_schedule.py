"""The after-interview schedule and the red flag (bot/core/reflection.py).

Times are written as local wall-clock times in a named zone and compared in
UTC; no clock is read anywhere.
"""

from __future__ import annotations

import ast
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.core.reflection import (
    NOTHING_NEW_ANSWERS,
    PROMPT_KINDS,
    Reflection,
    ReflectionSettings,
    ScheduledPrompt,
    Weekday,
    gathering_key,
    is_red_flag,
    is_working_time,
    next_working_slot,
    previous_working_slot,
    reschedule,
    says_nothing_new,
    schedule_for_interview,
)

LA = "America/Los_Angeles"
NY = "America/New_York"
DEFAULTS = ReflectionSettings()


def local(tz: str, *args: int) -> datetime:
    """An aware datetime on the wall clock of ``tz``."""
    return datetime(*args, tzinfo=ZoneInfo(tz))


def by_kind(prompts: list[ScheduledPrompt]) -> dict[str, ScheduledPrompt]:
    return {p.kind: p for p in prompts}


# --- the full schedule ------------------------------------------------------------------------


def test_full_schedule_across_a_weekend_and_a_time_zone_boundary() -> None:
    # Friday 23:45 UTC is still Friday 15:45 in Los Angeles: in UTC the
    # exact-words prompt would land on Saturday 00:45; in the interviewer's
    # zone it is 16:45 on Friday, after hours, so it moves to Monday 08:00.
    interview = datetime(2026, 1, 16, 23, 45, tzinfo=UTC)
    assert interview.astimezone(ZoneInfo(LA)).strftime("%a %H:%M") == "Fri 15:45"

    prompts = schedule_for_interview(interview, LA, DEFAULTS, team_tz=LA, team_channel="C0TEAM")

    assert [p.kind for p in prompts] == list(PROMPT_KINDS)
    got = by_kind(prompts)
    assert got["exact_words"].due_at == local(LA, 2026, 1, 19, 8, 0)  # Monday
    assert got["reflection"].due_at == local(LA, 2026, 1, 20, 8, 30)  # Tuesday
    assert got["team_gathering"].due_at == local(LA, 2026, 1, 20, 13, 30)  # 2 h before 15:30
    assert got["team_gathering"].gathering_key == "team_gathering:C0TEAM:2026-W04"
    assert got["team_gathering"].channel == "C0TEAM"
    assert got["second_round"].due_at == local(LA, 2026, 1, 30, 15, 45)  # 14 days, a Friday
    for p in prompts:
        assert p.due_at.tzinfo is UTC
        assert p.tz == LA
        assert is_working_time(p.due_at, p.tz, DEFAULTS)
    assert got["exact_words"].due_at == datetime(2026, 1, 19, 16, 0, tzinfo=UTC)


def test_utc_monday_can_be_a_local_sunday() -> None:
    interview = datetime(2026, 1, 19, 2, 0, tzinfo=UTC)  # Sunday 18:00 in Los Angeles
    got = by_kind(schedule_for_interview(interview, LA, DEFAULTS))
    assert got["exact_words"].due_at == local(LA, 2026, 1, 19, 8, 0)
    assert got["reflection"].due_at == local(LA, 2026, 1, 20, 8, 30)
    assert "team_gathering" not in got  # no team channel given


def test_late_friday_interview_gets_exact_words_on_monday_morning() -> None:
    interview = local(NY, 2026, 2, 6, 17, 30)  # Friday after hours
    got = by_kind(schedule_for_interview(interview, NY, DEFAULTS))
    assert got["exact_words"].due_at == local(NY, 2026, 2, 9, 8, 0)
    # The reflection comes the working day after the exact-words prompt, so the
    # two DMs never arrive the same morning.
    assert got["reflection"].due_at == local(NY, 2026, 2, 10, 8, 30)


def test_ordinary_weekday_interview() -> None:
    interview = local(LA, 2026, 2, 2, 10, 0)  # Monday 10:00
    got = by_kind(schedule_for_interview(interview, LA, DEFAULTS, team_channel="C1"))
    assert got["exact_words"].due_at == local(LA, 2026, 2, 2, 11, 0)
    assert got["reflection"].due_at == local(LA, 2026, 2, 3, 8, 30)
    assert got["team_gathering"].due_at == local(LA, 2026, 2, 3, 13, 30)
    assert got["second_round"].due_at == local(LA, 2026, 2, 16, 10, 0)


def test_exact_words_at_the_end_of_the_day_is_still_inside() -> None:
    got = by_kind(schedule_for_interview(local(LA, 2026, 2, 2, 15, 30), LA, DEFAULTS))
    assert got["exact_words"].due_at == local(LA, 2026, 2, 2, 16, 30)


# --- daylight saving time ---------------------------------------------------------------------


def test_spring_forward() -> None:
    # Los Angeles moves from PST (UTC-8) to PDT (UTC-7) on Sunday 2026-03-08.
    interview = local(LA, 2026, 3, 6, 15, 0)  # Friday, PST
    got = by_kind(schedule_for_interview(interview, LA, DEFAULTS))
    assert got["exact_words"].due_at == datetime(2026, 3, 7, 0, 0, tzinfo=UTC)  # Fri 16:00 PST
    assert got["reflection"].due_at == datetime(2026, 3, 9, 15, 30, tzinfo=UTC)  # Mon 08:30 PDT
    # 14 days on the wall clock: 15:00 again, now PDT (22:00 UTC, not 23:00).
    assert got["second_round"].due_at == datetime(2026, 3, 20, 22, 0, tzinfo=UTC)


def test_fall_back() -> None:
    # Los Angeles moves from PDT back to PST on Sunday 2026-11-01.
    interview = local(LA, 2026, 10, 30, 10, 0)  # Friday, PDT = 17:00 UTC
    got = by_kind(schedule_for_interview(interview, LA, DEFAULTS))
    assert got["reflection"].due_at == datetime(2026, 11, 2, 16, 30, tzinfo=UTC)  # Mon 08:30 PST
    assert got["second_round"].due_at == datetime(2026, 11, 13, 18, 0, tzinfo=UTC)  # 10:00 PST


def test_next_working_slot_from_inside_the_dst_gap() -> None:
    # 02:30 on 2026-03-08 does not exist in Los Angeles; it is a Sunday anyway.
    gap = datetime(2026, 3, 8, 10, 30, tzinfo=UTC)  # = 03:30 PDT
    assert next_working_slot(gap, LA, DEFAULTS) == local(LA, 2026, 3, 9, 8, 0)


def test_europe_changes_on_another_date() -> None:
    # London moves to BST on 2026-03-29; 08:00 local is then 07:00 UTC.
    got = next_working_slot(datetime(2026, 3, 28, 12, 0, tzinfo=UTC), "Europe/London", DEFAULTS)
    assert got == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)


# --- past interviews, fallbacks, errors -------------------------------------------------------


def test_interview_in_the_past_still_gets_every_prompt() -> None:
    interview = local(LA, 2020, 1, 6, 9, 0)  # long ago: all overdue, all still due
    prompts = schedule_for_interview(interview, LA, DEFAULTS, team_channel="C1")
    assert [p.kind for p in prompts] == list(PROMPT_KINDS)
    assert all(p.due_at < datetime(2021, 1, 1, tzinfo=UTC) for p in prompts)
    assert by_kind(prompts)["exact_words"].due_at == local(LA, 2020, 1, 6, 10, 0)


def test_same_input_same_output() -> None:
    interview = datetime(2026, 5, 1, 12, tzinfo=UTC)
    assert schedule_for_interview(interview, NY) == schedule_for_interview(interview, NY)


def test_missing_user_zone_uses_the_workspace_fallback() -> None:
    interview = datetime(2026, 5, 4, 17, tzinfo=UTC)
    assert schedule_for_interview(interview, None) == schedule_for_interview(interview, LA)
    custom = ReflectionSettings(fallback_tz=NY)
    assert schedule_for_interview(interview, "", custom)[0].tz == NY


def test_naive_time_and_unknown_zone_are_errors() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        schedule_for_interview(datetime(2026, 5, 4, 9), LA)
    with pytest.raises(ValueError, match="unknown time zone"):
        schedule_for_interview(datetime(2026, 5, 4, 9, tzinfo=UTC), "Mars/Olympus_Mons")
    with pytest.raises(ValueError):
        next_working_slot(datetime(2026, 5, 4, 9), LA, DEFAULTS)


# --- every prompt inside working hours, never at a weekend ------------------------------------

ZONES = [
    LA,
    NY,
    "Pacific/Honolulu",  # no DST
    "Asia/Kolkata",  # UTC+05:30
    "Australia/Lord_Howe",  # 30-minute DST shift
    "Pacific/Chatham",  # UTC+12:45 / +13:45
    "Europe/London",
]


@pytest.mark.parametrize("tz", ZONES)
def test_every_prompt_in_working_hours_in_the_readers_zone(tz: str) -> None:
    start = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
    for step in range(0, 60 * 24 * 21, 97):  # every 97 minutes over three weeks with a DST change
        interview = start + timedelta(minutes=step)
        prompts = by_kind(
            schedule_for_interview(interview, tz, DEFAULTS, team_tz=LA, team_channel="C9")
        )
        for p in prompts.values():
            loc = p.due_at.astimezone(ZoneInfo(p.tz))
            assert loc.weekday() < 5, (interview, p)
            assert time(8, 0) <= loc.time() <= time(16, 30), (interview, p)
        exact, refl = prompts["exact_words"], prompts["reflection"]
        gather, second = prompts["team_gathering"], prompts["second_round"]
        assert exact.due_at >= interview
        assert (
            refl.due_at.astimezone(ZoneInfo(tz)).date()
            > exact.due_at.astimezone(ZoneInfo(tz)).date()
        )
        assert gather.due_at >= refl.due_at
        assert gather.due_at.astimezone(ZoneInfo(LA)).weekday() == Weekday.TUESDAY
        assert second.due_at >= interview + timedelta(days=13, hours=23)
        assert second.due_at <= interview + timedelta(days=17)


def test_working_hours_follow_the_settings() -> None:
    settings = ReflectionSettings(
        workday_start=time(7, 0),
        workday_end=time(15, 0),
        working_weekdays=frozenset({Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY}),
        reflection_at=time(14, 0),
        exact_words_after=timedelta(minutes=30),
        second_round_after=timedelta(days=21),
    )
    interview = local(LA, 2026, 2, 4, 14, 45)  # Wednesday
    got = by_kind(schedule_for_interview(interview, LA, settings))
    assert got["exact_words"].due_at == local(LA, 2026, 2, 9, 7, 0)  # next Monday
    assert got["reflection"].due_at == local(LA, 2026, 2, 10, 14, 0)
    assert got["second_round"].due_at == local(LA, 2026, 2, 25, 14, 45)  # a Wednesday


# --- team gathering ---------------------------------------------------------------------------


def test_gathering_key_is_stable_within_a_week() -> None:
    team = "C0TEAM"
    # Wednesday to Friday of one week and Monday of the next: every reflection
    # prompt is due by Tuesday 08:30, so all go into that Tuesday's post.
    same_post = [
        local(LA, 2026, 2, 4, 9, 0),
        local(LA, 2026, 2, 5, 16, 0),
        local(LA, 2026, 2, 6, 19, 0),
        local(NY, 2026, 2, 9, 10, 0),
    ]
    gatherings = [
        by_kind(schedule_for_interview(t, tz, DEFAULTS, team_tz=LA, team_channel=team))[
            "team_gathering"
        ]
        for t, tz in zip(same_post, [LA, LA, LA, NY], strict=True)
    ]
    assert {g.gathering_key for g in gatherings} == {"team_gathering:C0TEAM:2026-W07"}
    assert {g.due_at for g in gatherings} == {local(LA, 2026, 2, 10, 13, 30)}
    # An interview on that Tuesday is reflected on Wednesday: next week's post.
    later = by_kind(
        schedule_for_interview(local(LA, 2026, 2, 10, 10), LA, DEFAULTS, team_channel=team)
    )["team_gathering"]
    assert later.gathering_key == "team_gathering:C0TEAM:2026-W08"
    assert later.due_at == local(LA, 2026, 2, 17, 13, 30)


def test_gathering_uses_the_teams_zone() -> None:
    interview = local("Asia/Kolkata", 2026, 2, 2, 10, 0)  # Monday in India
    got = by_kind(
        schedule_for_interview(interview, "Asia/Kolkata", DEFAULTS, team_tz=NY, team_channel="C2")
    )
    assert got["team_gathering"].tz == NY
    assert got["team_gathering"].due_at == local(NY, 2026, 2, 3, 13, 30)


def test_gathering_before_an_early_meeting_moves_back_into_working_hours() -> None:
    settings = ReflectionSettings(team_meeting_weekday=Weekday.MONDAY, team_meeting_time=time(8, 0))
    interview = local(LA, 2026, 2, 3, 10, 0)  # Tuesday; reflected on Wednesday
    got = by_kind(schedule_for_interview(interview, LA, settings, team_channel="C3"))
    # 06:00 on Monday is before hours: the post goes out at the end of Friday.
    assert got["team_gathering"].due_at == local(LA, 2026, 2, 6, 16, 30)
    assert got["team_gathering"].gathering_key == gathering_key("C3", local(LA, 2026, 2, 9).date())


def test_gathering_key_format() -> None:
    assert gathering_key("C1", datetime(2027, 1, 1).date()) == "team_gathering:C1:2026-W53"


def test_scheduled_prompt_validation() -> None:
    when = datetime(2026, 1, 1, tzinfo=UTC)
    with pytest.raises(ValidationError):
        ScheduledPrompt(kind="team_gathering", due_at=when, tz=LA)
    with pytest.raises(ValidationError):
        ScheduledPrompt(kind="reflection", due_at=when, tz=LA, channel="C1")
    with pytest.raises(ValidationError):
        ScheduledPrompt(kind="reflection", due_at=datetime(2026, 1, 1), tz=LA)
    p = ScheduledPrompt(kind="reflection", due_at=local(LA, 2026, 1, 5, 9), tz=LA)
    assert p.due_at == datetime(2026, 1, 5, 17, tzinfo=UTC) and p.due_at.tzinfo is UTC


# --- slots ------------------------------------------------------------------------------------


def test_slots() -> None:
    friday_evening = local(LA, 2026, 2, 6, 18, 0)
    assert next_working_slot(friday_evening, LA, DEFAULTS) == local(LA, 2026, 2, 9, 8, 0)
    assert previous_working_slot(friday_evening, LA, DEFAULTS) == local(LA, 2026, 2, 6, 16, 30)
    monday_early = local(LA, 2026, 2, 9, 6, 0)
    assert next_working_slot(monday_early, LA, DEFAULTS) == local(LA, 2026, 2, 9, 8, 0)
    assert previous_working_slot(monday_early, LA, DEFAULTS) == local(LA, 2026, 2, 6, 16, 30)
    inside = local(LA, 2026, 2, 9, 12, 34)
    assert next_working_slot(inside, LA, DEFAULTS) == inside
    assert previous_working_slot(inside, LA, DEFAULTS) == inside
    assert not is_working_time(local(LA, 2026, 2, 7, 12), LA, DEFAULTS)  # Saturday


def test_settings_validation() -> None:
    with pytest.raises(ValidationError):
        ReflectionSettings(workday_start=time(17), workday_end=time(8))
    with pytest.raises(ValidationError):
        ReflectionSettings(working_weekdays=frozenset())
    with pytest.raises(ValidationError):
        ReflectionSettings(exact_words_after=timedelta(hours=-1))
    with pytest.raises(ValidationError):
        ReflectionSettings(fallback_tz="Nowhere/Town")
    # Settings round-trip through JSON (the store keeps them per workspace).
    s = ReflectionSettings(team_meeting_weekday=Weekday.THURSDAY)
    assert ReflectionSettings.model_validate_json(s.model_dump_json()) == s


# --- rescheduling -----------------------------------------------------------------------------


def test_reschedule_moves_only_the_pending_prompts() -> None:
    old_time = local(LA, 2026, 2, 2, 10, 0)  # Monday
    old = schedule_for_interview(old_time, LA, DEFAULTS, team_channel="C1")
    pending = [p for p in old if p.kind != "exact_words"]  # the first one was sent
    new_time = local(LA, 2026, 2, 4, 10, 0)  # actually Wednesday
    result = reschedule(pending, new_time, LA, DEFAULTS, team_channel="C1")
    fresh = by_kind(schedule_for_interview(new_time, LA, DEFAULTS, team_channel="C1"))
    assert [p.kind for p in result.moved] == ["reflection", "team_gathering", "second_round"]
    assert result.moved == [fresh[p.kind] for p in result.moved]
    assert result.cancelled == []
    old_key = by_kind(old)["team_gathering"].gathering_key
    assert by_kind(result.moved)["team_gathering"].gathering_key != old_key


def test_reschedule_cancels_a_gathering_without_a_channel() -> None:
    when = local(LA, 2026, 2, 2, 10, 0)
    old = schedule_for_interview(when, LA, DEFAULTS, team_channel="C1")
    result = reschedule(old, when + timedelta(hours=1), LA, DEFAULTS, team_channel=None)
    assert [p.kind for p in result.cancelled] == ["team_gathering"]
    assert [p.kind for p in result.moved] == ["exact_words", "reflection", "second_round"]


def test_reschedule_nothing_pending() -> None:
    result = reschedule([], local(LA, 2026, 2, 2, 10), LA)
    assert result.moved == [] and result.cancelled == []


# --- the red flag -----------------------------------------------------------------------------

NOTHING_NEW = [
    "Nothing",
    "nothing really.",
    "No",
    "Not really",
    "N/A",
    "n/a",
    "none",
    "Nothing surprised me.",
    "Nothing really surprised me, it was pretty much what we expected.",
    "Same as we thought.",
    "It confirmed what we knew.",
    "Confirmed what we already knew about transportation.",
    "Just what I expected",
    "As expected.",
    "I wasn't really surprised",
    "No surprises",
    "It didn't challenge any of my assumptions",
    "Didn't learn anything new",
    "Nothing we didn't already know",
    "Nope!",
    "-",
]

SOMETHING_NEW = [
    "Mom wants MORE contact from us, not less.",
    "Nothing surprised me at first, but then she said he is scared of the bus driver.",
    "I thought nothing would surprise me, actually she told me about the night shifts.",
    "It was different from what we thought: grandma does the mornings.",
    "Not what I expected at all.",
    "That she reads every letter we send and keeps them in a drawer.",
    "No one had ever asked her what mornings are like.",
    "I assumed transportation; it's her anxiety about the new building.",
    "",
]


@pytest.mark.parametrize("answer", NOTHING_NEW)
def test_says_nothing_new(answer: str) -> None:
    assert says_nothing_new(answer)


@pytest.mark.parametrize("answer", SOMETHING_NEW)
def test_says_something(answer: str) -> None:
    assert not says_nothing_new(answer)


def test_every_listed_whole_answer_counts() -> None:
    assert all(says_nothing_new(a) for a in NOTHING_NEW_ANSWERS)


def test_red_flag_checkbox() -> None:
    assert is_red_flag(Reflection(nothing_new=True))
    assert is_red_flag(Reflection(surprised="She wants more calls.", nothing_new=True))


@pytest.mark.parametrize(
    ("surprised", "assumption", "flag"),
    [
        ("Nothing really", "", True),
        ("", "None, it confirmed what we knew", True),
        ("Nothing", "No", True),
        ("Not really", "I assumed it was the bus; it's her shifts.", False),
        ("She wants more contact.", "none", False),
        ("She wants more contact.", "", False),
        ("", "", False),
    ],
)
def test_red_flag_text(surprised: str, assumption: str, flag: bool) -> None:
    reflection = Reflection(
        surprised=surprised,
        assumption_challenged=assumption,
        not_in_data="nothing",
        do_differently="no idea",
    )
    assert is_red_flag(reflection) is flag


# --- the core stays pure ----------------------------------------------------------------------


def test_reflection_module_imports_nothing_impure() -> None:
    source = Path(__file__).parent.parent / "bot" / "core" / "reflection.py"
    tree = ast.parse(source.read_text())
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    allowed = {
        "__future__",
        "re",
        "collections.abc",
        "datetime",
        "enum",
        "typing",
        "zoneinfo",
        "pydantic",
    }
    assert modules <= allowed, modules - allowed
