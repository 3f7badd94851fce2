"""Where the app can reach someone later: a person's 1:1 chat, a team's channels.

Teams cannot open a chat from a user id alone; the app keeps the conversation
reference of every 1:1 chat a person has with it (refreshed on each message) and
of every team channel it is added to. Coaches are told of a session sent to them,
staff get a coach's feedback, and the weekly team gathering is posted in a
channel, from these rows. Every lookup is inside one workspace (tenant).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict

from bot.services.ports import ConversationRef, PlatformName
from bot.store import Store

__all__ = ["ChannelRef", "ChatReferences"]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class ChannelRef(BaseModel):
    """A team channel the app was added to.

    Attributes:
        workspace_id: the tenant. conversation_id: the channel's conversation id.
        service_url: the connector to post through (Teams). team_id / name: the team's.
    """

    model_config = ConfigDict(frozen=True, from_attributes=True)

    workspace_id: str
    conversation_id: str
    service_url: str | None = None
    team_id: str | None = None
    name: str | None = None


class ChatReferences:
    """Stored conversation references over the store.

    Args:
        store: the database.
        clock: the current UTC time (tests inject one).
    """

    def __init__(self, store: Store, clock: Callable[[], datetime] = _utcnow) -> None:
        self._store = store
        self._clock = clock
        self._seen: dict[tuple[str, str, str], tuple[str, str | None, str | None]] = {}

    async def remember_chat(self, ref: ConversationRef, name: str | None = None) -> None:
        """Keep ``ref`` as its user's 1:1 chat (written only when it changed in this process).

        Args:
            ref: a reference from an activity in the user's 1:1 chat with the app.
            name: the person's display name as the platform sent it, or None.
        """
        key = (ref.workspace_id, ref.platform, ref.user_id)
        where = (ref.conversation_id, ref.service_url, name)
        if not ref.conversation_id or self._seen.get(key) == where:
            return
        async with self._store.unit_of_work() as uow:
            await uow.chat_refs.save(
                ref.workspace_id,
                ref.platform,
                "personal",
                ref.user_id,
                conversation_id=ref.conversation_id,
                service_url=ref.service_url,
                name=(name or "").strip()[:255] or None,
                now=self._clock(),
            )
        if len(self._seen) > 10_000:
            self._seen.clear()
        self._seen[key] = where

    async def chat_of(
        self, workspace_id: str, platform: PlatformName, user_id: str
    ) -> ConversationRef | None:
        """The user's 1:1 chat with the app, or None when they never wrote to it."""
        async with self._store.unit_of_work() as uow:
            row = await uow.chat_refs.get(workspace_id, platform, "personal", user_id)
        if row is None:
            return None
        return ConversationRef(
            platform=platform,
            workspace_id=workspace_id,
            conversation_id=row.conversation_id,
            user_id=user_id,
            service_url=row.service_url,
        )

    async def names(
        self, workspace_id: str, platform: PlatformName, user_ids: Iterable[str]
    ) -> dict[str, str]:
        """Display names of the given users who ever wrote to the app (others are left out)."""
        wanted = set(user_ids)
        if not wanted:
            return {}
        async with self._store.unit_of_work() as uow:
            rows = await uow.chat_refs.of_kind(workspace_id, platform, "personal")
        return {r.key: r.name for r in rows if r.key in wanted and r.name}

    async def remember_channel(self, platform: PlatformName, channel: ChannelRef) -> None:
        """Keep a team channel the app was added to (again: refreshed)."""
        async with self._store.unit_of_work() as uow:
            await uow.chat_refs.save(
                channel.workspace_id,
                platform,
                "channel",
                channel.conversation_id,
                conversation_id=channel.conversation_id,
                service_url=channel.service_url,
                team_id=channel.team_id,
                name=channel.name,
                now=self._clock(),
            )

    async def forget_channel(
        self, workspace_id: str, platform: PlatformName, conversation_id: str
    ) -> bool:
        """Forget a channel (the app was removed from its team). True when it was known."""
        async with self._store.unit_of_work() as uow:
            gone = await uow.chat_refs.remove(workspace_id, platform, "channel", conversation_id)
        return gone

    async def channels(self, workspace_id: str, platform: PlatformName) -> list[ChannelRef]:
        """The workspace's known team channels, oldest first."""
        async with self._store.unit_of_work() as uow:
            rows = await uow.chat_refs.of_kind(workspace_id, platform, "channel")
        return [
            ChannelRef(
                workspace_id=r.workspace_id,
                conversation_id=r.conversation_id,
                service_url=r.service_url,
                team_id=r.team_id,
                name=r.name,
            )
            for r in rows
        ]

    async def channel(
        self, workspace_id: str, platform: PlatformName, conversation_id: str
    ) -> ChannelRef | None:
        """One known channel of the workspace, or None."""
        async with self._store.unit_of_work() as uow:
            row = await uow.chat_refs.get(workspace_id, platform, "channel", conversation_id)
        if row is None:
            return None
        return ChannelRef(
            workspace_id=row.workspace_id,
            conversation_id=row.conversation_id,
            service_url=row.service_url,
            team_id=row.team_id,
            name=row.name,
        )
