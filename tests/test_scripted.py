"""The offline scripted responder: voices the plan's mode from the card's lines."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest
from practice_kit import OPEN_SCRIPT, make_persona, make_review, stub_review

from bot.core.persona import Persona
from bot.core.practice import PracticeEngine, ReplyPlan, Usage
from bot.llm.base import Responder
from bot.llm.scripted import ScriptedResponder, is_greeting, is_in_person
from bot.personas import load_all

ROTATION = [
    "How are things going?",
    "Does he like school?",
    "Tell me about mornings.",
    "You need to get him there.",
    "It sounds like a lot.",
    "What does he say about school?",
    "Are mornings hard?",
    "Have you tried an earlier bedtime?",
    "What do you hope for next year?",
    "Thank you for telling me.",
]


def run(texts: list[str], seed: int = 0, opening_trust: float = 0.0) -> list[str]:
    engine = PracticeEngine(
        make_persona(opening_trust=opening_trust), seed=seed, reviewer=stub_review
    )
    responder = ScriptedResponder()
    replies = []
    for text in texts:
        plan = engine.plan(text)
        reply = responder.reply(plan)
        engine.record(plan, reply)
        replies.append(reply)
    return replies


def plan_for(text: str, review=None, opening_trust: float = 0.0) -> ReplyPlan:  # type: ignore[no-untyped-def]
    return PracticeEngine(make_persona(opening_trust=opening_trust), reviewer=stub_review).plan(
        text, review
    )


def plan_for_persona(persona, text: str) -> ReplyPlan:  # type: ignore[no-untyped-def]
    return PracticeEngine(persona, reviewer=stub_review).plan(text)


def all_voice_lines() -> list[str]:
    v = make_persona().voice
    topic_lines = [line for lines in v.topics.values() for line in lines]
    return [*v.surface, *v.general, *v.brief, *v.guarded, *v.acknowledge, *topic_lines]


def test_is_a_responder() -> None:
    responder = ScriptedResponder()
    assert isinstance(responder, Responder)
    assert responder.name == "scripted"


def test_deterministic_for_a_seed() -> None:
    script = list(itertools.islice(itertools.cycle(ROTATION), 30))
    assert run(script, seed=3) == run(script, seed=3)
    assert run(script, seed=3) != run(script, seed=4)


def test_never_the_same_line_twice_in_a_row_over_30_turns() -> None:
    script = list(itertools.islice(itertools.cycle(ROTATION), 30))
    lines = all_voice_lines()
    for seed in range(5):
        replies = run(script, seed=seed)
        for before, after in itertools.pairwise(replies):
            assert before != after
            shared = [line for line in lines if line in before and line in after]
            assert not shared, (seed, before, after)


YES_NO = {
    "school_feelings": ["Yes, he likes it most days.", "He does, yeah, mostly."],
    "mornings": ["Yes, they're hard.", "Most of them, yeah."],
}
"""Yes/no answers that follow the card's facts (Leo likes school; mornings are hard)."""


def _with_yes_no(**overrides: Any) -> Persona:
    voice = make_persona().voice.model_dump()
    voice["yes_no"] = YES_NO
    return make_persona(voice=voice, **overrides)


def _run_with(persona, texts: list[str], seed: int = 0) -> list[str]:  # type: ignore[no-untyped-def]
    engine = PracticeEngine(persona, seed=seed, reviewer=stub_review)
    responder = ScriptedResponder()
    replies = []
    for text in texts:
        plan = engine.plan(text)
        reply = responder.reply(plan)
        engine.record(plan, reply)
        replies.append(reply)
    return replies


def test_same_closed_question_over_and_over_never_repeats_a_reply() -> None:
    # issue 9 item 6: no reply of four or more words identical to an earlier one;
    # the card's yes/no answer is used before anything else.
    replies = _run_with(_with_yes_no(), ["Does he like school?"] * 8)
    long_ones = [r for r in replies if len(r.split()) >= 4]
    assert len(long_ones) == len(set(long_ones)), replies
    assert replies[0] in YES_NO["school_feelings"]


def test_yes_no_answer_follows_the_card_and_the_style_sets_the_overflow() -> None:
    # plain style, low trust: the card's yes/no answer and nothing more
    plain = ScriptedResponder().reply(
        PracticeEngine(_with_yes_no(), reviewer=stub_review).plan("Does he like school?")
    )
    assert plain in YES_NO["school_feelings"]
    # verbose style: the same answer first, then more on the subject from the card
    verbose = ScriptedResponder().reply(
        PracticeEngine(_with_yes_no(style="verbose"), reviewer=stub_review).plan(
            "Does he like school?"
        )
    )
    first = next(a for a in YES_NO["school_feelings"] if verbose.startswith(a))
    rest = verbose[len(first) :]
    assert any(line in rest for line in make_persona().voice.topics["school_feelings"])
    assert "No, not really." not in verbose  # never contradicts the card


@pytest.mark.parametrize(("style", "n"), [("reserved", 1), ("plain", 2), ("verbose", 3)])
def test_open_answer_length_follows_the_style(style: str, n: int) -> None:
    voice = make_persona().voice
    reply = ScriptedResponder().reply(
        plan_for_persona(make_persona(style=style, opening_trust=3.0), "Tell me about mornings.")
    )
    used = [line for line in voice.topics["mornings"] if line in reply]
    assert len(used) == n, reply


def test_open_answer_with_no_subject_uses_the_surface_account_lines() -> None:
    voice = make_persona().voice
    reply = ScriptedResponder().reply(
        plan_for_persona(make_persona(opening_trust=3.0), "How are things?")
    )
    used = [line for line in [*voice.surface, *voice.general] if line in reply]
    assert len(used) == 2, reply
    assert not any(line in reply for lines in voice.topics.values() for line in lines)


