"""The model-backed caregiver: prompt from the plan, token budget, streaming, principle check.

The prompt is built from a :class:`~bot.core.practice.ReplyPlan` and nothing
else, so it holds only what the engine allows (issue 3, "The caregiver
voice"): the card's identity, style, mood and language, the surface account,
the layers already earned plus the one being disclosed now, the hidden
insight only once the engine has unlocked it, the running summary, the recent
turns and the staff member's words. The plan's persona is already redacted by
the engine; the card's ``principles`` are *not* put in the voice prompt (they
may name a locked fact, "does not mention the night shifts unless asked about
work"), only in the separate principle check.

Prompt budget (``EC_MAX_PROMPT_TOKENS``, default 3,000): the system prompt
(card and state) always stays; the recent turns are dropped oldest first,
then the summary is shortened, then an over-long staff message is shortened,
until the request fits (:func:`caregiver_messages`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from pydantic import BaseModel, Field

from bot.core.practice import ReplyPlan, Turn, Usage
from bot.llm.client import LazyStream, Message, ModelClient
from bot.llm.errors import ModelError, ModelUnavailable
from bot.llm.prompts import load_sections, render
from bot.llm.tokens import count_messages, count_tokens, estimate_cost, truncate_tokens

__all__ = [
    "REPLY_MAX_TOKENS",
    "STAFF_TEXT_MAX_TOKENS",
    "OpenAIResponder",
    "PrincipleVerdict",
    "ReplyStream",
    "caregiver_messages",
    "caregiver_system_prompt",
]

log = logging.getLogger(__name__)

REPLY_MAX_TOKENS = 220
"""Most completion tokens of a caregiver reply: "one to four short sentences"
is ~80 tokens in English, ~110 in Spanish; 220 leaves room without allowing a
monologue."""

CHECK_MAX_TOKENS = 350
"""Most completion tokens of the principle check (a verdict plus one rewrite)."""

STAFF_TEXT_MAX_TOKENS = 500
"""A staff message longer than this (a pasted document) is cut to its first
500 tokens in the prompt; spoken turns are 10-60 tokens."""

TURN_TEXT_MAX_TOKENS = 300
"""Each recent turn's staff or caregiver text is cut to this many tokens."""

TEMPERATURE = 0.8
"""Sampling temperature of the voice: varied, still on-card."""

_TRUST_BANDS = ((3.0, "trust:low"), (6.0, "trust:mid"))
"""Engine trust below 3 is low, below 6 mid, else high (on the 0-10 scale)."""

_GRADE_TEXT = {"K": "kindergarten", "Pre-K": "pre-kindergarten"}


def _parts() -> dict[str, str]:
    return load_sections("caregiver_parts.txt")


def _bullets(items: list[str]) -> str:
    return "\n".join(f"  - {item}" for item in items)


def _mood_key(trust: float) -> str:
    for limit, key in _TRUST_BANDS:
        if trust < limit:
            return key
    return "trust:high"


def _turn_text(plan: ReplyPlan) -> str:
    parts = _parts()
    mode = plan.mode
    if mode == "disclose" and plan.disclose is not None:
        return parts["mode:disclose"].format(
            layer_text=plan.disclose.text, layer_says=" / ".join(plan.disclose.says)
        )
    if mode == "insight" and plan.insight is not None:
        return parts["mode:insight"].format(
            lead_in=plan.lead_in or "",
            insight_text=plan.insight.text,
            insight_says=" / ".join(plan.insight.says),
        )
    key = f"mode:{mode}"
    return parts.get(key, parts["mode:open"])


def _knowledge(plan: ReplyPlan) -> str:
    told = [layer.text for layer in plan.allowed_layers]
    if plan.insight is not None and plan.mode != "insight":
        told.append(plan.insight.text)  # revealed in an earlier turn
    parts = _parts()
    if not told:
        return parts["knowledge:none"]
    return parts["knowledge:told"].format(items=_bullets(told))


