"""After real interviews (issue 5): interviews, reflections, reminders, team decisions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

Adds the tables of the after-interview work (DOMAIN.md, "After"):

* ``interviews`` - real interviews, logged by pseudonym, notes scrubbed;
* ``reflections`` - one reflection per interview, answers scrubbed;
* ``reminders`` - the durable prompt queue the dispatcher claims from
  (``dedupe_key`` unique per workspace, so a prompt is never created twice);
* ``team_decisions`` - what a team chose to try after a weekly gathering;
* ``workspace_settings`` - the reflection schedule per workspace;

and the ``user_settings.tz`` column (the user's IANA time zone).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the issue-5 tables and add ``user_settings.tz``."""
    with op.batch_alter_table("user_settings") as batch:
        batch.add_column(sa.Column("tz", sa.String(length=64), nullable=True))

    op.create_table(
        "interviews",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("happened_at", _ts(), nullable=False),
        sa.Column("caregiver_pseudonym", sa.String(length=64), nullable=False),
        sa.Column("grade_band", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("team_channel", sa.String(length=255), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("exact_words", sa.Text(), nullable=True),
        sa.Column("interviewer_tz", sa.String(length=64), nullable=False),
        sa.Column("gathering_key", sa.String(length=255), nullable=True),
        sa.Column("created_at", _ts(), nullable=False),
        sa.Column("updated_at", _ts(), nullable=False),
        sa.Column("deleted_at", _ts(), nullable=True),
        sa.CheckConstraint("mode IN ('phone', 'in_person')", name=op.f("ck_interviews_mode")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interviews")),
    )
    op.create_index("ix_interviews_owner", "interviews", ["workspace_id", "user_id", "happened_at"])
    op.create_index("ix_interviews_gathering", "interviews", ["workspace_id", "gathering_key"])

    op.create_table(
        "reflections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("interview_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("surprised", sa.Text(), nullable=False),
        sa.Column("assumption_challenged", sa.Text(), nullable=False),
        sa.Column("not_in_data", sa.Text(), nullable=False),
        sa.Column("do_differently", sa.Text(), nullable=False),
        sa.Column("nothing_new", sa.Boolean(), nullable=False),
        sa.Column("red_flag", sa.Boolean(), nullable=False),
        sa.Column("created_at", _ts(), nullable=False),
        sa.Column("updated_at", _ts(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_reflections_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reflections")),
        sa.UniqueConstraint("interview_id", name=op.f("uq_reflections_interview_id")),
    )

    op.create_table(
        "reminders",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("interview_id", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=True),
        sa.Column("channel_id", sa.String(length=255), nullable=True),
        sa.Column("tz", sa.String(length=64), nullable=True),
        sa.Column("due_at", _ts(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=128), nullable=True),
        sa.Column("lease_until", _ts(), nullable=True),
        sa.Column("sent_at", _ts(), nullable=True),
        sa.Column("sent_ref", sa.String(length=255), nullable=True),
        sa.Column("failure_reason", sa.String(length=255), nullable=True),
        sa.Column("dedupe_key", sa.String(length=255), nullable=False),
        sa.Column("data", _json(), nullable=True),
        sa.Column("created_at", _ts(), nullable=False),
        sa.Column("updated_at", _ts(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('exact_words', 'reflection', 'team_gathering', 'second_round', "
            "'red_flag_note', 'delivery_failed')",
            name=op.f("ck_reminders_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'claimed', 'sent', 'failed', 'cancelled')",
            name=op.f("ck_reminders_status"),
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_reminders_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint(
            "workspace_id", "dedupe_key", name=op.f("uq_reminders_workspace_id_dedupe_key")
        ),
    )
    op.create_index("ix_reminders_due", "reminders", ["status", "due_at"])
    op.create_index("ix_reminders_interview", "reminders", ["workspace_id", "interview_id"])

    op.create_table(
        "team_decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("team_channel", sa.String(length=255), nullable=False),
        sa.Column("week_key", sa.String(length=16), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_decisions")),
    )
    op.create_index(
        "ix_team_decisions_week", "team_decisions", ["workspace_id", "team_channel", "week_key"]
    )

    op.create_table(
        "workspace_settings",
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("reflection", _json(), nullable=True),
        sa.Column("team_tz", sa.String(length=64), nullable=True),
        sa.Column("coach_user_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", _ts(), nullable=False),
        sa.Column("updated_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_workspace_settings")),
    )


def downgrade() -> None:
    """Drop the issue-5 tables and ``user_settings.tz``."""
    op.drop_table("workspace_settings")
    op.drop_index("ix_team_decisions_week", table_name="team_decisions")
    op.drop_table("team_decisions")
    op.drop_index("ix_reminders_interview", table_name="reminders")
    op.drop_index("ix_reminders_due", table_name="reminders")
    op.drop_table("reminders")
    op.drop_table("reflections")
    op.drop_index("ix_interviews_gathering", table_name="interviews")
    op.drop_index("ix_interviews_owner", table_name="interviews")
    op.drop_table("interviews")
    with op.batch_alter_table("user_settings") as batch:
        batch.drop_column("tz")
