"""Scrubbing the ordinary shapes of issue 10 (what to build 5), in every form.

Known names in any case, names that are also ordinary words, SSN and other ID shapes, phones
whatever the area code, addresses (English and Spanish), dates of birth in every common form,
and the ordinary content that must stay (meeting dates, times, bus and room numbers, grades,
counts). ``tests/data/pii_cases2.jsonl`` is the second non-blind case file (tuning data).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.privacy import PII_KINDS, detect, scrub


def _labelled(case: dict) -> list[tuple[str, int, int]]:
    """(kind, start, end) for every occurrence of every labelled text."""
    out = []
    for kind, text in case["pii"]:
        hits = [m.span() for m in re.finditer(re.escape(text), case["text"])]
        assert hits, f"labelled text {text!r} not in {case['text']!r}"
        out += [(kind, a, b) for a, b in hits]
    return out


CASES_FILE_2 = Path(__file__).parent / "data" / "pii_cases2.jsonl"
"""Notes written for issue 10 (messy school notes, 55 with no detail; batch 2 was written after
the rules were tuned and measured once before they were fixed); tuning data, not blind."""


def test_second_case_file_meets_the_targets() -> None:
    cases = [json.loads(x) for x in CASES_FILE_2.read_text().splitlines() if x.strip()]
    assert len(cases) >= 150
    assert sum(1 for c in cases if not c["pii"]) >= 30
    found: dict[str, list[int]] = {}
    kept = words = 0
    for case in cases:
        text = case["text"]
        spans = detect(text, known_names=case["known_names"])
        labels = _labelled(case)
        for kind, a, b in labels:
            row = found.setdefault(kind, [0, 0])
            row[1] += 1
            row[0] += any(s.start <= a and b <= s.end for s in spans)
        for m in re.finditer(r"[\w'’]+", text):
            if not any(a <= m.start() < b for _, a, b in labels):
                words += 1
                kept += not any(s.start <= m.start() < s.end for s in spans)
    assert set(found) == set(PII_KINDS)
    for kind, (hit, n) in found.items():
        assert hit / n >= 0.97, f"{kind} recall {hit}/{n}"
    assert kept / words >= 0.99


@pytest.mark.parametrize(
    ("text", "known", "expected"),
    [
        ("MARIA LOPEZ came in.", ["Maria Lopez"], "[NAME] came in."),
        ("talked to maria today", ["Maria Lopez"], "talked to [NAME] today"),
        (
            "Ms. Lopez says Maria's asthma is worse.",
            ["Maria Lopez"],
            "Ms. [NAME] says [NAME]'s asthma is worse.",
        ),
        ("Lopez Maria on the form", ["Maria Lopez"], "[NAME] on the form"),
        ("jose ramirez's dad came", ["José Ramírez"], "[NAME]'s dad came"),
        ("JOSÉ and Mr. Ramirez", ["Jose Ramírez"], "[NAME] and Mr. [NAME]"),
        ("Mr. O’Brien and Mr. OBrien", ["Liam O'Brien"], "Mr. [NAME] and Mr. [NAME]"),
        ("Ms. LOPEZ GARCIA called", ["Ana Lopez-Garcia"], "Ms. [NAME] called"),
        ("Ms. Garcia called", ["Ana Lopez-Garcia"], "Ms. [NAME] called"),
        ("la señora DE LA CRUZ llamó", ["María de la Cruz"], "la señora [NAME] llamó"),
        ("de la mañana", ["María de la Cruz"], "de la mañana"),
        ("Marias mom came", ["Maria Lopez"], "[NAME] mom came"),
        ('Mom "Lupe" Garcia', ['Guadalupe "Lupe" Garcia'], 'Mom "[NAME]" [NAME]'),
        ("Roses are red, Rose said", ["Rose Alvarez"], "Roses are red, [NAME] said"),
        ("Grant rides the Grant County van", ["Grant Lee"], "[NAME] rides the Grant County van"),
        (
            "Lincoln goes to Lincoln Elementary",
            ["Lincoln Brown"],
            "[NAME] goes to Lincoln Elementary",
        ),
    ],
)
def test_known_names_in_any_case_accent_apostrophe_and_hyphen(
    text: str, known: list[str], expected: str
) -> None:
    assert scrub(text, known_names=known).text == expected


@pytest.mark.parametrize(
    ("text", "known", "expected"),
    [
        # the name
        (
            "Hope missed 6 days. We hope the bus helps.",
            ["Hope Carter"],
            "[NAME] missed 6 days. We hope the bus helps.",
        ),
        ("Hope's grandma drives her.", ["Hope Carter"], "[NAME]'s grandma drives her."),
        ("I told Hope about it.", ["Hope Carter"], "I told [NAME] about it."),
        ("hope carter, 3rd grade", ["Hope Carter"], "[NAME], 3rd grade"),
        (
            "Will has been late. Mom will call.",
            ["Will Tran"],
            "[NAME] has been late. Mom will call.",
        ),
        ("will was absent again", ["Will Tran"], "[NAME] was absent again"),
        ("May said she likes it.", ["May Thompson"], "[NAME] said she likes it."),
        ("Mark's dad will mark it.", ["Mark Ellis"], "[NAME]'s dad will mark it."),
        ("Her daughter Grace is sick.", [], "Her daughter [NAME] is sick."),
        # the word
        ("Will call mom back. Will check the bus too.", ["Will Tran"], None),
        ("Will need a pass. May need a ride.", ["Will Tran", "May Thompson"], None),
        ("In May the bus changed; by June it was fine.", ["May Thompson"], None),
        ("Hope you had a good break!", ["Hope Carter"], None),
        ("hope is a big word for mom right now.", ["Hope Carter"], None),
        ("Mark the calendar: 11/20.", ["Mark Ellis"], None),
        ("the grace period ends; it was a joy.", ["Grace Kim", "Joy Parker"], None),
        ("THE BUS WAS LATE AND SHE WILL CALL.", ["Will Tran"], None),
        ("Luz del día comes late in winter.", [], None),
    ],
)
def test_names_that_are_ordinary_words(text: str, known: list[str], expected: str | None) -> None:
    assert scrub(text, known_names=known).text == (text if expected is None else expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # national IDs
        ("SSN 123-45-6789 on it", "SSN [NATIONAL_ID] on it"),
        ("her social: 123 45 6789", "her social: [NATIONAL_ID]"),
        ("ss# 987654321 for the clinic", "ss# [NATIONAL_ID] for the clinic"),
        ("her ssn is 123456789", "her ssn is [NATIONAL_ID]"),
        ("her SSN ends in 6789", "her SSN ends in [NATIONAL_ID]"),
        ("número de seguro social 123-45-6789", "número de seguro social [NATIONAL_ID]"),
        ("Medicaid 1234567890WA", "Medicaid [NATIONAL_ID]"),
        ("medicaid # 112233445", "medicaid # [NATIONAL_ID]"),
        # school and agency numbers after a cue word
        ("student # 4471 in skyward", "student # [STUDENT_ID] in skyward"),
        ("id# 88213 is the one", "id# [STUDENT_ID] is the one"),
        ("ID: 300412 now", "ID: [STUDENT_ID] now"),
        ("stu id s0041122", "stu id [STUDENT_ID]"),
        ("case no. 2023-0412 with CPS", "case no. [STUDENT_ID] with CPS"),
        ("Case No 2024-JV-118", "Case No [STUDENT_ID]"),
        ("lunch number 55821", "lunch number [STUDENT_ID]"),
        ("lunch pin is 4471", "lunch pin is [STUDENT_ID]"),
        ("no. de caso 55-1201", "no. de caso [STUDENT_ID]"),
        ("número de almuerzo 7712", "número de almuerzo [STUDENT_ID]"),
        ("student ID 4471 or 4472", "student ID [STUDENT_ID] or [STUDENT_ID]"),
        # phones, 555 and extensions
        ("call (555)867-1120 now", "call [PHONE] now"),
        ("call 509.555.0199 x23 now", "call [PHONE] now"),
        ("call 208-555-0113 ext 4 now", "call [PHONE] now"),
        ("call 509-555-0142 extension 210 now", "call [PHONE] now"),
        ("call 360/555-2231 now", "call [PHONE] now"),
        ("call 555 - 290 - 1187 now", "call [PHONE] now"),
        ("call 1 (555) 404-7788 now", "call [PHONE] now"),
        ("call +52 1 333 456 7890 now", "call [PHONE] now"),
        # addresses
        ("moved to 1422 e mission ave apt 3 last week", "moved to [ADDRESS] last week"),
        ("at 88 Ridge Rd, Unit B, Selah WA 98942.", "at [ADDRESS]."),
        ("123 MAIN ST APT 5 on the form", "[ADDRESS] on the form"),
        ("at 2210 Pine Ridge Drive today", "at [ADDRESS] today"),
        ("staying at 88 Ridge for now", "staying at [ADDRESS] for now"),
        ("33 Birch Way, Union Gap", "[ADDRESS]"),
        ("home visit at 702 S 3rd St #B went ok", "home visit at [ADDRESS] went ok"),
        ("Vive en Calle Roble 45, colonia centro", "Vive en [ADDRESS], colonia centro"),
        ("es Avenida Juárez #1200 int. 4", "es [ADDRESS]"),
        ("viven en calle 5 de Mayo #23, cerca", "viven en [ADDRESS], cerca"),
        ("a trailer, space 9, at 2700 Terrace Heights Dr", "a trailer, [ADDRESS], at [ADDRESS]"),
        ("home is unit 4 in the back", "home is [ADDRESS] in the back"),
        ("the corner of 16th Ave and Nob Hill Blvd", "the corner of [ADDRESS]"),
        ("mail to p.o. box 1187", "mail to [ADDRESS]"),
        ("mail to PO BOX 88, Toppenish, WA 98948", "mail to [ADDRESS]"),
        ("mail to Toppenish, WA 98948 only", "mail to [ADDRESS] only"),
        ("at 1420 Carter Avenue Northeast, the duplex", "at [ADDRESS], the duplex"),
        ("they rent 123 1/2 Main St now", "they rent [ADDRESS] now"),
        ("SID 445566 in the old system", "SID [STUDENT_ID] in the old system"),
        ("referral # 5567 sent", "referral # [STUDENT_ID] sent"),
        ("lunch acct 44512 is negative", "lunch acct [STUDENT_ID] is negative"),
        ("EBT card 1234 5678 9012 3456 found", "EBT card [NATIONAL_ID] found"),
        ("she was born in 2015 in Yakima", "she was born in [DOB] in Yakima"),
        ("he turns 8 on 5/6, party after", "he turns 8 on [DOB], party after"),
        ("DOB is 2/3/16 and her brother's is 4/5/18", "DOB is [DOB] and her brother's is [DOB]"),
        ("DOB 3/3/2013, met 10/3/2025 and 11/9.", "DOB [DOB], met 10/3/2025 and 11/9."),
        ("DOB 14-Mar-2015 and DOB 2015/03/14", "DOB [DOB] and DOB [DOB]"),
        ("Student ID - 4471 now", "Student ID - [STUDENT_ID] now"),
        ("SSN xxx-xx-6789 on the copy", "SSN [NATIONAL_ID] on the copy"),
        ("her social ending 6789", "her social ending [NATIONAL_ID]"),
        ("address is 1420 carter.", "address is [ADDRESS]."),
        ("lives at 88 ridge for now", "lives at [ADDRESS] for now"),
        # dates of birth
        ("d.o.b. 3-14-15, 2nd grade", "d.o.b. [DOB], 2nd grade"),
        ("sibling b. 11/30/2014 here", "sibling b. [DOB] here"),
        ("b.12/1/2015; met 11/20", "b.[DOB]; met 11/20"),
        ("Fecha de nacimiento: 14/03/2015", "Fecha de nacimiento: [DOB]"),
        ("nació el 2 de mayo de 2016", "nació el [DOB]"),
        ("su cumpleaños es el 5 de septiembre", "su cumpleaños es el [DOB]"),
        ("kids DOBs 4/1/2013 and 6/19/2016", "kids DOBs [DOB] and [DOB]"),
        ("born March 2015, young for her grade", "born [DOB], young for her grade"),
        ("DOB Sept. 21, 2015; met with mom 10/3", "DOB [DOB]; met with mom 10/3"),
        ("birth date 3/3/13, called 11/2 and 11/9", "birth date [DOB], called 11/2 and 11/9"),
    ],
)
def test_ids_phones_addresses_and_dates_of_birth(text: str, expected: str) -> None:
    assert scrub(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "Met on 10/3 with mom; called 11/2 and 11/9; next check-in 10/17 at 3:15.",
        "Bus 42 was late, bus 555 is gone, route 7 pickup 7:05am, room 104, rm 210.",
        "Grades: 2 Fs, a C in math, B+ in PE; attendance 78% in Sept, 86% in Oct.",
        "missed 14 days, 6 excused, 3 tardies; MAP score 212, up from 198.",
        "He missed 2 days in a row and it's a 20 minute drive.",
        "Meeting at 3 Conference Room B; pickup at 3 Lincoln Elementary.",
        "We met at 4 Starbucks, then at 10 Central for the bus.",
        "He moved to 14 schools. She moved to 3 different schools.",
        "She lives close; unit 4 in math is fractions.",
        "the kids were at 2 Rivers park; Dad works at 12 Mile farm.",
        "Case manager says the case is closed; 3 of 4 goals met.",
        "She was born in Mexico and came at 9; born and raised here since 2019.",
        "The form said 2024-25 school year, 180 days, $1,400 in repairs, 12-hour shifts.",
        "Attendance letter #2 went out 10/20; letter #3 would go at 10 absences.",
        "Met 10-14-2025 with mom, letter dated 11-02-2025, for the 2024-2025 year.",
        "Born and raised here, she moved back in 2019 after 3 years away.",
    ],
)
def test_meeting_dates_times_bus_rooms_grades_and_counts_stay(text: str) -> None:
    result = scrub(text)
    assert result.text == text, result.text
