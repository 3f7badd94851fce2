"""The model-backed caregiver: prompt from the plan, token budget, streaming, principle check.

The prompt is built from a :class:`~bot.core.practice.ReplyPlan` and nothing
else, so it holds only what the engine allows (issue 3, "The caregiver
voice"): the card's identity, style, mood and language, the surface account,
the layers already earned plus the one being disclosed now, the hidden
insight only once the engine has unlocked it, the running summary, the recent
turns and the staff member's words. The plan's persona is already redacted by
the engine, including its ``principles`` and ``beliefs`` (one that names a
locked fact is reworded generically), so both go into the generation prompt
(issue 9, Patient-Ψ / Roleplay-doh style), with this turn's emotional state,
the style's own length rule, "answer the question first" and the card's lines
for what was asked as style examples.

The after-check (issue 9): a cheap local screen (:func:`screen_draft`:
relevance to the question, consistency with the card's yes/no facts,
repetition, staying in character, the card's "never blames" principles) runs
on every draft; the model after-check (``prompts/principle_check.txt``, one
extra call at most, with one rewrite) runs only when the screen or the engine
(:func:`engine_risks`: the insight, guarded turns, repeated questions)
sees a risk. In the common case only the first sentence is held for the
screen, so the first words reach the user within the model's first-token
time plus about :data:`HOLD_SECONDS` (``bench/model_voice_latency.py``).

Prompt budget (``EC_MAX_PROMPT_TOKENS``, default 3,000): the system prompt
(card and state) always stays; the recent turns are dropped oldest first,
then the summary is shortened, then an over-long staff message is shortened,
until the request fits (:func:`caregiver_messages`).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import AsyncIterator

from pydantic import BaseModel, Field

from bot.core.practice import ReplyPlan, Turn, Usage
from bot.core.text import fold
from bot.core.topics import detect_subjects, near_topics
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
"""Most completion tokens of a caregiver reply: the verbose style's "three to
six sentences" is ~150 tokens in English; 220 leaves room without allowing a
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


STYLE_EXAMPLES = 6
"""Most card lines given to the model as style examples in one prompt."""


def style_examples(plan: ReplyPlan) -> list[str]:
    """The card's lines the model sees as style examples this turn.

    The card's lines for what was asked (the yes/no answers for a yes/no
    question, then its everyday subjects), so the model answers the question
    with the card's own facts, then two surface lines and a general one (the
    greeting first, on the first turn only).
    Only public lines of the (redacted) card: nothing locked.

    Args:
        plan: the engine's plan.

    Returns:
        At most :data:`STYLE_EXAMPLES` lines, no repeats.
    """
    voice = plan.persona.voice
    lines: list[str] = [voice.greeting] if plan.turn_index == 1 else []
    subjects = list(plan.subjects) or list(plan.topics)
    if plan.intent == "yes_no":
        for subject in subjects:
            lines.extend(voice.yes_no.get(subject, [])[:1])
    for subject in subjects:
        lines.extend(voice.topics.get(subject, [])[:2])
    lines.extend([*voice.surface[:2], *voice.general[:1]])
    out: list[str] = []
    for line in lines:
        if line and line not in out:
            out.append(line)
    return out[:STYLE_EXAMPLES]


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
        length_text=parts.get(f"length:{persona.style}", parts["length:plain"]),
        voice_lines=_bullets(style_examples(plan)),
        closes_up_when="; ".join(persona.closes_up_when),
        beliefs=_bullets(persona.beliefs) if persona.beliefs else "  - (nothing in particular)",
        principles=_bullets(persona.principles) if persona.principles else "  - (stay yourself)",
        opening_mood=persona.opening_mood,
        mood_text=parts[_mood_key(plan.trust)],
        emotion=plan.emotion or parts[_mood_key(plan.trust)],
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


# -- the cheap local screen of a draft -------------------------------------

HOLD_SECONDS = 0.25
"""In the common case (no risk seen by the engine) the draft is held only until
its first sentence is complete, or this long after the model's first token,
then screened and shown: the caregiver's first words reach the user within the
model's first-token time plus about this much."""

