"""Reframes: an open, neutral rewrite of a flagged staff utterance.

The rewrite keeps what the staff member wanted to learn about (the topic of
the flagged sentence: mornings, the bus, the teacher, …) and the student's
pronoun, and turns it into the shapes DOMAIN.md recommends: "Tell me about…",
"What's it like when…", "What do you hope…". Jargon is replaced by everyday
words in place. Templates are data (:data:`TOPIC_REFRAMES`,
:data:`KIND_REFRAMES`, :data:`PLAIN_WORDS`) so coaches can read and extend them.
"""

from __future__ import annotations

import re

from bot.core.models import Finding, FindingKind
from bot.core.persona import Topic
from bot.core.review.normalize import Cleaned
from bot.core.topics import detect_topics

TOPIC_REFRAMES: dict[Topic, str] = {
    "mornings": "Tell me about a typical school morning at your house.",
    "transport": "Tell me about how getting to school works for your family.",
    "health": "What has {poss} health been like this year?",
    "work": "What does a typical week look like for your family, with everyone's work?",
    "siblings": "Tell me about who's at home and how everyone's day starts.",
    "teachers": "Tell me about how things are going with {poss} teachers.",
    "friends": "What does {subj} say about the other kids at school?",
    "school_feelings": "What have you noticed about how school is going for {obj}?",
    "hopes": "What are you hoping school is like for {obj} next year?",
    "home": "Tell me about how things have been at home lately.",
    "contact": "How would you like the school to stay in touch with you?",
    "family": "Tell me about your family and what a usual week is like.",
}
"""Open question per topic of the flagged sentence (DOMAIN.md, "Craft")."""

KIND_REFRAMES: dict[FindingKind, str] = {
    "advice": "Tell me about what you've tried so far.",
    "judgment": "Tell me about what the hard days are like for your family.",
    "persuasion": "What do you hope school can be like for {obj}?",
    "correction": "What's your sense of how this year has gone for {obj}?",
    "leading": "Tell me about a recent day when {subj} didn't make it to school.",
    "closed": "Tell me more about how that's been going.",
    "why_blame": "Tell me about what was going on for your family then.",
    "stacked": "Tell me more about how that's been going.",
    "jargon": "Tell me about the days {subj} has missed this year.",
}
"""Open question by the most serious kind, used when no topic is recognised."""

PLAIN_WORDS: tuple[tuple[str, str], ...] = (
    (r"\bthe chronic(?:ally)? absen\w*(?: category| list| group)?", "the days {subj} has missed"),
    (r"\bchronic(?:ally)? absen\w*(?: category| list| group)?", "missing a lot of school"),
    (r"\btruancy letter\b", "letter about missed days"),
    (r"\btruancy letters\b", "letters about missed days"),
    (r"\btruancy (?:petition|court)s?\b", "court process"),
    (r"\btruancy officers?\b", "attendance officer"),
    (r"\b(?:habitual(?:ly)? )?truan\w+", "missing school"),
    (r"\btier (?:1|2|3|one|two|three|i{1,3})\b(?: supports?| interventions?)?", "extra support"),
    (r"\battendance (?:intervention|contract|plan|improvement plan)\b", "plan"),
    (r"\battendance (?:intervention|contract|plan|improvement plan)s\b", "plans"),
    (r"\b(?:mtss|pbis|rti|ada|average daily attendance)\b", "our school support"),
    (r"\binterventions?\b", "support"),
    (r"\b(?:excessive|unexcused) absences?\b", "missed days"),
)
"""Jargon -> everyday words (DOMAIN.md: "No jargon")."""

_PRONOUNS = (
    (re.compile(r"\b(?:he|him|his|himself|son|boy|grandson|nephew)\b"), ("he", "him", "his")),
    (
        re.compile(r"\b(?:she|her|hers|herself|daughter|girl|granddaughter|niece)\b"),
        ("she", "her", "her"),
    ),
)
_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ORDER: tuple[FindingKind, ...] = (
    "persuasion",
    "judgment",
    "correction",
    "advice",
    "why_blame",
    "leading",
    "closed",
    "jargon",
    "stacked",
)