def caregiver_system_prompt(plan: ReplyPlan, *, summary: str | None = None) -> str:
    """Render ``prompts/caregiver.txt`` for one plan.

    Args:
        plan: the engine's plan (its persona is the redacted card).
        summary: the summary to use (a shortened one under budget pressure);
            ``plan.summary`` when None.

    Returns:
        The system message text.
    """
    persona = plan.persona
    parts = _parts()
    grade = persona.student.grade
    summary = plan.summary if summary is None else summary
    voice_lines = [persona.voice.greeting, *persona.voice.surface[:2]]
    return render(
        "caregiver.txt",
        name=persona.name,
        relation=persona.relation,
        student_name=persona.student.name,
        grade_text=_GRADE_TEXT.get(grade, f"grade {grade}"),
        household=persona.household,
        situation=persona.situation,
        surface_account=persona.surface_account,
        style_text=parts[f"style:{persona.style}"],
        voice_lines=_bullets(voice_lines),
        closes_up_when="; ".join(persona.closes_up_when),
        opening_mood=persona.opening_mood,
        mood_text=parts[_mood_key(plan.trust)],
        knowledge=_knowledge(plan),
        turn_text=_turn_text(plan),
        earlier=("\n" + parts["earlier"].format(summary=summary) + "\n") if summary else "",
        language_text=parts[f"language:{persona.language}"],
    )


def _turn_messages(turns: list[Turn]) -> list[Message]:
    out: list[Message] = []
    for turn in turns:
        out.append(
            {
                "role": "user",
                "content": truncate_tokens(turn.staff, TURN_TEXT_MAX_TOKENS, keep="start"),
            }
        )
        out.append(
            {
                "role": "assistant",
                "content": truncate_tokens(turn.caregiver, TURN_TEXT_MAX_TOKENS, keep="start"),
            }
        )
    return out


