"""Migrations, URLs and connection settings of the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool
from typer.testing import CliRunner

from bot.store import (
    Base,
    Store,
    UnsupportedDatabase,
    async_url,
    current_revision,
    head_revision,
    safe_url,
    sync_url,
    upgrade_to_head,
)
from bot.store.migrate import alembic_config

TABLES = {"practice_sessions", "turns", "processed_events", "user_settings", "coach_requests"}
AFTER_TABLES = {"interviews", "reflections", "reminders", "team_decisions", "workspace_settings"}
HEAD = "0009"


def test_upgrade_from_empty_creates_every_table(db_url: str) -> None:
    assert current_revision(db_url) is None
    assert upgrade_to_head(db_url) == head_revision() == HEAD
    assert current_revision(db_url) == head_revision()
    engine = create_engine(sync_url(db_url), poolclass=NullPool)
    try:
        names = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert names >= TABLES | AFTER_TABLES | {"alembic_version"}
    # a second upgrade (every start-up runs one) changes nothing
    assert upgrade_to_head(db_url) == HEAD


def _ours(name: str | None, kind: str, _parents: object) -> bool:
    # slack_sdk's OAuth tables (migration 0008) are the library's, not ORM models:
    # tests/slack/test_oauth_install.py checks them against the library's definitions
    return not (kind == "table" and (name or "").startswith("slack_"))


def test_models_match_migrations(migrated_url: str) -> None:
    """The ORM models and the migrations describe the same schema (no pending diff)."""
    engine = create_engine(sync_url(migrated_url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_name": _ours}
            )
            diff = compare_metadata(ctx, Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_downgrade_to_base_and_up_again(migrated_url: str) -> None:
    engine = create_engine(sync_url(migrated_url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
            conn.commit()
            assert not (TABLES | AFTER_TABLES) & set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert upgrade_to_head(migrated_url) == HEAD


def test_downgrade_one_step_keeps_the_first_release(migrated_url: str) -> None:
    """0002 -> 0001 drops only the after-interview tables and ``user_settings.tz``."""
    engine = create_engine(sync_url(migrated_url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0001")
            conn.commit()
            names = set(inspect(conn).get_table_names())
            columns = {c["name"] for c in inspect(conn).get_columns("user_settings")}
    finally:
        engine.dispose()
    assert names >= TABLES and not names & AFTER_TABLES
    assert "tz" not in columns and "live_notes" in columns
    assert upgrade_to_head(migrated_url) == HEAD


def test_0003_adds_conversation_refs_and_downgrades_cleanly(migrated_url: str) -> None:
    """0003 renames ``thread_ts``, adds platform and conversation references, widens user ids."""
    engine = create_engine(sync_url(migrated_url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            cols = {
                t: {c["name"]: c for c in inspect(conn).get_columns(t)}
                for t in ("practice_sessions", "interviews", "reminders", "user_settings")
            }
            assert "thread_id" in cols["practice_sessions"]
            assert "thread_ts" not in cols["practice_sessions"]
            assert {"platform", "conversation_id", "thread_id", "service_url"} <= set(
                cols["interviews"]
            )
            assert {"platform", "thread_id", "service_url"} <= set(cols["reminders"])
            for table in ("practice_sessions", "interviews", "reminders", "user_settings"):
                assert cols[table]["user_id"]["type"].length == 256
            conn.execute(
                text(
                    "INSERT INTO user_settings (workspace_id, user_id, live_notes, created_at, "
                    "updated_at) VALUES ('T1', :u, true, '2027-01-01', '2027-01-01')"
                ),
                {"u": "29:" + "x" * 120},
            )
            conn.commit()
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            conn.execute(text("DELETE FROM user_settings"))
            conn.commit()
            command.downgrade(cfg, "0002")
            conn.commit()
            back = {c["name"] for c in inspect(conn).get_columns("practice_sessions")}
            iv = {c["name"] for c in inspect(conn).get_columns("interviews")}
            rem = {c["name"] for c in inspect(conn).get_columns("reminders")}
    finally:
        engine.dispose()
    assert "thread_ts" in back and "thread_id" not in back and "service_url" not in back
    assert not {"platform", "conversation_id", "thread_id", "service_url"} & iv
    assert not {"platform", "thread_id", "service_url"} & rem
    assert upgrade_to_head(migrated_url) == HEAD


def test_aupgrade_runs_inside_an_event_loop(db_url: str) -> None:
    from bot.store import aupgrade_to_head

    assert asyncio.run(aupgrade_to_head(db_url)) == HEAD


def test_sqlite_connection_settings(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'deep' / 'er' / 'ec.db'}"
    upgrade_to_head(url)

    async def pragmas() -> tuple[str, int, int]:
        store = Store.from_url(url)
        try:
            async with store.engine.connect() as conn:
                mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar_one()
                fks = (await conn.execute(text("PRAGMA foreign_keys"))).scalar_one()
                busy = (await conn.execute(text("PRAGMA busy_timeout"))).scalar_one()
                return mode, fks, busy
        finally:
            await store.dispose()

    mode, fks, busy = asyncio.run(pragmas())
    assert (mode, fks) == ("wal", 1)
    assert busy >= 5000


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("sqlite:///x.db", "sqlite+aiosqlite"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite"),
        ("postgresql://u:p@h/db", "postgresql+psycopg"),
        ("postgres://u:p@h/db", "postgresql+psycopg"),
        ("postgresql+psycopg2://u:p@h/db", "postgresql+psycopg"),
        ("postgresql+psycopg://u:p@h/db", "postgresql+psycopg"),
    ],
)
def test_urls_map_to_async_drivers(given: str, driver: str) -> None:
    assert async_url(given).drivername == driver
    assert sync_url(given).drivername in ("sqlite", "postgresql+psycopg")


def test_url_keeps_password_and_path_but_logs_hide_it() -> None:
    url = "postgresql://ec:s3cr%40t@127.0.0.1:5432/ec_test"
    mapped = async_url(url)
    assert mapped.password == "s3cr@t"
    assert mapped.database == "ec_test"
    assert "s3cr" not in safe_url(url)
    assert async_url("sqlite:////var/lib/ec/ec.db").database == "/var/lib/ec/ec.db"


def test_unsupported_database_is_named() -> None:
    with pytest.raises(UnsupportedDatabase, match="mysql"):
        async_url("mysql://u:p@h/db")


def test_cli_db_upgrade_and_current(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.cli import app
    from bot.config import get_settings

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("EC_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        before = runner.invoke(app, ["db", "current"])
        assert before.exit_code == 0, before.output
        assert "empty" in before.output
        up = runner.invoke(app, ["db", "upgrade"])
        assert up.exit_code == 0, up.output
        assert HEAD in up.output
        after = runner.invoke(app, ["db", "current"])
        assert after.exit_code == 0
        assert f"{HEAD} (head)" in after.output
    finally:
        get_settings.cache_clear()


def test_cli_db_unreachable_server_hides_password() -> None:
    from bot.cli import app

    result = CliRunner().invoke(
        app, ["db", "current", "--url", "postgresql://ec:hunter2@127.0.0.1:1/ec"]
    )
    assert result.exit_code == 1
    assert "hunter2" not in result.output
    assert "could not read" in result.output