_NAME = re.compile(
    r"(?=[A-Z][a-z])(?<!\bMr\. )(?<!\bMs\. )(?<!\bMrs\. )(?<!\bDr\. )"
    r"(?<!\bMr )(?<!\bMs )(?<!\bMrs )"
    r"(?<![.!?]\s)(?<!^)\b(?!(?:I|I'm|I'd|Is|Don|Do|Does|What|How|Why|When|Where|Who|Tell|"
    r"Thank|Mr|Ms|Mrs|Dr|Hi|Hello|Thanks|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|September|October|"
    r"November|December|January|February|March|April|May|June|July|August|English|Spanish)\b)"
    r"([A-Z][a-z]{1,20})\b"
)


def _pronouns(text: str) -> dict[str, str]:
    low = text.translate(_LOWER)
    for pattern, (subj, obj, poss) in _PRONOUNS:
        if pattern.search(low):
            return {"subj": subj, "obj": obj, "poss": poss}
    name = _NAME.search(text)
    if name is not None:  # "Don't you think Marcus should…" -> "…for Marcus"
        n = name.group(1)
        return {"subj": n, "obj": n, "poss": f"{n}'s"}
    return {"subj": "your child", "obj": "your child", "poss": "your child's"}


def _fill(template: str, words: dict[str, str]) -> str:
    out = template.format(**words)
    return out[0].upper() + out[1:]


def _plain_words(sentence: str, words: dict[str, str]) -> str:
    out = sentence
    for pattern, plain in PLAIN_WORDS:
        out = re.sub(pattern, plain.format(**words), out, flags=re.I)
    return out


def reframe_for(text: str, findings: list[Finding], cleaned: Cleaned) -> str | None:
    """Write an open, neutral rewrite of a flagged utterance.

    Args:
        text: the cleaned text (Slack markup removed) the findings were made on.
        findings: the utterance's findings (spans into the original text).
        cleaned: the :class:`Cleaned` that maps between the two texts.

    Returns:
        One sentence (or the utterance with jargon replaced when jargon is the
        only problem); None when ``findings`` is empty.
    """
    if not findings:
        return None
    words = _pronouns(text)
    kinds = {f.kind for f in findings}
    if kinds == {"jargon"}:
        return _plain_words(text.strip(), words)
    worst = next(k for k in _ORDER if k in kinds)
    first = min((f for f in findings if f.kind == worst), key=lambda f: f.span[0])
    focus = _focus_text(text, first, cleaned)
    topics = detect_topics(focus) or ([] if worst == "stacked" else detect_topics(text))
    if worst == "stacked" and not topics:
        head = text[: _to_cleaned(cleaned, first.span[0])].strip(" ,;-")
        if head.endswith("?") and len(head) > 8:
            return head[0].upper() + head[1:]
    if topics:
        return _fill(TOPIC_REFRAMES[topics[0]], words)
    return _fill(KIND_REFRAMES[worst], words)


def _to_cleaned(cleaned: Cleaned, original_pos: int) -> int:
    if cleaned.offsets is None:
        return original_pos
    for i, o in enumerate(cleaned.offsets):
        if o >= original_pos:
            return i
    return len(cleaned.text)


def _focus_text(text: str, finding: Finding, cleaned: Cleaned) -> str:
    """The sentence of ``text`` that holds the finding (cleaned offsets)."""
    pos = _to_cleaned(cleaned, finding.span[0])
    starts = [m.end() for m in re.finditer(r"[.?!\n]+\s*", text[:pos])]
    start = starts[-1] if starts else 0
    end_m = re.search(r"[.?!\n]", text[pos:])
    end = pos + end_m.end() if end_m else len(text)
    return text[start:end]
