"""The coach screens' Block Kit, from hand-built views: findings in place, limits, escaping.

The expected texts are written here by hand; nothing is produced by the code under test.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from coach_samples import (
    ADVICE,
    WHEN,
    alert,
    feedback,
    queue,
    staff_session,
    transcript,
    turn,
)
from coach_slack_kit import buttons, flat, unmarked

from bot.core.models import Finding
from bot.presenters.coach_views import DisputeRow, FeedbackRow, ReadRow
from bot.slack import coach_blocks, coach_messages, ids


def _finding(kind: str, severity: str, span: tuple[int, int], evidence: str) -> Finding:
    return Finding(kind=kind, severity=severity, span=span, evidence=evidence, why="Because.")  # type: ignore[arg-type]


def _limits(view: dict[str, Any]) -> None:
    """Slack's limits on a modal: 100 blocks, 3,000 characters a section, a 24-char title."""
    assert len(view["blocks"]) <= 100
    assert len(view["title"]["text"]) <= 24
    for block in view["blocks"]:
        if block["type"] == "section" and "text" in block:
            assert 0 < len(block["text"]["text"]) <= 3000
        for el in block.get("elements") or []:
            assert len(el.get("text", "") if isinstance(el.get("text"), str) else "") <= 3000


def test_a_finding_is_marked_at_its_words_and_numbered() -> None:
    marked, numbered = coach_blocks.mark_findings("Have you tried an earlier bedtime?", [ADVICE])
    assert marked == "Have you *tried an earlier bedtime*[1]?"
    assert numbered == [ADVICE]


def test_marking_escapes_text_and_keeps_spaces_outside_the_bold() -> None:
    text = "Tell me & <b>you</b> should go"
    finding = _finding("persuasion", "intervention", (8, 25), " <b>you</b> should ")
    marked, _ = coach_blocks.mark_findings(text, [finding])
    assert marked == "Tell me &amp; *&lt;b&gt;you&lt;/b&gt; should*[1] go"


def test_overlapping_findings_share_one_stretch_and_stray_ones_are_listed() -> None:
    text = "Why did you not just try harder?"
    why = _finding("why_blame", "craft", (0, 11), "Why did you")
    advice = _finding("advice", "intervention", (4, 26), "did you not just try har")
    stray = _finding("judgment", "intervention", (0, 3), "lazy")
    marked, numbered = coach_blocks.mark_findings(text, [advice, stray, why])
    assert marked == "*Why did you not just try har*[1][2]der?"
    assert numbered == [why, advice, stray]


def test_a_span_that_moved_is_found_by_its_words() -> None:
    moved = _finding("advice", "intervention", (0, 5), "an alarm")
    marked, _ = coach_blocks.mark_findings("Maybe set an alarm.", [moved])
    assert marked == "Maybe set *an alarm*[1]."


def test_the_transcript_page_shows_everything_with_the_coach_buttons() -> None:
    view = coach_blocks.transcript_modal(transcript(page=1, pages=3), private_metadata="{}")
    _limits(view)
    text = flat(view["blocks"])
    assert "<@USTAFF>'s practice with Rosa Martínez: 15 turns." in text
    assert "Page 2 of 3" in text
    assert "*Staff:* Have you *tried an earlier bedtime*[1]?" in text
    assert "*Rosa Martínez:* We have. It's not that." in text
    assert "[1] *Advice* (turns it into an intervention): “tried an earlier bedtime”" in text
    assert (
        "<@USTAFF> thinks the note on turn 7 was wrong (advice). They said: “I was asking.”" in text
    )
    assert "*On turn 7 (draft, not sent yet):* Try a reflection here." in text
    pages = [b["value"] for b in buttons(view["blocks"], ids.ACTION_COACH_PAGE)]
    assert pages == ["s-1:0", "s-1:2"]
    assert [b["value"] for b in buttons(view["blocks"], ids.ACTION_COACH_COMMENT)] == [
        "s-1:7",
        "s-1:all",
    ]
    assert [b["value"] for b in buttons(view["blocks"], ids.ACTION_DISPUTE_WRONG)] == ["41"]
    assert [b["value"] for b in buttons(view["blocks"], ids.ACTION_DISPUTE_STANDS)] == ["41"]
    assert buttons(view["blocks"], ids.ACTION_COACH_SEND)[0]["value"] == "s-1"
    assert buttons(view["blocks"], ids.ACTION_COACH_REVIEWED)[0]["value"] == "s-1"
    # page 1 of a reviewed session with nothing to send: no Send, no Mark reviewed
    done = replace(
        transcript(page=0, pages=1),
        reviewed=True,
        feedback=(FeedbackRow(id="9", turn_index=None, text="Well done.", sent=True),),
        flag_reasons=("16 turns without reaching the hidden insight.",),
        staff_note="Was I pushy?",
    )
    view = coach_blocks.transcript_modal(done, private_metadata="{}")
    text = flat(view["blocks"])
    assert buttons(view["blocks"], ids.ACTION_COACH_SEND) == []
    assert buttons(view["blocks"], ids.ACTION_COACH_REVIEWED) == []
    assert buttons(view["blocks"], ids.ACTION_COACH_PAGE) == []
    assert "Marked reviewed." in text
    assert "*Note from <@USTAFF>:* “Was I pushy?”" in text
    assert "*Why it was flagged* • 16 turns without reaching the hidden insight." in text
    assert "*On the whole session (sent):* Well done." in text


