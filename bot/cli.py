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
import logging
import sys
from collections.abc import Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.cli_db import db_app
from bot.cli_reminders import reminders_app
from bot.cli_serve import serve_app
from bot.config import Settings
from bot.core.debrief import Debrief
from bot.core.models import FINDING_KINDS, Review
from bot.core.persona import Persona
from bot.core.practice import Turn, first_sentence
from bot.personas import PersonaError, UnknownPersona, get_persona, load_all, load_persona
from bot.services.practice import PracticeService

END_COMMANDS = ("/end", "end", "/quit", "/exit", "/stop")
"""Lines that end a practice session (Slack users are taught to type "end")."""

HELP_TEXT = (
    "Type what you would say to the caregiver. /end (or end) finishes and shows your "
    "debrief; /help shows this."
)

MAX_TURN_CHARS = 2_000
"""Longest staff message taken as one practice turn (characters). An
interview question is a sentence or two; a longer paste is almost always a
mistake (a whole question list), so it is refused with a plain message and
nothing is recorded. ``review`` takes any length."""

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
app.add_typer(db_app, name="db")
app.add_typer(reminders_app, name="reminders")

err = Console(stderr=True, highlight=False, soft_wrap=True)

SIGNS = (
    "giving advice, tips or resources",
    'pressure words: "should", "don\'t you think…"',
    "correcting the family's view of attendance",
    "judging success by whether their mind changes",
)
"""DOMAIN.md's four signs that an interview has turned into an intervention."""


class Format(StrEnum):
    """Output format of ``review``, ``practice`` and ``personas list``."""

    text = "text"
    json = "json"


class Backend(StrEnum):
    """Who voices the caregiver: the offline partner or an OpenAI-compatible model."""

    scripted = "scripted"
    openai = "openai"


class BadInput(Exception):
    """Input the user must fix; printed plainly and exits with code 2."""


# ---------------------------------------------------------------------- input helpers


def _decode(raw: bytes, where: str, line_no: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"{where} is not valid UTF-8 (line {line_no}, byte {exc.start + 1}). "
            "Save the text as UTF-8 and try again."
        ) from None


def _utf8_lines(stream: IO[bytes], where: str) -> Iterator[str]:
    """Yield decoded lines (without line endings) from a byte stream, one at a time.

    Raises:
        BadInput: a line is not valid UTF-8.
    """
    for number, raw in enumerate(stream, start=1):
        line = _decode(raw, where, number)
        if number == 1:
            line = line.removeprefix("\ufeff")
        yield line.rstrip("\r\n")


def _quiet_logs() -> None:
    """Terminal commands speak to the user directly: library and fallback warnings are
    shown as plain notes by the command itself, so only errors reach the log (stderr)."""
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s: %(message)s")


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}")
    return typer.Exit(code)


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
    _quiet_logs()
    if file == "-" and sys.stdin.isatty():
        err.print("Type or paste questions, one per line; end with Ctrl-D.")
    try:
        if file == "-":
            lines = list(_utf8_lines(sys.stdin.buffer, "standard input"))
        else:
            path = Path(file)
            if path.is_dir():
                raise BadInput(f"{file} is a folder; give a text file with one question per line")
            if not path.is_file():
                raise BadInput(f"{file}: no such file")
            with path.open("rb") as fh:
                lines = list(_utf8_lines(fh, file))
    except BadInput as exc:
        raise _fail(str(exc)) from None

    reviews: Iterable[Review]
    if llm:
        reviews = _model_reviews(lines)
    else:
        from bot.services.review import review_lines

        reviews = review_lines(lines)
    out = sys.stdout
    for r in reviews:
        if format is Format.json:
            out.write(json.dumps(r.contract_dict(), ensure_ascii=False) + "\n")
        else:
            out.write(_review_text_line(r) + "\n")
        out.flush()


def _settings() -> Settings:
    """Read the settings, or exit 2 naming the invalid variables."""
    from bot.config import describe_settings_error, get_settings

    try:
        return get_settings()
    except ValidationError as exc:
        raise _fail(describe_settings_error(exc), code=2) from None


