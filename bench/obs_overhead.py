"""What observability costs per request: reading the ids for the log line, the metrics.

Prints medians (of 7 rounds of 20,000 calls each) in microseconds per call for
``describe`` (the ids out of a ``message.im`` body), ``turn_done`` with two findings,
one ``model_call`` block, and one JSON log line rendered to a discarded stream.

    .venv/bin/python bench/obs_overhead.py
"""

from __future__ import annotations

import io
import json
import logging
import statistics
import time
from collections.abc import Callable

from bot import metrics
from bot.cli.common import LogFormat, use_log_format
from bot.slack.observe import describe

BODY = json.dumps(
    {
        "team_id": "T0TEST",
        "type": "event_callback",
        "event_id": "Ev0BENCH",
        "event": {
            "type": "message",
            "channel_type": "im",
            "user": "U1",
            "text": "Tell me about a typical morning at your house. " * 4,
            "ts": "1.2",
        },
    }
).encode()


def per_call_us(fn: Callable[[], object], n: int = 20_000, rounds: int = 7) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        times.append((time.perf_counter() - start) / n * 1e6)
    return statistics.median(times)


def main() -> None:
    root = logging.getLogger()
    root.handlers[:] = [logging.StreamHandler(io.StringIO())]
    root.setLevel(logging.INFO)
    use_log_format(LogFormat.json)
    log = logging.getLogger("bench")
    now = time.monotonic()

    def model() -> None:
        with metrics.model_call("stream") as seen:
            seen.prompt_tokens, seen.completion_tokens = 900, 60

    figures = {
        "describe(message.im body)": per_call_us(lambda: describe(BODY, "application/json")),
        "turn_done(answered, 2 findings)": per_call_us(
            lambda: metrics.turn_done("answered", now, ["judgment", "closed"])
        ),
        "model_call block": per_call_us(model),
        "one JSON request log line": per_call_us(
            lambda: log.info("request", extra={"request_id": "x" * 32, "latency_ms": 1.5}),
            n=5_000,
        ),
    }
    for name, us in figures.items():
        print(f"{name:34s} {us:8.1f} µs (median)")


if __name__ == "__main__":
    main()
