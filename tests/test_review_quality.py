"""Quality bar of the rules reviewer on the hand-labelled set (issue: precision >= 0.95,
recall >= 0.90 for intervention detection), with per-kind recall printed."""

from __future__ import annotations

from review_quality import load_cases, load_tuning_cases, score

from bot.core.models import FINDING_KINDS
from bot.core.review import review


def test_labelled_set_is_large_and_covers_every_kind() -> None:
    cases = load_cases()
    assert len(cases) >= 200
    kinds = {k for c in cases for k in c["kinds"]}
    assert kinds == set(FINDING_KINDS)
    assert sum(1 for c in cases if not c["kinds"]) >= 50, "needs many clean utterances too"


def test_intervention_precision_and_recall(capsys) -> None:  # type: ignore[no-untyped-def]
    result = score(load_tuning_cases(), review)
    with capsys.disabled():
        print("\n" + result.report())
    assert result.precision >= 0.95, result.false_alarms
    assert result.recall >= 0.90, result.misses
