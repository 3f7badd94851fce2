"""What every coach use case checks first: the workspace's coaches (seeded once from
``EC_COACH_USER_IDS``), who owns a session, and whether coaches may see it.

The base of :class:`bot.services.coaching.Coaching`; nothing here is called by an
adapter directly.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from bot.core.models import PracticeSession
from bot.presenters import coaching as words
from bot.presenters.practice import SESSION_NOT_FOUND, SESSION_NOT_YOURS
from bot.privacy import scrub
from bot.services.coaching_results import (
    BadInput,
    FlagInfo,
    NotAllowed,
    NotSentToCoaches,
)
from bot.services.session_results import NotYourSession, SessionNotFound
from bot.store import (
    PracticeSessionRow,
    SessionFlagRow,
    Store,
    UnitOfWork,
)

__all__ = [
    "FINDINGS_PER_10_RANGE",
    "MAX_PAGE",
    "MIN_TURNS_FOR_RATE",
    "TURNS_WITHOUT_INSIGHT_RANGE",
    "CoachingAccess",
    "clean_text",
    "flag_info",
    "snapshot_of",
]

FLAG_SETTINGS_TTL_S = 30.0
"""How long (seconds) one process trusts a read "flagging is off" before reading again:
the per-turn flag check then costs no transaction. Another process's switch-on
reaches this one within this delay; a switch-off is seen at once."""

log = logging.getLogger("bot.services.coaching")


MIN_TURNS_FOR_RATE = 5
"""Intervention findings per 10 turns are judged only from this many turns on."""

FINDINGS_PER_10_RANGE = (0.5, 50.0)
TURNS_WITHOUT_INSIGHT_RANGE = (5, 200)
MAX_PAGE = 50


def _utcnow() -> datetime:
    return datetime.now(UTC)


def clean_text(text: str | None, *, limit: int, what: str) -> str | None:
    """Trim, check the length and scrub personal details; None for empty text.

    Raises:
        BadInput: over ``limit`` characters.
    """
    cleaned = "\n".join(" ".join(line.split()) for line in (text or "").strip().splitlines())
    cleaned = cleaned.strip()
    if not cleaned:
        return None
    if len(cleaned) > limit:
        raise BadInput(words.too_long(what, len(cleaned), limit))
    return scrub(cleaned).text


def flag_info(row: SessionFlagRow) -> FlagInfo:
    figures: dict[str, Any] = dict(row.figures or {})
    return FlagInfo.model_validate(
        {
            "code": row.code,
            "reason": words.flag_reason(row.code, figures),
            "figures": figures,
            "created_at": row.created_at,
            "reviewed_at": row.reviewed_at,
        }
    )


def snapshot_of(row: PracticeSessionRow) -> PracticeSession:
    return PracticeSession.model_validate(row.snapshot)


class CoachingAccess:
    """The coach use cases' store, clock and seeds, and the checks they share.

    Args:
        store: the database.
        clock: the current UTC time (tests inject one).
        seed_coaches: ``EC_COACH_USER_IDS``: a workspace that never had a coach
            gets these once, the first time anything here looks at its coaches.
    """

    def __init__(
        self,
        store: Store,
        *,
        clock: Callable[[], datetime] = _utcnow,
        seed_coaches: Sequence[str] = (),
        flag_settings_ttl: float = FLAG_SETTINGS_TTL_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._clock = clock
        self._flag_ttl = float(flag_settings_ttl)
        self._monotonic = monotonic
        # workspace id -> (monotonic seconds when read, flagging switched on)
        self._flag_on: dict[str, tuple[float, bool]] = {}
        self._seed = tuple(dict.fromkeys(s.strip() for s in seed_coaches if s and s.strip()))
        self._seeded: set[str] = set()

    # -- the flag-settings cache ----------------------------------------------

    def _flagging_known_off(self, workspace_id: str) -> bool:
        """True when this process read, less than the TTL ago, that flagging is off here.

        Lets the per-turn flag evaluation skip its transaction. Only "off" is
        trusted from the cache: when flagging is on the settings are read again
        with the session, so switching it off takes effect at once; switching it
        on in another process takes effect here within :data:`FLAG_SETTINGS_TTL_S`.
        """
        seen = self._flag_on.get(workspace_id)
        if seen is None:
            return False
        read_at, enabled = seen
        return not enabled and self._monotonic() - read_at < self._flag_ttl

    def _remember_flagging(self, workspace_id: str, enabled: bool) -> None:
        """Record the flagging switch just read or written for ``workspace_id``."""
        self._flag_on[workspace_id] = (self._monotonic(), bool(enabled))

    # -- checks -------------------------------------------------------------

    async def _apply_seeds(self, workspace_id: str) -> None:
        """Give a workspace that never had a coach the ``EC_COACH_USER_IDS``, once.

        In its own committed transaction, so a refusal later in the caller's
        transaction cannot roll the seeds back after they were taken as applied.
        """
        if not self._seed or workspace_id in self._seeded:
            return
        async with self._store.unit_of_work() as uow:
            added = await uow.coaches.seed_once(workspace_id, self._seed, now=self._clock())
        if added:
            log.info("workspace %s: %d coach(es) from EC_COACH_USER_IDS", workspace_id, len(added))
        self._seeded.add(workspace_id)

    @contextlib.asynccontextmanager
    async def _uow(self, workspace_id: str) -> AsyncIterator[UnitOfWork]:
        """A unit of work on a workspace whose seeds are applied."""
        await self._apply_seeds(workspace_id)
        async with self._store.unit_of_work() as uow:
            yield uow

    @staticmethod
    async def _is_coach(uow: UnitOfWork, workspace_id: str, user_id: str) -> bool:
        return await uow.coaches.is_coach(workspace_id, user_id)

    async def _require_coach(self, uow: UnitOfWork, workspace_id: str, user_id: str) -> None:
        if not await self._is_coach(uow, workspace_id, user_id):
            log.warning("refused: %s is not a coach of workspace %s", user_id, workspace_id)
            raise NotAllowed(words.NOT_A_COACH, reason="not_a_coach")

    async def _require_manager(
        self, uow: UnitOfWork, workspace_id: str, actor_id: str, actor_is_admin: bool
    ) -> None:
        if actor_is_admin or await self._is_coach(uow, workspace_id, actor_id):
            return
        log.warning("refused: %s may not manage coaches of %s", actor_id, workspace_id)
        raise NotAllowed(words.NOT_ALLOWED_TO_MANAGE, reason="not_allowed_to_manage")

    @staticmethod
    async def _session(uow: UnitOfWork, workspace_id: str, session_id: str) -> PracticeSessionRow:
        row = await uow.sessions.get(workspace_id, session_id) if session_id else None
        if row is None:
            raise SessionNotFound(SESSION_NOT_FOUND)
        return row

    async def _owned(
        self, uow: UnitOfWork, workspace_id: str, user_id: str, session_id: str
    ) -> PracticeSessionRow:
        row = await self._session(uow, workspace_id, session_id)
        if row.user_id != user_id:
            log.warning("refused: session %s is not %s's", session_id, user_id)
            raise NotYourSession(SESSION_NOT_YOURS)
        return row

    async def _for_coach(
        self, uow: UnitOfWork, workspace_id: str, coach_id: str, session_id: str
    ) -> PracticeSessionRow:
        """The session, if ``coach_id`` coaches here and it was sent or flagged."""
        await self._require_coach(uow, workspace_id, coach_id)
        row = await self._session(uow, workspace_id, session_id)
        if not await uow.coach_queue.is_visible(workspace_id, session_id):
            log.warning("refused: coach %s asked for unsent session %s", coach_id, session_id)
            raise NotSentToCoaches(words.NOT_SENT)
        return row
