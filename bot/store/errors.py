"""Errors raised by the store (no SQL details or URLs with passwords in messages)."""

from __future__ import annotations

__all__ = ["SessionConflict", "StoreError", "StoreUnavailable", "ThreadInUse"]


class StoreError(Exception):
    """Base class of store errors."""


class ThreadInUse(StoreError):
    """A conversation thread (workspace, channel, thread) already has a practice session."""


class SessionConflict(StoreError):
    """A turn could not be saved: the lease was lost, the session ended, or another
    turn was recorded first. Nothing was written."""


class StoreUnavailable(StoreError):
    """The database cannot be reached or does not accept writes (read-only, disk full,
    server down). The message says which in plain words, without SQL or passwords."""
