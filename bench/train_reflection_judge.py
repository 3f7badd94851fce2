"""Train the reflection judge and write ``bot/core/review/data/reflection_judge.npz``.

Run: ``.venv/bin/python bench/train_reflection_judge.py`` (deterministic; a few seconds).

The judge is one L2 logistic regression (scikit-learn, ``liblinear``, C = :data:`C`)
over the learned layer's features (words and word pairs,
:func:`bot.core.review.learned.feature_strings`; tf-idf, binary tf, features in at
least :data:`MIN_DF` lines) that tells a judgment dressed as a reflection ("So you're
saying you let him decide") from a clean reflection. The reviewer asks it only about
a turn no rule flags as an intervention (``bot/core/review/reviewer.py``).

Training data: the labelled reflection sets (``label`` is ``reflection`` or
``judgmental_reflection``): ``tests/data/corpus/reflections.jsonl``, the measured and
now-seen blind sets ``tests/data/blind_pending/reflections2``, ``3`` and ``4``, and
``tests/data/reflection_judge_lines.jsonl`` (lines written for this model in two
voices). Never read here: the lines of ``tests/test_review_reflections4.py``.

The bar: folds leave one set out; the bar is the lowest of :data:`BARS` at which the
judge, on the held-out sets' clean reflections (pooled over the folds) that the rules
leave clean, flags at most :data:`MAX_CLEAN_FLAGGED` of them (the target is "none
flagged"). The arrays are
those of ``learned.npz`` (see :class:`bot.core.review.learned.LearnedModel`), one label.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.review import review  # noqa: E402
from bot.core.review.learned import feature_strings  # noqa: E402

C = 10.0
"""Inverse regularization; C 1 and 3 caught fewer rule misses on the folds."""
MIN_DF = 2
BARS = (0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
MAX_CLEAN_FLAGGED = 0.005
"""Largest share of a held-out set's clean reflections the judge may flag."""
SETS = {
    "corpus": ROOT / "tests/data/corpus/reflections.jsonl",
    "reflections2": ROOT / "tests/data/blind_pending/reflections2/reflections.jsonl",
    "reflections3": ROOT / "tests/data/blind_pending/reflections3/reflections.jsonl",
    "reflections4": ROOT / "tests/data/blind_pending/reflections4/reflections.jsonl",
    "written": ROOT / "tests/data/reflection_judge_lines.jsonl",
}
OUT = ROOT / "bot/core/review/data/reflection_judge.npz"


def _rows(path: Path) -> list[tuple[str, int]]:
    """``(text, 1 for a judgment)`` per line of a reflections file."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            out.append((r["text"], int(r["label"] != "reflection")))
    return out


def _features(text: str) -> list[str]:
    return feature_strings(text.lower())


def _fit(rows: list[tuple[str, int]]) -> tuple[TfidfVectorizer, LogisticRegression]:
    vec = TfidfVectorizer(analyzer=_features, binary=True, min_df=MIN_DF)
    x = vec.fit_transform([t for t, _ in rows])
    clf = LogisticRegression(C=C, solver="liblinear").fit(x, [y for _, y in rows])
    return vec, clf


def main() -> None:
    """Choose the bar on the folds, fit on everything, write the file, print figures."""
    sets = {name: _rows(path) for name, path in SETS.items() if path.exists()}
    texts = [t for rows in sets.values() for t, _ in rows]
    ruled = {t: review(t, learned=False).has_intervention for t in texts}
    flagged = dict.fromkeys(BARS, 0)
    caught = dict.fromkeys(BARS, 0)
    n_clean = 0
    for held, test in sets.items():
        vec, clf = _fit([r for name, rows in sets.items() if name != held for r in rows])
        probs = clf.predict_proba(vec.transform([t for t, _ in test]))[:, 1]
        clean = [p for (t, y), p in zip(test, probs, strict=True) if not y and not ruled[t]]
        n_clean += sum(1 for _, y in test if not y)
        for bar in BARS:
            flagged[bar] += sum(p >= bar for p in clean)
            caught[bar] += sum(
                1 for (t, y), p in zip(test, probs, strict=True) if y and not ruled[t] and p >= bar
            )
    bar = next((b for b in BARS if flagged[b] / n_clean <= MAX_CLEAN_FLAGGED), BARS[-1])
    for b in BARS:
        print(f"bar {b:.2f}: clean flagged {flagged[b]}/{n_clean}, rule misses caught {caught[b]}")
    print(f"chosen bar {bar}")
    every = [r for rows in sets.values() for r in rows]
    vec, clf = _fit(every)
    vocab = vec.get_feature_names_out().tolist()
    meta = {"C": C, "min_df": MIN_DF, "bar": bar, "lines": len(every), "sets": sorted(sets)}
    np.savez_compressed(
        OUT,
        labels=np.array(["judgment"]),
        vocab=np.array(vocab),
        idf=vec.idf_.astype(np.float32),
        weights=clf.coef_.T.astype(np.float32),
        intercepts=clf.intercept_.astype(np.float32),
        thresholds=np.array([bar], dtype=np.float32),
        gate=np.array([1.0, 1.0, 1.0], dtype=np.float32),
        meta=np.array(json.dumps(meta, sort_keys=True)),
    )
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes, {len(vocab)} features)")


if __name__ == "__main__":
    main()
