"""Coaches in Teams, end to end through the real SDK endpoint with valid tokens: the
queue, a transcript with findings in place, feedback and its one reply, mark reviewed,
the progress chart; a non-coach refused; another tenant sees nothing."""

from __future__ import annotations

import asyncio
import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_connector import (
    MAX_MESSAGE_BYTES,
    FakeConnector,
    FakeIdentity,
    Recorded,
    message_bytes,
)
from teams_kit import TENANT, TeamsServer, activity, chat_of, user

from bot.presenters.coach_limits import CARD_TOO_BIG, NOTHING_NEW_TO_SEND, dispute_updated
from bot.presenters.coaching import LAST_COACH
from bot.presenters.practice import DISPUTE_SAVED, TEAMS_OTHER_TENANT
from bot.services.coaching import Coaching
from bot.store import Store
from bot.teams.coach_cards import CARD_BUDGET_BYTES

pytestmark = pytest.mark.integration

STAFF, COACH, OTHER = 1, 2, 3
COACH_ID = user(COACH)["aadObjectId"]
STAFF_ID = user(STAFF)["aadObjectId"]
OTHER_ID = user(OTHER)["aadObjectId"]
ELSEWHERE = "0b1c2d3e-4f50-4617-8a9b-0c1d2e3f4a5b"

NOT_A_COACH = "Only coaches in this organization can see the coach queue and transcripts."
NOT_ALLOWED_TO_MANAGE = "Only coaches can add or remove coaches."
"""Teams' refusals (issue 12): Teams has team owners, not workspace admins, and no
workspace; Slack's sentences are pinned in tests/teams/test_platform_words.py."""


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "ec.db")


@pytest.fixture
def server(db: str, identity: FakeIdentity, connector: FakeConnector) -> Iterator[TeamsServer]:
    s = TeamsServer(db, identity, connector)
    s.settings = s.settings.model_copy(update={"coach_user_ids": COACH_ID})
    with s:
        yield s


def _next(server: TeamsServer, n: int, before: int) -> Recorded:
    """The first message posted in user ``n``'s chat after ``before`` messages."""
    got = server.wait_messages(before + 1, chat_of(n))
    assert len(got) > before, "nothing was posted"
    return got[before]


def _count(server: TeamsServer, n: int) -> int:
    return len(server.connector.messages(chat_of(n)))


def _say(server: TeamsServer, n: int, text: str) -> Recorded:
    before = _count(server, n)
    server.say(text, n=n)
    return _next(server, n, before)


def _press(
    server: TeamsServer, n: int, data: dict[str, object], *, wait: int = 1
) -> list[Recorded]:
    before = _count(server, n)
    server.press(data, n=n)
    return server.wait_messages(before + wait, chat_of(n))[before:]


def _practice(server: TeamsServer, lines: list[str]) -> str:
    """Staff practices with Denise and ends; returns the session id."""
    before = _count(server, STAFF)
    server.press({"ec": "start", "id": "night-shift-mom"}, n=STAFF)
    intro = _next(server, STAFF, before)
    session_id = str(intro.submits()[0]["data"]["id"])
    for line in lines:
        _say(server, STAFF, line)
    debrief = _say(server, STAFF, "end")
    assert "Debrief" in debrief.card_text
    return session_id


def _service_queue(db: str, workspace: str, coach: str) -> list[str]:
    async def read() -> list[str]:
        store = Store.from_url(f"sqlite:///{db}")
        try:
            page = await Coaching(store).queue(workspace, coach, limit=5)
            return [i.session_id for i in page.items]
        finally:
            await store.dispose()

    return asyncio.run(read())


