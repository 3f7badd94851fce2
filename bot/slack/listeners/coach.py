"""Coach listeners (issue 11): ``/coach``, the queue and transcript buttons, feedback, replies.

Thin: read ids from the payload, acknowledge, call :mod:`bot.slack.coach_flows` or the
coaching service. Button values and ``private_metadata`` only *name* a session, a
page, a turn, a disagreement or a piece of feedback (parsed strictly by
:mod:`bot.slack.coach_payloads`); the service checks the workspace and the person's
role on every action and every submission, so a crafted payload is refused with a
plain message. Buttons that open or push a modal do it right after the ack (their
trigger lasts three seconds); submissions call the service before acknowledging, so a
refusal is shown beside the field.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.presenters import coach_screens as say
from bot.presenters import practice as practice_words
from bot.services import coach_screens as screens
from bot.services.coaching_results import Verdict
from bot.slack import coach_flows, coach_messages, flows, ids
from bot.slack.coach_payloads import (
    TranscriptMeta,
    parse_dispute_id,
    parse_meta,
    parse_page,
    parse_queue,
    parse_target,
)
from bot.slack.deps import deps_of, team_of
from bot.slack.listeners import coach_forms
from bot.slack.listeners.coach_forms import who
from bot.slack.outbox import SLACK_ERRORS, why

__all__ = ["register"]

log = logging.getLogger(__name__)


Work = Callable[[dict[str, Any], dict[str, Any], Any, AsyncWebClient], Coroutine[Any, Any, None]]


def _after_ack(name: str) -> Callable[[Work], Callable[..., Awaitable[None]]]:
    """A block-action listener that acknowledges, then does ``work`` as background work.

    The work is started at once (a modal it opens is well inside the trigger's three
    seconds) and tracked by :class:`~bot.slack.deps.BackgroundTasks`, so shutdown and
    tests wait for it.
    """

    def wrap(work: Work) -> Callable[..., Awaitable[None]]:
        async def listener(
            ack: AsyncAck,
            body: dict[str, Any],
            action: dict[str, Any],
            context: Any,
            client: AsyncWebClient,
        ) -> None:
            await ack()
            deps_of(context).tasks.spawn(work(body, action, context, client), name=name)

        listener.__name__ = listener.__qualname__ = work.__name__
        listener.__doc__ = work.__doc__
        return listener

    return wrap


def register(app: AsyncApp) -> None:
    """Register the coach listeners.

    Args:
        app: the Bolt app.
    """
    app.command(ids.COMMAND_COACH)(on_coach_command)
    app.action(ids.ACTION_SEND_TO_COACH)(on_send_to_coach)
    app.action(ids.ACTION_COACH_QUEUE)(on_queue)
    app.action(ids.ACTION_COACH_OPEN)(on_open)
    app.action(ids.ACTION_COACH_PAGE)(on_page)
    app.action(ids.ACTION_COACH_COMMENT)(on_comment)
    app.action(ids.ACTION_COACH_SEND)(on_send_feedback)
    app.action(ids.ACTION_COACH_REVIEWED)(on_mark_reviewed)
    app.action(ids.ACTION_DISPUTE_WRONG)(on_resolve)
    app.action(ids.ACTION_DISPUTE_STANDS)(on_resolve)
    app.action(ids.ACTION_STAFF_OPEN)(on_staff_open)
    app.action(ids.ACTION_STAFF_PAGE)(on_staff_page)
    app.action(ids.ACTION_FEEDBACK_REPLY)(on_reply)
    coach_forms.register(app)


def _value(action: dict[str, Any]) -> str:
    return str(action.get("value") or "")


def _view_page(body: dict[str, Any], user_id: str) -> int:
    """The page a transcript modal shows (from its metadata; only chooses what to redraw)."""
    meta = parse_meta(
        TranscriptMeta, str((body.get("view") or {}).get("private_metadata") or ""), user_id
    )
    return meta.page if meta is not None else 0


async def _refused(what: str, user_id: str, body: dict[str, Any], client: AsyncWebClient) -> None:
    log.warning("refused %s by %s: malformed value", what, user_id)
    await coach_flows.show(client, body, say.TRANSCRIPT_TITLE, practice_words.FORM_UNVERIFIED)


# ---------------------------------------------------------------------- /coach


async def on_coach_command(
    ack: AsyncAck,
    command: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    """``/coach …``: acknowledge, then answer privately through the ``response_url``.

    Args:
        ack: Bolt's acknowledgement.
        command: the slash-command payload (text Slack-escaped: ``<@U…|name>``).
        context: Bolt's context.
        client: the Web API client.
        respond: posts to the command's ``response_url``.
    """
    await ack()
    deps = deps_of(context)
    team_id, user_id = team_of(command, context), str(command["user_id"])

    async def work() -> None:
        answer = await coach_flows.coach_command(
            deps, client, team_id=team_id, user_id=user_id, text=str(command.get("text") or "")
        )
        try:
            await respond(response_type="ephemeral", replace_original=False, text=answer)
        except SLACK_ERRORS as exc:
            log.warning("/coach answer not delivered: %s", why(exc))

    deps.tasks.spawn(work(), name="coach_command")


# ---------------------------------------------------------------------- staff: send to a coach


@_after_ack("send_to_coach_open")
async def on_send_to_coach(
    body: dict[str, Any], action: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """The debrief's *Send to a coach*: the owner gets a modal with an optional note.

    Args:
        body: the ``block_actions`` payload.
        action: the button (value: session id).
        context: Bolt's context.
        client: the Web API client.
    """
    deps, team_id, user_id = who(body, context)
    session_id = _value(action)
    try:
        info = await deps.sessions.get(team_id, user_id, session_id)
    except coach_flows.REFUSALS as exc:
        log.warning("refused %s by %s: %s", ids.ACTION_SEND_TO_COACH, user_id, type(exc).__name__)
        await coach_flows.show(client, body, say.SEND_TITLE, coach_flows.refusal(exc))
        return
    meta = json.dumps({"user": user_id, "session": info.id})
    coaches = len(await deps.coach.coaches(team_id))
    await coach_flows.present(
        client,
        body,
        coach_messages.send_to_coach_modal(private_metadata=meta, coaches=coaches),
    )


# ---------------------------------------------------------------------- coach: queue, transcript


async def on_queue(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """The Home tab queue's Unreviewed / All / Newer / Older: publish that page."""
    await ack()
    deps, team_id, user_id = who(body, context)
    parsed = parse_queue(_value(action))
    if parsed is None:
        log.warning("refused %s: unexpected value", ids.ACTION_COACH_QUEUE)
        return
    deps.tasks.spawn(
        flows.publish_home(deps, client, team_id=team_id, user_id=user_id, coach_queue=parsed),
        name="coach_queue",
    )


