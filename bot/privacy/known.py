"""Names the app was told (``known_names``): matched whole and by part, in any case, with or
without accents, apostrophes and hyphens ("MARIA LOPEZ", "maria", "Ms. Lopez", "Maria's",
a nickname that starts the given name ("Jay" for "Jaylen", "Chris" for "Christopher"),
"jose ramirez" for "José Ramírez", "OBrien" for "O'Brien", "Lopez Garcia" for
"Lopez-Garcia").

A part that is also an ordinary word ("Hope", "Will", "May", "Mark", "Grace", "Lee") is a
name only where :func:`bot.privacy.ordinary.ordinary_use` says it is not the word: so "we
hope" and "Will call Friday" stay, and "Hope missed 6 days", "Will was late" and "Hope's
grandma" are scrubbed. A single part before "County", "Elementary", "Street"…, or a
place-name after "from / in", is the place ("Grant County", "Lincoln Elementary"). A whole
name of several words ("Hope Carter", "will tran"), or any run of two words or more of it
("de la Cruz"), is always a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import regex

from bot.privacy.model import PiiSpan
from bot.privacy.names import _FAMILY_DE, _fold, _is_place, _lexicon
from bot.privacy.ordinary import MODAL_WORDS, _subject_verb, ordinary_use
from bot.privacy.words import _TITLES, NICKNAMES, NOT_NAMES


def _accented_letters() -> dict[str, str]:
    """Each plain letter and the Latin letters that fold to it, lower case: "a" -> "aáàâ…ạả",
    "i" -> "iíìîïịỉ…" (Vietnamese "Thị" for "Thi", issue 10, pii7), "d" -> "dđď…"."""
    import unicodedata

    out: dict[str, str] = {}
    for cp in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        ch = chr(cp).lower()
        base = unicodedata.normalize("NFD", ch)[0]
        if base.isascii() and base.isalpha() and base != ch and len(ch) == 1:
            out.setdefault(base, base)
            if ch not in out[base]:
                out[base] += ch
    out["o"] += "ø"
    out["d"] = out.get("d", "d") + "đ"
    return out


_ACCENTS: dict[str, str] = _accented_letters()
_PARTICLES: frozenset[str] = frozenset(
    """
    de del la las los van von der den da di le du dos das y e bin ibn al el st jr sr ii iii iv
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Parts of a name never matched alone ("de" of "María de la Cruz", "Jr.")."""
_TITLE_WORDS: frozenset[str] = frozenset(t.lower() for t in _TITLES.split("|"))
_INITIAL_AFTER = regex.compile(
    r"[ \t]+(?![aAI][ \t]|[iI]['’]|[bB]\.[ \t]*(?:\d|(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|"
    r"nov|dec|ene|abr|ago|dic)))[A-Za-z]\.?(?=['’]s\b|[ \t]*[,;:)\n—–]|[ \t]+-[ \t]"
    r"|[ \t]+(?i:is|was|has|had|"
    r"said|says|missed|and|mom|dad|gma|gpa)\b|$|\.(?:\s|$)"
    r"|(?<![ \t][aAiIuUyYoOeE])[ \t]+[a-z]{2,}(?<=ed|came|come|comes|went|goes|got|gets|left|is|"
    r"was|has|had|says|said|told|tells|did|does|missed|stayed|stays|lives|walks|rides|needs|wants))"
)
"""A one-letter initial right after a known name's part ("tyler w,", "jacob T. missed",
"emily r's mom", "marcus j came in late", "Noah B — email"); "a", "A" and "I" are words, not
initials, and so are "u", "y", "o", "e" before a word ("told marcus u should"), and "b."
before a date is "born" ("naomi b. jan 2 2013"). The dot after
the initial is part of the name ("Jimena R. DOB", issue 10, pii7)."""


_INITIAL_BEFORE = regex.compile(
    r"(?<![\p{L}\p{N}.'’])(?:(?![aAIiyYoOeEuUqQkK]\.)[A-Za-z]\.|(?![AIYOEUQK])[A-Z])[ \t]+$"
)
"""A one-letter initial right before a known name's part ("j. brooks", "J Brooks"); not a
word of one letter ("y Camila", "q Joselyn", "in K. nia", "I", "a")."""
_CAPITAL_INITIAL_BEFORE = regex.compile(r"(?<![\p{L}\p{N}.'’-])(?!I\.)[A-Z]\.[ \t]+$")
"""A capital initial and its dot before a capitalised known part ("K. Yazzie", "E. Ruiz"):
any letter but "I"."""
_TALKED_TO = regex.compile(
    r"(?<![\p{L}'’])(?i:talked|talking|spoke|spoken|speaking|met|meeting|checked\s+in|"
    r"check\s+in|conferenced|sat\s+down|hablé|hable|habló|hablo)\s+(?i:to|with|w/|con)\s+$"
    r"|(?<![\p{L}'’])(?i:told|asked|reminded|emailed|texted|called|saw|le\s+dije|llamé\s+a)\s+$"
)
"""Words before a person: a known part that is also a word is the name after them
("talked to hope after 2nd per.", "asked joy", "hablé con rosa"), unless it is a modal."""


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """``ch`` in lower case without its accent ("Í" -> "i", "ø" -> "o", "đ" -> "d"), or ``ch``
    itself lower-cased when folding would not give one character ("ǆ", "İ")."""
    low = ch.lower()
    if len(low) != 1:
        return ch
    if low in "øđ":
        return "o" if low == "ø" else "d"
    base = _fold(low)
    return base if len(base) == 1 else low


@lru_cache(maxsize=64)
def _folded(text: str) -> str:
    """``text`` in lower case without accents, one character for one (so offsets hold): the
    text every known-name search runs on, folded once per text instead of writing an accent
    class per letter into each name's pattern (that compile cost most of a note's time)."""
    return "".join(_fold_char(ch) for ch in text)


def _is_word_char(ch: str) -> bool:
    """Whether ``ch`` is a letter, digit or underscore (``[\\p{L}\\p{N}_]``)."""
    return ch.isalnum() or ch == "_"


@lru_cache(maxsize=1024)
def _name_re(key: str) -> re.Pattern[str]:
    """A pattern for a folded name of several words or with an apostrophe (``key``), on
    :func:`_folded` text: ' or ’ or none, hyphen or spaces between words, and a possessive
    written without its apostrophe ("Marias mom")."""
    out: list[str] = []
    for ch in key:
        if ch in "'’`":
            out.append("['’`]?")
        elif ch == "-" or ch.isspace():
            out.append(r"[\s-]+")
        else:
            out.append(re.escape(ch))
    return re.compile(rf"(?<!\w){''.join(out)}(?:(?<=[^\W\d_])s)?(?!\w)")


def _name_matches(text: str, name: str) -> list[tuple[int, int]]:
    """Where ``name`` occurs in ``text`` as whole words, in any case, accents optional, '
    or ’ or none, hyphen or space, and a possessive written without its apostrophe
    ("Marias mom").

    Args:
        text: the text.
        name: one known name or part of it.

    Returns:
        ``(start, end)`` offsets in ``text``, in order.
    """
    folded = _folded(text)
    key = "".join(_fold_char(ch) for ch in name)
    if not key.isalnum():
        return [m.span() for m in _name_re(key).finditer(folded)]
    out: list[tuple[int, int]] = []
    size = len(folded)
    i = folded.find(key)
    while i >= 0:
        end = i + len(key)
        if i == 0 or not _is_word_char(folded[i - 1]):
            if (
                end < size
                and folded[end] == "s"
                and (end + 1 == size or not _is_word_char(folded[end + 1]))
            ):
                out.append((i, end + 1))
            elif end == size or not _is_word_char(folded[end]):
                out.append((i, end))
        i = folded.find(key, i + 1)
    return out


def _parts(name: str) -> tuple[str, list[str]]:
    """The name without titles ("Dr. Ana Ruiz" -> "Ana Ruiz") and its parts, hyphened parts
    split too ("Lopez-Garcia" -> "Lopez-Garcia", "Lopez", "Garcia")."""
    words = [w.strip('.()"“”‘') for w in regex.split(r"[\s,]+", name)]
    words = [w for w in words if w]
    words = [w for w in words if w.lower().strip(".") not in _TITLE_WORDS] or words
    parts: list[str] = []
    for w in words:
        parts.append(w)
        if "-" in w:
            parts += [p for p in w.split("-") if p]
    parts = [p for p in parts if len(p) >= 2 and p.lower() not in _PARTICLES]
    return " ".join(words), parts


def known_name_spans(text: str, known_names: Iterable[str]) -> list[PiiSpan]:
    """Occurrences of the app-typed names, whole and by part (see the module docstring).

    Args:
        text: the text.
        known_names: names typed into the app's own fields.

    Returns:
        NAME spans (score 1.0), possibly overlapping; :func:`bot.privacy._resolve` settles them.
    """
    lex = _lexicon()
    out: list[PiiSpan] = []
    held: list[tuple[str, int, int]] = []
    seen: set[str] = set()
    for raw in known_names:
        name = " ".join(str(raw).split())
        if len(name) < 2:
            continue
        whole, parts = _parts(name)
        words = whole.split()
        runs = [
            " ".join(words[i:j]) for i in range(len(words)) for j in range(len(words), i + 1, -1)
        ]
        wanted = [(run, False) for run in runs if run.lower().split()[-1] not in _PARTICLES]
        wanted += [(p, True) for p in parts]
        for word, single in wanted:
            key = _fold(word).lower()
            if key in seen:
                continue
            seen.add(key)
            ordinary = single and (key in lex.common or word.capitalize() in NOT_NAMES)
            for m_start, m_end in _name_matches(text, word):
                initial = _INITIAL_AFTER.match(text, m_end) if single else None
                if initial is not None:
                    # "tyler w", "jacob T.", "autumn h's": a name and an initial (and its dot)
                    stop = initial.end() + (text[initial.end() : initial.end() + 1] == ".")
                    out.append(
                        PiiSpan(
                            kind="NAME",
                            start=m_start,
                            end=stop,
                            text=text[m_start:stop],
                            score=1.0,
                        )
                    )
                    continue
                if ordinary and (
                    (m_end - m_start) > len(word) or ordinary_use(text, m_start, m_end)
                ):
                    if (m_end - m_start) == len(word) and _known_name_here(text, m_start, m_end):
                        pass
                    else:
                        held.append((key, m_start, m_end))
                        continue
                if single and _is_place(text, m_start, m_end):
                    continue
                start = m_start
                before = _INITIAL_BEFORE.search(text, max(0, start - 4), start)
                if before is None and text[m_start : m_start + 1].isupper():
                    before = _CAPITAL_INITIAL_BEFORE.search(text, max(0, start - 4), start)
                if before is not None:
                    # "j. brooks", "J Brooks": an initial before the name
                    start = before.start()
                out.append(
                    PiiSpan(kind="NAME", start=start, end=m_end, text=text[start:m_end], score=1.0)
                )
    for raw in known_names:
        given = _parts(" ".join(str(raw).split()))[0].split()[:1]
        if not given or len(given[0]) < 5 or not given[0].isalpha():
            continue
        for m in _nickname_rx(_fold(given[0]).lower()).finditer(_folded(text)):
            nick = m.group()
            if _NOT_NICKNAMES.fullmatch(nick):
                continue
            if nick in lex.common or nick.title() in NOT_NAMES:
                # a nickname that is also a word ("jay", "Max"): only beside the full name,
                # "jay (jaylen)", or where it is not the word ("Max's mom", "Jay missed")
                beside = regex.match(rf"\s*\(\s*{regex.escape(given[0])}", text[m.end() :], regex.I)
                if not beside and (
                    ordinary_use(text, m.start(), m.end())
                    and not _known_name_here(text, m.start(), m.end())
                ):
                    continue
            out.append(
                PiiSpan(
                    kind="NAME",
                    start=m.start(),
                    end=m.end(),
                    text=text[m.start() : m.end()],
                    score=0.9,
                )
            )
    # a known part that is also a word, taken as the name once in this text, is the name
    # again where only punctuation follows it ("hunter's mom … said hunter (bday oct 12)")
    out += _other_forms(text, known_names)
    # a known part that is also a word, taken as the name once in this text, is the name
    # again before a verb with a subject ("joy's mom said joy is scared")
    taken = {_fold(s.text).lower() for s in out}
    for key, start, end in held:
        after = _WORD_AFTER.match(text, end)
        following = after.group(1).lower() if after else ""
        if key in taken and (
            _PUNCT_AFTER.match(text, end) or (key not in MODAL_WORDS and _subject_verb(following))
        ):
            out.append(PiiSpan(kind="NAME", start=start, end=end, text=text[start:end], score=0.9))
    return _with_particles(text, known_names, out)


_FUNCTION_PARTICLES: frozenset[str] = frozenset(
    "de del la las los y e el da di du dos das al st".split()  # noqa: SIM905
)
"""Particles that are also everyday Spanish or English words: joined to a name only when
capitalised ("De la Rosa"; not "la mamá de maria")."""


def _with_particles(text: str, known_names: Iterable[str], spans: list[PiiSpan]) -> list[PiiSpan]:
    """Join to a found known name a particle of one of the known names written right before or
    after it ("Lê Thị Hoa", "lê thị hoa" for the known "Thi Hoa Le": "Le" is never matched
    alone, issue 10, pii7).

    Args:
        text: the text.
        known_names: the app-typed names.
        spans: the NAME spans found so far.

    Returns:
        ``spans``, each grown over such a particle.
    """
    particles = {
        _fold(w).lower()
        for raw in known_names
        for w in regex.split(r"[\s,-]+", str(raw))
        if len(w) >= 2 and _fold(w).lower() in _PARTICLES
    }
    if not particles:
        return spans

    def joins(word: str) -> bool:
        low = _fold(word).lower()
        return low in particles and (word[:1].isupper() or low not in _FUNCTION_PARTICLES)

    out: list[PiiSpan] = []
    for s in spans:
        start, end = s.start, s.end
        before = _WORD_BEFORE.search(text, max(0, start - 12), start)
        if before and joins(before.group(1)):
            start = before.start(1)
        after = _WORD_AFTER.match(text, end)
        if after and joins(after.group(1)):
            end = after.end(1)
        out.append(
            s
            if (start, end) == (s.start, s.end)
            else PiiSpan(kind="NAME", start=start, end=end, text=text[start:end], score=s.score)
        )
    return out


_NOT_NICKNAMES = regex.compile(
    r"(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|mon|tue|tues|wed|thu|thur|thurs|fri|"
    r"sat|sun|the|and|ann|per|pre|pro|con|com|mis|dis|sub|tri|uni|abs|min|max|sec|hrs|yrs|wks)"
)
"""Prefixes that are abbreviations or word starts, never taken as a nickname ("Mar" of
"Marcus", "Thu" of "Thurman")."""


@lru_cache(maxsize=1024)
def _nickname_rx(given: str) -> re.Pattern[str]:
    """Nicknames of a known given name: its first three letters or more, at least half of it,
    as a whole word in any case ("Jay" and "jay" for "Jaylen", "Chris" for "Christopher",
    "Sam's" for "Samantha"). ``given`` is folded and in lower case; the pattern runs on
    :func:`_folded` text (the stdlib ``re`` compiles such a pattern several times faster)."""
    shortest = max(3, (len(given) + 1) // 2)
    prefixes = [re.escape(given[:n]) for n in range(len(given) - 1, shortest - 1, -1)]
    return re.compile(rf"(?<![\w'’-])(?:{'|'.join(prefixes)})(?![\w-])")


_PUNCT_AFTER = regex.compile(r"[ \t]*(?:[(),;:!?]|\.(?:\s|$)|$)")
_WORD_BEFORE = regex.compile(r"(?<![\p{L}'’])(\p{L}+)[ \t]+$")
_WORD_AFTER = regex.compile(r"[ \t]+(\p{L}+)(?![\p{L}'’])")


def _known_name_here(text: str, start: int, end: int) -> bool:
    """Whether a known part that is also an ordinary word is the name here all the same: a
    verb with a subject follows it ("per gma, dakota turned 12"), or a first name of the name
    list stands right before it ("mom maria delgado" for the known "Jaylen Delgado"), or a
    Spanish family word and "de" ("la abuelita de santiago")."""
    word = text[start:end].lower()
    if word not in MODAL_WORDS and _TALKED_TO.search(text, max(0, start - 24), start):
        # "talked to hope after 2nd per.", "asked joy"
        return True
    if _FAMILY_DE.search(text, max(0, start - 24), start):
        # "la abuelita de santiago", "el papá de rosa"
        return True
    after = _WORD_AFTER.match(text, end)
    following = after.group(1).lower() if after else ""
    if word not in MODAL_WORDS and following != "is" and _subject_verb(following):
        return True
    before = _WORD_BEFORE.search(text, max(0, start - 24), start)
    if before:
        prev = before.group(1)
        lex = _lexicon()
        low = prev.lower()
        return low in lex.first_lower and low not in lex.common and prev not in NOT_NAMES
    return False


_DIMINUTIVE = "(?:it[oa]s?|cit[oa]s?|ill[oa]s?|ic[oa])"
"""Spanish diminutive endings: "Carlitos" (Carlos), "Juanito", "Anita", "Rosita", "Miguelito"."""
_ANY_WORD = regex.compile(r"(?<![\p{L}\p{N}_'’ʻ-])\p{L}[\p{L}ʻ]*(?![\p{L}\p{N}_ʻ])")


def _stem(given: str) -> str:
    """A Spanish given name without its last vowel or "-os"/"-as" ("carl" of "carlos", "ros"
    of "rosa", "juan" of "juan"); the stem a diminutive ending is added to."""
    if given.endswith(("os", "as")) and len(given) > 4:
        return given[:-2]
    if given[-1:] in "aeo" and len(given) > 3:
        return given[:-1]
    return given


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by exactly one letter added, dropped, changed or two
    neighbours swapped ("pahoua" / "pahua", "aidan" / "aiden", "aliyah" / "aaliyah")."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


@lru_cache(maxsize=1024)
def _forms_rx(forms: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for a given name's other forms (``forms``: folded lower-case nicknames and
    the diminutive pattern), as whole words, on :func:`_folded` text."""
    return re.compile(rf"(?<![\w'’-])(?:{'|'.join(forms)})(?![\w-])")


