"""The after-interview cards: log an interview, my interviews, change the time, delete,
exact words, reflect.

Each form's fields are the ones Slack's modals ask for (the checks are the
services': :mod:`bot.services.interview_input`); its submit carries
``{"ec": <save action>, "id": <interview id>}`` plus the inputs, which the
handlers route by ``ec``. A refused submit re-sends the form with what was typed
and the reason on top, so nothing typed is lost. The list, the time form and the
delete confirmation are Teams' version of Slack's Home-tab interview rows
(*Change time*, *Delete* with its confirmation dialog); the flows are in
:mod:`bot.teams.interview_flows`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.reflection import zone
from bot.presenters import reflection as words
from bot.presenters.interview_logged import (
    AFTERWARDS,
    DELETE_TITLE,
    DELETE_WARNING,
    NO_INTERVIEWS,
    interview_line,
)
from bot.services.results import (
    GRADE_BANDS,
    MAX_PSEUDONYM_CHARS,
    MAX_TEXT_CHARS,
    InterviewInfo,
    InterviewPage,
)
from bot.teams.cards import TeamsMessage, card, submit, text_block

__all__ = [
    "ACTION_DELETE_INTERVIEW",
    "ACTION_DELETE_INTERVIEW_CONFIRMED",
    "ACTION_EDIT_INTERVIEW_TIME",
    "ACTION_INTERVIEWS",
    "ACTION_LOG_INTERVIEW",
    "ACTION_SAVE_EXACT_WORDS",
    "ACTION_SAVE_INTERVIEW",
    "ACTION_SAVE_INTERVIEW_TIME",
    "ACTION_SAVE_REFLECTION",
    "NO_TEAM",
    "NO_TEAMS",
    "delete_confirmation",
    "edit_time_form",
    "exact_words_form",
    "interview_logged_card",
    "interviews_card",
    "log_interview_form",
    "reflection_form",
]

ACTION_LOG_INTERVIEW = "log_interview"
"""Open the log form (the prompts' *Log a second conversation* uses it too)."""
ACTION_SAVE_INTERVIEW = "save_interview"
ACTION_SAVE_EXACT_WORDS = "save_exact_words"
ACTION_SAVE_REFLECTION = "save_reflection"
ACTION_INTERVIEWS = "interviews"
"""Show a page of my interviews (field ``offset``: how many newer ones to skip)."""
ACTION_EDIT_INTERVIEW_TIME = "edit_interview_time"
"""Open the change-time form of interview ``id``."""
ACTION_SAVE_INTERVIEW_TIME = "save_interview_time"
"""Move interview ``id`` to the form's date and time."""
ACTION_DELETE_INTERVIEW = "delete_interview"
"""Ask before deleting interview ``id``."""
ACTION_DELETE_INTERVIEW_CONFIRMED = "delete_interview_confirmed"
"""Delete interview ``id`` (the confirmation's button)."""

INTERVIEWS_ON_A_PAGE = 5
"""Interviews per list card (Slack's Home tab shows five too)."""
NO_TEAM = "none"
"""The team choice meaning "no team gathering" (Adaptive Cards need a non-empty value)."""
NO_TEAM_TITLE = "No team (just me)"
UNNAMED_TEAM = "a team channel"
"""An interview's team whose channel the app no longer knows (removed from the team)."""
TEAM_LABEL = "Team for the weekly gathering (optional)"
NO_TEAMS = (
    "Team for the weekly gathering: none to choose. Empathy Coach is not added to a team "
    "you belong to yet; a team owner can add it to the team, and the team shows up here."
)

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


def _team_field(
    teams: Sequence[tuple[str, str]] | None, values: dict[str, str]
) -> list[dict[str, Any]]:
    if teams is None:
        return []
    if not teams:
        return [text_block(NO_TEAMS, isSubtle=True)]
    options = [(NO_TEAM, NO_TEAM_TITLE), *teams]
    item = _choices("team_channel", TEAM_LABEL, list(options), values)
    item["isRequired"] = False
    item.setdefault("value", NO_TEAM)
    return [item]


def log_interview_form(
    values: dict[str, str] | None = None,
    error: str | None = None,
    teams: Sequence[tuple[str, str]] | None = None,
) -> TeamsMessage:
    """The form that logs a real interview (prefilled with ``values`` after a refusal).

    Args:
        values: input id -> text typed earlier.
        error: why the last submit was refused, shown on top.
        teams: ``(channel conversation id, team name)`` the user may choose for the
            weekly gathering (input ``team_channel``, :data:`NO_TEAM` for none); an
            empty list says plainly there is none; None leaves the field out.
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
        *_team_field(teams, v),
        _input("notes", "Notes (optional)", v, multiline=True),
    ]
    return TeamsMessage(
        card=card(body, [submit("Log interview", {"ec": ACTION_SAVE_INTERVIEW}, "positive")])
    )


def _buttons(info: InterviewInfo) -> list[dict[str, Any]]:
    return [
        submit("Change time", {"ec": ACTION_EDIT_INTERVIEW_TIME, "id": info.id}),
        submit("Delete", {"ec": ACTION_DELETE_INTERVIEW, "id": info.id}, "destructive"),
    ]


def interview_logged_card(info: InterviewInfo, lines: Sequence[str]) -> TeamsMessage:
    """The confirmation of a logged or moved interview: its lines as the message text, and
    a card with *Change time*, *Delete* and *My interviews*.

    Args:
        info: the interview (its id goes in the buttons).
        lines: :func:`bot.presenters.interview_logged.interview_logged_lines`.
    """
    actions = [*_buttons(info), submit("My interviews", {"ec": ACTION_INTERVIEWS, "offset": "0"})]
    return TeamsMessage(
        text="\n\n".join(lines), card=card([text_block(AFTERWARDS, isSubtle=True)], actions)
    )


def interviews_card(page: InterviewPage, team_names: Mapping[str, str]) -> TeamsMessage:
    """A page of my logged interviews, newest first, each with *Change time* and *Delete*.

    Args:
        page: the page (:meth:`bot.services.interviews.InterviewService.interview_page`).
        team_names: channel conversation id -> team name, for the interviews' teams (one
            not in it is :data:`UNNAMED_TEAM`, never the raw id).
    """
    body: list[dict[str, Any]] = [
        text_block("Your logged interviews", size="Large", weight="Bolder")
    ]
    if not page.interviews:
        body.append(text_block(NO_INTERVIEWS, isSubtle=True))
    elif page.has_newer or page.has_older:
        first, last = page.offset + 1, page.offset + len(page.interviews)
        body.append(text_block(f"Interviews {first}-{last} of {page.total}", isSubtle=True))
    for info in page.interviews:
        team = team_names.get(info.team_channel or "") or (
            UNNAMED_TEAM if info.team_channel else None
        )
        line = interview_line(
            info.caregiver_pseudonym,
            info.grade_band,
            info.mode,
            info.happened_at,
            info.interviewer_tz,
            team,
        )
        body += [
            text_block(line, separator=True, spacing="Medium"),
            {"type": "ActionSet", "actions": _buttons(info)},
        ]
    actions = []
    if page.has_newer:
        newer = max(0, page.offset - INTERVIEWS_ON_A_PAGE)
        actions.append(submit("← Newer", {"ec": ACTION_INTERVIEWS, "offset": str(newer)}))
    if page.has_older:
        older = page.offset + len(page.interviews)
        actions.append(submit("Older →", {"ec": ACTION_INTERVIEWS, "offset": str(older)}))
    actions.append(submit("Log an interview", {"ec": ACTION_LOG_INTERVIEW}, "positive"))
    return TeamsMessage(card=card(body, actions))


def edit_time_form(
    info: InterviewInfo, values: dict[str, str] | None = None, error: str | None = None
) -> TeamsMessage:
    """The change-time form, prefilled with the interview's time on its own zone's clock
    (or with what was typed, after a refusal).

    Args:
        info: the interview.
        values: ``happened_on`` / ``happened_at`` typed earlier.
        error: why the last submit was refused, shown on top.
    """
    local = info.happened_at.astimezone(zone(info.interviewer_tz))
    v = {"happened_on": local.date().isoformat(), "happened_at": f"{local:%H:%M}", **(values or {})}
    intro = (
        f"When did your {words.mode_phrase(info.mode)} with {info.caregiver_pseudonym} "
        f"happen ({info.interviewer_tz})? Reminders not sent yet move with it."
    )
    body = [
        text_block("Change the time", size="Large", weight="Bolder"),
        *_error(error),
        text_block(intro),
        {"type": "Input.Date", "id": "happened_on", "label": "Date", "value": v["happened_on"]},
        {"type": "Input.Time", "id": "happened_at", "label": "Time", "value": v["happened_at"]},
    ]
    data = {"ec": ACTION_SAVE_INTERVIEW_TIME, "id": info.id}
    return TeamsMessage(card=card(body, [submit("Save", data, "positive")]))


def delete_confirmation(info: InterviewInfo) -> TeamsMessage:
    """*Delete this interview?* with *Delete* and *Keep it* (Slack's confirmation dialog)."""
    line = interview_line(
        info.caregiver_pseudonym, info.grade_band, info.mode, info.happened_at, info.interviewer_tz
    )
    body = [
        text_block(DELETE_TITLE, size="Large", weight="Bolder"),
        text_block(line),
        text_block(DELETE_WARNING),
    ]
    actions = [
        submit("Delete", {"ec": ACTION_DELETE_INTERVIEW_CONFIRMED, "id": info.id}, "destructive"),
        submit("Keep it", {"ec": ACTION_INTERVIEWS, "offset": "0"}),
    ]
    return TeamsMessage(card=card(body, actions))


def exact_words_form(
    interview_id: str, who: str, values: dict[str, str] | None = None, error: str | None = None
) -> TeamsMessage:
    """The form for the caregiver's exact words about interview ``interview_id`` (``values``:
    the words saved before, or the refused submission, shown again)."""
    v = values or {}
    body = [
        text_block(f"Their exact words · {who}", size="Large", weight="Bolder"),
        *_error(error),
        _input(
            "text",
            "What did they say, in their own words?",
            v,
            multiline=True,
            isRequired=True,
            errorMessage="Type what they said.",
        ),
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
