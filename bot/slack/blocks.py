"""Block Kit builders: plain data in, Slack blocks / messages / views out.

No I/O and no Slack client here; listeners call these and send the result.
Every piece of user, persona or model text is escaped (:func:`bot.slack.text.escape`)
or converted (:func:`bot.slack.text.to_mrkdwn`) before it is embedded, and
every builder stays inside Slack's limits (see :mod:`bot.slack.text`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.debrief import Debrief
from bot.core.models import Finding, Review
from bot.core.persona import Persona
from bot.core.reflection import Reflection, zone
from bot.presenters import reflection as wording
from bot.presenters.data_rights import DOWNLOAD_BUTTON
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
from bot.services.reflection import (
    GRADE_BANDS,
    MAX_PSEUDONYM_CHARS,
    Gathering,
    InterviewInfo,
    InterviewPage,
    ReminderPayload,
)
from bot.slack import ids
from bot.slack.text import (
    HEADER_LIMIT,
    MAX_BLOCKS,
    TEXT_LIMIT,
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
    "INTERVIEWS_ON_HOME",
    "MODE_OPTIONS",
    "NOTHING_NEW",
    "PROMPT_ICONS",
    "PROMPT_LABELS",
    "REFLECTION_QUESTIONS",
    "SessionCard",
    "caregiver_messages",
    "channel_ref",
    "coach_note",
    "debrief_messages",
    "dispute_modal",
    "edit_time_modal",
    "exact_words_modal",
    "file_only_text",
    "home_view",
    "interview_logged_message",
    "intro_card",
    "local_time",
    "log_interview_modal",
    "notice",
    "persona_picker",
    "prompt_messages",
    "quote",
    "reflection_modal",
    "review_messages",
    "review_modal",
    "team_decision_modal",
    "thanks_view",
    "turn_note",
]


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


def quote(text: str) -> str:
    """User text, escaped, in curly quotes on one line.

    Args:
        text: plain text (a question, a caregiver's words, a team decision).

    Returns:
        ``“…”`` with ``& < >`` escaped and every run of whitespace (newlines
        too) made one space.
    """
    return "“" + escape(" ".join(text.split())) + "”"


# ---------------------------------------------------------------------- practice


def persona_picker(personas: Sequence[Persona], *, intro: str | None = None) -> Message:
    """The "who would you like to practice with?" message: one Start button per persona.

    Args:
        personas: the cards to offer, in display order.
        intro: a plain-text line shown first (escaped here), e.g. why the picker is shown.

    Returns:
        One message (at most 2 + :data:`MAX_HOME_PERSONAS` blocks).
    """
    title = "Who would you like to practice with?"
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


def intro_card(persona: Persona, session_id: str, *, ended: bool = False) -> Message:
    """The card that opens a practice thread: who, the situation, the goal, the four signs.

    Args:
        persona: the caregiver card.
        session_id: the session (value of the End practice button).
        ended: the practice has ended: the End button is replaced by a note.

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
        f"*{GOAL.split('. ', 1)[0]}.* {GOAL.split('. ', 1)[1]}\n"
        f"*Signs the interview has turned into an intervention:*\n{signs}"
    )
    blocks += section_blocks(f"_{escape(name)} picks up:_ {quote(persona.voice.greeting)}")
    blocks += context_blocks(
        "Reply *in this thread* with what you would say, one message per turn. "
        "Type `end` or press *End practice* for your debrief."
    )
    if ended:
        blocks += context_blocks(":checkered_flag: This practice has ended; the debrief is below.")
    else:
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
    return f"• *{label}*{weight}: {quote(finding.evidence)} — {escape(finding.why)}"


