"""Placeholder until the rules land: returns a Review with no findings."""

from bot.core.models import Review


def review(text: str) -> Review:
    """Review one staff utterance with the rules (no I/O, deterministic)."""
    return Review(text=text)
