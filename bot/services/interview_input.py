"""Checking what an interviewer typed: free texts, the time, the pseudonym, the other fields.

The after-interview services (:mod:`bot.services.interviews`,
:mod:`bot.services.reflections`) check every input here before anything is
stored, on every path (a slash command, a modal, a button, the terminal). A
refusal is an :class:`~bot.services.results.InvalidInput` naming the field to
fix, worded by :mod:`bot.presenters.reflection`. Scrubbing goes through
:func:`bot.privacy.scrub`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.core.interviews import MAX_BACKDATE, Interview, InterviewRuleBroken
from bot.core.reflection import zone
from bot.core.text import clean_label
from bot.presenters import reflection as words
from bot.privacy import PiiKind, detect, scrub
from bot.services.results import (
    GRADE_BANDS,
    MAX_PSEUDONYM_CHARS,
    MAX_TEXT_CHARS,
    InterviewMode,
    InvalidInput,
)

__all__ = [
    "check_interview_fields",
    "check_pseudonym",
    "check_time",
    "check_tz",
    "clean_text",
    "scrub_into",
]


def clean_text(value: str | None, what: str, field: str | None = None) -> str:
    """``value`` stripped; raises :class:`InvalidInput` over :data:`MAX_TEXT_CHARS`.

    Args:
        value: the text as typed (None is empty).
        what: how the refusal names it (a :data:`bot.presenters.reflection.TEXT_NAMES` value).
        field: the field to fix.
    """
    text = (value or "").strip()
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInput(words.text_too_long(what, len(text), MAX_TEXT_CHARS), field=field)
    return text


def scrub_into(text: str, names: Sequence[str], total: dict[PiiKind, int]) -> str:
    """``text`` scrubbed of personal details; adds what was removed to ``total``."""
    if not text:
        return ""
    result = scrub(text, known_names=names)
    for kind, n in result.counts.items():
        total[kind] = total.get(kind, 0) + n
    return result.text


def check_time(happened_at: datetime, now: datetime) -> datetime:
    """When an interview happened, if the core accepts it (aware, not future, recent)."""
    try:
        return Interview.check_time(happened_at, now)
    except InterviewRuleBroken as exc:
        raise InvalidInput(
            words.time_refusal(exc.reason, MAX_BACKDATE.days), field="happened_at"
        ) from None


def check_pseudonym(pseudonym: str) -> str:
    """The pseudonym tidied (spaces, invisible and bidi characters removed: it is echoed to
    the team), not empty, short, no contact details, and not a full name (a first and a last
    name the scrubber recognizes: the pseudonym is shown to the team unscrubbed)."""
    alias = clean_label(pseudonym or "")
    if not alias:
        raise InvalidInput(words.PSEUDONYM_NEEDED, field="pseudonym")
    if len(alias) > MAX_PSEUDONYM_CHARS:
        raise InvalidInput(words.pseudonym_too_long(MAX_PSEUDONYM_CHARS), field="pseudonym")
    spans = detect(alias)
    if any(span.kind != "NAME" for span in spans):
        raise InvalidInput(words.PSEUDONYM_LOOKS_LIKE_DETAILS, field="pseudonym")
    if sum(len(span.text.split()) for span in spans) >= 2:
        # a first and a last name ("Maria Lopez"): the team post would name the family
        raise InvalidInput(words.PSEUDONYM_LOOKS_LIKE_A_NAME, field="pseudonym")
    return alias


def check_tz(tz: str, field: str | None = None) -> str:
    """``tz`` if it is a known IANA zone; the refusal is the core's sentence."""
    try:
        zone(tz)
    except ValueError as exc:
        raise InvalidInput(str(exc), field=field) from None
    return tz


def check_interview_fields(
    grade_band: str, mode: InterviewMode, team_channel: str | None
) -> str | None:
    """Check a new interview's grade band, mode and team channel.

    Returns:
        The team channel stripped, or None for none.

    Raises:
        InvalidInput: the field to fix.
    """
    if grade_band not in GRADE_BANDS:
        raise InvalidInput(words.choose_grade_band(GRADE_BANDS), field="grade_band")
    if mode not in ("phone", "in_person"):
        raise InvalidInput(words.BAD_MODE, field="mode")
    channel = (team_channel or "").strip() or None
    if channel is not None and (len(channel) > 200 or any(c.isspace() for c in channel)):
        raise InvalidInput(words.BAD_TEAM_CHANNEL, field="team_channel")
    return channel
