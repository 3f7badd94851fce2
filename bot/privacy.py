"""Scrub personal details from text about real interviews.

DESIGN.md ("Data and privacy") and issue 5: notes and reflections from real
interviews are scrubbed before they go into a team post, reach a model, or a
log. :func:`scrub` replaces seven kinds of personal detail with placeholders:

===============  =================  ================================================
kind             placeholder        found by
===============  =================  ================================================
``PHONE``        ``[PHONE]``        patterns for every North American shape whatever
                                    the area code (555 included), "+country" numbers,
                                    7-digit local numbers, and Google's libphonenumber
                                    (``phonenumbers``) matcher at leniency POSSIBLE
``EMAIL``        ``[EMAIL]``        a pattern (also "name at mail dot com")
``ADDRESS``      ``[ADDRESS]``      house number + street + suffix (+ unit, city,
                                    state, ZIP), numbered roads, PO boxes, rural
                                    routes, named parks, "Apt 4B", "on Main"…
``DOB``          ``[DOB]``          a date after "DOB", "born", "birthday"…
``STUDENT_ID``   ``[STUDENT_ID]``   digits after "student ID", "SSID", "lunch number"…;
                                    "#" + 5–10 digits; any bare run of 6–10 digits
``NATIONAL_ID``  ``[NATIONAL_ID]``  SSN / ITIN shapes (123-45-6789, 123 45 6789),
                                    Canadian SIN shape, CURP, RFC, UK NINO, A-numbers,
                                    and any number after "SSN", "social", "passport",
                                    "A-number", "Apple Health", "driver's license"…
``NAME``         ``[NAME]``         see below
===============  =================  ================================================

Every rule is a pattern (the ``regex`` module) or a word list: nothing is
downloaded and nothing needs the network. The rules are built once per process
on first use (about a second, mostly Faker's name data); presidio is not
imported, because its import pulls in spaCy (several seconds).

**Names — the limit.** Recognising arbitrary person names needs a statistical
NER model, and none can be installed here from a trustworthy source. Names
are found by:

1. ``known_names`` — names typed into the app's own fields, matched
   case-insensitively anywhere, whole and by part;
2. title and context patterns, in any case: "Ms. Carter", "ms. okafor",
   "MRS. NGUYEN", "her son mateo", "named Luis", "the Nguyen family";
3. a name list from Faker's person data for English, Spanish, Portuguese,
   French, Indian, Vietnamese and West / East African locales (about 16,000
   names): capitalised words ("Priya"), words in capitals ("MARIA LOPEZ") and
   first names in lower case ("maria"), minus ordinary words. Capitalised, a
   name is skipped when it is in :data:`NOT_NAMES` ("Will", "Hope", "May",
   "Grant"); in capitals or lower case, when it is an ordinary English or
   Spanish word (Faker's lorem word lists plus :data:`COMMON_WORDS_ALSO_NAMES`:
   "will", "rose", "luz", "dolores"); a name that is also a place
   (:data:`PLACES_ALSO_NAMES`: "Guadalupe") is kept after "in / from / back
   to…", and any name before "County", "Street", "Elementary"… is kept;
4. propagation: a word found as a name once is scrubbed everywhere in the text.

So a name in none of these — an unusual name written without a title or a
family word, initials, "Hope" or "Destiny" used as a name on its own — passes
through. ``bench/scrub_quality.py`` prints recall per kind (names split into
known and never seen) and the share of other words removed on
``tests/data/pii_cases.jsonl`` or any file of that shape. Treat scrubbing as a
strong filter, not a guarantee: real interviews are logged by pseudonym, and
the modal asks people not to type names.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import cache
from typing import Literal

import regex
from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "NOT_NAMES",
    "PII_KINDS",
    "PLACEHOLDERS",
    "PiiKind",
    "PiiSpan",
    "Scrubbed",
    "detect",
    "scrub",
]

PiiKind = Literal["PHONE", "EMAIL", "ADDRESS", "DOB", "STUDENT_ID", "NATIONAL_ID", "NAME"]
"""The six kinds of personal detail of issue 5, and national IDs (issue 10)."""

PII_KINDS: tuple[PiiKind, ...] = (
    "PHONE",
    "EMAIL",
    "ADDRESS",
    "DOB",
    "STUDENT_ID",
    "NATIONAL_ID",
    "NAME",
)
"""All kinds, in the order :attr:`Scrubbed.counts` lists them."""

PLACEHOLDERS: dict[PiiKind, str] = {k: f"[{k}]" for k in PII_KINDS}
"""What each kind is replaced with: ``[PHONE]``, ``[EMAIL]``, …"""


class PiiSpan(BaseModel):
    """One personal detail found in a text.

    Attributes:
        kind: which kind (:data:`PiiKind`).
        start: start offset in characters of the original text.
        end: end offset (exclusive).
        text: the detail itself, ``original[start:end]``. This is the personal
            detail: never log it.
        score: the rule's confidence in ``[0, 1]``; used to settle overlaps.
    """

    model_config = ConfigDict(frozen=True)

    kind: PiiKind
    start: int
    end: int
    text: str
    score: float


class Scrubbed(BaseModel):
    """A scrubbed text and what was taken out of it.

    Holds no personal detail: safe to log, store and send to a model.

    Attributes:
        text: the text with each personal detail replaced by its placeholder
            (:data:`PLACEHOLDERS`); everything else is unchanged.
        counts: kind -> number of details replaced; every kind of
            :data:`PII_KINDS` is present, 0 when none was found. Adjacent
            details of one kind ("Maria Lopez") count once.
    """

    text: str
    counts: dict[PiiKind, int] = Field(default_factory=lambda: dict.fromkeys(PII_KINDS, 0))

    @property
    def total(self) -> int:
        """Number of details replaced, all kinds together."""
        return sum(self.counts.values())


# --- word lists -----------------------------------------------------------------------------

NOT_NAMES: frozenset[str] = frozenset(
    """
    Will May Can June April August January March Spring Summer Winter Autumn Fall Easter Christmas
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday Noel Holiday
    Add Ah Art Math Reading Science Music Gym Lunch Recess Class School Bus Job Judge Lawyer
    Doctor Doc Friend Sister Son Baby Boy Girl General Colonel Major Minor Marshal Champ Chance
    Charity Patience Reason Harmony Essence Echo Guy Rich Young Little Long Worth North West
    South East Press Page Park Price Rice Rock Stone Link Lone Tiny Skip Sing Tea Tab Cash Cap
    Carry Candy Kitty Fairy Handy Early Ever Else Less Hence Unknown Unnamed Unique True Red
    Pink Orange Green Gray Grey Silver Golden Blue Brown White Black Royal Media Meta Metro
    Alpha Delta Lemma Theta Zeta Colon Era Ether Versa Faith Grace Hope Joy Ivy Holly Sunny
    Dusty Sandy Destiny Heaven Precious King Queen Prince Princess Sincere Story River Storm
    Honey Ginger Pepper Sugar Angel Dawn Amber Crystal Diamond Pearl Ruby Jewel Ivory Violet
    Daisy Iris Poppy Hazel Willow Fern Heather Olive Rose Lily Jade Sage Love Lucky Justice
    Miracle Mercy Memory Marvel Bliss Birdie Buddy Bud Sonny Doll Bean Christian Hunter Chase
    Mason Walker Junior Ball Banks Barber Bass Beard Beer Bell Berry Best Bird Bishop Block Bond
    Booth Branch Bright Buck Bush Butler Cannon Carpenter Case Chambers Cherry Church Clay Cook
    Cross Day Dean Duke English French German Fields Fisher Flowers Ford Fox Frank Frost Gamble
    Gates Gay Glass Good Grant Graves Gross Hall Hand Hardy Hart Hill Hills Holder Hood Horn
    House Hunt Key Kidd Lamb Lane Mann Marks Marsh Meadows Miles Mills Moon Moss Noble Pace
    Peck Pope Porter Potter Powers Pratt Rivers Rush Savage Sharp Short Small Snow Sparks
    Spears Stark Strong Summers Swift Tanner Toy Wall Walls Ward Ware Waters Watts Weeks Wells
    Wise Wolf Wood Woods Mom Dad Mama Nana Papa Tia Sis Bunny Cookie Coco Teacher Principal
    Counselor Nurse Office Coach Aunt Uncle Grandma Grandpa Mother Father
    Washington Oregon Idaho Alaska Georgia Virginia Carolina Dakota Montana Nevada Indiana
    Florida Alabama Arizona Tennessee Texas Lincoln China India Asia Kenya Israel Jordan Paris
    London Berlin Rome Boston Dallas Denver Phoenix Houston Sydney Savannah Sierra Valencia
    Olympia Everett Kent Bristol Camden Chester Clinton Atlas Alto Ceylon Stanford Stan
    Spanish Mexican Latino Latina Native Russian Ukrainian Somali Vietnamese Filipino Asian
    The This That These Those Then There They Their She He Her His Him We Our You Your It Its
    And But Or So If When While After Before Because Since Until Also Just Only Even Still
    Yes No Not Maybe Please Thanks Thank Hi Hello Dear Sorry Okay Ok Well Oh Um Uh
    What Who Why How Where Which Whose
    In On At To From With Without About Around For Of By Into Over Under Between During
    Date Bare Bridge Cares Cases Cousin Cousins Fair Freely Fresh Guard Lady Pages Parks Ring
    Smart Stack Orchard Pike Author Boss Harm Con Nada Una Esta Hoy Toma Trae Gusta Deja Anda
    Malo Carro Mate Matas Bas Bor Mand Manda Tal Del Ella Les Dot Fed Sim Trace Roll Ora Sal
    Amigo Cuesta Llamas Huerta Parada Bonita Buena Chiquita Desean Mira Nena Senora Lyric
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Capitalised words never taken as a name by the name *list* alone: names
that are also common English words, months, weekdays, places, school words
and function words. A context rule ("Grandma Rose", "her daughter Grace") or
``known_names`` still finds them."""

_FUNCTION_WORDS: frozenset[str] = frozenset(
    """
    The This That These Those Then There They Their She He Her His Him We Our You Your It Its
    And But Or So If When While After Before Because Since Until Also Just Only Even Still
    Yes No Not Maybe Please Thanks Thank Hi Hello Dear Sorry Okay Ok Well Oh Um Uh I A An
    What Who Why How Where Which Whose Is Was Are Were Has Had Have Does Did Do Said Says
    In On At To From With Without About Around For Of By Into Over Under Between During
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
    June July August September October November December Mom Dad Mama Papa Grandma Grandpa
    Spanish English Mexican Latino Latina Native Russian Ukrainian Somali Vietnamese Filipino
    School Bus Class Math Reading
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Words that a context rule ("her son …", "called …") must not take as a name."""

_INSTITUTION_WORDS = (
    "Elementary|Middle|High|School|Schools|Academy|College|University|County|State|District|"
    "City|Street|St|Avenue|Ave|Road|Rd|Drive|Dr|Lane|Ln|Way|Boulevard|Blvd|Court|Ct|Highway|"
    "Hwy|Park|Center|Centre|Clinic|Hospital|Library|Church|Valley|River|Lake|Creek|Mountain|"
    "Apartments|Apts|Estates|Village|Memorial|Foundation|Department|Dept|Services|Transit|"
    "Medical|Health|Market|Store|Shop|Foods|Farms|Orchards"
)
"""A capitalised word followed by one of these is a place or an institution
("Lincoln Elementary", "Grant County"), not a person, for the name list."""

_TITLES = (
    "Mr|Mrs|Ms|Mx|Miss|Mister|Dr|Coach|Principal|Pastor|Father|Officer|Deputy|Nurse|Professor|"
    "Prof|Sra|Sr|Señora|Señor|Senora|Senor|Doña|Dona|Don|Grandma|Grandpa|Granny|Gramma|Grammy|"
    "Nana|Abuela|Abuelo|Abuelita|Aunt|Auntie|Aunty|Tia|Tía|Tio|Tío|Uncle|Cousin"
)
"""Titles and family titles written before a name ("Ms. Carter", "Grandma Rose")."""

_NEVER_NAMES: frozenset[str] = _FUNCTION_WORDS | frozenset(_TITLES.split("|"))
"""Words no rule takes as a name: function words and the titles themselves."""

_KIN = (
    "grandma|grandpa|granny|gramma|grammy|grandmother|grandfather|nana|abuela|abuelo|abuelita|"
    "aunt|auntie|aunty|tia|tía|tio|tío|uncle|cousin|mom|mommy|mama|mother|dad|daddy|papa|"
    "father|stepmom|stepdad|step-mom|step-dad|stepmother|stepfather|brother|sister|sibling|"
    "son|daughter|boy|girl|kid|child|baby|toddler|oldest|youngest|twin|niece|nephew|grandson|"
    "granddaughter|grandkid|grandchild|husband|wife|partner|boyfriend|girlfriend|fiancé|fiance|"
    "neighbor|neighbor|friend|caseworker|case worker|social worker|landlord|roommate|sitter|"
    "babysitter|teacher|counselor|therapist|doctor|aide|para|bus driver|driver"
)
"""Family and role words written before a name ("her son Jayden", "mom Ana")."""

_NAME_TOKEN = r"(?:O['’]|Mc|Mac|D['’]|De|Di|La|Le)?\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?"
"""One capitalised name word: "Maya", "McKenzie", "O'Neil", "DeShawn", "Ana-Lucía"."""

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


_NAME_LOCALES: tuple[str, ...] = (
    "en", "en_US", "en_GB", "en_IE", "en_IN", "en_NG", "en_KE", "en_PK", "en_NZ",
    "es_MX", "es_ES", "es_CO", "es_AR", "es_CL", "pt_BR", "fr_FR", "vi_VN", "yo_NG", "ig_NG",
    "ha_NG", "tw_GH", "sw",
)  # fmt: skip
"""Faker locales whose person data (Latin script) feeds the name list: the families of a
US school district have English, Spanish, Portuguese, French, South Asian, Vietnamese and
West and East African names."""

COMMON_WORDS_ALSO_NAMES: frozenset[str] = frozenset(
    """
    will may can mark long add son said con delta red ella page little max general una unique
    worth true sister tab baby les hope ever job carry link rich nada al doctor van skip echo
    early less gusta author te sid love price tal summer press lone manda era friend salud ed
    rush amos boss spring tiny esta dot buena bell miles del rosa cap winter fed ember judge
    ally art alpha media math toma deja sunday bo harsh don zeta hoy nina lane bill trae green
    trace campo bird esperanza avis sad tia kit lea autumn river mira desean buddy orange edu
    stormy guy leo bonita dev nan roll patience ora marine dan harm pat sim star senora sol
    dolores hung chiquita nana ah grace faith joy ivy holly sunny dusty sandy destiny heaven
    precious king queen prince princess honey ginger pepper sugar angel dawn amber crystal
    diamond pearl ruby jewel ivory violet daisy iris poppy hazel willow fern heather olive
    lily jade sage lucky justice miracle mercy memory bliss birdie bud sonny doll bean
    christian hunter chase mason walker junior grant frank jack rob sue ray gene carol penny
    sterling august april june march drew chance dean cliff clay dale heath lance norm pierce
    reed rod rusty wade win woody sky rain brook ocean forest journey legend haven harmony
    melody cherry kitty candy misty goldie lark robin wren jay raven drake fox colt buck hart
    hawk falcon duke earl baron major marshal gay mac nick doc bishop deacon pastor cash ace
    lyric rebel saint sincere royal kingdom story storm bear wolf lion tiger bunny coco cookie
    bob sky summer ace best case cook hall wood young white black brown gray grey rice ward
    banks lee ma pa mo jo di de la le el lo las los mi tu su se ya yo sin mas por para como
    luz paz cruz mar flor dolores mercedes pilar rocio consuelo amparo socorro soledad caridad
    fe gracia victoria milagros luna cielo paloma perla estrella azul blanca reina nieves
    concepcion trinidad santos domingo modesto prudencia clemente feliz felicidad alegria linda
    hermosa preciosa dulce nena nene chula chico chica mija mijo tio abuela abuelo leon lobo
    campos vega rubio moreno blanco negro rojo delgado bueno franco justo leal amado bella
    bello casa ramos flores rios mesa sierra costa calle plaza torres fuentes nieto angeles
    asuncion rosario cristo santa santo virgen gloria maya? rey reyes sal lima
    asia dakota india jordan paris london georgia virginia carolina sydney
    """.replace("?", "").split()
)
"""Lower-case words that are also first names or surnames in some locale's name list:
ordinary English and Spanish words ("will", "hope", "grant", "rose", "luz", "dolores",
"linda"). A word here is never taken as a name when written in lower case or in capitals;
the capitalised form follows :data:`NOT_NAMES`."""

PLACES_ALSO_NAMES: frozenset[str] = frozenset(
    """
    Guadalupe Florence Victoria Austin Charlotte Jackson Chelsea Eugene Orlando Madison Salem
    Mesa Sierra Modesto Santiago Lorena Regina Alexandria Marion Vernon Camas Selah Othello
    Quincy Chelan Sumner Kelso Tracy Aurora Pomona Celaya Morelia Monterrey Jalisco Lagos
    Lima Manila Cali Medina Salinas Mendoza Córdoba Cordoba Sinaloa Toledo Granada Florencia
    Colima Veracruz Zacatecas Durango Sonora Oaxaca Puebla Michoacán Michoacan Tijuana
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Names that are also towns or regions families come from ("Guadalupe", "Victoria",
"Santiago"). After "in / from / near / back to / moved to…", or before "County",
"Street"…, they are a place and kept; elsewhere the name list treats them as a name."""

_ACRONYMS: frozenset[str] = frozenset(
    """
    IEP ELL ESL SPED OT PT MTSS PBIS GED FAFSA WIC SNAP TANF DSHS ICE DHS SSI SSA CPS PTA
    ASAP FYI ADA ESD OSPI USA ER ICU ADHD ASD OCD PTSD ID PO BOX APT AM PM OK NO DOB SSN
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Capital-letter abbreviations that are never a name, even if a list holds them."""


_LOREM_NAMES: frozenset[str] = frozenset(
    """
    antonio carlos felipe fernando francisco jorge josé juan luis manuel marco martín maría
    miguel pablo pedro rafael máximo sean garcía gonzález lópez rodríguez martín
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Person names in Faker's Spanish lorem text: not ordinary words for the name list."""


