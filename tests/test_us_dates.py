"""Dates a user reads are written the US way (month before day, 12-hour clock)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.presenters.coach_screens import read_line, read_summary, short_day
from bot.presenters.reflection import local_day
from bot.slack.blocks import local_time
from bot.slack.coach_blocks import when

# Thursday 5 March 2026, 18:07 UTC = 10:07 AM in Los Angeles (PST, UTC-8).
MOMENT = datetime(2026, 3, 5, 18, 7, tzinfo=UTC)


def test_prompt_day_is_weekday_month_day() -> None:
    assert local_day(MOMENT, "America/Los_Angeles") == "Thursday, March 5"
    # Late evening in Los Angeles is already the next day in UTC: the reader's calendar wins.
    late = datetime(2026, 3, 6, 5, 30, tzinfo=UTC)
    assert local_day(late, "America/Los_Angeles") == "Thursday, March 5"


def test_prompt_time_is_month_day_and_12_hour_clock() -> None:
    assert local_time(MOMENT, "America/Los_Angeles") == "Thu, Mar 5, 10:07 AM"
    assert local_time(MOMENT, "America/New_York") == "Thu, Mar 5, 1:07 PM"


def test_coach_screens_have_no_zero_padded_days_or_24_hour_times() -> None:
    assert when(MOMENT) == "Mar 5"
    assert when(None) == "earlier"
    assert read_line("Ana", MOMENT) == "Ana read it on Mar 5 at 6:07 PM UTC"
    midnight = datetime(2026, 3, 6, 0, 15, tzinfo=UTC)
    assert read_summary(["Ana", "Bo"], 2, midnight).endswith("last on Mar 6 at 12:15 AM UTC")


def test_both_coach_screens_share_one_short_day() -> None:
    """Teams' queue printed "Mar 05" after Slack's was fixed: one function serves both."""
    assert short_day(MOMENT) == when(MOMENT) == "Mar 5"
    assert short_day(None) == "earlier"


def test_the_teams_interview_time_is_us_style_like_slacks() -> None:
    """issue 12: Teams showed "Wed 2 Dec"; both apps now write "Thu, Mar 5"."""
    from bot.presenters.interview_logged import local_time as teams_local_time

    assert teams_local_time(MOMENT, "America/Los_Angeles") == "Thu, Mar 5, 10:07 AM"
    assert teams_local_time(MOMENT, "America/Los_Angeles") == local_time(
        MOMENT, "America/Los_Angeles"
    )
