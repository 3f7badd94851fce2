"""SQLAlchemy 2 table models of the store.

Every table has ``workspace_id`` (the tenant); repositories filter on it in
every query. Times are stored in UTC and always come back timezone-aware
(:class:`UTCDateTime`). JSON columns are ``JSONB`` on PostgreSQL and JSON text
on SQLite.

The schema itself is created by the Alembic migrations in
``bot/store/migrations`` (never by ``metadata.create_all`` in production); a
test checks that these models and the migrations agree.

Room for issue 5 (interviews, reflection reminders): new tables go in a new
migration revision; rows there follow the same rules (``workspace_id``,
``UTCDateTime``, a ``status`` column checked by a constraint).
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
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = [
    "Base",
    "CoachRequestRow",
    "PracticeSessionRow",
    "ProcessedEventRow",
    "TurnRow",
    "UTCDateTime",
    "UserSettingsRow",
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
        channel_id / thread_ts: the conversation reference (Slack channel and
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
    user_id: Mapped[str] = mapped_column(String(64))
    persona_id: Mapped[str] = mapped_column(String(64))
    platform: Mapped[str] = mapped_column(String(16))
    channel_id: Mapped[str | None] = mapped_column(String(255))
    thread_ts: Mapped[str | None] = mapped_column(String(255))
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
        UniqueConstraint("workspace_id", "channel_id", "thread_ts"),
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
        created_at: UTC.
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

    __table_args__ = (UniqueConstraint("session_id", "turn_index"),)


class ProcessedEventRow(Base):
    """A platform event already taken for processing (Slack retries and redeliveries).

    Columns:
        id: integer key. workspace_id: tenant. event_key: the platform's
        stable id (unique per workspace). created_at: UTC (old rows can be pruned).
    """

    __tablename__ = "processed_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[str] = mapped_column(String(64))
    event_key: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    __table_args__ = (UniqueConstraint("workspace_id", "event_key"),)


class UserSettingsRow(Base):
    """Per-user settings within a workspace.

    Columns:
        workspace_id, user_id: the key. live_notes: coach notes after each
        turn (True) or only at the end (False). created_at / updated_at: UTC.
    """

    __tablename__ = "user_settings"

    workspace_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    live_notes: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CoachRequestRow(Base):
    """A "Send to a coach" request for one session (the coach queue reads these later).

    Columns:
        id: integer key. workspace_id: tenant. session_id: the session.
        requested_by: the staff member. status: ``open`` (the queue adds more).
        created_at: UTC. At most one ``open`` request per session.
    """

    __tablename__ = "coach_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[str] = mapped_column(String(64))
    session_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("practice_sessions.id", ondelete="CASCADE")
    )
    requested_by: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

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
