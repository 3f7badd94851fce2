"""The shapes of the coach buttons' values and the coach modals' ``private_metadata``.

Both come back from the client, so both are parsed strictly here (pydantic) and
never trusted beyond naming *what* was asked for: the coaching service checks on
every action and submission that the person may see or change it. A value or
metadata that does not parse is refused with a plain message, never a 500.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from bot.slack.payloads import SlackId

__all__ = [
    "FeedbackMeta",
    "ReplyMeta",
    "SendMeta",
    "TranscriptMeta",
    "parse_dispute_id",
    "parse_meta",
    "parse_page",
    "parse_queue",
    "parse_target",
]

SessionId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._:-]{1,64}$")]
"""A session id as buttons carry it (a UUID in practice)."""

_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class _Meta(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    user: SlackId


class TranscriptMeta(_Meta):
    """A transcript modal: which session and page it shows (to refresh it)."""

    session: SessionId
    page: int = Field(default=0, ge=0, le=10_000)


class FeedbackMeta(_Meta):
    """The feedback modal: session, turn (None: whole session), the transcript under it."""

    session: SessionId
    turn: int | None = Field(default=None, ge=1, le=100_000)
    page: int = Field(default=0, ge=0, le=10_000)
    parent: Annotated[str, StringConstraints(pattern=r"^V[A-Z0-9]{1,39}$")] | None = None


class ReplyMeta(_Meta):
    """The reply modal: which feedback is answered."""

    feedback: int = Field(ge=1)


class SendMeta(_Meta):
    """The send-to-a-coach modal: which session."""

    session: SessionId


M = TypeVar("M", bound="_Meta")


def parse_meta(model: type[M], raw: str, user_id: str) -> M | None:
    """A modal's metadata, or None when it does not parse or names another user.

    Args:
        model: the metadata model.
        raw: the view's ``private_metadata``.
        user_id: who submitted or clicked.

    Returns:
        The metadata, or None (refuse the request).
    """
    try:
        meta = model.model_validate(json.loads(raw or "{}"))
    except (ValueError, ValidationError):
        return None
    return meta if meta.user == user_id else None


def _session_ok(session_id: str) -> bool:
    return bool(_ID_RE.match(session_id))


def parse_page(value: str) -> tuple[str, int] | None:
    """``<session id>:<page>`` → ``(session id, page)``, or None."""
    session_id, _, page = value.rpartition(":")
    if not (_session_ok(session_id) and page.isdigit() and len(page) <= 5):
        return None
    return session_id, int(page)


def parse_target(value: str) -> tuple[str, int | None] | None:
    """``<session id>:<turn>`` or ``<session id>:all`` → ``(session id, turn or None)``."""
    session_id, _, turn = value.rpartition(":")
    if not _session_ok(session_id):
        return None
    if turn == "all":
        return session_id, None
    if turn.isdigit() and 0 < len(turn) <= 6 and int(turn) > 0:
        return session_id, int(turn)
    return None


def parse_queue(value: str) -> tuple[bool, int] | None:
    """``unreviewed:<offset>`` or ``all:<offset>`` → ``(unreviewed only, offset)``."""
    which, _, offset = value.partition(":")
    kind: dict[str, Literal[True, False]] = {"unreviewed": True, "all": False}
    if which not in kind or not offset.isdigit() or len(offset) > 6:
        return None
    return kind[which], int(offset)


def parse_dispute_id(value: str) -> int | None:
    """A dispute id from a button value, or None."""
    return int(value) if value.isdigit() and 0 < len(value) <= 18 and int(value) > 0 else None
