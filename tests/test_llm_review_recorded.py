"""Precision and recall of each review mode on the labelled set, from recorded model answers.

Real model answers for ``tests/data/review_cases.jsonl`` are recorded once,
with a key, into ``tests/data/review_model_answers.jsonl``::

    OPENAI_API_KEY=… .venv/bin/python tests/test_llm_review_recorded.py --record

The test then replays them through the real client and reviewer (served by
the local fake server, so no network is needed) and reports precision and
recall of the ``rules``, ``hybrid`` and ``model`` modes. Without a recording
the test is skipped with that reason; the replay machinery itself is tested
on a small synthetic recording either way.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from fake_openai import FakeOpenAI
from review_quality import Score, load_cases, score

from bot.config import Settings
from bot.core.models import Review
from bot.llm.client import ModelClient
from bot.llm.model_reviewer import ModelReviewAnswer, ModelReviewer
from bot.services.review import ReviewMode, review_one

RECORDING = Path(__file__).parent / "data" / "review_model_answers.jsonl"
MODES: tuple[ReviewMode, ...] = ("rules", "hybrid", "model")


def _staff_text(body: dict[str, Any]) -> str:
    """The staff utterance inside a reviewer request (the last <<< … >>> block)."""
    content = body["messages"][-1]["content"]
    return content.rsplit("<<<\n", 1)[1].rsplit("\n>>>", 1)[0]


def replay_scores(recording: Iterable[dict[str, Any]], cases: list[dict]) -> dict[str, Score]:
    """Score every mode on ``cases`` with the model answers served from ``recording``."""
    answers = {row["text"]: row["answer"] for row in recording}
    missing = [c["text"] for c in cases if c["text"] not in answers]
    assert not missing, f"{len(missing)} cases have no recorded answer, e.g. {missing[0]!r}"
    scores: dict[str, Score] = {}
    with FakeOpenAI() as fake:
        fake.structured["ModelReviewAnswer"] = lambda body: answers[_staff_text(body)]
        settings = Settings(_env_file=None, OPENAI_API_KEY="test", OPENAI_BASE_URL=fake.base_url)  # type: ignore[call-arg]

        for mode in MODES:
            reviews: dict[str, Review] = {}

            async def run(mode: ReviewMode = mode, reviews: dict[str, Review] = reviews) -> None:
                client = ModelClient(settings)
                reviewer = ModelReviewer(client)
                try:
                    for case in cases:
                        result = await review_one(case["text"], model_reviewer=reviewer, mode=mode)
                        assert not result.model_failed, case["text"]
                        reviews[case["text"]] = result.review
                finally:
                    await client.aclose()

            asyncio.run(run())
            for rv in reviews.values():
                for f in rv.findings:
                    assert rv.text[f.span[0] : f.span[1]] == f.evidence
            scores[mode] = score(cases, lambda text, reviews=reviews: reviews[text])
    return scores


def test_replay_machinery_on_a_synthetic_recording() -> None:
    """A perfect 'model' that answers with the labels scores recall 1.0 in model mode."""
    cases = load_cases()[:40]
    recording = []
    for case in cases:
        findings = [{"kind": k, "evidence": case["text"], "why": "label"} for k in case["kinds"]]
        answer = ModelReviewAnswer.model_validate(
            {"findings": findings, "reframe": "Tell me more." if findings else None, "moves": []}
        )
        recording.append({"text": case["text"], "answer": answer.model_dump(mode="json")})
    scores = replay_scores(recording, cases)
    assert scores["model"].recall == 1.0 and scores["model"].precision == 1.0
    assert scores["hybrid"].recall >= scores["rules"].recall
    assert scores["rules"].tp + scores["rules"].fn == scores["model"].tp


def test_review_modes_on_recorded_model_answers(capsys: pytest.CaptureFixture[str]) -> None:
    if not RECORDING.exists():
        pytest.skip(
            "no recorded model answers: tests/data/review_model_answers.jsonl is made once with "
            "`OPENAI_API_KEY=… python tests/test_llm_review_recorded.py --record`; no API key "
            "was available when this test was written"
        )
    with RECORDING.open(encoding="utf-8") as fh:
        recording = [json.loads(line) for line in fh if line.strip()]
    cases = load_cases()
    scores = replay_scores(recording, cases)
    with capsys.disabled():
        for mode, s in scores.items():
            print(f"\n[{mode}] {s.report()}")
    assert scores["hybrid"].recall >= scores["rules"].recall


def record(path: Path = RECORDING) -> None:
    """Ask the configured model once per labelled case and save its answers (needs a key)."""
    from bot.config import get_settings
    from bot.llm.model_reviewer import review_messages

    settings = get_settings()
    if not settings.model_configured:
        sys.exit("set OPENAI_API_KEY (and OPENAI_BASE_URL if not OpenAI) to record answers")
    cases = load_cases()

    async def run() -> list[dict[str, Any]]:
        client = ModelClient(settings)
        rows = []
        try:
            await client.check_key()
            for case in cases:
                answer, _ = await client.parse(
                    review_messages(case["text"]),
                    model=client.model_for("review"),
                    schema=ModelReviewAnswer,
                    max_tokens=600,
                )
                rows.append(
                    {
                        "text": case["text"],
                        "model": client.model_for("review"),
                        "answer": answer.model_dump(mode="json"),
                    }
                )
        finally:
            await client.aclose()
        return rows

    rows = asyncio.run(run())
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"recorded {len(rows)} answers into {path}")


if __name__ == "__main__":
    if "--record" in sys.argv:
        record()
    else:
        print(__doc__)
