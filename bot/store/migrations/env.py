"""Alembic environment of the store (configured in code by :mod:`bot.store.migrate`).

Runs online only, on the connection given in ``config.attributes["connection"]``
or one made from ``config.attributes["url"]``. SQLite uses batch mode so later
revisions can alter tables; PostgreSQL takes an advisory lock so two processes
starting at once do not both migrate.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from bot.store.models import Base

target_metadata = Base.metadata

MIGRATION_LOCK_KEY = 7_335_402_121
"""PostgreSQL advisory-lock key held while migrating (any constant unique to this app)."""


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the configured connection or URL."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.attributes.get("url") or context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL or connection given to the migrations")
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            _run(conn)
            conn.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported; run them online")
run_migrations_online()
