"""Results and errors of the coach use cases (plain, frozen, platform-neutral; issue 11).

Every error's message is plain words a person can be shown (``str(exc)``).
Session lookups raise :class:`~bot.services.session_results.SessionNotFound`
(also for another workspace's session) and
:class:`~bot.services.session_results.NotYourSession`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from bot.core.debrief import Debrief
from bot.core.models import Finding

__all__ = [
    "AlreadyReplied",
    "BadInput",
    "CoachChange",
    "CoachError",
    "CoachInfo",
    "CoachTranscript",
    "DisputeInfo",
    "EarlierDispute",
    "FeedbackInfo",
    "FlagCode",
    "FlagInfo",
    "FlagSettings",
    "ItemNotFound",
    "NotAllowed",
    "NotSentToCoaches",
    "NothingToSend",
    "QueueItem",
    "QueuePage",
    "ReadInfo",
    "SentFeedback",
    "SentToCoaches",
    "TranscriptTurn",
    "Verdict",
]

FlagCode = Literal["findings_per_10", "no_insight"]
"""Why a session was flagged (:data:`bot.store.FLAG_CODES`)."""

Verdict = Literal["note_wrong", "note_stands"]
"""A coach's decision on a "Was this note wrong?" disagreement."""


# ---------------------------------------------------------------------- errors


