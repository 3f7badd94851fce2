"""docs/review-rules.md is generated from the rule files and kept current."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from review_rules_doc import DOC, render  # noqa: E402

from bot.core.review.rules import RULES  # noqa: E402


def test_rules_page_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/review-rules.md is stale: run .venv/bin/python bench/review_rules_doc.py"
    )


def test_every_rule_is_on_the_page_with_its_examples() -> None:
    page = DOC.read_text(encoding="utf-8")
    for rule in RULES:
        assert f"### {rule.name} " in page
        assert rule.examples[0].replace("|", "\\|") in page


def test_triggers_are_derived_and_imply_the_pattern() -> None:
    # every example a rule catches contains one of its derived trigger words
    from bot.core.review.reviewer import _words
    from bot.core.text import ACCENT_FOLD, clean

    for rule in RULES:
        assert rule.triggers, f"{rule.name}: no trigger could be derived"
        for ex in rule.examples:
            low = clean(ex).low
            if (rule.compiled.search(clean(ex).text if rule.case_sensitive else low)) is None:
                continue
            words = {w.translate(ACCENT_FOLD) for w in _words(low)}
            assert any(w.startswith(t) for w in words for t in rule.triggers), (rule.name, ex)
