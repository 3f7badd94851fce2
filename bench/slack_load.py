"""Benchmark: 100 practice turns from 100 Slack users at once, each retried once by "Slack".

Run: ``.venv/bin/python bench/slack_load.py [--users 100] [--model-delay 2]``

Starts ``empathy-coach serve slack --http --port 0`` as a separate process
(the production start-up path: migrations, token check, signature
verification) against a fake Slack Web API and a fake OpenAI-compatible model
that answers each chat request after ``--model-delay`` seconds, both on
127.0.0.1 in this process (``tests/slack/fake_slack.py``,
``tests/fake_openai.py``). Each user first starts a practice session with a
gallery button; then all users send one practice message at the same moment,
and every message is delivered twice (the second with ``x-slack-retry-num:
1``, as Slack retries), 2 × users signed requests in all.

Prints the acknowledgement latency (p50, p99, max) over those requests, the
caregiver replies delivered (must equal the number of users, with no thread
getting two), and the server's peak resident memory (VmHWM). Target (issue
4): p99 ack under 250 ms. Exit code 0 when every check holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from http.server import ThreadingHTTPServer
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "slack")]

from fake_openai import FakeOpenAI  # noqa: E402
from fake_slack import BOT_TOKEN, FakeSlack  # noqa: E402
from slack_kit import SIGNING_SECRET, block_actions, message_im, signed_headers  # noqa: E402

from bot.slack import ids  # noqa: E402

# the fakes run on stdlib ThreadingHTTPServer: give them a listen backlog for a burst
ThreadingHTTPServer.request_queue_size = 1024

ACK_TARGET_MS = 250.0


def _peak_rss_mb(pid: int) -> float:
    """Peak resident set size (VmHWM) of a live process, in MiB (Linux /proc)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def _send(
    session: aiohttp.ClientSession, url: str, body: str, headers: dict[str, str]
) -> tuple[float, int]:
    started = time.perf_counter()
    async with session.post(url, data=body.encode(), headers=headers) as resp:
        await resp.read()
        return (time.perf_counter() - started) * 1000, resp.status


def _signed(payload: tuple[str, str], retry: int | None = None) -> tuple[str, dict[str, str]]:
    body, ctype = payload
    return body, signed_headers(body, ctype, retry_num=retry)


async def _load(url: str, fake: FakeSlack, users: list[str], timeout: float) -> dict[str, object]:
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        # 1. each user starts a session (not timed)
        starts = [
            _signed(block_actions(u, ids.ACTION_START, value="night-shift-mom", in_home=True))
            for u in users
        ]
        got = await asyncio.gather(*(_send(session, url, b, h) for b, h in starts))
        if {s for _, s in got} != {200}:
            raise SystemExit(f"starting sessions failed: {Counter(s for _, s in got)}")
        if not fake.wait_for(
            lambda f: len([m for m in f.messages() if m.thread_ts is None]) >= len(users), 60
        ):
            raise SystemExit("the sessions did not start in time")
        threads = {m.channel: m.ts for m in fake.messages() if m.thread_ts is None}
        before_calls = len(fake.calls)

        # 2. every user sends one message at once; "Slack" retries each one once.
        #    Requests are signed beforehand so the load generator adds little time.
        deliveries = []
        for i, u in enumerate(users):
            payload = message_im(
                u,
                "Tell me about a typical morning at your house.",
                thread_ts=threads[f"D{u}"],
                event_id=f"EvLOAD{i:05d}",
            )
            deliveries.append((_signed(payload), _signed(payload, retry=1)))

        async def deliver(
            first: tuple[str, dict[str, str]], retry: tuple[str, dict[str, str]]
        ) -> list[tuple[float, int]]:
            return [await _send(session, url, *first), await _send(session, url, *retry)]

        started = time.perf_counter()
        results = [
            r for pair in await asyncio.gather(*(deliver(*d) for d in deliveries)) for r in pair
        ]
        sent_in = time.perf_counter() - started

        def delivered(f: FakeSlack) -> bool:
            return sum(1 for m in f.messages() if m.streamed and m.done) >= len(users)

        fake.wait_for(delivered, timeout)
        await asyncio.sleep(1.0)  # let any duplicate show itself
        elapsed = time.perf_counter() - started
    replies = [
        m
        for m in fake.messages()
        if m.thread_ts and (m.streamed or (m.method == "chat.postMessage" and not m.blocks))
    ]
    per_thread = Counter((m.channel, m.thread_ts) for m in replies)
    return {
        "acks": [ms for ms, _ in results],
        "statuses": Counter(status for _, status in results),
        "delivered": len(per_thread),
        "duplicates": sum(n - 1 for n in per_thread.values() if n > 1),
        "sent_in": sent_in,
        "elapsed": elapsed,
        "calls": len(fake.calls) - before_calls,
    }


