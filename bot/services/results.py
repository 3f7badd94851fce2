"""The after-interview results and errors: plain models the adapters render.

Results are built from store rows with pydantic's ``from_attributes`` (no
hand-written converters); a field whose row attribute has another name says
so with a validation alias.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from bot.core.interviews import FUTURE_TOLERANCE, MAX_BACKDATE
from bot.core.reflection import Reflection, ReflectionSettings
from bot.presenters.reflection import ACTION_LABELS
from bot.privacy import PII_KINDS, PiiKind

__all__ = [
    "ACTION_IDS",
    "FUTURE_TOLERANCE",
    "GRADE_BANDS",
    "MAX_BACKDATE",
    "MAX_PSEUDONYM_CHARS",
    "MAX_TEXT_CHARS",
    "FailedDelivery",
    "GatheredInterview",
    "Gathering",
    "GatheringNotFound",
    "InterviewInfo",
    "InterviewMode",
    "InterviewNotFound",
    "InterviewPage",
    "InterviewSummary",
    "InvalidInput",
    "NotYourInterview",
    "PromptAction",
    "PromptObsolete",
    "ReflectionError",
    "ReminderInfo",
    "ReminderKind",
    "ReminderPayload",
    "ReminderStatus",
    "TeamDecisionInfo",
    "WorkspaceReflectionSettings",
    "WrongConversation",
]

InterviewMode = Literal["phone", "in_person"]
"""How a real interview was held."""

ReminderKind = Literal[
    "exact_words",
    "reflection",
    "team_gathering",
    "second_round",
    "red_flag_note",
    "delivery_failed",
]
"""What a reminder delivers (:data:`bot.store.REMINDER_KINDS`)."""

ReminderStatus = Literal["pending", "claimed", "sent", "failed", "cancelled"]
"""A reminder's status (:data:`bot.store.REMINDER_STATUSES`)."""

GRADE_BANDS: tuple[str, ...] = ("PreK", "K-2", "3-5", "6-8", "9-12")
"""The student's grade band, chosen from a list (a free-text field could carry
personal details). US school bands; PreK for early learning."""

MAX_PSEUDONYM_CHARS = 40
"""Longest caregiver pseudonym (characters): initials or a made-up first name."""

MAX_TEXT_CHARS = 3000
"""Longest notes, exact words, reflection answer or team decision (characters):
Slack's limit for a modal's plain-text input."""

ACTION_IDS: dict[str, str] = dict(ACTION_LABELS)
"""Platform-neutral ids of the buttons a prompt offers, with their labels. The
adapter maps each to its own action id; the button value is in
:attr:`PromptAction.value`."""


# ---------------------------------------------------------------------- errors


class ReflectionError(Exception):
    """Base class of the errors below (the message is safe to show a user)."""


class InterviewNotFound(ReflectionError):
    """No interview with this id in this workspace (also: it is another tenant's, or deleted)."""


class NotYourInterview(ReflectionError):
    """The interview exists in this workspace but belongs to another user."""


class InvalidInput(ReflectionError, ValueError):
    """A field the user must fix (the message says which and how).

    Args:
        message: what to fix, safe to show the user.
        field: the input it is about (a parameter name of the method that
            raised it, e.g. ``pseudonym``, ``happened_at``, ``notes``), so an
            adapter can show the message beside that field; None when it is
            not about one field.

    Attributes:
        field: as above.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class WrongConversation(ReflectionError):
    """A team's decision was sent from outside its gathering's conversation."""


class GatheringNotFound(ReflectionError):
    """No such team gathering in this workspace (a tampered or foreign key)."""


class PromptObsolete(ReflectionError):
    """A due reminder has nothing left to say (raised by :func:`build_payload`).

    Attributes:
        reason: why (``interview_deleted``, ``already_answered``, ``no_interviews``),
            stored as the cancelled reminder's ``failure_reason``.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# ---------------------------------------------------------------------- results


class WorkspaceReflectionSettings(BaseModel):
    """A workspace's settings of the after-interview prompts.

    Attributes:
        schedule: when prompts go out (:class:`~bot.core.reflection.ReflectionSettings`;
            defaults from issue 5).
        team_tz: the IANA zone of the teams' meetings; None uses each
            interviewer's zone (then interviewers in different zones may
            place one team's weekly post at different times; the first
            interview of the week decides).
        coach_user_id: the coach who gets red-flag notes as a DM; None sends
            them to the interviewer alone.
        share_red_flags: True posts red-flag notes in the interview's team
            channel (with the caregiver's pseudonym) instead; off by default.
    """

    model_config = ConfigDict(frozen=True, from_attributes=True)

    schedule: ReflectionSettings = Field(default_factory=ReflectionSettings)
    team_tz: str | None = None
    coach_user_id: str | None = None
    share_red_flags: bool = False


