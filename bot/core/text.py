"""Text folding shared by the reviewer, topics, the engine and the responders.

The one place where the core folds what people type into what its rules
match: curly quotes and apostrophes to straight ones, long dashes and
non-breaking spaces to plain ones, letters to lower case and Spanish accents
folded, all one character for one so that offsets never move. Platform
markup (Slack's ``<@U1>`` mentions and ``&amp;`` entities, Teams' HTML) is
turned into plain text by each platform's adapter before text reaches the
core (``bot/slack/text.py``), never here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.models import Review

_CHAR_MAP = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
        "\u2026": ".",
    }
)

ASCII_LOWER = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ\u00c1\u00c9\u00cd\u00d3\u00da\u00d1\u00dc",
    "abcdefghijklmnopqrstuvwxyz\u00e1\u00e9\u00ed\u00f3\u00fa\u00f1\u00fc",
)
"""Lower-cases ASCII letters and the Spanish capitals ``ÁÉÍÓÚÑÜ`` one character
for one, so offsets never move (``str.lower`` can change the length of some
non-ASCII characters). Spanish rules are written in lower case with accents
optional (``qu[eé]``), because people often type without them."""

ACCENT_FOLD = str.maketrans("\u00e1\u00e9\u00ed\u00f3\u00fa\u00f1\u00fc", "aeiounu")
"""Drops the accents of lower-cased Spanish letters (``á`` -> ``a``, ``ñ`` ->
``n``); used to look up rule triggers, so a trigger written ``tómese`` also
wakes on ``tomese`` and the reverse."""

_SPANISH_WORD_LIST = (
    "que qué de del la las el los es y su sus por con para una un usted ustedes ella él le "
    "les lo se muy pero como cómo esta está hay tiene cuando cuándo donde dónde porque nos "
    "mi mas más hola gracias senora señora entonces también tambien cuenteme cuénteme "
    "cuentame cuéntame platiqueme platíqueme esto eso ese esa estos esas puede pueden ser "
    "estar asi así bien hoy dia día dias días todos todas todo toda hace hacer tienen va "
    "algo nada cosas casa escuela hija hijo hijos nina niña nino niño niños mamá "
    "trabajo ahora siempre nunca quiere vez veces hasta desde sobre entre ellos ellas "
    "pues bueno claro ayer mañana manana semana"
)
SPANISH_WORDS = frozenset(_SPANISH_WORD_LIST.split())
"""Common Spanish words that are not English words (lower case, with and
without accents). The reviewer applies its Spanish rules to an utterance with
one of them (or a Spanish character such as ``¿`` or ``ñ``)."""

_ENGLISH_WORD_LIST = (
    "the you your to and is what how he she it do does that of in tell about for we are have "
    "this with why his her they was"
)
ENGLISH_WORDS = frozenset(_ENGLISH_WORD_LIST.split())
"""Common English words, weighed against :data:`SPANISH_WORDS` by :func:`mostly_spanish`."""

_WORD = re.compile(r"[a-z\u00e1\u00e9\u00ed\u00f3\u00fa\u00f1\u00fc]+")
_SPANISH_LETTER = re.compile(r"[\u00e1\u00e9\u00ed\u00f3\u00fa\u00f1\u00fc]")


def mostly_spanish(text: str) -> bool:
    """Tell whether a sentence is mostly Spanish (for the language of a reframe).

    Args:
        text: any text (any case).

    Returns:
        True when it has ``¿`` or ``¡``, or when its distinct common Spanish
        words (plus one if it has a Spanish letter such as ``á`` or ``ñ``) are
        at least as many as its common English ones, and at least one.
    """
    if "\u00bf" in text or "\u00a1" in text:
        return True
    low = text.translate(ASCII_LOWER)
    words = set(_WORD.findall(low))
    spanish = len(words & SPANISH_WORDS) + (_SPANISH_LETTER.search(low) is not None)
    return spanish > 0 and spanish >= len(words & ENGLISH_WORDS)


@dataclass(frozen=True, slots=True)
class Cleaned:
    """Cleaned text plus the map from its offsets to the original's.

    Attributes:
        text: the cleaned text the rules match (same length as ``original``
            when no markup was removed).
        original: the utterance as received.
        offsets: ``offsets[i]`` is the original index of cleaned character
            ``i``; None when the cleaning kept every position (identity).
        low: ``text`` lower-cased by :data:`ASCII_LOWER` (ASCII letters and
            Spanish capitals; same length and offsets); the rules match this.
    """

    text: str
    original: str
    offsets: tuple[int, ...] | None
    low: str = ""

    def __post_init__(self) -> None:
        if not self.low:
            object.__setattr__(self, "low", self.text.translate(ASCII_LOWER))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a cleaned ``[start, end)`` span to the original text.

        Returns:
            ``(start, end)`` character offsets into :attr:`original`; the end
            covers the whole original character of the last cleaned one.
        """
        if self.offsets is None:
            return start, end
        if start >= end:
            pos = self.offsets[start] if start < len(self.offsets) else len(self.original)
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


def fold(text: str) -> str:
    """Fold typographic characters one for one (same length, same offsets).

    Args:
        text: any text.

    Returns:
        ``text`` with curly quotes and apostrophes straight, ``–``/``—`` as
        ``-``, a non-breaking space as a space and ``…`` as ``.``.
    """
    return text.translate(_CHAR_MAP)


