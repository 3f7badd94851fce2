"""Test doubles for the reminder dispatcher: a fake clock and fake deliverers.

``RecordingDeliverer`` keeps posts in memory (one process); ``FileDeliverer``
appends them to a shared file, so several dispatcher *processes* can be
checked for duplicates. Both model the platform side of the idempotency key:
on a redelivery they look for the key among the posts already made, the way
the Slack adapter looks for it in the message metadata of recent history.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from bot.services.dispatcher import DeliveryResult
from bot.services.reflection import ReminderInfo, ReminderPayload


class FakeClock:
    """A clock the test moves by hand (never slept).

    Args:
        start: the first time (aware).
    """

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move forward by ``timedelta(**delta)``; return the new time."""
        self.now += timedelta(**delta)
        return self.now


@dataclass
class Post:
    """One post the fake platform accepted."""

    at: datetime
    reminder: ReminderInfo
    payload: ReminderPayload


Rule = Callable[[ReminderInfo, ReminderPayload], DeliveryResult | None]


@dataclass
class RecordingDeliverer:
    """Records posts in memory; ``rule`` may answer a failure instead.

    Attributes:
        clock: when each post happened (the fake clock).
        rule: returns a :class:`DeliveryResult` to answer instead of posting,
            or None to post.
        posts: accepted posts, in order.
        calls: every call (reminder id, outcome).
        skipped: idempotency keys found already posted on a redelivery.
    """

    clock: Callable[[], datetime]
    rule: Rule | None = None
    posts: list[Post] = field(default_factory=list)
    calls: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    async def deliver(self, reminder: ReminderInfo, payload: ReminderPayload) -> DeliveryResult:
        """Post (record) or answer per ``rule``."""
        if payload.redelivery and any(
            p.payload.idempotency_key == payload.idempotency_key for p in self.posts
        ):
            self.skipped.append(payload.idempotency_key)
            self.calls.append((reminder.id, "ok"))
            return DeliveryResult.ok()
        result = self.rule(reminder, payload) if self.rule else None
        if result is None:
            self.posts.append(Post(self.clock(), reminder, payload))
            result = DeliveryResult.ok(ref=f"ts-{len(self.posts)}")
        self.calls.append((reminder.id, result.outcome))
        return result

    def kinds(self) -> list[str]:
        """The kinds of the accepted posts, in order."""
        return [p.reminder.kind for p in self.posts]


def read_posts(path: Path) -> list[tuple[str, str]]:
    """The (idempotency key, worker) lines of a :class:`FileDeliverer` file."""
    if not path.exists():
        return []
    out = []
    for line in path.read_text().splitlines():
        if line.strip():
            key, _, worker = line.partition("\t")
            out.append((key, worker))
    return out


class FileDeliverer:
    """Appends one line per post to a file shared by processes.

    Args:
        path: the posts file (``<idempotency key>\\t<worker>`` per line).
        worker: this process's name.
        hang_after: after writing this many posts, hang inside ``deliver``
            (after the post, before returning), so the process can be killed
            in the window between posting and marking the reminder sent.
        delay: seconds to wait after each post (interleaves two processes).
        check_idempotency: on a redelivery, skip a key already in the file.
        skipped_path: where to note the keys skipped that way.
    """

    def __init__(
        self,
        path: Path,
        worker: str,
        *,
        hang_after: int | None = None,
        delay: float = 0.0,
        check_idempotency: bool = True,
        skipped_path: Path | None = None,
    ) -> None:
        self.path = path
        self.worker = worker
        self.hang_after = hang_after
        self.delay = delay
        self.check = check_idempotency
        self.skipped_path = skipped_path
        self.count = 0

    @staticmethod
    def _append(path: Path, line: str) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode())
            os.fsync(fd)
        finally:
            os.close(fd)

    async def deliver(self, reminder: ReminderInfo, payload: ReminderPayload) -> DeliveryResult:
        """Append the post (or skip a redelivered one already posted)."""
        key = payload.idempotency_key
        if self.check and payload.redelivery and key in {k for k, _ in read_posts(self.path)}:
            if self.skipped_path is not None:
                self._append(self.skipped_path, f"{key}\t{self.worker}\n")
            return DeliveryResult.ok()
        self._append(self.path, f"{key}\t{self.worker}\n")
        self.count += 1
        if self.hang_after is not None and self.count >= self.hang_after:
            await asyncio.sleep(3600)  # killed here, between the post and "sent"
        if self.delay:
            await asyncio.sleep(self.delay)
        return DeliveryResult.ok()


def build_test_deliverer(settings: object) -> RecordingDeliverer:
    """A deliverer factory for ``reminders run --deliverer dispatch_kit:build_test_deliverer``.

    Posts are recorded in :data:`CLI_POSTS` (the CLI runs in-process in tests).
    """
    from datetime import UTC

    deliverer = RecordingDeliverer(clock=lambda: datetime.now(UTC))
    CLI_POSTS.append(deliverer)
    return deliverer


CLI_POSTS: list[RecordingDeliverer] = []
"""Deliverers built by :func:`build_test_deliverer`."""
