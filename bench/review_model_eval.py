"""Rules, hybrid and model review on the same labelled sets, from recorded answers.

One command each way:

- record (needs a model key; one request per labelled line)::

    OPENAI_API_KEY=… .venv/bin/python bench/review_model_eval.py --record

  writes ``tests/data/review_model_answers.jsonl`` (one ``{"text", "model", "answer"}``
  line per utterance, the answer being the reviewer's structured reply);
- replay (no key, no network)::

    .venv/bin/python bench/review_model_eval.py [--answers FILE]

  serves every recorded answer through ``respx`` to the real
  :class:`~bot.llm.client.ModelClient` and :class:`~bot.llm.model_reviewer.ModelReviewer`
  and prints intervention precision and recall per mode and per labelled set.

``--record --fake`` records against ``tests/fake_openai.py`` instead of a real model
(a machinery check; its answers are the fake's, not a model's): that is how the tiny
sample ``tests/data/review_model_sample.jsonl`` used by the tests was made.

Sets: the project's labelled sets ``tests/data/review_cases.jsonl``,
``review_cases_es.jsonl``, ``review_holdout.jsonl``, ``review_holdout_es.jsonl``
(``--sets`` to choose). The corpus' held-out authors are not sent anywhere.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import respx

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bot.config import Settings  # noqa: E402
from bot.core.models import INTERVENTION_KINDS, Review  # noqa: E402
from bot.llm.client import ModelClient  # noqa: E402
from bot.llm.model_reviewer import ModelReviewAnswer, ModelReviewer, review_messages  # noqa: E402
from bot.services.review import ReviewMode, review_one  # noqa: E402

DATA = ROOT / "tests" / "data"
ANSWERS = DATA / "review_model_answers.jsonl"
SETS = (
    "review_cases.jsonl",
    "review_cases_es.jsonl",
    "review_holdout.jsonl",
    "review_holdout_es.jsonl",
)
MODES: tuple[ReviewMode, ...] = ("rules", "hybrid", "model")
REPLAY_BASE_URL = "https://replay.invalid/v1"


def load_set(name: str) -> list[dict]:
    """The labelled lines of one set: dicts with ``text`` and ``kinds``."""
    with (DATA / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def staff_text(body: dict[str, Any]) -> str:
    """The staff utterance inside a reviewer request (the last ``<<< … >>>`` block)."""
    content = body["messages"][-1]["content"]
    return content.rsplit("<<<\n", 1)[1].rsplit("\n>>>", 1)[0]


def _completion(content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-replay",
        "object": "chat.completion",
        "created": 0,
        "model": "replay",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


@dataclass
class Counts:
    """Intervention confusion counts."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, got: Review, kinds: Iterable[str]) -> None:
        """Count one labelled line."""
        g, w = got.has_intervention, bool(set(kinds) & INTERVENTION_KINDS)
        self.tp += g and w
        self.fp += g and not w
        self.fn += w and not g

    def report(self) -> str:
        """``precision … recall … (tp, fp, fn)``."""
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")
        return f"precision {p:.3f} recall {r:.3f} (tp {self.tp}, fp {self.fp}, fn {self.fn})"


def replay(
    answers: dict[str, dict[str, Any]], sets: dict[str, list[dict]]
) -> dict[str, dict[ReviewMode, Counts]]:
    """Score every mode on every set with the model answers served through respx."""
    missing = [r["text"] for rows in sets.values() for r in rows if r["text"] not in answers]
    if missing:
        raise SystemExit(f"{len(missing)} lines have no recorded answer, e.g. {missing[0]!r}")
    settings = Settings(_env_file=None, OPENAI_API_KEY="replay", OPENAI_BASE_URL=REPLAY_BASE_URL)  # type: ignore[call-arg]

    def answer(request: httpx.Request) -> httpx.Response:
        text = staff_text(json.loads(request.content))
        return httpx.Response(200, json=_completion(json.dumps(answers[text])))

    out: dict[str, dict[ReviewMode, Counts]] = {}

    async def run() -> None:
        with respx.mock(assert_all_called=False) as mock:
            mock.post(f"{REPLAY_BASE_URL}/chat/completions").mock(side_effect=answer)
            client = ModelClient(settings)
            reviewer = ModelReviewer(client)
            try:
                for name, rows in sets.items():
                    out[name] = {}
                    for mode in MODES:
                        counts = Counts()
                        for row in rows:
                            result = await review_one(
                                row["text"], model_reviewer=reviewer, mode=mode
                            )
                            assert not result.model_failed, row["text"]
                            counts.add(result.review, row["kinds"])
                        out[name][mode] = counts
            finally:
                await client.aclose()

    asyncio.run(run())
    return out


def record(texts: list[str], settings: Settings) -> list[dict[str, Any]]:
    """Ask the configured model once per utterance; return the answer lines."""

    async def run() -> list[dict[str, Any]]:
        client = ModelClient(settings)
        rows = []
        try:
            for text in texts:
                answer, _ = await client.parse(
                    review_messages(text),
                    model=client.model_for("review"),
                    schema=ModelReviewAnswer,
                    max_tokens=600,
                )
                rows.append(
                    {
                        "text": text,
                        "model": client.model_for("review"),
                        "answer": answer.model_dump(mode="json"),
                    }
                )
        finally:
            await client.aclose()
        return rows

    return asyncio.run(run())


def read_answers(path: Path) -> dict[str, dict[str, Any]]:
    """``text -> answer`` from a recording."""
    with path.open(encoding="utf-8") as fh:
        return {r["text"]: r["answer"] for r in map(json.loads, fh) if r}


def main(argv: list[str] | None = None) -> None:
    """Record or replay, then print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help="ask the model (needs a key)")
    parser.add_argument("--fake", action="store_true", help="record against tests/fake_openai.py")
    parser.add_argument("--answers", type=Path, default=ANSWERS)
    parser.add_argument("--sets", nargs="+", default=list(SETS))
    parser.add_argument("--limit", type=int, default=0, help="first N lines of each set")
    args = parser.parse_args(argv)
    sets = {n: load_set(n)[: args.limit or None] for n in args.sets}
    if args.record:
        texts = list(dict.fromkeys(r["text"] for rows in sets.values() for r in rows))
        if args.fake:
            from fake_openai import FakeOpenAI

            with FakeOpenAI() as fake:
                settings = Settings(
                    _env_file=None, OPENAI_API_KEY="test", OPENAI_BASE_URL=fake.base_url
                )  # type: ignore[call-arg]
                lines = record(texts, settings)
        else:
            from bot.config import get_settings

            settings = get_settings()
            if not settings.model_configured:
                raise SystemExit("set OPENAI_API_KEY (and OPENAI_BASE_URL if not OpenAI)")
            lines = record(texts, settings)
        args.answers.write_text(
            "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8"
        )
        print(f"recorded {len(lines)} answers into {args.answers}")
    if not args.answers.exists():
        raise SystemExit(f"no recording at {args.answers}; run with --record and a key first")
    results = replay(read_answers(args.answers), sets)
    for name, by_mode in results.items():
        print(f"{name} ({len(sets[name])} lines):")
        for mode, counts in by_mode.items():
            print(f"  {mode:6s} {counts.report()}")


if __name__ == "__main__":
    main()
