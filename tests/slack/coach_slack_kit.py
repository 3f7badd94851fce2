"""Helpers for the coach tests: practice, send to a coach, /coach, clicks inside a modal.

Every helper sends signed Slack-shaped requests to the real app (:class:`slack_kit.AppServer`)
and reads what the fake Slack Web API recorded.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any
from urllib.parse import urlencode

from fake_slack import TEAM_ID, FakeSlack, Posted
from slack_kit import AppServer, block_actions, message_im, slash_command, submission

from bot.slack import ids

STAFF = "U0STAFF"
COACH = "U0COACH"
ADMIN = "U0ADMIN"

_MARKS = re.compile(r"\[\d+\]|\*")


def flat(obj: Any) -> str:
    """Every string inside a payload, joined by spaces, whitespace collapsed."""
    out: list[str] = []

    def walk(x: Any) -> None:
        if isinstance(x, str):
            out.append(x)
        elif isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(obj)
    return " ".join(" ".join(out).split())


def unmarked(text: str) -> str:
    """Text with the ``*bold*`` and ``[n]`` finding marks taken out."""
    return " ".join(_MARKS.sub("", text).split())


def buttons(blocks: list[dict[str, Any]], action_id: str) -> list[dict[str, Any]]:
    """Every button with ``action_id`` in ``blocks`` (sections' accessories too)."""
    found = []
    for block in blocks:
        for el in [block.get("accessory") or {}, *(block.get("elements") or [])]:
            if isinstance(el, dict) and el.get("action_id") == action_id:
                found.append(el)
    return found


def start(server: AppServer, user: str = STAFF, team_id: str = TEAM_ID) -> tuple[Posted, str]:
    """Start a practice from the gallery; returns the intro card and the session id."""
    channel = f"D{user}"
    before = len(server.fake.messages(channel=channel))
    server.post(
        block_actions(
            user, ids.ACTION_START, value="night-shift-mom", in_home=True, team_id=team_id
        )
    )
    server.drain()
    card = next(m for m in server.fake.messages(channel=channel)[before:] if m.thread_ts is None)
    (end,) = buttons(card.blocks, ids.ACTION_END)
    return card, str(end["value"])


def practice(
    server: AppServer,
    turns: list[str],
    *,
    user: str = STAFF,
    team_id: str = TEAM_ID,
    end: bool = True,
) -> tuple[Posted, str]:
    """A practice with these staff turns, ended (the debrief posted) unless ``end`` is False."""
    card, sid = start(server, user, team_id)
    for text in turns:
        server.post(message_im(user, text, thread_ts=card.ts, team_id=team_id))
        server.drain()
    if end:
        server.post(
            block_actions(user, ids.ACTION_END, value=sid, message_ts=card.ts, team_id=team_id)
        )
        server.drain()
    return card, sid


def note_values(note: str | None) -> dict[str, Any]:
    """``state.values`` of the send-to-a-coach modal."""
    if note is None:
        return {}
    element = {"type": "plain_text_input", "value": note}
    return {ids.BLOCK_COACH_NOTE: {ids.element_id(ids.BLOCK_COACH_NOTE): element}}


def text_values(block_id: str, text: str) -> dict[str, Any]:
    """``state.values`` of a modal with one text input."""
    element = {"type": "plain_text_input", "value": text}
    return {block_id: {ids.element_id(block_id): element}}


def send_to_coach(
    server: AppServer,
    card: Posted,
    sid: str,
    note: str | None = None,
    *,
    user: str = STAFF,
    team_id: str = TEAM_ID,
) -> Any:
    """Press *Send to a coach* on the debrief, then Send in its modal; returns the HTTP answer."""
    fake = server.fake
    before = len(fake.calls_to("views.open"))
    server.post(
        block_actions(user, ids.ACTION_SEND_TO_COACH, value=sid, thread_ts=card.ts, team_id=team_id)
    )
    server.drain()
    (opened,) = fake.calls_to("views.open")[before:]
    modal = opened.params["view"]
    assert modal["callback_id"] == ids.VIEW_SEND_TO_COACH
    resp = server.post(
        submission(
            user,
            ids.VIEW_SEND_TO_COACH,
            note_values(note),
            private_metadata=modal["private_metadata"],
            team_id=team_id,
        )
    )
    server.drain()
    return resp


def coach_command(server: AppServer, user: str, text: str, *, team_id: str = TEAM_ID) -> str:
    """Type ``/coach text``; returns the private answer posted to the response URL."""
    fake = server.fake
    name = f"coach-{uuid.uuid4().hex[:8]}"
    resp = server.post(
        slash_command(
            ids.COMMAND_COACH, text, user, response_url=fake.response_url(name), team_id=team_id
        )
    )
    assert resp.status_code == 200
    server.drain()
    answers = [c for c in fake.calls_to("response_url") if c.path.endswith(name)]
    assert len(answers) == 1, answers
    return str(answers[0].params["text"])


def make_coach(server: AppServer, coach: str = COACH, *, team_id: str = TEAM_ID) -> None:
    """An admin adds ``coach`` with ``/coach add``."""
    server.fake.users[ADMIN] = {"is_admin": True}
    answer = coach_command(server, ADMIN, f"add <@{coach}|coach>", team_id=team_id)
    assert "is now a coach" in answer, answer


def modal_action(
    user: str,
    action_id: str,
    value: str,
    *,
    view: dict[str, Any],
    view_id: str = "VTRANSCRIPT",
    team_id: str = TEAM_ID,
) -> tuple[str, str]:
    """A button click inside an open modal (``container.type`` view, the modal's metadata)."""
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": team_id},
        "api_app_id": "A0TEST",
        "token": "legacy-verification-token",
        "trigger_id": f"{uuid.uuid4().int % 10**9}.{uuid.uuid4().hex[:12]}",
        "team": {"id": team_id, "domain": "fake-workspace"},
        "is_enterprise_install": False,
        "container": {"type": "view", "view_id": view_id},
        "view": {
            "id": view_id,
            "type": "modal",
            "callback_id": view.get("callback_id", ""),
            "private_metadata": view.get("private_metadata", ""),
            "blocks": [],
            "state": {"values": {}},
        },
        "actions": [
            {
                "action_id": action_id,
                "block_id": "b1",
                "type": "button",
                "value": value,
                "text": {"type": "plain_text", "text": "x"},
                "action_ts": "1710000000.000001",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"


def views_since(fake: FakeSlack, before: dict[str, int]) -> list[tuple[str, dict[str, Any]]]:
    """``(method, view)`` of the views opened, pushed or updated since ``before``."""
    out = []
    for method in ("views.open", "views.push", "views.update"):
        for call in fake.calls_to(method)[before.get(method, 0) :]:
            out.append((method, call.params["view"]))
    return out


def mark(fake: FakeSlack) -> dict[str, int]:
    """How many view calls were made so far (for :func:`views_since`)."""
    return {m: len(fake.calls_to(m)) for m in ("views.open", "views.push", "views.update")}


def open_transcript(
    server: AppServer, sid: str, *, coach: str = COACH, team_id: str = TEAM_ID
) -> dict[str, Any]:
    """The coach presses Open on the Home tab; returns the transcript modal opened."""
    before = mark(server.fake)
    server.post(
        block_actions(coach, ids.ACTION_COACH_OPEN, value=sid, in_home=True, team_id=team_id)
    )
    server.drain()
    ((method, view),) = views_since(server.fake, before)
    assert method == "views.open" and view.get("callback_id") == ids.VIEW_COACH_TRANSCRIPT, view
    return view


def home_of(server: AppServer, user: str) -> dict[str, Any]:
    """Publish ``user``'s Home tab (app_home_opened) and return the view."""
    from slack_kit import app_home_opened

    before = len(server.fake.calls_to("views.publish"))
    server.post(app_home_opened(user))
    server.drain()
    calls = [c for c in server.fake.calls_to("views.publish")[before:]]
    assert calls and calls[-1].params["user_id"] == user
    return dict(calls[-1].params["view"])


def dm(fake: FakeSlack, user: str) -> list[Posted]:
    """Messages in the app's DM with ``user`` (the fake opens ``D`` + user)."""
    return fake.messages(channel=f"D{user}")
