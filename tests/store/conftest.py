"""Store test fixtures: every test runs on SQLite (a temp file) and on PostgreSQL
(the ``backend`` and ``db_url`` fixtures live in ``tests/conftest.py``).

PostgreSQL comes from ``EC_TEST_POSTGRES_URL`` (``.ci/run`` starts a server and
sets ``postgresql+psycopg://ec:ec@127.0.0.1:5432/ec_test``); each test gets a
fresh schema (``search_path`` set through the URL) that is dropped afterwards.
Without the variable the PostgreSQL cases are skipped with that reason.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def migrated_url(db_url: str) -> str:
    """``db_url`` upgraded to the head revision."""
    from bot.store import upgrade_to_head

    upgrade_to_head(db_url)
    return db_url