def test_a_coach_works_the_queue_and_staff_get_the_feedback(server: TeamsServer, db: str) -> None:
    hello = _say(server, COACH, "coach")  # the coach's chat is now known
    assert "Nothing is waiting for your review." in hello.card_text
    first = _practice(server, ["What does a typical morning look like for you?"])
    _press(server, STAFF, {"ec": "coach", "id": first})
    session_id = _practice(
        server,
        [
            "Hi, is this a good time to talk about your son?",
            "You should really make sure he gets to school on time.",
            "What does a typical morning look like for you?",
        ],
    )
    before = _count(server, COACH)
    [confirm] = _press(server, STAFF, {"ec": "coach", "id": session_id})
    assert confirm.text.startswith("Sent to your coach. They have been told")
    alert = _next(server, COACH, before)
    assert "Staff 1 sent you a practice session with Denise Carver (3 turns)" in alert.card_text
    assert [a["data"] for a in alert.submits()] == [{"ec": "coach_open", "id": session_id}]

    # the queue: the same items in the same order as the service gives Slack's Home tab
    queue = _say(server, COACH, "coach")
    opened = [a["data"]["id"] for a in queue.submits() if a["data"]["ec"] == "coach_open"]
    assert opened == _service_queue(db, TENANT, COACH_ID) == [session_id, first]
    assert (
        "1–2 of 2 unreviewed" in queue.card_text
        and "**Staff 1** · Denise Carver" in queue.card_text
    )

    # the transcript, findings marked in place
    [card] = _press(server, COACH, alert.submits()[0]["data"])
    text = card.card_text
    assert "Staff 1's practice with Denise Carver: 3 turns." in text
    assert "**You should**\\[1\\]" in text or "**You should really" in text
    assert "\\[1\\] **Judgment** (turns it into an intervention)" in text
    titles = [a["title"] for a in card.submits()]
    assert "Mark reviewed" in titles and "Send feedback" not in titles

    # feedback: a draft, then sent; the staff member gets it in their chat
    saved, redrawn = _press(
        server,
        COACH,
        {"ec": "coach_comment", "id": session_id, "turn": "2", "text": "Try an open question."},
        wait=2,
    )
    assert "Saved as a draft" in saved.text
    assert "On turn 2 (draft, not sent yet):** Try an open question." in redrawn.card_text
    send = next(a["data"] for a in redrawn.submits() if a["title"] == "Send feedback")
    staff_before = _count(server, STAFF)
    sent, again_card = _press(server, COACH, send, wait=2)
    assert sent.text == "Sent 1 piece of feedback to Staff 1."
    assert "Mark reviewed" in [a["title"] for a in again_card.submits()]
    feedback = _next(server, STAFF, staff_before)
    assert "Staff 2 sent you feedback on your practice with Denise Carver." in feedback.card_text
    assert "Try an open question." in feedback.card_text
    reply = next(a["data"] for a in feedback.submits() if a["data"]["ec"] == "coach_reply")

    # the one reply reaches the coach
    coach_before = _count(server, COACH)
    [thanks] = _press(server, STAFF, {**reply, "text": "Thanks, I will."})
    assert "Your coach will see your reply" in thanks.text
    told = _next(server, COACH, coach_before)
    assert "Staff 1 replied to your feedback" in told.text and "Thanks, I will." in told.text
    [again] = _press(server, STAFF, {**reply, "text": "And again."})
    assert "already" in again.text.lower()

    # mark reviewed: it leaves the unreviewed queue
    [done] = _press(server, COACH, {"ec": "coach_reviewed", "id": session_id})
    assert "Marked reviewed" in done.text
    after = _say(server, COACH, "coach")
    left = [a["data"]["id"] for a in after.submits() if a["data"]["ec"] == "coach_open"]
    assert left == [first]


def test_the_progress_chart_comes_as_an_image_with_its_figures(server: TeamsServer) -> None:
    _say(server, COACH, "hello")
    _practice(server, ["What does a typical morning look like for you?"])
    [chart] = _press(server, COACH, {"ec": "coach_progress", "id": f"staff:{STAFF_ID}"})
    [image] = chart.body["attachments"]
    assert image["contentType"] == "image/png"
    data = base64.b64decode(image["contentUrl"].removeprefix("data:image/png;base64,"))
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert "Open questions: 100%." in chart.text and "1 session" in chart.text
    [own] = _press(server, STAFF, {"ec": "coach_progress", "id": "team"})
    assert own.text == "Only coaches can see the team's progress. Type progress for yours."
    mine = _say(server, STAFF, "progress")
    assert mine.body["attachments"][0]["contentType"] == "image/png"


