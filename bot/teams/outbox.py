"""The Teams outbox: neutral views posted through the Teams SDK (``app.send``).

:class:`TeamsOutbox` implements :class:`bot.services.ports.Outbox` for one
incoming activity: every view is rendered by :func:`bot.teams.cards.render`
and posted to ``{serviceUrl}/v3/conversations/{id}/activities`` (an update is
a ``PUT`` of the same path with the activity id). The caregiver's reply is
posted whole when it is finished (:class:`TeamsReplyStream`); while it is
written the chat shows Teams' typing indicator.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from microsoft_teams.api.activities.message.message import MessageActivityInput
from microsoft_teams.api.activities.typing import TypingActivityInput
from microsoft_teams.api.models.attachment.attachment import Attachment

from bot.presenters.views import CaregiverReply, View
from bot.services.ports import ConversationRef, MessageRef
from bot.teams.cards import CARD_CONTENT_TYPE, TeamsMessage, render

if TYPE_CHECKING:
    from microsoft_teams.apps import App

__all__ = ["TeamsOutbox", "TeamsReplyStream", "activity_of"]

log = logging.getLogger(__name__)


def activity_of(message: TeamsMessage, *, activity_id: str | None = None) -> MessageActivityInput:
    """The SDK's message activity for one rendered message (``activity_id``: an update)."""
    activity = MessageActivityInput(text=message.text or None, id=activity_id)
    if message.card is not None:
        activity.add_attachments(Attachment(content_type=CARD_CONTENT_TYPE, content=message.card))
    return activity


class TeamsOutbox:
    """The outbound port for one activity's conversation.

    Args:
        app: the started (initialized) Teams SDK app.
        origin: the reference of the activity being answered; :meth:`direct`
            returns it for its own user (the app's 1:1 chat with them).
    """

    def __init__(self, app: App, origin: ConversationRef) -> None:
        self.app = app
        self.origin = origin

    async def _post(self, to: ConversationRef, message: TeamsMessage) -> MessageRef:
        sent = await self.app.send(
            to.conversation_id, activity_of(message), service_url=to.service_url
        )
        return MessageRef(conversation=to.in_thread(None), message_id=sent.id)

    async def send(self, to: ConversationRef, view: View) -> MessageRef | None:
        """Post ``view`` in ``to``'s chat; returns the first message posted."""
        first: MessageRef | None = None
        for message in render(view):
            posted = await self._post(to, message)
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
        """A reply posted whole when finished (the typing indicator shows meanwhile)."""
        return TeamsReplyStream(self, to)


class TeamsReplyStream:
    """A caregiver reply, posted as one message once its authoritative text is known."""

    def __init__(self, outbox: TeamsOutbox, to: ConversationRef) -> None:
        self._outbox = outbox
        self._to = to

    async def delta(self, text: str) -> None:
        """Ignored: the reply is posted whole."""

    async def reset(self) -> None:
        """Nothing was shown, so nothing to forget."""

    async def finish(self, reply: str) -> MessageRef | None:
        """Post the reply; returns the message."""
        return await self._outbox.send(self._to, CaregiverReply(reply))

    async def abandon(self) -> None:
        """Nothing was shown, so nothing to remove."""
