"""The after-interview wording: prompts, the weekly gathering, notes and notices.

Every sentence the after-interview side shows is here once; the services put
the plain text into their payloads (also the notification fallback) and the
platform adapters render the same sentences with their own markup (Slack
bold, links to channels). Nothing here knows a platform: a conversation is
named by a label the adapter passes in (``where``), and a delivery failure
by the reason the adapter worded (``why``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

__all__ = [
    "ACTION_LABELS",
    "BAD_GATHERING",
    "BAD_MODE",
    "BAD_TEAM_CHANNEL",
    "DECISION_NEEDED",
    "GATHERING_CLOSING",
    "GATHERING_RED_FLAG",
    "GATHERING_TITLE",
    "INTERVIEW_NOT_FOUND",
    "NEED_EXACT_WORDS",
    "NOTHING_NEW",
    "NOT_A_GATHERING",
    "NOT_YOUR_INTERVIEW",
    "PSEUDONYM_LOOKS_LIKE_A_NAME",
    "PSEUDONYM_LOOKS_LIKE_DETAILS",
    "PSEUDONYM_NEEDED",
    "REFLECTION_NEEDS_AN_ANSWER",
    "REFLECTION_QUESTIONS",
    "TEAM_CHANNEL",
    "TEXT_NAMES",
    "THANKS_EXACT_WORDS",
    "THANKS_REFLECTION",
    "THANKS_REFLECTION_RED_FLAG",
    "choose_grade_band",
    "exact_words_prompt",
    "failure_notice",
    "gathering_summary",
    "gathering_text",
    "gave_up",
    "local_day",
    "mode_phrase",
    "pseudonym_too_long",
    "red_flag_note",
    "reflection_prompt",
    "second_round_prompt",
    "text_too_long",
    "time_refusal",
]

ACTION_LABELS: dict[str, str] = {
    "open_exact_words": "Add their exact words",
    "open_reflection": "Reflect",
    "record_team_decision": "Record our decision",
    "log_interview": "Log a second conversation",
}
"""The labels of the buttons a prompt offers, by platform-neutral action id."""

REFLECTION_QUESTIONS: dict[str, str] = {
    "surprised": "What surprised you?",
    "assumption_challenged": "Which assumption did this challenge?",
    "not_in_data": "What did you hear that no data report would show?",
    "do_differently": "What might we do differently?",
}
"""The reflection's four questions, by :class:`~bot.core.reflection.Reflection` field."""

NOTHING_NEW = "Nothing new came up"
"""The reflection's checkbox."""

REFLECTION_NEEDS_AN_ANSWER = f"Write a line in any box, or tick “{NOTHING_NEW}”."
NEED_EXACT_WORDS = (
    "Please type what they said before saving (the words saved before, if any, are still kept)."
)
THANKS_EXACT_WORDS = "Saved, thank you. A family's own words are often what a team remembers most."
THANKS_REFLECTION = "Saved, thank you. What you noticed is what your team will build on."
THANKS_REFLECTION_RED_FLAG = (
    "Saved, thank you for being honest. When nothing new comes up, there is usually "
    "more to the story: a second conversation often goes further."
)

GATHERING_TITLE = "This week's empathy interviews"
GATHERING_RED_FLAG = (
    "Nothing new came up in this one. Interviews that only confirm what we "
    "thought are worth a second look together."
)
GATHERING_CLOSING = "Success is what we learn and act on, not whether a family changed their mind."
GATHERING_LABELS: dict[str, str] = {
    "surprised": "Surprised us",
    "assumption_challenged": "Assumption challenged",
    "not_in_data": "No data report shows",
    "do_differently": "We might",
}
"""Short labels of the four answers in the weekly post's plain text."""

# ---------------------------------------------------------------------- refusals and errors
# (the after-interview services raise with these; a platform shows them as they are)

INTERVIEW_NOT_FOUND = "That interview was not found (it may have been deleted)."
NOT_YOUR_INTERVIEW = "That interview was logged by someone else."
PSEUDONYM_NEEDED = "Give the caregiver a pseudonym or initials (not their name)."
PSEUDONYM_LOOKS_LIKE_A_NAME = (
    "That looks like a real first and last name, and your team will see it. Use initials or "
    "a made-up first name instead (for example “Grandma R.” or “Rosa”)."
)
PSEUDONYM_LOOKS_LIKE_DETAILS = (
    "The pseudonym looks like contact details or an id number; use initials or a "
    "made-up first name."
)
BAD_MODE = "The interview was held by phone or in person."
BAD_TEAM_CHANNEL = "That team channel id is not valid."
BAD_GATHERING = "A team gathering needs a channel and a week such as 2026-W11."
NOT_A_GATHERING = "That is not a team gathering."
DECISION_NEEDED = "Write down the one thing the team will try."
TEAM_CHANNEL = "your team's channel"
"""How a failure notice names the team channel a post did not reach (``where``)."""

TEXT_NAMES: dict[str, str] = {
    "notes": "The notes",
    "exact_words": "The exact words",
    "decision": "The decision",
    "surprised": "What surprised you",
    "assumption_challenged": "Which assumption it challenged",
    "not_in_data": "What no data report would show",
    "do_differently": "What we might do",
}
"""How each free text is named when it is too long (:func:`text_too_long`)."""