@_after_ack("coach_open")
async def on_open(
    body: dict[str, Any], action: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """Open (a queue row, a coach's alert DM): the transcript's first page in a modal."""
    deps, team_id, user_id = who(body, context)
    await coach_flows.open_transcript(
        deps, client, body, team_id=team_id, coach_id=user_id, session_id=_value(action)
    )


@_after_ack("coach_page")
async def on_page(
    body: dict[str, Any], action: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """Earlier / later turns inside the transcript modal (the service checks again)."""
    deps, team_id, user_id = who(body, context)
    parsed = parse_page(_value(action))
    if parsed is None:
        await _refused(ids.ACTION_COACH_PAGE, user_id, body, client)
        return
    session_id, page = parsed
    await coach_flows.open_transcript(
        deps,
        client,
        body,
        team_id=team_id,
        coach_id=user_id,
        session_id=session_id,
        page=page,
        update=True,
    )


@_after_ack("coach_comment")
async def on_comment(
    body: dict[str, Any], action: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """Comment on a turn, or on the whole session: push the feedback modal."""
    deps, team_id, user_id = who(body, context)
    parsed = parse_target(_value(action))
    if parsed is None:
        await _refused(ids.ACTION_COACH_COMMENT, user_id, body, client)
        return
    session_id, turn_index = parsed
    per_page = screens.TURNS_PER_PAGE
    page = (turn_index - 1) // per_page if turn_index else 0
    try:
        result = await deps.coach.transcript(  # the turn shown already: not a new read
            team_id, user_id, session_id, page=page, per_page=per_page, record_read=False
        )
    except coach_flows.REFUSALS as exc:
        await coach_flows.show(client, body, say.FEEDBACK_TITLE, coach_flows.refusal(exc))
        return
    view = screens.transcript_view(result, deps.personas)
    turn = next((t for t in view.turns if t.index == turn_index), None)
    if turn_index is not None and turn is None:
        await _refused(ids.ACTION_COACH_COMMENT, user_id, body, client)
        return
    meta = json.dumps(
        {
            "user": user_id,
            "session": result.session_id,
            "turn": turn_index,
            "page": _view_page(body, user_id),
            "parent": str((body.get("view") or {}).get("id") or "") or None,
        }
    )
    modal = coach_messages.feedback_modal(turn, view.persona_name, private_metadata=meta)
    await coach_flows.present(client, body, modal)


@_after_ack("coach_send_feedback")
async def on_send_feedback(
    body: dict[str, Any], action: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """*Send feedback*: the drafts go to the staff member's DM."""
    deps, team_id, user_id = who(body, context)
    await coach_flows.send_feedback(
        deps,
        client,
        body,
        team_id=team_id,
        coach_id=user_id,
        session_id=_value(action),
        page=_view_page(body, user_id),
    )


@_after_ack("coach_reviewed")
async def on_mark_reviewed(
    body: dict[str, Any], action: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """*Mark reviewed*: the session leaves the unreviewed queue; transcript and Home redrawn."""
    deps, team_id, user_id = who(body, context)
    session_id = _value(action)
    try:
        await deps.coach.mark_reviewed(team_id, user_id, session_id)
    except coach_flows.REFUSALS as exc:
        await coach_flows.show(client, body, say.MARK_REVIEWED, coach_flows.refusal(exc))
        return
    await coach_flows.refresh_transcript(
        deps,
        client,
        view_id=str((body.get("view") or {}).get("id") or ""),
        team_id=team_id,
        coach_id=user_id,
        session_id=session_id,
        page=_view_page(body, user_id),
    )
    deps.tasks.spawn(
        flows.publish_home(deps, client, team_id=team_id, user_id=user_id), name="coach_reviewed"
    )


@_after_ack("coach_resolve")
async def on_resolve(
    body: dict[str, Any], action: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """ "The note was wrong" / "The note stands": record the coach's decision, redraw."""
    deps, team_id, user_id = who(body, context)
    dispute_id = parse_dispute_id(_value(action))
    if dispute_id is None:
        await _refused(str(action.get("action_id")), user_id, body, client)
        return
    wrong = action.get("action_id") == ids.ACTION_DISPUTE_WRONG
    verdict: Verdict = "note_wrong" if wrong else "note_stands"
    try:
        info = await deps.coach.resolve_dispute(team_id, user_id, dispute_id, verdict)
    except coach_flows.REFUSALS as exc:
        await coach_flows.show(client, body, say.TRANSCRIPT_TITLE, coach_flows.refusal(exc))
        return
    await coach_flows.refresh_transcript(
        deps,
        client,
        view_id=str((body.get("view") or {}).get("id") or ""),
        team_id=team_id,
        coach_id=user_id,
        session_id=info.session_id,
        page=_view_page(body, user_id),
    )


# ---------------------------------------------------------------------- staff: feedback DM


@_after_ack("staff_open")
async def on_staff_open(
    body: dict[str, Any], action: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """The feedback DM's *Open session*: the staff member's own session and who read it."""
    deps, team_id, user_id = who(body, context)
    await coach_flows.open_staff_session(
        deps, client, body, team_id=team_id, user_id=user_id, session_id=_value(action)
    )


@_after_ack("staff_page")
async def on_staff_page(
    body: dict[str, Any], action: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """Earlier / later turns of the staff member's own session modal."""
    deps, team_id, user_id = who(body, context)
    parsed = parse_page(_value(action))
    if parsed is None:
        await _refused(ids.ACTION_STAFF_PAGE, user_id, body, client)
        return
    await coach_flows.open_staff_session(
        deps,
        client,
        body,
        team_id=team_id,
        user_id=user_id,
        session_id=parsed[0],
        page=parsed[1],
        update=True,
    )


@_after_ack("feedback_reply_open")
async def on_reply(
    body: dict[str, Any], action: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """The feedback DM's *Reply*: the reply modal (the service allows one reply)."""
    _deps, _team_id, user_id = who(body, context)
    value = _value(action)
    if not value.isdigit() or len(value) > 18:
        await _refused(ids.ACTION_FEEDBACK_REPLY, user_id, body, client)
        return
    meta = json.dumps({"user": user_id, "feedback": int(value)})
    await coach_flows.present(client, body, coach_messages.reply_modal(None, private_metadata=meta))
