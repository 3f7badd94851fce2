"""Measure the reviewer on the corpus: the author-split held-out part and the blind reflections.

Run: ``.venv/bin/python bench/review_eval.py [--rules-only | --learned-interventions]``

Prints aggregate figures only (never a text, never a list of misses) for:

- the held-out authors END (English) and ESB (Spanish), which training never saw:
  intervention precision and recall, and per-kind precision and recall;
- ``reflections.jsonl`` (tuning since 2026-12-02; ``--reflections FILE`` reads another):
  share recognized as reflections, share flagged as an intervention, and for the lines
  labelled as a judgment inside a reflection shape, the share flagged;
- the project's labelled sets in ``tests/data`` (as ``bench/review_quality.py``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.models import FINDING_KINDS, INTERVENTION_KINDS, Review  # noqa: E402
from bot.core.review import review  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "corpus"
HELD_OUT = ("END", "ESB")
INTER = set(INTERVENTION_KINDS)


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _pr(tp: int, fp: int, fn: int) -> str:
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    return f"precision {p:.3f} recall {r:.3f} (tp {tp}, fp {fp}, fn {fn})"


def labelled_figures(rows: list[dict], run: Callable[[str], Review]) -> list[str]:
    """Aggregate intervention and per-kind figures for labelled rows."""
    tp = fp = fn = 0
    per = {k: [0, 0, 0] for k in FINDING_KINDS}
    for row in rows:
        got = run(row["text"]).kinds
        want = set(row["kinds"])
        g, w = bool(got & INTER), bool(want & INTER)
        tp += g and w
        fp += g and not w
        fn += w and not g
        for k in FINDING_KINDS:
            per[k][0] += k in got and k in want
            per[k][1] += k in got and k not in want
            per[k][2] += k in want and k not in got
    out = [f"  intervention: {_pr(tp, fp, fn)}"]
    out += [f"    {k:11s} {_pr(*per[k])}" for k in FINDING_KINDS]
    return out


def reflection_figures(rows: list[dict], run: Callable[[str], Review]) -> list[str]:
    """Share of clean reflections recognized / flagged, and of judgmental ones flagged."""
    clean = [r for r in rows if r["label"] == "reflection"]
    judged = [r for r in rows if r["label"] == "judgmental_reflection"]
    recog = flagged = 0
    for r in clean:
        rv = run(r["text"])
        recog += "reflection" in rv.moves
        flagged += rv.has_intervention
    caught = sum(run(r["text"]).has_intervention for r in judged)
    out = [f"  clean reflections: {len(clean)}"]
    if clean:
        out.append(f"    recognized as reflection: {recog / len(clean):.3f} ({recog})")
        out.append(f"    flagged as intervention:  {flagged / len(clean):.3f} ({flagged})")
    if judged:
        out.append(
            f"  judgments in a reflection shape: {len(judged)}, flagged {caught / len(judged):.3f}"
        )
    return out


def main() -> None:
    """Print every figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules-only", action="store_true", help="without the learned layer")
    parser.add_argument(
        "--learned-interventions",
        action="store_true",
        help="let the learned layer add intervention findings (off by default)",
    )
    parser.add_argument(
        "--reflections",
        type=Path,
        default=CORPUS / "reflections.jsonl",
        help="a reflections file of the same shape (default: the corpus's, now tuning data)",
    )
    args = parser.parse_args()

    def run(text: str) -> Review:
        if args.learned_interventions:
            return review(text, learned_interventions=True)
        return review(text, learned=not args.rules_only)

    for author in HELD_OUT:
        path = CORPUS / f"{author}.jsonl"
        if not path.exists():
            print(f"{author}: not built yet")
            continue
        rows = [r for r in _read(path) if r.get("labels")]
        print(f"{author} (held out, {len(rows)} labelled lines):")
        print("\n".join(labelled_figures(rows, run)))
    refl = args.reflections
    if refl.exists():
        print(f"{refl.parent.name}/{refl.name}:")
        print("\n".join(reflection_figures(_read(refl), run)))
    for path in sorted((ROOT / "tests" / "data").glob("review_*.jsonl")):
        rows = _read(path)
        if not rows or "kinds" not in rows[0]:
            continue  # not a labelled set (e.g. recorded model answers)
        print(f"{path.name} ({len(rows)}):")
        print(labelled_figures(rows, run)[0])


if __name__ == "__main__":
    main()
