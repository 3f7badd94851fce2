"""The scrubber on the families of details the fifth case file showed (issue 10, item 5).

``tests/data/pii_cases5.jsonl`` was the blind set ``blind_pii5`` (200 notes by an author who
never saw the scrubber); it was measured blind once (address 0.782, DOB 0.865, ID 0.942,
known names 0.955) and is now tuning data. The cases below are not its notes: each family
is written several ways, with the ordinary text that must stay next to it.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pytest

from bot.privacy import detect, scrub
from bot.privacy.dates_ids import old_date_spans

DATA = Path(__file__).parent / "data"
CASES_FILE_5 = DATA / "pii_cases5.jsonl"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a house number and a street the parser confirms, after a housing word
        ("home is 402 Elm", "home is [ADDRESS]"),
        (
            "they sleep at his uncle's now, 1712 cedar by the laundromat",
            "they sleep at his uncle's now, [ADDRESS] by the laundromat",
        ),
        ("addr is 602 N 3rd W", "addr is [ADDRESS]"),
        ("addr W4231 County Hwy K, call after 6", "addr [ADDRESS], call after 6"),
        (
            "lives at 2719 S Union Ave Tacoma. Said the bus is late",
            "lives at [ADDRESS]. Said the bus is late",
        ),
        (
            "Address change: 901 Rainier Ave S, Seattle 98144 (staying with aunt)",
            "Address change: [ADDRESS] (staying with aunt)",
        ),
        ("family moved to 3315 w fairview ave, boise", "family moved to [ADDRESS], boise"),
        ("mail goes to 915 Larkspur now", "mail goes to [ADDRESS] now"),
    ],
)
def test_addresses_the_parser_confirms(text: str, expected: str) -> None:
    assert scrub(text).text == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # pieces of one address written apart become one
        (
            "they sleep at her sister's (Apt 4C, 1900 Grand Concourse) on weekdays",
            "they sleep at her sister's ([ADDRESS]) on weekdays",
        ),
        (
            "lives in trailer 14 at Whispering Pines, off hwy 64. dad's name",
            "lives in [ADDRESS]. dad's name",
        ),
        (
            "home visit to the Sunrise Motel rm 12 on Cleveland ave, family of 5",
            "home visit to the [ADDRESS], family of 5",
        ),
        # where on the lot the family is
        ("lives w/ gma at 1402 1/2 S Pine St (back house).", "lives w/ gma at [ADDRESS]."),
        ("home visit to 47 Route 9W, trailer in back. no heat", "home visit to [ADDRESS]. no heat"),
        # a complex, a unit, a Spanish street
        (
            "nobody home at lot 22 sunnyvale mhp, left hanger",
            "nobody home at [ADDRESS], left hanger",
        ),
        ("from lot 114 Shady Acres to the stop", "from [ADDRESS] to the stop"),
        ("lives in Riverside Apartments bldg C #214 now", "lives in [ADDRESS] now"),
        ("lives at 12 Oak St apt 3, bldg 2 since may", "lives at [ADDRESS] since may"),
        ("they live at the Pines, unit 3-B, not on file", "they live at [ADDRESS], not on file"),
        ("Viven en Los Arcos #14, y su celular", "Viven en [ADDRESS], y su celular"),
        ("se mudaron a 415 calle 5 norte #B. su cel", "se mudaron a [ADDRESS]. su cel"),
        ("viven en 88-B Calle Palma, Coachella", "viven en [ADDRESS], Coachella"),
        # two streets after "corner of" / "esquina de", a box before its route, a town in
        # lower case before its ZIP, a county road in lower case
        (
            "they stay at the corner of Main and Pine, blue door",
            "they stay at the corner of [ADDRESS], blue door",
        ),
        ("family lives on the corner of 5th and walnut", "family lives on the corner of [ADDRESS]"),
        ("viven en la esquina de Juárez y Morelos", "viven en la esquina de [ADDRESS]"),
        ("lives at Box 22, Rt 3, Harrah", "lives at [ADDRESS], Harrah"),
        ("new address 1207 westview dr apt 3, yakima wa 98902", "new address [ADDRESS]"),
        (
            "they live in the trailer at 6610 county road 14",
            "they live in the trailer at [ADDRESS]",
        ),
        # a numbered road with no house number
        ("lives out on County Rd 12, no bus", "lives out on [ADDRESS], no bus"),
        ("the trailer is off hwy 64 past the store", "the trailer is off [ADDRESS] past the store"),
    ],
)
def test_address_pieces_complexes_and_roads(text: str, expected: str) -> None:
    assert scrub(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "home by 330 most days, mom works late",
        "at 12 kids were still in line for the bus",
        "at the corner of the hall and the gym",
        "they moved 3 times this year",
        "lives 20 minutes from school",
        "house has 4 kids and 2 dogs",
        "home visit 11/8 at 3, nobody answered",
        "bus 31 broke down on rt 9 again, 27 kids late",
        "new 504 plan signed at the meeting",
        "stays home 2 days a week with the baby",
        "pls call back at 509 re: attendance",
    ],
)
def test_numbers_near_housing_words_that_are_not_addresses_stay(text: str) -> None:
    assert [s.kind for s in detect(text) if s.kind == "ADDRESS"] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a full date too old to be about this school year is a date of birth
        (
            "birthday is sept 9 2010, the system has 9/19/2010",
            "birthday is [DOB], the system has [DOB]",
        ),
        (
            "NACIO 15/04/2012. EN EL SISTEMA ESTA 04/15/2012. OK",
            "NACIO [DOB]. EN EL SISTEMA ESTA [DOB]. OK",
        ),
        ("she's 18 as of 5/1/2006 so she can sign", "she's 18 as of [DOB] so she can sign"),
        ("verified in system 7/7/2011", "verified in system [DOB]"),
        ("we have 8/12/08 in the system", "we have [DOB] in the system"),
        ("mom's is March 3, 1989 on the form", "mom's is [DOB] on the form"),
        # a correction of a date of birth, in the same or the next sentence
        ("dob listed 4/31/2012, mom says april 30", "dob listed [DOB], mom says [DOB]"),
        (
            "DOB on file 2/30/2012 which is wrong. mom says its 2/3/2012. fixed",
            "DOB on file [DOB] which is wrong. mom says its [DOB]. fixed",
        ),
        ("dob 5/5/15 not 5/15/15 per the form", "dob [DOB] not [DOB] per the form"),
        ("DOB 5/5/15. Meeting is 11/12 at 3", "DOB [DOB]. Meeting is 11/12 at 3"),
        ("cumple 10 años el 3 de mayo", "cumple 10 años el [DOB]"),
        # a list of years after "born" / "nació"
        ("kids Dmytro and Sofiia, born 2014 and 2016", None),
        ("La niña nació en 2014 y el niño en 2017.", "La niña nació en [DOB] y el niño en [DOB]."),
    ],
)
def test_dates_of_birth_without_a_birth_word_next_to_them(text: str, expected: str | None) -> None:
    out = scrub(text).text
    if expected is None:
        assert "2014" not in out
        assert "2016" not in out
    else:
        assert out == expected


def test_recent_dates_and_impossible_ones_are_not_dates_of_birth() -> None:
    today = datetime.date(2025, 10, 1)
    text = "letter sent 10/14/2025, court 1/9/2026, last year 9/3/2024, typo 13/13/2012"
    assert old_date_spans(text, today=today) == []
    found = old_date_spans("enrolled 9/5/2021 and DOB on file 2/30/2012", today=today)
    assert [s.text for s in found] == ["9/5/2021", "2/30/2012"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dads DL is CA D4471290, made copy", "dads DL is CA [STUDENT_ID], made copy"),
        ("card says 00391827A. ok", "card says [STUDENT_ID]. ok"),
        ("Passport # on the copy (E12345678) - mom", "Passport # on the copy ([STUDENT_ID]) - mom"),
        ("license # WDL8J4K2M9P1 was on the copy", "license # [NATIONAL_ID] was on the copy"),
        ("bullying report #BR-0442 filed", "bullying report #[STUDENT_ID] filed"),
        ("withdrew 1/10 (ids 61204 & 61205)", "withdrew 1/10 (ids [STUDENT_ID] & [STUDENT_ID])"),
        ("ssn last 4 on the form is 6612, ok", "ssn last 4 on the form is [NATIONAL_ID], ok"),
        ("military id on file ends 2284.", "military id on file ends [NATIONAL_ID]."),
        ("EBT card ending in 0042 was lost", "EBT card ending in [NATIONAL_ID] was lost"),
        ("medicare # 1EG4-TE5-MK72 on file", "medicare # [NATIONAL_ID] on file"),
    ],
)
def test_id_shapes(text: str, expected: str) -> None:
    assert scrub(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "meeting moved to 1030AM in room 4B",
        "out with COVID-19 for a week, I-5 was closed",
        "8TH GR, 2ND PERIOD, BUS 14",
        "the 2024-25 plan, 90% attendance",
        "id badge is in the office, ends friday",
    ],
)
def test_codes_that_are_not_ids_stay(text: str) -> None:
    assert scrub(text).text == text


@pytest.mark.parametrize(
    ("text", "known", "expected"),
    [
        ("per gma, dakota turned 12 on the 8th", ["Dakota Smith"], "per gma, [NAME] turned 12"),
        (
            "hunter's mom said hunter (bday oct 12) is in counseling",
            ["Hunter Ray"],
            "[NAME]'s mom said [NAME] (bday",
        ),
        ("RIVER'S DAD CALLED", ["River Lightfoot"], "[NAME]'S DAD CALLED"),
        ("la abuelita de santiago dijo q", ["Santiago Lopez"], "la abuelita de [NAME] dijo q"),
        (
            "talked w/ mom maria delgado re jaylen",
            ["Jaylen Delgado"],
            "talked w/ mom [NAME] re [NAME]",
        ),
        ("marcus j came in late again", ["Marcus Johnson"], "[NAME] came in late again"),
        ("dad (marcus sr) + principal", ["Marcus Hill"], "dad ([NAME]) + principal"),
        ("DAD IS BILLY RAY COBB. NO CALLS", ["Braxton Cobb"], "DAD IS [NAME]. NO CALLS"),
        ("JOSE ANGEL RIVERA - mom said", ["Jose Rivera"], "[NAME] - mom said"),
        ("talked to j. brooks (dad)", ["Jaylen Brooks"], "talked to [NAME] (dad)"),
        # a nickname that starts the given name
        ("jay (jaylen) was out", ["Jaylen Brooks"], "[NAME] ([NAME]) was out"),
        ("Chris missed 3 days", ["Christopher Lee"], "[NAME] missed 3 days"),
        ("Sam's bus was late", ["Samantha Cruz"], "[NAME]'s bus was late"),
        ("called J Brooks back", ["Jaylen Brooks"], "called [NAME] back"),
        ("la abuela de Emiliano y Renata", ["Renata Diaz"], "de [NAME] y [NAME]"),
        ("he is in K. brooks is 10", ["Jaylen Brooks"], "he is in K. [NAME] is 10"),
    ],
)
def test_known_names_in_more_shapes(text: str, known: list[str], expected: str) -> None:
    assert expected in scrub(text, known_names=known).text


@pytest.mark.parametrize(
    ("text", "known", "kept"),
    [
        ("Mark's dad will mark it.", ["Mark Ellis"], "will mark it."),
        ("we hope she'll come back. hope is a big word.", ["Hope Carter"], "hope is a big word."),
        ("told marcus u should come by", ["Marcus Johnson"], " u should come by"),
        ("saw a blue jay today", ["Jaylen Brooks"], "saw a blue jay today"),
        ("Mar 3 meeting moved", ["Marcus Hill"], "Mar 3 meeting moved"),
        ("max 3 days a week", ["Maxwell Ortiz"], "max 3 days a week"),
    ],
)
def test_known_name_parts_that_are_words_stay_words(text: str, known: list[str], kept: str) -> None:
    assert scrub(text, known_names=known).text.endswith(kept)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("spoke w/ grandpa earl, he drives a truck", "spoke w/ grandpa [NAME], he drives"),
        ("talked to gma rosa today", "talked to gma [NAME] today"),
        ("mom (amber) cut off the call", "mom ([NAME]) cut off the call"),
        ("gma (ms pearl) says she has migraines", "gma (ms [NAME]) says"),
    ],
)
def test_first_names_that_are_words_after_a_family_word(text: str, expected: str) -> None:
    assert expected in scrub(text).text


@pytest.mark.parametrize(
    "text",
    [
        "baby sister's daycare closed",
        "new foster parents came in",
        "talked w/ gma sunday by phone",
        "mom will call, dad drew a map",
        "el papá (don Efraín) dijo que no",
    ],
)
def test_family_words_before_ordinary_words_stay(text: str) -> None:
    spans = detect(text)
    assert [s.text for s in spans if s.kind == "NAME" and s.text != "Efraín"] == []


def test_fifth_case_file_meets_the_targets() -> None:
    """The fifth case file (was blind_pii5, now tuned on): recall >= 0.97 per kind except
    names never seen, and at most 1% of other words removed."""
    cases = [json.loads(line) for line in CASES_FILE_5.read_text().splitlines() if line.strip()]
    assert len(cases) == 200
    found: dict[str, list[int]] = {}
    other = removed_other = 0
    for case in cases:
        text, known = case["text"], case.get("known_names") or []
        spans = detect(text, known_names=known)
        labelled: list[tuple[int, int]] = []
        for kind, detail in case["pii"]:
            lowered = {k.lower() for n in known for k in n.split()}
            unseen = kind == "NAME" and not any(w.lower() in lowered for w in detail.split())
            row = "NAME (unseen)" if unseen else kind
            start = text.index(detail)
            while start != -1:
                end = start + len(detail)
                labelled.append((start, end))
                hit = any(s.start <= start and end <= s.end for s in spans)
                found.setdefault(row, [0, 0])
                found[row][0] += 1
                found[row][1] += hit
                start = text.find(detail, end)
        for word in re.finditer(r"[\w'’]+", text):
            if any(a <= word.start() < b for a, b in labelled):
                continue
            other += 1
            removed_other += any(s.start <= word.start() < s.end for s in spans)
    for row, (n, hit) in found.items():
        if row != "NAME (unseen)":
            assert hit / n >= 0.97, (row, hit, n)
    assert removed_other / other <= 0.01