def _model_reviews(lines: list[str]) -> list[Review]:
    from bot.llm.errors import ModelError, ModelNotConfigured
    from bot.llm.factory import connect
    from bot.services.review import ReviewMode, areview_lines

    settings = _settings()
    if not settings.model_configured:
        raise _fail(
            "--llm needs OPENAI_API_KEY (and OPENAI_BASE_URL for a server other than OpenAI's)"
        )
    mode: ReviewMode = "model" if settings.review_mode == "model" else "hybrid"

    async def run() -> list[Review]:
        backend = await connect(settings)
        try:
            return [
                r async for r in areview_lines(lines, model_reviewer=backend.reviewer, mode=mode)
            ]
        finally:
            await backend.aclose()

    try:
        return asyncio.run(run())
    except ModelNotConfigured as exc:
        raise _fail(str(exc), code=2) from None
    except ModelError as exc:
        raise _fail(str(exc), code=1) from None


# ---------------------------------------------------------------------- personas


@personas_app.command("list")
def personas_list(
    format: Annotated[Format, typer.Option("--format", help="text or json")] = Format.text,
) -> None:
    """List the shipped caregiver personas (the id is what --persona takes)."""
    try:
        cards = load_all()
    except PersonaError as exc:
        raise _fail(str(exc)) from None
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
            from bot.personas import personas_dir

            p = personas_dir()
        if p.is_dir():
            files += sorted(f for f in p.glob("*.y*ml") if f.suffix in (".yml", ".yaml"))
        elif p.exists():
            files.append(p)
        else:
            raise _fail(f"{p}: no such file or folder")
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
        raise _fail(f"{problems} of {len(files)} card(s) have problems")


@personas_app.command("schema")
def personas_schema() -> None:
    """Print the JSON Schema of persona cards (for editors)."""
    from bot.personas import schema_text

    sys.stdout.write(schema_text())


# ---------------------------------------------------------------------- practice


def _pick_persona(console: Console) -> Persona:
    cards = list(load_all().values())
    console.print("[bold]Who would you like to practise with?[/]")
    for i, p in enumerate(cards, start=1):
        console.print(
            f"  [cyan]{i}[/]. {escape(p.display_name)}  "
            f"[dim]{escape(first_sentence(p.situation))}[/]"
        )
    while True:
        choice = console.input("Number (or Enter for 1): ").strip() or "1"
        if choice.isdigit() and 1 <= int(choice) <= len(cards):
            return cards[int(choice) - 1]
        matches = [p for p in cards if p.id == choice]
        if matches:
            return matches[0]
        console.print(f"Please type a number from 1 to {len(cards)}.")


def _intro(console: Console, persona: Persona, backend: str) -> None:
    body = (
        f"[bold]{escape(persona.display_name)}[/]\n"
        f"{escape(persona.household)}\n\n"
        f"[bold]What you know:[/] {escape(persona.situation)}\n"
        f"[bold]Their mood:[/] {escape(persona.opening_mood)}\n\n"
        "[bold]Your goal is to learn, not to fix.[/] Ask open questions, follow up, "
        "reflect back what you hear, and leave silences.\n"
        "Signs the interview has turned into an intervention: " + "; ".join(SIGNS) + ".\n\n"
        f"[dim]Type what you would say. /end finishes and shows your debrief. "
        f"Caregiver voice: {backend}.[/]"
    )
    console.print(Panel(body, title="Practice call", border_style="cyan"))


def _coach_note(review: Review) -> str | None:
    if not review.findings:
        return None
    lines = []
    for f in review.findings:
        tag = "[red]intervention[/]" if f.is_intervention else "[yellow]craft[/]"
        lines.append(f"{tag} {f.kind}: “{escape(f.evidence)}” — {escape(f.why)}")
    if review.reframe:
        lines.append(f"[green]Try:[/] {escape(review.reframe)}")
    return "\n".join(lines)


