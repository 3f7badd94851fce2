"""Block Kit for the coach screens: the queue and the transcripts (coach and staff).

Plain views in (:mod:`bot.presenters.coach_views`), Slack payloads out; no I/O. Every
piece of staff, caregiver or coach text is escaped; the wording comes from
:mod:`bot.presenters.coach_screens`. Slack's limits hold: at most 100 blocks in a view
and 50 in a message, 3,000 characters in a section, modal titles of 24 characters.
A transcript is shown a page at a time (the service pages it); every word of every
turn on a page is shown, split over sections when long, never cut.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.core.models import Finding
from bot.presenters import coach_screens as say
from bot.presenters.coach_views import (
    CoachQueue,
    CoachTranscriptView,
    DisputeRow,
    FeedbackRow,
    QueueRow,
    StaffSessionView,
    TurnRow,
)
from bot.presenters.practice import KIND_LABELS, debrief_figures
from bot.slack import ids
from bot.slack.text import (
    SECTION_LIMIT,
    context_blocks,
    escape,
    plain,
    section_blocks,
    split_text,
    truncate,
)

__all__ = [
    "MAX_VIEW_BLOCKS",
    "button",
    "feedback_line",
    "mark_findings",
    "modal",
    "mrkdwn",
    "person",
    "queue_blocks",
    "staff_session_modal",
    "transcript_modal",
    "turn_blocks",
    "when",
]

MAX_VIEW_BLOCKS = 100
"""Most blocks in a modal or Home tab view."""

_MARK = "\x1f"
_USER_RE = re.compile(r"^[UW][A-Z0-9]{1,39}$")
_MENTION_RE = re.compile(_MARK + r"([UW][A-Z0-9]{1,39})" + _MARK)


def person(user_id: str) -> str:
    """Stand-in for a person in wording; :func:`mrkdwn` turns it into a Slack mention.

    Args:
        user_id: a Slack user id.

    Returns:
        A marker for a well-formed user id; the id itself (escaped later) otherwise.
    """
    return f"{_MARK}{user_id}{_MARK}" if _USER_RE.match(user_id) else user_id


def mrkdwn(text: str) -> str:
    """Escape wording and turn :func:`person` markers into ``<@U…>`` mentions."""
    return _MENTION_RE.sub(lambda m: f"<@{m.group(1)}>", escape(text))


def button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    """A button (label cut to Slack's 75 characters; the value carries only an id)."""
    button: dict[str, Any] = {
        "type": "button",
        "text": plain(truncate(text, 75)),
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _quote(text: str) -> str:
    return "“" + escape(" ".join(text.split())) + "”"


def when(dt: Any) -> str:
    """A date as the coach screens show it (``Mar 5``; :func:`say.short_day`)."""
    return say.short_day(dt)


# ---------------------------------------------------------------------- findings in place


def mark_findings(text: str, findings: Sequence[Finding]) -> tuple[str, list[Finding]]:
    """The staff words as mrkdwn, each finding's words in bold and numbered ``[1]``.

    Returns:
        ``(marked, numbered)``: see :func:`bot.presenters.coach_screens.mark_findings`.
    """
    return say.mark_findings(
        text,
        findings,
        escape=escape,
        bold=lambda core: f"*{core}*",
        number=lambda n: f"[{n}]",
    )


def _finding_lines(numbered: Sequence[Finding]) -> list[str]:
    lines = []
    for n, f in enumerate(numbered, 1):
        label = KIND_LABELS.get(f.kind, f.kind)
        weight = " (turns it into an intervention)" if f.is_intervention else ""
        lines.append(f"[{n}] *{label}*{weight}: {_quote(f.evidence)}: {escape(f.why)}")
    return lines


def turn_blocks(
    turn: TurnRow, persona_name: str, *, comment: str | None = None
) -> list[dict[str, Any]]:
    """One turn as sections: the marked staff words, the answer, findings, the turn record."""
    marked, numbered = mark_findings(turn.staff, turn.findings)
    lines = [f"*Turn {turn.index}*", f"*Staff:* {marked}", f"*{escape(persona_name)}:* "]
    lines[-1] += escape(turn.caregiver) if turn.caregiver.strip() else "_(no answer)_"
    lines += _finding_lines(numbered)
    record = say.turn_record(turn.layer_earned, turn.trust_fell)
    if record:
        lines.append(f"_{escape(record)}_")
    if turn.note:
        lines.append(f"_{escape(turn.note)}_")
    blocks = section_blocks("\n".join(lines))
    if comment and blocks:
        blocks[0]["accessory"] = button(say.COMMENT_TURN, ids.ACTION_COACH_COMMENT, comment)
    return blocks


def feedback_line(item: FeedbackRow, *, draft_label: bool) -> str:
    """One piece of feedback (and its reply) as mrkdwn."""
    state = "" if not draft_label else (" (sent)" if item.sent else " (draft, not sent yet)")
    line = f"*{say.feedback_where(item.turn_index)}{state}:* {escape(item.text)}"
    if item.reply:
        line += f"\n*Reply:* {escape(item.reply)}"
    return line


def _dispute_blocks(dispute: DisputeRow, who: str) -> list[dict[str, Any]]:
    text = say.dispute_line(who, dispute.turn_index, dispute.kinds, dispute.comment)
    blocks = section_blocks(
        f":speech_balloon: {mrkdwn(text)}\n_{escape(say.dispute_resolved(dispute.status))}_"
    )
    if dispute.status == "open":
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    button(say.DISPUTE_WRONG, ids.ACTION_DISPUTE_WRONG, dispute.id),
                    button(say.DISPUTE_STANDS, ids.ACTION_DISPUTE_STANDS, dispute.id),
                ],
            }
        )
    return blocks


