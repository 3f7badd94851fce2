"""After a real interview: the interview, its reminders and the team's weekly gathering.

Pure models with their rules as methods (DOMAIN.md, "After"; issue 8). The
services load rows into these models (pydantic ``from_attributes``), ask them
what to do, and write the answer back through the repositories; nothing here
reads a clock, a database or a platform.

Rules that live here:

* **When an interview may be logged** (:meth:`Interview.check_time`): not in
  the future (beyond a clock tolerance) and not longer ago than
  :data:`MAX_BACKDATE` (a mistyped year would schedule nonsense prompts).
* **Which prompts a (backdated) interview gets, and in which order**
  (:meth:`Interview.plan_prompts`): the core schedule, then prompts whose moment
  has passed are moved to the next working slot in their natural order
  (exact words, reflection, second round), and the exact-words prompt is
  merged into the reflection prompt once the words are no longer fresh.
* **Joining a weekly gathering** (:class:`Gathering`): a post already sent
  takes no more interviews; a cancelled one is revived; the last interview
  leaving a pending post cancels it.
* **Who gets the red-flag note** (:meth:`Interview.red_flag_recipient`):
  private by default (the workspace's coach, else the interviewer), the team
  channel only when the workspace chose to share it.
* **A team decision comes from its gathering's conversation**
  (:meth:`Gathering.check_decision_from`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.core.reflection import (
    PROMPT_KINDS,
    PromptKind,
    ReflectionSettings,
    ScheduledPrompt,
    next_working_slot,
    reschedule,
    schedule_for_interview,
)

__all__ = [
    "EXACT_WORDS_FRESH_FOR",
    "FUTURE_TOLERANCE",
    "MAX_BACKDATE",
    "Gathering",
    "Interview",
    "InterviewRuleBroken",
    "PlannedPrompt",
    "Recipient",
    "Reminder",
    "gathering_key_of",
    "parse_gathering_key",
]

MAX_BACKDATE = timedelta(days=60)
"""How long ago an interview may have taken place to be logged: older ones
would get prompts about a conversation nobody remembers word for word."""

FUTURE_TOLERANCE = timedelta(minutes=10)
"""How far in the future an interview time may be (clock differences between
a phone and the server); only interviews that took place are logged."""

EXACT_WORDS_FRESH_FOR = timedelta(days=5)
"""How long after an interview "write down their exact words while fresh"
still makes sense as a prompt of its own; later it is merged into the
reflection prompt (which then also offers the exact-words button)."""

SECOND_ROUND_AFTER_REFLECTION = timedelta(days=7)
"""The least time between a late reflection prompt and the second-round nudge."""

_WEEK_RE = re.compile(r"^\d{4}-W\d{2}$")
_GATHERING_PREFIX = "team_gathering:"

Platform = Literal["slack", "teams", "cli"]


class InterviewRuleBroken(ValueError):
    """A rule of this module refused an input.

    Args:
        reason: a neutral code (``future``, ``too_old``, ``naive_time``,
            ``not_a_gathering``, ``wrong_conversation``, ``wrong_workspace``).
        field: the input it is about, or None.
    """

    def __init__(self, reason: str, *, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


def gathering_key_of(channel: str, week: str) -> str:
    """``team_gathering:<channel>:<week>``; raises :class:`InterviewRuleBroken` when malformed."""
    if not channel or not _WEEK_RE.match(week):
        raise InterviewRuleBroken("not_a_gathering")
    return f"{_GATHERING_PREFIX}{channel}:{week}"


def parse_gathering_key(key: str) -> tuple[str, str]:
    """Split ``team_gathering:<channel>:<week>`` into (channel, week).

    Raises:
        InterviewRuleBroken: not a gathering key (reason ``not_a_gathering``).
    """
    body = key.removeprefix(_GATHERING_PREFIX)
    channel, _, week = body.rpartition(":")
    if body == key or not channel or not _WEEK_RE.match(week):
        raise InterviewRuleBroken("not_a_gathering")
    return channel, week


class Reminder(BaseModel):
    """One prompt, note or notice to deliver, and where it goes.

    Attributes:
        id / workspace_id / interview_id / kind / dedupe_key: as stored.
        platform: where it is delivered (``slack``, ``teams``).
        user_id: the DM recipient when ``channel_id`` is None, else the
            interviewer told when the post fails.
        channel_id: the conversation to post in (None: the user's DM).
        thread_id: the thread in that conversation, or None.
        service_url: Teams' service URL for proactive messages, else None.
        tz / due_at / status / attempts / sent_at / failure_reason: as stored.
    """

    model_config = ConfigDict(from_attributes=True)

    id: str
    workspace_id: str
    interview_id: str | None = None
    kind: str
    platform: str = "slack"
    user_id: str | None = None
    channel_id: str | None = None
    thread_id: str | None = None
    service_url: str | None = None
    tz: str | None = None
    due_at: datetime
    status: str = "pending"
    attempts: int = 0
    sent_at: datetime | None = None
    failure_reason: str | None = None
    dedupe_key: str

    @property
    def is_pending(self) -> bool:
        """Not claimed, sent, failed or cancelled yet."""
        return self.status == "pending"

    @property
    def is_delivered(self) -> bool:
        """Went out (or gave up for good): it cannot take more content."""
        return self.status in ("sent", "failed")


class PlannedPrompt(ScheduledPrompt):
    """A scheduled prompt as it will be stored.

    Attributes:
        merges: prompt kinds folded into this one because their own moment has
            passed (``("exact_words",)`` on a late reflection prompt).
    """

    merges: tuple[PromptKind, ...] = ()


class Recipient(BaseModel):
    """Who a note goes to.

    Attributes:
        user_id: the DM recipient (or, for a channel post, the interviewer).
        channel_id: the channel to post in, or None for a DM.
        tz: the zone whose working hours place it.
        audience: ``coach``, ``team`` or ``interviewer`` (the wording differs).
    """

    model_config = ConfigDict(frozen=True)

    user_id: str
    channel_id: str | None = None
    tz: str
    audience: Literal["coach", "team", "interviewer"]


class Interview(BaseModel):
    """A real interview, logged by pseudonym only (texts already scrubbed).

    Attributes mirror the stored row; ``platform`` and the conversation
    reference (``conversation_id``, ``thread_id``, ``service_url``) say where
    its interviewer is reached.
    """

    model_config = ConfigDict(from_attributes=True)

    id: str
    workspace_id: str
    user_id: str
    platform: str = "slack"
    conversation_id: str | None = None
    thread_id: str | None = None
    service_url: str | None = None
    happened_at: datetime
    caregiver_pseudonym: str
    grade_band: str
    mode: str
    team_channel: str | None = None
    notes: str = ""
    exact_words: str | None = None
    interviewer_tz: str
    gathering_key: str | None = None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None

    # ------------------------------------------------------------------ time

    @staticmethod
    def check_time(happened_at: datetime, now: datetime) -> datetime:
        """The interview time in UTC, if it is one that may be logged.

        Args:
            happened_at: when it took place (aware).
            now: the current time (UTC).

        Returns:
            ``happened_at`` in UTC.

        Raises:
            InterviewRuleBroken: ``naive_time``, ``future`` (beyond
                :data:`FUTURE_TOLERANCE`) or ``too_old`` (before
                :data:`MAX_BACKDATE`; also a year the clock cannot convert).
        """
        if happened_at.tzinfo is None or happened_at.utcoffset() is None:
            raise InterviewRuleBroken("naive_time", field="happened_at")
        try:
            when = happened_at.astimezone(UTC)
        except (OverflowError, ValueError):
            raise InterviewRuleBroken("too_old", field="happened_at") from None
        if when > now + FUTURE_TOLERANCE:
            raise InterviewRuleBroken("future", field="happened_at")
        if when < now - MAX_BACKDATE:
            raise InterviewRuleBroken("too_old", field="happened_at")
        return when

    # ------------------------------------------------------------------ prompts

    def plan_prompts(
        self,
        settings: ReflectionSettings,
        now: datetime,
        *,
        team_tz: str | None = None,
    ) -> list[PlannedPrompt]:
        """The prompts to store for this interview, as of ``now``.

        The core schedule (:func:`~bot.core.reflection.schedule_for_interview`),
        then, for an interview logged (or moved) late:

        * the exact-words prompt is merged into the reflection prompt when the
          interview is older than :data:`EXACT_WORDS_FRESH_FOR` and the
          prompt is overdue; otherwise an overdue one is due at the next
          working slot;
        * the reflection prompt comes after the exact-words prompt, on the
          next working day (or at the next working slot when it absorbed it);
        * the second-round nudge comes at least
          :data:`SECOND_ROUND_AFTER_REFLECTION` after the reflection prompt;
        * the team gathering keeps its week (the store moves a passed week to
          the next one, :meth:`Gathering.takes_interviews`).

        Returns:
            The prompts in their natural order (due times never decrease
            among the interviewer's DMs).
        """
        fresh = schedule_for_interview(
            self.happened_at,
            self.interviewer_tz,
            settings,
            team_tz=team_tz,
            team_channel=self.team_channel,
        )
        return self._order(fresh, settings, now)

    def _order(
        self, prompts: list[ScheduledPrompt], settings: ReflectionSettings, now: datetime
    ) -> list[PlannedPrompt]:
        by_kind = {p.kind: p for p in prompts}
        out: list[PlannedPrompt] = []
        floor = now
        merged: tuple[PromptKind, ...] = ()
        exact = by_kind.get("exact_words")
        if exact is not None:
            if exact.due_at >= now:
                out.append(PlannedPrompt(**exact.model_dump()))
                floor = exact.due_at
            elif now - self.happened_at > EXACT_WORDS_FRESH_FOR and "reflection" in by_kind:
                merged = ("exact_words",)
            else:
                due = next_working_slot(now, exact.tz, settings)
                out.append(PlannedPrompt(**exact.model_dump(exclude={"due_at"}), due_at=due))
                floor = due
        reflection = by_kind.get("reflection")
        if reflection is not None:
            due = reflection.due_at
            if due < now or due <= floor:
                if out:  # after the exact-words prompt, on a later working day
                    later = floor + timedelta(days=1)
                    due = max(due, next_working_slot(later, reflection.tz, settings))
                else:
                    due = next_working_slot(now, reflection.tz, settings)
            out.append(
                PlannedPrompt(
                    **reflection.model_dump(exclude={"due_at"}), due_at=due, merges=merged
                )
            )
            floor = due
        gathering = by_kind.get("team_gathering")
        if gathering is not None:
            out.append(PlannedPrompt(**gathering.model_dump()))
        second = by_kind.get("second_round")
        if second is not None:
            due = second.due_at
            if due < now:  # a week after the (late) reflection prompt, not before it
                due = next_working_slot(floor + SECOND_ROUND_AFTER_REFLECTION, second.tz, settings)
            out.append(PlannedPrompt(**second.model_dump(exclude={"due_at"}), due_at=due))
        return out

    def replan(
        self,
        pending: list[Reminder],
        gathering_post: Reminder | None,
        new_time: datetime,
        settings: ReflectionSettings,
        now: datetime,
        *,
        team_tz: str | None = None,
    ) -> tuple[list[PlannedPrompt], list[Reminder]]:
        """Move the not-yet-sent prompts to a new interview time.

        Args:
            pending: the interview's pending prompts (one per kind).
            gathering_post: its team gathering's post when still pending.
            new_time: the edited interview time (UTC, checked).
            settings / now / team_tz: as for :meth:`plan_prompts`.

        Returns:
            ``(moved, cancelled)``: the new version of each pending prompt
            still in the schedule (a merged exact-words prompt is cancelled
            and named in the reflection's ``merges``), and the pending
            reminders to cancel.
        """
        kinds = [
            ScheduledPrompt(kind=r.kind, due_at=r.due_at, tz=r.tz or self.interviewer_tz)  # type: ignore[arg-type]
            for r in pending
            if r.kind in PROMPT_KINDS
        ]
        if gathering_post is not None and self.team_channel and self.gathering_key:
            kinds.append(
                ScheduledPrompt(
                    kind="team_gathering",
                    due_at=gathering_post.due_at,
                    tz=gathering_post.tz or self.interviewer_tz,
                    channel=self.team_channel,
                    gathering_key=self.gathering_key,
                )
            )
        plan = reschedule(
            kinds,
            new_time,
            self.interviewer_tz,
            settings,
            team_tz=team_tz,
            team_channel=self.team_channel,
        )
        moved_kinds = {p.kind for p in plan.moved}
        ordered = self.model_copy(update={"happened_at": new_time})._order(
            plan.moved, settings, now
        )
        planned = {p.kind: p for p in ordered}
        by_kind = {r.kind: r for r in pending}
        cancelled = [by_kind[p.kind] for p in plan.cancelled if p.kind in by_kind]
        cancelled += [by_kind[k] for k in moved_kinds - planned.keys() if k in by_kind]
        return [planned[k] for k in PROMPT_KINDS if k in planned], cancelled

    # ------------------------------------------------------------------ red flag

    def red_flag_recipient(
        self,
        *,
        coach_user_id: str | None,
        coach_tz: str | None,
        share_with_team: bool,
        team_tz: str | None,
    ) -> Recipient:
        """Who gets the gentle note when a reflection says nothing new came up.

        Private by default: the workspace's coach when one is set, otherwise
        the interviewer alone. Only when the workspace chose to share these
        notes with the team (and the interview has a team channel) does it go
        to the team channel, where the caregiver's pseudonym is seen.
        """
        if share_with_team and self.team_channel:
            return Recipient(
                user_id=self.user_id,
                channel_id=self.team_channel,
                tz=team_tz or self.interviewer_tz,
                audience="team",
            )
        if coach_user_id:
            return Recipient(
                user_id=coach_user_id, tz=coach_tz or self.interviewer_tz, audience="coach"
            )
        return Recipient(user_id=self.user_id, tz=self.interviewer_tz, audience="interviewer")

    # ------------------------------------------------------------------ deletion

    def deleted(self, now: datetime) -> dict[str, object]:
        """The changes that delete this interview: its texts go, the row stays."""
        return {"notes": "", "exact_words": None, "deleted_at": now, "updated_at": now}


class Gathering(BaseModel):
    """A team's weekly gathering post, as far as joining and deciding go.

    Attributes:
        workspace_id: the tenant. key: ``team_gathering:<channel>:<week>``.
        channel: the team conversation. week: ``<ISO year>-W<week>``.
        post: its reminder, or None when not created yet.
    """

    model_config = ConfigDict(frozen=True)

    workspace_id: str
    key: str
    channel: str
    week: str
    post: Reminder | None = None
    interviews: int = Field(default=0, ge=0)

    @classmethod
    def of(cls, workspace_id: str, key: str, post: Reminder | None = None) -> Gathering:
        """The gathering named by ``key`` (raises :class:`InterviewRuleBroken` when malformed)."""
        channel, week = parse_gathering_key(key)
        return cls(workspace_id=workspace_id, key=key, channel=channel, week=week, post=post)

    @property
    def takes_interviews(self) -> bool:
        """A post not delivered yet can still gather this interview."""
        return self.post is None or not self.post.is_delivered

    @property
    def needs_revival(self) -> bool:
        """Its post was cancelled (every interview left) and someone joins again."""
        return self.post is not None and self.post.status == "cancelled"

    def cancel_when_left(self, remaining: int) -> bool:
        """True when the last interview left a post that has not gone out."""
        return self.post is not None and self.post.is_pending and remaining == 0

    def check_decision_from(self, workspace_id: str, conversation_id: str | None) -> None:
        """A team decision is recorded from the gathering's own conversation.

        Raises:
            InterviewRuleBroken: ``wrong_workspace`` (no such gathering here) or
                ``wrong_conversation`` (asked from another channel).
        """
        if workspace_id != self.workspace_id or self.post is None:
            raise InterviewRuleBroken("wrong_workspace")
        if conversation_id != self.channel:
            raise InterviewRuleBroken("wrong_conversation")
