"""The model reviewer: a chat model's review of one staff utterance, in the reviewer's contract.

The model answers with OpenAI structured outputs (strict JSON Schema of
:class:`ModelReviewAnswer`); each finding quotes its evidence, and the span is
computed here by locating that evidence in the original text, so feedback
always cites what was really said. A finding whose evidence is not in the
text is dropped. Findings become :class:`~bot.core.models.Finding` with
``source="llm"`` and the severity the contract assigns to the kind.

:func:`merge_reviews` combines rules and model reviews without duplicates (the
same kind over overlapping spans counts once; the rules' finding is kept).
"""

from __future__ import annotations

import logging
import re

from pydantic import BaseModel, Field

from bot.core.models import FINDING_KINDS, SEVERITY_OF, Finding, FindingKind, Move, Review
from bot.core.practice import Usage
from bot.llm.client import Message, ModelClient
from bot.llm.prompts import load_sections
from bot.llm.tokens import count_messages, estimate_cost, truncate_tokens

__all__ = [
    "MOVE_ORDER",
    "ModelFinding",
    "ModelReviewAnswer",
    "ModelReviewer",
    "locate",
    "merge_reviews",
    "review_messages",
    "to_review",
]

log = logging.getLogger(__name__)

REVIEW_MAX_TOKENS = 600
"""Most completion tokens of one model review (a few findings and a reframe)."""

TEXT_MAX_TOKENS = 800
"""A staff utterance longer than this is reviewed on its first 800 tokens."""

CONTEXT_MAX_TOKENS = 200
"""The caregiver's previous words are cut to their last 200 tokens."""

MOVE_ORDER: tuple[Move, ...] = ("open_question", "follow_up", "reflection", "affirmation")
"""Stable order of moves in a merged review."""


class ModelFinding(BaseModel):
    """One finding as the model states it (no span: the span is computed).

    Attributes:
        kind: one of the nine finding ids.
        evidence: the exact words from the staff text.
        why: one plain sentence.
    """

    kind: FindingKind
    evidence: str
    why: str


class ModelReviewAnswer(BaseModel):
    """The model's structured answer (``prompts/reviewer.txt`` explains each field).

    Attributes:
        findings: problems found.
        reframe: an open, neutral rewrite, or None when nothing is wrong.
        moves: good moves seen.
    """

    findings: list[ModelFinding] = Field(default_factory=list)
    reframe: str | None
    moves: list[Move] = Field(default_factory=list)


_EDGE = " \t\r\n\"'“”‘’«»`.,;:!?…()[]"


def locate(
    text: str, evidence: str, taken: list[tuple[int, int]] | None = None
) -> tuple[int, int] | None:
    """Find the span of ``evidence`` in ``text``.

    Tries, in order: the exact string; the string without surrounding quotes
    and punctuation; a case-insensitive match with any run of whitespace
    standing for any other and straight/curly apostrophes alike. Among several
    occurrences the first one not already in ``taken`` wins.

    Args:
        text: the original utterance.
        evidence: words the model quoted.
        taken: spans already used by findings of the same kind.

    Returns:
        ``(start, end)`` character offsets with ``text[start:end]`` the matched
        words, or None when the evidence is not in the text.
    """
    taken = taken or []
    candidates = [evidence, evidence.strip(_EDGE)]
    for cand in candidates:
        if not cand:
            continue
        starts = [m.start() for m in re.finditer(re.escape(cand), text)]
        for start in starts:
            span = (start, start + len(cand))
            if span not in taken:
                return span
        if starts:
            return (starts[0], starts[0] + len(cand))
    core = evidence.strip(_EDGE)
    if not core:
        return None
    words = [re.escape(w) for w in core.split()]
    pattern = r"\s+".join(words).replace("'", "['’]").replace("’", "['’]")
    first: tuple[int, int] | None = None
    for m in re.finditer(pattern, text, flags=re.IGNORECASE):
        span = (m.start(), m.end())
        first = first or span
        if span not in taken:
            return span
    return first


