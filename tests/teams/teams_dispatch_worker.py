"""``serve teams`` in its own process on a fixed fake time (the two-dispatcher test).

Usage::

    python teams_dispatch_worker.py URL OPENID_BASE --token JWT --now ISO --seconds S

Serves Teams (and so its reminder dispatcher) on a free loopback port until SIGTERM
or for ``S`` seconds with the clock stopped at ``--now``; outgoing calls carry ``--token`` (the
SDK reads it as a JWT), so the test can tell which process posted. Prints ``ready``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from datetime import datetime


async def main(args: argparse.Namespace) -> None:
    from microsoft_teams.api.auth.cloud_environment import PUBLIC, CloudEnvironment
    from teams_kit import APP_ID, TENANT

    from bot.config import Settings
    from bot.teams.server import run_teams

    now = datetime.fromisoformat(args.now)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=args.url, CLIENT_ID=APP_ID, TENANT_ID=TENANT
    )
    cloud = CloudEnvironment(
        **{
            **PUBLIC.__dict__,
            "openid_metadata_url": f"{args.openid}/v1/.well-known/openidconfiguration",
        }
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.call_later(args.seconds, stop.set)
    await run_teams(
        settings,
        host="127.0.0.1",
        port=0,
        backend="scripted",
        stop=stop,
        on_ready=lambda *_: print("ready", flush=True),
        cloud=cloud,
        token=lambda *_: args.token,
        clock=lambda: now,
        reminder_poll=0.05,
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("openid")
    parser.add_argument("--token", required=True)
    parser.add_argument("--now", required=True)
    parser.add_argument("--seconds", type=float, default=240.0)
    logging.basicConfig(level=logging.INFO)
    asyncio.run(main(parser.parse_args()))
