"""Neutral view models: what to show, never how a platform draws it.

Each view is a frozen dataclass holding plain data (core models, results and
ready-made sentences from :mod:`bot.presenters.wording`). A platform adapter
renders each kind of view; a view it does not know is a bug, not a silent drop.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Notice", "View"]


@dataclass(frozen=True)
class View:
    """Base of every view model."""


@dataclass(frozen=True)
class Notice(View):
    """A short plain notice from the app (not the caregiver's voice).

    Attributes:
        text: one or two plain sentences (platforms escape it).
        icon: a neutral icon name (``info``, ``warning``, ``sent``) or None.
    """

    text: str
    icon: str | None = None
