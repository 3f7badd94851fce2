"""Neutral views of the coach screens: the queue, a transcript, feedback and who read a session.

Plain frozen dataclasses (core models and ready-made values only), so every platform
renders the same screens; :mod:`bot.services.coach_screens` builds them from the
coaching results, and :mod:`bot.slack.coach_blocks` draws them in Slack. The wording
lives in :mod:`bot.presenters.coach_screens`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from bot.core.debrief import Debrief
from bot.core.models import Finding
from bot.presenters.views import View

__all__ = [
    "CoachQueue",
    "CoachTranscriptView",
    "DisputeRow",
    "EarlierDisputeRow",
    "FeedbackDM",
    "FeedbackRow",
    "QueueRow",
    "ReadRow",
    "StaffSessionView",
    "TurnRow",
]


@dataclass(frozen=True)
class QueueRow:
    """One session in a coach's queue.

    Attributes:
        session_id: the session (the Open choice carries it).
        staff_user_id: who practiced.
        persona_name: the caregiver's name.
        started_at: when the practice started (None when unknown).
        turns: staff turns taken.
        sent_at: when the staff member sent it to a coach (None: only flagged).
        staff_note: the staff member's note (scrubbed), or None.
        flag_reasons: why it was flagged, in plain words with the figures.
        reviewed: True once a coach marked it reviewed.
        disputes_open: "Was this note wrong?" disagreements still open.
    """

    session_id: str
    staff_user_id: str
    persona_name: str
    started_at: datetime | None
    turns: int
    sent_at: datetime | None = None
    staff_note: str | None = None
    flag_reasons: tuple[str, ...] = ()
    reviewed: bool = False
    disputes_open: int = 0


@dataclass(frozen=True)
class CoachQueue(View):
    """One page of a coach's queue, newest first.

    Attributes:
        items: the sessions on this page.
        offset: how many newer sessions come before this page.
        limit: most sessions per page.
        total: sessions in the whole queue (with this filter).
        unreviewed_only: True shows only sessions nobody marked reviewed.
    """

    items: tuple[QueueRow, ...]
    offset: int = 0
    limit: int = 5
    total: int = 0
    unreviewed_only: bool = True


@dataclass(frozen=True)
class TurnRow:
    """One staff turn and the caregiver's answer, as a coach reads it.

    Attributes:
        index: 1-based turn number.
        staff: what the staff member said (findings' spans point into it).
        caregiver: the caregiver's answer.
        findings: the reviewer's findings on ``staff`` (each with its words and span).
        note: a system note on the turn (e.g. the offline partner answered), or None.
        layer_earned: the layer of the story this turn earned (plain words), or None.
        trust_fell: True when the caregiver's trust fell this turn.
    """

    index: int
    staff: str
    caregiver: str
    findings: tuple[Finding, ...] = ()
    note: str | None = None
    layer_earned: str | None = None
    trust_fell: bool = False


@dataclass(frozen=True)
class DisputeRow:
    """A staff member's "Was this note wrong?" on one turn.

    Attributes:
        id: the dispute (its resolve choices carry it).
        turn_index: the turn whose note is disputed.
        kinds: the finding kinds the staff member said were wrong.
        comment: their comment (scrubbed), or None.
        status: ``open`` | ``note_wrong`` | ``note_stands``.
        earlier: their earlier disagreements with the same note, oldest first.
    """

    id: str
    turn_index: int
    kinds: tuple[str, ...] = ()
    comment: str | None = None
    status: Literal["open", "note_wrong", "note_stands"] = "open"
    earlier: tuple[EarlierDisputeRow, ...] = ()


@dataclass(frozen=True)
class EarlierDisputeRow:
    """An earlier disagreement with a note, kept when a later one came.

    Attributes:
        at: when (UTC). kinds: the kinds disputed then. comment: the words then, or None.
        verdict: a coach's decision on it then (``open``: none).
    """

    at: datetime
    kinds: tuple[str, ...] = ()
    comment: str | None = None
    verdict: str = "open"


@dataclass(frozen=True)
class FeedbackRow:
    """One piece of a coach's feedback.

    Attributes:
        id: the feedback (the staff member's Reply choice carries it).
        turn_index: the turn it is about, or None for the whole session.
        text: what the coach wrote.
        sent: False while it is a draft only the coach sees.
        reply: the staff member's one reply, or None.
        coach_user_id: who wrote it ("" when not shown).
    """

    id: str
    turn_index: int | None
    text: str
    sent: bool = False
    reply: str | None = None
    coach_user_id: str = ""


@dataclass(frozen=True)
class ReadRow:
    """One read of a transcript by a coach: who and when."""

    coach_user_id: str
    read_at: datetime


@dataclass(frozen=True)
class CoachTranscriptView(View):
    """One page of a session's transcript as a coach reads it.

    Attributes:
        session_id: the session.
        staff_user_id: who practiced.
        persona_name: the caregiver's name.
        status: ``active`` | ``ended``.
        turns: the turns on this page only.
        page: 0-based page number.
        pages: how many pages the transcript has (at least 1).
        total_turns: turns in the whole session.
        debrief: the debrief figures once ended, else None.
        flag_reasons: why the session was flagged (plain words), empty when not flagged.
        staff_note: the staff member's note with the request, or None.
        disputes: the "Was this note wrong?" disagreements (all pages).
        feedback: the coach feedback so far, drafts included (all pages).
        reviewed: True once marked reviewed.
        start: show this page from turn ``start`` on (0: from its first turn); a
            platform that splits a page to fit its message size (Teams) continues here.
    """

    session_id: str
    staff_user_id: str
    persona_name: str
    status: str
    turns: tuple[TurnRow, ...]
    page: int = 0
    pages: int = 1
    total_turns: int = 0
    debrief: Debrief | None = None
    flag_reasons: tuple[str, ...] = ()
    staff_note: str | None = None
    disputes: tuple[DisputeRow, ...] = ()
    feedback: tuple[FeedbackRow, ...] = ()
    reviewed: bool = False
    start: int = 0


@dataclass(frozen=True)
class FeedbackDM(View):
    """The DM that brings a coach's feedback to the staff member.

    Attributes:
        session_id: the session (Open session carries it).
        coach_user_id: who sent it.
        persona_name: the caregiver of that practice.
        items: the feedback just sent.
    """

    session_id: str
    coach_user_id: str
    persona_name: str
    items: tuple[FeedbackRow, ...]


@dataclass(frozen=True)
class StaffSessionView(View):
    """A staff member's own session: the transcript page, the feedback and who read it.

    Attributes:
        session_id: the session.
        persona_name: the caregiver's name.
        turns: the turns on this page.
        page: 0-based page number.
        pages: how many pages.
        feedback: feedback sent to them on this session.
        reads: every read by a coach, newest first.
    """

    session_id: str
    persona_name: str
    turns: tuple[TurnRow, ...]
    page: int = 0
    pages: int = 1
    feedback: tuple[FeedbackRow, ...] = ()
    reads: tuple[ReadRow, ...] = field(default_factory=tuple)