def render_debrief_text(debrief: Debrief, persona: Persona) -> str:
    """Render a debrief as plain text for the terminal.

    Args:
        debrief: the session's debrief.
        persona: the caregiver, for names.

    Returns:
        Multi-line text (no markup).
    """
    flagged = ", ".join(f"{k} {n}" for k, n in debrief.findings_by_kind.items() if n) or "none"
    lines = [
        f"Debrief: practice with {persona.name}",
        f"  {debrief.summary}",
        f"  turns {debrief.turns} · open questions {debrief.open_questions} · "
        f"closed {debrief.closed_questions} · follow-ups {debrief.follow_ups} · "
        f"reflections {debrief.reflections}",
        f"  reflection-to-question {debrief.reflection_to_question} · talk ratio (you : them) "
        f"{debrief.talk_ratio}",
        f"  layers of the story reached {debrief.layers_reached} of {debrief.layers_total} · "
        f"hidden insight {'reached' if debrief.hidden_insight_reached else 'not reached'}",
        f"  findings: {flagged}",
    ]
    if debrief.reframes:
        lines.append("  Reframes worth trying:")
        for r in debrief.reframes:
            lines.append(f"    you asked: {r.asked}")
            lines.append(f"    try:       {r.try_}")
    if debrief.usage.prompt_tokens or debrief.usage.completion_tokens:
        cost = (
            f" · about ${debrief.estimated_cost_usd:.4f}"
            if debrief.estimated_cost_usd is not None
            else ""
        )
        lines.append(
            f"  model tokens: {debrief.usage.prompt_tokens} prompt + "
            f"{debrief.usage.completion_tokens} completion{cost}"
        )
    return "\n".join(lines)


def _turn_json(turn: Turn) -> str:
    row: dict[str, object] = {
        "turn": turn.index,
        "staff": turn.staff,
        "caregiver": turn.caregiver,
        "review": turn.review.contract_dict(),
    }
    if turn.note:
        row["note"] = turn.note
    return json.dumps(row, ensure_ascii=False)


@app.command()
def practice(
    persona: Annotated[
        str | None, typer.Option("--persona", "-p", help="Persona id (see 'personas list').")
    ] = None,
    backend: Annotated[
        Backend | None,
        typer.Option(help="scripted (offline) or openai; default openai when a key is set."),
    ] = None,
    format: Annotated[Format, typer.Option("--format", help="text or json")] = Format.text,
    seed: Annotated[int | None, typer.Option(help="Seed for the scripted voice.")] = None,
) -> None:
    """Practise an empathy interview with a simulated caregiver.

    On a terminal it is interactive; otherwise it reads one staff utterance per
    stdin line. "/end" (or "end", end of input, or Ctrl-C) ends the session and
    prints the debrief; "/help" lists the commands.
    """
    _quiet_logs()
    interactive = sys.stdin.isatty() and format is Format.text
    console = Console(highlight=False)
    try:
        if persona is None:
            if not interactive:
                known = ", ".join(load_all())
                raise BadInput(
                    f"--persona is required when input is piped. Known personas: {known}"
                )
            card = _pick_persona(console)
        else:
            card = get_persona(persona)
    except UnknownPersona as exc:
        raise _fail(str(exc)) from None
    except (PersonaError, BadInput) as exc:
        raise _fail(str(exc)) from None
    except (KeyboardInterrupt, EOFError):
        raise typer.Exit(130) from None

    _practice(card, backend.value if backend else None, format, seed, interactive, console)


def _practice(
    card: Persona,
    backend: str | None,
    format: Format,
    seed: int | None,
    interactive: bool,
    console: Console,
) -> None:
    """Run the session. Input is read outside the event loop so Ctrl-C always
    interrupts at once; each turn runs on one :class:`asyncio.Runner`."""
    from bot.config import describe_settings_error
    from bot.llm.errors import ModelError, ModelNotConfigured
    from bot.services.practice import start_practice

    with asyncio.Runner() as runner:
        try:
            service = runner.run(start_practice(card, backend=backend, seed=seed))
        except ModelNotConfigured as exc:
            raise _fail(str(exc), code=2) from None
        except ModelError as exc:
            raise _fail(str(exc), code=1) from None
        except ValidationError as exc:
            raise _fail(describe_settings_error(exc), code=2) from None
        except KeyboardInterrupt:
            raise typer.Exit(130) from None
        bad_input: BadInput | None = None
        try:
            if interactive:
                _intro(console, card, service.backend)
            if service.startup_note:
                _say(service.startup_note, interactive, console)
            _run_turns(runner, service, card, format, interactive, console)
        except KeyboardInterrupt:
            console.print()
        except BadInput as exc:
            bad_input = exc
        finally:
            _print_debrief(service.end(), card, format, interactive, console)
            runner.run(service.aclose())
        if bad_input is not None:
            raise _fail(str(bad_input))


