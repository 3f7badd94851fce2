"""Text hygiene for Slack: escaping, Markdown to mrkdwn, and splitting within Slack's limits.

Slack's rules this module enforces (``docs.slack.dev``, "Formatting text" and
the Block Kit reference):

- In ``mrkdwn`` and plain ``text``, only ``&``, ``<`` and ``>`` are control
  characters; they are written as ``&amp;``, ``&lt;`` and ``&gt;``. Any user or
  model text embedded in a message goes through :func:`escape` (or
  :func:`to_mrkdwn` for model Markdown), so a staff member typing
  ``<!channel>`` never pings a channel.
- A section block's text holds at most :data:`SECTION_LIMIT` characters, a
  message at most :data:`MAX_BLOCKS` blocks, and this app keeps a message's
  plain ``text`` to :data:`TEXT_LIMIT` characters.

Long text is split at paragraph, then line, then word boundaries; a single
"word" longer than the limit (a long link) is cut, but never inside an
``&amp;``-style entity or a ``<…>`` link. Joining the pieces back with the
whitespace they were split at gives the original text: nothing is lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from slackify_markdown import slackify_markdown

from bot.core.text import sanitize

__all__ = [
    "CONTEXT_LIMIT",
    "HEADER_LIMIT",
    "MAX_BLOCKS",
    "SECTION_LIMIT",
    "TEXT_LIMIT",
    "Message",
    "context_blocks",
    "escape",
    "from_slack",
    "paginate",
    "plain",
    "section_blocks",
    "split_text",
    "to_mrkdwn",
    "truncate",
]

SECTION_LIMIT = 3000
"""Most characters in a section block's text object."""

CONTEXT_LIMIT = 3000
"""Most characters in one text element of a context block."""

HEADER_LIMIT = 150
"""Most characters in a header block's plain text."""

MAX_BLOCKS = 50
"""Most blocks in one message."""

TEXT_LIMIT = 4000
"""Most characters this app puts in a message's top-level ``text``."""

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_ESCAPE_RE = re.compile(r"[&<>]")
# Slack control sequences slackify-markdown deliberately lets through:
# <@U…> user mentions, <#C…> channel links, <!here>/<!channel>/<!subteam^…>.
_SPECIAL_RE = re.compile(r"<([@#!][^<>]*)>")
_ENTITY_TAIL_RE = re.compile(r"&[a-z]{0,4}$")


def escape(text: str) -> str:
    """Escape Slack's three control characters in user or model text.

    Args:
        text: any text (a staff message, a caregiver reply, a persona field).

    Returns:
        ``text`` with ``&``, ``<``, ``>`` replaced by ``&amp;``, ``&lt;``,
        ``&gt;``; everything else unchanged.
    """
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], text)


_SLACK_LINK_RE = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_UNESCAPES = {"&amp;": "&", "&lt;": "<", "&gt;": ">"}
_UNESCAPE_RE = re.compile("&(?:amp|lt|gt);")


def _plain_link(match: re.Match[str]) -> str:
    target, label = match.group(1), match.group(2)
    if target.startswith("!"):  # <!here>, <!channel>, <!subteam^S1|@team>, <!date^…|fallback>
        if label:
            return label
        word = target[1:].split("^", 1)[0]
        return "@" + word
    if target.startswith(("@", "#")):  # <@U123>, <#C123|general>
        return (target[0] + label) if label else target
    return label or target  # <https://x|label>, <mailto:a@b>


# :emoji: and :skin-tone-2: shortcodes.
_EMOJI_RE = re.compile(r":[a-z0-9_+\-']{1,40}:")
# *bold*, _italic_, ~strike~ markers around words (Slack mrkdwn).
_MARKER_RE = re.compile(r"(?<![\w*_~])([*_~])(?=\S)([^*_~\n]{1,300}?)(?<=\S)\1(?![\w*_~])")


