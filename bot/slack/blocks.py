"""Block Kit builders: plain data in, Slack blocks / messages / views out.

No I/O and no Slack client here; listeners call these and send the result.
Every piece of user, persona or model text is escaped (:func:`bot.slack.text.escape`)
or converted (:func:`bot.slack.text.to_mrkdwn`) before it is embedded, and
every builder stays inside Slack's limits (see :mod:`bot.slack.text`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.debrief import Debrief
from bot.core.models import FINDING_KINDS, Finding, FindingKind, Review
from bot.core.persona import Persona
from bot.slack import ids
from bot.slack.text import (
    HEADER_LIMIT,
    Message,
    context_blocks,
    escape,
    paginate,
    plain,
    section_blocks,
    to_mrkdwn,
    truncate,
)

__all__ = [
    "KIND_LABELS",
    "SIGNS",
    "SessionCard",
    "caregiver_messages",
    "coach_note",
    "debrief_messages",
    "file_only_text",
    "first_name",
    "home_view",
    "intro_card",
    "notice",
    "persona_picker",
    "review_messages",
    "review_modal",
    "split_question_lines",
    "turn_note",
]

SIGNS: tuple[str, ...] = (
    "giving advice, tips or resources",
    "pressure words such as “should” or “don't you think…”",
    "correcting the family's view of attendance",
    "judging success by whether their mind changes in the moment",
)
"""DOMAIN.md's four signs that an interview has turned into an intervention."""

KIND_LABELS: dict[FindingKind, str] = {
    "advice": "Advice",
    "judgment": "Judgment",
    "persuasion": "Persuasion",
    "correction": "Correction",
    "leading": "Leading question",
    "closed": "Closed question",
    "stacked": "Stacked questions",
    "why_blame": "“Why” that sounds like blame",
    "jargon": "Jargon",
}
"""Plain-language label of each finding kind, as staff see it."""

MAX_HOME_PERSONAS = 30
"""Most persona cards on the App Home (a home view holds at most 100 blocks)."""

MODAL_INPUT_LIMIT = 3000
"""Most characters Slack accepts in a plain-text input."""


@dataclass(frozen=True)
class SessionCard:
    """One past session as the App Home lists it (built from the store's record).

    Attributes:
        persona_name: the caregiver's name.
        started_at: when the session started (shown as a date).
        turns: staff turns taken.
        open_questions: open questions asked (None when not ended yet).
        layers_reached: layers of the story reached (None when unknown).
        layers_total: layers on the card (None when unknown).
        hidden_insight: True when the hidden insight was reached.
        ended: True when the debrief was given.
    """

    persona_name: str
    started_at: datetime | None
    turns: int
    open_questions: int | None = None
    layers_reached: int | None = None
    layers_total: int | None = None
    hidden_insight: bool = False
    ended: bool = False


def first_name(persona: Persona) -> str:
    """The caregiver's first name ("Rosa"), as status lines and labels use it.

    Args:
        persona: the card.

    Returns:
        The first word of ``persona.name``.
    """
    return persona.name.split()[0]


def _button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": plain(truncate(text, 75)),
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": plain(truncate(text, HEADER_LIMIT))}


def _quote(text: str) -> str:
    """Escaped text in curly quotes on one line (newlines become spaces)."""
    return "“" + escape(" ".join(text.split())) + "”"


# ---------------------------------------------------------------------- practice


def persona_picker(personas: Sequence[Persona], *, intro: str | None = None) -> Message:
    """The "who would you like to practise with?" message: one Start button per persona.

    Args:
        personas: the cards to offer, in display order.
        intro: a plain-text line shown first (escaped here), e.g. why the picker is shown.

    Returns:
        One message (at most 2 + :data:`MAX_HOME_PERSONAS` blocks).
    """
    title = "Who would you like to practise with?"
    blocks: list[dict[str, Any]] = []
    if intro:
        blocks += section_blocks(escape(intro))[:1]
    blocks.append(_header(title))
    blocks += _persona_rows(personas)
    text = f"{escape(intro)} {title}" if intro else title
    return Message(text=truncate(text, 4000), blocks=blocks)


