"""``serve teams`` in its own process, settings from the environment (the kill -9 test).

Usage::

    python teams_serve_worker.py OPENID_BASE --token JWT

Runs :func:`bot.teams.server.run_teams` (what ``empathy-coach serve teams`` runs) with
:class:`bot.config.Settings` read from the environment (``EC_DATABASE_URL``,
``OPENAI_BASE_URL``, ``EC_CLAIM_LEASE``, ``EC_RECOVERY_INTERVAL``, ``CLIENT_ID``,
``TENANT_ID``), on a free loopback port, until SIGTERM. Only two things differ from the
command: token checks use the loopback key server at ``OPENID_BASE``, and outgoing calls
carry ``--token`` (Entra ID's login endpoint is outside this machine). Prints
``ready PORT`` once it listens.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal


async def main(args: argparse.Namespace) -> None:
    from microsoft_teams.api.auth.cloud_environment import PUBLIC, CloudEnvironment

    from bot.config import Settings
    from bot.teams.server import run_teams

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    cloud = CloudEnvironment(
        **{
            **PUBLIC.__dict__,
            "openid_metadata_url": f"{args.openid}/v1/.well-known/openidconfiguration",
        }
    )
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await run_teams(
        settings,
        host="127.0.0.1",
        port=0,
        stop=stop,
        on_ready=lambda _host, port: print(f"ready {port}", flush=True),
        cloud=cloud,
        token=lambda *_: args.token,
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("openid")
    parser.add_argument("--token", required=True)
    logging.basicConfig(level=logging.INFO)
    asyncio.run(main(parser.parse_args()))
