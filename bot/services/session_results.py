"""Results and errors of the practice-session use cases (plain, frozen, platform-neutral)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.core.debrief import Debrief

__all__ = [
    "CoachRequestInfo",
    "NotYourSession",
    "NoteDisputeInfo",
    "NothingToDispute",
    "Platform",
    "SessionBusy",
    "SessionEnded",
    "SessionError",
    "SessionInfo",
    "SessionNotFound",
]

Platform = Literal["slack", "teams", "cli"]
"""Where a session runs."""


# ---------------------------------------------------------------------- errors


class SessionError(Exception):
    """Base class of the errors below (the message is safe to show a user)."""


class SessionNotFound(SessionError):
    """No session with this id in this workspace (also: it is another tenant's)."""


class NotYourSession(SessionError):
    """The session exists in this workspace but belongs to another user."""


class SessionEnded(SessionError):
    """A turn was sent to a session that has already ended."""


class SessionBusy(SessionError):
    """Another process kept this session's turn lease for longer than the wait allowed."""


# ---------------------------------------------------------------------- results


class SessionInfo(BaseModel):
    """A practice session as the adapters see it (no engine internals).

    Attributes:
        id: the session id (a UUID string), safe to put in button values.
        workspace_id: the tenant (Slack team id, Teams tenant id, ``"local"``).
        user_id: the staff member who owns the session.
        persona_id: the caregiver card's id.
        platform: ``slack`` | ``teams`` | ``cli``.
        channel_id: the conversation (Slack channel/DM id, Teams conversation
            id), or None before :meth:`PracticeSessions.attach_thread`.
        thread_id: the thread within it (Slack ``thread_ts``, Teams reply-chain
            id), or None.
        conversation_ref: platform extras needed to reach the conversation
            later (e.g. Teams ``serviceUrl``), or None.
        status: ``active`` | ``ended``.
        seed: the session seed.
        turns: number of recorded turns.
        debrief: the stored debrief once ended, else None.
        created_at / updated_at / ended_at: UTC, timezone-aware
            (``ended_at`` None while active).
    """

    model_config = ConfigDict(frozen=True, from_attributes=True)

    id: str
    workspace_id: str
    user_id: str
    persona_id: str
    platform: Platform
    channel_id: str | None
    thread_id: str | None
    conversation_ref: dict[str, object] | None = None
    status: Literal["active", "ended"]
    seed: int
    turns: int = Field(
        validation_alias="snapshot",
        description="number of recorded turns (counted from the row's snapshot)",
    )
    debrief: Debrief | None = None
    created_at: datetime
    updated_at: datetime
    ended_at: datetime | None = None

    @field_validator("turns", mode="before")
    @classmethod
    def _count_turns(cls, value: Any) -> int:
        if isinstance(value, dict):
            return len(value.get("turns", []))
        return int(value)

    @property
    def active(self) -> bool:
        """True while the session takes turns."""
        return self.status == "active"


class CoachRequestInfo(BaseModel):
    """A staff member's request that a coach look at one session.

    Attributes:
        id: row id.
        workspace_id: the tenant.
        session_id: the session to look at.
        requested_by: the staff member's user id.
        status: ``open`` (the coach queue adds more later).
        created_at: UTC, timezone-aware.
        created: True when this call created the request, False when an open
            request for the session already existed (it is returned instead).
    """

    model_config = ConfigDict(frozen=True, from_attributes=True)

    id: int
    workspace_id: str
    session_id: str
    requested_by: str
    status: str
    created_at: datetime
    created: bool = True


class NothingToDispute(SessionError):
    """The turn has no coach note (no finding) to disagree with, or no such turn."""


class NoteDisputeInfo(BaseModel):
    """A staff member's "Was this note wrong?" on one turn's coach note.

    Attributes:
        id: row id. workspace_id / session_id: where. turn_index: the turn (1-based).
        user_id: who disagreed. utterance: that turn's staff text (from the store).
        kinds: the disputed finding kinds. comment: optional words (scrubbed).
        status: ``open`` | ``note_wrong`` | ``note_stands`` (a coach decides).
        created_at: UTC.
        earlier: how many earlier disagreements with this note are kept with it (0:
            this is the first; see :class:`~bot.store.NoteDisputeRow` ``history``).
    """

    model_config = ConfigDict(frozen=True, from_attributes=True)

    id: int
    workspace_id: str
    session_id: str
    turn_index: int
    user_id: str
    utterance: str
    kinds: list[str]
    comment: str | None = None
    status: Literal["open", "note_wrong", "note_stands"] = "open"
    created_at: datetime
    earlier: int = Field(default=0, validation_alias="history")

    @field_validator("earlier", mode="before")
    @classmethod
    def _count_history(cls, value: object) -> int:
        """The row's ``history`` (a list, or None) as a count."""
        if isinstance(value, int):
            return value
        return len(value) if isinstance(value, list) else 0
