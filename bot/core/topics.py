"""Everyday conversation topics a staff utterance touches.

The practice engine uses topics to decide whether a turn "touches" a persona
layer (a layer lists the topics that open it), and the scripted responder uses
them to pick the caregiver's small-talk lines. The keyword lists are data: a
coach or persona author can read and extend them like the reviewer's rules.

Matching is case-insensitive, on word boundaries, with curly apostrophes and
quotes folded to straight ones, and fully deterministic (no model, no I/O).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.core.persona import TOPICS, Topic

TOPIC_KEYWORDS: Mapping[Topic, tuple[str, ...]] = {
    "mornings": (
        "morning",
        "mornings",
        "wake",
        "wakes",
        "waking",
        "woke",
        "wake up",
        "alarm",
        "breakfast",
        "bed",
        "bedtime",
        "sleep",
        "sleeps",
        "sleeping",
        "asleep",
        "get out the door",
        "getting out the door",
        "out the door",
        "routine",
        "routines",
        "get ready",
        "getting ready",
    ),
    "transport": (
        "bus",
        "buses",
        "bus stop",
        "ride",
        "rides",
        "car",
        "cars",
        "drive",
        "drives",
        "driving",
        "drove",
        "walk",
        "walks",
        "walking",
        "get to school",
        "gets to school",
        "getting to school",
        "get there",
        "carpool",
        "gas",
    ),
    "health": (
        "health",
        "healthy",
        "sick",
        "ill",
        "illness",
        "doctor",
        "doctors",
        "clinic",
        "hospital",
        "nurse",
        "asthma",
        "anxiety",
        "anxious",
        "medicine",
        "medication",
        "stomach",
        "stomachache",
        "headache",
        "headaches",
        "pain",
        "appointment",
        "appointments",
        "therapy",
        "feeling well",
        "feel well",
    ),
    "work": (
        "job",
        "jobs",
        "shift",
        "shifts",
        "work",
        "works",
        "working",
        "worked",
        "hours",
        "boss",
    ),
    "siblings": (
        "brother",
        "brothers",
        "sister",
        "sisters",
        "sibling",
        "siblings",
        "little ones",
        "younger ones",
        "baby",
        "babies",
        "toddler",
    ),
    "teachers": (
        "teacher",
        "teachers",
        "principal",
        "counselor",
        "counsellor",
        "secretary",
        "front office",
        "mr",
        "mrs",
        "ms",
    ),
    "friends": (
        "friend",
        "friends",
        "kids at school",
        "other kids",
        "classmates",
        "bullied",
        "bully",
        "bullies",
        "bullying",
        "lunch",
        "recess",
        "lonely",
        "fit in",
        "fits in",
    ),
    "school_feelings": (
        "about school",
        "like school",
        "likes school",
        "feel about school",
        "feels about school",
        "school day",
        "school days",
        "class",
        "classes",
        "classroom",
        "learning",
        "learn",
        "grades",
        "homework",
        "reading",
        "math",
    ),
    "hopes": (
        "hope",
        "hopes",
        "hoping",
        "wish",
        "wishes",
        "future",
        "next year",
        "dream",
        "dreams",
        "someday",
        "goal",
        "goals",
    ),
    "home": (
        "home",
        "house",
        "apartment",
        "living",
        "live",
        "lives",
        "stay",
        "staying",
        "move",
        "moved",
        "moving",
        "rent",
        "landlord",
    ),
    "contact": (
        "call",
        "calls",
        "called",
        "calling",
        "phone",
        "hear from",
        "heard from",
        "letter",
        "letters",
        "reach out",
        "reached out",
        "stay in touch",
        "keep in touch",
        "contact",
        "text",
        "texts",
        "email",
        "message",
        "messages",
    ),
    "family": (
        "family",
        "families",
        "you all",
        "y'all",
        "household",
        "at home",
        "your kids",
        "parents",
    ),
}
"""Keywords and phrases per topic, matched as whole words (see :func:`detect_topics`).

