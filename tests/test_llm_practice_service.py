"""The practice service with the model backend (OpenAI HTTP mocked by respx) and without it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx
from fake_openai import FakeOpenAI, completion_json, sse_body
from practice_kit import OPEN_SCRIPT, make_persona, stub_review

from bot.bootstrap import start_practice
from bot.config import Settings
from bot.core.persona import Persona
from bot.core.practice import PracticeEngine, ReplyPlan
from bot.llm.client import ModelClient
from bot.llm.errors import ModelKeyRejected
from bot.llm.model_reviewer import ModelReviewer
from bot.llm.openai_responder import OpenAIResponder, ReplyStream
from bot.llm.scripted import ScriptedResponder
from bot.services.practice import FALLBACK_NOTE, PracticeService

BASE = "https://llm.test/v1"


def settings(**over: Any) -> Settings:
    values: dict[str, Any] = {
        "OPENAI_API_KEY": "sk-x",
        "OPENAI_BASE_URL": BASE,
        "max_retries": 2,
        "request_timeout": 2.0,
        "check_principles": False,
    }
    values.update(over)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def stream_response(text: str, usage: tuple[int, int] = (100, 20)) -> httpx.Response:
    words = text.split(" ")
    deltas = [w + " " for w in words[:-1]] + [words[-1]]
    return httpx.Response(
        200, text=sse_body(deltas, usage), headers={"content-type": "text/event-stream"}
    )


def router(
    reply: Callable[[dict], httpx.Response] | None = None,
    structured: dict[str, Callable[[dict], httpx.Response]] | None = None,
) -> Callable[[httpx.Request], httpx.Response]:
    """A respx side effect that answers caregiver, review and principle requests apart."""
    clean = json.dumps({"findings": [], "reframe": None, "moves": []})
    structured = {
        "ModelReviewAnswer": lambda b: httpx.Response(200, json=completion_json(clean)),
        **(structured or {}),
    }

    def handle(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.read())
        fmt = body.get("response_format")
        if fmt:
            name = fmt["json_schema"]["name"]
            return structured[name](body)
        assert body.get("stream") is True
        return (reply or (lambda b: stream_response("Mornings are a lot, honestly.")))(body)

    return handle


def make_service(s: Settings, *, review_mode: str = "rules", persona=None) -> PracticeService:
    client = ModelClient(s)
    return PracticeService(
        persona or make_persona(),
        responder=OpenAIResponder(client),
        fallback=ScriptedResponder(),
        model_reviewer=ModelReviewer(client) if review_mode != "rules" else None,
        review_mode=review_mode,  # type: ignore[arg-type]
    )


def test_scripted_alone_needs_no_model() -> None:
    service = PracticeService(make_persona(), responder=ScriptedResponder())
    deltas: list[str] = []
    turn = asyncio.run(service.take_turn("Tell me about mornings at your house.", deltas.append))
    assert turn.index == 1 and turn.caregiver and turn.note is None
    assert "".join(deltas) == turn.caregiver
    assert turn.usage.prompt_tokens == 0
    debrief = service.end()
    assert debrief.turns == 1 and debrief.estimated_cost_usd is None


@respx.mock(base_url=BASE)
def test_model_turn_streams_and_records_usage(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/chat/completions").mock(side_effect=router())
    service = make_service(settings())

    async def run():
        deltas: list[str] = []

        async def on_delta(d: str) -> None:  # async callbacks are awaited
            deltas.append(d)

        turn = await service.take_turn("Tell me about mornings at your house.", on_delta)
        return turn, deltas

    turn, deltas = asyncio.run(run())
    assert turn.caregiver == "Mornings are a lot, honestly."
    assert len(deltas) == 5 and "".join(deltas) == turn.caregiver
    assert turn.note is None
    assert (turn.usage.prompt_tokens, turn.usage.completion_tokens) == (100, 20)
    assert route.call_count == 1
    debrief = service.end()
    assert debrief.usage.prompt_tokens == 100
    assert debrief.estimated_cost_usd is not None and debrief.estimated_cost_usd > 0


@respx.mock(base_url=BASE)
def test_500_three_times_falls_back_keeps_turn_and_retries_next_turn(
    respx_mock: respx.MockRouter,
) -> None:
    outcomes = iter(
        [httpx.Response(500, headers={"retry-after-ms": "1"}, json={"error": {"message": "down"}})]
        * 3
        + [stream_response("I am back on the line.")]
    )
    route = respx_mock.post("/chat/completions").mock(side_effect=router(lambda b: next(outcomes)))
    persona = make_persona()
    service = make_service(settings(), persona=persona)
    twin = PracticeEngine(persona)  # what the scripted responder says for the same plan
    first_plan = twin.plan("Tell me about mornings at your house.")

    deltas: list[str] = []
    first = asyncio.run(service.take_turn("Tell me about mornings at your house.", deltas.append))
    assert route.call_count == 3  # first try + 2 retries
    assert first.note == FALLBACK_NOTE
    assert first.caregiver == ScriptedResponder().reply(first_plan)
    assert "".join(deltas) == first.caregiver
    assert service.fallback_turns == 1

    second = asyncio.run(service.take_turn("What else?"))
    assert route.call_count == 4  # the next turn tried the model again
    assert second.note is None and second.caregiver == "I am back on the line."
    assert [t.index for t in service.engine.turns] == [1, 2]


@respx.mock(base_url=BASE)
def test_stream_broken_midway_resets_and_falls_back(respx_mock: respx.MockRouter) -> None:
    async def broken_body():
        yield sse_body(["Well, "], usage=None).split("data: [DONE]")[0].encode()
        raise httpx.ReadError("connection reset")

    respx_mock.post("/chat/completions").mock(
        side_effect=router(
            lambda b: httpx.Response(
                200, content=broken_body(), headers={"content-type": "text/event-stream"}
            )
        )
    )
    service = make_service(settings())
    events: list[str] = []
    turn = asyncio.run(
        service.take_turn(
            "Tell me about mornings at your house.",
            lambda d: events.append(d),
            on_reset=lambda: events.append("<reset>"),
        )
    )
    assert events[0] == "Well, " and events[1] == "<reset>"
    assert "".join(events[2:]) == turn.caregiver
    assert turn.note == FALLBACK_NOTE


@respx.mock(base_url=BASE)
def test_hybrid_runs_model_review_alongside_the_reply(respx_mock: respx.MockRouter) -> None:
    started: list[str] = []

    def review(body: dict) -> httpx.Response:
        started.append("review")
        content = json.dumps(
            {
                "findings": [
                    {
                        "kind": "leading",
                        "evidence": "his grades slipping",
                        "why": "It presumes the grades are slipping.",
                    }
                ],
                "reframe": "How are things going for him at school?",
                "moves": [],
            }
        )
        return httpx.Response(200, json=completion_json(content, 300, 40))

    def reply(body: dict) -> httpx.Response:
        started.append("reply")
        return stream_response("Mornings, yes.")

    route = respx_mock.post("/chat/completions").mock(
        side_effect=router(reply, {"ModelReviewAnswer": review})
    )
    service = make_service(settings(), review_mode="hybrid")
    turn = asyncio.run(service.take_turn("How do you feel about his grades slipping?"))
    assert sorted(started) == ["reply", "review"]
    assert [(f.kind, f.source) for f in turn.review.findings] == [("leading", "llm")]
    assert turn.review.reframe == "How are things going for him at school?"
    assert turn.usage.prompt_tokens == 100 + 300
    assert turn.usage.completion_tokens == 20 + 40

    # an intervention the rules catch: no model review is asked for
    calls = route.call_count
    turn2 = asyncio.run(service.take_turn("Have you tried an earlier bedtime?"))
    assert route.call_count == calls + 1
    assert turn2.review.has_intervention and turn2.mode == "guarded"


@respx.mock(base_url=BASE)
def test_hybrid_malformed_review_keeps_rules_review(respx_mock: respx.MockRouter) -> None:
    respx_mock.post("/chat/completions").mock(
        side_effect=router(
            structured={
                "ModelReviewAnswer": lambda b: httpx.Response(200, json=completion_json("{oops"))
            }
        )
    )
    service = make_service(settings(), review_mode="hybrid")
    turn = asyncio.run(service.take_turn("What time does he usually go to bed?"))
    assert turn.note is None  # the reply itself came from the model
    assert all(f.source == "rules" for f in turn.review.findings)


@respx.mock(base_url=BASE)
def test_model_mode_caregiver_reacts_to_model_findings(respx_mock: respx.MockRouter) -> None:
    text = "Mornings are probably just chaos because of you, right?"
    judged = json.dumps(
        {
            "findings": [
                {"kind": "judgment", "evidence": "because of you", "why": "Blames the parent."}
            ],
            "reframe": "What are mornings like at your house?",
            "moves": [],
        }
    )
    respx_mock.post("/chat/completions").mock(
        side_effect=router(
            structured={
                "ModelReviewAnswer": lambda b: httpx.Response(200, json=completion_json(judged))
            }
        )
    )
    service = make_service(settings(), review_mode="model")
    turn = asyncio.run(service.take_turn(text))
    assert turn.mode == "guarded"
    assert [(f.kind, f.evidence) for f in turn.review.findings] == [("judgment", "because of you")]


@respx.mock(base_url=BASE)
def test_principle_check_rewrites_once(respx_mock: respx.MockRouter) -> None:
    seen: list[dict] = []

    def verdict(body: dict) -> httpx.Response:
        seen.append(body)
        return httpx.Response(
            200,
            json=completion_json(
                json.dumps({"broken": [1], "rewrite": "He tries hard, he really does."}), 80, 15
            ),
        )

    respx_mock.post("/chat/completions").mock(
        side_effect=router(
            lambda b: stream_response("Leo is just lazy."), {"PrincipleVerdict": verdict}
        )
    )
    service = make_service(settings(check_principles=True))
    deltas: list[str] = []
    turn = asyncio.run(service.take_turn("How are mornings?", deltas.append))
    assert turn.caregiver == "He tries hard, he really does."
    assert deltas == ["He tries hard, he really does."]  # the bad draft was never shown
    assert len(seen) == 1 and "never blames Leo" in seen[0]["messages"][0]["content"]
    assert turn.usage.prompt_tokens == 100 + 80


@respx.mock(base_url=BASE)
def test_failed_principle_check_keeps_the_draft(respx_mock: respx.MockRouter) -> None:
    respx_mock.post("/chat/completions").mock(
        side_effect=router(
            lambda b: stream_response("We manage."),
            {"PrincipleVerdict": lambda b: httpx.Response(200, json=completion_json("not json"))},
        )
    )
    turn = asyncio.run(make_service(settings(check_principles=True)).take_turn("How are mornings?"))
    assert turn.caregiver == "We manage." and turn.note is None


def test_callback_error_cancels_the_plan() -> None:
    service = PracticeService(make_persona(), responder=ScriptedResponder())

    def explode(_: str) -> None:
        raise RuntimeError("the platform went away")

    with pytest.raises(RuntimeError):
        asyncio.run(service.take_turn("Tell me about mornings at your house.", explode))
    turn = asyncio.run(service.take_turn("Tell me about mornings at your house."))
    assert turn.index == 1


def test_start_practice_scripted_without_key() -> None:
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    service = asyncio.run(start_practice(make_persona(), settings=s))
    assert service.backend == "scripted"


@respx.mock(base_url=BASE)
def test_start_practice_with_key_checks_it_once(respx_mock: respx.MockRouter) -> None:
    models = respx_mock.get("/models").mock(
        return_value=httpx.Response(200, json={"object": "list", "data": []})
    )
    respx_mock.post("/chat/completions").mock(side_effect=router())

    async def run():
        service = await start_practice(make_persona(), settings=settings(review_mode="hybrid"))
        await service.take_turn("Tell me about mornings at your house.")
        await service.take_turn("What else?")
        await service.aclose()
        return service

    service = asyncio.run(run())
    assert service.backend == "openai"
    assert models.call_count == 1


@respx.mock(base_url=BASE)
def test_start_practice_rejected_key(respx_mock: respx.MockRouter) -> None:
    respx_mock.get("/models").mock(
        return_value=httpx.Response(401, json={"error": {"message": "Incorrect API key provided."}})
    )
    with pytest.raises(ModelKeyRejected, match=r"^OPENAI_API_KEY was rejected: Incorrect API key"):
        asyncio.run(start_practice(make_persona(), backend="openai", settings=settings()))


# -- the model voice: local screen, after-check only on a risk (issue 9 item 7) ----


def _fake_responder(fake: FakeOpenAI) -> OpenAIResponder:
    s = Settings(
        _env_file=None,  # type: ignore[call-arg]
        OPENAI_API_KEY="sk-x",
        OPENAI_BASE_URL=fake.base_url,
        max_retries=0,
        request_timeout=5.0,
        check_principles=True,
    )
    return OpenAIResponder(ModelClient(s))


def _voice(fake: FakeOpenAI, plan: ReplyPlan) -> tuple[str, list[str], ReplyStream]:
    async def go() -> tuple[str, list[str], ReplyStream]:
        stream = _fake_responder(fake).stream(plan)
        deltas = [d async for d in stream]
        return stream.text, deltas, stream

    return asyncio.run(go())


def _verdicts(fake: FakeOpenAI) -> list[Any]:
    return [r for r in fake.chat_requests if r.structured == "PrincipleVerdict"]


def _plan(text: str, persona: Persona | None = None, earlier: list[str] | None = None) -> ReplyPlan:
    engine = PracticeEngine(persona or make_persona(), reviewer=stub_review)
    for i, reply in enumerate(earlier or []):
        plan = engine.plan(f"Okay {i}.")
        engine.record(plan, reply)
    return engine.plan(text)


def test_common_case_streams_after_the_first_sentence_with_no_extra_call() -> None:
    plan = _plan("Tell me about mornings at your house.")
    assert plan.mode == "open"
    with FakeOpenAI() as fake:
        fake.reply = lambda b: "Mornings are a rush here. He is slow to wake up. We get there."
        text, deltas, stream = _voice(fake, plan)
    assert text == "Mornings are a rush here. He is slow to wake up. We get there."
    assert deltas[0] == "Mornings are a rush here. "  # shown once the first sentence is whole
    assert len(deltas) == 3  # then sentence by sentence, not held to the end
    assert len(fake.chat_requests) == 1 and not _verdicts(fake)
    assert stream.screen == [] and not stream.checked


def test_a_draft_that_misses_the_question_is_checked_and_rewritten_once() -> None:
    plan = _plan("Tell me about mornings at your house.")
    with FakeOpenAI() as fake:
        fake.reply = lambda b: "Lovely weather we are having today. The garden looks nice."
        fake.structured["PrincipleVerdict"] = lambda b: {
            "broken": [],
            "problems": ["off_question"],
            "rewrite": "Mornings are a rush, honestly.",
        }
        text, deltas, stream = _voice(fake, plan)
    assert text == "Mornings are a rush, honestly."
    assert deltas == ["Mornings are a rush, honestly."]  # the off-topic draft was never shown
    checks = _verdicts(fake)
    assert len(checks) == 1 and len(fake.chat_requests) == 2  # at most one extra call
    content = checks[0].body["messages"][0]["content"]
    assert "off_question" in content  # the screen's finding goes to the checker
    assert "Tell me about mornings at your house." in content
    assert "Mornings are a rush, honestly." in content  # the card's lines for the question
    assert "never blames Leo" in content
    assert stream.rewritten and stream.checked


def test_the_after_check_never_runs_twice_even_when_the_rewrite_is_poor() -> None:
    plan = _plan("Tell me about mornings at your house.")
    with FakeOpenAI() as fake:
        fake.reply = lambda b: "Lovely weather we are having today."
        fake.structured["PrincipleVerdict"] = lambda b: {
            "broken": [1],
            "problems": ["off_question"],
            "rewrite": "The garden looks nice.",
        }
        text, _, _ = _voice(fake, plan)
    assert text == "The garden looks nice."
    assert len(_verdicts(fake)) == 1 and len(fake.chat_requests) == 2


def test_a_yes_no_answer_against_the_card_is_caught() -> None:
    voice = make_persona().voice.model_dump()
    voice["yes_no"] = {"school_feelings": ["Yes, he likes it most days."]}
    plan = _plan("Does Leo like school?", make_persona(voice=voice))
    with FakeOpenAI() as fake:
        fake.reply = lambda b: "No, he hates it there."
        fake.structured["PrincipleVerdict"] = lambda b: {
            "broken": [],
            "problems": ["inconsistent"],
            "rewrite": "Yes, mostly. He likes his art class.",
        }
        text, _, stream = _voice(fake, plan)
    assert "contradicts_card" in stream.screen
    assert text == "Yes, mostly. He likes his art class."


def test_blame_breaks_never_blames_and_is_rewritten() -> None:
    plan = _plan("Tell me about mornings at your house.")
    with FakeOpenAI() as fake:
        fake.reply = lambda b: "Mornings are hard because Leo is lazy."
        fake.structured["PrincipleVerdict"] = lambda b: {
            "broken": [1],
            "rewrite": "Mornings are hard. He tries, he really does.",
        }
        text, _, stream = _voice(fake, plan)
    assert "breaks_principle" in stream.screen
    assert text == "Mornings are hard. He tries, he really does."


def test_a_later_sentence_that_repeats_an_earlier_reply_is_cut_without_a_call() -> None:
    earlier = "He is slow to wake up, every single day."
    plan = _plan("Tell me about mornings at your house.", earlier=[earlier])
    assert plan.mode == "open"
    with FakeOpenAI() as fake:
        fake.reply = lambda b: f"Mornings are a rush here. {earlier} Anyway."
        text, _, _ = _voice(fake, plan)
    assert text == "Mornings are a rush here."
    assert len(fake.chat_requests) == 1


def test_the_insight_turn_is_held_and_checked_before_it_is_shown() -> None:
    engine = PracticeEngine(make_persona(), reviewer=stub_review)
    plan = None
    for text in OPEN_SCRIPT:
        plan = engine.plan(text)
        if plan.mode == "insight":
            break
        engine.record(plan, ScriptedResponder().reply(plan))
    assert plan is not None and plan.mode == "insight"
    draft = "…actually, there's something else. They held me back, the narwhal year. I freeze."
    with FakeOpenAI() as fake:
        fake.reply = lambda b: draft
        text, deltas, stream = _voice(fake, plan)
    assert deltas == [text]  # one piece: nothing shown before the check
    assert len(_verdicts(fake)) == 1
    assert "insight" in stream.screen
    assert text == draft  # a clean verdict keeps the draft


def test_a_disclosure_streams_like_any_turn_when_the_screen_passes() -> None:
    engine = PracticeEngine(make_persona(), reviewer=stub_review)
    plan = None
    for text in OPEN_SCRIPT:
        plan = engine.plan(text)
        if plan.mode == "disclose":
            break
        engine.record(plan, ScriptedResponder().reply(plan))
    assert plan is not None and plan.mode == "disclose"
    with FakeOpenAI() as fake:
        fake.reply = lambda b: "Mornings are a rush. I work nights at the plant. I get home at six."
        text, deltas, _ = _voice(fake, plan)
    assert len(deltas) == 3 and "".join(deltas).strip() == text
    assert not _verdicts(fake)