def _persona_rows(personas: Sequence[Persona]) -> list[dict[str, Any]]:
    rows = []
    for p in list(personas)[:MAX_HOME_PERSONAS]:
        body = truncate(f"*{escape(p.display_name)}*\n{escape(p.situation)}", 3000)
        rows.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": body},
                "accessory": _button(f"Talk to {first_name(p)}", ids.ACTION_START, p.id),
            }
        )
    return rows


def intro_card(persona: Persona, session_id: str) -> Message:
    """The card that opens a practice thread: who, the situation, the goal, the four signs.

    Args:
        persona: the caregiver card.
        session_id: the session (value of the End practice button).

    Returns:
        One message; the staff member replies in its thread.
    """
    name = first_name(persona)
    signs = "\n".join(f"• {s}" for s in SIGNS)
    blocks: list[dict[str, Any]] = [_header(f"Practice call with {name}")]
    blocks += section_blocks(
        f"*You are calling {escape(persona.display_name)}.*\n{escape(persona.household)}"
    )
    blocks += section_blocks(
        f"*What you know:* {escape(persona.situation)}\n"
        f"*Their mood:* {escape(persona.opening_mood)}"
    )
    blocks += section_blocks(
        "*Your goal is to learn, not to fix.* Ask open questions, follow up, reflect back "
        "what you hear, and leave silences.\n"
        f"*Signs the interview has turned into an intervention:*\n{signs}"
    )
    blocks += section_blocks(f"_{escape(name)} picks up:_ {_quote(persona.voice.greeting)}")
    blocks += context_blocks(
        "Reply *in this thread* with what you would say, one message per turn. "
        "Type `end` or press *End practice* for your debrief."
    )
    blocks.append(
        {
            "type": "actions",
            "elements": [_button("End practice", ids.ACTION_END, session_id)],
        }
    )
    return Message(
        text=f"Practice call with {escape(persona.display_name)}. Reply in this thread.",
        blocks=blocks,
    )


def caregiver_messages(reply: str) -> list[Message]:
    """The caregiver's reply as plain messages (used where streaming is unavailable).

    Args:
        reply: the reply text (model Markdown or plain text).

    Returns:
        One message per 4,000 characters of converted text (usually one).
    """
    return paginate(to_mrkdwn(reply))


def _finding_line(finding: Finding) -> str:
    label = KIND_LABELS.get(finding.kind, finding.kind)
    weight = " (turns the interview into an intervention)" if finding.is_intervention else ""
    return f"• *{label}*{weight}: {_quote(finding.evidence)} — {escape(finding.why)}"


def coach_note(review: Review, persona: Persona) -> Message | None:
    """A live coach note on one staff turn, visibly apart from the caregiver's voice.

    Rendered as small grey context text under a ":mag: Coach note" label that
    names it as not part of the conversation, with each finding's exact words
    quoted and the suggested reframe.

    Args:
        review: the review of the staff turn.
        persona: the caregiver (named in the label).

    Returns:
        The note, or None when the review found nothing.
    """
    if not review.findings:
        return None
    lines = [f":mag: *Coach note* · not part of the call with {escape(first_name(persona))}"]
    lines += [_finding_line(f) for f in review.findings]
    if review.reframe:
        lines.append(f"*Try:* {_quote(review.reframe)}")
    blocks = context_blocks("\n".join(lines))
    kinds = ", ".join(KIND_LABELS[f.kind].lower() for f in review.findings)
    return Message(text=truncate(f"Coach note: {kinds}", 4000), blocks=blocks[:50])


def turn_note(note: str) -> Message:
    """A small system note on a turn (e.g. the model did not answer; the fallback did).

    Args:
        note: the note text.

    Returns:
        One context-block message.
    """
    return Message(
        text=truncate(escape(note), 4000),
        blocks=context_blocks(f":information_source: {escape(note)}")[:50],
    )


def notice(text: str) -> Message:
    """A short plain notice (already-ended session, unknown persona, …).

    Args:
        text: plain text (escaped here).

    Returns:
        One message without blocks.
    """
    return paginate(escape(text))[0]