def caregiver_messages(plan: ReplyPlan, *, max_prompt_tokens: int) -> list[Message]:
    """Build the chat messages for one caregiver reply, within the token budget.

    Layout: one system message (:func:`caregiver_system_prompt`), the recent
    turns as alternating user (staff) / assistant (caregiver) messages, then
    the staff member's new words as the last user message.

    Args:
        plan: the engine's plan.
        max_prompt_tokens: the budget (``EC_MAX_PROMPT_TOKENS``), counted with
            :func:`bot.llm.tokens.count_messages`.

    Returns:
        Messages whose prompt tokens are at most ``max_prompt_tokens`` unless
        the card and state alone exceed it (then logged, and sent as is).
        Under pressure, in this order: recent turns are dropped oldest first,
        the summary is halved (keeping its newest part) until gone, and the
        staff text is halved (keeping its start) down to 50 tokens.
    """
    recent = list(plan.recent)
    summary = plan.summary
    staff = truncate_tokens(plan.staff_text, STAFF_TEXT_MAX_TOKENS, keep="start")
    while True:
        messages: list[Message] = [
            {"role": "system", "content": caregiver_system_prompt(plan, summary=summary)},
            *_turn_messages(recent),
            {"role": "user", "content": staff},
        ]
        if count_messages(messages) <= max_prompt_tokens:
            return messages
        if recent:
            recent = recent[1:]
            continue
        summary_tokens = count_tokens(summary)
        if summary_tokens > 0:
            summary = (
                truncate_tokens(summary, summary_tokens // 2, keep="end")
                if summary_tokens > 20
                else ""
            )
            continue
        staff_tokens = count_tokens(staff)
        if staff_tokens > 50:
            staff = truncate_tokens(staff, staff_tokens // 2, keep="start")
            continue
        log.warning(
            "caregiver prompt for persona %s is %d tokens, over the %d budget even without history",
            plan.persona.id,
            count_messages(messages),
            max_prompt_tokens,
        )
        return messages


class PrincipleVerdict(BaseModel):
    """Structured answer of the principle check (``prompts/principle_check.txt``).

    Attributes:
        broken: 1-based numbers of the card's principles the draft breaks.
        rewrite: the reply rewritten to keep every principle, or None.
    """

    broken: list[int] = Field(default_factory=list)
    rewrite: str | None


def principle_check_messages(plan: ReplyPlan, draft: str) -> list[Message]:
    """Build the principle-check request for a draft reply.

    Args:
        plan: the plan the draft voices (its card's ``principles`` are used).
        draft: the caregiver's draft reply.

    Returns:
        One user message rendering ``prompts/principle_check.txt``.
    """
    principles = "\n".join(f"{i}. {p}" for i, p in enumerate(plan.persona.principles, start=1))
    content = render(
        "principle_check.txt",
        principles=principles,
        staff_text=truncate_tokens(plan.staff_text, STAFF_TEXT_MAX_TOKENS, keep="start"),
        reply=draft,
    )
    return [{"role": "user", "content": content}]


class ReplyStream(LazyStream):
    """The caregiver's reply as an async iterator of text deltas, with its usage.

    Iterate once; afterwards :attr:`usage` holds the tokens of every model
    call made for the reply (draft plus principle check) and :attr:`text`
    the final reply.

    Raises (while iterating):
        ModelUnavailable / ModelKeyRejected: the draft request failed after
            the client's retries (a failed principle check only keeps the draft).
    """

    def __init__(self, responder: OpenAIResponder, plan: ReplyPlan) -> None:
        """Prepare the reply (no request until iteration starts).

        Args:
            responder: the owning responder.
            plan: the plan to voice.
        """
        self._responder = responder
        self._plan = plan
        self.usage = Usage()
        """Tokens spent (set as calls finish)."""
        self.text = ""
        """The final reply (set at the end)."""
        self.rewritten = False
        """True when the principle check replaced the draft."""

    async def _run(self) -> AsyncIterator[str]:
        r = self._responder
        client = r.client
        messages = caregiver_messages(self._plan, max_prompt_tokens=r.max_prompt_tokens)
        stream = client.stream_chat(
            messages,
            model=client.model_for("persona"),
            max_tokens=REPLY_MAX_TOKENS,
            temperature=TEMPERATURE,
        )
        if not r.will_check(self._plan):
            async for delta in stream:
                yield delta
            self.usage = stream.usage
            self.text = stream.text.strip()
            return
        async for _ in stream:  # drained: the draft is shown only once checked
            pass
        self.usage = stream.usage
        final = stream.text.strip()
        try:
            verdict, usage = await client.parse(
                principle_check_messages(self._plan, final),
                model=client.model_for("persona"),
                schema=PrincipleVerdict,
                max_tokens=CHECK_MAX_TOKENS,
            )
        except ModelError as exc:
            log.info("principle check skipped (%s); the draft stands", exc.reason)
        else:
            self.usage = Usage(
                prompt_tokens=self.usage.prompt_tokens + usage.prompt_tokens,
                completion_tokens=self.usage.completion_tokens + usage.completion_tokens,
            )
            if verdict.broken and verdict.rewrite and verdict.rewrite.strip():
                final = verdict.rewrite.strip()
                self.rewritten = True
        self.text = final
        yield final


class OpenAIResponder:
    """Voices the caregiver with a chat model through :class:`~bot.llm.client.ModelClient`.

    Implements :class:`bot.llm.base.Responder`. Shareable between sessions
    (it keeps no per-session state; usage lives on each :class:`ReplyStream`).

    Args:
        client: the model client.
        check_principles: run the principle check with one rewrite
            (``EC_CHECK_PRINCIPLES``); the client's setting when None. When on
            and the card has principles, the draft is checked before anything
            is shown, so the reply arrives as one delta (the check costs a
            second, small call and some latency; turn it off for speed).
        max_prompt_tokens: prompt budget; the client's
            ``EC_MAX_PROMPT_TOKENS`` when None.
    """

    name = "openai"

    def __init__(
        self,
        client: ModelClient,
        *,
        check_principles: bool | None = None,
        max_prompt_tokens: int | None = None,
    ) -> None:
        self.client = client
        settings = client.settings
        self.check_principles = (
            settings.check_principles if check_principles is None else check_principles
        )
        self.max_prompt_tokens = (
            settings.max_prompt_tokens if max_prompt_tokens is None else max_prompt_tokens
        )

    def will_check(self, plan: ReplyPlan) -> bool:
        """True when this plan's reply goes through the principle check.

        Args:
            plan: the plan.

        Returns:
            ``check_principles`` and the card lists at least one principle.
        """
        return self.check_principles and bool(plan.persona.principles)

    def stream(self, plan: ReplyPlan) -> ReplyStream:
        """Voice ``plan`` as text deltas (see :class:`ReplyStream`).

        Args:
            plan: the engine's plan.

        Returns:
            A :class:`ReplyStream` (an async iterator of ``str``) whose
            ``usage`` is set once it is exhausted.
        """
        return ReplyStream(self, plan)

    async def complete(self, plan: ReplyPlan) -> tuple[str, Usage]:
        """Voice ``plan`` and return the whole reply.

        Args:
            plan: the engine's plan.

        Returns:
            ``(reply text, tokens spent)``.

        Raises:
            ModelUnavailable / ModelKeyRejected: see :class:`ReplyStream`.
        """
        stream = self.stream(plan)
        parts = [delta async for delta in stream]
        text = stream.text or "".join(parts)
        if not text.strip():
            raise ModelUnavailable("the model sent an empty reply")
        return text, stream.usage

    def estimate_cost(self, usage: Usage) -> float:
        """Approximate US dollars of ``usage`` at the persona model's price.

        Args:
            usage: tokens spent.

        Returns:
            :func:`bot.llm.tokens.estimate_cost` for ``EC_PERSONA_MODEL``.
        """
        return estimate_cost(usage, self.client.model_for("persona"), self.client.settings)
