"""Stored conversation references (``chat_refs``) on SQLite and PostgreSQL: a person's
1:1 chat and name, a team channel, kept per workspace, refreshed, forgotten, and gone
with "delete my data"."""

from __future__ import annotations

import asyncio

from bot.services.chat_refs import ChannelRef, ChatReferences
from bot.services.data_rights import DataRights
from bot.services.ports import ConversationRef
from bot.store import Store


def _run(make: object) -> None:
    asyncio.run(make)  # type: ignore[arg-type]


def _ref(ws: str, user: str, chat: str, url: str = "https://smba.example/amer/") -> ConversationRef:
    return ConversationRef(
        platform="teams", workspace_id=ws, conversation_id=chat, user_id=user, service_url=url
    )


async def _with(url: str, body: object) -> None:
    store = Store.from_url(url)
    try:
        await body(store)  # type: ignore[operator]
    finally:
        await store.dispose()


def test_chats_are_kept_per_workspace_and_refreshed(migrated_url: str) -> None:
    async def body(store: Store) -> None:
        refs = ChatReferences(store)
        await refs.remember_chat(_ref("T1", "u1", "a:chat-1"), "Ana Diaz")
        await refs.remember_chat(_ref("T1", "u1", "a:chat-1"), "Ana Diaz")  # no change
        await ChatReferences(store).remember_chat(
            _ref("T1", "u1", "a:chat-1b", "https://smba.example/emea/"), "Ana D."
        )
        got = await refs.chat_of("T1", "teams", "u1")
        assert got is not None
        assert (got.conversation_id, got.service_url) == ("a:chat-1b", "https://smba.example/emea/")
        assert await refs.chat_of("T2", "teams", "u1") is None, "another tenant: not found"
        assert await refs.chat_of("T1", "slack", "u1") is None, "another platform"
        assert await refs.names("T1", "teams", ["u1", "u9"]) == {"u1": "Ana D."}
        assert await refs.names("T2", "teams", ["u1"]) == {}

    _run(_with(migrated_url, body))


def test_channels_are_kept_and_forgotten(migrated_url: str) -> None:
    async def body(store: Store) -> None:
        refs = ChatReferences(store)
        team = ChannelRef(workspace_id="T1", conversation_id="19:a@thread.tacv2", name="A")
        await refs.remember_channel("teams", team)
        await refs.remember_channel("teams", team.model_copy(update={"name": "A team"}))
        assert [c.name for c in await refs.channels("T1", "teams")] == ["A team"]
        assert await refs.channels("T2", "teams") == []
        assert await refs.channel("T1", "teams", "19:a@thread.tacv2") is not None
        assert await refs.forget_channel("T1", "teams", "19:a@thread.tacv2") is True
        assert await refs.forget_channel("T1", "teams", "19:a@thread.tacv2") is False
        assert await refs.channels("T1", "teams") == []

    _run(_with(migrated_url, body))


def test_delete_my_data_removes_the_persons_chat_only(migrated_url: str) -> None:
    async def body(store: Store) -> None:
        refs = ChatReferences(store)
        await refs.remember_chat(_ref("T1", "u1", "a:chat-1"), "Ana")
        await refs.remember_chat(_ref("T1", "u2", "a:chat-2"), "Ben")
        await refs.remember_channel(
            "teams", ChannelRef(workspace_id="T1", conversation_id="u1")
        )  # a channel whose id happens to equal the user id stays
        await DataRights(store).delete_user_data("T1", "u1")
        fresh = ChatReferences(store)
        assert await fresh.chat_of("T1", "teams", "u1") is None
        assert await fresh.chat_of("T1", "teams", "u2") is not None
        assert len(await fresh.channels("T1", "teams")) == 1

    _run(_with(migrated_url, body))
