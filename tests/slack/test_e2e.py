"""End to end over HTTP: the real Bolt app, signed Slack-shaped requests, a fake Slack Web API.

Nothing in Bolt is mocked: requests go through signature verification, Bolt's
dispatch, our listeners, the services and a SQLite store, and every reply is
read from what the fake Slack recorded.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest
from fake_slack import BOT_TOKEN, TEAM_ID, FakeSlack, Posted
from slack_kit import (
    SIGNING_SECRET,
    AppServer,
    app_home_opened,
    block_actions,
    message_action,
    message_im,
    slash_command,
    submission,
    view_submission,
)

from bot.personas import load_all
from bot.slack import ids

pytestmark = pytest.mark.integration

USER = "U0STAFF"
DM = f"D{USER}"


def _start(server: AppServer, persona: str = "night-shift-mom", user: str = USER) -> Posted:
    """Start a practice with a gallery button; return the intro card."""
    before = len(server.fake.messages(channel=f"D{user}"))
    resp = server.post(block_actions(user, ids.ACTION_START, value=persona, in_home=True))
    assert resp.status_code == 200
    server.drain()
    cards = server.fake.messages(channel=f"D{user}")[before:]
    assert len(cards) == 1 and cards[0].thread_ts is None
    return cards[0]


def _session_id(card: Posted) -> str:
    for block in card.blocks:
        for el in block.get("elements", []):
            if el.get("action_id") == ids.ACTION_END:
                return str(el["value"])
    raise AssertionError("no End practice button")


def _text(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _caregiver_replies(fake: FakeSlack, thread: str) -> list[Posted]:
    return [
        m
        for m in fake.messages(channel=DM, thread_ts=thread)
        if m.streamed or (not m.blocks and "Coach note" not in m.text)
    ]


def test_practice_turn_streams_the_reply_in_the_thread_with_status_and_coach_note(
    server: AppServer, fake: FakeSlack
) -> None:
    card = _start(server)
    resp = server.post(
        message_im(USER, "Don't you think Marcus should be in school every day?", thread_ts=card.ts)
    )
    assert resp.status_code == 200
    server.drain()
    status = fake.calls_to("assistant.threads.setStatus")
    assert [
        (c.params["channel_id"], c.params["thread_ts"], c.params["status"]) for c in status
    ] == [(DM, card.ts, "Denise is typing…")]
    replies = _caregiver_replies(fake, card.ts)
    assert len(replies) == 1 and replies[0].streamed and replies[0].done and replies[0].text
    assert fake.calls_to("chat.startStream")[0].params["thread_ts"] == card.ts
    notes = [
        m for m in fake.messages(channel=DM, thread_ts=card.ts) if "Coach note" in _text(m.blocks)
    ]
    assert len(notes) == 1
    note = notes[0]
    # the note is small grey text, plus its one "Was this note wrong?" button
    assert {b["type"] for b in note.blocks} == {"context", "actions"}
    assert "“Don't you think”" in _text(note.blocks) and "*Try:*" in _text(note.blocks)
    assert all(c.status == 200 and c.answer.get("ok") for c in fake.calls)


def test_three_deliveries_of_one_event_give_exactly_one_reply(
    server: AppServer, fake: FakeSlack
) -> None:
    card = _start(server)
    payload = message_im(
        USER, "Tell me about a typical morning.", thread_ts=card.ts, event_id="Ev0RETRY1"
    )
    for retry in (None, 1, 2):
        assert server.post(payload, retry_num=retry).status_code == 200
    # a redelivery under another envelope id but the same client message id
    body = json.loads(payload[0])
    body["event_id"] = "Ev0REDELIVER"
    assert server.post((json.dumps(body), payload[1])).status_code == 200
    server.drain()
    assert len(_caregiver_replies(fake, card.ts)) == 1
    assert len(fake.calls_to("assistant.threads.setStatus")) == 1


def test_ack_comes_before_the_work_and_the_work_finishes_after_the_response(
    server: AppServer, fake: FakeSlack
) -> None:
    card = _start(server)
    fake.delays["assistant.threads.setStatus"] = 1.5  # slow Slack: the reply comes late
    started = time.monotonic()
    resp = server.post(message_im(USER, "What are mornings like at your house?", thread_ts=card.ts))
    acked = time.monotonic() - started
    assert resp.status_code == 200 and acked < 0.5
    assert not _caregiver_replies(fake, card.ts)  # not yet: the response did not wait for it
    assert fake.wait_for(lambda f: len(_caregiver_replies(f, card.ts)) == 1, timeout=10)
    server.drain()


@pytest.mark.parametrize(
    "how",
    ["bad signature", "six-minute-old timestamp", "unsigned"],
    ids=lambda h: h.replace(" ", "-"),
)
def test_unverified_requests_get_401_and_do_nothing(
    server: AppServer, fake: FakeSlack, how: str
) -> None:
    payload = slash_command("/practice", "Denise", USER, response_url=fake.response_url())
    if how == "bad signature":
        resp = server.post(payload, secret="not-the-signing-secret")
    elif how == "unsigned":
        resp = server.post(payload, sign=False)
    else:
        resp = server.post(payload, timestamp=int(time.time()) - 6 * 60)
    assert resp.status_code == 401
    server.drain()
    assert not fake.messages() and not fake.calls_to("conversations.open")


def test_ratelimited_call_is_retried_after_retry_after(server: AppServer, fake: FakeSlack) -> None:
    fake.rate_limit("chat.postMessage", times=1, retry_after=0)
    card = _start(server)
    posts = fake.calls_to("chat.postMessage")
    assert [c.status for c in posts] == [429, 200]
    assert posts[0].answer == {"ok": False, "error": "ratelimited"}
    assert card.text.startswith("Practice call with Denise")


def test_bots_edits_deletions_and_other_threads_are_ignored(
    server: AppServer, fake: FakeSlack
) -> None:
    card = _start(server)
    before = len(fake.calls)
    for payload in (
        message_im(USER, "Tell me more.", thread_ts=card.ts, subtype="message_changed"),
        message_im(USER, "", thread_ts=card.ts, subtype="message_deleted"),
        message_im(USER, "Tell me more.", thread_ts=card.ts, bot_id="B0OTHER"),
        message_im(USER, "Tell me more.", thread_ts=card.ts, subtype="bot_message"),
        message_im("UBOT", "I'm the app itself", thread_ts=card.ts),
        message_im(USER, "Tell me more.", thread_ts="1699999999.000001"),  # not a practice thread
        message_im(USER, "Tell me more.", thread_ts=card.ts, extra={"channel_type": "channel"}),
    ):
        assert server.post(payload).status_code == 200
    server.drain()
    assert fake.calls[before:] == []


def test_file_only_message_gets_a_short_text_only_reply(server: AppServer, fake: FakeSlack) -> None:
    card = _start(server)
    files = [{"id": "F1", "name": "notes.pdf", "mimetype": "application/pdf"}]
    server.post(message_im(USER, "", thread_ts=card.ts, subtype="file_share", files=files))
    server.drain()
    (reply,) = fake.messages(channel=DM, thread_ts=card.ts)
    assert reply.text.startswith("I can only read text") and "Denise" in reply.text
    assert not fake.calls_to("chat.startStream")


def test_end_message_posts_one_debrief_with_buttons(server: AppServer, fake: FakeSlack) -> None:
    card = _start(server)
    for text in ("Have you tried setting an earlier bedtime?", "Tell me about mornings."):
        server.post(message_im(USER, text, thread_ts=card.ts))
        server.drain()
    server.post(message_im(USER, "end", thread_ts=card.ts))
    server.drain()
    server.post(block_actions(USER, ids.ACTION_END, value=_session_id(card), message_ts=card.ts))
    server.drain()
    debriefs = [m for m in fake.messages(channel=DM, thread_ts=card.ts) if "Debrief" in m.text]
    assert len(debriefs) == 1
    body = _text(debriefs[0].blocks)
    assert (
        "Open questions" in body and "Reframes worth trying" in body and "earlier bedtime" in body
    )
    buttons = [
        e["action_id"] for b in debriefs[0].blocks if b["type"] == "actions" for e in b["elements"]
    ]
    assert buttons == [
        ids.ACTION_PRACTICE_AGAIN,
        ids.ACTION_SEND_TO_COACH,
        ids.ACTION_DOWNLOAD_TRANSCRIPT,
    ]
    # after the end, a message in the thread does not take a turn
    server.post(message_im(USER, "What else?", thread_ts=card.ts))
    server.drain()
    assert "has ended" in fake.messages(channel=DM, thread_ts=card.ts)[-1].text


def test_practice_again_and_send_to_a_coach(server: AppServer, fake: FakeSlack) -> None:
    card = _start(server)
    sid = _session_id(card)
    server.post(block_actions(USER, ids.ACTION_END, value=sid, message_ts=card.ts))
    server.drain()
    for _ in range(2):  # the button opens a modal (an optional note); Send sends
        server.post(block_actions(USER, ids.ACTION_SEND_TO_COACH, value=sid, thread_ts=card.ts))
        server.drain()
        modal = fake.calls_to("views.open")[-1].params["view"]
        assert modal["callback_id"] == ids.VIEW_SEND_TO_COACH
        meta = modal["private_metadata"]
        server.post(submission(USER, ids.VIEW_SEND_TO_COACH, {}, private_metadata=meta))
        server.drain()
    notes = [m.text for m in fake.messages(channel=DM, thread_ts=card.ts)]
    # no coach is set in this workspace: the staff member is told so, and who can add one
    assert any("no coach set up yet" in t and "/coach add" in t for t in notes)
    assert any("already waiting for a coach" in t for t in notes)
    req = server.call(server.runtime.deps.sessions.request_coach(TEAM_ID, USER, sid))
    assert req.created is False and req.requested_by == USER
    server.post(
        block_actions(USER, ids.ACTION_PRACTICE_AGAIN, value="night-shift-mom", thread_ts=card.ts)
    )
    server.drain()
    tops = [m for m in fake.messages(channel=DM) if m.thread_ts is None]
    assert len(tops) == 2 and _session_id(tops[1]) != sid


def test_tampered_buttons_are_refused_and_logged(
    server: AppServer, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    card = _start(server)
    sid = _session_id(card)
    intruder = "U0INTRUDER"
    caplog.set_level(logging.WARNING)
    before = len(fake.messages())
    server.post(block_actions(intruder, ids.ACTION_END, value=sid))
    server.post(block_actions(intruder, ids.ACTION_SEND_TO_COACH, value=sid))
    server.post(block_actions(intruder, ids.ACTION_START, value="../../etc/passwd"))
    server.post(
        block_actions(intruder, ids.ACTION_LIVE_NOTES, selected_value="sideways", in_home=True)
    )
    server.drain()
    assert fake.messages()[before:] == []  # nothing posted anywhere
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert sum("refused" in w for w in warnings) >= 4
    ephemeral = [c.params["text"] for c in fake.calls_to("chat.postEphemeral")]
    assert any("belongs to someone else" in t for t in ephemeral)
    # the owner's session is untouched and still takes turns
    server.post(message_im(USER, "Tell me about a good morning.", thread_ts=card.ts))
    server.drain()
    assert len(_caregiver_replies(fake, card.ts)) == 1


def test_user_text_is_escaped_wherever_it_is_shown(server: AppServer, fake: FakeSlack) -> None:
    card = _start(server)
    hostile = "You should &lt;!channel&gt; try &amp; fix &lt;script&gt; his bedtime"
    server.post(message_im(USER, hostile, thread_ts=card.ts))
    server.drain()
    server.post(message_im(USER, "end", thread_ts=card.ts))
    server.drain()
    posted = _text([[m.text, m.blocks] for m in fake.messages()])
    assert "<!channel>" not in posted and "<script>" not in posted
    assert "&lt;!channel&gt;" in posted or "&lt;script&gt;" in posted
    assert "&amp;" in posted


def test_live_notes_setting_switches_coach_notes_off(server: AppServer, fake: FakeSlack) -> None:
    server.post(block_actions(USER, ids.ACTION_LIVE_NOTES, selected_value="off", in_home=True))
    server.drain()
    (published,) = fake.calls_to("views.publish")
    radio = [
        b["accessory"]
        for b in published.params["view"]["blocks"]
        if b.get("accessory", {}).get("type") == "radio_buttons"
    ]
    assert radio[0]["initial_option"]["value"] == "off"
    card = _start(server)
    server.post(message_im(USER, "Have you tried an earlier bedtime?", thread_ts=card.ts))
    server.drain()
    assert not [
        m for m in fake.messages(channel=DM, thread_ts=card.ts) if "Coach note" in _text(m.blocks)
    ]
    server.post(message_im(USER, "end", thread_ts=card.ts))
    server.drain()
    assert "earlier bedtime" in _text(fake.messages(channel=DM, thread_ts=card.ts)[-1].blocks)


def test_slash_practice_picker_in_the_ack_then_start_in_the_dm(
    server: AppServer, fake: FakeSlack
) -> None:
    resp = server.post(slash_command("/practice", "", USER, response_url=fake.response_url()))
    assert resp.status_code == 200
    picker = resp.json()
    assert picker["response_type"] == "ephemeral"
    values = [b["accessory"]["value"] for b in picker["blocks"] if "accessory" in b]
    assert "night-shift-mom" in values and len(values) == len(load_all())
    resp = server.post(slash_command("/practice", "denise", USER, response_url=fake.response_url()))
    assert "Denise Carver" in resp.json()["text"]
    server.drain()
    (card,) = fake.messages(channel=DM)
    assert card.text.startswith("Practice call with Denise")
    unknown = server.post(
        slash_command("/practice", "&lt;b&gt;Bob&lt;/b&gt;", USER, response_url=fake.response_url())
    )
    assert "&lt;b&gt;Bob&lt;/b&gt;" in _text(unknown.json()["blocks"])


def test_suggested_prompt_starts_practice_in_its_own_thread(
    server: AppServer, fake: FakeSlack
) -> None:
    payload = message_im(USER, "practice with Walt")
    user_ts = json.loads(payload[0])["event"]["ts"]
    server.post(payload)
    server.drain()
    (card,) = fake.messages(channel=DM)
    assert card.thread_ts == user_ts and "Walt" in card.text
    server.post(message_im(USER, "Tell me about the bus.", thread_ts=user_ts))
    server.drain()
    assert len(_caregiver_replies(fake, user_ts)) == 1


def test_review_questions_modal_and_result_message(server: AppServer, fake: FakeSlack) -> None:
    resp = server.post(
        slash_command("/review-questions", "", USER, response_url=fake.response_url())
    )
    assert resp.status_code == 200
    server.drain()
    (opened,) = fake.calls_to("views.open")
    assert (
        opened.params["trigger_id"]
        and opened.params["view"]["callback_id"] == ids.VIEW_REVIEW_QUESTIONS
    )
    meta = opened.params["view"]["private_metadata"]
    questions = (
        "Tell me about a morning when getting to school goes well.\n\n"
        "Have you tried setting an earlier bedtime?\n"
        "Why is it important to come to school every day?"
    )
    resp = server.post(view_submission(USER, questions, private_metadata=meta))
    assert resp.status_code == 200 and resp.text in ("", "{}")
    server.drain()
    (result,) = fake.messages(channel=DM)
    body = _text(result.blocks)
    assert "3 questions" in body and "2 would turn the interview into an intervention" in body


def test_review_modal_validation_and_tampered_metadata(
    server: AppServer, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    empty = server.post(view_submission(USER, "  \n  "))
    assert empty.json()["response_action"] == "errors"
    too_many = server.post(view_submission(USER, "\n".join(f"Question {i}?" for i in range(61))))
    assert ids.BLOCK_QUESTIONS in too_many.json()["errors"]
    caplog.set_level(logging.WARNING)
    forged = server.post(
        view_submission(USER, "Tell me more.", private_metadata=json.dumps({"user": "U0ELSE"}))
    )
    assert forged.json()["response_action"] == "errors"
    assert any("refused" in r.getMessage() for r in caplog.records)
    server.drain()
    assert not fake.messages()


def test_message_shortcut_reviews_privately(server: AppServer, fake: FakeSlack) -> None:
    url = fake.response_url("shortcut")
    resp = server.post(
        message_action(USER, "Don&#39;t you think you should call us more?", response_url=url)
    )
    resp = server.post(
        message_action(
            USER, "Don't you think you should &lt;b&gt;call&lt;/b&gt; us?", response_url=url
        )
    )
    assert resp.status_code == 200
    server.drain()
    answers = fake.calls_to("response_url")
    assert len(answers) == 2
    last = answers[-1].params
    assert last["response_type"] == "ephemeral"
    assert "&lt;b&gt;call&lt;/b&gt;" in _text(last["blocks"]) and "Judgment" in _text(
        last["blocks"]
    )
    assert not fake.messages()  # nothing public


def test_app_home_shows_gallery_sessions_and_setting(server: AppServer, fake: FakeSlack) -> None:
    card = _start(server)
    server.post(message_im(USER, "Tell me about mornings.", thread_ts=card.ts))
    server.drain()
    server.post(message_im(USER, "end", thread_ts=card.ts))
    server.drain()
    server.post(app_home_opened(USER))
    server.post(app_home_opened(USER, tab="messages"))
    server.drain()
    (published,) = fake.calls_to("views.publish")
    view = published.params["view"]
    assert published.params["user_id"] == USER and view["type"] == "home"
    body = _text(view["blocks"])
    assert "Your last sessions" in body and "Denise Carver" in body and "1 turn" in body
    starts = [
        b for b in view["blocks"] if b.get("accessory", {}).get("action_id") == ids.ACTION_START
    ]
    assert len(starts) == len(load_all())


def test_long_question_lists_respect_block_limits(server: AppServer, fake: FakeSlack) -> None:
    long_q = "Don't you think you should " + "really " * 350 + "try?"
    server.post(view_submission(USER, "\n".join(f"{long_q} ({i})" for i in range(60))))
    server.drain()
    posts = fake.calls_to("chat.postMessage")
    assert len(posts) > 1 and all(c.answer.get("ok") for c in posts)
    for c in posts:
        assert len(c.params["blocks"]) <= 50 and len(c.params["text"]) <= 4000
        assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in c.params["blocks"])
    assert _text([c.params["blocks"] for c in posts]).count("really") == 60 * 350


def test_without_streaming_the_reply_is_one_message(server: AppServer, fake: FakeSlack) -> None:
    fake.fail("chat.startStream", "unknown_method")
    card = _start(server)
    server.post(message_im(USER, "Tell me about mornings at home.", thread_ts=card.ts))
    server.drain()
    replies = _caregiver_replies(fake, card.ts)
    assert len(replies) == 1 and not replies[0].streamed and replies[0].text


def test_a_session_survives_a_restart(
    fake: FakeSlack, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    db = tmp_path / "restart.db"
    with AppServer(fake, db) as first:
        card = _start(first)
        first.post(message_im(USER, "Tell me about mornings.", thread_ts=card.ts))
        first.drain()
    with AppServer(fake, db) as second:
        second.post(message_im(USER, "What else?", thread_ts=card.ts))
        second.drain()
        second.post(message_im(USER, "end", thread_ts=card.ts))
        second.drain()
    replies = _caregiver_replies(fake, card.ts)
    assert len(replies) == 2
    debrief = fake.messages(channel=DM, thread_ts=card.ts)[-1]
    assert "Debrief" in debrief.text and '"*Turns*\\n2"' in _text(debrief.blocks)


def test_no_secret_reaches_the_logs(
    fake: FakeSlack, tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with AppServer(fake, tmp_path / "logs.db") as server:
        card = _start(server)
        server.post(message_im(USER, "Tell me about mornings.", thread_ts=card.ts))
        server.post(message_im(USER, "hi", thread_ts=card.ts), secret="wrong-secret")
        server.drain()
    logged = caplog.text + "\n".join(str(r.msg) for r in caplog.records)
    assert logged  # debug logging was on
    assert BOT_TOKEN not in logged and SIGNING_SECRET not in logged


def test_a_model_outage_mid_session_shows_a_plain_note_and_loses_no_turn(
    fake: FakeSlack, tmp_path: Any
) -> None:
    from fake_openai import FakeOpenAI

    from bot.services.practice import FALLBACK_NOTE

    with FakeOpenAI() as model:
        settings = {
            "OPENAI_API_KEY": "sk-test-model-key",
            "OPENAI_BASE_URL": model.base_url,
            "max_retries": 0,
            "review_mode": "rules",
            "check_principles": False,
        }
        with AppServer(fake, tmp_path / "outage.db", backend="openai", settings=settings) as server:
            card = _start(server)
            server.post(message_im(USER, "Tell me about mornings.", thread_ts=card.ts))
            server.drain()
            model.fail_range(model.chat_count + 1, 10, 500)
            server.post(message_im(USER, "What else?", thread_ts=card.ts))
            server.drain()
            model.failures.clear()
            server.post(message_im(USER, "Tell me more about that.", thread_ts=card.ts))
            server.drain()
    replies = _caregiver_replies(fake, card.ts)
    assert len(replies) == 3 and all(r.text for r in replies)
    assert (
        "(reply" in replies[0].text
        and "(reply" not in replies[1].text
        and "(reply" in replies[2].text
    )
    notes = [
        m
        for m in fake.messages(channel=DM, thread_ts=card.ts)
        if FALLBACK_NOTE[:30] in _text(m.blocks)
    ]
    assert len(notes) == 1


def test_dedupe_holds_across_two_app_processes_on_one_database(
    fake: FakeSlack, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    db = tmp_path / "shared.db"
    with AppServer(fake, db) as one, AppServer(fake, db) as two:
        card = _start(one)
        payload = message_im(USER, "Tell me about a typical week.", thread_ts=card.ts)
        threads = [
            threading.Thread(target=server.post, args=(payload,), kwargs={"retry_num": n})
            for n, server in ((None, one), (1, two), (2, one), (3, two))
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        one.drain()
        two.drain()
    assert len(_caregiver_replies(fake, card.ts)) == 1


def test_a_reply_sent_before_the_thread_is_stored_is_still_answered(
    server: AppServer, fake: FakeSlack
) -> None:
    fake.answer_delays["chat.postMessage"] = 0.6  # the card shows before the app learns its ts
    server.post(block_actions(USER, ids.ACTION_START, value="night-shift-mom", in_home=True))
    assert fake.wait_for(lambda f: len(f.messages(channel=DM)) == 1)
    card = fake.messages(channel=DM)[0]
    server.post(message_im(USER, "Tell me about your mornings.", thread_ts=card.ts))
    fake.answer_delays.clear()
    server.drain()
    assert len(_caregiver_replies(fake, card.ts)) == 1