class _Lexicon:
    """The name list, built once per process from Faker's locale person data.

    Attributes:
        title: capitalised names ("Priya", "Nguyen") taken as a name wherever
            they appear capitalised, unless :data:`NOT_NAMES` or a following
            institution word ("Grant County") says otherwise.
        first_lower: first names in lower case that are not ordinary words;
            taken as a name in lower case ("maria") or capitals ("MARIA").
        any_lower: first names and surnames in lower case that are not
            ordinary words; taken as a name in capitals ("LOPEZ"), and in
            lower case right after a title, a family word or another name.
    """

    def __init__(self) -> None:
        import importlib

        latin = regex.compile(r"^[\p{Latin}][\p{Latin}'’-]+$")
        from faker.providers.lorem.en_US import Provider as LoremEn
        from faker.providers.lorem.es_ES import Provider as LoremEs

        common = {w.lower() for w in (*LoremEn.word_list, *LoremEs.word_list)} - _LOREM_NAMES
        common |= COMMON_WORDS_ALSO_NAMES
        common |= {w.lower() for w in NOT_NAMES | _FUNCTION_WORDS}
        common |= {_fold(w) for w in common}
        self.common: frozenset[str] = frozenset(common)
        title: set[str] = set()
        first: set[str] = set()
        last: set[str] = set()
        for loc in _NAME_LOCALES:
            provider = importlib.import_module(f"faker.providers.person.{loc}").Provider
            for attr, into in (
                ("first_names", first),
                ("first_names_male", first),
                ("first_names_female", first),
                ("first_names_nonbinary", first),
                ("last_names", last),
            ):
                value = provider.__dict__.get(attr)
                if not isinstance(value, (list, tuple, dict, set, frozenset)):
                    continue
                for full in value:
                    for word in str(full).split():
                        if len(word) >= 3 and latin.match(word):
                            into.add(word)
                            if loc in ("en", "en_US") or word.lower() not in self.common:
                                title.add(word)
        self.title: frozenset[str] = frozenset(
            w for w in title | {_fold(w) for w in title} if w not in NOT_NAMES
        )
        self.first_lower: frozenset[str] = frozenset(
            f for w in first for f in {w.lower(), _fold(w.lower())} if f not in self.common
        )
        self.any_lower: frozenset[str] = self.first_lower | frozenset(
            f for w in last for f in {w.lower(), _fold(w.lower())} if f not in self.common
        )

    def kind_of(self, word: str) -> str | None:
        """ "title", "caps" or "lower" if ``word`` is a name written that way, else None."""
        if word in _NEVER_NAMES or word in NOT_NAMES:
            return None
        low = word.lower()
        if word[0].isupper() and not word.isupper():
            return "title" if word in self.title else None
        if word.isupper() and len(word) >= 3 and word not in _ACRONYMS:
            return "caps" if low in self.any_lower else None
        if word.islower():
            return "lower" if low in self.first_lower else None
        return None

    def is_name_word(self, word: str) -> bool:
        """Any-case test for a word next to a found name or a title ("ms. carter")."""
        if word in _NEVER_NAMES or word in NOT_NAMES or word in _ACRONYMS:
            return False
        if word[0].isupper() and not word.isupper():
            return word in self.title
        return word.lower() in self.any_lower


