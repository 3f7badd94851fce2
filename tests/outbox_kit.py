"""A recording outbox for the platform-neutral service tests: no Slack, no Teams.

:class:`FakeOutbox` implements :class:`bot.services.ports.Outbox`; every view sent is
kept with where it went, and message ids are counters (``m1``, ``m2`` …). ``direct``
answers with the conversation ``dm-<user id>``.
"""

from __future__ import annotations

from typing import Any

from bot.presenters.views import CaregiverReply, View
from bot.services.ports import ConversationRef, MessageRef

__all__ = ["FakeOutbox", "FakeStream"]


class FakeStream:
    """A reply stream that writes into the outbox's log."""

    def __init__(self, outbox: FakeOutbox, to: ConversationRef) -> None:
        self.outbox, self.to, self.parts = outbox, to, []  # type: ignore[var-annotated]

    async def delta(self, text: str) -> None:
        self.parts.append(text)

    async def reset(self) -> None:
        self.parts.clear()

    async def finish(self, reply: str) -> MessageRef | None:
        return await self.outbox.send(self.to, CaregiverReply(reply))

    async def abandon(self) -> None:
        self.parts.clear()


class FakeOutbox:
    """Records what the services send; ids are counters."""

    def __init__(self) -> None:
        self.sent: list[tuple[ConversationRef, View]] = []
        self.private: list[tuple[ConversationRef, View]] = []
        self.updated: list[tuple[MessageRef, View]] = []
        self.status: list[str | None] = []
        self._n = 0

    async def send(self, to: ConversationRef, view: View) -> MessageRef | None:
        self._n += 1
        self.sent.append((to, view))
        return MessageRef(conversation=to, message_id=f"m{self._n}")

    async def send_private(self, to: ConversationRef, view: View) -> None:
        self.private.append((to, view))

    async def update(self, message: MessageRef, view: View) -> None:
        self.updated.append((message, view))

    async def direct(self, workspace_id: str, user_id: str) -> ConversationRef:
        return ConversationRef(
            platform="cli",
            workspace_id=workspace_id,
            conversation_id=f"dm-{user_id}",
            user_id=user_id,
        )

    async def set_status(self, to: ConversationRef, text: str | None) -> None:
        self.status.append(text)

    async def reply_stream(self, to: ConversationRef) -> FakeStream:
        return FakeStream(self, to)

    def views(self, kind: type[View]) -> list[Any]:
        return [v for _, v in self.sent if isinstance(v, kind)]
