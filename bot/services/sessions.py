"""Practice sessions that persist: the use cases the Slack and Teams adapters call.

Platform-agnostic. An adapter parses an event, calls one method here, and
renders the plain result. Every method takes the tenant (``workspace_id``) and,
where a session is acted on, the acting user (``user_id``): a session owned by
another user raises :class:`NotYourSession` (so a tampered button value is
refused, and logged without secrets), and a session of another workspace is
simply not found (:class:`SessionNotFound`), so nothing crosses tenants.

Typical Slack flow::

    sessions = PracticeSessions(store)                   # one per process
    if not await sessions.claim_event(team_id, event_id):
        return                                           # a retry: already handled
    info = await sessions.start(team_id, user_id, "rosa", platform="slack",
                                channel_id=dm_channel)
    # post the intro card (its buttons carry info.id), then tie the thread to it:
    info = await sessions.attach_thread(team_id, user_id, info.id,
                                        channel_id=dm_channel, thread_id=card_ts)
    ...
    found = await sessions.find_by_thread(team_id, dm_channel, thread_id)
    turn = await sessions.take_turn(team_id, user_id, found.id, text, on_delta=push)
    debrief = await sessions.end(team_id, user_id, found.id)

A session survives a restart: its engine state is a JSON snapshot in the
store, so new :class:`PracticeSessions` objects on the same database continue
it with the same trust, disclosure and turn numbering.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import weakref
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.core.debrief import Debrief
from bot.core.persona import Persona
from bot.core.practice import PracticeEngine, PracticeSession, Turn
from bot.llm.tokens import estimate_cost, warm_up_in_background
from bot.personas import get_persona
from bot.presenters import practice as say
from bot.services.claims import DEFAULT_CLAIM_LEASE, WorkClaims
from bot.services.practice import DeltaCallback, ResetCallback
from bot.services.practice_backends import (
    DEFAULT_TURN_LEASE,
    ModelServiceFactory,
    ServiceFactory,
    turn_lease_for,
)
from bot.services.session_lease import Loader, SessionHold, hold_session
from bot.services.session_records import SessionRecords
from bot.services.session_results import (
    CoachRequestInfo,
    NotYourSession,
    Platform,
    SessionBusy,
    SessionEnded,
    SessionError,
    SessionInfo,
    SessionNotFound,
)
from bot.store import (
    PracticeSessionRow,
    SessionConflict,
    Store,
    ThreadInUse,
    TurnRow,
    UnitOfWork,
)

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_TURN_LEASE",
    "CoachRequestInfo",
    "ModelServiceFactory",
    "NotYourSession",
    "Platform",
    "PracticeSessions",
    "ServiceFactory",
    "SessionBusy",
    "SessionEnded",
    "SessionError",
    "SessionInfo",
    "SessionNotFound",
    "ThreadInUse",
    "turn_lease_for",
]

# ---------------------------------------------------------------------- the use cases


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _info(row: PracticeSessionRow) -> SessionInfo:
    return SessionInfo.model_validate(row)


class PracticeSessions(SessionRecords):
    """Persisted practice sessions: start, take turns, end, and the settings around them.

    One object per process is enough (it is safe for many concurrent
    sessions). Turns of one session are serialized: in-process by a
    per-session :class:`asyncio.Lock`, across processes by a short lease on
    the session row (taken atomically, see :meth:`take_turn`).

    Args:
        store: the database (:class:`bot.store.Store`).
        service_factory: builds the :class:`PracticeService` for a turn; the
            default is a :class:`ModelServiceFactory` on ``settings`` (inject
            one to share a model client with the rest of the app, or a fake in
            tests).
        settings: app settings for the default factory (None: from the environment).
        persona_loader: persona id -> card; :func:`bot.personas.get_persona`
            when None. Raises :class:`bot.personas.UnknownPersona` for an unknown id.
        clock: returns the current UTC time (tests inject one). Leases compare
            times from the processes' clocks, so keep them in sync (NTP).
        turn_lease: the session's turn lease (renewed every third of it while a
            turn works, so a dead holder frees the session within one lease); None
            means :func:`turn_lease_for` the settings (``EC_TURN_LEASE``, 30 s).
        lease_wait: how long (seconds) :meth:`take_turn` and :meth:`end` wait
            for another process's lease before raising :class:`SessionBusy`;
            None means ``turn_lease`` plus 5 seconds.
        claim_lease: the lease of durable work claims (:attr:`claims`); None means
            ``EC_CLAIM_LEASE`` (30 s).
        turn_concurrency: most turns answered at once in this process; the rest
            wait in order (``EC_TURN_CONCURRENCY``, 32).

    Attributes:
        claims: the durable work claims (:class:`~bot.services.claims.WorkClaims`).
    """

    def __init__(
        self,
        store: Store,
        *,
        service_factory: ServiceFactory | None = None,
        settings: Settings | None = None,
        persona_loader: Callable[[str], Persona] | None = None,
        clock: Callable[[], datetime] = _utcnow,
        turn_lease: timedelta | None = None,
        lease_wait: float | None = None,
        claim_lease: timedelta | None = None,
        turn_concurrency: int | None = None,
    ) -> None:
        self._store = store
        self._settings = settings
        self._owns_factory = service_factory is None
        self._factory: ServiceFactory = service_factory or ModelServiceFactory(settings)
        self._load_persona = persona_loader or get_persona
        self._clock = clock
        if turn_lease is None:
            turn_lease = turn_lease_for(settings)
        self._lease = turn_lease
        self._lease_wait = (
            turn_lease.total_seconds() + 5.0 if lease_wait is None else float(lease_wait)
        )
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._owner_tag = f"{os.getpid()}-{secrets.token_hex(4)}"
        if claim_lease is None:
            claim_lease = (
                timedelta(seconds=settings.claim_lease) if settings else DEFAULT_CLAIM_LEASE
            )
        self.claims = WorkClaims(store, lease=claim_lease, clock=clock)
        if turn_concurrency is None:
            turn_concurrency = settings.turn_concurrency if settings else 32
        self._slots = asyncio.Semaphore(turn_concurrency)
        if settings is not None and settings.model_configured:
            warm_up_in_background()  # the model's turns need the tokenizer: not in the first

    @property
    def store(self) -> Store:
        """The store these use cases write to."""
        return self._store

    @property
    def settings(self) -> Settings | None:
        """The settings given to the constructor (None: the defaults)."""
        return self._settings

    async def aclose(self) -> None:
        """Close what this object created (the default factory's model client).

        The store is not disposed: its owner does that (:meth:`Store.dispose`).
        """
        if self._owns_factory:
            closer = getattr(self._factory, "aclose", None)
            if closer is not None:
                await closer()

    # ------------------------------------------------------------------ helpers

    def _lock(self, session_id: str) -> asyncio.Lock:
        lock = self._locks.get(session_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[session_id] = lock
        return lock

    async def _owned(
        self, workspace_id: str, user_id: str, session_id: str, *, action: str
    ) -> PracticeSessionRow:
        async with self._store.unit_of_work() as uow:
            row = await uow.sessions.get(workspace_id, session_id)
        self._check_owner(row, workspace_id, user_id, session_id, action=action)
        assert row is not None
        return row

    def _leased(
        self, workspace_id: str, session_id: str, load: Loader | None = None
    ) -> AbstractAsyncContextManager[SessionHold]:
        """Hold the session's cross-process turn lease for the block (yields the hold)."""
        return hold_session(
            self._store,
            workspace_id,
            session_id,
            owner_tag=self._owner_tag,
            clock=self._clock,
            ttl=self._lease,
            wait=self._lease_wait,
            load=load,
        )

    # ------------------------------------------------------------------ use cases

    async def start(
        self,
        workspace_id: str,
        user_id: str,
        persona_id: str,
        *,
        platform: Platform,
        channel_id: str | None = None,
        thread_id: str | None = None,
        seed: int | None = None,
        conversation_ref: dict[str, object] | None = None,
    ) -> SessionInfo:
        """Start a session and store its (empty) engine snapshot.

        Args:
            workspace_id: the tenant.
            user_id: the staff member who will own it.
            persona_id: the caregiver card's id.
            platform: ``slack`` | ``teams`` | ``cli``.
            channel_id: the conversation, if already known.
            thread_id: the thread, if already known (else set it later with
                :meth:`attach_thread`, e.g. once the intro card is posted).
            seed: session seed; a random 31-bit seed when None, so two practice
                runs with one persona differ.
            conversation_ref: platform extras (e.g. Teams ``serviceUrl``).

        Returns:
            The new :class:`SessionInfo` (status ``active``, 0 turns).

        Raises:
            bot.personas.UnknownPersona: no card with that id.
            ThreadInUse: another session already uses this (channel, thread).
        """
        persona = self._load_persona(persona_id)
        if seed is None:
            seed = secrets.randbelow(2**31)
        snapshot = PracticeEngine(persona, seed=seed).snapshot()
        async with self._store.unit_of_work() as uow:
            row = await uow.sessions.add(
                workspace_id=workspace_id,
                user_id=user_id,
                persona_id=persona.id,
                platform=platform,
                channel_id=channel_id,
                thread_id=thread_id,
                seed=seed,
                snapshot=snapshot.model_dump(mode="json"),
                conversation_ref=conversation_ref,
                now=self._clock(),
            )
        log.info("session %s started (workspace %s, persona %s)", row.id, workspace_id, persona.id)
        return _info(row)

    async def attach_thread(
        self,
        workspace_id: str,
        user_id: str,
        session_id: str,
        *,
        channel_id: str,
        thread_id: str,
        conversation_ref: dict[str, object] | None = None,
    ) -> SessionInfo:
        """Tie a session to the conversation thread its messages arrive in.

        Args:
            workspace_id: the tenant.
            user_id: the acting user (must own the session).
            session_id: the session.
            channel_id: the conversation id.
            thread_id: the thread id (e.g. the intro card's ``ts``).
            conversation_ref: platform extras to store, or None to keep them.

        Returns:
            The updated :class:`SessionInfo`.

        Raises:
            SessionNotFound: no such session in this workspace.
            NotYourSession: ``user_id`` does not own it.
            ThreadInUse: another session already uses this (channel, thread).
        """
        async with self._store.unit_of_work() as uow:
            row = await uow.sessions.get(workspace_id, session_id, for_update=True)
            self._check_owner(row, workspace_id, user_id, session_id, action="attach_thread")
            assert row is not None
            row = await uow.sessions.set_thread(
                workspace_id,
                session_id,
                channel_id=channel_id,
                thread_id=thread_id,
                conversation_ref=conversation_ref,
                now=self._clock(),
            )
        return _info(row)

    async def get(self, workspace_id: str, user_id: str, session_id: str) -> SessionInfo:
        """Return one session of its owner.

        Args:
            workspace_id: the tenant.
            user_id: the acting user (must own the session).
            session_id: the session.

        Returns:
            Its :class:`SessionInfo`.

        Raises:
            SessionNotFound: no such session in this workspace.
            NotYourSession: ``user_id`` does not own it.
        """
        return _info(await self._owned(workspace_id, user_id, session_id, action="get"))

    async def find_by_thread(
        self, workspace_id: str, channel_id: str, thread_id: str
    ) -> SessionInfo | None:
        """Find the session a thread belongs to (active or ended).

        No ownership check here (an incoming message names no session); the
        adapter passes the message author as ``user_id`` to :meth:`take_turn`,
        which refuses anyone but the owner.

        Args:
            workspace_id: the tenant.
            channel_id: the conversation id.
            thread_id: the thread id.

        Returns:
            The :class:`SessionInfo`, or None when the thread is not a practice thread.
        """
        async with self._store.unit_of_work() as uow:
            row = await uow.sessions.find_by_thread(workspace_id, channel_id, thread_id)
        return _info(row) if row is not None else None

    async def turns(self, workspace_id: str, user_id: str, session_id: str) -> list[Turn]:
        """Return the recorded turns of a session, oldest first.

        Args:
            workspace_id: the tenant.
            user_id: the acting user (must own the session).
            session_id: the session.

        Returns:
            The :class:`~bot.core.practice.Turn` list from the stored snapshot.

        Raises:
            SessionNotFound: no such session in this workspace.
            NotYourSession: ``user_id`` does not own it.
        """
        row = await self._owned(workspace_id, user_id, session_id, action="turns")
        return PracticeSession.model_validate(row.snapshot).turns

    async def take_turn(
        self,
        workspace_id: str,
        user_id: str,
        session_id: str,
        text: str,
        on_delta: DeltaCallback | None = None,
        *,
        on_reset: ResetCallback | None = None,
        message_key: str | None = None,
    ) -> Turn:
        """Answer one staff message in a stored session and persist the turn.

        Loads the snapshot, restores the engine, builds a service with the
        factory, takes the turn (a model outage is absorbed by the scripted
        fallback and noted in ``Turn.note``), then writes the turn row and the
        new snapshot in one transaction. Turns of one session are serialized:
        a per-session lock in this process, and across processes a lease on the
        session row taken with one atomic ``UPDATE … WHERE lease is free``
        (the write transaction also re-reads the row ``FOR UPDATE`` on
        PostgreSQL and checks that no other turn was recorded meanwhile). No
        database transaction or pooled connection is held while the caregiver's
        reply is produced. When the turn fails, nothing is stored and the next
        message starts from the same state.

        Args:
            workspace_id: the tenant.
            user_id: the message author (must own the session).
            session_id: the session.
            text: the staff message exactly as typed.
            on_delta: receives each reply delta (sync or async), for streaming.
            on_reset: called when a failed model stream is replaced by the
                fallback after deltas were shown (clear them).
            message_key: the message's claim key. The turn is stored with it, and
                when a turn with this key was already saved (a holder died after
                saving, before posting) that turn is returned without asking the
                model again: a message is never answered twice.

        Returns:
            The recorded :class:`~bot.core.practice.Turn` (1-based ``index``
            continuing the stored numbering).

        Raises:
            SessionNotFound: no such session in this workspace.
            NotYourSession: ``user_id`` does not own it.
            SessionEnded: the session has ended.
            SessionBusy: another process held the session longer than
                ``lease_wait``, or (rarely) this turn took longer than
                ``turn_lease`` and another process went on meanwhile; nothing
                was stored, the staff member should send the message again.
            Exception: a bug in the responder or engine (model failures are
                absorbed); nothing was stored.
        """

        async def load(
            uow: UnitOfWork, acquired: bool
        ) -> tuple[PracticeSessionRow, TurnRow | None]:
            # One transaction takes the lease and reads the session (issue 13): the
            # owner check refuses a stranger at once, holder or not, as before.
            row = await uow.sessions.get(workspace_id, session_id)
            self._check_owner(row, workspace_id, user_id, session_id, action="take_turn")
            assert row is not None
            saved = (
                await uow.turns.for_message(workspace_id, session_id, message_key)
                if message_key and acquired
                else None
            )
            return row, saved

        async with (
            self._lock(session_id),
            self._slots,
            self._leased(workspace_id, session_id, load) as hold,
        ):
            token = hold.token
            row, saved = hold.loaded
            if saved is not None:
                log.info("turn %s of session %s was saved: re-sent", saved.turn_index, session_id)
                return PracticeSession.model_validate(row.snapshot).turns[saved.turn_index - 1]
            if row.status != "active":
                raise SessionEnded(say.SESSION_ENDED)
            persona = self._load_persona(row.persona_id)
            snapshot = PracticeSession.model_validate(row.snapshot)
            engine = PracticeEngine.restore(persona, snapshot)
            service = await self._factory(persona, engine)
            turn = await service.take_turn(text, on_delta, on_reset=on_reset)
            new_snapshot = engine.snapshot().model_dump(mode="json")
            try:
                async with self._store.unit_of_work() as uow:
                    await uow.sessions.save_turn(
                        workspace_id,
                        session_id,
                        lease_token=token,
                        expected_turns=len(snapshot.turns),
                        index=turn.index,
                        staff=turn.staff,
                        caregiver=turn.caregiver,
                        review=turn.review.model_dump(mode="json"),
                        note=turn.note,
                        mode=turn.mode,
                        prompt_tokens=turn.usage.prompt_tokens,
                        completion_tokens=turn.usage.completion_tokens,
                        snapshot=new_snapshot,
                        now=self._clock(),
                        message_key=message_key,
                        release_lease=True,
                    )
                hold.released = True  # committed with the turn: one transaction fewer
            except SessionConflict as exc:
                # Only when this turn outlived its lease (longer than turn_lease)
                # and another process went on, or the session ended meanwhile.
                log.warning("turn of session %s not saved: %s", session_id, exc)
                raise SessionBusy(say.SESSION_MOVED_ON) from exc
        return turn

    async def end(self, workspace_id: str, user_id: str, session_id: str) -> Debrief:
        """End a session and store its debrief; idempotent.

        Args:
            workspace_id: the tenant.
            user_id: the acting user (must own the session).
            session_id: the session.

        Returns:
            The :class:`~bot.core.debrief.Debrief`. A second call (a double
            click, a retried button) returns the stored debrief unchanged.

        Raises:
            SessionNotFound: no such session in this workspace.
            NotYourSession: ``user_id`` does not own it.
            SessionBusy: another process held the session longer than ``lease_wait``.
        """
        row = await self._owned(workspace_id, user_id, session_id, action="end")
        if row.status == "ended" and row.debrief is not None:
            return Debrief.model_validate(row.debrief)
        async with (
            self._lock(session_id),
            self._leased(workspace_id, session_id),
            self._store.unit_of_work() as uow,
        ):
            current = await uow.sessions.get(workspace_id, session_id, for_update=True)
            self._check_owner(current, workspace_id, user_id, session_id, action="end")
            assert current is not None
            if current.status == "ended" and current.debrief is not None:
                return Debrief.model_validate(current.debrief)
            persona = self._load_persona(current.persona_id)
            snapshot = PracticeSession.model_validate(current.snapshot)
            engine = PracticeEngine.restore(persona, snapshot)
            debrief = self._with_cost(engine.debrief())
            await uow.sessions.mark_ended(
                workspace_id,
                session_id,
                debrief=debrief.model_dump(mode="json", by_alias=True),
                now=self._clock(),
            )
        log.info("session %s ended (workspace %s)", session_id, workspace_id)
        return debrief

    def _with_cost(self, debrief: Debrief) -> Debrief:
        """Add the approximate model cost of all turns (priced at the reply model)."""
        usage = debrief.usage
        if not (usage.prompt_tokens or usage.completion_tokens):
            return debrief
        try:
            settings = self._settings
            if settings is None:
                return debrief  # no prices without injected settings
            cost = estimate_cost(usage, settings.persona_model, settings)
        except Exception:  # pragma: no cover - pricing is best effort
            return debrief
        return debrief.model_copy(update={"estimated_cost_usd": round(float(cost), 6)})
