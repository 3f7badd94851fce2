"""Benchmark: the rules reviewer on 10,000 generated staff utterances, one core.

Run: ``.venv/bin/python bench/review_throughput.py [--n 10000] [--seed 1]``

Prints utterances per second (whole run, single thread) and p50/p99/max
latency per utterance in microseconds. Target (issue 2): at least 20,000
utterances/s and p99 under 1 ms.

The corpus is generated, not sampled from the labelled sets, so it is not the
data the rules were written against: random combinations of openers, question
stems, topics, closers and messy-typing variants (Slack markup, curly quotes,
missing apostrophes, caps, several sentences), with lengths from 2 to ~80 words.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time

from bot.core.review import review

OPENERS = [
    "",
    "",
    "",
    "",
    "",
    "So, ",
    "Okay. ",
    "Thanks for that. ",
    "I hear you. ",
    "<@U02ABCDEF> ",
    "Hi, this is Ms. Lee from school. ",
    "Mm-hmm. ",
    "Honestly, ",
]
STEMS = [
    "Tell me about {t}.",
    "What's {t} like for you?",
    "How has {t} been going?",
    "What happens with {t} on a hard day?",
    "Why didn't you call about {t}?",
    "Have you tried changing {t}?",
    "Don't you think {t} should be better?",
    "Is it mostly {t}?",
    "Does he like {t}?",
    "You need to fix {t}.",
    "Actually, {t} adds up over a year.",
    "What else about {t}?",
    "It sounds like {t} is a lot.",
    "How do you think his grades will suffer because of {t}?",
    "dont you agree {t} matters",
    "What do you hope {t} looks like next year?",
    "A lot of families find a routine helps with {t}.",
    "Is {t} the problem, right?",
    "Thank you for telling me about {t}.",
    "What's {t} like, and how does he feel about it?",
    "We have a program for {t} that might help.",
    "Tell me more.",
]
TOPICS = [
    "mornings",
    "the bus",
    "his teacher",
    "bedtime",
    "her asthma",
    "your shifts",
    "the little ones",
    "the move",
    "school",
    "reading",
    "the letters we sent",
    "chronic absenteeism",
    "getting out the door",
    "her friends at lunch",
]
SENTENCES_PER_TURN = [1, 1, 1, 1, 1, 1, 2, 2, 3]
"""Sentences per generated turn: mostly one, as in real staff turns. With it the
corpus's mean length (about 62 characters) sits a little above that of the
hand-written utterances in tests/data (58), which is our best picture of real
staff turns; every fifth turn still carries Slack markup, an opener or a
closer, and one in five has two or three sentences."""
CLOSERS = [
    "",
    "",
    "",
    "",
    "",
    "",
    " :slightly_smiling_face:",
    " Take your time.",
    " *Really*.",
    " <https://example.org|link>",
]


def corpus(n: int, seed: int) -> list[str]:
    """Return ``n`` generated utterances (deterministic for ``seed``)."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = [rng.choice(OPENERS)]
        for _ in range(rng.choice(SENTENCES_PER_TURN)):
            parts.append(rng.choice(STEMS).format(t=rng.choice(TOPICS)) + " ")
        text = ("".join(parts) + rng.choice(CLOSERS)).strip()
        roll = rng.random()
        if roll < 0.1:
            text = text.replace("'", "\u2019")
        elif roll < 0.2:
            text = text.replace("'", "")
        elif roll < 0.25:
            text = text.upper()
        out.append(text)
    return out


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    texts = corpus(args.n, args.seed)
    for t in texts[:200]:  # warm the regex caches
        review(t)
    gc.collect()
    gc.disable()
    lat = []
    start = time.perf_counter()
    for t in texts:
        t0 = time.perf_counter_ns()
        review(t)
        lat.append(time.perf_counter_ns() - t0)
    wall = time.perf_counter() - start
    gc.enable()
    labelled = _labelled_texts()
    start_l = time.perf_counter()
    for t in labelled:
        review(t)
    wall_l = time.perf_counter() - start_l
    lat.sort()
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] / 1000  # noqa: E731
    print(f"utterances: {len(texts)}  (mean length {statistics.mean(map(len, texts)):.0f} chars)")
    print(f"throughput: {len(texts) / wall:,.0f} utterances/s on one core")
    print(
        f"latency per utterance: p50 {p(0.5):.0f} us  p99 {p(0.99):.0f} us  "
        f"max {lat[-1] / 1000:.0f} us"
    )
    if labelled:
        print(
            f"replay of the {len(set(labelled))} hand-written utterances in tests/data "
            f"(x{len(labelled) // max(1, len(set(labelled)))}): "
            f"{len(labelled) / wall_l:,.0f} utterances/s"
        )
    print("target: >= 20,000 utterances/s and p99 < 1,000 us")


def _labelled_texts() -> list[str]:
    """The hand-written utterances of tests/data, repeated to about 10,000."""
    import json
    from pathlib import Path

    data = Path(__file__).parents[1] / "tests" / "data"
    texts = [
        json.loads(line)["text"]
        for path in sorted(data.glob("review_*.jsonl"))
        if "answers" not in path.name
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return (texts * (10_000 // max(1, len(texts)) + 1))[:10_000] if texts else []


if __name__ == "__main__":
    main()
