"""Slack practice fixes found when the app was tried as a new user would (issue 8).

Real Bolt app over signed HTTP requests, the fake Slack Web API, a SQLite file.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fake_slack import TEAM_ID, FakeSlack, Posted
from slack_kit import (
    AppServer,
    _event_callback,
    block_actions,
    message_im,
    slash_command,
    submission,
)

from bot.slack import ids

pytestmark = pytest.mark.integration

USER = "U0STAFF"
DM = f"D{USER}"


def _start(server: AppServer) -> Posted:
    before = len(server.fake.messages(channel=DM))
    server.post(block_actions(USER, ids.ACTION_START, value="night-shift-mom", in_home=True))
    server.drain()
    (card,) = server.fake.messages(channel=DM)[before:]
    return card


def _session_id(card: Posted) -> str:
    for block in card.blocks:
        for el in block.get("elements", []):
            if el.get("action_id") == ids.ACTION_END:
                return str(el["value"])
    raise AssertionError("no End practice button")


def _debriefs(fake: FakeSlack, thread: str) -> list[Posted]:
    return [m for m in fake.messages(channel=DM, thread_ts=thread) if "Debrief" in m.text]


def _blocks_text(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def test_hi_in_the_main_dm_box_gets_a_one_line_pointer(server: AppServer, fake: FakeSlack) -> None:
    server.post(message_im(USER, "hi"))
    server.drain()
    (reply,) = fake.messages(channel=DM)
    assert reply.thread_ts is None
    assert "practice" in reply.text and "/review-questions" in reply.text
    assert not fake.calls_to("chat.startStream")  # not sent to any caregiver


def test_a_question_in_the_main_dm_box_during_practice_points_to_the_thread(
    server: AppServer, fake: FakeSlack
) -> None:
    card = _start(server)
    server.post(message_im(USER, "What are mornings like?"))
    server.drain()
    top = [m for m in fake.messages(channel=DM) if m.thread_ts is None and m.ts != card.ts]
    assert len(top) == 1 and "Denise" in top[0].text and "thread" in top[0].text
    assert not fake.calls_to("chat.startStream")


def test_end_in_the_main_dm_box_during_practice_ends_it(server: AppServer, fake: FakeSlack) -> None:
    card = _start(server)
    server.post(message_im(USER, "end"))
    server.drain()
    assert len(_debriefs(fake, card.ts)) == 1


@pytest.mark.parametrize("word", ["End.", "stop", "done", "quit", "STOP!", "/end"])
def test_end_words_with_punctuation_end_the_practice(
    server: AppServer, fake: FakeSlack, word: str
) -> None:
    card = _start(server)
    server.post(message_im(USER, word, thread_ts=card.ts))
    server.drain()
    assert len(_debriefs(fake, card.ts)) == 1
    assert not fake.calls_to("chat.startStream")  # never sent to the caregiver


@pytest.mark.parametrize("word", ["help", "/help", "Help?"])
def test_help_in_a_practice_thread_is_a_command(
    server: AppServer, fake: FakeSlack, word: str
) -> None:
    card = _start(server)
    server.post(message_im(USER, word, thread_ts=card.ts))
    server.drain()
    (reply,) = fake.messages(channel=DM, thread_ts=card.ts)
    assert "practice call" in reply.text and "end" in reply.text
    assert not fake.calls_to("chat.startStream")


def test_stop_inside_a_sentence_is_speech_not_a_command(server: AppServer, fake: FakeSlack) -> None:
    card = _start(server)
    server.post(message_im(USER, "What makes it hard to stop and rest?", thread_ts=card.ts))
    server.drain()
    assert _debriefs(fake, card.ts) == []
    assert fake.calls_to("chat.startStream")  # the caregiver answered


def test_end_button_is_replaced_after_the_end_and_a_second_press_says_so(
    server: AppServer, fake: FakeSlack
) -> None:
    card = _start(server)
    session = _session_id(card)
    press = block_actions(USER, ids.ACTION_END, value=session, message_ts=card.ts)
    server.post(press)
    server.drain()
    assert len(_debriefs(fake, card.ts)) == 1
    (updated,) = [m for m in fake.messages(channel=DM) if m.ts == card.ts]
    assert ids.ACTION_END not in _blocks_text(updated.blocks)
    assert "has ended" in _blocks_text(updated.blocks)
    before = len(fake.calls_to("chat.postEphemeral"))
    server.post(block_actions(USER, ids.ACTION_END, value=session, message_ts=card.ts))
    server.drain()
    assert len(_debriefs(fake, card.ts)) == 1  # still one debrief
    (notice,) = fake.calls_to("chat.postEphemeral")[before:]
    assert "already ended" in notice.params["text"]


def test_typed_end_also_retires_the_intro_cards_button(server: AppServer, fake: FakeSlack) -> None:
    card = _start(server)
    server.post(message_im(USER, "end", thread_ts=card.ts))
    server.drain()
    (updated,) = [m for m in fake.messages(channel=DM) if m.ts == card.ts]
    assert ids.ACTION_END not in _blocks_text(updated.blocks)


def test_app_mention_in_a_channel_gets_a_private_pointer(
    server: AppServer, fake: FakeSlack
) -> None:
    event = {
        "type": "app_mention",
        "user": USER,
        "text": "<@UBOT> can you help me practice?",
        "ts": "1700000100.000100",
        "channel": "C0TEAM",
        "event_ts": "1700000100.000100",
    }
    body = _event_callback(event, event_id="Ev0MENTION1", team_id=TEAM_ID)
    assert server.post((body, "application/json")).status_code == 200
    server.drain()
    (call,) = fake.calls_to("chat.postEphemeral")
    assert call.params["channel"] == "C0TEAM" and call.params["user"] == USER
    assert "messages with me" in call.params["text"]
    assert fake.messages(channel="C0TEAM") == []  # nothing public


def test_review_questions_over_the_cap_says_how_many_were_left_out(
    server: AppServer, fake: FakeSlack
) -> None:
    lines = [f"- Tell me about a morning when things went well, number {i}." for i in range(65)]
    server.post(
        slash_command(
            ids.COMMAND_REVIEW, "\n".join(lines), USER, response_url=fake.response_url("r1")
        )
    )
    server.drain()
    answers = [c for c in fake.calls if c.method == "response_url"]
    text = " ".join(_blocks_text(c.params) for c in answers)
    assert "65 lines" in text and "first 60" in text and "other 5" in text


def test_bulleted_and_labelled_lines_count_as_questions(server: AppServer, fake: FakeSlack) -> None:
    text = "Q1: Tell me about mornings.\n- What is Marcus into?\n2) How was last year?"
    server.post(slash_command(ids.COMMAND_REVIEW, text, USER, response_url=fake.response_url("r2")))
    server.drain()
    (answer,) = [c for c in fake.calls if c.method == "response_url"]
    body = _blocks_text(answer.params)
    assert "3 questions" in body and "3 open and clean" in body
    assert "Q1:" not in body  # the label is not part of the reviewed question


# -- "Was this note wrong?" (issue 14) ------------------------------------------------


def _note_button(fake: FakeSlack, thread: str) -> dict[str, Any]:
    for m in fake.messages(channel=DM, thread_ts=thread):
        for block in m.blocks:
            for el in block.get("elements", []):
                if el.get("action_id") == ids.ACTION_DISPUTE_NOTE:
                    return dict(el)
    raise AssertionError("no 'Was this note wrong?' button")


def _disputes(server: AppServer, session: str, user: str = USER) -> list[Any]:
    return list(server.call(server.runtime.deps.sessions.note_disputes(TEAM_ID, user, session)))


def test_was_this_note_wrong_records_the_turn_from_the_store(
    server: AppServer, fake: FakeSlack
) -> None:
    card = _start(server)
    session = _session_id(card)
    server.post(message_im(USER, "Tell me about mornings.", thread_ts=card.ts))
    server.drain()  # turns are answered in the background: keep their order
    server.post(message_im(USER, "Have you tried an earlier bedtime?", thread_ts=card.ts))
    server.drain()
    button = _note_button(fake, card.ts)
    assert button["value"] == f"{session}:2" and button["text"]["text"] == "Was this note wrong?"
    before = len(fake.calls_to("views.open"))
    server.post(block_actions(USER, ids.ACTION_DISPUTE_NOTE, value=button["value"]))
    server.drain()
    (opened,) = fake.calls_to("views.open")[before:]
    modal = opened.params["view"]
    assert modal["callback_id"] == ids.VIEW_DISPUTE_NOTE
    assert "earlier bedtime" in _blocks_text(modal["blocks"])
    values = {
        "dispute_kinds": {
            "dispute_kinds_input": {"type": "checkboxes", "selected_options": [{"value": "advice"}]}
        },
        "dispute_comment": {
            "dispute_comment_input": {
                "type": "plain_text_input",
                "value": "I was asking what they tried, call me at 360-201-7788.",
            }
        },
    }
    resp = server.post(
        submission(USER, ids.VIEW_DISPUTE_NOTE, values, private_metadata=modal["private_metadata"])
    )
    assert resp.status_code == 200 and resp.json()["response_action"] == "update"
    server.drain()
    (dispute,) = _disputes(server, session)
    assert dispute.turn_index == 2 and dispute.kinds == ["advice"]
    assert dispute.utterance == "Have you tried an earlier bedtime?"  # from the stored turn
    assert "360-201-7788" not in (dispute.comment or "")  # scrubbed before it is stored
    assert dispute.status == "open"


def test_a_forged_dispute_of_another_users_session_is_refused(
    server: AppServer, fake: FakeSlack
) -> None:
    card = _start(server)
    session = _session_id(card)
    server.post(message_im(USER, "Don't you think he should be in school?", thread_ts=card.ts))
    server.drain()
    meta = json.dumps({"user": "U0MALLORY", "session": session, "turn": 1})
    resp = server.post(submission("U0MALLORY", ids.VIEW_DISPUTE_NOTE, {}, private_metadata=meta))
    assert resp.status_code == 200 and resp.json()["response_action"] == "errors"
    assert _disputes(server, session) == []
    before = len(fake.calls_to("views.open"))
    server.post(block_actions("U0MALLORY", ids.ACTION_DISPUTE_NOTE, value=f"{session}:1"))
    server.drain()
    assert len(fake.calls_to("views.open")) == before  # no modal about someone else's turn


def test_a_lone_surrogate_in_a_turn_still_gets_the_caregivers_answer(
    server: AppServer, fake: FakeSlack
) -> None:
    """Found by a newcomer's try-out: ``\\ud800`` made the message look malformed (no reply)."""
    card = _start(server)
    fake.reset()
    server.post(message_im(USER, "\ud800 tell me about mornings", thread_ts=card.ts))
    server.drain()
    assert fake.calls_to("chat.startStream")  # the caregiver answered
    turns = server.call(server.runtime.deps.sessions.turns(TEAM_ID, USER, _session_id(card)))
    assert [t.staff for t in turns] == ["tell me about mornings"]
