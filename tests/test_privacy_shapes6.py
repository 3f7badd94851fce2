"""The scrubber on the families of details the sixth tuning set showed (issue 10, item 5).

``tests/data/blind_pii6/notes.jsonl`` is tuning data now. The cases below are not its notes:
each family is written several ways (English and Spanish, capitals, chat style), with the
ordinary text that must stay next to it.
"""

from __future__ import annotations

import pytest

from bot.privacy import scrub


@pytest.mark.parametrize(
    ("text", "known", "expected"),
    [
        # a known name that is also a word, at the start, before an attendance word
        ("rose out dentist, back at noon", ["Rose Patel"], "[NAME] out dentist, back at noon"),
        ("ivy sick again per dad", ["Ivy Chen"], "[NAME] sick again per dad"),
        ("Sunny out - allergies", ["Sunny Park"], "[NAME] out - allergies"),
        ("hunter absent 2 days, deer camp", ["Hunter Boyd"], "[NAME] absent 2 days, deer camp"),
        ("called home. chase tardy x3", ["Chase Miller"], "called home. [NAME] tardy x3"),
        ("rose bday is next week", ["Rose Patel"], "[NAME] bday is next week"),
        ("luna no vino hoy", ["Luna Torres"], "[NAME] no vino hoy"),
        ("dulce y su hermana faltaron", ["Dulce Ortiz"], "[NAME] y su hermana faltaron"),
        ("luna faltó el lunes", ["Luna Torres"], "[NAME] faltó el lunes"),
        # the same words used as words stay
        ("we hope out loud", ["Hope Lee"], "we hope out loud"),
        ("Will out? not sure", ["Will Grant"], "Will out? not sure"),
        ("hope no one minds the call", ["Hope Lee"], "hope no one minds the call"),
        ("the rose garden trip was fun", ["Rose Patel"], "the rose garden trip was fun"),
    ],
)
def test_known_names_that_are_words_at_a_sentence_start(
    text: str, known: list[str], expected: str
) -> None:
    assert scrub(text, known_names=known).text == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # codes of letters and digits in dash-joined groups, whatever the words around them
        ("per court order 2023-DR-00914 no pickup", "per court order [STUDENT_ID] no pickup"),
        ("county file CW-2023-44190", "county file [STUDENT_ID]"),
        ("expediente DIF-2024-0553 del DIF", "expediente [STUDENT_ID] del DIF"),
        ("ref cw-2024-10077 w/ dcyf", "ref [STUDENT_ID] w/ dcyf"),
        # the "#" written against the number goes with it
        ("stu id #10047762", "stu id [STUDENT_ID]"),
        ("student ID #A1234567 on file", "student ID [STUDENT_ID] on file"),
        # a state prefix and a space inside a Medicaid number
        ("Medicaid # MA 482193076 for nurse", "Medicaid # [NATIONAL_ID] for nurse"),
        # ordinary dashed words and grade bands stay
        ("k-12 covid-19 rules, 2023-24 school year", "k-12 covid-19 rules, 2023-24 school year"),
        ("grades 6-8 and a 3-day pass", "grades 6-8 and a 3-day pass"),
    ],
)
def test_ids_with_letters_and_separators(text: str, expected: str) -> None:
    assert scrub(text).text == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "mom's cell is four one four, five five five, oh one nine nine",
            "mom's cell is [PHONE]",
        ),
        ("call two oh six five five five one two one two", "call [PHONE]"),
        ("su cel es tres uno dos cinco cinco cinco cero uno cuatro tres", "su cel es [PHONE]"),
        ("work line five five five, oh one four two", "work line [PHONE]"),
        # a few number words in a sentence stay
        ("one or two days, maybe three", "one or two days, maybe three"),
        ("out two days, back on the third", "out two days, back on the third"),
    ],
)
def test_phone_numbers_in_words(text: str, expected: str) -> None:
    assert scrub(text).text == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lives Bldg 4 apt 12 at the complex", "lives [ADDRESS] at the complex"),
        ("moved to building C, unit 2B last wk", "moved to [ADDRESS] last wk"),
        ("viven en edificio B depto 3", "viven en [ADDRESS]"),
        ("staying at Motel 6 room 214 for now", "staying at [ADDRESS] for now"),
        ("they're at the motel, rm 12?", "they're at the motel, rm 12?"),
        ("the building was closed for snow", "the building was closed for snow"),
    ],
)
def test_informal_places(text: str, expected: str) -> None:
    assert scrub(text).text == expected
