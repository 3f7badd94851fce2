"""Write ``docs/review-rules.md``: every review rule and sentence shape, for coaches.

Run: ``.venv/bin/python bench/review_rules_doc.py`` (``tests/test_review_docs.py`` checks
that the committed file is what this writes).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.models import FINDING_KINDS, SEVERITY_OF  # noqa: E402
from bot.core.review.rules import RULES, load_shapes  # noqa: E402

DOC = ROOT / "docs" / "review-rules.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render() -> str:
    """The Markdown text of the rules page."""
    out = [
        "# Review rules",
        "",
        "Generated from `bot/core/review/data/rules/*.yml` and `data/shapes.yml` by",
        "`bench/review_rules_doc.py`; do not edit by hand. Each rule names a pattern of",
        "language, the message staff see, and examples it must catch and must leave alone.",
        "Besides these rules, a learned layer (`bot/core/review/learned.py`) flags phrasings",
        "no rule names; its findings say `source: learned` and carry the model's confidence.",
        "",
    ]
    for kind in FINDING_KINDS:
        rules = [r for r in RULES if r.kind == kind]
        out += [f"## {kind} ({SEVERITY_OF[kind]})", ""]
        if not rules:
            out += ["Found by the sentence shapes below (no pattern rule).", ""]
            continue
        for r in rules:
            out += [
                f"### {r.name} ({'Spanish' if r.language == 'es' else 'English'})",
                "",
                f"{r.why}",
                "",
                f"- applies to: {r.where} sentences"
                if r.where != "any"
                else "- applies to: any sentence",
                f"- triggers (derived): {', '.join(r.triggers) or 'always runs'}",
                "- flags: " + "; ".join(f"“{_cell(e)}”" for e in r.examples),
            ]
            if r.counter_examples:
                out.append(
                    "- leaves alone: " + "; ".join(f"“{_cell(e)}”" for e in r.counter_examples)
                )
            out += ["", "```", r.pattern, "```", ""]
    out += ["## Sentence shapes and good moves", ""]
    for lang, shapes in load_shapes().items():
        for name, pattern in shapes.items():
            out += [
                f"### {name} ({'Spanish' if lang == 'es' else 'English'})",
                "",
                "```",
                pattern,
                "```",
                "",
            ]
    return "\n".join(out)


def main() -> None:
    """Write the page."""
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(render(), encoding="utf-8")
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
