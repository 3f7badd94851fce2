"""Neutral view models: what to show, never how a platform draws it.

Each view is a frozen dataclass holding plain data (core models, results and
ready-made sentences from :mod:`bot.presenters.wording`). A platform adapter
renders each kind of view; a view it does not know is a bug, not a silent drop.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.debrief import Debrief
from bot.core.models import Review
from bot.core.persona import Persona

__all__ = [
    "CaregiverReply",
    "CoachAlert",
    "CoachNote",
    "DebriefCard",
    "IntroCard",
    "Notice",
    "PersonaPicker",
    "QuestionReview",
    "TurnNote",
    "View",
]


@dataclass(frozen=True)
class View:
    """Base of every view model."""


@dataclass(frozen=True)
class Notice(View):
    """A short plain notice from the app (not the caregiver's voice).

    Attributes:
        text: one or two plain sentences (platforms escape it).
        icon: a neutral icon name (``info``, ``warning``, ``sent``) or None.
    """

    text: str
    icon: str | None = None


# -- practice ----------------------------------------------------------------


@dataclass(frozen=True)
class PersonaPicker(View):
    """Who would you like to practice with? One start choice per card.

    Attributes:
        personas: the cards to offer, in display order.
        intro: a plain line shown first (why the picker is shown), or None.
    """

    personas: tuple[Persona, ...]
    intro: str | None = None


@dataclass(frozen=True)
class IntroCard(View):
    """The card that opens a practice call: who, the situation, the goal, the signs.

    Attributes:
        persona: the caregiver card.
        session_id: the session (the End practice choice carries it).
        ended: True once the practice ended (the End choice is then gone).
    """

    persona: Persona
    session_id: str
    ended: bool = False


@dataclass(frozen=True)
class CaregiverReply(View):
    """The caregiver's words in one turn (posted whole where streaming is unavailable)."""

    text: str


@dataclass(frozen=True)
class CoachNote(View):
    """A coach note on one staff turn, visibly apart from the caregiver's voice.

    Attributes:
        persona: the caregiver (named in the label: "not part of the call with …").
        review: the review of the staff turn (findings, reframe).
        session_id / turn_index: where the note belongs (offers "Was this note
            wrong?" on the reviewer's findings); None where it cannot be disputed.
        engine_note: the practice engine's own note on the turn (e.g. "Check it
            back with them: '…'", :func:`bot.core.practice.check_back_note`),
            shown under the findings in the same note; None when there is none.
    """

    persona: Persona
    review: Review
    session_id: str | None = None
    turn_index: int | None = None
    engine_note: str | None = None

    @property
    def empty(self) -> bool:
        """True when there is nothing to show (no finding and no engine note)."""
        return not self.review.findings and not self.engine_note


@dataclass(frozen=True)
class TurnNote(View):
    """A small system note on a turn (e.g. the offline partner answered this turn)."""

    text: str


@dataclass(frozen=True)
class DebriefCard(View):
    """The debrief after practice: summary, figures, reframes, practice again, send to coach."""

    persona: Persona
    debrief: Debrief
    session_id: str


@dataclass(frozen=True)
class QuestionReview(View):
    """The result of reviewing a question list.

    Attributes:
        reviews: one review per question, in order.
        title: the header.
        questions: how many lines were questions or prompts (bulleted and
            labelled lines such as "- Tell me…" and "Q1: …" included).
        dropped: lines not reviewed because the list was over the cap.
    """

    reviews: tuple[Review, ...]
    title: str = "Question review"
    questions: int = 0
    dropped: int = 0


@dataclass(frozen=True)
class CoachAlert(View):
    """A DM to a coach: a staff member sent a practice session for feedback.

    Wording: :func:`bot.presenters.coaching.coach_alert_text` (the platform renders
    ``staff_user_id`` as a mention and adds an "Open session" button on ``session_id``).

    Attributes:
        session_id: the session (safe in a button value).
        staff_user_id: who sent it.
        persona_name: the caregiver practiced with.
        turns: recorded turns.
        note: the staff member's note (scrubbed), or None.
        flags: why it was flagged, in plain words (empty when not flagged).
    """

    session_id: str
    staff_user_id: str
    persona_name: str
    turns: int
    note: str | None = None
    flags: tuple[str, ...] = ()
