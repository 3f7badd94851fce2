"""After a real interview: when each reflection prompt is due, and the red flag.

DOMAIN.md ("The three phases", *After*) and issue 5 ask for four prompts after
a real empathy interview:

* ``exact_words`` - about an hour later, a DM asking for the caregiver's exact
  words while they are fresh;
* ``reflection`` - the next working day, a DM with the reflection modal (what
  surprised you, which assumption broke, what no data report would show, what
  we might do differently);
* ``team_gathering`` - before the team's next weekly meeting, one post in the
  team channel gathering that week's reflections;
* ``second_round`` - about 14 days later, a DM suggesting a second
  conversation with the same family.

Every prompt lands inside working hours on a working day *in the time zone of
the person who reads it* (the interviewer's zone from Slack ``users.info`` for
the DMs, the team's zone for the channel post). A time that falls outside them
moves to the next working slot (the team post moves *back*, so it still comes
before the meeting). All arithmetic is done with :mod:`zoneinfo`, so daylight
saving changes are handled: a 14-day offset keeps the local wall-clock time.

Everything here is pure and deterministic: no clock is read (an interview in
the past simply yields prompts that are already due; the store delivers
overdue prompts promptly), and nothing is stored or sent.

Weekdays are integers with Monday = 0 ... Sunday = 6, as
:meth:`datetime.date.weekday` returns them (:class:`Weekday` names them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from enum import IntEnum
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "CONTRAST_WORDS",
    "NOTHING_NEW_ANSWERS",
    "NOTHING_NEW_PATTERNS",
    "PROMPT_KINDS",
    "PromptKind",
    "Reflection",
    "ReflectionSettings",
    "Rescheduled",
    "ScheduledPrompt",
    "Weekday",
    "gathering_key",
    "is_red_flag",
    "is_working_time",
    "next_working_slot",
    "previous_working_slot",
    "reschedule",
    "says_nothing_new",
    "schedule_for_interview",
    "zone",
]


class Weekday(IntEnum):
    """Days of the week, numbered like :meth:`datetime.date.weekday`."""

    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6


PromptKind = Literal["exact_words", "reflection", "team_gathering", "second_round"]
"""The four prompts of issue 5, by these exact ids."""

PROMPT_KINDS: tuple[PromptKind, ...] = (
    "exact_words",
    "reflection",
    "team_gathering",
    "second_round",
)
"""The prompt kinds in the order :func:`schedule_for_interview` returns them."""

_SEARCH_DAYS = 21
"""How far ahead (in days) a slot search looks before giving up; a settings
object always has at least one working weekday, so 8 days would do."""


def zone(name: str) -> ZoneInfo:
    """Return the IANA time zone called ``name``.

    Args:
        name: an IANA zone id such as ``"America/Los_Angeles"`` (Slack's
            ``users.info`` gives one in ``user.tz``).

    Returns:
        The :class:`zoneinfo.ZoneInfo` for it.

    Raises:
        ValueError: when ``name`` is empty or not a known zone.
    """
    if not name:
        raise ValueError("time zone name is empty")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def _require_aware(dt: datetime, what: str) -> None:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime, got naive {dt!r}")


class ReflectionSettings(BaseModel):
    """When the after-interview prompts go out, per workspace.

    Every default comes from issue 5 ("The reflection schedule") unless noted.

    Attributes:
        workday_start: local time working hours start (default 08:00, the
            brief for this module).
        workday_end: local time working hours end, inclusive (default 16:30,
            the brief for this module). A prompt due exactly at the end is
            still inside working hours.
        working_weekdays: the days prompts may land on, Monday = 0 (default
            Monday to Friday: "never at weekends").
        exact_words_after: how long after the interview the exact-words DM is
            due (default 1 hour: "about 1 hour after").
        reflection_at: local time of the reflection DM on the next working day
            (default 08:30). Chosen as the start of the school day so that the
            reflection lands a night after the interview and, on the usual
            Tuesday meeting, several hours before the team gathering post;
            staff read it at their first break.
        team_meeting_weekday: weekday of the team's meeting (default Tuesday,
            an example in the brief).
        team_meeting_time: local time of the team's meeting (default 15:30,
            after dismissal, the brief's example).
        team_gathering_lead: how long before the meeting the gathering post
            goes out (default 2 hours, the brief).
        second_round_after: how long after the interview the second-round DM
            is due (default 14 days: "about 14 days after").
        fallback_tz: IANA zone used when Slack gives no zone for a user
            (default ``America/Los_Angeles``: the product's first schools are
            in Washington State, DOMAIN.md).

    Raises:
        pydantic.ValidationError: when the workday does not start before it
            ends, no weekday is a working day, an offset is negative, or
            ``fallback_tz`` is not a known zone.
    """

    model_config = ConfigDict(frozen=True)

    workday_start: time = time(8, 0)
    workday_end: time = time(16, 30)
    working_weekdays: frozenset[Weekday] = frozenset(
        {Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY}
    )
    exact_words_after: timedelta = timedelta(hours=1)
    reflection_at: time = time(8, 30)
    team_meeting_weekday: Weekday = Weekday.TUESDAY
    team_meeting_time: time = time(15, 30)
    team_gathering_lead: timedelta = timedelta(hours=2)
    second_round_after: timedelta = timedelta(days=14)
    fallback_tz: str = "America/Los_Angeles"

    @field_validator("workday_start", "workday_end", "reflection_at", "team_meeting_time")
    @classmethod
    def _naive_time(cls, value: time) -> time:
        if value.tzinfo is not None:
            raise ValueError("give local times without a time zone")
        return value

    @field_validator("exact_words_after", "team_gathering_lead", "second_round_after")
    @classmethod
    def _non_negative(cls, value: timedelta) -> timedelta:
        if value < timedelta(0):
            raise ValueError("offsets must not be negative")
        return value

    @field_validator("fallback_tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        zone(value)
        return value

    @model_validator(mode="after")
    def _check(self) -> ReflectionSettings:
        if self.workday_start >= self.workday_end:
            raise ValueError(
                f"workday_start {self.workday_start} must be before workday_end {self.workday_end}"
            )
        if not self.working_weekdays:
            raise ValueError("at least one working weekday is needed")
        return self


class ScheduledPrompt(BaseModel):
    """One prompt to deliver at a due time.

    Attributes:
        kind: which prompt (:data:`PromptKind`).
        due_at: when it is due, an aware datetime in UTC (validated and
            normalised to UTC). May be in the past for an interview logged
            after the fact: the dispatcher delivers overdue prompts promptly.
        tz: the IANA zone whose working hours it was placed in (the
            interviewer's for DMs, the team's for the gathering).
        channel: the team channel, for ``team_gathering`` only.
        gathering_key: for ``team_gathering`` only, a key shared by every
            interview whose reflections go into the same weekly post:
            ``"team_gathering:<channel>:<ISO year>-W<ISO week>"`` of the
            meeting's local date (:func:`gathering_key`). The store keeps one
            post per key.

    Raises:
        pydantic.ValidationError: on a naive ``due_at``, or when ``channel``
            and ``gathering_key`` are missing from a ``team_gathering`` prompt
            or present on another kind.
    """

    model_config = ConfigDict(frozen=True)

    kind: PromptKind
    due_at: AwareDatetime
    tz: str
    channel: str | None = None
    gathering_key: str | None = None

    @field_validator("due_at")
    @classmethod
    def _to_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    @model_validator(mode="after")
    def _check(self) -> ScheduledPrompt:
        team = self.kind == "team_gathering"
        if team and not (self.channel and self.gathering_key):
            raise ValueError("a team_gathering prompt needs channel and gathering_key")
        if not team and (self.channel is not None or self.gathering_key is not None):
            raise ValueError(f"a {self.kind} prompt has no channel or gathering_key")
        return self


def _local(dt: datetime, tz: ZoneInfo) -> datetime:
    _require_aware(dt, "dt")
    return dt.astimezone(tz)


def _at(day: date, at: time, tz: ZoneInfo) -> datetime:
    """``day`` at local ``at`` in ``tz``, as UTC.

    A wall-clock time inside a spring-forward gap is read with ``fold=0``
    (the offset before the change), which lands just after the gap; in an
    autumn overlap ``fold=0`` picks the first occurrence.
    """
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def _plus_wall_clock(dt: datetime, offset: timedelta, tz: ZoneInfo) -> datetime:
    """Add ``offset`` to ``dt`` on the local wall clock of ``tz``, return UTC.

    So 14 days after 10:00 is 10:00 again even across a DST change.
    """
    local = _local(dt, tz).replace(tzinfo=None) + offset
    return local.replace(tzinfo=tz).astimezone(UTC)


def _is_working(local: datetime, settings: ReflectionSettings) -> bool:
    t = local.time()
    return (
        local.weekday() in settings.working_weekdays
        and settings.workday_start <= t <= settings.workday_end
    )


def is_working_time(dt: datetime, tz: str, settings: ReflectionSettings) -> bool:
    """Tell whether ``dt`` falls inside working hours on a working day in ``tz``.

    Args:
        dt: an aware datetime (any zone).
        tz: the IANA zone whose local clock counts.
        settings: the working hours and weekdays.

    Returns:
        True when the local weekday is a working weekday and the local time is
        within ``[workday_start, workday_end]`` (both ends included).

    Raises:
        ValueError: on a naive ``dt`` or an unknown zone.
    """
    return _is_working(_local(dt, zone(tz)), settings)


def next_working_slot(dt: datetime, tz: str, settings: ReflectionSettings) -> datetime:
    """Return the first moment at or after ``dt`` inside working hours in ``tz``.

    ``dt`` itself when it is already inside working hours; the same day's
    ``workday_start`` when it is earlier on a working day; otherwise
    ``workday_start`` of the next working day (so 17:00 on a Friday becomes
    08:00 on Monday with the defaults). Computed on the local clock of ``tz``
    with :mod:`zoneinfo`, so DST changes are handled.

    Args:
        dt: an aware datetime (any zone).
        tz: the IANA zone of the person who will read the prompt.
        settings: the working hours and weekdays.

    Returns:
        An aware datetime in UTC.

    Raises:
        ValueError: on a naive ``dt`` or an unknown zone.
    """
    z = zone(tz)
    local = _local(dt, z)
    if _is_working(local, settings):
        return dt.astimezone(UTC)
    day = local.date()
    if local.weekday() in settings.working_weekdays and local.time() < settings.workday_start:
        return _at(day, settings.workday_start, z)
    for _ in range(_SEARCH_DAYS):
        day += timedelta(days=1)
        if day.weekday() in settings.working_weekdays:
            return _at(day, settings.workday_start, z)
    raise AssertionError("unreachable: settings always have a working weekday")


def previous_working_slot(dt: datetime, tz: str, settings: ReflectionSettings) -> datetime:
    """Return the last moment at or before ``dt`` inside working hours in ``tz``.

    The mirror of :func:`next_working_slot`, used for the team gathering post,
    which must still come before the meeting: ``dt`` itself when inside
    working hours, the same day's ``workday_end`` when later on a working day,
    otherwise ``workday_end`` of the previous working day.

    Args:
        dt: an aware datetime (any zone).
        tz: the IANA zone whose local clock counts.
        settings: the working hours and weekdays.

    Returns:
        An aware datetime in UTC.

    Raises:
        ValueError: on a naive ``dt`` or an unknown zone.
    """
    z = zone(tz)
    local = _local(dt, z)
    if _is_working(local, settings):
        return dt.astimezone(UTC)
    day = local.date()
    if local.weekday() in settings.working_weekdays and local.time() > settings.workday_end:
        return _at(day, settings.workday_end, z)
    for _ in range(_SEARCH_DAYS):
        day -= timedelta(days=1)
        if day.weekday() in settings.working_weekdays:
            return _at(day, settings.workday_end, z)
    raise AssertionError("unreachable: settings always have a working weekday")


def _next_working_day(day: date, settings: ReflectionSettings) -> date:
    """The first working day strictly after ``day``."""
    for _ in range(_SEARCH_DAYS):
        day += timedelta(days=1)
        if day.weekday() in settings.working_weekdays:
            return day
    raise AssertionError("unreachable: settings always have a working weekday")


def gathering_key(team_channel: str, meeting_day: date) -> str:
    """Return the key shared by all interviews gathered into one weekly post.

    Args:
        team_channel: the team channel id (e.g. Slack ``C0123``).
        meeting_day: the meeting's local date.

    Returns:
        ``"team_gathering:<channel>:<ISO year>-W<ISO week, 2 digits>"``.
    """
    iso = meeting_day.isocalendar()
    return f"team_gathering:{team_channel}:{iso.year}-W{iso.week:02d}"


def _team_gathering(
    after: datetime, tz_name: str, settings: ReflectionSettings
) -> tuple[datetime, date]:
    """The first gathering post at or after ``after``: (due UTC, meeting's local date)."""
    z = zone(tz_name)
    day = _local(after, z).date()
    for _ in range(_SEARCH_DAYS):
        if day.weekday() == settings.team_meeting_weekday:
            meeting = _at(day, settings.team_meeting_time, z)
            post = previous_working_slot(meeting - settings.team_gathering_lead, tz_name, settings)
            if post >= after:
                return post, day
        day += timedelta(days=1)
    raise AssertionError("unreachable: a weekly meeting occurs within three weeks")


def schedule_for_interview(
    interview_at: datetime,
    interviewer_tz: str | None,
    settings: ReflectionSettings | None = None,
    team_tz: str | None = None,
    team_channel: str | None = None,
) -> list[ScheduledPrompt]:
    """Compute the after-interview prompts for one real interview.

    Rules (defaults in :class:`ReflectionSettings`):

    * ``exact_words``: ``interview_at + exact_words_after`` (wall clock),
      moved to :func:`next_working_slot` in the interviewer's zone. An
      interview late on a Friday gets it on Monday morning.
    * ``reflection``: ``reflection_at`` on the first working day *after* the
      local day the exact-words prompt lands, so the two DMs never arrive in
      the same morning (an interview late on Friday: exact words Monday 08:00,
      reflection Tuesday 08:30).
    * ``team_gathering`` (only with a ``team_channel``): the first weekly
      meeting whose post (meeting time minus ``team_gathering_lead``, moved
      back into working hours in the team's zone) comes at or after the
      reflection prompt, so the interviewer was asked to reflect before the
      team gathers. All interviews with the same meeting share one
      ``gathering_key``.
    * ``second_round``: ``interview_at + second_round_after`` on the
      interviewer's wall clock, moved to the next working slot.

    An interview in the past is fine: its prompts may be overdue, and the
    dispatcher delivers overdue prompts promptly. No clock is read.

    Args:
        interview_at: when the interview happened (aware; any zone).
        interviewer_tz: the interviewer's IANA zone (Slack ``users.info``
            ``user.tz``); ``None`` or ``""`` uses ``settings.fallback_tz``.
        settings: the workspace's settings; ``None`` uses the defaults.
        team_tz: the team's IANA zone for the gathering post; ``None`` uses
            the interviewer's zone. Pass the team's zone when the team has one
            so that every interview of the week gets the same due time.
        team_channel: the team channel to post in; ``None`` means no
            ``team_gathering`` prompt.

    Returns:
        The prompts in :data:`PROMPT_KINDS` order (three without a team
        channel), each ``due_at`` in UTC.

    Raises:
        ValueError: on a naive ``interview_at`` or an unknown zone.
    """
    settings = settings or ReflectionSettings()
    _require_aware(interview_at, "interview_at")
    tz_name = interviewer_tz or settings.fallback_tz
    z = zone(tz_name)

    exact = next_working_slot(
        _plus_wall_clock(interview_at, settings.exact_words_after, z), tz_name, settings
    )
    day = _next_working_day(_local(exact, z).date(), settings)
    reflection = next_working_slot(_at(day, settings.reflection_at, z), tz_name, settings)
    second = next_working_slot(
        _plus_wall_clock(interview_at, settings.second_round_after, z), tz_name, settings
    )

    prompts = [
        ScheduledPrompt(kind="exact_words", due_at=exact, tz=tz_name),
        ScheduledPrompt(kind="reflection", due_at=reflection, tz=tz_name),
    ]
    if team_channel:
        team_zone = team_tz or tz_name
        post, meeting_day = _team_gathering(reflection, team_zone, settings)
        prompts.append(
            ScheduledPrompt(
                kind="team_gathering",
                due_at=post,
                tz=team_zone,
                channel=team_channel,
                gathering_key=gathering_key(team_channel, meeting_day),
            )
        )
    prompts.append(ScheduledPrompt(kind="second_round", due_at=second, tz=tz_name))
    return prompts


class Rescheduled(BaseModel):
    """What :func:`reschedule` decided for an interview's pending prompts.

    Attributes:
        moved: the new version of each pending prompt that still applies
            (same kind, new ``due_at``; a ``team_gathering`` may get a new
            ``gathering_key`` when the interview moved to another week).
        cancelled: pending prompts with no counterpart in the new schedule
            (today only a ``team_gathering`` whose team channel was removed).
    """

    model_config = ConfigDict(frozen=True)

    moved: list[ScheduledPrompt] = Field(default_factory=list)
    cancelled: list[ScheduledPrompt] = Field(default_factory=list)


def reschedule(
    pending: Iterable[ScheduledPrompt],
    new_interview_at: datetime,
    interviewer_tz: str | None,
    settings: ReflectionSettings | None = None,
    team_tz: str | None = None,
    team_channel: str | None = None,
) -> Rescheduled:
    """Recompute the not-yet-sent prompts after an interview's time was edited.

    Semantics (issue 5: "Editing the interview's time moves its pending
    prompts; deleting it cancels them"):

    * Only the prompts in ``pending`` are touched: a prompt already sent stays
      sent and is not created again, even if its new due time is later.
    * Each pending prompt gets the due time the full schedule would give it
      for ``new_interview_at`` (:func:`schedule_for_interview`), so a moved
      interview behaves exactly like one logged at the new time.
    * A ``team_gathering`` whose new ``gathering_key`` differs belongs to
      another week's post: the store detaches the interview from the old
      post (dropping that post if no other interview is left in it) and adds
      it to the new one.
    * A pending prompt the new schedule no longer has is returned in
      ``cancelled``. Deleting an interview is not this function's business:
      the store cancels all its pending prompts.

    Args:
        pending: the interview's prompts that were not sent yet.
        new_interview_at: the edited interview time (aware).
        interviewer_tz: as for :func:`schedule_for_interview`.
        settings: as for :func:`schedule_for_interview`.
        team_tz: as for :func:`schedule_for_interview`.
        team_channel: as for :func:`schedule_for_interview`.

    Returns:
        A :class:`Rescheduled` with ``moved`` in :data:`PROMPT_KINDS` order.

    Raises:
        ValueError: on a naive ``new_interview_at`` or an unknown zone.
    """
    fresh = {
        p.kind: p
        for p in schedule_for_interview(
            new_interview_at, interviewer_tz, settings, team_tz=team_tz, team_channel=team_channel
        )
    }
    pending_list = list(pending)
    kinds = {p.kind for p in pending_list}
    moved = [fresh[k] for k in PROMPT_KINDS if k in kinds and k in fresh]
    cancelled = [p for p in pending_list if p.kind not in fresh]
    return Rescheduled(moved=moved, cancelled=cancelled)


# --- the red flag ---------------------------------------------------------------------------

NOTHING_NEW_ANSWERS: tuple[str, ...] = (
    "nothing",
    "nothing really",
    "nothing much",
    "nothing new",
    "nothing in particular",
    "nothing surprising",
    "nothing at all",
    "not really",
    "not much",
    "not much really",
    "not anything",
    "no",
    "nope",
    "none",
    "none really",
    "no surprises",
    "no surprise",
    "no assumptions",
    "no assumption",
    "not any",
    "n/a",
    "na",
    "n a",
    "same",
    "same as always",
    "-",
)
"""Whole answers (after :func:`_normalize`: lower case, punctuation other
than ``/`` and ``-`` dropped, spaces collapsed) that say nothing was new."""

NOTHING_NEW_PATTERNS: tuple[str, ...] = (
    r"\bnothing (?:really |much |at all )?(?:surprised|surprising|shocked|stood out|new)\b",
    r"\bno(?:thing)? (?:real |big )?surprises?\b",
    r"\bi was(?:n't| not) (?:really )?surprised\b",
    r"\bdid(?:n't| not) (?:really )?(?:surprise|challenge|change)\b",
    r"\bconfirm(?:ed|s)? (?:what|everything) (?:we|i) (?:already )?"
    r"(?:knew|know|thought|expected|assumed|suspected)\b",
    r"\bsame as (?:we|i) (?:thought|expected|assumed|figured|suspected)\b",
    r"^(?:it was |it's |that's |this was |she said |he said )?"
    r"(?:just |pretty much |exactly |basically |mostly |all )?"
    r"(?:what|as) (?:we|i) (?:already )?(?:expected|thought|assumed|figured|knew)\b",
    r"^(?:it was |it went |all |pretty much |mostly )?as expected\b",
    r"\b(?:did(?:n't| not)|never) (?:really )?(?:learn|hear) anything "
    r"(?:new|different|we did(?:n't| not) (?:already )?know)\b",
    r"\bnothing (?:we|i) did(?:n't| not) (?:already )?know\b",
    r"\bno new (?:information|info|insights?)\b",
)
"""Phrases (regular expressions over the normalised answer) that say the
interview only confirmed what the team already thought. They count only when
the answer has no contrast word (:data:`CONTRAST_WORDS`): "nothing really,
but she said …" is a finding, not a red flag."""

CONTRAST_WORDS: tuple[str, ...] = (
    "but",
    "however",
    "except",
    "although",
    "though",
    "actually",
    "until",
    "besides",
    "other than",
    "apart from",
    "that said",
)
"""Words after which an answer goes on to name something new."""

_NOTHING_RE = re.compile("|".join(f"(?:{p})" for p in NOTHING_NEW_PATTERNS))
_CONTRAST_RE = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in CONTRAST_WORDS) + r")\b")
_ANSWERS = frozenset(NOTHING_NEW_ANSWERS)


