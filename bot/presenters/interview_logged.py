"""The confirmation of a logged interview, as plain text any door can render.

The wording matches Slack's confirmation DM (``bot/slack/blocks.py``:
``interview_logged_message``, which could render from here too): thanks, then
when each pending prompt arrives on the interviewer's clock, then what was
scrubbed from the notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.core.reflection import zone
from bot.presenters.reflection import mode_phrase

__all__ = [
    "AFTERWARDS",
    "DELETE_TITLE",
    "DELETE_WARNING",
    "NO_INTERVIEWS",
    "PROMPT_LABELS",
    "interview_deleted",
    "interview_line",
    "interview_logged_lines",
    "local_time",
]

DELETE_TITLE = "Delete this interview?"
DELETE_WARNING = "Its notes and reflection are removed and reminders not sent yet are canceled."
"""The confirmation before a delete (Slack's dialog says the same, ``bot/slack/blocks.py``)."""
NO_INTERVIEWS = "No interviews logged yet."
AFTERWARDS = "What counts is what you learned. You can change the time or delete it later."
"""Under a Teams confirmation (Slack's says where: "on my Home tab")."""

PROMPT_LABELS: dict[str, str] = {
    "exact_words": "a note to write down their exact words while they are fresh",
    "reflection": "four short questions to reflect on",
    "team_gathering": "your team's weekly gathering",
    "second_round": "a nudge toward a second conversation with the family",
}
"""What each after-interview prompt is, as the confirmation lists it."""

_PENDING = ("pending", "claimed")


def local_time(dt: datetime, tz: str) -> str:
    """``dt`` on the reader's wall clock, US style, e.g. ``"Thu, Mar 5, 11:00 AM"``
    (``tz``: IANA zone; the same form as Slack's interview lines)."""
    local = dt.astimezone(zone(tz))
    hour = local.hour % 12 or 12
    return f"{local:%a}, {local:%b} {local.day}, {hour}:{local:%M} {local:%p}"


def interview_logged_lines(
    pseudonym: str,
    mode: str,
    happened_at: datetime,
    tz: str,
    reminders: Sequence[tuple[str, str, datetime]],
    removed: int,
    *,
    moved: bool = False,
) -> list[str]:
    """The confirmation of a newly logged (or moved) interview.

    Args:
        pseudonym: the caregiver's pseudonym. mode: ``phone`` | ``in_person``.
        happened_at: when it happened (aware). tz: the interviewer's IANA zone.
        reminders: ``(kind, status, due_at)`` of each of its reminders.
        removed: how many personal details were scrubbed from the notes.
        moved: its time was changed (not newly logged): "Updated: … is now …".

    Returns:
        The head sentence, one line per pending prompt (``"<time> · <what>"``), and a
        sentence about scrubbed details when there were any.
    """
    if moved:
        head = (
            f"Updated: your {mode_phrase(mode)} with {pseudonym} is now "
            f"{local_time(happened_at, tz)}."
        )
    else:
        head = (
            f"Thank you for logging your {mode_phrase(mode)} with "
            f"{pseudonym} ({local_time(happened_at, tz)})."
        )
    lines = [
        f"{local_time(due, tz)} · {PROMPT_LABELS[kind]}"
        for kind, status, due in sorted(reminders, key=lambda r: r[2])
        if status in _PENDING and kind in PROMPT_LABELS
    ]
    if lines:
        head += f" Here is when I'll check in, in your time ({tz}):"
    else:
        head += " All of its reminders have already gone out."
    out = [head, *lines]
    if removed:
        out.append(
            f"I removed {removed} personal detail{'s' if removed != 1 else ''} from your notes "
            "before saving them."
        )
    return out


def interview_line(
    pseudonym: str,
    grade_band: str,
    mode: str,
    happened_at: datetime,
    tz: str,
    team: str | None = None,
) -> str:
    """One interview in a list, as Slack's Home tab shows it (plain text).

    Args:
        pseudonym / grade_band / mode: the interview's. happened_at: aware. tz: its zone.
        team: the name of the team whose gathering hears of it, or None.

    Returns:
        e.g. ``"R.M. · grade 3-5 · phone call · Thu 5 Mar, 9:30 AM · team: Attendance"``.
    """
    line = f"{pseudonym} · grade {grade_band} · {mode_phrase(mode)} · {local_time(happened_at, tz)}"
    return f"{line} · team: {team}" if team else line


def interview_deleted(pseudonym: str, mode: str) -> str:
    """What a deleted interview's owner is told."""
    return (
        f"Deleted your {mode_phrase(mode)} with {pseudonym}: its notes and reflection are gone "
        "and reminders not sent yet are canceled."
    )
