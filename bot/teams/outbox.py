"""The Teams outbox: neutral views posted through the Teams SDK (``app.send``).

:class:`TeamsOutbox` implements :class:`bot.services.ports.Outbox` for one
incoming activity: every view is rendered by :func:`bot.teams.cards.render`
and posted to ``{serviceUrl}/v3/conversations/{id}/activities`` (an update is
a ``PUT`` of the same path with the activity id). The caregiver's reply is
streamed into the chat as it is written (:class:`TeamsReplyStream`), after
Teams' typing indicator.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import httpx
from microsoft_teams.api.activities import ActivityParams, SentActivity
from microsoft_teams.api.activities.message.message import MessageActivityInput
from microsoft_teams.api.activities.typing import TypingActivityInput
from microsoft_teams.api.models.account import Account, ConversationAccount
from microsoft_teams.api.models.attachment.attachment import Attachment

from bot.presenters.practice import TEAMS_CARD_TOO_BIG
from bot.presenters.views import CaregiverReply, Notice, View
from bot.services.ports import ConversationRef, MessageRef
from bot.teams.cards import CARD_CONTENT_TYPE, TeamsMessage, render

if TYPE_CHECKING:
    from microsoft_teams.apps import App

__all__ = [
    "InvokeAnswer",
    "TeamsOutbox",
    "TeamsReplyStream",
    "activity_of",
    "answering_invoke",
    "is_error",
    "post_message",
    "replacing",
]

log = logging.getLogger(__name__)

TOO_LARGE = 413
"""The connector's status for a message over Teams' size limit (``MessageSizeTooBig``)."""

STREAM_INTERVAL = 1.0
"""Seconds between stream updates (Teams accepts about one per second)."""
STREAM_LIMIT = 110.0
"""Seconds after which no stream update is sent (Teams ends a stream at two minutes)."""


def activity_of(message: TeamsMessage, *, activity_id: str | None = None) -> MessageActivityInput:
    """The SDK's message activity for one rendered message (``activity_id``: an update)."""
    activity = MessageActivityInput(text=message.text or None, id=activity_id)
    if message.card is not None:
        activity.add_attachments(Attachment(content_type=CARD_CONTENT_TYPE, content=message.card))
    return activity


class _Pressed:
    """The card being answered: ``activity_id`` in ``conversation_id``, until replaced once."""

    def __init__(self, conversation_id: str, activity_id: str) -> None:
        self.conversation_id = conversation_id
        self.activity_id: str | None = activity_id

    def take(self, conversation_id: str) -> str | None:
        """The pressed card's activity id for the first message to its chat, else None."""
        if conversation_id != self.conversation_id or self.activity_id is None:
            return None
        taken, self.activity_id = self.activity_id, None
        return taken


_PRESSED: ContextVar[_Pressed | None] = ContextVar("teams_pressed_card", default=None)


class InvokeAnswer:
    """What a Universal Action (an ``adaptiveCard/action`` invoke) answers with.

    Attributes:
        pressed: the activity id of the card the invoke was pressed on, or None.
        card: the card that replaces it (the first card the press's handler posts in
            its place), or None: the press produced no card for it.
    """

    def __init__(self, pressed: str | None) -> None:
        self.pressed = pressed
        self.card: dict[str, Any] | None = None


_INVOKE: ContextVar[InvokeAnswer | None] = ContextVar("teams_invoke_answer", default=None)


@contextmanager
def answering_invoke(pressed: str | None) -> Iterator[InvokeAnswer]:
    """While handling one ``adaptiveCard/action`` invoke on card ``pressed`` (the invoke's
    ``replyToId``), the card that would replace that card is kept in the yielded
    :class:`InvokeAnswer` instead of being sent as an update: Teams shows the invoke
    response's card in place of the pressed one (Microsoft's Universal Actions: the
    ``application/vnd.microsoft.card.adaptive`` response). A result without a card is
    still sent as an update."""
    answer = InvokeAnswer(pressed)
    token = _INVOKE.set(answer)
    try:
        yield answer
    finally:
        _INVOKE.reset(token)


@contextmanager
def replacing(conversation_id: str, activity_id: str | None) -> Iterator[None]:
    """While handling one card press, the first message posted to its chat replaces the
    pressed card (``activity_id``, the press's ``replyToId``) instead of adding a message,
    as Slack's ``respond(replace_original=True)`` does. None: nothing is replaced."""
    token = _PRESSED.set(_Pressed(conversation_id, activity_id) if activity_id else None)
    try:
        yield
    finally:
        _PRESSED.reset(token)


