"""Slack, doing it again: *Send to a coach* after a coach reviewed the session (the
new-user tester's finding 1, the shared rule in
:meth:`bot.services.coaching.Coaching.send_to_coaches`), and a second *Was this note
wrong?* on one note (finding 2: the store keeps both, the staff member is told).

Signed requests through the real Bolt app to a SQLite file; what the app said is read
back from the fake Slack Web API.
"""

from __future__ import annotations

import pytest
from coach_slack_kit import COACH, STAFF, dm, flat, make_coach, practice, send_to_coach
from fake_slack import TEAM_ID, FakeSlack
from slack_kit import AppServer, block_actions, submission

from bot.presenters.coach_limits import NOTHING_NEW_TO_SEND, dispute_updated
from bot.presenters.practice import DISPUTE_SAVED
from bot.slack import ids
from bot.slack.text import escape

pytestmark = pytest.mark.integration


def test_a_reviewed_session_sent_again_unchanged_tells_no_coach(
    server: AppServer, fake: FakeSlack
) -> None:
    make_coach(server)
    card, sid = practice(server, ["Tell me about mornings."])
    send_to_coach(server, card, sid)
    assert len(dm(fake, COACH)) == 2  # the welcome, then the alert
    server.call(server.runtime.deps.coach.mark_reviewed(TEAM_ID, COACH, sid))

    send_to_coach(server, card, sid)
    thread = [m.text for m in fake.messages(channel=f"D{STAFF}", thread_ts=card.ts)]
    assert thread[-1].endswith(NOTHING_NEW_TO_SEND) and "envelope" not in thread[-1]
    assert len(dm(fake, COACH)) == 2  # no empty alert
    page = server.call(server.runtime.deps.coach.queue(TEAM_ID, COACH))
    assert not page.items  # still reviewed

    # a note is something new: the coach is told and the session waits again
    send_to_coach(server, card, sid, "I tried your idea in a real call; can we talk?")
    (alert,) = dm(fake, COACH)[2:]
    assert "I tried your idea in a real call" in str(alert.blocks)
    thread = [m.text for m in fake.messages(channel=f"D{STAFF}", thread_ts=card.ts)]
    assert "Sent to your coach." in thread[-1]
    page = server.call(server.runtime.deps.coach.queue(TEAM_ID, COACH))
    assert [i.session_id for i in page.items] == [sid]


def _dispute(server: AppServer, card_ts: str, sid: str, comment: str) -> str:
    """Staff press *Was this note wrong?* on turn 1 and send ``comment``; the thanks shown."""
    fake = server.fake
    before = len(fake.calls_to("views.open"))
    server.post(block_actions(STAFF, ids.ACTION_DISPUTE_NOTE, value=f"{sid}:1", thread_ts=card_ts))
    server.drain()
    modal = fake.calls_to("views.open")[before].params["view"]
    values = {
        "dispute_comment": {"dispute_comment_input": {"type": "plain_text_input", "value": comment}}
    }
    resp = server.post(
        submission(STAFF, ids.VIEW_DISPUTE_NOTE, values, private_metadata=modal["private_metadata"])
    )
    answer = resp.json()
    assert answer["response_action"] == "update"
    return flat(answer["view"]["blocks"])


def test_a_second_disagreement_with_a_note_is_kept_and_said(server: AppServer) -> None:
    card, sid = practice(server, ["Have you tried an earlier bedtime?"])
    assert escape(DISPUTE_SAVED) in _dispute(server, card.ts, sid, "She asked for ideas.")
    assert escape(dispute_updated(1)) in _dispute(server, card.ts, sid, "Her own words.")
    [kept] = server.call(server.runtime.deps.sessions.note_disputes(TEAM_ID, STAFF, sid))
    assert (kept.comment, kept.earlier) == ("Her own words.", 1)
