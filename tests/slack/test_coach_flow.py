"""Coaches in Slack, end to end: /coach, Send to a coach, the queue, transcripts, feedback.

Signed requests go through the real Bolt app and the coaching service to a SQLite
file; everything the app said is read back from the fake Slack Web API.
"""

from __future__ import annotations

from typing import Any

import pytest
from coach_slack_kit import (
    ADMIN,
    COACH,
    STAFF,
    buttons,
    coach_command,
    dm,
    flat,
    home_of,
    make_coach,
    mark,
    modal_action,
    open_transcript,
    practice,
    send_to_coach,
    text_values,
    unmarked,
    views_since,
)
from fake_slack import TEAM_ID, FakeSlack
from slack_kit import AppServer, block_actions, submission

from bot.slack import ids
from bot.slack.text import escape

pytestmark = pytest.mark.integration


def _coach_ids(server: AppServer) -> list[str]:
    coaches = server.call(server.runtime.deps.coach.coaches(TEAM_ID))
    return [c.user_id for c in coaches]


def test_an_admin_adds_a_coach_who_is_told_and_listed(server: AppServer, fake: FakeSlack) -> None:
    assert "No coach is set" in coach_command(server, STAFF, "list")
    fake.users[ADMIN] = {"is_admin": True}
    answer = coach_command(server, ADMIN, f"add <@{COACH}|jordan>")
    assert answer.startswith(f"<@{COACH}> is now a coach in this workspace.")
    (told,) = dm(fake, COACH)
    assert f"<@{ADMIN}> made you a coach for this workspace" in told.text
    assert f"<@{COACH}>" in coach_command(server, STAFF, "list")
    assert _coach_ids(server) == [COACH]
    # adding again changes nothing and says so
    assert "is already a coach" in coach_command(server, ADMIN, f"add <@{COACH}|jordan>")
    assert len(dm(fake, COACH)) == 1
    # the admin check asked Slack (users.info) about the one typing the command
    assert any(c.params.get("user") == ADMIN for c in fake.calls_to("users.info"))
    # a typed id that names nobody, or a bot, is not made a coach
    fake.missing_users.add("U0PLAIN")
    fake.users["U0BOT"] = {"is_bot": True}
    for typed in ("U0PLAIN", "<@U0BOT|helper>"):
        answer = coach_command(server, ADMIN, f"add {typed}")
        assert answer.startswith("I couldn't find that person in this workspace")
    assert _coach_ids(server) == [COACH]


def test_someone_who_is_neither_admin_nor_coach_cannot_add_a_coach(
    server: AppServer, fake: FakeSlack
) -> None:
    answer = coach_command(server, STAFF, f"add <@{STAFF}|me>")
    assert "Only workspace admins and coaches can add or remove coaches" in answer
    assert _coach_ids(server) == []
    assert dm(fake, STAFF) == []
    # a coach can add another coach, and remove one
    make_coach(server)
    assert "is now a coach" in coach_command(server, COACH, "add <@U0SECOND|sam>")
    assert "is no longer a coach" in coach_command(server, COACH, "remove <@U0SECOND|sam>")
    assert _coach_ids(server) == [COACH]


def test_coach_command_help_unknown_and_missing_person(server: AppServer) -> None:
    assert "/coach add @name" in coach_command(server, STAFF, "")
    assert coach_command(server, STAFF, "promote everyone").startswith(
        "I don't know “/coach promote everyone”."
    )
    assert "Please name the person with @" in coach_command(server, ADMIN, "add jordan")
    off = coach_command(server, STAFF, "flagging")
    assert off.startswith("Automatic flagging is off.")


