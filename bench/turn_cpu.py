"""Benchmark: server CPU time and SQL per practice turn, through the real ``serve slack --http``.

Run: ``.venv/bin/python bench/turn_cpu.py [--turns 300] [--sessions 10] [--runs 3]
[--db sqlite,postgresql] [--config default,rules,scripted] [--startup]
[--baseline DIR]``

Starts ``empathy-coach serve slack --http --port 0`` as a separate process
(migrations, token check, signature verification, the recovery loop and the
reminders dispatcher all run) against a fake Slack Web API
(``tests/slack/fake_slack.py``) and a fake OpenAI-compatible model that
answers at once (``tests/fake_openai.py``), both on 127.0.0.1 in this process.
``--sessions`` users each start a practice session with the gallery button;
then each user sends its next message as soon as the previous reply has been
streamed (a modest rate: one turn in flight per session), until ``--turns``
turns are answered. Staff messages rotate through open questions and a few
with findings, so the reviewer does real work.

The server's CPU time (``utime + stime`` of ``/proc/<pid>/stat``, every thread)
is read after the sessions have started and again after the last reply, so
start-up and session starts are not counted; idle polling by the recovery
loop and the dispatcher during the turns is (it is the server's real cost).
SQL statements and transactions are counted inside the server by SQLAlchemy
event listeners switched on by ``EC_BENCH_SQL_STATS`` (``bot/store/db.py``;
``SIGUSR1`` dumps them), and on PostgreSQL also by the delta of
``pg_stat_database.xact_commit``.

Configurations: ``default`` (a model key: model voice, hybrid review, principle
check), ``rules`` (model voice, ``EC_REVIEW_MODE=rules``,
``EC_CHECK_PRINCIPLES=false``), ``scripted`` (no model key: the offline
scripted caregiver and rules-only review). Each figure is the median of
``--runs`` runs, each on a fresh server and a fresh database.

``--baseline DIR`` (a checkout, e.g. ``git -C /work/main worktree add DIR main``)
also measures that checkout's ``bot`` package (first on the server's
``PYTHONPATH``, same venv), its runs alternating with this code's, and prints
this code's CPU ratio to it: the machine's noise then hits both alike.

``--startup`` also prints the server's start-up time (process start to the
"listening" line), its idle resident memory after start-up and after the first
turn, and the wall time of the offline ``empathy-coach practice`` for one turn.

PostgreSQL: ``EC_BENCH_POSTGRES_URL`` (default
``postgresql://ec:ec@127.0.0.1:5432/ec_test3``); its public schema is dropped
and re-created before each run. Target (issue 13): at most 10 ms of CPU per turn.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "slack")]

from fake_openai import FakeOpenAI  # noqa: E402
from fake_slack import BOT_TOKEN, FakeSlack  # noqa: E402
from slack_kit import SIGNING_SECRET, block_actions, message_im, signed_headers  # noqa: E402

from bot.slack import ids  # noqa: E402

TARGET_MS = 10.0
DEFAULT_PG = "postgresql://ec:ec@127.0.0.1:5432/ec_test3"
PERSONA = "night-shift-mom"
STAFF_LINES = [
    "Tell me about a typical morning at your house.",
    "What is it like when the bus comes early?",
    "Tell me more about that.",
    "Have you tried setting an earlier bedtime?",
    "It sounds like the mornings after your shift are really hard.",
    "Does he like his teacher?",
    "What else is on your mind about school this year?",
    "Why didn't you call the school when he was sick?",
    "What happened next?",
    "What do you hope school is like for him next year?",
]
CLK_TCK = os.sysconf("SC_CLK_TCK")
SERVE_ARGS = ["serve", "slack", "--http", "--port", "0", "--log-level", "WARNING"]


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a live process (all its threads), in seconds (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def _rss_mb(pid: int, key: str = "VmRSS:") -> float:
    """Resident memory (``VmRSS``, or ``VmHWM`` for the peak) of a live process, MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) / 1024
    return float("nan")


def _signed(payload: tuple[str, str]) -> tuple[bytes, dict[str, str]]:
    body, ctype = payload
    return body.encode(), signed_headers(body, ctype)


