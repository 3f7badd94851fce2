"""Stored conversation references (issue 12): a person's 1:1 chat, a team channel.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

Adds ``chat_refs`` (:class:`bot.store.chat_refs.ChatRefRow`): where the app may post
later, e.g. a coach's Teams chat (told when a session is sent to coaches) and a
team channel the app was added to (the weekly team gathering is posted there).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``chat_refs``."""
    op.create_table(
        "chat_refs",
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=256), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("service_url", sa.String(length=2048), nullable=True),
        sa.Column("team_id", sa.String(length=255), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('personal', 'channel')", name=op.f("ck_chat_refs_kind")),
        sa.PrimaryKeyConstraint(
            "workspace_id", "platform", "kind", "key", name=op.f("pk_chat_refs")
        ),
    )


def downgrade() -> None:
    """Drop ``chat_refs``."""
    op.drop_table("chat_refs")
