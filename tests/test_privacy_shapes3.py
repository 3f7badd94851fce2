"""Scrubbing shapes found in the third and fourth case files (``tests/data/pii_cases3.jsonl`` and
``pii_cases4.jsonl``: each written blind by a helper, then read for its misses, so now tuning
data; the fourth asked for the forms a rule-writer would not think of): rural and highway
contract routes, zip codes, corners of two streets, housing complexes with units, streets with
a direction or a unit but no suffix, IDs after plan / order / placement words, names with an
initial ("tyler w"); and from the third: highways with a direction and a
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
        ("family lives on Rural Route 3 box 22A and", [], "family lives on [ADDRESS] and"),
        ("grandpa at HCR 2 Box 45A says", [], "grandpa at [ADDRESS] says"),
        ("drives in from Rt 4 Box 219 every day", [], "drives in from [ADDRESS] every day"),
        ("vive en Ruta Rural 1 Caja 340.", [], "vive en [ADDRESS]."),
        ("new zip 30318, same school", [], "new zip [ADDRESS], same school"),
        ("stop moved to the corner of MLK and 22nd", [], "stop moved to the corner of [ADDRESS]"),
        ("the stop is 14th & Poplar now", [], "the stop is [ADDRESS] now"),
        (
            "at her mom's on Chestnut off 9th, the green one",
            [],
            "at her mom's on [ADDRESS], the green one",
        ),
        ("lot 37 at Shady Oaks mobile home park. no", [], "[ADDRESS]. no"),
        ("moved to 4B at Cedar Hills apts last week", [], "moved to [ADDRESS] last week"),
        ("Sunset Village apartments unit C-12, same", [], "[ADDRESS], same"),
        ("mailed it to 5901 Lamar #220 Austin 78752.", [], "mailed it to [ADDRESS]."),
        ("1402 Delmar Blvd #5 St. Louis MO 63103. dob", [], "[ADDRESS]. dob"),
        ("at the shelter on 1420 e washington now", [], "at the shelter on [ADDRESS] now"),
        ("cousins at 5512 oakcrest, the brick one", [], "cousins at [ADDRESS], the brick one"),
        ("live at 2200 Co Rd 415, zip 72601.", [], "live at [ADDRESS]."),
        ("en 5005 Pecan, número 5. La niña", [], "en [ADDRESS]. La niña"),
        ("504 plan # S-3391 needs an update", [], "504 plan # [STUDENT_ID] needs an update"),
        ("restraining order # 24-RO-3381. he", [], "restraining order # [STUDENT_ID]. he"),
        (
            "student nums 20771 and 20717 match",
            [],
            "student nums [STUDENT_ID] and [STUDENT_ID] match",
        ),
        ("ssn on the app: 5O1-22-8843 (typo)", [], "ssn on the app: [NATIONAL_ID] (typo)"),
        ("Su pasaporte es G09273841.", [], "Su pasaporte es [NATIONAL_ID]."),
        ("kid (tyler w, dob 5/30/2013) says", ["Tyler Wood"], "kid ([NAME], dob [DOB]) says"),
        (
            "autumn h's gma is her foster parent",
            ["Autumn Hall"],
            "[NAME]'s gma is her foster parent",
        ),
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
        "Monday and 3rd period are hard; he is in 3rd and 4th period",
        "at 1500 calories a day, grade 9 and 10th grade",
        "the plan is to meet 3 days a week; our iep meeting is 10/3 at 2",
        "They moved in October and stayed with an aunt until spring",
        "called 7/2 from Yakima about the 3 days",
        "we hope a lot; in the autumn a new bus",
    ],
)
def test_what_stays(text: str) -> None:
    assert scrub(text).text == text


@pytest.mark.parametrize("path", [CASES_FILE_3], ids=["third"])
def test_the_case_file_meets_the_targets(path: Path) -> None:
    cases = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
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