def _fold(word: str) -> str:
    """``word`` without accents ("Sofía" -> "Sofia")."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def _lexicon() -> _Lexicon:
    """The process's name list (built once; about a third of a second)."""
    return _Lexicon()


_WORD_RE = regex.compile(r"(?<![\p{L}\p{N}_'’-])(?:[OD]['’])?\p{L}+(?:-\p{L}+)?")
"""One word of any case: "maria", "MARIA", "O'Neil", "Ana-Lucía"."""
_FOLLOWED_BY_INSTITUTION = regex.compile(
    rf"\s+(?:{_INSTITUTION_WORDS}|(?i:{_INSTITUTION_WORDS}))\b"
)
_NAME_TOKEN_AT = regex.compile(r"[ \t]+((?:[OD]['’])?\p{L}+(?:-\p{L}+)?)(?![\p{L}\p{N}_])")
_PLACE_BEFORE = regex.compile(
    r"(?i:\b(?:in|from|near|outside(?:\s+of)?|around|back\s+to|moved\s+to|move\s+to|went\s+to|"
    r"go\s+to|going\s+to|trip\s+to|drive\s+to|drove\s+to|visit(?:ing|ed)?|lady\s+of|virgin\s+of|"
    r"virgen\s+de|de|en)\s+)$"
)
_STRICT_TITLE_BEFORE = regex.compile(
    r"(?i:\b(?:mr|mrs|ms|mx|miss|mister|dr|sra|sr|señora|señor|senora|senor|doña|dona|prof)\.?\s+)$"
)
_CONTEXT_BEFORE = regex.compile(
    rf"(?i:\b(?:{_TITLES})\.?\s+|\b(?:{_KIN})(?:['’]s)?,?\s+"
    r"|\b(?:named|called|goes by|go by|name is|name's|name’s|nicknamed|aka)\s+)$"
)


