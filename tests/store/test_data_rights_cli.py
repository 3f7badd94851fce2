"""``empathy-coach export`` and ``empathy-coach retention run`` through the real entry point
(a subprocess running ``python -m bot``), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from data_rights_kit import LINES, Seeded, dump, seed_user
from dispatch_kit import FakeClock

from bot.store import Store

CMD = [sys.executable, "-m", "bot"]
ENV = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "AZURE_OPENAI", "EC_"))}


def cli(*args: str, url: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*CMD, *args],
        capture_output=True,
        timeout=120,
        env={**ENV, "EC_DATABASE_URL": url, **env},
        check=False,
    )


def seed(url: str, clock: FakeClock, ws: str, user: str, thread: str) -> Seeded:
    async def main() -> Seeded:
        store = Store.from_url(url)
        try:
            return await seed_user(store, clock, ws, user, thread=thread)
        finally:
            await store.dispose()

    return asyncio.run(main())


def test_export_each_format_to_stdout_and_to_a_file(migrated_url: str, tmp_path: Path) -> None:
    clock = FakeClock(datetime.now(UTC) - timedelta(hours=2))
    alice = seed(migrated_url, clock, "T_A", "U_ALICE", "1.0")

    res = cli("export", "--session", alice.session_id, "--format", "csv", url=migrated_url)
    assert res.returncode == 0, res.stderr
    rows = list(csv.reader(io.StringIO(res.stdout.decode("utf-8"))))
    assert rows[0] == ["index", "staff", "caregiver", "finding_kinds", "reframe", "note"]
    assert rows[2][:4] == ["2", "Have you tried an earlier bedtime?", alice.caregiver[1], "advice"]

    out = tmp_path / "alice.json"
    res = cli(
        "export", "--session", alice.session_id, "--format", "json", "--output", str(out),
        url=migrated_url,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert str(out) in res.stdout.decode()
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["version"] == 1 and [t["staff"] for t in doc["turns"]] == list(LINES)

    res = cli("export", "--session", alice.session_id, url=migrated_url)  # md by default
    assert res.returncode == 0, res.stderr
    assert "**You:** Have you tried an earlier bedtime?" in res.stdout.decode("utf-8")


def test_export_of_a_bad_id_is_one_plain_line_and_exit_1(migrated_url: str) -> None:
    for bad in ("no-such-session", "x" * 300):
        res = cli("export", "--session", bad, "--format", "md", url=migrated_url)
        err = res.stderr.decode()
        assert res.returncode == 1, err
        assert err.startswith("error: no practice session has the id")
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
        assert res.stdout == b""
    res = cli("export", "--session", "abc", "--format", "pdf", url=migrated_url)
    assert res.returncode == 2 and "Traceback" not in res.stderr.decode()


def test_retention_run_deletes_old_practice_data_and_says_what(migrated_url: str) -> None:
    old = FakeClock(datetime.now(UTC) - timedelta(days=60))
    seed(migrated_url, old, "T_A", "U_ALICE", "1.0")
    recent = FakeClock(datetime.now(UTC) - timedelta(days=2))
    bob = seed(migrated_url, recent, "T_A", "U_BOB", "2.0")

    res = cli("retention", "run", url=migrated_url)  # not configured: keep everything
    assert res.returncode == 0 and "EC_RETENTION_DAYS is not set" in res.stdout.decode()
    assert len(dump(migrated_url)["practice_sessions"]) == 2

    res = cli("retention", "run", url=migrated_url, EC_RETENTION_DAYS="30")
    text = res.stdout.decode()
    assert res.returncode == 0, res.stderr
    assert text.splitlines()[0] == (
        "Deleted practice data older than 30 days: 1 practice session, 3 turns, "
        "1 coach request, 1 note disagreement, and 1 old message receipt."
    )
    assert "  turns: 3 (3 turns)" in text
    after = dump(migrated_url)
    assert [r["id"] for r in after["practice_sessions"]] == [bob.session_id]
    assert len(after["interviews"]) == 2  # real interviews are not practice data

    res = cli("retention", "run", url=migrated_url, EC_RETENTION_DAYS="30")
    assert res.stdout.decode().strip() == "Nothing was older than 30 days; nothing was deleted."
