"""US spelling in everything a user reads (issue 8: "practice" as noun and verb).

Scans the wording (presenters, Slack builders, the CLI), the persona cards (the caregiver's
lines), the prompts and the README for British spellings. Words inside code identifiers are
not the point: the list is of words people see.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    *sorted((ROOT / "bot" / "presenters").glob("*.py")),
    ROOT / "bot" / "slack" / "blocks.py",
    *sorted((ROOT / "bot" / "cli").glob("*.py")),
    *sorted((ROOT / "personas").glob("*.yml")),
    *sorted((ROOT / "prompts").glob("*.txt")),
    ROOT / "README.md",
    ROOT / "manifest.yml",
]
BRITISH = re.compile(
    r"\b(?:practis(?:e|es|ed|ing)|neighbour\w*|colour\w*|favourit\w*|behaviour\w*|"
    r"apologis\w*|recognis\w*|organis\w*|realis(?:e|es|ed|ing)|centre|programme|"
    r"cancelled|travelling|enrol(?:s|ment)?\b|judgement|licence|defence|mum|mould\w*|"
    r"nebulis\w*|grey|favour\w*|half (?:six|seven|eight)|going round)\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_british_spelling_in_what_users_read(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = sorted({m.group(0) for m in BRITISH.finditer(text)})
    assert found == [], f"{path.name}: {found}"
