"""Load and validate the caregiver persona cards (``personas/*.yml``).

This module does the file I/O that ``bot.core`` must not: it reads YAML,
validates it into :class:`bot.core.persona.Persona`, and turns every problem
into a :class:`PersonaError` whose lines read like a compiler's::

    personas/bad.yml:14: layers[1].trust: Input should be less than or equal to 10

It also exports the card's JSON Schema to ``personas/schema.json`` so editors
(``# yaml-language-server: $schema=./schema.json``) can check cards as they
are written. Regenerate it after changing the model with::

    .venv/bin/python -m bot.personas
"""

from __future__ import annotations

import importlib.resources
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.core.persona import Persona

__all__ = [
    "SCHEMA_FILE",
    "PersonaError",
    "UnknownPersona",
    "export_schema",
    "get_persona",
    "load_all",
    "load_persona",
    "personas_dir",
    "schema_text",
    "write_schema",
]

SCHEMA_FILE = "schema.json"
"""Name of the exported JSON Schema inside the personas directory."""

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class PersonaError(ValueError):
    """One or more persona cards are unreadable or invalid.

    The message has one problem per line, each ``FILE:LINE: FIELD: MESSAGE``
    (``FIELD`` is omitted for problems that belong to no field).

    Attributes:
        errors: the problem lines, in file order.
    """

    def __init__(self, errors: Sequence[str]) -> None:
        """Build the error from its problem lines.

        Args:
            errors: one formatted problem per item (at least one).
        """
        self.errors: list[str] = list(errors)
        super().__init__("\n".join(self.errors))


class UnknownPersona(KeyError):
    """No shipped (or given-directory) card has the requested id.

    Attributes:
        persona_id: the id that was asked for.
        known: the ids that do exist, sorted.
    """

    def __init__(self, persona_id: str, known: Sequence[str]) -> None:
        """Build the error.

        Args:
            persona_id: the id that was asked for.
            known: ids of the cards that exist.
        """
        self.persona_id = persona_id
        self.known: list[str] = sorted(known)
        listed = ", ".join(self.known) if self.known else "(none)"
        self.message = f"unknown persona {persona_id!r}; known personas: {listed}"
        super().__init__(self.message)

    def __str__(self) -> str:
        """Return the plain message (``KeyError`` would otherwise quote it)."""
        return self.message


# --------------------------------------------------------------------------- paths


def personas_dir() -> Path:
    """Return the directory of the shipped persona cards.

    A wheel install carries them as package data in ``bot/_data/personas``
    (``pyproject.toml`` force-includes ``personas/`` there); an editable install
    or a source checkout uses the repository's ``personas/`` beside ``bot/``.

    Returns:
        The directory path (it may not exist in a broken install; the loaders
        report that).
    """
    shipped = importlib.resources.files("bot") / "_data" / "personas"
    if shipped.is_dir():
        return Path(str(shipped))
    return Path(__file__).resolve().parent.parent / "personas"


# --------------------------------------------------------------------------- loading


def _display(path: Path) -> str:
    """Show ``path`` relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _field_path(loc: Sequence[int | str]) -> str:
    """Format a pydantic ``loc`` as ``layers[1].trust``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part == "[key]":
            out += "[key]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _line_of(root: yaml.Node | None, loc: Sequence[int | str]) -> int:
    """Return the 1-based line of the node at ``loc``, or of its nearest existing parent.

    A mapping entry is reported at its key's line (where an author looks for
    ``trust:``); a sequence item at the item's first line.
    """
    if root is None:
        return 1
    line = root.start_mark.line
    node: yaml.Node = root
    for i, part in enumerate(loc):
        if isinstance(node, yaml.MappingNode) and not isinstance(part, int):
            match = next(
                (
                    (k, v)
                    for k, v in node.value
                    if isinstance(k, yaml.ScalarNode) and k.value == part
                ),
                None,
            )
            if match is None:
                break
            key_node, node = match
            line = key_node.start_mark.line
            if i + 1 < len(loc) and loc[i + 1] == "[key]":
                break  # the key itself is the problem: stay on its line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line
        else:
            break
    return line + 1


def _duplicate_keys(
    node: yaml.Node | None, path: tuple[int | str, ...] = ()
) -> list[tuple[int, str]]:
    """Find mapping keys given twice (PyYAML silently keeps the last one).

    Returns:
        ``(line, field path)`` of every repeated key, 1-based lines.
    """
    found: list[tuple[int, str]] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key)
            if name in seen:
                found.append((key.start_mark.line + 1, _field_path((*path, name))))
            seen.add(name)
            found.extend(_duplicate_keys(value, (*path, name)))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found.extend(_duplicate_keys(item, (*path, i)))
    return found


