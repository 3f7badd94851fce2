"""What a card button sends back, parsed with pydantic.

Every ``Action.Submit`` in :mod:`bot.teams.cards` carries ``{"ec": <action>,
"id": <persona or session id>}``. Teams delivers the press as a ``message``
activity whose ``value`` is that object (classic ``Action.Submit``) or as an
``invoke`` named ``adaptiveCard/action`` whose ``value.action.data`` is it
(Universal Actions). :func:`parse_card_value` accepts either shape and
returns None for anything else, so a crafted or stale value gets a plain
message, never an error.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.services.ports import MAX_ID_CHARS

__all__ = ["ACTION_COACH", "ACTION_END", "ACTION_START", "CardAction", "parse_card_value"]

ACTION_START = "start"
"""Start a practice with persona ``id`` (the picker's and the debrief's Practice again)."""
ACTION_END = "end"
"""End practice session ``id`` (the intro card)."""
ACTION_COACH = "coach"
"""Send session ``id`` to a coach (the debrief)."""


class CardAction(BaseModel):
    """One button press: which action, on which persona or session."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    ec: Literal["start", "end", "coach"]
    id: str = Field(min_length=1, max_length=MAX_ID_CHARS, pattern=r"^[A-Za-z0-9_.:-]+$")


def parse_card_value(value: Any) -> CardAction | None:
    """The press in an activity's ``value``, or None when it is not one of ours.

    Args:
        value: ``activity.value`` of a message (the submit data) or of an
            ``adaptiveCard/action`` invoke (``{"action": {"data": …}}``).

    Returns:
        The parsed :class:`CardAction`, or None (missing, malformed, unknown action).
    """
    if not isinstance(value, dict):
        return None
    action = value.get("action")
    if isinstance(action, dict) and isinstance(action.get("data"), dict):
        value = action["data"]
    try:
        return CardAction.model_validate(value)
    except ValidationError:
        return None
