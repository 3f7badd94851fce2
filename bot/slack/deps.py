"""What the Slack listeners share: the services (:class:`SlackDeps`) and background work.

Kept apart from :mod:`bot.slack.app` so that the listeners and the app that
registers them import this module, not each other.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.core.persona import Persona
from bot.services.conversation import PracticeChat
from bot.services.recovery import DurableChat

if TYPE_CHECKING:
    from bot.services.coaching import Coaching
    from bot.services.data_rights import DataRights
    from bot.services.reflection import ReflectionService
    from bot.services.review import ModelReviewerPort, ReviewMode
    from bot.services.sessions import PracticeSessions

__all__ = ["BackgroundTasks", "SlackDeps", "deps_of", "team_of", "utcnow"]

log = logging.getLogger(__name__)


class BackgroundTasks:
    """The work started after an acknowledgement: strong references, logged failures, drain.

    asyncio keeps only weak references to tasks, so a fire-and-forget task can
    vanish mid-flight; this set keeps each one until it finishes.
    """

    def __init__(self) -> None:
        """Start with no tasks."""
        self._tasks: set[asyncio.Task[Any]] = set()
        self.started = 0
        self.failed = 0

    def spawn(self, coro: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        """Run ``coro`` in the background.

        Args:
            coro: the work.
            name: a short label for logs (no user text, no secrets).

        Returns:
            The task (already referenced here; awaiting it is optional).
        """
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        self.started += 1
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            self.failed += 1
            log.error("background work %s failed", task.get_name(), exc_info=exc)

    def __len__(self) -> int:
        """Number of tasks still running."""
        return len(self._tasks)

    async def drain(self, timeout: float | None = None, *, settle: float = 0.0) -> bool:
        """Wait until no background work is left (tasks spawned meanwhile included).

        Args:
            timeout: most seconds to wait; None waits without limit.
            settle: seconds the set must stay empty before returning, so work a
                just-acknowledged request is about to start is waited for too.

        Returns:
            True when everything finished, False on timeout (tasks keep running).
        """
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            while self._tasks:
                left = None if deadline is None else deadline - loop.time()
                if left is not None and left <= 0:
                    return False
                await asyncio.wait(set(self._tasks), timeout=left)
            if settle <= 0:
                return True
            await asyncio.sleep(settle)
            if not self._tasks:
                return True

    async def cancel_all(self) -> None:
        """Cancel whatever is still running and wait for it to stop."""
        tasks = set(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)


def utcnow() -> datetime:
    """The system clock: the current time, aware, in UTC (the default clock).

    Returns:
        ``datetime.now(UTC)``.
    """
    return datetime.now(UTC)


@dataclass
class SlackDeps:
    """What the listeners need, handed to them through Bolt's ``context["coach"]``.

    Attributes:
        sessions: the persisted practice use cases.
        personas: persona id -> card, in gallery order.
        reflections: the after-interview use cases (log, reflect, team decisions).
        clock: the current UTC time (the log modal's "now"); tests inject the
            same clock as the reflection service's and the dispatcher's.
        tz_lookup_seconds: most seconds a ``users.info`` time-zone lookup may
            take before the stored (or default) zone is used: it runs before a
            modal opens or a submission is acknowledged, inside Slack's 3 s.
        tasks: background work started after acknowledgements.
        model_reviewer: the model reviewer for question lists, or None (rules only).
        review_mode: ``rules`` | ``hybrid`` | ``model`` for question lists.
        stream_buffer: characters buffered before each ``chat.appendStream``.
        status_enabled: call ``assistant.threads.setStatus`` while the caregiver answers.
        thread_lookup_waits: seconds to wait before each further lookup of a
            thread not (yet) tied to a session: a reply can arrive while the
            intro card's thread is still being stored.
        data_rights: export (Download transcript) and "delete my data", or None when
            not wired (then those buttons say they are unavailable).
        slow_status_after: seconds without a reply word before the status says the
            caregiver is taking a moment (half ``EC_MODEL_BUDGET``); None never.
        coaching: the coach use cases (roles, queue, transcripts, feedback); None
            lets :class:`~bot.services.conversation.PracticeChat` build one on the
            sessions' store (no ``EC_COACH_USER_IDS`` seeds). :attr:`coach` is the one in use.
        chat: the practice use cases (:class:`~bot.services.conversation.PracticeChat`)
            built from the fields above.
        durable: claims, answers and recovers messages
            (:class:`~bot.services.recovery.DurableChat`) over ``chat``.
    """

    sessions: PracticeSessions
    personas: Mapping[str, Persona]
    reflections: ReflectionService
    clock: Callable[[], datetime] = utcnow
    tz_lookup_seconds: float = 1.0
    tasks: BackgroundTasks = field(default_factory=BackgroundTasks)
    model_reviewer: ModelReviewerPort | None = None
    review_mode: ReviewMode = "rules"
    stream_buffer: int = 128
    status_enabled: bool = True
    thread_lookup_waits: tuple[float, ...] = (0.25, 0.5, 1.0, 2.0)
    data_rights: DataRights | None = None
    slow_status_after: float | None = None
    coaching: Coaching | None = None
    chat: PracticeChat = field(init=False)
    durable: DurableChat = field(init=False)

    def __post_init__(self) -> None:
        self.chat = PracticeChat(
            self.sessions,
            self.personas,
            model_reviewer=self.model_reviewer,
            review_mode=self.review_mode,
            thread_lookup_waits=self.thread_lookup_waits,
            status_enabled=self.status_enabled,
            slow_status_after=self.slow_status_after,
            coaching=self.coaching,
        )
        self.durable = DurableChat(self.chat)

    @property
    def coach(self) -> Coaching:
        """The coach use cases in use (the same object :attr:`chat` sends through)."""
        return self.chat.coaching


def deps_of(context: Any) -> SlackDeps:
    """The :class:`~bot.slack.deps.SlackDeps` a middleware put in Bolt's context.

    Args:
        context: Bolt's request context.

    Returns:
        The dependencies.
    """
    deps = context["coach"]
    assert isinstance(deps, SlackDeps)
    return deps


def team_of(body: dict[str, Any], context: Any = None) -> str:
    """The workspace (team) id of any Slack payload.

    Args:
        body: the request body (event callback, command, interaction).
        context: Bolt's context (its ``team_id`` is the fallback).

    Returns:
        The team id, or ``"unknown"`` when the payload names none.
    """
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    if not team:
        team = (
            (body.get("user") or {}).get("team_id") if isinstance(body.get("user"), dict) else None
        )
    if not team and context is not None:
        team = context.get("team_id")
    return str(team or "unknown")