def load_persona(path: Path) -> Persona:
    """Read and validate one persona card.

    Args:
        path: a ``.yml`` card.

    Returns:
        The validated persona.

    Raises:
        PersonaError: the file cannot be read, is not valid YAML (reported at
            the parser's line), is not a mapping, repeats a key, or fails
            validation. Every validation error gets its own line naming the
            file, the line of the offending key (or of its nearest parent
            when the key is missing) and the field path.
    """
    shown = _display(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PersonaError([f"{shown}: cannot read: {exc}"]) from exc

    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"{mark.line + 1}:" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise PersonaError([f"{shown}:{where} YAML syntax error: {problem}"]) from exc
    finally:
        loader.dispose()

    if not isinstance(data, dict):
        top = root.start_mark.line + 1 if root is not None else 1
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise PersonaError([f"{shown}:{top}: a persona card must be a mapping, not {kind}"])

    errors = [
        f"{shown}:{line}: {field}: key given more than once (the last one would win)"
        for line, field in _duplicate_keys(root)
    ]
    try:
        persona = Persona.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            field = _field_path(loc)
            prefix = f"{shown}:{_line_of(root, loc)}: "
            errors.append(prefix + (f"{field}: " if field else "") + err["msg"])
        raise PersonaError(errors) from exc
    if errors:
        raise PersonaError(errors)
    return persona


def _card_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise PersonaError([f"{_display(directory)}: persona directory not found"])
    return sorted(directory.glob("*.yml"))


def load_all(directory: Path | None = None) -> dict[str, Persona]:
    """Load every card in a directory.

    Args:
        directory: where the ``*.yml`` cards are; the shipped cards
            (:func:`personas_dir`) when None.

    Returns:
        Personas keyed by id, in id order.

    Raises:
        PersonaError: the directory does not exist, or any card is bad; the
            message lists the problems of every bad card, not just the first,
            including a card whose ``id`` differs from its file name.
    """
    folder = personas_dir() if directory is None else directory
    personas: dict[str, Persona] = {}
    errors: list[str] = []
    for path in _card_files(folder):
        try:
            persona = load_persona(path)
        except PersonaError as exc:
            errors.extend(exc.errors)
            continue
        if persona.id != path.stem:
            errors.append(
                f"{_display(path)}:{_id_line(path)}: id: {persona.id!r} must equal the "
                f"file name {path.stem!r}"
            )
            continue
        personas[persona.id] = persona
    if errors:
        raise PersonaError(errors)
    return dict(sorted(personas.items()))


def _id_line(path: Path) -> int:
    """Line of the top-level ``id`` key of an already-validated card."""
    return _line_of(yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader), ["id"])


def get_persona(persona_id: str, directory: Path | None = None) -> Persona:
    """Load one card by id (only that card is read and validated).

    Args:
        persona_id: the card's id, which is also its file stem.
        directory: where the cards are; the shipped cards when None.

    Returns:
        The validated persona, shared: parsed once and cached until the file
        changes (do not mutate it).

    Raises:
        UnknownPersona: no card has that id; the message lists the known ids.
        PersonaError: the card exists but is invalid, or its ``id`` differs
            from its file name, or the directory does not exist.
    """
    folder = personas_dir() if directory is None else directory
    files = _card_files(folder)
    if not _ID_RE.match(persona_id) or persona_id not in {p.stem for p in files}:
        raise UnknownPersona(persona_id, [p.stem for p in files])
    path = folder / f"{persona_id}.yml"
    try:
        stat = path.stat()
    except OSError as exc:
        raise PersonaError([f"{_display(path)}: cannot read: {exc}"]) from exc
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    cached = _CARD_CACHE.get(key[0])
    if cached is not None and cached[0] == key:
        return cached[1]
    persona = load_persona(path)
    if persona.id != persona_id:
        raise PersonaError(
            [
                f"{_display(path)}:{_id_line(path)}: id: {persona.id!r} must equal the "
                f"file name {persona_id!r}"
            ]
        )
    _CARD_CACHE[key[0]] = (key, persona)
    return persona


_CARD_CACHE: dict[str, tuple[tuple[str, int, int], Persona]] = {}
"""Validated cards by path, with the (path, mtime_ns, size) they were read at: a card is
parsed once and re-read only when its file changes (issue 13: re-parsing the YAML on every
turn cost 6.9 s of a 32 s load profile). Callers must not mutate the returned card."""


# --------------------------------------------------------------------------- schema


def export_schema() -> dict[str, Any]:
    """Return the JSON Schema of a persona card.

    Returns:
        ``Persona.model_json_schema()``.
    """
    return Persona.model_json_schema()


def schema_text() -> str:
    """Return the schema exactly as ``personas/schema.json`` must hold it.

    Returns:
        Pretty JSON (2-space indent, sorted keys) with a trailing newline.
    """
    return json.dumps(export_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schema(directory: Path | None = None) -> Path:
    """Write :func:`schema_text` to ``schema.json`` in the personas directory.

    Args:
        directory: target directory; the shipped cards' directory when None.

    Returns:
        The path written.

    Raises:
        OSError: the file cannot be written.
    """
    folder = personas_dir() if directory is None else directory
    target = folder / SCHEMA_FILE
    target.write_text(schema_text(), encoding="utf-8")
    return target


if __name__ == "__main__":  # pragma: no cover - developer convenience
    print(write_schema(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