def _reset_postgres(url: str) -> None:
    import psycopg  # only for PostgreSQL runs

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def _pg_commits(url: str) -> int:
    import psycopg  # only for PostgreSQL runs

    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
        assert row is not None
        return int(row[0])


@dataclass
class RunResult:
    cpu_ms_per_turn: float
    statements_per_turn: float
    transactions_per_turn: float
    pg_commits_per_turn: float | None
    turns: int
    seconds: float
    startup_s: float
    idle_rss_mb: float
    rss_after_mb: float
    peak_rss_mb: float


_PROFILED = """import cProfile, runpy, signal, sys, time
p = cProfile.Profile(time.process_time)
on = []
def toggle(*_):
    (p.disable if on else p.enable)()
    on[:] = [] if on else [1]
signal.signal(signal.SIGUSR2, toggle)
try:
    runpy.run_module("bot", run_name="__main__", alter_sys=True)
finally:
    p.disable()
    p.dump_stats({out!r})
"""


class Server:
    """One ``serve slack --http`` subprocess with SQL counting on."""

    def __init__(
        self, env: dict[str, str], cwd: str, stats_file: Path, profile: str | None = None
    ) -> None:
        self.stats_file = stats_file
        self.profiled = bool(profile)
        started = time.perf_counter()
        # a CPU-time profile (time.process_time), dumped when the server exits
        prefix = ["-c", _PROFILED.format(out=profile)] if profile else ["-m", "bot"]
        self.proc = subprocess.Popen(
            [sys.executable, *prefix, *SERVE_ARGS],
            env=env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        self.startup_s = time.perf_counter() - started
        match = re.search(r"http://127\.0\.0\.1:(\d+)(/\S*)", line)
        if not match:
            self.proc.kill()
            err = self.proc.stderr.read() if self.proc.stderr else ""
            raise SystemExit(f"server did not start: {line}\n{err[-3000:]}")
        self.url = f"http://127.0.0.1:{match.group(1)}{match.group(2)}"

    def sql_stats(self) -> dict[str, int]:
        before = self.stats_file.stat().st_mtime_ns if self.stats_file.exists() else 0
        self.proc.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.stats_file.exists() and self.stats_file.stat().st_mtime_ns != before:
                return json.loads(self.stats_file.read_text())
            time.sleep(0.01)
        raise SystemExit("the server did not dump its SQL counts (EC_BENCH_SQL_STATS)")

    def stop(self) -> str:
        self.proc.send_signal(signal.SIGTERM)
        try:
            _, err = self.proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return err


def _replies(fake: FakeSlack, channel: str, thread: str) -> int:
    return sum(
        1
        for m in fake.messages(channel=channel, thread_ts=thread)
        if m.streamed and m.done and m.text.strip()
    )


async def _wait(pred: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


async def _drive(
    server: Server, fake: FakeSlack, users: list[str], turns: int, pg_url: str | None
) -> tuple[float, dict[str, int], dict[str, int], int | None, int, float]:
    """Start sessions (not measured), then drive ``turns`` turns; return the measurements."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:

        async def post(payload: tuple[str, str]) -> None:
            body, headers = _signed(payload)
            async with http.post(server.url, data=body, headers=headers) as resp:
                await resp.read()
                if resp.status != 200:
                    raise SystemExit(f"HTTP {resp.status} from the server")

        for u in users:
            await post(block_actions(u, ids.ACTION_START, value=PERSONA, in_home=True))
        if not await _wait(
            lambda: len({m.channel for m in fake.messages() if m.thread_ts is None}) >= len(users),
            60,
        ):
            raise SystemExit("the sessions did not start in time")
        threads = {m.channel: m.ts for m in fake.messages() if m.thread_ts is None}
        await asyncio.sleep(1.0)  # let the start-up work settle
        pid = server.proc.pid
        if server.profiled:
            server.proc.send_signal(signal.SIGUSR2)  # the profile covers the turns only
        cpu0, sql0 = _cpu_seconds(pid), server.sql_stats()
        pg0 = _pg_commits(pg_url) if pg_url else None
        started = time.perf_counter()
        budget = [turns]

        async def user_loop(i: int, u: str) -> int:
            channel = f"D{u}"
            thread = threads[channel]
            done = 0
            while budget[0] > 0:
                budget[0] -= 1
                text = STAFF_LINES[(i + done) % len(STAFF_LINES)]
                await post(message_im(u, text, thread_ts=thread))
                done += 1
                if not await _wait(lambda n=done: _replies(fake, channel, thread) >= n, 180):
                    last = fake.messages(channel=channel, thread_ts=thread)[-4:]
                    shown = "\n".join(
                        f"  {m.method} streamed={m.streamed} {m.text[:80]!r}" for m in last
                    )
                    raise SystemExit(f"no reply to turn {done} of {u}; the thread ends:\n{shown}")
            return done

        counts = await asyncio.gather(*(user_loop(i, u) for i, u in enumerate(users)))
        seconds = time.perf_counter() - started
        await asyncio.sleep(0.3)  # the notes after a reply
        cpu1, sql1 = _cpu_seconds(pid), server.sql_stats()
        if server.profiled:
            server.proc.send_signal(signal.SIGUSR2)
        pg1 = _pg_commits(pg_url) if pg_url else None
    pg_delta = None if pg0 is None or pg1 is None else pg1 - pg0 - 2  # our own two reads
    if os.environ.get("BENCH_SQL_DETAIL"):
        n = sum(counts)
        by0, by1 = sql0.get("by_statement", {}), sql1.get("by_statement", {})
        for head, count in sorted(by1.items(), key=lambda kv: -(kv[1] - by0.get(kv[0], 0))):
            if count - by0.get(head, 0):
                print(f"  {(count - by0.get(head, 0)) / n:6.2f}/turn  {head}")
    return cpu1 - cpu0, sql0, sql1, pg_delta, sum(counts), seconds


def one_run(
    config: str,
    db: str,
    turns: int,
    sessions: int,
    pg_url: str,
    profile: str | None = None,
    code: str | None = None,
) -> RunResult:
    """One fresh server and database; drive the turns; return the figures.

    ``code``: a checkout whose ``bot`` package the server runs instead of this
    one (put first on ``PYTHONPATH``; the ``--baseline`` runs), None for this one.
    """
    users = [f"U{i:05d}" for i in range(sessions)]
    with tempfile.TemporaryDirectory() as tmp, FakeSlack() as fake, FakeOpenAI() as model:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "OPENAI_", "AZURE_OPENAI_", "EC_"))
        }
        stats = Path(tmp) / "sql.json"
        if code is not None:
            env["PYTHONPATH"] = os.pathsep.join(
                p for p in (str(Path(code).resolve()), env.get("PYTHONPATH", "")) if p
            )
        env.update(
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=fake.api_url,
            EC_BENCH_SQL_STATS=str(stats),
        )
        if config != "scripted":
            env.update(OPENAI_API_KEY="sk-bench-fake-key", OPENAI_BASE_URL=model.base_url)
        if config in ("rules", "scripted"):
            env.update(EC_REVIEW_MODE="rules", EC_CHECK_PRINCIPLES="false")
        if db == "postgresql":
            _reset_postgres(pg_url)
            env["EC_DATABASE_URL"] = pg_url
        else:
            env["EC_DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.db'}"
        server = Server(env, tmp, stats, profile)
        try:
            time.sleep(1.0)
            idle = _rss_mb(server.proc.pid)
            cpu, sql0, sql1, pg_delta, done, seconds = asyncio.run(
                _drive(server, fake, users, turns, pg_url if db == "postgresql" else None)
            )
            after = _rss_mb(server.proc.pid)
            peak = _rss_mb(server.proc.pid, "VmHWM:")
        finally:
            err = server.stop()
        if server.proc.returncode not in (0, None, -signal.SIGTERM):
            print(f"server exit code {server.proc.returncode}:\n{err[-3000:]}", file=sys.stderr)
    return RunResult(
        cpu_ms_per_turn=cpu * 1000 / done,
        statements_per_turn=(sql1["statements"] - sql0["statements"]) / done,
        transactions_per_turn=(sql1["transactions"] - sql0["transactions"]) / done,
        pg_commits_per_turn=None if pg_delta is None else pg_delta / done,
        turns=done,
        seconds=seconds,
        startup_s=server.startup_s,
        idle_rss_mb=idle,
        rss_after_mb=after,
        peak_rss_mb=peak,
    )


def offline_practice_seconds(runs: int) -> float:
    """Median wall time of ``empathy-coach practice`` (scripted, one turn, JSON), seconds."""
    times = []
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "AZURE_", "EC_"))}
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bot", "practice", "--persona", PERSONA, "--format", "json"],
            input="Tell me about a typical morning at your house.\n/end\n",
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _median(values: list[Any]) -> float:
    return float(statistics.median(values))


def main() -> int:
    """Run the benchmark and print its figures.

    Returns:
        0 when every configuration measured stays within the target, else 1.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--config", default="default,rules,scripted")
    parser.add_argument("--startup", action="store_true", help="also start-up time and memory")
    parser.add_argument("--profile", help="write a cProfile of the (last) server to this file")
    parser.add_argument(
        "--baseline",
        help="a checkout (e.g. of main) measured in the same run, its runs alternating "
        "with this code's; prints its medians and this code's CPU ratio to it",
    )
    args = parser.parse_args()
    pg_url = os.environ.get("EC_BENCH_POSTGRES_URL", DEFAULT_PG)
    ok = True
    print(
        f"{args.turns} turns over {args.sessions} sessions, median of {args.runs} runs; "
        f"fake model answers at once"
    )
    print(
        f"{'db':<11}{'config':<10}{'CPU ms/turn':>12}{'SQL/turn':>10}{'tx/turn':>9}"
        f"{'pg commits':>11}{'turns/s':>9}{'start s':>9}{'idle MiB':>10}{'peak MiB':>10}"
    )
    codes: list[str | None] = [args.baseline, None] if args.baseline else [None]
    for db in args.db.split(","):
        for config in args.config.split(","):
            by_code: dict[str | None, list[RunResult]] = {c: [] for c in codes}
            for _ in range(args.runs):
                for code in codes:  # alternate, so the machine's noise hits both alike
                    try:
                        by_code[code].append(
                            one_run(
                                config, db, args.turns, args.sessions, pg_url, args.profile, code
                            )
                        )
                    except SystemExit as exc:  # a run that lost a turn: say so, go on
                        print(f"{db:<11}{config:<10} a run FAILED: {exc}", flush=True)
                        ok = False
            if args.baseline and by_code[args.baseline]:
                _print_row(db, f"{config}@base", by_code[args.baseline])
            results = by_code[None]
            if not results:
                continue
            cpu = _print_row(db, config, results)
            if args.baseline and by_code[args.baseline]:
                base = _median([r.cpu_ms_per_turn for r in by_code[args.baseline]])
                print(f"{'':<11}{config:<10} CPU ratio to baseline: {cpu / base:.2f}x")
            ok = ok and cpu <= TARGET_MS
    if args.startup:
        print(f"offline `practice` (one turn, scripted): {offline_practice_seconds(3):.2f} s")
    print(f"target: at most {TARGET_MS:g} ms of server CPU per turn: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


def _print_row(db: str, config: str, results: list[RunResult]) -> float:
    """Print one table row of medians over ``results``; return the median CPU ms/turn."""
    cpu = _median([r.cpu_ms_per_turn for r in results])
    pg = [r.pg_commits_per_turn for r in results if r.pg_commits_per_turn is not None]
    print(
        f"{db:<11}{config:<10}{cpu:>12.1f}"
        f"{_median([r.statements_per_turn for r in results]):>10.1f}"
        f"{_median([r.transactions_per_turn for r in results]):>9.1f}"
        f"{(f'{_median(pg):.1f}' if pg else '-'):>11}"
        f"{_median([r.turns / r.seconds for r in results]):>9.1f}"
        f"{_median([r.startup_s for r in results]):>9.2f}"
        f"{_median([r.idle_rss_mb for r in results]):>10.0f}"
        f"{_median([r.peak_rss_mb for r in results]):>10.0f}"
        f"   (CPU runs: {', '.join(f'{r.cpu_ms_per_turn:.1f}' for r in results)})",
        flush=True,
    )
    return cpu


if __name__ == "__main__":
    raise SystemExit(main())