def is_error(view: View) -> bool:
    """True for a :class:`Notice` that says something went wrong (icon ``warning``).

    Such a notice never replaces the pressed card (issue 12): the person must still see
    the card to fix their mistake, as the review and log forms keep theirs.
    """
    return isinstance(view, Notice) and view.icon == "warning"


async def post_message(
    app: App, to: ConversationRef, message: TeamsMessage, *, keep_pressed: bool = False
) -> str:
    """Post ``message`` in ``to``'s chat, or put it in place of the card being pressed.

    The first message to the pressed card's chat (see :func:`replacing`) is sent as an
    update of that activity (``PUT /v3/conversations/{conv}/activities/{replyToId}``);
    when the connector refuses the update (a 404 for a deleted card, a 403, a network
    error), the message is posted anew instead, so the result is never lost. While an
    invoke is answered (:func:`answering_invoke`), a card that replaces the invoke's own
    card goes into the invoke response instead of an update (another card, e.g. the
    post a form belongs to, is still updated).

    ``keep_pressed``: post anew and leave the pressed card (and its one replacement)
    as they are, e.g. for an error (:func:`is_error`).

    Returns:
        The id of the activity that now shows ``message``.
    """
    pressed = None if keep_pressed else _PRESSED.get()
    replace_id = pressed.take(to.conversation_id) if pressed is not None else None
    answer = _INVOKE.get()
    if (
        replace_id is not None
        and answer is not None
        and answer.pressed == replace_id
        and message.card is not None
    ):
        answer.card = message.card
        return replace_id
    if replace_id is not None:
        try:
            await app.send(
                to.conversation_id,
                activity_of(message, activity_id=replace_id),
                service_url=to.service_url,
            )
            return replace_id
        except Exception as exc:  # the SDK raises its HTTP client's errors; post instead
            log.info("pressed card not updated (%s); posting the result", type(exc).__name__)
    sent = await app.send(to.conversation_id, activity_of(message), service_url=to.service_url)
    return str(sent.id)


class TeamsOutbox:
    """The outbound port for one activity's conversation.

    Args:
        app: the started (initialized) Teams SDK app.
        origin: the reference of the activity being answered; :meth:`direct`
            returns it for its own user (the app's 1:1 chat with them).
        streaming: stream caregiver replies (1:1 chats); False posts them whole.
    """

    def __init__(self, app: App, origin: ConversationRef, *, streaming: bool = True) -> None:
        self.app = app
        self.origin = origin
        self.streaming = streaming

    async def _post(
        self, to: ConversationRef, message: TeamsMessage, *, keep_pressed: bool = False
    ) -> MessageRef:
        sent_id = await post_message(self.app, to, message, keep_pressed=keep_pressed)
        return MessageRef(conversation=to.in_thread(None), message_id=sent_id)

    async def send(self, to: ConversationRef, view: View) -> MessageRef | None:
        """Post ``view`` in ``to``'s chat; returns the first message posted.

        An error notice (:func:`is_error`) is posted anew: the pressed card stays. When
        the connector answers 413 (too large) to a message, the person is told plainly
        (:data:`~bot.presenters.practice.TEAMS_CARD_TOO_BIG`) and the rest is not sent.
        """
        first: MessageRef | None = None
        keep = is_error(view)
        for message in render(view):
            try:
                posted = await self._post(to, message, keep_pressed=keep)
            except httpx.HTTPStatusError as exc:
                if exc.response.status_code != TOO_LARGE or keep:
                    raise
                log.error("Teams refused a %s card as too large (413)", type(view).__name__)
                await self._post(to, TeamsMessage(text=TEAMS_CARD_TOO_BIG), keep_pressed=True)
                return first
            first = first or posted
        return first

    async def send_private(self, to: ConversationRef, view: View) -> None:
        """Post ``view``: a 1:1 chat is already private to its user."""
        await self.send(to, view)

    async def update(self, message: MessageRef, view: View) -> None:
        """Replace a posted message with the first rendering of ``view``."""
        rendered = render(view)
        if not rendered:
            return
        to = message.conversation
        await self.app.send(
            to.conversation_id,
            activity_of(rendered[0], activity_id=message.message_id),
            service_url=to.service_url,
        )

    async def direct(self, workspace_id: str, user_id: str) -> ConversationRef:
        """The app's 1:1 chat with ``user_id``: the chat being answered.

        Raises:
            LookupError: another user, or a chat that is not 1:1 (opening a new
                chat proactively needs the stored conversation references of a
                later slice).
        """
        if workspace_id == self.origin.workspace_id and user_id == self.origin.user_id:
            return self.origin.in_thread(None)
        raise LookupError("no 1:1 chat with that user is known")

    async def set_status(self, to: ConversationRef, text: str | None) -> None:
        """Show Teams' typing indicator (``text`` set); best effort, clearing is implicit."""
        if text is None:
            return
        try:
            await self.app.send(
                to.conversation_id, TypingActivityInput(), service_url=to.service_url
            )
        except Exception as exc:  # a status is never worth failing a turn
            log.info("typing indicator not shown: %s", type(exc).__name__)

    async def reply_stream(self, to: ConversationRef) -> TeamsReplyStream:
        """A reply streamed as it is written (Teams streams in 1:1 chats, the only
        conversations this adapter answers in)."""
        return TeamsReplyStream(self, to, streaming=self.streaming)

    async def create(self, to: ConversationRef, activity: ActivityParams) -> SentActivity:
        """POST ``activity`` as the bot in ``to`` (stream updates are never updates in place).

        Returns:
            What the connector answered (the new activity's id).
        """
        activity.from_ = Account(id=self.app.id or "")
        activity.conversation = ConversationAccount(id=to.conversation_id)
        return await self.app.api.conversations.create_activity(
            to.conversation_id, activity, service_url=to.service_url
        )


