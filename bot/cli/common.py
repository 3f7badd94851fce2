"""What the command-line commands share: output formats, input decoding, plain failures."""

from __future__ import annotations

import logging
from collections.abc import Iterator, MutableMapping
from enum import StrEnum
from typing import IO, Any

import typer
from rich.console import Console
from rich.markup import escape

from bot.core.text import sanitize

__all__ = [
    "Backend",
    "BadInput",
    "Format",
    "LogFormat",
    "err",
    "fail",
    "quiet_logs",
    "use_log_format",
    "utf8_lines",
]

err = Console(stderr=True, highlight=False, soft_wrap=True)


class Format(StrEnum):
    """Output format of ``review``, ``practice`` and ``personas list``."""

    text = "text"
    json = "json"


class Backend(StrEnum):
    """Who voices the caregiver: the offline partner or an OpenAI-compatible model."""

    scripted = "scripted"
    openai = "openai"


class LogFormat(StrEnum):
    """How a server writes its log lines (``--log-format`` / ``EC_LOG_FORMAT``)."""

    json = "json"
    text = "text"


class BadInput(Exception):
    """Input the user must fix; printed plainly and exits with code 2."""


# ---------------------------------------------------------------------- input helpers


def decode(raw: bytes, where: str, line_no: int) -> str:
    try:
        return sanitize(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"{where} is not valid UTF-8 (line {line_no}, byte {exc.start + 1}). "
            "Save the text as UTF-8 and try again."
        ) from None


def utf8_lines(stream: IO[bytes], where: str) -> Iterator[str]:
    """Yield decoded lines (without line endings) from a byte stream, one at a time.

    Raises:
        BadInput: a line is not valid UTF-8.
    """
    for number, raw in enumerate(stream, start=1):
        line = decode(raw, where, number)
        if number == 1:
            line = line.removeprefix("\ufeff")
        yield line.rstrip("\r\n")


def quiet_logs() -> None:
    """Terminal commands speak to the user directly: library and fallback warnings are
    shown as plain notes by the command itself, so only errors reach the log (stderr)."""
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s: %(message)s")


def _exception_text(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Put a record's traceback under ``exception``, as the redacting filter left it.

    :class:`bot.slack.redact.RedactingFilter` rewrites ``exc_text`` with secrets masked;
    formatting ``exc_info`` again here would bring them back, so ``exc_text`` wins.
    """
    record = event.get("_record")
    exc_info = event.pop("exc_info", None)
    text = getattr(record, "exc_text", None)
    if not text and exc_info:
        text = logging.Formatter().formatException(exc_info)
    if text:
        event["exception"] = text
    return event


def use_log_format(fmt: LogFormat) -> None:
    """Render every log line of this process as JSON, or leave the text lines.

    Call after :func:`bot.bootstrap.configure_logging`. In JSON mode each line is one
    object: ``timestamp`` (ISO 8601, UTC), ``level``, ``logger``, ``message``, plus the
    request's context (``request_id``, ``team_id``, ``event_type``, ``event_id``,
    ``slack_retry_num``, bound by :mod:`bot.slack.observe`) and the record's ``extra``
    fields (``latency_ms``, ``status`` …). Third-party loggers go through the same
    formatter, so their levels (kept by ``configure_logging``) still decide what is said.

    Args:
        fmt: ``json`` or ``text``.
    """
    if fmt is LogFormat.text:
        return
    # lazy: structlog costs ~0.3 s to import (-X importtime) and the terminal commands log text
    import structlog

    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.stdlib.ExtraAdder(),
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _exception_text,  # before the formatter clears the record's exc_text
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.EventRenamer("message"),
            structlog.processors.JSONRenderer(default=str),
        ],
    )
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    for handler in root.handlers:
        handler.setFormatter(formatter)


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}")
    return typer.Exit(code)