def test_a_non_coach_is_refused_and_another_tenant_sees_nothing(server: TeamsServer) -> None:
    session_id = _practice(server, ["You should really make sure he gets to school on time."])
    _press(server, STAFF, {"ec": "coach", "id": session_id})
    refused = _say(server, OTHER, "coach")
    assert refused.text == NOT_A_COACH and not refused.cards
    for who in (OTHER, STAFF):
        [no] = _press(server, who, {"ec": "coach_open", "id": session_id})
        assert no.text == NOT_A_COACH and not no.cards
        [no] = _press(server, who, {"ec": "coach_queue", "id": "all"})
        assert no.text == NOT_A_COACH and not no.cards
        [no] = _press(server, who, {"ec": "coach_comment", "id": session_id, "text": "x"})
        assert no.text == NOT_A_COACH

    # the same coach id in another tenant sees none of it: the app serves one tenant
    # (TENANT_ID), so another's activity runs nothing and gets one fixed line
    body = activity("message", server.connector.service_url, n=COACH, text="coach all")
    body["conversation"]["tenantId"] = body["channelData"]["tenant"]["id"] = ELSEWHERE
    before = _count(server, COACH)
    assert server.post(body).status_code == 200
    empty = _next(server, COACH, before)
    assert empty.text == TEAMS_OTHER_TENANT and not empty.cards
    body = activity(
        "message",
        server.connector.service_url,
        n=COACH,
        value={"ec": "coach_open", "id": session_id},
    )
    body["conversation"]["tenantId"] = body["channelData"]["tenant"]["id"] = ELSEWHERE
    before = _count(server, COACH)
    assert server.post(body).status_code == 200
    nothing = _next(server, COACH, before)
    assert nothing.text == TEAMS_OTHER_TENANT and not nothing.cards


def test_coach_add_as_a_typed_command(server: TeamsServer) -> None:
    _say(server, OTHER, "hi")  # their chat is known, so they can be told
    bad = _say(server, COACH, "coach add Jordan")
    assert "can't look people up by a typed name" in bad.card_text
    before = _count(server, OTHER)
    done = _say(server, COACH, f"coach add {OTHER_ID}")
    assert done.text == "Staff 3 is now a coach in this organization. I've let them know."
    told = _next(server, OTHER, before)
    assert told.text.startswith("Staff 2 made you a coach")
    queue = _say(server, OTHER, "coach")
    assert "Sessions for you to review" in queue.card_text
    nope = _say(server, STAFF, f"coach add {STAFF_ID}")
    assert nope.text == NOT_ALLOWED_TO_MANAGE


def test_an_error_on_a_pressed_card_leaves_the_card_for_the_fix(server: TeamsServer) -> None:
    """Issue 12, finding 2: an empty reply to feedback and an add with no one picked come
    as new messages (no ``PUT`` of the pressed card, so its inputs and button stay); after
    *Send feedback* the transcript comes again with *Mark reviewed*."""
    conn = server.connector
    _say(server, COACH, "coach")
    sid = _practice(server, ["What does a typical morning look like for you?"])
    _press(server, STAFF, {"ec": "coach", "id": sid})
    _press(server, COACH, {"ec": "coach_open", "id": sid})
    comment = {"ec": "coach_comment", "id": sid, "turn": "1", "text": "Nice open question."}
    _, redrawn = _press(server, COACH, comment, wait=2)
    send = next(a["data"] for a in redrawn.submits() if a["title"] == "Send feedback")
    staff_before = _count(server, STAFF)
    before = _count(server, COACH)
    server.press(send, n=COACH, card=redrawn.returned_id)
    got = server.wait_messages(before + 1, chat_of(COACH))[before:]
    shown = [u.body for u in conn.updates() if u.activity_id == redrawn.returned_id]
    shown += [m.body for m in got]
    titles = [
        a.get("title")
        for b in shown
        for att in b.get("attachments") or []
        for a in att["content"].get("actions") or []
    ]
    assert "Mark reviewed" in titles, "the transcript (with Mark reviewed) is still shown"
    feedback = _next(server, STAFF, staff_before)
    reply = next(a["data"] for a in feedback.submits() if a["data"]["ec"] == "coach_reply")

    updates = len(conn.updates())
    before = _count(server, STAFF)
    server.press({**reply, "text": ""}, n=STAFF, card=feedback.returned_id)
    [empty] = server.wait_messages(before + 1, chat_of(STAFF))[before:]
    assert empty.text == "Please write a few words first."
    assert len(conn.updates()) == updates, "the feedback card was not replaced"
    before = _count(server, STAFF)
    server.press({**reply, "text": "Thanks!"}, n=STAFF, card=feedback.returned_id)
    [thanks] = server.wait_messages(before + 1, chat_of(STAFF))[before:] or conn.updates()[-1:]
    assert "Your coach will see your reply" in (thanks.text + thanks.card_text)

    picker = _say(server, COACH, "coach add")
    [submit] = picker.submits()
    before = _count(server, COACH)
    server.press({**submit["data"], "person": ""}, n=COACH, card=picker.returned_id)
    [pick] = server.wait_messages(before + 1, chat_of(COACH))[before:]
    assert pick.text == "Please pick a person on the card, then press the button again."
    assert not [u for u in conn.updates() if u.activity_id == picker.returned_id]


