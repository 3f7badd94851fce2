"""Debrief figures on a small, hand-computed session."""

from __future__ import annotations

import json

from contracts import DEBRIEF_FIELDS
from practice_kit import OPEN_SCRIPT, make_persona, make_review, stub_review

from bot.core.debrief import Debrief, compute_debrief, count_words
from bot.core.models import FINDING_KINDS
from bot.core.practice import PracticeEngine, Turn, Usage
from bot.llm.scripted import ScriptedResponder


def turn(
    index: int,
    staff: str,
    caregiver: str,
    moves=(),  # type: ignore[no-untyped-def]
    kinds=(),
    reframe: str | None = None,
    disclosed: list[str] | None = None,
    insight: bool = False,
    usage: Usage | None = None,
) -> Turn:
    return Turn(
        index=index,
        staff=staff,
        caregiver=caregiver,
        review=make_review(staff, moves, kinds, reframe),
        mode="open",
        trust_after=1.0,
        disclosed=disclosed or [],
        insight=insight,
        usage=usage or Usage(),
    )


SESSION = [
    # staff words / caregiver words
    turn(
        1,
        "How are things going for your family?",  # 7
        "Things are busy.",  # 3
        moves=["open_question"],
        usage=Usage(prompt_tokens=100, completion_tokens=20),
    ),
    turn(
        2,
        "Does she like school?",  # 4
        "Yes.",  # 1
        kinds=["closed"],
        reframe="What does she say about school?",
        usage=Usage(prompt_tokens=120, completion_tokens=5),
    ),
    turn(
        3,
        "It sounds like mornings are a lot.",  # 7
        "They are. I work nights.",  # 5
        moves=["reflection"],
        disclosed=["night-shift"],
    ),
    turn(
        4,
        "You need to get her on the bus.",  # 8
        "Okay.",  # 1
        kinds=["judgment"],
        reframe="Tell me about getting to school.",
    ),
    turn(5, "What else?", "Nothing.", moves=["follow_up"]),  # 2 / 1
]
# staff words 28, caregiver words 11 -> talk_ratio 28/11 = 2.545… -> 2.55
# questions asked: turns 1, 2, 5 (turn 3 is a statement, turn 4 a command) -> 3
# reflections 1 -> reflection_to_question 1/3 -> 0.33


def test_hand_computed_session() -> None:
    d = compute_debrief(make_persona(), SESSION)
    assert d.turns == 5
    assert d.open_questions == 1
    assert d.closed_questions == 1
    assert d.follow_ups == 1
    assert d.reflections == 1
    assert d.reflection_to_question == 0.33
    assert d.talk_ratio == 2.55
    assert d.layers_reached == 1 and d.layers_total == 3
    assert d.hidden_insight_reached is False
    assert d.findings_by_kind == {k: 0 for k in FINDING_KINDS} | {"closed": 1, "judgment": 1}
    assert list(d.findings_by_kind) == list(FINDING_KINDS)
    # Intervention reframe first, then craft.
    assert [(r.asked, r.try_) for r in d.reframes] == [
        ("You need to get her on the bus.", "Tell me about getting to school."),
        ("Does she like school?", "What does she say about school?"),
    ]
    assert d.usage == Usage(prompt_tokens=220, completion_tokens=25)
    assert d.estimated_cost_usd is None


def test_summary_is_about_what_was_learned_and_kind() -> None:
    d = compute_debrief(make_persona(), SESSION)
    assert d.summary.startswith("You heard 1 of 3 layers of Rosa's story.")
    assert "apricot-shift" in d.summary  # what was learned
    assert "asked 1 open question" in d.summary
    low = d.summary.lower()
    for harsh in ("fail", "wrong", "bad", "poor", "should have"):
        assert harsh not in low


def test_summary_when_insight_reached() -> None:
    engine = PracticeEngine(make_persona(), reviewer=stub_review)
    for text in OPEN_SCRIPT:
        plan = engine.plan(text)
        engine.record(plan, ScriptedResponder().reply(plan))
    d = engine.debrief()
    assert d.hidden_insight_reached and d.layers_reached == 3
    assert d.summary.startswith("You heard all 3 layers of Rosa's story")
    assert "narwhal" in d.summary
    assert d.reframes == []


def test_contract_json_fields() -> None:
    d = compute_debrief(make_persona(), SESSION)
    data = json.loads(d.model_dump_json())
    for key in (*DEBRIEF_FIELDS, "usage", "estimated_cost_usd"):
        assert key in data, key
    assert data["reframes"][0] == {
        "asked": "You need to get her on the bus.",
        "try": "Tell me about getting to school.",
    }
    assert Debrief.model_validate(data) == d


def test_at_most_three_reframes_interventions_first() -> None:
    turns = [
        turn(1, "Is it mostly the bus?", "No.", kinds=["leading"], reframe="r1"),
        turn(2, "Why didn't you call?", "I forgot.", kinds=["why_blame"], reframe="r2"),
        turn(3, "Have you tried an alarm?", "Yes.", kinds=["advice"], reframe="r3"),
        turn(4, "Does he like it?", "Yes.", kinds=["closed"], reframe="r4"),
        turn(5, "Actually, it adds up.", "Okay.", kinds=["correction"], reframe="r5"),
        turn(6, "Tell me more.", "Well…", moves=["follow_up"]),
    ]
    d = compute_debrief(make_persona(), turns)
    assert [r.try_ for r in d.reframes] == ["r3", "r5", "r1"]


def test_empty_session() -> None:
    d = compute_debrief(make_persona(), [])
    assert d.turns == 0 and d.talk_ratio == 0.0 and d.reflection_to_question == 0.0
    assert sum(d.findings_by_kind.values()) == 0 and len(d.findings_by_kind) == 9
    assert d.summary


def test_estimated_cost() -> None:
    d = compute_debrief(
        make_persona(), SESSION, usd_per_million_prompt=2.0, usd_per_million_completion=8.0
    )
    assert d.estimated_cost_usd == round((220 * 2.0 + 25 * 8.0) / 1e6, 6)


def test_count_words() -> None:
    assert count_words("It’s fine, isn't it?") == 4
    assert count_words("") == 0
