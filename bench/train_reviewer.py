"""Train the reviewer's learned layer and write ``bot/core/review/data/learned.npz``.

Run: ``.venv/bin/python bench/train_reviewer.py`` (deterministic; about a minute on one core).

Training data: the corpus authors ENA, ENB, ENC (English) and ESA (Spanish) in
``tests/data/corpus/`` plus the project's tuning sets (``review_cases*.jsonl``,
``review_holdout.jsonl``, ``review_holdout_es.jsonl``). Never read here: the
held-out authors END and ESB, ``reflections.jsonl`` and ``review_holdout2.jsonl``.

Steps:

1. features of each utterance (:func:`bot.core.review.learned.feature_strings`);
2. one L2 logistic regression per finding kind and per good move (scikit-learn);
3. thresholds chosen on out-of-fold probabilities; the "any intervention" head (which
   gates every intervention kind) at the lowest threshold whose gated rules + learned
   precision reaches 0.95, with the reflection gate (:data:`VETO`, :data:`SURE`); other
   labels (leave one English author out,
   five folds for the Spanish author and the tuning sets) for the combined
   reviewer (rules, then the learned layer adds a kind the rules missed), each
   label's threshold the one with the best F1 on the folds; a label where the
   learned layer adds nothing over the rules is left to the rules;
4. the rules' confidence: each rule's precision on the same training data,
   smoothed (``(hits + 1) / (fires + 2)``), written to ``data/rule_confidence.json``;
5. the arrays (features with a non-zero weight, weights as float32) are saved with
   ``numpy.savez_compressed``.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.models import FINDING_KINDS, INTERVENTION_KINDS, Review  # noqa: E402
from bot.core.review.learned import feature_strings  # noqa: E402
from bot.core.text import clean  # noqa: E402

DATA = ROOT / "tests" / "data"
CORPUS = DATA / "corpus"
TRAIN_AUTHORS = ("ENA", "ENB", "ENC", "ESA")
TUNING_FILES = (
    "review_cases.jsonl",
    "review_cases_es.jsonl",
    "review_holdout.jsonl",
    "review_holdout_es.jsonl",
)
MOVES = ("open_question", "follow_up", "reflection", "affirmation")
LABELS = (*FINDING_KINDS, *(f"move:{m}" for m in MOVES), "intervention")
"""One head per kind, per move, and one for "any intervention kind" (more data per head)."""
OUT = ROOT / "bot" / "core" / "review" / "data"
C = 4.0
MIN_GAIN = 0.005
MIN_COUNT = 2
TARGET_PRECISION = 0.95
"""Out-of-fold intervention precision (rules + learned) the learned head's threshold must reach."""
VETO = 0.2
SURE = 0.99
"""Reflection gate (see :data:`bot.core.review.learned.VETO`), chosen on the training
folds (leave one author out; 408 clean reflections, 1,183 clean good moves). With the
rules' reflection/affirmation shapes and the ``restating`` shape, at the threshold that
reaches 0.95 precision (0.82): learned interventions on clean reflections 9 -> 5 and on
clean good moves 16 -> 14 (sure 0.98 -> 0.99, the shape added), recall 0.796 -> 0.795.
Word and word-pair features: character 2-5-grams (hashed, or tf-idf) gave no better
separation on the folds (precision 0.95 needed the same or a higher threshold) and cost
more time per utterance."""
"""A feature must occur in at least this many training utterances."""