def _is_place(text: str, start: int, end: int) -> bool:
    """A word that names a place here: "Grant County", "from Guadalupe", "Lincoln Elementary"."""
    if _FOLLOWED_BY_INSTITUTION.match(text, end):
        return True
    word = text[start:end]
    return word.title() in PLACES_ALSO_NAMES and bool(
        _PLACE_BEFORE.search(text, max(0, start - 24), start)
    )


def _list_name_spans(text: str) -> list[PiiSpan]:
    """Words in the name list, in any case, plus lower-case and capital-letter names after a
    title or a family word ("ms. okafor", "her son mateo", "MS. CARTER")."""
    lex = _lexicon()
    out: list[PiiSpan] = []
    for m in _WORD_RE.finditer(text):
        word = m.group()
        if len(word) < 2:
            continue
        score = 0.0
        how = lex.kind_of(word)
        if how == "title":
            score = 0.6
        elif how is not None:
            score = 0.55
        elif not (word[0].isupper() and not word.isupper()):
            # lower case or capitals: a title or a family word just before it
            before = max(0, m.start() - 40)
            ordinary = word.lower() in lex.common or word in _ACRONYMS
            if not ordinary and (
                _STRICT_TITLE_BEFORE.search(text, before, m.start())
                or (lex.is_name_word(word) and _CONTEXT_BEFORE.search(text, before, m.start()))
            ):
                score = 0.8
        if score and not _is_place(text, m.start(), m.end()):
            out.append(PiiSpan(kind="NAME", start=m.start(), end=m.end(), text=word, score=score))
    return out


