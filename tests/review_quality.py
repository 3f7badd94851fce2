"""Scoring of the reviewer against the hand-labelled set ``tests/data/review_cases.jsonl``.

Shared by the quality test and ``bench``-style reports (model modes reuse it).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.models import FINDING_KINDS, INTERVENTION_KINDS, Review

DATA = Path(__file__).parent / "data"
CASES = DATA / "review_cases.jsonl"
TUNING_SETS = (CASES, DATA / "review_holdout.jsonl")
"""Labelled sets the rules were written against: the first set (288 cases) and a
second one (120) written later by a different author, first measured blind
(precision 0.947, recall 0.462) and then used for tuning too."""


def load_cases(path: Path = CASES) -> list[dict]:
    """Return the labelled cases: dicts with ``text``, ``kinds`` (list) and ``note``."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_tuning_cases() -> list[dict]:
    """All cases of :data:`TUNING_SETS`, in file order."""
    return [case for path in TUNING_SETS for case in load_cases(path)]


@dataclass
class Score:
    """Intervention-detection confusion counts plus per-kind recall."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    kind_hits: dict[str, int] = field(default_factory=dict)
    kind_total: dict[str, int] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def kind_recall(self, kind: str) -> float:
        total = self.kind_total.get(kind, 0)
        return self.kind_hits.get(kind, 0) / total if total else float("nan")

    def report(self) -> str:
        lines = [
            f"intervention precision {self.precision:.3f} recall {self.recall:.3f} "
            f"(tp={self.tp} fp={self.fp} fn={self.fn} tn={self.tn})"
        ]
        for kind in FINDING_KINDS:
            lines.append(
                f"  {kind:<11} recall {self.kind_recall(kind):.2f} "
                f"({self.kind_hits.get(kind, 0)}/{self.kind_total.get(kind, 0)})"
            )
        return "\n".join(lines)


def score(cases: Iterable[dict], reviewer: Callable[[str], Review]) -> Score:
    """Score ``reviewer`` on ``cases``: an utterance is positive when any label is an
    intervention kind, and detected when any finding has severity ``intervention``."""
    s = Score()
    for case in cases:
        r = reviewer(case["text"])
        truth = bool(set(case["kinds"]) & INTERVENTION_KINDS)
        found = r.has_intervention
        if truth and found:
            s.tp += 1
        elif truth:
            s.fn += 1
            s.misses.append(case["text"])
        elif found:
            s.fp += 1
            s.false_alarms.append(f"{case['text']}  -> {sorted(r.kinds)}")
        else:
            s.tn += 1
        for kind in case["kinds"]:
            s.kind_total[kind] = s.kind_total.get(kind, 0) + 1
            if kind in r.kinds:
                s.kind_hits[kind] = s.kind_hits.get(kind, 0) + 1
    return s
