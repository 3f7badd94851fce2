"""The coach screens drawn as Teams Adaptive Cards (the same neutral views Slack draws).

:func:`render_coach` takes a view of :mod:`bot.presenters.coach_views` (or the
:class:`~bot.presenters.views.CoachAlert`) and a ``who`` function (user id ->
the name Teams showed us) and returns the messages to post; every sentence
comes from :mod:`bot.presenters.coach_screens` and :mod:`bot.presenters.coaching`.
Only Teams-specific instructions (what to type in this chat) are worded here.
Buttons are ``Action.Submit`` whose data :mod:`bot.teams.coach_actions` parses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.core.models import Finding
from bot.presenters import coach_screens as say
from bot.presenters.coach_limits import earlier_dispute_line, more_turns
from bot.presenters.coach_views import (
    CoachQueue,
    CoachTranscriptView,
    FeedbackDM,
    FeedbackRow,
    QueueRow,
    TurnRow,
)
from bot.presenters.coaching import coach_alert_text
from bot.presenters.practice import KIND_LABELS, debrief_figures
from bot.presenters.views import CoachAlert, View
from bot.teams.cards import CARD_BUDGET_BYTES, TeamsMessage, message_bytes

__all__ = [
    "CARD_BUDGET_BYTES",
    "HELP",
    "Who",
    "coach_view_types",
    "feedback_cards",
    "mark_findings",
    "message_bytes",
    "people_in",
    "people_picker_card",
    "render_coach",
]

Who = Callable[[str], str]
"""A user id -> how the card names that person."""

HELP = (
    "Coach commands (type them in this chat):\n\n"
    "- **coach**: the sessions waiting for your review (**coach all**: every session)\n"
    "- **coach list**: who the coaches in this organization are\n"
    "- **coach add**: make someone a coach (pick them by name, or give their Microsoft Entra "
    "object id; coaches can add coaches; your IT team can set the first coaches)\n"
    "- **coach remove**: stop someone being a coach\n"
    "- **progress**: your own practice chart; **team progress**: your team's (coaches)\n\n"
    "Every time a coach opens a transcript, the staff member can see it."
)


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text[:4000], "wrap": True, **style}


def _submit(title: str, data: dict[str, Any], style: str | None = None) -> dict[str, Any]:
    action: dict[str, Any] = {"type": "Action.Submit", "title": title[:75], "data": data}
    if style:
        action["style"] = style
    return action


def _card(body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None) -> TeamsMessage:
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": body,
    }
    if actions:
        card["actions"] = actions
    return TeamsMessage(card=card)


def _esc(text: str) -> str:
    """Text safe in an Adaptive Card TextBlock's markdown (``*``, ``_``, ``[`` lose their
    meaning; Teams shows the backslash-escaped character)."""
    out = []
    for ch in text:
        out.append("\\" + ch if ch in "\\*_[]`#>" else ch)
    return "".join(out)


def _quote(text: str) -> str:
    return "“" + _esc(" ".join(text.split())) + "”"


def mark_findings(text: str, findings: Sequence[Finding]) -> tuple[str, list[Finding]]:
    """The staff words as card markdown, each finding's words in bold and numbered ``\\[1\\]``.

    Returns:
        ``(marked, numbered)``: see :func:`bot.presenters.coach_screens.mark_findings`.
    """
    return say.mark_findings(
        text,
        findings,
        escape=_esc,
        bold=lambda core: f"**{core}**",
        number=lambda n: f"\\[{n}\\]",
    )


def _turn_blocks(turn: TurnRow, persona_name: str) -> list[dict[str, Any]]:
    marked, numbered = mark_findings(turn.staff, turn.findings)
    answer = _esc(turn.caregiver) if turn.caregiver.strip() else "_(no answer)_"
    lines = [
        f"**Turn {turn.index}**",
        f"**Staff:** {marked}",
        f"**{_esc(persona_name)}:** {answer}",
    ]
    for n, f in enumerate(numbered, 1):
        label = KIND_LABELS.get(f.kind, f.kind)
        weight = " (turns it into an intervention)" if f.is_intervention else ""
        lines.append(f"\\[{n}\\] **{label}**{weight}: {_quote(f.evidence)}: {_esc(f.why)}")
    record = say.turn_record(turn.layer_earned, turn.trust_fell)
    if record:
        lines.append(f"_{_esc(record)}_")
    if turn.note:
        lines.append(f"_{_esc(turn.note)}_")
    return [{"type": "Container", "separator": True, "items": [_text("\n\n".join(lines))]}]


def _feedback_line(item: FeedbackRow, *, draft_label: bool) -> str:
    state = "" if not draft_label else (" (sent)" if item.sent else " (draft, not sent yet)")
    line = f"**{say.feedback_where(item.turn_index)}{state}:** {_esc(item.text)}"
    if item.reply:
        line += f"\n\n**Reply:** {_esc(item.reply)}"
    return line


# ---------------------------------------------------------------------- the queue


def _queue_row(row: QueueRow, who: Who) -> dict[str, Any]:
    turns = f"{row.turns} turn{'s' if row.turns != 1 else ''}"
    lines = [
        f"**{_esc(who(row.staff_user_id))}** · {_esc(row.persona_name)} · "
        f"{say.short_day(row.started_at)} · {turns}"
    ]
    status = []
    if row.sent_at is not None:
        status.append(f"sent {say.short_day(row.sent_at)}")
    if row.flag_reasons:
        status.append("flagged: " + _esc("; ".join(row.flag_reasons)))
    if row.disputes_open:
        n = row.disputes_open
        status.append(f"{n} open disagreement{'s' if n != 1 else ''}")
    if row.reviewed:
        status.append("reviewed")
    if status:
        lines.append(" · ".join(status))
    if row.staff_note:
        lines.append(f"Note: {_quote(row.staff_note)}")
    return {
        "type": "Container",
        "separator": True,
        "items": [
            _text("\n\n".join(lines)),
            {
                "type": "ActionSet",
                "actions": [_submit(say.OPEN, {"ec": "coach_open", "id": row.session_id})],
            },
        ],
    }


def queue_card(queue: CoachQueue, who: Who) -> TeamsMessage:
    """The coach's queue: where this page sits, a row per session with Open, the filters,
    newer/older, and the team's progress chart (the same items and order as Slack's)."""
    which = "unreviewed" if queue.unreviewed_only else "all"
    body: list[dict[str, Any]] = [
        _text(say.QUEUE_TITLE, size="Large", weight="Bolder"),
        _text(
            say.queue_count(queue.offset, len(queue.items), queue.total, queue.unreviewed_only),
            isSubtle=True,
        ),
    ]
    if queue.items:
        body += [_queue_row(row, who) for row in queue.items]
    else:
        body.append(_text(say.queue_empty(queue.unreviewed_only)))
    actions = [
        _submit(
            say.UNREVIEWED,
            {"ec": "coach_queue", "id": "unreviewed"},
            "positive" if queue.unreviewed_only else None,
        ),
        _submit(
            say.ALL,
            {"ec": "coach_queue", "id": "all"},
            None if queue.unreviewed_only else "positive",
        ),
    ]
    if queue.offset > 0:
        newer = max(queue.offset - queue.limit, 0)
        actions.append(_submit(say.NEWER, {"ec": "coach_queue", "id": which, "page": str(newer)}))
    if queue.offset + len(queue.items) < queue.total:
        older = queue.offset + queue.limit
        actions.append(_submit(say.OLDER, {"ec": "coach_queue", "id": which, "page": str(older)}))
    actions.append(_submit(say.TEAM_PROGRESS, {"ec": "coach_progress", "id": "team"}))
    return _card(body, actions)


# ---------------------------------------------------------------------- the transcript


def transcript_card(view: CoachTranscriptView, who: Who) -> TeamsMessage:
    """One page of a transcript, from turn ``view.start`` on, within :data:`CARD_BUDGET_BYTES`.

    When the page's turns don't all fit, the card keeps as many as fit (at least one),
    says how many more there are, and its *Next* opens the same page at the first turn
    left out; nothing is cut inside a turn.

    Args:
        view: the page (its ``turns``; ``start``: the first turn to show, 0 for all).
        who: user id -> name.

    Returns:
        The card message.
    """
    turns = tuple(t for t in view.turns if t.index >= view.start) or view.turns
    card = _transcript_card(view, who, turns, len(turns))
    shown = len(turns)
    while shown > 1 and message_bytes(card) > CARD_BUDGET_BYTES:
        shown -= 1
        card = _transcript_card(view, who, turns, shown)
    return card


def _transcript_card(
    view: CoachTranscriptView, who: Who, turns: tuple[TurnRow, ...], shown: int
) -> TeamsMessage:
    """The transcript card with the first ``shown`` of ``turns`` (the rest behind *Next*):
    findings marked in place, feedback so far, a feedback box (whole session or one turn
    of this card), paging, Send feedback, Mark reviewed."""
    rest = turns[shown:]
    turns = turns[:shown]
    staff = who(view.staff_user_id)
    head = say.transcript_head(staff, view.persona_name, view.total_turns, view.status)
    sub = say.page_of(view.page, view.pages) + (f" · {say.REVIEWED}" if view.reviewed else "")
    body: list[dict[str, Any]] = [
        _text(say.TRANSCRIPT_TITLE, size="Large", weight="Bolder"),
        _text(_esc(head)),
        _text(_esc(sub), isSubtle=True, size="Small"),
    ]
    if view.page == 0:
        if view.staff_note:
            body.append(_text(f"**Note from {_esc(staff)}:** {_quote(view.staff_note)}"))
        if view.flag_reasons:
            reasons = "\n".join(f"- {_esc(r)}" for r in view.flag_reasons)
            body.append(_text(f"**{say.FLAGS_TITLE}**\n\n{reasons}"))
        if view.debrief is not None:
            body.append(
                {
                    "type": "FactSet",
                    "facts": [{"title": k, "value": v} for k, v in debrief_figures(view.debrief)],
                }
            )
    feedback: dict[int | None, list[FeedbackRow]] = {}
    for item in view.feedback:
        feedback.setdefault(item.turn_index, []).append(item)
    disputes = {d.turn_index: d for d in view.disputes}
    for turn in turns:
        body += _turn_blocks(turn, view.persona_name)
        d = disputes.get(turn.index)
        if d is not None:
            line = say.dispute_line(staff, d.turn_index, d.kinds, d.comment)
            body.append(_text(f"{_esc(line)} _{say.dispute_resolved(d.status)}_", size="Small"))
            for e in d.earlier:
                kinds = ", ".join(e.kinds) or "the note"
                old = earlier_dispute_line(say.short_day(e.at), kinds, e.comment)
                done = f" _{say.dispute_resolved(e.verdict)}_" if e.verdict != "open" else ""
                body.append(_text(f"{_esc(old)}{done}", size="Small", isSubtle=True))
        notes = [_feedback_line(i, draft_label=True) for i in feedback.get(turn.index, [])]
        if notes:
            body.append(_text("\n\n".join(notes), isSubtle=True, size="Small"))
    if rest:
        body.append(_text(f"_{_esc(more_turns(len(turns), len(turns) + len(rest)))}_"))
    whole = feedback.get(None, [])
    if whole:
        body.append(_text("\n\n".join(_feedback_line(i, draft_label=True) for i in whole)))
    choices = [{"title": say.feedback_where(None), "value": "all"}] + [
        {"title": say.feedback_where(t.index), "value": str(t.index)} for t in turns
    ]
    body += [
        _text(f"**{say.FEEDBACK_LABEL}**", separator=True),
        _text(say.FEEDBACK_HINT, isSubtle=True, size="Small"),
        {"type": "Input.ChoiceSet", "id": "turn", "value": "all", "choices": choices},
        {"type": "Input.Text", "id": "text", "isMultiline": True, "maxLength": 2000},
    ]
    sid = view.session_id
    actions = [
        _submit(
            say.FEEDBACK_TITLE + ": save draft",
            {"ec": "coach_comment", "id": sid, "page": str(view.page)},
        )
    ]
    if any(not item.sent for item in view.feedback):
        actions.append(_submit(say.SEND_FEEDBACK, {"ec": "coach_send", "id": sid}, "positive"))
    page = str(view.page)
    if view.turns and turns and turns[0].index > view.turns[0].index:  # the page's start
        actions.append(_submit(say.PAGE_PREVIOUS, {"ec": "coach_open", "id": sid, "page": page}))
    elif view.page > 0:
        actions.append(
            _submit(say.PAGE_PREVIOUS, {"ec": "coach_open", "id": sid, "page": str(view.page - 1)})
        )
    if rest:
        actions.append(
            _submit(
                say.PAGE_NEXT,
                {"ec": "coach_open", "id": sid, "page": page, "turn": str(rest[0].index)},
            )
        )
    elif view.page + 1 < view.pages:
        actions.append(
            _submit(say.PAGE_NEXT, {"ec": "coach_open", "id": sid, "page": str(view.page + 1)})
        )
    if not view.reviewed:
        actions.append(_submit(say.MARK_REVIEWED, {"ec": "coach_reviewed", "id": sid}))
    actions.append(
        _submit(say.STAFF_PROGRESS, {"ec": "coach_progress", "id": f"staff:{view.staff_user_id}"})
    )
    return _card(body, actions)


# ---------------------------------------------------------------------- messages


def feedback_cards(view: FeedbackDM, who: Who) -> list[TeamsMessage]:
    """The feedback message split, between pieces, into cards of at most
    :data:`CARD_BUDGET_BYTES` each (as a transcript is), so Teams accepts every one.

    Each card says who sent the feedback on which practice and, when there is more than
    one, "part i of n"; a piece is never cut (one piece is at most
    :data:`~bot.presenters.coach_screens.MAX_FEEDBACK_CHARS` characters, far under the
    budget).

    Returns:
        The cards, in order (one when it all fits).
    """
    groups: list[list[FeedbackRow]] = []
    current: list[FeedbackRow] = []
    for item in view.items:
        trial = (*current, item)
        too_big = message_bytes(_feedback_card(view, who, trial, 99, 99)) > CARD_BUDGET_BYTES
        if current and too_big:
            groups.append(current)
            current = [item]
        else:
            current.append(item)
    groups.append(current)
    return [
        _feedback_card(view, who, tuple(group), part, len(groups))
        for part, group in enumerate(groups, start=1)
    ]


def _feedback_card(
    view: FeedbackDM, who: Who, items: Sequence[FeedbackRow], part: int, parts: int
) -> TeamsMessage:
    intro = say.feedback_dm_intro(who(view.coach_user_id), view.persona_name)
    if parts > 1:
        intro += f" (part {part} of {parts})"
    body: list[dict[str, Any]] = [_text(_esc(intro), weight="Bolder")]
    for item in items:
        body.append(_text(_feedback_line(item, draft_label=False), separator=True))
        if item.reply is None:
            body.append(
                {
                    "type": "ActionSet",
                    "actions": [
                        {
                            "type": "Action.ShowCard",
                            "title": say.REPLY,
                            "card": {
                                "type": "AdaptiveCard",
                                "body": [
                                    _text(say.REPLY_LABEL),
                                    {
                                        "type": "Input.Text",
                                        "id": "text",
                                        "isMultiline": True,
                                        "maxLength": 2000,
                                    },
                                ],
                                "actions": [
                                    _submit(say.REPLY, {"ec": "coach_reply", "id": item.id})
                                ],
                            },
                        }
                    ],
                }
            )
    return _card(body)


def alert_card(view: CoachAlert, who: Who) -> TeamsMessage:
    """A coach is told a session was sent to them, with Open."""
    text = coach_alert_text(view, who(view.staff_user_id))
    body = [_text(_esc(line)) for line in text.split("\n")]
    return _card(body, [_submit(say.OPEN, {"ec": "coach_open", "id": view.session_id}, "positive")])


def people_picker_card(
    verb: str, coaches: Sequence[tuple[str, str]], *, note: str = ""
) -> TeamsMessage:
    """The card for ``coach add`` / ``coach remove`` without an id.

    Args:
        verb: ``add`` (Teams' people picker: an ``Input.ChoiceSet`` over the organization's
            directory, ``choices.data`` of ``graph.microsoft.com/users``, whose value is the
            person's Entra object id) or ``remove`` (a list of the current coaches).
        coaches: ``(user id, name)`` of the current coaches (for ``remove``).
        note: a line shown first (e.g. why a typed name was not taken).

    Returns:
        One card whose submit sends ``{"ec": "coach_change", "id": verb, "person": <id>}``.
    """
    adding = verb == "add"
    picker: dict[str, Any] = {
        "type": "Input.ChoiceSet",
        "id": "person",
        "isRequired": True,
        "errorMessage": "Pick a person.",
        "placeholder": "Type a name" if adding else "Pick a coach",
        "choices": [] if adding else [{"title": n[:100], "value": u} for u, n in coaches],
    }
    if adding:
        picker["choices.data"] = {"type": "Data.Query", "dataset": "graph.microsoft.com/users"}
        picker["style"] = "filtered"
    body = [_text(note)] if note else []
    body.append(
        _text(
            "Who should be a coach?" if adding else "Who should stop being a coach?",
            weight="Bolder",
        )
    )
    body.append(picker)
    title = "Make a coach" if adding else "Remove as coach"
    return _card(body, [_submit(title, {"ec": "coach_change", "id": verb}, "positive")])


def coach_view_types() -> tuple[type[View], ...]:
    """The views :func:`render_coach` draws."""
    return (CoachQueue, CoachTranscriptView, FeedbackDM, CoachAlert)


def people_in(view: View) -> set[str]:
    """The user ids a coach view names (their display names are looked up before drawing)."""
    if isinstance(view, CoachQueue):
        return {r.staff_user_id for r in view.items}
    if isinstance(view, CoachTranscriptView | CoachAlert):
        return {view.staff_user_id}
    if isinstance(view, FeedbackDM):
        return {view.coach_user_id}
    return set()


def render_coach(view: View, who: Who) -> list[TeamsMessage]:
    """The Teams messages for a coach view.

    Raises:
        TypeError: a view that is not a coach view (draw it with :func:`bot.teams.cards.render`).
    """
    if isinstance(view, CoachQueue):
        return [queue_card(view, who)]
    if isinstance(view, CoachTranscriptView):
        return [transcript_card(view, who)]
    if isinstance(view, FeedbackDM):
        return feedback_cards(view, who)
    if isinstance(view, CoachAlert):
        return [alert_card(view, who)]
    raise TypeError(f"not a coach view: {type(view).__name__}")
