"""Initial schema: practice sessions, turns, processed events, user settings, coach requests.

Revision ID: 0001
Revises:
Create Date: 2026-11-30

Issue 5 (interviews, reflection reminders) adds its tables in a later revision
(``down_revision = "0001"``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create every table of the first release."""
    op.create_table(
        "practice_sessions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("persona_id", sa.String(length=64), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("channel_id", sa.String(length=255), nullable=True),
        sa.Column("thread_ts", sa.String(length=255), nullable=True),
        sa.Column("conversation_ref", _json(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("snapshot", _json(), nullable=False),
        sa.Column("debrief", _json(), nullable=True),
        sa.Column("lease_token", sa.String(length=64), nullable=True),
        sa.Column("lease_until", _ts(), nullable=True),
        sa.Column("created_at", _ts(), nullable=False),
        sa.Column("updated_at", _ts(), nullable=False),
        sa.Column("ended_at", _ts(), nullable=True),
        sa.CheckConstraint(
            "platform IN ('slack', 'teams', 'cli')", name=op.f("ck_practice_sessions_platform")
        ),
        sa.CheckConstraint(
            "status IN ('active', 'ended')", name=op.f("ck_practice_sessions_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_sessions")),
        sa.UniqueConstraint(
            "workspace_id",
            "channel_id",
            "thread_ts",
            name=op.f("uq_practice_sessions_workspace_id_channel_id_thread_ts"),
        ),
    )
    op.create_index(
        "ix_practice_sessions_owner",
        "practice_sessions",
        ["workspace_id", "user_id", "created_at"],
    )

    op.create_table(
        "turns",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("turn_index", sa.Integer(), nullable=False),
        sa.Column("staff", sa.Text(), nullable=False),
        sa.Column("caregiver", sa.Text(), nullable=False),
        sa.Column("review", _json(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("mode", sa.String(length=16), nullable=True),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("created_at", _ts(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["practice_sessions.id"],
            name=op.f("fk_turns_session_id_practice_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_turns")),
        sa.UniqueConstraint(
            "session_id", "turn_index", name=op.f("uq_turns_session_id_turn_index")
        ),
    )

    op.create_table(
        "processed_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("event_key", sa.String(length=255), nullable=False),
        sa.Column("created_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processed_events")),
        sa.UniqueConstraint(
            "workspace_id", "event_key", name=op.f("uq_processed_events_workspace_id_event_key")
        ),
    )
    op.create_index(op.f("ix_processed_events_created_at"), "processed_events", ["created_at"])

    op.create_table(
        "user_settings",
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("live_notes", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", _ts(), nullable=False),
        sa.Column("updated_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", "user_id", name=op.f("pk_user_settings")),
    )

    op.create_table(
        "coach_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", _ts(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["practice_sessions.id"],
            name=op.f("fk_coach_requests_session_id_practice_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coach_requests")),
    )
    op.create_index(
        "ix_coach_requests_queue", "coach_requests", ["workspace_id", "status", "created_at"]
    )
    op.create_index(
        "uq_coach_requests_open",
        "coach_requests",
        ["workspace_id", "session_id"],
        unique=True,
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )


def downgrade() -> None:
    """Drop every table of the first release."""
    op.drop_index("uq_coach_requests_open", table_name="coach_requests")
    op.drop_index("ix_coach_requests_queue", table_name="coach_requests")
    op.drop_table("coach_requests")
    op.drop_table("user_settings")
    op.drop_index(op.f("ix_processed_events_created_at"), table_name="processed_events")
    op.drop_table("processed_events")
    op.drop_table("turns")
    op.drop_index("ix_practice_sessions_owner", table_name="practice_sessions")
    op.drop_table("practice_sessions")
