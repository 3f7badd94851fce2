"""What the command-line commands share: output formats, input decoding, plain failures."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from enum import StrEnum
from typing import IO

import typer
from rich.console import Console
from rich.markup import escape

from bot.core.text import sanitize

__all__ = ["Backend", "BadInput", "Format", "err", "fail", "quiet_logs", "utf8_lines"]

err = Console(stderr=True, highlight=False, soft_wrap=True)


class Format(StrEnum):
    """Output format of ``review``, ``practice`` and ``personas list``."""

    text = "text"
    json = "json"


class Backend(StrEnum):
    """Who voices the caregiver: the offline partner or an OpenAI-compatible model."""

    scripted = "scripted"
    openai = "openai"


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


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}")
    return typer.Exit(code)