Written for this project from DOMAIN.md's list of reasons families miss school
and the everyday wording of the example question lists in ``shared/examples``;
a keyword may belong to more than one topic ("at home" is both ``home`` and
``family``)."""

TOPIC_EXCEPTIONS: Mapping[Topic, tuple[str, ...]] = {
    "mornings": ("good morning",),
    "home": ("stay in touch", "staying in touch"),
}
"""Phrases that contain a topic's keyword without being about that topic: they
are blanked out before that topic is matched ("Good morning!" is a greeting,
not a question about mornings; "stay in touch" is ``contact``, not ``home``)."""

_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u02bc": "'"})
_LOWER = str.maketrans(
    {
        **{chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)},
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
    }
)


def _topics_in(phrase: str) -> list[Topic]:
    """Topics whose keywords occur in ``phrase`` as whole words (build-time only)."""
    return [
        t
        for t in TOPICS
        if any(re.search(r"\b" + re.escape(k) + r"\b", phrase) for k in TOPIC_KEYWORDS[t])
    ]


def _keyword_topics() -> dict[str, tuple[Topic, ...]]:
    """Every keyword (lower case, single spaces) -> the topics it belongs to.

    An exception phrase is its own entry, carrying every topic found inside it
    except the one it is an exception for, so matching it as a unit blanks out
    just that topic (e.g. "stay in touch" is contact, not home).
    """
    table: dict[str, list[Topic]] = {}
    for topic in TOPICS:
        for keyword in TOPIC_KEYWORDS[topic]:
            table.setdefault(keyword.lower(), []).append(topic)
    for topic, phrases in TOPIC_EXCEPTIONS.items():
        for phrase in phrases:
            table[phrase.lower()] = [t for t in _topics_in(phrase.lower()) if t != topic]
    return {k: tuple(v) for k, v in table.items()}


_KEYWORD_TOPICS = _keyword_topics()
_TOKEN = re.compile(r"[a-z0-9]+")


def _phrase_index() -> dict[str, tuple[tuple[tuple[str, ...], tuple[Topic, ...]], ...]]:
    """First word -> the keywords starting with it, as word tuples, longest first."""
    index: dict[str, list[tuple[tuple[str, ...], tuple[Topic, ...]]]] = {}
    for keyword, topics in _KEYWORD_TOPICS.items():
        words = tuple(_TOKEN.findall(keyword))
        index.setdefault(words[0], []).append((words, topics))
    return {w: tuple(sorted(v, key=lambda e: -len(e[0]))) for w, v in index.items()}


# Matching is word by word: at each word the longest keyword starting there wins
# and its words are consumed, so a phrase beats a word inside it ("stay in touch"
# is contact, not home) and "homework" is never "home" or "work".
_PHRASES = _phrase_index()


def normalize(text: str) -> str:
    """Fold curly apostrophes and quotes to straight ones.

    Args:
        text: any utterance.

    Returns:
        The same text, same length, with ``’ ‘ “ ” ʼ`` replaced by ``' "``.
    """
    return text.translate(_FOLD)


def detect_topics(text: str) -> list[Topic]:
    """Return the everyday topics a staff utterance touches.

    Args:
        text: one staff utterance (any casing, straight or curly apostrophes).

    Returns:
        Topics without duplicates, ordered by where each is first mentioned in
        the text (ties, i.e. one phrase in two topics, follow the order of
        :data:`bot.core.persona.TOPICS`). Empty when nothing matches. The same
        text always gives the same list.
    """
    first: dict[Topic, int] = {}
    words = _TOKEN.findall(text.translate(_LOWER))
    i, n = 0, len(words)
    while i < n:
        step = 1
        for phrase, topics in _PHRASES.get(words[i], ()):
            k = len(phrase)
            if tuple(words[i : i + k]) == phrase:
                for topic in topics:
                    first.setdefault(topic, i)
                step = k
                break
        i += step
    rank = {t: i for i, t in enumerate(TOPICS)}
    return sorted(first, key=lambda t: (first[t], rank[t]))