def file_only_text(persona_name: str | None = None) -> str:
    """The reply to a message that carries only files.

    Args:
        persona_name: the caregiver's first name, when in a practice thread.

    Returns:
        Escaped plain text.
    """
    who = f" to {escape(persona_name)}" if persona_name else ""
    return f"I can only read text. Please type what you would say{who} as a message."


# ---------------------------------------------------------------------- debrief


def _figures(debrief: Debrief) -> list[dict[str, Any]]:
    found = ", ".join(
        f"{KIND_LABELS[k].lower()} {n}"
        for k in FINDING_KINDS
        if (n := debrief.findings_by_kind.get(k))
    )
    pairs = [
        ("Turns", str(debrief.turns)),
        ("Open questions", str(debrief.open_questions)),
        ("Closed questions", str(debrief.closed_questions)),
        ("Follow-ups", str(debrief.follow_ups)),
        ("Reflections", str(debrief.reflections)),
        ("Reflections per question", f"{debrief.reflection_to_question:g}"),
        ("Talk ratio (you : them)", f"{debrief.talk_ratio:g}"),
        ("Layers of the story", f"{debrief.layers_reached} of {debrief.layers_total}"),
        ("Hidden insight", "reached" if debrief.hidden_insight_reached else "not reached"),
        ("Findings", found or "none"),
    ]
    return [{"type": "mrkdwn", "text": truncate(f"*{k}*\n{v}", 2000)} for k, v in pairs]


def debrief_messages(persona: Persona, debrief: Debrief, session_id: str) -> list[Message]:
    """The debrief card: summary, figures, reframes, Practice again / Send to a coach.

    Args:
        persona: the caregiver card.
        debrief: the session's debrief (from the core).
        session_id: the session (value of Send to a coach).

    Returns:
        Usually one message; more only if the content exceeds 50 blocks.
    """
    name = first_name(persona)
    blocks: list[dict[str, Any]] = [_header(f"Debrief: your practice with {name}")]
    blocks += section_blocks(escape(debrief.summary))
    blocks.append({"type": "section", "fields": _figures(debrief)})
    if debrief.reframes:
        blocks += section_blocks("*Reframes worth trying*")
        for r in debrief.reframes:
            blocks += section_blocks(f"*You asked:* {_quote(r.asked)}\n*Try:* {_quote(r.try_)}")
    blocks += context_blocks(
        "Success is what you learned, not whether the family changed their mind."
    )
    blocks.append(
        {
            "type": "actions",
            "elements": [
                _button("Practice again", ids.ACTION_PRACTICE_AGAIN, persona.id, "primary"),
                _button("Send to a coach", ids.ACTION_SEND_TO_COACH, session_id),
            ],
        }
    )
    return paginate(f"Debrief: your practice with {escape(name)}", blocks)


# ---------------------------------------------------------------------- question review


def _review_body(index: int | None, review: Review) -> str:
    head = f"*{index}.* " if index is not None else ""
    lines = [head + _quote(review.text)]
    if review.findings:
        lines += [_finding_line(f) for f in review.findings]
        if review.reframe:
            lines.append(f"*Try:* {_quote(review.reframe)}")
    elif "open_question" in review.moves:
        lines.append(":white_check_mark: Open and neutral.")
    else:
        lines.append(":white_check_mark: Nothing to flag.")
    return "\n".join(lines)


def review_messages(reviews: Sequence[Review], *, title: str = "Question review") -> list[Message]:
    """The result of a question-list review: each question, its findings and reframe, a summary.

    Args:
        reviews: one review per question, in order.
        title: header text.

    Returns:
        One or more messages (50 blocks each at most).
    """
    total = len(reviews)
    open_n = sum(1 for r in reviews if "open_question" in r.moves and not r.findings)
    intervention_n = sum(1 for r in reviews if r.has_intervention)
    summary = (
        f"*{total} question{'s' if total != 1 else ''}* · {open_n} open and clean · "
        f"{intervention_n} would turn the interview into an intervention"
    )
    blocks: list[dict[str, Any]] = [_header(title)]
    blocks += section_blocks(summary)
    for i, r in enumerate(reviews, start=1):
        blocks.append({"type": "divider"})
        blocks += section_blocks(_review_body(i if total > 1 else None, r))
    fallback = (
        f"{title}: {total} question(s), {open_n} open and clean, "
        f"{intervention_n} would turn the interview into an intervention"
    )
    return paginate(fallback, blocks)