def _picker(card: Recorded) -> dict[str, Any]:
    """The card's one people picker or coach list."""
    [found] = card.elements("Input.ChoiceSet")
    return found


def test_coach_add_and_remove_by_picking_the_person(server: TeamsServer) -> None:
    """``coach add`` alone: Teams' people picker (the directory's users, value the Entra
    object id); ``coach remove`` alone: the other coaches; a staff member gets no picker."""
    _say(server, OTHER, "hi")
    card = _say(server, COACH, "coach add")
    picker = _picker(card)
    assert picker["choices.data"] == {"type": "Data.Query", "dataset": "graph.microsoft.com/users"}
    [submit] = card.submits()
    assert submit["data"] == {"ec": "coach_change", "id": "add"}
    [empty] = _press(server, COACH, {**submit["data"], "person": ""})
    assert empty.text == "Please pick a person on the card, then press the button again."
    [done] = _press(server, COACH, {**submit["data"], "person": OTHER_ID})
    assert done.text == "Staff 3 is now a coach in this organization. I've let them know."

    listing = _say(server, COACH, "coach remove")
    choices = _picker(listing)["choices"]
    assert choices == [{"title": "Staff 3", "value": OTHER_ID}]  # not the coach themself
    [submit] = listing.submits()
    [removed] = _press(server, COACH, {**submit["data"], "person": OTHER_ID})
    assert "Staff 3" in removed.text and "coach" in removed.text
    assert _say(server, OTHER, "coach").text == NOT_A_COACH
    # the last coach cannot remove themself: Teams has no admin who could add one again
    assert _say(server, COACH, f"coach remove {COACH_ID}").text == LAST_COACH
    assert "Sessions for you to review" in _say(server, COACH, "coach").card_text

    refused = _say(server, STAFF, "coach add")
    assert refused.text == NOT_ALLOWED_TO_MANAGE and not refused.cards
    [no] = _press(server, STAFF, {"ec": "coach_change", "id": "add", "person": STAFF_ID})
    assert no.text == NOT_ALLOWED_TO_MANAGE


def test_sending_again_with_nothing_new_tells_no_coach_and_says_so(server: TeamsServer) -> None:
    """A reviewed session sent again unchanged: no empty alert to the coach, one plain line
    to staff (the new-user tester's finding 1; the rule is the service's, Slack's too)."""
    _say(server, COACH, "coach")
    sid = _practice(server, ["What does a typical morning look like for you?"])
    [sent] = _press(server, STAFF, {"ec": "coach", "id": sid})
    assert sent.text.startswith("Sent to your coach.")
    [done] = _press(server, COACH, {"ec": "coach_reviewed", "id": sid})
    assert "Marked reviewed" in done.text
    coach_before = _count(server, COACH)
    [again] = _press(server, STAFF, {"ec": "coach", "id": sid})
    assert again.text == NOTHING_NEW_TO_SEND and not again.cards
    # coach alerts go out before the staff member's line, so none can still be on its way
    assert _count(server, COACH) == coach_before
    assert "Nothing is waiting for your review." in _say(server, COACH, "coach").card_text


