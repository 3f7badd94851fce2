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
                                        channel_id=dm_channel, thread_ts=card_ts)
    ...
    found = await sessions.find_by_thread(team_id, dm_channel, thread_ts)
    turn = await sessions.take_turn(team_id, user_id, found.id, text, on_delta=push)
    debrief = await sessions.end(team_id, user_id, found.id)

A session survives a restart: its engine state is a JSON snapshot in the
store, so new :class:`PracticeSessions` objects on the same database continue
it with the same trust, disclosure and turn numbering.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import uuid
import weakref
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal, Protocol

from pydantic import BaseModel, ConfigDict

from bot.core.debrief import Debrief
from bot.core.persona import Persona
from bot.core.practice import PracticeEngine, PracticeSession, Turn
from bot.services.practice import DeltaCallback, PracticeService, ResetCallback
from bot.store import (
    CoachRequestRow,
    PracticeSessionRow,
    SessionConflict,
    Store,
    ThreadInUse,
)

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.llm.factory import ModelBackend

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

Platform = Literal["slack", "teams", "cli"]
"""Where a session runs."""

DEFAULT_TURN_LEASE = timedelta(seconds=120)
"""Shortest turn lease (see :meth:`PracticeSessions.take_turn` and
:func:`turn_lease_for`). A process that crashed mid-turn frees its session
after at most the lease."""


def turn_lease_for(settings: Settings | None) -> timedelta:
    """How long a process may hold a session while one turn is answered.

    Long enough for the slowest turn the settings allow: a model review then a
    reply (review mode ``model``), each up to ``request_timeout x (max_retries
    + 1)`` seconds, plus 30 seconds of margin; never under
    :data:`DEFAULT_TURN_LEASE`. With the default settings (30 s, 2 retries):
    210 seconds.

    Args:
        settings: app settings, or None for :data:`DEFAULT_TURN_LEASE`.

    Returns:
        The lease length.
    """
    if settings is None:
        return DEFAULT_TURN_LEASE
    worst = 2 * settings.request_timeout * (settings.max_retries + 1) + 30
    return max(DEFAULT_TURN_LEASE, timedelta(seconds=worst))


# ---------------------------------------------------------------------- errors


class SessionError(Exception):
    """Base class of the errors below (the message is safe to show a user)."""


class SessionNotFound(SessionError):
    """No session with this id in this workspace (also: it is another tenant's)."""


class NotYourSession(SessionError):
    """The session exists in this workspace but belongs to another user."""


class SessionEnded(SessionError):
    """A turn was sent to a session that has already ended."""


class SessionBusy(SessionError):
    """Another process kept this session's turn lease for longer than the wait allowed."""


# ---------------------------------------------------------------------- results


class SessionInfo(BaseModel):
    """A practice session as the adapters see it (no engine internals).

    Attributes:
        id: the session id (a UUID string), safe to put in button values.
        workspace_id: the tenant (Slack team id, Teams tenant id, ``"local"``).
        user_id: the staff member who owns the session.
        persona_id: the caregiver card's id.
        platform: ``slack`` | ``teams`` | ``cli``.
        channel_id: the conversation (Slack channel/DM id, Teams conversation
            id), or None before :meth:`PracticeSessions.attach_thread`.
        thread_ts: the thread within it (Slack ``thread_ts``, Teams reply-chain
            id), or None.
        conversation_ref: platform extras needed to reach the conversation
            later (e.g. Teams ``serviceUrl``), or None.
        status: ``active`` | ``ended``.
        seed: the session seed.
        turns: number of recorded turns.
        debrief: the stored debrief once ended, else None.
        created_at / updated_at / ended_at: UTC, timezone-aware
            (``ended_at`` None while active).
    """

    model_config = ConfigDict(frozen=True)

    id: str
    workspace_id: str
    user_id: str
    persona_id: str
    platform: Platform
    channel_id: str | None
    thread_ts: str | None
    conversation_ref: dict[str, object] | None = None
    status: Literal["active", "ended"]
    seed: int
    turns: int
    debrief: Debrief | None = None
    created_at: datetime
    updated_at: datetime
    ended_at: datetime | None = None

    @property
    def active(self) -> bool:
        """True while the session takes turns."""
        return self.status == "active"


class CoachRequestInfo(BaseModel):
    """A staff member's request that a coach look at one session.

    Attributes:
        id: row id.
        workspace_id: the tenant.
        session_id: the session to look at.
        requested_by: the staff member's user id.
        status: ``open`` (the coach queue adds more later).
        created_at: UTC, timezone-aware.
        created: True when this call created the request, False when an open
            request for the session already existed (it is returned instead).
    """

    model_config = ConfigDict(frozen=True)

    id: int
    workspace_id: str
    session_id: str
    requested_by: str
    status: str
    created_at: datetime
    created: bool = True


