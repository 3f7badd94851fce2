"""The rules reviewer: finds judgment, advice, persuasion, correction, leading,
closed, stacked, why-blame and jargon in one staff utterance.

Use :func:`review` for one utterance.
"""

from bot.core.review.reviewer import review

__all__ = ["review"]
