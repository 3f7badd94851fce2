"""The pattern rules (phones, e-mails, addresses, dates of birth, IDs, names in context)."""

from __future__ import annotations

from functools import cache

import regex

from bot.privacy.model import PiiKind, PiiSpan
from bot.privacy.names import _lexicon
from bot.privacy.words import _KIN, _NAME_TOKEN, _TITLES

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}"
    r"|\d{1,2}[/.-]\d{1,2}(?:[/.-](?:\d{4}|\d{2}))?"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?)"
    r"(?![\d/])"
)
_NATIONAL_ID_WORDS = (
    r"(?:SSN|SIN|EIN|ITIN|NSS|DNI|INE|DL|RFC|CURP|NINO|"
    r"(?i:ssn|ss#|ss\s?no\.?|social security|social|itin|tax\s?id|taxpayer id|"
    r"social insurance|curp|nino|national insurance|national id|passport|pasaporte|"
    r"a-?number|a#|alien(?: registration)?(?: number)?|uscis(?: number)?|green card|"
    r"permanent resident card|visa|medicaid|medicare|apple health|provider\s?one|medical card|"
    r"insurance card|member id|driver['’]?s? licen[cs]e|licen[cs]e|dl|state id|id card|"
    r"matr[ií]cula(?: consular)?|cedula|cédula|tribal id|tribal enrollment))"
)
"""Words before a national or government ID number ("SSN", "passport", "A-number",
"Apple Health", "driver's license", "CURP", "matrícula"…)."""
_DIR = r"(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?"
_STREET_WORD = r"(?:\p{Lu}[\p{Ll}'’.-]*|\d{1,3}(?:st|nd|rd|th))"
_SUFFIX = (
    r"(?i:street|st|avenue|ave|road|rd|drive|dr|lane|ln|boulevard|blvd|way|court|ct|place|pl|"
    r"circle|cir|terrace|ter|highway|hwy|parkway|pkwy|loop|trail|trl|pike|alley|row|square|sq)"
    r"\b\.?"
)
_UNIT = (
    r"(?:,?\s*(?:(?i:apt|apartment|unit|suite|ste|lot|space|spc|trailer|room|rm)\.?\s*#?\s*|#\s*)"
    r"[A-Za-z]?\d+[A-Za-z]?\b)"
)
_CITY = (
    r"(?:,\s*\p{Lu}\p{Ll}+(?:\s\p{Lu}\p{Ll}+){0,2}(?:,\s*|\s+)(?:[A-Z]{2}|Washington|Oregon|Idaho)\b"
    r"(?:\s+\d{5}(?:-\d{4})?)?|,?\s+(?:[A-Z]{2}\s+)?\d{5}(?:-\d{4})?\b)?"
)


