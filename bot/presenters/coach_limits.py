"""Plain words for the limits of the coach screens: a re-send with nothing new, a second
"Was this note wrong?" on the same note, a review card too big for Teams.

Kept apart from :mod:`bot.presenters.coaching` and :mod:`bot.presenters.coach_screens`
(their wording has another owner); platform-neutral, US English.
"""

from __future__ import annotations

from bot.presenters.coach_screens import PAGE_NEXT

__all__ = [
    "CARD_TOO_BIG",
    "NOTHING_NEW_TO_SEND",
    "dispute_updated",
    "earlier_dispute_line",
    "more_turns",
]

NOTHING_NEW_TO_SEND = (
    "There's nothing new to send: a coach already reviewed this session and it hasn't "
    "changed since you sent it."
)
"""*Send to a coach* again with no new turn and no note (nobody is told)."""

CARD_TOO_BIG = (
    "Teams refused that card because it was too big, so it wasn't posted. Nothing is "
    "lost: the session, its transcript and your feedback are all saved. Type coach to "
    "open your queue again."
)
"""Said to the coach when the Teams connector refused a coach card as too large (HTTP 413)."""


def dispute_updated(earlier: int) -> str:
    """The thanks for a second (third …) "Was this note wrong?" on the same note.

    Args:
        earlier: how many earlier disagreements with this note are kept (1 or more).
    """
    kept = "your earlier comment is" if earlier == 1 else f"your {earlier} earlier comments are"
    return (
        "Thanks, your coach will see this. You had already disagreed with this note: "
        f"{kept} kept too, so your coach sees the whole history."
    )


def earlier_dispute_line(when: str, kinds: str, comment: str | None) -> str:
    """One earlier disagreement under the latest one on the coach's transcript.

    Args:
        when: the date it was sent (already formatted). kinds: the disputed kinds, joined.
        comment: the staff member's words then, or None.
    """
    said = f": “{comment}”" if comment else ""
    return f"Earlier ({when}), about {kinds}{said}"


def more_turns(shown: int, total: int) -> str:
    """The line at the foot of a transcript page cut short to fit Teams' card size.

    Args:
        shown: the turns on this page. total: the turns this page was meant to hold.
    """
    left = total - shown
    return (
        f"{left} more {'turn' if left == 1 else 'turns'} of this page didn't fit on this "
        f"card: press {PAGE_NEXT} to read them."
    )
