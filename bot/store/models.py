"""SQLAlchemy 2 table models of the store.

Every table has ``workspace_id`` (the tenant); repositories filter on it in
every query. Times are stored in UTC and always come back timezone-aware
(:class:`UTCDateTime`). JSON columns are ``JSONB`` on PostgreSQL and JSON text
on SQLite.

The schema itself is created by the Alembic migrations in
``bot/store/migrations`` (never by ``metadata.create_all`` in production); a
test checks that these models and the migrations agree.

Issue 5 (after real interviews) adds, in revision ``0002``: ``interviews``,
``reflections``, ``reminders`` (the durable prompt queue), ``team_decisions``,
``workspace_settings`` and the ``user_settings.tz`` column. They follow the
same rules (``workspace_id``, ``UTCDateTime``, ``status`` / ``kind`` columns
checked by constraints).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = [
    "DISPUTE_STATUSES",
    "INTERVIEW_MODES",
    "REMINDER_KINDS",
    "REMINDER_STATUSES",
    "Base",
    "CoachRequestRow",
    "InterviewRow",
    "NoteDisputeRow",
    "PracticeSessionRow",
    "ProcessedEventRow",
    "ReflectionRow",
    "ReminderRow",
    "TeamDecisionRow",
    "TurnRow",
    "UTCDateTime",
    "UserSettingsRow",
    "WorkspaceSettingsRow",
]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Constraint names are deterministic, so later migrations can alter them by
name on both databases (SQLite batch mode needs names)."""

