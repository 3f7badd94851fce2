"""The question-list review form: one multi-line ``Input.Text`` (``isMultiline``).

Its submit carries ``{"ec": "review_list", "questions": <the list>}``; the handlers
pass the list to :meth:`bot.services.conversation.PracticeChat.review_list` and the
result is drawn by :func:`bot.teams.cards.question_review` (the same
:class:`~bot.presenters.views.QuestionReview` view Slack renders).
"""

from __future__ import annotations

from bot.teams.cards import TeamsMessage, card, submit, text_block

__all__ = ["ACTION_REVIEW_LIST", "EMPTY_LIST", "review_form"]

ACTION_REVIEW_LIST = "review_list"
REVIEW_TITLE = "Review a question list"
REVIEW_HINT = (
    "Paste the questions you plan to ask, one per line. I'll flag advice, judgment, "
    "persuasion and closed or leading questions, and suggest open, neutral rewrites."
)
EMPTY_LIST = "Paste at least one question, one per line."
MAX_LIST_CHARS = 10_000
"""Longest list the form takes (characters); the review keeps its own question cap."""


def review_form(value: str = "", error: str | None = None) -> TeamsMessage:
    """The review form (``value``: the list typed before a refusal; ``error``: why)."""
    body = [text_block(REVIEW_TITLE, size="Large", weight="Bolder")]
    if error:
        body.append(text_block(error, color="Attention", weight="Bolder"))
    body.append(text_block(REVIEW_HINT, isSubtle=True))
    field = {
        "type": "Input.Text",
        "id": "questions",
        "label": "Your questions",
        "isMultiline": True,
        "maxLength": MAX_LIST_CHARS,
        "placeholder": "Tell me about a morning when getting to school goes well.",
    }
    if value:
        field["value"] = value
    body.append(field)
    return TeamsMessage(card=card(body, [submit("Review", {"ec": ACTION_REVIEW_LIST}, "positive")]))
