"""Report the rules reviewer's quality on every labelled set in tests/data.

Run: ``.venv/bin/python bench/review_quality.py``

For each set: intervention-detection precision and recall (an utterance is
positive when any label is advice, judgment, persuasion or correction) and
recall per finding kind. ``review_cases`` and ``review_holdout`` were used to
write the rules; ``review_holdout2`` was written afterwards by a different
author, told to avoid textbook phrasings, and has never been used for tuning:
its figures are the honest estimate for new wording.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from review_quality import load_cases, score  # noqa: E402

from bot.core.review import review  # noqa: E402


def main() -> None:
    """Print the figures for each labelled set."""
    for path in sorted((ROOT / "tests" / "data").glob("review_*.jsonl")):
        if "answers" in path.name:
            continue
        cases = load_cases(path)
        role = "blind (never tuned on)" if "holdout2" in path.name else "used for tuning"
        print(f"{path.name}: {len(cases)} utterances, {role}")
        print(score(cases, review).report())
        print()


if __name__ == "__main__":
    main()