_QUOTE_MAP = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u02bc": "'"}
)


def fold_quotes(text: str) -> str:
    """Fold only curly quotes and apostrophes to straight ones (same length)."""
    return text.translate(_QUOTE_MAP)


def clean(text: str) -> Cleaned:
    """Fold ``text`` for matching (:func:`fold`); offsets are the original's.

    Args:
        text: the utterance exactly as received (plain text, any length).

    Returns:
        A :class:`Cleaned` whose ``span`` maps matches back to ``text``.
    """
    return Cleaned(fold(text), text, None)


_FIRST_SENTENCE = re.compile(
    # a terminator that is not part of "a.m."/"p.m."/"Mr."/"Ms."/"Mrs."/"Dr."/"St."
    # and is followed by a space and a capital (or the end)
    r"(.+?(?<![ap]\.m)(?<![ap]\.m\.)(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bDr)(?<!\bSt)"
    r"[.!?])(?:\s+(?=[A-Z\"\u201c\u00bf\u00a1])|\s*$)",
    re.DOTALL,
)


def first_sentence(text: str) -> str:
    """Return the first sentence of a text, cut to at most 160 characters.

    Args:
        text: a fact from a card.

    Returns:
        Up to the first ".", "!" or "?" followed by a space (or the whole text),
        ending in "…" when longer than 160 characters.
    """
    match = _FIRST_SENTENCE.match(text.strip())
    sentence = match.group(1) if match else text.strip()
    return sentence if len(sentence) <= 160 else sentence[:159].rstrip() + "…"


_INVITATION_PATTERNS: tuple[str, ...] = (
    r"\banything else\b",
    r"\bwhat else\b",
    r"\bsomething else\b",
    r"\bis there more\b",
    r"\btake your time\b",
    r"\bno rush\b",
    r"\btell me more\b",
    r"\bsay more\b",
    r"\bgo on\b",
    r"\bi'?m listening\b",
    r"\balgo m[aá]s\b",
    r"\balguna otra cosa\b",
    r"(?:^|¿|\by )\s*qu[eé] m[aá]s\b",
    r"\bqué más\b",
    r"\bt[oó]mese su tiempo\b",
    r"\bt[oó]mate tu tiempo\b",
    r"\b(?:sin|no hay) prisa\b",
    r"\bcu[eé]nte(?:me|nme) m[aá]s\b",
    r"\bcu[eé]ntame m[aá]s\b",
    r"\bplat[ií](?:queme|came) m[aá]s\b",
    r"\b(?:la|lo|le) escucho\b",
    r"^\W*(?:aj[aá]|mm+)\W*$",
    r"^\W*(?:\.{2,}|…)\W*$",
    r"^\W*(?:m+-?hm+|mhm|uh-huh|hmm+)\W*$",
)
_INVITATION_RE = re.compile("|".join(_INVITATION_PATTERNS), re.IGNORECASE)


def is_invitation(text: str) -> bool:
    """Tell whether a staff turn is a pause-like invitation to say more.

    Examples: "Is there anything else?", "What else?", "Take your time.",
    "Tell me more.", a bare "…" (a silence prompt), "Mm-hmm.", and in Spanish
    "¿Algo más?", "¿Qué más?", "Tómese su tiempo.", "Cuénteme más." These are the
    moves DOMAIN.md says bring out the best material ("After asking: pause.
    Let silence work").

    Args:
        text: one staff utterance (curly apostrophes allowed).

    Returns:
        True when the text contains one of the invitation patterns.
    """
    return _INVITATION_RE.search(fold_quotes(text)) is not None


def asks_question(text: str, review: Review) -> bool:
    """Tell whether a staff turn asks something (a question or a prompt to talk).

    Args:
        text: the staff utterance.
        review: its review.

    Returns:
        True when the text has a "?", or the review saw an open question or a
        follow-up ("Tell me more." asks without a question mark), or the text
        is an invitation (:func:`is_invitation`).
    """
    if "?" in text or "¿" in text:
        return True
    if {"open_question", "follow_up"} & set(review.moves):
        return True
    return is_invitation(text)


# -- the boundary: what may enter from any platform ---------------------------------------

_BAD_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f"  # C0 controls except tab, newline, carriage return; DEL
    "\ud800-\udfff"  # lone surrogates (not encodable as UTF-8)
    "\ufdd0-\ufdef\ufffe\uffff]"  # Unicode non-characters
)
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
"""Zero-width characters, bidi marks, embeddings, overrides and isolates, soft hyphens."""


def sanitize(text: str) -> str:
    """Remove what no message should carry: NUL and other control characters, lone
    surrogates and Unicode non-characters (tab, newline and everything printable stay).

    Every platform adapter passes incoming text through this, so a NUL cannot break a
    PostgreSQL write and a lone surrogate cannot break a model request.

    Args:
        text: text as a platform delivered it.

    Returns:
        The text without those characters (same text when there were none).
    """
    return _BAD_CHARS.sub("", text)


def clean_label(text: str) -> str:
    """A name-like value (a pseudonym, a display label) made safe to echo to a team.

    :func:`sanitize`, then zero-width characters and bidirectional overrides removed
    (a right-to-left override can make "Ms. R" display as something else), then runs
    of whitespace made one space.

    Args:
        text: the value as typed.

    Returns:
        The cleaned, trimmed value.
    """
    return " ".join(_INVISIBLE.sub("", sanitize(text)).split())
