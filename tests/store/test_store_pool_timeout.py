"""A full connection pool is "store unavailable" (the user is told), never an unhandled error.

Found by ``bench/district_day.py``: SQLAlchemy's pool ``TimeoutError`` escaped the unit of work,
so a claimed message was acknowledged, never stored, and the user heard nothing.
"""

from __future__ import annotations

import asyncio
import os

import pytest
from sqlalchemy import text

from bot.store import Store, StoreUnavailable


def test_a_pool_that_stays_full_raises_store_unavailable() -> None:
    url = os.environ.get("EC_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("EC_TEST_POSTGRES_URL is not set (no PostgreSQL server for this run)")

    async def main() -> str:
        store = Store.from_url(url, pool_size=1, max_overflow=0, pool_timeout=0.3)
        try:
            async with store.unit_of_work() as held:
                await held._session.execute(text("SELECT 1"))  # the pool's only connection
                with pytest.raises(StoreUnavailable) as caught:
                    async with store.unit_of_work() as second:
                        await second._session.execute(text("SELECT 1"))
            async with store.unit_of_work() as again:  # released: it works again
                assert (await again._session.execute(text("SELECT 2"))).scalar() == 2
            return str(caught.value)
        finally:
            await store.dispose()

    assert "busy" in asyncio.run(main())
