"""Addresses the patterns cannot shape, confirmed by datamade's ``usaddress`` parser, and the
joining of address pieces.

``usaddress`` is a conditional-random-field US address parser with its model bundled in the
wheel (no download). It tags every token of whatever it is given, so it is only asked about a
house number that comes after a housing cue in the same sentence ("home is 402 Elm", "sleep at
his uncle's now, 1712 cedar by the laundromat", "addr is 602 N 3rd W", "addr W4231 County Hwy
K", "lives at 2719 S Union Ave Tacoma"); the run of address tags it gives from that number on
is the address, cut at the first word that is not one.

:func:`join_address_pieces` then makes one address of pieces that a note writes apart ("Apt 4C,
1900 Grand Concourse", "Sunrise Motel rm 12 on Cleveland ave", "trailer 14 at Whispering Pines,
off hwy 64") and takes in what follows a street ("(back house)", ", trailer in back").
"""

from __future__ import annotations

from functools import cache
from types import ModuleType

import regex

from bot.privacy.model import PiiSpan
from bot.privacy.names import _lexicon

_CUE = regex.compile(
    r"(?i:\b(?:live|lives|lived|living|stay|stays|stayed|staying|sleep|sleeps|sleeping|slept|"
    r"moved|moving|move|home|house|place|address|addr|mail|mailing|apartment|apt|duplex|"
    r"trailer|shelter|visit|located|resides|reside|residing|correct|new|at|"
    r"viven|vive|vivía|vivian|vivían|mudaron|mudó|mudo|mudamos|dirección|direccion|domicilio|"
    r"casa|quedan|queda)\b)"
)
"""Words that say a home follows ("lives", "home", "addr", "viven", "at")."""
_NUMBER_START = regex.compile(
    r"(?<![\w/.$#@:,-])(?:[NSEW]\d{3,6}|\d{1,6}(?:-?[A-Za-z](?![\w'’]))?(?:\s1/2|½)?)(?=\s+\S)"
)
"""A house number: "402", "88-B", "1402 1/2", and the Wisconsin grid "W4231"."""
_SENTENCE_BEFORE = regex.compile(r"[.!?;\n]\s")
_CLAUSE_END = regex.compile(
    r"[;!?\n()\"“”]|(?<!\b(?i:st|ave|av|rd|dr|apt|blvd|ln|ct|pl|hwy|pkwy|mt|ft|co|n|s|e|w|ne|"
    r"nw|se|sw|no|ste|bldg))\.(?:\s|$)|\s[-–—]\s|,\s+(?i:and|but|so|then|not|mom|dad|she|he|"
    r"they|we|phone|cell|email|ph)\b"
)
_ADDRESS_TAGS: frozenset[str] = frozenset(
    """
    AddressNumber AddressNumberPrefix AddressNumberSuffix StreetNamePreDirectional
    StreetNamePreModifier StreetNamePreType StreetName StreetNamePostType
    StreetNamePostDirectional StreetNamePostModifier OccupancyType OccupancyIdentifier
    SubaddressType SubaddressIdentifier PlaceName StateName ZipCode
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""usaddress tags that are part of an address (not Recipient, LandmarkName, NotAddress, nor the
PO box tags: PO boxes are the patterns' work)."""
_SHAPE_TAGS: frozenset[str] = frozenset(
    """
    StreetNamePreType StreetNamePostType StreetNamePreDirectional StreetNamePostDirectional
    OccupancyType ZipCode PlaceName
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Tags that show an address shape; without one a candidate is a number and one or two
street-name words, taken only after a housing word ("home is 402 Elm", "sleep at … 1712
cedar") and with a house number of three digits or more."""
_TAIL_TAGS: frozenset[str] = frozenset({"PlaceName", "StateName", "ZipCode"})
_STOP_WORDS: frozenset[str] = frozenset(
    """
    the a an to in on of at and or for with from by my his her their our your this that was is
    are were has had have be been days day times time minutes minute mins min hours hour hrs hr
    weeks week wks wk months month years year yrs kids kid more down up other miles mile mi
    blocks block per every each about after before until last next than then so but if he she
    they we it mom dad am pm absences absent tardies tardy students student people grade gr
    now today yesterday tomorrow since till til near by behind across next door right left
    because cuz bc w/ and/or en el la los las de del y con por para que su sus es son
    kids' mins. hrs. lbs lb percent pct times. am. pm. o'clock re out past while only not
    weekends weekdays nobody somebody box
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Words that are never a street name word here ("6 days", "12 kids", "45 min")."""
_CALENDAR = regex.compile(
    r"(?i:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|mondays|tuesdays|wednesdays|thursdays|fridays|jan|feb|mar|apr|"
    r"jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|may|june|july|august|"
    r"september|october|november|december|am|pm|a\.m\.?|p\.m\.?|th|st|nd|rd)"
)
_CALENDAR_WORD = regex.compile(rf"(?<![\w]){_CALENDAR.pattern}(?![\w])")
_WORD = regex.compile(r"\S+")
_STRIP = ".,:'’\"“”"


@cache
def _usaddress() -> ModuleType:
    """The usaddress module (imported on first use: about 0.15 s, its CRF model)."""
    import usaddress  # heavy on import (0.14 s measured, pycrfsuite and the model): first use

    return usaddress


def _parse(clause: str) -> list[tuple[str, str]]:
    """usaddress's tags for ``clause``, ``[(token, tag)]``; [] if it cannot parse it."""
    try:
        return list(_usaddress().parse(clause))
    except Exception:  # a parser failure means "no address here", never a crash
        return []


def parsed_address_spans(text: str) -> list[PiiSpan]:
    """Addresses after a housing cue, as usaddress parses them (see the module docstring).

    Args:
        text: the text.

    Returns:
        ADDRESS spans (score 0.5), possibly overlapping the pattern rules' spans. A candidate
        needs a house number, at least one street-name word that is not a common word, a
        day, a month or a time, and a cue word earlier in its sentence; after a bare "at" a
        number from 1 to 12 is a time ("at 4 Starbucks") and is not taken.
    """
    common = _lexicon().common
    out: list[PiiSpan] = []
    for m in _NUMBER_START.finditer(text):
        start = m.start()
        back = text[max(0, start - 60) : start]
        cut = list(_SENTENCE_BEFORE.finditer(back))
        if cut:
            back = back[cut[-1].end() :]
        cues = list(_CUE.finditer(back))
        if not cues:
            continue
        housing_word = any(c.group().lower() != "at" for c in cues)
        if (
            not housing_word
            and back[cues[-1].end() :].strip() == ""
            and m.group().isdigit()
            and int(m.group()) <= 12
        ):
            continue
        end = _CLAUSE_END.search(text, m.end())
        clause_end = end.start() if end else len(text)
        clause = text[start:clause_end]
        tokens = list(_WORD.finditer(clause))
        tags = _parse(clause)
        if len(tags) != len(tokens) or not tags or tags[0][1] != "AddressNumber":
            continue
        taken = 0
        street_words = 0
        shaped = False
        typed = False
        prev = ""
        plain: list[str] = []
        for (tok, tag), w in zip(tags, tokens, strict=True):
            word = tok.strip(_STRIP).lower()
            bare = tok.strip(_STRIP + "()")
            if tag not in _ADDRESS_TAGS or (taken and word in _STOP_WORDS):
                break
            if taken and _CALENDAR.fullmatch(word):
                break
            if tag == "StreetName":
                if not word or word in _STOP_WORDS or word.isdigit() or typed:
                    break
                street_words += 1
                plain.append(word)
            if (tag == "ZipCode" and not regex.fullmatch(r"\d{5}(?:-\d{4})?", bare)) or (
                tag == "OccupancyIdentifier" and prev != "OccupancyType"
            ):
                break
            if tag in ("PlaceName", "StateName") and not (
                bare.istitle() or (tag == "StateName" and bare.isupper() and len(bare) == 2)
            ):
                # a town is written capitalised ("Tacoma"); "nobody home" is not one
                break
            typed = typed or tag == "StreetNamePostType"
            prev = tag
            shaped = shaped or tag in _SHAPE_TAGS
            taken += 1
            last_end = w.end()
            if tok.endswith(","):
                # after a comma only a town, a state, a ZIP or a unit belongs to the address
                nxt = tags[taken][1] if taken < len(tags) else ""
                if nxt not in _TAIL_TAGS and not nxt.startswith("Occupancy"):
                    break
        if taken < 2 or street_words == 0:
            continue
        number = m.group()
        if not shaped and not (
            housing_word
            and street_words <= 2
            and sum(c.isdigit() for c in number) >= 3
            and not any(w in common for w in plain)
        ):
            continue
        piece = clause[:last_end].rstrip(_STRIP + " ")
        if not piece:
            continue
        out.append(
            PiiSpan(
                kind="ADDRESS",
                start=start,
                end=start + len(piece),
                text=piece,
                score=0.5,
            )
        )
    return out


_JOIN_GAP = regex.compile(r"\s*(?:,\s*)?(?:(?i:on|off|in|en)\s+(?:the\s+)?)?")
"""What may stand between two pieces of one address: ", ", " on ", ", off ", " in the "."""
_TAIL = regex.compile(
    r"(?:\s*\((?i:(?:the\s+)?(?:back|front|rear|side|upstairs|downstairs|basement)"
    r"(?:\s+(?:house|unit|apt|apartment|door|trailer|room|one))?)\)"
    r"|,?\s*(?i:(?:trailer|unit|house|apt|room|camper|rv)\s+(?:in|out)\s+(?:the\s+)?"
    r"(?:back|rear|front))"
    r"|,?\s*(?i:(?:garden|basement|upstairs|downstairs|back|rear|front|side|top|"
    r"bottom)\s+(?:unit|apt|apartment|flat|floor|house|trailer|room))"
    r"|,?\s*(?i:(?:el\s+|la\s+)?(?:cuarto|casita|tr[aá]iler|traila|depto|departamento|apartamento)"
    r"\s+(?:de\s+(?:atr[aá]s|arriba|abajo|enfrente|adelante)|del\s+(?:fondo|patio))))(?![\w'’])"
)
_COMPLEX_AFTER_UNIT = regex.compile(
    r",[ \t]*(?:the[ \t]+)?(?!(?:Mom|Dad|She|He|They|We|It|Then|But|And|So|Please|Thanks|"
    r"Grandma|Grandpa|Mr|Mrs|Ms|Dr)\b)(?:\p{Lu}[\p{Ll}'’]+[ \t]+){0,3}\p{Lu}[\p{Ll}'’]+"
    r"(?:[ \t]+(?P<complex>(?i:housing|apartments|apts|homes|complex|towers|manor|village|"
    r"estates)))?"
    r"(?=[ \t]*(?:[.;:)!?\n]|,|$))"
)
_ENDS_IN_UNIT = regex.compile(
    r"(?i:apt|apartment|unit|lot|space|spc|trailer|room|rm|suite|ste|depto|#)\.?[ \t]*#?[ \t]*"
    r"[A-Za-z]?-?\d+[A-Za-z]?$"
)
_UNIT_START = regex.compile(r"(?i:bldg|building|edificio|apt|apartment|unit|lot|space|trailer)\b")
"""After a building's unit, the name of the complex ("Bldg 4 apt 12, Park Manor", "Bldg C
apt 304, Brian Coyle housing")."""
"""What a note writes right after a street about where on the lot the family is: "(back
house)", ", trailer in back", " upstairs"; or what the home looks like: ", la casa azul",
", the green trailer"."""
_COLOR = (
    r"(?:white|blue|red|green|yellow|brown|gray|grey|pink|orange|purple|tan|beige|black|brick|"
    r"azul|roja|rojo|verde|amarilla|amarillo|blanca|blanco|café|cafe|gris|rosa|rosada|morada)"
)
_HOME_NOUN = (
    r"(?:house|home|duplex|triplex|fourplex|trailer|mobile\s+home|apartment|townhouse|cabin|"
    r"casa|casita|traila|tráiler|departamento)"
)
_COLORED_HOME = rf"(?i:{_COLOR}\s+{_HOME_NOUN}|{_HOME_NOUN}\s+{_COLOR})"
_DESCRIPTION_AFTER = regex.compile(rf",?\s*(?i:the|la|el|a|an|una?)\s+{_COLORED_HOME}(?![\w'’])")
_DESCRIPTION_BEFORE = regex.compile(
    rf"(?<![\w'’]){_COLORED_HOME}\s+(?i:at|on|by|en|in)\s+(?i:the\s+)?$"
)
"""What a note writes about the home right before or after its address, when it says what
the home looks like: "yellow duplex at", "blue house on", ", la casa azul" (issue 10, pii7:
"yellow duplex at 12th and Chestnut"). "the duplex", "the trailer behind the main house"
(no color), ", the green one" and "corner of" / "esquina de" stay."""


_UNIT_BEFORE = regex.compile(
    r"(?<![\w'’])(?i:apt|apartment|unit|lot|space|spc|trailer|tr[aá]iler|traila|cuarto|room|rm|"
    r"suite|ste|depto|dpto|lote|bldg|building)\.?[ \t]*#?[ \t]*[A-Za-z]?-?\d{1,5}[A-Za-z]?"
    r"[ \t]*,?[ \t]+$"
)
"""A unit written before its street ("Tráiler 14, 3300 Camino del Río", "Lot 7, 88 Ridge
Rd", issue 10, pii8)."""


def join_address_pieces(text: str, spans: list[PiiSpan]) -> list[PiiSpan]:
    """Join address pieces written apart into one address, and take in where-on-the-lot tails.

    Args:
        text: the text.
        spans: disjoint spans ordered by start (:func:`bot.privacy._resolve`'s output).

    Returns:
        The same spans with each run of ADDRESS spans separated only by ", ", " on ", " off ",
        " in " (… the) joined into one, and each address extended over a tail such as "(back
        house)", ", trailer in back", ", cuarto de atrás" or ", la casa azul", and back over
        "yellow duplex at", "esquina de" or a unit ("Tráiler 14, ") before it.
    """
    out: list[PiiSpan] = []
    for s in spans:
        if s.kind == "ADDRESS" and out and out[-1].kind == "ADDRESS":
            gap = _JOIN_GAP.fullmatch(text, out[-1].end, s.start)
            if gap is not None:
                last = out[-1]
                out[-1] = PiiSpan(
                    kind="ADDRESS",
                    start=last.start,
                    end=s.end,
                    text=text[last.start : s.end],
                    score=max(last.score, s.score),
                )
                continue
        out.append(s)
    final: list[PiiSpan] = []
    for i, s in enumerate(out):
        if s.kind == "ADDRESS":
            nxt = out[i + 1].start if i + 1 < len(out) else len(text)
            end = s.end
            for rx in (_TAIL, _DESCRIPTION_AFTER):
                tail = rx.match(text, end)
                if tail and end < tail.end() <= nxt:
                    end = tail.end()
            if _ENDS_IN_UNIT.search(text, max(s.start, end - 16), end):
                # a building and unit with no street: the complex's name after it ("Bldg 4
                # apt 12, Park Manor"); after a street only a named complex ("…, Cedar
                # Court apartments"), not a town ("Av. Reforma 455, depto 12, Tijuana")
                tail = _COMPLEX_AFTER_UNIT.match(text, end)
                bare = _UNIT_START.match(text, s.start) is not None
                if (
                    tail
                    and end < tail.end() <= nxt
                    and (bare or tail.group("complex"))
                    and not _CALENDAR_WORD.search(tail.group())
                ):
                    end = tail.end()
            prev = final[-1].end if final else 0
            head = _DESCRIPTION_BEFORE.search(text, max(prev, s.start - 40), s.start)
            start = head.start() if head else s.start
            unit = (
                _UNIT_BEFORE.search(text, max(prev, start - 24), start)
                if text[start : start + 1].isdigit()
                else None
            )
            if unit:
                start = unit.start()
            if (start, end) != (s.start, s.end):
                s = PiiSpan(
                    kind="ADDRESS", start=start, end=end, text=text[start:end], score=s.score
                )
        final.append(s)
    return final
