"""``empathy-coach db``: apply the store's migrations and show the database revision.

``empathy-coach db upgrade`` applies pending migrations (``serve`` also does
this at start-up); ``empathy-coach db current`` prints the revision the
database is at and whether it is the newest; ``empathy-coach db rotate-keys``
re-encrypts every stored Slack token with the first key of ``EC_TOKEN_KEYS``
(many-workspace mode; see :mod:`bot.slack.installations`). All use
``EC_DATABASE_URL`` unless ``--url`` is given. The URL is printed with its
password hidden.

Exit codes: 0 success; 1 the database cannot be reached or migrated, or some
stored tokens open with none of the keys (they are left as they were); 2 a bad
URL or setting.
"""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from bot.config import describe_settings_error, get_settings

db_app = typer.Typer(
    help=(
        "Database: apply migrations (upgrade), show the revision (current), re-encrypt "
        "the stored Slack tokens (rotate-keys)."
    ),
    no_args_is_help=True,
)

_err = Console(stderr=True, highlight=False, soft_wrap=True)

UrlOption = Annotated[
    str | None,
    typer.Option("--url", help="Database URL (default: EC_DATABASE_URL, or the SQLite file)."),
]


def _url(url: str | None) -> str:
    if url:
        return url
    try:
        return get_settings().database_url
    except ValidationError as exc:
        _err.print(f"[bold red]error:[/] {escape(describe_settings_error(exc))}")
        raise typer.Exit(2) from None


def _fail(message: str, code: int) -> typer.Exit:
    _err.print(f"[bold red]error:[/] {escape(message)}")
    return typer.Exit(code)


def _reason(exc: BaseException) -> str:
    # The first line of the driver's message; SQLAlchemy's text may embed the
    # statement, never the password (the URL is not part of it).
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


@db_app.command("upgrade")
def upgrade(url: UrlOption = None) -> None:
    """Apply every pending migration to the database."""
    # lazy: every command module loads with the CLI, and the offline `practice` needs no sqlalchemy
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store import UnsupportedDatabase, safe_url, upgrade_to_head

    target = _url(url)
    try:
        revision = upgrade_to_head(target)
    except UnsupportedDatabase as exc:
        raise _fail(str(exc), 2) from None
    except (SQLAlchemyError, OSError) as exc:
        raise _fail(f"could not migrate {safe_url(target)}: {_reason(exc)}", 1) from None
    typer.echo(f"{safe_url(target)}: at revision {revision} (head)")


@db_app.command("current")
def current(url: UrlOption = None) -> None:
    """Print the database's migration revision and whether it is the newest."""
    # lazy: every command module loads with the CLI, and the offline `practice` needs no sqlalchemy
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store import UnsupportedDatabase, current_revision, head_revision, safe_url

    target = _url(url)
    try:
        revision = current_revision(target)
    except UnsupportedDatabase as exc:
        raise _fail(str(exc), 2) from None
    except (SQLAlchemyError, OSError) as exc:
        raise _fail(f"could not read {safe_url(target)}: {_reason(exc)}", 1) from None
    head = head_revision()
    if revision is None:
        state = f"empty (run 'empathy-coach db upgrade' to reach {head})"
    elif revision == head:
        state = "head"
    else:
        state = f"behind head {head} (run 'empathy-coach db upgrade')"
    typer.echo(f"{safe_url(target)}: revision {revision or '-'} ({state})")


@db_app.command("rotate-keys")
def rotate_keys(url: UrlOption = None) -> None:
    """Re-encrypt every stored Slack token with the first key of EC_TOKEN_KEYS.

    Put the new key first and keep the old ones after it (``EC_TOKEN_KEYS=new,old``),
    run this once, then drop the old keys.
    """
    # lazy: every command module loads with the CLI, and the offline `practice` needs no sqlalchemy
    import asyncio

    from sqlalchemy.exc import SQLAlchemyError

    from bot.slack.installations import RotationReport, TokenCipher, TokenKeyError, rotate_tokens
    from bot.store import UnsupportedDatabase, create_engine, safe_url

    target = _url(url)
    try:
        keys = get_settings().token_keys
        cipher = TokenCipher.from_setting(keys.get_secret_value() if keys is not None else "")
    except ValidationError as exc:
        raise _fail(describe_settings_error(exc), 2) from None
    except TokenKeyError as exc:
        raise _fail(str(exc), 2) from None

    async def run() -> RotationReport:
        engine = create_engine(target)
        try:
            return await rotate_tokens(engine, cipher)
        finally:
            await engine.dispose()

    try:
        report = asyncio.run(run())
    except UnsupportedDatabase as exc:
        raise _fail(str(exc), 2) from None
    except (SQLAlchemyError, OSError) as exc:
        raise _fail(f"could not rotate the keys in {safe_url(target)}: {_reason(exc)}", 1) from None
    typer.echo(
        f"{safe_url(target)}: {report.tokens} token(s) in {report.rows} row(s) "
        "re-encrypted with the first key"
    )
    if report.unreadable:
        raise _fail(
            f"{report.unreadable} stored token(s) open with none of the keys in "
            "EC_TOKEN_KEYS and were left as they were (was an old key dropped too early?)",
            1,
        )
