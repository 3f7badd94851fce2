"""Model-mode figures from recorded answers replayed through respx (``bench/review_model_eval.py``).

The shipped sample ``tests/data/review_model_sample.jsonl`` was recorded against
``tests/fake_openai.py`` (``--record --fake --limit 6``), not a real model: no key was
available. With a key, ``bench/review_model_eval.py --record`` records real answers
and the same replay measures them.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from bot.core.review import review

ROOT = Path(__file__).parents[1]
SAMPLE = ROOT / "tests" / "data" / "review_model_sample.jsonl"


def _bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "review_model_eval", ROOT / "bench" / "review_model_eval.py"
    )
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["review_model_eval"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_replaying_the_recorded_sample_scores_every_mode() -> None:
    bench = _bench()
    answers = bench.read_answers(SAMPLE)
    sets = {n: bench.load_set(n)[:6] for n in bench.SETS}
    assert all(r["text"] in answers for rows in sets.values() for r in rows)
    results = bench.replay(answers, sets)
    for name, rows in sets.items():
        rules = bench.Counts()
        for row in rows:
            rules.add(review(row["text"]), row["kinds"])
        assert results[name]["rules"] == rules  # rules mode never asks the model
        # the fake answered "no findings": model mode finds nothing, hybrid keeps the rules
        assert results[name]["model"].tp == results[name]["model"].fp == 0
        assert results[name]["hybrid"].tp >= rules.tp


def test_a_recording_that_matches_the_labels_scores_perfectly_in_model_mode() -> None:
    bench = _bench()
    rows = bench.load_set("review_cases.jsonl")[:20]
    answers = {
        r["text"]: {
            "findings": [{"kind": k, "evidence": r["text"], "why": "label"} for k in r["kinds"]],
            "reframe": "Tell me more." if r["kinds"] else None,
            "moves": [],
        }
        for r in rows
    }
    counts = bench.replay(answers, {"cases": rows})["cases"]
    assert counts["model"].fn == counts["model"].fp == 0
    assert counts["model"].tp == sum(bool(set(r["kinds"]) & bench.INTERVENTION_KINDS) for r in rows)
