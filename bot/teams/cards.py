"""Neutral views drawn as Teams messages: Adaptive Cards (schema 1.5) or plain text.

:func:`render` is the only entry point: it takes a view from
:mod:`bot.presenters.views` and returns the message payloads (``text`` and/or
one Adaptive Card attachment) to post. Wording comes from
:mod:`bot.presenters.practice`; only Teams-specific instructions ("reply in
this chat") are said here. Card buttons are ``Action.Submit`` with a small
``data`` object (:mod:`bot.teams.actions` parses it back).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.core.models import Finding, Review
from bot.core.persona import Persona
from bot.presenters.practice import (
    DISPUTE_BUTTON,
    DISPUTE_COMMENT_LABEL,
    DISPUTE_COMMENT_PLACEHOLDER,
    DISPUTE_KINDS_LABEL,
    DISPUTE_PRIVACY,
    GOAL,
    KIND_LABELS,
    SIGNS,
    SUCCESS_REMINDER,
    debrief_figures,
    first_name,
)
from bot.presenters.views import (
    CaregiverReply,
    CoachNote,
    DebriefCard,
    IntroCard,
    Notice,
    PersonaPicker,
    QuestionReview,
    TurnNote,
    View,
)
from bot.teams.actions import ACTION_COACH, ACTION_DISPUTE, ACTION_END, ACTION_START, KEEP_CARD

__all__ = [
    "CARD_BUDGET_BYTES",
    "CARD_CONTENT_TYPE",
    "MAX_TEXT",
    "TeamsMessage",
    "card",
    "message_bytes",
    "render",
    "submit",
    "text_block",
]

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.5"
MAX_TEXT = 28_000
"""Teams refuses a message body over about 28 KB; longer text is cut with a note."""

PICKER_TITLE = "Who would you like to practice with?"
REPLY_HERE = (
    "Reply in this chat with what you would say, one message per turn. "
    "Type end or press End practice for your debrief."
)
ENDED_NOTE = "This practice has ended; the debrief is below."


@dataclass(frozen=True)
class TeamsMessage:
    """One message to post: plain ``text`` and/or one Adaptive Card."""

    text: str = ""
    card: dict[str, Any] | None = None


def _cut(text: str, limit: int = MAX_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": _cut(text, 4000), "wrap": True, **style}


def _submit(title: str, data: dict[str, str], style: str | None = None) -> dict[str, Any]:
    action: dict[str, Any] = {"type": "Action.Submit", "title": title, "data": data}
    if style:
        action["style"] = style
    return action


def _card(
    body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": body,
    }
    if actions:
        card["actions"] = actions
    return card


def _quote(text: str) -> str:
    return f"“{text.strip()}”"


def _finding_line(finding: Finding) -> str:
    label = KIND_LABELS.get(finding.kind, finding.kind)
    weight = " (turns the interview into an intervention)" if finding.is_intervention else ""
    return f"- **{label}**{weight}: {_quote(finding.evidence)} — {finding.why}"


def persona_picker(view: PersonaPicker) -> TeamsMessage:
    """One card: a row per persona with a "Talk to …" submit button."""
    body: list[dict[str, Any]] = []
    if view.intro:
        body.append(_text(view.intro))
    body.append(_text(PICKER_TITLE, size="Large", weight="Bolder"))
    for p in view.personas:
        body.append(
            {
                "type": "Container",
                "separator": True,
                "items": [
                    _text(p.display_name, weight="Bolder"),
                    _text(p.situation, isSubtle=True),
                    {
                        "type": "ActionSet",
                        "actions": [
                            _submit(f"Talk to {first_name(p)}", {"ec": ACTION_START, "id": p.id})
                        ],
                    },
                ],
            }
        )
    return TeamsMessage(card=_card(body))


def intro_card(view: IntroCard) -> TeamsMessage:
    """Who, the situation, the goal, the four signs; End practice unless ended."""
    persona: Persona = view.persona
    name = first_name(persona)
    head, rest = GOAL.split(". ", 1)
    signs = "\n".join(f"- {s}" for s in SIGNS)
    body = [
        _text(f"Practice call with {name}", size="Large", weight="Bolder"),
        _text(f"**You are calling {persona.display_name}.** {persona.household}"),
        _text(f"**What you know:** {persona.situation}\n\n**Their mood:** {persona.opening_mood}"),
        _text(f"**{head}.** {rest}\n\n**Signs the interview has turned into an intervention:**"),
        _text(signs),
        _text(f"_{name} picks up:_ {_quote(persona.voice.greeting)}"),
        _text(REPLY_HERE, isSubtle=True, size="Small"),
    ]
    actions = None
    if view.ended:
        body.append(_text(ENDED_NOTE, isSubtle=True, size="Small"))
    else:
        actions = [_submit("End practice", {"ec": ACTION_END, "id": view.session_id})]
    return TeamsMessage(card=_card(body, actions))


def coach_note(view: CoachNote) -> TeamsMessage | None:
    """The live coach note, labeled as not part of the call; None when it is empty.

    The reviewer's findings (with "Was this note wrong?") and the engine's own
    note (:attr:`CoachNote.engine_note`) share one card.
    """
    review: Review = view.review
    if view.empty:
        return None
    body = [
        _text(
            f"Coach note · not part of the call with {first_name(view.persona)}",
            weight="Bolder",
            size="Small",
            isSubtle=True,
        ),
    ]
    if review.findings:
        body.append(_text("\n".join(_finding_line(f) for f in review.findings), size="Small"))
    if review.reframe:
        body.append(_text(f"**Try:** {_quote(review.reframe)}", size="Small"))
    if view.engine_note:
        body.append(_text(view.engine_note, size="Small"))
    actions = None
    if view.session_id and view.turn_index and review.findings:
        actions = [_dispute(review, f"{view.session_id}:{view.turn_index}")]
    return TeamsMessage(card=_card(body, actions))


def _dispute(review: Review, target: str) -> dict[str, Any]:
    """ "Was this note wrong?": a card shown in place with the note's kinds and a comment."""
    kinds = list(dict.fromkeys(f.kind for f in review.findings))
    choices: dict[str, Any] = {
        "type": "Input.ChoiceSet",
        "id": "kinds",
        "label": DISPUTE_KINDS_LABEL,
        "isMultiSelect": True,
        "style": "expanded",
        "choices": [{"title": KIND_LABELS.get(k, k), "value": k} for k in kinds],
    }
    if len(kinds) == 1:
        choices["value"] = kinds[0]
    form = _card(
        [
            choices,
            {
                "type": "Input.Text",
                "id": "comment",
                "label": DISPUTE_COMMENT_LABEL,
                "placeholder": DISPUTE_COMMENT_PLACEHOLDER,
                "maxLength": 500,
                "isMultiline": True,
            },
            _text(DISPUTE_PRIVACY, isSubtle=True, size="Small"),
        ],
        [_submit("Send", {"ec": ACTION_DISPUTE, "id": target})],
    )
    return {"type": "Action.ShowCard", "title": DISPUTE_BUTTON, "card": form}


