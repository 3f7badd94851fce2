"""manifest.yml matches the code: commands, shortcuts, events, actions and scopes, both ways."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from coach_samples import coach_modals, coach_payloads

from bot.core.progress import TurnFigures, session_point, staff_progress
from bot.core.review import review
from bot.personas import load_all
from bot.services.commands import find_persona, parse_start_request
from bot.services.reflection import (
    ACTION_IDS,
    InterviewInfo,
    InterviewPage,
    PromptAction,
    ReminderPayload,
)
from bot.slack import blocks, data_blocks, progress_blocks
from bot.slack.listeners import register_all

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))

METHOD_SCOPES: dict[str, str | tuple[str, ...] | None] = {
    "chat.postMessage": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.delete": "chat:write",
    "chat.update": "chat:write",
    "chat.startStream": "chat:write",
    "chat.appendStream": "chat:write",
    "chat.stopStream": "chat:write",
    "conversations.open": "im:write",
    # files_upload_v2: files.getUploadURLExternal and files.completeUploadExternal
    "files.upload.v2": "files:write",
    # reminders: a DM, a public or a private team channel
    "conversations.history": ("im:history", "channels:history", "groups:history"),
    "users.info": "users:read",
    "assistant.threads.setStatus": "assistant:write",
    "views.publish": None,
    "views.open": None,
    "views.update": None,
    "views.push": None,
    "auth.test": None,
    "apps.connections.open": None,  # app-level token (connections:write), not a bot scope
}
"""Bot scope each Web API method needs (Slack's method reference)."""

EVENT_SCOPES: dict[str, str | None] = {
    "message.im": "im:history",
    "app_home_opened": None,
    "app_mention": "app_mentions:read",
    "app_uninstalled": None,
    "tokens_revoked": None,
}

OAUTH_EVENTS = {"app_uninstalled", "tokens_revoked"}
"""Listened to in many-workspace mode only (``bot.slack.installations.register_revocation``)."""


class Recorder:
    """Stands in for the Bolt app: records what each ``register(app)`` listens to."""

    def __init__(self) -> None:
        self.seen: dict[str, set[str]] = {
            k: set() for k in ("command", "shortcut", "event", "action", "view")
        }

    def _record(self, kind: str, key: Any) -> Any:
        self.seen[kind].add(key if isinstance(key, str) else str(key))
        return lambda func: func

    def command(self, name: str) -> Any:
        return self._record("command", name)

    def shortcut(self, callback_id: str) -> Any:
        return self._record("shortcut", callback_id)

    def event(self, name: str) -> Any:
        return self._record("event", name)

    def action(self, action_id: str) -> Any:
        return self._record("action", action_id)

    def view(self, callback_id: str) -> Any:
        return self._record("view", callback_id)


def _listened() -> dict[str, set[str]]:
    rec = Recorder()
    register_all(rec)  # type: ignore[arg-type]
    return rec.seen


def _action_ids(obj: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(obj, dict):
        if obj.get("type") == "input":
            return found  # a modal's input element sends no block action
        if "action_id" in obj and obj.get("type") in ("button", "radio_buttons"):
            found.add(obj["action_id"])
        for v in obj.values():
            found |= _action_ids(v)
    elif isinstance(obj, list):
        for v in obj:
            found |= _action_ids(v)
    return found


def test_commands_match_both_ways() -> None:
    in_manifest = {c["command"] for c in MANIFEST["features"]["slash_commands"]}
    assert (
        _listened()["command"]
        == in_manifest
        == {"/practice", "/review-questions", "/log-interview", "/coach"}
    )


def test_coach_command_gets_escaped_mentions() -> None:
    # /coach add @name must arrive as <@U…|name>: only an escaped mention names a user id
    (entry,) = [c for c in MANIFEST["features"]["slash_commands"] if c["command"] == "/coach"]
    assert entry["should_escape"] is True


def test_shortcuts_match_both_ways() -> None:
    in_manifest = {s["callback_id"] for s in MANIFEST["features"]["shortcuts"]}
    assert all(s["type"] == "message" for s in MANIFEST["features"]["shortcuts"])
    assert _listened()["shortcut"] == in_manifest == {"review_this_question"}
    assert MANIFEST["features"]["shortcuts"][0]["name"] == "Review this question"


def test_events_match_both_ways() -> None:
    # Bolt sees message.im as event type "message" (the listener keeps channel_type im only)
    listened = {"message.im" if e == "message" else e for e in _listened()["event"]}
    assert listened | OAUTH_EVENTS == set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])