def _patterns() -> dict[PiiKind, list[tuple[str, str, float]]]:
    """The pattern rules: kind -> [(rule name, regex, score)].

    Regexes use the ``regex`` module (as presidio does), case-sensitive unless
    a group says ``(?i:…)``; look-behinds hold the context words so that only
    the detail itself is replaced ("DOB [DOB]", "Ms. [NAME]").
    """
    return {
        "PHONE": [
            # Any North American shape, whatever the area code (555 included): libphonenumber
            # rejects numbers it cannot assign to a real area, and those are still someone's.
            (
                "nanp",
                r"(?<![\w+.-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)[\s.-]?|\d{3}[\s.-]|\d{3}(?=\d{7}))"
                r"\d{3}[\s.-]?\d{4}(?:\s?(?i:x|ext\.?|extension)\s?\d{1,5})?(?![\w-]|[.]\d)",
                0.7,
            ),
            (
                "international",
                r"(?<![\w+])\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?)(?:[\s.-]?\d{2,5}){1,4}(?![\w-])",
                0.7,
            ),
            ("local_7_digit", r"(?<![\d(.-])\b\d{3}[-.]\d{4}\b(?![-.]?\d)", 0.35),
            (
                "local_7_digit_spaced_after_phone_word",
                r"(?<=\b(?i:phone|cell|number|call|text|line|tel|landline|celular|teléfono)"
                r"\b[^.!?\n\d]{0,30})\b\d{3}\s\d{4}\b(?![-.]?\d)",
                0.5,
            ),
        ],
        "EMAIL": [
            (
                "email",
                r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b",
                0.9,
            ),
            (
                "email_spelled_out",
                r"\b[\w+-]+(?:(?:\.|\s(?:dot|\.)\s)[\w+-]+)*\s*(?:\[at\]|\(at\)|\sat\s)\s*[\w-]+"
                r"\s*(?:\[dot\]|\(dot\)|\sdot\s)"
                r"\s*(?i:com|net|org|edu|us|gov)\b",
                0.6,
            ),
        ],
        "ADDRESS": [
            (
                "house_number_street",
                rf"\b\d{{1,6}}(?:-?[A-Z])?\s+(?:{_DIR}\s+)?(?:{_STREET_WORD}\s+){{1,4}}?"
                rf"{_SUFFIX}(?:\s+{_DIR}(?!\w))?{_UNIT}?{_CITY}",
                0.7,
            ),
            (
                "house_number_numbered_road",
                rf"\b\d{{1,6}}\s+(?:{_DIR}\s+)?(?:State\s+Route|State\s+Highway|County\s+Road|"
                rf"(?i:highway|hwy|route|rte|road|rd|sr|us))\s*-?\s*\d{{1,4}}[A-Z]?\b{_UNIT}?{_CITY}",
                0.7,
            ),
            ("po_box", r"\b(?i:p\.?\s?o\.?\s*box|post office box)\s*#?\s*\d+\b", 0.7),
            (
                "rural_route",
                r"\b(?i:rural route|rr|route|rte)\s*\d+,?\s*(?i:box)\s*#?\s*\d+\b",
                0.7,
            ),
            (
                "housing_complex",
                r"\b(?:\p{Lu}[\p{Ll}'’]+\s+){1,3}(?:Apartments|Apts|Mobile Home Park|Trailer Park|"
                rf"RV Park|Mobile Estates|Estates|Townhomes|Trailer Court){_UNIT}?",
                0.5,
            ),
            (
                "unit_alone",
                r"\b(?:Apt|Apartment|Lot|Space|Trailer|apt|apartment|trailer)\.?\s*#?\s*"
                r"[A-Za-z]?\d+[A-Za-z]?\b",
                0.45,
            ),
            (
                "named_street",
                r"(?<=\b(?i:on|off|at|near|along|down|up|past|by|to|of|from)\s+(?:the\s+)?)"
                r"(?:(?:N|S|E|W|North|South|East|West)\s+)?(?:\p{Lu}[\p{Ll}'’]+\s+){1,3}"
                r"(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Boulevard|Blvd|Way|Court|Ct|Highway|"
                r"Hwy|Loop|Trail|Pike|Drive)\b\.?",
                0.45,
            ),
            (
                "common_street_name_alone",
                r"(?<=\b(?i:on|off|down|along|near|past)\s+)(?:Main|Broadway|Front|Market|Elm|Oak|"
                r"Pine|Maple|Cedar|Walnut|Chestnut|Railroad|Commercial)\b(?![ \t]+\p{Lu})",
                0.4,
            ),
            (
                "intersection_with_numbered_street",
                r"(?<=\b(?i:on|off|at|near|of)\s+)(?:\d{1,3}(?:st|nd|rd|th)\s+(?:and|&)\s+"
                r"\p{Lu}\p{Ll}+|\p{Lu}\p{Ll}+\s+(?:and|&)\s+\d{1,3}(?:st|nd|rd|th))\b",
                0.45,
            ),
        ],
        "DOB": [
            (
                "date_after_birth_word",
                r"(?<=\b(?i:dob|d\.o\.b|date of birth|birth\s?date|birthday|bday|b-day|born)"
                rf"\b[^.!?\n\d]{{0,40}}){_DATE}",
                0.85,
            ),
        ],
        "STUDENT_ID": [
            (
                "number_after_id_word",
                r"(?<=\b(?:(?i:student\s*(?:id|number|no\.?|#)?|state\s*id|ssid|id\s*(?:number|no\.?)"
                r"|lunch\s*(?:number|pin|code|#)|skyward(?:\s*(?:id|number|#))?"
                r"|powerschool(?:\s*(?:id|number|#))?)|ID)"
                r"(?:\s*(?i:is|was|number|no\.?))?\s*[:#=,]?\s*#?\s*)[A-Z]{0,2}\d{4,10}\b",
                0.85,
            ),
            ("hash_number", r"(?<![\w#])#\s?\d{5,10}\b", 0.5),
            ("bare_6_to_10_digits", r"(?<![\d$€£.,/:#-])\b\d{6,10}\b(?![.,/:-]?\d)", 0.3),
        ],
        "NATIONAL_ID": [
            # US social security / ITIN shape, however it is written
            ("ssn_dashed", r"(?<![\d-])\b\d{3}-\d{2}-\d{4}\b(?!-?\d)", 0.8),
            ("sin_3_3_3", r"(?<![\d.-])\b\d{3}[ -]\d{3}[ -]\d{3}\b(?![ .-]?\d)", 0.5),
            ("ssn_spaced", r"(?<![\d.-])\b\d{3}[ .]\d{2}[ .]\d{4}\b(?![ .-]?\d)", 0.6),
            # a number after a national-ID word: SSN, SIN, ITIN, CURP, passport, A-number…
            (
                "number_after_national_id_word",
                rf"(?<=\b{_NATIONAL_ID_WORDS}(?:['’]s)?(?:\s*(?i:card|number|num|no\.?|id|#))?"
                r"(?:\s*(?i:is|was|of|ends in|ending in|ends with))?\s*[:#=,]?\s*)"
                r"(?=[A-Za-z0-9 -]{0,8}\d{2})[A-Za-z]{0,4}-?(?:\d|[A-Za-z](?=[\dA-Za-z]*\d))"
                r"(?:[A-Za-z0-9-]|\s(?=\d{2,}))*[A-Za-z0-9]",
                0.9,
            ),
            (
                "last_four_of_social",
                r"(?<=\b(?i:last (?:four|4)(?: digits)?(?: of)?(?: (?:her|his|my|the|their|mom['’]s"
                r"|dad['’]s))?(?: (?:social|ssn|social security)(?: number)?)?)"
                r"(?:\s*(?i:is|was|are|were))?\s*[:#=,]?\s*)\d{4}\b",
                0.85,
            ),
            # Mexican CURP (18) and RFC (12-13), UK National Insurance number, US A-number
            ("curp", r"\b[A-Z]{4}\d{6}[HMX][A-Z]{5}[A-Z0-9]\d\b", 0.9),
            ("rfc", r"\b[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}\b", 0.6),
            ("uk_nino", r"\b[A-CEGHJ-PR-TW-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", 0.6),
            ("a_number", r"\bA[-#]?\s?\d{3}[- ]?\d{3}[- ]?\d{2,3}\b", 0.6),
        ],
        "NAME": [
            ("after_title", rf"(?<=\b(?:{_TITLES})\.?\s+){_NAME_TOKEN}", 0.9),
            ("after_family_word", rf"(?<=\b(?i:{_KIN})(?:['’]s)?,?\s+){_NAME_TOKEN}", 0.85),
            (
                "after_naming_word",
                r"(?<=\b(?i:named|called|goes by|go by|name is|name's|name’s|nicknamed|aka)\s+)"
                rf"{_NAME_TOKEN}",
                0.85,
            ),
            (
                "the_x_family",
                rf"(?<=\b(?i:the)\s+){_NAME_TOKEN}(?=\s+(?i:family|household|kids|children|"
                r"twins|boys|girls|house)\b)",
                0.85,
            ),
        ],
    }


