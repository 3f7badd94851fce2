"""Database URLs, the async engine, and the :class:`Store` with its unit of work.

URLs from settings may be plain: ``sqlite:///path/to.db`` becomes
``sqlite+aiosqlite:///…`` and ``postgresql://…`` (or ``postgres://``,
``postgresql+psycopg2://``) becomes ``postgresql+psycopg://…`` (psycopg 3,
async). Migrations use the same URL with a synchronous driver
(:func:`sync_url`).

SQLite connections get ``journal_mode=WAL``, ``foreign_keys=ON``,
``busy_timeout`` and ``synchronous=NORMAL``; every transaction starts with
``BEGIN IMMEDIATE`` so two writers wait for each other (up to the busy
timeout) instead of failing with "database is locked" when a read turns into
a write.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import StaticPool

from bot.store.chat_refs import ChatRefRepository
from bot.store.claims import ClaimRepository, Duplicate, LapsedClaim
from bot.store.coach_queue import CoachDisputeRepository, CoachQueueRepository
from bot.store.coaching import (
    CoachFeedbackRepository,
    CoachReadRepository,
    CoachRepository,
    SessionFlagRepository,
)
from bot.store.errors import StoreUnavailable
from bot.store.progress_repo import ProgressRepository
from bot.store.purge import PurgeRepository
from bot.store.repositories import (
    CoachRequestRepository,
    EventRepository,
    InterviewRepository,
    NoteDisputeRepository,
    PracticeSessionRepository,
    ReflectionRepository,
    ReminderRepository,
    TeamDecisionRepository,
    TurnRepository,
    UserSettingsRepository,
    UserTimeZoneRepository,
    WorkspaceSettingsRepository,
)

log = logging.getLogger(__name__)

__all__ = [
    "SQLITE_BUSY_TIMEOUT_MS",
    "Store",
    "UnitOfWork",
    "UnsupportedDatabase",
    "async_url",
    "create_engine",
    "migration_failure",
    "safe_url",
    "sync_url",
]

SQLITE_BUSY_TIMEOUT_MS = 15_000
"""How long (milliseconds) a SQLite connection waits for another writer before
failing. Our write transactions last milliseconds (no transaction is held
while a model answers), so 15 s only matters under heavy load."""


class UnsupportedDatabase(ValueError):
    """The URL names a database other than SQLite or PostgreSQL."""


def _is_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or "mode=memory" in str(url.query)


def async_url(url: str | URL) -> URL:
    """Map a settings URL to the async driver the store uses.

    Args:
        url: ``sqlite:///…``, ``sqlite+aiosqlite:///…``, ``postgresql://…``,
            ``postgres://…``, ``postgresql+psycopg2://…`` or ``postgresql+psycopg://…``.

    Returns:
        The URL with driver ``sqlite+aiosqlite`` or ``postgresql+psycopg``
        (other explicit async PostgreSQL drivers such as asyncpg are kept).

    Raises:
        UnsupportedDatabase: another database.
    """
    parsed = url if isinstance(url, URL) else make_url(_fix_scheme(url))
    backend, _, driver = parsed.drivername.partition("+")
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    if backend in ("postgresql", "postgres"):
        if driver in ("", "psycopg", "psycopg2", "psycopg2cffi", "pg8000"):
            return parsed.set(drivername="postgresql+psycopg")
        return parsed.set(drivername=f"postgresql+{driver}")
    raise UnsupportedDatabase(
        f"unsupported database {backend!r} in EC_DATABASE_URL; use sqlite:///PATH or "
        "postgresql://USER:PASSWORD@HOST/DB"
    )


def sync_url(url: str | URL) -> URL:
    """Map a settings URL to a synchronous driver (for Alembic migrations).

    Args:
        url: as for :func:`async_url`.

    Returns:
        ``sqlite://…`` (the standard library driver) or ``postgresql+psycopg://…``
        (psycopg 3 also works synchronously).

    Raises:
        UnsupportedDatabase: another database.
    """
    parsed = async_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite")
    return parsed.set(drivername="postgresql+psycopg")


def _fix_scheme(url: str) -> str:
    # Heroku-style "postgres://" is not a SQLAlchemy dialect name.
    if url.startswith("postgres://"):
        return "postgresql://" + url[len("postgres://") :]
    return url


def safe_url(url: str | URL) -> str:
    """Render a database URL for logs and messages, with the password hidden.

    Args:
        url: any SQLAlchemy URL.

    Returns:
        The URL with ``***`` for the password.
    """
    try:
        parsed = url if isinstance(url, URL) else make_url(_fix_scheme(url))
    except Exception:
        return "<unparseable database URL>"
    return parsed.render_as_string(hide_password=True)


def _sqlite_file(url: URL) -> Path | None:
    """The database file of a SQLite URL (a URI filename ``file:/path?mode=ro`` with
    ``uri=true`` names its path after ``file:``), or None for an in-memory database."""
    if _is_memory(url):
        return None
    name = url.database or ""
    if name.startswith("file:") and str(url.query.get("uri", "")).lower() in ("true", "1"):
        name = name.removeprefix("file:").split("?", 1)[0]
    return Path(name)


def _install_sqlite_pragmas(engine: AsyncEngine, busy_timeout_ms: int, memory: bool) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy (not the driver) decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if not memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(
    url: str | URL,
    *,
    echo: bool = False,
    pool_size: int = 5,
    max_overflow: int = 10,
    pool_timeout: float = 30.0,
    busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS,
) -> AsyncEngine:
    """Create the async engine for a settings URL.

    Args:
        url: see :func:`async_url`. For a SQLite file, its folder is created.
        echo: log SQL (debugging only; statements may contain user text).
        pool_size / max_overflow: PostgreSQL connection pool bounds per process
            (at most ``pool_size + max_overflow`` connections; keep the sum over
            all processes under the server's ``max_connections``, 100 by default).
            Callers beyond it wait for a free connection, up to ``pool_timeout``
            seconds (then :class:`StoreUnavailable`-style errors).
        pool_timeout: seconds to wait for a pooled PostgreSQL connection.
        busy_timeout_ms: SQLite busy timeout in milliseconds.

    Returns:
        An :class:`~sqlalchemy.ext.asyncio.AsyncEngine`.

    Raises:
        UnsupportedDatabase: neither SQLite nor PostgreSQL.
    """
    parsed = async_url(url)
    if parsed.get_backend_name() == "sqlite":
        memory = _is_memory(parsed)
        path = _sqlite_file(parsed)
        if path is not None and str(path):
            path.expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, Any] = {"echo": echo}
        if memory:
            kwargs["poolclass"] = StaticPool
            kwargs["connect_args"] = {"check_same_thread": False}
        engine = create_async_engine(parsed, **kwargs)
        _install_sqlite_pragmas(engine, busy_timeout_ms, memory)
        return engine
    return create_async_engine(
        parsed,
        echo=echo,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
        pool_pre_ping=True,
    )


def _unavailable_reason(exc: BaseException) -> str:
    """A plain reason for a database failure (no SQL, no URL)."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    if "readonly" in text or "read-only" in text or "read only" in text:
        return "the database is read-only"
    if "disk" in text and ("full" in text or "i/o" in text):
        return "the database's disk is full or failing"
    if "locked" in text:
        return "the database is locked by another process"
    return "the database cannot be reached"


def migration_failure(url: str | URL, exc: BaseException) -> str:
    """One plain line for a failed start-up migration: the URL (no password) and why.

    Args:
        url: the database URL.
        exc: what the migration raised.

    Returns:
        E.g. "the database sqlite:///x.db could not be migrated: the database is read-only".
    """
    reason = _unavailable_reason(exc)
    if reason == "the database cannot be reached" and not isinstance(
        exc, OperationalError | InterfaceError | DBAPIError | OSError
    ):
        reason = type(exc).__name__
    return f"the database {safe_url(url)} could not be migrated ({reason}); check EC_DATABASE_URL"


class UnitOfWork:
    """One database transaction and the repositories that work inside it.

    Obtained from :meth:`Store.unit_of_work`; commits when the ``async with``
    block ends normally, rolls back when it raises.

    It exposes repositories plus :meth:`commit` and :meth:`rollback` only; the
    SQLAlchemy session stays inside (repositories flush where they need to).

    Attributes:
        dialect: ``"sqlite"`` or ``"postgresql"``.
        sessions: :class:`~bot.store.repositories.PracticeSessionRepository`.
        turns: :class:`~bot.store.repositories.TurnRepository`.
        events: :class:`~bot.store.repositories.EventRepository`.
        claims: :class:`~bot.store.claims.ClaimRepository` (leased claims).
        user_settings: :class:`~bot.store.repositories.UserSettingsRepository`.
        coach_requests: :class:`~bot.store.repositories.CoachRequestRepository`.
        note_disputes: :class:`~bot.store.repositories.NoteDisputeRepository`.
        user_tz: :class:`~bot.store.repositories.UserTimeZoneRepository`.
        interviews: :class:`~bot.store.repositories.InterviewRepository`.
        reflections: :class:`~bot.store.repositories.ReflectionRepository`.
        reminders: :class:`~bot.store.repositories.ReminderRepository`.
        team_decisions: :class:`~bot.store.repositories.TeamDecisionRepository`.
        workspace_settings: :class:`~bot.store.repositories.WorkspaceSettingsRepository`.
        progress: :class:`~bot.store.progress_repo.ProgressRepository` (progress reads).
        purge: :class:`~bot.store.purge.PurgeRepository` (retention, "delete my data").
        coaches: :class:`~bot.store.coaching.CoachRepository`.
        session_flags: :class:`~bot.store.coaching.SessionFlagRepository`.
        coach_reads: :class:`~bot.store.coaching.CoachReadRepository`.
        coach_feedback: :class:`~bot.store.coaching.CoachFeedbackRepository`.
        coach_queue: :class:`~bot.store.coach_queue.CoachQueueRepository`.
        coach_disputes: :class:`~bot.store.coach_queue.CoachDisputeRepository`.
        chat_refs: :class:`~bot.store.chat_refs.ChatRefRepository` (where to post later).
    """

    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self._session = session
        self.dialect = dialect
        self.sessions = PracticeSessionRepository(session, dialect)
        self.turns = TurnRepository(session, dialect)
        self.events = EventRepository(session, dialect)
        self.claims = ClaimRepository(session, dialect)
        self.user_settings = UserSettingsRepository(session, dialect)
        self.coach_requests = CoachRequestRepository(session, dialect)
        self.note_disputes = NoteDisputeRepository(session, dialect)
        self.user_tz = UserTimeZoneRepository(session, dialect)
        self.interviews = InterviewRepository(session, dialect)
        self.reflections = ReflectionRepository(session, dialect)
        self.reminders = ReminderRepository(session, dialect)
        self.team_decisions = TeamDecisionRepository(session, dialect)
        self.workspace_settings = WorkspaceSettingsRepository(session, dialect)
        self.progress = ProgressRepository(session, dialect)
        self.purge = PurgeRepository(session, dialect)
        self.coaches = CoachRepository(session, dialect)
        self.session_flags = SessionFlagRepository(session, dialect)
        self.coach_reads = CoachReadRepository(session, dialect)
        self.coach_feedback = CoachFeedbackRepository(session, dialect)
        self.coach_queue = CoachQueueRepository(session, dialect)
        self.coach_disputes = CoachDisputeRepository(session, dialect)
        self.chat_refs = ChatRefRepository(session, dialect)

    async def commit(self) -> None:
        """Commit what was done so far (the block goes on in a new transaction)."""
        await self._session.commit()

    async def rollback(self) -> None:
        """Undo what was done so far in this transaction."""
        await self._session.rollback()


class Store:
    """The database: an async engine, a session factory, and transactions over it.

    Args:
        engine: an engine from :func:`create_engine`.

    Use :meth:`from_url` in applications. The schema must exist: run
    :func:`bot.store.upgrade_to_head` (``empathy-coach db upgrade``) first.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=True)

    @classmethod
    def from_url(cls, url: str | URL, **engine_kwargs: Any) -> Store:
        """Create a store for a settings URL.

        Args:
            url: see :func:`async_url`.
            **engine_kwargs: passed to :func:`create_engine`.

        Returns:
            A :class:`Store` (no connection is made yet).

        Raises:
            UnsupportedDatabase: neither SQLite nor PostgreSQL.
        """
        return cls(create_engine(url, **engine_kwargs))

    @property
    def engine(self) -> AsyncEngine:
        """The async engine."""
        return self._engine

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._engine.dialect.name

    @contextlib.asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[UnitOfWork]:
        """Open one transaction with the repositories bound to it.

        Yields:
            A :class:`UnitOfWork`; committed on normal exit, rolled back on error.
            Rows it returned stay readable after the block (no lazy loading).
        """
        try:
            async with self._sessions() as session, session.begin():
                yield UnitOfWork(session, self.dialect)
        except (OperationalError, InterfaceError) as exc:
            raise StoreUnavailable(_unavailable_reason(exc)) from exc

    async def check_writable(self) -> None:
        """Prove the database accepts a write (readiness and start-up), leaving nothing behind.

        Inserts a claim row in a transaction that is rolled back.

        Raises:
            StoreUnavailable: the database is unreachable or read-only.
        """
        try:
            async with self._sessions() as session, session.begin():
                uow = UnitOfWork(session, self.dialect)
                await uow.events.claim("readyz", f"readyz:{uuid.uuid4().hex}")
                await session.rollback()
        except (OperationalError, InterfaceError, DBAPIError) as exc:
            raise StoreUnavailable(_unavailable_reason(exc)) from exc

    async def claim_event(
        self, workspace_id: str, event_key: str, *, now: datetime | None = None
    ) -> bool:
        """Claim a platform event exactly once, across tasks and processes.

        One ``INSERT … ON CONFLICT DO NOTHING RETURNING`` in its own committed
        transaction: the unique key (workspace_id, event_key) decides, so
        exactly one claimant gets True even when many processes race.

        Args:
            workspace_id: the tenant.
            event_key: the event's stable id (at most 255 characters).
            now: the claim time (UTC); now when None.

        Returns:
            True for the first claim, False for every repeat.

        Raises:
            ValueError: an empty or over-long key.
        """
        async with self.unit_of_work() as uow:
            return await uow.events.claim(workspace_id, event_key, now=now)

    async def claim_work(
        self,
        workspace_id: str,
        keys: list[str],
        *,
        token: str,
        payload: dict[str, Any] | None,
        lease: timedelta,
        now: datetime | None = None,
    ) -> int | None:
        """Claim work under a lease, with what is needed to redo it, in one transaction.

        Args:
            workspace_id: the tenant.
            keys: the work's keys (the first carries ``payload``).
            token: the holder's token.
            payload: JSON to redo the work (None: a redo is not possible).
            lease: how long the claim holds without :meth:`renew_work`.
            now: the current time (UTC).

        Returns:
            The attempts (1: a first claim; more: a lapsed claim taken over), or
            None for a duplicate (done, or a live holder is working on it).

        Raises:
            ValueError: an empty or over-long key.
        """
        try:
            async with self.unit_of_work() as uow:
                return await uow.claims.claim(
                    workspace_id,
                    keys,
                    token=token,
                    payload=payload,
                    now=now or datetime.now(UTC),
                    lease=lease,
                )
        except Duplicate:
            return None

    async def renew_work(
        self,
        workspace_id: str,
        keys: list[str],
        *,
        token: str,
        lease: timedelta,
        now: datetime | None = None,
    ) -> bool:
        """Extend a claim's lease (False: it was lost or is done)."""
        async with self.unit_of_work() as uow:
            return await uow.claims.renew(
                workspace_id, keys, token=token, now=now or datetime.now(UTC), lease=lease
            )

    async def finish_work(
        self, workspace_id: str, keys: list[str], *, now: datetime | None = None
    ) -> None:
        """Mark a claim's keys done."""
        async with self.unit_of_work() as uow:
            await uow.claims.finish(workspace_id, keys, now=now or datetime.now(UTC))

    async def release_work(
        self, workspace_id: str, keys: list[str], *, token: str, now: datetime | None = None
    ) -> None:
        """Let a claim's lease lapse now, not done, so recovery redoes it."""
        async with self.unit_of_work() as uow:
            await uow.claims.release(workspace_id, keys, token=token, now=now or datetime.now(UTC))

    async def take_over_lapsed(
        self, *, token: str, lease: timedelta, now: datetime | None = None, limit: int = 20
    ) -> list[LapsedClaim]:
        """Find claims whose holder died (lease lapsed, not done) and take them over.

        Each take-over is its own atomic update: of several processes recovering
        at once, each claim goes to one.

        Args:
            token: the new holder's token.
            lease: the new lease.
            now: the current time (UTC).
            limit: at most this many.

        Returns:
            The claims now held by ``token``, oldest first.
        """
        at = now or datetime.now(UTC)
        async with self.unit_of_work() as uow:
            found = await uow.claims.lapsed(now=at, limit=limit)
        taken: list[LapsedClaim] = []
        for workspace_id, key in found:
            async with self.unit_of_work() as uow:
                got = await uow.claims.take_over(
                    workspace_id, key, token=token, now=at, lease=lease
                )
            if got is not None:
                taken.append(got)
        return taken

    async def prune_events(self, older_than: timedelta = timedelta(days=2)) -> int:
        """Delete processed-event rows older than ``older_than`` (all workspaces).

        Slack retries arrive within minutes, so two days keeps every key that
        can still be retried.

        Args:
            older_than: age above which rows go.

        Returns:
            How many rows were deleted.
        """
        async with self.unit_of_work() as uow:
            return await uow.events.prune(datetime.now(UTC) - older_than)

    async def dispose(self) -> None:
        """Close every pooled connection (call on shutdown)."""
        await self._engine.dispose()
