"""The model reviewer: structured outputs into the contract, spans, merging, modes, fallback."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import respx
from fake_openai import completion_json

from bot.config import Settings
from bot.core.models import Finding, Review
from bot.core.review import review as rules_review
from bot.llm.client import ModelClient
from bot.llm.errors import ModelUnavailable
from bot.llm.model_reviewer import (
    ModelFinding,
    ModelReviewAnswer,
    ModelReviewer,
    locate,
    merge_reviews,
    review_messages,
    to_review,
)
from bot.services.review import areview_lines, review_lines, review_one

BASE = "https://llm.test/v1"


def client() -> ModelClient:
    s = Settings(_env_file=None, OPENAI_API_KEY="sk-x", OPENAI_BASE_URL=BASE, max_retries=0)  # type: ignore[call-arg]
    return ModelClient(s)


def answer(
    *findings: tuple[str, str], reframe: str | None = "What is a morning like?", moves=()
) -> str:
    return json.dumps(
        {
            "findings": [{"kind": k, "evidence": e, "why": "Because."} for k, e in findings],
            "reframe": reframe if findings else None,
            "moves": list(moves),
        }
    )


# ------------------------------------------------------------------ spans


def test_locate_exact_quoted_and_loose() -> None:
    text = "So, don't you think Maya should be  in school more?"
    assert locate(text, "don't you think") == (4, 19)
    assert locate(text, '"don\'t you think"') == (4, 19)
    assert locate(text, "Don’t you THINK") == (4, 19)  # curly apostrophe, other case
    start, end = locate(text, "should be in school")  # whitespace differs
    assert text[start:end] == "should be  in school"
    assert locate(text, "you should go") is None


def test_locate_prefers_an_untaken_occurrence() -> None:
    text = "Why? Why did you keep her home?"
    assert locate(text, "Why") == (0, 3)
    assert locate(text, "Why", taken=[(0, 3)]) == (5, 8)


def test_to_review_computes_spans_and_drops_invented_evidence() -> None:
    text = "Have you tried an earlier bedtime? Why didn't you call?"
    parsed = ModelReviewAnswer(
        findings=[
            ModelFinding(
                kind="advice", evidence="Have you tried an earlier bedtime?", why="A tip."
            ),
            ModelFinding(kind="why_blame", evidence="Why didn't you call", why="Blame."),
            ModelFinding(kind="judgment", evidence="you are a bad parent", why="Invented."),
        ],
        reframe="Tell me about bedtime at your house.",
        moves=["reflection", "open_question", "open_question"],
    )
    rv = to_review(text, parsed)
    assert [f.kind for f in rv.findings] == ["advice", "why_blame"]
    for f in rv.findings:
        assert f.source == "llm"
        assert text[f.span[0] : f.span[1]] == f.evidence
    assert rv.findings[0].severity == "intervention"
    assert rv.findings[1].severity == "craft"
    assert rv.reframe == "Tell me about bedtime at your house."
    assert rv.moves == ["open_question", "reflection"]


def test_to_review_without_findings_has_no_reframe() -> None:
    rv = to_review(
        "What else?", ModelReviewAnswer(findings=[], reframe="Tell me more.", moves=["follow_up"])
    )
    assert rv.findings == [] and rv.reframe is None and rv.moves == ["follow_up"]


def _f(kind, span, source="rules", text="x" * 60) -> Finding:
    from bot.core.models import SEVERITY_OF

    return Finding(
        kind=kind,
        severity=SEVERITY_OF[kind],
        span=span,
        evidence=text[span[0] : span[1]],
        why="w",
        source=source,
    )


def test_merge_has_no_duplicate_kind_over_overlapping_spans() -> None:
    text = "x" * 60
    rules = Review(
        text=text, findings=[_f("advice", (0, 14))], reframe="R", moves=["open_question"]
    )
    model = Review(
        text=text,
        findings=[
            _f("advice", (5, 30), "llm"),  # same kind, overlaps: dropped
            _f("judgment", (5, 30), "llm"),  # other kind: kept
            _f("advice", (40, 50), "llm"),  # same kind elsewhere: kept
        ],
        reframe="M",
        moves=["reflection"],
    )
    merged = merge_reviews(rules, model)
    assert [(f.kind, f.span, f.source) for f in merged.findings] == [
        ("advice", (0, 14), "rules"),
        ("judgment", (5, 30), "llm"),
        ("advice", (40, 50), "llm"),
    ]
    assert merged.reframe == "R"
    assert merged.moves == ["open_question", "reflection"]
    clean = Review(text=text, moves=["open_question"])
    assert merge_reviews(clean, model).reframe == "M"
    assert merge_reviews(clean, Review(text=text)).reframe is None


def test_review_prompt_quotes_text_and_context() -> None:
    messages = review_messages("Don't you think so?", context="I work nights.")
    assert messages[0]["role"] == "system" and "why_blame" in messages[0]["content"]
    assert "I work nights." in messages[1]["content"]
    assert "Don't you think so?" in messages[1]["content"]


# ------------------------------------------------------------------ over HTTP


@respx.mock(base_url=BASE)
def test_model_reviewer_over_http(respx_mock: respx.MockRouter) -> None:
    text = "Is it mostly the bus?"
    route = respx_mock.post("/chat/completions").mock(
        return_value=httpx.Response(
            200,
            json=completion_json(
                answer(("leading", "mostly the bus"), reframe="How does she get to school?")
            ),
        )
    )
    rv, usage = asyncio.run(ModelReviewer(client()).review(text))
    assert [(f.kind, f.evidence, f.source) for f in rv.findings] == [
        ("leading", "mostly the bus", "llm")
    ]
    assert rv.reframe == "How does she get to school?"
    assert usage.prompt_tokens == 50
    body = json.loads(route.calls.last.request.read())
    assert body["response_format"]["json_schema"]["name"] == "ModelReviewAnswer"
    assert body["model"] == "gpt-4.1-mini"


@respx.mock(base_url=BASE)
def test_malformed_structured_output_falls_back_to_rules(respx_mock: respx.MockRouter) -> None:
    respx_mock.post("/chat/completions").mock(
        return_value=httpx.Response(200, json=completion_json('{"findings": [{"kind": "adv'))
    )
    reviewer = ModelReviewer(client())
    with pytest.raises(ModelUnavailable):
        asyncio.run(reviewer.review("What time does he usually go to bed?"))
    result = asyncio.run(
        review_one("What time does he usually go to bed?", model_reviewer=reviewer, mode="hybrid")
    )
    assert result.model_asked and result.model_failed
    assert result.review == rules_review("What time does he usually go to bed?")


@respx.mock(base_url=BASE)
def test_modes(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/chat/completions").mock(
        return_value=httpx.Response(
            200, json=completion_json(answer(("leading", "usually go to bed")))
        )
    )
    reviewer = ModelReviewer(client())
    clean = "What time does he usually go to bed?"
    advice = "Have you tried an earlier bedtime?"

    rules_only = asyncio.run(review_one(clean, model_reviewer=reviewer, mode="rules"))
    assert not rules_only.model_asked and route.call_count == 0

    hybrid = asyncio.run(review_one(clean, model_reviewer=reviewer, mode="hybrid"))
    assert hybrid.model_asked and route.call_count == 1
    assert [f.source for f in hybrid.review.findings] == ["llm"]

    # hybrid skips the model when the rules already found an intervention
    skipped = asyncio.run(review_one(advice, model_reviewer=reviewer, mode="hybrid"))
    assert not skipped.model_asked and route.call_count == 1

    model = asyncio.run(review_one(advice, model_reviewer=reviewer, mode="model"))
    assert model.model_asked and route.call_count == 2
    assert {f.source for f in model.review.findings} == {"llm"} or model.review.findings == []


def test_review_lines_skips_blank_lines_rules_only() -> None:
    lines = ["Tell me about mornings.\n", "   \n", "\n", "Have you tried an alarm?\n"]
    reviews = list(review_lines(lines))
    assert [r.text for r in reviews] == ["Tell me about mornings.", "Have you tried an alarm?"]
    assert reviews[1].has_intervention


@respx.mock(base_url=BASE)
def test_review_lines_with_model_keeps_order(respx_mock: respx.MockRouter) -> None:
    respx_mock.post("/chat/completions").mock(
        return_value=httpx.Response(
            200,
            json=completion_json(answer(("closed", "Is that hard"), reframe="What is that like?")),
        )
    )
    reviewer = ModelReviewer(client())
    lines = ["Is that hard for you?", "", "What else?", "Is that hard on him?"]
    sync = list(review_lines(lines, model_reviewer=reviewer))
    assert [r.text for r in sync] == ["Is that hard for you?", "What else?", "Is that hard on him?"]
    assert "closed" in sync[0].kinds and "closed" not in sync[1].kinds

    async def collect() -> list[Review]:
        reviewer2 = ModelReviewer(client())
        return [r async for r in areview_lines(lines, model_reviewer=reviewer2, concurrency=2)]

    assert [r.text for r in asyncio.run(collect())] == [r.text for r in sync]
