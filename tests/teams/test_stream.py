"""The streamed caregiver reply: one update per second at most, none after Teams'
two-minute limit, a whole message when streaming fails."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.services.ports import ConversationRef
from bot.teams.outbox import STREAM_LIMIT, TeamsReplyStream

REF = ConversationRef(
    platform="teams", workspace_id="t", conversation_id="a:1", user_id="u", service_url="http://s"
)


class StubOutbox:
    """Records what the stream creates and sends (no SDK, no network)."""

    def __init__(self, fail: bool = False) -> None:
        self.created: list[Any] = []
        self.sent: list[Any] = []
        self.fail = fail

    async def create(self, to: ConversationRef, activity: Any) -> Any:
        if self.fail:
            raise OSError("connector down")
        self.created.append(activity)
        return type("Sent", (), {"id": "stream-1"})()

    async def send(self, to: ConversationRef, view: Any) -> Any:
        self.sent.append(view)
        return None


def _run(outbox: StubOutbox, steps: list[tuple[float, str]], reply: str) -> None:
    now = [0.0]
    stream = TeamsReplyStream(outbox, REF, clock=lambda: now[0])  # type: ignore[arg-type]

    async def go() -> None:
        for at, text in steps:
            now[0] = at
            await stream.delta(text)
        await stream.finish(reply)

    asyncio.run(go())


def test_updates_are_spaced_and_stop_at_the_limit() -> None:
    outbox = StubOutbox()
    steps = [(0.0, "I "), (0.3, "work "), (1.2, "nights, "), (1.5, "so "), (STREAM_LIMIT + 1, "x")]
    _run(outbox, steps, "I work nights, so x")
    types = [a.type for a in outbox.created]
    assert types == ["typing", "typing", "message"]
    assert outbox.created[0].text == "I "
    assert outbox.created[1].text == "I work nights, "
    assert outbox.created[1].id == "stream-1", "later updates name the stream"
    final = outbox.created[-1]
    assert final.text == "I work nights, so x" and final.id == "stream-1"
    assert [e.stream_type for e in final.entities] == ["final"]


def test_a_stream_that_cannot_open_posts_the_reply_whole() -> None:
    outbox = StubOutbox(fail=True)
    _run(outbox, [(0.0, "Hello")], "Hello there")
    assert [v.text for v in outbox.sent] == ["Hello there"]
