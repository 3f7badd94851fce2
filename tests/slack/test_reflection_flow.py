"""After a real interview, end to end in Slack: log it, then two weeks of prompts in fake time.

The real app runs over HTTP (signed, Slack-shaped requests) against the fake
Slack Web API and a SQLite file; the after-interview services and the
reminder dispatcher share one fake clock the test moves. The dispatcher runs
only when the test ticks it (``AppServer.tick``): nothing sleeps for schedule
time. Every prompt is read back from the ``chat.postMessage`` calls the fake
recorded.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dispatch_kit import FakeClock
from fake_slack import TEAM_ID, Call, FakeSlack
from slack_kit import AppServer, app_home_opened, block_actions, slash_command, submission

from bot.services.reflection import InterviewInfo
from bot.slack import ids

pytestmark = pytest.mark.integration

USER = "U0STAFF"
DM = f"D{USER}"
TEAM = "C0TEAM"
LA = ZoneInfo("America/Los_Angeles")
F = ids.FIELDS


def la(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment on the Los Angeles wall clock, in UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=LA).astimezone(UTC)


@pytest.fixture
def clock() -> FakeClock:
    """Thursday 5 March 2026, 10:15 in Los Angeles (the Sunday after, clocks go forward)."""
    return FakeClock(la(2026, 3, 5, 10, 15))


@pytest.fixture
def app(
    fake: FakeSlack,
    clock: FakeClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    db_url: str,
) -> Iterator[AppServer]:
    """The app on a fake clock, its dispatcher ticked by the test; on SQLite and on
    PostgreSQL (``db_url`` from tests/conftest.py)."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with AppServer(
        fake, tmp_path / "after.db", clock=clock, dispatch=False, database_url=db_url
    ) as server:
        yield server


# ---------------------------------------------------------------------- helpers