def test_flagging_is_set_by_admins_with_thresholds(server: AppServer, fake: FakeSlack) -> None:
    refused = coach_command(server, STAFF, "flagging on")
    assert "Only workspace admins and coaches" in refused
    fake.users[ADMIN] = {"is_owner": True}
    on = coach_command(server, ADMIN, "flagging on findings 4.5 turns 20")
    assert "more than 4.5 intervention findings per 10 turns" in on
    assert "20 or more turns without the hidden insight" in on
    settings = server.call(server.runtime.deps.coach.flag_settings(TEAM_ID))
    assert (settings.enabled, settings.findings_per_10, settings.turns_without_insight) == (
        True,
        4.5,
        20,
    )
    assert "between" in coach_command(server, ADMIN, "flagging on turns 1")
    lots = coach_command(server, ADMIN, "flagging on findings lots")
    assert "findings needs a number of findings per 10 turns" in lots and "“lots”" in lots
    assert "For example: /coach flagging on findings 3 turns 12" in lots
    assert "whole number" in coach_command(server, ADMIN, "flagging on turns 2.5")
    assert "needs a number after it" in coach_command(server, ADMIN, "flagging on turns")
    assert "not “speed”" in coach_command(server, ADMIN, "flagging on speed 3")
    assert coach_command(server, ADMIN, "flagging maybe").startswith("Say on or off first.")
    unchanged = server.call(server.runtime.deps.coach.flag_settings(TEAM_ID))
    assert (unchanged.findings_per_10, unchanged.turns_without_insight) == (4.5, 20)
    assert coach_command(server, ADMIN, "flagging off").startswith("Automatic flagging is off.")


def test_send_to_a_coach_with_a_note_dms_the_coach_at_once(
    server: AppServer, fake: FakeSlack
) -> None:
    make_coach(server)
    card, sid = practice(server, ["Tell me about mornings.", "What is hard about them?"])
    before = len(dm(fake, COACH))
    resp = send_to_coach(server, card, sid, "Was I too pushy at the end?")
    assert resp.status_code == 200 and resp.text == ""  # the modal closes
    (alert,) = dm(fake, COACH)[before:]
    body = flat(alert.blocks)
    assert f"<@{STAFF}> sent you a practice session with" in body
    assert "(2 turns)" in body and "Was I too pushy at the end?" in body
    (open_button,) = buttons(alert.blocks, ids.ACTION_COACH_OPEN)
    assert open_button["value"] == sid
    thread = [m.text for m in fake.messages(channel=f"D{STAFF}", thread_ts=card.ts)]
    assert any("Sent to your coach" in t for t in thread)
    # the note is stored with the request and shown to the coach in the queue
    page = server.call(server.runtime.deps.coach.queue(TEAM_ID, COACH))
    assert [(i.session_id, i.staff_note) for i in page.items] == [
        (sid, "Was I too pushy at the end?")
    ]


def test_with_no_coach_the_form_warns_and_the_first_coach_hears_what_waits(
    server: AppServer, fake: FakeSlack
) -> None:
    card, sid = practice(server, ["Tell me about mornings."])
    before = len(fake.calls_to("views.open"))
    resp = send_to_coach(server, card, sid, "Too many closed questions?")
    assert resp.status_code == 200
    form = flat(fake.calls_to("views.open")[before].params["view"]["blocks"])
    assert "This workspace has no coach set up yet" in form and "/coach add" in form
    thread = [m.text for m in fake.messages(channel=f"D{STAFF}", thread_ts=card.ts)]
    assert any("no one has been told" in t for t in thread)
    make_coach(server)
    (welcome,) = dm(fake, COACH)
    assert "One session is already waiting for a coach" in flat(welcome.blocks)
    # with a coach, the form has no warning
    card2, sid2 = practice(server, ["What are evenings like?"])
    before = len(fake.calls_to("views.open"))
    send_to_coach(server, card2, sid2)
    assert "no coach" not in flat(fake.calls_to("views.open")[before].params["view"]["blocks"])


def test_a_note_over_500_characters_keeps_the_form_open(server: AppServer, fake: FakeSlack) -> None:
    make_coach(server)
    card, sid = practice(server, ["Tell me about mornings."])
    resp = send_to_coach(server, card, sid, "x" * 501)
    assert resp.json()["response_action"] == "errors"
    assert "500 characters" in resp.json()["errors"][ids.BLOCK_COACH_NOTE]
    assert server.call(server.runtime.deps.coach.queue(TEAM_ID, COACH)).total == 0


