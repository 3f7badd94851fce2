"""Core models: the reviewer's contract (findings, reviews) and practice turns and sessions.

The shapes and the nine finding kinds are fixed by ``shared/DESIGN.md`` ("The
reviewer's contract"); tests and tools outside this package depend on them, so
change them only together with that document.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.core.persona import Topic

FindingKind = Literal[
    "advice",
    "judgment",
    "persuasion",
    "correction",
    "leading",
    "closed",
    "stacked",
    "why_blame",
    "jargon",
]
"""The nine finding ids of DESIGN.md, in the order of its table."""

Severity = Literal["intervention", "craft"]
"""``intervention``: the turn stops being an interview (DOMAIN.md's table of
signs); ``craft``: the turn is still an interview but a weaker one."""

Move = Literal["open_question", "follow_up", "reflection", "affirmation"]
"""Good interviewing moves seen in a turn (DOMAIN.md, "Craft of a good interview")."""

Source = Literal["rules", "learned", "llm"]
"""Who found a finding: the rules, the learned classifier shipped in the package, or a model."""

FINDING_KINDS: tuple[FindingKind, ...] = get_args(FindingKind)

SEVERITY_OF: dict[FindingKind, Severity] = {
    "advice": "intervention",
    "judgment": "intervention",
    "persuasion": "intervention",
    "correction": "intervention",
    "leading": "craft",
    "closed": "craft",
    "stacked": "craft",
    "why_blame": "craft",
    "jargon": "craft",
}
"""Severity of each kind, exactly as DESIGN.md's table assigns it."""

INTERVENTION_KINDS: frozenset[FindingKind] = frozenset(
    k for k, s in SEVERITY_OF.items() if s == "intervention"
)


class Finding(BaseModel):
    """One problem in one staff utterance.

    Attributes:
        kind: one of the nine ids in :data:`FINDING_KINDS`.
        severity: ``"intervention"`` or ``"craft"``; must agree with
            :data:`SEVERITY_OF` (validated).
        span: ``(start, end)`` half-open character offsets into the *original*
            text of the utterance (before any Slack-markup clean-up).
        evidence: the matched words, equal to ``text[start:end]``.
        why: one plain sentence a staff member can act on.
        source: ``"rules"`` for the rules reviewer, ``"learned"`` for the
            learned layer, ``"llm"`` for the model.
        confidence: how sure the source is, 0-1 (rules: 1.0 unless a rule
            says otherwise). The practice engine charges trust in proportion.

    Raises:
        pydantic.ValidationError: on an unknown kind, a severity that
            contradicts the kind, or a span with ``end < start``.
    """

    model_config = ConfigDict(frozen=True)

    kind: FindingKind
    severity: Severity
    span: tuple[int, int]
    evidence: str
    why: str
    source: Source = "rules"
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _check(self) -> Finding:
        if SEVERITY_OF[self.kind] != self.severity:
            raise ValueError(
                f"kind {self.kind!r} has severity {SEVERITY_OF[self.kind]!r}, not {self.severity!r}"
            )
        start, end = self.span
        if start < 0 or end < start:
            raise ValueError(f"span {self.span} is not a valid [start, end) range")
        return self

    @property
    def is_intervention(self) -> bool:
        """True when this finding turns the interview into an intervention."""
        return self.severity == "intervention"


class ReviewContext(BaseModel):
    """What the reviewer may know about the conversation a staff turn belongs to.

    Attributes:
        student_name: the student's first name, when the session knows it.
        student_pronouns: ``"he"``, ``"she"`` or ``"they"``; None when unknown
            (rewrites then stay neutral).
        language: the session's language (``"en"`` or ``"es"``), or None to
            detect it from the text.
        turn_index: 1-based index of the staff turn in a practice session, or
            None outside practice (a question list).
    """

    model_config = ConfigDict(frozen=True)

    student_name: str | None = None
    student_pronouns: Literal["he", "she", "they"] | None = None
    language: Literal["en", "es"] | None = None
    turn_index: int | None = None


class Review(BaseModel):
    """The review of one staff utterance.

    Attributes:
        text: the utterance exactly as received.
        findings: problems found, ordered by span start.
        reframe: an open, neutral rewrite of the utterance, or ``None`` when
            nothing is wrong.
        moves: good moves seen (no duplicates, in a stable order).
    """

    text: str
    findings: list[Finding] = Field(default_factory=list)
    reframe: str | None = None
    moves: list[Move] = Field(default_factory=list)

    @property
    def kinds(self) -> set[FindingKind]:
        """The set of finding kinds in this review."""
        return {f.kind for f in self.findings}

    @property
    def has_intervention(self) -> bool:
        """True when any finding has severity ``intervention``."""
        return any(f.is_intervention for f in self.findings)

    def contract_dict(self) -> dict[str, object]:
        """Return exactly DESIGN.md's JSON fields: text, findings, reframe, moves."""
        return self.model_dump(mode="json")