def test_a_page_of_very_long_turns_is_split_not_cut_and_stays_within_100_blocks() -> None:
    words = [f"w{i}" for i in range(700)]  # ~3,000 characters each side
    staff = " ".join(words[:400])
    caregiver = " ".join(words[300:])
    notes = tuple(
        FeedbackRow(id=str(n), turn_index=i, text="Good " * 300, sent=False)
        for i in range(1, 7)
        for n in range(3)
    )
    disputes = tuple(DisputeRow(id=str(i), turn_index=i, kinds=("advice",)) for i in range(1, 7))
    long_turns = tuple(
        turn(i, staff, caregiver, _finding("advice", "intervention", (3, 7), staff[3:7]))
        for i in range(1, 7)
    )
    view = coach_blocks.transcript_modal(
        replace(transcript(page=0, pages=5), turns=long_turns, feedback=notes, disputes=disputes),
        private_metadata="{}",
    )
    _limits(view)
    shown = unmarked(flat(view["blocks"]))
    for i in range(1, 7):
        assert f"Turn {i} Staff: {staff}" in shown
        assert f"Rosa Martínez: {caregiver}" in shown
    assert shown.count("(draft, not sent yet)") == 18  # every draft is there


def test_lots_of_feedback_is_joined_into_fewer_blocks_not_dropped() -> None:
    notes = tuple(
        FeedbackRow(id=str(n), turn_index=7, text=f"Point {n}.", sent=True) for n in range(120)
    )
    many = replace(transcript(), feedback=notes)
    blocks = coach_blocks.transcript_modal(many, private_metadata="{}")["blocks"]
    assert len(blocks) <= 100
    shown = flat(blocks)
    assert all(f"Point {n}." in shown for n in range(120))


def test_the_queue_section_has_filter_rows_and_pages() -> None:
    blocks = coach_blocks.queue_blocks(queue(offset=5, total=12))
    text = flat(blocks)
    assert "Sessions for you to review" in text
    assert "6–6 of 12 unreviewed" in text
    assert "<@USTAFF> · Rosa Martínez · Mar 5 · 7 turns" in text
    assert (
        "sent Mar 5 · flagged: 12 turns without reaching the hidden insight. · "
        "1 open disagreement" in text
    )
    assert "Note: “Was I too pushy at the end?”" in text
    assert [b["value"] for b in buttons(blocks, ids.ACTION_COACH_OPEN)] == ["s-1"]
    values = [b["value"] for b in buttons(blocks, ids.ACTION_COACH_QUEUE)]
    assert values == ["unreviewed:0", "all:0", "unreviewed:0", "unreviewed:10"]
    styles = [b.get("style") for b in buttons(blocks, ids.ACTION_COACH_QUEUE)[:2]]
    assert styles == ["primary", None]
    empty = coach_blocks.queue_blocks(replace(queue(offset=0, total=0), items=()))
    assert "Nothing is waiting for your review." in flat(empty)
    assert [b["value"] for b in buttons(empty, ids.ACTION_COACH_QUEUE)] == ["unreviewed:0", "all:0"]