def to_review(text: str, answer: ModelReviewAnswer) -> Review:
    """Convert the model's answer into a contract :class:`~bot.core.models.Review`.

    Args:
        text: the original utterance.
        answer: the parsed structured output.

    Returns:
        A review whose findings have ``source="llm"``, contract severities,
        spans located in ``text`` (evidence = ``text[start:end]``), sorted by
        span; findings whose evidence is not in ``text`` are dropped, as are
        repeats of the same kind on overlapping spans. ``reframe`` is None when
        no finding remains.
    """
    findings: list[Finding] = []
    for item in answer.findings:
        if item.kind not in FINDING_KINDS:
            continue
        taken = [f.span for f in findings if f.kind == item.kind]
        span = locate(text, item.evidence, taken)
        if span is None:
            log.info(
                "model finding %s dropped: evidence %r not in the text", item.kind, item.evidence
            )
            continue
        if any(_overlap(span, other) for other in taken):
            continue
        why = " ".join(item.why.split()) or f"This reads as {item.kind.replace('_', ' ')}."
        findings.append(
            Finding(
                kind=item.kind,
                severity=SEVERITY_OF[item.kind],
                span=span,
                evidence=text[span[0] : span[1]],
                why=why,
                source="llm",
            )
        )
    findings.sort(key=lambda f: (f.span[0], f.span[1], FINDING_KINDS.index(f.kind)))
    reframe = (answer.reframe or "").strip() or None
    moves = [m for m in MOVE_ORDER if m in set(answer.moves)]
    return Review(text=text, findings=findings, reframe=reframe if findings else None, moves=moves)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """True when two half-open spans share a character (empty spans overlap at equal start)."""
    if a[0] == a[1] or b[0] == b[1]:
        return a[0] == b[0]
    return a[0] < b[1] and b[0] < a[1]


def merge_reviews(rules: Review, model: Review) -> Review:
    """Merge a rules review and a model review of the same text.

    Args:
        rules: the rules review.
        model: the model review (findings with ``source="llm"``).

    Returns:
        One review: every rule finding, plus each model finding that has no
        finding of the same kind over an overlapping span; sorted by span. The
        reframe is the rules' when the rules found something, else the
        model's; None when no finding remains. Moves are the union, in
        :data:`MOVE_ORDER`.
    """
    findings = list(rules.findings)
    for f in model.findings:
        if any(g.kind == f.kind and _overlap(g.span, f.span) for g in findings):
            continue
        findings.append(f)
    findings.sort(key=lambda f: (f.span[0], f.span[1], FINDING_KINDS.index(f.kind)))
    reframe = None
    if findings:
        reframe = (rules.reframe if rules.findings else None) or model.reframe or rules.reframe
    moves = [m for m in MOVE_ORDER if m in set(rules.moves) | set(model.moves)]
    return Review(text=rules.text, findings=findings, reframe=reframe, moves=moves)


def review_messages(text: str, context: str | None = None) -> list[Message]:
    """Build the reviewer request from ``prompts/reviewer.txt``.

    Args:
        text: the staff utterance.
        context: the caregiver's previous words, if known.

    Returns:
        A system message and one user message.
    """
    parts = load_sections("reviewer.txt")
    shown = truncate_tokens(text, TEXT_MAX_TOKENS, keep="start")
    if context:
        user = parts["input_context"].format(
            context=truncate_tokens(context, CONTEXT_MAX_TOKENS, keep="end"), text=shown
        )
    else:
        user = parts["input"].format(text=shown)
    return [{"role": "system", "content": parts["system"]}, {"role": "user", "content": user}]


class ModelReviewer:
    """Reviews staff utterances with a chat model and structured outputs.

    Args:
        client: the model client (``EC_REVIEW_MODEL`` is used).
    """

    def __init__(self, client: ModelClient) -> None:
        self.client = client

    async def review(self, text: str, *, context: str | None = None) -> tuple[Review, Usage]:
        """Review one utterance with the model only.

        Args:
            text: the utterance exactly as typed.
            context: the caregiver's previous words (helps see follow-ups).

        Returns:
            ``(review with source="llm" findings, tokens spent)``.

        Raises:
            ModelUnavailable: after retries, or when the structured output is
                malformed (callers fall back to the rules review).
            ModelKeyRejected: HTTP 401/403.
        """
        messages = review_messages(text, context)
        log.debug("model review request: %d prompt tokens", count_messages(messages))
        answer, usage = await self.client.parse(
            messages,
            model=self.client.model_for("review"),
            schema=ModelReviewAnswer,
            max_tokens=REVIEW_MAX_TOKENS,
        )
        return to_review(text, answer), usage

    def estimate_cost(self, usage: Usage) -> float:
        """Approximate US dollars of ``usage`` at the review model's price.

        Args:
            usage: tokens spent.

        Returns:
            :func:`bot.llm.tokens.estimate_cost` for ``EC_REVIEW_MODEL``.
        """
        return estimate_cost(usage, self.client.model_for("review"), self.client.settings)