def coach_note(
    review: Review,
    persona: Persona,
    *,
    dispute: str | None = None,
    engine_note: str | None = None,
) -> Message | None:
    """A live coach note on one staff turn, visibly apart from the caregiver's voice.

    Rendered as small gray context text under a ":mag: Coach note" label that
    names it as not part of the conversation, with each finding's exact words
    quoted and the suggested reframe.

    Args:
        review: the review of the staff turn.
        persona: the caregiver (named in the label).
        dispute: ``<session id>:<turn>`` to offer "Was this note wrong?" (only
            on the reviewer's findings), or None.
        engine_note: the engine's own note on the turn
            (:attr:`bot.presenters.views.CoachNote.engine_note`), or None.

    Returns:
        The note, or None when there is neither a finding nor an engine note.
    """
    if not review.findings and not engine_note:
        return None
    lines = [f":mag: *Coach note* · not part of the call with {escape(first_name(persona))}"]
    lines += [_finding_line(f) for f in review.findings]
    if review.reframe:
        lines.append(f"*Try:* {quote(review.reframe)}")
    if engine_note:
        lines.append(f"• {escape(engine_note)}")
    blocks = context_blocks("\n".join(lines))[:49]
    if dispute and review.findings:
        blocks.append(
            {
                "type": "actions",
                "elements": [_button(DISPUTE_BUTTON, ids.ACTION_DISPUTE_NOTE, dispute)],
            }
        )
    kinds = ", ".join(KIND_LABELS[f.kind].lower() for f in review.findings)
    return Message(text=truncate(f"Coach note: {kinds or engine_note}", 4000), blocks=blocks)


def dispute_modal(kinds: Sequence[str], utterance: str, *, private_metadata: str) -> dict[str, Any]:
    """The "Was this note wrong?" modal: which part of the note, and why (optional).

    Args:
        kinds: the finding kinds of that turn's note (from the store).
        utterance: what the staff member said in that turn (shown, escaped).
        private_metadata: opaque state (session and turn) returned with the submission.

    Returns:
        A modal view payload for ``views.open``.
    """
    options = [_option(KIND_LABELS.get(k, k), k) for k in kinds]  # type: ignore[call-overload]
    element: dict[str, Any] = {"type": "checkboxes", "options": options}
    if len(options) == 1:
        element["initial_options"] = options
    blocks: list[dict[str, Any]] = [
        *section_blocks(f"*You said:* {quote(utterance)}"),
        _input(ids.FIELDS["dispute_kinds"], DISPUTE_KINDS_LABEL, element, optional=True),
        _text_input(
            ids.FIELDS["dispute_comment"],
            DISPUTE_COMMENT_LABEL,
            placeholder=DISPUTE_COMMENT_PLACEHOLDER,
            max_length=500,
        ),
        *context_blocks(DISPUTE_PRIVACY),
    ]
    return _modal(
        ids.VIEW_DISPUTE_NOTE, "Was this note wrong?", blocks, private_metadata=private_metadata
    )


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
    return [
        {"type": "mrkdwn", "text": truncate(f"*{k}*\n{escape(v)}", 2000)}
        for k, v in debrief_figures(debrief)
    ]