_lock = threading.Lock()


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


def _known_name_spans(text: str, known_names: Iterable[str]) -> list[PiiSpan]:
    """Occurrences of the app-typed names: whole names, and each part of two letters or more.

    Names of several words, and single words that are not common words, match
    in any case; a single word that is also a common word ("Will", "Rose")
    matches only as typed with a capital.
    """
    out: list[PiiSpan] = []
    seen: set[tuple[str, bool]] = set()
    titles = {t.lower() for t in _TITLES.split("|")}
    for name in known_names:
        name = " ".join(name.split())
        if len(name) < 2:
            continue
        parts = re.split(r"[\s,]+", name)
        wanted = [(name, len(parts) > 1 or name.capitalize() not in NOT_NAMES)]
        if len(parts) > 1:
            for part in parts:
                part = part.strip(".")
                if len(part) >= 2 and part.lower() not in titles:
                    wanted.append((part, part.capitalize() not in NOT_NAMES))
        for word, any_case in wanted:
            if (word.lower(), any_case) in seen:
                continue
            seen.add((word.lower(), any_case))
            rx = re.compile(
                rf"(?<![\w]){re.escape(word)}(?![\w])", re.IGNORECASE if any_case else 0
            )
            out += [
                PiiSpan(kind="NAME", start=m.start(), end=m.end(), text=m.group(), score=1.0)
                for m in rx.finditer(text)
            ]
    return out


