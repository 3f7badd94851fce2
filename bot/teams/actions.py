"""What a card button or form sends back, parsed with pydantic.

Every ``Action.Submit`` in the Teams cards carries ``{"ec": <action>, "id": <persona,
session, interview … id>}``; a form's submit also carries its inputs (Teams merges
each ``Input.*``'s ``id: value`` into the same object). Teams delivers the press as a
``message`` activity whose ``value`` is that object (classic ``Action.Submit``) or as
an ``invoke`` named ``adaptiveCard/action`` whose ``value.action.data`` is it
(Universal Actions). :func:`parse_card_value` accepts either shape and returns None
for anything else, so a crafted or stale value gets a plain message, never an error.
Which handler an ``ec`` runs is the table in :mod:`bot.teams.handlers`.

An invoke is answered in its HTTP response (:func:`invoke_response`): the result card,
which Teams shows in place of the pressed one, else an empty message answer. A classic
``Action.Submit`` has no such answer: its result replaces the card by a connector
update (:func:`bot.teams.outbox.post_message`).
"""

from __future__ import annotations

from typing import Any

from microsoft_teams.api import InvokeResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.services.ports import MAX_ID_CHARS

__all__ = [
    "ACTION_COACH",
    "ACTION_DISPUTE",
    "ACTION_END",
    "ACTION_START",
    "ALREADY_DONE",
    "ALREADY_DONE_IN_THREAD",
    "CARD_RESPONSE_TYPE",
    "KEEP_CARD",
    "MAX_FIELD_CHARS",
    "MESSAGE_RESPONSE_TYPE",
    "CardAction",
    "invoke_response",
    "parse_card_value",
]

ACTION_START = "start"
"""Start a practice with persona ``id`` (the picker's and the debrief's Practice again)."""
ACTION_END = "end"
"""End practice session ``id`` (the intro card)."""
ACTION_COACH = "coach"
"""Send session ``id`` to a coach (the debrief)."""
ACTION_DISPUTE = "dispute_note"
"""Record "Was this note wrong?" on ``id`` = ``<session id>:<turn>`` (a coach note)."""

ALREADY_DONE = "That card was already used, so nothing was done again. Its result is in this chat."
"""The answer to a second press of the same card (or the same form with the same inputs)."""

ALREADY_DONE_IN_THREAD = (
    "That card was already used, so nothing was done again. Its result is in this thread."
)
""":data:`ALREADY_DONE` in a channel, where the card's result is in the post's thread
(issue 12: a channel is not a chat)."""

KEEP_CARD = "keep_card"
"""A button's data key: ``"true"`` keeps the pressed card as it is and posts the result
below it (the debrief's Practice again: the debrief stays readable)."""

MAX_FIELD_CHARS = 20_000
"""Longest form input kept (longer values are refused by the service's own limits first;
this bounds what the adapter holds: a notes field is 3,000 characters, a question list
a few thousand)."""

_ID = r"^[A-Za-z0-9_.:@-]+$"

CARD_RESPONSE_TYPE = "application/vnd.microsoft.card.adaptive"
"""An ``adaptiveCard/action`` response whose ``value`` is the card to show in place of
the pressed one (Microsoft's Universal Actions, "Adaptive Card response" of the
``AdaptiveCardInvokeResponse``; the SDK's ``AdaptiveCardActionCardResponse``)."""
MESSAGE_RESPONSE_TYPE = "application/vnd.microsoft.activity.message"
"""An ``adaptiveCard/action`` response whose ``value`` is a message (here empty: the
press's result was posted in the chat); the SDK's ``AdaptiveCardActionMessageResponse``."""


def invoke_response(card: dict[str, Any] | None) -> InvokeResponse[Any]:
    """The HTTP answer to an ``adaptiveCard/action`` invoke.

    Args:
        card: the Adaptive Card the press produced for the pressed card's place, or None.

    Returns:
        Status 200 with ``{"statusCode": 200, "type": CARD_RESPONSE_TYPE, "value": card}``,
        or with the :data:`MESSAGE_RESPONSE_TYPE` and an empty value when there is no card.
    """
    if card is None:
        body: dict[str, Any] = {"statusCode": 200, "type": MESSAGE_RESPONSE_TYPE, "value": ""}
    else:
        body = {"statusCode": 200, "type": CARD_RESPONSE_TYPE, "value": card}
    return InvokeResponse(status=200, body=body)


class CardAction(BaseModel):
    """One button press or form submit.

    Attributes:
        ec: which action (a key of the handlers' table; lowercase letters, digits, ``_``).
        id: the persona, session, interview … it acts on; None for a form with no subject.
        fields: the form's other inputs, input id -> text (empty for a plain button).
    """

    model_config = ConfigDict(frozen=True)

    ec: str = Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")
    id: str | None = Field(default=None, min_length=1, max_length=MAX_ID_CHARS, pattern=_ID)
    fields: dict[str, str] = Field(default_factory=dict)


def parse_card_value(value: Any) -> CardAction | None:
    """The press in an activity's ``value``, or None when it is not one of ours.

    Args:
        value: ``activity.value`` of a message (the submit data) or of an
            ``adaptiveCard/action`` invoke (``{"action": {"data": …}}``).

    Returns:
        The parsed :class:`CardAction` (form inputs that are strings or booleans in
        ``fields``, booleans as ``"true"``/``"false"``, others dropped), or None
        (missing, malformed, an id of the wrong shape).
    """
    if not isinstance(value, dict):
        return None
    action = value.get("action")
    if isinstance(action, dict) and isinstance(action.get("data"), dict):
        value = action["data"]
    fields: dict[str, str] = {}
    for key, item in value.items():
        if key in ("ec", "id") or not isinstance(key, str) or len(key) > 64:
            continue
        if isinstance(item, bool):
            fields[key] = "true" if item else "false"
        elif isinstance(item, str):
            fields[key] = item[:MAX_FIELD_CHARS]
    try:
        return CardAction.model_validate(
            {"ec": value.get("ec"), "id": value.get("id"), "fields": fields}
        )
    except ValidationError:
        return None
