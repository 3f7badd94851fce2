"""Durable, exactly-once delivery of reminders, on SQLite and PostgreSQL.

Time is a fake clock moved by hand; the dispatcher never sleeps in these
tests. The process tests run real dispatcher processes (``dispatch_worker.py``)
that share one database and append their posts to one file, so duplicates
across processes are visible.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from dispatch_kit import CLI_POSTS, FakeClock, RecordingDeliverer, read_posts
from typer.testing import CliRunner

from bot.core.reflection import Reflection
from bot.services.dispatcher import DeliveryResult, Dispatcher
from bot.services.reflection import (
    InterviewInfo,
    ReflectionService,
    ReminderInfo,
    ReminderPayload,
)
from bot.store import ReminderRow, Store

T = TypeVar("T")
LA = "America/Los_Angeles"
WORKER = Path(__file__).with_name("dispatch_worker.py")
T0 = datetime(2026, 1, 14, 18, 0, tzinfo=UTC)  # a Wednesday, 10:00 in Los Angeles


def la(*args: int) -> datetime:
    """An aware datetime on the Los Angeles wall clock."""
    return datetime(*args, tzinfo=ZoneInfo(LA))


def run(url: str, body: Callable[[Store], Awaitable[T]]) -> T:
    """Run ``body`` with a fresh store, then dispose of it."""

    async def main() -> T:
        store = Store.from_url(url)
        try:
            return await body(store)
        finally:
            await store.dispose()

    return asyncio.run(main())


async def log(svc: ReflectionService, user: str = "U1", **kw: Any) -> InterviewInfo:
    args: dict[str, Any] = {
        "happened_at": la(2026, 3, 6, 15, 45),
        "pseudonym": "M.L.",
        "grade_band": "3-5",
        "mode": "phone",
        "team_channel": "C0TEAM",
        "interviewer_tz": LA,
    }
    args.update(kw)
    return await svc.log_interview("T1", user, **args)


async def statuses(store: Store, workspace: str = "T1") -> list[ReminderRow]:
    async with store.unit_of_work() as uow:
        return await uow.reminders.in_workspace(workspace)


async def seed_due(store: Store, n: int, due: datetime = T0, workspace: str = "T1") -> list[str]:
    """``n`` due reminders about one interview (kind ``second_round``), all due at ``due``."""
    svc = ReflectionService(store, clock=lambda: due)
    info = await svc.log_interview(
        workspace,
        "U1",
        happened_at=due - timedelta(days=30),
        pseudonym="Load",
        grade_band="K-2",
        mode="phone",
        interviewer_tz=LA,
    )
    ids = []
    async with store.unit_of_work() as uow:
        await uow.reminders.cancel_pending(workspace, interview_id=info.id, reason="test", now=due)
        for i in range(n):
            row = await uow.reminders.add_if_absent(
                workspace,
                dedupe_key=f"load:{i:04d}",
                kind="second_round",
                due_at=due - timedelta(seconds=n - i),
                interview_id=info.id,
                user_id="U1",
                tz=LA,
                now=due,
            )
            assert row is not None
            ids.append(row.id)
    return ids


# ---------------------------------------------------------------------- the whole schedule


def test_full_schedule_is_delivered_once_each_at_the_right_times(migrated_url: str) -> None:
    """One interview late on a Friday, across a weekend, the UTC date line and a DST change."""
    clock = FakeClock(la(2026, 3, 6, 16, 0).astimezone(UTC))

    async def body(store: Store) -> tuple[InterviewInfo, RecordingDeliverer, list[ReminderRow]]:
        svc = ReflectionService(store, clock=clock)
        info = await log(svc)
        deliverer = RecordingDeliverer(clock)
        dispatcher = Dispatcher(store, deliverer, clock=clock)
        end = la(2026, 3, 24, 0, 0).astimezone(UTC)
        reflected = False
        while clock.now < end:
            await dispatcher.run_once()
            if "reflection" in deliverer.kinds() and not reflected:
                # the interviewer answers the reflection prompt as soon as it arrives
                await svc.save_reflection(
                    "T1", "U1", info.id, Reflection(surprised="She wants more calls.")
                )
                reflected = True
            clock.advance(minutes=15)
        return info, deliverer, await statuses(store)

    info, deliverer, rows = run(migrated_url, body)
    due = {r.kind: r.due_at for r in info.reminders}
    assert deliverer.kinds() == ["exact_words", "reflection", "team_gathering", "second_round"]
    for post in deliverer.posts:
        assert post.at == due[post.reminder.kind]  # delivered at the first tick it was due
        local = post.at.astimezone(ZoneInfo(LA))
        assert local.weekday() < 5 and 8 <= local.hour <= 16, local
    assert [p.at.astimezone(ZoneInfo(LA)).strftime("%a %d %H:%M") for p in deliverer.posts] == [
        "Mon 09 08:00",
        "Tue 10 08:30",
        "Tue 10 13:30",
        "Fri 20 15:45",
    ]
    gathering = deliverer.posts[2].payload.gathering
    assert gathering is not None and gathering.reflections == 1
    assert "She wants more calls." in deliverer.posts[2].payload.text
    assert deliverer.posts[2].payload.channel_id == "C0TEAM"
    assert deliverer.posts[0].payload.user_id == "U1"
    assert [a.action for a in deliverer.posts[0].payload.actions] == ["open_exact_words"]
    assert all(r.status == "sent" and r.attempts == 1 for r in rows)
    assert all(not p.payload.redelivery for p in deliverer.posts)


# ---------------------------------------------------------------------- failures


def test_not_in_channel_fails_only_that_prompt_and_tells_the_interviewer_once(
    migrated_url: str,
) -> None:
    clock = FakeClock(la(2026, 3, 9, 16, 0).astimezone(UTC))

    def rule(reminder: ReminderInfo, payload: ReminderPayload) -> DeliveryResult | None:
        if payload.channel_id == "CBAD":
            return DeliveryResult.permanent("not_in_channel")
        return None

    async def body(store: Store) -> tuple[RecordingDeliverer, list[ReminderRow]]:
        svc = ReflectionService(store, clock=clock)
        await log(svc, "U1", happened_at=la(2026, 3, 9, 9, 0), team_channel="CBAD")
        await log(svc, "U2", happened_at=la(2026, 3, 9, 9, 30), team_channel="CGOOD")
        deliverer = RecordingDeliverer(clock, rule=rule)
        dispatcher = Dispatcher(store, deliverer, clock=clock)
        clock.now = la(2026, 3, 10, 13, 30).astimezone(UTC)  # both team posts are due
        await dispatcher.drain()
        clock.advance(hours=1)
        await dispatcher.drain()  # nothing more: the notice is not queued again
        return deliverer, await statuses(store)

    deliverer, rows = run(migrated_url, body)
    posts = {r.dedupe_key: r for r in rows if r.kind == "team_gathering"}
    bad, good = posts["team_gathering:CBAD:2026-W11"], posts["team_gathering:CGOOD:2026-W11"]
    assert (bad.status, bad.failure_reason) == ("failed", "not_in_channel")
    assert good.status == "sent"
    notices = [r for r in rows if r.kind == "delivery_failed"]
    assert len(notices) == 1 and notices[0].status == "sent"
    assert notices[0].user_id == "U1" and notices[0].dedupe_key == f"notice:{bad.id}"
    sent_notices = [p for p in deliverer.posts if p.reminder.kind == "delivery_failed"]
    assert len(sent_notices) == 1
    notice = sent_notices[0].payload
    assert notice.user_id == "U1" and notice.channel_id is None
    assert notice.text.startswith(
        "I couldn't post to your team's channel: not_in_channel. This week's team gathering"
    )
    assert notice.failed is not None and notice.failed.reminder_id == bad.id
    # every other prompt that was due went out
    assert sorted(deliverer.kinds()).count("team_gathering") == 1
    assert all(r.status in ("sent", "failed", "pending") for r in rows)


def test_transient_failures_retry_with_backoff_then_give_up(migrated_url: str) -> None:
    clock = FakeClock(T0)
    answers = {"n": 0}

    def flaky(reminder: ReminderInfo, payload: ReminderPayload) -> DeliveryResult | None:
        answers["n"] += 1
        if answers["n"] == 1:
            return DeliveryResult.transient("ratelimited", retry_after=30)
        return None

    async def body(store: Store) -> None:
        (rid,) = await seed_due(store, 1)
        deliverer = RecordingDeliverer(clock, rule=flaky)
        dispatcher = Dispatcher(store, deliverer, clock=clock)
        assert await dispatcher.run_once() == 1
        (row,) = [r for r in await statuses(store) if r.id == rid]
        assert (row.status, row.attempts, row.failure_reason) == ("pending", 1, "ratelimited")
        assert row.due_at == T0 + timedelta(minutes=1)  # backoff 1 min > Retry-After 30 s
        clock.advance(seconds=59)
        assert await dispatcher.run_once() == 0
        clock.advance(seconds=1)
        assert await dispatcher.run_once() == 1
        assert len(deliverer.posts) == 1 and deliverer.posts[0].payload.redelivery
        (row,) = [r for r in await statuses(store) if r.id == rid]
        assert (row.status, row.attempts) == ("sent", 2)

        # a channel post that never gets through fails after max_attempts, with one notice
        always = RecordingDeliverer(
            clock, rule=lambda r, p: DeliveryResult.transient("service_unavailable")
        )
        svc = ReflectionService(store, clock=clock)
        await log(svc, "U7", happened_at=clock.now - timedelta(days=20), team_channel="CX")
        giving_up = Dispatcher(store, always, clock=clock, max_attempts=3)
        for _ in range(12 * 8):  # eight days in two-hour steps: past next Tuesday's post
            await giving_up.drain()
            clock.advance(hours=2)
        rows = await statuses(store)
        post = next(r for r in rows if r.kind == "team_gathering")
        assert post.status == "failed" and post.attempts == 3
        assert post.failure_reason == "service_unavailable (gave up after 3 tries)"
        assert len([r for r in rows if r.kind == "delivery_failed"]) == 1

    run(migrated_url, body)


def test_a_prompt_about_a_deleted_interview_is_not_posted(migrated_url: str) -> None:
    clock = FakeClock(la(2026, 3, 9, 9, 0).astimezone(UTC))

    async def body(store: Store) -> tuple[RecordingDeliverer, list[ReminderRow]]:
        svc = ReflectionService(store, clock=clock)
        info = await log(svc, happened_at=la(2026, 3, 9, 8, 0), team_channel=None)
        clock.now = la(2026, 3, 9, 9, 0).astimezone(UTC)
        async with store.unit_of_work() as uow:  # a dispatcher claims it, then dies
            claimed = await uow.reminders.claim_due(
                worker_id="dead", now=clock.now, lease=timedelta(minutes=5), limit=10
            )
        assert [r.kind for r in claimed] == ["exact_words"]
        await svc.delete_interview("T1", "U1", info.id)  # in flight: not cancelled here
        deliverer = RecordingDeliverer(clock)
        clock.advance(minutes=6)
        await Dispatcher(store, deliverer, clock=clock).drain()
        return deliverer, await statuses(store)

    deliverer, rows = run(migrated_url, body)
    assert deliverer.posts == []
    assert {(r.kind, r.status, r.failure_reason) for r in rows} == {
        ("exact_words", "cancelled", "interview_deleted"),
        ("reflection", "cancelled", "interview_deleted"),
        ("second_round", "cancelled", "interview_deleted"),
    }


# ---------------------------------------------------------------------- leases and claims


def test_a_dead_dispatchers_claims_are_taken_over_after_the_lease(migrated_url: str) -> None:
    clock = FakeClock(T0)

    async def body(store: Store) -> None:
        ids = await seed_due(store, 3)
        async with store.unit_of_work() as uow:
            await uow.reminders.claim_due(
                worker_id="dead", now=clock.now, lease=timedelta(minutes=5), limit=2
            )
        deliverer = RecordingDeliverer(clock)
        live = Dispatcher(store, deliverer, clock=clock, worker_id="live")
        assert await live.drain() == 1  # the third; two are leased to "dead"
        clock.advance(minutes=5)
        assert await live.run_once() == 0  # the lease ends at, not before, +5 min
        clock.advance(seconds=1)
        assert await live.run_once() == 2
        assert sorted(p.reminder.id for p in deliverer.posts) == sorted(ids)
        assert [p.payload.redelivery for p in deliverer.posts] == [False, True, True]
        async with store.unit_of_work() as uow:  # the dead one's late write changes nothing
            assert not await uow.reminders.finish(
                "T1", ids[0], worker_id="dead", status="failed", reason="x", now=clock.now
            )
        assert all(r.status == "sent" for r in await statuses(store) if r.id in ids)

    run(migrated_url, body)


def test_a_dispatcher_whose_claim_was_taken_over_does_not_post(migrated_url: str) -> None:
    """The fencing check right before posting: a stale claim posts nothing."""
    clock = FakeClock(T0)

    async def body(store: Store) -> None:
        (rid,) = await seed_due(store, 1)
        slow, fast = RecordingDeliverer(clock), RecordingDeliverer(clock)
        stale = Dispatcher(store, slow, clock=clock, worker_id="stale")
        async with store.unit_of_work() as uow:
            (claimed,) = await uow.reminders.claim_due(
                worker_id="stale", now=clock.now, lease=stale.lease, limit=1
            )
        clock.advance(minutes=6)  # "stale" paused longer than its lease (a GC pause, a VM freeze)
        assert await Dispatcher(store, fast, clock=clock, worker_id="fresh").run_once() == 1
        await stale._handle(claimed)  # it wakes up and carries on with its old claim
        assert [p.reminder.id for p in fast.posts] == [rid]
        assert slow.posts == []

    run(migrated_url, body)


def test_two_dispatchers_in_one_process_deliver_each_prompt_once(migrated_url: str) -> None:
    clock = FakeClock(T0)

    async def main() -> tuple[list[str], list[str]]:
        seeder = Store.from_url(migrated_url)
        ids = await seed_due(seeder, 60)
        await seeder.dispose()
        a, b = Store.from_url(migrated_url), Store.from_url(migrated_url)
        da, db = RecordingDeliverer(clock), RecordingDeliverer(clock)
        try:
            await asyncio.gather(
                Dispatcher(a, da, clock=clock, worker_id="a", batch=7).drain(),
                Dispatcher(b, db, clock=clock, worker_id="b", batch=7).drain(),
            )
        finally:
            await a.dispose()
            await b.dispose()
        return ids, [p.reminder.id for p in da.posts + db.posts]

    ids, posted = asyncio.run(main())
    assert sorted(posted) == sorted(ids)


def test_stopping_releases_claims_not_yet_attempted(migrated_url: str) -> None:
    clock = FakeClock(T0)

    async def body(store: Store) -> None:
        await seed_due(store, 5)
        stop = asyncio.Event()

        def stop_after_first(reminder: ReminderInfo, payload: ReminderPayload) -> None:
            stop.set()
            return None

        deliverer = RecordingDeliverer(clock, rule=stop_after_first)
        dispatcher = Dispatcher(store, deliverer, clock=clock, batch=5)
        await asyncio.wait_for(dispatcher.run_forever(stop, poll_seconds=60), timeout=30)
        assert len(deliverer.posts) == 1
        rows = [r for r in await statuses(store) if r.dedupe_key.startswith("load:")]
        assert sorted(r.status for r in rows) == ["pending"] * 4 + ["sent"]
        assert all(r.attempts == 0 and r.claimed_by is None for r in rows if r.status == "pending")

    run(migrated_url, body)


# ---------------------------------------------------------------------- processes


def _spawn(url: str, posts: Path, worker: str, now: datetime, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            str(WORKER),
            url,
            str(posts),
            "--worker",
            worker,
            "--now",
            now.isoformat(),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc: subprocess.Popen, timeout: float = 120) -> int:
    out, errs = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, errs
    return int(out.strip().splitlines()[-1])


@pytest.mark.integration
def test_two_dispatcher_processes_deliver_200_prompts_exactly_once(
    migrated_url: str, tmp_path: Path
) -> None:
    ids = run(migrated_url, lambda store: seed_due(store, 200))
    posts = tmp_path / "posts.tsv"
    start_at = str(time.time() + 4.0)  # both processes have imported everything by then
    procs = [
        _spawn(
            migrated_url,
            posts,
            name,
            T0,
            "--start-at",
            start_at,
            "--delay",
            "0.01",  # 200 posts take one process ~2 s alone: the other surely joins in
            "--no-idempotency",  # the claim alone must prevent duplicates
        )
        for name in ("w1", "w2")
    ]
    handled = [_finish(p) for p in procs]
    lines = read_posts(posts)
    keys = [k for k, _ in lines]
    assert len(keys) == 200
    assert len(set(keys)) == 200, "a prompt was posted twice"
    assert set(keys) == set(ids)
    assert sum(handled) == 200
    by_worker = {w for _, w in lines}
    assert by_worker == {"w1", "w2"}, "both processes should have delivered some"
    rows = run(migrated_url, statuses)
    assert sorted({r.status for r in rows if r.id in set(ids)}) == ["sent"]


@pytest.mark.integration
def test_a_killed_dispatcher_is_taken_over_without_duplicates(
    migrated_url: str, tmp_path: Path
) -> None:
    """SIGKILL mid-batch, right after a post and before it was marked sent."""
    ids = run(migrated_url, lambda store: seed_due(store, 30))
    posts, skipped = tmp_path / "posts.tsv", tmp_path / "skipped.tsv"

    victim = _spawn(migrated_url, posts, "victim", T0, "--batch", "10", "--hang-after", "5")
    deadline = time.monotonic() + 60
    while len(read_posts(posts)) < 5:
        assert victim.poll() is None, victim.communicate()[1]
        assert time.monotonic() < deadline, "the victim never posted 5 prompts"
        time.sleep(0.05)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)

    rows = {r.id: r for r in run(migrated_url, statuses)}
    assert sum(rows[i].status == "sent" for i in ids) == 4
    assert sum(rows[i].status == "claimed" for i in ids) == 6  # the 5th was posted, not marked
    assert sum(rows[i].status == "pending" for i in ids) == 20

    # restarted within the lease: the pending ones go out, the victim's claims wait
    early = _spawn(
        migrated_url, posts, "early", T0 + timedelta(minutes=1), "--skipped", str(skipped)
    )
    assert _finish(early) == 20
    # after the lease: the victim's six are taken over; the one it posted is recognized
    late = _spawn(migrated_url, posts, "late", T0 + timedelta(minutes=6), "--skipped", str(skipped))
    assert _finish(late) == 6

    keys = [k for k, _ in read_posts(posts)]
    assert sorted(keys) == sorted(ids), "each prompt posted exactly once"
    assert [k for k, _ in read_posts(skipped)] == [keys[4]]  # the idempotency key saved it
    rows = {r.id: r for r in run(migrated_url, statuses)}
    assert all(rows[i].status == "sent" for i in ids)
    assert sorted(rows[i].attempts for i in ids) == [1] * 24 + [2] * 6


# ---------------------------------------------------------------------- the CLI


def test_cli_reminders_run_once(migrated_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.cli import app
    from bot.config import get_settings

    # an interview two years ago: every prompt is overdue by the real clock
    clock = FakeClock(datetime(2024, 1, 12, 18, 0, tzinfo=UTC))
    run(
        migrated_url,
        lambda store: log(ReflectionService(store, clock=clock), happened_at=la(2024, 1, 12, 9, 0)),
    )
    monkeypatch.setenv("EC_DATABASE_URL", migrated_url)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    get_settings.cache_clear()
    CLI_POSTS.clear()
    try:
        runner = CliRunner()
        missing = runner.invoke(app, ["reminders", "run", "--once"])
        assert missing.exit_code == 1
        assert "SLACK_BOT_TOKEN" in missing.output and "Nothing was delivered" in missing.output
        assert all(r.status == "pending" for r in run(migrated_url, statuses))

        bad = runner.invoke(app, ["reminders", "run", "--once", "--deliverer", "nope"])
        assert bad.exit_code == 2

        ok = runner.invoke(
            app,
            ["reminders", "run", "--once", "--deliverer", "dispatch_kit:build_test_deliverer"],
        )
        assert ok.exit_code == 0, ok.output
        assert "handled 4 due reminder(s)" in ok.output
        assert sorted(CLI_POSTS[-1].kinds()) == sorted(
            ["exact_words", "reflection", "team_gathering", "second_round"]
        )
        again = runner.invoke(
            app,
            ["reminders", "run", "--once", "--deliverer", "dispatch_kit:build_test_deliverer"],
        )
        assert "handled 0 due reminder(s)" in again.output
    finally:
        get_settings.cache_clear()


@pytest.mark.integration
def test_cli_reminders_run_delivers_then_stops_on_sigterm(migrated_url: str) -> None:
    clock = FakeClock(datetime(2024, 1, 12, 18, 0, tzinfo=UTC))
    run(
        migrated_url,
        lambda store: log(ReflectionService(store, clock=clock), happened_at=la(2024, 1, 12, 9)),
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(WORKER.parent), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop("SLACK_BOT_TOKEN", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot",
            "reminders",
            "run",
            "--url",
            migrated_url,
            "--poll",
            "0.2",
            "--deliverer",
            "dispatch_kit:build_test_deliverer",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            rows = run(migrated_url, statuses)
            if rows and all(r.status == "sent" for r in rows):
                break
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline, [r.status for r in rows]
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        _, errs = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, errs
    assert "dispatcher" in errs and "stopped" in errs
