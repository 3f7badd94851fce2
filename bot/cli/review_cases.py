"""``empathy-coach review-cases export``: the coaches' decisions as the reviewer's labelled cases.

When a staff member says "Was this note wrong?" and a coach decides ("the note was
wrong" / "the note stands"), the utterance becomes a labelled case. ``export``
writes them as JSON Lines (one case per line: ``text``, ``kinds`` the reviewer
should have found, ``disputed_kinds``, ``verdict``, ``note``, ``resolved_at``; no
user ids) to ``--output FILE`` or standard output, from ``EC_DATABASE_URL`` (or
``--url``), for every workspace or one (``--workspace``).

Exit codes: 0 success; 1 the database cannot be read; 2 a bad option or setting.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.bootstrap import SettingsProblem, load_settings
from bot.cli.common import err, fail

__all__ = ["review_cases_app"]

review_cases_app = typer.Typer(
    help="The coaches' decisions on disputed notes, as the reviewer's labelled cases.",
    no_args_is_help=True,
)


async def _cases(url: str, workspace: str | None) -> list[dict[str, Any]]:
    # lazy: every command module loads with the CLI, and the offline `practice` needs no sqlalchemy
    from bot.services.coaching import Coaching
    from bot.store import Store

    store = Store.from_url(url)
    try:
        return await Coaching(store).labelled_cases(workspace)
    finally:
        await store.dispose()


@review_cases_app.command("export")
def export(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (default: standard output).")
    ] = None,
    workspace: Annotated[
        str | None, typer.Option("--workspace", help="Only this workspace (team or tenant id).")
    ] = None,
    url: Annotated[
        str | None, typer.Option("--url", help="Database URL (default: EC_DATABASE_URL).")
    ] = None,
) -> None:
    """Write every resolved "Was this note wrong?" case as one JSON line."""
    # lazy: see _cases
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store import UnsupportedDatabase, safe_url

    try:
        target = url or load_settings().database_url
    except SettingsProblem as exc:
        raise fail(str(exc), code=2) from None
    if output is not None and output.is_dir():
        raise fail(f"{output} is a folder; give a file name", code=2)
    try:
        cases = asyncio.run(_cases(target, workspace))
    except UnsupportedDatabase as exc:
        raise fail(str(exc), code=2) from None
    except (SQLAlchemyError, OSError) as exc:
        first = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or ["error"])[0]
        raise fail(f"could not read {safe_url(target)}: {first}", code=1) from None
    text = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise fail(f"could not write {output}: {exc.strerror or exc}", code=1) from None
    where = "standard output" if output is None else str(output)
    err.print(f"{len(cases)} labelled case(s) written to {where}.", markup=False)
