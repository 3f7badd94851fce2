"""A Teams outbox that can also reach other people and draw the coach screens.

:class:`ReachingOutbox` is the :class:`~bot.teams.outbox.TeamsOutbox` of one
activity plus two things the coach work needs: :meth:`direct` finds anyone's
1:1 chat with the app from the stored references (a coach told of a session
sent to them, a staff member getting feedback), and :meth:`send` draws the
coach views (:mod:`bot.teams.coach_cards`) with the people's Teams names.
"""

from __future__ import annotations

import base64
import logging
from typing import TYPE_CHECKING

import httpx
from microsoft_teams.api.activities.message.message import MessageActivityInput
from microsoft_teams.api.models.attachment.attachment import Attachment

from bot.presenters.views import View
from bot.services.chat_refs import ChatReferences
from bot.services.ports import ConversationRef, MessageRef
from bot.teams.cards import TeamsMessage
from bot.teams.coach_cards import coach_view_types, message_bytes, people_in, render_coach
from bot.teams.outbox import TeamsOutbox

if TYPE_CHECKING:
    from microsoft_teams.apps import App

__all__ = ["CardTooBig", "ReachingOutbox"]

log = logging.getLogger(__name__)

TOO_LARGE = 413
"""The connector's answer to a message over Teams' size limit (``RequestEntityTooLarge``,
error code ``MessageSizeTooBig``; see :data:`bot.teams.coach_cards.CARD_BUDGET_BYTES`)."""


class CardTooBig(Exception):
    """Teams refused a coach card as too large (HTTP 413); nothing was posted."""


UNKNOWN_PERSON = "a staff member"
"""How a card names someone who never wrote to the app (no Teams name stored)."""


class ReachingOutbox(TeamsOutbox):
    """The outbound port of one activity, able to reach other people's 1:1 chats.

    Args:
        app: the started Teams SDK app.
        origin: the reference of the activity being answered.
        refs: the stored conversation references.
        streaming: stream caregiver replies (see :class:`TeamsOutbox`).
    """

    def __init__(
        self, app: App, origin: ConversationRef, refs: ChatReferences, *, streaming: bool = True
    ) -> None:
        super().__init__(app, origin, streaming=streaming)
        self.refs = refs

    async def direct(self, workspace_id: str, user_id: str) -> ConversationRef:
        """``user_id``'s 1:1 chat with the app in ``workspace_id``.

        Raises:
            LookupError: they never wrote to the app (Teams cannot open a chat
                from a user id alone), or another workspace.
        """
        if workspace_id == self.origin.workspace_id and user_id == self.origin.user_id:
            return await super().direct(workspace_id, user_id)
        found = await self.refs.chat_of(workspace_id, "teams", user_id)
        if found is None:
            raise LookupError("that person has not opened a chat with the app yet")
        return found

    async def send(self, to: ConversationRef, view: View) -> MessageRef | None:
        """Post ``view``; coach views are drawn here, the rest as :class:`TeamsOutbox` does.

        Raises:
            CardTooBig: the connector answered 413 to a coach card (logged here with its
                size; the caller tells the person, the data behind it is all stored).
        """
        if not isinstance(view, coach_view_types()):
            return await super().send(to, view)
        names = await self.refs.names(to.workspace_id, "teams", people_in(view))
        first: MessageRef | None = None
        for message in render_coach(view, lambda uid: names.get(uid, UNKNOWN_PERSON)):
            try:
                posted = await self._post(to, message)
            except httpx.HTTPStatusError as exc:
                if exc.response.status_code != TOO_LARGE:
                    raise
                size = message_bytes(message)
                log.error(
                    "Teams refused a %s card as too large (%d bytes as UTF-16): %s",
                    type(view).__name__,
                    size,
                    exc.response.text[:200],
                )
                raise CardTooBig(f"{type(view).__name__} card of {size} bytes refused") from exc
            first = first or posted
        return first

    async def send_card(self, to: ConversationRef, message: TeamsMessage) -> MessageRef:
        """Post one Teams card that no shared view describes (the people picker)."""
        return await self._post(to, message)

    async def send_image(self, to: ConversationRef, text: str, png: bytes, name: str) -> str:
        """Post ``text`` with a PNG shown inline (a base64 ``data:`` URL, which Teams shows
        in bot messages up to 1 MB).

        Returns:
            The posted activity's id.
        """
        activity = MessageActivityInput(text=text)
        activity.add_attachments(
            Attachment(
                content_type="image/png",
                content_url="data:image/png;base64," + base64.b64encode(png).decode("ascii"),
                name=name,
            )
        )
        sent = await self.app.send(to.conversation_id, activity, service_url=to.service_url)
        return str(sent.id)