def _interview() -> InterviewInfo:
    now = datetime(2026, 3, 5, 18, 0, tzinfo=UTC)
    return InterviewInfo(
        id="i1",
        workspace_id="T1",
        user_id="U1",
        happened_at=now,
        caregiver_pseudonym="M.L.",
        grade_band="3-5",
        mode="phone",
        team_channel="C0TEAM",
        notes="",
        exact_words=None,
        interviewer_tz="America/Los_Angeles",
        gathering_key=None,
        created_at=now,
        updated_at=now,
    )


def _progress() -> Any:
    turn = TurnFigures(question=True, open_question=True, reflection=False, intervention_findings=0)
    point = session_point(
        session_id="s",
        user_id="U1",
        persona_id="rosa",
        started_at=datetime(2026, 3, 5, 18, 0, tzinfo=UTC),
        ended=True,
        turns=[turn],
        layers_reached=0,
        layers_total=3,
        insight_reached=False,
    )
    return staff_progress("T1", "U1", [point])


def test_every_action_rendered_is_listened_to_and_the_reverse() -> None:
    personas = list(load_all().values())
    from bot.core.practice import PracticeEngine

    debrief = PracticeEngine(personas[0], seed=1).debrief()
    prompt = ReminderPayload(
        idempotency_key="r1",
        kind="exact_words",
        workspace_id="T1",
        user_id="U1",
        text="Every prompt button at once.",
        actions=[
            PromptAction(action=a, label=label, value="i1") for a, label in ACTION_IDS.items()
        ],
    )
    interview = _interview()
    flagged = review("Have you tried an earlier bedtime?")
    note = blocks.coach_note(flagged, personas[0], dispute="s:1")
    modals = [
        blocks.review_modal(),
        blocks.log_interview_modal(now=interview.happened_at, tz="UTC", private_metadata=""),
        blocks.edit_time_modal(interview, private_metadata=""),
        blocks.exact_words_modal(interview, private_metadata=""),
        blocks.reflection_modal(interview, private_metadata=""),
        blocks.team_decision_modal(private_metadata=""),
        blocks.dispute_modal(["advice"], "Have you tried…?", private_metadata=""),
        *coach_modals(),
    ]
    rendered = set()
    for payload in (
        blocks.persona_picker(personas).blocks,
        data_blocks.delete_confirmation().blocks,
        blocks.intro_card(personas[0], "s").blocks,
        [b for m in blocks.debrief_messages(personas[0], debrief, "s") for b in m.blocks],
        blocks.home_view(
            personas,
            [],
            live_notes=True,
            interviews=[interview],
            page=InterviewPage(interviews=[interview], offset=5, total=20),  # Newer and Older
            progress=progress_blocks.home_section(_progress()),  # "Show my progress chart"
        ),
        [b for m in [note] if m is not None for b in m.blocks],
        [b for m in blocks.prompt_messages(prompt) for b in m.blocks],
        modals,
        coach_payloads(),
    ):
        rendered |= _action_ids(payload)
    assert rendered == _listened()["action"]
    assert _listened()["view"] == {m["callback_id"] for m in modals}
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True


def test_bot_scopes_are_exactly_the_ones_used() -> None:
    source = "\n".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "bot" / "slack").rglob("*.py")
    )
    called = set(re.findall(r"\b(?:client|_client)\.([a-z]+_[A-Za-z0-9_]+)\(", source))
    assert called, "no Web API calls found"
    methods: set[str] = set()
    for name in called:
        if name == "chat_stream":
            methods |= {"chat.startStream", "chat.appendStream", "chat.stopStream"}
        else:
            methods.add(name.replace("_", "."))
    unknown = methods - set(METHOD_SCOPES)
    assert not unknown, f"add these methods' scopes to METHOD_SCOPES: {unknown}"
    needed: set[str | None] = {
        EVENT_SCOPES[e] for e in MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    }
    for method in methods:
        scopes = METHOD_SCOPES[method]
        needed |= set(scopes) if isinstance(scopes, tuple) else {scopes}
    needed.add("commands")  # slash commands and shortcuts
    needed.discard(None)
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == needed


def test_app_home_agent_view_and_socket_mode() -> None:
    features = MANIFEST["features"]
    assert features["app_home"]["home_tab_enabled"] is True
    assert MANIFEST["settings"]["socket_mode_enabled"] is True
    agent = features["agent_view"]
    assert agent["agent_description"].strip()
    prompts = agent["suggested_prompts"]
    assert 1 <= len(prompts) <= 4 and all(p["title"] and p["message"] for p in prompts)
    personas = load_all()
    for prompt in prompts:  # every suggested prompt starts practice (with a known caregiver)
        who = parse_start_request(prompt["message"])
        assert who is not None
        assert who == "" or find_persona(personas, who) is not None