def _print_debrief(
    debrief: Debrief, card: Persona, format: Format, interactive: bool, console: Console
) -> None:
    if format is Format.json:
        row = {"debrief": debrief.model_dump(mode="json", by_alias=True)}
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif interactive:
        console.print(Panel(escape(render_debrief_text(debrief, card)), border_style="green"))
    else:
        sys.stdout.write(render_debrief_text(debrief, card) + "\n")
    sys.stdout.flush()


def _say(msg: str, interactive: bool, console: Console) -> None:
    if interactive:
        console.print(f"[yellow]{escape(msg)}[/]")
    else:
        err.print(escape(msg))


def _interactive_turn(
    runner: asyncio.Runner, service: PracticeService, card: Persona, text: str, console: Console
) -> Turn:
    """Take one turn, showing the caregiver's reply as it streams (words wrap cleanly)."""
    reply = Text(f"{card.name}: ", style="bold magenta")
    body_start = len(reply)
    with Live(reply, console=console, refresh_per_second=15, transient=False) as live:

        def show(delta: str) -> None:
            reply.append(delta, style="default")
            live.refresh()

        def reset() -> None:  # a model stream broke; the fallback's text follows
            reply.right_crop(len(reply) - body_start)
            live.refresh()

        return runner.run(service.take_turn(text, on_delta=show, on_reset=reset))


def _run_turns(
    runner: asyncio.Runner,
    service: PracticeService,
    card: Persona,
    format: Format,
    interactive: bool,
    console: Console,
) -> None:
    """Read staff lines until /end or end of input, answering each as a turn.

    Raises:
        KeyboardInterrupt: Ctrl-C (the caller still prints the debrief).
        BadInput: piped input that is not valid UTF-8 (turns so far are kept).
    """
    lines = None if interactive else _utf8_lines(sys.stdin.buffer, "standard input")
    while True:
        if interactive:
            try:
                text = console.input("[bold cyan]You:[/] ")
            except EOFError:
                console.print()
                return
        else:
            assert lines is not None
            piped = next(lines, None)
            if piped is None:
                return
            text = piped
        command = text.strip().lower()
        if command in END_COMMANDS:
            return
        if not command:
            continue
        if command.startswith("/"):
            known = command in ("/help", "/?")
            _say(
                ("" if known else f"{text.strip()} isn't a command. ") + HELP_TEXT,
                interactive,
                console,
            )
            continue
        if len(text) > MAX_TURN_CHARS:
            _say(
                f"That message is {len(text):,} characters long; a practice turn takes up to "
                f"{MAX_TURN_CHARS:,}. Ask one question at a time (to review a whole question "
                "list, use 'empathy-coach review').",
                interactive,
                console,
            )
            continue
        if interactive:
            turn = _interactive_turn(runner, service, card, text, console)
            if turn.note:
                console.print(f"[dim italic]({escape(turn.note)})[/]")
            note = _coach_note(turn.review)
            if note:
                console.print(Panel(note, title="Coach note", border_style="yellow"))
            continue
        turn = runner.run(service.take_turn(text))
        if format is Format.json:
            sys.stdout.write(_turn_json(turn) + "\n")
        else:
            sys.stdout.write(f"You: {turn.staff}\n{card.name}: {turn.caregiver}\n")
            if turn.note:
                sys.stdout.write(f"  (note: {turn.note})\n")
            for f in turn.review.findings:
                sys.stdout.write(f"  coach: {f.kind} “{f.evidence}”: {f.why}\n")
            if turn.review.reframe:
                sys.stdout.write(f"  coach: try “{turn.review.reframe}”\n")
        sys.stdout.flush()


def main() -> None:
    """Console-script entry point (``empathy-coach``)."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        sys.exit(130)


__all__ = ["FINDING_KINDS", "app", "main", "render_debrief_text"]
