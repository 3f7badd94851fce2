"""The debrief: feedback figures and a kind summary after a practice session.

Fields follow DESIGN.md ("The practice contract"). Success is framed the way
DOMAIN.md frames it: by what the interviewer learned, never by whether the
caregiver changed their mind.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from bot.core.models import FINDING_KINDS, FindingKind, Turn, Usage
from bot.core.persona import Persona
from bot.core.text import asks_question

MAX_REFRAMES = 3
"""How many reframes a debrief shows (the brief: "the three most useful"),
enough to act on without turning the debrief into a lecture."""

_WORD = re.compile(r"[\w'’]+")


class Reframe(BaseModel):
    """One staff turn worth rewording, with the reviewer's neutral rewrite.

    Serialized as ``{"asked": …, "try": …}`` (DESIGN.md); in Python the second
    field is ``try_`` because ``try`` is a keyword.

    Attributes:
        asked: what the staff member said.
        try_: the open, neutral rewrite (JSON key ``try``).
    """

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    asked: str
    try_: str = Field(alias="try")


QUESTION_CRAFT: tuple[FindingKind, ...] = ("stacked", "closed", "leading")
"""The question-craft kinds a debrief names with their counts."""

SMALL_FALL = 2.0
"""A trust fall of at most this much (on the 0-10 scale) is "a little"; more is
said plainly with its figures."""

LEARNED_MAX_CHARS = 220
"""Sentences of one disclosed fact quoted in the summary stop before this many
characters, but always at a sentence boundary: the first sentence is always
whole, however long."""

_SENTENCE_END = re.compile(
    # a terminator (not "a.m."/"p.m."/"Mr."/"Ms."/"Mrs."/"Dr."/"St.") then space + capital
    r"(?<![ap]\.m)(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bDr)(?<!\bSt)([.!?…]['\"’”)]*)\s+(?=[A-Z¿¡\"'“‘(])"
)

_MOVE_WORDS: dict[str, str] = {
    "reflection": "a reflection",
    "follow_up": "a follow-up",
    "open_question": "an open question",
    "affirmation": "an affirmation",
    "pause": "a pause",
    "question": "a question",
}

_KIND_WORDS: dict[str, str] = {
    "advice": "advice",
    "judgment": "judgment",
    "persuasion": "persuasion",
    "correction": "a correction",
    "leading": "a leading question",
    "closed": "a yes/no question",
    "stacked": "stacked questions",
    "why_blame": "a 'why did you' question",
    "jargon": "jargon",
}


def split_sentences(text: str) -> list[str]:
    """Split text into whole sentences (abbreviations such as "a.m." and "Dr." kept inside).

    Args:
        text: any text.

    Returns:
        The sentences, each stripped, in order; joined by spaces they give the
        text back (whitespace normalised).
    """
    text = " ".join(text.split())
    if not text:
        return []
    out: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        out.append(text[start : match.end(1)].strip())
        start = match.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def whole_sentences(text: str, max_chars: int = LEARNED_MAX_CHARS) -> str:
    """Return the leading whole sentences of ``text`` that fit in ``max_chars``.

    Never cuts a sentence: the first one is kept whole even when longer than
    ``max_chars``; later ones are added only while the total fits.

    Args:
        text: a fact from a card.
        max_chars: soft limit on the result's length.

    Returns:
        One or more whole sentences of ``text`` ("" for empty text).
    """
    sentences = split_sentences(text)
    if not sentences:
        return ""
    kept = [sentences[0]]
    for sentence in sentences[1:]:
        if len(" ".join([*kept, sentence])) > max_chars:
            break
        kept.append(sentence)
    return " ".join(kept)


class Earned(BaseModel):
    """Which turn earned one layer (or the hidden insight) and by which move.

    Attributes:
        layer: the layer id, or ``"insight"`` for the hidden insight.
        turn: the 1-based turn that earned it.
        move: the move that earned it (``reflection``, ``follow_up``,
            ``open_question``, ``affirmation``, ``pause``, ``question``), or
            None when the turn record does not say.
        asked: what the staff member said in that turn.
        learned: what the caregiver shared, in whole sentences from the card.
    """

    layer: str
    turn: int
    move: str | None = None
    asked: str
    learned: str


class TrustFall(BaseModel):
    """One turn where the caregiver's trust fell, and why.

    Attributes:
        turn: the 1-based turn.
        before: trust before the turn (0-10).
        after: trust after the turn (0-10).
        asked: what the staff member said.
        reasons: why, from the turn's findings and engine events, in plain
            words ("a threat (court, referral, fines)", "advice", …).
    """

    turn: int
    before: float
    after: float
    asked: str
    reasons: list[str] = Field(default_factory=list)


class Retry(BaseModel):
    """Both attempts of a turn the staff member tried again (*Try again*).

    Attributes:
        turn: the 1-based turn that was retried.
        first_asked: the first attempt's words.
        first_reply: the caregiver's answer to the first attempt.
        first_findings: finding kinds of the first attempt.
        then_asked: the new attempt's words ("" when not asked yet).
        then_reply: the caregiver's answer to the new attempt.
        then_findings: finding kinds of the new attempt.
    """

    turn: int
    first_asked: str
    first_reply: str
    first_findings: list[FindingKind] = Field(default_factory=list)
    then_asked: str = ""
    then_reply: str = ""
    then_findings: list[FindingKind] = Field(default_factory=list)


class Debrief(BaseModel):
    """Feedback after one practice session (DESIGN.md's debrief object).

    Attributes:
        turns: number of staff turns.
        open_questions: turns whose review saw an ``open_question`` move.
        closed_questions: turns with a ``closed`` finding.
        findings_by_kind: finding kind -> count over the session; all nine
            kinds are present, with 0 when unseen.
        follow_ups: turns with a ``follow_up`` move.
        reflections: turns with a ``reflection`` move.
        reflection_to_question: reflections / turns that asked something
            (:func:`bot.core.practice.asks_question`), rounded to 2 places; 0.0
            when no question was asked. Motivational-interviewing practice
            treats about 1 reflection per 2 questions (0.5) as a first aim.
        talk_ratio: staff words / caregiver words, rounded to 2 places (words
            are runs of letters, digits and apostrophes); 0.0 when the caregiver
            said nothing. Below 1 means the caregiver did most of the talking,
            which is what an empathy interview wants.
        layers_reached: layers of the caregiver's story disclosed.
        layers_total: layers on the card.
        hidden_insight_reached: True when the hidden insight was revealed.
        reframes: up to :data:`MAX_REFRAMES` {asked, try} pairs: turns with an
            intervention finding first, then craft findings, each in turn order,
            only from reviews that carry a reframe.
        summary: a short, kind, plain-language summary.
        usage: model tokens summed over all turns.
        estimated_cost_usd: model cost in US dollars when prices were given,
            else None.
        question_craft: counts of the question-craft kinds named in the
            summary (``stacked``, ``closed``, ``leading``).
        earned: which turn earned each layer and the insight, and by which move.
        trust_falls: the turns where trust fell, with why.
        retries: both attempts of every retried turn, side by side.
    """

    turns: int
    open_questions: int
    closed_questions: int
    findings_by_kind: dict[FindingKind, int]
    follow_ups: int
    reflections: int
    reflection_to_question: float
    talk_ratio: float
    layers_reached: int
    layers_total: int
    hidden_insight_reached: bool
    reframes: list[Reframe] = Field(default_factory=list)
    summary: str
    usage: Usage = Field(default_factory=Usage)
    estimated_cost_usd: float | None = None
    question_craft: dict[str, int] = Field(default_factory=dict)
    earned: list[Earned] = Field(default_factory=list)
    trust_falls: list[TrustFall] = Field(default_factory=list)
    retries: list[Retry] = Field(default_factory=list)


def count_words(text: str) -> int:
    """Count words: runs of letters, digits and (straight or curly) apostrophes.

    Args:
        text: any text.

    Returns:
        The number of words (0 for empty text).
    """
    return len(_WORD.findall(text))


def _pick_reframes(turns: list[Turn]) -> list[Reframe]:
    intervention: list[Reframe] = []
    craft: list[Reframe] = []
    seen: set[str] = set()
    for turn in turns:
        rv = turn.review
        if not rv.reframe or not rv.findings or turn.staff in seen:
            continue
        seen.add(turn.staff)
        item = Reframe.model_validate({"asked": turn.staff, "try": rv.reframe})
        (intervention if rv.has_intervention else craft).append(item)
    return (intervention + craft)[:MAX_REFRAMES]


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _trust_before(turns: list[Turn], i: int, opening: float) -> float:
    turn = turns[i]
    if turn.trust_before is not None:
        return turn.trust_before
    return turns[i - 1].trust_after if i else opening


def _reasons(persona: Persona, turn: Turn) -> list[str]:
    out: list[str] = []
    for event in turn.events:
        if event == "threat":
            out.append("a threat (court, referral, fines or child services)")
        elif event.startswith("close_up:"):
            n = int(event.split(":", 1)[1])
            if 1 <= n <= len(persona.closes_up_when):
                out.append(f"it touched what makes them close up: {persona.closes_up_when[n - 1]}")
        elif event == "reflection_miss":
            out.append("a reflection named something they had not said")
    for kind in _kinds(turn):
        words = _KIND_WORDS.get(kind, kind)
        if words not in out:
            out.append(words)
    if not out and "repeat" in turn.events:
        out.append("the same words again")
    return out


def _kinds(turn: Turn) -> list[FindingKind]:
    """Finding kinds of a turn in the order found (deterministic, no repeats)."""
    return list(dict.fromkeys(f.kind for f in turn.review.findings))


def _trust_falls(persona: Persona, turns: list[Turn]) -> list[TrustFall]:
    falls: list[TrustFall] = []
    for i, turn in enumerate(turns):
        before = _trust_before(turns, i, persona.opening_trust)
        if turn.trust_after < before - 0.05:
            falls.append(
                TrustFall(
                    turn=turn.index,
                    before=round(before, 2),
                    after=round(turn.trust_after, 2),
                    asked=turn.staff,
                    reasons=_reasons(persona, turn),
                )
            )
    return falls


_CONTENT_WORD = re.compile(r"[^\W\d_]{4,}")
"""A content word for :func:`said_sentences` (four letters or more, any alphabet)."""

SAID_SHARE = 0.5
"""A layer sentence counts as said when at least this share of its content words is in
the caregiver's replies (the voice words a fact its own way; half keeps paraphrases)."""


def said_sentences(text: str, replies: str, max_chars: int = LEARNED_MAX_CHARS) -> str:
    """What of a disclosed layer the caregiver actually told: its first sentence (the
    disclosure's gist) and each later sentence the replies carry.

    Args:
        text: the layer's text on the card.
        replies: the caregiver's replies from the disclosing turn on.
        max_chars: soft limit, as in :func:`whole_sentences`.

    Returns:
        Whole sentences of ``text`` in card order ("" for empty text).
    """
    sentences = split_sentences(text)
    if not sentences:
        return ""
    heard = {w.lower() for w in _CONTENT_WORD.findall(replies)}
    kept = [sentences[0]]
    for sentence in sentences[1:]:
        words = {w.lower() for w in _CONTENT_WORD.findall(sentence)}
        if words and len(words & heard) / len(words) >= SAID_SHARE:
            if len(" ".join([*kept, sentence])) > max_chars:
                break
            kept.append(sentence)
    return " ".join(kept)


def _earned(persona: Persona, turns: list[Turn]) -> list[Earned]:
    by_id = {layer.id: layer for layer in persona.layers}
    out: list[Earned] = []
    for i, turn in enumerate(turns):
        for layer_id in turn.disclosed:
            if layer_id in by_id:
                out.append(
                    Earned(
                        layer=layer_id,
                        turn=turn.index,
                        move=turn.earned_by,
                        asked=turn.staff,
                        learned=said_sentences(
                            by_id[layer_id].text, " ".join(t.caregiver for t in turns[i:])
                        ),
                    )
                )
        if turn.insight:
            out.append(
                Earned(
                    layer="insight",
                    turn=turn.index,
                    move=turn.earned_by,
                    asked=turn.staff,
                    learned=" ".join(split_sentences(persona.hidden_insight.text)),
                )
            )
    return out


def _retries(turns: list[Turn], replaced: list[Turn]) -> list[Retry]:
    now = {turn.index: turn for turn in turns}
    out: list[Retry] = []
    for old in replaced:
        new = now.get(old.index)
        out.append(
            Retry(
                turn=old.index,
                first_asked=old.staff,
                first_reply=old.caregiver,
                first_findings=_kinds(old),
                then_asked=new.staff if new else "",
                then_reply=new.caregiver if new else "",
                then_findings=_kinds(new) if new else [],
            )
        )
    return out


def _quote(turn: Turn) -> str:
    """Quote one whole sentence of a staff turn: the one a finding points at, else the last."""
    sentences = split_sentences(turn.staff)
    if len(sentences) <= 1:
        return f"'{turn.staff.strip()}'"
    for finding in turn.review.findings:
        evidence = " ".join(finding.evidence.split())
        for sentence in sentences:
            if evidence and evidence in sentence:
                return f"'{sentence}'"
    return f"'{sentences[-1]}'"


def _turn_list(numbers: list[int]) -> str:
    shown = [str(n) for n in numbers[:4]]
    more = " and others" if len(numbers) > 4 else ""
    if len(shown) == 1:
        return f"turn {shown[0]}"
    return "turns " + (", ".join(shown) + more if more else _and(shown))


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _fall_sentence(name: str, persona: Persona, turns: list[Turn], falls: list[TrustFall]) -> str:
    """Say where trust fell and why: plainly with figures, "a little" only when small."""
    by_index = {t.index: t for t in turns}
    worst = max(falls, key=lambda f: f.before - f.after)
    # the whole slide: from the highest trust up to the worst fall to the lowest after it
    start = max(
        _trust_before(turns, i, persona.opening_trust)
        for i, t in enumerate(turns)
        if t.index <= worst.turn
    )
    low = min(t.trust_after for t in turns if t.index >= worst.turn)
    where = _turn_list([f.turn for f in falls])
    why = _and(worst.reasons[:3]) if worst.reasons else "what was said"
    said = _quote(by_index[worst.turn])
    threat = any("threat" in r for r in worst.reasons)
    if start - low <= SMALL_FALL and not threat:
        if low < 0.5 and start <= SMALL_FALL:
            return (
                f"{name} stayed guarded: trust never rose above {start:.0f} of 10 and fell to "
                f"nothing at turn {worst.turn} ({said}: {why})."
            )
        return (
            f"{name} closed up a little at {where}; the biggest dip came at turn "
            f"{worst.turn} ({said}: {why})."
        )
    level = "to nothing" if low < 0.5 else f"to {low:.0f}"
    return (
        f"Trust fell at {where}: from {start:.0f} {level} on a scale of 10, and {name} "
        f"{'shut down' if low < 1.5 else 'closed up'}. The biggest fall came at turn "
        f"{worst.turn} ({said}: {why})."
    )


def _summary(
    persona: Persona,
    turns: list[Turn],
    *,
    layers_reached: int,
    insight: bool,
    open_questions: int,
    follow_ups: int,
    reflections: int,
    interventions: int,
    craft: dict[str, int],
    earned: list[Earned],
    falls: list[TrustFall],
    retries: list[Retry],
) -> str:
    name = persona.name.split()[0]
    total = len(persona.layers)
    if not turns:
        return f"You haven't talked with {name} yet. Start with an open question and listen."
    learned = [e.learned for e in earned if e.layer != "insight"]
    parts: list[str] = []
    if insight:
        parts.append(
            f"You heard all {total} layers of {name}'s story, and then {name} trusted you "
            f"with something more: {' '.join(split_sentences(persona.hidden_insight.text))}"
        )
    elif layers_reached:
        parts.append(
            f"You heard {layers_reached} of {total} layers of {name}'s story. "
            f"What you learned: {' '.join(learned)}"
        )
    else:
        parts.append(f"{name} shared a first account, but not yet the story behind it.")
    if earned:
        opened = [
            f"turn {e.turn} ({_MOVE_WORDS.get(e.move or '', 'a question')}"
            + (", the insight)" if e.layer == "insight" else ")")
            for e in earned
        ]
        parts.append(f"What opened the story: {_and(opened)}.")
    good: list[str] = []
    if open_questions:
        good.append(f"asked {_plural(open_questions, 'open question')}")
    if follow_ups:
        good.append(f"followed up {_times(follow_ups)}")
    if reflections:
        good.append(f"reflected back what you heard {_times(reflections)}")
    if good:
        parts.append(f"You {_and(good)}.")
    named = [
        _plural(craft[k], label, many)
        for k, label, many in (
            ("stacked", "turn with stacked questions", "turns with stacked questions"),
            ("closed", "closed yes/no question", None),
            ("leading", "leading question", None),
        )
        if craft.get(k)
    ]
    if named:
        parts.append(
            f"Question craft to work on: {_and(named)}. One open question at a time "
            f"gives {name} room to answer."
        )
    repeats = [t for t in turns if "repeat" in t.events]
    if len(repeats) >= 2:
        counts: dict[str, int] = {}
        for t in turns:
            key = " ".join(t.staff.lower().split())
            counts[key] = counts.get(key, 0) + 1
        top = max(counts, key=lambda k: counts[k])
        said = next(t.staff.strip() for t in turns if " ".join(t.staff.lower().split()) == top)
        parts.append(
            f"You said the same words more than once ({_plural(len(repeats), 'repeat')}, "
            f"most often '{said}', {counts[top]} times); the same phrase again earns less "
            "each time, so vary how you invite more."
        )
    if interventions:
        parts.append(
            f"{_plural(interventions, 'turn')} moved toward advice, persuasion or correction; "
            "the reframes below keep the door open."
        )
    if falls:
        parts.append(_fall_sentence(name, persona, turns, falls))
    for retry in retries[:2]:
        if retry.then_asked:
            parts.append(
                f"You tried turn {retry.turn} again: first '{retry.first_asked.strip()}', "
                f"then '{retry.then_asked.strip()}'."
            )
    if not layers_reached:
        parts.append(
            f"Next time, open questions, follow-ups and reflections can help {name} say more."
        )
    elif not insight:
        parts.append(
            "Next time, a pause, a reflection or a simple 'What else?' after "
            f"{name} opens up may bring out more."
        )
    return " ".join(parts)


def compute_debrief(
    persona: Persona,
    turns: list[Turn],
    *,
    usd_per_million_prompt: float | None = None,
    usd_per_million_completion: float | None = None,
    replaced: list[Turn] | None = None,
) -> Debrief:
    """Compute the debrief of a practice session.

    Args:
        persona: the card practiced with (full, not redacted).
        turns: the recorded turns, oldest first.
        usd_per_million_prompt: model price per million prompt tokens, if known.
        usd_per_million_completion: model price per million completion tokens.
        replaced: turns taken back by *Try again* (shown beside their retries).

    Returns:
        The :class:`Debrief`. ``estimated_cost_usd`` is set (rounded to 6
        places) only when both prices are given.
    """
    findings_by_kind: dict[FindingKind, int] = dict.fromkeys(FINDING_KINDS, 0)
    open_q = closed_q = follow_ups = reflections = questions = interventions = 0
    staff_words = caregiver_words = 0
    prompt_tokens = completion_tokens = 0
    reached: list[str] = []
    insight = False
    for turn in turns:
        rv = turn.review
        for finding in rv.findings:
            findings_by_kind[finding.kind] += 1
        moves = set(rv.moves)
        open_q += "open_question" in moves
        follow_ups += "follow_up" in moves
        reflections += "reflection" in moves
        closed_q += "closed" in rv.kinds
        interventions += rv.has_intervention
        questions += asks_question(turn.staff, rv)
        staff_words += count_words(turn.staff)
        caregiver_words += count_words(turn.caregiver)
        prompt_tokens += turn.usage.prompt_tokens
        completion_tokens += turn.usage.completion_tokens
        reached.extend(i for i in turn.disclosed if i not in reached)
        insight = insight or turn.insight
    layers_reached = len(reached)
    craft: dict[str, int] = {k: findings_by_kind[k] for k in QUESTION_CRAFT}
    earned = _earned(persona, turns)
    falls = _trust_falls(persona, turns)
    retries = _retries(turns, replaced or [])
    cost: float | None = None
    if usd_per_million_prompt is not None and usd_per_million_completion is not None:
        cost = round(
            (
                prompt_tokens * usd_per_million_prompt
                + completion_tokens * usd_per_million_completion
            )
            / 1_000_000,
            6,
        )
    return Debrief(
        turns=len(turns),
        open_questions=open_q,
        closed_questions=closed_q,
        findings_by_kind=findings_by_kind,
        follow_ups=follow_ups,
        reflections=reflections,
        reflection_to_question=round(reflections / questions, 2) if questions else 0.0,
        talk_ratio=round(staff_words / caregiver_words, 2) if caregiver_words else 0.0,
        layers_reached=layers_reached,
        layers_total=len(persona.layers),
        hidden_insight_reached=insight,
        reframes=_pick_reframes(turns),
        summary=_summary(
            persona,
            turns,
            layers_reached=layers_reached,
            insight=insight,
            open_questions=open_q,
            follow_ups=follow_ups,
            reflections=reflections,
            interventions=interventions,
            craft=craft,
            earned=earned,
            falls=falls,
            retries=retries,
        ),
        usage=Usage(prompt_tokens=prompt_tokens, completion_tokens=completion_tokens),
        estimated_cost_usd=cost,
        question_craft=craft,
        earned=earned,
        trust_falls=falls,
        retries=retries,
    )