def review_modal(private_metadata: str = "") -> dict[str, Any]:
    """The /review-questions modal: one multi-line box for the question list.

    Args:
        private_metadata: opaque state returned with the submission (at most
            3,000 characters).

    Returns:
        A modal view payload for ``views.open``.
    """
    return {
        "type": "modal",
        "callback_id": ids.VIEW_REVIEW_QUESTIONS,
        "private_metadata": private_metadata,
        "title": plain("Review questions"),
        "submit": plain("Review"),
        "close": plain("Cancel"),
        "blocks": [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "Paste the questions you plan to ask, *one per line*. Each is checked "
                    "for advice, judgment, persuasion and other habits that turn an empathy "
                    "interview into an intervention.",
                },
            },
            {
                "type": "input",
                "block_id": ids.BLOCK_QUESTIONS,
                "label": plain("Your questions"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": ids.INPUT_QUESTIONS,
                    "multiline": True,
                    "max_length": MODAL_INPUT_LIMIT,
                    "placeholder": plain(
                        "Tell me about a morning when getting to school goes well."
                    ),
                },
            },
        ],
    }


# ---------------------------------------------------------------------- App Home


def _session_line(card: SessionCard) -> str:
    when = card.started_at.strftime("%b %d") if card.started_at else "earlier"
    parts = [
        f"*{escape(card.persona_name)}* · {when}",
        f"{card.turns} turn{'s' if card.turns != 1 else ''}",
    ]
    if card.open_questions is not None:
        parts.append(
            f"{card.open_questions} open question{'s' if card.open_questions != 1 else ''}"
        )
    if card.layers_reached is not None and card.layers_total:
        parts.append(f"{card.layers_reached} of {card.layers_total} layers")
    if card.hidden_insight:
        parts.append("hidden insight reached")
    if not card.ended:
        parts.append("_still open_")
    return " · ".join(parts)


def home_view(
    personas: Sequence[Persona], sessions: Sequence[SessionCard], *, live_notes: bool
) -> dict[str, Any]:
    """The App Home: persona gallery, your last sessions, the live-notes setting.

    Args:
        personas: the cards, in display order.
        sessions: the user's most recent sessions, newest first.
        live_notes: the user's current live-notes setting.

    Returns:
        A ``home`` view payload for ``views.publish`` (at most 100 blocks).
    """
    on = {"text": plain("Coach notes after every turn"), "value": "on"}
    off = {"text": plain("Feedback at the end only"), "value": "off"}
    blocks: list[dict[str, Any]] = [
        _header("Empathy interview practice"),
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "Rehearse a call with a caregiver whose child misses a lot of school. "
                "Your goal is to *learn their story*, not to fix it.",
            },
            "accessory": _button("Review a question list", ids.ACTION_HOME_REVIEW, "open"),
        },
        {"type": "divider"},
        _header("Practise with a caregiver"),
        *_persona_rows(personas),
        {"type": "divider"},
        _header("Your last sessions"),
    ]
    if sessions:
        for card in list(sessions)[:10]:
            blocks.append(
                {"type": "section", "text": {"type": "mrkdwn", "text": _session_line(card)}}
            )
    else:
        blocks += context_blocks("No sessions yet. Pick a caregiver above to start.")
    blocks += [
        {"type": "divider"},
        _header("Settings"),
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "*Live coach notes* during practice"},
            "accessory": {
                "type": "radio_buttons",
                "action_id": ids.ACTION_LIVE_NOTES,
                "options": [on, off],
                "initial_option": on if live_notes else off,
            },
        },
    ]
    return {"type": "home", "blocks": blocks[:100]}


def split_question_lines(text: str) -> list[str]:
    """Split a pasted question list into one question per non-blank line.

    Args:
        text: the modal's text.

    Returns:
        Stripped, non-blank lines, in order.
    """
    return [line.strip() for line in text.splitlines() if line.strip()]
