"""Bolt listeners, one module per kind; each module has ``register(app)``.

Listeners stay thin: read ids and text from the payload, acknowledge, then
hand the slow part to :mod:`bot.slack.flows` as background work
(:class:`bot.slack.deps.BackgroundTasks`).
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.listeners import (
    actions,
    coach,
    commands,
    data_rights,
    events,
    progress,
    shortcuts,
    views,
)

__all__ = ["register_all"]


def register_all(app: AsyncApp) -> None:
    """Register every listener of the app.

    Args:
        app: the Bolt app.
    """
    for module in (events, commands, actions, data_rights, views, shortcuts, progress, coach):
        module.register(app)
