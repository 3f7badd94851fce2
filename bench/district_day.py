"""Benchmark: a district's first morning of practice (issue 13, item 6).

Run: ``.venv/bin/python bench/district_day.py [--users 500] [--turns 10] [--model-delay 1]
[--no-kill]`` (quick: ``--users 50 --turns 4``). Needs PostgreSQL: ``--pg`` is an admin URL
for a role with CREATEDB (default ``postgresql://ec:ec@127.0.0.1:5432/postgres``); the
bench creates the database ``ec_bench`` (``--db``), migrates it once, and drops it at the end.

What runs:

* a helper process with the fake Slack Web API (``tests/slack/fake_slack.py``) and a fake
  OpenAI-compatible model that answers every chat request after ``--model-delay`` seconds
  (``tests/fake_openai.py``, ``first_token_delay``), both on 127.0.0.1; the fake Slack tells
  this process about each message as it lands (``FakeSlack.observers``), so nothing polls;
* two real ``empathy-coach serve slack --http`` processes (A and B) on two ports, sharing
  the database;
* this process: one asyncio client (aiohttp) playing ``--users`` staff members. Each starts
  a practice session ("practice with Denise", …) at a random moment in the first
  ``--ramp`` seconds, then sends ``--turns`` turns, each ``--think`` seconds (uniform)
  after the previous reply arrived. The "load balancer" sends requests to A and B in
  turn (no sticky sessions), and "Slack" delivers every request a second time with
  ``x-slack-retry-num: 1`` to the *other* process 0–1 s after the first was acknowledged;
* half-way (when half of all turns are answered, or half of ``--max-seconds`` passed) A
  is killed with SIGKILL and started again; meanwhile every request goes to B, and a
  request cut off by the kill is sent to B (as a load balancer retries a failed backend).
  ``--no-kill`` leaves A alone. After ``--max-seconds`` the load stops and the figures are
  printed as they stand (turns not answered by then count as lost).

Prints, with the targets of issue 13: acknowledgement latency p50/p99 over every request
(target p99 < 300 ms); reply latency (first delivery of a turn to the end of its streamed
reply) p50/p99 minus the model's delay (target p99 <= 1 s), for the turns that were not in
flight when A was killed (those are printed apart: a dead process's claim is taken over
when its lease lapses, ``EC_CLAIM_LEASE``, so they must only arrive within lease +
recovery interval + model delay + 5 s); turns answered, counted per thread from the fake
Slack's recorded messages (target exactly users × turns: none lost, none twice); peak
resident memory (VmHWM) per server process (target < 300 MiB); the most database
connections open at once (``pg_stat_activity``, sampled every 0.25 s); and server CPU per
turn (utime + stime of both processes over the run, start-ups excluded, divided by the
turns answered). Exit code 0 when every target holds, 1 otherwise.

The machine is shared: figures vary from run to run; the lead re-runs it after merging.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "slack")]

from fake_openai import FakeOpenAI  # noqa: E402
from fake_slack import BOT_TOKEN, Call, FakeSlack, Posted  # noqa: E402
from slack_kit import SIGNING_SECRET, message_im, signed_headers  # noqa: E402

ACK_TARGET_MS = 300.0
REPLY_TARGET_S = 1.0
"""Reply latency p99 may exceed the model's own delay by at most this (issue 13)."""
MEMORY_TARGET_MIB = 300.0
MODEL_MARK = "(reply "
"""The fake model's default reply ends with ``(reply <n>)``: how a posted reply is told
from a notice when streaming was not used."""

CAREGIVERS = ["Denise", "Jenna", "Walt", "Curtis", "Brooke", "Amber"]
QUESTIONS = [
    "Hi, this is Pat from school. Is now a good time?",
    "Tell me about a typical morning at your house.",
    "What happened next?",
    "It sounds like mornings are a lot to carry.",
    "What else is going on at home these days?",
    "Tell me more about that.",
    "Have you tried an earlier bedtime?",  # advice: the coach note is posted too
    "What do you hope school is like for your child next year?",
    "What would make mornings go a little easier?",
    "Thank you for telling me all this. What else should I know?",
]