def debrief_messages(persona: Persona, debrief: Debrief, session_id: str) -> list[Message]:
    """The debrief card: summary, figures, reframes, Practice again / Send to a coach /
    Download transcript.

    Args:
        persona: the caregiver card.
        debrief: the session's debrief (from the core).
        session_id: the session (value of Send to a coach and Download transcript).

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
            blocks += section_blocks(f"*You asked:* {quote(r.asked)}\n*Try:* {quote(r.try_)}")
    blocks += context_blocks(SUCCESS_REMINDER)
    blocks.append(
        {
            "type": "actions",
            "elements": [
                _button("Practice again", ids.ACTION_PRACTICE_AGAIN, persona.id, "primary"),
                _button("Send to a coach", ids.ACTION_SEND_TO_COACH, session_id),
                _button(DOWNLOAD_BUTTON, ids.ACTION_DOWNLOAD_TRANSCRIPT, session_id),
            ],
        }
    )
    return paginate(f"Debrief: your practice with {escape(name)}", blocks)


# ---------------------------------------------------------------------- question review


def _review_body(index: int | None, review: Review) -> str:
    head = f"*{index}.* " if index is not None else ""
    lines = [head + quote(review.text)]
    if review.findings:
        lines += [_finding_line(f) for f in review.findings]
        if review.reframe:
            lines.append(f"*Try:* {quote(review.reframe)}")
    elif "open_question" in review.moves:
        lines.append(":white_check_mark: Open and neutral.")
    else:
        lines.append(":white_check_mark: Nothing to flag.")
    return "\n".join(lines)


def review_messages(
    reviews: Sequence[Review],
    *,
    title: str = "Question review",
    questions: int = 0,
    dropped: int = 0,
) -> list[Message]:
    """The result of a question-list review: each question, its findings and reframe, a summary.

    Args:
        reviews: one review per question, in order.
        title: header text.
        questions: lines in the list (0: as many as ``reviews``).
        dropped: lines left out because the list was over the cap (said plainly).

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
    if dropped:
        summary += (
            f"\n:warning: Your list has {questions or total + dropped} lines; I reviewed the "
            f"first {total}. Send the other {dropped} in a second review."
        )
    blocks: list[dict[str, Any]] = [_header(title)]
    blocks += section_blocks(summary)
    for i, r in enumerate(reviews, start=1):
        blocks.append({"type": "divider"})
        blocks += section_blocks(_review_body(i if total > 1 else None, r))
    fallback = (
        f"{title}: {total} question(s), {open_n} open and clean, "
        f"{intervention_n} would turn the interview into an intervention"
        + (f"; {dropped} more not reviewed (over the limit)" if dropped else "")
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
    when = f"{card.started_at:%b} {card.started_at.day}" if card.started_at else "earlier"
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
    personas: Sequence[Persona],
    sessions: Sequence[SessionCard],
    *,
    live_notes: bool,
    interviews: Sequence[InterviewInfo] = (),
    page: InterviewPage | None = None,
    progress: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The App Home: after-interview logging, persona gallery, last sessions, live-notes setting.

    Args:
        personas: the cards, in display order.
        sessions: the user's most recent sessions, newest first.
        live_notes: the user's current live-notes setting.
        interviews: the user's most recent real interviews, newest first (each
            with "Change time" and "Delete" buttons; at most
            :data:`INTERVIEWS_ON_HOME`).
        page: where ``interviews`` sit among all of the user's (adds Newer / Older
            buttons when there are more).
        progress: the "Your progress" blocks, shown after the last sessions
            (:func:`bot.slack.progress_blocks.home_section`).

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
        *_interview_rows(interviews, page),
        {"type": "divider"},
        _header("Practice with a caregiver"),
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
    blocks += progress
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


# ---------------------------------------------------------------------- after real interviews

PROMPT_LABELS: dict[str, str] = {
    "exact_words": "a note to write down their exact words while they are fresh",
    "reflection": "four short questions to reflect on",
    "team_gathering": "your team's weekly gathering",
    "second_round": "a nudge toward a second conversation with the family",
}
"""What each after-interview prompt is, as the confirmation DM lists it."""

PROMPT_ICONS: dict[str, str] = {
    "exact_words": ":memo:",
    "reflection": ":thought_balloon:",
    "second_round": ":leftwards_arrow_with_hook:",
    "red_flag_note": ":seedling:",
    "delivery_failed": ":warning:",
}
"""The emoji that opens each kind of DM prompt (the team post has a header instead)."""

MODE_OPTIONS: dict[str, str] = {"phone": "By phone", "in_person": "In person"}
"""The log modal's choices for how the interview was held."""

INTERVIEWS_ON_HOME = 5
"""Most recent interviews the App Home lists (two blocks each)."""

_CHANNEL_ID_RE = re.compile(r"^[CG][A-Z0-9]{2,}$")
_PENDING = ("pending", "claimed")


def local_time(dt: datetime, tz: str) -> str:
    """A moment on the reader's wall clock, the way the prompts show it.

    Args:
        dt: an aware datetime.
        tz: the reader's IANA zone.

    Returns:
        E.g. ``"Thu, Mar 5, 11:00 AM"`` (US style).
    """
    local = dt.astimezone(zone(tz))
    hour = local.hour % 12 or 12
    return f"{local:%a}, {local:%b} {local.day}, {hour}:{local:%M} {local:%p}"


def channel_ref(channel_id: str | None) -> str:
    """A channel as mrkdwn: a ``<#C…>`` link for a real id, else the escaped text.

    Args:
        channel_id: a Slack channel id (``C…`` or ``G…``), or None.

    Returns:
        mrkdwn text (empty for None).
    """
    if not channel_id:
        return ""
    if _CHANNEL_ID_RE.match(channel_id):
        return f"<#{channel_id}>"
    return escape(channel_id)


_mode_phrase = wording.mode_phrase


def _input(
    block_id: str,
    label: str,
    element: dict[str, Any],
    *,
    optional: bool = False,
    hint: str | None = None,
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": {**element, "action_id": ids.element_id(block_id)},
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint)
    return block