def _extend_names(text: str, spans: list[PiiSpan]) -> list[PiiSpan]:
    """Add a surname right after a found name ("Ms. Carter Lee", "maria lopez", "ANA RUIZ")."""
    lex = _lexicon()
    out = list(spans)
    for s in spans:
        if s.kind != "NAME":
            continue
        end = s.end
        for _ in range(2):
            m = _NAME_TOKEN_AT.match(text, end)
            if not m:
                break
            word = m.group(1)
            if word in NOT_NAMES or word in _NEVER_NAMES or _is_place(text, m.start(1), m.end(1)):
                break
            if regex.fullmatch(_INSTITUTION_WORDS, word, flags=regex.IGNORECASE):
                break
            titled = word[0].isupper() and not word.isupper()
            if not titled and not lex.is_name_word(word):
                break
            end = m.end(1)
        if end > s.end:
            out.append(
                PiiSpan(
                    kind="NAME", start=s.start, end=end, text=text[s.start : end], score=s.score
                )
            )
    return out


def _propagate_names(text: str, spans: list[PiiSpan]) -> list[PiiSpan]:
    """A word found as a name once is a name wherever it appears in the text.

    In any case, unless the word is also an ordinary word ("Rose" found in
    "Grandma Rose"): then only where it is capitalised.
    """
    lex = _lexicon()
    words = {w for s in spans if s.kind == "NAME" for w in _WORD_RE.findall(s.text)}
    words = {w for w in words if w not in _NEVER_NAMES and w not in _ACRONYMS and len(w) >= 2}
    out = list(spans)
    seen: set[str] = set()
    for word in words:
        any_case = word.lower() not in lex.common
        key = word.lower() if any_case else word
        if key in seen:
            continue
        seen.add(key)
        if any_case:
            rx = regex.compile(rf"(?<![\w]){regex.escape(word)}(?![\w])", regex.IGNORECASE)
        else:
            rx = regex.compile(
                rf"(?<![\w])(?:{regex.escape(word)}|{regex.escape(word.upper())})(?![\w])"
            )
        for m in rx.finditer(text):
            if not _is_place(text, m.start(), m.end()):
                out.append(
                    PiiSpan(kind="NAME", start=m.start(), end=m.end(), text=m.group(), score=0.6)
                )
    return out