def load_training() -> list[dict]:
    """Training rows: ``text``, ``kinds``, ``moves`` (None when not labelled), ``group``."""
    rows: list[dict] = []
    for author in TRAIN_AUTHORS:
        with (CORPUS / f"{author}.jsonl").open(encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                r = json.loads(line)
                assert not r["held_out"]
                group = author if author.startswith("EN") else f"{author}-{i % 5}"
                rows.append(
                    {"text": r["text"], "kinds": r["kinds"], "moves": r["moves"], "group": group}
                )
    for name in TUNING_FILES:
        with (DATA / name).open(encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if line.strip():
                    r = json.loads(line)
                    rows.append(
                        {
                            "text": r["text"],
                            "kinds": r["kinds"],
                            "moves": None,
                            "group": f"tuning-{i % 5}",
                        }
                    )
    return rows


def _matrix(docs: list[list[str]], vocab: dict[str, int]) -> csr_matrix:
    indptr, indices = [0], []
    for feats in docs:
        ids = sorted({vocab[f] for f in feats if f in vocab})
        indices.extend(ids)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float64)
    return csr_matrix((data, indices, indptr), shape=(len(docs), len(vocab)))


def _vocab(docs: list[list[str]]) -> dict[str, int]:
    df: Counter[str] = Counter()
    for feats in docs:
        df.update(set(feats))
    kept = sorted(f for f, n in df.items() if n >= MIN_COUNT)
    return {f: i for i, f in enumerate(kept)}


def _targets(rows: list[dict], label: str) -> tuple[np.ndarray, np.ndarray]:
    """Target vector and mask of the rows that carry this label's annotation."""
    if label == "intervention":
        inter = set(INTERVENTION_KINDS)
        y = np.array([bool(set(r["kinds"]) & inter) for r in rows])
        return y.astype(int), np.ones(len(rows), dtype=bool)
    if label.startswith("move:"):
        move = label.removeprefix("move:")
        mask = np.array([r["moves"] is not None for r in rows])
        y = np.array([r["moves"] is not None and move in r["moves"] for r in rows])
    else:
        mask = np.ones(len(rows), dtype=bool)
        y = np.array([label in r["kinds"] for r in rows])
    return y.astype(int), mask


def _fit(x: csr_matrix, y: np.ndarray) -> LogisticRegression:
    clf = LogisticRegression(C=C, max_iter=2000, solver="liblinear")
    clf.fit(x, y)
    return clf


def out_of_fold(rows: list[dict], docs: list[list[str]]) -> np.ndarray:
    """Out-of-fold probability per row and label (groups as folds)."""
    groups = np.array([r["group"] for r in rows])
    folds = {
        "ENA": ["ENA"],
        "ENB": ["ENB"],
        "ENC": ["ENC"],
        **{f"k{k}": [f"ESA-{k}", f"tuning-{k}"] for k in range(5)},
    }
    probs = np.zeros((len(rows), len(LABELS)))
    for members in folds.values():
        test = np.isin(groups, members)
        train_idx = np.nonzero(~test)[0]
        vocab = _vocab([docs[i] for i in train_idx])
        x_train = _matrix([docs[i] for i in train_idx], vocab)
        x_test = _matrix([docs[i] for i in np.nonzero(test)[0]], vocab)
        for j, label in enumerate(LABELS):
            y, mask = _targets(rows, label)
            tr = mask[train_idx]
            if y[train_idx][tr].sum() == 0:
                continue
            clf = _fit(x_train[tr], y[train_idx][tr])
            probs[test, j] = clf.predict_proba(x_test)[:, 1]
    return probs


def _rule_hits(rows: list[dict], label: str, rule_reviews: list[Review]) -> np.ndarray:
    """Whether the rules alone already give this label, per row."""
    if label == "intervention":
        return np.array([rv.has_intervention for rv in rule_reviews])
    if label.startswith("move:"):
        return np.array([label.removeprefix("move:") in rv.moves for rv in rule_reviews])
    return np.array([label in rv.kinds for rv in rule_reviews])


def _f1(pred: np.ndarray, truth: np.ndarray) -> tuple[float, float, float]:
    tp = int((pred & truth).sum())
    fp = int((pred & ~truth).sum())
    fn = int((~pred & truth).sum())
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def gated_intervention(
    probs: np.ndarray, t: float, rule_reviews: list[Review], reflective: np.ndarray
) -> np.ndarray:
    """Rules + learned "any intervention" per row, gated as at run time.

    The learned layer adds an intervention only where the rules found none, at
    ``t`` or above, and on a reflection-shaped turn (the rules' shapes, or the
    reflection head at :data:`VETO` or above) only at :data:`SURE` or above.
    """
    head = probs[:, LABELS.index("intervention")]
    refl = probs[:, LABELS.index("move:reflection")]
    rules = np.array([rv.has_intervention for rv in rule_reviews])
    shaped = reflective | (refl >= VETO)
    add = ~rules & (head >= t) & (~shaped | (head >= SURE))
    return rules | add


def intervention_threshold(
    rows: list[dict], probs: np.ndarray, rule_reviews: list[Review], reflective: np.ndarray
) -> float:
    """The lowest threshold whose out-of-fold rules + learned precision reaches
    :data:`TARGET_PRECISION` (precision first: a reviewer that flags empathy is
    worse than one that misses); 1.0 (rules alone) when none does."""
    y, _mask = _targets(rows, "intervention")
    truth = y.astype(bool)
    for t in [round(t, 2) for t in np.arange(0.50, 0.99, 0.01)]:
        p, _r, _f = _f1(gated_intervention(probs, t, rule_reviews, reflective), truth)
        if p >= TARGET_PRECISION:
            return t
    return 1.0


def choose_thresholds(
    rows: list[dict], probs: np.ndarray, rule_reviews: list[Review], reflective: np.ndarray
) -> list[float]:
    """Per label: the threshold with the best out-of-fold F1 of rules + learned;
    the "any intervention" head: :func:`intervention_threshold`.

    A label whose best F1 does not beat the rules alone by ``MIN_GAIN`` is left
    to the rules (threshold 1.0: never fires).
    """
    grid = [round(t, 2) for t in np.arange(0.30, 0.96, 0.05)]
    out = []
    for j, label in enumerate(LABELS):
        if label == "intervention":
            out.append(intervention_threshold(rows, probs, rule_reviews, reflective))
            continue
        y, mask = _targets(rows, label)
        truth = y[mask].astype(bool)
        rule_hit = _rule_hits(rows, label, rule_reviews)[mask]
        best_t, best_f = 1.0, _f1(rule_hit, truth)[2] + MIN_GAIN
        for t in grid:
            f = _f1(rule_hit | (probs[mask, j] >= t), truth)[2]
            if f > best_f:
                best_t, best_f = t, f
        out.append(best_t)
    return out


def _report(
    rows: list[dict],
    probs: np.ndarray,
    thresholds: list[float],
    rule_reviews: list[Review],
    reflective: np.ndarray,
) -> None:
    y, _mask = _targets(rows, "intervention")
    truth = y.astype(bool)
    t = thresholds[LABELS.index("intervention")]
    pred = gated_intervention(probs, t, rule_reviews, reflective)
    rules = np.array([rv.has_intervention for rv in rule_reviews])
    p, r, _f = _f1(pred, truth)
    print(f"gated intervention (t={t:.2f}, veto {VETO}, sure {SURE}): P {p:.3f} R {r:.3f}")
    clean = np.array([r["moves"] is not None and "reflection" in r["moves"] for r in rows]) & ~truth
    good = (
        np.array(
            [
                r["moves"] is not None
                and bool(set(r["moves"]) & {"reflection", "affirmation", "open_question"})
                for r in rows
            ]
        )
        & ~truth
    )
    print(
        f"  clean reflections flagged: {pred[clean].sum()} of {clean.sum()} "
        f"(rules alone {rules[clean].sum()}); clean good moves flagged: {pred[good].sum()} "
        f"of {good.sum()} (rules alone {rules[good].sum()})"
    )
    print("out-of-fold figures, rules alone -> rules + learned (precision, recall):")
    for j, label in enumerate(LABELS):
        y, mask = _targets(rows, label)
        truth = y[mask].astype(bool)
        rule_hit = _rule_hits(rows, label, rule_reviews)[mask]
        a = _f1(rule_hit, truth)
        b = _f1(rule_hit | (probs[mask, j] >= thresholds[j]), truth)
        print(
            f"  {label:22s} t={thresholds[j]:.2f}  P {a[0]:.3f} R {a[1]:.3f}  ->  "
            f"P {b[0]:.3f} R {b[1]:.3f}  (n={truth.sum()})"
        )


def rule_confidence(rows: list[dict]) -> dict[str, float]:
    """Each rule's smoothed precision on the training rows (by rule name)."""
    from bot.core.review.reviewer import rule_hits

    fires: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    for r in rows:
        for name, kind in rule_hits(r["text"]):
            fires[name] += 1
            hits[name] += kind in r["kinds"]
    return {n: round((hits[n] + 1) / (fires[n] + 2), 3) for n in sorted(fires)}


def main() -> None:
    """Train, report out-of-fold figures, write the model and the rule confidences."""
    from bot.core.review.reviewer import review_rules_only, turn_is_reflection_shaped

    rows = load_training()
    docs = [feature_strings(clean(r["text"]).low) for r in rows]
    rule_reviews = [review_rules_only(r["text"]) for r in rows]
    reflective = np.array([turn_is_reflection_shaped(r["text"]) for r in rows])
    print(f"{len(rows)} training utterances")
    probs = out_of_fold(rows, docs)
    thresholds = choose_thresholds(rows, probs, rule_reviews, reflective)
    _report(rows, probs, thresholds, rule_reviews, reflective)

    vocab = _vocab(docs)
    x = _matrix(docs, vocab)
    weights = np.zeros((len(vocab), len(LABELS)))
    intercepts = np.zeros(len(LABELS))
    for j, label in enumerate(LABELS):
        y, mask = _targets(rows, label)
        clf = _fit(x[mask], y[mask])
        weights[:, j] = clf.coef_[0]
        intercepts[j] = clf.intercept_[0]
    keep = np.nonzero(np.abs(weights).max(axis=1) > 1e-3)[0]
    names = sorted(vocab, key=vocab.__getitem__)
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        OUT / "learned.npz",
        labels=np.array(LABELS),
        vocab=np.array([names[i] for i in keep]),
        weights=weights[keep].astype(np.float32),
        intercepts=intercepts.astype(np.float32),
        thresholds=np.array(thresholds, dtype=np.float32),
        gate=np.array([VETO, SURE], dtype=np.float32),
    )
    conf = rule_confidence(rows)
    (OUT / "rule_confidence.json").write_text(json.dumps(conf, indent=1) + "\n", encoding="utf-8")
    size = (OUT / "learned.npz").stat().st_size
    print(f"wrote {OUT / 'learned.npz'} ({len(keep)} features, {size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
