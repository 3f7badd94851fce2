"""Keep Slack tokens and the signing secret out of logs.

Secrets live in :class:`pydantic.SecretStr` settings and inside the Slack
client, and this app never formats them into a message. As a second line of
defence :func:`install_redaction` adds a filter to the root logger's handlers
(and to the loggers this app and the Slack SDKs use) that masks the exact
secret values and anything shaped like a Slack token (``xoxb-…``, ``xapp-…``)
in every record, including exception text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

__all__ = ["MASK", "TOKEN_RE", "RedactingFilter", "install_redaction", "redact"]

MASK = "[redacted]"
"""What a secret is replaced by."""

TOKEN_RE = re.compile(r"\bx(?:ox[abposrce]|app)-[A-Za-z0-9-]+")
"""Slack token shapes: bot/user/app-level/config/refresh tokens."""

_LOGGERS = ("", "bot", "slack_bolt", "slack_sdk", "aiohttp.access", "aiohttp.server")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Mask token-shaped strings and the given secret values in ``text``.

    Args:
        text: any text.
        secrets: exact values to mask (empty ones are ignored).

    Returns:
        ``text`` with every match replaced by :data:`MASK`.
    """
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, MASK)
    return TOKEN_RE.sub(MASK, text)


class RedactingFilter(logging.Filter):
    """A logging filter that rewrites each record with secrets masked.

    Args:
        secrets: exact secret values to mask besides token shapes.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets: set[str] = {s for s in secrets if s}

    def add(self, secrets: Iterable[str]) -> None:
        """Mask these values too.

        Args:
            secrets: more exact values.
        """
        self.secrets.update(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the record's message (arguments merged) and exception text.

        Args:
            record: the log record (modified in place).

        Returns:
            Always True: the record is kept, only rewritten.
        """
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it to logging to report
            return True
        clean = redact(message, self.secrets)
        if clean != message or record.args:
            record.msg = clean
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            formatted = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(formatted, self.secrets)
            # keep exc_info for handlers that check it, but the text is now fixed
        return True


_FILTER = RedactingFilter()


def install_redaction(secrets: Iterable[str] = ()) -> RedactingFilter:
    """Install (once) the redacting filter on the root handlers and the Slack loggers.

    Safe to call repeatedly; later calls add secret values to the same filter.
    Handlers added to the root logger after this call are covered as long as
    records pass through the loggers named here (filters on loggers apply
    to records created on them, so the root handlers get their own copy).

    Args:
        secrets: exact secret values to mask (tokens, the signing secret).

    Returns:
        The process-wide filter.
    """
    _FILTER.add(secrets)
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
        for handler in logger.handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
    return _FILTER
