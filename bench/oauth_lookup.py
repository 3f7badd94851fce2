"""Benchmark: what the many-workspace token lookup costs per request.

Run: ``.venv/bin/python bench/oauth_lookup.py [--teams 500] [--lookups 2000] [--url URL]``

Migrates a fresh database (a SQLite file by default; ``--url`` for PostgreSQL), saves
``--teams`` installations through :class:`bot.slack.installations.EncryptedInstallationStore`
(tokens Fernet-encrypted), then times, one at a time, ``--lookups`` of each of the two
lookups every request or background call makes: ``find_bot`` as Bolt's ``authorize``
does it (:class:`~bot.slack.installations.StoreAuthorize`: one indexed query plus one
decryption) and ``find_bot_of_team`` (the recovery and reminder paths). Prints the median
and p99 in milliseconds, and the decryption alone for comparison. No target: it is
there to show the lookup is small next to a turn (tens of milliseconds of CPU).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store.models.installation import Installation

sys.path.insert(0, str(Path(__file__).parents[1]))

from bot.slack.installations import EncryptedInstallationStore, TokenCipher
from bot.store import aupgrade_to_head, create_engine


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"median {statistics.median(ordered) * 1000:.3f} ms, p99 {p99 * 1000:.3f} ms"


async def main(teams: int, lookups: int, url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        target = url or f"sqlite:///{Path(tmp) / 'oauth.db'}"
        await aupgrade_to_head(target)
        engine = create_engine(target)
        cipher = TokenCipher([Fernet.generate_key().decode()])
        store = EncryptedInstallationStore("1111.2222", engine, cipher)
        try:
            for n in range(teams):
                await store.async_save(
                    Installation(
                        app_id="A0APP",
                        enterprise_id=None,
                        team_id=f"T{n:06d}",
                        user_id="UADMIN",
                        bot_token=f"xoxb-{n:06d}-{'x' * 40}",
                        bot_id=f"B{n}",
                        bot_user_id=f"UB{n}",
                        bot_scopes=["chat:write"],
                    )
                )
            rng = random.Random(7)
            picks = [f"T{rng.randrange(teams):06d}" for _ in range(lookups)]
            authorize: list[float] = []
            by_team: list[float] = []
            for team in picks:
                t0 = time.perf_counter()
                bot = await store.async_find_bot(enterprise_id=None, team_id=team)
                authorize.append(time.perf_counter() - t0)
                assert bot is not None and bot.bot_token
                t0 = time.perf_counter()
                await store.find_bot_of_team(team)
                by_team.append(time.perf_counter() - t0)
            sealed = cipher.encrypt("xoxb-000000-" + "x" * 40)
            decrypt: list[float] = []
            for _ in range(lookups):
                t0 = time.perf_counter()
                cipher.decrypt(sealed)
                decrypt.append(time.perf_counter() - t0)
        finally:
            await engine.dispose()
    print(f"database: {target.split(':', 1)[0]}, {teams} workspaces, {lookups} lookups each")
    print(f"authorize (find_bot + decrypt): {_ms(authorize)}")
    print(f"background lookup (find_bot_of_team): {_ms(by_team)}")
    print(f"decryption alone: {_ms(decrypt)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=500)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--url", default=None, help="database URL (default: a temp SQLite file)")
    args = parser.parse_args()
    asyncio.run(main(args.teams, args.lookups, args.url))