class CoachError(Exception):
    """Base of the coach errors; the message is plain words to show the user (Slack's).

    Args:
        message: the sentence (Slack's wording, shown as it is by the Slack adapter).
        reason: a code for a refusal whose sentence differs by platform (one of
            :data:`bot.presenters.coaching.REFUSAL_CODES`); an adapter words it with
            :func:`bot.presenters.coaching.refusal_text` and its platform's words.
            Empty: the message is the same everywhere.
    """

    def __init__(self, message: str = "", *, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


class NotAllowed(CoachError):
    """The actor is not a coach (or admin, where that is enough) for this."""


class NotSentToCoaches(CoachError):
    """A coach asked for a session that was neither sent to coaches nor flagged."""


class AlreadyReplied(CoachError):
    """The staff member already replied to this feedback (one reply each)."""


class NothingToSend(CoachError):
    """The coach has no draft feedback on this session."""


class BadInput(CoachError):
    """Text too long or empty, a turn that does not exist, a setting out of range."""


class ItemNotFound(CoachError):
    """No such feedback or disagreement in this workspace (or not yours to see)."""


# ---------------------------------------------------------------------- results

_FROZEN = ConfigDict(frozen=True, from_attributes=True)


class CoachInfo(BaseModel):
    """One coach of a workspace."""

    model_config = _FROZEN

    user_id: str
    added_by: str
    added_at: datetime


class CoachChange(BaseModel):
    """The outcome of adding or removing a coach.

    Attributes:
        user_id: who. changed: False when nothing changed (already a coach / not one).
    """

    model_config = _FROZEN

    user_id: str
    changed: bool


class FlagInfo(BaseModel):
    """One reason a session was flagged.

    Attributes:
        code: :data:`FlagCode`. reason: plain words with the figures
            ("4 intervention findings in 8 turns: 5.0 per 10 turns, over the 3.0 set").
        figures: the numbers behind it. created_at: UTC. reviewed_at: when a coach
            marked the session reviewed (None while it waits).
    """

    model_config = _FROZEN

    code: FlagCode
    reason: str
    figures: dict[str, float | int | bool] = {}
    created_at: datetime
    reviewed_at: datetime | None = None


class FlagSettings(BaseModel):
    """A workspace's automatic flagging (off by default)."""

    model_config = _FROZEN

    enabled: bool = False
    findings_per_10: float = 3.0
    turns_without_insight: int = 15


class SentToCoaches(BaseModel):
    """The outcome of *Send to a coach*.

    Attributes:
        created: False when the session was already waiting for a coach, or when
            there was nothing new to send (``nothing_new``): notify nobody then.
        nothing_new: True when a coach already reviewed the last send and nothing was
            added since (no new turn, no note): the request is left as it was.
        coach_ids: the workspace's coaches (empty: no coach is set); notify them
            only when ``created``.
        session_id / staff_user_id / persona_id / turns: what was sent.
        note: the staff member's note as stored (scrubbed), or None.
        flags: the session's flags.
    """

    model_config = _FROZEN

    created: bool
    coach_ids: tuple[str, ...]
    nothing_new: bool = False
    session_id: str = ""
    staff_user_id: str = ""
    persona_id: str = ""
    turns: int = 0
    note: str | None = None
    flags: tuple[FlagInfo, ...] = ()


class QueueItem(BaseModel):
    """One session in the coach queue.

    Attributes:
        session_id / staff_user_id / persona_id: the session.
        status: ``active`` | ``ended``. started_at / ended_at: UTC.
        turns: recorded turns. sent_at: when it was sent to coaches (None: flagged only).
        staff_note: the staff member's note, or None. flags: why it was flagged.
        reviewed_at: when it was marked reviewed (None while anything waits).
        disputes_open: open "Was this note wrong?" disagreements.
        latest_at: the later of sent and last-flagged time (the queue's order).
    """

    model_config = _FROZEN

    session_id: str
    staff_user_id: str
    persona_id: str
    status: Literal["active", "ended"] = "ended"
    started_at: datetime
    ended_at: datetime | None = None
    turns: int
    sent_at: datetime | None = None
    staff_note: str | None = None
    flags: tuple[FlagInfo, ...] = ()
    reviewed_at: datetime | None = None
    disputes_open: int = 0
    latest_at: datetime | None = None


class QueuePage(BaseModel):
    """One page of the coach queue, newest first."""

    model_config = _FROZEN

    items: tuple[QueueItem, ...]
    offset: int
    limit: int
    total: int
    unreviewed_only: bool = True

    @property
    def has_more(self) -> bool:
        """True when another page follows."""
        return self.offset + len(self.items) < self.total


class TranscriptTurn(BaseModel):
    """One turn of a transcript as a coach sees it.

    Attributes:
        index: 1-based. staff / caregiver: the two texts.
        findings: the reviewer's findings (each carries its matched words and span).
        reframe: the reviewer's neutral rewrite, or None.
        note: the turn's visible note (the offline partner answered …), or None.
        coach_note: the engine's note to the staff member, or None.
        layer_earned: the first disclosure layer this turn earned (``"insight"``
            for the hidden insight), or None. earned: every layer it earned.
        trust_before / trust_after: the caregiver's trust (0-10) around the turn.
        trust_fell: trust fell in this turn.
    """

    model_config = _FROZEN

    index: int
    staff: str
    caregiver: str
    findings: tuple[Finding, ...] = ()
    reframe: str | None = None
    note: str | None = None
    coach_note: str | None = None
    layer_earned: str | None = None
    earned: tuple[str, ...] = ()
    trust_before: float | None = None
    trust_after: float | None = None
    trust_fell: bool = False


class EarlierDispute(BaseModel):
    """An earlier "Was this note wrong?" on the same note, kept when a later one came.

    Attributes:
        kinds: the finding kinds disputed then. comment: the words then, or None.
        at: when (UTC). verdict: a coach's decision on it then (``open``: none).
    """

    model_config = _FROZEN

    kinds: tuple[str, ...] = ()
    comment: str | None = None
    at: datetime
    verdict: Literal["open", "note_wrong", "note_stands"] = "open"


class DisputeInfo(BaseModel):
    """A "Was this note wrong?" disagreement as coaches see it: the latest on its note,
    with the earlier ones in ``history`` (oldest first)."""

    model_config = _FROZEN

    id: int
    session_id: str
    turn_index: int
    user_id: str
    utterance: str
    kinds: tuple[str, ...]
    comment: str | None = None
    status: Literal["open", "note_wrong", "note_stands"] = "open"
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    created_at: datetime
    history: tuple[EarlierDispute, ...] = ()

    @field_validator("history", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        """A row that never had a second disagreement stores None."""
        return () if value is None else value


class FeedbackInfo(BaseModel):
    """One coach comment (a draft until ``sent_at``) and the staff member's one reply."""

    model_config = _FROZEN

    id: int
    session_id: str
    coach_user_id: str
    turn_index: int | None = None
    text: str
    created_at: datetime
    sent_at: datetime | None = None
    reply: str | None = None
    replied_at: datetime | None = None


class CoachTranscript(BaseModel):
    """One page of a transcript for a coach, with everything around it.

    Attributes:
        session_id / staff_user_id / persona_id / status: the session.
        turns: this page's turns only (a long transcript is paged, never cut).
        page: 0-based page shown. pages: how many (at least 1). per_page.
        total_turns: all turns. debrief: the stored debrief once ended, else None.
        flags / staff_note / sent_at: why it is in the queue.
        disputes: every disagreement of the session. feedback: the sent
            feedback and this coach's drafts. reviewed_at: None while it waits.
    """

    model_config = _FROZEN

    session_id: str
    staff_user_id: str
    persona_id: str
    status: Literal["active", "ended"]
    turns: tuple[TranscriptTurn, ...]
    page: int
    pages: int
    per_page: int = 8
    total_turns: int
    debrief: Debrief | None = None
    flags: tuple[FlagInfo, ...] = ()
    staff_note: str | None = None
    sent_at: datetime | None = None
    disputes: tuple[DisputeInfo, ...] = ()
    feedback: tuple[FeedbackInfo, ...] = ()
    reviewed_at: datetime | None = None


class ReadInfo(BaseModel):
    """One read of a transcript by a coach."""

    model_config = _FROZEN

    coach_user_id: str
    read_at: datetime


class SentFeedback(BaseModel):
    """Feedback just sent: who gets it and what.

    Attributes:
        staff_user_id: the session owner (the DM recipient).
        items: the comments sent now. session_id / persona_id / coach_user_id: context.
    """

    model_config = _FROZEN

    staff_user_id: str
    items: tuple[FeedbackInfo, ...]
    session_id: str = ""
    persona_id: str = ""
    coach_user_id: str = ""
