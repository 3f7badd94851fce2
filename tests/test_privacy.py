"""Scrubbing personal details (bot/privacy/): unit cases and recall per kind.

``tests/data/pii_cases.jsonl`` holds notes an interviewer might write after
talking with a caregiver, one JSON object per line: ``text``, ``pii`` (a list
of ``[kind, exact text]``; every occurrence of that text in the note is a
detail of that kind), and ``known_names`` (what the app's own fields would
pass to :func:`bot.privacy.scrub`). Some notes have no personal detail at all:
they check that ordinary content (counts of days, times, months, school and
place names, words like "Will" or "Grace") survives.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from itertools import pairwise
from pathlib import Path

import pytest

from bot.privacy import PII_KINDS, PLACEHOLDERS, Scrubbed, detect, scrub

CASES_FILE = Path(__file__).parent / "data" / "pii_cases.jsonl"

RECALL_FLOORS: dict[str, float] = {
    "PHONE": 0.97,
    "EMAIL": 0.97,
    "ADDRESS": 0.97,
    "DOB": 0.97,
    "STUDENT_ID": 0.97,
    "NATIONAL_ID": 0.97,
    "NAME": 0.93,
}
"""Minimum recall per kind on the case file: issue 10's target (0.97) for every kind but
names, which mix names the app knows (all found) with names it has never seen (the name
list's limit). Measured when set (166 notes): PHONE 25/25, EMAIL 7/7, ADDRESS 17/17,
DOB 9/9, STUDENT_ID 9/9, NATIONAL_ID 13/13, NAME 84/88 (0.955). The name misses are the
stated limits: a name that is also a common word with no title ("Destiny"), initials
("T.R."), names in no list ("Oluwaseun", "Ananya"). ``bench/scrub_quality.py`` prints
the same figures with names split into known and unseen."""

KEPT_FLOOR = 0.99
"""Minimum share of non-personal words left untouched (issue 10: at most 1% removed;
measured 0.9987)."""


def _cases() -> list[dict]:
    return [json.loads(line) for line in CASES_FILE.read_text().splitlines() if line.strip()]


def _labelled(case: dict) -> list[tuple[str, int, int]]:
    """(kind, start, end) for every occurrence of every labelled text."""
    out = []
    for kind, text in case["pii"]:
        hits = [m.span() for m in re.finditer(re.escape(text), case["text"])]
        assert hits, f"labelled text {text!r} not in {case['text']!r}"
        out += [(kind, a, b) for a, b in hits]
    return out


def _measure(
    batch: int | None = None,
) -> tuple[dict[str, tuple[int, int]], float, float, list[str]]:
    """Recall per kind, share of labelled details hidden, share of other words kept, misses."""
    found: dict[str, list[int]] = {k: [0, 0] for k in PII_KINDS}
    kept = total_words = 0
    hidden = total_spans = 0
    misses: list[str] = []
    for case in _cases():
        if batch is not None and case.get("batch", 1) != batch:
            continue
        text = case["text"]
        spans = detect(text, known_names=case["known_names"])
        out = scrub(text, known_names=case["known_names"]).text
        labels = _labelled(case)
        for kind, a, b in labels:
            found[kind][1] += 1
            total_spans += 1
            if any(s.kind == kind and s.start <= a and b <= s.end for s in spans):
                found[kind][0] += 1
            else:
                misses.append(f"{kind}: {text[a:b]!r} in {text[:60]!r}…")
            if text[a:b] not in out:
                hidden += 1
        for m in re.finditer(r"[\w'’]+", text):
            if any(a <= m.start() < b for _, a, b in labels):
                continue
            total_words += 1
            if not any(s.start <= m.start() < s.end for s in spans):
                kept += 1
    recall = {k: (v[0], v[1]) for k, v in found.items()}
    return recall, hidden / total_spans, kept / total_words, misses


def test_case_file_is_big_enough_and_well_formed() -> None:
    cases = _cases()
    assert len(cases) >= 150
    kinds = {kind for c in cases for kind, _ in c["pii"]}
    assert kinds == set(PII_KINDS)
    for c in cases:
        assert {"text", "pii", "known_names"} <= set(c) <= {"text", "pii", "known_names", "batch"}
        _labelled(c)
    assert sum(1 for c in cases if not c["pii"]) >= 8, "keep some notes with no personal detail"


def test_recall_per_kind_and_nothing_lost() -> None:
    recall, hidden, kept, misses = _measure()
    print("\nPII recall on", CASES_FILE.name)
    for kind, (hit, n) in recall.items():
        print(f"  {kind:<11} {hit:>3}/{n:<3} = {hit / n:.2f}  (floor {RECALL_FLOORS[kind]:.2f})")
    print(f"  hidden (any placeholder): {hidden:.2f}   non-PII words kept: {kept:.3f}")
    for miss in misses:
        print("  missed", miss)
    held_out, _, _, _ = _measure(batch=2)
    print("  batch 2 only (written before the scrubber saw it):")
    print("   ", ", ".join(f"{k} {h}/{n}" for k, (h, n) in held_out.items()))
    for kind, (hit, n) in recall.items():
        assert n > 0
        assert hit / n >= RECALL_FLOORS[kind], f"{kind} recall {hit}/{n} under the floor"
    assert kept >= KEPT_FLOOR


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call Ms. Carter at 509-555-0142.", "Call Ms. [NAME] at [PHONE]."),
        ("DOB 3/14/2016, ID 4829301.", "DOB [DOB], ID [STUDENT_ID]."),
        ("Email rosa.d@gmail.com please.", "Email [EMAIL] please."),
        ("They live at 1420 S Maple St Apt 3B now.", "They live at [ADDRESS] now."),
        ("Her son Mateo and Grandma Rose.", "Her son [NAME] and Grandma [NAME]."),
        ("Mateo's bus comes at 7:15.", "[NAME]'s bus comes at 7:15."),
        ("The Nguyen family has one car.", "The [NAME] family has one car."),
    ],
)
def test_examples(text: str, expected: str) -> None:
    assert scrub(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "She missed 22 of 90 days, mostly Mondays, and the 7:15 bus is the only one.",
        "He starts at Lincoln Elementary in March; Grant County runs the van in June.",
        "Will try again Thursday after 4. Hope is what she has left, she said.",
        "The letter in May felt like a threat; attendance went from 78% to 91%.",
        "2 or 3 days a month adds up to a month a year.",
        "",
    ],
)
def test_ordinary_text_is_untouched(text: str) -> None:
    result = scrub(text)
    assert result.text == text
    assert result.total == 0


def test_known_names_match_whole_part_and_any_case() -> None:
    text = "maria said Lopez is her maiden name; MARIA LOPEZ signed it."
    result = scrub(text, known_names=["Maria Lopez"])
    assert "maria" not in result.text.lower()
    assert "lopez" not in result.text.lower()
    assert result.counts["NAME"] == 3


def test_known_name_that_is_a_common_word_matches_only_capitalised() -> None:
    result = scrub("Will said he will come.", known_names=["Will Baker"])
    assert result.text == "[NAME] said he will come."


def test_a_name_found_once_is_scrubbed_everywhere() -> None:
    result = scrub("Grandma Rose drives. Later Rose said the car broke.")
    assert "Rose" not in result.text
    assert result.counts["NAME"] == 2


def test_address_beats_the_name_inside_it() -> None:
    result = scrub("They moved to 77 Carter Ave last week.")
    assert result.text == "They moved to [ADDRESS] last week."
    assert result.counts == {**dict.fromkeys(PII_KINDS, 0), "ADDRESS": 1}


def test_dates_that_are_not_birth_dates_are_kept() -> None:
    text = "The letter came 10/3/2025 and the meeting is on March 4."
    assert scrub(text).text == text


def test_detect_spans_point_into_the_original() -> None:
    text = "Call Jessica at 509-555-0133 or jess@x.org."
    spans = detect(text)
    assert [s.kind for s in spans] == ["NAME", "PHONE", "EMAIL"]
    for s in spans:
        assert text[s.start : s.end] == s.text
    assert all(a.end <= b.start for a, b in pairwise(spans))


def test_scrubbed_holds_counts_for_every_kind_and_placeholders() -> None:
    result = scrub("nothing here")
    assert isinstance(result, Scrubbed)
    assert list(result.counts) == list(PII_KINDS)
    assert PLACEHOLDERS["STUDENT_ID"] == "[STUDENT_ID]"


def test_runs_with_no_network() -> None:
    """Import and scrub in a fresh interpreter where opening any socket fails."""
    code = textwrap.dedent(
        """
        import socket

        class NoNetwork(OSError):
            pass

        def refuse(*args, **kwargs):
            raise NoNetwork("network used")

        class GuardedSocket(socket.socket):
            connect = refuse
            connect_ex = refuse
            sendto = refuse

        socket.socket = GuardedSocket
        socket.create_connection = refuse
        socket.getaddrinfo = refuse

        from bot.privacy import scrub

        r = scrub(
            "Mom (Ana) at ana.p@gmail.com or 509-555-0142, 12 Elm St, DOB 1/2/2015, ID 4829301.",
            known_names=["Ana"],
        )
        print(r.text)
        assert r.counts == {
            "PHONE": 1, "EMAIL": 1, "ADDRESS": 1, "DOB": 1, "STUDENT_ID": 1, "NATIONAL_ID": 0,
            "NAME": 1,
        }, r.counts
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parent.parent,
    )
    assert proc.returncode == 0, proc.stderr
    assert "NoNetwork" not in proc.stderr
    assert "[EMAIL]" in proc.stdout


