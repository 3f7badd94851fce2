"""The Slack side of the coach use cases: call the coaching service, render, send.

Listeners (:mod:`bot.slack.listeners.coach`) parse a request and call one function
here. Every function asks the service, which checks the workspace and the person's
role on every call; button values and modal metadata only name what was asked for.
A refusal (:class:`~bot.services.coaching_results.CoachError`, a session not found
or not yours) is shown as a small modal or a private message, never a 500.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.presenters import coach_screens as say
from bot.presenters import practice as practice_words
from bot.services import coach_screens as screens
from bot.services.coaching_results import CoachError
from bot.services.commands import FlaggingProblem, parse_flagging
from bot.services.session_results import NotYourSession, SessionNotFound
from bot.slack import blocks as slack_blocks
from bot.slack import coach_blocks, coach_messages, flows, ids
from bot.slack.coach_blocks import mrkdwn, person
from bot.slack.deps import SlackDeps
from bot.slack.outbox import SLACK_ERRORS, dm_channel, post_messages, why
from bot.slack.text import Message, section_blocks
from bot.store import StoreUnavailable

__all__ = [
    "REFUSALS",
    "coach_command",
    "is_admin",
    "open_staff_session",
    "open_transcript",
    "refusal",
    "send_feedback",
    "show",
    "transcript_view_payload",
]

log = logging.getLogger(__name__)

REFUSALS = (CoachError, SessionNotFound, NotYourSession, StoreUnavailable)
"""What a coach action may be refused with; :func:`refusal` words each."""

_MENTION_RE = re.compile(r"<@([UW][A-Z0-9]{1,39})(?:\|[^>]*)?>")
_BARE_ID_RE = re.compile(r"^[UW][A-Z0-9]{2,39}$")


def refusal(exc: BaseException) -> str:
    """The plain words for a refused coach action."""
    if isinstance(exc, StoreUnavailable):
        return practice_words.CANT_SAVE
    if isinstance(exc, NotYourSession):
        return practice_words.SESSION_NOT_YOURS
    if isinstance(exc, SessionNotFound):
        return practice_words.SESSION_NOT_FOUND
    return str(exc) or say.TRY_AGAIN


async def show(client: AsyncWebClient, body: dict[str, Any], title: str, text: str) -> None:
    """Say something privately where the click happened (failures are only logged).

    Over a modal: a small modal pushed on top. In a message (a DM): an ephemeral
    message in that conversation. On the Home tab: a small modal.

    Args:
        client: the Web API client.
        body: the ``block_actions`` payload (its ``trigger_id``, ``view``, ``channel``).
        title: the modal title.
        text: plain wording (:func:`~bot.slack.coach_blocks.person` mentions allowed).
    """
    view = coach_messages.message_modal(title, text)
    trigger = str(body.get("trigger_id") or "")
    kind = (body.get("view") or {}).get("type")
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    message = body.get("message") or {}
    try:
        if kind == "modal":
            await client.views_push(trigger_id=trigger, view=view)
        elif channel and kind is None:
            kwargs: dict[str, Any] = {
                "channel": channel,
                "user": str((body.get("user") or {}).get("id") or ""),
                "text": mrkdwn(text),
            }
            if message.get("thread_ts"):
                kwargs["thread_ts"] = message["thread_ts"]
            await client.chat_postEphemeral(**kwargs)
        else:
            await client.views_open(trigger_id=trigger, view=view)
    except SLACK_ERRORS as exc:
        log.warning("could not show a coach notice: %s", why(exc))


async def present(
    client: AsyncWebClient,
    body: dict[str, Any],
    view: dict[str, Any],
    *,
    update: bool = False,
) -> None:
    """Show a modal for a click: replace the clicked modal (``update``), push one over a
    modal, or open one; a refusal by Slack (an expired trigger, a closed view) is logged.

    Args:
        client: the Web API client.
        body: the ``block_actions`` payload (``trigger_id``; ``view`` when in a modal).
        view: the modal.
        update: replace the modal the click came from (paging, redraws).
    """
    trigger = str(body.get("trigger_id") or "")
    current = body.get("view") or {}
    try:
        if update and current.get("id"):
            await client.views_update(view_id=str(current["id"]), view=view)
        elif current.get("type") == "modal":
            await client.views_push(trigger_id=trigger, view=view)
        else:
            await client.views_open(trigger_id=trigger, view=view)
    except SLACK_ERRORS as exc:
        log.warning("could not show a coach modal: %s", why(exc))


async def is_admin(deps: SlackDeps, client: AsyncWebClient, user_id: str) -> bool:
    """True when Slack says the user is a workspace admin or owner (``users.info``).

    An unanswered or failed lookup counts as not an admin (coaches can still act).
    """
    try:
        resp = await asyncio.wait_for(
            client.users_info(user=user_id), timeout=max(deps.tz_lookup_seconds, 2.0)
        )
    except (*SLACK_ERRORS, TimeoutError) as exc:
        log.info("admin lookup failed (%s); treating as not an admin", why(exc))
        return False
    user = resp.get("user") or {}
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


async def _is_person_here(client: AsyncWebClient, team_id: str, user_id: str) -> bool:
    """True when ``users.info`` knows ``user_id`` as a person (not a bot, not deactivated)
    of this workspace; a typed id that names nobody ("U0PLAIN") is False.

    Raises:
        SlackApiError / aiohttp errors: Slack failed otherwise (the caller says try again).
    """
    try:
        resp = await client.users_info(user=user_id)
    except SlackApiError as exc:
        if exc.response.get("error") in ("user_not_found", "users_not_found"):
            return False
        raise
    user = resp.get("user") or {}
    if user.get("deleted") or user.get("is_bot"):
        return False
    return str(user.get("team_id") or team_id) == team_id


async def _dm(client: AsyncWebClient, user_id: str, messages: list[Message]) -> None:
    try:
        await post_messages(client, await dm_channel(client, user_id), messages)
    except SLACK_ERRORS as exc:
        log.warning("could not DM %s: %s", user_id, why(exc))


# ---------------------------------------------------------------------- /coach


def _who(arg: str) -> str | None:
    """The user id in ``<@U1|name>`` (Slack's escaped mention) or a bare ``U1``."""
    found = _MENTION_RE.search(arg)
    if found:
        return found.group(1)
    arg = arg.strip()
    return arg if _BARE_ID_RE.match(arg) else None


async def coach_command(
    deps: SlackDeps,
    client: AsyncWebClient,
    *,
    team_id: str,
    user_id: str,
    text: str,
) -> str:
    """Run one ``/coach`` line and return the answer (mrkdwn, shown privately).

    Args:
        deps: listener dependencies.
        client: the Web API client (``users.info`` for the admin check, the new coach's DM).
        team_id: the workspace.
        user_id: who typed it.
        text: what followed ``/coach`` (Slack-escaped: mentions are ``<@U…|name>``).

    Returns:
        The private answer.
    """
    words = text.split()
    verb = words[0].lower() if words else "help"
    rest = text.strip()[len(words[0]) :].strip() if words else ""
    coach = deps.coach
    try:
        if verb == "help":
            return mrkdwn(say.HELP)
        if verb == "list":
            coaches = await coach.coaches(team_id)
            return mrkdwn(say.coach_list([person(c.user_id) for c in coaches]))
        if verb in ("add", "remove"):
            target = _who(rest)
            if target is None:
                return mrkdwn(say.NEED_PERSON)
            admin = await is_admin(deps, client, user_id)
            if verb == "add" and not await _is_person_here(client, team_id, target):
                return mrkdwn(say.NO_SUCH_PERSON)
            if verb == "add":
                change = await coach.add_coach(team_id, user_id, target, actor_is_admin=admin)
                if change.changed:
                    waiting = (await coach.queue(team_id, target, limit=1)).total
                    note = mrkdwn(say.you_were_added(person(user_id), waiting))
                    await _dm(client, target, [Message(text=note, blocks=section_blocks(note))])
                    try:  # their Home tab shows the queue at once
                        await flows.publish_home(deps, client, team_id=team_id, user_id=target)
                    except SLACK_ERRORS as exc:
                        log.info("new coach's Home tab not refreshed: %s", why(exc))
                return mrkdwn(say.coach_added(person(target), change.changed))
            change = await coach.remove_coach(team_id, user_id, target, actor_is_admin=admin)
            return mrkdwn(say.coach_removed(person(target), change.changed))
        if verb == "flagging":
            return await _flagging(deps, client, team_id=team_id, user_id=user_id, args=words[1:])
    except REFUSALS as exc:
        return mrkdwn(refusal(exc))
    except SLACK_ERRORS as exc:
        log.warning("/coach %s: Slack refused (%s)", verb, why(exc))
        return mrkdwn(say.TRY_AGAIN)
    return mrkdwn(say.unknown_command(" ".join(words)))


async def _flagging(
    deps: SlackDeps, client: AsyncWebClient, *, team_id: str, user_id: str, args: list[str]
) -> str:
    coach = deps.coach
    if not args:
        s = await coach.flag_settings(team_id)
        return mrkdwn(say.flagging_state(s.enabled, s.findings_per_10, s.turns_without_insight))
    change = parse_flagging(args)
    if isinstance(change, FlaggingProblem):
        return mrkdwn(say.flagging_problem(change.what, change.typed))
    s = await coach.set_flagging(
        team_id,
        user_id,
        enabled=change.enabled,
        findings_per_10=change.findings_per_10,
        turns_without_insight=change.turns_without_insight,
        actor_is_admin=await is_admin(deps, client, user_id),
    )
    return mrkdwn(say.flagging_state(s.enabled, s.findings_per_10, s.turns_without_insight))


# ---------------------------------------------------------------------- transcripts


async def transcript_view_payload(
    deps: SlackDeps,
    *,
    team_id: str,
    coach_id: str,
    session_id: str,
    page: int,
    record_read: bool = True,
) -> dict[str, Any]:
    """The transcript modal for one page, read through the service (which records the read
    unless ``record_read`` is False: a redraw after the coach's own change).

    Raises:
        CoachError / SessionNotFound: the coach may not read it (see :data:`REFUSALS`).
    """
    result = await deps.coach.transcript(
        team_id,
        coach_id,
        session_id,
        page=page,
        per_page=screens.TURNS_PER_PAGE,
        record_read=record_read,
    )
    view = screens.transcript_view(result, deps.personas)
    meta = json.dumps({"user": coach_id, "session": result.session_id, "page": result.page})
    return coach_blocks.transcript_modal(view, private_metadata=meta)


async def open_transcript(
    deps: SlackDeps,
    client: AsyncWebClient,
    body: dict[str, Any],
    *,
    team_id: str,
    coach_id: str,
    session_id: str,
    page: int = 0,
    update: bool = False,
) -> None:
    """Open a transcript (``views.open``), or show another page of it (``views.update``).

    Args:
        deps: listener dependencies.
        client: the Web API client.
        body: the ``block_actions`` payload (``trigger_id``; ``view.id`` to update).
        team_id: the workspace.
        coach_id: who clicked (the service checks they coach here and may read it).
        session_id: the session named by the button.
        page: 0-based page.
        update: replace the modal the click came from instead of opening one.
    """
    try:
        view = await transcript_view_payload(
            deps, team_id=team_id, coach_id=coach_id, session_id=session_id, page=page
        )
    except REFUSALS as exc:
        await show(client, body, say.TRANSCRIPT_TITLE, refusal(exc))
        return
    await present(client, body, view, update=update)


async def refresh_transcript(
    deps: SlackDeps,
    client: AsyncWebClient,
    *,
    view_id: str,
    team_id: str,
    coach_id: str,
    session_id: str,
    page: int,
) -> None:
    """Redraw an open transcript modal after a change (failures are only logged)."""
    if not view_id:
        return
    try:
        view = await transcript_view_payload(
            deps,
            team_id=team_id,
            coach_id=coach_id,
            session_id=session_id,
            page=page,
            record_read=False,
        )
        await client.views_update(view_id=view_id, view=view)
    except (*REFUSALS, *SLACK_ERRORS) as exc:
        log.info("transcript not redrawn: %s", type(exc).__name__)


async def send_feedback(
    deps: SlackDeps,
    client: AsyncWebClient,
    body: dict[str, Any],
    *,
    team_id: str,
    coach_id: str,
    session_id: str,
    page: int,
) -> None:
    """*Send feedback*: mark the drafts sent, DM the staff member, confirm to the coach."""
    try:
        sent = await deps.coach.send_feedback(team_id, coach_id, session_id)
    except REFUSALS as exc:
        await show(client, body, say.SEND_FEEDBACK, refusal(exc))
        return
    dm = coach_messages.feedback_dm(screens.feedback_dm(sent, deps.personas))
    await _dm(client, sent.staff_user_id, dm)
    await show(
        client,
        body,
        say.SEND_FEEDBACK,
        say.feedback_sent(person(sent.staff_user_id), len(sent.items)),
    )
    await refresh_transcript(
        deps,
        client,
        view_id=str((body.get("view") or {}).get("id") or ""),
        team_id=team_id,
        coach_id=coach_id,
        session_id=session_id,
        page=page,
    )


# ---------------------------------------------------------------------- staff


async def staff_view_payload(
    deps: SlackDeps, *, team_id: str, user_id: str, session_id: str, page: int
) -> dict[str, Any]:
    """The staff member's own session modal: a page of turns, the feedback, who read it.

    Raises:
        SessionNotFound / NotYourSession: not their session in this workspace.
    """
    info = await deps.sessions.get(team_id, user_id, session_id)
    turns = await deps.sessions.turns(team_id, user_id, session_id)
    feedback = await deps.coach.feedback_for_staff(team_id, user_id, session_id)
    reads = await deps.coach.reads(team_id, user_id, session_id)
    view = screens.staff_session_view(
        info.id,
        info.persona_id,
        turns,
        personas=deps.personas,
        feedback=feedback,
        reads=reads,
        page=page,
    )
    meta = json.dumps({"user": user_id, "session": info.id, "page": view.page})
    return coach_blocks.staff_session_modal(view, private_metadata=meta)


async def open_staff_session(
    deps: SlackDeps,
    client: AsyncWebClient,
    body: dict[str, Any],
    *,
    team_id: str,
    user_id: str,
    session_id: str,
    page: int = 0,
    update: bool = False,
) -> None:
    """Show a staff member their own session (``views.open``, or ``views.update`` to page)."""
    try:
        view = await staff_view_payload(
            deps, team_id=team_id, user_id=user_id, session_id=session_id, page=page
        )
    except REFUSALS as exc:
        await show(client, body, say.STAFF_TITLE, refusal(exc))
        return
    await present(client, body, view, update=update)


async def tell_coach_of_reply(
    client: AsyncWebClient, *, coach_id: str, staff_id: str, session_id: str, reply: str
) -> None:
    """DM the coach the staff member's reply, with Open to go back to the session."""
    head = mrkdwn(say.reply_to_coach(person(staff_id)))
    blocks = section_blocks(f":leftwards_arrow_with_hook: {head}\n{slack_blocks.quote(reply)}")
    blocks = blocks[:48]
    blocks.append(
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": say.OPEN},
                    "action_id": ids.ACTION_COACH_OPEN,
                    "value": session_id,
                }
            ],
        }
    )
    await _dm(client, coach_id, [Message(text=head, blocks=blocks)])