# ---------------------------------------------------------------------- the fakes' process


def _fakes_main(conn: Any, events: Any, model_delay: float, slack_latency: float) -> None:
    """The helper process: serve the fake Slack and the fake model until told to stop.

    Args:
        conn: a multiprocessing connection: sends ``(slack_api_url, model_base_url)``, then
            answers ``"report"`` with the per-thread summary and stops on ``"stop"``.
        events: a multiprocessing queue receiving ``(kind, channel, thread_ts, at)`` for
            each message landing in a thread; kind ``reply`` (a finished stream, or a
            posted model reply) or ``post`` (anything else); ``at`` is ``time.monotonic()``
            (one clock for every process on Linux).
        model_delay: seconds the model waits before answering each chat request.
        slack_latency: seconds each fake Slack answer waits.
    """
    ThreadingHTTPServer.request_queue_size = 1024  # a burst must not overflow the backlog
    report_error = ThreadingHTTPServer.handle_error

    def handle_error(server: ThreadingHTTPServer, request: Any, address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a killed server's requests
            report_error(server, request, address)

    ThreadingHTTPServer.handle_error = handle_error  # type: ignore[method-assign]

    def observe(call: Call, msg: Posted | None) -> None:
        if msg is None or msg.thread_ts is None or not call.answer.get("ok"):
            return
        if call.method == "chat.stopStream" or (
            call.method == "chat.postMessage" and MODEL_MARK in msg.text
        ):
            events.put(("reply", msg.channel, msg.thread_ts, call.at))
        elif call.method == "chat.postMessage":
            events.put(("post", msg.channel, msg.thread_ts, call.at))

    with (
        FakeSlack(latency=slack_latency) as slack,
        FakeOpenAI(first_token_delay=model_delay) as model,
    ):
        slack.observers.append(observe)
        conn.send((slack.api_url, model.base_url))
        while True:
            command = conn.recv()
            if command == "report":
                conn.send(_report(slack, model))
            elif command == "stop":
                break


def _report(slack: FakeSlack, model: FakeOpenAI) -> dict[str, Any]:
    """What the fakes recorded: replies per thread, unfinished streams, notices, counts."""
    replies: Counter[tuple[str, str]] = Counter()
    story: dict[tuple[str, str], list[str]] = defaultdict(list)
    open_streams: Counter[tuple[str, str]] = Counter()
    notices: Counter[str] = Counter()
    for m in slack.messages():
        if m.thread_ts is None:
            continue
        key = (m.channel, m.thread_ts)
        story[key].append(f"{m.method}{'' if m.done else ' (open)'}: {m.text[:60]}")
        if m.streamed:
            (replies if m.done else open_streams)[key] += 1
        elif m.method == "chat.postMessage" and MODEL_MARK in m.text:
            replies[key] += 1
        elif m.method == "chat.postMessage" and not m.blocks:
            notices[m.text[:70]] += 1
    with slack._lock:
        methods = Counter(c.method for c in slack.calls)
        errors = Counter(
            f"{c.method}:{c.answer.get('error')}" for c in slack.calls if not c.answer.get("ok")
        )
    return {
        "replies": dict(replies),
        "story": dict(story),
        "open_streams": dict(open_streams),
        "notices": dict(notices),
        "methods": dict(methods),
        "slack_errors": dict(errors),
        "model_requests": model.chat_count,
    }


# ---------------------------------------------------------------------- server processes


def _proc_stat(pid: int) -> tuple[float, float]:
    """(CPU seconds used: utime + stime, peak resident MiB: VmHWM) of a live process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        peak = float("nan")
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
        return cpu, peak
    except (OSError, IndexError, ValueError):
        return float("nan"), float("nan")


@dataclass
class Server:
    """One ``serve`` process as the load balancer sees it."""

    name: str
    env: dict[str, str]
    workdir: Path
    proc: subprocess.Popen[bytes] | None = None
    url: str = ""
    alive: bool = False
    cpu_at_ready: float = 0.0
    lives: list[dict[str, float]] = field(default_factory=list)
    """Per process life: ``cpu`` (seconds after ready), ``peak`` (MiB), ``startup`` (s)."""
    _started: float = 0.0
    _log: Path | None = None

    def start(self) -> None:
        """Start the process (it becomes routable once :meth:`ready` returns)."""
        n = len(self.lives) + 1
        out = self.workdir / f"{self.name}{n}.out"
        self._log = self.workdir / f"{self.name}{n}.err"
        self._started = time.monotonic()
        with out.open("wb") as so, self._log.open("wb") as se:
            self.proc = subprocess.Popen(
                [
                    *(sys.executable, "-m", "bot", "serve", "slack", "--http"),
                    *("--port", "0", "--log-level", "WARNING"),
                ],
                env=self.env,
                cwd=self.workdir,
                stdout=so,
                stderr=se,
            )
        self._out = out

    async def ready(self, timeout: float = 180.0) -> None:
        """Wait for the "listening" line; then route to it.

        Raises:
            SystemExit: the process exited or did not start in time (its log is printed).
        """
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(r"http://127\.0\.0\.1:(\d+)(/\S*)", self._out.read_text())
            if match:
                self.url = f"http://127.0.0.1:{match.group(1)}{match.group(2)}"
                self.cpu_at_ready = _proc_stat(self.proc.pid)[0]
                self.lives.append({"startup": time.monotonic() - self._started})
                self.alive = True
                return
            if self.proc.poll() is not None:
                break
            await asyncio.sleep(0.2)
        raise SystemExit(f"server {self.name} did not start:\n{self.log_tail()}")

    def record(self) -> None:
        """Note this life's CPU since ready and its peak memory (call while it is alive)."""
        assert self.proc is not None
        cpu, peak = _proc_stat(self.proc.pid)
        self.lives[-1].update(cpu=cpu - self.cpu_at_ready, peak=peak)

    def kill(self) -> None:
        """SIGKILL, as an out-of-memory killer or a lost machine would."""
        assert self.proc is not None
        self.alive = False
        self.record()
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> int | None:
        """SIGTERM and wait; the exit code (None if it had to be killed)."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.alive = False
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return None

    def log_tail(self, n: int = 3000) -> str:
        return self._log.read_text(errors="replace")[-n:] if self._log else ""


# ---------------------------------------------------------------------- the load


@dataclass
class Figures:
    """What the client measured."""

    acks: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    failovers: int = 0
    replies: list[float] = field(default_factory=list)
    """Seconds from first delivery to the reply, turns not in flight at the kill."""
    interrupted: list[float] = field(default_factory=list)
    """The same for turns in flight when A was killed."""
    unanswered: int = 0
    """Turns the client gave up waiting for."""
    start_failed: int = 0
    killed_at: float | None = None
    restarted_in: float | None = None
    elapsed: float = 0.0
    cut_short: bool = False
    """True when ``--max-seconds`` ran out before every user finished."""
    """Seconds from the first user's start to the last user's last reply."""


class Threads:
    """Replies per practice thread, fed by the fakes' event queue (on the event loop)."""

    def __init__(self) -> None:
        self.replies: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.posts: dict[tuple[str, str], int] = defaultdict(int)
        self.total_replies = 0
        self._waiters: dict[tuple[str, str], list[tuple[int, asyncio.Future[float]]]] = defaultdict(
            list
        )
        self.changed = asyncio.Event()

    def add(self, kind: str, channel: str, thread: str, at: float) -> None:
        key = (channel, thread)
        if kind == "reply":
            self.replies[key].append(at)
            self.total_replies += 1
        self.posts[key] += 1
        self.changed.set()
        waiting = self._waiters.get(key, [])
        for item in list(waiting):
            n, fut = item
            count = len(self.replies[key]) if n > 0 else self.posts[key]
            if count >= abs(n) and not fut.done():
                fut.set_result(at)
                waiting.remove(item)

    async def wait(self, key: tuple[str, str], n: int, timeout: float) -> float | None:
        """When the ``n``-th reply (``n`` > 0) or ``-n``-th message of any kind (``n`` < 0)
        landed in the thread (monotonic seconds), or None after ``timeout`` seconds."""
        count = len(self.replies[key]) if n > 0 else self.posts[key]
        if count >= abs(n):
            return self.replies[key][n - 1] if n > 0 else 0.0
        fut: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiters[key].append((n, fut))
        try:
            return await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            return None


class Balancer:
    """Round-robin over the live servers, with failover when a backend is gone."""

    def __init__(self, servers: list[Server], session: aiohttp.ClientSession, figs: Figures):
        self.servers = servers
        self.session = session
        self.figs = figs
        self.retries: set[asyncio.Task[None]] = set()
        """Slack's second deliveries still to be sent."""
        self._n = 0

    def pick(self, avoid: Server | None = None) -> Server:
        live = [s for s in self.servers if s.alive]
        if avoid is not None and len(live) > 1:
            live = [s for s in live if s is not avoid]
        self._n += 1
        return live[self._n % len(live)] if live else self.servers[1]

    async def send(
        self, payload: tuple[str, str], *, retry: bool = False, avoid: Server | None = None
    ) -> Server:
        """Deliver one signed request; returns the server that acknowledged it."""
        body, ctype = payload
        started = time.monotonic()
        target = self.pick(avoid)
        for _ in range(50):
            headers = signed_headers(body, ctype, retry_num=1 if retry else None)
            try:
                async with self.session.post(target.url, data=body.encode(), headers=headers) as r:
                    await r.read()
                    status = r.status
            except (aiohttp.ClientConnectionError, TimeoutError):
                self.figs.failovers += 1  # the backend is gone: try the other one
                await asyncio.sleep(0.05)
                target = self.pick(target)
                continue
            self.figs.acks.append((time.monotonic() - started) * 1000)
            self.figs.statuses[status] += 1
            return target
        raise RuntimeError("no server took the request")


async def _user(
    i: int,
    args: argparse.Namespace,
    lb: Balancer,
    threads: Threads,
    figs: Figures,
    in_flight: dict[tuple[int, int], float],
    rng: random.Random,
) -> None:
    user = f"U{i:06d}"
    channel = f"D{user}"
    await asyncio.sleep(rng.uniform(0, args.ramp))
    start = message_im(user, f"practice with {CAREGIVERS[i % len(CAREGIVERS)]}")
    thread = json.loads(start[0])["event"]["ts"]  # the start message opens the thread
    key = (channel, thread)
    await _deliver(lb, start, rng)
    if await threads.wait(key, -1, args.wait) is None:
        figs.start_failed += 1
        return
    for k in range(1, args.turns + 1):
        await asyncio.sleep(rng.uniform(*args.think))
        payload = message_im(user, QUESTIONS[(k - 1) % len(QUESTIONS)], thread_ts=thread)
        sent = time.monotonic()
        in_flight[(i, k)] = sent
        await _deliver(lb, payload, rng)
        at = await threads.wait(key, k, args.wait)
        was_cut = in_flight.pop((i, k), None) is None  # the killer took it out: in flight
        if at is None:
            figs.unanswered += 1
            continue
        (figs.interrupted if was_cut else figs.replies).append(at - sent)


async def _deliver(lb: Balancer, payload: tuple[str, str], rng: random.Random) -> None:
    """The first delivery now; Slack's retry to the other process 0-1 s after the ack."""
    first = await lb.send(payload)

    async def retry() -> None:
        await asyncio.sleep(rng.uniform(0, 1))
        await lb.send(payload, retry=True, avoid=first)

    task = asyncio.create_task(retry())
    lb.retries.add(task)
    task.add_done_callback(lb.retries.discard)


def _sample_connections(dsn: str, db: str, stop: threading.Event, out: list[int]) -> None:
    """Append the number of connections to ``db`` every 0.25 s until ``stop`` is set."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:  # to the admin database, not ``db``
        while not stop.is_set():
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (db,)
            ).fetchone()
            out.append(int(row[0]) if row else 0)
            stop.wait(0.25)


async def _run(
    args: argparse.Namespace, servers: list[Server], events: Any
) -> tuple[Figures, Threads]:
    figs = Figures()
    threads = Threads()
    rng = random.Random(args.seed)
    loop = asyncio.get_running_loop()
    done = threading.Event()

    def pump() -> None:  # the fakes' queue -> the event loop
        import queue

        while not done.is_set():
            try:
                item = events.get(timeout=0.2)
            except queue.Empty:
                continue
            try:
                loop.call_soon_threadsafe(threads.add, *item)
            except RuntimeError:  # the loop closed: the run is over
                return

    threading.Thread(target=pump, daemon=True).start()
    await asyncio.gather(*(s.ready() for s in servers))
    print(
        "servers ready: " + ", ".join(f"{s.name} {s.lives[-1]['startup']:.1f} s" for s in servers),
        flush=True,
    )
    in_flight: dict[tuple[int, int], float] = {}
    connector = aiohttp.TCPConnector(limit=200)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=30)
    ) as session:
        lb = Balancer(servers, session, figs)
        total = args.users * args.turns

        async def killer() -> None:
            halfway = time.monotonic() + args.max_seconds / 2
            while threads.total_replies < total // 2 and time.monotonic() < halfway:
                threads.changed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(threads.changed.wait(), 1.0)
            a = servers[0]
            a.kill()
            figs.killed_at = time.monotonic()
            in_flight.clear()  # every turn sent and not answered yet was in flight
            print(f"killed {a.name} after {threads.total_replies} replies", flush=True)
            a.start()
            await a.ready()
            figs.restarted_in = time.monotonic() - figs.killed_at
            print(f"{a.name} restarted, routable again after {figs.restarted_in:.1f} s", flush=True)

        async def progress() -> None:
            while True:
                await asyncio.sleep(15)
                print(
                    f"  {time.monotonic() - began:5.0f} s: {threads.total_replies} replies, "
                    f"{len(figs.acks)} requests acknowledged (p99 {_pct(figs.acks, 99):.0f} ms)",
                    flush=True,
                )

        kill_task = None if args.no_kill else asyncio.create_task(killer())
        began = time.monotonic()
        ticker = asyncio.create_task(progress())
        users = asyncio.gather(
            *(_user(i, args, lb, threads, figs, in_flight, rng) for i in range(args.users))
        )
        try:
            await asyncio.wait_for(users, args.max_seconds)
        except TimeoutError:
            figs.cut_short = True  # the figures stand as they are; the rest counts as lost
        ticker.cancel()
        figs.elapsed = time.monotonic() - began
        while lb.retries:
            await asyncio.sleep(0.1)
        if kill_task is not None:
            if not kill_task.done():
                kill_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await kill_task
        await asyncio.sleep(args.settle)  # a second answer shows itself by now
    done.set()
    return figs, threads


def _db_figures(db_url: str) -> dict[str, int]:
    """Turn rows, sessions and messages claimed more than once, read from the database."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    from bot.store import sync_url

    engine = create_engine(sync_url(db_url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            one = conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM turns), (SELECT count(*) FROM practice_sessions),"
                    " (SELECT count(*) FROM processed_events WHERE attempts > 1)"
                )
            ).one()
    finally:
        engine.dispose()
    return {"turns": int(one[0]), "sessions": int(one[1]), "retaken": int(one[2])}


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> int:
    """Run the district day and print its figures.

    Returns:
        0 when every target holds, else 1.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--model-delay", type=float, default=1.0, help="seconds per answer")
    parser.add_argument("--no-kill", action="store_true", help="do not kill A half-way")
    parser.add_argument("--ramp", type=float, default=60.0, help="start times spread (s)")
    parser.add_argument(
        "--think",
        type=lambda s: tuple(float(x) for x in s.split(",")),
        default=(3.0, 8.0),
        help="seconds between a reply and the next turn: MIN,MAX (uniform)",
    )
    parser.add_argument("--wait", type=float, default=120.0, help="most seconds per reply")
    parser.add_argument(
        "--max-seconds", type=float, default=1800.0, help="stop the load after this long"
    )
    parser.add_argument("--settle", type=float, default=10.0, help="seconds to watch at the end")
    parser.add_argument("--slack-latency", type=float, default=0.0, help="fake Slack round trip")
    parser.add_argument("--lease", type=float, default=None, help="EC_CLAIM_LEASE/EC_TURN_LEASE")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--pg",
        default=os.environ.get(
            "EC_BENCH_POSTGRES_ADMIN", "postgresql://ec:ec@127.0.0.1:5432/postgres"
        ),
        help="admin connection (a role with CREATEDB)",
    )
    parser.add_argument("--db", default="ec_bench", help="the database to create and drop")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    import psycopg
    from sqlalchemy.engine import make_url

    from bot.store import upgrade_to_head

    with psycopg.connect(args.pg, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{args.db}"')
    db_url = (
        make_url(args.pg)
        .set(drivername="postgresql+psycopg", database=args.db)
        .render_as_string(hide_password=False)
    )
    upgrade_to_head(db_url)  # once, before the replicas start (as a deployment does)

    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    events = ctx.Queue()
    fakes = ctx.Process(
        target=_fakes_main,
        args=(child, events, args.model_delay, args.slack_latency),
        daemon=True,
    )
    fakes.start()
    slack_url, model_url = parent.recv()
    samples: list[int] = []
    stop_sampling = threading.Event()
    sampler = threading.Thread(
        target=_sample_connections, args=(args.pg, args.db, stop_sampling, samples), daemon=True
    )
    sampler.start()
    codes: list[int | None] = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "OPENAI_", "AZURE_OPENAI_", "EC_"))
        }
        env.update(
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=slack_url,
            OPENAI_API_KEY="sk-bench-fake-key",
            OPENAI_BASE_URL=model_url,
            EC_REVIEW_MODE="rules",
            EC_CHECK_PRINCIPLES="false",
            EC_DATABASE_URL=db_url,
        )
        if args.lease:
            env.update(EC_CLAIM_LEASE=str(args.lease), EC_TURN_LEASE=str(args.lease))
        servers = [Server("A", env, Path(tmp)), Server("B", env, Path(tmp))]
        try:
            for s in servers:
                s.start()
            figs, threads = asyncio.run(_run(args, servers, events))
            for s in servers:
                if s.alive:
                    s.record()
        finally:
            for s in servers:
                codes.append(s.stop())
            stop_sampling.set()
            parent.send("report")
            report = parent.recv()
            parent.send("stop")
            fakes.join(30)
            db = _db_figures(db_url)
            with psycopg.connect(args.pg, autocommit=True) as conn:
                if not args.keep_db:
                    conn.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
        logs = {s.name: s.log_tail() for s in servers}
    return _print(args, figs, threads, servers, report, db, samples, codes, logs)


def _print(
    args: argparse.Namespace,
    figs: Figures,
    threads: Threads,
    servers: list[Server],
    report: dict[str, Any],
    db: dict[str, int],
    samples: list[int],
    codes: list[int | None],
    logs: dict[str, str],
) -> int:
    expected = args.users * args.turns
    per_thread: dict[tuple[str, str], int] = report["replies"]
    answered = sum(per_thread.values())
    lost = expected - sum(min(n, args.turns) for n in per_thread.values())
    twice = sum(max(0, n - args.turns) for n in per_thread.values())
    over = [r - args.model_delay for r in figs.replies]
    acks = figs.acks
    lease = args.lease or 30.0
    cut_bound = lease + 5.0 + args.model_delay + 5.0  # lease + EC_RECOVERY_INTERVAL + model + 5
    peaks = [life.get("peak", float("nan")) for s in servers for life in s.lives]
    cpu = sum(life.get("cpu", 0.0) for s in servers for life in s.lives)
    checks = {
        f"ack p99 < {ACK_TARGET_MS:g} ms": _pct(acks, 99) < ACK_TARGET_MS,
        f"reply p99 - model <= {REPLY_TARGET_S:g} s": _pct(over, 99) <= REPLY_TARGET_S,
        f"turns answered == {expected}": answered == expected and lost == 0 and twice == 0,
        f"peak memory < {MEMORY_TARGET_MIB:g} MiB per process": all(
            p < MEMORY_TARGET_MIB for p in peaks
        ),
        "every request acknowledged with 200": set(figs.statuses) == {200},
        f"turns in flight at the kill answered within {cut_bound:g} s": all(
            r <= cut_bound for r in figs.interrupted
        ),
        "servers stopped cleanly": all(c == 0 for c in codes),
        "the load finished within --max-seconds": not figs.cut_short,
    }
    print(
        f"\nusers {args.users}  turns each {args.turns}  model delay {args.model_delay:g} s  "
        f"think {args.think[0]:g}-{args.think[1]:g} s  ramp {args.ramp:g} s  "
        f"kill: {'no' if args.no_kill else 'yes'}  load took {figs.elapsed:.1f} s"
        + ("  (CUT SHORT by --max-seconds)" if figs.cut_short else "")
    )
    print(
        f"requests {len(acks)} (each delivered twice)  statuses {dict(figs.statuses)}  "
        f"failed over {figs.failovers}"
    )
    print(
        f"ack latency: p50 {_pct(acks, 50):.1f} ms  p99 {_pct(acks, 99):.1f} ms  "
        f"max {max(acks, default=float('nan')):.1f} ms  (target p99 < {ACK_TARGET_MS:g} ms)"
    )
    print(
        f"reply latency minus the model's {args.model_delay:g} s: p50 {_pct(over, 50):.2f} s  "
        f"p99 {_pct(over, 99):.2f} s  max {max(over, default=float('nan')):.2f} s  "
        f"over {len(over)} turns  (target p99 <= {REPLY_TARGET_S:g} s)"
    )
    if figs.killed_at is not None:
        cut = figs.interrupted
        print(
            f"turns in flight at the kill: {len(cut)}  reply latency p50 {_pct(cut, 50):.1f} s  "
            f"max {max(cut, default=float('nan')):.1f} s  (bound {cut_bound:g} s)  "
            f"A routable again {figs.restarted_in or float('nan'):.1f} s after the kill"
        )
    everything = figs.replies + figs.interrupted
    print(
        f"reply latency over all turns: p50 {_pct(everything, 50):.2f} s  "
        f"p99 {_pct(everything, 99):.2f} s"
    )
    print(
        f"turns answered: {answered} of {expected}  lost {lost}  answered twice {twice}  "
        f"client gave up waiting {figs.unanswered}  sessions not started {figs.start_failed}  "
        f"unfinished streams {sum(report['open_streams'].values())}"
    )
    for s in servers:
        for n, life in enumerate(s.lives, start=1):
            print(
                f"server {s.name}{n}: start-up {life['startup']:.1f} s  "
                f"peak RSS (VmHWM) {life.get('peak', float('nan')):.1f} MiB  "
                f"CPU after ready {life.get('cpu', float('nan')):.1f} s"
            )
    print(
        f"database connections (max sampled): {max(samples, default=0)}  ({len(samples)} samples)"
    )
    print(
        f"server CPU per turn: {cpu / max(answered, 1) * 1000:.1f} ms "
        f"({cpu:.1f} s over {answered} turns, both processes, starts of sessions included)"
    )
    print(f"model requests {report['model_requests']}  Slack calls {report['methods']}")
    if report["slack_errors"]:
        print(f"Slack errors: {report['slack_errors']}")
    if report["notices"]:
        print(f"notices in threads: {report['notices']}")
    print(
        f"database: {db['turns']} turn rows in {db['sessions']} sessions; "
        f"claim rows with more than one holder: {db['retaken']}"
    )
    doubled = [k for k, n in per_thread.items() if n > args.turns]
    for key in doubled[:5]:
        print(f"a thread answered twice, {key}:", *report["story"][key], sep="\n    ")
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    ok = all(checks.values())
    if not ok:
        for name, tail in logs.items():
            if tail.strip():
                print(f"--- server {name}: its log ends\n{tail}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
