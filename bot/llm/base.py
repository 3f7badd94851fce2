"""The responder port: anything that voices a :class:`~bot.core.practice.ReplyPlan`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol, runtime_checkable

from bot.core.practice import ReplyPlan, Usage


@runtime_checkable
class Responder(Protocol):
    """Voices the caregiver for one turn, inside what the engine's plan allows.

    Implementations: :class:`bot.llm.scripted.ScriptedResponder` (offline
    default) and the OpenAI-backed responder.
    """

    name: str
    """Short backend name shown to users: ``"scripted"`` or ``"openai"``."""

    def stream(self, plan: ReplyPlan) -> AsyncIterator[str]:
        """Yield the reply as text deltas (one delta for non-streaming backends).

        Raises:
            bot.llm.errors.ModelUnavailable: when a model backend gives up
                after its retries (callers then fall back to the scripted one).
        """
        ...

    async def complete(self, plan: ReplyPlan) -> tuple[str, Usage]:
        """Return the whole reply and the tokens it cost."""
        ...
