"""The learned layer: shipped as plain arrays, small, quick to load, and within the contract."""

from __future__ import annotations

from importlib import resources

import numpy as np

from bot.core.review import review
from bot.core.review.learned import LearnedModel

MODEL = resources.files("bot.core.review").joinpath("data/learned.npz")


def test_model_file_is_small_and_has_no_pickles() -> None:
    with resources.as_file(MODEL) as p:
        assert p.stat().st_size < 5_000_000
        with np.load(p, allow_pickle=False) as z:  # raises on any object array
            assert set(z.files) == {
                "labels",
                "vocab",
                "weights",
                "intercepts",
                "thresholds",
                "gate",
            }
            assert z["weights"].shape == (len(z["vocab"]), len(z["labels"]))


def test_model_loads_offline() -> None:
    """It loads from the package with no network (its load time is measured in
    bench/review_throughput.py, not asserted here)."""
    model = LearnedModel.load()
    assert model is not None


def test_learned_findings_keep_the_contract() -> None:
    texts = [
        "Honestly the bus comes at the same time every day, so that part is on him.",
        "If he keeps this up, the district is going to send a letter.",
    ]
    sources = set()
    for text in texts:
        r = review(text, learned_interventions=True)
        assert r.has_intervention, text
        for f in r.findings:
            sources.add(f.source)
            assert text[f.span[0] : f.span[1]] == f.evidence
            assert 0.0 < f.confidence <= 1.0
            assert f.why.endswith(".")
    assert "learned" in sources


def test_rules_alone_and_with_the_learned_layer_differ_only_by_added_kinds() -> None:
    from bot.core.review.reviewer import review_rules_only

    text = "Maybe you could pack his bag the night before."
    rules = review_rules_only(text)
    both = review(text)
    assert rules.kinds <= both.kinds
    assert all(f.source == "rules" for f in rules.findings)


def test_rule_confidence_is_measured_not_a_constant() -> None:
    confidences = {
        f.confidence
        for t in (
            "Have you tried an earlier bedtime?",
            "Why didn't you call the school?",
            "Does she like her teacher?",
            "He is chronically absent.",
        )
        for f in review(t).findings
    }
    assert len(confidences) > 1
    assert all(0.0 < c < 1.0 for c in confidences)
