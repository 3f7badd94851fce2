"""Shared test set-up: make helper modules in tests/ importable, and the database
fixtures used by the store and Slack tests (SQLite always, PostgreSQL when
``EC_TEST_POSTGRES_URL`` is set, as ``.ci/run`` does)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

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
