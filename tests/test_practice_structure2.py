"""Issue 9 structure, round 2: kind yes/no late and rare, threats delay, skilled earns the insight.

Scripted turns in this file's own wording, deterministic seeds, every shipped persona:

- a kind interviewer who puts a warm line before every yes/no question ("Thanks for telling
  me. Is it worse on Mondays?") hears no layer before the fifth turn, and only from a
  talkative caregiver (:data:`bot.core.practice.OVERFLOW_STYLES`); a reserved, plain or upset
  one just answers (DOMAIN.md: closed questions shut the story down);
- three threatening turns (petition, court, child services) delay the first layer by at
  least three turns against the same script without them, for every persona;
- "Is there anything I didn't ask?" at the end of a skilled interview is an invitation, not
  a yes/no question: it earns listening credit and can open the hidden insight;
- the bench's threat delay counts from the first threatening turn (a layer told at the
  greeting, before any threat, is not one the threats could delay).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.core.practice import MOVE_GAIN, OVERFLOW_STYLES, PracticeEngine, Turn
from bot.core.topics import question_intent
from bot.llm.scripted import ScriptedResponder
from bot.personas import load_all

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import practice_eval

PERSONAS = load_all()

WARM_YES_NO = [
    "Hello {c}, this is Ms. Reyes from the school office. Do you have a moment?",
    "Thanks so much. Is {s} okay these days?",
    "Thanks for telling me. Is it worse on Mondays?",
    "I appreciate you sharing that. Does {s} have trouble getting up?",
    "Thank you for being so open. Is {s} eating breakfast?",
    "That's good to hear. Does {s} ride the bus?",
    "Thanks. Does {s} have a favorite class?",
    "I'm glad. Is there a teacher {s} likes?",
    "Thank you. Would a reminder text help?",
    "Thanks for that. Can I call again next week?",
]

THREATS = [
    "I have to tell you the district will file a truancy petition if this keeps up.",
    "A judge at the county court could order you to attend a hearing.",
    "We may also have to make a report to child protective services.",
]

SKILLED = [
    "Hi {c}, this is Mr. Lee, {s}'s counselor. Thanks for picking up.",
    "I'm not calling to get anyone in trouble. How have mornings been for {s} lately?",
    "What happens on the mornings that go badly?",
    "What is that like for you, getting through those mornings?",
    "When {s} stays home, how does the day go?",
    "What do you think makes school hard for {s} right now?",
    "How has it been for you, hearing from the school about this?",
    "Who helps you out with {s} during the week?",
    "What would make the biggest difference for your family?",
    "What do you wish {s}'s teachers understood?",
    "What are you hoping for, for {s}, this spring?",
    "What does a good day look like for {s}?",
    "How do you get through the hard weeks yourself?",
    "Is there anything I didn't ask that you think matters?",
    "Thank you, {c}. This helped me a lot. Take care.",
]


def _run(persona_id: str, lines: list[str], seed: int) -> list[Turn]:
    persona = PERSONAS[persona_id]
    engine = PracticeEngine(persona, seed=seed)
    responder = ScriptedResponder()
    turns: list[Turn] = []
    for line in lines:
        text = line.replace("{c}", persona.name.split()[0]).replace("{s}", persona.student.name)
        plan = engine.plan(text)
        turns.append(engine.record(plan, responder.reply(plan)))
    return turns


def _first_layer(turns: list[Turn]) -> int | None:
    return next((t.index for t in turns if t.disclosed or t.insight), None)


@pytest.mark.parametrize("persona_id", sorted(PERSONAS))
@pytest.mark.parametrize("seed", [3, 11])
def test_warm_yes_no_questions_open_a_layer_late_and_only_from_a_talkative_caregiver(
    persona_id: str, seed: int
) -> None:
    turns = _run(persona_id, WARM_YES_NO, seed)
    first = _first_layer(turns)
    if PERSONAS[persona_id].style in OVERFLOW_STYLES:
        assert first is None or first >= 5, [t.disclosed for t in turns]
    else:
        assert first is None, [t.disclosed for t in turns]
    assert sum(len(t.disclosed) for t in turns) <= 2  # a verbose one may add a second
    assert not any(t.insight for t in turns)


def test_warm_yes_no_questions_still_reach_some_talkative_caregiver() -> None:
    """A kind yes/no interviewer "still hears something" (issue 9): not nothing from everyone."""
    heard = [
        p
        for p, card in PERSONAS.items()
        if card.style in OVERFLOW_STYLES and _first_layer(_run(p, WARM_YES_NO, 3)) is not None
    ]
    assert heard


@pytest.mark.parametrize("persona_id", sorted(PERSONAS))
def test_three_threats_delay_the_first_layer_by_three_turns(persona_id: str) -> None:
    threatened = [SKILLED[0], *THREATS, *SKILLED[1:]]
    with_threats = _first_layer(_run(persona_id, threatened, 5))
    without = _first_layer(_run(persona_id, SKILLED, 5))
    assert without is not None
    # the same skilled turn number in the threatened script is `without + len(THREATS)`
    later = (with_threats or len(threatened) + 1) - (without + len(THREATS))
    assert later >= 3, (with_threats, without)


@pytest.mark.parametrize("persona_id", sorted(PERSONAS))
def test_a_skilled_interview_earns_the_insight(persona_id: str) -> None:
    """Fifteen turns: a reserved caregiver's four spaced layers need most of them."""
    turns = _run(persona_id, SKILLED, 7)
    assert any(t.insight for t in turns), [(t.index, t.disclosed, t.listening) for t in turns]
    # no insight before sustained listening: never in the first five turns
    assert not any(t.insight for t in turns[:5])


