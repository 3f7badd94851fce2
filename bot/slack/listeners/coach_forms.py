"""Coach form submissions: Send to a coach (with a note), coach feedback, the staff reply.

Each submission calls the coaching service *before* acknowledging, so a refusal (not
a coach, not your session, already replied, too long) is shown beside the field
(``response_action=errors``); ``private_metadata`` must parse and name the submitter
(:mod:`bot.slack.coach_payloads`), and the service checks everything again.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.presenters import coach_screens as say
from bot.presenters import practice as practice_words
from bot.services.ports import ConversationRef
from bot.slack import coach_flows, coach_messages, ids
from bot.slack.coach_payloads import FeedbackMeta, ReplyMeta, SendMeta, parse_meta
from bot.slack.deps import SlackDeps, deps_of, team_of
from bot.slack.outbox import SlackOutbox

__all__ = ["field_text", "register", "who"]

log = logging.getLogger(__name__)


def register(app: AsyncApp) -> None:
    """Register the coach form listeners (called by :mod:`bot.slack.listeners.coach`).

    Args:
        app: the Bolt app.
    """
    app.view(ids.VIEW_SEND_TO_COACH)(on_send_submitted)
    app.view(ids.VIEW_COACH_FEEDBACK)(on_feedback_submitted)
    app.view(ids.VIEW_FEEDBACK_REPLY)(on_reply_submitted)


def field_text(view: dict[str, Any], block_id: str) -> str:
    """The stripped text of a modal's text input (``""`` when missing or not text)."""
    state = (view.get("state") or {}).get("values") or {}
    element = (state.get(block_id) or {}).get(ids.element_id(block_id)) or {}
    value = element.get("value")
    return value.strip() if isinstance(value, str) else ""


def who(body: dict[str, Any], context: Any) -> tuple[SlackDeps, str, str]:
    """``(deps, team id, acting user id)`` of a payload."""
    return deps_of(context), team_of(body, context), str(body["user"]["id"])


async def on_send_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """The send modal: check the owner, close, then send (coaches get a DM at once).

    Args:
        ack: Bolt's acknowledgement (``errors`` keeps the form open).
        body: the ``view_submission`` payload.
        view: the submitted view.
        context: Bolt's context.
        client: the Web API client.
    """
    deps, team_id, user_id = who(body, context)
    field = ids.BLOCK_COACH_NOTE
    meta = parse_meta(SendMeta, str(view.get("private_metadata") or ""), user_id)
    if meta is None:
        log.warning("refused a send-to-coach form whose metadata does not match the user")
        await ack(response_action="errors", errors={field: practice_words.FORM_UNVERIFIED})
        return
    note = field_text(view, field)
    if len(note) > say.MAX_NOTE_CHARS:
        await ack(response_action="errors", errors={field: say.NOTE_TOO_LONG})
        return
    try:
        await deps.sessions.get(team_id, user_id, meta.session)
    except coach_flows.REFUSALS as exc:
        log.warning("refused a send-to-coach form by %s: %s", user_id, type(exc).__name__)
        await ack(response_action="errors", errors={field: coach_flows.refusal(exc)})
        return
    await ack()
    outbox = SlackOutbox(client, buffer_size=deps.stream_buffer)
    ref = ConversationRef(platform="slack", workspace_id=team_id, user_id=user_id)

    async def work() -> None:
        try:
            await deps.chat.request_coach(outbox, ref, meta.session, note=note or None)
        except coach_flows.REFUSALS as exc:
            log.warning("send to coach not done: %s", type(exc).__name__)

    deps.tasks.spawn(work(), name="send_to_coach")


async def on_feedback_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """The feedback modal: save the draft (the service checks the coach), back to the transcript."""
    deps, team_id, user_id = who(body, context)
    field = ids.BLOCK_FEEDBACK
    meta = parse_meta(FeedbackMeta, str(view.get("private_metadata") or ""), user_id)
    if meta is None:
        log.warning("refused a feedback form whose metadata does not match the user")
        await ack(response_action="errors", errors={field: practice_words.FORM_UNVERIFIED})
        return
    try:
        await deps.coach.add_feedback(
            team_id, user_id, meta.session, field_text(view, field), turn_index=meta.turn
        )
    except coach_flows.REFUSALS as exc:
        log.warning("refused feedback by %s: %s", user_id, type(exc).__name__)
        await ack(response_action="errors", errors={field: coach_flows.refusal(exc)})
        return
    await ack()
    if meta.parent:
        deps.tasks.spawn(
            coach_flows.refresh_transcript(
                deps,
                client,
                view_id=meta.parent,
                team_id=team_id,
                coach_id=user_id,
                session_id=meta.session,
                page=meta.page,
            ),
            name="coach_feedback_saved",
        )


async def on_reply_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """The reply modal: store the one reply (owner checked), thank, tell the coach."""
    deps, team_id, user_id = who(body, context)
    field = ids.BLOCK_REPLY
    meta = parse_meta(ReplyMeta, str(view.get("private_metadata") or ""), user_id)
    if meta is None:
        log.warning("refused a reply form whose metadata does not match the user")
        await ack(response_action="errors", errors={field: practice_words.FORM_UNVERIFIED})
        return
    text = field_text(view, field)
    if not text:
        await ack(response_action="errors", errors={field: say.REPLY_EMPTY})
        return
    try:
        saved = await deps.coach.reply_to_feedback(team_id, user_id, meta.feedback, text)
    except coach_flows.REFUSALS as exc:
        log.warning("refused a reply by %s: %s", user_id, type(exc).__name__)
        await ack(response_action="errors", errors={field: coach_flows.refusal(exc)})
        return
    await ack(
        response_action="update", view=coach_messages.message_modal("Thank you", say.REPLY_SAVED)
    )
    deps.tasks.spawn(
        coach_flows.tell_coach_of_reply(
            client,
            coach_id=saved.coach_user_id,
            staff_id=user_id,
            session_id=saved.session_id,
            reply=saved.reply or text,
        ),
        name="feedback_reply",
    )
