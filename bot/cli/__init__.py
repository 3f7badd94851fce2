"""The ``empathy-coach`` command line (Typer): practice, review, personas, serve, reminders, db."""

from bot.cli.main import app, main

__all__ = ["app", "main"]
