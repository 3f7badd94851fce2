""" "Was this note wrong?" keeps every disagreement with a note: ``note_disputes.history``.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

A second disagreement with the same note used to replace the first silently (the
new-user tester's finding 2). The row still holds the latest one (one row per turn, as
the coach's decision and the labelled cases expect); the earlier ones move to this JSON
list, oldest first. Nullable: rows from before have no earlier disagreement.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``note_disputes.history``."""
    with op.batch_alter_table("note_disputes") as batch:
        batch.add_column(
            sa.Column(
                "history", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
            )
        )


def downgrade() -> None:
    """Drop ``note_disputes.history`` (the earlier disagreements with it)."""
    with op.batch_alter_table("note_disputes") as batch:
        batch.drop_column("history")