# ---------------------------------------------------------------------- backends


class ServiceFactory(Protocol):
    """Builds the :class:`PracticeService` that answers one turn of one session.

    The factory decides the backend (scripted, or a model shared process-wide);
    the engine it is given is already restored from the store.
    """

    async def __call__(self, persona: Persona, engine: PracticeEngine) -> PracticeService:
        """Return a service for ``persona`` around ``engine``.

        Args:
            persona: the caregiver card.
            engine: the restored engine (its turns, trust, disclosure).

        Returns:
            A :class:`PracticeService` whose ``engine`` is ``engine``. Its
            :meth:`~PracticeService.aclose` is NOT called per turn: anything
            shared (a model client) is closed by the factory's owner.
        """
        ...


class ModelServiceFactory:
    """The default :class:`ServiceFactory`: the same backend choice as
    :func:`bot.services.practice.start_practice`, with one model client per process.

    The backend is ``backend`` or, when None, the model when a key is
    configured and the offline scripted responder otherwise
    (:func:`bot.llm.factory.choose_backend`). With the model, the scripted
    responder is the fallback and a model reviewer is added unless the review
    mode is ``rules``. The model backend is connected on first use (no key
    check, so start-up needs no network) or injected (``model``), and shared
    by every session; close it with :meth:`aclose`.

    Args:
        settings: app settings; :func:`bot.config.get_settings` when None.
        backend: ``"scripted"``, ``"openai"`` or None (see above).
        model: an already connected :class:`~bot.llm.factory.ModelBackend` to
            share (e.g. the Slack app's); when given it voices every session
            (``backend`` is not consulted) and :meth:`aclose` leaves it open.
        review_mode: ``rules`` | ``hybrid`` | ``model``; the setting when None.

    Raises:
        bot.llm.errors.ModelNotConfigured: (on first use) ``backend="openai"``
            without a key.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        backend: str | None = None,
        model: ModelBackend | None = None,
        review_mode: Literal["rules", "hybrid", "model"] | None = None,
    ) -> None:
        self._settings = settings
        self._backend = backend
        self._model = model
        self._owns_model = False
        self._review_mode = review_mode
        self._connect_lock = asyncio.Lock()
        self._scripted: object | None = None

    def _get_settings(self) -> Settings:
        if self._settings is None:
            from bot.config import get_settings

            self._settings = get_settings()
        return self._settings

    async def _model_backend(self) -> ModelBackend:
        async with self._connect_lock:
            if self._model is None:
                from bot.llm.factory import connect

                self._model = await connect(self._get_settings(), check_key=False)
                self._owns_model = True
            return self._model

    async def __call__(self, persona: Persona, engine: PracticeEngine) -> PracticeService:
        """Build a service around ``engine`` (see :class:`ServiceFactory`).

        Args:
            persona: the caregiver card.
            engine: the restored engine.

        Returns:
            A :class:`PracticeService` on the chosen backend.

        Raises:
            bot.llm.errors.ModelNotConfigured: the model was asked for but is
                not configured.
        """
        from bot.llm.factory import choose_backend
        from bot.llm.scripted import ScriptedResponder

        settings = self._get_settings()
        if self._scripted is None:
            self._scripted = ScriptedResponder()
        scripted: ScriptedResponder = self._scripted  # type: ignore[assignment]
        if self._model is None and choose_backend(self._backend, settings) == "scripted":
            return PracticeService(persona, responder=scripted, engine=engine)
        model = await self._model_backend()
        mode = settings.review_mode if self._review_mode is None else self._review_mode
        return PracticeService(
            persona,
            responder=model.responder,
            fallback=scripted,
            model_reviewer=model.reviewer if mode != "rules" else None,
            review_mode=mode,
            engine=engine,
        )

    async def aclose(self) -> None:
        """Close the model client if this factory connected it (an injected one is left open)."""
        if self._model is not None and self._owns_model:
            await self._model.aclose()
            self._model = None
            self._owns_model = False


# ---------------------------------------------------------------------- the use cases


def _settings_or_none() -> Settings | None:
    try:
        from bot.config import get_settings

        return get_settings()
    except Exception:  # invalid settings are reported where they are used
        return None


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _info(row: PracticeSessionRow) -> SessionInfo:
    snapshot = row.snapshot or {}
    return SessionInfo(
        id=row.id,
        workspace_id=row.workspace_id,
        user_id=row.user_id,
        persona_id=row.persona_id,
        platform=row.platform,  # type: ignore[arg-type]
        channel_id=row.channel_id,
        thread_ts=row.thread_id,
        conversation_ref=row.conversation_ref,
        status=row.status,  # type: ignore[arg-type]
        seed=row.seed,
        turns=len(snapshot.get("turns", [])),
        debrief=Debrief.model_validate(row.debrief) if row.debrief is not None else None,
        created_at=row.created_at,
        updated_at=row.updated_at,
        ended_at=row.ended_at,
    )


def _coach_info(row: CoachRequestRow, created: bool) -> CoachRequestInfo:
    return CoachRequestInfo(
        id=row.id,
        workspace_id=row.workspace_id,
        session_id=row.session_id,
        requested_by=row.requested_by,
        status=row.status,
        created_at=row.created_at,
        created=created,
    )


class PracticeSessions:
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
        turn_lease: how long a process may hold a session's turn lease; None
            means :func:`turn_lease_for` the settings (210 s by default).
        lease_wait: how long (seconds) :meth:`take_turn` and :meth:`end` wait
            for another process's lease before raising :class:`SessionBusy`;
            None means ``turn_lease`` plus 5 seconds.
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
    ) -> None:
        self._store = store
        self._settings = settings
        self._owns_factory = service_factory is None
        self._factory: ServiceFactory = service_factory or ModelServiceFactory(settings)
        if persona_loader is None:
            from bot.personas import get_persona

            persona_loader = get_persona
        self._load_persona = persona_loader
        self._clock = clock
        if turn_lease is None:
            turn_lease = turn_lease_for(settings or _settings_or_none())
        self._lease = turn_lease
        self._lease_wait = (
            turn_lease.total_seconds() + 5.0 if lease_wait is None else float(lease_wait)
        )
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._owner_tag = f"{os.getpid()}-{secrets.token_hex(4)}"

    @property
    def store(self) -> Store:
        """The store these use cases write to."""
        return self._store

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

    @staticmethod
    def _check_owner(
        row: PracticeSessionRow | None,
        workspace_id: str,
        user_id: str,
        session_id: str,
        *,
        action: str,
    ) -> None:
        if row is None:
            raise SessionNotFound("That practice session was not found.")
        if row.user_id != user_id:
            log.warning(
                "refused %s: session %s in workspace %s belongs to another user (asked by %s)",
                action,
                session_id,
                workspace_id,
                user_id,
            )
            raise NotYourSession("That practice session belongs to someone else.")

    @contextlib.asynccontextmanager
    async def _leased(self, workspace_id: str, session_id: str) -> AsyncIterator[str]:
        """Hold the session's cross-process turn lease for the block (yields the token)."""
        token = f"{self._owner_tag}-{uuid.uuid4().hex[:8]}"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._lease_wait
        delay = 0.05
        while True:
            async with self._store.unit_of_work() as uow:
                got = await uow.sessions.acquire_lease(
                    workspace_id, session_id, token, now=self._clock(), ttl=self._lease
                )
            if got:
                break
            if loop.time() >= deadline:
                raise SessionBusy(
                    "This practice session is busy answering another message; try again shortly."
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)
        try:
            yield token
        finally:
            with contextlib.suppress(Exception):
                async with self._store.unit_of_work() as uow:
                    await uow.sessions.release_lease(workspace_id, session_id, token)

    # ------------------------------------------------------------------ use cases

    async def start(
        self,
        workspace_id: str,
        user_id: str,
        persona_id: str,
        *,
        platform: Platform,
        channel_id: str | None = None,
        thread_ts: str | None = None,
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
            thread_ts: the thread, if already known (else set it later with
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
                thread_id=thread_ts,
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
        thread_ts: str,
        conversation_ref: dict[str, object] | None = None,
    ) -> SessionInfo:
        """Tie a session to the conversation thread its messages arrive in.

        Args:
            workspace_id: the tenant.
            user_id: the acting user (must own the session).
            session_id: the session.
            channel_id: the conversation id.
            thread_ts: the thread id (e.g. the intro card's ``ts``).
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
                thread_id=thread_ts,
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
        self, workspace_id: str, channel_id: str, thread_ts: str
    ) -> SessionInfo | None:
        """Find the session a thread belongs to (active or ended).

        No ownership check here (an incoming message names no session); the
        adapter passes the message author as ``user_id`` to :meth:`take_turn`,
        which refuses anyone but the owner.

        Args:
            workspace_id: the tenant.
            channel_id: the conversation id.
            thread_ts: the thread id.

        Returns:
            The :class:`SessionInfo`, or None when the thread is not a practice thread.
        """
        async with self._store.unit_of_work() as uow:
            row = await uow.sessions.find_by_thread(workspace_id, channel_id, thread_ts)
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
        await self._owned(workspace_id, user_id, session_id, action="take_turn")
        async with self._lock(session_id), self._leased(workspace_id, session_id) as token:
            async with self._store.unit_of_work() as uow:
                row = await uow.sessions.get(workspace_id, session_id)
            self._check_owner(row, workspace_id, user_id, session_id, action="take_turn")
            assert row is not None
            if row.status != "active":
                raise SessionEnded("This practice session has ended. Start a new one to go on.")
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
                    )
            except SessionConflict as exc:
                # Only when this turn outlived its lease (longer than turn_lease)
                # and another process went on, or the session ended meanwhile.
                log.warning("turn of session %s not saved: %s", session_id, exc)
                raise SessionBusy(
                    "This practice session moved on while your message was being answered; "
                    "please send it again."
                ) from exc
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
            from bot.llm.tokens import estimate_cost
        except Exception:  # pragma: no cover - the llm extra is optional
            return debrief
        try:
            settings = self._settings
            if settings is None:
                from bot.config import get_settings

                settings = get_settings()
            cost = estimate_cost(usage, settings.persona_model, settings)
        except Exception:  # pragma: no cover - pricing is best effort
            return debrief
        return debrief.model_copy(update={"estimated_cost_usd": round(float(cost), 6)})

    async def recent_sessions(
        self, workspace_id: str, user_id: str, limit: int = 5
    ) -> list[SessionInfo]:
        """Return a user's latest sessions, newest first (for App Home).

        Args:
            workspace_id: the tenant.
            user_id: whose sessions.
            limit: at most this many (1-100).

        Returns:
            :class:`SessionInfo` list; ended ones carry their ``debrief``.
        """
        limit = max(1, min(int(limit), 100))
        async with self._store.unit_of_work() as uow:
            rows = await uow.sessions.recent_for_user(workspace_id, user_id, limit=limit)
        return [_info(r) for r in rows]

    async def request_coach(
        self, workspace_id: str, user_id: str, session_id: str
    ) -> CoachRequestInfo:
        """Record "Send to a coach" for a session; idempotent while a request is open.

        Args:
            workspace_id: the tenant.
            user_id: the acting user (must own the session).
            session_id: the session.

        Returns:
            The :class:`CoachRequestInfo`; ``created`` is False when an open
            request for this session already existed.

        Raises:
            SessionNotFound: no such session in this workspace.
            NotYourSession: ``user_id`` does not own it.
        """
        async with self._store.unit_of_work() as uow:
            row = await uow.sessions.get(workspace_id, session_id)
            self._check_owner(row, workspace_id, user_id, session_id, action="request_coach")
            existing = await uow.coach_requests.open_for_session(workspace_id, session_id)
            if existing is not None:
                return _coach_info(existing, created=False)
            req = await uow.coach_requests.add(
                workspace_id, session_id, requested_by=user_id, now=self._clock()
            )
            if req is None:  # a concurrent click created it first
                existing = await uow.coach_requests.open_for_session(workspace_id, session_id)
                assert existing is not None
                return _coach_info(existing, created=False)
        log.info("coach requested for session %s (workspace %s)", session_id, workspace_id)
        return _coach_info(req, created=True)

    async def get_live_notes(self, workspace_id: str, user_id: str) -> bool:
        """Tell whether a user wants coach notes after each turn.

        Args:
            workspace_id: the tenant.
            user_id: the staff member.

        Returns:
            The stored setting; True when never set.
        """
        async with self._store.unit_of_work() as uow:
            return await uow.user_settings.get_live_notes(workspace_id, user_id)

    async def set_live_notes(self, workspace_id: str, user_id: str, enabled: bool) -> bool:
        """Switch a user's live coach notes on or off (off: feedback at the end only).

        Args:
            workspace_id: the tenant.
            user_id: the staff member.
            enabled: the new value.

        Returns:
            The stored value (``enabled``).
        """
        async with self._store.unit_of_work() as uow:
            await uow.user_settings.set_live_notes(
                workspace_id, user_id, enabled, now=self._clock()
            )
        return enabled

    async def claim_event(self, workspace_id: str, event_key: str) -> bool:
        """Claim a platform event for processing, exactly once across processes.

        Use the platform's stable id: Slack ``event_id``, or ``client_msg_id``
        for messages, or the Socket Mode envelope id; ``"action:<trigger_id>"``
        for interactions.

        Args:
            workspace_id: the tenant.
            event_key: the event's stable id (at most 255 characters).

        Returns:
            True for the first claim of this key in this workspace; False for
            every later one (a retry or redelivery: do nothing).
        """
        return await self._store.claim_event(workspace_id, event_key)