JSONDoc = JSON().with_variant(JSONB(), "postgresql")
"""A JSON document column: JSONB on PostgreSQL, JSON text on SQLite."""


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and returned timezone-aware (UTC).

    PostgreSQL stores ``timestamptz``; SQLite stores naive UTC text in a
    fixed format (so string comparison orders correctly). Naive datetimes are
    refused on the way in, so no local time is ever stored by mistake.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert an aware datetime to UTC (naive UTC for SQLite).

        Raises:
            ValueError: ``value`` is naive.
        """
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column; use an aware one")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return the stored time as an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every store table (shared metadata and naming convention)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy's documented spelling
        datetime: UTCDateTime(),
        dict[str, Any]: JSONDoc,
    }


class PracticeSessionRow(Base):
    """One practice session: who, with which persona, where, and the engine snapshot.

    Columns:
        id: UUID string (primary key), safe in button values.
        workspace_id: tenant. user_id: owner. persona_id: caregiver card id.
        platform: ``slack`` | ``teams`` | ``cli``.
        channel_id / thread_id: the conversation reference (Slack channel and
            thread ts; Teams conversation id and reply-chain id); unique per
            workspace when set.
        conversation_ref: platform extras for proactive messages (Teams
            ``serviceUrl`` …), JSON, optional.
        status: ``active`` | ``ended``. seed: the session seed.
        snapshot: the engine's :class:`~bot.core.practice.PracticeSession` as JSON.
        debrief: the :class:`~bot.core.debrief.Debrief` as JSON once ended.
        lease_token / lease_until: the cross-process turn lease (who holds the
            session while a turn is being answered, and until when).
        created_at / updated_at / ended_at: UTC.
    """

    __tablename__ = "practice_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(256))
    persona_id: Mapped[str] = mapped_column(String(64))
    platform: Mapped[str] = mapped_column(String(16))
    channel_id: Mapped[str | None] = mapped_column(String(255))
    thread_id: Mapped[str | None] = mapped_column(String(255))
    service_url: Mapped[str | None] = mapped_column(String(2048))
    conversation_ref: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    status: Mapped[str] = mapped_column(String(16), default="active")
    seed: Mapped[int] = mapped_column(Integer, default=0)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    debrief: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    lease_token: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("workspace_id", "channel_id", "thread_id"),
        CheckConstraint("status IN ('active', 'ended')", name="status"),
        CheckConstraint("platform IN ('slack', 'teams', 'cli')", name="platform"),
        Index("ix_practice_sessions_owner", "workspace_id", "user_id", "created_at"),
    )


class TurnRow(Base):
    """One recorded turn of a session (also inside the snapshot; this row is queryable).

    Columns:
        id: integer key. workspace_id: tenant. session_id: the session (deleted with it).
        turn_index: 1-based turn number (the core's ``Turn.index``), unique per session.
        staff / caregiver: the two texts. review: the Review as JSON (DESIGN.md's contract
            plus the extra fields of the core model). note: the fallback note, if any.
        mode: how the caregiver answered. prompt_tokens / completion_tokens: model tokens.
        created_at: UTC. message_key: the claim key of the staff message this turn
        answered (revision 0005; unique per session, so a message is never answered twice).
    """

    __tablename__ = "turns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[str] = mapped_column(String(64))
    session_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("practice_sessions.id", ondelete="CASCADE")
    )
    turn_index: Mapped[int] = mapped_column(Integer)
    staff: Mapped[str] = mapped_column(Text)
    caregiver: Mapped[str] = mapped_column(Text)
    review: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    note: Mapped[str | None] = mapped_column(Text)
    mode: Mapped[str | None] = mapped_column(String(16))
    prompt_tokens: Mapped[int] = mapped_column(Integer, default=0)
    completion_tokens: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    message_key: Mapped[str | None] = mapped_column(String(255))

    __table_args__ = (
        UniqueConstraint("session_id", "turn_index"),
        Index("uq_turns_session_message_key", "session_id", "message_key", unique=True),
    )


class ProcessedEventRow(Base):
    """A platform event taken for processing (Slack retries and redeliveries), durably.

    A plain once-only flag is inserted done. Work that must not be lost (a
    staff message, a debrief) is inserted with a short lease and the
    ``payload`` needed to redo it, renewed while it is handled and marked done
    afterwards; a claim whose lease lapsed is taken over (revision 0005).

    Columns:
        id: integer key. workspace_id: tenant. event_key: the platform's
        stable id (unique per workspace). created_at: UTC (old rows can be pruned).
        payload: JSON to redo the work (None for a plain flag). claimed_by: the
        holder's token. lease_until: UTC end of the holder's lease (None when done
        or a plain flag). done_at: UTC when handled. attempts: how many holders took it.
    """

    __tablename__ = "processed_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[str] = mapped_column(String(64))
    event_key: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))

    __table_args__ = (
        UniqueConstraint("workspace_id", "event_key"),
        Index(
            "ix_processed_events_open",
            "lease_until",
            sqlite_where=text("done_at IS NULL"),
            postgresql_where=text("done_at IS NULL"),
        ),
    )


class UserSettingsRow(Base):
    """Per-user settings within a workspace.

    Columns:
        workspace_id, user_id: the key. live_notes: coach notes after each
        turn (True) or only at the end (False). tz: the user's IANA time zone
        as the platform last reported it (Slack ``users.info`` ``user.tz``),
        or None when unknown (revision 0002). created_at / updated_at: UTC.
    """

    __tablename__ = "user_settings"

    workspace_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(256), primary_key=True)
    live_notes: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    tz: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CoachRequestRow(Base):
    """A "Send to a coach" request for one session (the coach queue reads these later).

    Columns:
        id: integer key. workspace_id: tenant. session_id: the session.
        requested_by: the staff member. status: ``open`` (one request per session:
        sending again after a review reopens it). created_at: UTC (sent, or sent again).
        note: the staff member's note to the coach (scrubbed, at most 500 characters),
        or None (revision 0006). reviewed_at / reviewed_by: when and by which coach
        the session was marked reviewed (None while it waits in the queue).
        At most one ``open`` request per session.
    """

    __tablename__ = "coach_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[str] = mapped_column(String(64))
    session_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("practice_sessions.id", ondelete="CASCADE")
    )
    requested_by: Mapped[str] = mapped_column(String(256))
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by: Mapped[str | None] = mapped_column(String(256))

    __table_args__ = (
        Index("ix_coach_requests_queue", "workspace_id", "status", "created_at"),
        Index(
            "uq_coach_requests_open",
            "workspace_id",
            "session_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )


# --------------------------------------------------------------------- issue 5 (revision 0002)

INTERVIEW_MODES: tuple[str, ...] = ("phone", "in_person")
"""How a real interview was held."""

REMINDER_KINDS: tuple[str, ...] = (
    "exact_words",
    "reflection",
    "team_gathering",
    "second_round",
    "red_flag_note",
    "delivery_failed",
)
"""What a reminder row delivers: the four prompts of
:data:`bot.core.reflection.PROMPT_KINDS`, the gentle red-flag note, and the
notice that another prompt could not be delivered."""

REMINDER_STATUSES: tuple[str, ...] = ("pending", "claimed", "sent", "failed", "cancelled")
"""A reminder's life: ``pending`` until due and claimed; ``claimed`` by one
dispatcher (until ``lease_until``); then ``sent``, ``failed`` (a permanent
platform error, or too many attempts) or ``cancelled`` (the interview was
deleted, the prompt became pointless)."""


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class InterviewRow(Base):
    """A real empathy interview, logged by pseudonym only.

    Columns:
        id: UUID string (primary key), safe in button values.
        workspace_id: tenant. user_id: the interviewer (staff member).
        happened_at: when the interview took place (UTC).
        caregiver_pseudonym: a pseudonym or initials (never a real name; the
            form says so). grade_band: the student's grade band.
        mode: ``phone`` | ``in_person``.
        team_channel: the team channel that should hear about it, or None.
        notes: the interviewer's notes, scrubbed of personal details.
        exact_words: the caregiver's exact words sent later (scrubbed), or None.
        interviewer_tz: the IANA zone the prompts were placed in.
        gathering_key: the weekly team gathering this interview belongs to
            (``team_gathering:<channel>:<ISO week>``), or None.
        created_at / updated_at: UTC. deleted_at: UTC once deleted (the row
            stays so sent prompts keep their history; the texts are cleared).
    """

    __tablename__ = "interviews"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(256))
    platform: Mapped[str] = mapped_column(String(16), default="slack", server_default="slack")
    conversation_id: Mapped[str | None] = mapped_column(String(255))
    thread_id: Mapped[str | None] = mapped_column(String(255))
    service_url: Mapped[str | None] = mapped_column(String(2048))
    happened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    caregiver_pseudonym: Mapped[str] = mapped_column(String(64))
    grade_band: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(16))
    team_channel: Mapped[str | None] = mapped_column(String(255))
    notes: Mapped[str] = mapped_column(Text, default="")
    exact_words: Mapped[str | None] = mapped_column(Text)
    interviewer_tz: Mapped[str] = mapped_column(String(64))
    gathering_key: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        CheckConstraint(f"mode IN ({_in(INTERVIEW_MODES)})", name="mode"),
        Index("ix_interviews_owner", "workspace_id", "user_id", "happened_at"),
        Index("ix_interviews_gathering", "workspace_id", "gathering_key"),
    )


class ReflectionRow(Base):
    """An interviewer's reflection on one interview (at most one; a resubmission replaces it).

    Columns:
        id: integer key. workspace_id: tenant. interview_id: the interview
        (unique; deleted with it). user_id: who reflected.
        surprised / assumption_challenged / not_in_data / do_differently: the
        four answers of the reflection modal, scrubbed.
        nothing_new: the "nothing surprised me" checkbox.
        red_flag: :func:`bot.core.reflection.is_red_flag` of the answers.
        created_at / updated_at: UTC.
    """

    __tablename__ = "reflections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[str] = mapped_column(String(64))
    interview_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("interviews.id", ondelete="CASCADE"), unique=True
    )
    user_id: Mapped[str] = mapped_column(String(256))
    surprised: Mapped[str] = mapped_column(Text, default="")
    assumption_challenged: Mapped[str] = mapped_column(Text, default="")
    not_in_data: Mapped[str] = mapped_column(Text, default="")
    do_differently: Mapped[str] = mapped_column(Text, default="")
    nothing_new: Mapped[bool] = mapped_column(Boolean, default=False)
    red_flag: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReminderRow(Base):
    """One message to deliver at a due time: the durable, exactly-once prompt queue.

    Columns:
        id: UUID string (primary key); also the idempotency key the platform
            adapter uses to avoid a second post after a crash.
        workspace_id: tenant.
        interview_id: the interview it is about; None for a weekly team
            gathering (it aggregates several interviews through
            ``interviews.gathering_key``).
        kind: one of :data:`REMINDER_KINDS`.
        user_id: the DM recipient when ``channel_id`` is None; for channel
            posts, the interviewer told when the post fails.
        channel_id: the channel to post in, or None for a DM to ``user_id``.
        tz: the IANA zone whose working hours ``due_at`` was placed in.
        due_at: when it is due (UTC); a transient failure moves it later.
        status: one of :data:`REMINDER_STATUSES`.
        attempts: how many times a dispatcher claimed it.
        claimed_by / lease_until: the dispatcher holding it and until when (UTC).
        sent_at: UTC once sent. sent_ref: the platform's message id (Slack ``ts``).
        failure_reason: why it failed (a platform error code such as
            ``not_in_channel``) or was cancelled; the last transient error
            while pending.
        dedupe_key: unique per workspace, so a prompt can never be created
            twice: ``interview:<id>:<kind>``,
            ``team_gathering:<channel>:<ISO year>-W<week>``, ``notice:<reminder id>``.
        data: kind-specific extras (JSON), e.g. the failed prompt for a notice.
        created_at / updated_at: UTC.
    """

    __tablename__ = "reminders"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(64))
    interview_id: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("interviews.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str | None] = mapped_column(String(256))
    channel_id: Mapped[str | None] = mapped_column(String(255))
    platform: Mapped[str] = mapped_column(String(16), default="slack", server_default="slack")
    thread_id: Mapped[str | None] = mapped_column(String(255))
    service_url: Mapped[str | None] = mapped_column(String(2048))
    tz: Mapped[str | None] = mapped_column(String(64))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_ref: Mapped[str | None] = mapped_column(String(255))
    failure_reason: Mapped[str | None] = mapped_column(String(255))
    dedupe_key: Mapped[str] = mapped_column(String(255))
    data: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("workspace_id", "dedupe_key"),
        CheckConstraint(f"status IN ({_in(REMINDER_STATUSES)})", name="status"),
        CheckConstraint(f"kind IN ({_in(REMINDER_KINDS)})", name="kind"),
        Index("ix_reminders_due", "status", "due_at"),
        Index("ix_reminders_interview", "workspace_id", "interview_id"),
    )


class TeamDecisionRow(Base):
    """What a team decided to try after a weekly gathering (append-only history).

    Columns:
        id: integer key. workspace_id: tenant. team_channel: the team.
        week_key: ``<ISO year>-W<week>`` of the gathering.
        decision: the text, scrubbed. decided_by: who recorded it. created_at: UTC.
    """

    __tablename__ = "team_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[str] = mapped_column(String(64))
    team_channel: Mapped[str] = mapped_column(String(255))
    week_key: Mapped[str] = mapped_column(String(16))
    decision: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_team_decisions_week", "workspace_id", "team_channel", "week_key"),)


class WorkspaceSettingsRow(Base):
    """Per-workspace settings of the after-interview prompts.

    Columns:
        workspace_id: the key.
        reflection: :class:`bot.core.reflection.ReflectionSettings` as JSON,
            or None for the defaults.
        team_tz: the IANA zone of the teams' meetings, or None (each
            interviewer's zone is used).
        coach_user_id: the coach who gets red-flag notes as a DM, or None
            (before coaches exist: the team channel gets them).
        auto_flag: automatic flagging of practice sessions for coaches (off by
            default: practitioners fear surveillance). flag_findings_per_10: flag
            when intervention findings per 10 turns exceed this.
            flag_turns_without_insight: flag after this many turns without the
            hidden insight. coaches_seeded: ``EC_COACH_USER_IDS`` was applied
            once (revision 0006).
        created_at / updated_at: UTC.
    """

    __tablename__ = "workspace_settings"

    workspace_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    reflection: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    team_tz: Mapped[str | None] = mapped_column(String(64))
    coach_user_id: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    auto_flag: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    flag_findings_per_10: Mapped[float] = mapped_column(
        Float, default=3.0, server_default=text("3.0")
    )
    flag_turns_without_insight: Mapped[int] = mapped_column(
        Integer, default=15, server_default=text("15")
    )
    coaches_seeded: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


# --------------------------------------------------------------------- issue 14 (revision 0004)

DISPUTE_STATUSES: tuple[str, ...] = ("open", "note_wrong", "note_stands")
"""A disagreement is ``open`` until a coach decides the note was wrong or stands."""


class NoteDisputeRow(Base):
    """A staff member's "Was this note wrong?" on one coach note (a labelled case to review).

    Columns:
        id: integer key. workspace_id: tenant. session_id: the practice session.
        turn_index: the staff turn (1-based) whose note is disputed.
        user_id: who disagreed (the session's owner).
        utterance: the staff text, copied from the stored turn (not from the client).
        kinds: the finding kinds disputed (JSON list; from the stored review).
        comment: the staff member's optional words (scrubbed, at most 500 characters).
        status: :data:`DISPUTE_STATUSES`. resolved_by / resolved_at: the coach's decision.
        created_at: UTC, of the latest disagreement. One row per turn: a second
            disagreement becomes the row's kinds and comment, and the one before it moves
            to ``history`` (revision 0009), so a coach sees every one.
        history: the earlier disagreements with this note, oldest first (JSON list of
            ``{"kinds", "comment", "at", "verdict"}``; ``verdict`` the coach's decision
            on it, ``open`` when none; no user ids, so erasure has nothing to scrub here);
            None for a row that never had a second one.
    """

    __tablename__ = "note_disputes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[str] = mapped_column(String(64))
    session_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("practice_sessions.id", ondelete="CASCADE")
    )
    turn_index: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[str] = mapped_column(String(256))
    utterance: Mapped[str] = mapped_column(Text)
    kinds: Mapped[list[str]] = mapped_column(JSONDoc)
    comment: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    resolved_by: Mapped[str | None] = mapped_column(String(256))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    history: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDoc)

    __table_args__ = (
        UniqueConstraint("workspace_id", "session_id", "turn_index"),
        Index("ix_note_disputes_queue", "workspace_id", "status", "created_at"),
        CheckConstraint(
            "status IN ('open', 'note_wrong', 'note_stands')", name="note_dispute_status"
        ),
    )
