"""Durable, exactly-once delivery of reminders (issue 5, "Durable, exactly-once delivery").

Reminders are rows in the store's ``reminders`` table (created by
:mod:`bot.services.interviews`). A :class:`Dispatcher` claims the due ones,
asks :func:`bot.services.payloads.build_payload` what to post, hands each to
the :class:`Deliverer` of the reminder's platform (Slack's is
``bot/slack/deliver.py``, Teams' ``bot/teams/deliver.py``) and records the
outcome. A dispatcher claims only the reminders of the platforms it has a
deliverer for, so a Teams reminder never reaches Slack and vice versa. It
runs inside ``empathy-coach serve`` and alone as ``empathy-coach reminders
run``; any number of dispatchers may share one database.

How a reminder moves::

    pending --claim--> claimed --post ok--------------> sent
       ^                  |----permanent error--------> failed (+ one notice to the interviewer)
       |                  |----transient error--------> pending, due later (backoff)
       |                  |----nothing to say---------> cancelled
       +--lease expired (the dispatcher died)-- claimed

The design (the atomic claim statement, the fencing that makes a post
exactly-once and the window that remains, failures and backoff, why a claim
loop over our own table rather than a job library, clocks) is written down in
``docs/architecture.md``, "Reminders: exactly-once delivery".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict

from bot import metrics
from bot.presenters.reflection import gave_up
from bot.services.payloads import build_payload
from bot.services.results import PromptObsolete, ReminderInfo, ReminderPayload
from bot.store import ReminderRow, Store, UnitOfWork

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_BATCH",
    "DEFAULT_LEASE",
    "DEFAULT_MAX_ATTEMPTS",
    "DEFAULT_POLL_SECONDS",
    "Deliverer",
    "DeliveryResult",
    "Dispatcher",
    "default_worker_id",
]

DEFAULT_BATCH = 20
"""Reminders claimed per batch (the brief). Delivered one after another, so a
batch takes at most ``DEFAULT_BATCH x`` the slowest post; 20 Slack posts fit
easily in the lease."""

DEFAULT_LEASE = timedelta(minutes=5)
"""How long a claim lasts (the brief): a crashed dispatcher's reminders go out
again at most this long after the crash. Each reminder's claim is renewed
right before it is posted, so the lease only has to cover one post."""

DEFAULT_MAX_ATTEMPTS = 10
"""Claims of one reminder before it is marked failed. With the default backoff
(1, 2, 4 … minutes, at most 1 hour) that is about four hours of retrying,
enough to ride out a typical platform incident."""

DEFAULT_POLL_SECONDS = 15.0
"""How often (seconds) :meth:`Dispatcher.run_forever` looks for due reminders
when the last batch was not full. Prompts are placed in working hours to the
minute, so a quarter-minute delay is invisible."""

_FINISH_TRIES = 3
"""Times the outcome of a post is written before giving up (database hiccups)."""


def default_worker_id() -> str:
    """A dispatcher id unique per process: ``<host>:<pid>:<random>``.

    Returns:
        At most 128 characters (the ``claimed_by`` column).
    """
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(4)}"


def _utcnow() -> datetime:
    return datetime.now(UTC)


class DeliveryResult(BaseModel):
    """What a :class:`Deliverer` reports for one post.

    Attributes:
        outcome: ``ok`` (posted), ``permanent`` (will never work as is: the
            reminder is marked failed and the interviewer told), or
            ``transient`` (try again later).
        reason: the platform's error code (Slack ``error``, e.g.
            ``not_in_channel``, ``ratelimited``), for failures.
        retry_after: seconds to wait before the next try (Slack's
            ``Retry-After`` header), for transient failures; None uses the
            dispatcher's backoff.
        ref: the platform's id of the posted message (Slack ``ts``), stored
            with the reminder.
    """

    model_config = ConfigDict(frozen=True)

    outcome: Literal["ok", "permanent", "transient"]
    reason: str | None = None
    retry_after: float | None = None
    ref: str | None = None

    @classmethod
    def ok(cls, ref: str | None = None) -> DeliveryResult:
        """A successful post (``ref``: the platform's message id)."""
        return cls(outcome="ok", ref=ref)

    @classmethod
    def permanent(cls, reason: str) -> DeliveryResult:
        """A post that will not work until someone acts (``reason``: the error code)."""
        return cls(outcome="permanent", reason=reason)

    @classmethod
    def transient(cls, reason: str, retry_after: float | None = None) -> DeliveryResult:
        """A post to try again later (``retry_after`` in seconds, if the platform said)."""
        return cls(outcome="transient", reason=reason, retry_after=retry_after)


@runtime_checkable
class Deliverer(Protocol):
    """Posts reminders on one chat platform (the Slack adapter implements it).

    Contract:

    * Post ``payload`` to ``payload.channel_id`` or as a DM to
      ``payload.user_id``, in workspace ``payload.workspace_id``.
    * Attach ``payload.idempotency_key`` to the post (Slack: message
      ``metadata``). When ``payload.redelivery`` is True an earlier attempt
      may already have posted: look for the key first and return
      :meth:`DeliveryResult.ok` without posting again if it is there.
    * Return :meth:`DeliveryResult.permanent` for errors a retry cannot fix
      (Slack ``channel_not_found``, ``not_in_channel``, ``is_archived``,
      ``user_not_found``, ``account_inactive`` …) and
      :meth:`DeliveryResult.transient` for the rest (``ratelimited`` with its
      ``Retry-After``, timeouts, 5xx). An exception counts as transient.
    * Do not log ``payload.text`` (it is scrubbed, but it is still what a
      family said).

    The object may also have an ``async aclose()`` method; the CLI calls it on exit,
    and a ``platform`` attribute (``"slack"``, ``"teams"``) naming the reminders it
    posts; without one it is taken to be Slack's (every reminder was, before Teams).
    """

    async def deliver(self, reminder: ReminderInfo, payload: ReminderPayload) -> DeliveryResult:
        """Post one reminder.

        Args:
            reminder: the claimed reminder (id, kind, target, attempts).
            payload: what to post.

        Returns:
            The :class:`DeliveryResult`.
        """
        ...


class Dispatcher:
    """Claims due reminders and delivers each exactly once (see the module docstring).

    Args:
        store: the database.
        deliverer: posts to the platform (:class:`Deliverer`; its ``platform``
            attribute, else ``"slack"``, says which reminders it takes), or a
            mapping platform -> deliverer for a dispatcher serving several. Only
            reminders of these platforms are claimed.
        clock: returns the current UTC time; tests inject one. Defaults to
            the system clock.
        worker_id: this dispatcher's id in ``claimed_by``; unique per process
            (:func:`default_worker_id` when None).
        batch: reminders claimed per :meth:`run_once` (:data:`DEFAULT_BATCH`).
        lease: how long a claim lasts (:data:`DEFAULT_LEASE`).
        max_attempts: claims before a reminder fails for good
            (:data:`DEFAULT_MAX_ATTEMPTS`).
        retry_base / retry_max: transient failures wait ``retry_base x
            2**(attempts-1)``, at most ``retry_max`` (defaults 1 minute and 1
            hour), or the platform's ``retry_after`` when longer.
        delivery_timeout: seconds one post may take before it counts as a
            transient ``timeout`` (it may still have posted: the next attempt
            is a redelivery); None means half the lease, so a post always ends
            well before its claim could be taken over.

    Raises:
        ValueError: ``batch`` < 1, a non-positive lease, a timeout not
            shorter than the lease, or no deliverer.
    """

    def __init__(
        self,
        store: Store,
        deliverer: Deliverer | Mapping[str, Deliverer],
        *,
        clock: Callable[[], datetime] = _utcnow,
        worker_id: str | None = None,
        batch: int = DEFAULT_BATCH,
        lease: timedelta = DEFAULT_LEASE,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        retry_base: timedelta = timedelta(minutes=1),
        retry_max: timedelta = timedelta(hours=1),
        delivery_timeout: float | None = None,
    ) -> None:
        if batch < 1:
            raise ValueError("batch must be at least 1")
        if lease <= timedelta(0):
            raise ValueError("lease must be positive")
        timeout = lease.total_seconds() / 2 if delivery_timeout is None else delivery_timeout
        if not 0 < timeout < lease.total_seconds():
            raise ValueError("delivery_timeout must be positive and shorter than the lease")
        self._store = store
        if isinstance(deliverer, Mapping):
            self._deliverers: dict[str, Deliverer] = dict(deliverer)
        else:
            self._deliverers = {str(getattr(deliverer, "platform", "slack")): deliverer}
        if not self._deliverers:
            raise ValueError("a dispatcher needs at least one deliverer")
        self._clock = clock
        self.worker_id = (worker_id or default_worker_id())[:128]
        self.batch = batch
        self.lease = lease
        self.max_attempts = max(1, max_attempts)
        self._retry_base = retry_base
        self._retry_max = retry_max
        self._timeout = timeout
        self._stop: asyncio.Event | None = None

    @property
    def platforms(self) -> frozenset[str]:
        """The platforms whose reminders this dispatcher claims."""
        return frozenset(self._deliverers)

    # ------------------------------------------------------------------ the loop

    async def run_once(self) -> int:
        """Claim one batch of due reminders and handle each.

        Returns:
            How many reminders were claimed and handled (sent, failed,
            retried later or cancelled). Fewer than ``batch`` means nothing
            else is due right now.

        Raises:
            sqlalchemy.exc.SQLAlchemyError: the database is unreachable while
                claiming (nothing was claimed). Errors after the claim are
                logged; the claims then expire and are taken over.
        """
        now = self._clock()
        async with self._store.unit_of_work() as uow:
            rows = await uow.reminders.claim_due(
                worker_id=self.worker_id,
                now=now,
                lease=self.lease,
                limit=self.batch,
                platforms=self.platforms,
            )
        if rows:
            metrics.REMINDERS.labels("due").inc(len(rows))
            log.debug("dispatcher %s claimed %d reminder(s)", self.worker_id, len(rows))
        for index, row in enumerate(rows):
            if self._stop is not None and self._stop.is_set():
                await self._release(rows[index:])
                return index
            try:
                await self._handle(row)
            except asyncio.CancelledError:
                raise
            except Exception:
                # The claim stays and expires; another run takes it over.
                log.exception("reminder %s could not be handled", row.id)
        return len(rows)

    async def drain(self, *, max_batches: int = 10_000) -> int:
        """Run :meth:`run_once` until nothing is due (``reminders run --once``).

        Args:
            max_batches: a safety bound on the number of batches.

        Returns:
            How many reminders were handled in total.
        """
        total = 0
        for _ in range(max_batches):
            handled = await self.run_once()
            total += handled
            if handled < self.batch:
                break
        return total

    async def run_forever(
        self, stop_event: asyncio.Event, poll_seconds: float = DEFAULT_POLL_SECONDS
    ) -> None:
        """Deliver due reminders until ``stop_event`` is set.

        A full batch is followed at once by the next; otherwise it waits
        ``poll_seconds`` (or until stopped). A database outage is logged and
        retried at the next poll. When stopped mid-batch, the reminders not
        yet attempted are released at once for other dispatchers.

        Args:
            stop_event: set it to stop (e.g. from a signal handler).
            poll_seconds: seconds between looks when idle.
        """
        self._stop = stop_event
        log.info("reminder dispatcher %s started", self.worker_id)
        try:
            while not stop_event.is_set():
                try:
                    handled = await self.run_once()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.warning("reminder dispatcher: %s (retrying)", type(exc).__name__)
                    handled = 0
                if handled >= self.batch:
                    await asyncio.sleep(0)
                    continue
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop_event.wait(), timeout=poll_seconds)
        finally:
            self._stop = None
            log.info("reminder dispatcher %s stopped", self.worker_id)

    # ------------------------------------------------------------------ one reminder

    async def _handle(self, claimed: ReminderRow) -> None:
        now = self._clock()
        async with self._store.unit_of_work() as uow:
            row = await uow.reminders.renew(
                claimed.workspace_id,
                claimed.id,
                worker_id=self.worker_id,
                now=now,
                lease=self.lease,
            )
            if row is None:
                log.warning("reminder %s: claim lost before posting; not posted", claimed.id)
                return
            if row.attempts > self.max_attempts:
                await self._fail(uow, row, "too_many_attempts", now)
                return
            try:
                payload = await build_payload(uow, row)
            except PromptObsolete as exc:
                await uow.reminders.finish(
                    row.workspace_id,
                    row.id,
                    worker_id=self.worker_id,
                    status="cancelled",
                    reason=exc.reason,
                    now=now,
                )
                log.info("reminder %s (%s) cancelled: %s", row.id, row.kind, exc.reason)
                return
        info = ReminderInfo.model_validate(row)
        deliverer = self._deliverers.get(row.platform)
        if deliverer is None:  # claimed by platform, so only a row changed meanwhile
            await self._release([row])
            return
        try:
            result = await asyncio.wait_for(deliverer.deliver(info, payload), timeout=self._timeout)
        except asyncio.CancelledError:
            raise
        except TimeoutError:
            result = DeliveryResult.transient("timeout")
        except Exception as exc:
            result = DeliveryResult.transient(type(exc).__name__)
        await self._record(row, result)

    async def _record(self, row: ReminderRow, result: DeliveryResult) -> None:
        """Write a post's outcome (the short transaction right after the post)."""
        done = False
        for attempt in range(1, _FINISH_TRIES + 1):
            try:
                async with self._store.unit_of_work() as uow:
                    done = await self._apply(uow, row, result)
                break
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if attempt == _FINISH_TRIES:
                    log.error(
                        "reminder %s: outcome %s not recorded (%s); it will be redelivered "
                        "with its idempotency key after the lease",
                        row.id,
                        result.outcome,
                        type(exc).__name__,
                    )
                    return
                await asyncio.sleep(0.2 * attempt)
        if not done:
            log.warning(
                "reminder %s: claim was taken over while posting (outcome %s); the other "
                "dispatcher redelivers it with the same idempotency key",
                row.id,
                result.outcome,
            )

    async def _apply(self, uow: UnitOfWork, row: ReminderRow, result: DeliveryResult) -> bool:
        now = self._clock()
        if result.outcome == "ok":
            done = await uow.reminders.finish(
                row.workspace_id,
                row.id,
                worker_id=self.worker_id,
                status="sent",
                ref=result.ref,
                now=now,
            )
            if done:
                metrics.REMINDERS.labels("sent").inc()
                log.info("reminder %s (%s) sent", row.id, row.kind)
            return done
        reason = (result.reason or "unknown_error").strip()[:200] or "unknown_error"
        if result.outcome == "permanent":
            return await self._fail(uow, row, reason, now)
        if row.attempts >= self.max_attempts:
            return await self._fail(uow, row, gave_up(reason, row.attempts), now)
        wait = min(self._retry_base * 2 ** max(row.attempts - 1, 0), self._retry_max)
        if result.retry_after is not None:
            wait = max(wait, timedelta(seconds=max(result.retry_after, 0.0)))
        done = await uow.reminders.finish(
            row.workspace_id,
            row.id,
            worker_id=self.worker_id,
            status="pending",
            reason=reason,
            due_at=now + wait,
            now=now,
        )
        if done:
            log.info(
                "reminder %s (%s): %s; retrying in %ds",
                row.id,
                row.kind,
                reason,
                int(wait.total_seconds()),
            )
        return done

    async def _fail(self, uow: UnitOfWork, row: ReminderRow, reason: str, now: datetime) -> bool:
        """Mark one reminder failed and, for a channel post, queue one notice."""
        done = await uow.reminders.finish(
            row.workspace_id,
            row.id,
            worker_id=self.worker_id,
            status="failed",
            reason=reason,
            now=now,
        )
        if not done:
            return False
        metrics.REMINDERS.labels("failed").inc()
        log.warning("reminder %s (%s) failed: %s", row.id, row.kind, reason)
        if row.kind != "delivery_failed" and row.channel_id and row.user_id:
            await uow.reminders.add_if_absent(
                row.workspace_id,
                dedupe_key=f"notice:{row.id}",
                kind="delivery_failed",
                due_at=now,
                interview_id=row.interview_id,
                user_id=row.user_id,
                tz=row.tz,
                data={
                    "reminder_id": row.id,
                    "kind": row.kind,
                    "channel_id": row.channel_id,
                    "reason": reason,
                },
                now=now,
                platform=row.platform,
            )
        return True

    async def _release(self, rows: list[ReminderRow]) -> None:
        now = self._clock()
        with contextlib.suppress(Exception):
            async with self._store.unit_of_work() as uow:
                for row in rows:
                    await uow.reminders.release(
                        row.workspace_id, row.id, worker_id=self.worker_id, now=now
                    )