def _long(n: int) -> str:
    """A long staff turn (under the 2,000-character limit), numbered so each turn is known."""
    words = (
        f"Turn {n}. I hear that mornings are hard, and I wonder what a typical school morning "
        "looks like for you and for him, from the moment the alarm goes off until the bus. "
    )
    return (words * 20)[:1900]


def _utf16(record: Recorded) -> int:
    """What the connector counted for a recorded activity (UTF-16, no Base64 images)."""
    return message_bytes(json.dumps(record.body).encode())


def test_a_long_transcript_comes_in_cards_teams_accepts_and_a_413_is_said_plainly(
    server: TeamsServer, db: str
) -> None:
    """A page whose six long turns and feedback are bigger than Teams takes (40 KB as
    UTF-16; the fake answers 413 above it, as the connector does) comes as cards within
    the limit, each turn once, Later/Earlier turns between them; a card Teams still
    refuses gets one plain line and nothing is lost (the new-user tester's finding 3)."""
    _say(server, COACH, "coach")
    sid = _practice(server, [_long(n) for n in range(1, 7)])
    _press(server, STAFF, {"ec": "coach", "id": sid})
    for n in range(1, 7):  # a long draft on every turn: each press redraws the page
        saved, _redrawn = _press(
            server,
            COACH,
            {"ec": "coach_comment", "id": sid, "turn": str(n), "text": f"Draft {n}. " * 190},
            wait=2,
        )
        assert "Saved as a draft" in saved.text
    assert server.connector.too_big == []  # no card was refused

    seen: list[int] = []
    cards: list[Recorded] = []
    data: dict[str, object] | None = {"ec": "coach_open", "id": sid}
    while data is not None:
        [card] = _press(server, COACH, data)
        cards.append(card)
        seen += [int(m) for m in re.findall(r"\*\*Turn (\d+)\*\*", card.card_text)]
        later = [a["data"] for a in card.submits() if a["title"] == "Later turns"]
        data = later[0] if later else None
    assert seen == [1, 2, 3, 4, 5, 6] and len(cards) > 1  # each turn once, in order
    assert all(_utf16(c) <= CARD_BUDGET_BYTES + 4096 < MAX_MESSAGE_BYTES for c in cards)
    assert "more turns of this page didn't fit on this card" in cards[0].card_text
    for n in range(1, 7):
        assert sum(f"Draft {n}." in c.card_text for c in cards) == 1
    [back] = [a["data"] for a in cards[1].submits() if a["title"] == "Earlier turns"]
    assert back == {"ec": "coach_open", "id": sid, "page": "0"}
    assert server.connector.too_big == []

    # the connector refuses even the smallest card: said plainly, the drafts stay
    server.connector.max_message_bytes = 2000
    [told] = _press(server, COACH, {"ec": "coach_open", "id": sid})
    assert told.text.endswith(CARD_TOO_BIG) and not told.cards
    assert server.connector.too_big  # it was refused, not skipped
    server.connector.max_message_bytes = MAX_MESSAGE_BYTES
    [again] = _press(server, COACH, {"ec": "coach_open", "id": sid})
    assert "Draft 1." in again.card_text


