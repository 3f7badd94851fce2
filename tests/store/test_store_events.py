"""Exactly-once event claims (Slack retries and redeliveries), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import Store

WORKER = Path(__file__).with_name("claim_worker.py")


def test_twenty_concurrent_claims_of_one_key_win_once(migrated_url: str) -> None:
    async def main() -> list[bool]:
        store = Store.from_url(migrated_url)
        try:
            return await asyncio.gather(*(store.claim_event("T1", "Ev123") for _ in range(20)))
        finally:
            await store.dispose()

    results = asyncio.run(main())
    assert results.count(True) == 1
    assert len(results) == 20


def test_claims_across_two_engines_win_once(migrated_url: str) -> None:
    async def main() -> list[bool]:
        a, b = Store.from_url(migrated_url), Store.from_url(migrated_url)
        try:
            claims = [s.claim_event("T1", f"evt-{i % 10}") for i in range(40) for s in (a, b)]
            return await asyncio.gather(*claims)
        finally:
            await a.dispose()
            await b.dispose()

    results = asyncio.run(main())
    assert results.count(True) == 10


@pytest.mark.integration
def test_claims_across_processes_win_once(migrated_url: str) -> None:
    """Four processes race for the same 50 keys: each key is won by exactly one."""
    n_keys, n_procs = 50, 4
    start_at = time.time() + 2.0
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), migrated_url, "T1", str(n_keys), str(start_at)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(n_procs)
    ]
    won: list[str] = []
    for proc in procs:
        out, errs = proc.communicate(timeout=60)
        assert proc.returncode == 0, errs
        won += out.split()
    assert len(won) == n_keys
    assert set(won) == {f"evt-{i}" for i in range(n_keys)}


def test_same_key_in_two_workspaces_is_two_events(migrated_url: str) -> None:
    async def main() -> tuple[bool, bool, bool]:
        store = Store.from_url(migrated_url)
        try:
            return (
                await store.claim_event("TA", "Ev1"),
                await store.claim_event("TB", "Ev1"),
                await store.claim_event("TA", "Ev1"),
            )
        finally:
            await store.dispose()

    assert asyncio.run(main()) == (True, True, False)


def test_bad_keys_are_refused(migrated_url: str) -> None:
    async def main() -> None:
        store = Store.from_url(migrated_url)
        try:
            with pytest.raises(ValueError):
                await store.claim_event("T1", "")
            with pytest.raises(ValueError):
                await store.claim_event("T1", "x" * 256)
        finally:
            await store.dispose()

    asyncio.run(main())


def test_prune_forgets_old_keys_only(migrated_url: str) -> None:
    async def main() -> tuple[int, bool, bool]:
        store = Store.from_url(migrated_url)
        try:
            old = datetime.now(UTC) - timedelta(days=3)
            await store.claim_event("T1", "old", now=old)
            await store.claim_event("T1", "new")
            deleted = await store.prune_events(timedelta(days=2))
            return (
                deleted,
                await store.claim_event("T1", "old"),
                await store.claim_event("T1", "new"),
            )
        finally:
            await store.dispose()

    assert asyncio.run(main()) == (1, True, False)


def test_prune_deletes_old_handled_keys_in_batches_and_keeps_open_claims(
    migrated_url: str,
) -> None:
    """Issue 13: the processed-events table grew forever. Handled keys older than the
    retention go, in batches; a claim still held or lapsed (not done) stays however old."""

    async def main() -> tuple[int, list[str], bool]:
        store = Store.from_url(migrated_url)
        now = datetime.now(UTC)
        old = now - timedelta(hours=50)
        try:
            for i in range(7):
                await store.claim_event("T1" if i % 2 else "T2", f"old-{i}", now=old)
            await store.claim_event("T1", "recent", now=now - timedelta(hours=47))
            lease = timedelta(seconds=30)
            # a held claim and a lapsed one (its holder died), both claimed long ago
            await store.claim_work("T1", ["msg:held"], token="a", payload={"x": 1}, lease=lease)
            await store.claim_work(
                "T1", ["msg:lapsed"], token="b", payload={"x": 2}, lease=lease, now=old
            )
            deleted = await store.prune_events(timedelta(hours=48), batch=3)
            async with store.unit_of_work() as uow:
                left = sorted(
                    [
                        k
                        for k in ("recent", "msg:held", "msg:lapsed")
                        if await uow.events.seen("T1", k)
                    ]
                    + [
                        f"old-{i}"
                        for i in range(7)
                        if await uow.events.seen("T1" if i % 2 else "T2", f"old-{i}")
                    ]
                )
            # the lapsed claim is still there for the recovery to take over
            taken = await store.take_over_lapsed(token="c", lease=lease)
            return deleted, left, [t.event_key for t in taken] == ["msg:lapsed"]
        finally:
            await store.dispose()

    deleted, left, recovered = asyncio.run(main())
    assert deleted == 7
    assert left == ["msg:held", "msg:lapsed", "recent"]
    assert recovered
