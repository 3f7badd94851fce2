"""Dates of birth and ID numbers: the rules, and the chaining of a list ("DOBs 4/1/2013 and
6/19/2016", "id 4471 … should be 4417").

A date is a date of birth only after a birth word ("DOB", "d.o.b.", "born", "birthday",
"b.", "fecha de nacimiento", "nació", "cumpleaños"…): "met on 10/3" and "called 11/2" stay.
An ID is a number after an ID word ("student #", "ID", "id#", "case no.", "lunch number",
"Medicaid", "número de estudiante"…), an SSN / ITIN shape whatever the words around it, or a
bare run of 6 to 10 digits.
"""

from __future__ import annotations

import datetime

import regex

from bot.privacy.model import PiiKind, PiiSpan

_MONTH = (
    r"(?i:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_MES = (
    r"(?i:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|"
    r"noviembre|diciembre|ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th|ro|º)?"
DATE = (
    r"(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    rf"|(?:19|20)\d\d,?\s+{_MONTH}\s+{_DAY}"
    rf"|\d{{1,2}}[-/ ]{_MONTH}[-/ ](?:\d{{4}}|\d{{2}})"
    rf"|\d{{1,2}}[-/ ]{_MES}[-/ ](?:\d{{4}}|\d{{2}})"
    r"|\d{1,2}[/.-]\d{1,2}(?:[/.-](?:\d{4}|\d{2}))?"
    rf"|{_MONTH}\s+(?:of\s+)?\d{{4}}"
    rf"|{_MONTH}\s+{_DAY}(?:,?\s+\d{{4}})?"
    rf"|{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?"
    rf"|{_DAY}\s+de\s+{_MES}(?:,?\s+(?:de\s+|del\s+)?\d{{4}})?"
    rf"|{_MES}\s+(?:de\s+)?\d{{4}}"
    rf"|{_MES}\s+{_DAY}(?:,?\s+\d{{4}})?)"
    r"(?![\d/])"
)
"""A date in any common English or Spanish form: 3/14/15, 2015-03-14, 14.03.2015, 7-ene-2013,
March 14th, 2015, 2011, august 14th, the 4th of July 2014, March 2015, 2 de mayo de 2016,
marzo 14, 2016."""

_BIRTH_WORD = (
    r"(?i:dobs?|d\.\s?o\.\s?b\.?|date\s+of\s+birth|birth\s?dates?|birthdays?|birthday['’]s|"
    r"bdays?|b-days?|born|fecha\s+de\s+nacimiento|fecha\s+de\s+nac\.?|f\.\s?(?:de\s)?nac\.?|"
    r"nacimiento|naci[oó]|nacid[ao]s?|cumpleaños|cumpleanos|cumple)"
)
_CHAIN_LINK = r"\s*(?:[,;/&]\s*)?(?:(?i:and|or|y|o|&)\s+)?"
"""What joins two items of a list: ", ", " and ", " & ", " y "."""

_NATIONAL_ID_WORDS = (
    r"(?:SSN|SIN|EIN|ITIN|NSS|DNI|INE|DL|RFC|CURP|NINO|"
    r"(?i:ssn|ss#|ss\s?no\.?|social security|social|itin|tax\s?id|taxpayer id|"
    r"social insurance|curp|nino|national insurance|national id|passport|pasaporte|"
    r"a-?number|a#|alien(?: registration)?(?: number)?|uscis(?: number)?|green card|"
    r"permanent resident card|visa|medicaid|medicare|apple health|provider\s?one|medical card|"
    r"insurance card|member id|ebt(?: card)?|snap card|card number|"
    r"driver['’]?s? licen[cs]e|licen[cs]e|dl|state id|id card|"
    r"matr[ií]cula consular|cedula|cédula|tribal id|tribal enrollment|seguro social))"
)
"""Words before a national or government ID number ("SSN", "passport", "A-number",
"Apple Health", "driver's license", "CURP", "matrícula consular"…)."""

_SCHOOL_ID_WORDS = (
    r"(?:IDs?|SID|(?i:student\s*(?:ids|numbers|nums|nos\.?)|student\s*(?:id|number|num|no\.?|#)?|"
    r"iep|504(?:\s+plan)?|placement|(?:restraining|protective|protection|no[- ]contact)\s+order|"
    r"wic|snap|mcd|referral\s*(?:number|no\.?|#)|stu\s*(?:id|#|no\.?|number)|"
    r"state\s*(?:student\s*)?id|ssid|wsis|ids?\s*(?:number|num|no\.?|#)?|i\.d\.|"
    r"lunch\s*(?:number|num|no\.?|pin|code|id|account|acct|#)|meal\s*(?:number|pin|code|#)|"
    r"skyward(?:\s*(?:id|number|#))?|powerschool(?:\s*(?:id|number|#))?|"
    r"(?:cps\s+|dcyf\s+|court\s+|truancy\s+)?case\s*(?:number|num|no\.?|#|id)?|"
    r"docket(?:\s*(?:number|no\.?|#))?|file\s*(?:number|no\.?|#)|folio|"
    r"(?:court\s+)?order\s*(?:number|no\.?|#)|"
    r"n[úu]mero\s+de\s+(?:estudiante|alumno|almuerzo|lonche|caso|identificaci[óo]n|"
    r"matr[íi]cula|expediente)|n[úu]m\.?\s+de\s+(?:estudiante|alumno|caso)|"
    r"no\.?\s+de\s+(?:caso|estudiante|alumno|expediente)|caso|expediente|"
    r"matr[íi]cula(?:\s+escolar)?|id\s+de\s+estudiante|identificaci[óo]n))"
)
"""Words before a school or agency number: "student #", "ID", "id#", "case no.", "lunch
number", "número de estudiante", "no. de caso"…"""
_ID_VALUE = (
    r"(?=(?:[A-Za-z-]{0,7}\d){4})(?:[A-Za-z]{1,4}-?){0,3}\d[A-Za-z0-9]*(?:-[A-Za-z0-9]+){0,4}"
    r"(?![\w-])"
)
"""An ID: digits with letters or dashes, four digits or more ("4471", "s0041122",
"2024-JV-118", "22-7-01234-5", "19-DEP-3321", "WA-ST-0094417")."""

DOB_RULES: list[tuple[str, str, float]] = [
    (
        "date_after_birth_word",
        rf"\b{_BIRTH_WORD}(?![\p{{L}}])[^.!?\n\d;]{{0,40}}?(?P<v>{DATE})",
        0.85,
    ),
    ("date_after_b_dot", rf"(?<![\w.])[bB]\.\s?(?P<v>{DATE})", 0.8),
    (
        "year_right_after_born",
        r"\b(?i:born(?:\s+in)?|dob|b\.|naci[oó](?:\s+en)?|nacid[ao](?:\s+en)?|birth\s+year)"
        r"\s*:?\s*(?P<v>(?:19|20)\d\d)(?![\d/.-]\d)",
        0.7,
    ),
    (
        "date_after_turns_age",
        rf"\b(?i:turns|turned|will\s+be|cumple|cumplió|cumplio)\s+\d{{1,2}}"
        rf"(?:\s+(?i:años|anos|years?(?:\s+old)?|yrs?))?\s+(?i:on|el)\s+(?P<v>{DATE})",
        0.7,
    ),
]

STUDENT_ID_RULES: list[tuple[str, str, float]] = [
    (
        "number_after_id_word",
        rf"\b{_SCHOOL_ID_WORDS}(?:\s*(?i:is|was|es|number|no\.?|num|n[úu]mero|n[úu]m\.?))?"
        r"\s*(?:[:=,]|\s[-–]|-\s|#\s)?\s*"
        rf"(?i:no\.?\s*)?(?P<v>(?:#(?!\s))?{_ID_VALUE})",
        0.85,
    ),
    (
        "number_named_later_in_the_clause",
        # "the case # on those papers is FC-2023-0918": the cue, a few words, then "is"
        rf"\b{_SCHOOL_ID_WORDS}\s*#?[^.!?\n\d;:]{{1,30}}?\b(?i:is|was|es|reads|says)\s*:?\s*"
        rf"(?P<v>{_ID_VALUE})",
        0.7,
    ),
    ("hash_number", r"(?<![\w#])#\s?(?P<v>\d{5,10})\b", 0.5),
    (
        # a Washington court case number, whatever the words around it: year, court type,
        # serial, check digit ("23-2-01847-9", "24-7-00312-1")
        "court_case_number",
        r"(?<![\w@./-])\d{2}-\d-\d{5}-\d(?![\w-]|[./]\d)",
        0.6,
    ),
    (
        # "#BR-0442", "# 2024-JV-118", "report #A77310": "#" before a code of 4 digits or more
        "hash_code",
        r"(?<![\w#])#\s?(?P<v>(?=(?:[A-Za-z-]{0,6}\d){4})(?=[\w-]*[A-Za-z])[A-Za-z]{1,4}-?\d[\dA-Za-z]*"
        r"(?:-[\dA-Za-z]+){0,3})(?![\w-])",
        0.5,
    ),
    (
        # "D4471290", "E12345678", "00391827A", "WDL8J4K2M9P1", "BR-0442": a code of capitals and
        # four digits or more, whatever the words around it (no time such as "1030AM")
        "letters_and_digits_code",
        r"(?<![\w@.-])(?=(?:[A-Z-]{0,6}\d){4})(?=[\dA-Z-]*[A-Z])(?![\dA-Z]*(?:AM|PM)\b)"
        r"(?:[A-Z]{1,4}-?\d[\dA-Z]{3,14}|\d{4,}[A-Z]{1,3}|[A-Z]{1,4}-\d{4,10})(?![\w@-]|\.\w)",
        0.45,
    ),
    (
        # "CW-2023-44190", "DIF-2024-0553", "2023-DR-00914", "cw-2023-44190": letters and
        # digits in three dash-joined groups or more, with five digits or more
        "dashed_code",
        r"(?<![\w@.-])(?=(?:[A-Za-z-]{0,6}\d){5})"
        r"(?:[A-Za-z]{1,4}-\d{2,6}|\d{2,6}-[A-Za-z]{1,4})(?:-[A-Za-z0-9]{2,10})+(?![\w@-])",
        0.5,
    ),
    (
        # "d4471290", "s0041122": one to three letters and five digits or more, in lower case
        "lower_letters_and_digits_code",
        r"(?<![\w@.-])[a-z]{1,3}\d{5,12}(?![\w@-]|\.\w)",
        0.4,
    ),
    ("bare_6_to_10_digits", r"(?<![\d$€£.,/:#-])\b\d{6,10}\b(?![.,/:-]?\d)", 0.3),
]

NATIONAL_ID_RULES: list[tuple[str, str, float]] = [
    # US social security / ITIN shape, however it is written
    ("ssn_dashed", r"(?<![\d-])\b\d{3}-\d{2}-\d{4}\b(?!-?\d)", 0.8),
    # the same with a letter O typed for a zero ("5O1-22-8843")
    (
        "ssn_dashed_o_for_zero",
        r"(?<![\w-])(?=[\dOo-]*\d)[\dOo]{3}-[\dOo]{2}-[\dOo]{4}\b(?!-?\d)",
        0.6,
    ),
    ("ssn_masked", r"(?<![\w*-])(?i:xxx|\*{3})[- ]?(?i:xx|\*\*)[- ]?\d{4}\b", 0.8),
    ("sin_3_3_3", r"(?<![\d.-])\b\d{3}[ -]\d{3}[ -]\d{3}\b(?![ .-]?\d)", 0.5),
    ("ssn_spaced", r"(?<![\d.-])\b\d{3}[ .]\d{2}[ .]\d{4}\b(?![ .-]?\d)", 0.6),
    # a number after a national-ID word: SSN, SIN, ITIN, CURP, passport, A-number…
    (
        "number_after_national_id_word",
        rf"\b{_NATIONAL_ID_WORDS}(?:['’]s)?(?:\s*(?i:card|number|num|no\.?|id|#))?"
        r"(?:\s*(?i:is|was|es|of|ends in|ending in|ends with|ending|ends))?\s*(?:[:#=,]|\s[-–])?\s*"
        r"(?P<v>(?:[A-Z]{1,3}\s(?=\d{4}))?"
        r"(?=[A-Za-z0-9 -]{0,8}\d{2}|(?:[A-Za-z-]*\d){3})[A-Za-z]{0,4}-?"
        r"(?:\d|[A-Za-z](?=[\dA-Za-z]*\d))"
        r"(?:[A-Za-z0-9-]|\s(?=\d{2,}|\d(?![\w.,/:-]*\s+(?i:days?|weeks?|times?|hours?|"
        r"months?|years?|kids?|absences?|tardies)\b)))*[A-Za-z0-9])",
        0.9,
    ),
    (
        # "ssn last 4 on the form is 6612", "military id on file ends 2284", "card ending in
        # 0042": an ID word, then "last 4" / "ends (in)" and four digits in the same clause
        "last_four_after_id_word",
        rf"\b(?:{_NATIONAL_ID_WORDS}|(?i:id|ids|student\s+id|account|acct|card))\b[^.!?\n\d;]{{0,40}}?"
        r"\b(?i:last\s+(?:4|four)(?:\s+digits)?|ends?(?:\s+(?:in|with))?|ending(?:\s+(?:in|with))?)"
        r"\b[^.!?\n\d;]{0,30}?(?P<v>\d{4})\b(?![.,/:-]?\d)",
        0.8,
    ),
    (
        "last_four_of_social",
        r"(?<=\b(?i:last (?:four|4)(?: digits)?(?: of)?(?: (?:her|his|my|the|their|mom['’]s"
        r"|dad['’]s))?(?: (?:social|ssn|social security)(?: number)?)?)"
        r"(?:\s*(?i:is|was|are|were))?\s*[:#=,]?\s*)\d{4}\b",
        0.85,
    ),
    (
        # "Medicaid ID for the dental van: mom read it off as WA 2201 8843 7": a national-ID
        # word, a few words, then "as" / "is" / "reads" and a number of six digits or more,
        # spaced or not, after up to three capitals (issue 10, pii8)
        "national_id_named_later_in_the_clause",
        rf"\b{_NATIONAL_ID_WORDS}\b[^.!?\n\d;]{{1,50}}?\b(?i:is|was|es|as|reads|says|read|"
        r"number|n[úu]mero)\s*:?\s*(?P<v>(?:[A-Z]{1,3}[ -]?)?(?=(?:[ -]?\d){6})\d{1,6}"
        r"(?:[ -]\d{1,6}){0,4})(?![\w-]|[.,/:]\d)",
        0.75,
    ),
    # a card number (EBT, bank): four groups of four digits
    ("card_number", r"(?<![\d-])\b\d{4}[ -]\d{4}[ -]\d{4}[ -]\d{4}\b(?![ -]?\d)", 0.7),
    # Mexican CURP (18) and RFC (12-13), UK National Insurance number, US A-number
    ("curp", r"\b[A-Z]{4}\d{6}[HMX][A-Z]{5}[A-Z0-9]\d\b", 0.9),
    ("rfc", r"\b[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}\b", 0.6),
    ("uk_nino", r"\b[A-CEGHJ-PR-TW-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", 0.6),
    ("a_number", r"\bA[-#]?\s?\d{3}[- ]?\d{3}[- ]?\d{2,3}\b", 0.6),
]

_DATE_NEXT = regex.compile(rf"{_CHAIN_LINK}({DATE})", regex.VERSION0)
_ID_NEXT = regex.compile(
    r"[^.!?\n\d$]{0,40}?(?<![\w$#-])(\d{4,10})(?![\w/:.,-]\d|[\w-])", regex.VERSION0
)
_YEAR = regex.compile(r"(?:19|20)\d\d")
_BARE_YEAR = regex.compile(r"(?<![\w/.$-])(?:19|20)\d\d(?![\w/%-]|[.,]\d)")
_CLAUSE = regex.compile(r"[^.;!?\n]*")
_TWO_SENTENCES = regex.compile(r"[^.!?\n]*(?:[.!?]+\s+[^.!?\n]*)?")
_CORRECTED_DATE = regex.compile(
    r"\b(?i:says|said|say|it's|its|it’s|should\s+be|actually|not|correct(?:ed)?(?:\s+to)?|"
    r"wrote|reads|dice|dijo|que\s+es|o\s+sea|es\s+decir|i\.e\.,?|which\s+is|that['’]s|meaning|"
    r"tiene|has|shows|lists|listed|muestra|puso|entered)\s*:?\s*(?P<v>" + DATE + r")",
    regex.VERSION0,
)
_FULL_DATE = regex.compile(rf"(?<![\d/.-])(?:{DATE})", regex.VERSION0)
_YEAR_AT_END = regex.compile(r"(?:\b((?:19|20)\d\d)|\d[/.-]\d{1,2}[/.-](\d\d))(?!\d)\W*$")
_ISO_YEAR = regex.compile(r"((?:19|20)\d\d)[-/.]\d")


def _year(date: str) -> int | None:
    """The year of a date: 2015 from "3/14/2015", "3-14-15", "2015-09-21", "2015/09/21"; None
    without one."""
    iso = _ISO_YEAR.match(date)
    if iso:
        return int(iso[1])
    m = _YEAR_AT_END.search(date)
    if not m:
        return None
    return int(m[1]) if m[1] else 2000 + int(m[2])


_CHAIN_ID_KINDS: frozenset[PiiKind] = frozenset({"STUDENT_ID", "NATIONAL_ID"})


def chain_lists(text: str, spans: list[PiiSpan]) -> list[PiiSpan]:
    """Extend a date of birth or an ID found by a cue word to the next items of its list.

    Args:
        text: the text.
        spans: the spans the rules found (any kinds).

    Returns:
        ``spans`` plus, after each DOB, each date joined to it by ", ", "and", "&", "y"
        ("DOBs 4/1/2013 and 6/19/2016") and each later date in the same clause within two
        years of it ("DOB 6-1-2016 per mom, school has 6-11-2016"; "DOB 3/3/13, called
        11/2" keeps 11/2, which has no year); a date right after "says", "should be", "not",
        "actually", "dice"… in the same or the next sentence ("dob listed 4/31/2012 … mom says
        april 30"); after a year of birth, the later years of its clause ("born 2014 and
        2016"); and after each cued ID of 4 to 10 digits, a number of the same length later in
        the same sentence ("id 4471 … should be 4417").
    """
    out = list(spans)
    for s in spans:
        if s.kind == "DOB":
            end = s.end
            while m := _DATE_NEXT.match(text, end):
                out.append(
                    PiiSpan(kind="DOB", start=m.start(1), end=m.end(1), text=m[1], score=0.8)
                )
                end = m.end(1)
            if _YEAR.fullmatch(s.text):
                # "born 2014 and 2016", "nació en 2014 y el niño en 2017": later years of the
                # same clause, close to the first
                clause = _CLAUSE.match(text, end)
                stop = min(clause.end() if clause else end, end + 48)
                for y in _BARE_YEAR.finditer(text, end, stop):
                    if abs(int(y[0]) - int(s.text)) <= 20:
                        out.append(
                            PiiSpan(kind="DOB", start=y.start(), end=y.end(), text=y[0], score=0.6)
                        )
            # "dob listed 4/31/2012 … mom says april 30": a date right after "says", "is",
            # "should be"… in the same or the next sentence corrects the date of birth
            sentence = _TWO_SENTENCES.match(text, end)
            if sentence:
                for d in _CORRECTED_DATE.finditer(text, end, sentence.end()):
                    out.append(
                        PiiSpan(
                            kind="DOB", start=d.start("v"), end=d.end("v"), text=d["v"], score=0.6
                        )
                    )
            year = _year(s.text)
            clause = _CLAUSE.match(text, end)
            if year is not None and clause:
                for d in _FULL_DATE.finditer(text, end, clause.end()):
                    other = _year(d.group())
                    if other is not None and abs(other - year) <= 2:
                        out.append(
                            PiiSpan(kind="DOB", start=d.start(), end=d.end(), text=d[0], score=0.6)
                        )
        elif s.kind in _CHAIN_ID_KINDS and s.score >= 0.85 and s.text.isdigit():
            m = _ID_NEXT.match(text, s.end)
            if m and len(m[1]) == len(s.text) and not _YEAR.fullmatch(m[1]):
                out.append(
                    PiiSpan(kind=s.kind, start=m.start(1), end=m.end(1), text=m[1], score=0.5)
                )
    return out


_DATED = regex.compile(
    r"(?<![\w/.-])(?:"
    r"(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{4}|\d{2})"
    r"|(?P<y>(?:19|20)\d\d)[-/.]\d{1,2}[-/.]\d{1,2}"
    rf"|{_MONTH}\s+{_DAY},?\s+(?P<y>(?:19|20)\d\d)"
    rf"|{_DAY}\s+(?:of\s+)?{_MONTH},?\s+(?P<y>(?:19|20)\d\d)"
    rf"|{_DAY}[-/ ]{_MONTH}[-/ ](?P<y>(?:19|20)\d\d)"
    rf"|{_DAY}[-/ ]{_MES}[-/ ](?P<y>(?:19|20)\d\d)"
    rf"|{_DAY}\s+de\s+{_MES},?\s+(?:de\s+|del\s+)?(?P<y>(?:19|20)\d\d)"
    rf"|{_MES}\s+{_DAY},?\s+(?P<y>(?:19|20)\d\d)"
    r")(?![\w/]|[.-]\d)",
    regex.VERSION0,
)
"""A date with its day, month and year ("9/19/2010", "8/12/08", "2012-03-04", "sept 9 2010",
"2 de mayo de 2016")."""

SCHOOL_AGE_YEARS = 4
"""A full date at least this many years before the current year is taken as a date of birth:
a child in school was born 4 to 20 years ago, a caregiver earlier still, while the dates an
attendance note is about (absences, meetings, letters, court dates) are of this school year
or the last (issue 10: dates of birth written with no birth word near them, "the system has
9/19/2010", "EN EL SISTEMA ESTA 04/15/2012")."""


def old_date_spans(text: str, *, today: datetime.date | None = None) -> list[PiiSpan]:
    """Full dates (day, month and year) too old to be about school this year: dates of birth.

    Args:
        text: the text.
        today: the current date (the system date when None); a test passes its own.

    Returns:
        DOB spans (score 0.5) for each full date whose year is at least
        :data:`SCHOOL_AGE_YEARS` before ``today``'s year; a two-digit year "yy" is 20yy when
        that is not in the future, else 19yy. Impossible day / month pairs ("13/13/2012")
        are skipped; "2/30/2012" is kept (a wrongly typed date of birth is still one).
    """
    now = (today or datetime.date.today()).year
    cutoff = now - SCHOOL_AGE_YEARS
    out: list[PiiSpan] = []
    for m in _DATED.finditer(text):
        y = m.group("y")
        year = int(y)
        if len(y) == 2:
            year += 2000 if 2000 + year <= now else 1900
        if not 1900 <= year <= cutoff:
            continue
        a, b = m.group("a"), m.group("b")
        if a is not None and b is not None:
            first, second = int(a), int(b)
            if not (1 <= first <= 31 and 1 <= second <= 31 and min(first, second) <= 12):
                continue
        out.append(PiiSpan(kind="DOB", start=m.start(), end=m.end(), text=m[0], score=0.5))
    return out
