"""A reminder dispatcher in its own process (the exactly-once and SIGKILL tests).

Usage::

    python dispatch_worker.py URL POSTS_FILE --worker NAME --now ISO_TIME
        [--batch N] [--lease-seconds S] [--hang-after K] [--delay SECONDS]
        [--start-at EPOCH] [--skipped FILE] [--no-idempotency]

Runs batches until nothing is due at the fixed fake time ``--now`` (so lease
expiry is simulated by giving a later ``--now``, never by sleeping), posting
through :class:`dispatch_kit.FileDeliverer`. Prints the number of reminders
handled.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import datetime, timedelta
from pathlib import Path


async def main(args: argparse.Namespace) -> None:
    from dispatch_kit import FileDeliverer

    from bot.services.dispatcher import Dispatcher
    from bot.store import Store

    now = datetime.fromisoformat(args.now)
    store = Store.from_url(args.url, pool_size=2, max_overflow=1)
    deliverer = FileDeliverer(
        Path(args.posts),
        args.worker,
        hang_after=args.hang_after,
        delay=args.delay,
        check_idempotency=not args.no_idempotency,
        skipped_path=Path(args.skipped) if args.skipped else None,
    )
    dispatcher = Dispatcher(
        store,
        deliverer,
        clock=lambda: now,
        worker_id=args.worker,
        batch=args.batch,
        lease=timedelta(seconds=args.lease_seconds),
    )
    try:
        await asyncio.sleep(max(0.0, args.start_at - time.time()))
        print(await dispatcher.drain(), flush=True)
    finally:
        await store.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("posts")
    parser.add_argument("--worker", required=True)
    parser.add_argument("--now", required=True)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--lease-seconds", type=int, default=300)
    parser.add_argument("--hang-after", type=int, default=None)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--start-at", type=float, default=0.0)
    parser.add_argument("--skipped", default=None)
    parser.add_argument("--no-idempotency", action="store_true")
    asyncio.run(main(parser.parse_args()))
