"""Train the reviewer's learned layer and write ``bot/core/review/data/learned.npz``.

Run: ``.venv/bin/python bench/train_reviewer.py`` (deterministic; about a minute on one core).

Training data: the corpus authors ENA, ENB, ENC (English) and ESA (Spanish) in
``tests/data/corpus/`` plus ``review_cases.jsonl`` and ``review_cases_es.jsonl``. Never
read here: the held-out authors END and ESB, ``reflections.jsonl``, the evaluation
sets ``review_holdout*.jsonl`` and ``tests/data/blind2``.

Steps:

1. features of each utterance (:func:`bot.core.review.learned.feature_strings`: words
   and word pairs), weighed by scikit-learn's ``TfidfVectorizer`` (binary tf, smooth
   idf, L2 norm; features in at least :data:`MIN_DF` utterances);
2. one L2 logistic regression per finding kind, per good move and for "any
   intervention" (scikit-learn, ``liblinear``, C = :data:`C`);
3. thresholds chosen on out-of-fold probabilities (folds: leave one English author
   out; five folds for the Spanish author and the ``review_cases`` sets): the "any
   intervention" head (which gates every intervention kind) at the lowest threshold
   whose gated rules + learned precision reaches 0.95, gated as at run time (no learned
   intervention on a reflection-shaped turn; the reflection head at :data:`VETO` or more
   needs :data:`SURE`); the bar for the words a reflection stem frames (:data:`STEM`);
   other labels at the best F1 of rules + learned, a label where the learned layer adds
   nothing over the rules left to the rules;
4. the rules' confidence: each rule's precision on the same training data,
   smoothed (``(hits + 1) / (fires + 2)``), written to ``data/rule_confidence.json``;
5. the arrays (float32) and the metadata (training files' SHA-256, settings, the
   out-of-fold figures) are saved with ``numpy.savez_compressed``; no pickle.

Model selection (``--select`` prints it again) was by the same folds only: at
out-of-fold precision 0.95, gated recall was 0.797 for binary word + word-pair
features (C 4, the previous model), 0.805 with tf-idf (C 10; C 3: 0.790, C 30: 0.793;
with word triples 0.804), 0.784 with character 3-5-grams added (binary, C 1) and 0.753-0.757
with tf-idf character 3-5-grams (C 10, 30); averaging models gave no more (0.802-0.807),
nor did balanced class weights (0.807); scoring each sentence and taking the highest
gave less (0.710).
Character n-grams also cost several times the features per utterance. Chosen: word +
word-pair tf-idf, C 10.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.models import FINDING_KINDS, INTERVENTION_KINDS, Review  # noqa: E402
from bot.core.review.learned import feature_strings  # noqa: E402
from bot.core.text import clean  # noqa: E402

DATA = ROOT / "tests" / "data"
CORPUS = DATA / "corpus"
TRAIN_AUTHORS = ("ENA", "ENB", "ENC", "ESA")
TUNING_FILES = ("review_cases.jsonl", "review_cases_es.jsonl")
"""The project's older labelled sets trained on (``review_holdout*`` are evaluation sets)."""
MOVES = ("open_question", "follow_up", "reflection", "affirmation")
LABELS = (*FINDING_KINDS, *(f"move:{m}" for m in MOVES), "intervention")
"""One head per kind, per move, and one for "any intervention kind" (more data per head)."""
OUT = ROOT / "bot" / "core" / "review" / "data"
C = 10.0
"""Inverse regularization strength, chosen on the folds (see the module docstring)."""
MIN_DF = 2
"""A feature must occur in at least this many training utterances."""
MIN_GAIN = 0.005
TARGET_PRECISION = 0.95
"""Out-of-fold intervention precision (rules + learned) the learned head's threshold must reach."""
VETO = 0.2
SURE = 0.99
"""Reflection gate (see :data:`bot.core.review.learned.VETO`): a turn the reflection
head scores at ``VETO`` or more gets a learned intervention only at ``SURE`` (chosen on
the training folds for the previous model; 0.2-0.5 made no difference of note for this one)."""
STEM_GRID = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99)


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


def vectorizer() -> TfidfVectorizer:
    """The feature weighting: tf-idf of :func:`feature_strings` (binary tf, smooth idf, L2)."""
    return TfidfVectorizer(analyzer=feature_strings, binary=True, min_df=MIN_DF)


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
    clf = LogisticRegression(C=C, max_iter=3000, solver="liblinear")
    clf.fit(x, y)
    return clf


FOLDS = {
    "ENA": ["ENA"],
    "ENB": ["ENB"],
    "ENC": ["ENC"],
    **{f"k{k}": [f"ESA-{k}", f"tuning-{k}"] for k in range(5)},
}
"""Leave one English author out; five folds over the Spanish author and the older sets."""


