"""Scrub personal details from text about real interviews.

DESIGN.md ("Data and privacy") and issue 5: notes and reflections from real
interviews are scrubbed before they go into a team post, reach a model, or a
log. :func:`scrub` replaces six kinds of personal detail with placeholders:

==============  ================  ==================================================
kind            placeholder       found by
==============  ================  ==================================================
``PHONE``       ``[PHONE]``       Google's libphonenumber (``phonenumbers``, through
                                  presidio's ``PhoneRecognizer``) plus a 7-digit
                                  local-number pattern
``EMAIL``       ``[EMAIL]``       a pattern (also "name at mail dot com")
``ADDRESS``     ``[ADDRESS]``     patterns: house number + street + suffix (+ unit,
                                  city, state, ZIP), numbered highways and roads,
                                  PO boxes, rural routes, named apartment / mobile
                                  home parks, "Apt 4B" / "Lot 14", and a named street
                                  after "on / off / near …"
``DOB``         ``[DOB]``         a date after "DOB", "born", "birthday", "date of
                                  birth" (other dates are kept: they are content)
``STUDENT_ID``  ``[STUDENT_ID]``  4–10 digits after "student ID", "ID", "SSID",
                                  "student #", "lunch number"…; "#" + 5–10 digits;
                                  any bare run of 6–10 digits
``NAME``        ``[NAME]``        see below
==============  ================  ==================================================

Detection runs in Microsoft Presidio's analyzer (``presidio-analyzer``) with its
model-free :class:`~presidio_analyzer.nlp_engine.NoOpNlpEngine`: every
recognizer is a pattern or a word list, nothing is downloaded, and nothing
needs the network at run time. Presidio's e-mail recognizer is *not* used: it
validates domains with ``tldextract``, which tries to fetch the public suffix
list from the internet.

**Names — the limit.** Recognising arbitrary person names needs a statistical
NER model (presidio's default is spaCy ``en_core_web_lg``), and no such model
can be installed here from a trustworthy source. Names are therefore found by:

1. ``known_names`` — names typed into the app's own fields (the caregiver
   pseudonym or initials if you want those replaced too, the student's name,
   staff names), matched case-insensitively anywhere, whole and by part;
2. title and context patterns: "Ms. Carter", "Mr Diaz", "Grandma Rose",
   "her son Jayden", "my daughter, Maya", "named Luis", "the Nguyen family";
3. a first-name and surname list (about 7,700 US names from the ``Faker``
   package's English person data) for capitalised words, minus a hand-kept list
   of names that are also common words, places, months or school words
   (:data:`NOT_NAMES`: "Will", "May", "Grace", "Hope", "Lincoln", "Math" …);
4. propagation: a word found as a name once is scrubbed everywhere in the text.

So a name that is in none of these — an unusual name written without a title
or a family word, "Hope" or "Will" used as a name on its own, a name typed in
lower case — passes through. ``tests/test_privacy.py`` measures recall per
kind on ``tests/data/pii_cases.jsonl`` and prints it. Treat scrubbing as a
strong filter, not a guarantee: real interviews are logged by pseudonym, and
the modal asks people not to type names.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:  # pragma: no cover
    from presidio_analyzer import AnalyzerEngine, RecognizerResult

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

PiiKind = Literal["PHONE", "EMAIL", "ADDRESS", "DOB", "STUDENT_ID", "NAME"]
"""The six kinds of personal detail of issue 5."""

PII_KINDS: tuple[PiiKind, ...] = ("PHONE", "EMAIL", "ADDRESS", "DOB", "STUDENT_ID", "NAME")
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
    "neighbor|neighbour|friend|caseworker|case worker|social worker|landlord|roommate|sitter|"
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
            ("local_7_digit", r"(?<![\d(.-])\b\d{3}[-.]\d{4}\b(?![-.]?\d)", 0.35),
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


@cache
def _name_list() -> frozenset[str]:
    """First names and surnames from Faker's English person data, minus :data:`NOT_NAMES`."""
    # lazy: Faker's name data (0.24 s to import) loads on the first scrub, not with the services
    from faker.providers.person.en import Provider as En
    from faker.providers.person.en_US import Provider as EnUS

    names: set[str] = set()
    names.update(En.first_names, En.last_names, EnUS.last_names)
    names.update(EnUS.first_names_female, EnUS.first_names_male)
    return frozenset(n for n in names if len(n) >= 3 and n not in NOT_NAMES)


