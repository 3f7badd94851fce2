"""Errors of the language-model port.

Every failure of a model call is turned into one of two exceptions, so callers
never see ``openai``/``httpx`` exception types:

- :class:`ModelUnavailable`: the model did not give a usable answer this time
  (timeout, 429, 5xx, connection error, malformed structured output, a
  refused or empty answer) after the client's retries. Callers fall back: the
  scripted responder answers the turn, the review falls back to rules. The
  next call tries the model again.
- :class:`ModelKeyRejected`: the endpoint refused the credentials (HTTP 401 or
  403). At start-up this is one clear message, never a stack trace per turn.

Both derive from :class:`ModelError`; the practice service catches
:class:`ModelError` around each turn, so even a key revoked mid-session only
costs that turn its model voice, never the turn itself.
"""

from __future__ import annotations

__all__ = ["ModelError", "ModelKeyRejected", "ModelNotConfigured", "ModelUnavailable"]


class ModelError(Exception):
    """Base class of every error the model port raises.

    Attributes:
        reason: a short, secret-free description suitable for a log line or a
            user-facing message (never contains the API key).
    """

    def __init__(self, reason: str) -> None:
        """Build the error.

        Args:
            reason: short description, no secrets.
        """
        self.reason = reason
        super().__init__(reason)


class ModelUnavailable(ModelError):
    """The model gave no usable answer after the client's retries.

    Raised for timeouts, HTTP 429 and 5xx (after the SDK's retries), connection
    errors, other API errors (400/404/422), and structured output that does not
    parse into the expected schema.
    """


class ModelKeyRejected(ModelError):
    """The endpoint rejected ``OPENAI_API_KEY`` (HTTP 401 or 403).

    The message always starts with ``"OPENAI_API_KEY was rejected: "`` followed
    by the server's own short explanation (the key itself is never included).
    """

    PREFIX = "OPENAI_API_KEY was rejected: "

    def __init__(self, detail: str) -> None:
        """Build the error.

        Args:
            detail: the server's explanation (e.g. "Incorrect API key provided").
        """
        detail = detail.strip() or "the server answered 401 Unauthorized"
        super().__init__(self.PREFIX + detail)


class ModelNotConfigured(ModelError):
    """A model backend was asked for but the settings cannot make one.

    For example ``--backend openai`` with no ``OPENAI_API_KEY``, or an Azure
    endpoint without an API version. The message says what to set.
    """
