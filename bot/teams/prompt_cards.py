"""Reminders drawn as Teams messages: the after-interview prompts, notes and notices.

:func:`prompt_message` turns a :class:`~bot.services.results.ReminderPayload` (plain,
scrubbed text worded by :mod:`bot.presenters.reflection`) into one Adaptive Card whose
buttons are ``Action.Submit`` with ``{"ec": <the prompt action>, "id": <its value>}``
(``open_exact_words``, ``open_reflection``, ``log_interview``,
``record_team_decision``): the handlers' table routes them like any other press.
"""

from __future__ import annotations

from typing import Any

from bot.services.results import ReminderPayload
from bot.teams.cards import TeamsMessage, card, submit, text_block

__all__ = ["prompt_message"]


def prompt_message(payload: ReminderPayload) -> TeamsMessage:
    """One reminder as one message: its text (paragraphs kept) and a button per action.

    Args:
        payload: what the dispatcher asks to post.

    Returns:
        The :class:`TeamsMessage` (the text is also the notification fallback).
    """
    body: list[dict[str, Any]] = [
        text_block(part) for part in payload.text.split("\n\n") if part.strip()
    ] or [text_block(payload.text)]
    actions = [submit(a.label, {"ec": a.action, "id": a.value}) for a in payload.actions]
    return TeamsMessage(card=card(body, actions or None))