def debrief_card(view: DebriefCard) -> TeamsMessage:
    """Summary, figures, reframes; Practice again and Send to a coach."""
    debrief = view.debrief
    body: list[dict[str, Any]] = [
        _text(
            f"Debrief: your practice with {first_name(view.persona)}",
            size="Large",
            weight="Bolder",
        ),
        _text(debrief.summary),
        {
            "type": "FactSet",
            "facts": [{"title": k, "value": v} for k, v in debrief_figures(debrief)],
        },
    ]
    if debrief.reframes:
        body.append(_text("Reframes worth trying", weight="Bolder"))
        for r in debrief.reframes:
            body.append(_text(f"**You asked:** {_quote(r.asked)}\n\n**Try:** {_quote(r.try_)}"))
    body.append(_text(SUCCESS_REMINDER, isSubtle=True, size="Small"))
    actions = [
        _submit(
            "Practice again",
            {"ec": ACTION_START, "id": view.persona.id, KEEP_CARD: "true"},
            "positive",
        ),
        _submit("Send to a coach", {"ec": ACTION_COACH, "id": view.session_id}),
    ]
    return TeamsMessage(card=_card(body, actions))


def _review_body(index: int, review: Review) -> str:
    lines = [f"**{index}.** {_quote(review.text)}"]
    if review.findings:
        lines += [_finding_line(f) for f in review.findings]
        if review.reframe:
            lines.append(f"**Try:** {_quote(review.reframe)}")
    elif "open_question" in review.moves:
        lines.append("Open and neutral.")
    else:
        lines.append("Nothing to flag.")
    return "\n\n".join(lines)