_OUT_OF_CHARACTER = re.compile(
    r"\b(?:as an ai|an ai\b|language model|chatbot|simulat(?:ed|ion)|role-?play|"
    r"practice (?:conversation|partner|session)|this exercise|my (?:instructions|prompt)|"
    r"soy una ia|modelo de lenguaje)"
)
_COACHING = re.compile(
    r"\b(?:your questions?\b|you should ask|try asking|"
    r"as an interviewer|open[- ]ended question|buena pregunta)"
)
_FORMAT = re.compile(r"(?m)^\s*(?:[-*•]\s|\d+[.)]\s|#)|\*[a-z ]+\*|^\s*\((?:sighs|pause)")
_BLAME = re.compile(
    r"\b(?:lazy|his fault|her fault|their fault|spoiled|a liar|lies to me|troublemaker|"
    r"doesn'?t care|bad kid|difficult child|flojo|floja|culpa)\b"
)
_YES = re.compile(r"^\W*(?:yes|yeah|yep|sure|of course|mostly|definitely|s[ií]\b|claro)")
_NO = re.compile(r"^\W*(?:no\b|nope|not really|never|nah|not much|no mucho|nunca)")
_SOFT = re.compile(r"^\W*(?:sometimes|kind of|sort of|i guess|some|it depends|a veces|maybe)")
_SENT_END = re.compile(r"[.!?…]['\"’”)]*\s+")
_WORD4 = re.compile(r"[a-záéíóúñü']{4,}")
_STOP = frozenset(
    [
        "about",
        "after",
        "again",
        "also",
        "always",
        "been",
        "before",
        "being",
        "could",
        "does",
        "doing",
        "down",
        "each",
        "even",
        "every",
        "from",
        "going",
        "have",
        "having",
        "here",
        "into",
        "just",
        "know",
        "like",
        "little",
        "make",
        "many",
        "more",
        "most",
        "much",
        "need",
        "only",
        "other",
        "over",
        "really",
        "right",
        "said",
        "same",
        "should",
        "some",
        "still",
        "such",
        "sure",
        "tell",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "thing",
        "things",
        "think",
        "this",
        "those",
        "through",
        "time",
        "very",
        "want",
        "well",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "will",
        "with",
        "would",
        "your",
        "yours",
        "you're",
        "what's",
        "that's",
        "it's",
        "he's",
        "she's",
    ]
)


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[\w']+", fold(text).lower()))


def _sentences(text: str) -> list[str]:
    out: list[str] = []
    start = 0
    for match in _SENT_END.finditer(text):
        out.append(text[start : match.end()].strip())
        start = match.end()
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


def _words(text: str) -> set[str]:
    return {w for w in _WORD4.findall(fold(text).lower()) if w not in _STOP}


def engine_risks(plan: ReplyPlan) -> list[str]:
    """Risks the engine sees before any draft: turns where a wrong word costs most.

    The hidden insight (the turn the whole session builds to, with its fixed
    lead-in), a guarded turn (threat, close-up trigger, intervention: a wrong
    word here costs most) and a repeated question (the model tends to repeat
    itself). A layer's disclosure goes through the local screen like any turn.

    Args:
        plan: the engine's plan.

    Returns:
        Risk ids (empty in the common case).
    """
    risks: list[str] = []
    if plan.mode == "insight":
        risks.append(plan.mode)
    if plan.mode == "guarded" or plan.threat or plan.close_up is not None:
        risks.append("guarded")
    if plan.repeat:
        risks.append("repeated_question")
    return risks


def _polarity(text: str) -> str | None:
    low = fold(text).lower()
    if _NO.search(low):
        return "no"
    if _SOFT.search(low):
        return "soft"
    if _YES.search(low):
        return "yes"
    return None


def screen_draft(plan: ReplyPlan, text: str, *, partial: bool = False) -> list[str]:
    """Cheap local screen of a draft reply (no model call).

    Checks, in order: staying in character, not coaching the interviewer,
    plain spoken form (no lists or stage directions), repetition of an
    earlier reply, relevance to the question, consistency with the card's
    yes/no facts, the card's "never blames" principles, and length for the
    turn's mode.

    Args:
        plan: the engine's plan (its card is redacted: only public facts).
        text: the draft, or the part of it held so far.
        partial: True for an incomplete draft (the relevance and length
            checks need the whole first sentence, so they are skipped).

    Returns:
        Risk ids: ``out_of_character``, ``coaching``, ``format``,
        ``repeats``, ``off_question``, ``contradicts_card``,
        ``breaks_principle``, ``too_long``; empty when the draft looks fine.
    """
    risks: list[str] = []
    low = fold(text).lower()
    if _OUT_OF_CHARACTER.search(low):
        risks.append("out_of_character")
    if _COACHING.search(low):
        risks.append("coaching")
    if _FORMAT.search(text):
        risks.append("format")
    earlier = {_norm(s) for reply in plan.earlier_replies for s in _sentences(reply)}
    mine = [_norm(s) for s in _sentences(text)]
    if any(len(s.split()) >= 4 and s in earlier for s in mine) or (
        _norm(text) in {_norm(r) for r in plan.earlier_replies} and len(mine) > 0
    ):
        risks.append("repeats")
    persona = plan.persona
    subjects = list(plan.subjects) or list(plan.topics)
    if not partial and subjects and plan.mode in ("open", "brief"):
        pol = _polarity(text)
        relevant = bool(set(detect_subjects(text)) & (set(subjects) | near_topics(subjects)))
        if not relevant:
            asked = _words(plan.staff_text) - _words(persona.student.name)
            card = _words(" ".join(style_examples(plan)))
            relevant = bool(_words(text) & (asked | card))
        if not relevant and plan.intent == "yes_no" and pol is not None:
            relevant = True
        if not relevant:
            risks.append("off_question")
        if plan.intent == "yes_no" and pol in ("yes", "no"):
            facts = {_polarity(line) for s in subjects for line in persona.voice.yes_no.get(s, [])}
            facts.discard(None)
            if facts and pol not in facts and "soft" not in facts:
                risks.append("contradicts_card")
    protects = any(
        re.search(r"never blames|never criticis|will not criticise", p) for p in persona.principles
    )
    if protects and _BLAME.search(low):
        risks.append("breaks_principle")
    if not partial and plan.turn_index > 1:  # a first reply may greet at some length
        n = len(_sentences(text))
        limit = {"brief": 3, "guarded": 3, "acknowledge": 4}.get(plan.mode)
        if persona.style == "reserved" and plan.mode == "open":
            limit = 4
        if limit is not None and n > limit:
            risks.append("too_long")
    return risks


class PrincipleVerdict(BaseModel):
    """Structured answer of the after-check (``prompts/principle_check.txt``).

    Attributes:
        broken: 1-based numbers of the card's principles the draft breaks.
        problems: other failed checks, by id: ``off_question`` (does not
            answer what was asked), ``inconsistent`` (contradicts the card's
            facts or what was said earlier), ``repeats`` (says again what was
            said before).
        rewrite: the reply rewritten to pass every check, or None.
    """

    broken: list[int] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)
    rewrite: str | None


