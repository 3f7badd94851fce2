""" "Was this note wrong?" (issue 14): one row per disputed coach note, for coaches to review.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create ``note_disputes``."""
    op.create_table(
        "note_disputes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("turn_index", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=256), nullable=False),
        sa.Column("utterance", sa.Text(), nullable=False),
        sa.Column("kinds", _json(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolved_by", sa.String(length=256), nullable=True),
        sa.Column("resolved_at", _ts(), nullable=True),
        sa.Column("created_at", _ts(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'note_wrong', 'note_stands')",
            name=op.f("ck_note_disputes_note_dispute_status"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["practice_sessions.id"],
            name=op.f("fk_note_disputes_session_id_practice_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_disputes")),
        sa.UniqueConstraint(
            "workspace_id",
            "session_id",
            "turn_index",
            name=op.f("uq_note_disputes_workspace_id_session_id_turn_index"),
        ),
    )
    op.create_index(
        "ix_note_disputes_queue", "note_disputes", ["workspace_id", "status", "created_at"]
    )


def downgrade() -> None:
    """Drop ``note_disputes``."""
    op.drop_index("ix_note_disputes_queue", table_name="note_disputes")
    op.drop_table("note_disputes")
