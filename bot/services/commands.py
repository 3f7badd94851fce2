"""What typed words mean, the same on every platform and in the terminal.

Pure functions over plain text (platform markup is already removed by the
adapter): command words in a practice ("end", "End.", "/help", "quit"), start
requests ("practice with Denise"), persona lookup, question-list splitting.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from bot.core.persona import Persona

__all__ = [
    "END_WORDS",
    "HELP_WORDS",
    "MAX_QUESTIONS",
    "Command",
    "FlaggingChange",
    "FlaggingProblem",
    "find_persona",
    "parse_command",
    "parse_flagging",
    "parse_practice_subcommand",
    "parse_start_request",
    "question_lines",
    "split_question_lines",
]

Command = Literal["end", "help", "retry"]

PracticeSubcommand = Literal["delete_my_data"]

DELETE_MY_DATA_WORDS = frozenset({"delete-my-data", "delete my data", "delete-my data"})
"""What ``/practice`` takes as "delete all of my data" (after clean-up)."""

END_WORDS = frozenset(
    {
        "end",
        "end practice",
        "end session",
        "end the call",
        "stop",
        "stop practice",
        "done",
        "quit",
        "exit",
        "finish",
        "bye for now",
    }
)
"""Words that end a practice (after :func:`parse_command`'s clean-up)."""

HELP_WORDS = frozenset({"help", "?", "commands", "what do i do"})
"""Words that ask for help during a practice."""

RETRY_WORDS = frozenset({"retry", "try again"})
"""Words that rewind the last turn so the staff member can ask it another way."""

MAX_QUESTIONS = 60
"""Most questions reviewed from one list (modal, message or command)."""

_START_RE = re.compile(
    r"^\s*(?:let'?s\s+)?(?:start\s+(?:a\s+)?)?(?:practi[cs]e|rehearse)\b"
    r"(?:\s+(?:a\s+call\s+)?with)?\s*(?P<who>.*?)\s*[.!]?\s*$",
    re.IGNORECASE,
)
_EDGES = " \t\r\n.!?,;:'\"“”‘’()[]*_~-"
_BULLET_RE = re.compile(
    r"^\s*(?:[-*•·–—>]+|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]|q\s*\d{1,3}\s*[:.)-]|question\s*\d{1,3}\s*[:.)-])\s*",
    re.IGNORECASE,
)


def parse_command(text: str) -> Command | None:
    """Tell whether a practice message is a command rather than speech.

    Tolerates case, a leading ``/``, surrounding punctuation and spaces:
    ``End.``, ``/help``, ``STOP!``, `` quit `` are commands; "Let's stop here
    for today, what else?" is speech.

    Args:
        text: the message as plain text.

    Returns:
        ``"end"``, ``"help"``, ``"retry"``, or None for speech.
    """
    word = " ".join(text.strip().lstrip("/").strip(_EDGES).lower().split())
    if word in END_WORDS:
        return "end"
    if word in HELP_WORDS or text.strip() == "?":
        return "help"
    if word in RETRY_WORDS:
        return "retry"
    return None


def parse_practice_subcommand(text: str) -> PracticeSubcommand | None:
    """Tell whether the words after ``/practice`` are a subcommand rather than a caregiver.

    Args:
        text: the command's text, plain (``delete-my-data``, `` Delete my data. ``).

    Returns:
        ``"delete_my_data"``, or None (the text names a caregiver, or nothing).
    """
    word = " ".join(text.strip().strip(_EDGES.replace("-", "")).lower().split())
    return "delete_my_data" if word in DELETE_MY_DATA_WORDS else None


def parse_start_request(text: str) -> str | None:
    """Recognize "practice", "practice with Denise", "start practice" (suggested prompts).

    Args:
        text: a plain message text.

    Returns:
        None when it is not a start request; else who was asked for ("" for anyone).
    """
    match = _START_RE.match(text)
    if match is None:
        return None
    return match.group("who").strip(" \t?!.,;:")


def find_persona(personas: Mapping[str, Persona], query: str) -> Persona | None:
    """Find a persona by id, full name or first name (case-insensitive).

    Args:
        personas: id -> card.
        query: what the user typed (``night-shift-mom``, ``Denise``, ``denise carver``).

    Returns:
        The card, or None when nothing (or more than one first name) matches.
    """
    q = " ".join(query.strip().lower().split())
    if not q:
        return None
    if q in personas:
        return personas[q]
    for p in personas.values():
        if p.name.lower() == q:
            return p
    firsts = [p for p in personas.values() if p.name.split()[0].lower() == q]
    return firsts[0] if len(firsts) == 1 else None


def split_question_lines(text: str) -> list[str]:
    """Split a pasted question list into one item per non-blank line (stripped)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def question_lines(text: str) -> list[str]:
    """The questions of a pasted list, bullets and labels removed.

    "- Tell me about mornings", "1. How…", "Q1: What…", "a) Does…" give the
    question text; lines that are only a bullet or a heading label give nothing.

    Args:
        text: the pasted list.

    Returns:
        One question per item, in order (possibly more than :data:`MAX_QUESTIONS`).
    """
    out = []
    for line in split_question_lines(text):
        body = _BULLET_RE.sub("", line, count=1).strip()
        if body:
            out.append(body)
    return out


@dataclass(frozen=True, slots=True)
class FlaggingChange:
    """A parsed ``flagging on|off [findings N] [turns N]`` (None: keep the current value)."""

    enabled: bool
    findings_per_10: float | None = None
    turns_without_insight: int | None = None


@dataclass(frozen=True, slots=True)
class FlaggingProblem:
    """What is wrong with typed flagging words; ``typed`` is the offending word ("" if none).

    ``what``: ``state`` (no on/off), ``setting`` (an unknown setting name), ``missing`` (a
    setting without its number), ``findings`` / ``turns`` (not a number of that kind).
    """

    what: Literal["state", "setting", "missing", "findings", "turns"]
    typed: str = ""


_DECIMAL_RE = re.compile(r"^\d{1,4}(?:\.\d{1,2})?$")


def parse_flagging(args: list[str]) -> FlaggingChange | FlaggingProblem:
    """Read the words after ``flagging`` (``on findings 3 turns 12``).

    Args:
        args: the words, already split (no words asks for the state: not handled here).

    Returns:
        The change, or the problem with the words (the range checks are the service's:
        ``Coaching.set_flagging``; the wording is the presenters').
    """
    state = args[0].lower() if args else ""
    if state not in ("on", "off"):
        return FlaggingProblem("state", args[0] if args else "")
    rest = args[1:]
    values: dict[str, str] = {}
    for i in range(0, len(rest), 2):
        name = rest[i].lower()
        if name not in ("findings", "turns"):
            return FlaggingProblem("setting", rest[i])
        if i + 1 >= len(rest):
            return FlaggingProblem("missing", name)
        values[name] = rest[i + 1]
    findings, turns = values.get("findings"), values.get("turns")
    if findings is not None and not _DECIMAL_RE.match(findings):
        return FlaggingProblem("findings", findings)
    if turns is not None and not (turns.isascii() and turns.isdigit() and len(turns) <= 4):
        return FlaggingProblem("turns", turns)
    return FlaggingChange(
        enabled=state == "on",
        findings_per_10=float(findings) if findings is not None else None,
        turns_without_insight=int(turns) if turns is not None else None,
    )
