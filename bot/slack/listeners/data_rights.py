"""Data rights in Slack: ``/practice delete-my-data`` and the debrief's *Download transcript*.

``/practice delete-my-data`` answers privately with a confirmation (a danger *Delete my
data* button behind Slack's confirm dialog, and *Cancel*). *Delete* deletes the data of
the user who clicked, in the workspace of the payload: the button's value is never
read, so a crafted action can only delete the crafter's own data. The confirmation is
then replaced with what was deleted, in plain words.

*Download transcript* exports the session named in the button's value as Markdown,
for its owner only (the service checks), and uploads it into the owner's DM with
``files_upload_v2``.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.presenters import data_rights as say
from bot.presenters import practice as practice_words
from bot.presenters.views import Notice
from bot.services.ports import ConversationRef
from bot.services.session_results import NotYourSession, SessionNotFound
from bot.slack import data_blocks, ids
from bot.slack.deps import SlackDeps, deps_of, team_of
from bot.slack.outbox import SLACK_ERRORS, SlackOutbox, why
from bot.slack.text import Message
from bot.store import StoreUnavailable

__all__ = ["confirm_delete", "register"]

log = logging.getLogger(__name__)


def register(app: AsyncApp) -> None:
    """Register the data-rights action listeners.

    Args:
        app: the Bolt app.
    """
    app.action(ids.ACTION_DELETE_MY_DATA)(on_delete_my_data)
    app.action(ids.ACTION_DELETE_MY_DATA_CANCEL)(on_cancel)
    app.action(ids.ACTION_DOWNLOAD_TRANSCRIPT)(on_download_transcript)


def confirm_delete() -> dict[str, Any]:
    """The ``ack`` arguments of ``/practice delete-my-data``: the private confirmation."""
    return {"response_type": "ephemeral", **data_blocks.delete_confirmation().kwargs()}


async def _answer(respond: AsyncRespond | None, message: Message) -> None:
    """Replace the confirmation with ``message`` (through the payload's response URL)."""
    if respond is None or not getattr(respond, "response_url", None):
        return
    try:
        await respond(response_type="ephemeral", replace_original=True, **message.kwargs())
    except SLACK_ERRORS as exc:
        log.warning("could not answer delete-my-data: %s", why(exc))


async def on_delete_my_data(
    ack: AsyncAck, body: dict[str, Any], context: Any, respond: AsyncRespond
) -> None:
    """*Delete my data* (after Slack's confirm dialog): delete the clicking user's data.

    Args:
        ack: Bolt's acknowledgement.
        body: the ``block_actions`` payload (its ``user.id`` and team decide whose data).
        context: Bolt's context.
        respond: posts to the payload's ``response_url``.
    """
    await ack()
    deps = deps_of(context)
    team_id = team_of(body, context)
    user_id = str(body["user"]["id"])

    async def work() -> None:
        if deps.data_rights is None:
            await _answer(respond, data_blocks.delete_result(say.DELETE_FAILED))
            return
        try:
            report = await deps.data_rights.delete_user_data(team_id, user_id)
        except StoreUnavailable as exc:
            log.error("delete-my-data not done: %s", exc)
            await _answer(respond, data_blocks.delete_result(say.DELETE_FAILED))
            return
        await _answer(respond, data_blocks.delete_result(say.deleted_summary(report.deleted)))

    deps.tasks.spawn(work(), name="delete_my_data")


async def on_cancel(ack: AsyncAck, context: Any, respond: AsyncRespond) -> None:
    """*Cancel*: nothing is deleted; the confirmation says so.

    Args:
        ack: Bolt's acknowledgement.
        context: Bolt's context.
        respond: posts to the payload's ``response_url``.
    """
    await ack()
    deps_of(context).tasks.spawn(
        _answer(respond, data_blocks.delete_result(say.DELETE_CANCELED)), name="delete_cancel"
    )


def _ref(body: dict[str, Any], context: Any) -> ConversationRef:
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    message = body.get("message") or {}
    return ConversationRef(
        platform="slack",
        workspace_id=team_of(body, context),
        conversation_id=channel or "",
        user_id=str(body["user"]["id"]),
        thread_id=message.get("thread_ts") or message.get("ts"),
    )


async def send_transcript(
    deps: SlackDeps, client: AsyncWebClient, ref: ConversationRef, session_id: str
) -> None:
    """Export ``session_id`` for ``ref.user_id`` and upload it into their DM.

    Refusals (someone else's session, no such session) and failures are told privately.
    """
    outbox = SlackOutbox(client, buffer_size=deps.stream_buffer)
    if deps.data_rights is None:
        await outbox.send_private(ref, Notice(say.DOWNLOAD_FAILED))
        return
    try:
        made = await deps.data_rights.export_session(
            ref.workspace_id, ref.user_id, session_id, "md"
        )
    except NotYourSession:
        log.warning(
            "refused %s by %s: someone else's session", ids.ACTION_DOWNLOAD_TRANSCRIPT, ref.user_id
        )
        await outbox.send_private(ref, Notice(practice_words.NOT_YOURS))
        return
    except SessionNotFound:
        await outbox.send_private(ref, Notice(practice_words.NOT_FOUND))
        return
    except StoreUnavailable as exc:
        log.error("transcript not exported: %s", exc)
        await outbox.send_private(ref, Notice(say.DOWNLOAD_FAILED))
        return
    try:
        dm = await outbox.direct(ref.workspace_id, ref.user_id)
        await client.files_upload_v2(
            channel=dm.conversation_id,
            content=made.content,
            filename=made.filename,
            title=made.filename,
            initial_comment=say.DOWNLOAD_COMMENT,
        )
    except SLACK_ERRORS as exc:
        log.warning("could not upload the transcript: %s", why(exc))
        await outbox.send_private(ref, Notice(say.DOWNLOAD_FAILED))


async def on_download_transcript(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """*Download transcript* on the debrief: the Markdown file in the owner's DM.

    Args:
        ack: Bolt's acknowledgement.
        body: the ``block_actions`` payload.
        action: the button (value: session id).
        context: Bolt's context.
        client: the Web API client.
    """
    await ack()
    deps = deps_of(context)
    session_id = str(action.get("value") or "")[:64]
    deps.tasks.spawn(
        send_transcript(deps, client, _ref(body, context), session_id), name="download_transcript"
    )
