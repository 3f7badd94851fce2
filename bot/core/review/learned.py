"""The learned layer: a linear classifier for the phrasings no rule names.

Trained by ``bench/train_reviewer.py`` (scikit-learn ``TfidfVectorizer`` over the
features of :func:`feature_strings`, then one L2 logistic regression per finding
kind, per good move and for "any intervention") on the labelled corpus in
``tests/data/corpus/`` (authors ENA, ENB, ENC, ESA) and ``review_cases*.jsonl``.
What ships is plain arrays in ``data/learned.npz``: the feature strings, their
inverse document frequencies, one weight row per feature, the intercepts, the
decision thresholds and the training metadata. No pickle, no scikit-learn at run
time: a review computes its features (words and word pairs of the folded text),
weighs each distinct one by its idf, divides by the L2 norm (as
``TfidfVectorizer(binary=True)`` does), sums the weights and applies the logistic
function. Word and word-pair features were chosen over character 3-5-grams on
the training folds (see ``bench/train_reviewer.py``).

A finding of the learned layer keeps the contract: its span and evidence are
the words of the highest-scoring sentence that drove the score most, its
``source`` is ``"learned"`` and its ``confidence`` is the model's probability.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from bot.core.text import ACCENT_FOLD

VETO = 0.2
"""Default reflection veto: when the reflection head gives this or more (or the rules
see a reflection or affirmation shape), a learned intervention needs :data:`SURE`.
The shipped file carries the values chosen by ``bench/train_reviewer.py``."""
SURE = 0.99
"""Default probability a learned intervention needs on a reflection-shaped turn."""
STEM = 0.99
"""Default probability the "any intervention" head needs on the words a reflection stem
frames (:meth:`LearnedModel.framed`); the shipped file carries the trained value."""


def _logit(p: float) -> float:
    return math.log(p / (1 - p)) if 0 < p < 1 else (math.inf if p >= 1 else -math.inf)


MAX_SPAN_CHARS = 60
"""Longest reach of a learned finding's span around its strongest word."""

INTERVENTION_LABELS = ("advice", "judgment", "persuasion", "correction")

_TOKEN = re.compile(r"[a-z0-9%]+(?:'[a-z0-9%]+)*|[?¿]")


def tokens(low: str) -> list[tuple[str, int, int]]:
    """Words of a lower-cased text as the model sees them: ``(word, start, end)``.

    Accents are folded and apostrophes dropped inside words ("don't" -> "dont"),
    so the model sees the same word however it was typed. ``?`` is a token.
    Offsets are those of ``low`` (folding is one character for one).
    """
    folded = low.translate(ACCENT_FOLD) if not low.isascii() else low
    out = []
    for m in _TOKEN.finditer(folded):
        w = m.group()
        out.append((w.replace("'", "") if "'" in w else w, m.start(), m.end()))
    return out


