"""Block Kit for "delete my data": the private confirmation and its answers.

No I/O here; the listeners in :mod:`bot.slack.listeners.data_rights` send these.
"""

from __future__ import annotations

from typing import Any

from bot.presenters import data_rights as say
from bot.slack import ids
from bot.slack.text import Message, escape, plain

__all__ = ["delete_confirmation", "delete_result"]


def delete_confirmation() -> Message:
    """The ephemeral question with a Delete button (danger, with a confirm dialog) and Cancel.

    The Delete button's value names nobody: the listener deletes the clicking user's data.
    """
    delete: dict[str, Any] = {
        "type": "button",
        "text": plain(say.DELETE_BUTTON),
        "action_id": ids.ACTION_DELETE_MY_DATA,
        "value": "me",
        "style": "danger",
        "confirm": {
            "title": plain(say.DELETE_CONFIRM_TITLE),
            "text": plain(say.DELETE_CONFIRM_TEXT),
            "confirm": plain("Delete"),
            "deny": plain("Keep my data"),
            "style": "danger",
        },
    }
    cancel = {
        "type": "button",
        "text": plain(say.DELETE_KEEP),
        "action_id": ids.ACTION_DELETE_MY_DATA_CANCEL,
        "value": "cancel",
    }
    text = escape(say.DELETE_QUESTION)
    return Message(
        text=text,
        blocks=[
            {"type": "section", "text": {"type": "mrkdwn", "text": text}},
            {"type": "actions", "elements": [delete, cancel]},
        ],
    )


def delete_result(text: str) -> Message:
    """The answer that replaces the confirmation (what was deleted, or that nothing was)."""
    body = escape(text)
    return Message(
        text=body, blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": body}}]
    )