_TOKEN_RE = re.compile(
    r"(?<![\w'’-])(?:O['’]|Mc|Mac|D['’]|De|Di|La|Le)?[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
)
_FOLLOWED_BY_INSTITUTION = re.compile(rf"\s+(?:{_INSTITUTION_WORDS})\b")
_NAME_TOKEN_AT = re.compile(r"\s(?:O['’]|Mc|Mac|D['’]|De|Di|La|Le)?[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b")

_lock = threading.Lock()


@cache
def _engine() -> AnalyzerEngine:
    """Build presidio's analyzer once: no NLP model, only this module's recognizers.

    presidio logs at INFO on every call ("Fetching all recognizers…"); its
    logger is set to WARNING here so the app's logs stay readable. Its records
    never contain the analysed text.
    """
    logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)
    # lazy: presidio takes 2.4 s to import; it loads on the first scrub, not with the services
    from presidio_analyzer import (
        AnalyzerEngine,
        EntityRecognizer,
        LocalRecognizer,
        Pattern,
        PatternRecognizer,
        RecognizerRegistry,
        RecognizerResult,
    )
    from presidio_analyzer.nlp_engine import NoOpNlpEngine
    from presidio_analyzer.predefined_recognizers import PhoneRecognizer

    class NameListRecognizer(LocalRecognizer):  # type: ignore[misc]
        """Capitalised words in the name list, unless a place or institution follows."""

        def load(self) -> None:
            self.names = _name_list()

        def analyze(self, text, entities, nlp_artifacts=None):  # type: ignore[no-untyped-def]
            out = []
            for m in _TOKEN_RE.finditer(text):
                if m.group() in self.names and not _FOLLOWED_BY_INSTITUTION.match(text, m.end()):
                    out.append(RecognizerResult("NAME", m.start(), m.end(), 0.6))
            return EntityRecognizer.remove_duplicates(out)

    flags = re.DOTALL | re.MULTILINE  # the same bits in the ``regex`` module presidio uses
    recognizers: list[EntityRecognizer] = [
        PhoneRecognizer(supported_entity="PHONE", supported_regions=("US", "CA"), leniency=1),
        NameListRecognizer(supported_entities=["NAME"], name="name_list"),
    ]
    for kind, rules in _patterns().items():
        recognizers.append(
            PatternRecognizer(
                supported_entity=kind,
                name=f"{kind.lower()}_patterns",
                patterns=[Pattern(name, rx, score) for name, rx, score in rules],
                global_regex_flags=flags,
            )
        )
    registry = RecognizerRegistry(recognizers=recognizers, supported_languages=["en"])
    nlp = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
    nlp.load()
    return AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["en"])


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
    """Add a capitalised surname right after a found name ("Ms. Carter Lee")."""
    out = list(spans)
    for s in spans:
        if s.kind != "NAME":
            continue
        m = _NAME_TOKEN_AT.match(text, s.end)
        if not m:
            continue
        word = m.group().strip()
        if word in NOT_NAMES or word in _NEVER_NAMES:
            continue
        if _FOLLOWED_BY_INSTITUTION.match(" " + word) or re.fullmatch(_INSTITUTION_WORDS, word):
            continue
        out.append(
            PiiSpan(
                kind="NAME", start=s.start, end=m.end(), text=text[s.start : m.end()], score=s.score
            )
        )
    return out


def _propagate_names(text: str, spans: list[PiiSpan]) -> list[PiiSpan]:
    """A word found as a name once is a name wherever it appears capitalised in the text."""
    words = {w for s in spans if s.kind == "NAME" for w in re.findall(r"[A-Z][\w'’-]+", s.text)}
    words = {w for w in words if w not in _NEVER_NAMES and len(w) >= 2}
    out = list(spans)
    for word in words:
        for m in re.finditer(rf"(?<![\w]){re.escape(word)}(?![\w])", text):
            if not _FOLLOWED_BY_INSTITUTION.match(text, m.end()):
                out.append(
                    PiiSpan(kind="NAME", start=m.start(), end=m.end(), text=m.group(), score=0.6)
                )
    return out


def _resolve(text: str, spans: list[PiiSpan]) -> list[PiiSpan]:
    """Make spans disjoint, then join same-kind neighbours split only by spaces.

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
        engine = _engine()
    results: list[RecognizerResult] = engine.analyze(text=text, language="en")
    spans = [
        PiiSpan(
            kind=r.entity_type, start=r.start, end=r.end, text=text[r.start : r.end], score=r.score
        )
        for r in results
        if r.entity_type in PII_KINDS
    ]
    names = [
        s for s in spans if s.kind != "NAME" or s.text not in _NEVER_NAMES
    ] + _known_name_spans(text, known_names)
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
