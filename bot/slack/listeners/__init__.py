"""Bolt listeners, one module per kind; each module has ``register(app)``.

Listeners stay thin: read ids and text from the payload, acknowledge, then
hand the slow part to :mod:`bot.slack.flows` as background work
(:class:`bot.slack.app.BackgroundTasks`).
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.slack.app import SlackDeps

__all__ = ["deps_of", "register_all", "team_of"]


def deps_of(context: Any) -> SlackDeps:
    """The :class:`~bot.slack.app.SlackDeps` a middleware put in Bolt's context.

    Args:
        context: Bolt's request context.

    Returns:
        The dependencies.
    """
    deps = context["coach"]
    assert isinstance(deps, SlackDeps)
    return deps


def team_of(body: dict[str, Any], context: Any = None) -> str:
    """The workspace (team) id of any Slack payload.

    Args:
        body: the request body (event callback, command, interaction).
        context: Bolt's context (its ``team_id`` is the fallback).

    Returns:
        The team id, or ``"unknown"`` when the payload names none.
    """
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    if not team:
        team = (
            (body.get("user") or {}).get("team_id") if isinstance(body.get("user"), dict) else None
        )
    if not team and context is not None:
        team = context.get("team_id")
    return str(team or "unknown")


def register_all(app: AsyncApp) -> None:
    """Register every listener of the app.

    Args:
        app: the Bolt app.
    """
    from bot.slack.listeners import actions, commands, events, shortcuts, views

    for module in (events, commands, actions, views, shortcuts):
        module.register(app)