def principle_check_messages(
    plan: ReplyPlan, draft: str, risks: list[str] | None = None
) -> list[Message]:
    """Build the after-check request for a draft reply.

    Args:
        plan: the plan the draft voices (its redacted card's ``principles``,
            public lines and earlier replies are used: nothing locked).
        draft: the caregiver's draft reply.
        risks: what the local screen or the engine saw (shown to the checker).

    Returns:
        One user message rendering ``prompts/principle_check.txt``.
    """
    principles = "\n".join(f"{i}. {p}" for i, p in enumerate(plan.persona.principles, start=1))
    earlier = [truncate_tokens(r, 80, keep="start") for r in plan.earlier_replies[-3:]]
    content = render(
        "principle_check.txt",
        principles=principles or "(none)",
        staff_text=truncate_tokens(plan.staff_text, STAFF_TEXT_MAX_TOKENS, keep="start"),
        facts=_bullets(style_examples(plan)),
        earlier=_bullets(earlier) if earlier else "  (nothing yet)",
        risks=", ".join(risks) if risks else "nothing in particular",
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
        """True when the after-check replaced the draft."""
        self.checked = False
        """True when the model after-check ran (at most once per reply)."""
        self.screen: list[str] = []
        """What the engine or the local screen saw in the draft (empty: nothing)."""

    async def _run(self) -> AsyncIterator[str]:
        r = self._responder
        client = r.client
        plan = self._plan
        messages = caregiver_messages(plan, max_prompt_tokens=r.max_prompt_tokens)
        stream = client.stream_chat(
            messages,
            model=client.model_for("persona"),
            max_tokens=REPLY_MAX_TOKENS,
            temperature=TEMPERATURE,
        )
        if not r.will_check(plan):
            async for delta in stream:
                yield delta
            self.usage = stream.usage
            self.text = stream.text.strip()
            return
        risks = engine_risks(plan)
        if risks:  # the engine sees a risk: hold the whole draft, then check it with the model
            async for _ in stream:
                pass
            self.usage = stream.usage
            draft = stream.text.strip()
            risks = [*risks, *screen_draft(plan, draft)]
            final = await self._after_check(draft, risks)
            self.screen = risks
            self.text = final
            yield final
            return
        # the common case: hold only the first sentence, screen it, then stream on;
        # a later sentence that fails the screen ends the reply there (no extra call)
        held = ""
        shown: list[str] = []
        first_token: float | None = None
        failed: list[str] = []
        stopped = False
        async for delta in stream:
            if failed or stopped:
                continue  # drained: the draft goes to the after-check, or is cut here
            held += delta
            if first_token is None and held.strip():
                first_token = time.monotonic()
            if not shown:
                # the first whole sentence of four or more words ("Hi!" alone says too little)
                cut = next(
                    (m for m in _SENT_END.finditer(held) if len(held[: m.end()].split()) >= 4),
                    None,
                )
                waited = first_token is not None and time.monotonic() - first_token >= HOLD_SECONDS
                if cut is None and not waited:
                    continue
                head = held[: cut.end()] if cut else held
                found = screen_draft(plan, head, partial=cut is None)
                if found:
                    failed = found
                    continue
                held = held[len(head) :]
                shown.append(head)
                yield head
                continue
            while not stopped and (cut := _SENT_END.search(held)) is not None:
                piece = held[: cut.end()]
                if self._later_fails(piece, shown):
                    stopped = True
                    break
                held = held[cut.end() :]
                shown.append(piece)
                yield piece
        self.usage = stream.usage
        if failed or not shown:
            draft = stream.text.strip()
            risks = failed or screen_draft(plan, draft)
            self.screen = risks
            final = await self._after_check(draft, risks) if risks else draft
            self.text = final
            if final:
                yield final
            return
        if not stopped and held.strip() and not self._later_fails(held, shown):
            shown.append(held)
            yield held
        self.text = "".join(shown).strip()

    def _later_fails(self, piece: str, shown: list[str]) -> bool:
        """A later sentence fails when it breaks character, coaches, repeats or lists."""
        plan = self._plan
        found = set(screen_draft(plan, piece, partial=True))
        if found & {"out_of_character", "coaching", "format", "repeats", "breaks_principle"}:
            return True
        return _norm(piece) in {_norm(s) for s in shown}

    def _tidy(self, text: str) -> str:
        """Drop later sentences that repeat earlier replies or break character (no call)."""
        sentences = _sentences(text)
        kept = sentences[:1]
        for sentence in sentences[1:]:
            if self._later_fails(sentence + " ", kept):
                break
            kept.append(sentence)
        return " ".join(kept)

    async def _after_check(self, draft: str, risks: list[str]) -> str:
        """The model after-check with at most one rewrite (one extra call)."""
        return self._tidy(await self._check(draft, risks))

    async def _check(self, draft: str, risks: list[str]) -> str:
        client = self._responder.client
        try:
            verdict, usage = await client.parse(
                principle_check_messages(self._plan, draft, risks),
                model=client.model_for("persona"),
                schema=PrincipleVerdict,
                max_tokens=CHECK_MAX_TOKENS,
            )
        except ModelError as exc:
            log.info("after-check skipped (%s); the draft stands", exc.reason)
            return draft
        self.usage = Usage(
            prompt_tokens=self.usage.prompt_tokens + usage.prompt_tokens,
            completion_tokens=self.usage.completion_tokens + usage.completion_tokens,
        )
        self.checked = True
        if (verdict.broken or verdict.problems) and verdict.rewrite and verdict.rewrite.strip():
            self.rewritten = True
            return verdict.rewrite.strip()
        return draft


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
        """True when this plan's reply goes through the screen and, on a risk, the after-check.

        Args:
            plan: the plan.

        Returns:
            ``check_principles`` (``EC_CHECK_PRINCIPLES``).
        """
        return self.check_principles

    def holds_draft(self, plan: ReplyPlan) -> bool:
        """True when the whole draft is held and checked before anything is shown.

        Args:
            plan: the plan.

        Returns:
            :meth:`will_check` and the engine sees a risk (:func:`engine_risks`).
        """
        return self.will_check(plan) and bool(engine_risks(plan))

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