def text_too_long(what: str, chars: int, limit: int) -> str:
    """``what`` (a :data:`TEXT_NAMES` value, singular or plural) is over ``limit``
    characters: said as "``what``: N characters, over the limit of L" (right for both)."""
    return f"{what}: {chars:,} characters, over the limit of {limit:,}. Please shorten it."


def pseudonym_too_long(limit: int) -> str:
    """A pseudonym over ``limit`` characters."""
    return f"A pseudonym has at most {limit} characters; initials are enough."


def choose_grade_band(bands: Sequence[str]) -> str:
    """An unknown grade band: the ones to choose from."""
    return f"Choose a grade band: {', '.join(bands)}."


def gave_up(reason: str, tries: int) -> str:
    """A delivery's failure reason after its last try (shown in the failure notice)."""
    return f"{reason} (gave up after {tries} tries)"


def mode_phrase(mode: str) -> str:
    """``phone call`` or ``in-person conversation``."""
    return "phone call" if mode == "phone" else "in-person conversation"


def local_day(dt: datetime, tz: str) -> str:
    """E.g. ``Tuesday, March 3`` (US style) on ``tz``'s calendar."""
    local = dt.astimezone(ZoneInfo(tz))
    return f"{local:%A}, {local:%B} {local.day}"


def time_refusal(reason: str, max_days: int) -> str:
    """Why an interview time was refused, in plain words (reason from the core)."""
    if reason == "future":
        return "That time is in the future. Log an interview after it has happened."
    if reason == "too_old":
        return (
            f"That date is more than {max_days} days ago. Check the year and the date; "
            "I can only send prompts about recent interviews."
        )
    return "The interview time needs a time zone."


def exact_words_prompt(mode: str, who: str, when: str) -> str:
    """The exact-words prompt (about an hour after the interview)."""
    return (
        f"Your {mode_phrase(mode)} with {who} ({when}): while it is fresh, write down the "
        "caregiver's exact words. Their own phrases show what they assume, what gets in the "
        "way, and what they hope for."
    )


def reflection_prompt(mode: str, who: str, when: str, *, with_exact_words: bool = False) -> str:
    """The reflection prompt; a late one also asks for the exact words it absorbed."""
    words = (
        "Before the details fade, add the caregiver's exact words too. " if with_exact_words else ""
    )
    return (
        f"Take five minutes to reflect on your {mode_phrase(mode)} with {who} ({when}). {words}"
        "What surprised you? Which assumption did this challenge? What did you hear that no "
        "data report would show? What might we do differently?"
    )


def second_round_prompt(who: str, when: str) -> str:
    """The nudge toward a second conversation with the same family."""
    return (
        f"On {when} you talked with {who}'s family. The teams that learn most go back more "
        "than once: consider a second conversation about what the school tried, and how it "
        "is landing for them."
    )


def red_flag_note(audience: str, who: str, when: str) -> str:
    """The gentle note when a reflection says nothing new came up.

    Args:
        audience: ``coach`` (a DM to the workspace's coach), ``team`` (the team
            channel, when the workspace shares these notes) or ``interviewer``.
        who: the caregiver's pseudonym. when: the interview's local day.
    """
    intro = {
        "coach": "A gentle note about an interview one of your staff held",
        "team": "A gentle note about a recent interview",
    }.get(audience, "A gentle note about your interview")
    return (
        f"{intro} (caregiver {who}, {when}): the reflection says nothing new came up. "
        "Interviews that only confirm what we thought are worth a second look. Was there a "
        "moment for “tell me more”, or a question that steered the answer? A second "
        "conversation often goes further."
    )


def failure_notice(kind: str, where: str | None, why: str) -> str:
    """The notice an interviewer gets when a prompt could not be delivered.

    Args:
        kind: the failed prompt's kind.
        where: the conversation it should have gone to, as the platform names
            it (``#team``); None for the interviewer's own DM.
        why: what went wrong and what to do, worded by the platform adapter.
    """
    what = {
        "team_gathering": "This week's team gathering post",
        "red_flag_note": "A note about a reflection",
    }.get(kind, "A reflection prompt")
    target = f"post to {where}" if where else "send you a message"
    return f"I couldn't {target}: {why}. {what} was not posted."


def gathering_summary(interviews: int, reflections: int) -> str:
    """``2 interviews, 1 reflection.``"""
    return (
        f"{interviews} interview{'s' if interviews != 1 else ''}, "
        f"{reflections} reflection{'s' if reflections != 1 else ''}."
    )


def gathering_text(
    items: list[tuple[str, str, str, str | None, Mapping[str, str] | None]],
) -> str:
    """The weekly gathering as plain text (also its notification fallback).

    Args:
        items: per interview ``(pseudonym, grade band, mode, exact words,
            answers by field or None when not reflected yet)``.
    """
    reflected = sum(1 for item in items if item[4] is not None)
    lines = [
        f"{GATHERING_TITLE}: {gathering_summary(len(items), reflected)} Before you meet, "
        "read what families told us, then choose one thing to try."
    ]
    for who, band, mode, words, answers in items:
        head = f"• {who} (grade {band}, {mode_phrase(mode)})"
        parts: list[str] = []
        if words:
            parts.append(f"Their words: “{words}”")
        if answers is None:
            parts.append("No reflection yet.")
        else:
            for field, label in GATHERING_LABELS.items():
                answer = (answers.get(field) or "").strip()
                if answer:
                    parts.append(f"{label}: {answer}")
        lines.append(head + ": " + " ".join(parts) if parts else head)
    return "\n".join(lines)