def _mergeable(block: dict[str, Any]) -> str | None:
    """The text of a plain section or a one-element context block, else None."""
    if block.get("type") == "section" and "accessory" not in block and "fields" not in block:
        return str((block.get("text") or {}).get("text") or "") or None
    elements = block.get("elements") or []
    if block.get("type") == "context" and len(elements) == 1:
        return str(elements[0].get("text") or "") or None
    return None


def _compact(blocks: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """Join neighboring plain blocks of one kind until ``blocks`` fits ``limit``.

    Lossless: texts are joined with a blank line while the result fits one block
    (3,000 characters); sections with a button, fields and actions stay as they are.
    """
    if len(blocks) <= limit:
        return blocks
    out: list[dict[str, Any]] = []
    for block in blocks:
        prev = out[-1] if out else None
        text, before = _mergeable(block), _mergeable(prev) if prev is not None else None
        if (
            prev is not None
            and text is not None
            and before is not None
            and prev["type"] == block["type"]
            and len(before) + len(text) + 2 <= SECTION_LIMIT
        ):
            joined = {"type": "mrkdwn", "text": f"{before}\n\n{text}"}
            if block["type"] == "section":
                out[-1] = {"type": "section", "text": joined}
            else:
                out[-1] = {"type": "context", "elements": [joined]}
            continue
        out.append(block)
    return out


def modal(
    callback_id: str,
    title: str,
    blocks: list[dict[str, Any]],
    *,
    private_metadata: str,
    submit: str | None = None,
    close: str = "Close",
) -> dict[str, Any]:
    """A modal view (title cut to Slack's 24 characters)."""
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": private_metadata,
        "title": plain(truncate(title, 24)),
        "close": plain(close),
        "blocks": blocks,
    }
    if submit:
        view["submit"] = plain(submit)
    return view


def _page_buttons(action_id: str, session_id: str, page: int, pages: int) -> list[dict[str, Any]]:
    buttons = []
    if page > 0:
        buttons.append(button(say.PAGE_PREVIOUS, action_id, f"{session_id}:{page - 1}"))
    if page + 1 < pages:
        buttons.append(button(say.PAGE_NEXT, action_id, f"{session_id}:{page + 1}"))
    return buttons