def _other_forms(text: str, known_names: Iterable[str]) -> list[PiiSpan]:
    """Known names written another way: a nickname that is not the start of the given name
    (:data:`bot.privacy.words.NICKNAMES`: "Chuy" for Jesús, "Chayo" for Rosario, "Kat" for
    Katarzyna, "Ty" for Tyrone), a Spanish diminutive ("Carlitos" for Carlos, "Anita" for
    Ana), the initials with dots ("J.R." for James Ruiz), and a misspelling by one letter of a
    part of four letters or more ("Pahoua" for Pahua, "Aidan" for Aiden) that is not an
    ordinary word (issue 10, pii7).

    Args:
        text: the text.
        known_names: names typed into the app's own fields.

    Returns:
        NAME spans (score 0.9 for nicknames and initials, 0.8 for misspellings).
    """
    lex = _lexicon()
    out: list[PiiSpan] = []
    parts: set[str] = set()
    for raw in known_names:
        whole, name_parts = _parts(" ".join(str(raw).split()))
        words = whole.split()
        if not words:
            continue
        parts |= {_fold(p).lower() for p in name_parts if "-" not in p}
        given = _fold(words[0]).lower()
        forms = list(NICKNAMES.get(given, ()))
        if len(given) >= 3 and given.isalpha():
            forms.append(re.escape(_stem(given)) + _DIMINUTIVE)
        if forms:
            for m in _forms_rx(tuple(forms)).finditer(_folded(text)):
                word = m.group()
                if (word in lex.common or word.title() in NOT_NAMES) and (
                    ordinary_use(text, m.start(), m.end())
                    and not _known_name_here(text, m.start(), m.end())
                ):
                    continue
                out.append(
                    PiiSpan(
                        kind="NAME",
                        start=m.start(),
                        end=m.end(),
                        text=text[m.start() : m.end()],
                        score=0.9,
                    )
                )
        if len(words) >= 2 and words[0][:1].isalpha() and words[-1][:1].isalpha():
            first, last = _fold(words[0][0]).upper(), _fold(words[-1][0]).upper()
            for m in regex.finditer(
                rf"(?<![\p{{L}}\p{{N}}.]){first}\.[ \t]?{last}\.(?![\p{{L}}\p{{N}}])", text
            ):
                out.append(
                    PiiSpan(kind="NAME", start=m.start(), end=m.end(), text=m.group(), score=0.9)
                )
    targets = {p for p in parts if len(p) >= 4 and p not in lex.common and p.isalpha()}
    if not targets:
        return out
    for m in _ANY_WORD.finditer(text):
        word = m.group()
        low = _fold(word).lower()
        if len(low) < 4 or low in parts or low in lex.common or word.title() in NOT_NAMES:
            continue
        if not (word.istitle() or word.isupper() or (len(low) >= 5 and word.islower())):
            continue
        for t in targets:
            if (
                t[0] == low[0]
                and (len(t) >= 5 or len(low) >= 5 or word[:1].isupper())
                and low not in (t + "s", t[:-1])
                and t not in (low + "s", low[:-1])
                and _one_edit(low, t)
            ):
                out.append(PiiSpan(kind="NAME", start=m.start(), end=m.end(), text=word, score=0.8))
                break
    return out
