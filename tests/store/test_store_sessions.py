"""Persisted practice sessions (bot.services.sessions) on SQLite and PostgreSQL.

Covers tenant isolation, ownership refusal, restart survival, idempotent end,
turn rows with their review JSON, turn serialization in one process and across
two, the turn lease after a crash, and model failures.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest

from bot.config import Settings
from bot.core.models import Review
from bot.core.persona import Persona
from bot.core.practice import PracticeEngine, ReplyPlan, Usage
from bot.llm.errors import ModelUnavailable
from bot.llm.scripted import ScriptedResponder
from bot.services.practice import FALLBACK_NOTE, PracticeService
from bot.services.sessions import (
    ModelServiceFactory,
    NotYourSession,
    PracticeSessions,
    SessionBusy,
    SessionEnded,
    SessionNotFound,
    ThreadInUse,
)
from bot.store import Store

PERSONA = "night-shift-mom"
WS_A, WS_B = "T_A", "T_B"
ALICE, MALLORY = "U_ALICE", "U_MALLORY"
LINES = [
    "Hi, thanks for taking my call. How are things going at home?",
    "Have you tried an earlier bedtime?",
    "What are mornings like for you two?",
    "Tell me more about that.",
    "It sounds like you are carrying a lot on your own.",
    "Is there anything else?",
]
SETTINGS = Settings(_env_file=None, openai_api_key=None, seed=0)  # type: ignore[call-arg]

T = TypeVar("T")


def run(
    url: str,
    body: Callable[[PracticeSessions], Awaitable[T]],
    **kwargs: Any,
) -> T:
    """Run ``body`` with a fresh store and service (like one process's lifetime)."""

    async def main() -> T:
        store = Store.from_url(url)
        kwargs.setdefault("service_factory", ModelServiceFactory(SETTINGS, backend="scripted"))
        sessions = PracticeSessions(store, **kwargs)
        try:
            return await body(sessions)
        finally:
            await sessions.aclose()
            await store.dispose()

    return asyncio.run(main())


async def _start(s: PracticeSessions, ws: str = WS_A, user: str = ALICE, thread: str = "1.0"):  # type: ignore[no-untyped-def]
    return await s.start(
        ws, user, PERSONA, platform="slack", channel_id="D1", thread_id=thread, seed=7
    )


def factory_of(
    responder: Any, fallback: Any = None
) -> Callable[[Persona, PracticeEngine], Awaitable[PracticeService]]:
    async def make(persona: Persona, engine: PracticeEngine) -> PracticeService:
        return PracticeService(persona, responder=responder, fallback=fallback, engine=engine)

    return make


class SlowResponder:
    """The scripted voice, after a pause (so turns overlap)."""

    name = "slow"

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.inner = ScriptedResponder()
        self.active = 0
        self.max_active = 0

    async def stream(self, plan: ReplyPlan) -> AsyncIterator[str]:
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            await asyncio.sleep(self.delay)
            async for delta in self.inner.stream(plan):
                yield delta
        finally:
            self.active -= 1

    async def complete(self, plan: ReplyPlan) -> tuple[str, Usage]:
        return self.inner.reply(plan), Usage()


class _Stream:
    def __init__(self, text: str, usage: Usage) -> None:
        self._text, self.usage = text, usage

    def __aiter__(self) -> _Stream:
        self._done = False
        return self

    async def __anext__(self) -> str:
        if self._done:
            raise StopAsyncIteration
        self._done = True
        return self._text


class TokenResponder:
    """A fake model voice that reports token usage."""

    name = "openai"

    def stream(self, plan: ReplyPlan) -> _Stream:
        return _Stream(
            "Mornings are rough, honestly.", Usage(prompt_tokens=120, completion_tokens=9)
        )

    async def complete(self, plan: ReplyPlan) -> tuple[str, Usage]:
        return "Mornings are rough, honestly.", Usage(prompt_tokens=120, completion_tokens=9)


class DownResponder:
    """A model that is down: every call raises ModelUnavailable."""

    name = "openai"

    async def stream(self, plan: ReplyPlan) -> AsyncIterator[str]:
        raise ModelUnavailable("timeout after retries")
        yield ""  # pragma: no cover

    async def complete(self, plan: ReplyPlan) -> tuple[str, Usage]:
        raise ModelUnavailable("timeout after retries")


class BrokenResponder:
    """A responder with a bug: the turn fails outright."""

    name = "broken"

    async def stream(self, plan: ReplyPlan) -> AsyncIterator[str]:
        raise RuntimeError("bug")
        yield ""  # pragma: no cover

    async def complete(self, plan: ReplyPlan) -> tuple[str, Usage]:
        raise RuntimeError("bug")


# ---------------------------------------------------------------------- basics


def test_start_find_and_take_turns(migrated_url: str) -> None:
    async def body(s: PracticeSessions):  # type: ignore[no-untyped-def]
        info = await _start(s)
        assert info.active and info.turns == 0 and info.platform == "slack"
        found = await s.find_by_thread(WS_A, "D1", "1.0")
        assert found is not None and found.id == info.id
        deltas: list[str] = []
        t1 = await s.take_turn(WS_A, ALICE, info.id, LINES[0], on_delta=deltas.append)
        t2 = await s.take_turn(WS_A, ALICE, info.id, LINES[1])
        return info, t1, t2, deltas, await s.get(WS_A, ALICE, info.id)

    info, t1, t2, deltas, after = run(migrated_url, body)
    assert (t1.index, t2.index) == (1, 2)
    assert "".join(deltas) == t1.caregiver
    assert after.turns == 2
    assert after.updated_at >= info.created_at
    assert after.created_at.tzinfo is not None


def test_turn_rows_keep_review_json(migrated_url: str) -> None:
    async def body(s: PracticeSessions):  # type: ignore[no-untyped-def]
        info = await _start(s)
        t1 = await s.take_turn(WS_A, ALICE, info.id, LINES[1])  # advice: a finding + reframe
        async with s.store.unit_of_work() as uow:
            rows = await uow.turns.list_for_session(WS_A, info.id)
        return t1, rows

    turn, rows = run(migrated_url, body)
    assert len(rows) == 1
    row = rows[0]
    assert (row.turn_index, row.staff, row.caregiver) == (1, turn.staff, turn.caregiver)
    assert row.mode == turn.mode
    stored = Review.model_validate(row.review)
    assert stored == turn.review
    assert stored.findings and stored.findings[0].kind == "advice"
    assert stored.reframe
    assert row.created_at.tzinfo is not None


def test_token_usage_and_model_outage_are_stored(migrated_url: str) -> None:
    threads = iter(["1.0", "2.0"])

    async def body(s: PracticeSessions):  # type: ignore[no-untyped-def]
        info = await _start(s, thread=next(threads))
        t1 = await s.take_turn(WS_A, ALICE, info.id, LINES[0])
        async with s.store.unit_of_work() as uow:
            rows = await uow.turns.list_for_session(WS_A, info.id)
        return t1, rows

    turn, rows = run(migrated_url, body, service_factory=factory_of(TokenResponder()))
    assert (rows[0].prompt_tokens, rows[0].completion_tokens) == (120, 9)
    assert turn.usage.prompt_tokens == 120

    turn, rows = run(
        migrated_url, body, service_factory=factory_of(DownResponder(), ScriptedResponder())
    )
    assert turn.note == FALLBACK_NOTE
    assert rows[-1].note == FALLBACK_NOTE
    assert rows[-1].caregiver == turn.caregiver


def test_failed_turn_stores_nothing_and_next_turn_retries(migrated_url: str) -> None:
    async def first(s: PracticeSessions) -> str:
        info = await _start(s)
        with pytest.raises(RuntimeError):
            await s.take_turn(WS_A, ALICE, info.id, LINES[0])
        assert (await s.get(WS_A, ALICE, info.id)).turns == 0
        return info.id

    session_id = run(migrated_url, first, service_factory=factory_of(BrokenResponder()))

    async def second(s: PracticeSessions):  # type: ignore[no-untyped-def]
        return await s.take_turn(WS_A, ALICE, session_id, LINES[0])

    assert run(migrated_url, second).index == 1


# ---------------------------------------------------------------------- tenants and owners


def test_tenant_isolation(migrated_url: str) -> None:
    async def body(s: PracticeSessions) -> None:
        a = await _start(s, WS_A)
        await s.take_turn(WS_A, ALICE, a.id, LINES[0])
        await s.set_live_notes(WS_A, ALICE, False)
        # the same user id and thread in workspace B see nothing of A
        assert await s.find_by_thread(WS_B, "D1", "1.0") is None
        for call in (
            s.get(WS_B, ALICE, a.id),
            s.take_turn(WS_B, ALICE, a.id, "hello"),
            s.end(WS_B, ALICE, a.id),
            s.turns(WS_B, ALICE, a.id),
            s.request_coach(WS_B, ALICE, a.id),
        ):
            with pytest.raises(SessionNotFound):
                await call
        assert await s.recent_sessions(WS_B, ALICE) == []
        assert await s.get_live_notes(WS_B, ALICE) is True
        async with s.store.unit_of_work() as uow:
            assert await uow.turns.list_for_session(WS_B, a.id) == []
            assert await uow.sessions.get(WS_B, a.id) is None
            assert not await uow.sessions.acquire_lease(WS_B, a.id, "x", ttl=timedelta(seconds=5))
        # B may use the same channel/thread ids for its own session
        b = await _start(s, WS_B)
        assert b.id != a.id
        assert (await s.find_by_thread(WS_A, "D1", "1.0")).id == a.id  # type: ignore[union-attr]
        assert (await s.get(WS_A, ALICE, a.id)).turns == 1

    run(migrated_url, body)


def test_someone_elses_session_is_refused_and_logged(
    migrated_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    async def body(s: PracticeSessions) -> None:
        info = await _start(s)
        await s.take_turn(WS_A, ALICE, info.id, LINES[0])
        for call in (
            s.get(WS_A, MALLORY, info.id),
            s.take_turn(WS_A, MALLORY, info.id, "Why didn't you call?"),
            s.end(WS_A, MALLORY, info.id),
            s.turns(WS_A, MALLORY, info.id),
            s.request_coach(WS_A, MALLORY, info.id),
            s.attach_thread(WS_A, MALLORY, info.id, channel_id="D9", thread_id="9.9"),
        ):
            with pytest.raises(NotYourSession):
                await call
        after = await s.get(WS_A, ALICE, info.id)
        assert after.turns == 1 and after.active and after.channel_id == "D1"

    with caplog.at_level(logging.WARNING, logger="bot.services.sessions"):
        run(migrated_url, body)
    refusals = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 6
    assert all(MALLORY in r.getMessage() for r in refusals)


def test_unknown_session_and_thread_in_use(migrated_url: str) -> None:
    async def body(s: PracticeSessions) -> None:
        with pytest.raises(SessionNotFound):
            await s.take_turn(WS_A, ALICE, "00000000-0000-0000-0000-000000000000", "hi")
        await _start(s, thread="5.5")
        with pytest.raises(ThreadInUse):
            await _start(s, thread="5.5")
        other = await s.start(WS_A, ALICE, PERSONA, platform="slack", channel_id="D1")
        assert other.thread_id is None
        with pytest.raises(ThreadInUse):
            await s.attach_thread(WS_A, ALICE, other.id, channel_id="D1", thread_id="5.5")
        moved = await s.attach_thread(
            WS_A, ALICE, other.id, channel_id="D1", thread_id="6.6", conversation_ref={"k": 1}
        )
        assert (moved.thread_id, moved.conversation_ref) == ("6.6", {"k": 1})
        assert (await s.find_by_thread(WS_A, "D1", "6.6")).id == other.id  # type: ignore[union-attr]

    run(migrated_url, body)


# ---------------------------------------------------------------------- restart, end


def test_session_survives_a_restart(migrated_url: str) -> None:
    """Two turns, the process "restarts" (engine disposed, new objects), turns go on
    exactly as in a session that never stopped."""

    async def reference(s: PracticeSessions):  # type: ignore[no-untyped-def]
        info = await _start(s, thread="ref")
        return [await s.take_turn(WS_A, ALICE, info.id, line) for line in LINES]

    expected = run(migrated_url, reference)

    async def before(s: PracticeSessions) -> str:
        info = await _start(s)
        for line in LINES[:3]:
            await s.take_turn(WS_A, ALICE, info.id, line)
        return info.id

    session_id = run(migrated_url, before)

    async def after(s: PracticeSessions):  # type: ignore[no-untyped-def]
        found = await s.find_by_thread(WS_A, "D1", "1.0")
        assert found is not None and found.id == session_id and found.turns == 3
        later = [await s.take_turn(WS_A, ALICE, session_id, line) for line in LINES[3:]]
        return later, await s.turns(WS_A, ALICE, session_id)

    later, all_turns = run(migrated_url, after)
    assert [t.index for t in later] == [4, 5, 6]
    assert [t.caregiver for t in all_turns] == [t.caregiver for t in expected]
    assert [t.trust_after for t in all_turns] == [t.trust_after for t in expected]
    assert [t.disclosed for t in all_turns] == [t.disclosed for t in expected]


def test_end_is_idempotent_and_final(migrated_url: str) -> None:
    async def body(s: PracticeSessions):  # type: ignore[no-untyped-def]
        info = await _start(s)
        for line in LINES[:3]:
            await s.take_turn(WS_A, ALICE, info.id, line)
        first = await s.end(WS_A, ALICE, info.id)
        ended = await s.get(WS_A, ALICE, info.id)
        second, third = await asyncio.gather(
            s.end(WS_A, ALICE, info.id), s.end(WS_A, ALICE, info.id)
        )
        with pytest.raises(SessionEnded):
            await s.take_turn(WS_A, ALICE, info.id, "One more thing?")
        return first, second, third, ended

    first, second, third, ended = run(migrated_url, body)
    assert first == second == third
    assert first.turns == 3
    assert ended.status == "ended" and ended.ended_at is not None
    assert ended.debrief == first
    assert first.reframes and first.reframes[0].asked == LINES[1]

    async def after_restart(s: PracticeSessions):  # type: ignore[no-untyped-def]
        info = await s.find_by_thread(WS_A, "D1", "1.0")
        assert info is not None
        return await s.end(WS_A, ALICE, info.id)

    assert run(migrated_url, after_restart) == first


def test_concurrent_ends_store_one_debrief(migrated_url: str) -> None:
    async def body(s: PracticeSessions):  # type: ignore[no-untyped-def]
        info = await _start(s)
        await s.take_turn(WS_A, ALICE, info.id, LINES[0])
        return await asyncio.gather(*(s.end(WS_A, ALICE, info.id) for _ in range(5)))

    results = run(migrated_url, body)
    assert all(r == results[0] for r in results)


# ---------------------------------------------------------------------- serialization


def test_turns_of_one_session_are_serialized_in_process(migrated_url: str) -> None:
    slow = SlowResponder(0.05)

    async def body(s: PracticeSessions):  # type: ignore[no-untyped-def]
        info = await _start(s)
        turns = await asyncio.gather(
            *(s.take_turn(WS_A, ALICE, info.id, line) for line in LINES[:5])
        )
        async with s.store.unit_of_work() as uow:
            rows = await uow.turns.list_for_session(WS_A, info.id)
        return turns, rows

    turns, rows = run(migrated_url, body, service_factory=factory_of(slow))
    assert sorted(t.index for t in turns) == [1, 2, 3, 4, 5]
    assert [r.turn_index for r in rows] == [1, 2, 3, 4, 5]
    assert slow.max_active == 1


class BarrierResponder(SlowResponder):
    """The scripted voice once ``n`` replies are being produced at the same time (or 20 s)."""

    def __init__(self, n: int) -> None:
        super().__init__(0.0)
        self.n = n
        self.all_in: asyncio.Event | None = None

    async def stream(self, plan: ReplyPlan) -> AsyncIterator[str]:
        if self.all_in is None:
            self.all_in = asyncio.Event()
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        if self.active >= self.n:
            self.all_in.set()
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.all_in.wait(), 20)
            async for delta in self.inner.stream(plan):
                yield delta
        finally:
            self.active -= 1


def test_separate_sessions_answer_concurrently(migrated_url: str) -> None:
    slow = BarrierResponder(8)

    async def body(s: PracticeSessions) -> None:
        infos = [await _start(s, user=f"U{i}", thread=f"{i}.0") for i in range(8)]
        await asyncio.gather(
            *(s.take_turn(WS_A, f"U{i}", x.id, LINES[0]) for i, x in enumerate(infos))
        )

    run(migrated_url, body, service_factory=factory_of(slow))
    # All eight replies were being produced at once: no database lock is held meanwhile.
    assert slow.max_active == 8


def test_turns_are_serialized_across_processes(migrated_url: str) -> None:
    """Two service objects on two engines (as two processes would be) send turns
    to one session at once: both are recorded, numbered 1 and 2, none lost."""
    slow = SlowResponder(0.3)

    async def main():  # type: ignore[no-untyped-def]
        store_a, store_b = Store.from_url(migrated_url), Store.from_url(migrated_url)
        a = PracticeSessions(store_a, service_factory=factory_of(slow))
        b = PracticeSessions(store_b, service_factory=factory_of(slow))
        try:
            info = await _start(a)
            turns = await asyncio.gather(
                a.take_turn(WS_A, ALICE, info.id, LINES[0]),
                b.take_turn(WS_A, ALICE, info.id, LINES[2]),
            )
            return turns, await b.turns(WS_A, ALICE, info.id)
        finally:
            await store_a.dispose()
            await store_b.dispose()

    turns, stored = asyncio.run(main())
    assert sorted(t.index for t in turns) == [1, 2]
    assert [t.index for t in stored] == [1, 2]
    assert slow.max_active == 1


def test_lease_of_a_crashed_process_expires(migrated_url: str) -> None:
    now = [datetime(2026, 11, 30, 9, 0, tzinfo=UTC)]

    async def body(s: PracticeSessions):  # type: ignore[no-untyped-def]
        info = await _start(s)
        async with s.store.unit_of_work() as uow:  # a process took the lease, then died
            assert await uow.sessions.acquire_lease(
                WS_A, info.id, "dead-process", now=now[0], ttl=timedelta(seconds=120)
            )
        with pytest.raises(SessionBusy):
            await s.take_turn(WS_A, ALICE, info.id, LINES[0])
        now[0] += timedelta(seconds=121)
        return await s.take_turn(WS_A, ALICE, info.id, LINES[0])

    turn = run(migrated_url, body, clock=lambda: now[0], lease_wait=0.3)
    assert turn.index == 1


# ---------------------------------------------------------------------- settings, coach, home


def test_live_notes_setting(migrated_url: str) -> None:
    async def body(s: PracticeSessions) -> list[bool]:
        seen = [await s.get_live_notes(WS_A, ALICE)]
        await s.set_live_notes(WS_A, ALICE, False)
        seen.append(await s.get_live_notes(WS_A, ALICE))
        await asyncio.gather(*(s.set_live_notes(WS_A, ALICE, True) for _ in range(5)))
        seen.append(await s.get_live_notes(WS_A, ALICE))
        seen.append(await s.get_live_notes(WS_A, MALLORY))
        return seen

    assert run(migrated_url, body) == [True, False, True, True]


def test_request_coach_is_stored_once(migrated_url: str) -> None:
    async def body(s: PracticeSessions):  # type: ignore[no-untyped-def]
        info = await _start(s)
        await s.take_turn(WS_A, ALICE, info.id, LINES[1])
        await s.end(WS_A, ALICE, info.id)
        first = await s.request_coach(WS_A, ALICE, info.id)
        again = await asyncio.gather(*(s.request_coach(WS_A, ALICE, info.id) for _ in range(4)))
        async with s.store.unit_of_work() as uow:
            queue_a = await uow.coach_requests.list_open(WS_A)
            queue_b = await uow.coach_requests.list_open(WS_B)
        return first, again, queue_a, queue_b

    first, again, queue_a, queue_b = run(migrated_url, body)
    assert first.created and first.status == "open" and first.requested_by == ALICE
    assert all(not r.created and r.id == first.id for r in again)
    assert [r.id for r in queue_a] == [first.id]
    assert queue_b == []


def test_recent_sessions_newest_first(migrated_url: str) -> None:
    now = [datetime(2026, 11, 30, 9, 0, tzinfo=UTC)]

    def clock() -> datetime:
        now[0] += timedelta(minutes=1)
        return now[0]

    async def body(s: PracticeSessions):  # type: ignore[no-untyped-def]
        ids = [(await _start(s, thread=f"{i}.0")).id for i in range(7)]
        await _start(s, user=MALLORY, thread="m.0")
        await s.take_turn(WS_A, ALICE, ids[-1], LINES[0])
        await s.end(WS_A, ALICE, ids[-1])
        return ids, await s.recent_sessions(WS_A, ALICE), await s.recent_sessions(WS_A, ALICE, 2)

    ids, recent, two = run(migrated_url, body, clock=clock)
    assert [r.id for r in recent] == ids[::-1][:5]
    assert [r.id for r in two] == ids[::-1][:2]
    assert recent[0].debrief is not None and recent[0].debrief.turns == 1
    assert all(r.user_id == ALICE for r in recent)


def test_random_seed_when_none_given(migrated_url: str) -> None:
    async def body(s: PracticeSessions) -> set[int]:
        infos = [
            await s.start(WS_A, ALICE, PERSONA, platform="cli", channel_id=None) for _ in range(4)
        ]
        return {i.seed for i in infos}

    assert len(run(migrated_url, body)) > 1


def test_turn_lease_is_the_short_setting() -> None:
    """Issue 10: the session hold is short (renewed while a turn works), not the 210 s of old."""
    from bot.services.sessions import DEFAULT_TURN_LEASE, turn_lease_for

    assert turn_lease_for(None) == DEFAULT_TURN_LEASE == timedelta(seconds=30)
    assert turn_lease_for(SETTINGS) == timedelta(seconds=30)
    quick = Settings(_env_file=None, turn_lease=2)  # type: ignore[call-arg]
    assert turn_lease_for(quick) == timedelta(seconds=2)
