"""Persistence: SQLAlchemy 2 (async) models, repositories and Alembic migrations.

SQLite file by default (``EC_DATABASE_URL``, see :mod:`bot.config`),
PostgreSQL by URL (psycopg 3). Nothing here knows about Slack or Teams.

Public API::

    store = Store.from_url(settings.database_url)   # plain sqlite:/// or postgresql:// is fine
    upgrade_to_head(settings.database_url)          # or: await aupgrade_to_head(url)
    async with store.unit_of_work() as uow:         # one transaction
        row = await uow.sessions.get(workspace_id, session_id)
    first = await store.claim_event(workspace_id, event_id)   # exactly-once dedupe
    await store.dispose()
"""

from __future__ import annotations

from bot.store.chat_refs import CHAT_REF_KINDS, ChatRefRow
from bot.store.coach_models import (
    FLAG_CODES,
    MAX_FEEDBACK_CHARS,
    MAX_NOTE_CHARS,
    CoachFeedbackRow,
    CoachReadRow,
    CoachRow,
    SessionFlagRow,
)
from bot.store.coach_queue import QueueRow
from bot.store.coaching import FlagSettingsRow
from bot.store.db import (
    Store,
    UnitOfWork,
    UnsupportedDatabase,
    async_url,
    create_engine,
    migration_failure,
    safe_url,
    sync_url,
)
from bot.store.errors import SessionConflict, StoreError, StoreUnavailable, ThreadInUse
from bot.store.migrate import (
    aupgrade_to_head,
    current_revision,
    head_revision,
    upgrade_to_head,
)
from bot.store.models import (
    INTERVIEW_MODES,
    REMINDER_KINDS,
    REMINDER_STATUSES,
    Base,
    CoachRequestRow,
    InterviewRow,
    NoteDisputeRow,
    PracticeSessionRow,
    ProcessedEventRow,
    ReflectionRow,
    ReminderRow,
    TeamDecisionRow,
    TurnRow,
    UserSettingsRow,
    WorkspaceSettingsRow,
)

__all__ = [
    "CHAT_REF_KINDS",
    "FLAG_CODES",
    "INTERVIEW_MODES",
    "MAX_FEEDBACK_CHARS",
    "MAX_NOTE_CHARS",
    "REMINDER_KINDS",
    "REMINDER_STATUSES",
    "Base",
    "ChatRefRow",
    "CoachFeedbackRow",
    "CoachReadRow",
    "CoachRequestRow",
    "CoachRow",
    "FlagSettingsRow",
    "InterviewRow",
    "NoteDisputeRow",
    "PracticeSessionRow",
    "ProcessedEventRow",
    "QueueRow",
    "ReflectionRow",
    "ReminderRow",
    "SessionConflict",
    "SessionFlagRow",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "TeamDecisionRow",
    "ThreadInUse",
    "TurnRow",
    "UnitOfWork",
    "UnsupportedDatabase",
    "UserSettingsRow",
    "WorkspaceSettingsRow",
    "async_url",
    "aupgrade_to_head",
    "create_engine",
    "current_revision",
    "head_revision",
    "migration_failure",
    "safe_url",
    "sync_url",
    "upgrade_to_head",
]
