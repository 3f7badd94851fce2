"""Durable turns, a turn's model budget and bounded concurrency (issue 10), with no platform.

A fake outbox records the views; the store is a real SQLite file. A "dead holder" is a
claim taken and never finished (what a process killed mid-turn leaves behind).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from fake_openai import FakeOpenAI
from services.test_practice_chat import FakeOutbox

from bot.config import Settings
from bot.core.persona import Persona
from bot.core.practice import PracticeEngine, ReplyPlan, Usage
from bot.llm.scripted import ScriptedResponder
from bot.llm.tokens import count_tokens
from bot.personas import load_all
from bot.presenters import practice as say
from bot.presenters.views import CaregiverReply, CoachNote, DebriefCard, Notice, TurnNote
from bot.services.claims import PendingWork
from bot.services.conversation import PracticeChat
from bot.services.ports import ConversationRef
from bot.services.practice import FALLBACK_NOTE, PracticeService
from bot.services.recovery import DurableChat
from bot.services.sessions import ModelServiceFactory, PracticeSessions
from bot.store import Store, upgrade_to_head

T = TypeVar("T")
SETTINGS = Settings(_env_file=None, openai_api_key=None, seed=3)  # type: ignore[call-arg]
ME = ConversationRef(platform="cli", workspace_id="W1", user_id="U1", conversation_id="dm-U1")
LEASE = timedelta(seconds=0.3)
LAPSE = 0.45


class CountingResponder:
    """The scripted voice, counting how often it is asked (the "model calls")."""

    name = "counting"

    def __init__(self, delay: float = 0.0, fail: bool = False) -> None:
        self.inner = ScriptedResponder()
        self.calls = 0
        self.delay = delay
        self.fail = fail
        self.active = 0
        self.max_active = 0

    async def stream(self, plan: ReplyPlan) -> AsyncIterator[str]:
        self.calls += 1
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            await asyncio.sleep(self.delay)
            if self.fail:
                raise RuntimeError("a bug in the voice")
            async for delta in self.inner.stream(plan):
                yield delta
        finally:
            self.active -= 1

    async def complete(self, plan: ReplyPlan) -> tuple[str, Usage]:
        return self.inner.reply(plan), Usage()


def _factory(responder: Any) -> Callable[[Persona, PracticeEngine], Awaitable[PracticeService]]:
    async def make(persona: Persona, engine: PracticeEngine) -> PracticeService:
        return PracticeService(persona, responder=responder, engine=engine)

    return make


def _run(
    tmp_path: Path,
    body: Callable[[DurableChat, FakeOutbox], Awaitable[T]],
    *,
    factory: Any = None,
    **kwargs: Any,
) -> T:
    url = f"sqlite:///{tmp_path / 'durable.db'}"
    upgrade_to_head(url)

    async def main() -> T:
        store = Store.from_url(url)
        sessions = PracticeSessions(
            store,
            service_factory=factory or ModelServiceFactory(SETTINGS, backend="scripted"),
            settings=SETTINGS,
            claim_lease=LEASE,
            **kwargs,
        )
        chat = PracticeChat(sessions, load_all(), thread_lookup_waits=())
        try:
            return await body(DurableChat(chat), FakeOutbox())
        finally:
            await sessions.aclose()
            await store.dispose()

    return asyncio.run(main())


async def _practice(durable: DurableChat, out: FakeOutbox) -> ConversationRef:
    await durable.chat.handle_message(out, ME, "practice with Denise")
    return ME.in_thread("m1")


def _message(thread: ConversationRef, text: str, key: str = "msg:c1") -> PendingWork:
    return PendingWork(kind="message", ref=thread, keys=[key, "event:E1"], text=text)


async def _turn_rows(durable: DurableChat) -> list[tuple[int, str | None]]:
    store = durable.chat.sessions.store
    async with store.unit_of_work() as uow:
        (info,) = await durable.chat.sessions.recent_sessions("W1", "U1")
        rows = await uow.turns.list_for_session("W1", info.id)
    return [(r.turn_index, r.message_key) for r in rows]


def _texts(out: FakeOutbox) -> list[str]:
    return [
        v.text if isinstance(v, Notice | CaregiverReply) else type(v).__name__
        for _, v in out.sent[1:]  # after the intro card
    ]


def test_a_turn_whose_holder_died_is_answered_once_and_the_delay_is_said(
    tmp_path: Path,
) -> None:
    voice = CountingResponder()

    async def body(durable: DurableChat, out: FakeOutbox):  # type: ignore[no-untyped-def]
        thread = await _practice(durable, out)
        # the holder claimed the message and died before answering
        dead = await durable.claims.claim(_message(thread, "How are mornings at home?"))
        assert dead is not None and not dead.redo
        assert await durable.recover_once(lambda w: out) == []  # its lease is still live
        await asyncio.sleep(LAPSE)
        redone = await durable.recover_once(lambda w: out)
        await asyncio.sleep(LAPSE)
        again = await durable.recover_once(lambda w: out)
        # a late Slack retry of the same message is a duplicate
        retried = await durable.handle(out, _message(thread, "How are mornings at home?"))
        return [c.attempts for c in redone], again, retried, await _turn_rows(durable)

    attempts, again, retried, rows = _run(tmp_path, body, factory=_factory(voice))
    assert attempts == [2] and again == [] and retried is False
    assert voice.calls == 1
    assert rows == [(1, "msg:c1")]


def test_a_turn_saved_before_the_crash_is_sent_again_not_answered_again(
    tmp_path: Path,
) -> None:
    voice = CountingResponder()

    async def body(durable: DurableChat, out: FakeOutbox):  # type: ignore[no-untyped-def]
        thread = await _practice(durable, out)
        work = _message(thread, "Tell me about a morning that goes well.")
        dead = await durable.claims.claim(work)
        assert dead is not None
        (info,) = await durable.chat.sessions.recent_sessions("W1", "U1")
        # the holder answered and saved the turn, then died before posting it
        saved = await durable.chat.sessions.take_turn(
            "W1", "U1", info.id, work.text, message_key=dead.key
        )
        await asyncio.sleep(LAPSE)
        await durable.recover_once(lambda w: out)
        return saved.caregiver, _texts(out), await _turn_rows(durable)

    saved, texts, rows = _run(tmp_path, body, factory=_factory(voice))
    assert voice.calls == 1  # the model was not asked again
    assert texts == [say.REPLY_DELAYED, saved]
    assert rows == [(1, "msg:c1")]


class DiesAfterTheReply(FakeOutbox):
    """An outbox whose process "dies" (raises) when the notes after the reply are sent."""

    async def send(self, to: ConversationRef, view: Any) -> Any:
        if isinstance(view, CoachNote | TurnNote):
            raise ConnectionError("the process died after posting the reply")
        return await super().send(to, view)


def test_a_crash_after_the_reply_is_posted_does_not_post_it_again(tmp_path: Path) -> None:
    """The claim is finished as soon as the reply is posted (bench/district_day.py found the
    recovery posting a reply twice when a process died while the notes were being sent)."""
    voice = CountingResponder()

    async def body(durable: DurableChat, out: FakeOutbox):  # type: ignore[no-untyped-def]
        thread = await _practice(durable, out)
        dying = DiesAfterTheReply()
        with contextlib.suppress(ConnectionError):
            await durable.handle(dying, _message(thread, "Have you tried an earlier bedtime?"))
        await asyncio.sleep(LAPSE)
        redone = await durable.recover_once(lambda w: out)
        return dying, redone, _texts(out), await _turn_rows(durable)

    dying, redone, texts, rows = _run(tmp_path, body, factory=_factory(voice))
    replies = [v for _, v in dying.sent if isinstance(v, CaregiverReply)]
    assert len(replies) == 1  # posted once, by the process that died after it
    assert redone == [] and texts == []  # nothing redone, nothing posted again
    assert voice.calls == 1 and rows == [(1, "msg:c1")]


def test_a_message_that_keeps_failing_is_given_up_after_three_tries_with_a_plain_word(
    tmp_path: Path,
) -> None:
    voice = CountingResponder(fail=True)

    async def body(durable: DurableChat, out: FakeOutbox):  # type: ignore[no-untyped-def]
        thread = await _practice(durable, out)
        first = None
        try:
            await durable.handle(out, _message(thread, "What are mornings like?"))
        except RuntimeError as exc:
            first = exc
        rounds = [len(await durable.recover_once(lambda w: out)) for _ in range(4)]
        return first, rounds

    first, rounds = _run(tmp_path, body, factory=_factory(voice))
    assert isinstance(first, RuntimeError)
    assert voice.calls == 3  # the first try and two redos
    assert rounds == [1, 1, 1, 0]  # the third redo gives up; then nothing is left


def test_gave_up_notice_is_said_once(tmp_path: Path) -> None:
    voice = CountingResponder(fail=True)

    async def body(durable: DurableChat, out: FakeOutbox):  # type: ignore[no-untyped-def]
        thread = await _practice(durable, out)
        with contextlib.suppress(RuntimeError):
            await durable.handle(out, _message(thread, "What are mornings like?"))
        for _ in range(4):
            await durable.recover_once(lambda w: out)
        return _texts(out)

    texts = _run(tmp_path, body, factory=_factory(voice))
    assert texts.count(say.GAVE_UP) == 1 and texts[-1] == say.GAVE_UP
    assert texts.count(say.REPLY_DELAYED) == 2
    assert "CaregiverReply" not in texts


def test_a_debrief_whose_poster_died_is_posted_once_by_the_recovery(tmp_path: Path) -> None:
    async def body(durable: DurableChat, out: FakeOutbox):  # type: ignore[no-untyped-def]
        thread = await _practice(durable, out)
        await durable.handle(out, _message(thread, "Tell me about your mornings."))
        (info,) = await durable.chat.sessions.recent_sessions("W1", "U1")
        # the process ended the session and claimed the debrief, then died before posting
        await durable.chat.sessions.end("W1", "U1", info.id)
        work = PendingWork(
            kind="debrief", ref=thread, keys=[f"debrief:{info.id}"], session_id=info.id
        )
        assert await durable.claims.claim(work) is not None
        await asyncio.sleep(LAPSE)
        await durable.recover_once(lambda w: out)
        # pressing End again afterwards: told privately, no second debrief
        assert await durable.chat.end(out, thread, info.id) is False
        return out

    out = _run(tmp_path, body)
    assert len(out.views(DebriefCard)) == 1
    assert [v.text for _, v in out.private] == [say.ALREADY_ENDED]
    notices = [v.text for v in out.views(Notice)]
    assert notices == [say.REPLY_DELAYED]


def test_a_hung_model_is_answered_by_the_offline_partner_within_the_budget(
    tmp_path: Path,
) -> None:
    """Finding 9: a model that hangs kept "typing…" for 92 s; the budget bounds it."""
    with FakeOpenAI(stall_seconds=15) as model:
        model.fail(1, "timeout")  # the first request hangs (then retries would follow)
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            openai_api_key="sk-test",
            openai_base_url=model.base_url,
            review_mode="rules",
            check_principles=False,
            model_budget=1.5,
        )
        factory = ModelServiceFactory(settings, backend="openai")

        async def body(durable: DurableChat, out: FakeOutbox):  # type: ignore[no-untyped-def]
            durable.chat.slow_status_after = settings.model_budget / 2
            thread = await _practice(durable, out)
            count_tokens("warm up")  # the tokenizer loads once, blocking
            began = time.monotonic()
            await durable.handle(out, _message(thread, "How are mornings at home?"))
            took = time.monotonic() - began
            await factory.aclose()
            return took, out

        took, out = _run(tmp_path, body, factory=factory)
    assert took < 1.5 + 1.0, took  # today: the 15 s stall, then a retry
    assert model.chat_count == 1  # the hung request was the only one
    (reply,) = out.views(CaregiverReply)
    assert reply.text
    assert [v.text for v in out.views(TurnNote)] == [FALLBACK_NOTE]
    assert out.status == ["Denise is typing…", "Denise is taking a moment…"]


def test_turns_beyond_the_concurrency_bound_wait_their_turn(tmp_path: Path) -> None:
    """Finding 10: every turn started at once; now at most ``turn_concurrency`` do."""
    voice = CountingResponder(delay=0.3)

    async def body(durable: DurableChat, out: FakeOutbox):  # type: ignore[no-untyped-def]
        sessions = durable.chat.sessions
        infos = [
            await sessions.start("W1", f"U{i}", "night-shift-mom", platform="cli", seed=i)
            for i in range(5)
        ]
        turns = await asyncio.gather(
            *(sessions.take_turn("W1", f"U{i}", info.id, "Hi") for i, info in enumerate(infos))
        )
        return [t.index for t in turns]

    assert _run(tmp_path, body, factory=_factory(voice), turn_concurrency=2) == [1] * 5
    assert voice.max_active == 2 and voice.calls == 5


def test_a_turn_longer_than_the_session_lease_keeps_it_by_renewing(tmp_path: Path) -> None:
    """The short session lease is renewed while a turn works, so another process waits."""
    url = f"sqlite:///{tmp_path / 'two.db'}"
    upgrade_to_head(url)
    voice = CountingResponder(delay=1.0)

    async def main():  # type: ignore[no-untyped-def]
        stores = [Store.from_url(url), Store.from_url(url)]
        a, b = (
            PracticeSessions(
                s,
                service_factory=_factory(voice),
                settings=SETTINGS,
                turn_lease=timedelta(seconds=0.3),
                lease_wait=5,
            )
            for s in stores
        )
        try:
            info = await a.start("W1", "U1", "night-shift-mom", platform="cli", seed=1)
            first = asyncio.ensure_future(a.take_turn("W1", "U1", info.id, "Hi there."))
            await asyncio.sleep(0.1)
            second = await b.take_turn("W1", "U1", info.id, "How are mornings?")
            return (await first).index, second.index
        finally:
            for s in stores:
                await s.dispose()

    assert asyncio.run(main()) == (1, 2)
    assert voice.max_active == 1


def test_a_failed_release_is_logged_and_the_hold_lapses_in_seconds(
    tmp_path: Path, monkeypatch: Any, caplog: Any
) -> None:
    """Finding 10: a release that failed quietly left a hold for minutes (179 s stalls)."""
    from bot.store.repositories import PracticeSessionRepository

    url = f"sqlite:///{tmp_path / 'release.db'}"
    upgrade_to_head(url)

    async def broken_release(self: Any, *args: Any) -> None:
        raise OSError("connection reset")

    async def main() -> tuple[int, int, float]:
        store = Store.from_url(url)
        kwargs: dict[str, Any] = {
            "service_factory": _factory(CountingResponder()),
            "settings": SETTINGS,
            "turn_lease": timedelta(seconds=0.5),
            "lease_wait": 10,
        }
        failing = {**kwargs, "service_factory": _factory(CountingResponder(fail=True))}
        a, b = PracticeSessions(store, **failing), PracticeSessions(store, **kwargs)
        try:
            info = await a.start("W1", "U1", "night-shift-mom", platform="cli", seed=1)
            # a saved turn frees its lease in its own save; a turn that fails still
            # releases on the way out, and that release is what fails here
            with monkeypatch.context() as patch, contextlib.suppress(RuntimeError):
                patch.setattr(PracticeSessionRepository, "release_lease", broken_release)
                await a.take_turn("W1", "U1", info.id, "Hi there.")
            began = time.monotonic()
            second = await b.take_turn("W1", "U1", info.id, "How are mornings?")
            return 1, second.index, time.monotonic() - began
        finally:
            await store.dispose()

    with caplog.at_level("WARNING", logger="bot.services.session_lease"):
        first, second, waited = asyncio.run(main())
    assert (first, second) == (1, 1)  # the failed turn stored nothing
    assert waited < 2.0, waited  # the stale hold lapsed within its short lease
    assert any("could not release the hold" in r.getMessage() for r in caplog.records)


def test_a_saved_turn_frees_its_lease_in_the_same_transaction(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """Issue 13: no release transaction after a saved turn; the next turn waits for nothing."""
    from sqlalchemy import event

    from bot.store.repositories import PracticeSessionRepository

    url = f"sqlite:///{tmp_path / 'free.db'}"
    upgrade_to_head(url)
    released: list[str] = []
    real_release = PracticeSessionRepository.release_lease

    async def counted_release(self: Any, *args: Any) -> None:
        released.append(args[1])
        await real_release(self, *args)

    async def main() -> tuple[int, int, int, str | None]:
        store = Store.from_url(url)
        kwargs: dict[str, Any] = {
            "service_factory": _factory(CountingResponder()),
            "settings": SETTINGS,
            "turn_lease": timedelta(seconds=30),
            "lease_wait": 0.5,
        }
        a, b = PracticeSessions(store, **kwargs), PracticeSessions(store, **kwargs)
        begins: list[int] = []
        event.listen(store.engine.sync_engine, "begin", lambda conn: begins.append(1))
        try:
            info = await a.start("W1", "U1", "night-shift-mom", platform="cli", seed=1)
            begins.clear()
            with monkeypatch.context() as patch:
                patch.setattr(PracticeSessionRepository, "release_lease", counted_release)
                first = await a.take_turn("W1", "U1", info.id, "Hi there.")
            tx = len(begins)
            # another process gets it at once (a 30 s lease left held would refuse it)
            second = await b.take_turn("W1", "U1", info.id, "How are mornings?")
            async with store.unit_of_work() as uow:
                row = await uow.sessions.get("W1", info.id)
            assert row is not None
            return first.index, second.index, tx, row.lease_token
        finally:
            await store.dispose()

    first, second, tx, token = asyncio.run(main())
    assert (first, second) == (1, 2)
    assert released == []  # freed by the save, not by a release
    assert tx == 2, tx  # lease + session read, then turn + snapshot + lease freed
    assert token is None


def test_the_recovery_loop_prunes_handled_event_keys_past_the_retention(tmp_path: Path) -> None:
    """Issue 13: ``EC_EVENT_RETENTION_HOURS`` (48) bounds the processed-events table; the
    recovery loop deletes older handled keys at start-up (and every hour), never a key
    whose message is still unanswered."""

    async def body(durable: DurableChat, out: FakeOutbox) -> tuple[float, list[bool]]:
        store = durable.chat.sessions.store
        old = datetime.now(UTC) - timedelta(hours=49)
        await store.claim_event("W1", "action:old", now=old)
        await store.claim_event("W1", "action:new", now=datetime.now(UTC) - timedelta(hours=47))
        halt = asyncio.Event()
        loop = asyncio.create_task(durable.run_forever(lambda work: out, halt, interval=0.05))
        await asyncio.sleep(0.3)
        halt.set()
        await loop
        async with store.unit_of_work() as uow:
            seen = [await uow.events.seen("W1", k) for k in ("action:old", "action:new")]
        return durable.event_retention.total_seconds() / 3600, seen

    hours, seen = _run(tmp_path, body)
    assert hours == 48
    assert seen == [False, True]


def test_the_event_retention_comes_from_the_settings(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, openai_api_key=None, event_retention_hours=2)  # type: ignore[call-arg]

    async def body(durable: DurableChat, out: FakeOutbox) -> list[bool]:
        store = durable.chat.sessions.store
        now = datetime.now(UTC)
        await store.claim_event("W1", "three-hours", now=now - timedelta(hours=3))
        await store.claim_event("W1", "one-hour", now=now - timedelta(hours=1))
        chat = PracticeChat(
            PracticeSessions(store, settings=settings), load_all(), thread_lookup_waits=()
        )
        assert await DurableChat(chat).prune_events() == 1
        async with store.unit_of_work() as uow:
            return [await uow.events.seen("W1", k) for k in ("three-hours", "one-hour")]

    assert _run(tmp_path, body) == [False, True]
