"""The after-interview forms as Adaptive Cards: log an interview, exact words, reflect.

Each form's fields are the ones Slack's modals ask for (the checks are the
services': :mod:`bot.services.interview_input`); its submit carries
``{"ec": <save action>, "id": <interview id>}`` plus the inputs, which the
handlers route by ``ec``. A refused submit re-sends the form with what was typed
and the reason on top, so nothing typed is lost.
"""

from __future__ import annotations

from typing import Any

from bot.presenters import reflection as words
from bot.services.results import GRADE_BANDS, MAX_PSEUDONYM_CHARS, MAX_TEXT_CHARS
from bot.teams.cards import TeamsMessage, card, submit, text_block

__all__ = [
    "ACTION_SAVE_EXACT_WORDS",
    "ACTION_SAVE_INTERVIEW",
    "ACTION_SAVE_REFLECTION",
    "exact_words_form",
    "log_interview_form",
    "reflection_form",
]

ACTION_SAVE_INTERVIEW = "save_interview"
ACTION_SAVE_EXACT_WORDS = "save_exact_words"
ACTION_SAVE_REFLECTION = "save_reflection"

LOG_TITLE = "Log a real interview"
LOG_HINT = (
    "Use a pseudonym or initials, never the family's names. I'll check in afterwards so you "
    "can write down their exact words and reflect, in your working hours."
)
MODES = (("phone", "Phone call"), ("in_person", "In person"))


def _error(error: str | None) -> list[dict[str, Any]]:
    return [text_block(error, color="Attention", weight="Bolder")] if error else []


def _input(
    field: str, label: str, values: dict[str, str], *, multiline: bool = False, **extra: Any
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "type": "Input.Text",
        "id": field,
        "label": label,
        "maxLength": MAX_TEXT_CHARS,
        **extra,
    }
    if multiline:
        item["isMultiline"] = True
    if values.get(field):
        item["value"] = values[field]
    return item


def _choices(
    field: str, label: str, options: list[tuple[str, str]], values: dict[str, str]
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "type": "Input.ChoiceSet",
        "id": field,
        "label": label,
        "style": "compact",
        "isRequired": True,
        "choices": [{"title": title, "value": value} for value, title in options],
    }
    if values.get(field):
        item["value"] = values[field]
    return item


def log_interview_form(
    values: dict[str, str] | None = None, error: str | None = None
) -> TeamsMessage:
    """The form that logs a real interview (prefilled with ``values`` after a refusal).

    Args:
        values: input id -> text typed earlier.
        error: why the last submit was refused, shown on top.
    """
    v = values or {}
    body = [
        text_block(LOG_TITLE, size="Large", weight="Bolder"),
        *_error(error),
        text_block(LOG_HINT, isSubtle=True),
        _input("pseudonym", "Caregiver's pseudonym or initials", v, maxLength=MAX_PSEUDONYM_CHARS),
        {
            "type": "Input.Date",
            "id": "happened_on",
            "label": "Date",
            **({"value": v["happened_on"]} if v.get("happened_on") else {}),
        },
        {
            "type": "Input.Time",
            "id": "happened_at",
            "label": "Time",
            **({"value": v["happened_at"]} if v.get("happened_at") else {}),
        },
        _choices("grade_band", "Student's grade band", [(b, b) for b in GRADE_BANDS], v),
        _choices("mode", "How you talked", list(MODES), v),
        _input("notes", "Notes (optional)", v, multiline=True),
    ]
    return TeamsMessage(
        card=card(body, [submit("Log interview", {"ec": ACTION_SAVE_INTERVIEW}, "positive")])
    )


def exact_words_form(
    interview_id: str, who: str, values: dict[str, str] | None = None, error: str | None = None
) -> TeamsMessage:
    """The form for the caregiver's exact words about interview ``interview_id``."""
    v = values or {}
    body = [
        text_block(f"Their exact words · {who}", size="Large", weight="Bolder"),
        *_error(error),
        _input("text", "What did they say, in their own words?", v, multiline=True),
    ]
    data = {"ec": ACTION_SAVE_EXACT_WORDS, "id": interview_id}
    return TeamsMessage(card=card(body, [submit("Save", data, "positive")]))


def reflection_form(
    interview_id: str, who: str, values: dict[str, str] | None = None, error: str | None = None
) -> TeamsMessage:
    """The four reflection questions and "nothing new" about interview ``interview_id``."""
    v = values or {}
    body: list[dict[str, Any]] = [
        text_block(f"Reflect · {who}", size="Large", weight="Bolder"),
        *_error(error),
    ]
    body += [
        _input(field, question, v, multiline=True)
        for field, question in words.REFLECTION_QUESTIONS.items()
    ]
    body.append(
        {
            "type": "Input.Toggle",
            "id": "nothing_new",
            "title": words.NOTHING_NEW,
            "valueOn": "true",
            "valueOff": "false",
            "value": "true" if v.get("nothing_new") == "true" else "false",
        }
    )
    data = {"ec": ACTION_SAVE_REFLECTION, "id": interview_id}
    return TeamsMessage(card=card(body, [submit("Save", data, "positive")]))
