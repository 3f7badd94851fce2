"""Issue 9 pacing found with the practice4 scripts (tuning data): scripted turns, fixed seeds."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.core.practice import PracticeEngine, is_threat
from bot.core.topics import question_intent
from bot.llm.scripted import ScriptedResponder
from bot.personas import load_all

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import practice_eval

PERSONAS = load_all()
OPENING = "Hi, this is Ms. Ruiz from the school. Is this a good time?"


def _rows(persona_id: str, lines: list[str], seed: int = 1) -> list[dict[str, object]]:
    return practice_eval.run_session(PERSONAS[persona_id], lines, seed=seed)


@pytest.mark.parametrize("persona_id", ["stomach-aches-mom", "asthma-mom", "night-shift-mom"])
@pytest.mark.parametrize("stock", ["Tell me more.", "What else?"])
def test_a_stock_prompt_right_after_a_layer_opens_no_new_one(persona_id: str, stock: str) -> None:
    student = PERSONAS[persona_id].student.name
    lines = [OPENING, f"Thanks. How are things going with {student} and school?"]
    rows = _rows(persona_id, [*lines, stock, stock, stock, stock])
    first = practice_eval.first_disclosure(rows)
    assert first is not None and first <= 2, persona_id  # the open question earned a layer
    assert sum(len(r["disclosed"]) for r in rows) == 1  # type: ignore[arg-type]
    assert not any(r["insight"] for r in rows)


def test_a_verbose_caregiver_still_tells_the_next_layer_to_a_real_follow_up() -> None:
    persona = PERSONAS["stomach-aches-mom"]
    student = persona.student.name
    lines = [
        OPENING,
        f"Thanks. How are things going with {student} and school?",
        "Tell me more.",
        "What are Sunday nights like at your house before school?",
        f"When did you first notice the stomach aches getting worse for {student}?",
        f"What happened at school that day, as {student} tells it?",
    ]
    rows = _rows(persona.id, lines)
    assert sum(len(r["disclosed"]) for r in rows) >= 2  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "line",
    [
        "hm, 'tired. It's fine'. what happened next?",
        "You said 'I'm fine, really.' What's underneath that?",
        "That's fine, take your time.",
    ],
)
def test_fine_as_in_okay_is_no_threat(line: str) -> None:
    assert not is_threat(line)
    engine = PracticeEngine(PERSONAS["moving-between-homes"], seed=1)
    engine.record(plan := engine.plan(OPENING), ScriptedResponder().reply(plan))
    plan = engine.plan(line)
    assert plan.mode != "guarded" and not plan.threat


@pytest.mark.parametrize(
    "line", ["There can be fines.", "You could be fined.", "You may have to pay a fine."]
)
def test_fines_are_a_threat(line: str) -> None:
    assert is_threat(line)


@pytest.mark.parametrize(
    "question",
    ["whats a good day look like for you, start to finish?", "hows the week been?"],
)
def test_a_wh_word_without_its_apostrophe_is_not_a_yes_no_question(question: str) -> None:
    assert question_intent(question) != "yes_no"


def test_the_threat_delay_baseline_drops_exactly_the_threatening_turns() -> None:
    intro = "Hello, is this {caregiver}? This is the attendance office. Do you have a minute?"
    lines = [
        intro,
        "We're required to file a truancy petition with the court.",
        "You could be ordered to appear in front of a judge, and there can be fines.",
        "We may also have to make a CPS referral.",
        "I'm sorry, that came out harsh. What's been going on for {student}?",
        "It's fine if you need a minute. What are mornings like?",
    ]
    assert practice_eval.threat_turns(lines) == {2, 3, 4}
    # the older sets open with the threats (turns 1-3)
    assert practice_eval.threat_turns(lines[1:]) == {1, 2, 3}
