"""Evaluate the offline practice partner against blind interviewer scripts.

Runs every script in ``tests/data/practice/scripts.json`` (written by an author
who never read the persona cards) against every shipped persona, offline and
deterministic (seed = script number), and prints:

- relevance: share of replies that answer the question, from hand labels in
  ``tests/data/practice/labels_offline.jsonl`` when present (``answers`` /
  ``partly`` / ``no``); otherwise an automatic *proxy* clearly marked as such;
- exact repeats (replies of four or more words identical to an earlier one);
- per style: personas reaching the hidden insight, layers reached, turn of
  first disclosure;
- the threat-then-skilled delay: how much later the first layer comes after
  the threatening turns than in the same script without them (the same seed; the
  delay is counted between the same script turn, :func:`threat_turns`).

It also writes the replies for a hand judge (``--dump DIR``): ``replies.jsonl``
(every reply) and ``judge_offline.csv`` (a stratified sample with an empty
``label`` column), readable without the code.

Usage::

    .venv/bin/python bench/practice_eval.py [--dump DIR] [--json] [--scripts FILE] [--labels FILE]

``--scripts tests/data/practice_blind2/scripts.json`` runs the second script set (written
after the partner was tuned on the first; its labels are in the same folder). It was judged
blind once and is tuning data from 2026-12-02.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

# run from any directory: this checkout's ``bot`` package, not an installed one
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.persona import Persona
from bot.core.practice import PracticeEngine
from bot.llm.scripted import ScriptedResponder
from bot.personas import load_all

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "practice"
SCRIPTS = DATA / "scripts.json"
LABELS = DATA / "labels_offline.jsonl"
SAMPLE_SIZE = 330

_SENT = re.compile(r"(?<=[.!?])\s+")


def echo_phrase(reply: str) -> str:
    """A short phrase quoted from the caregiver's previous reply ({echo})."""
    if not reply:
        return "all of that"
    sentences = [s for s in _SENT.split(reply.strip()) if len(s.split()) >= 3]
    sentence = sentences[-1] if sentences else reply
    words = re.sub(r"[\"“”…]", "", sentence).split()
    phrase = " ".join(words[:6]).strip(" .,!?;:")
    return f"'{phrase[0].lower() + phrase[1:]}'" if phrase else "all of that"


def fill(line: str, persona: Persona, previous: str) -> str:
    """Fill a script line's placeholders for one persona."""
    first = persona.name.split()[0]
    return (
        line.replace("{student}", persona.student.name)
        .replace("{caregiver}", first)
        .replace("{echo}", echo_phrase(previous))
    )


def run_session(persona: Persona, lines: list[str], seed: int) -> list[dict[str, Any]]:
    """Run one scripted session; return one row per turn."""
    engine = PracticeEngine(persona, seed=seed)
    responder = ScriptedResponder()
    rows: list[dict[str, Any]] = []
    previous = ""
    for line in lines:
        staff = fill(line, persona, previous)
        plan = engine.plan(staff)
        reply = responder.reply(plan)
        turn = engine.record(plan, reply)
        rows.append(
            {
                "turn": turn.index,
                "staff": staff,
                "caregiver": reply,
                "previous": previous,
                "mode": turn.mode,
                "trust": round(turn.trust_after, 2),
                "disclosed": turn.disclosed,
                "insight": turn.insight,
                "subjects": list(plan.subjects),
                "intent": plan.intent,
                "events": turn.events,
                "listening": turn.listening,
            }
        )
        previous = reply
    return rows


def proxy_answers(persona: Persona, row: dict[str, Any]) -> str:
    """Automatic stand-in for a relevance label (NOT a judged figure)."""
    voice = persona.voice
    subjects = row["subjects"]
    reply = row["caregiver"]
    if row["mode"] in ("disclose", "insight", "guarded", "acknowledge"):
        return "answers"
    if not subjects:
        return "answers"
    for subject in subjects[:1]:
        pools = [*voice.topics.get(subject, []), *voice.yes_no.get(subject, [])]
        if any(line in reply for line in pools):
            return "answers"
    for subject in subjects[1:]:
        pools = [*voice.topics.get(subject, []), *voice.yes_no.get(subject, [])]
        if any(line in reply for line in pools):
            return "partly"
    return "no"