CARD_BUDGET_BYTES = 28 * 1024
"""The most a Teams card (a transcript, feedback, a review) may weigh, counted as Teams
counts it: the message payload
encoded as UTF-16, Base64 images left out. Microsoft Learn, *Format your bot messages*
(https://learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages):
"The bot message size limit is 40 KB … bot receives a 413 status code
(RequestEntityTooLarge), which contains the error code MessageSizeTooBig" (the newest
English version says about 100 KB, under 80 KB recommended). 28 KB is the limit Teams
gives incoming webhooks and Graph chat messages; staying under it leaves room for the
activity's envelope below every figure Microsoft has published."""


def message_bytes(message: TeamsMessage) -> int:
    """The UTF-16 size of what ``message`` posts (its text and card JSON), in bytes."""
    payload = {"text": message.text, "attachments": [message.card]}
    return len(json.dumps(payload, ensure_ascii=False).encode("utf-16-le"))


def question_review(view: QuestionReview) -> list[TeamsMessage]:
    """The review in cards within :data:`CARD_BUDGET_BYTES` each: the header, then each
    question with its findings and reframe. A long list is split between questions into
    several cards titled "(part i of n)" (issue 12: a 60-question list made one ~75 KB
    card, and the connector's 413 dropped it)."""
    items = [_text(_review_body(i, r)) for i, r in enumerate(view.reviews, 1)]
    if view.dropped:
        items.append(_text(f"{view.dropped} more lines were not reviewed.", isSubtle=True))

    def one(title: str, part: list[dict[str, Any]]) -> TeamsMessage:
        return TeamsMessage(card=_card([_text(title, size="Large", weight="Bolder"), *part]))

    marked = f"{view.title} (part 99 of 99)"  # the longest title a part gets
    parts: list[list[dict[str, Any]]] = [[]]
    for item in items:
        if parts[-1] and message_bytes(one(marked, [*parts[-1], item])) > CARD_BUDGET_BYTES:
            parts.append([])
        parts[-1].append(item)
    if len(parts) == 1:
        return [one(view.title, parts[0])]
    n = len(parts)
    return [one(f"{view.title} (part {i} of {n})", p) for i, p in enumerate(parts, 1)]


text_block = _text
"""A wrapped ``TextBlock`` (for the other Teams card modules)."""
submit = _submit
"""An ``Action.Submit`` button (for the other Teams card modules)."""
card = _card
"""An Adaptive Card of ``body`` and ``actions`` (for the other Teams card modules)."""


def render(view: View) -> list[TeamsMessage]:
    """The Teams messages for ``view`` (usually one; none for an empty coach note).

    Raises:
        TypeError: a view this adapter does not know (a bug, never silently dropped).
    """
    if isinstance(view, Notice | TurnNote | CaregiverReply):
        return [TeamsMessage(text=_cut(view.text))]
    if isinstance(view, PersonaPicker):
        return [persona_picker(view)]
    if isinstance(view, IntroCard):
        return [intro_card(view)]
    if isinstance(view, CoachNote):
        note = coach_note(view)
        return [note] if note else []
    if isinstance(view, DebriefCard):
        return [debrief_card(view)]
    if isinstance(view, QuestionReview):
        return question_review(view)
    raise TypeError(f"the Teams adapter cannot render {type(view).__name__}")
