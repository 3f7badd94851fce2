"""The after-interview rules of bot.core.interviews (pure, no store)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.interviews import Gathering, Interview, InterviewRuleBroken, Reminder
from bot.core.reflection import ReflectionSettings

LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 3, 18, 17, 0, tzinfo=UTC)  # Wednesday 10:00 in Los Angeles


def interview(happened_at: datetime, team: str | None = "C0TEAM") -> Interview:
    return Interview(
        id="i1",
        workspace_id="T1",
        user_id="U1",
        happened_at=happened_at,
        caregiver_pseudonym="M.L.",
        grade_band="3-5",
        mode="phone",
        team_channel=team,
        interviewer_tz="America/Los_Angeles",
        created_at=NOW,
        updated_at=NOW,
    )


@pytest.mark.parametrize(
    ("when", "reason"),
    [
        (datetime(1, 1, 1, 9, 0, tzinfo=LA), "too_old"),
        (NOW - timedelta(days=61), "too_old"),
        (NOW + timedelta(hours=1), "future"),
        (datetime(2026, 3, 18, 9, 0), "naive_time"),
    ],
)
def test_times_outside_the_window_are_refused(when: datetime, reason: str) -> None:
    with pytest.raises(InterviewRuleBroken) as caught:
        Interview.check_time(when, NOW)
    assert caught.value.reason == reason and caught.value.field == "happened_at"


def test_a_time_inside_the_window_is_kept_in_utc() -> None:
    when = NOW - timedelta(days=59)
    assert Interview.check_time(when.astimezone(LA), NOW) == when


def test_a_backdated_interview_keeps_the_natural_order_and_merges_exact_words() -> None:
    prompts = interview(NOW - timedelta(days=30)).plan_prompts(ReflectionSettings(), NOW)
    kinds = [p.kind for p in prompts]
    assert "exact_words" not in kinds  # no longer fresh: folded into the reflection prompt
    by_kind = {p.kind: p for p in prompts}
    assert by_kind["reflection"].merges == ("exact_words",)
    assert by_kind["reflection"].due_at >= NOW
    assert by_kind["second_round"].due_at >= by_kind["reflection"].due_at + timedelta(days=7)


def test_a_recent_late_interview_gets_exact_words_before_the_reflection() -> None:
    prompts = interview(NOW - timedelta(days=1)).plan_prompts(ReflectionSettings(), NOW)
    by_kind = {p.kind: p for p in prompts}
    assert NOW <= by_kind["exact_words"].due_at < by_kind["reflection"].due_at
    assert by_kind["reflection"].due_at < by_kind["second_round"].due_at
    assert by_kind["reflection"].merges == ()


def test_red_flag_note_is_private_by_default() -> None:
    iv = interview(NOW - timedelta(days=1))
    alone = iv.red_flag_recipient(
        coach_user_id=None, coach_tz=None, share_with_team=False, team_tz=None
    )
    assert (alone.user_id, alone.channel_id, alone.audience) == ("U1", None, "interviewer")
    coach = iv.red_flag_recipient(
        coach_user_id="UCOACH", coach_tz="America/Denver", share_with_team=False, team_tz=None
    )
    assert (coach.user_id, coach.channel_id, coach.tz) == ("UCOACH", None, "America/Denver")
    shared = iv.red_flag_recipient(
        coach_user_id="UCOACH", coach_tz=None, share_with_team=True, team_tz=None
    )
    assert (shared.channel_id, shared.audience) == ("C0TEAM", "team")


def test_a_team_decision_must_come_from_its_gathering() -> None:
    post = Reminder(
        id="r1",
        workspace_id="T1",
        kind="team_gathering",
        due_at=NOW,
        dedupe_key="team_gathering:C0TEAM:2026-W12",
    )
    g = Gathering.of("T1", post.dedupe_key, post)
    g.check_decision_from("T1", "C0TEAM")
    with pytest.raises(InterviewRuleBroken, match="wrong_conversation"):
        g.check_decision_from("T1", "C0OTHER")
    with pytest.raises(InterviewRuleBroken, match="wrong_workspace"):
        Gathering.of("T1", post.dedupe_key).check_decision_from("T1", "C0TEAM")
    assert not g.cancel_when_left(1) and g.cancel_when_left(0) and g.takes_interviews
