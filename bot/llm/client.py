"""One async wrapper over the official ``openai`` package: chat, streaming, structured outputs.

Everything the product sends to a model goes through :class:`ModelClient`:

- **Endpoint**: ``AsyncOpenAI`` with ``OPENAI_BASE_URL`` (OpenAI, a district
  gateway, Ollama, vLLM…), or ``AsyncAzureOpenAI`` when
  ``AZURE_OPENAI_ENDPOINT`` is set (with ``AZURE_OPENAI_API_VERSION`` and,
  optionally, ``AZURE_OPENAI_DEPLOYMENT`` used as the model name).
- **Timeout**: ``EC_REQUEST_TIMEOUT`` seconds (default 30) for connect, each
  read, write and pool wait, never the SDK's 10-minute default. A stream that
  keeps sending chunks is not cut off; a stalled one is.
- **Retries**: the SDK's own, ``EC_MAX_RETRIES`` times (default 2) after the
  first try, on connection errors, timeouts, 408, 409, 429 and 5xx. The SDK
  honours ``Retry-After`` / ``retry-after-ms`` (server delays up to its cap)
  and otherwise backs off exponentially from 0.5 s to at most 8 s with
  jitter; we rely on it rather than adding tenacity, which would double the
  retries. Retries happen before a stream starts; a stream broken midway is
  not retried (the caller falls back for that turn).
- **Errors**: every failure becomes :class:`~bot.llm.errors.ModelUnavailable`
  or, on HTTP 401/403, :class:`~bot.llm.errors.ModelKeyRejected`.
- **Transport**: the SDK is given our own ``httpx.AsyncClient``, so HTTP
  mocking with ``respx`` and proxy settings work as with any httpx code.
- **Usage**: every call returns its :class:`~bot.core.practice.Usage`; when a
  server reports none (some compatible servers omit it in streams), it is
  counted with tiktoken (:mod:`bot.llm.tokens`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, Literal, TypeVar

import httpx
import openai
from pydantic import BaseModel, ValidationError

from bot import metrics
from bot.config import Settings
from bot.core.practice import Usage
from bot.llm.errors import ModelError, ModelKeyRejected, ModelNotConfigured, ModelUnavailable
from bot.llm.tokens import count_messages, count_tokens

__all__ = ["ChatStream", "Message", "ModelClient", "map_error"]

log = logging.getLogger(__name__)

Message = Mapping[str, Any]
"""One chat message: ``{"role": "system" | "user" | "assistant", "content": str}``."""

SchemaT = TypeVar("SchemaT", bound=BaseModel)

_REASONING_PREFIXES = ("o1", "o3", "o4", "gpt-5")
"""Model families that take ``max_completion_tokens`` and no ``temperature``."""

_TRANSPORT_ERRORS: tuple[type[Exception], ...] = (httpx.HTTPError, OSError)
try:  # the SDK's own transport (openai >= 3) may raise its exceptions mid-stream
    import httpx2

    _TRANSPORT_ERRORS = (*_TRANSPORT_ERRORS, httpx2.HTTPError)
except ModuleNotFoundError:  # pragma: no cover - older openai releases
    pass

_CALL_ERRORS: tuple[type[Exception], ...] = (openai.OpenAIError, *_TRANSPORT_ERRORS)
"""What a model call may raise that :func:`map_error` translates."""

_PARSE_ERRORS: tuple[type[Exception], ...] = (*_CALL_ERRORS, ValidationError, json.JSONDecodeError)


def _server_message(exc: openai.APIError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error") if isinstance(body.get("error"), dict) else body
        message = inner.get("message") if isinstance(inner, dict) else None
        if isinstance(message, str) and message:
            return message
    return exc.message


def map_error(
    exc: BaseException, *, secret: str | None = None, timeout: float | None = None
) -> ModelError:
    """Translate an ``openai``/``httpx``/parsing exception into the port's errors.

    Args:
        exc: the exception raised by the SDK or while reading a stream.
        secret: the API key, scrubbed from any server message that echoes it.
        timeout: the configured timeout in seconds, for the message.

    Returns:
        :class:`ModelKeyRejected` for HTTP 401/403, otherwise
        :class:`ModelUnavailable` with a short reason.
    """

    def scrub(text: str) -> str:
        return text.replace(secret, "***") if secret else text

    if isinstance(exc, ModelError):
        return exc
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return ModelKeyRejected(scrub(_server_message(exc)))
    if isinstance(exc, openai.APITimeoutError):
        limit = f" after {timeout:g} s" if timeout else ""
        return ModelUnavailable(f"the model timed out{limit}")
    if isinstance(exc, openai.RateLimitError):
        return ModelUnavailable(f"rate limited (HTTP 429): {scrub(_server_message(exc))}")
    if isinstance(exc, openai.APIStatusError):
        return ModelUnavailable(f"HTTP {exc.status_code}: {scrub(_server_message(exc))}")
    if isinstance(exc, openai.APIConnectionError):
        return ModelUnavailable(f"could not reach the model: {scrub(exc.message)}")
    if isinstance(exc, openai.LengthFinishReasonError | openai.ContentFilterFinishReasonError):
        return ModelUnavailable(f"the structured answer was cut off: {type(exc).__name__}")
    if isinstance(exc, ValidationError | json.JSONDecodeError):
        return ModelUnavailable("the model's structured output did not match the schema")
    if isinstance(exc, openai.OpenAIError):
        return ModelUnavailable(scrub(str(exc)) or type(exc).__name__)
    if isinstance(exc, _TRANSPORT_ERRORS):
        return ModelUnavailable(f"the connection broke: {type(exc).__name__}")
    return ModelUnavailable(f"unexpected model error: {type(exc).__name__}")


def _usage_of(raw: Any, messages: Sequence[Message], completion_text: str) -> Usage:
    """Usage reported by the server, or tiktoken counts when it reported none."""
    if raw is not None and getattr(raw, "prompt_tokens", None) is not None:
        return Usage(
            prompt_tokens=int(raw.prompt_tokens or 0),
            completion_tokens=int(getattr(raw, "completion_tokens", 0) or 0),
        )
    return Usage(
        prompt_tokens=count_messages(messages), completion_tokens=count_tokens(completion_text)
    )


class LazyStream(AsyncIterator[str]):
    """Base of the model's text streams: an async iterator whose work (the
    model call) starts on the first ``__anext__`` and runs in :meth:`_run`.

    Subclasses set :attr:`usage` and :attr:`text` as their calls finish.
    """

    usage: Usage
    text: str
    _gen: AsyncIterator[str] | None = None

    def __aiter__(self) -> LazyStream:
        """Return this stream (the model call starts on the first ``__anext__``)."""
        return self

    async def __anext__(self) -> str:
        """Return the next text delta as it arrives.

        Raises:
            StopAsyncIteration: the reply is complete (:attr:`usage` is set).
        """
        if self._gen is None:
            self._gen = self._run()
        return await self._gen.__anext__()

    def _run(self) -> AsyncIterator[str]:
        raise NotImplementedError


class ChatStream(LazyStream):
    """An async iterator of reply text deltas from one streamed chat completion.

    Iterate it once. When iteration ends, :attr:`usage` holds the tokens the
    call cost and :attr:`text` the whole reply.

    Raises (while iterating):
        ModelUnavailable: the request failed after retries, or the stream broke.
        ModelKeyRejected: HTTP 401/403.
    """

    def __init__(
        self, client: ModelClient, messages: Sequence[Message], params: dict[str, Any]
    ) -> None:
        """Prepare the stream (no request is made until iteration starts).

        Args:
            client: the owning client.
            messages: the chat messages.
            params: keyword arguments for ``chat.completions.create``.
        """
        self._client = client
        self._messages = list(messages)
        self._params = params
        self.usage: Usage = Usage()
        """Tokens of this call (set when the stream ends)."""
        self.text: str = ""
        """The whole reply (set when the stream ends)."""

    async def _run(self) -> AsyncIterator[str]:
        parts: list[str] = []
        reported: Any = None
        with metrics.model_call("stream") as seen:
            try:
                stream = await self._client.sdk.chat.completions.create(  # type: ignore[call-overload]
                    messages=self._messages,
                    stream=True,
                    stream_options={"include_usage": True},
                    **self._params,
                )
                async with stream:
                    async for chunk in stream:
                        if chunk.usage is not None:
                            reported = chunk.usage
                        for choice in chunk.choices or ():
                            delta = choice.delta.content if choice.delta else None
                            if delta:
                                parts.append(delta)
                                yield delta
            except _CALL_ERRORS as exc:
                raise self._client.map_error(exc) from exc
            self.text = "".join(parts)
            if not self.text.strip():
                raise ModelUnavailable("the model sent an empty reply")
            self.usage = _usage_of(reported, self._messages, self.text)
            seen.prompt_tokens, seen.completion_tokens = (
                self.usage.prompt_tokens,
                self.usage.completion_tokens,
            )


class ModelClient:
    """The async client of the model port (see the module docstring for timeouts and retries).

    Args:
        settings: the app settings (key, base URL or Azure, timeout, retries).
        http_client: an ``httpx.AsyncClient`` to use; a new one with
            ``settings.request_timeout`` when None (closed by :meth:`aclose`).

    Raises:
        ModelNotConfigured: no ``OPENAI_API_KEY`` is set, or an Azure endpoint
            is set without an API version (the message says what to set).
    """

    def __init__(self, settings: Settings, *, http_client: httpx.AsyncClient | None = None) -> None:
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
        if not key:
            raise ModelNotConfigured(
                "OPENAI_API_KEY is not set (servers that need no key accept any non-empty value)"
            )
        self._key = key
        self.settings = settings
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(timeout=settings.request_timeout)
        common: dict[str, Any] = {
            "api_key": key,
            "timeout": settings.request_timeout,
            "max_retries": settings.max_retries,
            "http_client": self._http,
        }
        self.azure = bool(settings.azure_openai_endpoint)
        if self.azure:
            if not settings.azure_openai_api_version:
                raise ModelNotConfigured(
                    "AZURE_OPENAI_ENDPOINT is set: AZURE_OPENAI_API_VERSION is needed too"
                )
            self.sdk: openai.AsyncOpenAI = openai.AsyncAzureOpenAI(
                azure_endpoint=settings.azure_openai_endpoint or "",
                api_version=settings.azure_openai_api_version,
                azure_deployment=settings.azure_openai_deployment,
                **common,
            )
        else:
            self.sdk = openai.AsyncOpenAI(base_url=settings.openai_base_url, **common)

    # ------------------------------------------------------------------ helpers

    @property
    def base_url(self) -> str:
        """The endpoint's base URL (for messages; holds no secret)."""
        return str(self.sdk.base_url)

    def model_for(self, purpose: Literal["persona", "review"]) -> str:
        """Return the model (or Azure deployment) name for a purpose.

        Args:
            purpose: ``"persona"`` (caregiver voice, principle check) or
                ``"review"`` (model reviewer).

        Returns:
            ``AZURE_OPENAI_DEPLOYMENT`` when set, else ``EC_PERSONA_MODEL`` /
            ``EC_REVIEW_MODEL``.
        """
        if self.azure and self.settings.azure_openai_deployment:
            return self.settings.azure_openai_deployment
        return self.settings.persona_model if purpose == "persona" else self.settings.review_model

    def map_error(self, exc: BaseException) -> ModelError:
        """:func:`map_error` with this client's key scrubbed and timeout named."""
        err = map_error(exc, secret=self._key, timeout=self.settings.request_timeout)
        log.debug("model call failed: %s (%s)", err.reason, type(exc).__name__)
        return err

    @staticmethod
    def _params(model: str, max_tokens: int, temperature: float | None) -> dict[str, Any]:
        params: dict[str, Any] = {"model": model}
        if model.startswith(_REASONING_PREFIXES):
            params["max_completion_tokens"] = max_tokens
        else:
            params["max_tokens"] = max_tokens
            if temperature is not None:
                params["temperature"] = temperature
        return params

    # ------------------------------------------------------------------ calls

    async def check_key(self) -> None:
        """Check once, at start-up, that the endpoint accepts the key.

        Makes one cheap call: ``GET /models`` (no tokens billed); servers that
        do not implement it (404/405) get a 1-token chat completion instead.
        Uses at most one retry so a dead endpoint is reported quickly.

        Raises:
            ModelKeyRejected: HTTP 401/403; message
                ``"OPENAI_API_KEY was rejected: <server's reason>"``.
            ModelUnavailable: the endpoint could not be reached or failed.
        """
        quick = self.sdk.with_options(max_retries=min(1, self.settings.max_retries))
        try:
            await quick.models.list()
            return
        except openai.APIStatusError as exc:
            if exc.status_code not in (404, 405):
                raise self._at_start(self.map_error(exc)) from exc
        except _CALL_ERRORS as exc:
            raise self._at_start(self.map_error(exc)) from exc
        try:
            await quick.chat.completions.create(
                messages=[{"role": "user", "content": "hi"}],
                **self._params(self.model_for("persona"), 1, None),
            )
        except _CALL_ERRORS as exc:
            raise self._at_start(self.map_error(exc)) from exc

    def _at_start(self, error: ModelError) -> ModelError:
        """Name the endpoint and the variable to check in a start-up failure."""
        if isinstance(error, ModelUnavailable):
            where = (
                "AZURE_OPENAI_ENDPOINT"
                if self.settings.azure_openai_endpoint
                else (
                    "OPENAI_BASE_URL" if self.settings.openai_base_url else "the OpenAI default URL"
                )
            )
            return ModelUnavailable(
                f"{error.reason} (model endpoint {self.base_url}, from {where}). Check the URL "
                "and that the server is running, or practice offline with --backend scripted."
            )
        return error

    def stream_chat(
        self,
        messages: Sequence[Message],
        *,
        model: str,
        max_tokens: int,
        temperature: float | None = None,
    ) -> ChatStream:
        """Stream one chat completion.

        Args:
            messages: the chat messages.
            model: model or deployment name (:meth:`model_for`).
            max_tokens: most completion tokens.
            temperature: sampling temperature, omitted for reasoning models.

        Returns:
            A :class:`ChatStream`; the request starts when iteration starts.
        """
        return ChatStream(self, messages, self._params(model, max_tokens, temperature))

    async def chat(
        self,
        messages: Sequence[Message],
        *,
        model: str,
        max_tokens: int,
        temperature: float | None = None,
    ) -> tuple[str, Usage]:
        """One non-streamed chat completion.

        Args:
            messages: the chat messages.
            model: model or deployment name.
            max_tokens: most completion tokens.
            temperature: sampling temperature, omitted for reasoning models.

        Returns:
            ``(reply text, usage)``.

        Raises:
            ModelUnavailable: failure after retries, or an empty reply.
            ModelKeyRejected: HTTP 401/403.
        """
        with metrics.model_call("chat") as seen:
            try:
                completion = await self.sdk.chat.completions.create(
                    messages=list(messages),  # type: ignore[arg-type]
                    **self._params(model, max_tokens, temperature),
                )
            except _CALL_ERRORS as exc:
                raise self.map_error(exc) from exc
            text = (completion.choices[0].message.content or "") if completion.choices else ""
            if not text.strip():
                raise ModelUnavailable("the model sent an empty reply")
            usage = _usage_of(completion.usage, messages, text)
            seen.prompt_tokens, seen.completion_tokens = (
                usage.prompt_tokens,
                usage.completion_tokens,
            )
        return text, usage

    async def parse(
        self,
        messages: Sequence[Message],
        *,
        model: str,
        schema: type[SchemaT],
        max_tokens: int,
        temperature: float | None = 0.0,
    ) -> tuple[SchemaT, Usage]:
        """One chat completion with structured output parsed into ``schema``.

        Uses the SDK's ``chat.completions.parse`` (``response_format`` =
        strict JSON Schema of the pydantic model).

        Args:
            messages: the chat messages.
            model: model or deployment name.
            schema: the pydantic model the answer must fit.
            max_tokens: most completion tokens.
            temperature: sampling temperature (0 for repeatable reviews).

        Returns:
            ``(parsed object, usage)``.

        Raises:
            ModelUnavailable: failure after retries, a refusal, or output that
                is not valid JSON for ``schema`` (malformed structured output).
            ModelKeyRejected: HTTP 401/403.
        """
        with metrics.model_call("parse") as seen:
            try:
                completion = await self.sdk.chat.completions.parse(
                    messages=list(messages),  # type: ignore[arg-type]
                    response_format=schema,
                    **self._params(model, max_tokens, temperature),
                )
            except _PARSE_ERRORS as exc:
                raise self.map_error(exc) from exc
            if not completion.choices:
                raise ModelUnavailable("the model sent no structured answer")
            message = completion.choices[0].message
            if getattr(message, "refusal", None):
                raise ModelUnavailable("the model refused to answer")
            parsed = message.parsed
            if parsed is None:
                raise ModelUnavailable("the model's structured output did not match the schema")
            usage = _usage_of(completion.usage, messages, message.content or "")
            seen.prompt_tokens, seen.completion_tokens = (
                usage.prompt_tokens,
                usage.completion_tokens,
            )
        return parsed, usage

    async def aclose(self) -> None:
        """Close the HTTP client if this object created it."""
        if self._owns_http:
            await self._http.aclose()