# -- practice ---------------------------------------------------------------

ReplyMode = Literal["brief", "open", "guarded", "acknowledge", "disclose", "insight"]
"""How the caregiver answers this turn:

- ``brief``: a closed yes/no question, answered in a few words.
- ``open``: an open question on a topic, answered at length from the voice lines.
- ``guarded``: after judgment, advice, persuasion or correction: closing up.
- ``acknowledge``: after a reflection or affirmation with no question.
- ``disclose``: a layer is being disclosed now (``ReplyPlan.disclose``).
- ``insight``: the hidden insight is being revealed now.
"""


class Usage(BaseModel):
    """Model token usage of one turn (all zero for the scripted responder).

    Attributes:
        prompt_tokens: tokens sent, summed over all model calls of the turn.
        completion_tokens: tokens received, summed likewise.
    """

    prompt_tokens: int = 0
    completion_tokens: int = 0


class EngineState(BaseModel):
    """Everything the practice engine decides with, after one turn.

    Stored on every turn so a session can be rewound to before any turn
    (:meth:`bot.core.practice.PracticeEngine.rewind`) and restored exactly.

    Attributes:
        trust: trust (0-10).
        disclosed_ids: layers disclosed so far, in order.
        insight: True once the hidden insight was revealed.
        intervention_turns: turns so far with an intervention (repeats cost more).
        threats: threatening turns so far.
        wary_until: last turn index of the caregiver's wariness after a threat
            (trust capped, nothing disclosed); 0 when none.
        blocked_until: last turn index in which a close-up trigger still
            blocks new disclosure; 0 when none.
        last_disclosure: turn index of the latest disclosure (0: none yet).
    """

    trust: float
    disclosed_ids: list[str] = Field(default_factory=list)
    insight: bool = False
    intervention_turns: int = 0
    threats: int = 0
    wary_until: int = 0
    blocked_until: int = 0
    last_disclosure: int = 0


class Turn(BaseModel):
    """One staff utterance and the caregiver's answer.

    Attributes:
        index: 1-based turn number in the session.
        staff: the staff member's text exactly as typed.
        caregiver: the caregiver's reply text.
        review: the review of ``staff``.
        topics: topics the staff text touched.
        mode: how the caregiver answered (see :data:`ReplyMode`).
        trust_after: engine trust (0-10) after this turn.
        disclosed: ids of layers disclosed in this turn.
        insight: True when the hidden insight was revealed in this turn.
        note: a visible note for the staff member (e.g. "the simplified
            partner answered this turn"), or None.
        usage: model tokens spent on this turn.
        trust_before: engine trust before this turn (None in old snapshots).
        listening: listening credit the engine gave this turn (after
            diminishing returns for repeats).
        events: what the engine noticed, as ids: ``threat``,
            ``close_up:<n>`` (n-th ``closes_up_when`` entry, 1-based),
            ``reflection_miss``, ``repeat``, ``pause``, ``intervention``.
        earned_by: for a turn that disclosed something, the move that earned
            it (``open_question``, ``follow_up``, ``reflection``, ``pause``,
            ``affirmation``, ``question``).
        coach_note: a note for the staff member from the engine (e.g. a
            reflection that named something never said), or None.
        state: the engine state after this turn (None in old snapshots).
    """

    index: int
    staff: str
    caregiver: str
    review: Review
    topics: list[Topic] = Field(default_factory=list)
    mode: ReplyMode
    trust_after: float
    disclosed: list[str] = Field(default_factory=list)
    insight: bool = False
    note: str | None = None
    usage: Usage = Field(default_factory=Usage)
    trust_before: float | None = None
    listening: float = 0.0
    events: list[str] = Field(default_factory=list)
    earned_by: str | None = None
    coach_note: str | None = None
    state: EngineState | None = None


class PracticeSession(BaseModel):
    """A snapshot of one practice session, for a store to persist and resume.

    Attributes:
        persona_id: the card's id.
        seed: the session seed.
        recent_turns: size of the recent window given to responders.
        turns: every recorded turn, oldest first.
        trust: engine trust (0-10) after the last recorded turn.
        disclosed_ids: ids of layers disclosed so far, in disclosure order.
        insight_reached: True once the hidden insight was revealed.
        state: the full engine state after the last recorded turn (None in
            old snapshots; rebuilt from the fields above then).
        replaced: turns taken back by a rewind (*Try again*), oldest first;
            each keeps its index, so the debrief can show both attempts.
    """

    persona_id: str
    seed: int = 0
    recent_turns: int = 6
    turns: list[Turn] = Field(default_factory=list)
    trust: float
    disclosed_ids: list[str] = Field(default_factory=list)
    insight_reached: bool = False
    state: EngineState | None = None
    replaced: list[Turn] = Field(default_factory=list)
