"""Readiness that means it (issue 10, finding 2): the store proves it accepts a write."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.store import Store, StoreUnavailable, upgrade_to_head


def test_a_writable_store_passes_and_keeps_nothing(migrated_url: str) -> None:
    async def main() -> None:
        store = Store.from_url(migrated_url)
        try:
            await store.check_writable()
            await store.check_writable()
        finally:
            await store.dispose()

    asyncio.run(main())
    from bot.store import sync_url

    engine = create_engine(sync_url(migrated_url))
    try:
        with engine.connect() as conn:
            left = conn.execute(
                text("SELECT count(*) FROM processed_events WHERE workspace_id = 'readyz'")
            ).scalar_one()
    finally:
        engine.dispose()
    assert left == 0


def test_a_read_only_sqlite_file_is_reported_plainly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "ro.db"
    upgrade_to_head(f"sqlite:///{db}")
    monkeypatch.chdir(tmp_path / "..")

    async def main() -> None:
        store = Store.from_url(f"sqlite:///file:{db}?mode=ro&uri=true")
        try:
            with pytest.raises(StoreUnavailable, match="read-only"):
                await store.check_writable()
            with pytest.raises(StoreUnavailable):  # and every write says so, not SQL
                async with store.unit_of_work() as uow:
                    await uow.events.claim("T1", "ev-1")
        finally:
            await store.dispose()

    asyncio.run(main())
    assert not Path("file:").exists()  # a URI filename names a file, not a folder "file:"


def test_a_failed_migration_says_read_only_in_one_plain_line() -> None:
    """Found by a newcomer's try-out: a 444 file at head said only "(OperationalError)"."""
    from sqlalchemy.exc import OperationalError

    from bot.store import migration_failure

    exc = OperationalError(
        "UPDATE alembic_version", {}, Exception("attempt to write a readonly database")
    )
    line = migration_failure("sqlite:////srv/ec/ec.db", exc)
    assert line == (
        "the database sqlite:////srv/ec/ec.db could not be migrated "
        "(the database is read-only); check EC_DATABASE_URL"
    )
    other = migration_failure("postgresql://ec:secret@db/ec", KeyError("x"))
    assert "secret" not in other and "(KeyError)" in other
