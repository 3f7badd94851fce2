"""When a name that is also an ordinary word ("Hope", "Will", "May", "Mark", "Grace") is used
as the word, not as the name.

The rule, for one occurrence of such a word (a known name, a name found once and propagated,
or a capitalised word of the name list):

1. **A name** when it is possessive ("Hope's", "will's"), or right after a title, a family
   or role word or a naming word ("Ms. Will", "her daughter Grace", "named Joy"); a
   lower-case modal ("her son will come") is not taken from a family word.
2. **Capitalised** (or in capitals in a text that is not all capitals):
   - a month-name ("May", "June", "April", "August") after "in / of / since / until / by /
     last / next / this / early / late / mid / through / from / every / end of", or before a
     number ("May 5"), is the month;
   - in the middle of a sentence it is the name ("I told Hope", "and Will said");
   - at the start of a sentence (or after ":", ";", a dash, a bullet) it is the ordinary
     word when the next word shows it: for "Will", "May", "Can", "Might", "Must" unless the
     next word is a verb that has a subject ("Will was", "May said", "Will missed") — so
     "Will call Friday" and "May need a ride" stay; for other words when the next word is a
     pronoun, an article, a preposition or an adverb ("Hope you", "Mark the calendar",
     "Grace for the form") — so "Hope missed 6 days" is the name.
3. **Lower case** (or a text all in capitals): the ordinary word ("we hope", "he will come",
   "a joy", "grace period"), except at the start of a sentence before a verb with a subject
   ("will was absent again", "hope missed the bus"; not "is": "hope is a big word").
4. **At the start of a sentence**, any case, a word that is not a modal is the name before a
   word that shows the note is about the student (:data:`ATTENDANCE_NEXT`: "rose out
   dentist", "ivy sick", "Sunny out - allergies", "rose bday 5/12/13"), before "no vino /
   no fue" ("luna no vino") or "y su hermano" ("dulce y su hermano").
"""

from __future__ import annotations

import regex

from bot.privacy.words import _KIN, _TITLES

MODAL_WORDS: frozenset[str] = frozenset({"will", "may", "can", "might", "must", "shall"})
"""Names that are also modal verbs: at a sentence start they are the verb unless a verb
with a subject follows ("Will was late" vs "Will call back")."""

MONTH_WORDS: frozenset[str] = frozenset({"may", "june", "april", "august", "january", "jan"})

ORDINARY_NEXT: frozenset[str] = frozenset(
    """
    i you he she we they it me him her us them my your his its our their this that these those
    the a an to for with so not all everything nothing something anything up out on in at by of
    from back again too also if when then there here more less some any no every each both
    please yet just still ever never really very much well now today tomorrow soon
    de del la las el los en con que y es para por sin al
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Words that, after a capitalised ordinary-word name at a sentence start, show the word is
used as the word ("Hope you feel better", "Mark the calendar", "Will you call", "Luz del
día")."""

SUBJECT_VERBS: frozenset[str] = frozenset(
    """
    was is has had said says came comes went goes got gets left told tells missed misses did
    does didn't doesn't didn’t doesn’t wasn't wasn’t isn't isn’t hasn't hasn’t hadn't hadn’t
    won't won’t can't can’t seems seemed looks looked likes liked wants wanted needs needed
    loves loved hates hated lives lived stays stayed rides rode walks walked takes took
    gave gives felt feels slept sleeps ate eats cried cries says ran runs sat sits stood made
    makes brought brings kept keeps began begins knows knew thinks thought and &
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Verbs (and "and") that show the word before them is the subject, so a name."""

_MONTH_BEFORE = regex.compile(
    r"(?i:\b(?:in|of|since|until|till|by|last|next|this|early|late|mid|through|from|every|each|"
    r"end\s+of|before|after|during|en|de)\s+)$"
)
_SENTENCE_START = regex.compile(r"(?:^|[.!?:;\n•*—–(]|\s-|^-)\s*[\"“'‘(\[]*$")
_NEXT_WORD = regex.compile(r"\s+([\p{L}'’&]+)")
CONTEXT_BEFORE = regex.compile(
    rf"(?i:\b(?:{_TITLES})\.?\s+|\b(?:{_KIN})(?:['’]s)?,?\s+"
    r"|\b(?:named|called|goes by|go by|name is|name's|name’s|nicknamed|aka)\s+)$"
)
"""A title, a family or role word, or a naming word just before a word."""


ATTENDANCE_NEXT: frozenset[str] = frozenset(
    """
    out absent sick ill tardy late home staying stays sent bday birthday dob b-day cumple
    faltó falto llegó llego vino
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Words that, after a name that is also a word at the start of a note's sentence, show it
is the student the note is about ("rose out dentist", "ivy sick", "Sunny out - allergies",
"hunter out for deer season", "rose bday 5/12/13", "luna faltó")."""

_SPANISH_AFTER_NO = regex.compile(
    r"\s+(?i:no)\s+(?i:vino|viene|vinieron|fue|asisti[oó]|lleg[oó]|ha\s+venido)\b"
)
_SPANISH_SIBLING = regex.compile(r"\s+(?i:y)\s+(?i:su|sus)\s+(?i:herman[oa]s?|prim[oa]s?)\b")


def _about_the_student(text: str, end: int, following: str) -> bool:
    """Whether the words after a sentence-start word ending at ``end`` make it the student:
    an attendance word ("out", "absent", "sick", "bday"), "no vino", or "y su hermano"."""
    return (
        following in ATTENDANCE_NEXT
        or bool(_SPANISH_AFTER_NO.match(text, end))
        or bool(_SPANISH_SIBLING.match(text, end))
    )


def _mostly_capitals(text: str) -> bool:
    """True when the text is written in capitals (three quarters of its cased letters)."""
    letters = [c for c in text if c.isalpha() and c.lower() != c.upper()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) >= 0.75 * len(letters)


def ordinary_use(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]``, a name that is also an ordinary word, is the word here.

    Args:
        text: the whole text.
        start: where the word starts.
        end: where it ends (exclusive).

    Returns:
        True when the occurrence is the ordinary word ("we hope", "Will call Friday",
        "In May"), False when it is the name (see the module docstring for the rule).
    """
    word = text[start:end]
    low = word.lower()
    if text[end : end + 2].lower() in ("'s", "’s"):
        return False
    before = text[max(0, start - 40) : start]
    titled = word[:1].isupper() and not (word.isupper() and _mostly_capitals(text))
    if CONTEXT_BEFORE.search(before) and (titled or low not in MODAL_WORDS):
        return False
    m = _NEXT_WORD.match(text, end)
    following = m[1].lower() if m else ""
    at_start = bool(_SENTENCE_START.search(text, max(0, start - 12), start))
    if titled:
        if low in MONTH_WORDS and (
            _MONTH_BEFORE.search(before) or regex.match(r"\s*\d", text[end : end + 3])
        ):
            return True
        if not at_start:
            return False
        if low in MODAL_WORDS:
            return not _subject_verb(following)
        if _about_the_student(text, end, following):
            return False
        return following in ORDINARY_NEXT
    if at_start and low not in MODAL_WORDS and _about_the_student(text, end, following):
        return False
    return not (at_start and following != "is" and _subject_verb(following))


def _subject_verb(word: str) -> bool:
    """A verb that has a subject before it: "was", "said", "missed" (not "need", "feed")."""
    return word in SUBJECT_VERBS or (len(word) > 3 and word.endswith("ed") and word[-3] != "e")
