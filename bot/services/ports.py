"""What the services need from a platform, and how they name a conversation on it.

Every use case takes a :class:`ConversationRef` (who said it, where) and talks
back through an :class:`Outbox` that the platform adapter implements (Slack's
is ``bot/slack/outbox.py``; Teams's is ``bot/teams/outbox.py``; tests use a fake one).
The services hand the outbox neutral view models from :mod:`bot.presenters`;
the adapter renders them (Block Kit, Adaptive Cards, terminal text).

Nothing here names a Slack or Teams API: a *conversation* is a DM, chat or
channel; a *thread* is a Slack thread or a Teams reply chain; a *message id*
is a Slack ``ts`` or a Teams activity id.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from bot.presenters.views import View

__all__ = [
    "MAX_ID_CHARS",
    "ConversationRef",
    "MessageRef",
    "Outbox",
    "PlatformName",
    "ReplyStream",
]

PlatformName = Literal["slack", "teams", "cli"]
"""The platforms a conversation can live on."""

MAX_ID_CHARS = 256
"""Longest id this application stores (Teams' ``29:…`` user ids run to about 100
characters; Slack's are 9-11). Longer ids are refused at the platform's door."""


class ConversationRef(BaseModel):
    """Where a message came from, and everything needed to answer there later.

    Attributes:
        platform: ``slack``, ``teams`` or ``cli``.
        workspace_id: the Slack team id or the Teams tenant id; every stored
            row belongs to one.
        conversation_id: the DM, chat or channel.
        user_id: the person who acted (staff, coach).
        thread_id: the thread (Slack ``thread_ts``, Teams reply chain), or
            None for the conversation's top level.
        service_url: Teams' per-conversation service URL (proactive messages
            need it); None on Slack.
        locale: the client's locale when the platform sends it.
        time_zone: the client's IANA time zone when the platform sends it
            (Teams does with each activity).
    """

    model_config = ConfigDict(frozen=True)

    platform: PlatformName
    workspace_id: str = Field(min_length=1, max_length=MAX_ID_CHARS)
    conversation_id: str = Field(default="", max_length=MAX_ID_CHARS)
    user_id: str = Field(min_length=1, max_length=MAX_ID_CHARS)
    thread_id: str | None = Field(default=None, max_length=MAX_ID_CHARS)
    service_url: str | None = Field(default=None, max_length=2048)
    locale: str | None = Field(default=None, max_length=32)
    time_zone: str | None = Field(default=None, max_length=64)

    def in_thread(self, thread_id: str | None) -> ConversationRef:
        """The same conversation, in ``thread_id`` (None: the top level)."""
        return self.model_copy(update={"thread_id": thread_id})

    def in_conversation(
        self, conversation_id: str, thread_id: str | None = None
    ) -> ConversationRef:
        """Another conversation of the same user and workspace (e.g. their DM)."""
        return self.model_copy(update={"conversation_id": conversation_id, "thread_id": thread_id})


class MessageRef(BaseModel):
    """A message the app posted, so it can be updated later.

    Attributes:
        conversation: where it was posted.
        message_id: the platform's id of the message (Slack ``ts``, Teams activity id).
    """

    model_config = ConfigDict(frozen=True)

    conversation: ConversationRef
    message_id: str


class ReplyStream(Protocol):
    """One caregiver reply appearing as it is written (or posted whole where it cannot)."""

    async def delta(self, text: str) -> None:
        """Append new reply text."""
        ...

    async def reset(self) -> None:
        """Forget what was shown so far (the model failed mid-reply; a fallback follows)."""
        ...

    async def finish(self, reply: str) -> MessageRef | None:
        """Complete the reply with its authoritative full text; returns the message."""
        ...

    async def abandon(self) -> None:
        """Remove whatever was shown (the turn failed)."""
        ...


class Outbox(Protocol):
    """What a platform adapter does for the services (the outbound port)."""

    async def send(self, to: ConversationRef, view: View) -> MessageRef | None:
        """Post ``view`` in ``to`` (its thread when set); returns the message posted first."""
        ...

    async def send_private(self, to: ConversationRef, view: View) -> None:
        """Show ``view`` to ``to.user_id`` only, in ``to`` (Slack: ephemeral)."""
        ...

    async def update(self, message: MessageRef, view: View) -> None:
        """Replace a message the app posted."""
        ...

    async def direct(self, workspace_id: str, user_id: str) -> ConversationRef:
        """The app's 1:1 conversation with a user (opened or looked up)."""
        ...

    async def set_status(self, to: ConversationRef, text: str | None) -> None:
        """Show (``text``) or clear (None) a "typing…" status in ``to``; best effort."""
        ...

    async def reply_stream(self, to: ConversationRef) -> ReplyStream:
        """Start a caregiver reply in ``to``."""
        ...


DeltaCallback = Callable[[str], Awaitable[None]]
"""Receives each new piece of a reply as it is generated."""