def test_a_second_disagreement_with_a_note_keeps_the_first(server: TeamsServer, db: str) -> None:
    """*Was this note wrong?* twice on one note: both comments are kept and the coach sees
    both on the transcript; the staff member is told the earlier one is kept (the new-user
    tester's finding 2: the second replaced the first silently)."""
    _say(server, COACH, "coach")
    sid = _practice(server, ["You should really make sure he gets to school on time."])
    _press(server, STAFF, {"ec": "coach", "id": sid})
    target = f"{sid}:1"
    [first] = _press(
        server,
        STAFF,
        {"ec": "dispute_note", "id": target, "comment": "I was repeating what she asked for."},
    )
    assert first.text == DISPUTE_SAVED
    [second] = _press(
        server,
        STAFF,
        {"ec": "dispute_note", "id": target, "comment": "On reflection: it was her own goal."},
    )
    assert second.text == dispute_updated(1)

    [card] = _press(server, COACH, {"ec": "coach_open", "id": sid})
    text = card.card_text
    assert "They said: “On reflection: it was her own goal.”" in text
    assert "I was repeating what she asked for." in text and "Earlier (" in text
    assert text.index("On reflection") < text.index("I was repeating")  # latest first

    async def stored() -> list[tuple[str | None, int]]:
        store = Store.from_url(f"sqlite:///{db}")
        try:
            async with store.unit_of_work() as uow:
                rows = await uow.note_disputes.for_session(TENANT, sid)
                return [(r.comment, len(r.history or [])) for r in rows]
        finally:
            await store.dispose()

    assert asyncio.run(stored()) == [("On reflection: it was her own goal.", 1)]


SLACK_WORDS = ("workspace", "slash", "/coach", "/review-questions", "Home tab", "admin", "@name")
"""Slack's words, which no Teams coach screen may say (issue 12): Teams has no workspace,
no slash commands, no Home tab, and team owners rather than workspace admins."""


def _no_slack_words(said: Recorded) -> None:
    words = f"{said.text}\n{said.card_text}"
    for slack in SLACK_WORDS:
        assert slack.lower() not in words.lower(), (slack, words)


def _flag_everything(db: str) -> None:
    """Automatic flagging on in the tenant, at its lowest threshold (as a Slack admin's
    ``/coach flagging on findings 0.5`` would set it; Teams has no flagging command)."""

    async def run() -> None:
        store = Store.from_url(f"sqlite:///{db}")
        try:
            await Coaching(store).set_flagging(
                TENANT, "setup", enabled=True, findings_per_10=0.5, actor_is_admin=True
            )
        finally:
            await store.dispose()

    asyncio.run(run())


def test_no_teams_coach_screen_or_refusal_says_slack_words(server: TeamsServer, db: str) -> None:
    """Every coach screen and refusal Teams shows, walked through the endpoint, in Teams'
    words: the queue (with a flag's reason), a transcript, feedback, the coach list, help,
    adding and removing, and each refusal a staff member meets."""
    _flag_everything(db)
    seen: list[Recorded] = [_say(server, COACH, "coach"), _say(server, OTHER, "hi")]
    judging = "You should really make sure he gets to school on time."
    session_id = _practice(server, [judging] * 5)  # MIN_TURNS_FOR_RATE turns
    seen += _press(server, STAFF, {"ec": "coach", "id": session_id})
    queue = _say(server, COACH, "coach all")
    assert "flagged:" in queue.card_text and "this organization set" in queue.card_text
    seen.append(queue)
    seen += _press(server, COACH, {"ec": "coach_open", "id": session_id})
    seen += _press(
        server, COACH, {"ec": "coach_comment", "id": session_id, "text": "Ask first."}, wait=2
    )
    staff_before = _count(server, STAFF)
    seen += _press(server, COACH, {"ec": "coach_send", "id": session_id})
    seen.append(_next(server, STAFF, staff_before))
    seen += _press(server, COACH, {"ec": "coach_reviewed", "id": session_id})
    for typed in ("coach list", "coach help", "coach zap", "coach add", "coach add Jordan"):
        seen.append(_say(server, COACH, typed))
    other_before = _count(server, OTHER)
    added = _say(server, COACH, f"coach add {OTHER_ID}")
    assert added.text == "Staff 3 is now a coach in this organization. I've let them know."
    seen += [added, _next(server, OTHER, other_before), _say(server, COACH, "coach list")]
    seen.append(_say(server, COACH, f"coach add {OTHER_ID}"))  # already a coach
    seen.append(_say(server, COACH, "coach remove"))
    seen.append(_say(server, COACH, f"coach remove {OTHER_ID}"))
    seen.append(_say(server, COACH, f"coach remove {OTHER_ID}"))  # not a coach any more

    # a staff member's refusals
    for typed in ("coach", "coach all", "coach list", "coach add", f"coach add {STAFF_ID}"):
        seen.append(_say(server, STAFF, typed))
    seen.append(_say(server, STAFF, "team progress"))
    for press in (
        {"ec": "coach_open", "id": session_id},
        {"ec": "coach_queue", "id": "all"},
        {"ec": "coach_comment", "id": session_id, "text": "x"},
        {"ec": "coach_send", "id": session_id},
        {"ec": "coach_reviewed", "id": session_id},
        {"ec": "coach_change", "id": "add", "person": STAFF_ID},
        {"ec": "coach_change", "id": "remove", "person": COACH_ID},
    ):
        seen += _press(server, STAFF, press)
    texts = [s.text for s in seen]
    assert NOT_A_COACH in texts and NOT_ALLOWED_TO_MANAGE in texts, texts
    for said in seen:
        _no_slack_words(said)


