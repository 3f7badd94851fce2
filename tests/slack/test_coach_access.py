"""Who may see what, through crafted Slack payloads against the real app (issue 11).

A staff member cannot open another's session (a crafted button value, a crafted
submission or ``private_metadata``); a coach of one workspace cannot open a session
of another; a session nobody sent stays private. Every refusal is a plain message,
never a 500, and no read is recorded for it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from coach_slack_kit import (
    COACH,
    STAFF,
    flat,
    make_coach,
    mark,
    modal_action,
    open_transcript,
    practice,
    send_to_coach,
    text_values,
    views_since,
)
from fake_slack import TEAM_ID, FakeSlack
from slack_kit import AppServer, block_actions, multi_workspace, submission

from bot.slack import ids

pytestmark = pytest.mark.integration

INTRUDER = "U0MALLORY"
OTHER_TEAM = "T0OTHER"


def _reads(server: AppServer, sid: str, owner: str = STAFF, team: str = TEAM_ID) -> int:
    return len(server.call(server.runtime.deps.coach.reads(team, owner, sid)))


def _said(fake: FakeSlack, before: dict[str, int]) -> str:
    """Everything the app showed since ``before``: modals and ephemeral messages."""
    views = [v for _, v in views_since(fake, before)]
    assert all(v.get("callback_id") != ids.VIEW_COACH_TRANSCRIPT for v in views), views
    assert all(v.get("callback_id") != ids.VIEW_STAFF_SESSION for v in views), views
    return flat(views)


def _sent_session(server: AppServer) -> str:
    make_coach(server)
    card, sid = practice(server, ["Tell me about mornings.", "Have you tried an alarm?"])
    send_to_coach(server, card, sid, "please look")
    return sid


def test_a_staff_member_cannot_open_anothers_session_with_a_crafted_button(
    server: AppServer, fake: FakeSlack
) -> None:
    sid = _sent_session(server)
    reads = _reads(server, sid)
    before = mark(fake)
    ephemeral = len(fake.calls_to("chat.postEphemeral"))
    for action_id, value in (
        (ids.ACTION_COACH_OPEN, sid),
        (ids.ACTION_COACH_PAGE, f"{sid}:1"),
        (ids.ACTION_COACH_COMMENT, f"{sid}:1"),
        (ids.ACTION_COACH_SEND, sid),
        (ids.ACTION_COACH_REVIEWED, sid),
        (ids.ACTION_STAFF_OPEN, sid),
        (ids.ACTION_STAFF_PAGE, f"{sid}:0"),
    ):
        resp = server.post(block_actions(INTRUDER, action_id, value=value, in_home=True))
        assert resp.status_code == 200
    server.drain()
    said = _said(fake, before)
    assert "Only coaches of this workspace can see the coach queue and transcripts." in said
    assert "That practice session belongs to someone else." in said
    assert fake.calls_to("chat.postEphemeral")[ephemeral:] == []
    assert _reads(server, sid) == reads  # no read recorded for a refusal
    queue = server.call(server.runtime.deps.coach.queue(TEAM_ID, COACH))
    assert queue.items[0].reviewed_at is None  # Mark reviewed was refused too
    # the same crafted clicks from inside a (crafted) transcript modal are refused too
    meta = json.dumps({"user": INTRUDER, "session": sid, "page": 0})
    view = {"callback_id": ids.VIEW_COACH_TRANSCRIPT, "private_metadata": meta}
    before = mark(fake)
    server.post(modal_action(INTRUDER, ids.ACTION_COACH_PAGE, f"{sid}:0", view=view))
    server.drain()
    ((method, refusal),) = views_since(fake, before)
    assert method == "views.push" and "Only coaches" in flat(refusal)


def test_a_session_nobody_sent_stays_private_even_to_a_coach(
    server: AppServer, fake: FakeSlack
) -> None:
    make_coach(server)
    _, private = practice(server, ["Tell me about mornings."])
    before = mark(fake)
    server.post(block_actions(COACH, ids.ACTION_COACH_OPEN, value=private, in_home=True))
    server.drain()
    assert "wasn't sent to a coach or flagged" in _said(fake, before)
    assert _reads(server, private) == 0


def test_crafted_submissions_and_metadata_are_refused(server: AppServer, fake: FakeSlack) -> None:
    sid = _sent_session(server)
    words = text_values(ids.BLOCK_FEEDBACK, "You did great.")

    def submit(user: str, callback: str, values: dict[str, Any], meta: dict[str, Any]) -> Any:
        resp = server.post(submission(user, callback, values, private_metadata=json.dumps(meta)))
        assert resp.status_code == 200
        body = resp.json()
        assert body["response_action"] == "errors", body
        return " ".join(body["errors"].values())

    # feedback on someone else's session by a non-coach, metadata naming themselves
    meta = {"user": INTRUDER, "session": sid, "turn": 1}
    assert "Only coaches" in submit(INTRUDER, ids.VIEW_COACH_FEEDBACK, words, meta)
    # metadata naming the real coach, submitted by someone else
    meta = {"user": COACH, "session": sid, "turn": 1}
    assert "could not be verified" in submit(INTRUDER, ids.VIEW_COACH_FEEDBACK, words, meta)
    # metadata that is not ours at all
    bad = {"user": INTRUDER, "session": "../../x", "turn": "1; DROP"}
    assert "could not be verified" in submit(INTRUDER, ids.VIEW_COACH_FEEDBACK, words, bad)
    # sending someone else's session to a coach
    meta = {"user": INTRUDER, "session": sid}
    refused = submit(INTRUDER, ids.VIEW_SEND_TO_COACH, {}, meta)
    assert "belongs to someone else" in refused
    # replying to feedback on someone else's session
    server.call(server.runtime.deps.coach.add_feedback(TEAM_ID, COACH, sid, "Nice start."))
    sent = server.call(server.runtime.deps.coach.send_feedback(TEAM_ID, COACH, sid))
    fid = sent.items[0].id
    reply = text_values(ids.BLOCK_REPLY, "Not mine to answer.")
    meta = {"user": INTRUDER, "feedback": fid}
    assert "belongs to someone else" in submit(INTRUDER, ids.VIEW_FEEDBACK_REPLY, reply, meta)
    own = server.call(server.runtime.deps.coach.feedback_for_staff(TEAM_ID, STAFF, sid))
    assert [f.reply for f in own] == [None]
    drafts = server.call(server.runtime.deps.coach.transcript(TEAM_ID, COACH, sid)).feedback
    assert [f.text for f in drafts] == ["Nice start."]  # no feedback from the intruder


def test_a_coach_of_one_workspace_cannot_open_a_session_of_another(
    fake: FakeSlack, tmp_path: Path
) -> None:
    with multi_workspace(fake, tmp_path / "two.db", (TEAM_ID, OTHER_TEAM)) as server:
        _coach_of_one_workspace_cannot_open_another(server, fake)


def _coach_of_one_workspace_cannot_open_another(server: AppServer, fake: FakeSlack) -> None:
    make_coach(server)  # a coach of TEAM_ID only
    other_coach = "U0BCOACH"
    make_coach(server, other_coach, team_id=OTHER_TEAM)
    card, theirs = practice(server, ["Tell me about mornings."], team_id=OTHER_TEAM)
    send_to_coach(server, card, theirs, team_id=OTHER_TEAM)
    assert open_transcript(server, theirs, coach=other_coach, team_id=OTHER_TEAM)
    reads = _reads(server, theirs, team=OTHER_TEAM)
    before = mark(fake)
    # A's coach, in A, names B's session: it does not exist here
    server.post(block_actions(COACH, ids.ACTION_COACH_OPEN, value=theirs, in_home=True))
    # A's coach claims to be in B: not a coach there
    server.post(
        block_actions(COACH, ids.ACTION_COACH_OPEN, value=theirs, in_home=True, team_id=OTHER_TEAM)
    )
    server.drain()
    said = _said(fake, before)
    assert "That practice session was not found." in said
    assert "Only coaches of this workspace" in said
    assert _reads(server, theirs, team=OTHER_TEAM) == reads
    # A's queue does not show B's session; B's does
    mine = server.call(server.runtime.deps.coach.queue(TEAM_ID, COACH))
    assert theirs not in [i.session_id for i in mine.items]
    theirs_queue = server.call(server.runtime.deps.coach.queue(OTHER_TEAM, other_coach))
    assert [i.session_id for i in theirs_queue.items] == [theirs]


def test_malformed_coach_values_get_a_plain_refusal_not_a_500(
    server: AppServer, fake: FakeSlack
) -> None:
    sid = _sent_session(server)
    view = open_transcript(server, sid)
    before = mark(fake)
    for action_id, value in (
        (ids.ACTION_COACH_PAGE, "not-a-page"),
        (ids.ACTION_COACH_COMMENT, f"{sid}:zero"),
        (ids.ACTION_DISPUTE_WRONG, "-1"),
        (ids.ACTION_DISPUTE_STANDS, "99999"),
    ):
        resp = server.post(modal_action(COACH, action_id, value, view=view))
        assert resp.status_code == 200
    server.post(block_actions(COACH, ids.ACTION_COACH_QUEUE, value="sideways:3", in_home=True))
    server.drain()
    said = _said(fake, before)
    assert "could not be verified" in said
    assert "couldn't find that disagreement" in said