def from_slack(text: str) -> str:
    """Turn the text of a Slack message event into the plain text the person typed.

    Slack encodes ``&``, ``<``, ``>`` as entities and wraps mentions and links
    in ``<…>``; the services get plain text (a link becomes its label, a
    mention its id with ``@`` or ``#``, ``:emoji:`` shortcodes and
    ``*bold*``/``_italic_``/``~strike~`` markers go; NUL, other control characters
    and lone surrogates go too: :func:`bot.core.text.sanitize`) so reviews and stored transcripts
    read naturally and nothing can be re-posted as a live mention.

    Args:
        text: the ``text`` field of a Slack message.

    Returns:
        Plain text; render it again only through :func:`escape`.
    """
    text = _SLACK_LINK_RE.sub(_plain_link, sanitize(text))
    text = _MARKER_RE.sub(r"\2", _EMOJI_RE.sub("", text))
    return _UNESCAPE_RE.sub(lambda m: _UNESCAPES[m.group(0)], text)


def to_mrkdwn(markdown: str) -> str:
    """Convert model Markdown to Slack mrkdwn with slackify-markdown, escaped.

    slackify-markdown converts bold, headings, lists, links and code and
    escapes ``& < >`` in text, but keeps Slack's own ``<@user>``, ``<#channel>``
    and ``<!here>`` sequences; model text must never mention or broadcast, so
    those are escaped as well.

    Args:
        markdown: Markdown written by a model (or plain text).

    Returns:
        mrkdwn text, without a trailing newline.
    """
    if not markdown.strip():
        return escape(markdown.strip())
    out = slackify_markdown(markdown).rstrip("\n")
    return _SPECIAL_RE.sub(lambda m: "&lt;" + m.group(1) + "&gt;", out)


def _safe_cut(text: str, limit: int) -> int:
    """Where to hard-cut ``text`` (which has no usable whitespace) at or before ``limit``.

    Backs off so that an ``&amp;``-style entity or a ``<…>`` link is not cut.
    """
    cut = limit
    head = text[:cut]
    entity = _ENTITY_TAIL_RE.search(head)
    if entity and entity.start() > 0:
        cut = entity.start()
        head = text[:cut]
    opened = head.rfind("<")
    if opened > 0 and head.rfind(">") < opened:
        cut = opened
    return max(cut, 1)