def _normalize(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"[^\w'/\- ]+", " ", text)
    return " ".join(text.split())


def says_nothing_new(answer: str) -> bool:
    """Tell whether one free-text answer says nothing was new or surprising.

    True when the normalised answer is one of :data:`NOTHING_NEW_ANSWERS`, or
    matches one of :data:`NOTHING_NEW_PATTERNS` and has none of
    :data:`CONTRAST_WORDS`. An empty answer is *not* "nothing new" (it is
    simply unanswered).

    Args:
        answer: the text of one reflection field.

    Returns:
        True when the answer says nothing new was learned.
    """
    norm = _normalize(answer)
    if not norm:
        return False
    if norm in _ANSWERS:
        return True
    return bool(_NOTHING_RE.search(norm)) and not _CONTRAST_RE.search(norm)


class Reflection(BaseModel):
    """An interviewer's reflection after a real interview (the reflection modal).

    Attributes:
        surprised: "What surprised you?"
        assumption_challenged: "Which assumption did this challenge?"
        not_in_data: "What did you hear that no data report would show?"
        do_differently: "What might we do differently?"
        nothing_new: the checkbox "Nothing surprised me / nothing new".
    """

    surprised: str = ""
    assumption_challenged: str = ""
    not_in_data: str = ""
    do_differently: str = ""
    nothing_new: bool = False


def is_red_flag(reflection: Reflection) -> bool:
    """Tell whether a reflection shows an interview that only confirmed what we thought.

    DOMAIN.md: interviews that only confirm what the team already believed are
    a red flag. The rule:

    * the ``nothing_new`` checkbox is ticked, or
    * at least one of ``surprised`` / ``assumption_challenged`` says nothing
      was new (:func:`says_nothing_new`) and the other one does not name
      something (it is empty or also says nothing new).

    So "Nothing surprised me" with the assumption field left empty is a red
    flag, while "Nothing really" with a real broken assumption is not: the
    interviewer did learn something. The other two fields do not count: what
    "no data report would show" can be known already.

    Args:
        reflection: the submitted reflection.

    Returns:
        True when the coach (or the team post) should get the gentle note.
    """
    if reflection.nothing_new:
        return True
    answers = [reflection.surprised, reflection.assumption_challenged]
    nothing = [says_nothing_new(a) for a in answers]
    empty = [not _normalize(a) for a in answers]
    return any(nothing) and all(n or e for n, e in zip(nothing, empty, strict=True))
