"""Review use cases: one staff utterance, or a list of them, by rules and/or model.

Modes (``EC_REVIEW_MODE``; DESIGN.md "The reviewer's contract"):

- ``rules``: the rules reviewer only (no network, deterministic).
- ``hybrid``: rules always; the model reviewer as well for utterances where
  the rules found no intervention (clean or craft-only), its findings merged
  with the rule findings (:func:`bot.llm.model_reviewer.merge_reviews`).
- ``model``: the model reviewer for every utterance; its review replaces the
  rules' (rules remain the fallback).

Whatever the mode, a model failure (:class:`bot.llm.errors.ModelError`) never
loses a review: the rules review is returned and the failure is logged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal, Protocol

from bot.core.models import Review
from bot.core.practice import Usage
from bot.core.review import review as rules_review
from bot.llm.errors import ModelError

__all__ = [
    "ModelReviewerPort",
    "ReviewMode",
    "ReviewResult",
    "areview_lines",
    "model_wanted",
    "review_lines",
    "review_one",
]

log = logging.getLogger(__name__)

ReviewMode = Literal["rules", "hybrid", "model"]


class ModelReviewerPort(Protocol):
    """What the services need from a model reviewer (``bot.llm.model_reviewer.ModelReviewer``)."""

    async def review(self, text: str, *, context: str | None = None) -> tuple[Review, Usage]:
        """Return the model's review of ``text`` (findings with source "llm") and its token cost.

        Raises:
            bot.llm.errors.ModelError: the model gave no usable answer.
        """
        ...


@dataclass
class ReviewResult:
    """A review and what it cost.

    Attributes:
        review: the final review (rules, model, or both merged).
        usage: model tokens spent on it (zero when the model was not asked).
        model_asked: True when the model reviewer was called.
        model_failed: True when it was called and failed (``review`` is then
            the rules review).
    """

    review: Review
    usage: Usage = field(default_factory=Usage)
    model_asked: bool = False
    model_failed: bool = False


def model_wanted(mode: ReviewMode, rules: Review) -> bool:
    """Decide whether the model reviewer should see an utterance.

    Args:
        mode: the review mode.
        rules: the rules review of the utterance.

    Returns:
        True in ``model`` mode; in ``hybrid`` mode only when the rules found no
        intervention (clean or craft-only turns, where the rules are most
        likely to have missed something); never in ``rules`` mode.
    """
    if mode == "model":
        return True
    if mode == "hybrid":
        return not rules.has_intervention
    return False


async def review_one(
    text: str,
    *,
    model_reviewer: ModelReviewerPort | None = None,
    mode: ReviewMode = "hybrid",
    rules: Review | None = None,
    context: str | None = None,
) -> ReviewResult:
    """Review one staff utterance in the given mode.

    Args:
        text: the utterance exactly as typed.
        model_reviewer: the model reviewer; None means rules only.
        mode: ``rules`` | ``hybrid`` | ``model`` (see the module docstring).
        rules: the rules review if the caller already has it (saves a pass).
        context: what the caregiver said just before (helps the model see
            follow-ups and reflections); not used by the rules.

    Returns:
        The review and its token usage. Never raises for a model failure: the
        rules review is returned with ``model_failed=True``.
    """
    # lazy: bot.llm.model_reviewer loads openai, which the offline `practice` never needs
    from bot.llm.model_reviewer import merge_reviews

    base = rules if rules is not None else rules_review(text)
    if model_reviewer is None or not model_wanted(mode, base):
        return ReviewResult(review=base)
    try:
        model_review, usage = await model_reviewer.review(text, context=context)
    except ModelError as exc:
        log.warning("model review unavailable, rules review used: %s", exc.reason)
        return ReviewResult(review=base, model_asked=True, model_failed=True)
    final = model_review if mode == "model" else merge_reviews(base, model_review)
    return ReviewResult(review=final, usage=usage, model_asked=True)


def review_lines(
    lines: Iterable[str],
    *,
    model_reviewer: ModelReviewerPort | None = None,
    mode: ReviewMode = "hybrid",
) -> Iterator[Review]:
    """Review one staff utterance per line, in order, skipping blank lines.

    Args:
        lines: utterances (trailing newlines are stripped; lines that are blank
            after stripping are skipped, DESIGN.md's ``review`` contract).
        model_reviewer: when given, model findings are added per ``mode``;
            the calls run on a private event loop (:class:`asyncio.Runner`)
            that lives as long as the iteration, so do not call this from
            inside a running event loop (use :func:`areview_lines` there).
        mode: ``hybrid`` (default) or ``model``; ignored without a reviewer.

    Yields:
        One :class:`~bot.core.models.Review` per non-blank line, same order.
    """
    if model_reviewer is None:
        for line in lines:
            text = line.rstrip("\r\n")
            if text.strip():
                yield rules_review(text)
        return
    with asyncio.Runner() as runner:
        for line in lines:
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            result = runner.run(review_one(text, model_reviewer=model_reviewer, mode=mode))
            yield result.review


async def areview_lines(
    lines: Iterable[str],
    *,
    model_reviewer: ModelReviewerPort | None = None,
    mode: ReviewMode = "hybrid",
    concurrency: int = 4,
) -> AsyncIterator[Review]:
    """Async :func:`review_lines`: reviews up to ``concurrency`` lines at once, yields in order.

    Args:
        lines: utterances, one per item; blank ones skipped.
        model_reviewer: optional model reviewer (see :func:`review_one`).
        mode: ``hybrid`` or ``model`` (``rules`` ignores the reviewer).
        concurrency: most model calls in flight at once (4 keeps a typical
            30-question list well under common rate limits).

    Yields:
        One review per non-blank line, in input order.
    """
    texts = [line.rstrip("\r\n") for line in lines]
    texts = [t for t in texts if t.strip()]
    if model_reviewer is None or mode == "rules":
        for text in texts:
            yield rules_review(text)
        return
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(text: str) -> Review:
        async with gate:
            return (await review_one(text, model_reviewer=model_reviewer, mode=mode)).review

    tasks = [asyncio.create_task(one(t)) for t in texts]
    try:
        for task in tasks:
            yield await task
    finally:
        for task in tasks:
            task.cancel()
