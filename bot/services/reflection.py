"""After real interviews: log the interview, schedule its prompts, store reflections.

The platform-independent use cases of issue 5 (DOMAIN.md, "After"). An
adapter (Slack, Teams) parses a modal or a button, calls one method of
:class:`ReflectionService`, and renders the plain result; the dispatcher
(:mod:`bot.services.dispatcher`) delivers the prompts queued here, asking
:func:`build_payload` for each one's content at delivery time.

Typical Slack flow::

    reflections = ReflectionService(store)                 # one per process
    info = await reflections.log_interview(
        team_id, user_id, happened_at=when, pseudonym="M.L.", grade_band="3-5",
        mode="phone", team_channel="C0TEAM", notes=modal_notes,
        interviewer_tz=users_info["user"]["tz"])
    # … later, from the prompts' buttons:
    await reflections.save_exact_words(team_id, user_id, info.id, words)
    red_flag = await reflections.save_reflection(team_id, user_id, info.id, Reflection(...))
    gathering = await reflections.gathering_for(team_id, "C0TEAM", "2026-W11")
    await reflections.record_team_decision(team_id, user_id, channel="C0TEAM",
                                           week="2026-W11", decision="…")

Rules that hold everywhere here:

* **Tenants and owners.** Every method takes the workspace; an interview of
  another workspace is simply not found (:class:`InterviewNotFound`), and one
  owned by another user raises :class:`NotYourInterview` (a tampered button
  value is refused and logged without its content).
* **Scrubbing.** Notes, exact words, reflection answers and team decisions are
  passed through :func:`bot.privacy.scrub` *before* they are stored, with the
  names typed into the app's own fields (the caregiver pseudonym, plus
  ``extra_names`` the adapter knows, such as the interviewer's display name)
  as ``known_names``. Nothing unscrubbed is stored, logged or queued.
* **Prompts are rows.** Each prompt of :func:`bot.core.reflection.schedule_for_interview`
  becomes a ``reminders`` row whose ``dedupe_key`` is unique per workspace
  (``interview:<id>:<kind>``, and ``team_gathering:<channel>:<ISO week>`` for
  the weekly team post, shared by every interview of that week), so a
  prompt can never be created twice, also by racing processes.
* **Working hours.** Due times come from the core schedule. A prompt that is
  already overdue when it is created or moved (an interview logged late) is
  due at the next working slot from *now* in the reader's zone, so it is
  never delivered at night or at a weekend. The weekly team post of a week
  whose post time has passed (or whose post already went out) is replaced by
  the next week's.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.core.reflection import (
    PROMPT_KINDS,
    Reflection,
    ReflectionSettings,
    ScheduledPrompt,
    is_red_flag,
    next_working_slot,
    reschedule,
    schedule_for_interview,
    zone,
)
from bot.privacy import PII_KINDS, PiiKind, detect, scrub
from bot.store import InterviewRow, ReminderRow, Store, TeamDecisionRow, UnitOfWork

log = logging.getLogger(__name__)

__all__ = [
    "ACTION_IDS",
    "FUTURE_TOLERANCE",
    "GRADE_BANDS",
    "MAX_PSEUDONYM_CHARS",
    "MAX_TEXT_CHARS",
    "REASON_HINTS",
    "FailedDelivery",
    "GatheredInterview",
    "Gathering",
    "InterviewInfo",
    "InterviewMode",
    "InterviewNotFound",
    "InterviewSummary",
    "InvalidInput",
    "NotYourInterview",
    "PromptAction",
    "PromptObsolete",
    "ReflectionError",
    "ReflectionService",
    "ReminderInfo",
    "ReminderKind",
    "ReminderPayload",
    "ReminderStatus",
    "TeamDecisionInfo",
    "WorkspaceReflectionSettings",
    "build_payload",
    "failure_notice_text",
    "parse_gathering_key",
    "reminder_info",
    "team_gathering_key",
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

FUTURE_TOLERANCE = timedelta(minutes=10)
"""How far in the future an interview time may be (clock differences between
a phone and the server); a later time is refused, since only interviews that
took place are logged."""

_WEEK_RE = re.compile(r"^\d{4}-W\d{2}$")
_GATHERING_PREFIX = "team_gathering:"

ACTION_IDS: dict[str, str] = {
    "open_exact_words": "Add their exact words",
    "open_reflection": "Reflect",
    "record_team_decision": "Record our decision",
    "log_interview": "Log a second conversation",
}
"""Platform-neutral ids of the buttons a prompt offers, with their labels. The
adapter maps each to its own action id; the button value is in
:attr:`PromptAction.value`."""

REASON_HINTS: dict[str, str] = {
    "not_in_channel": "invite me with /invite @empathy-coach",
    "channel_not_found": (
        "check that the channel still exists; for a private channel, invite me with "
        "/invite @empathy-coach"
    ),
    "is_archived": "the channel is archived; choose another team channel",
    "restricted_action": "a workspace setting stops me from posting there; ask an admin",
    "too_many_attempts": "I stopped retrying; nothing else was lost",
}
"""What the interviewer can do about a platform error (Slack's error codes)."""

_DEFAULT_HINT = "ask a workspace admin to check that I can post there"


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
            them to the team channel (before coaches exist).
    """

    model_config = ConfigDict(frozen=True)

    schedule: ReflectionSettings = Field(default_factory=ReflectionSettings)
    team_tz: str | None = None
    coach_user_id: str | None = None


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
        tz: the IANA zone whose working hours ``due_at`` was placed in.
        due_at: when due (UTC, aware).
        status: :data:`ReminderStatus`.
        attempts: how many times a dispatcher claimed it.
        sent_at: when it was sent (UTC), else None.
        failure_reason: why it failed or was cancelled (e.g. ``not_in_channel``).
        dedupe_key: the unique key (``interview:<id>:<kind>`` …).
    """

    model_config = ConfigDict(frozen=True)

    id: str
    workspace_id: str
    interview_id: str | None
    kind: ReminderKind
    user_id: str | None
    channel_id: str | None
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

    model_config = ConfigDict(frozen=True)

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

    model_config = ConfigDict(frozen=True)

    id: str
    interviewer_id: str
    caregiver_pseudonym: str
    grade_band: str
    mode: InterviewMode
    happened_at: datetime
    tz: str
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

    model_config = ConfigDict(frozen=True)

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

    model_config = ConfigDict(frozen=True)

    id: int
    workspace_id: str
    team_channel: str
    week: str
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

    model_config = ConfigDict(frozen=True)

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

    model_config = ConfigDict(frozen=True)

    action: str
    label: str
    value: str


class FailedDelivery(BaseModel):
    """The prompt a ``delivery_failed`` notice is about.

    Attributes:
        reminder_id: the failed reminder. kind: its kind.
        channel_id: where it should have gone. reason: the platform's error
            code (e.g. ``not_in_channel``). hint: what to do about it.
    """

    model_config = ConfigDict(frozen=True)

    reminder_id: str
    kind: str
    channel_id: str | None
    reason: str
    hint: str


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
        user_id: the DM recipient, or None for a channel post.
        channel_id: the channel to post in, or None for a DM.
        text: the message as plain text (no platform markup), also the
            notification fallback.
        interview: the interview the prompt is about, if any.
        gathering: the week's gathering, for ``team_gathering``.
        failed: the failed prompt, for ``delivery_failed``.
        actions: buttons to offer.
    """

    model_config = ConfigDict(frozen=True)

    idempotency_key: str
    redelivery: bool = False
    kind: ReminderKind
    workspace_id: str
    user_id: str | None = None
    channel_id: str | None = None
    text: str
    interview: InterviewSummary | None = None
    gathering: Gathering | None = None
    failed: FailedDelivery | None = None
    actions: list[PromptAction] = Field(default_factory=list)


# ---------------------------------------------------------------------- helpers


def _utcnow() -> datetime:
    return datetime.now(UTC)


def team_gathering_key(channel: str, week: str) -> str:
    """The dedupe key of a team's weekly gathering post.

    Args:
        channel: the team channel id.
        week: ``<ISO year>-W<week, 2 digits>`` (e.g. ``2026-W11``).

    Returns:
        ``team_gathering:<channel>:<week>`` (the same string as
        :func:`bot.core.reflection.gathering_key`).

    Raises:
        InvalidInput: a malformed week or an empty channel.
    """
    if not channel or not _WEEK_RE.match(week):
        raise InvalidInput("A team gathering needs a channel and a week such as 2026-W11.")
    return f"{_GATHERING_PREFIX}{channel}:{week}"


def parse_gathering_key(key: str) -> tuple[str, str]:
    """Split a gathering key into (channel, week).

    Args:
        key: ``team_gathering:<channel>:<week>``.

    Returns:
        ``(channel, week)``.

    Raises:
        InvalidInput: not a gathering key.
    """
    body = key.removeprefix(_GATHERING_PREFIX)
    channel, _, week = body.rpartition(":")
    if body == key or not channel or not _WEEK_RE.match(week):
        raise InvalidInput(f"not a team gathering key: {key!r}")
    return channel, week


def _interview_key(interview_id: str, kind: str) -> str:
    return f"interview:{interview_id}:{kind}"


def reminder_info(row: ReminderRow) -> ReminderInfo:
    """Convert a reminder row.

    Args:
        row: the row.

    Returns:
        Its :class:`ReminderInfo`.
    """
    return ReminderInfo(
        id=row.id,
        workspace_id=row.workspace_id,
        interview_id=row.interview_id,
        kind=row.kind,  # type: ignore[arg-type]
        user_id=row.user_id,
        channel_id=row.channel_id,
        tz=row.tz,
        due_at=row.due_at,
        status=row.status,  # type: ignore[arg-type]
        attempts=row.attempts,
        sent_at=row.sent_at,
        failure_reason=row.failure_reason,
        dedupe_key=row.dedupe_key,
    )


def _summary(row: InterviewRow) -> InterviewSummary:
    return InterviewSummary(
        id=row.id,
        interviewer_id=row.user_id,
        caregiver_pseudonym=row.caregiver_pseudonym,
        grade_band=row.grade_band,
        mode=row.mode,  # type: ignore[arg-type]
        happened_at=row.happened_at,
        tz=row.interviewer_tz,
        team_channel=row.team_channel,
    )


def _info(
    row: InterviewRow,
    reminders: Iterable[ReminderRow] = (),
    scrubbed: dict[PiiKind, int] | None = None,
) -> InterviewInfo:
    return InterviewInfo(
        id=row.id,
        workspace_id=row.workspace_id,
        user_id=row.user_id,
        happened_at=row.happened_at,
        caregiver_pseudonym=row.caregiver_pseudonym,
        grade_band=row.grade_band,
        mode=row.mode,  # type: ignore[arg-type]
        team_channel=row.team_channel,
        notes=row.notes,
        exact_words=row.exact_words,
        interviewer_tz=row.interviewer_tz,
        gathering_key=row.gathering_key,
        created_at=row.created_at,
        updated_at=row.updated_at,
        deleted_at=row.deleted_at,
        reminders=sorted((reminder_info(r) for r in reminders), key=lambda r: (r.due_at, r.id)),
        scrubbed=scrubbed or dict.fromkeys(PII_KINDS, 0),
    )


def _decision_info(row: TeamDecisionRow) -> TeamDecisionInfo:
    return TeamDecisionInfo(
        id=row.id,
        workspace_id=row.workspace_id,
        team_channel=row.team_channel,
        week=row.week_key,
        decision=row.decision,
        decided_by=row.decided_by,
        created_at=row.created_at,
    )


def _clean_text(value: str | None, what: str, field: str | None = None) -> str:
    text = (value or "").strip()
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInput(
            f"{what} is {len(text):,} characters long; the limit is {MAX_TEXT_CHARS:,}.",
            field=field,
        )
    return text


def _add_counts(total: dict[PiiKind, int], more: dict[PiiKind, int]) -> None:
    for kind, n in more.items():
        total[kind] = total.get(kind, 0) + n


def _scrub(text: str, names: Sequence[str], total: dict[PiiKind, int]) -> str:
    if not text:
        return ""
    result = scrub(text, known_names=names)
    _add_counts(total, result.counts)
    return result.text


def _not_before(due: datetime, now: datetime, tz: str, schedule: ReflectionSettings) -> datetime:
    """``due``, or the next working slot from ``now`` when ``due`` has passed."""
    if due >= now:
        return due
    return next_working_slot(now, tz, schedule)


def _local_day(dt: datetime, tz: str) -> str:
    local = dt.astimezone(zone(tz))
    return f"{local:%A} {local.day} {local:%B}"


def _mode_phrase(mode: str) -> str:
    return "phone call" if mode == "phone" else "conversation"


def failure_notice_text(kind: str, channel_id: str | None, reason: str) -> str:
    """The notice an interviewer gets when a prompt could not be posted.

    Args:
        kind: the failed prompt's kind.
        channel_id: the channel it should have gone to (None for a DM).
        reason: the platform's error code, e.g. ``not_in_channel``.

    Returns:
        E.g. ``"I couldn't post to #C0TEAM: not_in_channel — invite me with
        /invite @empathy-coach"`` followed by what was not posted.
    """
    hint = REASON_HINTS.get(reason.split(" ", 1)[0], _DEFAULT_HINT)
    where = f"#{channel_id}" if channel_id else "you"
    what = {
        "team_gathering": "This week's team gathering post",
        "red_flag_note": "A note about a reflection",
    }.get(kind, "A reflection prompt")
    verb = "post to" if channel_id else "send a message to"
    return f"I couldn't {verb} {where}: {reason} — {hint}. {what} was not posted."


# ---------------------------------------------------------------------- payloads


async def _gathering(uow: UnitOfWork, workspace_id: str, channel: str, week: str) -> Gathering:
    key = team_gathering_key(channel, week)
    rows = await uow.interviews.in_gathering(workspace_id, key)
    reflections = await uow.reflections.for_interviews(workspace_id, [r.id for r in rows])
    gathered: list[GatheredInterview] = []
    for row in rows:
        refl = reflections.get(row.id)
        gathered.append(
            GatheredInterview(
                interview=_summary(row),
                notes=row.notes,
                exact_words=row.exact_words,
                reflection=(
                    Reflection(
                        surprised=refl.surprised,
                        assumption_challenged=refl.assumption_challenged,
                        not_in_data=refl.not_in_data,
                        do_differently=refl.do_differently,
                        nothing_new=refl.nothing_new,
                    )
                    if refl is not None
                    else None
                ),
                red_flag=bool(refl.red_flag) if refl is not None else False,
            )
        )
    decisions = await uow.team_decisions.for_week(workspace_id, channel, week)
    return Gathering(
        workspace_id=workspace_id,
        team_channel=channel,
        week=week,
        key=key,
        interviews=gathered,
        decisions=[_decision_info(d) for d in decisions],
    )


def _gathering_text(g: Gathering) -> str:
    n, m = len(g.interviews), g.reflections
    lines = [
        f"This week's empathy interviews: {n} interview{'s' if n != 1 else ''}, "
        f"{m} reflection{'s' if m != 1 else ''}. Before you meet, read what families told us, "
        "then choose one thing to try."
    ]
    for item in g.interviews:
        iv = item.interview
        head = f"• {iv.caregiver_pseudonym} (grade {iv.grade_band}, {_mode_phrase(iv.mode)})"
        parts: list[str] = []
        if item.exact_words:
            parts.append(f"Their words: “{item.exact_words}”")
        r = item.reflection
        if r is None:
            parts.append("No reflection yet.")
        else:
            for label, answer in (
                ("Surprised us", r.surprised),
                ("Assumption challenged", r.assumption_challenged),
                ("No data report shows", r.not_in_data),
                ("We might", r.do_differently),
            ):
                if answer.strip():
                    parts.append(f"{label}: {answer.strip()}")
        lines.append(head + ": " + " ".join(parts) if parts else head)
    return "\n".join(lines)


async def build_payload(uow: UnitOfWork, row: ReminderRow) -> ReminderPayload:
    """Build what to post for a due reminder, from the store as it is now.

    Content is read at delivery time, so a weekly gathering includes every
    reflection written before it goes out, and a prompt about a deleted
    interview is not posted.

    Args:
        uow: an open unit of work.
        row: the claimed reminder.

    Returns:
        The :class:`ReminderPayload` (scrubbed texts only).

    Raises:
        PromptObsolete: nothing should be posted (the interview was deleted,
            the prompt was already answered, the gathering has no interviews
            left); the dispatcher cancels the reminder with the reason.
    """
    ws = row.workspace_id
    base: dict[str, object] = {
        "idempotency_key": row.id,
        "redelivery": row.attempts > 1,
        "kind": row.kind,
        "workspace_id": ws,
        "user_id": row.user_id if row.channel_id is None else None,
        "channel_id": row.channel_id,
    }
    if row.kind == "team_gathering":
        channel, week = parse_gathering_key(row.dedupe_key)
        gathering = await _gathering(uow, ws, channel, week)
        if not gathering.interviews:
            raise PromptObsolete("no_interviews")
        return ReminderPayload(
            **base,  # type: ignore[arg-type]
            text=_gathering_text(gathering),
            gathering=gathering,
            actions=[
                PromptAction(
                    action="record_team_decision",
                    label=ACTION_IDS["record_team_decision"],
                    value=gathering.key,
                )
            ],
        )
    if row.kind == "delivery_failed":
        data = row.data or {}
        reason = str(data.get("reason") or "unknown_error")
        channel_id = data.get("channel_id")
        failed = FailedDelivery(
            reminder_id=str(data.get("reminder_id") or ""),
            kind=str(data.get("kind") or ""),
            channel_id=str(channel_id) if channel_id else None,
            reason=reason,
            hint=REASON_HINTS.get(reason.split(" ", 1)[0], _DEFAULT_HINT),
        )
        return ReminderPayload(
            **base,  # type: ignore[arg-type]
            text=failure_notice_text(failed.kind, failed.channel_id, reason),
            failed=failed,
        )

    interview = (
        await uow.interviews.get(ws, row.interview_id) if row.interview_id is not None else None
    )
    if interview is None:
        raise PromptObsolete("interview_deleted")
    summary = _summary(interview)
    who, when = interview.caregiver_pseudonym, _local_day(interview.happened_at, summary.tz)
    call = _mode_phrase(interview.mode)
    actions: list[PromptAction] = []
    if row.kind == "exact_words":
        if interview.exact_words:
            raise PromptObsolete("already_answered")
        text = (
            f"Your {call} with {who} ({when}): while it is fresh, write down the caregiver's "
            "exact words. Their own phrases show what they assume, what gets in the way, and "
            "what they hope for."
        )
        actions.append(
            PromptAction(
                action="open_exact_words", label=ACTION_IDS["open_exact_words"], value=interview.id
            )
        )
    elif row.kind == "reflection":
        if await uow.reflections.get(ws, interview.id) is not None:
            raise PromptObsolete("already_answered")
        text = (
            f"Take five minutes to reflect on your {call} with {who} ({when}). What surprised "
            "you? Which assumption did this challenge? What did you hear that no data report "
            "would show? What might we do differently?"
        )
        actions.append(
            PromptAction(
                action="open_reflection", label=ACTION_IDS["open_reflection"], value=interview.id
            )
        )
    elif row.kind == "second_round":
        text = (
            f"About two weeks ago you talked with {who}'s family ({when}). The teams that learn "
            "most go back more than once: consider a second conversation about what the school "
            "tried, and how it is landing for them."
        )
        actions.append(
            PromptAction(
                action="log_interview", label=ACTION_IDS["log_interview"], value=interview.id
            )
        )
    elif row.kind == "red_flag_note":
        intro = (
            "A gentle note about a recent interview"
            if row.channel_id
            else "A gentle note about an interview one of your staff held"
        )
        text = (
            f"{intro} (caregiver {who}, {when}): the reflection says nothing new came up. "
            "Interviews that only confirm what we thought are worth a second look. Was there a "
            "moment for “tell me more”, or a question that steered the answer? A second "
            "conversation often goes further."
        )
    else:  # pragma: no cover - the table's check constraint lists every kind
        raise PromptObsolete(f"unknown_kind:{row.kind}")
    return ReminderPayload(
        **base,  # type: ignore[arg-type]
        text=text,
        interview=summary,
        actions=actions,
    )


# ---------------------------------------------------------------------- the use cases


class ReflectionService:
    """Real interviews and what follows them: prompts, reflections, team gatherings.

    One object per process is enough; every method opens its own short
    transaction (no transaction is held while anything else happens).

    Args:
        store: the database (:class:`bot.store.Store`).
        clock: returns the current UTC time (tests inject one). Defaults
            to the system clock.
    """

    def __init__(self, store: Store, *, clock: Callable[[], datetime] = _utcnow) -> None:
        self._store = store
        self._clock = clock

    @property
    def store(self) -> Store:
        """The store these use cases write to."""
        return self._store

    # ------------------------------------------------------------------ settings

    async def _settings(self, uow: UnitOfWork, workspace_id: str) -> WorkspaceReflectionSettings:
        row = await uow.workspace_settings.get(workspace_id)
        if row is None:
            return WorkspaceReflectionSettings()
        schedule = (
            ReflectionSettings.model_validate(row.reflection)
            if row.reflection
            else ReflectionSettings()
        )
        return WorkspaceReflectionSettings(
            schedule=schedule, team_tz=row.team_tz, coach_user_id=row.coach_user_id
        )

    async def get_workspace_settings(self, workspace_id: str) -> WorkspaceReflectionSettings:
        """A workspace's prompt settings.

        Args:
            workspace_id: the tenant.

        Returns:
            The stored settings, or the defaults (issue 5's schedule, no team
            zone, no coach).
        """
        async with self._store.unit_of_work() as uow:
            return await self._settings(uow, workspace_id)

    async def set_workspace_settings(
        self,
        workspace_id: str,
        *,
        schedule: ReflectionSettings | None = None,
        team_tz: str | None = None,
        coach_user_id: str | None = None,
    ) -> WorkspaceReflectionSettings:
        """Replace a workspace's prompt settings (applies to prompts created afterwards).

        Args:
            workspace_id: the tenant.
            schedule: the schedule; None for the defaults.
            team_tz: the teams' IANA zone, or None.
            coach_user_id: the coach for red-flag notes, or None.

        Returns:
            The stored settings.

        Raises:
            InvalidInput: an unknown ``team_tz``.
        """
        if team_tz:
            try:
                zone(team_tz)
            except ValueError as exc:
                raise InvalidInput(str(exc)) from None
        settings = WorkspaceReflectionSettings(
            schedule=schedule or ReflectionSettings(),
            team_tz=team_tz or None,
            coach_user_id=coach_user_id or None,
        )
        async with self._store.unit_of_work() as uow:
            await uow.workspace_settings.put(
                workspace_id,
                reflection=schedule.model_dump(mode="json") if schedule is not None else None,
                team_tz=settings.team_tz,
                coach_user_id=settings.coach_user_id,
                now=self._clock(),
            )
        return settings

    async def set_user_tz(self, workspace_id: str, user_id: str, tz: str) -> None:
        """Remember a user's time zone (e.g. from Slack ``users.info`` ``user.tz``).

        Args:
            workspace_id: the tenant.
            user_id: the user.
            tz: an IANA zone id.

        Raises:
            InvalidInput: an unknown zone.
        """
        try:
            zone(tz)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
        async with self._store.unit_of_work() as uow:
            await uow.user_tz.set_tz(workspace_id, user_id, tz, now=self._clock())

    async def get_user_tz(self, workspace_id: str, user_id: str) -> str | None:
        """A user's stored time zone.

        Args:
            workspace_id: the tenant.
            user_id: the user.

        Returns:
            The IANA zone id, or None when never stored.
        """
        async with self._store.unit_of_work() as uow:
            return await uow.user_tz.get_tz(workspace_id, user_id)

    # ------------------------------------------------------------------ helpers

    async def _owned(
        self,
        uow: UnitOfWork,
        workspace_id: str,
        user_id: str,
        interview_id: str,
        *,
        action: str,
        include_deleted: bool = False,
    ) -> InterviewRow:
        row = await uow.interviews.get(
            workspace_id, interview_id, include_deleted=include_deleted, for_update=True
        )
        if row is None:
            raise InterviewNotFound("That interview was not found (it may have been deleted).")
        if row.user_id != user_id:
            log.warning(
                "refused %s: interview %s in workspace %s belongs to another user (asked by %s)",
                action,
                interview_id,
                workspace_id,
                user_id,
            )
            raise NotYourInterview("That interview was logged by someone else.")
        return row

    async def _pseudonym(
        self, workspace_id: str, user_id: str, interview_id: str, *, action: str
    ) -> str:
        """The interview's pseudonym after the owner check (a short read transaction).

        Scrubbing takes milliseconds of CPU; it runs between this read and the
        write so that no write transaction (on SQLite: the database's single
        writer lock) is held meanwhile. The pseudonym never changes.
        """
        async with self._store.unit_of_work() as uow:
            row = await self._owned(uow, workspace_id, user_id, interview_id, action=action)
            return row.caregiver_pseudonym

    async def _reminders_of(self, uow: UnitOfWork, row: InterviewRow) -> list[ReminderRow]:
        rows = await uow.reminders.for_interview(row.workspace_id, row.id)
        if row.gathering_key:
            gathering = await uow.reminders.by_key(row.workspace_id, row.gathering_key)
            if gathering is not None:
                rows.append(gathering)
        return rows

    def _check_time(self, happened_at: datetime, now: datetime) -> datetime:
        if happened_at.tzinfo is None or happened_at.utcoffset() is None:
            raise InvalidInput("The interview time needs a time zone.", field="happened_at")
        if happened_at > now + FUTURE_TOLERANCE:
            raise InvalidInput(
                "That time is in the future. Log an interview after it has happened.",
                field="happened_at",
            )
        return happened_at.astimezone(UTC)

    def _gathering_now(
        self, settings: WorkspaceReflectionSettings, tz: str, channel: str, now: datetime
    ) -> ScheduledPrompt:
        """The gathering an interview held now would join (its post is still ahead)."""
        prompts = schedule_for_interview(
            now, tz, settings.schedule, team_tz=settings.team_tz, team_channel=channel
        )
        return next(p for p in prompts if p.kind == "team_gathering")

    async def _join_gathering(
        self,
        uow: UnitOfWork,
        row: InterviewRow,
        prompt: ScheduledPrompt,
        settings: WorkspaceReflectionSettings,
        now: datetime,
    ) -> None:
        """Put the interview into a weekly gathering, creating or reviving its post."""
        ws, channel = row.workspace_id, prompt.channel
        assert channel is not None and prompt.gathering_key is not None
        key, due, tz = prompt.gathering_key, prompt.due_at, prompt.tz
        if due < now:  # that week's post time has passed: join the next one
            later = self._gathering_now(settings, row.interviewer_tz, channel, now)
            key, due, tz = later.gathering_key or key, later.due_at, later.tz
        existing = await uow.reminders.by_key(ws, key, for_update=True)
        if existing is not None and existing.status in ("sent", "failed"):
            later = self._gathering_now(settings, row.interviewer_tz, channel, now)
            if later.gathering_key != key:
                key, due, tz = later.gathering_key or key, later.due_at, later.tz
                existing = await uow.reminders.by_key(ws, key, for_update=True)
        if existing is None:
            created = await uow.reminders.add_if_absent(
                ws,
                dedupe_key=key,
                kind="team_gathering",
                due_at=due,
                user_id=row.user_id,
                channel_id=channel,
                tz=tz,
                now=now,
            )
            if created is None:  # another process created it first
                existing = await uow.reminders.by_key(ws, key, for_update=True)
        if existing is not None and existing.status == "cancelled":
            await uow.reminders.revive(ws, existing.id, due_at=due, user_id=row.user_id, now=now)
        row.gathering_key = key

    async def _leave_gathering(
        self, uow: UnitOfWork, row: InterviewRow, now: datetime, *, reason: str
    ) -> None:
        """Take the interview out of its gathering; cancel the post if nobody is left."""
        key = row.gathering_key
        if not key:
            return
        post = await uow.reminders.by_key(row.workspace_id, key, for_update=True)
        left = await uow.interviews.count_in_gathering(row.workspace_id, key, excluding=row.id)
        if post is not None and post.status == "pending" and left == 0:
            await uow.reminders.cancel_pending(
                row.workspace_id, reminder_id=post.id, reason=reason, now=now
            )

    # ------------------------------------------------------------------ interviews

    async def log_interview(
        self,
        workspace_id: str,
        user_id: str,
        *,
        happened_at: datetime | None = None,
        pseudonym: str,
        grade_band: str,
        mode: InterviewMode,
        team_channel: str | None = None,
        notes: str = "",
        interviewer_tz: str | None = None,
        extra_names: Sequence[str] = (),
    ) -> InterviewInfo:
        """Log a real interview and schedule its prompts.

        The notes are scrubbed with the pseudonym and ``extra_names`` as known
        names before anything is stored. The four prompts of
        :func:`~bot.core.reflection.schedule_for_interview` become reminder
        rows (three without a team channel); the weekly team post is shared by
        every interview of the team's week and created when missing.

        Args:
            workspace_id: the tenant.
            user_id: the interviewer (owner of the interview).
            happened_at: when it took place (aware); now when None.
            pseudonym: the caregiver's pseudonym or initials (1-40 characters;
                it must not look like contact details or an id number).
            grade_band: one of :data:`GRADE_BANDS`.
            mode: ``phone`` | ``in_person``.
            team_channel: the team channel that should hear about it, or None.
            notes: optional notes with the caregiver's exact words (up to
                :data:`MAX_TEXT_CHARS`).
            interviewer_tz: the interviewer's IANA zone (Slack ``users.info``);
                it is also remembered for the user. None uses the stored zone,
                else the schedule's ``fallback_tz``.
            extra_names: other names to scrub (the interviewer's name, a
                student's name the adapter knows); never stored.

        Returns:
            The new :class:`InterviewInfo` with its reminders and what was
            scrubbed from the notes.

        Raises:
            InvalidInput: a field to fix (time in the future or naive, empty
                or over-long pseudonym, contact details in the pseudonym,
                unknown grade band, mode or time zone, over-long notes).
        """
        now = self._clock()
        when = self._check_time(happened_at or now, now)
        alias = self._check_pseudonym(pseudonym)
        if grade_band not in GRADE_BANDS:
            raise InvalidInput(
                f"Choose a grade band: {', '.join(GRADE_BANDS)}.", field="grade_band"
            )
        if mode not in ("phone", "in_person"):
            raise InvalidInput("The interview was held by phone or in person.", field="mode")
        channel = (team_channel or "").strip() or None
        if channel is not None and (len(channel) > 200 or any(c.isspace() for c in channel)):
            raise InvalidInput("That team channel id is not valid.", field="team_channel")
        counts: dict[PiiKind, int] = dict.fromkeys(PII_KINDS, 0)
        names = [alias, *extra_names]
        clean_notes = _scrub(_clean_text(notes, "The notes", "notes"), names, counts)
        if interviewer_tz:
            try:
                zone(interviewer_tz)
            except ValueError as exc:
                raise InvalidInput(str(exc), field="interviewer_tz") from None

        async with self._store.unit_of_work() as uow:
            settings = await self._settings(uow, workspace_id)
            if interviewer_tz:
                tz = interviewer_tz
                await uow.user_tz.set_tz(workspace_id, user_id, tz, now=now)
            else:
                tz = (
                    await uow.user_tz.get_tz(workspace_id, user_id) or settings.schedule.fallback_tz
                )
            row = await uow.interviews.add(
                InterviewRow(
                    id=str(uuid.uuid4()),
                    workspace_id=workspace_id,
                    user_id=user_id,
                    happened_at=when,
                    caregiver_pseudonym=alias,
                    grade_band=grade_band,
                    mode=mode,
                    team_channel=channel,
                    notes=clean_notes,
                    exact_words=None,
                    interviewer_tz=tz,
                    gathering_key=None,
                    created_at=now,
                    updated_at=now,
                )
            )
            prompts = schedule_for_interview(
                when, tz, settings.schedule, team_tz=settings.team_tz, team_channel=channel
            )
            for prompt in prompts:
                if prompt.kind == "team_gathering":
                    await self._join_gathering(uow, row, prompt, settings, now)
                    continue
                await uow.reminders.add_if_absent(
                    workspace_id,
                    dedupe_key=_interview_key(row.id, prompt.kind),
                    kind=prompt.kind,
                    due_at=_not_before(prompt.due_at, now, prompt.tz, settings.schedule),
                    interview_id=row.id,
                    user_id=user_id,
                    tz=prompt.tz,
                    now=now,
                )
            await uow.session.flush()
            reminders = await self._reminders_of(uow, row)
        log.info(
            "interview %s logged (workspace %s, %d prompts, %d details scrubbed)",
            row.id,
            workspace_id,
            len(reminders),
            sum(counts.values()),
        )
        return _info(row, reminders, counts)

    @staticmethod
    def _check_pseudonym(pseudonym: str) -> str:
        alias = " ".join((pseudonym or "").split())
        if not alias:
            raise InvalidInput(
                "Give the caregiver a pseudonym or initials (not their name).", field="pseudonym"
            )
        if len(alias) > MAX_PSEUDONYM_CHARS:
            raise InvalidInput(
                f"A pseudonym has at most {MAX_PSEUDONYM_CHARS} characters; initials are enough.",
                field="pseudonym",
            )
        if any(span.kind != "NAME" for span in detect(alias)):
            raise InvalidInput(
                "The pseudonym looks like contact details or an id number; use initials or a "
                "made-up first name.",
                field="pseudonym",
            )
        return alias

    async def get_interview(
        self, workspace_id: str, user_id: str, interview_id: str
    ) -> InterviewInfo:
        """Return one of the user's interviews with its reminders.

        Args:
            workspace_id: the tenant.
            user_id: the acting user (must be the interviewer).
            interview_id: the interview.

        Returns:
            Its :class:`InterviewInfo`.

        Raises:
            InterviewNotFound: no such live interview in this workspace.
            NotYourInterview: ``user_id`` did not log it.
        """
        async with self._store.unit_of_work() as uow:
            row = await self._owned(uow, workspace_id, user_id, interview_id, action="get")
            reminders = await self._reminders_of(uow, row)
        return _info(row, reminders)

    async def recent_interviews(
        self, workspace_id: str, user_id: str, limit: int = 10
    ) -> list[InterviewInfo]:
        """A user's latest live interviews, newest first (for App Home).

        Args:
            workspace_id: the tenant.
            user_id: the interviewer.
            limit: at most this many (1-100).

        Returns:
            :class:`InterviewInfo` list (without reminders).
        """
        limit = max(1, min(int(limit), 100))
        async with self._store.unit_of_work() as uow:
            rows = await uow.interviews.recent_for_user(workspace_id, user_id, limit=limit)
        return [_info(r) for r in rows]

    async def edit_interview_time(
        self,
        workspace_id: str,
        user_id: str,
        interview_id: str,
        *,
        happened_at: datetime,
    ) -> InterviewInfo:
        """Change when an interview took place; its pending prompts move with it.

        Only prompts not yet sent move (:func:`bot.core.reflection.reschedule`);
        a sent prompt is not sent again. When the interview moves into another
        week, it leaves that week's team post (cancelled when no interview is
        left in it) and joins the new week's.

        Args:
            workspace_id: the tenant.
            user_id: the acting user (must be the interviewer).
            interview_id: the interview.
            happened_at: the new time (aware).

        Returns:
            The updated :class:`InterviewInfo`.

        Raises:
            InterviewNotFound: no such live interview in this workspace.
            NotYourInterview: ``user_id`` did not log it.
            InvalidInput: the time is naive or in the future.
        """
        now = self._clock()
        when = self._check_time(happened_at, now)
        async with self._store.unit_of_work() as uow:
            row = await self._owned(uow, workspace_id, user_id, interview_id, action="edit")
            settings = await self._settings(uow, workspace_id)
            pending_rows = await uow.reminders.for_interview(
                workspace_id, interview_id, statuses=("pending",)
            )
            by_kind = {r.kind: r for r in pending_rows if r.kind in PROMPT_KINDS}
            pending = [
                ScheduledPrompt(kind=r.kind, due_at=r.due_at, tz=r.tz or row.interviewer_tz)  # type: ignore[arg-type]
                for r in by_kind.values()
            ]
            post = (
                await uow.reminders.by_key(workspace_id, row.gathering_key, for_update=True)
                if row.gathering_key
                else None
            )
            if post is not None and post.status == "pending" and row.team_channel:
                pending.append(
                    ScheduledPrompt(
                        kind="team_gathering",
                        due_at=post.due_at,
                        tz=post.tz or row.interviewer_tz,
                        channel=row.team_channel,
                        gathering_key=row.gathering_key,
                    )
                )
            plan = reschedule(
                pending,
                when,
                row.interviewer_tz,
                settings.schedule,
                team_tz=settings.team_tz,
                team_channel=row.team_channel,
            )
            row.happened_at = when
            row.updated_at = now
            for prompt in plan.moved:
                if prompt.kind == "team_gathering":
                    if prompt.gathering_key != row.gathering_key or prompt.due_at < now:
                        await self._leave_gathering(uow, row, now, reason="interview_moved")
                        await self._join_gathering(uow, row, prompt, settings, now)
                    continue
                await uow.reminders.move_pending(
                    workspace_id,
                    by_kind[prompt.kind].id,
                    _not_before(prompt.due_at, now, prompt.tz, settings.schedule),
                    now=now,
                )
            for prompt in plan.cancelled:
                if prompt.kind in by_kind:
                    await uow.reminders.cancel_pending(
                        workspace_id,
                        reminder_id=by_kind[prompt.kind].id,
                        reason="interview_moved",
                        now=now,
                    )
            await uow.session.flush()
            reminders = await self._reminders_of(uow, row)
        log.info("interview %s moved (workspace %s)", interview_id, workspace_id)
        return _info(row, reminders)

    async def delete_interview(
        self, workspace_id: str, user_id: str, interview_id: str
    ) -> InterviewInfo:
        """Delete an interview: cancel its pending prompts and clear its texts; idempotent.

        The row stays (marked deleted) so the history of prompts already sent
        is kept; its notes, exact words and reflection are removed. It leaves
        its team gathering, whose post is cancelled when no interview is left
        in it. A prompt already claimed by a dispatcher is not posted (the
        dispatcher finds the interview deleted).

        Args:
            workspace_id: the tenant.
            user_id: the acting user (must be the interviewer).
            interview_id: the interview.

        Returns:
            The deleted :class:`InterviewInfo` (``deleted_at`` set). A second
            call returns it unchanged.

        Raises:
            InterviewNotFound: no such interview in this workspace.
            NotYourInterview: ``user_id`` did not log it.
        """
        now = self._clock()
        async with self._store.unit_of_work() as uow:
            row = await self._owned(
                uow, workspace_id, user_id, interview_id, action="delete", include_deleted=True
            )
            if row.deleted_at is None:
                cancelled = await uow.reminders.cancel_pending(
                    workspace_id, interview_id=interview_id, reason="interview_deleted", now=now
                )
                await self._leave_gathering(uow, row, now, reason="interview_deleted")
                await uow.reflections.delete_for_interview(workspace_id, interview_id)
                row.notes = ""
                row.exact_words = None
                row.deleted_at = now
                row.updated_at = now
                await uow.session.flush()
                log.info(
                    "interview %s deleted (workspace %s, %d prompts cancelled)",
                    interview_id,
                    workspace_id,
                    cancelled,
                )
            reminders = await self._reminders_of(uow, row)
        return _info(row, reminders)

    async def save_exact_words(
        self,
        workspace_id: str,
        user_id: str,
        interview_id: str,
        text: str,
        *,
        extra_names: Sequence[str] = (),
    ) -> InterviewInfo:
        """Store the caregiver's exact words (scrubbed), replacing earlier ones.

        A pending exact-words prompt is cancelled (it was answered).

        Args:
            workspace_id: the tenant.
            user_id: the acting user (must be the interviewer).
            interview_id: the interview.
            text: the exact words (up to :data:`MAX_TEXT_CHARS`); empty clears them.
            extra_names: other names to scrub; never stored.

        Returns:
            The updated :class:`InterviewInfo` (``scrubbed`` counts what was removed).

        Raises:
            InterviewNotFound: no such live interview in this workspace.
            NotYourInterview: ``user_id`` did not log it.
            InvalidInput: the text is too long.
        """
        words = _clean_text(text, "The exact words", "text")
        counts: dict[PiiKind, int] = dict.fromkeys(PII_KINDS, 0)
        alias = await self._pseudonym(workspace_id, user_id, interview_id, action="exact_words")
        clean = _scrub(words, [alias, *extra_names], counts)  # outside any transaction
        now = self._clock()
        async with self._store.unit_of_work() as uow:
            row = await self._owned(uow, workspace_id, user_id, interview_id, action="exact_words")
            row.exact_words = clean or None
            row.updated_at = now
            if clean:
                await uow.reminders.cancel_pending(
                    workspace_id,
                    interview_id=interview_id,
                    kinds=("exact_words",),
                    reason="already_answered",
                    now=now,
                )
            await uow.session.flush()
            reminders = await self._reminders_of(uow, row)
        return _info(row, reminders, counts)

    async def get_reflection(
        self, workspace_id: str, user_id: str, interview_id: str
    ) -> Reflection | None:
        """The stored reflection on an interview (scrubbed), e.g. to prefill the modal.

        Args:
            workspace_id: the tenant.
            user_id: the acting user (must be the interviewer).
            interview_id: the interview.

        Returns:
            The :class:`~bot.core.reflection.Reflection`, or None.

        Raises:
            InterviewNotFound: no such live interview in this workspace.
            NotYourInterview: ``user_id`` did not log it.
        """
        async with self._store.unit_of_work() as uow:
            await self._owned(uow, workspace_id, user_id, interview_id, action="get_reflection")
            row = await uow.reflections.get(workspace_id, interview_id)
        if row is None:
            return None
        return Reflection(
            surprised=row.surprised,
            assumption_challenged=row.assumption_challenged,
            not_in_data=row.not_in_data,
            do_differently=row.do_differently,
            nothing_new=row.nothing_new,
        )

    async def save_reflection(
        self,
        workspace_id: str,
        user_id: str,
        interview_id: str,
        reflection: Reflection,
        *,
        extra_names: Sequence[str] = (),
    ) -> bool:
        """Store a reflection (scrubbed) and queue the gentle note on a red flag.

        The red flag (:func:`bot.core.reflection.is_red_flag`: nothing
        surprised the interviewer or nothing new was learned) queues one
        ``red_flag_note``: a DM to the workspace's coach, or, before coaches
        exist, a post in the interview's team channel (the interviewer's DM
        when there is none) saying that interviews that only confirm what we
        thought are worth a second look. It is due at the next working slot.
        A resubmitted reflection replaces the earlier one; if it is no longer a
        red flag, a note not yet sent is cancelled. A pending reflection prompt
        is cancelled (it was answered).

        Args:
            workspace_id: the tenant.
            user_id: the acting user (must be the interviewer).
            interview_id: the interview.
            reflection: the four answers and the "nothing new" checkbox.
            extra_names: other names to scrub; never stored.

        Returns:
            True when the reflection is a red flag.

        Raises:
            InterviewNotFound: no such live interview in this workspace.
            NotYourInterview: ``user_id`` did not log it.
            InvalidInput: an answer is too long.
        """
        answers = {
            "surprised": _clean_text(reflection.surprised, "What surprised you", "surprised"),
            "assumption_challenged": _clean_text(
                reflection.assumption_challenged,
                "Which assumption it challenged",
                "assumption_challenged",
            ),
            "not_in_data": _clean_text(
                reflection.not_in_data, "What no data report would show", "not_in_data"
            ),
            "do_differently": _clean_text(
                reflection.do_differently, "What we might do", "do_differently"
            ),
        }
        red = is_red_flag(reflection)
        counts: dict[PiiKind, int] = dict.fromkeys(PII_KINDS, 0)
        alias = await self._pseudonym(workspace_id, user_id, interview_id, action="reflect")
        names = [alias, *extra_names]
        clean = {k: _scrub(v, names, counts) for k, v in answers.items()}  # outside a transaction
        now = self._clock()
        async with self._store.unit_of_work() as uow:
            row = await self._owned(uow, workspace_id, user_id, interview_id, action="reflect")
            await uow.reflections.upsert(
                workspace_id,
                interview_id,
                user_id=user_id,
                nothing_new=reflection.nothing_new,
                red_flag=red,
                now=now,
                **clean,
            )
            await uow.reminders.cancel_pending(
                workspace_id,
                interview_id=interview_id,
                kinds=("reflection",),
                reason="already_answered",
                now=now,
            )
            key = _interview_key(interview_id, "red_flag_note")
            note = await uow.reminders.by_key(workspace_id, key)
            if red:
                settings = await self._settings(uow, workspace_id)
                await self._queue_red_flag(uow, row, settings, note, now)
            elif note is not None:
                await uow.reminders.cancel_pending(
                    workspace_id, reminder_id=note.id, reason="reflection_changed", now=now
                )
        log.info(
            "reflection on interview %s saved (workspace %s, red flag %s, %d details scrubbed)",
            interview_id,
            workspace_id,
            red,
            sum(counts.values()),
        )
        return red

    async def _queue_red_flag(
        self,
        uow: UnitOfWork,
        row: InterviewRow,
        settings: WorkspaceReflectionSettings,
        note: ReminderRow | None,
        now: datetime,
    ) -> None:
        ws = row.workspace_id
        if settings.coach_user_id:
            user, channel = settings.coach_user_id, None
            tz = await uow.user_tz.get_tz(ws, settings.coach_user_id) or row.interviewer_tz
        elif row.team_channel:
            user, channel = row.user_id, row.team_channel
            tz = settings.team_tz or row.interviewer_tz
        else:
            user, channel, tz = row.user_id, None, row.interviewer_tz
        due = next_working_slot(now, tz, settings.schedule)
        if note is None:
            await uow.reminders.add_if_absent(
                ws,
                dedupe_key=_interview_key(row.id, "red_flag_note"),
                kind="red_flag_note",
                due_at=due,
                interview_id=row.id,
                user_id=user,
                channel_id=channel,
                tz=tz,
                now=now,
            )
        elif note.status == "cancelled":
            await uow.reminders.revive(ws, note.id, due_at=due, now=now)

    # ------------------------------------------------------------------ teams

    async def gathering_for(self, workspace_id: str, channel: str, week: str) -> Gathering:
        """A team's week: its interviews (pseudonyms only), reflections and decisions.

        Args:
            workspace_id: the tenant.
            channel: the team channel id.
            week: ``<ISO year>-W<week>`` (e.g. ``2026-W11``; the week of the
                team's meeting, see :func:`bot.core.reflection.gathering_key`).

        Returns:
            The :class:`Gathering` (all texts scrubbed when they were stored).

        Raises:
            InvalidInput: a malformed week or channel.
        """
        team_gathering_key(channel, week)
        async with self._store.unit_of_work() as uow:
            return await _gathering(uow, workspace_id, channel, week)

    async def record_team_decision(
        self,
        workspace_id: str,
        user_id: str,
        *,
        channel: str,
        week: str,
        decision: str,
        extra_names: Sequence[str] = (),
    ) -> TeamDecisionInfo:
        """Record what a team decided to try (scrubbed; every decision is kept).

        Args:
            workspace_id: the tenant.
            user_id: who recorded it (any member of the team).
            channel: the team channel id.
            week: ``<ISO year>-W<week>`` of the gathering.
            decision: the text (1 to :data:`MAX_TEXT_CHARS` characters).
            extra_names: names to scrub; never stored.

        Returns:
            The stored :class:`TeamDecisionInfo`.

        Raises:
            InvalidInput: an empty or over-long decision, a malformed week.
        """
        team_gathering_key(channel, week)
        text = _clean_text(decision, "The decision", "decision")
        if not text:
            raise InvalidInput("Write down the one thing the team will try.", field="decision")
        clean = scrub(text, known_names=extra_names).text
        async with self._store.unit_of_work() as uow:
            row = await uow.team_decisions.add(
                workspace_id,
                team_channel=channel,
                week_key=week,
                decision=clean,
                decided_by=user_id,
                now=self._clock(),
            )
        return _decision_info(row)