def repeats(rows: list[dict[str, Any]]) -> int:
    """Replies of four or more words identical to an earlier one in the session."""
    seen: set[str] = set()
    count = 0
    for row in rows:
        reply = row["caregiver"]
        if len(reply.split()) >= 4 and reply in seen:
            count += 1
        seen.add(reply)
    return count


def first_disclosure(rows: list[dict[str, Any]], offset: int = 0) -> int | None:
    """The turn of the first layer or insight after the first ``offset`` rows, counted from
    ``offset`` (1 = the row right after them); None when nothing is disclosed there."""
    for row in rows[offset:]:
        if row["disclosed"] or row["insight"]:
            return int(row["turn"]) - offset
    return None


def yes_no_later_and_fewer(yes_no: dict[str, Any], skilled: dict[str, Any]) -> bool:
    """The yes/no target: a kind yes/no interviewer hears less, later, but not nothing.

    Issue 9: "stacked and yes/no interviews disclose later than skilled ones,
    but a yes/no interviewer still hears something"; a kind interviewer who
    only asks yes/no questions gets short answers and little disclosure.
    """
    got, total = (int(n) for n in str(yes_no["sessions_with_disclosure"]).split("/"))
    first = yes_no["first_disclosure_median"]
    return (
        0 < got <= total // 2 + total % 2
        and yes_no["layers_mean"] <= skilled["layers_mean"] / 2
        and first is not None
        and first > (skilled["first_disclosure_median"] or 0)
    )


THREAT_WORDS = re.compile(
    r"\b(?:court|judge|petition|referral|refer|fine[sd]|pay a fine|cps"
    r"|child (?:protective )?services|truancy (?:board|officer)|attendance (?:board|officer)"
    r"|educational neglect|legal limit|it'?s the law|not an option|district gets involved"
    r"|that process will move forward)\b",
    re.IGNORECASE,
)
"""What the script authors wrote as threats (their READMEs: truancy petition, court, judge,
fines, referral, CPS). The bench's own list, not the engine's detector, so a threat the engine
misses still counts as a threatening turn here."""


def threat_turns(lines: list[str]) -> set[int]:
    """The 1-based numbers of a threat-then-skilled script's threatening turns.

    The script's ``threat_turns`` list when given; else every one of the first six turns that
    says :data:`THREAT_WORDS` ("turns 2-4, or 2-5 in -c" in practice4; turns 1-3 in the older
    sets). The same script without them is the baseline the threat delay is measured against.
    """
    return {i for i, line in enumerate(lines[:6], start=1) if THREAT_WORDS.search(line)}


STYLE_ALIASES = {"yes_no_kind": "kind_yes_no"}
"""Style names other script sets use for the same interviewer."""


