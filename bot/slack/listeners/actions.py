"""Block actions: practice buttons, App Home settings, and the after-interview buttons.

Every action is acknowledged first. Button values carry only ids (a persona
id, a session id, an interview id, a team gathering key); the services check
that the clicking user owns the session or interview, so a tampered value is
refused (and logged) instead of acting on someone else's. Buttons that open a
modal do so right after the ack, since their trigger expires in three seconds.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.presenters import practice as say
from bot.presenters.views import Notice
from bot.services.ports import ConversationRef, MessageRef
from bot.services.reflection import (
    GatheringNotFound,
    InterviewNotFound,
    InvalidInput,
    NotYourInterview,
    WrongConversation,
)
from bot.services.sessions import NotYourSession, SessionBusy, SessionNotFound
from bot.slack import blocks, flows, ids
from bot.slack.deps import deps_of, team_of
from bot.slack.outbox import SlackOutbox
from bot.store import StoreUnavailable

__all__ = ["register"]

log = logging.getLogger(__name__)

_INTERVIEW_NOT_YOURS = "That interview was logged by someone else, so I can't open it."
_INTERVIEW_GONE = "I couldn't find that interview; it may have been deleted."
_OTHER_TEAM = "That button belongs to another team's post, so I can't open it here."


def register(app: AsyncApp) -> None:
    """Register the block-action listeners.

    Args:
        app: the Bolt app.
    """
    app.action(ids.ACTION_START)(on_start)
    app.action(ids.ACTION_PRACTICE_AGAIN)(on_start)
    app.action(ids.ACTION_END)(on_end)
    app.action(ids.ACTION_LIVE_NOTES)(on_live_notes)
    app.action(ids.ACTION_HOME_REVIEW)(on_home_review)
    app.action(ids.ACTION_INTERVIEW_PAGE)(on_interview_page)
    app.action(ids.ACTION_DISPUTE_NOTE)(on_dispute_note)
    app.action(ids.ACTION_LOG_INTERVIEW)(on_log_interview)
    app.action(ids.ACTION_EDIT_INTERVIEW_TIME)(on_edit_interview_time)
    app.action(ids.ACTION_DELETE_INTERVIEW)(on_delete_interview)
    app.action(ids.ACTION_OPEN_EXACT_WORDS)(on_open_exact_words)
    app.action(ids.ACTION_OPEN_REFLECTION)(on_open_reflection)
    app.action(ids.ACTION_RECORD_DECISION)(on_record_decision)


def _where(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """(channel, thread) the clicked message lives in, when it is a message."""
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    message = body.get("message") or {}
    return channel, message.get("thread_ts") or message.get("ts")


def _ref(body: dict[str, Any], context: Any) -> ConversationRef:
    """The clicking user, in the conversation and thread of the clicked message."""
    channel, thread = _where(body)
    return ConversationRef(
        platform="slack",
        workspace_id=team_of(body, context),
        conversation_id=channel or "",
        user_id=str(body["user"]["id"]),
        thread_id=thread,
    )


def _clicked_message(body: dict[str, Any], ref: ConversationRef) -> MessageRef | None:
    """The message whose button was pressed, when it is a message (not a view)."""
    ts = (body.get("message") or {}).get("ts") or (body.get("container") or {}).get("message_ts")
    if not ts or not ref.conversation_id:
        return None
    return MessageRef(conversation=ref.in_thread(None), message_id=str(ts))


async def on_start(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """A persona's Start button or the debrief's Practice again: start in the DM.

    Args:
        ack: Bolt's acknowledgement.
        body: the ``block_actions`` payload.
        action: the clicked button (value: persona id).
        context: Bolt's context.
        client: the Web API client.
    """
    await ack()
    deps = deps_of(context)
    ref = _ref(body, context)
    persona = deps.personas.get(str(action.get("value") or ""))
    outbox = SlackOutbox(client, buffer_size=deps.stream_buffer)
    if persona is None:
        log.warning("refused %s: its value names no persona", action.get("action_id"))
        await outbox.send_private(ref.in_thread(None), Notice("That caregiver is not available."))
        return
    dm = ref.model_copy(update={"conversation_id": "", "thread_id": None})
    deps.tasks.spawn(deps.chat.start(outbox, dm, persona), name="practice_start")


async def _guarded(outbox: SlackOutbox, ref: ConversationRef, action_id: str, work: Any) -> None:
    """Run session work; turn ownership and lookup failures into a private notice."""
    try:
        await work
    except NotYourSession:
        log.warning("refused %s by %s: the session is someone else's", action_id, ref.user_id)
        await outbox.send_private(ref, Notice(say.NOT_YOURS))
    except SessionNotFound:
        log.warning("refused %s by %s: no such session", action_id, ref.user_id)
        await outbox.send_private(ref, Notice(say.NOT_FOUND))
    except SessionBusy as exc:
        await outbox.send_private(ref, Notice(str(exc)))
    except StoreUnavailable as exc:
        log.error("%s not done: %s", action_id, exc)
        await outbox.send_private(ref, Notice(say.CANT_SAVE))


async def on_end(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """End practice: the debrief card in the practice thread; the intro card says it ended.

    Args:
        ack: Bolt's acknowledgement.
        body: the ``block_actions`` payload.
        action: the clicked button (value: session id).
        context: Bolt's context.
        client: the Web API client.
    """
    await ack()
    deps = deps_of(context)
    ref = _ref(body, context)
    outbox = SlackOutbox(client, buffer_size=deps.stream_buffer)
    work = deps.chat.end(
        outbox, ref, str(action.get("value") or ""), card=_clicked_message(body, ref)
    )
    deps.tasks.spawn(_guarded(outbox, ref, ids.ACTION_END, work), name="practice_end")


async def on_live_notes(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """The App Home live-notes setting changed: store it and refresh the home.

    Args:
        ack: Bolt's acknowledgement.
        body: the ``block_actions`` payload.
        action: the radio buttons (selected value ``on`` or ``off``).
        context: Bolt's context.
        client: the Web API client.
    """
    await ack()
    deps = deps_of(context)
    value = ((action.get("selected_option") or {}).get("value")) or ""
    if value not in ("on", "off"):
        log.warning("refused %s: unexpected value", ids.ACTION_LIVE_NOTES)
        return
    team_id = team_of(body, context)
    user_id = str(body["user"]["id"])

    async def work() -> None:
        await deps.sessions.set_live_notes(team_id, user_id, value == "on")
        await flows.publish_home(deps, client, team_id=team_id, user_id=user_id)

    deps.tasks.spawn(work(), name="live_notes")


def parse_turn_value(value: str) -> tuple[str, int] | None:
    """``<session id>:<turn>`` from a button value, or None when it is malformed."""
    session_id, _, turn = value.partition(":")
    if not (0 < len(session_id) <= 64 and turn.isdigit() and 0 < len(turn) <= 5):
        return None
    return session_id, int(turn)


async def on_dispute_note(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """A coach note's "Was this note wrong?": open the modal about that turn's note.

    The turn's words and findings are read from the store (the session must be
    the clicking user's); the button value only names which turn.

    Args:
        ack: Bolt's acknowledgement.
        body: the ``block_actions`` payload (its ``trigger_id`` opens the modal).
        action: the button (value: ``<session id>:<turn>``).
        context: Bolt's context.
        client: the Web API client.
    """
    await ack()
    deps = deps_of(context)
    ref = _ref(body, context)
    outbox = SlackOutbox(client)
    parsed = parse_turn_value(str(action.get("value") or ""))
    if parsed is None:
        log.warning("refused %s: malformed value", ids.ACTION_DISPUTE_NOTE)
        return
    session_id, turn_index = parsed
    try:
        turns = await deps.sessions.turns(ref.workspace_id, ref.user_id, session_id)
    except NotYourSession:
        log.warning(
            "refused %s by %s: the session is someone else's", ids.ACTION_DISPUTE_NOTE, ref.user_id
        )
        await outbox.send_private(ref, Notice(say.NOT_YOURS))
        return
    except SessionNotFound:
        await outbox.send_private(ref, Notice(say.NOT_FOUND))
        return
    turn = next((t for t in turns if t.index == turn_index), None)
    kinds = list(dict.fromkeys(f.kind for f in turn.review.findings)) if turn else []
    if turn is None or not kinds:
        await outbox.send_private(ref, Notice(say.DISPUTE_NOTHING))
        return
    meta = json.dumps({"user": ref.user_id, "session": session_id, "turn": turn_index})
    view = blocks.dispute_modal(kinds, turn.staff, private_metadata=meta)
    await client.views_open(trigger_id=str(body.get("trigger_id") or ""), view=view)


async def on_interview_page(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """App Home's Newer / Older: publish the home with that page of interviews.

    Args:
        ack: Bolt's acknowledgement.
        body: the ``block_actions`` payload.
        action: the button (value: the page's offset, a small whole number).
        context: Bolt's context.
        client: the Web API client.
    """
    await ack()
    value = str(action.get("value") or "")
    if not value.isdigit() or len(value) > 6:
        log.warning("refused %s: unexpected value", ids.ACTION_INTERVIEW_PAGE)
        return
    deps = deps_of(context)
    team_id, user_id = team_of(body, context), str(body["user"]["id"])
    deps.tasks.spawn(
        flows.publish_home(
            deps, client, team_id=team_id, user_id=user_id, interview_offset=int(value)
        ),
        name="interview_page",
    )


async def on_home_review(
    ack: AsyncAck, body: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """App Home's "Review a question list": open the review modal.

    Args:
        ack: Bolt's acknowledgement.
        body: the ``block_actions`` payload (its ``trigger_id`` opens the modal).
        context: Bolt's context.
        client: the Web API client.
    """
    await ack()
    meta = json.dumps({"user": str(body["user"]["id"])})
    await client.views_open(trigger_id=body["trigger_id"], view=blocks.review_modal(meta))


# ---------------------------------------------------------------------- after real interviews


async def _interview_guarded(
    client: AsyncWebClient, body: dict[str, Any], action_id: str, work: Any
) -> None:
    """Run interview work; turn ownership and lookup failures into a private notice.

    The service logs a refused owner check with the workspace; this adds which
    button it was.
    """
    user_id = str(body["user"]["id"])
    channel, thread = _where(body)
    try:
        await work
    except NotYourInterview:
        log.warning("refused %s by %s: the interview is someone else's", action_id, user_id)
        await flows.whisper(client, channel, user_id, _INTERVIEW_NOT_YOURS, thread_ts=thread)
    except InterviewNotFound:
        log.warning("refused %s by %s: no such interview", action_id, user_id)
        await flows.whisper(client, channel, user_id, _INTERVIEW_GONE, thread_ts=thread)


def _who(body: dict[str, Any], context: Any, action: dict[str, Any]) -> tuple[str, str, str]:
    """(workspace, clicking user, button value)."""
    return team_of(body, context), str(body["user"]["id"]), str(action.get("value") or "")


async def _open_modal(
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
    action_id: str,
    modal: flows.InterviewModal,
) -> None:
    """Open one of an interview's modals for its owner (the button's value is the interview)."""
    team_id, user_id, interview_id = _who(body, context, action)
    work = flows.open_interview_modal(
        deps_of(context),
        client,
        modal,
        team_id=team_id,
        user_id=user_id,
        interview_id=interview_id,
        trigger_id=str(body["trigger_id"]),
    )
    await _interview_guarded(client, body, action_id, work)


async def on_log_interview(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """App Home's "Log an interview", or the second-round prompt's "Log a second conversation".

    Args:
        ack: Bolt's acknowledgement.
        body: the ``block_actions`` payload (its ``trigger_id`` opens the modal).
        action: the button (value ``new``, or the earlier interview's id to prefill).
        context: Bolt's context.
        client: the Web API client.
    """
    await ack()
    team_id, user_id, value = _who(body, context, action)
    from_home = (body.get("container") or {}).get("type") == "view"
    work = flows.open_log_interview(
        deps_of(context),
        client,
        team_id=team_id,
        user_id=user_id,
        trigger_id=str(body["trigger_id"]),
        earlier_id=None if value in ("", "new") else value,
        source="home" if from_home else "prompt",
    )
    await _interview_guarded(client, body, ids.ACTION_LOG_INTERVIEW, work)


async def on_edit_interview_time(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """App Home's "Change time": open the small modal with the interview's time.

    Args:
        ack: Bolt's acknowledgement.
        body: the ``block_actions`` payload.
        action: the button (value: interview id).
        context: Bolt's context.
        client: the Web API client.
    """
    await ack()
    await _open_modal(body, action, context, client, ids.ACTION_EDIT_INTERVIEW_TIME, "edit_time")


async def on_delete_interview(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """App Home's "Delete" (after Slack's confirmation dialog): delete, refresh the home.

    Args:
        ack: Bolt's acknowledgement.
        body: the ``block_actions`` payload.
        action: the button (value: interview id).
        context: Bolt's context.
        client: the Web API client.
    """
    await ack()
    deps = deps_of(context)
    team_id, user_id, interview_id = _who(body, context, action)

    async def work() -> None:
        await deps.reflections.delete_interview(team_id, user_id, interview_id)
        await flows.publish_home(deps, client, team_id=team_id, user_id=user_id)

    deps.tasks.spawn(
        _interview_guarded(client, body, ids.ACTION_DELETE_INTERVIEW, work()),
        name="interview_delete",
    )


async def on_open_exact_words(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """The exact-words prompt's button: open the notes modal.

    Args:
        ack: Bolt's acknowledgement.
        body: the ``block_actions`` payload.
        action: the button (value: interview id).
        context: Bolt's context.
        client: the Web API client.
    """
    await ack()
    await _open_modal(body, action, context, client, ids.ACTION_OPEN_EXACT_WORDS, "exact_words")


async def on_open_reflection(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """The reflection prompt's button: open the reflection modal (prefilled if saved before).

    Args:
        ack: Bolt's acknowledgement.
        body: the ``block_actions`` payload.
        action: the button (value: interview id).
        context: Bolt's context.
        client: the Web API client.
    """
    await ack()
    await _open_modal(body, action, context, client, ids.ACTION_OPEN_REFLECTION, "reflection")


async def on_record_decision(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """The team gathering's "Record our decision": open the decision modal.

    Anyone in the team channel may record the team's decision; the button
    must be clicked in the channel its gathering key names (a value pointing
    at another team is refused and logged).

    Args:
        ack: Bolt's acknowledgement.
        body: the ``block_actions`` payload.
        action: the button (value: the gathering key).
        context: Bolt's context.
        client: the Web API client.
    """
    await ack()
    team_id, user_id, key = _who(body, context, action)
    channel, _thread = _where(body)
    try:
        await deps_of(context).reflections.check_decision_place(team_id, key, channel)
    except InvalidInput:
        log.warning("refused %s by %s: not a gathering key", ids.ACTION_RECORD_DECISION, user_id)
        return
    except (WrongConversation, GatheringNotFound):
        log.warning(
            "refused %s by %s: clicked outside the team's channel",
            ids.ACTION_RECORD_DECISION,
            user_id,
        )
        if channel:
            await flows.whisper(client, channel, user_id, _OTHER_TEAM)
        return
    message_ts = (body.get("message") or {}).get("ts")
    meta = json.dumps(
        {"user": user_id, "key": key, "ts": message_ts, "channel": channel, "team": team_id}
    )
    await client.views_open(
        trigger_id=body["trigger_id"], view=blocks.team_decision_modal(private_metadata=meta)
    )
