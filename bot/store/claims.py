"""Claims with a lease: work that must be done once and never lost (issue 10).

A claim is a row of ``processed_events`` (one per key and workspace). Its life::

    claim()      INSERT key, payload, claimed_by=me, lease_until=now+lease, attempts=1
                 (a key already there: taken over only when not done and its lease lapsed)
    renew()      UPDATE lease_until=now+lease WHERE claimed_by=me AND not done
    finish()     UPDATE done_at=now, lease_until=NULL
    lapsed()     SELECT the claims not done whose lease lapsed (their holder died)
    take_over()  UPDATE claimed_by=me, lease_until=now+lease, attempts=attempts+1
                 WHERE not done AND lease_until < now     (atomic: one winner)

The insert is ``INSERT … ON CONFLICT DO NOTHING`` and the take-over a guarded
``UPDATE``, so on PostgreSQL (row locks) and SQLite (``BEGIN IMMEDIATE``, one
writer) exactly one of any number of racing claimants wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import null, select, update

from bot.store.models import ProcessedEventRow
from bot.store.repositories import MAX_EVENT_KEY, _insert, _Repository

__all__ = ["ClaimRepository", "Duplicate", "LapsedClaim"]


class Duplicate(Exception):
    """A key of the claim is done, or held by a live lease (rolls the claim back)."""


@dataclass(frozen=True)
class LapsedClaim:
    """A claim taken over from a holder whose lease lapsed.

    Attributes:
        workspace_id: the tenant.
        event_key: the key.
        attempts: how many holders took it, this one included.
        payload: what is needed to redo the work.
    """

    workspace_id: str
    event_key: str
    attempts: int
    payload: dict[str, Any]


def _check(key: str) -> None:
    if not key or len(key) > MAX_EVENT_KEY:
        raise ValueError(f"event key must be 1-{MAX_EVENT_KEY} characters")


class ClaimRepository(_Repository):
    """Leased claims over ``processed_events`` (see the module docstring)."""

    async def claim(
        self,
        workspace_id: str,
        keys: list[str],
        *,
        token: str,
        payload: dict[str, Any] | None,
        now: datetime,
        lease: timedelta,
    ) -> int:
        """Claim every key, or none (the caller's transaction is rolled back on a duplicate).

        Args:
            workspace_id: the tenant.
            keys: the work's keys; the first carries ``payload``.
            token: the holder's token (≤ 64 characters).
            payload: JSON to redo the work, or None.
            now: the current time (UTC).
            lease: how long the claim is held without renewal.

        Returns:
            The attempts of the first key (1 for a new claim, more for a take-over).

        Raises:
            Duplicate: a key is done or held by a live lease.
            ValueError: an empty or over-long key, or no key.
        """
        if not keys:
            raise ValueError("a claim needs at least one key")
        for key in keys:
            _check(key)
        # one multi-row INSERT for every key (a turn's two keys cost one statement, not two)
        inserted = await self._s.execute(
            _insert(self._dialect, ProcessedEventRow)
            .values(
                [
                    {
                        "workspace_id": workspace_id,
                        "event_key": key,
                        "created_at": now,
                        # SQL NULL, not JSON null: recovery looks for claims with a payload
                        "payload": payload if i == 0 and payload is not None else null(),
                        "claimed_by": token,
                        "lease_until": now + lease,
                        "attempts": 1,
                    }
                    for i, key in enumerate(keys)
                ]
            )
            .on_conflict_do_nothing(index_elements=["workspace_id", "event_key"])
            .returning(ProcessedEventRow.event_key, ProcessedEventRow.attempts)
        )
        got_by_key: dict[str, int] = {key: int(n) for key, n in inserted.all()}
        attempts = 0
        for i, key in enumerate(keys):
            got = got_by_key.get(key)
            if got is None:
                got = await self._take(workspace_id, key, token=token, now=now, lease=lease)
            if got is None:
                raise Duplicate(key)
            if i == 0:
                attempts = got
        return attempts

    async def _take(
        self, workspace_id: str, key: str, *, token: str, now: datetime, lease: timedelta
    ) -> int | None:
        result = await self._s.execute(
            update(ProcessedEventRow)
            .where(
                ProcessedEventRow.workspace_id == workspace_id,
                ProcessedEventRow.event_key == key,
                ProcessedEventRow.done_at.is_(None),
                ProcessedEventRow.lease_until.is_not(None),
                ProcessedEventRow.lease_until < now,
            )
            .values(
                claimed_by=token,
                lease_until=now + lease,
                attempts=ProcessedEventRow.attempts + 1,
            )
            .returning(ProcessedEventRow.attempts)
            .execution_options(synchronize_session=False)
        )
        return result.scalar_one_or_none()

    async def renew(
        self,
        workspace_id: str,
        keys: list[str],
        *,
        token: str,
        now: datetime,
        lease: timedelta,
    ) -> bool:
        """Extend the lease of the keys ``token`` still holds.

        Returns:
            True when the first key was renewed (False: lost to a take-over, or done).
        """
        result = await self._s.execute(
            update(ProcessedEventRow)
            .where(
                ProcessedEventRow.workspace_id == workspace_id,
                ProcessedEventRow.event_key.in_(keys),
                ProcessedEventRow.claimed_by == token,
                ProcessedEventRow.done_at.is_(None),
            )
            .values(lease_until=now + lease)
            .returning(ProcessedEventRow.event_key)
            .execution_options(synchronize_session=False)
        )
        return keys[0] in set(result.scalars())

    async def finish(self, workspace_id: str, keys: list[str], *, now: datetime) -> None:
        """Mark the keys done (whoever holds them; done is final)."""
        await self._s.execute(
            update(ProcessedEventRow)
            .where(
                ProcessedEventRow.workspace_id == workspace_id,
                ProcessedEventRow.event_key.in_(keys),
                ProcessedEventRow.done_at.is_(None),
            )
            .values(done_at=now, lease_until=None)
            .execution_options(synchronize_session=False)
        )

    async def release(
        self, workspace_id: str, keys: list[str], *, token: str, now: datetime
    ) -> None:
        """Let the lease of the keys ``token`` holds lapse now (so recovery redoes the work)."""
        await self._s.execute(
            update(ProcessedEventRow)
            .where(
                ProcessedEventRow.workspace_id == workspace_id,
                ProcessedEventRow.event_key.in_(keys),
                ProcessedEventRow.claimed_by == token,
                ProcessedEventRow.done_at.is_(None),
            )
            .values(lease_until=now)
            .execution_options(synchronize_session=False)
        )

    async def lapsed(self, *, now: datetime, limit: int = 20) -> list[tuple[str, str]]:
        """Claims not done, with a payload, whose lease lapsed (all workspaces), oldest first.

        Returns:
            ``(workspace_id, event_key)`` pairs (take each over with :meth:`take_over`).
        """
        result = await self._s.execute(
            select(ProcessedEventRow.workspace_id, ProcessedEventRow.event_key)
            .where(
                ProcessedEventRow.done_at.is_(None),
                ProcessedEventRow.lease_until.is_not(None),
                ProcessedEventRow.lease_until < now,
                ProcessedEventRow.payload.is_not(None),
            )
            .order_by(ProcessedEventRow.created_at, ProcessedEventRow.id)
            .limit(limit)
        )
        return [(str(w), str(k)) for w, k in result.all()]

    async def take_over(
        self, workspace_id: str, key: str, *, token: str, now: datetime, lease: timedelta
    ) -> LapsedClaim | None:
        """Take over one lapsed claim (None when someone else did first, or it is done)."""
        attempts = await self._take(workspace_id, key, token=token, now=now, lease=lease)
        if attempts is None:
            return None
        payload = (
            await self._s.execute(
                select(ProcessedEventRow.payload).where(
                    ProcessedEventRow.workspace_id == workspace_id,
                    ProcessedEventRow.event_key == key,
                )
            )
        ).scalar_one()
        return LapsedClaim(workspace_id, key, attempts, dict(payload or {}))