def test_the_home_tab_queue_shows_exactly_the_sent_and_flagged_sessions(
    server: AppServer, fake: FakeSlack
) -> None:
    make_coach(server)
    _, kept_private = practice(server, ["Tell me about mornings."])
    card, sent = practice(server, ["What are mornings like?"])
    send_to_coach(server, card, sent, None)
    assert "Automatic flagging is on" in coach_command(server, ADMIN, "flagging on findings 1")
    advice = "Have you tried an earlier bedtime?"
    _, flagged = practice(server, [advice, "You should set an alarm.", advice, advice, advice])
    view = home_of(server, COACH)
    opened = [b["value"] for b in buttons(view["blocks"], ids.ACTION_COACH_OPEN)]
    assert opened == [flagged, sent]  # newest first; the private session is not there
    text = flat(view["blocks"])
    assert "Sessions for you to review" in text and "1–2 of 2 unreviewed" in text
    assert "flagged:" in text and "per 10 turns" in text
    assert kept_private not in str(view)
    # a staff member who is not a coach has no queue on their Home tab
    assert "Sessions for you to review" not in flat(home_of(server, STAFF)["blocks"])


def test_the_transcript_marks_findings_and_pages_a_long_session_without_cutting(
    server: AppServer, fake: FakeSlack
) -> None:
    make_coach(server)
    staff = [
        "Have you tried an earlier bedtime?" if i % 10 == 3 else f"Tell me about morning {i}."
        for i in range(1, 31)
    ]
    card, sid = practice(server, staff)
    send_to_coach(server, card, sid, "Long one, sorry & thanks")
    first = open_transcript(server, sid)
    pages = [first]
    assert "Page 1 of 5" in flat(first["blocks"])
    assert f"<@{STAFF}>'s practice with" in flat(first["blocks"])
    assert "30 turns" in flat(first["blocks"])
    assert "Long one, sorry &amp; thanks" in flat(first["blocks"])  # escaped, whole
    assert "Turns" in flat(first["blocks"]) and "Open questions" in flat(first["blocks"])
    view = first
    for page in range(1, 5):
        (later,) = buttons(view["blocks"], ids.ACTION_COACH_PAGE)[-1:]
        assert later["value"] == f"{sid}:{page}"
        before = mark(fake)
        server.post(modal_action(COACH, ids.ACTION_COACH_PAGE, later["value"], view=view))
        server.drain()
        ((method, view),) = views_since(fake, before)
        assert method == "views.update"
        assert f"Page {page + 1} of 5" in flat(view["blocks"])
        pages.append(view)
    assert buttons(pages[-1]["blocks"], ids.ACTION_COACH_PAGE)[0]["value"] == f"{sid}:3"
    for call in fake.calls_to("views.open") + fake.calls_to("views.update"):
        assert call.answer["ok"], call.answer  # every page fits Slack's limits
    assert all(len(p["blocks"]) <= 100 for p in pages)
    # every word of every turn, staff and caregiver, is on its page
    turns = server.call(server.runtime.deps.sessions.turns(TEAM_ID, STAFF, sid))
    assert len(turns) == 30
    for turn in turns:
        page = pages[(turn.index - 1) // 6]
        shown = unmarked(flat(page["blocks"]))
        assert f"Turn {turn.index}" in shown
        assert " ".join(escape(turn.staff).split()) in shown
        assert " ".join(escape(turn.caregiver).split()) in shown
    # the advice is marked at its words, numbered, and explained under the turn
    page1 = flat(pages[0]["blocks"])
    advised = next(t for t in turns if t.index == 3)
    (finding,) = [f for f in advised.review.findings if f.kind == "advice"][:1]
    assert f"*{escape(finding.evidence.strip())}*[1]" in page1
    assert "[1] *Advice* (turns it into an intervention)" in page1
    # each open and each page is recorded as a read, visible to the staff member
    reads = server.call(server.runtime.deps.coach.reads(TEAM_ID, STAFF, sid))
    assert [r.coach_user_id for r in reads] == [COACH] * 5


def _feedback_dms(fake: FakeSlack) -> list[Any]:
    return [m for m in dm(fake, STAFF) if buttons(m.blocks, ids.ACTION_STAFF_OPEN)]


def test_feedback_reaches_the_staff_dm_with_the_way_back_and_one_reply(
    server: AppServer, fake: FakeSlack
) -> None:
    make_coach(server)
    card, sid = practice(server, ["Tell me about mornings.", "Have you tried an earlier bedtime?"])
    send_to_coach(server, card, sid)
    transcript = open_transcript(server, sid)
    (comment,) = [
        b
        for b in buttons(transcript["blocks"], ids.ACTION_COACH_COMMENT)
        if b["value"] == f"{sid}:2"
    ]
    before = mark(fake)
    server.post(modal_action(COACH, ids.ACTION_COACH_COMMENT, comment["value"], view=transcript))
    server.drain()
    ((method, form),) = views_since(fake, before)
    assert method == "views.push" and form["callback_id"] == ids.VIEW_COACH_FEEDBACK
    assert "earlier bedtime" in flat(form["blocks"])  # the turn is shown in the form
    before = mark(fake)
    words = "Try reflecting what she said before you suggest anything."
    resp = server.post(
        submission(
            COACH,
            ids.VIEW_COACH_FEEDBACK,
            text_values(ids.BLOCK_FEEDBACK, words),
            private_metadata=form["private_metadata"],
        )
    )
    assert resp.status_code == 200 and resp.text == ""
    server.drain()
    ((method, redrawn),) = views_since(fake, before)  # the transcript under it shows the draft
    assert method == "views.update" and "draft, not sent yet" in flat(redrawn["blocks"])
    assert _feedback_dms(fake) == []  # nothing reaches the staff member before Send feedback
    (send,) = buttons(redrawn["blocks"], ids.ACTION_COACH_SEND)
    server.post(modal_action(COACH, ids.ACTION_COACH_SEND, send["value"], view=redrawn))
    server.drain()
    (feedback,) = _feedback_dms(fake)
    # one look: opening, commenting, the redraws and Send feedback are one read, not four
    reads = server.call(server.runtime.deps.coach.reads(TEAM_ID, STAFF, sid))
    assert [r.coach_user_id for r in reads] == [COACH]
    body = flat(feedback.blocks)
    assert f"<@{COACH}> sent you feedback on your practice with" in body
    assert f"On turn 2: {words}" in unmarked(body)
    (open_session,) = buttons(feedback.blocks, ids.ACTION_STAFF_OPEN)
    (reply,) = buttons(feedback.blocks, ids.ACTION_FEEDBACK_REPLY)
    assert open_session["value"] == sid
    confirm = [v for m, v in views_since(fake, before) if m == "views.push"]
    assert confirm and f"Sent 1 piece of feedback to <@{STAFF}>" in flat(confirm[-1]["blocks"])
    # the way back: the staff member's own session, with who read it
    before = mark(fake)
    server.post(block_actions(STAFF, ids.ACTION_STAFF_OPEN, value=sid, message_ts=feedback.ts))
    server.drain()
    ((method, own),) = views_since(fake, before)
    assert own["callback_id"] == ids.VIEW_STAFF_SESSION
    own_text = flat(own["blocks"])
    assert "Who read this session" in own_text and f"<@{COACH}> read it on" in own_text
    assert words in own_text and "Tell me about mornings." in own_text
    # reply once
    before = mark(fake)
    server.post(block_actions(STAFF, ids.ACTION_FEEDBACK_REPLY, value=reply["value"]))
    server.drain()
    ((_, reply_form),) = views_since(fake, before)
    assert reply_form["callback_id"] == ids.VIEW_FEEDBACK_REPLY
    values = text_values(ids.BLOCK_REPLY, "Thank you, I'll try that.")
    meta = reply_form["private_metadata"]
    first = server.post(submission(STAFF, ids.VIEW_FEEDBACK_REPLY, values, private_metadata=meta))
    assert first.json()["response_action"] == "update"
    server.drain()
    told = dm(fake, COACH)[-1]
    assert f"<@{STAFF}> replied to your feedback" in flat(told.blocks)
    assert "Thank you, I'll try that." in flat(told.blocks)
    assert buttons(told.blocks, ids.ACTION_COACH_OPEN)[0]["value"] == sid
    again = server.post(submission(STAFF, ids.VIEW_FEEDBACK_REPLY, values, private_metadata=meta))
    assert again.json()["response_action"] == "errors"
    assert "already replied" in again.json()["errors"][ids.BLOCK_REPLY]


def test_mark_reviewed_clears_the_session_from_the_unreviewed_queue(
    server: AppServer, fake: FakeSlack
) -> None:
    make_coach(server)
    card, sid = practice(server, ["Tell me about mornings."])
    send_to_coach(server, card, sid)
    transcript = open_transcript(server, sid)
    (reviewed,) = buttons(transcript["blocks"], ids.ACTION_COACH_REVIEWED)
    before_home = len(fake.calls_to("views.publish"))
    server.post(modal_action(COACH, ids.ACTION_COACH_REVIEWED, reviewed["value"], view=transcript))
    server.drain()
    redrawn = fake.calls_to("views.update")[-1].params["view"]
    assert "Marked reviewed" in flat(redrawn["blocks"])
    assert buttons(redrawn["blocks"], ids.ACTION_COACH_REVIEWED) == []
    home = fake.calls_to("views.publish")[before_home:][-1].params["view"]
    assert buttons(home["blocks"], ids.ACTION_COACH_OPEN) == []
    assert "Nothing is waiting for your review." in flat(home["blocks"])
    # the All filter still lists it, marked reviewed
    server.post(block_actions(COACH, ids.ACTION_COACH_QUEUE, value="all:0", in_home=True))
    server.drain()
    everything = fake.calls_to("views.publish")[-1].params["view"]
    assert [b["value"] for b in buttons(everything["blocks"], ids.ACTION_COACH_OPEN)] == [sid]
    assert "reviewed" in flat(everything["blocks"])


def _dispute(server: AppServer, fake: FakeSlack, card_ts: str, sid: str) -> None:
    """The staff member presses "Was this note wrong?" on turn 1 and submits it."""
    before = len(fake.calls_to("views.open"))
    server.post(block_actions(STAFF, ids.ACTION_DISPUTE_NOTE, value=f"{sid}:1", thread_ts=card_ts))
    server.drain()
    modal = fake.calls_to("views.open")[before].params["view"]
    values = {
        "dispute_kinds": {
            "dispute_kinds_input": {"type": "checkboxes", "selected_options": [{"value": "advice"}]}
        },
        "dispute_comment": {
            "dispute_comment_input": {"type": "plain_text_input", "value": "I was asking."}
        },
    }
    resp = server.post(
        submission(STAFF, ids.VIEW_DISPUTE_NOTE, values, private_metadata=modal["private_metadata"])
    )
    assert resp.json()["response_action"] == "update"


def test_a_coach_resolves_a_disagreement_with_the_note(server: AppServer, fake: FakeSlack) -> None:
    make_coach(server)
    card, sid = practice(server, ["Have you tried an earlier bedtime?", "Tell me more."])
    _dispute(server, fake, card.ts, sid)
    send_to_coach(server, card, sid)
    transcript = open_transcript(server, sid)
    text = flat(transcript["blocks"])
    assert f"<@{STAFF}> thinks the note on turn 1 was wrong (advice)" in text
    assert "“I was asking.”" in text
    (wrong,) = buttons(transcript["blocks"], ids.ACTION_DISPUTE_WRONG)
    (stands,) = buttons(transcript["blocks"], ids.ACTION_DISPUTE_STANDS)
    assert wrong["value"] == stands["value"]
    server.post(modal_action(COACH, ids.ACTION_DISPUTE_WRONG, wrong["value"], view=transcript))
    server.drain()
    redrawn = fake.calls_to("views.update")[-1].params["view"]
    assert "Resolved: the note was wrong" in flat(redrawn["blocks"])
    assert buttons(redrawn["blocks"], ids.ACTION_DISPUTE_WRONG) == []
    cases = server.call(server.runtime.deps.coach.labelled_cases(TEAM_ID))
    assert [(c["text"], c["verdict"]) for c in cases] == [
        ("Have you tried an earlier bedtime?", "note_wrong")
    ]


def test_staff_see_on_their_home_tab_which_sessions_a_coach_read(
    server: AppServer, fake: FakeSlack
) -> None:
    make_coach(server)
    card, sid = practice(server, ["Tell me about mornings."])
    send_to_coach(server, card, sid)
    assert "Your sessions a coach has read" not in flat(home_of(server, STAFF)["blocks"])
    open_transcript(server, sid)
    home = home_of(server, STAFF)
    text = flat(home["blocks"])
    assert "Your sessions a coach has read" in text
    assert f"read once by <@{COACH}>, last on" in text
    (see,) = buttons(home["blocks"], ids.ACTION_STAFF_OPEN)
    assert see["value"] == sid
    # a staff member who coaches nobody has no queue on their Home tab
    assert "Sessions for you to review" not in text