class _Rules:
    """The compiled pattern rules and the phone matcher, built once per process."""

    def __init__(self) -> None:
        import phonenumbers

        self.phonenumbers = phonenumbers
        flags = regex.DOTALL | regex.MULTILINE | regex.VERSION0
        self.rules: list[tuple[PiiKind, regex.Pattern[str], float]] = [
            (kind, regex.compile(rx, flags), score)
            for kind, rules in _patterns().items()
            for _name, rx, score in rules
        ]
        self.lexicon = _lexicon()

    def spans(self, text: str) -> list[PiiSpan]:
        """Every rule's matches, overlapping; :func:`_resolve` settles them."""
        out: list[PiiSpan] = []
        for kind, rx, score in self.rules:
            for m in rx.finditer(text):
                if m.end() > m.start():
                    out.append(
                        PiiSpan(
                            kind=kind, start=m.start(), end=m.end(), text=m.group(), score=score
                        )
                    )
        # libphonenumber: international and national formats its patterns know
        # (leniency POSSIBLE: a number is a number even in an unassigned area code)
        pn = self.phonenumbers
        for region in ("US", "MX"):
            for match in pn.PhoneNumberMatcher(text, region, leniency=pn.Leniency.POSSIBLE):
                digits = sum(c.isdigit() for c in match.raw_string)
                if digits >= 10 or (digits >= 7 and not match.raw_string.isdigit()):
                    out.append(
                        PiiSpan(
                            kind="PHONE",
                            start=match.start,
                            end=match.end,
                            text=match.raw_string,
                            score=0.4,
                        )
                    )
        return out


@cache
def _rules() -> _Rules:
    """The scrubber's rules (built on first use, once per process)."""
    return _Rules()
