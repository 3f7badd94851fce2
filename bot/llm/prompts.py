"""Load prompt templates from ``prompts/`` (DESIGN.md: no prompts inlined in code).

A wheel carries them as package data in ``bot/_data/prompts`` (``pyproject.toml``
force-includes ``prompts/`` there); a source checkout or editable install reads
the repository's ``prompts/`` beside ``bot/``.

Two kinds of file:

- a *template* (``caregiver.txt``, ``principle_check.txt``, ``reviewer.txt``):
  text with ``{name}`` fields filled by :meth:`str.format_map`;
- a *sectioned* file (``caregiver_parts.txt``): blocks headed ``[key]`` on a
  line of their own, read by :func:`load_sections`. Lines starting with ``#``
  before the first section are comments.
"""

from __future__ import annotations

import importlib.resources
import re
from functools import lru_cache
from pathlib import Path

__all__ = ["load_prompt", "load_sections", "prompts_dir", "render"]

_SECTION_RE = re.compile(r"^\[([a-z0-9_:.-]+)\]\s*$", re.MULTILINE)


def prompts_dir() -> Path:
    """Return the directory holding the prompt files.

    Returns:
        ``bot/_data/prompts`` in a wheel install, else the repository's ``prompts/``.
    """
    shipped = importlib.resources.files("bot") / "_data" / "prompts"
    if shipped.is_dir():
        return Path(str(shipped))
    return Path(__file__).resolve().parent.parent.parent / "prompts"


@lru_cache(maxsize=32)
def load_prompt(name: str) -> str:
    """Read one prompt file.

    Args:
        name: file name inside :func:`prompts_dir`, e.g. ``"caregiver.txt"``.

    Returns:
        The file's text, trailing whitespace stripped.

    Raises:
        FileNotFoundError: the file is missing (a broken install).
    """
    return (prompts_dir() / name).read_text(encoding="utf-8").rstrip()


@lru_cache(maxsize=8)
def load_sections(name: str) -> dict[str, str]:
    """Read a sectioned prompt file into ``{key: text}``.

    Args:
        name: file name inside :func:`prompts_dir`.

    Returns:
        Each ``[key]`` block's text, stripped.

    Raises:
        FileNotFoundError: the file is missing.
    """
    text = load_prompt(name)
    parts = _SECTION_RE.split(text)
    return {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


def render(template: str, /, **fields: str) -> str:
    """Fill a template's ``{name}`` fields.

    Args:
        template: template file name.
        **fields: values for every field the template names.

    Returns:
        The rendered text.

    Raises:
        KeyError: the template names a field not given.
    """
    return load_prompt(template).format_map(fields)
