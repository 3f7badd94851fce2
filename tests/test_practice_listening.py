"""Issue 9, second round: listening is recognized in its many phrasings, gaming in its variants.

Every script here is written for these tests (families of phrasing, not lines
from the evaluation script sets), run against the shipped cards with the real
rules reviewer and the offline voice, with fixed seeds.
"""

from __future__ import annotations

import re

import pytest

from bot.core.practice import (
    THREAT_HOLDBACK,
    PracticeEngine,
    is_check_back,
    is_reflection,
    is_stock,
    utterance_signature,
)
from bot.core.topics import detect_subjects
from bot.llm.scripted import ScriptedResponder, for_whom
from bot.personas import load_all

PERSONAS = load_all()


def _echo(reply: str) -> str:
    """A few of the caregiver's own words from her last reply (what a listener reflects)."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", reply.strip()) if len(s.split()) >= 3]
    words = re.sub(r"[\"“”…]", "", sentences[-1] if sentences else reply).split()
    return " ".join(words[:5]).strip(" .,!?;:").lower() or "all of that"


def _run(persona_id: str, lines: list[str], seed: int = 5) -> list[dict[str, object]]:
    persona = PERSONAS[persona_id]
    engine = PracticeEngine(persona, seed=seed)
    responder = ScriptedResponder()
    rows: list[dict[str, object]] = []
    previous = ""
    for line in lines:
        text = line.replace("{student}", persona.student.name).replace("{echo}", _echo(previous))
        plan = engine.plan(text)
        reply = responder.reply(plan)
        turn = engine.record(plan, reply)
        previous = reply
        rows.append(
            {
                "staff": text,
                "reply": reply,
                "mode": turn.mode,
                "disclosed": turn.disclosed,
                "insight": turn.insight,
                "events": turn.events,
                "listening": turn.listening,
            }
        )
    return rows


def _layers(rows: list[dict[str, object]]) -> int:
    return sum(len(r["disclosed"]) for r in rows)  # type: ignore[arg-type]


OPENING = "Hi, I'm calling from the school. How has this year been going for your family?"

NEAR_VARIANTS = [
    ["That must be hard. Keep going.", "That must be so hard. Keep going."],
    ["Say more.", "Say more about that.", "Okay, say more.", "Say a little more about that."],
    ["Wow, that's hard. Go on.", "Wow, that's really hard. Go on.", "That's so hard. Go on."],
]


@pytest.mark.parametrize("variants", NEAR_VARIANTS)
@pytest.mark.parametrize("persona_id", ["asthma-mom", "night-shift-mom", "moving-between-homes"])
def test_one_stock_phrase_in_small_variants_earns_at_most_one_layer(
    persona_id: str, variants: list[str]
) -> None:
    lines = [OPENING] + [variants[i % len(variants)] for i in range(13)]
    rows = _run(persona_id, lines)
    assert _layers(rows) <= 1
    assert not any(r["insight"] for r in rows)
    assert any("repeat" in r["events"] for r in rows[2:])  # type: ignore[operator]


def test_cycling_stock_prompts_earns_at_most_one_layer() -> None:
    prompts = [
        "Go on. I hear you.",
        "Anything else?",
        "Your feelings are valid. Keep going.",
        "Mhm. And then?",
        "I totally understand. What else?",
        "Please continue.",
    ]
    for persona_id in ("asthma-mom", "big-sister-carer", "truancy-letters-mom"):
        rows = _run(persona_id, [OPENING] + prompts * 2)
        assert _layers(rows) <= 1, persona_id
        assert not any(r["insight"] for r in rows)


@pytest.mark.parametrize(
    "text",
    [
        "That must be hard. Tell me more.",
        "Tell me more.",
        "I hear you. I totally understand.",
        "Your feelings are valid. What else?",
    ],
)
def test_stock_turns_have_no_word_of_their_own(text: str) -> None:
    assert is_stock(PERSONAS["asthma-mom"], text)


@pytest.mark.parametrize(
    "text",
    [
        "Tell me more about the bus stop.",
        "What happened after the nurse called?",
        "It sounds like the mold in the bedroom has been a worry.",
    ],
)
def test_turns_with_their_own_words_are_not_stock(text: str) -> None:
    assert not is_stock(PERSONAS["asthma-mom"], text)


def test_signature_ignores_intensifiers_but_not_content() -> None:
    assert utterance_signature("That must be hard.") == utterance_signature("That must be so hard.")
    assert utterance_signature("Tell me more.") == utterance_signature("Tell me more about that.")
    assert utterance_signature("Tell me more about mornings.") != utterance_signature(
        "Tell me more."
    )


SAID = ["Mornings are rough. The bus comes at 6:40 and he has to walk to the stop in the dark."]


@pytest.mark.parametrize(
    "text",
    [
        "It seems like the early bus sets the tone for the whole day.",
        "What I'm hearing is that the walk in the dark worries you.",
        "So part of it is the bus, and part of it is the dark.",
        "You're describing mornings that start before anyone is really awake.",
        "The walk to the stop in the dark, every morning.",
        "Let me make sure I have this: the bus at 6:40 and a dark walk. Did I get that right?",
    ],
)
def test_reflections_in_many_phrasings_are_recognized(text: str) -> None:
    assert is_reflection(PERSONAS["bus-route-grandpa"], text, SAID)


@pytest.mark.parametrize(
    "text",
    [
        "What time does the bus come?",
        "Have you thought about a carpool?",
        "Thanks for picking up.",
    ],
)
def test_questions_and_small_talk_are_not_reflections(text: str) -> None:
    assert not is_reflection(PERSONAS["bus-route-grandpa"], text, SAID)


def test_no_reflection_before_the_caregiver_said_anything() -> None:
    assert not is_reflection(PERSONAS["bus-route-grandpa"], "It sounds like a lot.", [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("So the bus and the dark. Did I get that right?", True),
        ("There's the bus and the dark walk. Is that close?", True),
        ("Mornings, the bus, your own work. Is that a fair summary?", True),
        ("Am I hearing you right?", True),
        ("Is that the bus he takes?", False),
        ("Did he get to school on time?", False),
    ],
)
def test_check_backs(text: str, expected: bool) -> None:
    assert is_check_back(text) is expected


REFLECTIVE = [
    "Hi, this is the counselor at {student}'s school. How have things been lately?",
    "It seems like this year has asked a lot of you.",
    "What I'm hearing is '{echo}'.",
    "So part of it is '{echo}', and part of it is something harder to name.",
    "You're describing a family that keeps going no matter what.",
    "When you say '{echo}', I can hear how much that weighs on you.",
    "I'm getting the sense you've been figuring this out mostly on your own.",
    "So for you it comes down to '{echo}'.",
    "You care about {student} a great deal; that comes through.",
    "It seems like some of this has been hard to say out loud.",
    "What I'm hearing is that '{echo}' matters more than anyone at school knows.",
    "So, '{echo}'. That stays with me.",
    "It sounds like there's more underneath the days {student} is out.",
    "You've been honest with me, and that matters.",
]


def test_a_reflective_listener_without_stock_prompts_reaches_the_insight() -> None:
    reached = [p for p in PERSONAS if any(r["insight"] for r in _run(p, REFLECTIVE, seed=2))]
    assert len(reached) >= 7 * len(PERSONAS) // 9, reached


def test_after_a_threat_the_caregiver_holds_back_before_telling_more() -> None:
    skilled = [
        "Let's start again. How have things been going at home?",
        "What are mornings like at your house?",
        "What's a morning like when it goes well?",
        "And on the hard mornings, what happens?",
        "What does {student} do after school?",
        "What's the week like for your family?",
        "How has it been, hearing from the school?",
        "What would you want the school to understand?",
        "What else has been going on?",
        "What's been the hardest part for you?",
    ]
    threat = ["If this keeps up, we'll have to file a truancy petition with the court."]
    for persona_id in ("night-shift-mom", "asthma-mom", "bus-route-grandpa"):
        clean = _run(persona_id, skilled)
        threatened = _run(persona_id, threat + skilled)
        held = [r for r in threatened if "holding_back" in r["events"]]  # type: ignore[operator]
        assert len(held) <= THREAT_HOLDBACK
        first_clean = next(i for i, r in enumerate(clean) if r["disclosed"])
        first_threat = next(
            (i - 1 for i, r in enumerate(threatened) if r["disclosed"]), len(skilled)
        )
        assert first_threat - first_clean >= 3, persona_id


def test_a_trusting_caregiver_brings_up_a_layer_off_its_topic_and_answers_first() -> None:
    # broad open questions on subjects none of the later layers is about
    lines = [
        "Hi, I'm calling from the school to listen. How are things going?",
        "What's a morning like at your house?",
        "What are mornings like when they go well?",
        "And the harder mornings, what happens then?",
        "What do you hope next year looks like for {student}?",
        "What gets you through the busy weeks?",
        "What would you want our team to understand?",
        "What do you hope {student} remembers about this year?",
        "What keeps you going?",
        "What do you hope school feels like for {student}?",
    ]
    rows = _run("truancy-letters-mom", lines)
    assert _layers(rows) >= 2
    disclosed = [r for r in rows if r["disclosed"]]
    assert disclosed


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("What are her favorite foods?", "food"),
        ("What's something the school has done that bugged you?", "school_bad"),
        ("What gets you through the busy weeks?", "self"),
        ("If things were going really well a year from now, what would that be like?", "hopes"),
        ("What's worked before, even for a little while?", "help"),
        ("¿Cómo ha estado durmiendo últimamente?", "sleep"),
        ("What gets in the way on the hard days?", "school_bad"),
        ("What would make school feel like a better place for him?", "help"),
    ],
)
def test_everyday_questions_are_understood(question: str, subject: str) -> None:
    assert detect_subjects(question)[0] == subject


def test_a_question_about_the_student_is_not_answered_about_the_caregiver() -> None:
    persona = PERSONAS["night-shift-mom"]
    engine = PracticeEngine(persona, seed=1)
    plan = engine.plan("Is Marcus sick a lot?")
    pool = [*persona.voice.topics["health"], *persona.voice.yes_no.get("health", [])]
    fit = for_whom(plan, pool)
    assert fit and not any(line.startswith("Me?") for line in fit)
    engine.cancel()
    plan = engine.plan("Are you doing okay yourself, health-wise?")
    assert for_whom(plan, pool) == [line for line in pool if line.startswith("Me?")]


def test_a_check_back_is_confirmed_not_answered_with_household_facts() -> None:
    persona = PERSONAS["stomach-aches-mom"]
    engine = PracticeEngine(persona, seed=4)
    responder = ScriptedResponder()
    for text in (
        "Hi, this is the counselor. How have things been for Owen?",
        "What are Sunday nights like at your house?",
    ):
        engine.record(plan := engine.plan(text), responder.reply(plan))
    plan = engine.plan(
        "So Sunday nights are when it starts, and home feels full. Did I get that right?"
    )
    reply = responder.reply(plan)
    assert any(reply.startswith(a) for a in persona.voice.acknowledge), reply


@pytest.mark.parametrize(
    "question",
    [
        "Would a text the night before be useful?",
        "Is there a good time to call you back?",
    ],
)
def test_a_yes_no_question_earns_little_whatever_the_rules_saw(question: str) -> None:
    engine = PracticeEngine(PERSONAS["asthma-mom"], seed=1)
    engine.record(plan := engine.plan(OPENING), ScriptedResponder().reply(plan))
    turn = engine.record(plan := engine.plan(question), ScriptedResponder().reply(plan))
    assert turn.listening <= 0.5


def test_one_kind_line_after_empty_turns_opens_nothing() -> None:
    lines = [OPENING, "Tell me more.", *["Tell me more."] * 8, "Thank you so much for telling me."]
    for persona_id in ("asthma-mom", "night-shift-mom", "orchard-season-mom"):
        rows = _run(persona_id, lines)
        assert not rows[-1]["disclosed"], persona_id


@pytest.mark.parametrize(
    "offer",
    [
        "We have a food pantry here, I can put a bag together for you this week.",
        "Have you tried setting two alarms?",
        "There's a free tutoring program on Tuesdays that could help.",
    ],
)
def test_advice_is_answered_as_an_offer_with_the_cards_own_words(offer: str) -> None:
    for persona in PERSONAS.values():
        engine = PracticeEngine(persona, seed=3)
        plan = engine.plan(offer)
        if "advice" not in plan.review.kinds or plan.close_up is not None or plan.threat:
            continue  # a close-up trigger or a threat has its own lines
        reply = ScriptedResponder().reply(plan)
        assert reply in persona.voice.offered, (persona.id, reply)


def test_every_card_answers_offers() -> None:
    assert all(len(p.voice.offered) >= 3 for p in PERSONAS.values())


def test_a_summary_check_back_counts_as_listening() -> None:
    persona = PERSONAS["bus-route-grandpa"]
    engine = PracticeEngine(persona, seed=1)
    engine.record(plan := engine.plan(OPENING), "The stop is a mile down the county road.")
    plan = engine.plan(
        "Let me try to sum up: the stop is a mile down the county road. Is that a fair summary?"
    )
    turn = engine.record(plan, ScriptedResponder().reply(plan))
    assert turn.listening >= 1.5
    assert "reflection_miss" not in turn.events
