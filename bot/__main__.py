"""``python -m bot`` runs the ``empathy-coach`` command line."""

from bot.cli import main

main()
