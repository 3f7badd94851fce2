"""The pattern rules (phones, e-mails, addresses, dates of birth, IDs, names in context)."""

from __future__ import annotations

from functools import cache

import regex

from bot.privacy.addresses import ADDRESS_RULES
from bot.privacy.dates_ids import DOB_RULES, NATIONAL_ID_RULES, STUDENT_ID_RULES
from bot.privacy.model import PiiKind, PiiSpan
from bot.privacy.names import _lexicon
from bot.privacy.words import _KIN, _NAME_TOKEN, _TITLES

_DIGIT_WORD = (
    r"(?i:zero|oh|o|one|two|three|four|five|six|seven|eight|nine|"
    r"cero|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve)"
)
"""A digit written as a word ("oh" and "o" for zero), English or Spanish."""


_NOT_SECOND = (
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|"
    r"May|June|July|August|September|October|November|December|And|Or|But|The|Said|Says|Is|"
    r"Was|Called|Will|Can|Today|Tomorrow|Yesterday|Elementary|Middle|High|School|Academy|"
    r"Office|Room)"
)
"""Words that are not the second word of a name after a title ("Ms. Carter Monday")."""


def _patterns() -> dict[PiiKind, list[tuple[str, str, float]]]:
    """The pattern rules: kind -> [(rule name, regex, score)].

    Regexes use the ``regex`` module (as presidio does), case-sensitive unless
    a group says ``(?i:…)``. Context words are held in a look-behind, or matched
    with the detail in a group named ``v`` (faster for long cue lists): either way
    only the detail itself is replaced ("DOB [DOB]", "Ms. [NAME]").
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
            (
                # "four one four, five five five, oh one nine nine": ten (or seven) digits in
                # words, English or Spanish, in groups split by spaces, commas or dashes
                "spelled_out_digits",
                rf"(?<![\p{{L}}])(?:{_DIGIT_WORD}[\s,.-]+){{9}}{_DIGIT_WORD}(?![\p{{L}}])"
                rf"|(?<![\p{{L}}])(?:{_DIGIT_WORD}[\s,.-]+){{6}}{_DIGIT_WORD}"
                rf"(?![\p{{L}}]|[\s,.-]+{_DIGIT_WORD}(?![\p{{L}}]))",
                0.6,
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
        "ADDRESS": ADDRESS_RULES,
        "DOB": DOB_RULES,
        "STUDENT_ID": STUDENT_ID_RULES,
        "NATIONAL_ID": NATIONAL_ID_RULES,
        "NAME": [
            ("after_title", rf"(?<=\b(?:{_TITLES})\.?\s+){_NAME_TOKEN}", 0.9),
            (
                # "Mrs. June Halvorsen", "Sr. Will Ortiz": a title and two name words, the first
                # also a month or a word
                "two_words_after_title",
                rf"(?<=\b(?:{_TITLES})\.?\s+){_NAME_TOKEN}[ \t]+(?!{_NOT_SECOND}\b){_NAME_TOKEN}",
                0.9,
            ),
            (
                # "doña Chayo", "don Héctor", "la sra. Cruz", "srta Lupe": Spanish titles in
                # lower case
                "after_lower_case_spanish_title",
                r"(?<=(?<![\p{L}])(?:don|doña|dona|sra|srta|sr|señora|señor|señorita|profe|"
                rf"maestra|maestro)\.?\s+){_NAME_TOKEN}",
                0.85,
            ),
            (
                # "her son Jayden", "DCYF worker Jen", "aunt is Crystal", "bus driver (Earl)"
                "after_family_word",
                rf"(?<=\b(?i:{_KIN})(?:['’]s)?(?:,?\s+|\s*\(\s*|\s+(?i:is|was|es)\s+)){_NAME_TOKEN}",
                0.85,
            ),
            (
                # "Angel (mom's boyfriend)", "Pa Houa Vang (mom)", "Tou (gr 7)", "Ty (age 9)",
                # "Nou (4th grade)": a name and, in brackets, who the person is
                "before_who_in_brackets",
                rf"{_NAME_TOKEN}(?=\s*\((?:(?i:her|his|the|their|our)\s+)?"
                r"(?:(?i:mom|dad|mother|father|grandma|aunt|uncle)['’]s\s+)?"
                rf"(?i:{_KIN}|gma|gpa|guardian|stepdad|stepmom|student|sibling)\s*\)"
                r"|\s*\((?i:gr\.?|grade|age|edad|kinder|k|pre-?k)\s*\d{0,2}\s*[),]"
                r"|\s*\(\d{1,2}(?:st|nd|rd|th)?\s*(?i:gr\.?|grade|yo|y/o|años|yrs?)\s*[),])",
                0.8,
            ),
            (
                "after_naming_word",
                r"(?<=\b(?i:named|called|goes by|go by|name is|name's|name’s|nicknamed|aka|"
                r"se llama|llamad[oa])\s+['‘\"“]?)"
                rf"{_NAME_TOKEN}",
                0.85,
            ),
            (
                # "his name was DJ", "GRANDPA NAME GENE", "name: TJ": a name in capitals after
                # a naming word (issue 10, pii8)
                "capitals_after_naming_word",
                r"\b(?:(?i:named|goes\s+by|nicknamed|aka|se\s+llama)"
                r"|(?i:name)(?:\s+(?i:is|was|es))?\s*:?)\s+['‘\"“]?"
                r"(?!(?:IS|WAS|ES|THE|AND|ON|IN|OF|TO|AT|NOT|ID|DOB|NA|N/A|OK|UNKNOWN)\b)"
                r"(?P<v>\p{Lu}{2,12})(?![\p{L}\p{N}'’-])",
                0.8,
            ),
            (
                # "his name was Denny", "name was Rocio": "name was" before a name
                "after_name_was",
                rf"\b(?i:name\s+was|nombre\s+es)\s+['‘\"“]?(?P<v>{_NAME_TOKEN})",
                0.85,
            ),
            (
                # "Mrs. K", "Mr. B.": a surname written as its initial after a title
                "initial_after_title",
                r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Coach|Sra|Sr|Srta)\.?\s+(?!I\b)(?P<v>\p{Lu})"
                r"(?=\.?(?:[ \t]+(?:for|is|was|said|says|called|and|y)\b|[ \t]+="
                r"|[ \t]*[,;:!?)'’\"”]|\.?\s*$))",
                0.8,
            ),
            (
                "the_x_family",
                rf"(?<=\b(?i:the)\s+){_NAME_TOKEN}(?=\s+(?i:family|household|kids|children|"
                r"twins|boys|girls|house)\b)",
                0.85,
            ),
        ],
    }


_DATE_OR_YEARS = regex.compile(
    r"\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|(?:19|20)\d\d\s?[-–/]\s?(?:19|20)?\d\d"
    r"|\d{1,2}/\d{1,2}(?:/\d{2,4})?\s?[-–]\s?\d{1,2}/\d{1,2}(?:/\d{2,4})?"
)
"""What libphonenumber's loose matcher would take for a phone number but is a date
("10-14-2025", "2025-10-14"), a span of years ("2024-2025") or of days ("10/23-10/25")."""


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
            group = "v" if "v" in rx.groupindex else 0
            for m in rx.finditer(text):
                start, end = m.span(group)
                if end > start:
                    out.append(
                        PiiSpan(kind=kind, start=start, end=end, text=text[start:end], score=score)
                    )
        # libphonenumber: international and national formats its patterns know
        # (leniency POSSIBLE: a number is a number even in an unassigned area code)
        pn = self.phonenumbers
        for region in ("US", "MX"):
            for match in pn.PhoneNumberMatcher(text, region, leniency=pn.Leniency.POSSIBLE):
                digits = sum(c.isdigit() for c in match.raw_string)
                if _DATE_OR_YEARS.fullmatch(match.raw_string.strip()):
                    continue
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
