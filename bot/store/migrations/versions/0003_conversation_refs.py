"""Platform-neutral conversation references (issue 8): platform, thread id, Teams' service URL.

Revision ID: 0003
Revises: 0002
Create Date: 2027-01-15

* ``practice_sessions.thread_ts`` is renamed ``thread_id`` (a Slack thread or
  a Teams reply chain) and gets ``service_url`` (Teams' proactive messages);
* ``interviews`` get ``platform`` and a conversation reference
  (``conversation_id``, ``thread_id``, ``service_url``);
* ``reminders`` get ``platform``, ``thread_id`` and ``service_url``
  (``channel_id`` stays their conversation id);
* user-id columns are widened to 256 characters (Teams' ``29:…`` ids).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_UQ = "uq_practice_sessions_workspace_id_channel_id_thread_ts"
_NEW_UQ = "uq_practice_sessions_workspace_id_channel_id_thread_id"

USER_COLUMNS: dict[str, tuple[str, ...]] = {
    "practice_sessions": ("user_id",),
    "user_settings": ("user_id",),
    "coach_requests": ("requested_by",),
    "interviews": ("user_id",),
    "reflections": ("user_id",),
    "reminders": ("user_id",),
    "team_decisions": ("decided_by",),
    "workspace_settings": ("coach_user_id",),
}
"""The columns that hold a user id, by table."""


def _platform() -> sa.Column[str]:
    return sa.Column("platform", sa.String(16), nullable=False, server_default="slack")


def _widen(table: str, batch: object, length: int, *, before: int) -> None:
    for column in USER_COLUMNS[table]:
        batch.alter_column(  # type: ignore[attr-defined]
            column, type_=sa.String(length), existing_type=sa.String(before)
        )


def upgrade() -> None:
    with op.batch_alter_table("practice_sessions") as batch:
        batch.drop_constraint(_OLD_UQ, type_="unique")
        batch.alter_column("thread_ts", new_column_name="thread_id", existing_type=sa.String(255))
    with op.batch_alter_table("practice_sessions") as batch:
        batch.create_unique_constraint(_NEW_UQ, ["workspace_id", "channel_id", "thread_id"])
        batch.add_column(sa.Column("service_url", sa.String(2048)))
        _widen("practice_sessions", batch, 256, before=64)
    with op.batch_alter_table("interviews") as batch:
        batch.add_column(_platform())
        batch.add_column(sa.Column("conversation_id", sa.String(255)))
        batch.add_column(sa.Column("thread_id", sa.String(255)))
        batch.add_column(sa.Column("service_url", sa.String(2048)))
        _widen("interviews", batch, 256, before=64)
    with op.batch_alter_table("reminders") as batch:
        batch.add_column(_platform())
        batch.add_column(sa.Column("thread_id", sa.String(255)))
        batch.add_column(sa.Column("service_url", sa.String(2048)))
        _widen("reminders", batch, 256, before=64)
    for table in (
        "user_settings",
        "coach_requests",
        "reflections",
        "team_decisions",
        "workspace_settings",
    ):
        with op.batch_alter_table(table) as batch:
            _widen(table, batch, 256, before=64)


def downgrade() -> None:
    for table in (
        "user_settings",
        "coach_requests",
        "reflections",
        "team_decisions",
        "workspace_settings",
    ):
        with op.batch_alter_table(table) as batch:
            _widen(table, batch, 64, before=256)
    with op.batch_alter_table("reminders") as batch:
        _widen("reminders", batch, 64, before=256)
        batch.drop_column("service_url")
        batch.drop_column("thread_id")
        batch.drop_column("platform")
    with op.batch_alter_table("interviews") as batch:
        _widen("interviews", batch, 64, before=256)
        batch.drop_column("service_url")
        batch.drop_column("thread_id")
        batch.drop_column("conversation_id")
        batch.drop_column("platform")
    with op.batch_alter_table("practice_sessions") as batch:
        _widen("practice_sessions", batch, 64, before=256)
        batch.drop_column("service_url")
        batch.drop_constraint(_NEW_UQ, type_="unique")
        batch.alter_column("thread_id", new_column_name="thread_ts", existing_type=sa.String(255))
    with op.batch_alter_table("practice_sessions") as batch:
        batch.create_unique_constraint(_OLD_UQ, ["workspace_id", "channel_id", "thread_ts"])