def _text_input(
    block_id: str,
    label: str,
    *,
    initial: str | None = None,
    optional: bool = True,
    hint: str | None = None,
    placeholder: str | None = None,
    multiline: bool = True,
    max_length: int = MODAL_INPUT_LIMIT,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "multiline": multiline,
        "max_length": max_length,
    }
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = plain(placeholder)
    return _input(block_id, label, element, optional=optional, hint=hint)


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def _when_inputs(when: datetime, tz: str) -> list[dict[str, Any]]:
    """A date picker and a time picker set to ``when`` on the wall clock of ``tz``."""
    local = when.astimezone(zone(tz))
    return [
        _input(
            ids.FIELDS["happened_on"],
            "Date",
            {"type": "datepicker", "initial_date": local.date().isoformat()},
        ),
        _input(
            ids.FIELDS["happened_at"],
            "Time",
            {"type": "timepicker", "initial_time": f"{local:%H:%M}", "timezone": tz},
            hint=f"Your time zone: {tz}",
        ),
    ]


def _modal(
    callback_id: str,
    title: str,
    blocks: list[dict[str, Any]],
    *,
    private_metadata: str,
    submit: str = "Save",
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": private_metadata,
        "title": plain(truncate(title, 24)),
        "submit": plain(submit),
        "close": plain("Cancel"),
        "blocks": blocks,
    }


def log_interview_modal(
    *,
    now: datetime,
    tz: str,
    private_metadata: str,
    channel: str | None = None,
    earlier: InterviewInfo | None = None,
) -> dict[str, Any]:
    """The ``/log-interview`` modal: when, who (pseudonym), grade band, how, team, notes.

    Args:
        now: the current time (the default for when it happened).
        tz: the staff member's IANA zone (the pickers' wall clock).
        private_metadata: opaque state returned with the submission.
        channel: a team channel to preselect (where the command was typed).
        earlier: for a second conversation, the first interview (its
            pseudonym, grade band, mode and team channel are prefilled).

    Returns:
        A modal view payload for ``views.open``.
    """
    grades = [_option(f"Grade {g}" if g != "PreK" else "PreK", g) for g in GRADE_BANDS]
    modes = [_option(text, value) for value, text in MODE_OPTIONS.items()]
    grade: dict[str, Any] = {"type": "static_select", "options": grades}
    mode: dict[str, Any] = {"type": "radio_buttons", "options": modes, "initial_option": modes[0]}
    team: dict[str, Any] = {
        "type": "conversations_select",
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    pseudonym = None
    if earlier is not None:
        pseudonym = earlier.caregiver_pseudonym
        for element, options, value in (
            (grade, grades, earlier.grade_band),
            (mode, modes, earlier.mode),
        ):
            chosen = [o for o in options if o["value"] == value]
            if chosen:
                element["initial_option"] = chosen[0]
        channel = earlier.team_channel or channel
    if channel and _CHANNEL_ID_RE.match(channel):
        team["initial_conversation"] = channel
    intro = (
        "Log a real empathy interview. I'll help you hold on to what you heard: a note to "
        "write down their exact words, a few questions to reflect on, your team's weekly "
        "gathering, and later a nudge toward a second conversation."
    )
    if earlier is not None:
        intro = (
            f"A second conversation with {escape(earlier.caregiver_pseudonym)}'s family. "
            "The teams that learn most go back more than once."
        )
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": intro}},
        *_when_inputs(now, tz),
        _text_input(
            ids.FIELDS["pseudonym"],
            "Caregiver pseudonym or initials",
            initial=pseudonym,
            optional=False,
            multiline=False,
            max_length=MAX_PSEUDONYM_CHARS,
            hint="Please don't enter names; notes are scrubbed anyway",
            placeholder="e.g. M.L.",
        ),
        _input(ids.FIELDS["grade_band"], "Student's grade band", grade),
        _input(ids.FIELDS["mode"], "How you talked", mode),
        _input(
            ids.FIELDS["team_channel"],
            "Team channel that should hear about it",
            team,
            optional=True,
            hint="Its weekly gathering shares your reflection, by pseudonym only.",
        ),
        _text_input(
            ids.FIELDS["notes"],
            "Notes (optional)",
            hint="The caregiver's exact words help most. Names and contact details are "
            "removed before anything is stored.",
            placeholder="What did they say, in their own words?",
        ),
    ]
    return _modal(
        ids.VIEW_LOG_INTERVIEW,
        "Log an interview",
        blocks,
        private_metadata=private_metadata,
        submit="Log it",
    )


