"""Readiness of a serving process: the database accepts a write and its schema is current.

``GET /readyz`` on the Slack HTTP server and on the Teams server answers 200 when
:func:`not_ready` returns None, else 503 with the reason (a load balancer stops sending
work to a replica whose database is read-only, unreachable, or migrated to another
revision than this version's code expects). ``GET /healthz`` only says the process is alive.
"""

from __future__ import annotations

import asyncio
import functools

from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from bot.store import Store, StoreUnavailable, current_revision, head_revision

__all__ = ["head", "not_ready", "revision_problem", "schema_problem"]


@functools.cache
def head() -> str | None:
    """The newest migration shipped with this code (``bot/store/migrations``), read once."""
    return head_revision()


def _revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def revision_problem(revision: str | None, newest: str | None = None) -> str | None:
    """Say what is wrong with a database revision, or None when it is the head.

    Args:
        revision: the database's Alembic revision (None: never migrated).
        newest: the head of this code's migrations (:func:`head` when None).

    Returns:
        A plain reason naming both revisions and the command that fixes it, or None.
    """
    newest = newest or head()
    if revision == newest:
        return None
    if revision is None:
        return f"the database has no schema yet (head is {newest}); run: empathy-coach db upgrade"
    return (
        f"the database is at migration {revision}, not this version's head {newest}; "
        "run: empathy-coach db upgrade (or deploy the version that matches it)"
    )


async def not_ready(store: Store) -> str | None:
    """Check that ``store`` accepts a write and is migrated to :func:`head`.

    Costs one rolled-back insert and one read of ``alembic_version``.

    Args:
        store: the process's database.

    Returns:
        None when ready, else one plain sentence (no URL, no SQL) for the 503 body.
    """
    try:
        await store.check_writable()
    except StoreUnavailable as exc:
        return str(exc)
    try:
        async with store.engine.connect() as conn:
            revision = await conn.run_sync(_revision)
    except (OperationalError, InterfaceError, DBAPIError):
        return "the database's migration revision cannot be read"
    return revision_problem(revision)


async def schema_problem(url: str) -> str | None:
    """At start-up without migrating (``EC_MIGRATE_ON_START=false``): is ``url`` at the head?

    Args:
        url: the database URL.

    Returns:
        None when the database is at :func:`head`, else one plain line (no password).

    Raises:
        sqlalchemy.exc.SQLAlchemyError: the database cannot be reached.
    """
    return revision_problem(await asyncio.to_thread(current_revision, url))
