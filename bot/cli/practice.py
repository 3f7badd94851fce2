"""``empathy-coach practice``: a practice call in the terminal (interactive or piped).

The terminal is a platform like Slack and Teams: the same engine and reviewer,
the same wording (:mod:`bot.presenters.practice`), the same command words
(:func:`bot.services.commands.parse_command`: "end", "End.", "/help", "stop").
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from bot.bootstrap import SettingsProblem, start_practice
from bot.cli.common import Backend, BadInput, Format, err, fail, quiet_logs, utf8_lines
from bot.core.debrief import Debrief
from bot.core.models import Review, Turn
from bot.core.persona import Persona
from bot.core.text import first_sentence, sanitize
from bot.llm.errors import ModelError, ModelNotConfigured
from bot.personas import PersonaError, UnknownPersona, get_persona, load_all
from bot.presenters.practice import GOAL, MAX_TURN_CHARS, SIGNS, debrief_figures, too_long
from bot.services.commands import parse_command
from bot.services.practice import PracticeService

__all__ = ["HELP_TEXT", "register", "render_debrief_text"]

HELP_TEXT = (
    "Type what you would say to the caregiver. /retry takes your last turn back so you can "
    "ask it another way; /end (or end) finishes and shows your debrief; /help shows this."
)


def register(app: typer.Typer) -> None:
    """Add the ``practice`` command to ``app``."""
    app.command()(practice)


def _pick_persona(console: Console) -> Persona:
    cards = list(load_all().values())
    console.print("[bold]Who would you like to practice with?[/]")
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
        f"[bold]{escape(GOAL.split('. ', 1)[0])}.[/] {escape(GOAL.split('. ', 1)[1])}\n"
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
    figures = dict(debrief_figures(debrief))
    lines = [
        f"Debrief: practice with {persona.name}",
        f"  {debrief.summary}",
        "  " + " · ".join(f"{k.lower()} {v}" for k, v in list(figures.items())[:5]),
        "  " + " · ".join(f"{k.lower()} {v}" for k, v in list(figures.items())[5:7]),
        f"  layers of the story reached {figures['Layers of the story']} · "
        f"hidden insight {figures['Hidden insight']}",
        f"  findings: {figures['Findings']}",
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
        "trust": round(turn.trust_after, 2),
        "disclosed": list(turn.disclosed),
        "insight": turn.insight,
    }
    if turn.note:
        row["note"] = turn.note
    return json.dumps(row, ensure_ascii=False)


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
    """Practice an empathy interview with a simulated caregiver.

    On a terminal it is interactive; otherwise it reads one staff utterance per
    stdin line. "/end" (or "end", end of input, or Ctrl-C) ends the session and
    prints the debrief; "/help" lists the commands.
    """
    quiet_logs()
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
        raise fail(str(exc)) from None
    except (PersonaError, BadInput) as exc:
        raise fail(str(exc)) from None
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
    with asyncio.Runner() as runner:
        try:
            service = runner.run(start_practice(card, backend=backend, seed=seed))
        except ModelNotConfigured as exc:
            raise fail(str(exc), code=2) from None
        except ModelError as exc:
            raise fail(str(exc), code=1) from None
        except SettingsProblem as exc:
            raise fail(str(exc), code=2) from None
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
            raise fail(str(bad_input))


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


def _retry(service: PracticeService) -> tuple[str, dict[str, object] | None]:
    """Take the last turn back (engine state included).

    Returns:
        What to tell the user, and the ``--format json`` row (``{"retry": {...}}``; None
        when there was no turn to take back).
    """
    turns = service.engine.turns
    if not turns:
        return "There is no turn to take back yet. Type what you would say to the caregiver.", None
    last = turns[-1]
    service.engine.rewind(last.index)
    tip = f" Try: “{last.review.reframe}”" if last.review.reframe else ""
    row: dict[str, object] = {
        "retry": {"turn": last.index, "staff": last.staff, "reframe": last.review.reframe}
    }
    return f"Took back turn {last.index} (“{last.staff}”). Ask it another way.{tip}", row


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
    lines = None if interactive else utf8_lines(sys.stdin.buffer, "standard input")
    while True:
        if interactive:
            try:
                text = sanitize(console.input("[bold cyan]You:[/] "))
            except EOFError:
                console.print()
                return
        else:
            assert lines is not None
            piped = next(lines, None)
            if piped is None:
                return
            text = piped
        command = parse_command(text)
        if command == "end":
            return
        if not text.strip():
            continue
        if command == "retry":
            said, row = _retry(service)
            _say(said, interactive, console)
            if format is Format.json and row is not None:  # a JSON reader sees the take-back too
                sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
                sys.stdout.flush()
            continue
        if command == "help" or text.strip().startswith("/"):
            known = command == "help"
            _say(
                ("" if known else f"{text.strip()} isn't a command. ") + HELP_TEXT,
                interactive,
                console,
            )
            continue
        if len(text) > MAX_TURN_CHARS:
            _say(
                too_long(len(text)).replace("/review-questions", "'empathy-coach review'"),
                interactive,
                console,
            )
            continue
        if interactive:
            turn = _interactive_turn(runner, service, card, text, console)
            if turn.note:
                console.print(f"[dim italic]({escape(turn.note)})[/]")
            note = _coach_note(turn.review)
            if turn.coach_note:
                note = f"{note}\n{escape(turn.coach_note)}" if note else escape(turn.coach_note)
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
            if turn.coach_note:
                sys.stdout.write(f"  coach: {turn.coach_note}\n")
        sys.stdout.flush()
