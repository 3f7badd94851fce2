"""Table models of the coach work (issue 11, revision ``0006``).

* ``coaches`` - who coaches in a workspace (added by an admin or another coach,
  the first ones from ``EC_COACH_USER_IDS``);
* ``session_flags`` - why a practice session was flagged for coaches (automatic
  flagging is a workspace setting, off by default); one flag per reason code;
* ``coach_reads`` - one row for every time a coach opened (or paged) a
  transcript, so the staff member can see who read it and when;
* ``coach_feedback`` - a coach's comments on a session or one turn: a draft
  until sent, then one reply from the staff member.

The columns added to ``coach_requests`` and ``workspace_settings`` by the same
revision are in :mod:`bot.store.models`. Every row belongs to one workspace and
goes when its practice session is deleted (``ON DELETE CASCADE``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base, JSONDoc, UTCDateTime

__all__ = [
    "FLAG_CODES",
    "MAX_FEEDBACK_CHARS",
    "MAX_NOTE_CHARS",
    "CoachFeedbackRow",
    "CoachReadRow",
    "CoachRow",
    "SessionFlagRow",
]

FLAG_CODES: tuple[str, ...] = ("findings_per_10", "no_insight")
"""Why a session can be flagged: too many intervention findings per 10 turns, or
many turns without the hidden insight."""

MAX_NOTE_CHARS = 500
"""Longest staff note sent with a session to the coaches."""

MAX_FEEDBACK_CHARS = 2000
"""Longest feedback comment (and longest reply to it)."""


class CoachRow(Base):
    """One coach of a workspace.

    Columns:
        workspace_id, user_id: the key (a person coaches once per workspace).
        added_by: who added them (a user id, or ``EC_COACH_USER_IDS``).
        added_at: UTC.
    """

    __tablename__ = "coaches"

    workspace_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(256), primary_key=True)
    added_by: Mapped[str] = mapped_column(String(256))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SessionFlagRow(Base):
    """One reason a practice session was flagged for the workspace's coaches.

    Columns:
        id: integer key. workspace_id: tenant. session_id: the session (deleted with it).
        code: one of :data:`FLAG_CODES` (unique per session).
        figures: the numbers behind it (JSON: turns, findings, rate, threshold …).
        created_at: UTC. reviewed_at / reviewed_by: a coach marked the session reviewed.
    """

    __tablename__ = "session_flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[str] = mapped_column(String(64))
    session_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("practice_sessions.id", ondelete="CASCADE")
    )
    code: Mapped[str] = mapped_column(String(32))
    figures: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by: Mapped[str | None] = mapped_column(String(256))

    __table_args__ = (
        UniqueConstraint("session_id", "code"),
        Index("ix_session_flags_queue", "workspace_id", "created_at"),
    )


class CoachReadRow(Base):
    """One read of a transcript by a coach (every open and every page).

    Columns:
        id: integer key. workspace_id: tenant. session_id: the session (deleted with it).
        coach_user_id: who read it. read_at: UTC.
    """

    __tablename__ = "coach_reads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[str] = mapped_column(String(64))
    session_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("practice_sessions.id", ondelete="CASCADE")
    )
    coach_user_id: Mapped[str] = mapped_column(String(256))
    read_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_coach_reads_session", "workspace_id", "session_id", "read_at"),)


class CoachFeedbackRow(Base):
    """A coach's comment on a session (``turn_index`` None) or on one turn.

    Columns:
        id: integer key. workspace_id: tenant. session_id: the session (deleted with it).
        coach_user_id: the author. turn_index: the 1-based turn, or None for the
        whole session. text: the comment (scrubbed, at most 2000 characters).
        created_at: UTC. sent_at: UTC once sent (None: a draft only the coach sees).
        reply / replied_at: the staff member's one reply (scrubbed), or None.
    """

    __tablename__ = "coach_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[str] = mapped_column(String(64))
    session_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("practice_sessions.id", ondelete="CASCADE")
    )
    coach_user_id: Mapped[str] = mapped_column(String(256))
    turn_index: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_coach_feedback_session", "workspace_id", "session_id", "created_at"),
    )
