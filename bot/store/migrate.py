"""Run the Alembic migrations that ship inside the package (``bot/store/migrations``).

No ``alembic.ini`` is needed: the configuration is built in code, so
``empathy-coach db upgrade`` and ``serve`` work from an installed wheel.
Migrations run on a synchronous connection (the standard library's sqlite3,
or psycopg 3 in its synchronous mode) derived from the same URL the app
uses, so they can run before the app's event loop starts, or from inside it
with :func:`aupgrade_to_head`.

Developers add a revision after changing :mod:`bot.store.models`::

    python -c "from bot.store.migrate import make_revision; make_revision('add reminders')"

(it autogenerates against a scratch SQLite database upgraded to head; review
the file it writes under ``bot/store/migrations/versions``).
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import URL, Engine
from sqlalchemy.pool import NullPool

from bot.store.db import safe_url, sync_url

log = logging.getLogger(__name__)

__all__ = [
    "MIGRATIONS_DIR",
    "alembic_config",
    "aupgrade_to_head",
    "current_revision",
    "head_revision",
    "make_revision",
    "upgrade_to_head",
]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
"""Where ``env.py`` and ``versions/`` live (inside the package, so they ship in the wheel)."""


def alembic_config(url: str | URL | None = None) -> Config:
    """Build the Alembic configuration in code.

    Args:
        url: the database URL (any form :func:`bot.store.sync_url` accepts),
            or None when the caller passes a connection in
            ``config.attributes["connection"]``.

    Returns:
        An :class:`alembic.config.Config` whose ``script_location`` is
        :data:`MIGRATIONS_DIR`.
    """
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        cfg.attributes["url"] = sync_url(url)
    return cfg


def _sync_engine(url: str | URL) -> Engine:
    target = sync_url(url)
    if target.get_backend_name() == "sqlite":
        database = target.database or ""
        if database in ("", ":memory:"):
            raise ValueError("migrations need a SQLite file or a server, not an in-memory database")
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return create_sync_engine(target, poolclass=NullPool)


def upgrade_to_head(url: str | URL) -> str | None:
    """Apply every pending migration (blocking; safe to call at each start-up).

    On PostgreSQL, concurrent callers (two processes starting together) are
    serialized with an advisory lock; on SQLite the file's folder is created
    and WAL mode is switched on.

    Args:
        url: the database URL (``EC_DATABASE_URL`` form).

    Returns:
        The revision the database is at afterwards (the head).

    Raises:
        bot.store.UnsupportedDatabase: neither SQLite nor PostgreSQL.
        sqlalchemy.exc.OperationalError: the database cannot be reached.
    """
    engine = _sync_engine(url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA journal_mode=WAL")
                conn.commit()
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()
            revision = MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
    log.info("database %s is at revision %s", safe_url(url), revision)
    return revision


async def aupgrade_to_head(url: str | URL) -> str | None:
    """:func:`upgrade_to_head` from async code (runs in a worker thread).

    Args:
        url: the database URL.

    Returns:
        The revision afterwards.

    Raises:
        The same as :func:`upgrade_to_head`.
    """
    return await asyncio.to_thread(upgrade_to_head, url)


def current_revision(url: str | URL) -> str | None:
    """Read the revision a database is at.

    Args:
        url: the database URL.

    Returns:
        The revision id, or None for an empty (never migrated) database or a
        SQLite file that does not exist yet.

    Raises:
        sqlalchemy.exc.OperationalError: the database cannot be reached.
    """
    target = sync_url(url)
    if target.get_backend_name() == "sqlite" and not Path(target.database or "").exists():
        return None  # do not create an empty file just to look at it
    engine = _sync_engine(target)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str | None:
    """The newest revision shipped with this version of the package.

    Returns:
        The head revision id.
    """
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def make_revision(message: str, *, autogenerate: bool = True) -> None:
    """Write a new migration file (development only).

    Upgrades a scratch SQLite database to head, then lets Alembic compare it
    with :mod:`bot.store.models` when ``autogenerate`` is True.

    Args:
        message: a short description (becomes part of the file name).
        autogenerate: fill the upgrade/downgrade from the model differences.
    """
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'scratch.db'}"
        upgrade_to_head(url)
        engine = _sync_engine(url)
        try:
            with engine.connect() as conn:
                cfg = alembic_config()
                cfg.attributes["connection"] = conn
                command.revision(cfg, message=message, autogenerate=autogenerate)
        finally:
            engine.dispose()