def edit_time_modal(interview: InterviewInfo, *, private_metadata: str) -> dict[str, Any]:
    """The small modal that changes when an interview happened.

    Args:
        interview: the interview (its time is the default, on its own zone's clock).
        private_metadata: opaque state returned with the submission.

    Returns:
        A modal view payload for ``views.open``.
    """
    intro = (
        f"When did your {_mode_phrase(interview.mode)} with "
        f"*{escape(interview.caregiver_pseudonym)}* happen? Reminders not sent yet move with it."
    )
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": intro}},
        *_when_inputs(interview.happened_at, interview.interviewer_tz),
    ]
    return _modal(
        ids.VIEW_EDIT_INTERVIEW_TIME, "Change the time", blocks, private_metadata=private_metadata
    )


def exact_words_modal(interview: InterviewInfo, *, private_metadata: str) -> dict[str, Any]:
    """The notes modal of the exact-words prompt (prefilled with words saved before).

    Args:
        interview: the interview.
        private_metadata: opaque state returned with the submission.

    Returns:
        A modal view payload for ``views.open``.
    """
    intro = (
        f"Write down what *{escape(interview.caregiver_pseudonym)}* said, in their own words, "
        "while it is fresh. Their phrases show what they assume, what gets in the way, and "
        "what they hope for."
    )
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": intro}},
        _text_input(
            ids.FIELDS["text"],
            "Their exact words",
            initial=interview.exact_words,
            optional=False,
            hint="Names and contact details are removed before anything is stored.",
        ),
    ]
    return _modal(
        ids.VIEW_EXACT_WORDS, "Their exact words", blocks, private_metadata=private_metadata
    )


REFLECTION_QUESTIONS: dict[str, str] = wording.REFLECTION_QUESTIONS
"""The reflection modal's four questions (DOMAIN.md, "After"), by field."""

NOTHING_NEW = wording.NOTHING_NEW
"""The reflection modal's checkbox."""

SLACK_REASONS: dict[str, str] = {
    "not_in_channel": "invite me with /invite @empathy-coach",
    "channel_not_found": (
        "check that the channel still exists; for a private channel, invite me with "
        "/invite @empathy-coach"
    ),
    "is_archived": "the channel is archived; choose another team channel",
    "restricted_action": "a workspace setting stops me from posting there; ask an admin",
    "too_many_attempts": "I stopped retrying; nothing else was lost",
}
"""What the interviewer can do about a Slack error code (a failed prompt's reason)."""

_DEFAULT_REASON = "ask a workspace admin to check that I can post there"


def slack_reason(reason: str) -> str:
    """A failed delivery's reason (a Slack error code) with what to do about it."""
    return f"{reason} — {SLACK_REASONS.get(reason.split(' ', 1)[0], _DEFAULT_REASON)}"


def reflection_modal(
    interview: InterviewInfo, *, private_metadata: str, earlier: Reflection | None = None
) -> dict[str, Any]:
    """The reflection modal: four questions and the "Nothing new came up" checkbox.

    Args:
        interview: the interview reflected on.
        private_metadata: opaque state returned with the submission.
        earlier: a reflection saved before, to prefill.

    Returns:
        A modal view payload for ``views.open``.
    """
    when = local_time(interview.happened_at, interview.interviewer_tz)
    intro = (
        f"Your {_mode_phrase(interview.mode)} with *{escape(interview.caregiver_pseudonym)}* "
        f"({when}). A line or two for each is plenty."
    )
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": intro}}]
    for field, question in REFLECTION_QUESTIONS.items():
        blocks.append(
            _text_input(
                ids.FIELDS[field],
                question,
                initial=getattr(earlier, field) if earlier is not None else None,
            )
        )
    box = _option(NOTHING_NEW, "nothing_new")
    checkbox: dict[str, Any] = {"type": "checkboxes", "options": [box]}
    if earlier is not None and earlier.nothing_new:
        checkbox["initial_options"] = [box]
    blocks.append(
        _input(
            ids.FIELDS["nothing_new"],
            "If it only confirmed what you thought",
            checkbox,
            optional=True,
            hint="That is worth knowing too.",
        )
    )
    return _modal(ids.VIEW_REFLECTION, "Reflect", blocks, private_metadata=private_metadata)


