"""The cross-process hold on a practice session while one turn (or the end) is worked on.

A short lease on the session row (``EC_TURN_LEASE``, 30 s by default) taken
with one atomic ``UPDATE … WHERE the lease is free or lapsed`` and renewed
every third of its length while the holder works. A holder that dies frees
the session within one lease; a failed release is logged and the hold lapses
just as quickly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.presenters import practice as say
from bot.services.session_results import SessionBusy
from bot.store import Store, UnitOfWork

__all__ = ["SessionHold", "hold_session"]

Loader = Callable[[UnitOfWork, bool], Awaitable[Any]]
"""Reads what the holder needs in the acquiring transaction: ``(uow, acquired) -> value``.
It runs after the lease ``UPDATE`` (so on PostgreSQL it reads the latest committed row)
on every attempt; raising refuses the hold (the transaction, lease included, is rolled back)."""


@dataclass
class SessionHold:
    """A held session lease.

    Attributes:
        token: the lease token.
        loaded: what ``load`` returned in the transaction that took the lease (or None).
        released: set True by the holder once a committed transaction of its own freed
            the lease (the turn's save does: issue 13); the hold then skips its release.
    """

    token: str
    loaded: Any = None
    released: bool = False


log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def hold_session(
    store: Store,
    workspace_id: str,
    session_id: str,
    *,
    owner_tag: str,
    clock: Callable[[], datetime],
    ttl: timedelta,
    wait: float,
    load: Loader | None = None,
) -> AsyncIterator[SessionHold]:
    """Hold the session's turn lease for the block, renewing it; yields a :class:`SessionHold`.

    Taking the lease and reading the session are one transaction (``load``), not two:
    one of the statements a turn saves (issue 13).

    Args:
        store: the database.
        workspace_id: the tenant.
        session_id: the session.
        owner_tag: this process's tag (the token starts with it).
        clock: the current UTC time.
        ttl: the lease's length (renewed every ``ttl / 3``).
        wait: most seconds to wait for another holder.
        load: optional :data:`Loader` run in the acquiring transaction; what it
            raises (e.g. the session is not the caller's) propagates at once.

    Raises:
        SessionBusy: another holder kept the session longer than ``wait``.
    """
    token = f"{owner_tag}-{uuid.uuid4().hex[:8]}"
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    delay = 0.05
    while True:
        async with store.unit_of_work() as uow:
            got = await uow.sessions.acquire_lease(
                workspace_id, session_id, token, now=clock(), ttl=ttl
            )
            loaded = await load(uow, got) if load is not None else None
        if got:
            break
        if loop.time() >= deadline:
            raise SessionBusy(say.SESSION_BUSY)
        await asyncio.sleep(delay)
        delay = min(delay * 2, 1.0)
    hold = SessionHold(token, loaded)
    renewal = asyncio.create_task(
        _renew(store, workspace_id, session_id, hold, clock=clock, ttl=ttl),
        name="session_lease_renewal",
    )
    try:
        yield hold
    finally:
        renewal.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewal
        if not hold.released:  # a saved turn freed it in its own transaction
            try:
                async with store.unit_of_work() as uow:
                    await uow.sessions.release_lease(workspace_id, session_id, token)
            except Exception as exc:
                log.warning(
                    "could not release the hold on session %s (%s); it lapses within %g s",
                    session_id,
                    type(exc).__name__,
                    ttl.total_seconds(),
                )


async def _renew(
    store: Store,
    workspace_id: str,
    session_id: str,
    hold: SessionHold,
    *,
    clock: Callable[[], datetime],
    ttl: timedelta,
) -> None:
    """Renew ``hold``'s lease every ``ttl / 3`` until cancelled, lost or released."""
    token = hold.token
    every = max(ttl.total_seconds() / 3, 0.05)
    while True:
        await asyncio.sleep(every)
        try:
            async with store.unit_of_work() as uow:
                kept = await uow.sessions.renew_lease(
                    workspace_id, session_id, token, now=clock(), ttl=ttl
                )
        except Exception as exc:
            log.warning("could not renew the hold on session %s (%s)", session_id, exc)
            continue
        if not kept:
            if hold.released:  # the holder's save freed it meanwhile
                return
            log.warning("the hold on session %s was lost to another process", session_id)
            return
