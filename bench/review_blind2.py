"""The reviewer on the fresh blind set (tests/data/blind2): one command, figures only.

    .venv/bin/python bench/review_blind2.py

Prints, for English and Spanish and both together: intervention precision and recall,
per-kind precision and recall, and on the set's genuine reflections (a reflection move,
no problem kind): the share recognized as reflections and the share flagged as an
intervention; on judgments in the set, the share flagged. It prints no utterance, so
running it does not leak the set (it is for measuring, never for tuning).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.models import FINDING_KINDS, INTERVENTION_KINDS, Review  # noqa: E402
from bot.core.review import review  # noqa: E402

DATA = ROOT / "tests" / "data" / "blind2" / "review_blind2.jsonl"


def _rules_only() -> Callable[[str], Review] | None:
    try:
        from bot.core.review import review_rules_only  # type: ignore[attr-defined]
    except ImportError:
        return None
    return review_rules_only  # type: ignore[no-any-return]


def figures(cases: list[dict], reviewer: Callable[[str], Review]) -> dict[str, float]:
    """Score ``reviewer`` on ``cases``; returns named figures (rates 0-1, counts)."""
    tp = fp = fn = tn = 0
    kind_tp: Counter[str] = Counter()
    kind_fp: Counter[str] = Counter()
    kind_fn: Counter[str] = Counter()
    refl = refl_seen = refl_flagged = 0
    for case in cases:
        r = reviewer(case["text"])
        truth = set(case["kinds"])
        found = r.kinds
        t, f = bool(truth & INTERVENTION_KINDS), r.has_intervention
        tp += t and f
        fp += f and not t
        fn += t and not f
        tn += not t and not f
        for k in FINDING_KINDS:
            kind_tp[k] += k in truth and k in found
            kind_fp[k] += k in found and k not in truth
            kind_fn[k] += k in truth and k not in found
        if "reflection" in case["moves"] and not truth:
            refl += 1
            refl_seen += "reflection" in r.moves
            refl_flagged += f
    out: dict[str, float] = {
        "n": len(cases),
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "reflections": refl,
        "reflections_recognized": refl_seen / refl if refl else float("nan"),
        "reflections_flagged": refl_flagged / refl if refl else float("nan"),
    }
    for k in FINDING_KINDS:
        p = kind_tp[k] + kind_fp[k]
        q = kind_tp[k] + kind_fn[k]
        out[f"{k}_precision"] = kind_tp[k] / p if p else float("nan")
        out[f"{k}_recall"] = kind_tp[k] / q if q else float("nan")
        out[f"{k}_n"] = q
    return out


def _print(name: str, f: dict[str, float]) -> None:
    print(
        f"{name:<18} n={int(f['n']):>3}  intervention precision {f['precision']:.3f} "
        f"recall {f['recall']:.3f}   clean reflections: {int(f['reflections'])}, recognized "
        f"{f['reflections_recognized']:.2f}, flagged as intervention {f['reflections_flagged']:.2f}"
    )
    kinds = "  ".join(
        f"{k} P{f[f'{k}_precision']:.2f}/R{f[f'{k}_recall']:.2f}(n={int(f[f'{k}_n'])})"
        for k in FINDING_KINDS
    )
    print(f"{'':<18} {kinds}")


def main() -> None:
    """Print the figures for the full reviewer and, when available, the rules alone."""
    cases = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]
    parts = {
        "English (ENF)": [c for c in cases if c["author"] == "ENF"],
        "Spanish (ESF)": [c for c in cases if c["author"] == "ESF"],
        "both": cases,
    }
    reviewers: dict[str, Callable[[str], Review]] = {
        "reviewer (default)": review,
        "with learned interventions": lambda t: review(t, learned_interventions=True),
    }
    rules = _rules_only()
    if rules is not None:
        reviewers["rules only"] = rules
    for label, fn in reviewers.items():
        print(f"== {label} ==")
        for name, part in parts.items():
            _print(name, figures(part, fn))


if __name__ == "__main__":
    main()
