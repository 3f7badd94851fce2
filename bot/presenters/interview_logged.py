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

__all__ = ["PROMPT_LABELS", "interview_logged_lines", "local_time"]

PROMPT_LABELS: dict[str, str] = {
    "exact_words": "a note to write down their exact words while they are fresh",
    "reflection": "four short questions to reflect on",
    "team_gathering": "your team's weekly gathering",
    "second_round": "a nudge toward a second conversation with the family",
}
"""What each after-interview prompt is, as the confirmation lists it."""

_PENDING = ("pending", "claimed")


def local_time(dt: datetime, tz: str) -> str:
    """``dt`` on the reader's wall clock, e.g. ``"Thu 5 Mar, 11:00 AM"`` (``tz``: IANA zone)."""
    local = dt.astimezone(zone(tz))
    hour = local.hour % 12 or 12
    return f"{local:%a} {local.day} {local:%b}, {hour}:{local:%M} {local:%p}"


def interview_logged_lines(
    pseudonym: str,
    mode: str,
    happened_at: datetime,
    tz: str,
    reminders: Sequence[tuple[str, str, datetime]],
    removed: int,
) -> list[str]:
    """The confirmation of a newly logged interview.

    Args:
        pseudonym: the caregiver's pseudonym. mode: ``phone`` | ``in_person``.
        happened_at: when it happened (aware). tz: the interviewer's IANA zone.
        reminders: ``(kind, status, due_at)`` of each of its reminders.
        removed: how many personal details were scrubbed from the notes.

    Returns:
        The head sentence, one line per pending prompt (``"<time> · <what>"``), and a
        sentence about scrubbed details when there were any.
    """
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