def features(toks: list[tuple[str, int, int]]) -> list[tuple[str, int]]:
    """Features of a token list: each word, each pair of neighbors and the first word.

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
    """The shipped linear model over tf-idf features (see module docstring)."""

    def __init__(
        self,
        labels: list[str],
        vocab: list[str],
        idf: np.ndarray,
        weights: np.ndarray,
        intercepts: np.ndarray,
        thresholds: np.ndarray,
        veto: float = VETO,
        sure: float = SURE,
        stem: float = STEM,
        meta: dict[str, object] | None = None,
    ) -> None:
        """Args: the arrays of ``learned.npz`` (``weights`` is features x labels, the
        logistic regression's coefficients on idf-weighted, L2-normalized features);
        ``veto``/``sure``/``stem`` are the gates of :data:`VETO`, :data:`SURE`, :data:`STEM`;
        ``meta`` the training metadata (what ``bench/train_reviewer.py`` recorded)."""
        self.labels = labels
        self.index = {f: i for i, f in enumerate(vocab)}
        idf64 = idf.astype(np.float64)
        # each row pre-multiplied by its feature's idf: a review sums rows, then divides by the norm
        self.weights = weights.astype(np.float64) * idf64[:, None]
        self.idf_sq: list[float] = (idf64 * idf64).tolist()
        self.intercepts = intercepts.astype(np.float64)
        self.thresholds = thresholds.astype(np.float64)
        self.head = labels.index("intervention") if "intervention" in labels else None
        self.reflection = labels.index("move:reflection") if "move:reflection" in labels else None
        self.intervention_ids = [labels.index(k) for k in INTERVENTION_LABELS if k in labels]
        self.logit_thresholds = np.array(
            [math.log(t / (1 - t)) if 0 < t < 1 else math.inf for t in thresholds]
        )
        self.logit_list: list[float] = self.logit_thresholds.tolist()
        self.veto = veto
        self.sure = sure
        self.stem = stem
        self.logit_veto = _logit(veto)
        self.logit_sure = _logit(sure)
        self.logit_stem = _logit(stem)
        self.meta = meta or {}

    @classmethod
    def load(cls, name: str = "learned.npz") -> LearnedModel:
        """Load ``bot/core/review/data/<name>`` (plain arrays, ``allow_pickle=False``):
        the learned layer, or the reflection judge (``reflection_judge.npz``).

        Raises ``FileNotFoundError`` when the package carries no such file.
        """
        path = resources.files("bot.core.review").joinpath("data/" + name)
        with resources.as_file(path) as p, np.load(p, allow_pickle=False) as z:
            gate = z["gate"].tolist()
            meta = json.loads(str(z["meta"])) if "meta" in z.files else {}
            return cls(
                [str(x) for x in z["labels"]],
                z["vocab"].tolist(),
                z["idf"],
                z["weights"],
                z["intercepts"],
                z["thresholds"],
                float(gate[0]),
                float(gate[1]),
                float(gate[2]),
                meta,
            )

    def _lookup(self, folded: str) -> tuple[list[int], list[int]]:
        """Distinct feature indices of a folded lower-cased text and the word number
        where each first occurs (the features of :func:`features`, looked up directly)."""
        get = self.index.get
        seen: dict[int, int] = {}
        prev = "<s>"
        for n, w in enumerate(_TOKEN.findall(folded)):
            if "'" in w:
                w = w.replace("'", "")
            i = get(w)
            if i is not None and i not in seen:
                seen[i] = n
            i = get(prev + " " + w)
            if i is not None and i not in seen:
                seen[i] = n
            prev = w
        return list(seen), list(seen.values())

    def _totals(self, idx: list[int]) -> tuple[np.ndarray, list[float]]:
        """The weight rows of ``idx`` scaled by the tf-idf norm, and the logit per label."""
        sq = self.idf_sq
        norm = math.sqrt(sum(sq[i] for i in idx))
        rows = self.weights.take(idx, axis=0) / norm
        return rows, (self.intercepts + rows.sum(axis=0)).tolist()

    def scores(self, low: str) -> np.ndarray:
        """Logit per label for the whole lower-cased utterance ``low``."""
        folded = low.translate(ACCENT_FOLD) if not low.isascii() else low
        idx, _at = self._lookup(folded)
        if not idx:
            return self.intercepts.copy()
        return np.array(self._totals(idx)[1])

    def probabilities(self, low: str) -> dict[str, float]:
        """Probability per label (for evaluation and calibration)."""
        s = self.scores(low)
        return {lab: 1.0 / (1.0 + math.exp(-v)) for lab, v in zip(self.labels, s, strict=True)}

    def intervention_probability(self, low: str) -> float:
        """The "any intervention" head's probability for the lower-cased text ``low``
        (0.0 when the file has no such head)."""
        if self.head is None:
            return 0.0
        return 1.0 / (1.0 + math.exp(-float(self.scores(low)[self.head])))

    def framed(self, low: str, start: int, end: int) -> LearnedHit | None:
        """Score what a reflection stem frames: the words ``low[start:end]`` after
        "It sounds like…"/"Parece que…", with the "any intervention" head.

        Returns the likeliest intervention kind as a hit (span ``(start, end)``, the
        head's probability) when the head reaches :attr:`stem`, else None. The bar
        comes from the training folds: the lowest one at which no more clean
        reflections of the training authors are flagged than by the rules alone
        (``bench/train_reviewer.py``).
        """
        if self.head is None:
            return None
        part = low[start:end]
        folded = part.translate(ACCENT_FOLD) if not part.isascii() else part
        idx, _at = self._lookup(folded)
        if not idx:
            return None
        _rows, total = self._totals(idx)
        if total[self.head] < self.logit_stem:
            return None
        k = max(self.intervention_ids, key=lambda i: total[i])
        return LearnedHit(self.labels[k], 1.0 / (1.0 + math.exp(-total[self.head])), (start, end))

    def predict(
        self,
        low: str,
        sentences: list[tuple[int, int]],
        skip: frozenset[str] = frozenset(),
        reflective: bool = False,
    ) -> list[LearnedHit]:
        """Labels above their threshold, each with the span of the words that drove it.

        Args:
            low: the lower-cased cleaned utterance.
            sentences: ``[start, end)`` bounds of its sentences (cleaned offsets).
            skip: labels not wanted (kinds the rules already found); moves
                (``"move:…"``) come back without a span (``(0, 0)``).
            reflective: the rules see a reflection or affirmation shape in the turn;
                then, as when the reflection head reaches the veto, an intervention
                counts only at :attr:`sure` (a clean reflection is never punished on a
                guess).
        """
        folded = low.translate(ACCENT_FOLD) if not low.isascii() else low
        idx, at = self._lookup(folded)
        if not idx:
            return []
        rows, total = self._totals(idx)
        over = {k for k, (v, t) in enumerate(zip(total, self.logit_list, strict=True)) if v >= t}
        if not over:
            return []
        head = self.head
        refl = self.reflection
        if (
            head is not None
            and refl is not None
            and head in over
            and (reflective or total[refl] >= self.logit_veto)
            and total[head] < self.logit_sure
        ):
            over.discard(head)  # a likely reflection: only a sure intervention counts
        if head is not None and head in over:
            # "some intervention": name the likeliest intervention kind too
            over.discard(head)
            k = max(self.intervention_ids, key=lambda i: total[i])
            # the likeliest kind carries the gate's confidence (what made it fire)
            total[k] = max(total[k], total[head])
            over.add(k)
        else:
            # an intervention kind alone does not fire: the "any intervention" head gates them
            over.difference_update(self.intervention_ids)
            over.discard(head)
        if not over:
            return []
        hits: list[LearnedHit] = []
        ends: dict[int, int] = {}
        where: list[int] = []
        bounds = sentences or [(0, len(low))]
        sentence_of: list[int] = []
        for k in sorted(over):
            label = self.labels[k]
            if label in skip:
                continue
            if label.startswith("move:"):
                hits.append(LearnedHit(label, 1.0 / (1.0 + math.exp(-total[k])), (0, 0)))
                continue
            if not ends:
                toks = tokens(low)
                ends = {s: e for _w, s, e in toks}
                where = [toks[n][1] for n in at]
                sentence_of = [_index_of(bounds, w) for w in where]
            contrib = rows[:, k].tolist()
            span = _driving_span(contrib, where, sentence_of, ends, bounds)
            prob = 1.0 / (1.0 + math.exp(-total[k]))
            hits.append(LearnedHit(label, prob, span))
        return hits


def _index_of(bounds: list[tuple[int, int]], pos: int) -> int:
    """Index of the sentence holding ``pos`` (the last one starting at or before it)."""
    found = 0
    for i, (start, _end) in enumerate(bounds):
        if start > pos:
            break
        found = i
    return found


def _driving_span(
    contrib: list[float],
    starts: list[int],
    sentence_of: list[int],
    ends: dict[int, int],
    bounds: list[tuple[int, int]],
) -> tuple[int, int]:
    """The span of the strongest words, inside the sentence they add most to."""
    per_sentence = [0.0] * len(bounds)
    for c, s in zip(contrib, sentence_of, strict=True):
        per_sentence[s] += c
    best = max(range(len(bounds)), key=per_sentence.__getitem__)
    inside = sorted(
        (
            (-c, st)
            for c, st, s in zip(contrib, starts, sentence_of, strict=True)
            if s == best and c > 0
        ),
    )[:3]
    if not inside:
        return bounds[best]
    strongest = inside[0][1]
    # the three strongest words, kept near the strongest one (a short, readable span)
    near = [st for _c, st in inside if abs(st - strongest) <= MAX_SPAN_CHARS]
    return min(near), max(ends[st] for st in near)


@lru_cache(maxsize=1)
def model() -> LearnedModel | None:
    """The shipped model, loaded once; None when the package carries no model file."""
    try:
        return LearnedModel.load()
    except FileNotFoundError:
        return None


@lru_cache(maxsize=1)
def judge() -> LearnedModel | None:
    """The reflection judge (``data/reflection_judge.npz``, trained by
    ``bench/train_reflection_judge.py``): one "judgment" label whose threshold is the
    bar chosen on the training folds. Loaded once; None when the file is absent."""
    try:
        return LearnedModel.load("reflection_judge.npz")
    except FileNotFoundError:
        return None


def judge_probability(judge_model: LearnedModel, low: str) -> float:
    """The reflection judge's probability that the lower-cased turn ``low`` is a
    judgment dressed as a reflection."""
    return 1.0 / (1.0 + math.exp(-float(judge_model.scores(low)[0])))
