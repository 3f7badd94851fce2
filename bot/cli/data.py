"""``empathy-coach export`` and ``empathy-coach retention run``: the operator's data tools.

``empathy-coach export --session ID --format md|csv|json [--output FILE]`` writes one
practice session (any workspace's: the operator has the database) to FILE, or to
standard output. ``empathy-coach retention run`` runs one retention pass with
``EC_RETENTION_DAYS`` (or ``--days``) and prints what it deleted; ``serve`` runs the
same pass at start-up and daily. Both use ``EC_DATABASE_URL`` unless ``--url`` is given.

Exit codes: 0 success (also: retention not configured, nothing deleted); 1 no such
session, or the database cannot be used; 2 a bad option or setting.
"""

from __future__ import annotations

import asyncio
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError

from bot.config import Settings, get_settings
from bot.presenters.data_rights import kind_word, retention_summary

if TYPE_CHECKING:
    from bot.services.data_rights import ExportFile, PurgeReport

__all__ = ["ExportFormatOption", "export", "retention_app"]

retention_app = typer.Typer(
    help="Delete practice data older than EC_RETENTION_DAYS.", no_args_is_help=True
)


class ExportFormatOption(StrEnum):
    """The export formats (:data:`bot.services.data_rights.EXPORT_FORMATS`)."""

    md = "md"
    csv = "csv"
    json = "json"


UrlOption = Annotated[
    str | None,
    typer.Option("--url", help="Database URL (default: EC_DATABASE_URL, or the SQLite file)."),
]

NOT_CONFIGURED = (
    "EC_RETENTION_DAYS is not set (or is 0), so practice data is kept; nothing was deleted. "
    "Set it to a number of days, or pass --days."
)


def _fail(message: str, code: int) -> typer.Exit:
    sys.stderr.write(f"error: {message}\n")
    sys.stderr.flush()
    return typer.Exit(code)


def _settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "a setting"
        raise _fail(f"EC_{name} is invalid: {first['msg']}", 2) from None


def _reason(exc: BaseException) -> str:
    first = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return first[0] if first else type(exc).__name__


async def _export(url: str, session_id: str, fmt: str, workspace: str | None) -> ExportFile:
    # lazy: every command module loads with the CLI, and the offline `practice` needs no sqlalchemy
    from bot.services.data_rights import DataRights
    from bot.store import Store

    store = Store.from_url(url)
    try:
        return await DataRights(store).export_session(workspace, None, session_id, fmt)  # type: ignore[arg-type]
    finally:
        await store.dispose()


def export(
    session: Annotated[str, typer.Option("--session", help="The practice session's id.")],
    format: Annotated[
        ExportFormatOption, typer.Option("--format", help="md, csv or json.")
    ] = ExportFormatOption.md,
    output: Annotated[
        Path | None, typer.Option("--output", help="Write to this file (default: stdout).")
    ] = None,
    workspace: Annotated[
        str | None, typer.Option("--workspace", help="Only look in this workspace (team id).")
    ] = None,
    url: UrlOption = None,
) -> None:
    """Export one practice session's transcript (turns, findings, reframes, debrief)."""
    # lazy: every command module loads with the CLI, and the offline `practice` needs no sqlalchemy
    from sqlalchemy.exc import SQLAlchemyError

    from bot.services.session_results import SessionNotFound
    from bot.store import StoreUnavailable, UnsupportedDatabase, safe_url

    target = url or _settings().database_url
    session_id = session.strip()
    if not session_id or len(session_id) > 64:
        raise _fail(f"no practice session has the id {session_id[:64]!r}", 1)
    if output is not None and output.is_dir():
        raise _fail(f"{output} is a folder; give a file name", 2)
    try:
        made = asyncio.run(_export(target, session_id, format.value, workspace))
    except SessionNotFound:
        where = f" in workspace {workspace}" if workspace else ""
        raise _fail(f"no practice session has the id {session_id!r}{where}", 1) from None
    except UnsupportedDatabase as exc:
        raise _fail(str(exc), 2) from None
    except (SQLAlchemyError, StoreUnavailable, OSError) as exc:
        raise _fail(f"could not read {safe_url(target)}: {_reason(exc)}", 1) from None
    if output is None:
        sys.stdout.buffer.write(made.content)
        sys.stdout.flush()
        return
    try:
        output.write_bytes(made.content)
    except OSError as exc:
        raise _fail(f"could not write {output}: {exc.strerror or exc}", 1) from None
    typer.echo(f"Saved session {session_id} to {output} ({made.mime_type.split(';')[0]})")


async def _purge(url: str, days: int) -> PurgeReport:
    # lazy: every command module loads with the CLI, and the offline `practice` needs no sqlalchemy
    from bot.services.data_rights import DataRights
    from bot.store import Store, aupgrade_to_head

    await aupgrade_to_head(url)
    store = Store.from_url(url)
    try:
        return await DataRights(store).purge_older_than(days)
    finally:
        await store.dispose()


@retention_app.command("run")
def retention_run(
    days: Annotated[
        int | None,
        typer.Option("--days", min=1, help="Keep this many days (default: EC_RETENTION_DAYS)."),
    ] = None,
    url: UrlOption = None,
) -> None:
    """Delete practice data older than the retention window once, and say what went."""
    # lazy: every command module loads with the CLI, and the offline `practice` needs no sqlalchemy
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store import StoreUnavailable, UnsupportedDatabase, safe_url

    settings = _settings()
    window = days or settings.retention_days
    if not window:
        typer.echo(NOT_CONFIGURED)
        return
    target = url or settings.database_url
    try:
        report = asyncio.run(_purge(target, window))
    except UnsupportedDatabase as exc:
        raise _fail(str(exc), 2) from None
    except (SQLAlchemyError, StoreUnavailable, OSError) as exc:
        raise _fail(f"could not use {safe_url(target)}: {_reason(exc)}", 1) from None
    typer.echo(retention_summary(window, report.deleted))
    for table, n in sorted(report.deleted.items()):
        typer.echo(f"  {table}: {n} ({kind_word(table, n)})")