def split_text(text: str, limit: int) -> list[str]:
    """Split text into pieces of at most ``limit`` characters without cutting words.

    Splits at the last paragraph break (blank line) that fits, else the last
    line break, else the last space or tab. Only the whitespace run at each
    split point is dropped, so ``text`` is recovered by joining the pieces
    with the whitespace that separated them (no visible character is lost).
    A run of non-space characters longer than ``limit`` is cut, but not inside
    an ``&amp;``-style entity or a ``<…>`` link.

    Args:
        text: the text to split (already escaped / converted).
        limit: most characters per piece (positive).

    Returns:
        Pieces in order; ``[]`` for empty or whitespace-only text; each piece
        non-empty and at most ``limit`` characters.

    Raises:
        ValueError: when ``limit`` is less than 1.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    pieces: list[str] = []
    rest = text.strip()
    while rest:
        if len(rest) <= limit:
            pieces.append(rest)
            break
        window = rest[: limit + 1]  # a break right after the limit is fine too
        found = [window.rfind(sep) for sep in ("\n\n", "\n", " ", "\t")]
        # the strongest boundary in the second half of the window, else any boundary
        cut = next((c for c in found if c >= limit // 2), max(found))
        if cut <= 0:
            cut = _safe_cut(rest, limit)
            pieces.append(rest[:cut])
            rest = rest[cut:]
            continue
        piece = rest[:cut].rstrip()
        if piece:
            pieces.append(piece)
        rest = rest[cut:].lstrip()
    return pieces


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    """Shorten text to at most ``limit`` characters at a word boundary.

    For places where Slack allows only a short text (a header, a button, a
    notification fallback) and the full text is shown elsewhere.

    Args:
        text: the text.
        limit: most characters of the result, ellipsis included.
        ellipsis: appended when the text was shortened.

    Returns:
        ``text`` unchanged when it fits, else a shortened copy ending in ``ellipsis``.
    """
    if len(text) <= limit:
        return text
    room = max(limit - len(ellipsis), 1)
    head = text[:room]
    space = head.rfind(" ")
    head = head[:space] if space > room // 2 else head[: _safe_cut(text, room)]
    return head.rstrip() + ellipsis


def plain(text: str, *, emoji: bool = True) -> dict[str, Any]:
    """A ``plain_text`` text object.

    Args:
        text: the text (plain text needs no escaping).
        emoji: let Slack render ``:emoji:`` codes.

    Returns:
        ``{"type": "plain_text", "text": text, "emoji": emoji}``.
    """
    return {"type": "plain_text", "text": text, "emoji": emoji}


def section_blocks(mrkdwn: str, *, limit: int = SECTION_LIMIT) -> list[dict[str, Any]]:
    """Section blocks holding ``mrkdwn``, split so each stays within ``limit`` characters.

    Args:
        mrkdwn: escaped mrkdwn text.
        limit: most characters per section (Slack's 3,000 by default).

    Returns:
        One section block per piece (none for empty text).
    """
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": piece}}
        for piece in split_text(mrkdwn, limit)
    ]


def context_blocks(mrkdwn: str, *, limit: int = CONTEXT_LIMIT) -> list[dict[str, Any]]:
    """Context blocks (small grey text) holding ``mrkdwn``, split within ``limit``.

    Args:
        mrkdwn: escaped mrkdwn text.
        limit: most characters per context element.

    Returns:
        One context block per piece, each with a single mrkdwn element.
    """
    return [
        {"type": "context", "elements": [{"type": "mrkdwn", "text": piece}]}
        for piece in split_text(mrkdwn, limit)
    ]


@dataclass
class Message:
    """One Slack message ready for ``chat.postMessage``.

    Attributes:
        text: the top-level ``text`` (notification fallback when blocks are
            present), at most :data:`TEXT_LIMIT` characters.
        blocks: at most :data:`MAX_BLOCKS` blocks.
    """

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``chat.postMessage`` / ``respond``.

        Returns:
            ``{"text": …}`` plus ``"blocks"`` when there are blocks.
        """
        out: dict[str, Any] = {"text": self.text}
        if self.blocks:
            out["blocks"] = self.blocks
        return out


def paginate(
    fallback: str,
    blocks: Sequence[dict[str, Any]] = (),
    *,
    max_blocks: int = MAX_BLOCKS,
) -> list[Message]:
    """Split content into messages that each respect Slack's limits.

    With blocks: groups of at most ``max_blocks`` blocks; the first message's
    ``text`` is ``fallback`` truncated to :data:`TEXT_LIMIT` (it is only the
    notification text: the blocks carry everything), later ones say
    "(continued)". Without blocks: ``fallback`` is split into messages of at
    most :data:`TEXT_LIMIT` characters, nothing lost.

    Args:
        fallback: escaped text: the whole content when there are no blocks,
            else a short notification text.
        blocks: Block Kit blocks, each already within its own limits.
        max_blocks: most blocks per message.

    Returns:
        One or more messages, in order (one with empty text for no content).
    """
    if not blocks:
        parts = split_text(fallback, TEXT_LIMIT) or [fallback]
        return [Message(text=p) for p in parts]
    groups = [list(blocks[i : i + max_blocks]) for i in range(0, len(blocks), max_blocks)]
    first = truncate(fallback, TEXT_LIMIT) or "…"
    return [
        Message(text=first if i == 0 else truncate(f"{first} (continued)", TEXT_LIMIT), blocks=g)
        for i, g in enumerate(groups)
    ]


def join_lines(lines: Iterable[str]) -> str:
    """Join non-empty lines with newlines.

    Args:
        lines: text lines (empty ones are skipped).

    Returns:
        The joined text.
    """
    return "\n".join(line for line in lines if line)
