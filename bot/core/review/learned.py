"""The learned layer: a linear classifier for the phrasings no rule names.

Trained by ``bench/train_reviewer.py`` (scikit-learn logistic regression, one
binary model per finding kind and per good move) on the labelled corpus in
``tests/data/corpus/`` (authors ENA, ENB, ENC, ESA) and the project's tuning
sets. What ships is plain arrays in ``data/learned.npz``: the feature strings,
one weight row per feature, the intercepts and the decision thresholds. No
pickle, no scikit-learn at run time: a review computes its features (words
and word pairs of the folded text), sums their weights and applies the
logistic function.

A finding of the learned layer keeps the contract: its span and evidence are
the words of the highest-scoring sentence that drove the score most, its
``source`` is ``"learned"`` and its ``confidence`` is the model's probability.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from bot.core.text import ACCENT_FOLD

MAX_SPAN_CHARS = 60
"""Longest reach of a learned finding's span around its strongest word."""

INTERVENTION_LABELS = ("advice", "judgment", "persuasion", "correction")

_TOKEN = re.compile(r"[a-z0-9%\u00e1\u00e9\u00ed\u00f3\u00fa\u00f1\u00fc]+|[?¿]")


def tokens(low: str) -> list[tuple[str, int, int]]:
    """Words of a lower-cased text as the model sees them: ``(word, start, end)``.

    Apostrophes are dropped inside words ("don't" -> "dont") and accents folded,
    so the model sees the same word however it was typed. ``?`` is a token.
    """
    out = []
    for m in _TOKEN.finditer(low.replace("'", "\x00")):
        out.append((m.group().translate(ACCENT_FOLD), m.start(), m.end()))
    return _join_apostrophes(low, out)


def _join_apostrophes(low: str, toks: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Join the pieces of a word split by an apostrophe ("don" + "t" -> "dont")."""
    if "'" not in low:
        return toks
    joined: list[tuple[str, int, int]] = []
    for tok in toks:
        if joined and tok[1] == joined[-1][2] + 1 and low[joined[-1][2]] == "'":
            prev = joined[-1]
            joined[-1] = (prev[0] + tok[0], prev[1], tok[2])
        else:
            joined.append(tok)
    return joined


def features(toks: list[tuple[str, int, int]]) -> list[tuple[str, int]]:
    """Features of a token list: each word, each pair of neighbours and the first word.

    Returns ``(feature, token index)`` pairs; the index places the feature in the text.
    """
    out: list[tuple[str, int]] = []
    prev = "<s>"
    for i, (w, _s, _e) in enumerate(toks):
        out.append((w, i))
        out.append((prev + " " + w, i))
        prev = w
    return out


def feature_strings(low: str) -> list[str]:
    """The feature strings of one lower-cased utterance (for training)."""
    return [f for f, _ in features(tokens(low))]


@dataclass(frozen=True)
class LearnedHit:
    """One label the model predicts: a kind or a move, with where it came from."""

    label: str
    probability: float
    span: tuple[int, int]
    """Cleaned-text offsets of the words that drove the score."""


class LearnedModel:
    """The shipped linear model (see module docstring)."""

    def __init__(
        self,
        labels: list[str],
        vocab: list[str],
        weights: np.ndarray,
        intercepts: np.ndarray,
        thresholds: np.ndarray,
    ) -> None:
        self.labels = labels
        self.index = {f: i for i, f in enumerate(vocab)}
        self.weights = weights.astype(np.float64)
        self.intercepts = intercepts.astype(np.float64)
        self.thresholds = thresholds.astype(np.float64)
        self.head = labels.index("intervention") if "intervention" in labels else None
        self.intervention_ids = [labels.index(k) for k in INTERVENTION_LABELS if k in labels]
        self.logit_thresholds = np.array(
            [math.log(t / (1 - t)) if 0 < t < 1 else math.inf for t in thresholds]
        )

    @classmethod
    def load(cls) -> LearnedModel:
        """Load ``bot/core/review/data/learned.npz`` (plain arrays, ``allow_pickle=False``)."""
        path = resources.files("bot.core.review").joinpath("data/learned.npz")
        with resources.as_file(path) as p, np.load(p, allow_pickle=False) as z:
            return cls(
                [str(x) for x in z["labels"]],
                [str(x) for x in z["vocab"]],
                z["weights"],
                z["intercepts"],
                z["thresholds"],
            )

    def scores(self, low: str) -> np.ndarray:
        """Logit per label for the whole utterance."""
        idx = [i for f in feature_strings(low) if (i := self.index.get(f)) is not None]
        if not idx:
            return self.intercepts.copy()
        return self.intercepts + self.weights[idx].sum(axis=0)

    def probabilities(self, low: str) -> dict[str, float]:
        """Probability per label (for evaluation and calibration)."""
        s = self.scores(low)
        return {lab: 1.0 / (1.0 + math.exp(-v)) for lab, v in zip(self.labels, s, strict=True)}

    def predict(self, low: str, sentences: list[tuple[int, int]]) -> list[LearnedHit]:
        """Labels above their threshold, each with the span of the words that drove it.

        Args:
            low: the lower-cased cleaned utterance.
            sentences: ``[start, end)`` bounds of its sentences (cleaned offsets).
        """
        toks = tokens(low)
        feats = features(toks)
        found = [(i, t) for f, t in feats if (i := self.index.get(f)) is not None]
        if not found:
            return []
        idx = [i for i, _ in found]
        rows = self.weights[idx]
        total = self.intercepts + rows.sum(axis=0)
        over = set(np.nonzero(total >= self.logit_thresholds)[0].tolist())
        head = self.head
        if head is not None and head in over:
            # "some intervention": name the likeliest intervention kind too
            over.discard(head)
            k = max(self.intervention_ids, key=lambda i: total[i])
            if k not in over:
                total = total.copy()
                total[k] = total[head]
                over.add(k)
        else:
            # an intervention kind alone does not fire: the "any intervention" head gates them
            over.difference_update(self.intervention_ids)
            over.discard(head)
        hits: list[LearnedHit] = []
        for k in sorted(over):
            contrib = rows[:, k]
            span = _driving_span(contrib, [toks[t] for _, t in found], sentences)
            prob = 1.0 / (1.0 + math.exp(-float(total[k])))
            hits.append(LearnedHit(self.labels[k], prob, span))
        return hits


def _driving_span(
    contrib: np.ndarray, where: list[tuple[str, int, int]], sentences: list[tuple[int, int]]
) -> tuple[int, int]:
    """The span of the strongest words, inside the sentence they add most to."""
    best_sentence = (0, 0)
    best = -math.inf
    for start, end in sentences or [(0, where[-1][2])]:
        s = sum(float(c) for c, w in zip(contrib, where, strict=True) if start <= w[1] < end)
        if s > best:
            best, best_sentence = s, (start, end)
    start, end = best_sentence
    inside = [
        (float(c), w) for c, w in zip(contrib, where, strict=True) if start <= w[1] < end and c > 0
    ]
    if not inside:
        return best_sentence
    inside.sort(key=lambda x: -x[0])
    strongest = inside[0][1]
    # the three strongest words, kept near the strongest one (a short, readable span)
    top = [w for _, w in inside[:3] if abs(w[1] - strongest[1]) <= MAX_SPAN_CHARS]
    return min(w[1] for w in top), max(w[2] for w in top)


@lru_cache(maxsize=1)
def model() -> LearnedModel | None:
    """The shipped model, loaded once; None when the package carries no model file."""
    try:
        return LearnedModel.load()
    except FileNotFoundError:
        return None