def team_decision_modal(*, private_metadata: str) -> dict[str, Any]:
    """The modal behind "Record our decision": the one thing the team will try.

    Args:
        private_metadata: opaque state returned with the submission.

    Returns:
        A modal view payload for ``views.open``.
    """
    blocks = [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "What is the *one thing* your team will try, based on what families "
                "told you this week?",
            },
        },
        _text_input(
            ids.FIELDS["decision"],
            "Our decision",
            optional=False,
            placeholder="e.g. Call families the same morning a student is missed.",
        ),
    ]
    return _modal(
        ids.VIEW_TEAM_DECISION,
        "Our decision",
        blocks,
        private_metadata=private_metadata,
        submit="Record",
    )


def thanks_view(text: str) -> dict[str, Any]:
    """A modal that replaces a submitted form with a short thank-you.

    Args:
        text: mrkdwn (already escaped).

    Returns:
        A modal view payload for ``response_action="update"``.
    """
    return {
        "type": "modal",
        "title": plain("Thank you"),
        "close": plain("Done"),
        "blocks": section_blocks(text)[:1],
    }


def _schedule_lines(info: InterviewInfo) -> list[str]:
    lines = []
    for reminder in info.reminders:
        if reminder.status not in _PENDING or reminder.kind not in PROMPT_LABELS:
            continue
        what = PROMPT_LABELS[reminder.kind]
        if reminder.kind == "team_gathering" and reminder.channel_id:
            what += f" in {channel_ref(reminder.channel_id)}, with your reflection"
        lines.append(f"• *{local_time(reminder.due_at, info.interviewer_tz)}* · {what}")
    return lines


def interview_logged_message(info: InterviewInfo, *, moved: bool = False) -> Message:
    """The DM that confirms a logged (or moved) interview, with each prompt's local time.

    Args:
        info: the interview with its reminders (from the service).
        moved: True after the time was changed.

    Returns:
        One message.
    """
    who = escape(info.caregiver_pseudonym)
    call = _mode_phrase(info.mode)
    when = local_time(info.happened_at, info.interviewer_tz)
    if moved:
        head = f"Updated: your {call} with *{who}* is now {when}."
    else:
        head = f"Thank you for logging your {call} with *{who}* ({when})."
    lines = _schedule_lines(info)
    if lines:
        head += f" Here is when I'll check in, in your time ({escape(info.interviewer_tz)}):"
    else:
        head += " All of its reminders have already gone out."
    removed = sum(info.scrubbed.values())
    body = [head, *lines]
    if removed:
        body.append(
            f"I removed {removed} personal detail{'s' if removed != 1 else ''} from your notes "
            "before saving them."
        )
    blocks = section_blocks("\n".join(body))
    blocks += context_blocks(
        "What counts is what you learned. You can change the time or delete it on my Home tab."
    )
    return Message(text=truncate(head.replace("*", ""), TEXT_LIMIT), blocks=blocks[:MAX_BLOCKS])


def _prompt_buttons(payload: ReminderPayload) -> list[dict[str, Any]]:
    buttons = []
    for index, action in enumerate(payload.actions):
        action_id = ids.PROMPT_ACTIONS.get(action.action)
        if action_id is None:
            continue
        buttons.append(
            _button(action.label, action_id, action.value, "primary" if index == 0 else None)
        )
    return [{"type": "actions", "elements": buttons}] if buttons else []