class ReminderInfo(BaseModel):
    """A reminder row as services and adapters see it.

    Attributes:
        id: the reminder id (a UUID string); also the idempotency key.
        workspace_id: the tenant.
        interview_id: the interview it is about, None for a team gathering.
        kind: :data:`ReminderKind`.
        user_id: the DM recipient when ``channel_id`` is None; for channel
            posts the interviewer told when the post fails.
        channel_id: the channel to post in, or None for a DM.
        platform / thread_id / service_url: the rest of its conversation
            reference (the platform; the thread; Teams' service URL).
        tz: the IANA zone whose working hours ``due_at`` was placed in.
        due_at: when due (UTC, aware).
        status: :data:`ReminderStatus`.
        attempts: how many times a dispatcher claimed it.
        sent_at: when it was sent (UTC), else None.
        failure_reason: why it failed or was cancelled (e.g. ``not_in_channel``).
        dedupe_key: the unique key (``interview:<id>:<kind>`` …).
    """

    model_config = ConfigDict(frozen=True, from_attributes=True)

    id: str
    workspace_id: str
    interview_id: str | None
    kind: ReminderKind
    user_id: str | None
    channel_id: str | None
    platform: str = "slack"
    thread_id: str | None = None
    service_url: str | None = None
    tz: str | None
    due_at: datetime
    status: ReminderStatus
    attempts: int
    sent_at: datetime | None = None
    failure_reason: str | None = None
    dedupe_key: str


class InterviewInfo(BaseModel):
    """A logged interview as the adapters see it (all texts scrubbed).

    Attributes:
        id: the interview id (a UUID string), safe in button values.
        workspace_id: the tenant. user_id: the interviewer.
        happened_at: when it took place (UTC, aware).
        caregiver_pseudonym: the pseudonym or initials.
        grade_band: one of :data:`GRADE_BANDS`. mode: ``phone`` | ``in_person``.
        team_channel: the team channel, or None.
        notes: the notes, scrubbed. exact_words: the exact words sent later,
            scrubbed, or None.
        interviewer_tz: the IANA zone the prompts were placed in.
        gathering_key: the weekly team gathering it belongs to, or None.
        created_at / updated_at / deleted_at: UTC (``deleted_at`` None while live).
        reminders: its prompts (and its team gathering's post), by due time.
        scrubbed: how many personal details of each kind the call that
            returned this removed from the text it was given (all zero for
            reads); the adapter can say "I removed 2 personal details".
    """

    model_config = ConfigDict(frozen=True, from_attributes=True)

    id: str
    workspace_id: str
    user_id: str
    happened_at: datetime
    caregiver_pseudonym: str
    grade_band: str
    mode: InterviewMode
    team_channel: str | None
    notes: str
    exact_words: str | None
    interviewer_tz: str
    gathering_key: str | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None
    reminders: list[ReminderInfo] = Field(default_factory=list)
    scrubbed: dict[PiiKind, int] = Field(default_factory=lambda: dict.fromkeys(PII_KINDS, 0))


class InterviewSummary(BaseModel):
    """What a prompt shows about its interview (no notes).

    Attributes:
        id: the interview id. interviewer_id: who held it.
        caregiver_pseudonym / grade_band / mode / happened_at / team_channel: as stored.
        tz: the interviewer's zone (to show ``happened_at`` locally).
    """

    model_config = ConfigDict(frozen=True, from_attributes=True)

    id: str
    interviewer_id: str = Field(validation_alias=AliasChoices("interviewer_id", "user_id"))
    caregiver_pseudonym: str
    grade_band: str
    mode: InterviewMode
    happened_at: datetime
    tz: str = Field(validation_alias=AliasChoices("tz", "interviewer_tz"))
    team_channel: str | None = None


class GatheredInterview(BaseModel):
    """One interview in a weekly team gathering (scrubbed; pseudonym only).

    Attributes:
        interview: the interview.
        notes: its notes (scrubbed). exact_words: its exact words (scrubbed) or None.
        reflection: the interviewer's reflection (scrubbed answers), or None
            when they have not reflected yet.
        red_flag: True when the reflection says nothing new was learned.
    """

    model_config = ConfigDict(frozen=True, from_attributes=True)

    interview: InterviewSummary
    notes: str = ""
    exact_words: str | None = None
    reflection: Reflection | None = None
    red_flag: bool = False