def _resolve(text: str, spans: list[PiiSpan]) -> list[PiiSpan]:
    """Make spans disjoint, then join same-kind neighbors split only by spaces.

    A span inside a longer one is dropped (the address "1420 Carter Ave" wins
    over the name "Carter"); of two spans with the same range the higher score
    wins; two spans that partly overlap become their union, of the kind with
    the higher score, so no fragment of either leaks.
    """
    ordered = sorted(spans, key=lambda s: (s.start, -(s.end - s.start), -s.score))
    kept: list[PiiSpan] = []
    for s in ordered:
        if s.end <= s.start:
            continue
        if kept and s.start < kept[-1].end:
            last = kept[-1]
            if s.end <= last.end:
                if (s.start, s.end) == (last.start, last.end) and s.score > last.score:
                    kept[-1] = s
                continue
            winner = last if last.score >= s.score else s
            kept[-1] = PiiSpan(
                kind=winner.kind,
                start=last.start,
                end=s.end,
                text=text[last.start : s.end],
                score=max(last.score, s.score),
            )
            continue
        kept.append(s)
    merged: list[PiiSpan] = []
    for s in kept:
        if merged and merged[-1].kind == s.kind and text[merged[-1].end : s.start].strip(" ") == "":
            last = merged[-1]
            merged[-1] = PiiSpan(
                kind=s.kind,
                start=last.start,
                end=s.end,
                text=text[last.start : s.end],
                score=max(last.score, s.score),
            )
        else:
            merged.append(s)
    return merged


