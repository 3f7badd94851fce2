"""Block Kit for the coach messages and forms: alerts, the feedback DM, the coach modals.

Plain views in, Slack payloads out; no I/O. Shared pieces (buttons, turns, mentions)
come from :mod:`bot.slack.coach_blocks`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.presenters import coach_screens as say
from bot.presenters.coach_views import FeedbackDM, FeedbackRow, ReadRow, TurnRow
from bot.presenters.coaching import coach_alert_text
from bot.presenters.views import CoachAlert
from bot.slack import ids
from bot.slack.coach_blocks import (
    button,
    feedback_line,
    modal,
    mrkdwn,
    person,
    turn_blocks,
    when,
)
from bot.slack.text import (
    SECTION_LIMIT,
    Message,
    escape,
    paginate,
    plain,
    section_blocks,
    truncate,
)

__all__ = [
    "coach_alert",
    "feedback_dm",
    "feedback_modal",
    "message_modal",
    "reply_modal",
    "send_to_coach_modal",
    "staff_reads_blocks",
]


# ---------------------------------------------------------------------- feedback and replies


def feedback_dm(view: FeedbackDM) -> list[Message]:
    """The DM that brings a coach's feedback to the staff member: Open session and Reply.

    Args:
        view: the feedback just sent.

    Returns:
        Usually one message (more only past 50 blocks; the buttons go on the last).
    """
    intro = say.feedback_dm_intro(person(view.coach_user_id), view.persona_name)
    blocks: list[dict[str, Any]] = section_blocks(f":memo: {mrkdwn(intro)}")
    for item in view.items:
        blocks += section_blocks(feedback_line(item, draft_label=False))
    elements = [button(say.OPEN_SESSION, ids.ACTION_STAFF_OPEN, view.session_id, "primary")]
    if view.items:
        elements.append(button(say.REPLY, ids.ACTION_FEEDBACK_REPLY, view.items[0].id))
    groups = paginate(mrkdwn(intro), blocks, max_blocks=49)
    groups[-1].blocks.append({"type": "actions", "elements": elements})
    return groups


def _text_input(block_id: str, label: str, *, max_length: int, optional: bool, hint: str | None):
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "optional": optional,
        "element": {
            "type": "plain_text_input",
            "action_id": ids.element_id(block_id),
            "multiline": True,
            "max_length": max_length,
        },
    }
    if hint:
        block["hint"] = plain(hint)
    return block


def send_to_coach_modal(*, private_metadata: str, coaches: int = 1) -> dict[str, Any]:
    """*Send to a coach*: an optional note, then Send.

    Args:
        private_metadata: opaque state (the session; checked again on submit).
        coaches: how many coaches the workspace has (0 adds a warning that nobody will be told).

    Returns:
        A modal for ``views.open``.
    """
    warning = section_blocks(mrkdwn(say.NO_COACH_YET)) if coaches <= 0 else []
    blocks = [
        *warning,
        _text_input(
            ids.BLOCK_COACH_NOTE,
            say.NOTE_LABEL,
            max_length=say.MAX_NOTE_CHARS,
            optional=True,
            hint=say.NOTE_HINT,
        ),
    ]
    return modal(
        ids.VIEW_SEND_TO_COACH,
        say.SEND_TITLE,
        blocks,
        private_metadata=private_metadata,
        submit="Send",
        close="Cancel",
    )


def feedback_modal(
    turn: TurnRow | None, persona_name: str, *, private_metadata: str
) -> dict[str, Any]:
    """The coach's feedback on one turn (shown, findings marked) or the whole session.

    Args:
        turn: the turn commented on, or None for the whole session.
        persona_name: the caregiver's name.
        private_metadata: opaque state (session, turn; checked again on submit).

    Returns:
        A modal for ``views.push``.
    """
    blocks: list[dict[str, Any]] = []
    if turn is not None:
        blocks += turn_blocks(turn, persona_name)[:20]
    blocks.append(
        _text_input(
            ids.BLOCK_FEEDBACK,
            say.FEEDBACK_LABEL,
            max_length=say.MAX_FEEDBACK_CHARS,
            optional=False,
            hint=say.FEEDBACK_HINT,
        )
    )
    title = say.FEEDBACK_TITLE if turn is None else f"Feedback on turn {turn.index}"
    return modal(
        ids.VIEW_COACH_FEEDBACK,
        title,
        blocks,
        private_metadata=private_metadata,
        submit="Save draft",
        close="Cancel",
    )


def reply_modal(feedback: FeedbackRow | None, *, private_metadata: str) -> dict[str, Any]:
    """The staff member's one reply to a coach's feedback.

    Args:
        feedback: the feedback replied to (shown), or None.
        private_metadata: opaque state (the feedback id; checked again on submit).

    Returns:
        A modal for ``views.open``.
    """
    blocks: list[dict[str, Any]] = []
    if feedback is not None:
        blocks += section_blocks(feedback_line(feedback, draft_label=False))[:10]
    blocks.append(
        _text_input(
            ids.BLOCK_REPLY,
            say.REPLY_LABEL,
            max_length=say.MAX_FEEDBACK_CHARS,
            optional=False,
            hint=None,
        )
    )
    return modal(
        ids.VIEW_FEEDBACK_REPLY,
        say.REPLY_TITLE,
        blocks,
        private_metadata=private_metadata,
        submit="Send reply",
        close="Cancel",
    )


def message_modal(title: str, text: str) -> dict[str, Any]:
    """A small modal that only says something (a refusal, a confirmation).

    Args:
        title: the title (cut to 24 characters).
        text: plain wording (mentions from :func:`person` allowed).

    Returns:
        A modal for ``views.open`` / ``views.push`` / ``response_action="update"``.
    """
    return {
        "type": "modal",
        "title": plain(truncate(title, 24)),
        "close": plain("Close"),
        "blocks": section_blocks(mrkdwn(text))[:5],
    }


def coach_alert(alert: CoachAlert) -> list[Message]:
    """A coach's DM when a session is sent to them: who, with whom, the note, Open.

    Args:
        alert: the view (from :meth:`bot.services.conversation.PracticeChat.request_coach`).

    Returns:
        One message (more only when the note and reasons pass 49 blocks).
    """
    text = mrkdwn(coach_alert_text(alert, person(alert.staff_user_id)))
    blocks = section_blocks(f":incoming_envelope: {text}")
    groups = paginate(text, blocks, max_blocks=49)
    groups[-1].blocks.append(
        {
            "type": "actions",
            "elements": [button(say.OPEN, ids.ACTION_COACH_OPEN, alert.session_id, "primary")],
        }
    )
    return groups


def staff_reads_blocks(
    rows: Sequence[tuple[str, str, Any, Sequence[ReadRow]]],
) -> list[dict[str, Any]]:
    """For staff: their recent sessions a coach has read, with *See who read it*.

    Args:
        rows: ``(session id, persona name, started at, reads newest first)`` per session
            with at least one read.

    Returns:
        Blocks (header, one row each, a divider), or none when nothing was read.
    """
    if not rows:
        return []
    blocks: list[dict[str, Any]] = [{"type": "header", "text": plain(say.STAFF_READS_TITLE)}]
    for session_id, name, started_at, reads in rows[:5]:
        whos = [person(u) for u in dict.fromkeys(r.coach_user_id for r in reads)]
        summary = say.read_summary(whos, len(reads), reads[0].read_at)
        text = f"*{escape(name)}* · {when(started_at)} · {mrkdwn(summary)}"
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": truncate(text, SECTION_LIMIT)},
                "accessory": button(say.SEE_READS, ids.ACTION_STAFF_OPEN, session_id),
            }
        )
    blocks.append({"type": "divider"})
    return blocks