def _value(block: str, state: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {block: {ids.element_id(block): state}}


def log_values(
    *,
    day: str = "2026-03-05",
    at: str = "10:00",
    pseudonym: str = "M.L.",
    grade: str = "3-5",
    mode: str = "phone",
    channel: str | None = TEAM,
    notes: str = "",
) -> dict[str, dict[str, dict[str, Any]]]:
    """The log modal's submitted state."""
    values: dict[str, dict[str, dict[str, Any]]] = {}
    values |= _value(F["happened_on"], {"type": "datepicker", "selected_date": day})
    values |= _value(F["happened_at"], {"type": "timepicker", "selected_time": at})
    values |= _value(F["pseudonym"], {"type": "plain_text_input", "value": pseudonym})
    values |= _value(
        F["grade_band"], {"type": "static_select", "selected_option": {"value": grade}}
    )
    values |= _value(F["mode"], {"type": "radio_buttons", "selected_option": {"value": mode}})
    values |= _value(
        F["team_channel"], {"type": "conversations_select", "selected_conversation": channel}
    )
    values |= _value(F["notes"], {"type": "plain_text_input", "value": notes})
    return values


def text_values(field: str, text: str) -> dict[str, dict[str, dict[str, Any]]]:
    """One text field's submitted state."""
    return _value(F[field], {"type": "plain_text_input", "value": text})


def reflection_values(
    nothing_new: bool = False, **answers: str
) -> dict[str, dict[str, dict[str, Any]]]:
    """The reflection modal's submitted state."""
    values: dict[str, dict[str, dict[str, Any]]] = {}
    for field in ("surprised", "assumption_challenged", "not_in_data", "do_differently"):
        values |= text_values(field, answers.get(field, ""))
    ticked = [{"value": "nothing_new"}] if nothing_new else []
    values |= _value(F["nothing_new"], {"type": "checkboxes", "selected_options": ticked})
    return values


def open_modal(app: AppServer, payload: tuple[str, str], callback_id: str) -> dict[str, Any]:
    """Send a request that opens a modal; wait for its ``views.open`` and return the view.

    Bolt answers Slack at the ack and opens the modal right after it, so the
    call is awaited on the fake rather than assumed done with the response.
    """
    before = len(app.fake.calls_to("views.open"))
    resp = app.post(payload)
    assert resp.status_code == 200 and resp.text in ("", "{}")  # acknowledged, then opened
    assert app.fake.wait_for(lambda f: len(f.calls_to("views.open")) > before)
    view = app.fake.calls_to("views.open")[-1].params["view"]
    assert view["callback_id"] == callback_id
    return dict(view)


def log_interview(app: AppServer, fake: FakeSlack, **values: Any) -> dict[str, Any]:
    """``/log-interview`` in the team channel, then submit the modal; returns the ack body."""
    command = slash_command(
        "/log-interview", "", USER, response_url=fake.response_url(), channel_id=TEAM
    )
    view = open_modal(app, command, ids.VIEW_LOG_INTERVIEW)
    resp = app.post(
        submission(
            USER,
            ids.VIEW_LOG_INTERVIEW,
            log_values(**values),
            private_metadata=view["private_metadata"],
        )
    )
    assert resp.status_code == 200
    app.drain()
    return resp.json() if resp.text else {}


def interviews(app: AppServer, user: str = USER) -> list[InterviewInfo]:
    """The user's live interviews, newest first, with their reminders."""
    reflections = app.runtime.deps.reflections
    recent = app.call(reflections.recent_interviews(TEAM_ID, user))
    return [app.call(reflections.get_interview(TEAM_ID, user, i.id)) for i in recent]


def prompt_kind(call: Call) -> str | None:
    """The reminder kind in a post's metadata (None for other posts)."""
    meta = call.params.get("metadata") or {}
    if meta.get("event_type") != ids.PROMPT_METADATA_EVENT:
        return None
    return str(meta["event_payload"]["kind"])


@dataclass
class Delivered:
    """A reminder post and the fake time it went out."""

    at: datetime
    channel: str
    kind: str
    call: Call

    def local(self) -> str:
        return self.at.astimezone(LA).strftime("%a %d %H:%M")


def run_until(
    app: AppServer,
    clock: FakeClock,
    end: datetime,
    *,
    step: timedelta = timedelta(minutes=15),
    on_post: Any = None,
) -> list[Delivered]:
    """Tick the dispatcher every ``step`` of fake time until ``end``; the reminders posted."""
    fake = app.fake
    seen = len(fake.calls_to("chat.postMessage"))
    out: list[Delivered] = []
    while clock.now < end:
        app.tick()
        calls = fake.calls_to("chat.postMessage")
        for call in calls[seen:]:
            kind = prompt_kind(call)
            if kind is not None and call.answer.get("ok"):
                post = Delivered(clock.now, call.params["channel"], kind, call)
                out.append(post)
                if on_post is not None:
                    on_post(post)
        seen = len(calls)
        clock.advance(seconds=step.total_seconds())
    return out


def _text(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _button(call: Call, action_id: str) -> dict[str, Any]:
    for block in call.params.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return dict(element)
    raise AssertionError(f"no {action_id} button")


# ---------------------------------------------------------------------- the whole story


def test_two_weeks_after_one_interview(app: AppServer, fake: FakeSlack, clock: FakeClock) -> None:
    """Log by slash command; each prompt once, at a sensible local time; answers stored scrubbed."""
    command = slash_command(
        "/log-interview", "", USER, response_url=fake.response_url(), channel_id=TEAM
    )
    view = open_modal(app, command, ids.VIEW_LOG_INTERVIEW)
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    when = inputs[F["happened_at"]]["element"]
    assert inputs[F["happened_on"]]["element"]["initial_date"] == "2026-03-05"
    assert when["initial_time"] == "10:15" and when["timezone"] == "America/Los_Angeles"
    assert inputs[F["pseudonym"]]["hint"]["text"] == (
        "Please don't enter names; notes are scrubbed anyway"
    )
    grades = [o["value"] for o in inputs[F["grade_band"]]["element"]["options"]]
    assert grades == ["PreK", "K-2", "3-5", "6-8", "9-12"]
    assert inputs[F["team_channel"]]["element"]["initial_conversation"] == TEAM
    assert inputs[F["team_channel"]]["optional"] and inputs[F["notes"]]["optional"]

    notes = "She said “mornings are a battle”. Call Maria at 509-555-0142 after 3."
    resp = app.post(
        submission(
            USER,
            ids.VIEW_LOG_INTERVIEW,
            log_values(notes=notes),
            private_metadata=view["private_metadata"],
        )
    )
    assert resp.status_code == 200 and resp.text in ("", "{}")  # the modal closes
    app.drain()
    # the zone is looked up when the modal opens (none stored yet) and again on submit
    assert [c.params["user"] for c in fake.calls_to("users.info")] == [USER, USER]
    (info,) = interviews(app)
    assert "509-555-0142" not in info.notes and "Maria" not in info.notes
    assert "[PHONE]" in info.notes and "mornings are a battle" in info.notes
    assert info.interviewer_tz == "America/Los_Angeles"
    (confirmation,) = fake.messages(channel=DM)
    body = _text(confirmation.blocks)
    for expected in (
        "Thu, Mar 5, 11:00 AM",
        "Fri, Mar 6, 8:30 AM",
        "Tue, Mar 10, 1:30 PM",
        "Thu, Mar 19, 10:00 AM",
        f"<#{TEAM}>",
        "removed 2 personal details",
    ):
        assert expected in body, expected

    def answer(post: Delivered) -> None:
        """The interviewer answers the DM prompts as they arrive."""
        if post.kind == "exact_words":
            button = _button(post.call, ids.ACTION_OPEN_EXACT_WORDS)
            modal = open_modal(
                app,
                block_actions(USER, ids.ACTION_OPEN_EXACT_WORDS, value=button["value"]),
                ids.VIEW_EXACT_WORDS,
            )
            done = app.post(
                submission(
                    USER,
                    ids.VIEW_EXACT_WORDS,
                    text_values("text", "“If the bus is late, Jayden just gives up.”"),
                    private_metadata=modal["private_metadata"],
                )
            )
            assert done.json()["response_action"] == "update"
        if post.kind == "reflection":
            button = _button(post.call, ids.ACTION_OPEN_REFLECTION)
            modal = open_modal(
                app,
                block_actions(USER, ids.ACTION_OPEN_REFLECTION, value=button["value"]),
                ids.VIEW_REFLECTION,
            )
            labels = [b["label"]["text"] for b in modal["blocks"] if b["type"] == "input"]
            assert labels[:4] == [
                "What surprised you?",
                "Which assumption did this challenge?",
                "What did you hear that no data report would show?",
                "What might we do differently?",
            ]
            done = app.post(
                submission(
                    USER,
                    ids.VIEW_REFLECTION,
                    reflection_values(
                        surprised="She wants a call every time he misses, from Mrs. Okafor.",
                        assumption_challenged="That families feel over-contacted.",
                        not_in_data="The bus stop moved; mail to 14 Elm Street comes back.",
                    ),
                    private_metadata=modal["private_metadata"],
                )
            )
            assert "Saved, thank you" in _text(done.json()["view"])

    posts = run_until(app, clock, la(2026, 3, 21, 0, 0), on_post=answer)

    assert [(p.kind, p.channel, p.local()) for p in posts] == [
        ("exact_words", DM, "Thu 05 11:00"),  # about an hour later
        ("reflection", DM, "Fri 06 08:30"),  # the next working day
        ("team_gathering", TEAM, "Tue 10 13:30"),  # two hours before the Tuesday meeting
        ("second_round", DM, "Thu 19 10:00"),  # 14 days later, same wall-clock time (DST)
    ]
    for post in posts:
        local = post.at.astimezone(LA)
        assert local.weekday() < 5 and 8 <= local.hour < 17
        assert post.call.params["metadata"]["event_payload"]["idempotency_key"]
    gathering = posts[2].call
    body = _text(gathering.params["blocks"])
    assert "M.L." in body and "grade 3-5" in body and "She wants a call every time" in body
    assert "[NAME]" in body and "Okafor" not in body and "Jayden" not in body
    assert "Elm Street" not in body and "[ADDRESS]" in body
    assert (
        _button(gathering, ids.ACTION_RECORD_DECISION)["value"] == f"team_gathering:{TEAM}:2026-W11"
    )
    assert _button(posts[3].call, ids.ACTION_LOG_INTERVIEW)["value"] == info.id
    assert len(fake.calls_to("chat.postMessage")) == 5  # the confirmation and four prompts

    # the team records its decision from the gathering post; the thread hears about it
    gathering_ts = gathering.answer["ts"]
    click = block_actions(
        "U0TEAMMATE",
        ids.ACTION_RECORD_DECISION,
        value=f"team_gathering:{TEAM}:2026-W11",
        channel=TEAM,
        message_ts=gathering_ts,
    )
    modal = open_modal(app, click, ids.VIEW_TEAM_DECISION)
    done = app.post(
        submission(
            "U0TEAMMATE",
            ids.VIEW_TEAM_DECISION,
            text_values("decision", "Call families the same morning; ask Ms. Reyes to start."),
            private_metadata=modal["private_metadata"],
        )
    )
    assert done.text in ("", "{}")
    app.drain()
    (reply,) = fake.messages(channel=TEAM, thread_ts=gathering_ts)
    assert "Call families the same morning" in reply.text and "Reyes" not in reply.text
    stored = app.call(app.runtime.deps.reflections.gathering_for(TEAM_ID, TEAM, "2026-W11"))
    assert [d.decided_by for d in stored.decisions] == ["U0TEAMMATE"]

    # the modal submission is checked server-side too: a form whose metadata names another
    # channel than the gathering's is refused, and nothing is stored
    forged = json.loads(modal["private_metadata"]) | {"channel": "C0OTHER"}
    refused = app.post(
        submission(
            "U0TEAMMATE",
            ids.VIEW_TEAM_DECISION,
            text_values("decision", "Something else."),
            private_metadata=json.dumps(forged),
        )
    )
    assert refused.json()["response_action"] == "errors"
    assert "another team" in json.dumps(refused.json()["errors"])
    stored = app.call(app.runtime.deps.reflections.gathering_for(TEAM_ID, TEAM, "2026-W11"))
    assert len(stored.decisions) == 1


def test_second_round_button_prefills_the_same_family(
    app: AppServer, fake: FakeSlack, clock: FakeClock
) -> None:
    log_interview(app, fake, pseudonym="R.T.", grade="6-8", mode="in_person")
    (info,) = interviews(app)
    posts = run_until(app, clock, la(2026, 3, 20, 0, 0), step=timedelta(hours=1))
    second = [p for p in posts if p.kind == "second_round"]
    assert len(second) == 1
    view = open_modal(
        app, block_actions(USER, ids.ACTION_LOG_INTERVIEW, value=info.id), ids.VIEW_LOG_INTERVIEW
    )
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs[F["pseudonym"]]["initial_value"] == "R.T."
    assert inputs[F["grade_band"]]["initial_option"]["value"] == "6-8"
    assert inputs[F["mode"]]["initial_option"]["value"] == "in_person"
    assert "second conversation" in _text(view["blocks"])


# ---------------------------------------------------------------------- the red flag


def test_a_reflection_with_nothing_new_sends_one_private_gentle_note(
    app: AppServer, fake: FakeSlack, clock: FakeClock
) -> None:
    log_interview(app, fake)
    (info,) = interviews(app)
    modal = open_modal(
        app, block_actions(USER, ids.ACTION_OPEN_REFLECTION, value=info.id), ids.VIEW_REFLECTION
    )
    done = app.post(
        submission(
            USER,
            ids.VIEW_REFLECTION,
            reflection_values(nothing_new=True, surprised="Nothing really, as expected."),
            private_metadata=modal["private_metadata"],
        )
    )
    assert "second conversation often goes further" in _text(done.json()["view"])
    posts = run_until(app, clock, la(2026, 3, 6, 0, 0))
    notes = [p for p in posts if p.kind == "red_flag_note"]
    # private by default: no coach set, so only the interviewer hears it (not the team)
    assert len(notes) == 1 and notes[0].channel == f"D{USER}"
    text = _text(notes[0].call.params["blocks"])
    assert "worth a second look" in text and "your interview" in text
    assert "should" not in text.lower()  # gentle: no scolding
    # the reflection prompt itself is no longer needed
    later = run_until(app, clock, la(2026, 3, 7, 0, 0))
    assert "reflection" not in [p.kind for p in later]


# ---------------------------------------------------------------------- failures


def test_not_in_channel_fails_only_the_team_post_and_tells_the_interviewer_once(
    app: AppServer, fake: FakeSlack, clock: FakeClock
) -> None:
    fake.channel_errors[TEAM] = "not_in_channel"
    log_interview(app, fake)
    posts = run_until(app, clock, la(2026, 3, 20, 12, 0))
    assert [p.kind for p in posts] == [
        "exact_words",
        "reflection",
        "delivery_failed",
        "second_round",
    ]
    notice = posts[2]
    # the post failed at 13:30; its notice went out at the dispatcher's next look
    assert notice.channel == DM and notice.local() == "Tue 10 13:45"
    text = _text(notice.call.params["blocks"])
    assert f"<#{TEAM}>" in text and "not_in_channel" in text and "/invite @empathy-coach" in text
    attempts = [c for c in fake.calls_to("chat.postMessage") if c.params["channel"] == TEAM]
    assert len(attempts) == 1 and attempts[0].answer["error"] == "not_in_channel"
    (info,) = interviews(app)
    status = {r.kind: (r.status, r.failure_reason) for r in info.reminders}
    assert status["team_gathering"] == ("failed", "not_in_channel")
    assert status["exact_words"][0] == status["reflection"][0] == "sent"


# ---------------------------------------------------------------------- edit and delete


def test_editing_the_time_moves_pending_prompts(
    app: AppServer, fake: FakeSlack, clock: FakeClock
) -> None:
    clock.now = la(2026, 3, 5, 15, 0)
    log_interview(app, fake, at="09:00")  # logged late: its exact-words prompt is due now
    (before,) = interviews(app)
    due = {r.kind: r.due_at for r in before.reminders}
    assert due["exact_words"] == la(2026, 3, 5, 15, 0)

    app.post(app_home_opened(USER))
    app.drain()
    home = fake.calls_to("views.publish")[-1].params["view"]
    assert "M.L." in _text(home["blocks"]) and "Thu, Mar 5, 9:00 AM" in _text(home["blocks"])
    modal = open_modal(
        app,
        block_actions(USER, ids.ACTION_EDIT_INTERVIEW_TIME, value=before.id, in_home=True),
        ids.VIEW_EDIT_INTERVIEW_TIME,
    )
    pickers = {b["block_id"]: b["element"] for b in modal["blocks"] if b["type"] == "input"}
    assert pickers[F["happened_at"]]["initial_time"] == "09:00"
    values = log_values(at="14:50")
    resp = app.post(
        submission(
            USER,
            ids.VIEW_EDIT_INTERVIEW_TIME,
            {k: values[k] for k in (F["happened_on"], F["happened_at"])},
            private_metadata=modal["private_metadata"],
        )
    )
    assert resp.text in ("", "{}")
    app.drain()
    (after,) = interviews(app)
    moved = {r.kind: r.due_at for r in after.reminders}
    assert moved["exact_words"] == la(2026, 3, 5, 15, 50)
    assert moved["second_round"] == la(2026, 3, 19, 14, 50)
    assert moved["reflection"] == due["reflection"]  # still the next working day
    assert "Updated" in _text(fake.messages(channel=DM)[-1].blocks)
    assert "2:50 PM" in _text(fake.calls_to("views.publish")[-1].params["view"])
    posts = run_until(app, clock, la(2026, 3, 5, 17, 0), step=timedelta(minutes=10))
    assert [(p.kind, p.local()) for p in posts] == [("exact_words", "Thu 05 15:50")]


def test_deleting_cancels_every_prompt(app: AppServer, fake: FakeSlack, clock: FakeClock) -> None:
    log_interview(app, fake)
    (info,) = interviews(app)
    app.post(block_actions(USER, ids.ACTION_DELETE_INTERVIEW, value=info.id, in_home=True))
    app.drain()
    assert interviews(app) == []
    home = fake.calls_to("views.publish")[-1].params["view"]
    assert "No interviews logged yet." in _text(home["blocks"])
    before = len(fake.calls_to("chat.postMessage"))
    clock.advance(days=30)
    assert app.tick() == 0  # nothing is due: all were cancelled
    assert len(fake.calls_to("chat.postMessage")) == before


# ---------------------------------------------------------------------- validation and tampering


def test_invalid_fields_come_back_as_modal_errors(app: AppServer, fake: FakeSlack) -> None:
    ack = log_interview(app, fake, pseudonym="509-555-0142")
    assert ack["response_action"] == "errors" and F["pseudonym"] in ack["errors"]
    ack = log_interview(app, fake, at="11:30")  # an hour from now
    assert "in the future" in ack["errors"][F["happened_at"]]
    ack = log_interview(app, fake, grade="13")
    assert F["grade_band"] in ack["errors"]
    assert interviews(app) == [] and not fake.messages()
    ok = log_interview(app, fake)
    assert ok == {} and len(interviews(app)) == 1
    (info,) = interviews(app)
    modal = open_modal(
        app, block_actions(USER, ids.ACTION_OPEN_REFLECTION, value=info.id), ids.VIEW_REFLECTION
    )
    empty = app.post(
        submission(
            USER,
            ids.VIEW_REFLECTION,
            reflection_values(),
            private_metadata=modal["private_metadata"],
        )
    ).json()
    assert "Nothing new came up" in empty["errors"][F["surprised"]]


def test_a_redelivered_submission_logs_one_interview(app: AppServer, fake: FakeSlack) -> None:
    command = slash_command(
        "/log-interview", "", USER, response_url=fake.response_url(), channel_id=TEAM
    )
    meta = open_modal(app, command, ids.VIEW_LOG_INTERVIEW)["private_metadata"]
    payload = submission(
        USER, ids.VIEW_LOG_INTERVIEW, log_values(), private_metadata=meta, trigger_id="9.same"
    )
    assert app.post(payload).status_code == 200
    assert app.post(payload).status_code == 200
    app.drain()
    assert len(interviews(app)) == 1 and len(fake.messages(channel=DM)) == 1


def test_tampered_buttons_and_views_are_refused_and_logged(
    app: AppServer, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    log_interview(app, fake, notes="Private notes.")
    (info,) = interviews(app)
    intruder = "U0INTRUDER"
    caplog.set_level(logging.WARNING)
    opened = len(fake.calls_to("views.open"))

    # buttons carrying someone else's interview, or another team's gathering
    for action_id in (
        ids.ACTION_OPEN_REFLECTION,
        ids.ACTION_OPEN_EXACT_WORDS,
        ids.ACTION_EDIT_INTERVIEW_TIME,
        ids.ACTION_LOG_INTERVIEW,
    ):
        app.post(block_actions(intruder, action_id, value=info.id))
    app.post(block_actions(intruder, ids.ACTION_DELETE_INTERVIEW, value=info.id, in_home=True))
    app.post(
        block_actions(
            intruder,
            ids.ACTION_RECORD_DECISION,
            value="team_gathering:C0OTHER:2026-W11",
            channel=TEAM,
        )
    )
    app.drain()
    assert len(fake.calls_to("views.open")) == opened  # no modal opened for the intruder
    ephemeral = [c.params["text"] for c in fake.calls_to("chat.postEphemeral")]
    assert sum("logged by someone else" in t for t in ephemeral) == 4
    assert any("another team" in t for t in ephemeral)

    # views whose metadata was forged (another user, another interview, garbage)
    forged = [
        (ids.VIEW_LOG_INTERVIEW, log_values(), json.dumps({"user": USER})),
        (ids.VIEW_EXACT_WORDS, text_values("text", "x"), json.dumps({"user": USER})),
        (
            ids.VIEW_EXACT_WORDS,
            text_values("text", "Overwritten!"),
            json.dumps({"user": intruder, "interview": info.id}),
        ),
        (
            ids.VIEW_REFLECTION,
            reflection_values(surprised="x"),
            json.dumps({"user": intruder, "interview": info.id}),
        ),
        (ids.VIEW_TEAM_DECISION, text_values("decision", "x"), "{not json"),
    ]
    for callback_id, values, meta in forged:
        ack = app.post(submission(intruder, callback_id, values, private_metadata=meta)).json()
        assert ack["response_action"] == "errors", callback_id
        assert "could not be verified" in json.dumps(ack["errors"])
    app.drain()

    (still,) = interviews(app)
    assert still.exact_words is None and still.notes == "Private notes."
    assert app.call(app.runtime.deps.reflections.get_reflection(TEAM_ID, USER, info.id)) is None
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert sum("refused" in w for w in warnings) >= 10
    assert not any("Private notes" in w for w in warnings)


def test_app_home_lists_interviews_and_logs_from_the_home_tab(
    app: AppServer, fake: FakeSlack
) -> None:
    app.post(app_home_opened(USER))
    app.drain()
    home = fake.calls_to("views.publish")[-1].params["view"]
    log_button = [
        b["accessory"]
        for b in home["blocks"]
        if b.get("accessory", {}).get("action_id") == ids.ACTION_LOG_INTERVIEW
    ]
    assert log_button and log_button[0]["text"]["text"] == "Log an interview"
    view = open_modal(
        app,
        block_actions(USER, ids.ACTION_LOG_INTERVIEW, value="new", in_home=True),
        ids.VIEW_LOG_INTERVIEW,
    )
    assert json.loads(view["private_metadata"]) == {"user": USER, "source": "home"}
    app.post(
        submission(
            USER,
            ids.VIEW_LOG_INTERVIEW,
            log_values(pseudonym="<!channel> & co", channel=None),
            private_metadata=view["private_metadata"],
        )
    )
    app.drain()
    home = fake.calls_to("views.publish")[-1].params["view"]  # refreshed after the submission
    rows = _text(home["blocks"])
    assert "&lt;!channel&gt; &amp; co" in rows and "<!channel>" not in rows
    buttons = [e for b in home["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [e["action_id"] for e in buttons] == [
        ids.ACTION_EDIT_INTERVIEW_TIME,
        ids.ACTION_DELETE_INTERVIEW,
    ]
    assert buttons[1]["confirm"]["confirm"]["text"] == "Delete"
    confirmation = _text(fake.messages(channel=DM)[-1].blocks)  # no team channel: no gathering
    assert "Here is when" in confirmation and "weekly gathering" not in confirmation


# ---------------------------------------------------------------------- dates (issue 8)


@pytest.mark.parametrize("day", ["0001-01-01", "2025-12-01", "2027-03-05"])
def test_a_date_outside_the_window_is_refused_plainly(
    app: AppServer, fake: FakeSlack, day: str
) -> None:
    answer = log_interview(app, fake, day=day)
    assert answer["response_action"] == "errors"
    message = " ".join(answer["errors"].values())
    assert "60 days" in message or "in the future" in message
    assert interviews(app) == []


def test_a_backdated_interview_gets_its_prompts_in_their_natural_order(
    app: AppServer, fake: FakeSlack, clock: FakeClock
) -> None:
    log_interview(app, fake, day="2026-02-10")  # about three weeks before the clock
    (info,) = interviews(app)
    due = {r.kind: r.due_at for r in info.reminders if r.status == "pending"}
    assert "exact_words" not in due  # its moment has passed: merged into the reflection
    assert due["reflection"] < due["second_round"]
    posts = run_until(app, clock, la(2026, 3, 20, 0, 0), step=timedelta(hours=1))
    kinds = [p.kind for p in posts if p.kind != "team_gathering"]
    assert kinds == ["reflection", "second_round"]
    reflection = next(p for p in posts if p.kind == "reflection").call
    assert "exact words" in _text(reflection.params["blocks"])
    assert _button(reflection, ids.ACTION_OPEN_EXACT_WORDS)["value"] == info.id


def test_home_tab_pages_the_interviews(app: AppServer, fake: FakeSlack, clock: FakeClock) -> None:
    reflections = app.runtime.deps.reflections
    for i in range(7):
        app.call(
            reflections.log_interview(
                TEAM_ID,
                USER,
                happened_at=clock.now - timedelta(hours=7 - i),
                pseudonym=f"Family {i}",
                grade_band="6-8",
                mode="phone",
                interviewer_tz="America/Los_Angeles",
            )
        )
    app.post(app_home_opened(USER))
    app.drain()
    first = _text(fake.calls_to("views.publish")[-1].params["view"])
    assert "Family 6" in first and "Family 2" in first and "Family 1" not in first
    assert "Interviews 1-5 of 7" in first and "Older" in first and "Newer" not in first
    app.post(block_actions(USER, ids.ACTION_INTERVIEW_PAGE, value="5", in_home=True))
    app.drain()
    second = _text(fake.calls_to("views.publish")[-1].params["view"])
    assert "Family 1" in second and "Family 0" in second and "Family 2" not in second
    assert "Interviews 6-7 of 7" in second and "Newer" in second and "Older" not in second
    before = len(fake.calls_to("views.publish"))
    app.post(block_actions(USER, ids.ACTION_INTERVIEW_PAGE, value="-1", in_home=True))
    app.drain()
    assert len(fake.calls_to("views.publish")) == before  # a tampered value changes nothing


def test_a_lone_surrogate_in_the_notes_is_dropped_not_a_500(
    app: AppServer, fake: FakeSlack
) -> None:
    """Found by a newcomer's try-out: ``\\ud800`` in the notes gave a 500 (SQLite refused it)."""
    command = slash_command(
        "/log-interview", "", USER, response_url=fake.response_url(), channel_id=TEAM
    )
    view = open_modal(app, command, ids.VIEW_LOG_INTERVIEW)
    resp = app.post(
        submission(
            USER,
            ids.VIEW_LOG_INTERVIEW,
            log_values(notes="She said \ud800 mornings are hard."),
            private_metadata=view["private_metadata"],
        )
    )
    assert resp.status_code == 200
    app.drain()
    (info,) = interviews(app)
    assert info.notes == "She said  mornings are hard."
