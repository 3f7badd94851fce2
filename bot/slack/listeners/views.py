"""View submissions: the question-list review modal and the after-interview modals.

Input is validated in the acknowledgement (errors are shown beside their
field in the modal, ``response_action=errors``); the after-interview modals
call their service before acknowledging, so a service's
:class:`~bot.services.reflection.InvalidInput` comes back the same way. What
follows a valid submission (the result message, the confirmation DM, the
team's thread reply) is posted in the background after the ack. A submission
whose ``private_metadata`` names another user (a tampered payload), or an
interview the submitter does not own, is refused and logged. Submissions that
create something (a logged interview, a team decision) are claimed once by
their ``trigger_id``, so a redelivered payload does not create it twice.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable
from datetime import date, datetime, time
from typing import Any, TypeVar

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.reflection import Reflection, zone
from bot.presenters import practice as say
from bot.presenters import reflection as wording
from bot.presenters.coach_limits import dispute_updated
from bot.services.commands import MAX_QUESTIONS, question_lines
from bot.services.ports import ConversationRef
from bot.services.reflection import (
    GatheringNotFound,
    InterviewInfo,
    InterviewNotFound,
    InvalidInput,
    NotYourInterview,
    WrongConversation,
    parse_gathering_key,
)
from bot.services.session_results import NothingToDispute, NotYourSession, SessionNotFound
from bot.slack import blocks, flows, ids
from bot.slack.deps import SlackDeps, deps_of, team_of
from bot.slack.outbox import SlackOutbox
from bot.slack.text import escape

__all__ = ["post_review", "register"]

log = logging.getLogger(__name__)

T = TypeVar("T")

_UNVERIFIED = "This form could not be verified. Please open it again."
_GONE = "That interview was deleted, so there is nothing to save."
_OTHER_TEAM = "This form belongs to another team's gathering, so I can't record it here."
_TS_RE = re.compile(r"^\d{1,12}\.\d{1,8}$")


def register(app: AsyncApp) -> None:
    """Register the view listeners.

    Args:
        app: the Bolt app.
    """
    app.view(ids.VIEW_REVIEW_QUESTIONS)(on_review_submitted)
    app.view(ids.VIEW_LOG_INTERVIEW)(on_log_interview_submitted)
    app.view(ids.VIEW_EDIT_INTERVIEW_TIME)(on_edit_time_submitted)
    app.view(ids.VIEW_EXACT_WORDS)(on_exact_words_submitted)
    app.view(ids.VIEW_REFLECTION)(on_reflection_submitted)
    app.view(ids.VIEW_TEAM_DECISION)(on_team_decision_submitted)
    app.view(ids.VIEW_DISPUTE_NOTE)(on_dispute_submitted)


async def on_dispute_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """ "Was this note wrong?" submitted: store it (the service checks the session is the
    user's and reads the turn itself), then thank the user in the modal.

    Args:
        ack: Bolt's acknowledgement (``update`` shows the thanks; ``errors`` keeps the form).
        body: the ``view_submission`` payload.
        view: the submitted view.
        context: Bolt's context.
        client: the Web API client.
    """
    deps = deps_of(context)
    user_id = str((body.get("user") or {}).get("id") or "")
    meta = _metadata(view)
    field = ids.FIELDS["dispute_kinds"]
    session_id, turn = meta.get("session"), meta.get("turn")
    if (
        meta.get("invalid")
        or meta.get("user") != user_id
        or not isinstance(session_id, str)
        or not isinstance(turn, int)
    ):
        log.warning("refused a note dispute whose metadata does not match the user")
        await ack(response_action="errors", errors={field: say.FORM_UNVERIFIED})
        return
    chosen = _values(view, "dispute_kinds").get("selected_options") or []
    kinds = [str(o.get("value")) for o in chosen if isinstance(o, dict)]
    try:
        saved = await deps.sessions.dispute_note(
            team_of(body, context),
            user_id,
            session_id,
            turn,
            kinds=kinds,
            comment=_text(view, "dispute_comment"),
        )
    except (NotYourSession, SessionNotFound):
        log.warning("refused a note dispute on a session that is not the user's")
        await ack(response_action="errors", errors={field: say.FORM_UNVERIFIED})
        return
    except NothingToDispute:
        await ack(response_action="errors", errors={field: say.DISPUTE_NOTHING})
        return
    thanks = dispute_updated(saved.earlier) if saved.earlier else say.DISPUTE_SAVED
    await ack(response_action="update", view=blocks.thanks_view(escape(thanks)))


def _metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {"invalid": True}
    return meta if isinstance(meta, dict) else {"invalid": True}


async def on_review_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """The review modal was submitted: validate, close, review in the background.

    Args:
        ack: Bolt's acknowledgement (``response_action=errors`` keeps the modal open).
        body: the ``view_submission`` payload.
        view: the submitted view.
        context: Bolt's context.
        client: the Web API client.
    """
    deps = deps_of(context)
    user_id = str(body["user"]["id"])
    meta = _metadata(view)
    if meta.get("invalid") or (meta.get("user") and meta["user"] != user_id):
        log.warning("refused a review submission whose metadata names another user")
        await ack(
            response_action="errors",
            errors={ids.BLOCK_QUESTIONS: "This form could not be verified. Please open it again."},
        )
        return
    state = (view.get("state") or {}).get("values") or {}
    text = ((state.get(ids.BLOCK_QUESTIONS) or {}).get(ids.INPUT_QUESTIONS) or {}).get(
        "value"
    ) or ""
    lines = question_lines(text)
    if not lines:
        await ack(
            response_action="errors", errors={ids.BLOCK_QUESTIONS: "Paste at least one question."}
        )
        return
    if len(lines) > MAX_QUESTIONS:
        await ack(
            response_action="errors",
            errors={
                ids.BLOCK_QUESTIONS: f"That is {len(lines)} questions; please send at most "
                f"{MAX_QUESTIONS} at a time."
            },
        )
        return
    await ack()
    deps.tasks.spawn(
        post_review(deps, client, team_of(body, context), user_id, text), name="review_modal"
    )


async def post_review(
    deps: SlackDeps, client: AsyncWebClient, team_id: str, user_id: str, text: str
) -> None:
    """Review a question list and post the result message in the user's DM with the app.

    Args:
        deps: listener dependencies.
        client: the Web API client.
        team_id: the workspace.
        user_id: who asked (and gets the result).
        text: the questions, one per line.
    """
    outbox = SlackOutbox(client)
    view = await deps.chat.review_list(text)
    await outbox.send(await outbox.direct(team_id, user_id), view)


# ---------------------------------------------------------------------- after real interviews


def _values(view: dict[str, Any], field: str) -> dict[str, Any]:
    """The submitted state of one after-interview field (its element's value object)."""
    block = ids.FIELDS[field]
    state = (view.get("state") or {}).get("values") or {}
    found = (state.get(block) or {}).get(ids.element_id(block))
    return found if isinstance(found, dict) else {}


def _text(view: dict[str, Any], field: str) -> str:
    return str(_values(view, field).get("value") or "")


def _choice(view: dict[str, Any], field: str) -> str:
    return str((_values(view, field).get("selected_option") or {}).get("value") or "")


def _when(view: dict[str, Any]) -> tuple[date, time] | None:
    """The date and time pickers' values, or None when one is missing or malformed."""
    day = _values(view, "happened_on").get("selected_date")
    at = _values(view, "happened_at").get("selected_time")
    try:
        return date.fromisoformat(str(day)), time.fromisoformat(str(at))
    except ValueError:
        return None


def _checked(
    view: dict[str, Any], body: dict[str, Any], *keys: str
) -> tuple[dict[str, Any], str] | None:
    """The metadata and submitter, or None (logged) when the metadata was tampered with."""
    user_id = str(body["user"]["id"])
    meta = _metadata(view)
    if meta.get("invalid") or meta.get("user") != user_id or not all(meta.get(k) for k in keys):
        log.warning(
            "refused a %s submission whose metadata names another user or is malformed",
            view.get("callback_id"),
        )
        return None
    return meta, user_id


async def _errors(ack: AsyncAck, field: str, message: str) -> None:
    await ack(response_action="errors", errors={ids.FIELDS[field]: message})


class _Answered:
    """What :func:`_service` returns when it already answered Slack with a modal error."""


_ANSWERED = _Answered()


async def _service(ack: AsyncAck, field: str, work: Awaitable[T]) -> T | _Answered:
    """Await a service call; turn its refusal into a modal error.

    An :class:`~bot.services.reflection.InvalidInput` is shown beside the field
    it names (else beside ``field``); someone else's interview (refused and
    logged) and a deleted one are shown beside ``field``.
    """
    try:
        return await work
    except NotYourInterview:
        log.warning("refused a submission about an interview of someone else")
        await _errors(ack, field, _UNVERIFIED)
    except InterviewNotFound:
        await _errors(ack, field, _GONE)
    except (WrongConversation, GatheringNotFound):
        log.warning("refused a team decision sent from outside its gathering's channel")
        await _errors(ack, field, _OTHER_TEAM)
    except InvalidInput as exc:
        await _errors(ack, exc.field if exc.field in ids.FIELDS else field, str(exc))
    return _ANSWERED


async def _first_time(deps: SlackDeps, team_id: str, body: dict[str, Any]) -> bool:
    """Claim a creating submission by its trigger id (False: a redelivery, do nothing)."""
    trigger = body.get("trigger_id")
    return not trigger or await deps.sessions.claim_event(team_id, f"action:{trigger}")


async def on_log_interview_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """The log modal was submitted: log the interview, then DM when each prompt comes.

    The user's time zone comes from ``users.info`` (and is remembered); the
    pickers' date and time are read on that clock.

    Args:
        ack: Bolt's acknowledgement (``response_action=errors`` keeps the modal open).
        body: the ``view_submission`` payload.
        view: the submitted view.
        context: Bolt's context.
        client: the Web API client.
    """
    deps = deps_of(context)
    checked = _checked(view, body)
    if checked is None:
        await _errors(ack, "pseudonym", _UNVERIFIED)
        return
    meta, user_id = checked
    when = _when(view)
    if when is None:
        await _errors(ack, "happened_on", "Choose the date and the time it happened.")
        return
    team_id = team_of(body, context)
    if not await _first_time(deps, team_id, body):
        await ack()
        return
    tz, names = await flows.user_time_zone(deps, client, team_id=team_id, user_id=user_id)
    info = await _service(
        ack,
        "pseudonym",
        deps.reflections.log_interview(
            team_id,
            user_id,
            happened_at=datetime.combine(*when, tzinfo=zone(tz)),
            pseudonym=_text(view, "pseudonym"),
            grade_band=_choice(view, "grade_band"),
            mode=_choice(view, "mode"),  # type: ignore[arg-type]  # checked by the service
            team_channel=_values(view, "team_channel").get("selected_conversation"),
            notes=_text(view, "notes"),
            interviewer_tz=tz,
            extra_names=names,
            conversation=ConversationRef(platform="slack", workspace_id=team_id, user_id=user_id),
        ),
    )
    if isinstance(info, _Answered):
        return
    await ack()
    deps.tasks.spawn(
        flows.confirm_interview(deps, client, info, refresh_home=meta.get("source") == "home"),
        name="interview_logged",
    )


async def on_edit_time_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """The change-time modal was submitted: move the interview and its pending prompts.

    Args:
        ack: Bolt's acknowledgement.
        body: the ``view_submission`` payload.
        view: the submitted view.
        context: Bolt's context.
        client: the Web API client.
    """
    deps = deps_of(context)
    checked = _checked(view, body, "interview")
    if checked is None:
        await _errors(ack, "happened_on", _UNVERIFIED)
        return
    meta, user_id = checked
    when = _when(view)
    if when is None:
        await _errors(ack, "happened_on", "Choose the date and the time it happened.")
        return
    team_id = team_of(body, context)
    interview_id = str(meta["interview"])

    async def move() -> InterviewInfo:
        info = await deps.reflections.get_interview(team_id, user_id, interview_id)
        return await deps.reflections.edit_interview_time(
            team_id,
            user_id,
            interview_id,
            happened_at=datetime.combine(*when, tzinfo=zone(info.interviewer_tz)),
        )

    moved = await _service(ack, "happened_at", move())
    if isinstance(moved, _Answered):
        return
    await ack()
    deps.tasks.spawn(
        flows.confirm_interview(deps, client, moved, moved=True, refresh_home=True),
        name="interview_moved",
    )


async def on_exact_words_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """The exact-words modal was submitted: store the words (scrubbed) and say thank you.

    Args:
        ack: Bolt's acknowledgement (``update`` shows the thank-you in the modal).
        body: the ``view_submission`` payload.
        view: the submitted view.
        context: Bolt's context.
        client: the Web API client.
    """
    deps = deps_of(context)
    checked = _checked(view, body, "interview")
    if checked is None:
        await _errors(ack, "text", _UNVERIFIED)
        return
    meta, user_id = checked
    saved = await _service(
        ack,
        "text",
        deps.reflections.save_exact_words(
            team_of(body, context), user_id, str(meta["interview"]), _text(view, "text")
        ),
    )
    if isinstance(saved, _Answered):
        return
    await ack(
        response_action="update",
        view=blocks.thanks_view(wording.THANKS_EXACT_WORDS),
    )


async def on_reflection_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """The reflection modal was submitted: store it (scrubbed); a red flag queues the gentle note.

    Args:
        ack: Bolt's acknowledgement (``update`` shows the thank-you in the modal).
        body: the ``view_submission`` payload.
        view: the submitted view.
        context: Bolt's context.
        client: the Web API client.
    """
    deps = deps_of(context)
    checked = _checked(view, body, "interview")
    if checked is None:
        await _errors(ack, "surprised", _UNVERIFIED)
        return
    meta, user_id = checked
    ticked = _values(view, "nothing_new").get("selected_options") or []
    reflection = Reflection(
        **{field: _text(view, field) for field in blocks.REFLECTION_QUESTIONS},
        nothing_new=any(o.get("value") == "nothing_new" for o in ticked if isinstance(o, dict)),
    )
    red_flag = await _service(
        ack,
        "surprised",
        deps.reflections.save_reflection(
            team_of(body, context), user_id, str(meta["interview"]), reflection
        ),
    )
    if isinstance(red_flag, _Answered):
        return
    thanks = wording.THANKS_REFLECTION_RED_FLAG if red_flag else wording.THANKS_REFLECTION
    await ack(response_action="update", view=blocks.thanks_view(thanks))


async def on_team_decision_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """The team-decision modal was submitted: record it, then tell the team in the post's thread.

    Args:
        ack: Bolt's acknowledgement.
        body: the ``view_submission`` payload.
        view: the submitted view.
        context: Bolt's context.
        client: the Web API client.
    """
    deps = deps_of(context)
    checked = _checked(view, body, "key")
    if checked is None:
        await _errors(ack, "decision", _UNVERIFIED)
        return
    meta, user_id = checked
    try:
        channel, week = parse_gathering_key(str(meta["key"]))
    except InvalidInput:
        log.warning("refused a team decision by %s: not a gathering key", user_id)
        await _errors(ack, "decision", _UNVERIFIED)
        return
    team_id = team_of(body, context)
    if meta.get("team") not in (None, team_id):
        log.warning("refused a team decision by %s: form opened in another workspace", user_id)
        await _errors(ack, "decision", _UNVERIFIED)
        return
    if not await _first_time(deps, team_id, body):
        await ack()
        return
    decision = await _service(
        ack,
        "decision",
        deps.reflections.record_team_decision(
            team_id,
            user_id,
            channel=channel,
            week=week,
            decision=_text(view, "decision"),
            conversation_id=str(meta.get("channel") or "") or None,
        ),
    )
    if isinstance(decision, _Answered):
        return
    await ack()
    ts = str(meta.get("ts") or "")
    deps.tasks.spawn(
        flows.post_team_decision(client, decision, thread_ts=ts if _TS_RE.match(ts) else None),
        name="team_decision",
    )
