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
from bot.core.text import asks_question, first_sentence

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
) -> str:
    name = persona.name.split()[0]
    total = len(persona.layers)
    if not turns:
        return f"You haven't talked with {name} yet. Start with an open question and listen."
    by_id = {layer.id: layer for layer in persona.layers}
    learned = [first_sentence(by_id[i].text) for t in turns for i in t.disclosed if i in by_id]
    parts: list[str] = []
    if insight:
        parts.append(
            f"You heard all {total} layers of {name}'s story, and then {name} trusted you "
            f"with something more: {persona.hidden_insight.text}"
        )
    elif layers_reached:
        parts.append(
            f"You heard {layers_reached} of {total} layers of {name}'s story. "
            f"What you learned: {' '.join(learned)}"
        )
    else:
        parts.append(f"{name} shared a first account, but not yet the story behind it.")
    good: list[str] = []
    if open_questions:
        good.append(f"asked {_plural(open_questions, 'open question')}")
    if follow_ups:
        good.append(f"followed up {_times(follow_ups)}")
    if reflections:
        good.append(f"reflected back what you heard {_times(reflections)}")
    if good:
        joined = ", ".join(good[:-1]) + (" and " if len(good) > 1 else "") + good[-1]
        parts.append(f"You {joined}.")
    if interventions:
        parts.append(
            f"{_plural(interventions, 'turn')} moved toward advice, persuasion or correction, "
            f"and {name} closed up a little; the reframes below keep the door open."
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
        persona: the card practised with (full, not redacted).
        turns: the recorded turns, oldest first.
        usd_per_million_prompt: model price per million prompt tokens, if known.
        usd_per_million_completion: model price per million completion tokens.

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
        ),
        usage=Usage(prompt_tokens=prompt_tokens, completion_tokens=completion_tokens),
        estimated_cost_usd=cost,
    )
