"""Build the reviewer's labelled corpus in ``tests/data/corpus/`` from authors and labellers.

Run: ``.venv/bin/python bench/review_corpus_build.py [--source /work/corpus]``

Inputs (under ``--source``): ``author_<ID>.jsonl`` (each author's lines with their own
labels), ``label_out/L1..L4.jsonl`` (two independent labellers per line) and, when present,
``reflections.jsonl`` (a blind set of reflection phrasings).

Outputs:

- ``tests/data/corpus/<ID>.jsonl``: one line per utterance with ``id``, ``text``, the final
  ``kinds`` and ``moves``, the ``author_kinds``/``author_moves``, the two labellers'
  ``labels`` and the ``voice``/``setting``/``audience`` fields;
- ``tests/data/corpus/reflections.jsonl`` copied as is;
- ``tests/data/corpus/AGREEMENT.md``: agreement between the two labellers (Cohen's kappa per
  kind, exact-set agreement), aggregate figures only.

Adjudication, per kind and per move: where the two labellers agree, their label; where they
disagree, the majority of the three votes (the two labellers and the author), which is the
author's label. A line that one labeller has not labelled yet takes the majority of what is
there, the author breaking a tie.

Blindness: author ``END`` (English) and ``ESB`` (Spanish) are the held-out part and
``reflections.jsonl`` is a blind test set. This script copies them but never prints their text.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

ROOT = Path(__file__).parents[1]
OUT = ROOT / "tests" / "data" / "corpus"
KINDS = (
    "advice",
    "judgment",
    "persuasion",
    "correction",
    "leading",
    "closed",
    "stacked",
    "why_blame",
    "jargon",
)
INTERVENTIONS = KINDS[:4]
MOVES = ("open_question", "follow_up", "reflection", "affirmation")
HELD_OUT = frozenset({"END", "ESB"})
"""Author-split held-out part: never trained or tuned on."""


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _vote(votes: list[set[str]], author: set[str], ids: tuple[str, ...]) -> list[str]:
    """Per id: majority of the labellers' votes plus the author's (author breaks ties)."""
    final = []
    for k in ids:
        yes = sum(k in v for v in votes) + (k in author)
        total = len(votes) + 1
        if yes * 2 > total or (yes * 2 == total and k in author):
            final.append(k)
    return final


def _agreement(pairs: list[tuple[set[str], set[str]]], ids: tuple[str, ...]) -> list[str]:
    lines = [
        "| label | lines with it (either labeller) | kappa | raw agreement |",
        "|---|---|---|---|",
    ]
    for k in ids:
        a = [int(k in x) for x, _ in pairs]
        b = [int(k in y) for _, y in pairs]
        either = sum(1 for x, y in zip(a, b, strict=True) if x or y)
        raw = sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)
        kappa = cohen_kappa_score(a, b) if len(set(a) | set(b)) > 1 else float("nan")
        lines.append(f"| {k} | {either} | {kappa:.3f} | {raw:.3f} |")
    return lines


def _section(title: str, rows: list[dict]) -> list[str]:
    pairs = [(set(r["labels"][0]["kinds"]), set(r["labels"][1]["kinds"])) for r in rows]
    mpairs = [(set(r["labels"][0]["moves"]), set(r["labels"][1]["moves"])) for r in rows]
    exact = sum(1 for a, b in pairs if a == b) / len(pairs)
    inter = sum(
        1 for a, b in pairs if bool(a & set(INTERVENTIONS)) == bool(b & set(INTERVENTIONS))
    ) / len(pairs)
    ia = [int(bool(a & set(INTERVENTIONS))) for a, _ in pairs]
    ib = [int(bool(b & set(INTERVENTIONS))) for _, b in pairs]
    out = [
        f"### {title} ({len(rows)} lines with two labels)",
        "",
        f"- exact-set agreement on kinds: {exact:.3f}",
        f"- intervention yes/no: raw agreement {inter:.3f}, kappa {cohen_kappa_score(ia, ib):.3f}",
        "",
        *_agreement(pairs, KINDS),
        "",
        *_agreement(mpairs, MOVES),
        "",
    ]
    return out


def build(source: Path, out: Path = OUT) -> str:
    """Write the corpus files and return the agreement report (Markdown)."""
    labels: dict[str, list[dict]] = {}
    for lf in sorted((source / "label_out").glob("L*.jsonl")):
        for row in _read(lf):
            labels.setdefault(row["id"], []).append({"labeller": lf.stem, **row})
    out.mkdir(parents=True, exist_ok=True)
    double: dict[str, list[dict]] = {}
    summary = ["| author | lines | two labels | one label | none | final with intervention |"]
    summary.append("|---|---|---|---|---|---|")
    for af in sorted(source.glob("author_*.jsonl")):
        author = af.stem.removeprefix("author_")
        rows = []
        counts: Counter[int] = Counter()
        for line in _read(af):
            got = labels.get(line["id"], [])[:2]
            counts[len(got)] += 1
            kinds = _vote([set(g["kinds"]) for g in got], set(line["kinds"]), KINDS)
            moves = _vote([set(g["moves"]) for g in got], set(line["moves"]), MOVES)
            rows.append(
                {
                    "id": line["id"],
                    "text": line["text"],
                    "kinds": kinds,
                    "moves": moves,
                    "author_kinds": line["kinds"],
                    "author_moves": line["moves"],
                    "labels": [
                        {"labeller": g["labeller"], "kinds": g["kinds"], "moves": g["moves"]}
                        for g in got
                    ],
                    "voice": line.get("voice"),
                    "setting": line.get("setting"),
                    "audience": line.get("audience"),
                    "language": "es" if author.startswith("ES") else "en",
                    "held_out": author in HELD_OUT,
                }
            )
        with (out / f"{author}.jsonl").open("w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        double[author] = [r for r in rows if len(r["labels"]) == 2]
        positive = sum(1 for r in rows if set(r["kinds"]) & set(INTERVENTIONS))
        summary.append(
            f"| {author}{' (held out)' if author in HELD_OUT else ''} | {len(rows)} | "
            f"{counts[2]} | {counts[1]} | {counts[0]} | {positive} |"
        )
    refl = source / "reflections.jsonl"
    if refl.exists():
        (out / "reflections.jsonl").write_bytes(refl.read_bytes())
    report = [
        "# Corpus agreement (generated by bench/review_corpus_build.py)",
        "",
        "Each line was labelled by two independent labellers; the final label is theirs",
        "where they agree and the majority with the author's label where they disagree.",
        "",
        *summary,
        "",
    ]
    en = [r for a, rs in double.items() if a.startswith("EN") for r in rs]
    es = [r for a, rs in double.items() if a.startswith("ES") for r in rs]
    if en:
        report += _section("English", en)
    if es:
        report += _section("Spanish", es)
    text = "\n".join(report)
    (out / "AGREEMENT.md").write_text(text, encoding="utf-8")
    return text


def main() -> None:
    """Build from ``--source`` and print the agreement report (aggregate figures only)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=Path("/work/corpus"))
    args = parser.parse_args()
    print(build(args.source))


if __name__ == "__main__":
    main()
