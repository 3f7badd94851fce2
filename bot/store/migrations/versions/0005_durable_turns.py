"""Durable turns (issue 10): claims with a lease and a payload; a turn knows its message.

``processed_events`` gains ``payload``, ``claimed_by``, ``lease_until``, ``done_at`` and
``attempts`` (existing rows were plain once-only flags: they become done), and a partial
index over the claims not done. ``turns`` gains ``message_key``, unique per session, so a
staff message is never answered twice.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    """Add the claim columns, mark old claims done, add ``turns.message_key``."""
    op.add_column("processed_events", sa.Column("payload", _json(), nullable=True))
    op.add_column("processed_events", sa.Column("claimed_by", sa.String(64), nullable=True))
    op.add_column("processed_events", sa.Column("lease_until", _ts(), nullable=True))
    op.add_column("processed_events", sa.Column("done_at", _ts(), nullable=True))
    op.add_column(
        "processed_events",
        sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )
    op.execute("UPDATE processed_events SET done_at = created_at, attempts = 1")
    op.create_index(
        "ix_processed_events_open",
        "processed_events",
        ["lease_until"],
        sqlite_where=sa.text("done_at IS NULL"),
        postgresql_where=sa.text("done_at IS NULL"),
    )
    op.add_column("turns", sa.Column("message_key", sa.String(255), nullable=True))
    op.create_index(
        "uq_turns_session_message_key", "turns", ["session_id", "message_key"], unique=True
    )


def downgrade() -> None:
    """Drop what :func:`upgrade` added (pending claims become plain flags)."""
    op.drop_index("uq_turns_session_message_key", table_name="turns")
    with op.batch_alter_table("turns") as batch:
        batch.drop_column("message_key")
    op.drop_index("ix_processed_events_open", table_name="processed_events")
    with op.batch_alter_table("processed_events") as batch:
        for name in ("attempts", "done_at", "lease_until", "claimed_by", "payload"):
            batch.drop_column(name)
