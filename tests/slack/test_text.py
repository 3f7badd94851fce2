"""Text hygiene: escaping, Markdown to mrkdwn, splitting within Slack's limits."""

from __future__ import annotations

import random
import re

import pytest

from bot.core.review import review
from bot.slack.text import (
    MAX_BLOCKS,
    SECTION_LIMIT,
    TEXT_LIMIT,
    escape,
    from_slack,
    paginate,
    section_blocks,
    split_text,
    to_mrkdwn,
    truncate,
)


def _words(text: str) -> list[str]:
    return text.split()


def test_escape_only_the_three_control_characters() -> None:
    assert escape("a & b < c > d 'e' \"f\"") == "a &amp; b &lt; c &gt; d 'e' \"f\""
    assert escape("<!channel> <@U1>") == "&lt;!channel&gt; &lt;@U1&gt;"


def test_from_slack_decodes_entities_and_markup_to_plain_text() -> None:
    raw = "Hi <@U123>, see <https://x.org/a|the form> &amp; <#C1|general> &lt;b&gt; <!here>"
    assert from_slack(raw) == "Hi @U123, see the form & #general <b> @here"
    # round trip: what a person typed comes back escaped, never as live markup
    assert escape(from_slack("&lt;!channel&gt;")) == "&lt;!channel&gt;"


def test_to_mrkdwn_converts_markdown_with_the_library_and_escapes() -> None:
    out = to_mrkdwn("**Bold** and a [link](https://example.org) & <b>")
    assert "*Bold*" in out
    assert "<https://example.org|link>" in out
    assert "&amp;" in out and "&lt;b&gt;" in out


@pytest.mark.parametrize(
    "markup", ["<!channel>", "<!here>", "<@U0ADMIN>", "<#C123>", "<!subteam^S1>"]
)
def test_to_mrkdwn_never_lets_model_text_mention_or_broadcast(markup: str) -> None:
    out = to_mrkdwn(f"Hello {markup} everyone")
    assert "<" not in out.replace("&lt;", "")
    assert markup[1:-1] in out


def test_split_keeps_every_word_and_respects_the_limit() -> None:
    rng = random.Random(7)
    vocab = ["attendance", "morning", "bus", "&amp;", "Marcus", "—", "school's", "x" * 30]
    text = " ".join(rng.choice(vocab) for _ in range(3000))
    text = text.replace("bus bus", "bus\n\nbus").replace("morning morning", "morning\nmorning")
    pieces = split_text(text, 500)
    assert all(0 < len(p) <= 500 for p in pieces)
    assert _words(" ".join(pieces)) == _words(text)
    # no word was cut: each piece starts and ends on a word boundary of the original
    words = set(_words(text))
    for p in pieces:
        assert _words(p)[0] in words and _words(p)[-1] in words


def test_split_prefers_paragraphs_then_lines() -> None:
    text = ("a" * 40 + " ") * 10 + "\n\n" + "b" * 100
    pieces = split_text(text, 450)
    assert pieces[0].endswith("a") and pieces[-1] == "b" * 100


def test_a_word_longer_than_the_limit_is_cut_but_not_inside_an_entity() -> None:
    text = "x" * 9 + "&amp;" + "y" * 20
    pieces = split_text(text, 11)
    assert "".join(pieces) == text
    assert all(len(p) <= 11 for p in pieces)
    assert not any(re.search(r"&[a-z]*$", p) for p in pieces[:-1])


def test_split_empty_and_bad_limit() -> None:
    assert split_text("   \n ", 10) == []
    with pytest.raises(ValueError):
        split_text("abc", 0)


def test_truncate_at_a_word_boundary() -> None:
    assert truncate("short", 10) == "short"
    out = truncate("one two three four five", 12)
    assert len(out) <= 12 and out.endswith("…") and out.startswith("one two")


def test_section_blocks_and_pagination_stay_within_limits() -> None:
    long_text = " ".join(["word"] * 5000)  # 24,999 characters
    sections = section_blocks(long_text)
    assert all(len(b["text"]["text"]) <= SECTION_LIMIT for b in sections)
    assert _words(" ".join(b["text"]["text"] for b in sections)) == _words(long_text)
    many = [{"type": "divider"}] * 120
    messages = paginate("fallback " * 1000, many)
    assert [len(m.blocks) for m in messages] == [MAX_BLOCKS, MAX_BLOCKS, 20]
    assert all(len(m.text) <= TEXT_LIMIT for m in messages)
    plain = paginate(long_text)
    assert all(len(m.text) <= TEXT_LIMIT for m in plain) and len(plain) == 7
    assert _words(" ".join(m.text for m in plain)) == _words(long_text)


@pytest.mark.parametrize(
    ("slack_text", "kinds"),
    [
        ("<@U123ABC> dont you think he should be here every day", {"persuasion", "judgment"}),
        ("*Have you tried* an alarm :alarm_clock: clock?", {"advice"}),
        ("<https://example.org/attendance|this attendance guide> might help", {"advice"}),
        ("<@U123ABC> ¿No cree que *debería* venir todos los días? :pray:", {"persuasion"}),
        ("*Tell me* about mornings :slightly_smiling_face:", set()),
    ],
)
def test_slack_markup_is_plain_text_before_review(slack_text: str, kinds: set[str]) -> None:
    """The adapter turns markup into plain text; the core reviewer never sees Slack syntax."""
    plain_text = from_slack(slack_text)
    assert "<" not in plain_text and ":" not in plain_text.replace("https:", "")
    r = review(plain_text)
    assert kinds <= r.kinds if kinds else r.findings == []
