"""Names: the name list from Faker's person data, known names, extension and propagation."""

from __future__ import annotations

import re
from functools import cache, lru_cache

import regex

from bot.privacy.model import PiiSpan
from bot.privacy.ordinary import (
    CONTEXT_BEFORE,
    MODAL_WORDS,
    _mostly_capitals,
    _subject_verb,
    ordinary_use,
)
from bot.privacy.words import (
    _ACRONYMS,
    _FUNCTION_WORDS,
    _INSTITUTION_WORDS,
    _KIN,
    _LOREM_NAMES,
    _NAME_LOCALES,
    _NEVER_NAMES,
    _TITLES,
    COMMON_WORDS_ALSO_NAMES,
    NOT_NAMES,
    PLACES_ALSO_NAMES,
)


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
        first_any: every first name in lower case, ordinary words included
            ("earl", "rosa", "amber"); taken right after a family word or a
            title only ("grandpa earl", "mom (amber)", "ms pearl").
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
        self.first_any: frozenset[str] = frozenset(
            f for w in first for f in {w.lower(), _fold(w.lower())}
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
_FAMILY_DE = regex.compile(
    r"(?i:\b(?:pap[aá]|mam[aá]|mami|papi|padre|madre|hij(?:it)?[oa]|herman(?:it)?[oa]|"
    r"abuel(?:it)?[oa]|t[ií][oa]|prim(?:it)?[oa]|tutor[a]?|maestr[oa]|familia|casa|niñ[oa]|"
    r"amig[oa]|novi[oa]|espos[oa]|señora|señor|sra|sr)\.?\s+de\s+)$"
)
_STRICT_TITLE_BEFORE = regex.compile(
    r"(?i:\b(?:mr|mrs|ms|mx|miss|mister|dr|sra|sr|señora|señor|senora|senor|doña|dona|prof)\.?\s+)$"
)


_NOT_A_NAME_ENDING = regex.compile(
    r"(?i:ed|ing|tion|sion|ment|ness|ance|ence|ity|ful|less|able|ible|ly)$"
)
"""Endings of English verbs and nouns ("talked", "clearance"): a lower-case word with one is
not taken as a surname after "dr" / "ms" unless the name list knows it ("ms fleming")."""


def _is_place(text: str, start: int, end: int) -> bool:
    """A word that names a place here: "Grant County", "from Guadalupe", "Lincoln Elementary"."""
    if _FOLLOWED_BY_INSTITUTION.match(text, end):
        return True
    word = text[start:end]
    if word.title() not in PLACES_ALSO_NAMES:
        return False
    before = _PLACE_BEFORE.search(text, max(0, start - 24), start)
    if before is None:
        return False
    # "el papá de Santiago", "la mamá de Lorena": "de" after a family word names a person
    return not _FAMILY_DE.search(text, max(0, before.start() - 16), before.end())


_KIN_BEFORE = regex.compile(
    rf"(?i:\b(?:(?:{_TITLES})\.?|(?:{_KIN}|gma|gpa|g-ma|granma|grandmother|mami|papi|mamá|papá|"
    r"abuelita|guardian|foster\s+mom|foster\s+dad|step\s?mom|step\s?dad)(?!\.)),?[ \t]*\(?[ \t]*)$"
)
"""A family word or a title right before a word, a bracket allowed ("mom (amber)"); a dot
only after a title ("ms. pearl"; not "the ICWA worker. case #…")."""
_VERB_NAMES: frozenset[str] = frozenset(
    """
    will may can might must shall drew sue rose bill rob mark grant chase said says see sees
    saw hope wants hunt pat art gene dawn faith joy esta está estaba era es fue va iba vino
    tiene dice dijo quiere puede trabaja vive
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""First names that are also verbs or feelings written after a family word ("mom will",
"dad drew", "mom rose early", "mom hope"): not taken by the family-word rule."""
_KIN_WORDS: frozenset[str] = frozenset(
    _KIN.split("|")
    + """
    foster baby babies sister brother sisters brothers sis bro parents parent kids don doña dona
    les la le el lo los las de del mi tu su se ya yo sin mas por para como te al ma pa mo jo di
    tia tio
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Family words, titles and Spanish function words: never the name after a family word
("baby sister", "foster parents", "don Efraín", "la mamá de Wendy … les cortó")."""


def _list_name_spans(text: str) -> list[PiiSpan]:
    """Words in the name list, in any case, plus lower-case and capital-letter names after a
    title or a family word ("ms. okafor", "her son mateo", "MS. CARTER")."""
    lex = _lexicon()
    out: list[PiiSpan] = []
    capitals = _mostly_capitals(text)
    for m in _WORD_RE.finditer(text):
        word = m.group()
        if len(word) < 2:
            continue
        score = 0.0
        how = lex.kind_of(word)
        if how == "title":
            ordinary = word.lower() in lex.common or _fold(word.lower()) in lex.common
            score = 0.0 if ordinary and ordinary_use(text, m.start(), m.end()) else 0.6
        elif how is not None:
            score = 0.55
        elif not (word[0].isupper() and not word.isupper()):
            # lower case or capitals: a title or a family word just before it
            before = max(0, m.start() - 40)
            ordinary = word.lower() in lex.common or word in _ACRONYMS
            if _NOT_A_NAME_ENDING.search(word) and not lex.is_name_word(word):
                # "the dr. talked to her", "dr clearance": a verb or a noun, not a surname
                ordinary = True
            if not ordinary and (
                _STRICT_TITLE_BEFORE.search(text, before, m.start())
                or (lex.is_name_word(word) and CONTEXT_BEFORE.search(text, before, m.start()))
            ):
                score = 0.8
        if (
            not score
            and word.lower() in lex.first_any
            and word.lower() not in _VERB_NAMES
            and word.lower() not in _KIN_WORDS
            and word.title() not in _NEVER_NAMES
            and not _CALENDAR.fullmatch(word.title())
            and not word.isupper()
            and _KIN_BEFORE.search(text, max(0, m.start() - 40), m.start())
        ):
            # "grandpa earl", "gma rosa", "mom (amber)", "ms pearl": a first name that is also
            # a word, right after a family word or a title
            score = 0.7
        if (
            not score
            and word.isupper()
            and capitals
            and word.lower() in lex.first_any
            and word.lower() not in _VERB_NAMES
            and word.lower() not in _KIN_WORDS
            and word.title() not in _FUNCTION_WORDS - _MONTHS
            and not _DIGIT_AFTER.match(text, m.end())
            and _KIN_BEFORE.search(text, max(0, m.start() - 40), m.start())
        ):
            # a note in capitals: "GMA JUNE CALLED", "AUNT ROSE PICKED UP" (a month right
            # after a family word is a name unless a day follows: "MOM APRIL 3")
            score = 0.7
        if score and not _is_place(text, m.start(), m.end()):
            out.append(PiiSpan(kind="NAME", start=m.start(), end=m.end(), text=word, score=score))
    return out


_MONTHS: frozenset[str] = frozenset(
    "January February March April May June July August September October November December".split()  # noqa: SIM905
)
_DIGIT_AFTER = regex.compile(r"[ \t]*\d")
_NEXT_WORD_AT = regex.compile(r"[ \t]+([\p{L}'’]+)")


_CALENDAR = regex.compile(
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|"
    r"May|June|July|August|September|October|November|December|Spring|Summer|Winter|Autumn|"
    r"Fall|Easter|Christmas|Holiday|Noel|Math|Reading|Science|Music|Gym|Lunch|Recess|Class|"
    r"School|Bus|English|French|German|North|South|East|West|Mom|Dad|Mama|Papa|Nana|Aunt|"
    r"Uncle|Grandma|Grandpa|Mother|Father|Teacher|Principal|Counselor|Nurse|Office|Coach|"
    r"Doctor|Judge|Sister|Son|Baby|Friend)"
)
"""Words of :data:`NOT_NAMES` that are never a first name before a surname ("Monday Smith"
is a day; "Coach Smith" a title)."""
_FUNCTION_LOWER: frozenset[str] = frozenset(w.lower() for w in _NEVER_NAMES)
"""Function words and titles in lower case ("the", "ms")."""
_GIVEN_BEFORE = regex.compile(r"(?<![\p{L}\p{N}_'’])(\p{Lu}\p{Ll}+)[ \t]+$")
_SENTENCE_START_BEFORE = regex.compile(r"(?:^|[.!?:;\n(\"“]\s*)$")
_LANGUAGES: frozenset[str] = frozenset(
    """
    Spanish Vietnamese Somali Arabic Hmong Russian Ukrainian Chinese Mandarin Cantonese Korean
    Japanese Tagalog Punjabi Hindi Portuguese Navajo Polish Mixteco Mam Amharic Tigrinya Dari
    Pashto Swahili Haitian Creole Karen Burmese Nepali Marshallese Chuukese Samoan Tongan
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Languages, capitalised before a name ("in Spanish Maria said"): never a given name."""


def _given_name_before(text: str, s: PiiSpan) -> int:
    """Where a capitalised given name right before a found name starts ("Guardian Tou Lee",
    "mom Pa Vang" when "Lee" / "Vang" was found), or ``s.start`` when there is none. An
    ordinary word, a language, a title or a place is not taken, nor a word at a sentence start
    unless the name list knows it ("Jordan Smith, 503-…")."""
    m = _GIVEN_BEFORE.search(text, max(0, s.start - 32), s.start)
    if not m:
        return s.start
    word = m.group(1)
    lex = _lexicon()
    # a word that is also a name ("Jordan", "Hope", "Will") right before a found surname is
    # its first name ("Jordan Smith", "Hope Lee"); days, months and seasons never are
    both = (
        word in NOT_NAMES
        and word not in _NEVER_NAMES
        and word.lower() not in _FUNCTION_LOWER
        and not _CALENDAR.fullmatch(word)
        and s.text[:1].isupper()
    )
    if both:
        return m.start(1)
    if (
        word in NOT_NAMES
        or word in _NEVER_NAMES
        or word in _LANGUAGES
        or word.lower() in lex.common
        or _fold(word.lower()) in lex.common
        or regex.fullmatch(_INSTITUTION_WORDS, word, flags=regex.IGNORECASE)
        or _is_place(text, m.start(1), m.end(1))
        or (
            _SENTENCE_START_BEFORE.search(text, max(0, m.start(1) - 4), m.start(1))
            and not lex.is_name_word(word)
        )
    ):
        return s.start
    return m.start(1)


def _extend_names(text: str, spans: list[PiiSpan]) -> list[PiiSpan]:
    """Add a surname right after a found name ("Ms. Carter Lee", "maria lopez", "ANA RUIZ"),
    and a capitalised given name right before one ("Guardian Tou Lee")."""
    lex = _lexicon()
    out = list(spans)
    for s in spans:
        if s.kind != "NAME":
            continue
        start = _given_name_before(text, s)
        if start < s.start:
            out.append(
                PiiSpan(
                    kind="NAME", start=start, end=s.end, text=text[start : s.end], score=s.score
                )
            )
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


@lru_cache(maxsize=2048)
def _word_re(word: str, any_case: bool) -> re.Pattern[str]:
    """``word`` as a whole word, with an optional plural "s" / "es" (kept only after "the" /
    "los": :data:`_PLURAL_BEFORE`): in any case, or as written and in capitals. The stdlib
    ``re`` compiles such a pattern several times faster than ``regex`` (issue 10: speed)."""
    if any_case:
        return re.compile(rf"(?<!\w){re.escape(word)}(?:e?s)?(?!\w)", re.IGNORECASE)
    return re.compile(rf"(?<!\w)(?:{re.escape(word)}|{re.escape(word.upper())})(?!\w)")


_PLURAL_BEFORE = regex.compile(r"(?<![\p{L}])(?i:the|los|las)\s+$")
_PLURAL_AFTER = regex.compile(
    r"\s*[,.;:!?)]|\s+(?:on|in|at|y|and|said|say|are|were|live|have|están|estan|son|viven|"
    r"dicen|dijeron)\b"
)
"""Around a found surname's plural: "the Huynhs, they said", "los Quispes están"."""


def _propagate_names(text: str, spans: list[PiiSpan]) -> list[PiiSpan]:
    """A word found as a name once is a name wherever it appears in the text.

    In any case, unless the word is also an ordinary word ("Rose" found in
    "Grandma Rose"): then only where it is capitalised and not used as the word
    (:func:`bot.privacy.ordinary.ordinary_use`: "Will call Friday", "In May"), or before a
    verb with a subject ("GMA JUNE CALLED … JUNE IS AT …"); its plural after "the" or "los"
    before a comma or "on" / "said" is the family ("the Huynhs, they said").
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
        # and its plural after "the" / "los" ("Mrs. Huynh … the Huynhs", issue 10, pii8)
        rx = _word_re(word, any_case)
        for m in rx.finditer(text):
            if _is_place(text, m.start(), m.end()):
                continue
            if len(m.group()) > len(word) and not (
                _PLURAL_BEFORE.search(text, max(0, m.start() - 6), m.start())
                and _PLURAL_AFTER.match(text, m.end())
            ):
                continue
            after = _NEXT_WORD_AT.match(text, m.end())
            following = after.group(1).lower() if after else ""
            if (
                any_case
                or not ordinary_use(text, m.start(), m.end())
                or (word.lower() not in MODAL_WORDS and _subject_verb(following))
            ):
                out.append(
                    PiiSpan(kind="NAME", start=m.start(), end=m.end(), text=m.group(), score=0.6)
                )
    return out


_LINK_AFTER = regex.compile(
    r"(?:[ \t]*,[ \t]*|[ \t]+(?:and|&|y|e|or|AND|Y)[ \t]+)"
    r"((?:\p{Lu}\p{Ll}+(?:[ʻʼ]\p{Ll}+)*|\p{Lu}{2,}))(?![\p{L}\p{N}_-])"
)
_LINK_BEFORE = regex.compile(
    r"(?<![\p{L}\p{N}_'’-])((?:\p{Lu}\p{Ll}+(?:[ʻʼ]\p{Ll}+)*|\p{Lu}{2,}))"
    r"(?:[ \t]*,[ \t]*|[ \t]+(?:and|&|y|e|or|AND|Y)[ \t]+)$"
)


def coordinated_names(text: str, spans: list[PiiSpan]) -> list[PiiSpan]:
    """A capitalised word joined to a found name by "and", "&", "y" or a comma is a name too
    ("Ayaan and Ikran", "Ioane and Malia Faleolo", "Nalani and Keoni's mom", "LILY AND ROSE"
    in a note in capitals), issue 10, pii7.

    A word is not taken when it is a function word, a title, a day or month, a language, a
    place or institution ("Ana and Hope Academy", "regresó a Guatemala y Yesenia"), a family
    word ("ELIJAH AND SIS"), an all-capital abbreviation ("IEP"), written
    in capitals beside a name that is not, or followed by a number ("Luis and Bus 42"); after
    a comma the name list must know it ("Maria, Period 3": kept).

    Args:
        text: the text.
        spans: spans found so far (any kinds, possibly overlapping).

    Returns:
        ``spans`` plus a NAME span (score 0.6) for each such word, repeated until no more.
    """
    lex = _lexicon()
    out = list(spans)
    todo = [s for s in spans if s.kind == "NAME"]
    seen: set[tuple[int, int]] = {(s.start, s.end) for s in todo}
    while todo:
        s = todo.pop()
        found: list[tuple[int, int, bool]] = []
        m = _LINK_AFTER.match(text, s.end)
        if m:
            found.append((m.start(1), m.end(1), "," in text[s.end : m.start(1)]))
        b = _LINK_BEFORE.search(text, max(0, s.start - 40), s.start)
        if b:
            found.append((b.start(1), b.end(1), "," in text[b.end(1) : s.start]))
        for start, end, comma in found:
            word = text[start:end]
            if (start, end) in seen or not _coordinated_word(text, start, end, s.text, comma):
                continue
            if comma and not lex.is_name_word(word) and word.title() not in lex.title:
                continue
            seen.add((start, end))
            new = PiiSpan(kind="NAME", start=start, end=end, text=word, score=0.6)
            out.append(new)
            todo.append(new)
    return out


def _coordinated_word(text: str, start: int, end: int, name: str, comma: bool) -> bool:
    """Whether the capitalised word at ``start:end``, joined to the found ``name``, may be a
    name (see :func:`coordinated_names`)."""
    word = text[start:end]
    title = word.title()
    if word.isupper() and not (name.isupper() or len(word) <= 2):
        return False
    if word.isupper() and (word in _ACRONYMS or len(word) <= 2):
        return False
    if (
        title in _NEVER_NAMES
        or word in _NEVER_NAMES
        or title in _CALENDAR_WORDS
        or _CALENDAR.fullmatch(title)
        or title in _LANGUAGES
        or regex.fullmatch(_INSTITUTION_WORDS, word, flags=regex.IGNORECASE)
        or _is_place(text, start, end)
        or title in PLACES_ALSO_NAMES
    ):
        return False
    if regex.match(r"[ \t]*#?\d", text[end:]) or word.lower() in _KIN_WORDS:
        return False
    if _TO_A_PLACE.search(text, max(0, start - 12), start):
        # "regresó a Guatemala y Yesenia vive…", "moved to Fresno and Ana stayed"
        return False
    return not (comma and word.lower() in _lexicon().common and title not in NOT_NAMES)


_TO_A_PLACE = regex.compile(r"(?<![\p{L}])(?i:in|from|to|a|en|de|del|at|near|desde|hacia)[ \t]+$")
"""A preposition before a capitalised word that makes it a place here."""
_INITIAL_AFTER_NAME = regex.compile(
    r"[ \t]+(?!I\.)[A-Z]\.(?=[ \t]*(?:[,;:)—–]|[ \t]-|\n|$)|\s+\p{Ll})"
)
"""A capital initial and its dot after a found name ("Aidan S. —", "Luciana P., 5th gr")."""
_HYPHEN_AFTER = regex.compile(r"-\p{Lu}\p{Ll}+(?![\p{L}\p{N}_-])")
_HYPHEN_BEFORE = regex.compile(r"(?<![\p{L}\p{N}_'’-])\p{Lu}\p{Ll}+-$")
"""The other half of a double surname written with a hyphen ("López-Mora" when "López" was
found)."""

_NAME_SUFFIX = regex.compile(r"[ \t]+(?i:jr|sr|ii|iii|iv)\b\.?")
"""A generational suffix after a name ("marcus sr", "Luis Ortega Jr.")."""


def finish_names(text: str, spans: list[PiiSpan]) -> list[PiiSpan]:
    """Close the gaps between found names and take in a generational suffix.

    Args:
        text: the text.
        spans: disjoint spans ordered by start (:func:`bot.privacy._resolve`'s output).

    Returns:
        The same spans, where two NAME spans with one word between them, written the same
        way (capitalised or in capitals) and itself a possible name ("BILLY RAY COBB", "Jose
        Angel Rivera": "Ray", "Angel" are also ordinary words), become one; and a NAME span
        followed by "jr", "sr", "II"… takes it in ("marcus sr"), and so does one followed by a
        capital initial and its dot ("Aidan S. —") or the other half of a hyphenated surname
        ("López-Mora").
    """
    lex = _lexicon()
    out: list[PiiSpan] = []
    for s in spans:
        if s.kind == "NAME" and out and out[-1].kind == "NAME":
            last = out[-1]
            gap = text[last.end : s.start]
            m = regex.fullmatch(r"[ \t]+(\p{L}+)[ \t]+", gap)
            if m:
                word = m.group(1)
                same_way = (word.isupper() and last.text.isupper() and s.text.isupper()) or (
                    word.istitle() and last.text[:1].isupper() and s.text[:1].isupper()
                )
                low = word.lower()
                maybe_name = (
                    low in COMMON_WORDS_ALSO_NAMES
                    or word.title() in NOT_NAMES
                    or low in lex.any_lower
                )
                if (
                    same_way
                    and maybe_name
                    and word.title() not in _NEVER_NAMES
                    and low not in _FUNCTION_LOWER
                    and word.title() not in _CALENDAR_WORDS
                ):
                    out[-1] = PiiSpan(
                        kind="NAME",
                        start=last.start,
                        end=s.end,
                        text=text[last.start : s.end],
                        score=max(last.score, s.score),
                    )
                    continue
        out.append(s)
    final: list[PiiSpan] = []
    for i, s in enumerate(out):
        if s.kind == "NAME":
            nxt = out[i + 1].start if i + 1 < len(out) else len(text)
            prev = final[-1].end if final else 0
            start, end = s.start, s.end
            hyphen = _HYPHEN_AFTER.match(text, end)
            if hyphen and hyphen.end() <= nxt:
                end = hyphen.end()
            before = _HYPHEN_BEFORE.search(text, max(prev, start - 24), start)
            if before:
                start = before.start()
            for rx in (_NAME_SUFFIX, _INITIAL_AFTER_NAME):
                m = rx.match(text, end)
                if m and m.end() <= nxt:
                    end = m.end()
            if (start, end) != (s.start, s.end):
                s = PiiSpan(kind="NAME", start=start, end=end, text=text[start:end], score=s.score)
        final.append(s)
    return final


_CALENDAR_WORDS: frozenset[str] = frozenset(
    """
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
    June July August September October November December And Or Y E De
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Words never taken into a name between two names ("Ana and Luis", "ANA Y LUIS")."""
