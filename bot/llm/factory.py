"""Build the model port's parts from settings, and pick the backend.

``empathy-coach practice --backend scripted|openai`` and ``review --llm`` come
here; with no flag, the model backend is the default exactly when a key is
configured (issue 3: "with a key set and no flag, the model backend is the
default"), else the offline scripted responder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.config import Settings
from bot.llm.errors import ModelNotConfigured

__all__ = ["Backend", "ModelBackend", "choose_backend", "connect", "make_model_backend"]

Backend = Literal["scripted", "openai"]

try:  # the model port needs the optional "llm" extra
    import httpx

    from bot.llm.client import ModelClient
    from bot.llm.model_reviewer import ModelReviewer
    from bot.llm.openai_responder import OpenAIResponder

    _LLM_IMPORT_ERROR: ModuleNotFoundError | None = None
except ModuleNotFoundError as exc:  # pragma: no cover - depends on the install
    _LLM_IMPORT_ERROR = exc


def choose_backend(requested: str | None, settings: Settings) -> Backend:
    """Decide which responder voices the caregiver.

    Args:
        requested: ``"scripted"``, ``"openai"``, or None (no flag given).
        settings: the app settings.

    Returns:
        ``requested`` when given; otherwise ``"openai"`` when a key is
        configured (:attr:`Settings.model_configured`) and ``"scripted"`` when not.

    Raises:
        ModelNotConfigured: ``requested`` is ``"openai"`` but no key is set,
            or ``requested`` is not a known backend.
    """
    if requested is None:
        return "openai" if settings.model_configured else "scripted"
    if requested not in ("scripted", "openai"):
        raise ModelNotConfigured(f"unknown backend {requested!r}; use 'scripted' or 'openai'")
    if requested == "openai" and not settings.model_configured:
        raise ModelNotConfigured(
            "--backend openai needs OPENAI_API_KEY (and OPENAI_BASE_URL for a server other "
            "than OpenAI's); without them use --backend scripted"
        )
    return requested  # type: ignore[return-value]


@dataclass
class ModelBackend:
    """The model port's parts for one process, sharing one HTTP connection pool.

    Attributes:
        client: the async client.
        responder: the caregiver voice.
        reviewer: the model reviewer.
    """

    client: ModelClient
    responder: OpenAIResponder
    reviewer: ModelReviewer

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self.client.aclose()


def make_model_backend(
    settings: Settings, *, http_client: httpx.AsyncClient | None = None
) -> ModelBackend:
    """Build the client, responder and reviewer (no network call).

    Args:
        settings: the app settings.
        http_client: optional ``httpx.AsyncClient`` (tests, proxies).

    Returns:
        A :class:`ModelBackend`.

    Raises:
        ModelNotConfigured: the ``llm`` extra is not installed, no key is set,
            or an Azure endpoint lacks its API version.
    """
    if _LLM_IMPORT_ERROR is not None:
        raise ModelNotConfigured(
            f"the model backend needs the 'llm' extra (pip install 'empathy-coach[llm]'): "
            f"{_LLM_IMPORT_ERROR}"
        )
    client = ModelClient(settings, http_client=http_client)
    return ModelBackend(
        client=client, responder=OpenAIResponder(client), reviewer=ModelReviewer(client)
    )


async def connect(
    settings: Settings, *, check_key: bool = True, http_client: httpx.AsyncClient | None = None
) -> ModelBackend:
    """Build the model backend and check the key once.

    Args:
        settings: the app settings.
        check_key: make the one cheap start-up call (:meth:`ModelClient.check_key`).
        http_client: optional ``httpx.AsyncClient``.

    Returns:
        A ready :class:`ModelBackend`.

    Raises:
        ModelNotConfigured: see :func:`make_model_backend`.
        ModelKeyRejected: "OPENAI_API_KEY was rejected: …" (HTTP 401/403).
        ModelUnavailable: the endpoint cannot be reached at start-up.
    """
    backend = make_model_backend(settings, http_client=http_client)
    if check_key:
        try:
            await backend.client.check_key()
        except BaseException:
            await backend.aclose()
            raise
    return backend
