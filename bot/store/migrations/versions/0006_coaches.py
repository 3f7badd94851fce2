"""Coaches (issue 11): coaches, session flags, transcript reads, feedback, flag settings.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

Adds the tables ``coaches``, ``session_flags``, ``coach_reads`` and
``coach_feedback``; the columns ``note``, ``reviewed_at`` and ``reviewed_by``
of ``coach_requests``; and the automatic-flagging settings of
``workspace_settings`` (``auto_flag`` off by default, ``flag_findings_per_10``
3.0, ``flag_turns_without_insight`` 15) with ``coaches_seeded``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _session_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["session_id"],
        ["practice_sessions.id"],
        name=op.f(f"fk_{table}_session_id_practice_sessions"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    """Create the coach tables and add the new columns."""
    op.create_table(
        "coaches",
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=256), nullable=False),
        sa.Column("added_by", sa.String(length=256), nullable=False),
        sa.Column("added_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", "user_id", name=op.f("pk_coaches")),
    )
    op.create_table(
        "session_flags",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("figures", _json(), nullable=False),
        sa.Column("created_at", _ts(), nullable=False),
        sa.Column("reviewed_at", _ts(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=256), nullable=True),
        _session_fk("session_flags"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_flags")),
        sa.UniqueConstraint("session_id", "code", name=op.f("uq_session_flags_session_id_code")),
    )
    op.create_index("ix_session_flags_queue", "session_flags", ["workspace_id", "created_at"])
    op.create_table(
        "coach_reads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("coach_user_id", sa.String(length=256), nullable=False),
        sa.Column("read_at", _ts(), nullable=False),
        _session_fk("coach_reads"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coach_reads")),
    )
    op.create_index(
        "ix_coach_reads_session", "coach_reads", ["workspace_id", "session_id", "read_at"]
    )
    op.create_table(
        "coach_feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("coach_user_id", sa.String(length=256), nullable=False),
        sa.Column("turn_index", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", _ts(), nullable=False),
        sa.Column("sent_at", _ts(), nullable=True),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("replied_at", _ts(), nullable=True),
        _session_fk("coach_feedback"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coach_feedback")),
    )
    op.create_index(
        "ix_coach_feedback_session",
        "coach_feedback",
        ["workspace_id", "session_id", "created_at"],
    )
    with op.batch_alter_table("coach_requests") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("reviewed_at", _ts(), nullable=True))
        batch.add_column(sa.Column("reviewed_by", sa.String(length=256), nullable=True))
    with op.batch_alter_table("workspace_settings") as batch:
        batch.add_column(
            sa.Column("auto_flag", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(
            sa.Column(
                "flag_findings_per_10",
                sa.Float(),
                server_default=sa.text("3.0"),
                nullable=False,
            )
        )
        batch.add_column(
            sa.Column(
                "flag_turns_without_insight",
                sa.Integer(),
                server_default=sa.text("15"),
                nullable=False,
            )
        )
        batch.add_column(
            sa.Column("coaches_seeded", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    """Drop the coach tables and the added columns."""
    with op.batch_alter_table("workspace_settings") as batch:
        batch.drop_column("coaches_seeded")
        batch.drop_column("flag_turns_without_insight")
        batch.drop_column("flag_findings_per_10")
        batch.drop_column("auto_flag")
    with op.batch_alter_table("coach_requests") as batch:
        batch.drop_column("reviewed_by")
        batch.drop_column("reviewed_at")
        batch.drop_column("note")
    op.drop_index("ix_coach_feedback_session", table_name="coach_feedback")
    op.drop_table("coach_feedback")
    op.drop_index("ix_coach_reads_session", table_name="coach_reads")
    op.drop_table("coach_reads")
    op.drop_index("ix_session_flags_queue", table_name="session_flags")
    op.drop_table("session_flags")
    op.drop_table("coaches")
