"""Store test fixtures: every test runs on SQLite (a temp file) and on PostgreSQL.

PostgreSQL comes from ``EC_TEST_POSTGRES_URL`` (``.ci/run`` starts a server and
sets ``postgresql+psycopg://ec:ec@127.0.0.1:5432/ec_test``); each test gets a
fresh schema (``search_path`` set through the URL) that is dropped afterwards.
Without the variable the PostgreSQL cases are skipped with that reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

PG_ENV = "EC_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", "postgresql"]


def _pg_admin_dsn(url: str) -> str:
    """The test URL as a plain psycopg connection string."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database under test: ``sqlite`` or ``postgresql``."""
    if request.param == "postgresql" and not os.environ.get(PG_ENV):
        pytest.skip(f"{PG_ENV} is not set (no PostgreSQL server for this run; .ci/run sets it)")
    return request.param


@pytest.fixture
def db_url(backend: str, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """An empty database URL, in the plain form settings use (no async driver)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'store' / 'ec.db'}"
        return
    import psycopg

    base = os.environ[PG_ENV]
    schema = f"t_{uuid.uuid4().hex[:12]}"
    dsn = _pg_admin_dsn(base)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def migrated_url(db_url: str) -> str:
    """``db_url`` upgraded to the head revision."""
    from bot.store import upgrade_to_head

    upgrade_to_head(db_url)
    return db_url
