"""A separate process that claims event keys (used by the exactly-once test).

Usage: python claim_worker.py URL WORKSPACE N_KEYS START_AT_EPOCH
Prints the keys this process won, one per line.
"""

from __future__ import annotations

import asyncio
import sys
import time


async def main(url: str, workspace: str, n_keys: int, start_at: float) -> None:
    from bot.store import Store

    store = Store.from_url(url, pool_size=3, max_overflow=2)
    try:
        await asyncio.sleep(max(0.0, start_at - time.time()))
        keys = [f"evt-{i}" for i in range(n_keys)]
        results = await asyncio.gather(*(store.claim_event(workspace, k) for k in keys))
        for key, won in zip(keys, results, strict=True):
            if won:
                print(key)
    finally:
        await store.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])))