# --- issue 10, finding 7: the ordinary details the scrubber used to miss ----------------------


@pytest.mark.parametrize(
    ("text", "known", "expected"),
    [
        ("MARIA LOPEZ called back.", ["Maria Lopez"], "[NAME] called back."),
        ("MARIA LOPEZ called back.", [], "[NAME] called back."),
        ("talked to maria today", [], "talked to [NAME] today"),
        ("talked to maria lopez today", [], "talked to [NAME] today"),
        ("Priya missed 14 days.", [], "[NAME] missed 14 days."),
        ("her son mateo has asthma", [], "her son [NAME] has asthma"),
        ("Mrs. NGUYEN and ms. okafor came.", [], "Mrs. [NAME] and ms. [NAME] came."),
        ("SSN 123-45-6789 on the form", [], "SSN [NATIONAL_ID] on the form"),
        ("it was 123-45-6789 on the form", [], "it was [NATIONAL_ID] on the form"),
        ("her social is 987 65 4321", [], "her social is [NATIONAL_ID]"),
        ("last four of her social 4411", [], "last four of her social [NATIONAL_ID]"),
        ("passport number X12345678.", [], "passport number [NATIONAL_ID]."),
        ("CURP GOMA120315HJCRRN07", [], "CURP [NATIONAL_ID]"),
        ("Call (555) 201-3344 now", [], "Call [PHONE] now"),
        ("Call 555-867-5309 now", [], "Call [PHONE] now"),
        ("Call 555.310.2299 now", [], "Call [PHONE] now"),
        ("Call 5551234567 now", [], "Call [PHONE] now"),
        ("Call +1 (555) 444-1200 ext. 3 now", [], "Call [PHONE] now"),
        ("Call +52 55 1234 5678 now", [], "Call [PHONE] now"),
        ("Call 1-800-555-0199 now", [], "Call [PHONE] now"),
    ],
)
def test_finding_7_inputs(text: str, known: list[str], expected: str) -> None:
    assert scrub(text, known_names=known).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "Will try again Friday; she hopes he will come, and he may.",
        "Hope is the word she kept using.",
        "In May they moved. Grant County runs the van and the grant ends in June.",
        "She grows roses; the rose bushes are what she kept. A Rose Bowl party.",
        "The family is from Guadalupe, a town in Zacatecas, and went back to Guadalupe in June.",
        "She lit a candle to the Virgen de Guadalupe.",
        "Mom said: 'sin el carro no hay manera, mi hija tiene miedo del camión.'",
        "THE BUS WAS LATE AGAIN AND SHE WILL CALL THE OFFICE.",
        "Bus 22 at 7:05, 35 minutes, 12-hour shifts, 40% to 37.5%, 22 of 90 days.",
    ],
)
def test_common_words_that_are_also_names_stay(text: str) -> None:
    result = scrub(text)
    assert result.text == text, result.text


def test_guadalupe_as_a_person_is_a_name() -> None:
    assert scrub("Abuela Guadalupe raises the kids.").text == "Abuela [NAME] raises the kids."


def test_a_lower_case_name_found_once_is_scrubbed_in_every_case() -> None:
    result = scrub("Priya said PRIYA is written on her locker, and priya likes that.")
    assert "priya" not in result.text.lower()