def evaluate(
    dump: Path | None = None, scripts_path: Path = SCRIPTS, labels_path: Path = LABELS
) -> dict[str, Any]:
    """Run every script against every persona; return the figures (see the module)."""
    scripts = json.loads(scripts_path.read_text(encoding="utf-8"))
    for script in scripts:
        script["style"] = STYLE_ALIASES.get(script["style"], script["style"])
    personas = list(load_all().values())
    all_rows: list[dict[str, Any]] = []
    sessions: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for number, script in enumerate(scripts, start=1):
        for persona in personas:
            rows = run_session(persona, script["turns"], seed=number)
            for row in rows:
                row.update(
                    id=f"{script['id']}/{persona.id}/{row['turn']}",
                    script=script["id"],
                    style=script["style"],
                    persona=persona.id,
                )
            sessions[(script["id"], persona.id)] = rows
            all_rows.extend(rows)
    by_persona = {p.id: p for p in personas}

    labels: dict[str, tuple[str, str | None]] = {}
    if labels_path.exists():
        for line in labels_path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                labels[item["id"]] = (item["label"], item.get("reply"))
    # a label counts only while the reply it judged is still the one produced (else stale)
    judged = [
        r for r in all_rows if r["id"] in labels and labels[r["id"]][1] in (None, r["caregiver"])
    ]
    stale = sum(1 for r in all_rows if r["id"] in labels) - len(judged)
    if judged:
        coverage = len(judged) / (len(judged) + stale)
        source = (
            f"hand labels ({len(judged)} replies, {labels_path.name}; {stale} stale, not counted; "
            f"coverage {coverage:.0%} of the labels)"
        )
        verdicts = [labels[r["id"]][0] for r in judged]
    else:
        source = "PROXY (automatic, not a judged figure: no labels file yet)"
        verdicts = [proxy_answers(by_persona[r["persona"]], r) for r in all_rows]
    proxy = [proxy_answers(by_persona[r["persona"]], r) for r in all_rows]
    proxy_answers_share = sum(v == "answers" for v in proxy) / len(proxy)
    proxy_partly_share = sum(v in ("answers", "partly") for v in proxy) / len(proxy)
    answers = sum(v == "answers" for v in verdicts) / len(verdicts)
    partly = sum(v in ("answers", "partly") for v in verdicts) / len(verdicts)

    styles: dict[str, list[str]] = defaultdict(list)
    for script in scripts:
        styles[script["style"]].append(script["id"])
    per_style: dict[str, Any] = {}
    n = len(personas)
    for style, ids in styles.items():
        insight_counts = [
            sum(
                sessions[(i, p.id)][-1] is not None
                and any(r["insight"] for r in sessions[(i, p.id)])
                for p in personas
            )
            for i in ids
        ]
        layers = [
            sum(len(r["disclosed"]) for r in sessions[(i, p.id)]) for i in ids for p in personas
        ]
        firsts = [first_disclosure(sessions[(i, p.id)]) for i in ids for p in personas]
        got = [f for f in firsts if f is not None]
        per_style[style] = {
            "insight_personas_per_script": insight_counts,
            "insight_min": min(insight_counts),
            "personas": n,
            "layers_mean": round(statistics.mean(layers), 2),
            "layers_max": max(layers),
            "layers_min": min(layers),
            "first_disclosure_median": statistics.median(got) if got else None,
            "sessions_with_disclosure": f"{len(got)}/{len(firsts)}",
        }

    delays: list[float] = []
    for number, script in enumerate(scripts, start=1):
        if script["style"] != "threat_then_skilled":
            continue
        threats = threat_turns(script["turns"])
        # the same script without its threatening turns (same seed): the turns kept, by number
        kept = [i for i in range(1, len(script["turns"]) + 1) if i not in threats]
        # a layer told before the first threat (the greeting, in both runs) is not one the
        # threats could delay: the delay counts from the first threatening turn on
        start = min(threats) if threats else 1
        for persona in personas:
            with_threat = first_disclosure(sessions[(script["id"], persona.id)], start - 1)
            if with_threat is not None:
                with_threat += start - 1
            clean = run_session(persona, [script["turns"][i - 1] for i in kept], seed=number)
            after = sum(1 for i in kept if i < start)  # clean turns before the first threat
            without = first_disclosure(clean, after)
            if without is None:
                continue  # nothing to compare: no layer even without the threats
            same_turn = kept[after + without - 1]  # the script turn that opened it without threats
            if with_threat is not None:
                delays.append(float(with_threat - same_turn))
            else:  # no layer at all after the threats: at least this much later
                delays.append(float(len(script["turns"]) + 1 - same_turn))
    ps = per_style
    targets = {
        "skilled: insight with >= 10 of 11 personas in every skilled script": ps["skilled"][
            "insight_min"
        ]
        >= n - 1,
        "kind_yes_no: later, fewer layers than skilled; a layer in some sessions, at most half": (
            yes_no_later_and_fewer(ps["kind_yes_no"], ps["skilled"])
        ),
        "threat: first layer >= 3 turns later in every session": bool(delays) and min(delays) >= 3,
        "reflective: insight with >= 7/9 of personas in every script": ps["reflective"][
            "insight_min"
        ]
        >= -(-7 * n // 9),
        "gaming: no insight, at most one layer": ps["gaming"]["insight_min"] == 0
        and max(ps["gaming"]["insight_personas_per_script"]) == 0
        and ps["gaming"]["layers_max"] <= 1,
    }
    result = {
        "targets": targets,
        "sessions": len(sessions),
        "replies": len(all_rows),
        "relevance_source": source,
        "answers_share": round(answers, 3),
        "at_least_partly_share": round(partly, 3),
        "proxy_answers_share": round(proxy_answers_share, 3),
        "proxy_at_least_partly_share": round(proxy_partly_share, 3),
        "exact_repeats": sum(repeats(rows) for rows in sessions.values()),
        "per_style": per_style,
        "threat_delay_min": min(delays) if delays else None,
        "threat_delay_median": statistics.median(delays) if delays else None,
    }
    if dump is not None:
        write_dump(dump, all_rows)
    return result


def write_dump(directory: Path, rows: list[dict[str, Any]]) -> None:
    """Write every reply (JSONL) and a stratified sample to label (CSV)."""
    directory.mkdir(parents=True, exist_ok=True)
    keep = ("id", "style", "persona", "turn", "previous", "staff", "caregiver")
    # the engine's view of each turn, for reading the figures (never shown to the judge)
    engine = ("mode", "trust", "listening", "events", "disclosed", "insight", "intent")
    with (directory / "replies.jsonl").open("w", encoding="utf-8") as out:
        for row in rows:
            item = {k: row[k] for k in (*keep, *engine)}
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    # stratified: every k-th reply, so every style and persona is represented
    step = max(1, len(rows) // SAMPLE_SIZE)
    sample = rows[::step][:SAMPLE_SIZE]
    with (directory / "judge_offline.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["id", "style", "persona", "caregiver_before", "staff_said", "caregiver_reply", "label"]
        )
        for row in sample:
            writer.writerow(
                [
                    row["id"],
                    row["style"],
                    row["persona"],
                    row["previous"],
                    row["staff"],
                    row["caregiver"],
                    "",
                ]
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dump", type=Path, default=None, help="write replies for a hand judge")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--scripts", type=Path, default=SCRIPTS, help="interviewer scripts (JSON list)"
    )
    parser.add_argument("--labels", type=Path, default=LABELS, help="hand labels (JSONL)")
    args = parser.parse_args(argv)
    result = evaluate(args.dump, args.scripts, args.labels)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{result['sessions']} sessions, {result['replies']} replies")
    print(f"relevance ({result['relevance_source']}):")
    print(f"  answers the question: {result['answers_share']:.1%}")
    print(f"  at least partly:      {result['at_least_partly_share']:.1%}")
    print(
        f"automatic proxy (every reply, not a judged figure): answers "
        f"{result['proxy_answers_share']:.1%}, at least partly "
        f"{result['proxy_at_least_partly_share']:.1%}"
    )
    print(f"exact repeats: {result['exact_repeats']}")
    print(
        "style                 insight/personas per script  layers mean [min-max]"
        "  first disclosure (median turn)"
    )
    for style, s in result["per_style"].items():
        print(
            f"  {style:20} {s['insight_personas_per_script']!s:>12} of {s['personas']:<3}"
            f"        {s['layers_mean']:>5} [{s['layers_min']}-{s['layers_max']}]"
            f"          {s['first_disclosure_median']} ({s['sessions_with_disclosure']} sessions)"
        )
    print(
        f"threat-then-skilled delay of the first layer: min {result['threat_delay_min']}, "
        f"median {result['threat_delay_median']} turns"
    )
    exact = result["exact_repeats"] == 0
    print(f"targets:\n  {'PASS' if exact else 'FAIL'}  0 exact repeats")
    for name, ok in result["targets"].items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
