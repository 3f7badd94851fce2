"""The offline scripted responder: voices the plan's mode from the card's lines."""

from __future__ import annotations

import asyncio
import itertools

import pytest
from practice_kit import OPEN_SCRIPT, make_persona, make_review, stub_review

from bot.core.practice import PracticeEngine, ReplyPlan, Usage
from bot.llm.base import Responder
from bot.llm.scripted import ScriptedResponder, is_greeting

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


@pytest.mark.xfail(reason="pre-issue-9 behaviour; test not yet rewritten", strict=False)
def test_same_mode_over_and_over_rarely_repeats() -> None:
    # 8 closed questions: 4 brief lines, each used exactly twice.
    replies = run(["Does he like school?"] * 8)
    brief = make_persona().voice.brief
    assert sorted(replies) == sorted(brief * 2)


@pytest.mark.xfail(reason="pre-issue-9 behaviour; test not yet rewritten", strict=False)
def test_brief_reply_shorter_than_open() -> None:
    brief = ScriptedResponder().reply(plan_for("Does he like school?"))
    open_ = ScriptedResponder().reply(plan_for("Tell me about mornings."))
    assert len(brief.split()) < len(open_.split())
    assert brief in make_persona().voice.brief


@pytest.mark.xfail(reason="pre-issue-9 behaviour; test not yet rewritten", strict=False)
def test_open_uses_topic_lines_then_fallback() -> None:
    voice = make_persona().voice
    reply = ScriptedResponder().reply(plan_for("Tell me about mornings."))
    used = [line for line in voice.topics["mornings"] if line in reply]
    assert len(used) == 2
    reply = ScriptedResponder().reply(plan_for("How are things?"))
    used = [line for line in [*voice.surface, *voice.general] if line in reply]
    assert len(used) == 2


def test_guarded_after_intervention() -> None:
    plan = plan_for("Have you tried an earlier bedtime?", opening_trust=9.0)
    assert plan.mode == "guarded"
    assert ScriptedResponder().reply(plan) in make_persona().voice.guarded


@pytest.mark.xfail(reason="pre-issue-9 behaviour; test not yet rewritten", strict=False)
def test_acknowledge_with_topic_line() -> None:
    voice = make_persona().voice
    reply = ScriptedResponder().reply(plan_for("It sounds like a lot."))
    assert reply in voice.acknowledge
    reply = ScriptedResponder().reply(
        plan_for("It sounds like mornings are a lot.", make_review("x", ["reflection"]))
    )
    assert any(reply.startswith(a) for a in voice.acknowledge)
    assert any(line in reply for line in voice.topics["mornings"])


@pytest.mark.xfail(reason="pre-issue-9 behaviour; test not yet rewritten", strict=False)
def test_disclose_and_insight_lines() -> None:
    persona = make_persona()
    replies = run(OPEN_SCRIPT, opening_trust=1.0)
    assert replies[1] == " ".join(persona.layers[0].says)
    assert replies[3] == " ".join(persona.layers[2].says)
    assert replies[4] == "…actually, there's something else. " + " ".join(
        persona.hidden_insight.says
    )


@pytest.mark.xfail(reason="pre-issue-9 behaviour; test not yet rewritten", strict=False)
def test_spanish_lead_in() -> None:
    persona = make_persona(language="es")
    engine = PracticeEngine(persona, reviewer=stub_review, seed=1)
    responder = ScriptedResponder()
    for text in OPEN_SCRIPT:
        plan = engine.plan(text)
        reply = responder.reply(plan)
        engine.record(plan, reply)
    assert reply.startswith("…bueno, hay algo más.")


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