def test_low_trust_shortens_an_open_answer() -> None:
    voice = make_persona().voice
    reply = ScriptedResponder().reply(
        plan_for_persona(make_persona(opening_trust=0.0), "Tell me about mornings.")
    )
    assert [line for line in voice.topics["mornings"] if line in reply] == [reply]


def test_acknowledge_starts_with_an_acknowledgement_and_stays_on_what_was_said() -> None:
    voice = make_persona().voice
    # a reserved caregiver at low trust only acknowledges
    reserved = ScriptedResponder().reply(
        plan_for_persona(make_persona(style="reserved", opening_trust=0.0), "It sounds like a lot.")
    )
    assert reserved in voice.acknowledge
    # a plain one acknowledges, then adds a line on the subject of its last reply
    engine = PracticeEngine(make_persona(opening_trust=0.0), reviewer=stub_review)
    responder = ScriptedResponder()
    first = engine.plan("What does he say about school?")
    engine.record(first, responder.reply(first))
    plan = engine.plan(
        "It sounds like school is okay for him.",
        make_review("It sounds like school is okay for him.", ["reflection"]),
    )
    assert plan.mode == "acknowledge", plan.mode
    reply = responder.reply(plan)
    start = next(a for a in voice.acknowledge if reply.startswith(a))
    assert any(line in reply[len(start) :] for line in voice.topics["school_feelings"]), reply


def test_disclose_and_insight_lines() -> None:
    persona = make_persona()
    engine = PracticeEngine(persona, reviewer=stub_review, seed=0)
    responder = ScriptedResponder()
    by_turn: dict[int, str] = {}
    for text in OPEN_SCRIPT:
        plan = engine.plan(text)
        reply = responder.reply(plan)
        engine.record(plan, reply)
        by_turn[plan.turn_index] = reply
    assert engine.disclosed_ids == [layer.id for layer in persona.layers]
    assert engine.insight_reached
    for layer in persona.layers:
        turn = next(t for t in engine.turns if layer.id in t.disclosed)
        assert by_turn[turn.index].endswith(" ".join(layer.says)), (layer.id, by_turn[turn.index])
    insight_turn = next(t for t in engine.turns if t.insight)
    assert by_turn[insight_turn.index] == "…actually, there's something else. " + " ".join(
        persona.hidden_insight.says
    )


def test_spanish_lead_in() -> None:
    persona = make_persona(language="es")
    engine = PracticeEngine(persona, reviewer=stub_review, seed=1)
    responder = ScriptedResponder()
    insight_reply = None
    for text in OPEN_SCRIPT:
        plan = engine.plan(text)
        reply = responder.reply(plan)
        engine.record(plan, reply)
        if plan.mode == "insight":
            insight_reply = reply
    assert engine.insight_reached
    assert insight_reply is not None
    assert insight_reply.startswith("…bueno, hay algo más.")


def test_guarded_after_intervention() -> None:
    plan = plan_for("Have you tried an earlier bedtime?", opening_trust=9.0)
    assert plan.mode == "guarded"
    assert ScriptedResponder().reply(plan) in make_persona().voice.guarded


def test_greeting_on_first_turn_only() -> None:
    greeting = make_persona().voice.greeting
    replies = run(["Hi Rosa, thank you for taking time to talk.", "Hello again, how are things?"])
    assert replies[0].startswith(greeting)
    assert greeting not in replies[1]
    assert not run(["How are things?"])[0].startswith(greeting)
    assert is_greeting("Thank you for taking time to talk with me.")
    assert is_greeting("Good morning!")
    assert not is_greeting("Tell me about mornings.")


def test_stream_and_complete() -> None:
    responder = ScriptedResponder()
    plan = plan_for("Tell me about mornings.")

    async def collect() -> list[str]:
        return [delta async for delta in responder.stream(plan)]

    deltas = asyncio.run(collect())
    assert len(deltas) > 1
    assert "".join(deltas) == responder.reply(plan)
    text, usage = asyncio.run(responder.complete(plan))
    assert text == responder.reply(plan)
    assert usage == Usage()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_replies_only_from_card(seed: int) -> None:
    persona = make_persona()
    allowed = [
        *all_voice_lines(),
        persona.voice.greeting,
        *[s for layer in persona.layers for s in layer.says],
        *persona.hidden_insight.says,
        "…actually, there's something else.",
    ]
    for reply in run([*ROTATION, *OPEN_SCRIPT, *ROTATION], seed=seed, opening_trust=1.0):
        rest = reply
        for line in sorted(allowed, key=len, reverse=True):
            rest = rest.replace(line, "")
        assert rest.strip() == "", reply


IN_PERSON_WELCOME = (
    "Good afternoon {name}, thanks for coming in. I'm Mr. Haddad, the principal. "
    "Can I get you some water or coffee before we start?"
)


@pytest.mark.parametrize("persona_id", sorted(load_all()))
def test_in_person_welcome_is_answered_as_a_meeting_not_a_phone_call(persona_id: str) -> None:
    persona = load_all()[persona_id]
    first = persona.name.split()[0]
    reply = _run_with(persona, [IN_PERSON_WELCOME.format(name=first)])[0]
    assert persona.voice.in_person, "every shipped card has an in-person welcome line"
    assert reply == persona.voice.in_person  # the welcome, no topic line tacked on
    assert persona.voice.greeting not in reply
    # a phone opening still gets the phone greeting
    phone = _run_with(persona, [f"Hi {first}, this is Ms. Carter from school."])[0]
    assert phone.startswith(persona.voice.greeting)
    assert is_in_person("Hola, pase, siéntese por favor.")
    assert not is_in_person("Hi, this is Ms. Carter calling from the school.")