def out_of_fold(
    rows: list[dict], lows: list[str], frames: list[list[str]]
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold probability per row and label (groups as folds), and per row the
    highest out-of-fold "any intervention" probability of the words its reflection
    stems frame (0 when it has none)."""
    groups = np.array([r["group"] for r in rows])
    probs = np.zeros((len(rows), len(LABELS)))
    framed = np.zeros(len(rows))
    head = LABELS.index("intervention")
    for members in FOLDS.values():
        test = np.isin(groups, members)
        train_idx = np.nonzero(~test)[0]
        test_idx = np.nonzero(test)[0]
        vec = vectorizer()
        x_train = vec.fit_transform([lows[i] for i in train_idx])
        x_test = vec.transform([lows[i] for i in test_idx])
        parts = [(i, f) for i in test_idx for f in frames[i]]
        x_frames = vec.transform([f for _i, f in parts]) if parts else None
        for j, label in enumerate(LABELS):
            y, mask = _targets(rows, label)
            tr = mask[train_idx]
            if y[train_idx][tr].sum() == 0:
                continue
            clf = _fit(x_train[tr], y[train_idx][tr])
            probs[test, j] = clf.predict_proba(x_test)[:, 1]
            if j == head and x_frames is not None:
                for (i, _f), pr in zip(parts, clf.predict_proba(x_frames)[:, 1], strict=True):
                    framed[i] = max(framed[i], pr)
    return probs, framed


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
    probs: np.ndarray,
    t: float,
    rules: np.ndarray,
    reflective: np.ndarray,
    framed: np.ndarray,
    stem: float,
) -> np.ndarray:
    """Rules + learned "any intervention" per row, gated as at run time.

    The learned layer adds an intervention only where the rules found none: on a turn
    the rules see as reflection-shaped only through the words a reflection stem frames
    (at ``stem``), elsewhere at ``t`` or above, and when the reflection head reaches
    :data:`VETO` only at :data:`SURE` or above.
    """
    head = probs[:, LABELS.index("intervention")]
    refl = probs[:, LABELS.index("move:reflection")]
    vetoed = (refl >= VETO) & (head < SURE)
    add = ~rules & ~reflective & (head >= t) & ~vetoed
    return rules | add | (~rules & (framed >= stem))


def clean_reflections(rows: list[dict], truth: np.ndarray) -> np.ndarray:
    """Rows labelled as a reflection with no intervention kind."""
    refl = np.array([r["moves"] is not None and "reflection" in r["moves"] for r in rows])
    return refl & ~truth


def stem_threshold(
    rules: np.ndarray, framed: np.ndarray, truth: np.ndarray, clean: np.ndarray
) -> float:
    """The lowest bar of :data:`STEM_GRID` at which the framed words of the training
    folds' clean reflections add no false flag and the flags they add are at least
    :data:`TARGET_PRECISION` precise; 1.0 (never) when none is."""
    for t in STEM_GRID:
        add = ~rules & (framed >= t)
        if (add & clean).sum() == 0 and (
            not add.any() or (add & truth).sum() / add.sum() >= TARGET_PRECISION
        ):
            return t
    return 1.0


def intervention_threshold(
    probs: np.ndarray,
    truth: np.ndarray,
    rules: np.ndarray,
    reflective: np.ndarray,
    framed: np.ndarray,
    stem: float,
) -> float:
    """The lowest threshold whose out-of-fold rules + learned precision reaches
    :data:`TARGET_PRECISION` (precision first: a reviewer that flags empathy is
    worse than one that misses); 1.0 (rules alone) when none does."""
    for t in [round(t, 2) for t in np.arange(0.50, 0.99, 0.01)]:
        pred = gated_intervention(probs, t, rules, reflective, framed, stem)
        if _f1(pred, truth)[0] >= TARGET_PRECISION:
            return t
    return 1.0


def choose_thresholds(
    rows: list[dict], probs: np.ndarray, rule_reviews: list[Review], inter_t: float
) -> list[float]:
    """Per label: the threshold with the best out-of-fold F1 of rules + learned;
    the "any intervention" head: ``inter_t`` (:func:`intervention_threshold`).

    A label whose best F1 does not beat the rules alone by ``MIN_GAIN`` is left
    to the rules (threshold 1.0: never fires).
    """
    grid = [round(t, 2) for t in np.arange(0.30, 0.96, 0.05)]
    out = []
    for j, label in enumerate(LABELS):
        if label == "intervention":
            out.append(inter_t)
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
    gated: np.ndarray,
    framed: np.ndarray,
    stem: float,
) -> dict[str, object]:
    """Print the out-of-fold figures (training folds only) and return them for the metadata."""
    y, _mask = _targets(rows, "intervention")
    truth = y.astype(bool)
    rules = np.array([rv.has_intervention for rv in rule_reviews])
    t = thresholds[LABELS.index("intervention")]
    p, r, _f = _f1(gated, truth)
    p0, r0, _f0 = _f1(rules, truth)
    clean = clean_reflections(rows, truth)
    print(
        f"out-of-fold intervention, rules alone: P {p0:.3f} R {r0:.3f}; with learned "
        f"interventions (t={t:.2f}, veto {VETO}, sure {SURE}, stem {stem}): P {p:.3f} R {r:.3f}"
    )
    print(
        f"  clean reflections flagged: {gated[clean].sum()} of {clean.sum()} "
        f"(rules alone {rules[clean].sum()})"
    )
    stem_add = ~rules & (framed >= stem)
    print(
        f"  framed words of reflection stems: {stem_add.sum()} turns added, "
        f"{(stem_add & truth).sum()} of them interventions"
    )
    print("out-of-fold figures, rules alone -> rules + learned (precision, recall):")
    per: dict[str, list[float]] = {}
    for j, label in enumerate(LABELS):
        y, mask = _targets(rows, label)
        lab_truth = y[mask].astype(bool)
        rule_hit = _rule_hits(rows, label, rule_reviews)[mask]
        a = _f1(rule_hit, lab_truth)
        b = _f1(rule_hit | (probs[mask, j] >= thresholds[j]), lab_truth)
        per[label] = [round(b[0], 3), round(b[1], 3)]
        print(
            f"  {label:22s} t={thresholds[j]:.2f}  P {a[0]:.3f} R {a[1]:.3f}  ->  "
            f"P {b[0]:.3f} R {b[1]:.3f}  (n={lab_truth.sum()})"
        )
    return {
        "rules": [round(p0, 3), round(r0, 3)],
        "gated": [round(p, 3), round(r, 3)],
        "clean_reflections": int(clean.sum()),
        "clean_reflections_flagged": int(gated[clean].sum()),
        "clean_reflections_flagged_rules": int(rules[clean].sum()),
        "framed_added": [int(stem_add.sum()), int((stem_add & truth).sum())],
        "per_label": per,
    }


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


def training_digest() -> dict[str, str]:
    """SHA-256 of every file trained on (recorded in the model file's metadata)."""
    paths = [CORPUS / f"{a}.jsonl" for a in TRAIN_AUTHORS] + [DATA / n for n in TUNING_FILES]
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def settings() -> dict[str, object]:
    """The settings that decide the arrays (recorded in the metadata)."""
    return {
        "features": "words and word pairs (bot.core.review.learned.feature_strings)",
        "weighting": "tf-idf, binary tf, smooth idf, l2 norm",
        "min_df": MIN_DF,
        "model": "logistic regression, liblinear, L2",
        "C": C,
    }


def fit_final(rows: list[dict]) -> dict[str, np.ndarray]:
    """Fit every head on all training rows; returns the arrays of the model file
    (``labels``, ``vocab``, ``idf``, ``weights``, ``intercepts``), deterministic."""
    lows = [clean(r["text"]).low for r in rows]
    vec = vectorizer()
    x = vec.fit_transform(lows)
    weights = np.zeros((x.shape[1], len(LABELS)))
    intercepts = np.zeros(len(LABELS))
    for j, label in enumerate(LABELS):
        y, mask = _targets(rows, label)
        clf = _fit(x[mask], y[mask])
        weights[:, j] = clf.coef_[0]
        intercepts[j] = clf.intercept_[0]
    return {
        "labels": np.array(LABELS),
        "vocab": np.array(vec.get_feature_names_out().tolist()),
        "idf": vec.idf_.astype(np.float32),
        "weights": weights.astype(np.float32),
        "intercepts": intercepts.astype(np.float32),
    }


def main() -> None:
    """Train, report out-of-fold figures, write the model and the rule confidences."""
    from bot.core.review.reviewer import (
        reflection_frames,
        review_rules_only,
        turn_is_reflection_shaped,
    )

    rows = load_training()
    lows = [clean(r["text"]).low for r in rows]
    frames = [
        [low[s:e] for s, e in reflection_frames(r["text"])]
        for r, low in zip(rows, lows, strict=True)
    ]
    rule_reviews = [review_rules_only(r["text"]) for r in rows]
    rules = np.array([rv.has_intervention for rv in rule_reviews])
    reflective = np.array([turn_is_reflection_shaped(r["text"]) for r in rows])
    y, _mask = _targets(rows, "intervention")
    truth = y.astype(bool)
    print(f"{len(rows)} training utterances")
    probs, framed = out_of_fold(rows, lows, frames)
    stem = stem_threshold(rules, framed, truth, clean_reflections(rows, truth))
    inter_t = intervention_threshold(probs, truth, rules, reflective, framed, stem)
    thresholds = choose_thresholds(rows, probs, rule_reviews, inter_t)
    gated = gated_intervention(probs, inter_t, rules, reflective, framed, stem)
    figures = _report(rows, probs, thresholds, rule_reviews, gated, framed, stem)

    arrays = fit_final(rows)
    meta = {
        "training_files": training_digest(),
        "rows": len(rows),
        "settings": settings(),
        "out_of_fold": figures,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        OUT / "learned.npz",
        **arrays,
        thresholds=np.array(thresholds, dtype=np.float32),
        gate=np.array([VETO, SURE, stem], dtype=np.float32),
        meta=np.array(json.dumps(meta, sort_keys=True)),
    )
    conf = rule_confidence(rows)
    (OUT / "rule_confidence.json").write_text(json.dumps(conf, indent=1) + "\n", encoding="utf-8")
    size = (OUT / "learned.npz").stat().st_size
    n = len(arrays["vocab"])
    print(f"wrote {OUT / 'learned.npz'} ({n} features, {size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