def _gathering_blocks(gathering: Gathering) -> list[dict[str, Any]]:
    n, m = len(gathering.interviews), gathering.reflections
    blocks: list[dict[str, Any]] = [_header(wording.GATHERING_TITLE)]
    blocks += section_blocks(
        f"{wording.gathering_summary(n, m)} "
        "Before you meet, read what families told us, then choose *one thing to try*."
    )
    for item in gathering.interviews:
        iv = item.interview
        local = iv.happened_at.astimezone(zone(iv.tz))
        lines = [
            f"*{escape(iv.caregiver_pseudonym)}* · grade {escape(iv.grade_band)} · "
            f"{_mode_phrase(iv.mode)} · {local:%a}, {local:%b} {local.day}"
        ]
        if item.exact_words:
            lines.append(f"Their words: {quote(item.exact_words)}")
        reflection = item.reflection
        if reflection is None:
            lines.append("_No reflection yet._")
        else:
            for field, question in REFLECTION_QUESTIONS.items():
                answer = getattr(reflection, field).strip()
                if answer:
                    lines.append(f"*{question}* {escape(answer)}")
        if item.red_flag:
            lines.append(f"_{wording.GATHERING_RED_FLAG}_")
        blocks.append({"type": "divider"})
        blocks += section_blocks("\n".join(lines))
    blocks += context_blocks(wording.GATHERING_CLOSING)
    return blocks


def prompt_messages(payload: ReminderPayload) -> list[Message]:
    """Render one reminder (prompt, team gathering, gentle note or failure notice).

    Every piece of user text (pseudonyms, exact words, answers) is escaped;
    long content is split within Slack's limits (a big team gathering may take
    more than one message; the button comes last).

    Args:
        payload: what the dispatcher asks to post.

    Returns:
        One or more messages, in order.
    """
    fallback = escape(payload.text)
    if payload.kind == "team_gathering" and payload.gathering is not None:
        blocks = _gathering_blocks(payload.gathering)
    else:
        body = fallback
        failed = payload.failed
        if failed is not None:  # worded here: the reason is a Slack error code
            where = channel_ref(failed.channel_id) if failed.channel_id else None
            body = wording.failure_notice(failed.kind, where, escape(slack_reason(failed.reason)))
        icon = PROMPT_ICONS.get(payload.kind)
        blocks = section_blocks(f"{icon} {body}" if icon else body)
    blocks += _prompt_buttons(payload)
    return paginate(fallback, blocks)


def _interview_line(info: InterviewInfo) -> str:
    return (
        f"*{escape(info.caregiver_pseudonym)}* · grade {escape(info.grade_band)} · "
        f"{_mode_phrase(info.mode)} · {local_time(info.happened_at, info.interviewer_tz)}"
    )


def _confirm(title: str, text: str, yes: str) -> dict[str, Any]:
    return {
        "title": plain(title),
        "text": plain(text),
        "confirm": plain(yes),
        "deny": plain("Keep it"),
        "style": "danger",
    }


def _page_buttons(page: InterviewPage | None) -> list[dict[str, Any]]:
    """ "Newer" / "Older" buttons and where this page sits, when there is more than one page."""
    if page is None or not (page.has_newer or page.has_older):
        return []
    first, last = page.offset + 1, page.offset + len(page.interviews)
    elements = []
    if page.has_newer:
        newer = max(0, page.offset - INTERVIEWS_ON_HOME)
        elements.append(_button("← Newer", ids.ACTION_INTERVIEW_PAGE, str(newer)))
    if page.has_older:
        elements.append(_button("Older →", ids.ACTION_INTERVIEW_PAGE, str(last)))
    return [
        *context_blocks(f"Interviews {first}-{last} of {page.total}"),
        {"type": "actions", "elements": elements},
    ]


def _interview_rows(
    interviews: Sequence[InterviewInfo], page: InterviewPage | None = None
) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [
        _header("After a real interview"),
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "Log a real empathy interview and I'll help you capture their words, "
                "reflect, and bring it to your team.",
            },
            "accessory": _button("Log an interview", ids.ACTION_LOG_INTERVIEW, "new", "primary"),
        },
    ]
    if not interviews:
        return blocks + context_blocks("No interviews logged yet.")
    for info in list(interviews)[:INTERVIEWS_ON_HOME]:
        delete = _button("Delete", ids.ACTION_DELETE_INTERVIEW, info.id, "danger")
        delete["confirm"] = _confirm(
            "Delete this interview?",
            "Its notes and reflection are removed and reminders not sent yet are canceled.",
            "Delete",
        )
        blocks += [
            {"type": "section", "text": {"type": "mrkdwn", "text": _interview_line(info)}},
            {
                "type": "actions",
                "elements": [
                    _button("Change time", ids.ACTION_EDIT_INTERVIEW_TIME, info.id),
                    delete,
                ],
            },
        ]
    return blocks + _page_buttons(page)
