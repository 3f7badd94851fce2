"""Scrub personal details from text about real interviews.

DESIGN.md ("Data and privacy") and issues 5 and 10: notes and reflections from
real interviews are scrubbed before they are stored, go into a team post, reach
a model, or a log. :func:`scrub` replaces seven kinds of personal detail with
placeholders:

===============  =================  ================================================
kind             placeholder        found by (module)
===============  =================  ================================================
``PHONE``        ``[PHONE]``        patterns for every North American shape whatever
                                    the area code (555 included) with extensions
                                    ("x23", "ext. 4", "extension 210"), "+country"
                                    numbers, 7-digit local numbers, ten or seven
                                    digits in words ("four one four, five five
                                    five, oh one nine nine", "tres uno dos…"),
                                    and Google's
                                    libphonenumber matcher at leniency POSSIBLE
                                    (dates and "2024-2025" excluded) (``patterns``)
``EMAIL``        ``[EMAIL]``        a pattern (also "name at mail dot com")
``ADDRESS``      ``[ADDRESS]``      house number + street + suffix in any case
                                    (+ directional, unit, town, state, ZIP),
                                    numbered roads, PO boxes, rural routes, housing
                                    complexes, "apt 12" / "lot 14" near a housing
                                    word, corners, "at 88 Ridge", Spanish "Calle
                                    Roble 45", "Avenida Juárez #1200 int. 4",
                                    "Bldg 4 apt 12", "Motel 6 room 214", "Motel 8
                                    on Sprague, room 17", "cuarto 8"
                                    (``addresses``); after a housing word, what
                                    datamade's ``usaddress`` parser tags as an
                                    address ("home is 402 Elm", "addr is 602 N
                                    3rd W"); pieces written apart joined ("Apt 4C,
                                    1900 Grand Concourse", "Tráiler 14, 3300
                                    Camino del Río"), ", cuarto de atrás"
                                    (``street_parser``)
``DOB``          ``[DOB]``          a date in any common form after "DOB", "d.o.b.",
                                    "born", "birthday", "b.", "fecha de nacimiento",
                                    "nació", "cumpleaños"…, and the dates listed
                                    with it; any full date four years old or more
                                    ("the system has 9/19/2010"); "met on 10/3"
                                    and this year's dates stay; a DOB restated
                                    ("que es 2 de noviembre", "the system
                                    has …") (``dates_ids``)
``STUDENT_ID``   ``[STUDENT_ID]``   numbers after "student #", "ID", "id#", "case
                                    no.", "lunch number", "número de estudiante",
                                    "no. de caso"… (dashes and letters allowed);
                                    "#" + 5–10 digits or a code; codes of capitals
                                    and 4+ digits anywhere ("D4471290",
                                    "00391827A"); dash-joined codes
                                    ("CW-2023-44190", "2023-DR-00914");
                                    a bare run of 6–10 digits
``NATIONAL_ID``  ``[NATIONAL_ID]``  SSN / ITIN shapes (123-45-6789, 123 45 6789),
                                    Canadian SIN shape, CURP, RFC, UK NINO, A-numbers,
                                    and any number after "SSN", "social", "passport",
                                    "Medicaid", "ProviderOne", "seguro social"…;
                                    "last 4 … is 6612", "id on file ends 2284",
                                    "Medicaid ID … read it off as WA 2201 8843 7"
``NAME``         ``[NAME]``         see below (``names``, ``known``, ``ordinary``)
===============  =================  ================================================

Every rule is a pattern (the ``regex`` module), a word list, or datamade's
``usaddress`` CRF parser (its model ships in the wheel): nothing is downloaded
and nothing needs the network (no NER library is installed). The rules are
built once per process on first use (about a second and a half of CPU, mostly
Faker's name data; usaddress adds 0.14 s); presidio is not imported, because
its import pulls in spaCy (several seconds).

**Names — the limit.** Recognising arbitrary person names needs a statistical
NER model, and none can be installed here from a trustworthy source. Names
are found by:

1. ``known_names`` — names typed into the app's own fields, matched in any
   case, with or without accents, apostrophes and hyphens, whole and by part
   ("MARIA LOPEZ", "maria", "Ms. Lopez", "Maria's", "jose ramirez" for "José
   Ramírez"), with an initial or a suffix ("marcus j came", "marcus sr", "Jimena R.",
   "K. Yazzie"), as a nickname (:data:`~bot.privacy.words.NICKNAMES`: "Chuy", "Chayo",
   "Kat"), a Spanish diminutive ("Carlitos"), initials ("J.R.") or misspelt by one letter
   ("Pahoua" for "Pahua") (``known``); a part that is also a word ("dakota", "hunter",
   "santiago") is the name before a verb with a subject, after a first name or "la
   abuelita de", and again wherever only punctuation follows it once it was the name;
2. title and context patterns, in any case: "Ms. Carter", "ms. okafor",
   "MRS. NGUYEN", "her son mateo", "named Luis", "the Nguyen family", and a
   first name that is also a word right after a family word or a title
   ("grandpa earl", "mom (amber)", "ms pearl"; not "mom will", "baby sister"); role words
   ("DCYF worker Jen Albright", "aunt is Crystal"), "Sgt. Runningwater", "Mrs. K", "his name
   was DJ", "GRANDPA NAME GENE", lower-case Spanish titles ("doña
   Chayo"), a name before who the person is in brackets ("Angel (mom's boyfriend)", "Tou
   (gr 7)");
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
4. propagation: a word found as a name once is scrubbed everywhere in the text (and its
   plural after "the" / "los": "the Huynhs,");
   one name-like word between two found names joins them ("BILLY RAY COBB"); a
   capitalised word joined to a found name by "and" / "y" / a comma is one too ("Ayaan
   and Ikran", "LILY AND ROSE").

**Names that are ordinary words** ("Hope", "Will", "May", "Mark", "Grace"), when
known, found once, or in the name list, are names only where
:func:`bot.privacy.ordinary.ordinary_use` says the word is not meant: possessive
("Hope's"), after a title or family word, capitalised in the middle of a
sentence (unless a month after "in / by / since…"), or at a sentence start
before a verb with a subject ("Hope missed", "Will was", "will was absent"), or at a
sentence start, in any case, before a word that shows the note is about the student
("rose out dentist", "ivy sick", "rose bday", "luna no vino", "dulce y su hermano").
"we hope", "he will come", "Will call Friday", "In May", "Mark the calendar"
stay. A whole known name of two words or more ("hope carter") is always a name.

So a name in none of these — an unusual name written without a title or a
family word, initials, "Destiny" on its own, a known common-word name in lower
case mid-sentence ("talked about destiny") — passes through.
``bench/scrub_quality.py`` prints recall per kind (names split into known and
never seen) and the share of other words removed on
``tests/data/pii_cases.jsonl``, ``tests/data/pii_cases2.jsonl`` or any file of
that shape. Treat scrubbing as a strong filter, not a guarantee: real
interviews are logged by pseudonym, and the modal asks people not to type names.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from bot.privacy.dates_ids import chain_lists, old_date_spans
from bot.privacy.known import known_name_spans
from bot.privacy.model import PII_KINDS, PLACEHOLDERS, PiiKind, PiiSpan, Scrubbed
from bot.privacy.names import (
    _extend_names,
    _list_name_spans,
    _propagate_names,
    coordinated_names,
    finish_names,
)
from bot.privacy.patterns import _rules
from bot.privacy.street_parser import join_address_pieces, parsed_address_spans
from bot.privacy.words import _NEVER_NAMES, COMMON_WORDS_ALSO_NAMES, NOT_NAMES, PLACES_ALSO_NAMES

__all__ = [
    "COMMON_WORDS_ALSO_NAMES",
    "NOT_NAMES",
    "PII_KINDS",
    "PLACEHOLDERS",
    "PLACES_ALSO_NAMES",
    "PiiKind",
    "PiiSpan",
    "Scrubbed",
    "detect",
    "scrub",
]


_lock = threading.Lock()


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
    spans = chain_lists(text, rules.spans(text) + old_date_spans(text) + parsed_address_spans(text))
    names = (
        [s for s in spans if s.kind != "NAME" or s.text not in _NEVER_NAMES]
        + _list_name_spans(text)
        + known_name_spans(text, known_names)
    )
    names = _propagate_names(text, coordinated_names(text, _extend_names(text, names)))
    return join_address_pieces(text, finish_names(text, _resolve(text, names)))


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
