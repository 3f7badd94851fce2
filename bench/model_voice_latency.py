"""Time to the caregiver's first words with the model voice, against the fake model server.

Runs practice sessions (blind interviewer scripts from
``tests/data/practice/scripts.json`` against shipped personas) through the
engine and :class:`~bot.llm.openai_responder.OpenAIResponder` with the
after-check on (``check_principles=True``), talking to ``tests/fake_openai.py``
on loopback with a set first-token delay and a per-word delay. For every turn
it measures the time from the request to the first text delta the user would
see, and to the whole reply, and counts model requests. It prints medians and
the ratio of first words to the model's own first-token time (the target:
first words within first-token time + 300 ms in the common case). Nothing is
asserted: a timing, not a test.

The fake "model" answers from the prompt it is sent: the card lines the
prompt gives as style examples for the question (and, on a disclosure turn,
the way the card puts the new thing). That stands in for a model that follows
the prompt; it does not judge whether a real model would.

``--judge FILE`` also writes a CSV for a hand judge (id, persona, staff_said,
caregiver_before, prompt_summary, reply): the reply is the fake's stand-in, so
the judge rates the *prompt* (would it make a model answer the question?).

Usage::

    .venv/bin/python bench/model_voice_latency.py [--first-token 1.0] [--word 0.02]
        [--personas 4] [--turns 8] [--judge /work/judge/model_voice.csv]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fake_openai import FakeOpenAI  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.core.practice import PracticeEngine, ReplyPlan  # noqa: E402
from bot.llm.client import ModelClient  # noqa: E402
from bot.llm.openai_responder import (  # noqa: E402
    OpenAIResponder,
    _turn_text,
    engine_risks,
    style_examples,
)
from bot.personas import load_all  # noqa: E402

SCRIPTS = ROOT / "tests" / "data" / "practice" / "scripts.json"
JUDGE_SCRIPTS = ("skilled-a", "kind_yes_no-a", "off_list-a", "rushed-a")
JUDGE_TURNS = 3

_BULLETS = re.compile(r"^- Things you say[^\n]*\n((?:  - [^\n]*\n)+)", re.MULTILINE)
_WAYS = re.compile(r"Ways you might put it \(use your own words\): ([^\n]+)")


def fake_model_reply(body: dict[str, Any]) -> str:
    """The fake model's answer: the prompt's first style example, plus the new thing to share."""
    messages = body.get("messages") or []
    system = messages[0].get("content", "") if messages else ""
    match = _BULLETS.search(system + "\n")
    said = " ".join(m.get("content", "") for m in messages if m.get("role") == "assistant")
    lines = [ln.strip()[2:] for ln in match.group(1).splitlines()] if match else []
    lines = [ln for ln in lines if ln not in said] or lines  # a model told not to repeat
    ways = _WAYS.search(system)
    parts = lines[:1]
    if ways:
        parts.append(ways.group(1).split(" / ")[0])
    elif len(lines) > 1:
        parts.append(lines[1])
    return " ".join(parts) or "Well, it's been a long week."


def fill(line: str, persona: Any) -> str:
    return (
        line.replace("{student}", persona.student.name)
        .replace("{caregiver}", persona.name.split()[0])
        .replace("{echo}", "that")
    )


def prompt_summary(plan: ReplyPlan) -> str:
    """The parts of the generation prompt that decide whether the question is answered."""
    return " | ".join(
        [
            f"mode={plan.mode}; intent={plan.intent}; subjects={','.join(plan.subjects) or '-'}",
            "rule: answer the question they just asked first",
            f"this turn: {' '.join(_turn_text(plan).split())}",
            "style examples: " + " / ".join(style_examples(plan)),
            f"emotion: {plan.emotion}",
        ]
    )


async def voice(responder: OpenAIResponder, plan: ReplyPlan) -> dict[str, Any]:
    start = time.perf_counter()
    first: float | None = None
    stream = responder.stream(plan)
    async for delta in stream:
        if first is None and delta.strip():
            first = time.perf_counter() - start
    total = time.perf_counter() - start
    return {
        "first": first if first is not None else total,
        "total": total,
        "text": stream.text,
        "screen": list(getattr(stream, "screen", [])),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    scripts = {s["id"]: s for s in json.loads(SCRIPTS.read_text(encoding="utf-8"))}
    personas = list(load_all().values())
    rows: list[dict[str, Any]] = []
    judge: list[dict[str, str]] = []
    with FakeOpenAI(first_token_delay=args.first_token, token_delay=args.word) as fake:
        fake.reply = fake_model_reply
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            OPENAI_API_KEY="sk-fake",
            OPENAI_BASE_URL=fake.base_url,
            max_retries=0,
            request_timeout=30.0,
            check_principles=True,
        )
        responder = OpenAIResponder(ModelClient(settings))
        timed = [(scripts[i], p) for i in ("skilled-a",) for p in personas[: args.personas]]
        judged = [(scripts[i], p) for i in JUDGE_SCRIPTS for p in personas] if args.judge else []

        async def drive() -> None:
            # warm-up (token counter, connection pool): not timed
            warm = PracticeEngine(personas[0], seed=0).plan("How are things?")
            await voice(responder, warm)
            for kind, sessions in (("timed", timed), ("judge", judged)):
                for script, persona in sessions:
                    engine = PracticeEngine(persona, seed=1)
                    previous = ""
                    limit = args.turns if kind == "timed" else JUDGE_TURNS
                    for n, line in enumerate(script["turns"][:limit], start=1):
                        plan = engine.plan(fill(line, persona))
                        before = fake.chat_count
                        result = await voice(responder, plan)
                        engine.record(plan, result["text"])
                        if kind == "timed":
                            rows.append(
                                {
                                    **result,
                                    "requests": fake.chat_count - before,
                                    "risk": bool(engine_risks(plan)),
                                }
                            )
                        else:
                            judge.append(
                                {
                                    "id": f"{script['id']}/{persona.id}/{n}",
                                    "persona": persona.id,
                                    "staff_said": plan.staff_text,
                                    "caregiver_before": previous,
                                    "prompt_summary": prompt_summary(plan),
                                    "reply": result["text"],
                                }
                            )
                        previous = result["text"]

        asyncio.run(drive())
    if args.judge:
        args.judge.parent.mkdir(parents=True, exist_ok=True)
        with args.judge.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=list(judge[0]))
            writer.writeheader()
            writer.writerows(judge)
    common = [r for r in rows if not r["risk"] and r["requests"] == 1]
    risky = [r for r in rows if r["risk"]]
    screened = [r for r in rows if not r["risk"] and r["requests"] > 1]
    ft = args.first_token

    def med(items: list[dict[str, Any]], key: str) -> float:
        return statistics.median(r[key] for r in items) if items else float("nan")

    return {
        "first_token_s": ft,
        "word_delay_s": args.word,
        "turns": len(rows),
        "common_turns": len(common),
        "risk_turns": len(risky),
        "screen_caught_turns": len(screened),
        "first_words_median_s": round(med(rows, "first"), 3),
        "first_words_common_median_s": round(med(common, "first"), 3),
        "first_words_common_over_first_token_ms": round((med(common, "first") - ft) * 1000),
        "first_words_common_ratio": round(med(common, "first") / ft, 3),
        "first_words_common_p90_s": round(
            sorted(r["first"] for r in common)[int(0.9 * (len(common) - 1))], 3
        )
        if common
        else None,
        "first_words_risk_median_s": round(med(risky, "first"), 3),
        "first_words_screen_caught_median_s": round(med(screened, "first"), 3),
        "whole_reply_median_s": round(med(rows, "total"), 3),
        "requests_per_turn": round(sum(r["requests"] for r in rows) / len(rows), 2),
        "judge_rows": len(judge),
        "rows": [
            (round(r["first"], 2), r["requests"], r["risk"], r["screen"], r["text"][:60])
            for r in rows
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first-token", type=float, default=1.0, help="fake first-token delay, s")
    parser.add_argument("--word", type=float, default=0.02, help="fake delay per streamed word, s")
    parser.add_argument("--personas", type=int, default=4, help="personas timed")
    parser.add_argument("--turns", type=int, default=8, help="turns per timed session")
    parser.add_argument("--verbose", action="store_true", help="print every timed turn")
    parser.add_argument("--judge", type=Path, default=None, help="write the judge CSV here")
    args = parser.parse_args(argv)
    result = run(args)
    for key, value in result.items():
        if key != "rows" or args.verbose:
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
