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
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
"""Lower-cases ASCII letters only, so offsets never move (``str.lower`` can
change the length of some non-ASCII characters)."""


@dataclass(frozen=True, slots=True)
class Cleaned:
    """Cleaned text plus the map from its offsets to the original's.

    Attributes:
        text: the cleaned text the rules match (same length as ``original``
            when no markup was removed).
        original: the utterance as received.
        offsets: ``offsets[i]`` is the original index of cleaned character
            ``i``; None when the cleaning kept every position (identity).
        low: ``text`` with ASCII letters lower-cased (same length and offsets);
            the rules match this.
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
