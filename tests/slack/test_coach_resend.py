"""Slack: *Send to a coach* again after a coach reviewed the session (the new-user tester's
finding 1, the shared rule in :meth:`bot.services.coaching.Coaching.send_to_coaches`).

Signed requests through the real Bolt app to a SQLite file; what the app said is read
back from the fake Slack Web API.
"""

from __future__ import annotations

import pytest
from coach_slack_kit import COACH, STAFF, dm, make_coach, practice, send_to_coach
from fake_slack import TEAM_ID, FakeSlack
from slack_kit import AppServer

from bot.presenters.coach_limits import NOTHING_NEW_TO_SEND

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