class TeamsReplyStream:
    """A caregiver reply streamed into a 1:1 chat as it is written.

    The first delta opens a Teams stream (a ``typing`` activity with a
    ``streaminfo`` entity; its id is the stream's); later deltas update it at most
    once per :data:`STREAM_INTERVAL` seconds with the text so far; :meth:`finish`
    closes it with the authoritative text as the final ``message``. Teams ends a
    stream after two minutes, so no update is sent after :data:`STREAM_LIMIT`
    seconds (the final message still is). Where streaming is off, or the first
    update fails, the reply is posted whole.
    """

    def __init__(
        self,
        outbox: TeamsOutbox,
        to: ConversationRef,
        *,
        streaming: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._outbox = outbox
        self._to = to
        self._streaming = streaming
        self._clock = clock
        self._text = ""
        self._stream_id: str | None = None
        self._sequence = 0
        self._started = 0.0
        self._last = 0.0

    async def delta(self, text: str) -> None:
        """Add ``text``; send an update when the last one is old enough."""
        self._text += text
        if not self._streaming or not self._text.strip():
            return
        now = self._clock()
        if self._stream_id is not None and (
            now - self._last < STREAM_INTERVAL or now - self._started > STREAM_LIMIT
        ):
            return
        self._sequence += 1
        update = TypingActivityInput(text=self._text, id=self._stream_id).add_stream_update(
            self._sequence
        )
        try:
            sent = await self._outbox.create(self._to, update)
        except Exception as exc:  # streaming is a nicety: fall back to one whole message
            log.info("stream update not sent: %s", type(exc).__name__)
            if self._stream_id is None:
                self._streaming = False
            return
        if self._stream_id is None:
            self._stream_id = sent.id
            self._started = now
        self._last = now

    async def reset(self) -> None:
        """Start the text over (the next update replaces what was shown)."""
        self._text = ""

    async def finish(self, reply: str) -> MessageRef | None:
        """Close the stream with ``reply`` (or post it whole); returns the message.

        Raises:
            Exception: what the SDK raises when the connector refuses the final message
                (a 500, no connection). The half-shown stream is removed first (best
                effort), so the durable redo's reply (:mod:`bot.services.recovery`) is the
                only one the person sees.
        """
        if self._stream_id is None:
            return await self._outbox.send(self._to, CaregiverReply(reply))
        final = MessageActivityInput(text=reply, id=self._stream_id).add_stream_final()
        try:
            await self._outbox.create(self._to, final)
        except Exception:
            await self.abandon()
            raise
        return MessageRef(conversation=self._to.in_thread(None), message_id=self._stream_id)

    async def abandon(self) -> None:
        """Remove a stream already shown (the turn failed; a notice follows)."""
        if self._stream_id is None:
            return
        try:
            await self._outbox.app.api.conversations.delete_activity(
                self._to.conversation_id, self._stream_id, service_url=self._to.service_url
            )
        except Exception as exc:
            log.info("abandoned stream not removed: %s", type(exc).__name__)
