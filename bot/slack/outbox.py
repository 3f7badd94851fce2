"""Slack's :class:`~bot.services.ports.Outbox`: render neutral views as Block Kit and send them.

The services decide what to say (:mod:`bot.services.conversation`); this
module only turns each view of :mod:`bot.presenters.views` into Slack
messages (:func:`render`, with the builders of :mod:`bot.slack.blocks`) and
calls the Web API: ``chat.postMessage``, ``chat.postEphemeral``,
``chat.update``, ``conversations.open``, ``assistant.threads.setStatus`` and
the streaming calls.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_chat_stream import AsyncChatStream
from slack_sdk.web.async_client import AsyncWebClient

from bot.presenters.views import (
    CaregiverReply,
    CoachAlert,
    CoachNote,
    DebriefCard,
    IntroCard,
    Notice,
    PersonaPicker,
    QuestionReview,
    TurnNote,
    View,
)
from bot.services.ports import ConversationRef, MessageRef
from bot.slack import blocks, coach_messages
from bot.slack.text import Message, escape

__all__ = [
    "SLACK_ERRORS",
    "ReplyStreamer",
    "SlackOutbox",
    "dm_channel",
    "post_messages",
    "render",
    "why",
]

log = logging.getLogger(__name__)

SLACK_ERRORS = (SlackApiError, SlackClientError, aiohttp.ClientError, TimeoutError)
"""What a Web API call raises when Slack refuses or cannot be reached."""

_ICONS = {"info": ":information_source:", "warning": ":warning:", "sent": ":incoming_envelope:"}


async def dm_channel(client: AsyncWebClient, user_id: str) -> str:
    """The id of the app's DM with ``user_id`` (``conversations.open``).

    Raises:
        SlackApiError / aiohttp errors: Slack refused or could not be reached.
    """
    resp = await client.conversations_open(users=user_id)
    return str(resp["channel"]["id"])


def why(exc: BaseException) -> str:
    """Slack's error code (``channel_not_found``) or the exception's type name, for logs."""
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error", "error"))
    return type(exc).__name__


async def post_messages(
    client: AsyncWebClient,
    channel: str,
    messages: Iterable[Message],
    *,
    thread_ts: str | None = None,
) -> str | None:
    """Post messages in order with ``chat.postMessage``.

    Args:
        client: the Web API client.
        channel: the conversation.
        messages: what to post.
        thread_ts: the thread to post in, or None for top level.

    Returns:
        The ``ts`` of the first message posted (None when there was nothing).
    """
    first: str | None = None
    for message in messages:
        kwargs: dict[str, Any] = {"channel": channel, **message.kwargs()}
        if thread_ts:
            kwargs["thread_ts"] = thread_ts
        resp = await client.chat_postMessage(**kwargs)
        if first is None:
            first = str(resp.get("ts") or "") or None
    return first


def render(view: View) -> list[Message]:
    """Render one view as Slack messages.

    Args:
        view: a view of :mod:`bot.presenters.views`.

    Returns:
        One or more messages (within Slack's limits).

    Raises:
        TypeError: a view this renderer does not know (a bug, never silent).
    """
    if isinstance(view, Notice):
        icon = _ICONS.get(view.icon or "", "")
        text = f"{icon} {escape(view.text)}" if icon else escape(view.text)
        return [Message(text=text)]
    if isinstance(view, PersonaPicker):
        return [blocks.persona_picker(view.personas, intro=view.intro)]
    if isinstance(view, IntroCard):
        return [blocks.intro_card(view.persona, view.session_id, ended=view.ended)]
    if isinstance(view, CaregiverReply):
        return blocks.caregiver_messages(view.text or "…")
    if isinstance(view, CoachNote):
        dispute = (
            f"{view.session_id}:{view.turn_index}" if view.session_id and view.turn_index else None
        )
        note = blocks.coach_note(
            view.review, view.persona, dispute=dispute, engine_note=view.engine_note
        )
        return [note] if note is not None else []
    if isinstance(view, TurnNote):
        return [blocks.turn_note(view.text)]
    if isinstance(view, DebriefCard):
        return blocks.debrief_messages(view.persona, view.debrief, view.session_id)
    if isinstance(view, QuestionReview):
        return blocks.review_messages(
            view.reviews, title=view.title, questions=view.questions, dropped=view.dropped
        )
    if isinstance(view, CoachAlert):
        return coach_messages.coach_alert(view)
    raise TypeError(f"no Slack rendering for {type(view).__name__}")


class SlackOutbox:
    """The outbox for one Slack workspace's Web API client.

    Args:
        client: the Web API client (holds the workspace's bot token).
        say_stream: Bolt's ``say_stream`` for the event being answered, if any.
        buffer_size: characters buffered before each ``chat.appendStream``.
    """

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        say_stream: Callable[..., Awaitable[AsyncChatStream]] | None = None,
        buffer_size: int = 128,
    ) -> None:
        self.client = client
        self._say_stream = say_stream
        self._buffer_size = buffer_size

    async def post(
        self, channel: str, messages: list[Message], *, thread_ts: str | None = None
    ) -> str | None:
        """Post messages in order (:func:`post_messages`); returns the first one's ``ts``."""
        return await post_messages(self.client, channel, messages, thread_ts=thread_ts)

    async def send(self, to: ConversationRef, view: View) -> MessageRef | None:
        """Post ``view`` in ``to`` (its thread when set)."""
        ts = await self.post(to.conversation_id, render(view), thread_ts=to.thread_id)
        return MessageRef(conversation=to, message_id=ts) if ts else None

    async def send_private(self, to: ConversationRef, view: View) -> None:
        """Show ``view`` to ``to.user_id`` only (``chat.postEphemeral``); failures are logged."""
        if not to.conversation_id:
            return
        for message in render(view):
            kwargs: dict[str, Any] = {
                "channel": to.conversation_id,
                "user": to.user_id,
                **message.kwargs(),
            }
            if to.thread_id:
                kwargs["thread_ts"] = to.thread_id
            try:
                await self.client.chat_postEphemeral(**kwargs)
            except SLACK_ERRORS as exc:
                log.warning("could not send an ephemeral notice: %s", why(exc))

    async def update(self, message: MessageRef, view: View) -> None:
        """Replace a message the app posted (``chat.update``; the first rendered message)."""
        rendered = render(view)
        if not rendered:
            return
        await self.client.chat_update(
            channel=message.conversation.conversation_id,
            ts=message.message_id,
            **rendered[0].kwargs(),
        )

    async def direct(self, workspace_id: str, user_id: str) -> ConversationRef:
        """The app's DM with ``user_id`` (``conversations.open``)."""
        return ConversationRef(
            platform="slack",
            workspace_id=workspace_id,
            conversation_id=await dm_channel(self.client, user_id),
            user_id=user_id,
        )

    async def set_status(self, to: ConversationRef, text: str | None) -> None:
        """``assistant.threads.setStatus`` in the thread; failures are only logged."""
        if not to.thread_id:
            return
        try:
            await self.client.assistant_threads_setStatus(
                channel_id=to.conversation_id, thread_ts=to.thread_id, status=text or ""
            )
        except SLACK_ERRORS as exc:
            log.debug("typing status not shown: %s", why(exc))

    async def reply_stream(self, to: ConversationRef) -> ReplyStreamer:
        """A :class:`ReplyStreamer` for one caregiver reply in ``to``."""
        return ReplyStreamer(
            self,
            channel=to.conversation_id,
            thread_ts=to.thread_id or "",
            team_id=to.workspace_id,
            user_id=to.user_id,
            buffer_size=self._buffer_size,
            say_stream=self._say_stream,
        )


class ReplyStreamer:
    """Streams one caregiver reply into a thread, or posts it once where streaming fails.

    Uses ``chat.startStream`` / ``chat.appendStream`` / ``chat.stopStream``
    (through Bolt's ``say_stream`` when the listener has one, else the
    client's ``chat_stream``). If any streaming call fails, the reply is
    posted as one ``chat.postMessage`` at :meth:`finish` instead (a partly
    streamed message is deleted first, so the reply appears once).
    """

    def __init__(
        self,
        outbox: SlackOutbox,
        *,
        channel: str,
        thread_ts: str,
        team_id: str | None,
        user_id: str,
        buffer_size: int = 128,
        say_stream: Callable[..., Awaitable[AsyncChatStream]] | None = None,
    ) -> None:
        self._outbox = outbox
        self._client = outbox.client
        self._channel = channel
        self._thread_ts = thread_ts
        self._team_id = team_id
        self._user_id = user_id
        self._buffer_size = max(1, buffer_size)
        self._say_stream = say_stream
        self._stream: AsyncChatStream | None = None
        self._broken = False
        self.mode: str = "stream"
        """``stream`` or ``message`` (set by :meth:`finish`)."""

    async def _open(self) -> AsyncChatStream:
        if self._stream is None:
            if self._say_stream is not None:
                self._stream = await self._say_stream(
                    buffer_size=self._buffer_size, channel=self._channel, thread_ts=self._thread_ts
                )
            else:
                self._stream = await self._client.chat_stream(
                    buffer_size=self._buffer_size,
                    channel=self._channel,
                    thread_ts=self._thread_ts,
                    recipient_team_id=self._team_id,
                    recipient_user_id=self._user_id,
                )
        return self._stream

    async def delta(self, text: str) -> None:
        """Append one delta of the reply (escaped) to the stream."""
        if self._broken or not text:
            return
        try:
            stream = await self._open()
            await stream.append(markdown_text=escape(text))
        except SLACK_ERRORS as exc:
            log.info("streaming unavailable (%s); the reply will be posted whole", why(exc))
            self._broken = True

    async def reset(self) -> None:
        """Forget what was streamed so far (the model failed mid-reply; the fallback follows)."""
        await self._discard()
        self._broken = False

    async def _discard(self) -> None:
        stream, self._stream = self._stream, None
        if stream is None or stream.ts is None:
            return  # nothing reached Slack yet
        with contextlib.suppress(*SLACK_ERRORS):
            await stream.stop()
        try:
            await self._client.chat_delete(channel=self._channel, ts=stream.ts)
        except SLACK_ERRORS as exc:
            log.warning("could not remove a partly streamed reply: %s", why(exc))

    async def finish(self, reply: str) -> MessageRef | None:
        """Complete the reply: stop the stream, or post the whole reply once."""
        if not self._broken and self._stream is not None:
            try:
                await self._stream.stop()
                return None
            except SLACK_ERRORS as exc:
                log.info("could not finish the stream (%s); posting the reply whole", why(exc))
                self._broken = True
        if self._broken:
            await self._discard()
        self.mode = "message"
        await self._outbox.post(
            self._channel, render(CaregiverReply(reply)), thread_ts=self._thread_ts
        )
        return None

    async def abandon(self) -> None:
        """Drop a stream whose turn failed (nothing of it must remain)."""
        await self._discard()