class TeamDecisionInfo(BaseModel):
    """What a team decided to try after a gathering.

    Attributes:
        id: row id. workspace_id: tenant. team_channel: the team.
        week: ``<ISO year>-W<week>``. decision: the text (scrubbed).
        decided_by: who recorded it. created_at: UTC.
    """

    model_config = ConfigDict(frozen=True, from_attributes=True)

    id: int
    workspace_id: str
    team_channel: str
    week: str = Field(validation_alias=AliasChoices("week", "week_key"))
    decision: str
    decided_by: str
    created_at: datetime


class Gathering(BaseModel):
    """A team's week of interviews and reflections (for the weekly post).

    Attributes:
        workspace_id: tenant. team_channel: the team. week: ``<ISO year>-W<week>``.
        key: ``team_gathering:<channel>:<week>``.
        interviews: the week's live interviews, oldest first.
        decisions: what the team recorded for this week, oldest first.
    """

    model_config = ConfigDict(frozen=True, from_attributes=True)

    workspace_id: str
    team_channel: str
    week: str
    key: str
    interviews: list[GatheredInterview] = Field(default_factory=list)
    decisions: list[TeamDecisionInfo] = Field(default_factory=list)

    @property
    def reflections(self) -> int:
        """How many of the week's interviews have a reflection."""
        return sum(1 for i in self.interviews if i.reflection is not None)


class PromptAction(BaseModel):
    """A button a prompt offers.

    Attributes:
        action: a key of :data:`ACTION_IDS`.
        label: the button text.
        value: what the button carries (an interview id, or a gathering key).
    """

    model_config = ConfigDict(frozen=True, from_attributes=True)

    action: str
    label: str
    value: str


class FailedDelivery(BaseModel):
    """The prompt a ``delivery_failed`` notice is about.

    Attributes:
        reminder_id: the failed reminder. kind: its kind.
        channel_id: where it should have gone. reason: the reason the
            platform adapter reported (its adapter words it for the user).
    """

    model_config = ConfigDict(frozen=True, from_attributes=True)

    reminder_id: str
    kind: str
    channel_id: str | None
    reason: str


class ReminderPayload(BaseModel):
    """Everything an adapter needs to post one reminder (scrubbed, platform-neutral).

    Attributes:
        idempotency_key: stable across retries and dispatcher crashes (the
            reminder id). Store it with the post (Slack message ``metadata``)
            and, when ``redelivery`` is True, look for it before posting again.
        redelivery: True when an earlier attempt may already have posted (a
            dispatcher crashed or timed out after posting and before marking
            the reminder sent).
        kind: :data:`ReminderKind`.
        workspace_id: the tenant (pick the workspace's token).
        platform: where to deliver it (the dispatcher hands it to that platform's
            deliverer).
        user_id: the DM recipient, or None for a channel post.
        channel_id: the channel to post in, or None for a DM.
        conversation_id / service_url: the stored conversation reference to post
            to proactively (Teams: the 1:1 chat or channel id and its
            ``serviceUrl``), when the platform needs one and it is known.
        text: the message as plain text (no platform markup), also the
            notification fallback.
        interview: the interview the prompt is about, if any.
        gathering: the week's gathering, for ``team_gathering``.
        failed: the failed prompt, for ``delivery_failed``.
        actions: buttons to offer.
    """

    model_config = ConfigDict(frozen=True, from_attributes=True)

    idempotency_key: str
    redelivery: bool = False
    kind: ReminderKind
    workspace_id: str
    platform: Literal["slack", "teams", "cli"] = "slack"
    user_id: str | None = None
    channel_id: str | None = None
    conversation_id: str | None = None
    service_url: str | None = None
    text: str
    interview: InterviewSummary | None = None
    gathering: Gathering | None = None
    failed: FailedDelivery | None = None
    actions: list[PromptAction] = Field(default_factory=list)


class InterviewPage(BaseModel):
    """One page of a user's interviews, newest first.

    Attributes:
        interviews: this page's interviews (without reminders).
        offset: how many newer ones come before this page.
        total: how many live interviews the user has.
    """

    model_config = ConfigDict(frozen=True)

    interviews: list[InterviewInfo] = Field(default_factory=list)
    offset: int = 0
    total: int = 0

    @property
    def has_newer(self) -> bool:
        """Newer interviews exist before this page."""
        return self.offset > 0

    @property
    def has_older(self) -> bool:
        """Older interviews exist after this page."""
        return self.offset + len(self.interviews) < self.total
