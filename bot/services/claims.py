"""Durable work claims: a staff message or a debrief is claimed with what is needed to redo it.

Platform-neutral. A platform adapter claims each incoming message with
:meth:`WorkClaims.claim` (the payload is stored in the same transaction as the
claim), holds the claim with :meth:`WorkClaims.held` while it is answered (the
lease is renewed in the background every third of its length) and finishes it.
When the process dies, the lease lapses within seconds and the recovery
(:mod:`bot.services.recovery`) takes the claim over and redoes the work.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel

from bot.services.ports import ConversationRef
from bot.store import Store

__all__ = [
    "DEFAULT_CLAIM_LEASE",
    "MAX_ATTEMPTS",
    "Claim",
    "PendingWork",
    "WorkClaims",
    "replied",
    "when_replied",
]

_ON_REPLIED: ContextVar[Callable[[], Awaitable[None]] | None] = ContextVar(
    "on_replied", default=None
)


@contextlib.contextmanager
def when_replied(hook: Callable[[], Awaitable[None]]) -> Iterator[None]:
    """Inside the block, :func:`replied` awaits ``hook`` (the durable chat finishes its claim).

    The reply is what the user waits for; finishing the claim right after it, not after the
    notes that follow, narrows the window in which a crash makes the recovery post the
    reply a second time (measured by ``bench/district_day.py``: 9 doubled replies).
    """
    token = _ON_REPLIED.set(hook)
    try:
        yield
    finally:
        _ON_REPLIED.reset(token)


async def replied() -> None:
    """Say the caregiver's reply has been posted (a no-op outside :func:`when_replied`)."""
    hook = _ON_REPLIED.get()
    if hook is not None:
        _ON_REPLIED.set(None)  # once per block
        await hook()


log = logging.getLogger(__name__)

DEFAULT_CLAIM_LEASE = timedelta(seconds=30)
"""How long a claim holds without renewal (``EC_CLAIM_LEASE``)."""

MAX_ATTEMPTS = 3
"""Holders a claim may have before the user is told plainly and it is given up."""


class PendingWork(BaseModel):
    """What is needed to redo a claimed piece of work (stored as the claim's payload).

    Attributes:
        kind: ``message`` (a staff message in the 1:1 conversation) or ``debrief``.
        ref: where it came from / goes (thread, author).
        keys: every claim key of the work (the first is the primary one).
        text: the message as plain text.
        has_files: the message carried files.
        message_id: the message's own id.
        session_id: the session (a debrief).
    """

    kind: Literal["message", "debrief"]
    ref: ConversationRef
    keys: list[str]
    text: str = ""
    has_files: bool = False
    message_id: str | None = None
    session_id: str | None = None


@dataclass(frozen=True)
class Claim:
    """A claim this process holds.

    Attributes:
        work: what to do.
        token: the holder's token (fences renewals).
        attempts: 1 for the first try; more when a dead holder's claim was taken over.
    """

    work: PendingWork
    token: str
    attempts: int

    @property
    def workspace_id(self) -> str:
        """The tenant."""
        return self.work.ref.workspace_id

    @property
    def key(self) -> str:
        """The primary key (a turn is stored with it)."""
        return self.work.keys[0]

    @property
    def redo(self) -> bool:
        """True when an earlier holder died before finishing."""
        return self.attempts > 1


class WorkClaims:
    """Claims with a lease over the store (one object per process).

    Args:
        store: the database.
        lease: how long a claim holds without renewal.
        clock: the current UTC time.
    """

    def __init__(
        self,
        store: Store,
        *,
        lease: timedelta = DEFAULT_CLAIM_LEASE,
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self.lease = lease
        self._clock = clock
        self._tag = f"{os.getpid()}-{secrets.token_hex(4)}"

    def _token(self) -> str:
        return f"{self._tag}-{secrets.token_hex(4)}"

    async def claim(self, work: PendingWork) -> Claim | None:
        """Claim new work (or take over the same work from a dead holder).

        Args:
            work: the work, its keys and payload.

        Returns:
            The :class:`Claim`, or None when the work is done or a live holder has it.

        Raises:
            bot.store.StoreUnavailable: the database cannot be written.
        """
        token = self._token()
        attempts = await self._store.claim_work(
            work.ref.workspace_id,
            work.keys,
            token=token,
            payload=work.model_dump(mode="json"),
            lease=self.lease,
            now=self._clock(),
        )
        if attempts is None:
            return None
        return Claim(work, token, attempts)

    async def take_over_lapsed(self, limit: int = 20) -> list[Claim]:
        """Take over the claims whose holder died (lease lapsed, not done).

        Returns:
            The claims now held here (a payload that no longer parses is finished and skipped).
        """
        token = self._token()
        found = await self._store.take_over_lapsed(
            token=token, lease=self.lease, now=self._clock(), limit=limit
        )
        claims: list[Claim] = []
        for got in found:
            try:
                work = PendingWork.model_validate(got.payload)
            except ValueError:
                log.error("claim %s has an unreadable payload; given up", got.event_key)
                await self._store.finish_work(got.workspace_id, [got.event_key], now=self._clock())
                continue
            claims.append(Claim(work, token, got.attempts))
        return claims

    async def finish(self, claim: Claim) -> None:
        """Mark the claim done (every key)."""
        await self._store.finish_work(claim.workspace_id, claim.work.keys, now=self._clock())

    async def release(self, claim: Claim) -> None:
        """Let the claim lapse now, not done, so recovery tries it again."""
        await self._store.release_work(
            claim.workspace_id, claim.work.keys, token=claim.token, now=self._clock()
        )

    @contextlib.asynccontextmanager
    async def held(self, claim: Claim) -> AsyncIterator[None]:
        """Renew the claim's lease every third of its length for the block.

        A failed renewal is logged and tried again next time (the work goes on;
        at worst another process redoes it, and a saved turn is never answered twice).
        """
        task = asyncio.create_task(self._renew_until_cancelled(claim), name="claim_renewal")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _renew_until_cancelled(self, claim: Claim) -> None:
        every = max(self.lease.total_seconds() / 3, 0.05)
        while True:
            await asyncio.sleep(every)
            try:
                kept = await self._store.renew_work(
                    claim.workspace_id,
                    claim.work.keys,
                    token=claim.token,
                    lease=self.lease,
                    now=self._clock(),
                )
            except Exception as exc:
                log.warning("could not renew claim %s: %s", claim.key.split(":", 1)[0], exc)
                continue
            if not kept:
                log.warning("claim %s was taken over or finished", claim.key.split(":", 1)[0])
                return
