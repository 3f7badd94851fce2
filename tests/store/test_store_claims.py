"""Claims with a lease (issue 10, durable turns) on SQLite and PostgreSQL: claim, duplicate,
take-over after a lapsed lease, renewal fenced by the holder's token, done, recovery's lookup."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from bot.store import Store, sync_url

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)
WORK = {"kind": "message", "text": "How are mornings?"}


def _run(url: str, body):  # type: ignore[no-untyped-def]
    async def main():  # type: ignore[no-untyped-def]
        store = Store.from_url(url)
        try:
            return await body(store)
        finally:
            await store.dispose()

    return asyncio.run(main())


def test_claim_duplicate_takeover_and_done(migrated_url: str) -> None:
    async def body(store: Store):  # type: ignore[no-untyped-def]
        keys = ["msg:c1", "event:E1"]
        seen = []
        claim = store.claim_work
        seen.append(await claim("T1", keys, token="a", payload=WORK, lease=LEASE, now=T0))
        # a retry while the holder works: a duplicate (by either key)
        seen.append(await claim("T1", keys, token="b", payload=WORK, lease=LEASE, now=T0))
        seen.append(await claim("T1", ["event:E1"], token="b", payload=WORK, lease=LEASE, now=T0))
        # the holder renews at 15 s: still live at 40 s
        assert await store.renew_work("T1", keys, token="a", lease=LEASE, now=T0 + LEASE / 2)
        late = T0 + timedelta(seconds=40)
        seen.append(await claim("T1", keys, token="b", payload=WORK, lease=LEASE, now=late))
        # the holder died: after its lease lapsed a redelivery takes it over (attempt 2)
        later = T0 + timedelta(seconds=46)
        seen.append(await claim("T1", keys, token="b", payload=WORK, lease=LEASE, now=later))
        # the dead holder's renewal is refused (fenced by the token)
        stale = await store.renew_work("T1", keys, token="a", lease=LEASE, now=later)
        await store.finish_work("T1", keys, now=later)
        # done is final, even long after
        seen.append(
            await claim("T1", keys, token="c", payload=WORK, lease=LEASE, now=later + LEASE * 9)
        )
        # the same key in another workspace is other work
        seen.append(await claim("T2", keys, token="d", payload=WORK, lease=LEASE, now=T0))
        return seen, stale

    seen, stale = _run(migrated_url, body)
    assert seen == [1, None, None, None, 2, None, 1]
    assert stale is False


def test_a_claim_is_all_or_nothing(migrated_url: str) -> None:
    async def body(store: Store):  # type: ignore[no-untyped-def]
        first = await store.claim_work(
            "T1", ["msg:a", "event:E9"], token="a", payload=WORK, lease=LEASE, now=T0
        )
        # another message id but the same envelope id: refused, and msg:b is not left behind
        second = await store.claim_work(
            "T1", ["msg:b", "event:E9"], token="b", payload=WORK, lease=LEASE, now=T0
        )
        third = await store.claim_work(
            "T1", ["msg:b"], token="b", payload=WORK, lease=LEASE, now=T0
        )
        return first, second, third

    assert _run(migrated_url, body) == (1, None, 1)


def test_plain_flags_are_done_and_never_taken_over(migrated_url: str) -> None:
    async def body(store: Store):  # type: ignore[no-untyped-def]
        assert await store.claim_event("T1", "action:trig", now=T0)
        got = await store.claim_work(
            "T1", ["action:trig"], token="a", payload=WORK, lease=LEASE, now=T0 + LEASE * 10
        )
        lapsed = await store.take_over_lapsed(token="r", lease=LEASE, now=T0 + LEASE * 10)
        return got, lapsed

    assert _run(migrated_url, body) == (None, [])


def test_recovery_takes_over_lapsed_claims_with_a_payload_once(migrated_url: str) -> None:
    async def body(store: Store):  # type: ignore[no-untyped-def]
        await store.claim_work("T1", ["msg:old"], token="a", payload=WORK, lease=LEASE, now=T0)
        await store.claim_work(
            "T1", ["msg:live"], token="a", payload=WORK, lease=LEASE, now=T0 + LEASE
        )
        await store.claim_work("T1", ["msg:none"], token="a", payload=None, lease=LEASE, now=T0)
        await store.claim_work("T1", ["msg:done"], token="a", payload=WORK, lease=LEASE, now=T0)
        await store.finish_work("T1", ["msg:done"], now=T0)
        at = T0 + LEASE + timedelta(seconds=1)
        # two recoverers race (one more engine on the same database): one gets it
        other = Store.from_url(migrated_url)
        try:
            a, b = await asyncio.gather(
                store.take_over_lapsed(token="r1", lease=LEASE, now=at),
                other.take_over_lapsed(token="r2", lease=LEASE, now=at),
            )
        finally:
            await other.dispose()
        again = await store.take_over_lapsed(token="r3", lease=LEASE, now=at)
        return a + b, again

    taken, again = _run(migrated_url, body)
    assert [(c.event_key, c.attempts, c.payload) for c in taken] == [("msg:old", 2, WORK)]
    assert again == []


def test_release_lets_the_claim_lapse_now(migrated_url: str) -> None:
    async def body(store: Store):  # type: ignore[no-untyped-def]
        await store.claim_work("T1", ["msg:x"], token="a", payload=WORK, lease=LEASE, now=T0)
        await store.release_work("T1", ["msg:x"], token="someone-else", now=T0)
        none = await store.take_over_lapsed(token="r", lease=LEASE, now=T0 + timedelta(seconds=1))
        await store.release_work("T1", ["msg:x"], token="a", now=T0)
        got = await store.take_over_lapsed(token="r", lease=LEASE, now=T0 + timedelta(seconds=1))
        return none, [c.event_key for c in got]

    assert _run(migrated_url, body) == ([], ["msg:x"])


def test_0005_marks_old_claims_done(migrated_url: str) -> None:
    """Rows claimed before the upgrade were once-only flags: they must not be redone.
    (Also downgrades 0005 cleanly.)"""
    from alembic import command

    from bot.store.migrate import alembic_config

    db_url = migrated_url
    command.downgrade(alembic_config(db_url), "0004")
    engine = create_engine(sync_url(db_url), poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO processed_events (workspace_id, event_key, created_at) "
                    "VALUES ('T1', 'event:old', :at)"
                ),
                {"at": T0},
            )
        command.upgrade(alembic_config(db_url), "head")
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT done_at, attempts, lease_until FROM processed_events")
            ).one()
    finally:
        engine.dispose()
    assert row[0] is not None and row[1] == 1 and row[2] is None