@pytest.mark.parametrize(
    "line",
    [
        "Is there anything I didn't ask that you think matters?",
        "anything i didnt think to ask?",
        "Anything I'm missing?",
    ],
)
def test_asking_what_was_missed_earns_credit_like_what_else(line: str) -> None:
    engine = PracticeEngine(PERSONAS["night-shift-mom"], seed=2)
    responder = ScriptedResponder()
    for text in ("Hi, this is the school counselor.", "How have mornings been for Kayla?"):
        plan = engine.plan(text)
        engine.record(plan, responder.reply(plan))
    plan = engine.plan(line)
    turn = engine.record(plan, responder.reply(plan))
    assert turn.listening >= 1.0
    assert "yes_no" not in turn.events


def test_a_plain_yes_no_question_still_earns_little() -> None:
    engine = PracticeEngine(PERSONAS["night-shift-mom"], seed=2)
    responder = ScriptedResponder()
    plan = engine.plan("Hi, this is the school counselor.")
    engine.record(plan, responder.reply(plan))
    plan = engine.plan("Is Kayla sleeping okay?")
    turn = engine.record(plan, responder.reply(plan))
    assert turn.listening < 1.0


def test_spanish_cual_asks_what() -> None:
    assert question_intent("Si pudiera cambiar una cosa, ¿cuál sería?") == "what"
    assert question_intent("¿Cuáles son los días más difíciles?") == "what"
    assert question_intent("¿Le gusta la escuela a su hija?") == "yes_no"


def test_bench_threat_delay_ignores_a_layer_told_before_the_threats() -> None:
    """A greeting layer in both runs is not a delay of zero (bench/practice_eval.py)."""
    rows = [
        {"turn": 1, "disclosed": ["a"], "insight": False},
        {"turn": 2, "disclosed": [], "insight": False},
        {"turn": 3, "disclosed": ["b"], "insight": False},
    ]
    assert practice_eval.first_disclosure(rows) == 1
    assert practice_eval.first_disclosure(rows, 1) == 2  # counted from after the first row
    assert practice_eval.first_disclosure(rows[:2], 1) is None


@pytest.mark.parametrize("persona_id", sorted(PERSONAS))
def test_an_opening_line_earns_no_reflection_credit_and_no_layer(persona_id: str) -> None:
    """Nothing has been said to reflect back at turn 1 (the rules reviewer may see one)."""
    opening = (
        "Hello {c}? This is the front desk at {s}'s school. I have a couple of quick "
        "questions, it will only take a minute."
    )
    first = _run(persona_id, [opening], 4)[0]
    assert first.listening < MOVE_GAIN["reflection"]
    assert not first.disclosed
