"""Caregiver persona cards: the pydantic model that validates ``personas/*.yml``.

A card describes one fictional caregiver (DESIGN.md, "Persona cards"): who they
are, how they talk, the surface account of the absences, deeper layers each
with what earns them, the hidden insight a patient interviewer reaches last,
and what makes them close up. Field names ``id``, ``name``, ``relation``,
``student``, ``language``, ``style``, ``surface_account``, ``layers``,
``hidden_insight``, ``closes_up_when`` and ``principles`` are relied on by
other tools; keep them.

The practice engine, not the voice, owns trust and disclosure: ``trust`` on a
layer is the trust level (on the engine's 0-10 scale) that earns it, and
``topics`` are the everyday conversation topics that open it. Topics are
ordinary words any interviewer would use (see :data:`TOPICS`), so no layer
hinges on a word that only someone who read the card would know.
"""

from __future__ import annotations

import re
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Topic = Literal[
    "mornings",
    "transport",
    "health",
    "work",
    "siblings",
    "teachers",
    "friends",
    "school_feelings",
    "hopes",
    "home",
    "contact",
    "family",
]
"""Everyday topics a staff question can touch (the scripted responder and the
engine's disclosure rules both use them)."""

TOPICS: tuple[Topic, ...] = get_args(Topic)

Subject = Literal[
    Topic,
    "interests",
    "weekends",
    "neighborhood",
    "sleep",
    "food",
    "screens",
    "own_school",
    "help",
    "school_good",
    "school_bad",
    "absences",
    "self",
]
"""What an ordinary question can be about: the twelve :data:`Topic` values
(which open layers) plus the everyday subjects the offline partner must be
able to answer (the student's interests, weekends, the neighborhood, sleep,
food, screens, the caregiver's own school days, what would help, what the
school does well and badly, the missed days themselves, and the caregiver's
own state, ``self``)."""

SUBJECTS: tuple[Subject, ...] = get_args(Subject)

Social = Literal["greeting", "permission", "closing", "questions_for_me", "thanks", "repeat"]
"""Social moves of a call that need their own answer: a greeting, asking
whether now is a good time or whether one may ask, saying goodbye, "any
questions for me?", thanks with nothing asked, and being asked the very same
thing again."""

Style = Literal["plain", "upset", "verbose", "reserved", "tangents", "pleasing"]
"""Communication styles used by published patient simulators (e.g. Patient-Ψ)."""

Language = Literal["en", "es"]

TRUST_MAX = 10.0
"""Top of the engine's trust scale; card thresholds must lie in [0, TRUST_MAX]."""