def _drafts(db: str, session_id: str, count: int, size: int) -> None:
    """The coach writes ``count`` long comments (as *Add feedback* saves them)."""

    async def run() -> None:
        store = Store.from_url(f"sqlite:///{db}")
        try:
            for n in range(count):
                text = f"Piece {n + 1}. " + ("Try asking what mornings are like. " * 60)[:size]
                await Coaching(store).add_feedback(TENANT, COACH_ID, session_id, text)
        finally:
            await store.dispose()

    asyncio.run(run())


def _sent_to_staff(db: str, session_id: str) -> int:
    async def read() -> int:
        store = Store.from_url(f"sqlite:///{db}")
        try:
            return len(await Coaching(store).feedback_for_staff(TENANT, STAFF_ID, session_id))
        finally:
            await store.dispose()

    return asyncio.run(read())


def test_long_feedback_comes_in_cards_teams_accepts_and_is_sent_only_when_all_arrive(
    server: TeamsServer, db: str
) -> None:
    """Issue 12: a coach's feedback over Teams' message size is split between pieces
    (each card under CARD_BUDGET_BYTES, so the connector's 413 never comes); when Teams
    refuses a part, nothing is marked sent, the coach is told plainly, and pressing
    Send feedback again delivers all of it."""
    conn = server.connector
    _say(server, COACH, "coach")
    session_id = _practice(server, ["What does a typical morning look like for you?"])
    _press(server, STAFF, {"ec": "coach", "id": session_id})
    _drafts(db, session_id, 14, 1900)  # about 55 KB as UTF-16: over the 40 KB limit
    send = {"ec": "coach_send", "id": session_id}

    # Teams refuses (a smaller limit than the cards are cut to): nothing is sent
    conn.max_message_bytes = 8 * 1024
    staff_before = _count(server, STAFF)
    [told] = _press(server, COACH, send)
    assert told.text == (
        "Teams didn't accept the feedback for Staff 1 just now, so it wasn't sent and is "
        "still saved as a draft. Please press Send feedback again in a minute."
    )
    assert conn.too_big, "the connector answered 413"
    assert _sent_to_staff(db, session_id) == 0

    # at Teams' limit again: every part arrives, then it is marked sent
    conn.max_message_bytes = MAX_MESSAGE_BYTES
    conn.too_big.clear()
    [sent, *_] = _press(server, COACH, send)  # then the transcript again
    assert sent.text == "Sent 14 pieces of feedback to Staff 1."
    parts = [m for m in conn.messages(chat_of(STAFF))[staff_before:] if m.cards]
    assert len(parts) >= 2 and not conn.too_big
    assert all(message_bytes(json.dumps(p.body).encode()) <= CARD_BUDGET_BYTES for p in parts)
    text = "\n".join(p.card_text for p in parts)
    assert all(f"Piece {n}." in text for n in range(1, 15))
    assert f"(part 1 of {len(parts)})" in parts[0].card_text
    replies = [a for p in parts for a in p.submits() if a["data"]["ec"] == "coach_reply"]
    assert len(replies) == 14
    assert _sent_to_staff(db, session_id) == 14
