"""Where the app can write to someone later: stored conversation references (revision 0007).

A chat platform that posts proactively needs the conversation it may post in and,
for Teams, the ``serviceUrl`` of the tenant's connector. ``chat_refs`` keeps one
row per place: a person's 1:1 chat with the app (``kind`` ``personal``, ``key``
their user id) and each team channel the app was added to (``kind`` ``channel``,
``key`` the channel's conversation id). Every row belongs to one workspace (tenant).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base, UTCDateTime
from bot.store.repositories import _insert, _Repository

__all__ = ["CHAT_REF_KINDS", "ChatRefRepository", "ChatRefRow"]

CHAT_REF_KINDS: tuple[str, ...] = ("personal", "channel")
"""A person's 1:1 chat with the app, or a team channel."""


class ChatRefRow(Base):
    """One place the app may post in later.

    Columns:
        workspace_id, platform, kind, key: the key (``key`` is the user id of a
            ``personal`` chat, the conversation id of a ``channel``).
        conversation_id: the conversation to post in.
        service_url: the connector's base URL (Teams), or None.
        team_id: the team of a channel (Teams ``channelData.team.id``), or None.
        name: the channel's or team's display name, or None.
        created_at / updated_at: UTC.
    """

    __tablename__ = "chat_refs"

    workspace_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(256), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(255))
    service_url: Mapped[str | None] = mapped_column(String(2048))
    team_id: Mapped[str | None] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (CheckConstraint("kind IN ('personal', 'channel')", name="kind"),)


class ChatRefRepository(_Repository):
    """Stored conversation references (rows: :class:`ChatRefRow`)."""

    async def save(
        self,
        workspace_id: str,
        platform: str,
        kind: str,
        key: str,
        *,
        conversation_id: str,
        service_url: str | None,
        team_id: str | None = None,
        name: str | None = None,
        now: datetime | None = None,
    ) -> None:
        """Insert or refresh one reference (``INSERT … ON CONFLICT DO UPDATE``: two
        processes saving the same place at once both succeed)."""
        at = now if now is not None else datetime.now(UTC)
        values = {
            "conversation_id": conversation_id,
            "service_url": service_url,
            "team_id": team_id,
            "name": name,
            "updated_at": at,
        }
        stmt = (
            _insert(self._dialect, ChatRefRow)
            .values(
                workspace_id=workspace_id,
                platform=platform,
                kind=kind,
                key=key,
                created_at=at,
                **values,
            )
            .on_conflict_do_update(
                index_elements=["workspace_id", "platform", "kind", "key"], set_=values
            )
        )
        await self._s.execute(stmt)

    async def get(self, workspace_id: str, platform: str, kind: str, key: str) -> ChatRefRow | None:
        """One reference, or None."""
        return await self._s.get(ChatRefRow, (workspace_id, platform, kind, key))

    async def of_kind(self, workspace_id: str, platform: str, kind: str) -> list[ChatRefRow]:
        """A workspace's references of one kind, oldest first."""
        stmt = (
            select(ChatRefRow)
            .where(
                ChatRefRow.workspace_id == workspace_id,
                ChatRefRow.platform == platform,
                ChatRefRow.kind == kind,
            )
            .order_by(ChatRefRow.created_at, ChatRefRow.key)
        )
        return list((await self._s.execute(stmt)).scalars())

    async def remove(self, workspace_id: str, platform: str, kind: str, key: str) -> bool:
        """Forget one reference (the app was removed from a channel). True when it was there."""
        stmt = delete(ChatRefRow).where(
            ChatRefRow.workspace_id == workspace_id,
            ChatRefRow.platform == platform,
            ChatRefRow.kind == kind,
            ChatRefRow.key == key,
        )
        result = await self._s.execute(stmt)
        return bool(getattr(result, "rowcount", 0))
