"""Readable coach notes: one item per finding kind, with every span of that kind.

The presenters (Slack, Teams, terminal) render these items; the wording of a
note is the finding's ``why``. A long paste gives at most ``limit`` items and
says how many more kinds were found.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.models import Finding, FindingKind, Review, Severity, Source

_ORDER: tuple[FindingKind, ...] = (
    "judgment",
    "persuasion",
    "correction",
    "advice",
    "why_blame",
    "leading",
    "closed",
    "stacked",
    "jargon",
)


@dataclass(frozen=True)
class NoteItem:
    """One note: a kind, its message, and every place it was found.

    Attributes:
        kind: the finding kind.
        severity: ``"intervention"`` or ``"craft"``.
        why: the message (the first finding's, as they share it).
        spans: ``[start, end)`` of each finding of this kind, in text order.
        evidence: the words of each span, in the same order.
        confidence: the highest confidence among them.
        sources: which layers found it (``"rules"``, ``"learned"``, ``"llm"``).
    """

    kind: FindingKind
    severity: Severity
    why: str
    spans: tuple[tuple[int, int], ...]
    evidence: tuple[str, ...]
    confidence: float
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Notes:
    """The notes for one review: the items shown and how many kinds were left out."""

    items: tuple[NoteItem, ...]
    more: int

    @property
    def more_text(self) -> str | None:
        """``"3 more"``-style text, or None when nothing was left out."""
        return f"{self.more} more" if self.more else None


def note_items(review: Review, limit: int = 5) -> Notes:
    """Group a review's findings into one note per kind, most serious kinds first.

    Args:
        review: the review to describe.
        limit: most items to show (at least 1); the rest are counted in ``more``.

    Returns:
        :class:`Notes` with at most ``limit`` items.
    """
    by_kind: dict[FindingKind, list[Finding]] = {}
    for f in sorted(review.findings, key=lambda f: f.span):
        by_kind.setdefault(f.kind, []).append(f)
    items = []
    for kind in _ORDER:
        found = by_kind.get(kind)
        if not found:
            continue
        sources: list[Source] = []
        for f in found:
            if f.source not in sources:
                sources.append(f.source)
        items.append(
            NoteItem(
                kind=kind,
                severity=found[0].severity,
                why=found[0].why,
                spans=tuple(f.span for f in found),
                evidence=tuple(f.evidence for f in found),
                confidence=max(f.confidence for f in found),
                sources=tuple(sources),
            )
        )
    limit = max(1, limit)
    return Notes(tuple(items[:limit]), max(0, len(items) - limit))
