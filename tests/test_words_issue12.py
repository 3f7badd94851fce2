"""Wording found by the Teams new-user tester (issue 12): the earned layer keeps its
capitals, and a stacked question joined by "and" is quoted from its first letter."""

from __future__ import annotations

from bot.core.review import review
from bot.presenters.coach_screens import turn_record


def test_the_earned_layer_is_shown_as_written() -> None:
    said = turn_record("Denise works nights as a care aide at Linden Court", False)
    assert said == "Earned a layer of the story: Denise works nights as a care aide at Linden Court"
    assert turn_record(None, True) == "Trust fell"


def test_a_stacked_question_joined_by_and_keeps_its_first_letter() -> None:
    text = "How are mornings going and what do you think would help?"
    [stacked] = [f for f in review(text).findings if f.kind == "stacked"]
    assert stacked.evidence.startswith("and what do you think"), stacked.evidence


def test_a_stacked_question_after_a_comma_leaves_the_comma_out() -> None:
    text = "How are mornings going, what do you think would help?"
    [stacked] = [f for f in review(text).findings if f.kind == "stacked"]
    assert stacked.evidence.startswith("what do you think"), stacked.evidence