def detect(text: str, *, known_names: Iterable[str] = ()) -> list[PiiSpan]:
    """Find the personal details in ``text``.

    Args:
        text: any text (a note, a reflection answer, a model prompt).
        known_names: names typed into the app's own fields (see the module
            docstring); each is matched whole and by part, in any case.

    Returns:
        Disjoint spans ordered by ``start``. They contain the personal details
        themselves: never log them.
    """
    if not text:
        return []
    with _lock:
        rules = _rules()
    spans = rules.spans(text)
    names = (
        [s for s in spans if s.kind != "NAME" or s.text not in _NEVER_NAMES]
        + _list_name_spans(text)
        + _known_name_spans(text, known_names)
    )
    names = _propagate_names(text, _extend_names(text, names))
    return _resolve(text, names)


def scrub(text: str, *, known_names: Iterable[str] = ()) -> Scrubbed:
    """Replace phone numbers, e-mails, addresses, dates of birth, student IDs and names.

    Works with no network and no model (see the module docstring for how each
    kind is found, and for the limit on names).

    Args:
        text: the text to clean.
        known_names: names typed into the app's own fields (student name,
            staff names, and the caregiver pseudonym if it should be replaced
            too); matched whole and by part, in any case.

    Returns:
        A :class:`Scrubbed` with the cleaned text and the count per kind.

    Example:
        >>> scrub("Call Ms. Carter at 509-555-0142.").text
        'Call Ms. [NAME] at [PHONE].'
    """
    counts: dict[PiiKind, int] = dict.fromkeys(PII_KINDS, 0)
    pieces: list[str] = []
    pos = 0
    for span in detect(text, known_names=known_names):
        pieces.append(text[pos : span.start])
        pieces.append(PLACEHOLDERS[span.kind])
        counts[span.kind] += 1
        pos = span.end
    pieces.append(text[pos:])
    return Scrubbed(text="".join(pieces), counts=counts)