def main() -> int:
    """Run the benchmark and print its figures.

    Returns:
        0 when replies == users with no duplicates and p99 ack is under target, else 1.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--model-delay", type=float, default=2.0, help="seconds per model answer")
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds to wait for replies")
    args = parser.parse_args()

    def slow_reply(body: dict[str, object]) -> str:
        time.sleep(args.model_delay)
        return (
            "Mornings are hard. I get in from my shift at half seven and he's already gone, or not."
        )

    users = [f"U{i:06d}" for i in range(args.users)]
    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeSlack() as fake,
        FakeOpenAI(reply=slow_reply) as model,
    ):
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "OPENAI_", "AZURE_OPENAI_", "EC_"))
        }
        env.update(
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=fake.api_url,
            OPENAI_API_KEY="sk-bench-fake-key",
            OPENAI_BASE_URL=model.base_url,
            EC_REVIEW_MODE="rules",
            EC_CHECK_PRINCIPLES="false",
            EC_DATABASE_URL=f"sqlite:///{Path(tmp) / 'bench.db'}",
        )
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot",
                "serve",
                "slack",
                "--http",
                "--port",
                "0",
                "--log-level",
                "WARNING",
            ],
            env=env,
            cwd=tmp,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            match = re.search(r"http://127\.0\.0\.1:(\d+)(/\S*)", line)
            if not match:
                proc.kill()
                print(
                    "server did not start:",
                    line,
                    proc.stderr.read() if proc.stderr else "",
                    file=sys.stderr,
                )
                return 1
            url = f"http://127.0.0.1:{match.group(1)}{match.group(2)}"
            out = asyncio.run(_load(url, fake, users, args.timeout))
            peak = _peak_rss_mb(proc.pid)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                _, err = proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, err = proc.communicate()
    acks: list[float] = out["acks"]  # type: ignore[assignment]
    p50, p99 = _pct(acks, 50), _pct(acks, 99)
    ok = (
        out["delivered"] == len(users)
        and out["duplicates"] == 0
        and p99 < ACK_TARGET_MS
        and set(out["statuses"]) == {200}  # type: ignore[arg-type]
    )
    print(
        f"users: {len(users)}  requests: {len(acks)} (each message delivered twice)  "
        f"model delay: {args.model_delay:g} s"
    )
    print(
        f"ack latency: p50 {p50:.1f} ms  p99 {p99:.1f} ms  max {max(acks):.1f} ms  "
        f"mean {statistics.fmean(acks):.1f} ms  (target p99 < {ACK_TARGET_MS:g} ms)"
    )
    print(f"HTTP statuses: {dict(out['statuses'])}")  # type: ignore[call-overload]
    print(f"replies delivered: {out['delivered']} of {len(users)}  duplicates: {out['duplicates']}")
    print(
        f"all replies done {out['elapsed']:.1f} s after the burst started; "
        f"Slack API calls made: {out['calls']}"
    )
    print(f"server peak RSS: {peak:.1f} MiB")
    print("PASS" if ok else "FAIL")
    if proc.returncode not in (0, None) or not ok:
        print(f"server exit code {proc.returncode}; its log ends:\n{err[-4000:]}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
