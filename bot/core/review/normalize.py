"""Clean a staff utterance for matching while keeping a map back to the original.

Slack delivers text with markup (``<@U123>``, ``<https://x|label>``,
``:emoji:``, ``*bold*``, ``&amp;``); people type curly quotes and long
dashes. The rules match the cleaned text, and every finding's span is mapped
back to character offsets of the *original* text with :class:`Cleaned`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Slack "angle bracket" entities: <@U123>, <#C123|name>, <!here>, <https://x|label>, <mailto:..>
_ANGLE = re.compile(r"<([@#!])[^<>]*>|<((?:https?|mailto):[^<>|]*)(?:\|([^<>]*))?>")
# :emoji: and :skin-tone-2: shortcodes.
_EMOJI = re.compile(r":[a-z0-9_+\-']{1,40}:")
# *bold*, _italic_, ~strike~ markers around words (Slack mrkdwn).
_MARKER = re.compile(r"(?<![\w*_~])([*_~])(?=\S)([^*_~\n]{1,300}?)(?<=\S)\1(?![\w*_~])")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'"}
_ENTITY = re.compile("|".join(map(re.escape, _ENTITIES)))
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
_NEEDS_WORK = re.compile(r"[<>:*_~&]")
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


def clean(text: str) -> Cleaned:
    """Remove Slack markup and fold typographic characters, keeping an offset map.

    ``<@U123>`` and ``<!here>`` become nothing, ``<https://x|label>`` becomes
    ``label``, ``<https://x>`` the URL, ``<#C1|name>`` ``#name``; ``:emoji:``
    shortcodes go; ``*bold*``/``_it_``/``~x~`` lose their markers; HTML
    entities Slack escapes are decoded; curly quotes and apostrophes become
    straight ones and dashes/non-breaking spaces plain ones (a one-to-one
    character fold, so it keeps positions).

    Args:
        text: the utterance exactly as received (any length).

    Returns:
        A :class:`Cleaned` whose ``span`` maps matches back to ``text``.
    """
    folded = text.translate(_CHAR_MAP)
    if not _NEEDS_WORK.search(folded):
        return Cleaned(folded, text, None)
    pieces: list[str] = []
    offsets: list[int] = []

    def keep(start: int, end: int) -> None:
        pieces.append(folded[start:end])
        offsets.extend(range(start, end))

    def substitute(replacement: str, at: int) -> None:
        pieces.append(replacement)
        offsets.extend([at] * len(replacement))

    # One left-to-right pass over the angle entities; emoji, markers and HTML
    # entities are handled inside the plain stretches between them.
    pos = 0
    for m in _ANGLE.finditer(folded):
        _plain(folded, pos, m.start(), keep, substitute)
        if m.group(1) == "#":
            inner = folded[m.start() + 1 : m.end() - 1]
            name = inner.split("|", 1)[1] if "|" in inner else ""
            if name:
                label_start = m.start() + 1 + inner.index("|") + 1
                substitute("#", m.start())
                keep(label_start, label_start + len(name))
        elif m.group(2) is not None:
            if m.group(3):
                keep(m.start(3), m.end(3))
            else:
                keep(m.start(2), m.end(2))
        pos = m.end()
    _plain(folded, pos, len(folded), keep, substitute)
    return Cleaned("".join(pieces), text, tuple(offsets))


def _plain(folded: str, start: int, end: int, keep, substitute) -> None:  # type: ignore[no-untyped-def]
    """Copy ``folded[start:end]`` dropping emoji and mrkdwn markers, decoding entities."""
    if start >= end:
        return
    segment = folded[start:end]
    drops: list[tuple[int, int, str | None]] = []  # (start, end, replacement)
    for m in _EMOJI.finditer(segment):
        drops.append((m.start(), m.end(), None))
    for m in _MARKER.finditer(segment):
        drops.append((m.start(), m.start() + 1, None))
        drops.append((m.end() - 1, m.end(), None))
    for m in _ENTITY.finditer(segment):
        drops.append((m.start(), m.end(), _ENTITIES[m.group(0)]))
    if not drops:
        keep(start, end)
        return
    drops.sort()
    cursor = 0
    for d_start, d_end, repl in drops:
        if d_start < cursor:
            continue  # overlapping (e.g. an emoji inside bold); the first wins
        if d_start > cursor:
            keep(start + cursor, start + d_start)
        if repl is not None:
            substitute(repl, start + d_start)
        cursor = d_end
    if cursor < len(segment):
        keep(start + cursor, end)
