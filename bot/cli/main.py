"""The ``empathy-coach`` command line (Typer): practice, review, personas.

Contracts (DESIGN.md):

- ``empathy-coach review [FILE|-] [--format text|json] [--llm]`` reads one staff
  utterance per line (blank lines skipped) and prints one review per line in
  the same order.
- ``empathy-coach practice --persona ID [--backend scripted|openai] [--format
  text|json] [--seed N]``: interactive on a terminal, one utterance per stdin
  line otherwise; ``/end`` or end of input ends it and prints the debrief.

Exit codes: 0 success; 1 a model/start-up failure; 2 bad input (unknown
persona, invalid UTF-8, a malformed persona card, a bad option).
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.bootstrap import SettingsProblem, load_settings, model_reviews
from bot.cli.common import BadInput, Format, err, fail, quiet_logs, utf8_lines
from bot.cli.data import export, retention_app
from bot.cli.db import db_app
from bot.cli.practice import register as register_practice
from bot.cli.reminders import reminders_app
from bot.cli.review_cases import review_cases_app
from bot.cli.serve import serve_app
from bot.cli.teams import teams_app
from bot.config import Settings
from bot.core.models import FINDING_KINDS, Review
from bot.llm.errors import ModelError, ModelNotConfigured
from bot.personas import PersonaError, load_all, load_persona, personas_dir, schema_text
from bot.services.review import review_lines

app = typer.Typer(
    name="empathy-coach",
    help="Rehearse empathy interviews about school attendance, and get your questions reviewed.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
personas_app = typer.Typer(help="List and check caregiver persona cards.", no_args_is_help=True)
app.add_typer(personas_app, name="personas")
app.add_typer(serve_app, name="serve")
app.add_typer(teams_app, name="teams")
app.add_typer(db_app, name="db")
app.add_typer(reminders_app, name="reminders")
app.add_typer(retention_app, name="retention")
app.command("export")(export)
app.add_typer(review_cases_app, name="review-cases")
register_practice(app)

# ---------------------------------------------------------------------- review


def _review_text_line(review: Review) -> str:
    if not review.findings:
        moves = f" ({', '.join(review.moves)})" if review.moves else ""
        return f"OK{moves}: {review.text}"
    kinds = ", ".join(
        f"{f.kind}{'!' if f.is_intervention else ''} “{f.evidence}”" for f in review.findings
    )
    return f"FLAG [{kinds}]: {review.text}  ->  try: {review.reframe}"


@app.command()
def review(
    file: Annotated[
        str, typer.Argument(help="A file with one staff utterance per line, or - for stdin.")
    ] = "-",
    format: Annotated[Format, typer.Option("--format", help="text or json")] = Format.text,
    llm: Annotated[
        bool, typer.Option("--llm", help="Add model findings (needs OPENAI_API_KEY).")
    ] = False,
) -> None:
    """Review staff questions for judgment, advice, persuasion and other problems.

    Prints one review per non-blank input line, in order. Text format marks
    intervention kinds with "!"; JSON prints one Review object per line (text,
    findings, reframe, moves).
    """
    quiet_logs()
    if file == "-" and sys.stdin.isatty():
        err.print("Type or paste questions, one per line; end with Ctrl-D.")
    try:
        if file == "-":
            lines = list(utf8_lines(sys.stdin.buffer, "standard input"))
        else:
            path = Path(file)
            if path.is_dir():
                raise BadInput(f"{file} is a folder; give a text file with one question per line")
            if not path.is_file():
                raise BadInput(f"{file}: no such file")
            with path.open("rb") as fh:
                lines = list(utf8_lines(fh, file))
    except BadInput as exc:
        raise fail(str(exc)) from None
    if not any(line.strip() for line in lines):
        where = "standard input" if file == "-" else file
        err.print(escape(f"No questions found in {where}: write one question per line."))
        return

    reviews: Iterable[Review] = _model_reviews(lines) if llm else review_lines(lines)
    out = sys.stdout
    for r in reviews:
        if format is Format.json:
            out.write(json.dumps(r.contract_dict(), ensure_ascii=False) + "\n")
        else:
            out.write(_review_text_line(r) + "\n")
        out.flush()


def _settings() -> Settings:
    """Read the settings, or exit 2 naming the invalid variables."""
    try:
        return load_settings()
    except SettingsProblem as exc:
        raise fail(str(exc), code=2) from None


def _model_reviews(lines: list[str]) -> list[Review]:
    settings = _settings()
    try:
        return asyncio.run(model_reviews(lines, settings))
    except ModelNotConfigured as exc:
        raise fail(str(exc), code=2) from None
    except ModelError as exc:
        raise fail(str(exc), code=1) from None


# ---------------------------------------------------------------------- personas


@personas_app.command("list")
def personas_list(
    format: Annotated[Format, typer.Option("--format", help="text or json")] = Format.text,
) -> None:
    """List the shipped caregiver personas (the id is what --persona takes)."""
    try:
        cards = load_all()
    except PersonaError as exc:
        raise fail(str(exc)) from None
    if format is Format.json:
        for p in cards.values():
            row = {
                "id": p.id,
                "name": p.name,
                "relation": p.relation,
                "student": p.student.model_dump(),
                "language": p.language,
                "style": p.style,
                "absence_reason": p.absence_reason,
            }
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    table = Table(title="Caregiver personas", show_lines=False)
    table.add_column("id", no_wrap=True, style="cyan")
    for col in ("who", "style", "lang", "what's going on (for coaches)"):
        table.add_column(col)
    for p in cards.values():
        table.add_row(p.id, p.display_name, p.style, p.language, p.absence_reason)
    Console().print(table)


@personas_app.command("validate")
def personas_validate(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Card files or folders (default: shipped cards).")
    ] = None,
) -> None:
    """Check persona cards; print each problem as FILE:LINE: FIELD: MESSAGE."""
    files: list[Path] = []
    for p in paths or [None]:  # type: ignore[list-item]
        if p is None:
            p = personas_dir()
        if p.is_dir():
            files += sorted(f for f in p.glob("*.y*ml") if f.suffix in (".yml", ".yaml"))
        elif p.exists():
            files.append(p)
        else:
            raise fail(f"{p}: no such file or folder")
    problems = 0
    for f in files:
        try:
            card = load_persona(f)
        except PersonaError as exc:
            problems += 1
            err.print(escape(str(exc)))
        else:
            typer.echo(f"ok  {f}  ({card.id})")
    if problems:
        raise fail(f"{problems} of {len(files)} card(s) have problems")


@personas_app.command("schema")
def personas_schema() -> None:
    """Print the JSON Schema of persona cards (for editors)."""
    sys.stdout.write(schema_text())


# the practice command lives in bot/cli/practice.py (registered below)


def main() -> None:
    """Console-script entry point (``empathy-coach``)."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        sys.exit(130)


__all__ = ["FINDING_KINDS", "app", "main"]