class _Card(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Student(_Card):
    """The student whose absences the interview is about.

    Attributes:
        name: first name only (fictional).
        grade: grade as staff say it: ``"K"``, ``"1"`` … ``"12"``, or ``"Pre-K"``.
        pronouns: ``"he"``, ``"she"`` or ``"they"``; None when the card does
            not say (rewrites then use the name or neutral words).
    """

    name: str = Field(min_length=1, max_length=40)
    grade: str = Field(pattern=r"^(Pre-K|K|[1-9]|1[0-2])$")
    pronouns: Literal["he", "she", "they"] | None = None


class Layer(_Card):
    """One deeper part of the caregiver's story, disclosed only when earned.

    Attributes:
        id: short slug, unique within the card.
        text: the fact, in the third person (what a model prompt is given).
        says: one or more first-person lines the caregiver uses to tell it.
        topics: everyday topics that open this layer (at least one).
        trust: trust level (0-10) the interviewer must have built first.
        earned_by: plain description of what earns it, for coaches and authors.
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    text: str = Field(min_length=10)
    says: list[str] = Field(min_length=1)
    topics: list[Topic] = Field(min_length=1)
    trust: float = Field(ge=0, le=TRUST_MAX)
    earned_by: str = Field(min_length=5)
    more: list[str] = Field(
        default_factory=list,
        description="first-person elaboration lines for follow-ups once this layer is out",
    )


class HiddenInsight(_Card):
    """What only a patient, non-judgmental interviewer reaches, after all layers.

    Attributes:
        text: the fact, third person.
        says: first-person lines; the engine prefixes the
            "…actually, there's something else" turn when it is revealed.
        trust: trust level (0-10) needed, at least every layer's threshold.
    """

    text: str = Field(min_length=10)
    says: list[str] = Field(min_length=1)
    trust: float = Field(ge=0, le=TRUST_MAX)


class CloseUp(_Card):
    """What recognizes one ``closes_up_when`` entry in a staff turn.

    Attributes:
        when: the ``closes_up_when`` entry this recognizes (exact text).
        patterns: regular expressions (case-insensitive, matched on the
            folded staff text); any match is a hit.
        says: guarded first-person lines for a hit (the reaction).
    """

    when: str = Field(min_length=5)
    patterns: list[str] = Field(min_length=1)
    says: list[str] = Field(default_factory=list)

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"pattern {pattern!r} does not compile: {exc}") from exc
        return patterns


class Voice(_Card):
    """Lines the scripted responder draws on when no layer is being disclosed.

    Attributes:
        greeting: the caregiver's first words when the call starts.
        in_person: the caregiver's first words when staff meet them in person
            (at school or at home: "Thanks for coming in, can I get you some
            water?"), answering the welcome rather than a phone call; empty:
            ``greeting``.
        surface: lines that give the surface account (at least 2).
        topics: small-talk lines per topic, in the persona's voice; these never
            reveal layer facts.
        general: lines for anything that matches no topic (at least 3).
        brief: short answers to closed yes/no questions (at least 3).
        guarded: closing-up lines after judgment, advice or lectures (at least 3).
        acknowledge: replies to a reflection or affirmation (at least 2).
        yes_no: short answers per subject to a yes/no question, consistent
            with the card's facts ("Does she like school?" -> "Oh, she loves
            it."); the responder adds style-dependent overflow.
        social: answers to the social moves of a call (see :data:`Social`).
        threatened: reactions to a threat (court, referral, child services).
        offered: reactions to advice or an offer of help or resources during the
            interview ("We're okay. We don't need a handout."), which answer the
            offer rather than a lecture; empty: the ``guarded`` lines.
    """

    greeting: str = Field(min_length=1)
    in_person: str = ""
    surface: list[str] = Field(min_length=2)
    topics: dict[Subject, list[str]] = Field(default_factory=dict)
    general: list[str] = Field(min_length=3)
    brief: list[str] = Field(min_length=3)
    guarded: list[str] = Field(min_length=3)
    acknowledge: list[str] = Field(min_length=2)
    yes_no: dict[Subject, list[str]] = Field(default_factory=dict)
    social: dict[Social, list[str]] = Field(default_factory=dict)
    threatened: list[str] = Field(default_factory=list)
    offered: list[str] = Field(default_factory=list)


class Persona(_Card):
    """A caregiver persona card (one YAML file under ``personas/``).

    Raises:
        pydantic.ValidationError: on a missing or extra field, fewer than three
            layers, duplicate layer ids, or a hidden insight that needs less
            trust than a layer.
    """

    id: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]*$", description="file stem, e.g. 'night-shift-mom'"
    )
    name: str = Field(min_length=1, description="fictional caregiver's name")
    relation: str = Field(min_length=2, description="relation to the student, e.g. 'grandmother'")
    household: str = Field(min_length=10, description="who lives at home")
    student: Student
    language: Language = "en"
    style: Style
    opening_mood: str = Field(min_length=3)
    opening_trust: float = Field(default=1.0, ge=0, le=TRUST_MAX)
    absence_reason: str = Field(
        min_length=3, description="the real reason this card is grounded in"
    )
    situation: str = Field(min_length=10, description="what the staff member knows before calling")
    surface_account: str = Field(min_length=10)
    layers: list[Layer] = Field(min_length=3)
    hidden_insight: HiddenInsight
    closes_up_when: list[str] = Field(min_length=1)
    close_up: list[CloseUp] = Field(
        default_factory=list, description="what recognizes each closes_up_when entry"
    )
    principles: list[str] = Field(default_factory=list)
    beliefs: list[str] = Field(
        default_factory=list,
        description="what the caregiver believes about school and the absences (no locked fact)",
    )
    kind: Literal["caregiver", "student"] = "caregiver"
    voice: Voice

    @field_validator("layers")
    @classmethod
    def _unique_layer_ids(cls, layers: list[Layer]) -> list[Layer]:
        seen: set[str] = set()
        for layer in layers:
            if layer.id in seen:
                raise ValueError(f"duplicate layer id {layer.id!r}")
            seen.add(layer.id)
        return layers

    @model_validator(mode="after")
    def _insight_after_layers(self) -> Persona:
        top = max(layer.trust for layer in self.layers)
        if self.hidden_insight.trust < top:
            raise ValueError(
                f"hidden_insight.trust ({self.hidden_insight.trust}) must be at least the "
                f"highest layer trust ({top}): the insight comes last"
            )
        return self

    @model_validator(mode="after")
    def _close_up_names_entries(self) -> Persona:
        unknown = [c.when for c in self.close_up if c.when not in self.closes_up_when]
        if unknown:
            raise ValueError(f"close_up entries name no closes_up_when entry: {unknown}")
        return self

    @property
    def display_name(self) -> str:
        """``"Rosa (mother of Ana, grade 3)"``: how the UI introduces the persona."""
        grade = self.student.grade
        grade_txt = grade if grade in ("K", "Pre-K") else f"grade {grade}"
        if self.kind == "student":
            return f"{self.name} (student, {grade_txt})"
        return f"{self.name} ({self.relation} of {self.student.name}, {grade_txt})"
