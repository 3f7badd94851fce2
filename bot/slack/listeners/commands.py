"""Slash commands: ``/practice [persona]``, ``/review-questions [questions]``, ``/log-interview``.

``/practice delete-my-data`` answers with the private delete confirmation instead
(:mod:`bot.slack.listeners.data_rights`).

All acknowledge at once. ``/practice`` answers with the persona picker (in
the acknowledgement itself, privately) or starts the session in the user's DM
with the app. ``/review-questions`` opens the modal (its trigger expires in
three seconds, so ``views.open`` comes right after the ack) or, when
questions follow the command, reviews them and answers privately.
``/log-interview`` opens the modal that logs a real interview, its time set
to now on the user's own clock.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.presenters import practice as say
from bot.presenters.views import Notice, PersonaPicker
from bot.services.commands import parse_practice_subcommand
from bot.services.ports import ConversationRef
from bot.slack import blocks, flows, ids
from bot.slack.deps import SlackDeps, deps_of, team_of
from bot.slack.listeners.data_rights import confirm_delete
from bot.slack.outbox import SLACK_ERRORS, SlackOutbox, render, why
from bot.slack.text import escape, from_slack

__all__ = ["register", "reply_privately"]

log = logging.getLogger(__name__)


def register(app: AsyncApp) -> None:
    """Register the slash-command listeners.

    Args:
        app: the Bolt app.
    """
    app.command(ids.COMMAND_PRACTICE)(on_practice)
    app.command(ids.COMMAND_REVIEW)(on_review_questions)
    app.command(ids.COMMAND_LOG_INTERVIEW)(on_log_interview)


async def on_practice(
    ack: AsyncAck, command: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """``/practice [persona]``: the picker, or a session started in the DM
    (``/practice delete-my-data``: the private delete confirmation).

    Args:
        ack: Bolt's acknowledgement (its body is shown privately to the user).
        command: the slash-command payload.
        context: Bolt's context.
        client: the Web API client.
    """
    deps = deps_of(context)
    who = from_slack(command.get("text") or "").strip()
    if parse_practice_subcommand(who) == "delete_my_data":
        await ack(**confirm_delete())
        return
    choice = deps.chat.picker(who)
    if isinstance(choice, PersonaPicker):
        await ack(response_type="ephemeral", **render(choice)[0].kwargs())
        return
    await ack(response_type="ephemeral", text=escape(say.starting(choice)))
    ref = ConversationRef(
        platform="slack", workspace_id=team_of(command, context), user_id=str(command["user_id"])
    )
    outbox = SlackOutbox(client, buffer_size=deps.stream_buffer)
    deps.tasks.spawn(deps.chat.start(outbox, ref, choice), name="practice_command")


async def on_review_questions(
    ack: AsyncAck,
    command: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    """``/review-questions``: open the modal, or review the questions typed after it.

    Args:
        ack: Bolt's acknowledgement.
        command: the slash-command payload.
        context: Bolt's context.
        client: the Web API client.
        respond: posts to the command's ``response_url``.
    """
    deps = deps_of(context)
    await ack()
    typed = from_slack(command.get("text") or "")
    user_id = str(command["user_id"])
    if typed.strip():
        deps.tasks.spawn(
            reply_privately(
                deps, client, respond, typed, channel=command.get("channel_id"), user_id=user_id
            ),
            name="review_command",
        )
        return
    meta = json.dumps({"user": user_id, "channel": command.get("channel_id")})
    await client.views_open(trigger_id=command["trigger_id"], view=blocks.review_modal(meta))


async def on_log_interview(
    ack: AsyncAck, command: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """``/log-interview``: open the log modal (the channel it was typed in is preselected).

    Args:
        ack: Bolt's acknowledgement (empty: the modal is the answer).
        command: the slash-command payload (its ``trigger_id`` opens the modal).
        context: Bolt's context.
        client: the Web API client.
    """
    await ack()
    await flows.open_log_interview(
        deps_of(context),
        client,
        team_id=team_of(command, context),
        user_id=str(command["user_id"]),
        trigger_id=str(command["trigger_id"]),
        channel=command.get("channel_id"),
    )


async def reply_privately(
    deps: SlackDeps,
    client: AsyncWebClient,
    respond: AsyncRespond | None,
    text: str,
    *,
    channel: str | None,
    user_id: str,
    title: str = "Question review",
) -> None:
    """Review a question list and show the result only to the user.

    Uses the payload's ``response_url`` when there is one, else ``chat.postEphemeral``.

    Args:
        deps: listener dependencies.
        client: the Web API client.
        respond: Bolt's ``respond`` for the payload's ``response_url``, or None.
        text: the questions, one per line (bullets and labels allowed).
        channel: the conversation (for the ephemeral fallback).
        user_id: who sees the result.
        title: the result's header.
    """
    view = await deps.chat.review_list(text, title=title)
    if not view.reviews:
        messages = render(Notice("That message has no text to review."))
    else:
        messages = render(view)
    use_url = respond is not None and bool(getattr(respond, "response_url", None))
    for message in messages:
        if use_url:
            assert respond is not None
            try:
                await respond(response_type="ephemeral", replace_original=False, **message.kwargs())
                continue
            except SLACK_ERRORS as exc:  # the response URL failed: say it another way
                log.warning("response_url failed (%s); answering with an ephemeral", why(exc))
                use_url = False
        if channel:
            try:
                await client.chat_postEphemeral(channel=channel, user=user_id, **message.kwargs())
            except SLACK_ERRORS as exc:
                log.warning("could not show the review result: %s", why(exc))
                return
