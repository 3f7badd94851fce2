"""Scrubbing shapes found in the third case file (``tests/data/pii_cases3.jsonl``: written blind
by a helper, then read for its misses, so now tuning data): highways with a direction and a
lot, a house number before "Calle", trailer units, IDs that start with letters, a case number
named later in the clause, a spaced Medicaid number, a year-first date of birth, a second date
of birth in another format, a given name before a known surname, "el papá de Santiago"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.privacy import scrub

CASES_FILE_3 = Path(__file__).parent / "data" / "pii_cases3.jsonl"


@pytest.mark.parametrize(
    ("text", "known", "expected"),
    [
        ("moving to 2280 Hwy 99 N Lot 14 this wknd", [], "moving to [ADDRESS] this wknd"),
        ("the ranch at 18400 Old Hwy 97. no bus", [], "the ranch at [ADDRESS]. no bus"),
        ("they moved to 3100 US-12 W, space 4", [], "they moved to [ADDRESS]"),
        ("Viven en 901 Calle Juárez #3. Teléfono", [], "Viven en [ADDRESS]. Teléfono"),
        ("en 2210 Calle Sol Apt 5. pide que", [], "en [ADDRESS]. pide que"),
        ("vive en 45 calle morelos y no tiene carro", [], "vive en [ADDRESS] y no tiene carro"),
        ("home is 615 Birch Ln, Trlr 8", [], "home is [ADDRESS]"),
        ("state id WA-ST-0094417 is on file", [], "state id [STUDENT_ID] is on file"),
        ("case number 19-DEP-3321. he says", [], "case number [STUDENT_ID]. he says"),
        (
            "the case # on those papers is FC-2023-0918",
            [],
            "the case # on those papers is [STUDENT_ID]",
        ),
        ("medicaid id 6611 2048 7 for her", [], "medicaid id [NATIONAL_ID] for her"),
        ("medicaid 6611204 and 3 days out", [], "medicaid [NATIONAL_ID] and 3 days out"),
        ("was born in 2011, august 14th. she thinks", [], "was born in [DOB]. she thinks"),
        (
            "dob listed as 2010/07/19 on enrollment but mom said 7/9/10. check",
            [],
            "dob listed as [DOB] on enrollment but mom said [DOB]. check",
        ),
        ("Guardian Tou Lee called today", ["Kong Lee"], "Guardian [NAME] called today"),
        ("mom Pa Vang needs an interpreter", ["Mai Vang"], "mom [NAME] needs an interpreter"),
        ("El papá de Santiago dice que sí", ["Santiago Ruiz"], "El papá de [NAME] dice que sí"),
    ],
)
def test_shapes_of_the_third_case_file(text: str, known: list[str], expected: str) -> None:
    assert scrub(text, known_names=known).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "testing window 10/23-10/25, dont code those as absences",
        "counselor out 11/20 - 11/22, move mtgs to the 27th",
        "in Spanish please. Called back at 3:15",
        "dr appt 11/3 then back to class",
        "se fue de Santiago en 2019 y ahora viven aquí",
        "the case is closed now, 3 days ago",
        "met 2024, may 3 at school about bus 14",
    ],
)
def test_what_stays(text: str) -> None:
    assert scrub(text).text == text


def test_the_third_case_file_meets_the_targets() -> None:
    cases = [json.loads(x) for x in CASES_FILE_3.read_text().splitlines() if x.strip()]
    assert len(cases) == 200
    missed = {}
    total = {}
    for case in cases:
        out = scrub(case["text"], known_names=case["known_names"]).text
        for kind, detail in case["pii"]:
            if kind == "NAME" and not any(
                part.lower() in detail.lower()
                for name in case["known_names"]
                for part in name.split()
            ):
                continue  # names the app was never told: no target
            total[kind] = total.get(kind, 0) + 1
            if detail in out:
                missed[kind] = missed.get(kind, 0) + 1
    for kind, n in total.items():
        assert 1 - missed.get(kind, 0) / n >= 0.97, (kind, missed.get(kind, 0), n)
