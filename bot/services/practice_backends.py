"""Which backend voices a practice session: the scripted partner or a model (one per process)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Literal, Protocol

from bot.config import Settings
from bot.core.persona import Persona
from bot.core.practice import PracticeEngine
from bot.llm.factory import ModelBackend, choose_backend, connect
from bot.llm.scripted import ScriptedResponder
from bot.services.practice import PracticeService

__all__ = ["DEFAULT_TURN_LEASE", "ModelServiceFactory", "ServiceFactory", "turn_lease_for"]

DEFAULT_TURN_LEASE = timedelta(seconds=30)
"""The session's turn lease when no settings are given (``EC_TURN_LEASE``). It is
renewed every third of its length while a turn works, so it need not cover the
slowest turn: a process that died mid-turn frees its session within one lease."""


def turn_lease_for(settings: Settings | None) -> timedelta:
    """How long a session's turn lease lasts between renewals.

    Args:
        settings: app settings (``EC_TURN_LEASE``), or None for :data:`DEFAULT_TURN_LEASE`.

    Returns:
        The lease length.
    """
    if settings is None:
        return DEFAULT_TURN_LEASE
    return timedelta(seconds=settings.turn_lease)


# ---------------------------------------------------------------------- backends


class ServiceFactory(Protocol):
    """Builds the :class:`PracticeService` that answers one turn of one session.

    The factory decides the backend (scripted, or a model shared process-wide);
    the engine it is given is already restored from the store.
    """

    async def __call__(self, persona: Persona, engine: PracticeEngine) -> PracticeService:
        """Return a service for ``persona`` around ``engine``.

        Args:
            persona: the caregiver card.
            engine: the restored engine (its turns, trust, disclosure).

        Returns:
            A :class:`PracticeService` whose ``engine`` is ``engine``. Its
            :meth:`~PracticeService.aclose` is NOT called per turn: anything
            shared (a model client) is closed by the factory's owner.
        """
        ...


class ModelServiceFactory:
    """The default :class:`ServiceFactory`: the same backend choice as
    :func:`bot.services.practice.start_practice`, with one model client per process.

    The backend is ``backend`` or, when None, the model when a key is
    configured and the offline scripted responder otherwise
    (:func:`bot.llm.factory.choose_backend`). With the model, the scripted
    responder is the fallback and a model reviewer is added unless the review
    mode is ``rules``. The model backend is connected on first use (no key
    check, so start-up needs no network) or injected (``model``), and shared
    by every session; close it with :meth:`aclose`.

    Args:
        settings: app settings (injected by :mod:`bot.bootstrap`); the defaults when None.
        backend: ``"scripted"``, ``"openai"`` or None (see above).
        model: an already connected :class:`~bot.llm.factory.ModelBackend` to
            share (e.g. the Slack app's); when given it voices every session
            (``backend`` is not consulted) and :meth:`aclose` leaves it open.
        review_mode: ``rules`` | ``hybrid`` | ``model``; the setting when None.

    Raises:
        bot.llm.errors.ModelNotConfigured: (on first use) ``backend="openai"``
            without a key.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        backend: str | None = None,
        model: ModelBackend | None = None,
        review_mode: Literal["rules", "hybrid", "model"] | None = None,
    ) -> None:
        self._settings = settings
        self._backend = backend
        self._model = model
        self._owns_model = False
        self._review_mode = review_mode
        self._connect_lock = asyncio.Lock()
        self._scripted: ScriptedResponder | None = None

    def _get_settings(self) -> Settings:
        if self._settings is None:
            # the composition root injects settings; alone, the defaults (no environment)
            self._settings = Settings.model_construct()
        return self._settings

    async def _model_backend(self) -> ModelBackend:
        async with self._connect_lock:
            if self._model is None:
                self._model = await connect(self._get_settings(), check_key=False)
                self._owns_model = True
            return self._model

    async def __call__(self, persona: Persona, engine: PracticeEngine) -> PracticeService:
        """Build a service around ``engine`` (see :class:`ServiceFactory`).

        Args:
            persona: the caregiver card.
            engine: the restored engine.

        Returns:
            A :class:`PracticeService` on the chosen backend.

        Raises:
            bot.llm.errors.ModelNotConfigured: the model was asked for but is
                not configured.
        """
        settings = self._get_settings()
        if self._scripted is None:
            self._scripted = ScriptedResponder()
        scripted = self._scripted
        if self._model is None and choose_backend(self._backend, settings) == "scripted":
            return PracticeService(persona, responder=scripted, engine=engine)
        model = await self._model_backend()
        mode = settings.review_mode if self._review_mode is None else self._review_mode
        return PracticeService(
            persona,
            responder=model.responder,
            fallback=scripted,
            model_reviewer=model.reviewer if mode != "rules" else None,
            review_mode=mode,
            engine=engine,
            budget=settings.model_budget,
        )

    async def aclose(self) -> None:
        """Close the model client if this factory connected it (an injected one is left open)."""
        if self._model is not None and self._owns_model:
            await self._model.aclose()
            self._model = None
            self._owns_model = False