def test_the_feedback_dm_carries_open_session_and_reply() -> None:
    (message,) = coach_messages.feedback_dm(feedback())
    text = flat(message.blocks)
    assert "<@UCOACH> sent you feedback on your practice with Rosa Martínez." in text
    assert "*On turn 3:* Nice follow-up." in text
    assert buttons(message.blocks, ids.ACTION_STAFF_OPEN)[0]["value"] == "s-1"
    assert buttons(message.blocks, ids.ACTION_FEEDBACK_REPLY)[0]["value"] == "9"
    assert "<@UCOACH>" in message.text  # the notification names the coach too


def test_the_staff_session_lists_who_read_it() -> None:
    view = coach_blocks.staff_session_modal(staff_session(), private_metadata="{}")
    _limits(view)
    text = flat(view["blocks"])
    assert "*Who read this session* <@UCOACH> read it on Mar 5 at 6:00 PM UTC" in text
    assert "*On the whole session:* Lovely open start." in text
    assert [b["value"] for b in buttons(view["blocks"], ids.ACTION_STAFF_PAGE)] == ["s-1:1"]
    unread = coach_blocks.staff_session_modal(
        replace(staff_session(), reads=()), private_metadata="{}"
    )
    assert "No coach has opened this session yet." in flat(unread["blocks"])


def test_the_coach_alert_escapes_the_note_and_offers_open() -> None:
    note = replace(alert(), note="Help <!channel> & me", flags=("Over 3 per 10 turns.",))
    (message,) = coach_messages.coach_alert(note)
    text = flat(message.blocks)
    assert "<@USTAFF> sent you a practice session with Rosa Martínez (7 turns)" in text
    assert "Help &lt;!channel&gt; &amp; me" in text and "<!channel>" not in text
    assert "Flagged: Over 3 per 10 turns." in text
    assert buttons(message.blocks, ids.ACTION_COACH_OPEN)[0]["value"] == "s-1"


def test_people_become_mentions_only_when_they_are_user_ids() -> None:
    assert coach_blocks.mrkdwn(f"Hi {coach_blocks.person('U0ABC')} & co") == "Hi <@U0ABC> &amp; co"
    assert coach_blocks.mrkdwn(f"Hi {coach_blocks.person('<!here>')}") == "Hi &lt;!here&gt;"


def test_modals_fit_their_titles_and_inputs() -> None:
    send = coach_messages.send_to_coach_modal(private_metadata="m")
    (note,) = send["blocks"]
    assert note["block_id"] == ids.BLOCK_COACH_NOTE and note["optional"] is True
    assert note["element"]["max_length"] == 500
    assert note["element"]["action_id"] == ids.element_id(ids.BLOCK_COACH_NOTE)
    form = coach_messages.feedback_modal(
        turn(12, "Is he sick?", "No."), "Rosa", private_metadata=""
    )
    assert form["title"]["text"] == "Feedback on turn 12"
    assert form["blocks"][-1]["element"]["max_length"] == 2000
    assert form["blocks"][-1]["optional"] is False
    modal = coach_messages.message_modal("A title that is much too long for Slack", "x")
    assert len(modal["title"]["text"]) <= 24
    assert re.fullmatch(r".{1,23}…", modal["title"]["text"])


def test_staff_reads_rows_name_each_coach_once_and_count_every_read() -> None:
    later = WHEN.replace(day=6, hour=9, minute=5)
    reads = [ReadRow("UCOACH", later), ReadRow("UOTHER", WHEN), ReadRow("UCOACH", WHEN)]
    blocks = coach_messages.staff_reads_blocks([("s-1", "Rosa Martínez", WHEN, reads)])
    text = flat(blocks)
    assert "Your sessions a coach has read" in text
    assert (
        "*Rosa Martínez* · Mar 5 · read 3 times by <@UCOACH>, <@UOTHER>, "
        "last on Mar 6 at 9:05 AM UTC" in text
    )
    assert buttons(blocks, ids.ACTION_STAFF_OPEN)[0]["value"] == "s-1"
    assert coach_messages.staff_reads_blocks([]) == []
