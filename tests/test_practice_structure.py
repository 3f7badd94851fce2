"""Issue 9 pacing found with the practice4 scripts (tuning data): scripted turns, fixed seeds."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.core.practice import PracticeEngine, is_threat
from bot.core.social import is_closing
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


@pytest.mark.parametrize(
    "line",
    [
        "Thank you, Curtis. You've been very kind to take my call. Goodbye.",
        "Thank you. I really appreciate you talking with me. Take good care.",
        "I'm grateful for your time and for how honestly you spoke. Good night.",
        "Gracias por su tiempo, señora. Adiós.",
    ],
)
def test_a_goodbye_is_a_closing_and_opens_nothing(line: str) -> None:
    assert is_closing(line)
    persona = PERSONAS["bad-news-calls-dad"]
    s = persona.student.name
    # the kind yes/no interviewer of practice4's kind_yes_no-c, whose goodbye opened a layer
    lines = [
        OPENING,
        f"Thank you. I want you to know I'm calling because we care about {s}. Is that alright?",
        "Have the last few weeks been difficult?",
        f"Is {s} healthy at the moment?",
        "Is it mainly getting there that's the problem?",
        f"Did something happen at school that upset {s}?",
        line,
    ]
    rows = _rows(persona.id, lines, seed=12)
    assert rows[-1]["disclosed"] == [] and not rows[-1]["insight"]


@pytest.mark.parametrize(
    "line", ["We want a good night's sleep for her.", "Who takes care of him?"]
)
def test_good_night_sleep_and_taking_care_are_not_goodbyes(line: str) -> None:
    assert not is_closing(line)


KIND_YES_NO = [
    OPENING,
    "Thank you so much. I've been thinking about {s}. Is everything alright at home?",
    "Is {s} feeling okay these days?",
    "Has {s} been sleeping alright?",
    "Are mornings the hardest time of day?",
    "Does {s} ever say they don't want to go?",
    "Has that been going on for a while?",
    "Is {s} getting along with the other kids?",
]


@pytest.mark.parametrize("persona_id", sorted(PERSONAS))
def test_a_kind_yes_no_interviewer_hears_later_than_an_open_one(persona_id: str) -> None:
    persona = PERSONAS[persona_id]
    s = persona.student.name
    closed = _rows(persona_id, [line.replace("{s}", s) for line in KIND_YES_NO], seed=2)
    first = practice_eval.first_disclosure(closed)
    # never in the first four turns, whatever the warm words (an open question can)
    assert first is None or first >= 5, persona_id
    if persona.style == "reserved":
        assert first is None, persona_id  # short answers from someone who opens up slowly


def test_a_talkative_caregiver_overflows_a_kind_yes_no_interview_into_a_layer() -> None:
    talkative = [p for p in PERSONAS.values() if p.style in ("verbose", "pleasing", "tangents")]
    heard = 0
    for persona in talkative:
        lines = [line.replace("{s}", persona.student.name) for line in KIND_YES_NO]
        heard += practice_eval.first_disclosure(_rows(persona.id, lines, seed=2)) is not None
    assert heard >= len(talkative) // 2


def test_the_insight_may_follow_a_summary_that_quotes_a_narrow_subject() -> None:
    persona = PERSONAS["bad-news-calls-dad"]
    s = persona.student.name
    lines = [
        "Good evening, Curtis. This is Mr. Haddad from the school. Do you have a few minutes?",
        f"Thank you. I'm calling to listen. I'd like to understand how this year has gone for {s}.",
        "If I'm understanding you, your stomach drops when the school calls.",
        "That sounds like it's been building for a while.",
        "You've put it plainly. I appreciate you being direct with me.",
        "What's a morning like at your house?",
        "It sounds like your mom is the one who gets her out the door.",
        f"What does {s} say about school when she comes home?",
        "It sounds like you've already tried a number of things on your own.",
        "And you're left wondering what's left to try.",
        f"What would you want me to tell {s}'s teachers about this?",
        "So, in short: 'same as any job', and the calls feel like bad news. I'll carry that back.",
    ]
    rows = _rows(persona.id, lines, seed=3)
    assert sum(len(r["disclosed"]) for r in rows) == 4  # type: ignore[arg-type]
    assert any(r["insight"] for r in rows)
