"""Durable handling of messages and debriefs: claim, hold, answer, finish; redo what a dead
process left (issue 10, "no turn lost").

Platform-neutral. A platform adapter builds a :class:`~bot.services.claims.PendingWork`
for each incoming message and calls :meth:`DurableChat.handle`; ``serve`` runs
:meth:`DurableChat.run_forever` beside the app with a function that builds the
platform's outbox for a piece of work. The guarantees:

- the message and its claim are stored in one transaction before anything is answered;
- while it is answered the claim's lease is renewed; a holder that dies lets it lapse
  within one lease (``EC_CLAIM_LEASE``), then the recovery here (or the platform's own
  redelivery) takes it over and redoes it, saying first that the reply was delayed;
- a turn is saved with the message's key, so a redo after the save re-sends the saved
  reply and never asks the model again: a message is answered once;
- after :data:`~bot.services.claims.MAX_ATTEMPTS` holders the user is told plainly and
  the claim is given up, never looped on.

The remaining window: the claim is finished right after the reply is posted, so a
process that dies in the milliseconds between the post and the finish makes the
redo post the (same, saved) reply again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta

from bot import metrics
from bot.presenters import practice as say
from bot.presenters.views import Notice
from bot.services.claims import MAX_ATTEMPTS, Claim, PendingWork, WorkClaims, when_replied
from bot.services.conversation import PracticeChat
from bot.services.ports import Outbox
from bot.store import StoreUnavailable

__all__ = ["DurableChat", "OutboxFor"]

log = logging.getLogger(__name__)

DEFAULT_EVENT_RETENTION_HOURS = 48.0
"""Hours a handled event key is kept without settings (``EC_EVENT_RETENTION_HOURS``):
Slack retries a delivery within minutes, so two days is ample."""

PRUNE_EVERY = 3600.0
"""Seconds between two deletions of old event keys by :meth:`DurableChat.run_forever`."""

OutboxFor = Callable[[PendingWork], Outbox]
"""Builds the platform's outbox for a piece of work (the recovery has no request)."""


class DurableChat:
    """Claims, answers and recovers staff messages and debriefs.

    Args:
        chat: the practice conversation.
        claims: the durable claims (``chat.sessions.claims`` when None).
        max_attempts: holders a claim may have before it is given up.
        event_retention: how long a handled event key is kept (None:
            ``EC_EVENT_RETENTION_HOURS`` of the sessions' settings, 48 hours);
            :meth:`run_forever` deletes older handled keys.
        prune_every: seconds between those deletions (the first at start-up).
    """

    def __init__(
        self,
        chat: PracticeChat,
        claims: WorkClaims | None = None,
        *,
        max_attempts: int = MAX_ATTEMPTS,
        event_retention: timedelta | None = None,
        prune_every: float = PRUNE_EVERY,
    ) -> None:
        self.chat = chat
        self.claims = claims or chat.sessions.claims
        self.max_attempts = max_attempts
        if event_retention is None:
            settings = chat.sessions.settings
            hours = settings.event_retention_hours if settings else DEFAULT_EVENT_RETENTION_HOURS
            event_retention = timedelta(hours=hours)
        self.event_retention = event_retention
        self.prune_every = prune_every
        self._next_prune = 0.0

    async def prune_events(self) -> int:
        """Delete the handled event keys older than :attr:`event_retention`, in batches.

        Returns:
            How many were deleted.
        """
        deleted = await self.chat.sessions.store.prune_events(self.event_retention)
        if deleted:
            log.info("pruned %d handled event keys", deleted)
        return deleted

    async def _prune_when_due(self) -> None:
        now = asyncio.get_running_loop().time()
        if now < self._next_prune:
            return
        self._next_prune = now + self.prune_every
        try:
            await self.prune_events()
        except Exception as exc:  # housekeeping: the next round tries again
            log.warning("pruning handled event keys failed: %s", type(exc).__name__)

    async def handle(self, outbox: Outbox, work: PendingWork) -> bool:
        """Claim a new message (or a dead holder's) and answer it.

        Args:
            outbox: the platform's outbox for the request.
            work: the message, its keys and where it came from.

        Returns:
            False for a duplicate (done, or being answered by a live holder).

        Raises:
            bot.store.StoreUnavailable: the claim could not be stored (tell the user).
        """
        claim = await self.claims.claim(work)
        if claim is None:
            log.info("duplicate delivery of %s ignored", work.keys[0].split(":", 1)[0])
            return False
        await self.run(outbox, claim)
        return True

    async def run(self, outbox: Outbox, claim: Claim) -> None:
        """Do the claimed work under its renewed lease, then finish the claim.

        A redo first says the reply was delayed; past ``max_attempts`` the user
        is told plainly and the claim is given up. When the work raises, the
        claim is let go (not done) so the recovery tries again, and the error
        propagates.
        """
        work = claim.work
        ref = work.ref
        if claim.attempts > self.max_attempts:
            log.error("giving up %s after %s attempts", work.kind, claim.attempts - 1)
            await outbox.send(ref, Notice(say.GAVE_UP, icon="warning"))
            await self.claims.finish(claim)
            return
        try:
            with metrics.PENDING_TURNS.track_inprogress():
                async with self.claims.held(claim):
                    if claim.redo:
                        log.info("redoing a %s (attempt %s)", work.kind, claim.attempts)
                        await outbox.send(ref, Notice(say.REPLY_DELAYED, icon="info"))
                    if work.kind == "debrief":
                        assert work.session_id is not None
                        await self.chat.post_debrief(outbox, ref, work.session_id)
                    else:
                        finished = False

                        async def finish_now() -> None:
                            nonlocal finished
                            await self.claims.finish(claim)
                            finished = True

                        with when_replied(finish_now):
                            await self.chat.handle_message(
                                outbox,
                                ref,
                                work.text,
                                has_files=work.has_files,
                                message_id=work.message_id,
                                message_key=claim.key,
                            )
                        if finished:
                            return
                    await self.claims.finish(claim)
        except BaseException:
            try:
                await asyncio.shield(self.claims.release(claim))
            except Exception as exc:  # it lapses by itself within one lease
                log.warning("could not release a failed claim: %s", type(exc).__name__)
            raise

    async def recover_once(self, outbox_for: OutboxFor, *, limit: int = 20) -> list[Claim]:
        """Take over the claims whose holder died and redo them (concurrently).

        Args:
            outbox_for: builds the platform's outbox for a piece of work.
            limit: at most this many claims per call.

        Returns:
            The claims redone (failures are logged).
        """
        claims = await self.claims.take_over_lapsed(limit)
        if not claims:
            return []
        results = await asyncio.gather(
            *(self.run(outbox_for(c.work), c) for c in claims), return_exceptions=True
        )
        for claim, result in zip(claims, results, strict=True):
            if isinstance(result, BaseException):
                log.error("redo of a %s failed", claim.work.kind, exc_info=result)
        return claims

    async def run_forever(
        self, outbox_for: OutboxFor, halt: asyncio.Event, *, interval: float = 5.0
    ) -> None:
        """Recover at once, then every ``interval`` seconds until ``halt`` is set.

        Args:
            outbox_for: builds the platform's outbox for a piece of work.
            halt: set it to stop (work in flight finishes first).
            interval: seconds between looks.
        """
        log.info("recovery of interrupted replies started")
        while not halt.is_set():
            await self._prune_when_due()
            try:
                await self.recover_once(outbox_for)
            except StoreUnavailable as exc:
                log.warning("recovery skipped a round: %s", exc)
            except Exception:
                log.exception("recovery round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(halt.wait(), interval)
        log.info("recovery of interrupted replies stopped")