# ---------------------------------------------------------------------- the transcript


def transcript_modal(view: CoachTranscriptView, *, private_metadata: str) -> dict[str, Any]:
    """One page of a transcript for a coach, with findings marked and the coach's buttons.

    Args:
        view: the page (the service checked the coach may read it).
        private_metadata: opaque state returned with the modal's actions (never trusted).

    Returns:
        A modal for ``views.open`` / ``views.update`` (at most 100 blocks).
    """
    who = person(view.staff_user_id)
    head = say.transcript_head(who, view.persona_name, view.total_turns, view.status)
    blocks: list[dict[str, Any]] = section_blocks(
        f"{mrkdwn(head)}\n_{escape(say.page_of(view.page, view.pages))}_"
        + (f" · _{escape(say.REVIEWED)}_" if view.reviewed else "")
    )
    if view.page == 0:
        if view.staff_note:
            blocks += section_blocks(f"*Note from {mrkdwn(who)}:* {_quote(view.staff_note)}")
        if view.flag_reasons:
            reasons = "\n".join(f"• {escape(r)}" for r in view.flag_reasons)
            blocks += section_blocks(f"*{say.FLAGS_TITLE}*\n{reasons}")
        if view.debrief is not None:
            fields = [
                {"type": "mrkdwn", "text": truncate(f"*{k}*\n{escape(v)}", 2000)}
                for k, v in debrief_figures(view.debrief)
            ]
            blocks.append({"type": "section", "fields": fields[:10]})
    blocks.append({"type": "divider"})
    disputes: dict[int, list[DisputeRow]] = {}
    for d in view.disputes:
        disputes.setdefault(d.turn_index, []).append(d)
    feedback: dict[int | None, list[FeedbackRow]] = {}
    for item in view.feedback:
        feedback.setdefault(item.turn_index, []).append(item)
    for turn in view.turns:
        blocks += turn_blocks(turn, view.persona_name, comment=f"{view.session_id}:{turn.index}")
        for d in disputes.get(turn.index, []):
            blocks += _dispute_blocks(d, who)
        notes = [feedback_line(item, draft_label=True) for item in feedback.get(turn.index, [])]
        if notes:
            blocks += context_blocks("\n".join(notes))
    whole = feedback.get(None, [])
    if whole:
        blocks += section_blocks("\n".join(feedback_line(item, draft_label=True) for item in whole))
    elements = _page_buttons(ids.ACTION_COACH_PAGE, view.session_id, view.page, view.pages)
    elements.append(button(say.ADD_FEEDBACK, ids.ACTION_COACH_COMMENT, f"{view.session_id}:all"))
    if any(not item.sent for item in view.feedback):
        elements.append(
            button(say.SEND_FEEDBACK, ids.ACTION_COACH_SEND, view.session_id, "primary")
        )
    if not view.reviewed:
        elements.append(button(say.MARK_REVIEWED, ids.ACTION_COACH_REVIEWED, view.session_id))
    elements.append(
        button(say.STAFF_PROGRESS, ids.ACTION_COACH_PROGRESS, f"staff:{view.staff_user_id}")
    )
    blocks = _compact(blocks, MAX_VIEW_BLOCKS - 1)
    blocks.append({"type": "actions", "elements": elements})
    return modal(
        ids.VIEW_COACH_TRANSCRIPT, say.TRANSCRIPT_TITLE, blocks, private_metadata=private_metadata
    )


def staff_session_modal(view: StaffSessionView, *, private_metadata: str) -> dict[str, Any]:
    """A staff member's own session: the page of turns, the feedback, and who read it.

    Args:
        view: the page (the service checked the session is theirs).
        private_metadata: opaque state (never trusted).

    Returns:
        A modal for ``views.open`` / ``views.update`` (at most 100 blocks).
    """
    blocks: list[dict[str, Any]] = section_blocks(
        f"*Your practice with {escape(view.persona_name)}*\n"
        f"_{escape(say.page_of(view.page, view.pages))}_"
    )
    reads = [mrkdwn(say.read_line(person(r.coach_user_id), r.read_at)) for r in view.reads]
    blocks += section_blocks(
        f"*{say.READS_TITLE}*\n" + ("\n".join(reads) if reads else escape(say.NO_READS))
    )
    if view.feedback:
        blocks += section_blocks(
            "*Feedback*\n"
            + "\n".join(feedback_line(item, draft_label=False) for item in view.feedback)
        )
    blocks.append({"type": "divider"})
    for turn in view.turns:
        blocks += turn_blocks(turn, view.persona_name)
    blocks = _compact(blocks, MAX_VIEW_BLOCKS - 1)
    buttons = _page_buttons(ids.ACTION_STAFF_PAGE, view.session_id, view.page, view.pages)
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    return modal(ids.VIEW_STAFF_SESSION, say.STAFF_TITLE, blocks, private_metadata=private_metadata)


# ---------------------------------------------------------------------- the queue (Home tab)


def _queue_row(row: QueueRow) -> dict[str, Any]:
    turns = f"{row.turns} turn{'s' if row.turns != 1 else ''}"
    lines = [
        f"{mrkdwn(person(row.staff_user_id))} · {escape(row.persona_name)} · "
        f"{when(row.started_at)} · {turns}"
    ]
    status = []
    if row.sent_at is not None:
        status.append(f"sent {when(row.sent_at)}")
    if row.flag_reasons:
        status.append("flagged: " + escape("; ".join(row.flag_reasons)))
    if row.disputes_open:
        n = row.disputes_open
        status.append(f"{n} open disagreement{'s' if n != 1 else ''}")
    if row.reviewed:
        status.append("reviewed")
    if status:
        lines.append(" · ".join(status))
    if row.staff_note:
        lines.append(f"Note: {_quote(row.staff_note)}")
    text = split_text("\n".join(lines), SECTION_LIMIT)[0] if lines else "…"
    return {
        "type": "section",
        "text": {"type": "mrkdwn", "text": text},
        "accessory": button(say.OPEN, ids.ACTION_COACH_OPEN, row.session_id),
    }


def queue_blocks(queue: CoachQueue) -> list[dict[str, Any]]:
    """The coach's queue as a Home tab section: filter, rows with Open, newer/older.

    Args:
        queue: one page of the queue.

    Returns:
        Blocks (3 + one per row): header, where this page sits, rows, buttons.
    """
    which = "unreviewed" if queue.unreviewed_only else "all"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain(say.QUEUE_TITLE)},
        *context_blocks(
            escape(
                say.queue_count(queue.offset, len(queue.items), queue.total, queue.unreviewed_only)
            )
        ),
    ]
    if queue.items:
        blocks += [_queue_row(row) for row in queue.items]
    else:
        blocks += section_blocks(escape(say.queue_empty(queue.unreviewed_only)))
    elements = [
        button(
            say.UNREVIEWED,
            ids.ACTION_COACH_QUEUE,
            "unreviewed:0",
            "primary" if queue.unreviewed_only else None,
        ),
        button(
            say.ALL, ids.ACTION_COACH_QUEUE, "all:0", None if queue.unreviewed_only else "primary"
        ),
    ]
    if queue.offset > 0:
        newer = max(queue.offset - queue.limit, 0)
        elements.append(button(say.NEWER, ids.ACTION_COACH_QUEUE, f"{which}:{newer}"))
    if queue.offset + len(queue.items) < queue.total:
        older = queue.offset + queue.limit
        elements.append(button(say.OLDER, ids.ACTION_COACH_QUEUE, f"{which}:{older}"))
    elements.append(button(say.TEAM_PROGRESS, ids.ACTION_COACH_PROGRESS, "team"))
    blocks.append({"type": "actions", "elements": elements})
    blocks.append({"type": "divider"})
    return blocks
