"""From coaching results to the neutral coach views every platform renders.

The coaching service (:mod:`bot.services.coaching`) answers with result models;
this module turns them into :mod:`bot.presenters.coach_views` (persona names,
the layer a turn earned in plain words, ids as strings for button values), so
Slack and Teams draw the same screens. Pure functions, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from bot.core.models import Turn
from bot.core.persona import Persona
from bot.presenters.coach_views import (
    CoachQueue,
    CoachTranscriptView,
    DisputeRow,
    EarlierDisputeRow,
    FeedbackDM,
    FeedbackRow,
    QueueRow,
    ReadRow,
    StaffSessionView,
    TurnRow,
)
from bot.services.coaching_results import (
    CoachTranscript,
    DisputeInfo,
    FeedbackInfo,
    QueuePage,
    ReadInfo,
    SentFeedback,
    TranscriptTurn,
)

__all__ = [
    "STAFF_TURNS_PER_PAGE",
    "TURNS_PER_PAGE",
    "feedback_dm",
    "feedback_rows",
    "persona_name",
    "queue_view",
    "staff_session_view",
    "transcript_view",
]

TURNS_PER_PAGE = 6
"""Turns on one page of a coach's transcript (keeps a page well inside 100 blocks)."""

STAFF_TURNS_PER_PAGE = 6
"""Turns on one page of a staff member's own session."""


def persona_name(personas: Mapping[str, Persona], persona_id: str) -> str:
    """The caregiver's name, or the card id when the card is gone."""
    persona = personas.get(persona_id)
    return persona.name if persona is not None else persona_id


def _layer_words(persona: Persona | None, earned: Sequence[str]) -> str | None:
    words = []
    for layer_id in earned:
        if layer_id == "insight":
            words.append("the hidden insight")
            continue
        layer = next((x for x in persona.layers if x.id == layer_id), None) if persona else None
        words.append(layer.text if layer is not None else layer_id.replace("_", " "))
    return "; ".join(words) or None


def _turn_row(turn: TranscriptTurn, persona: Persona | None) -> TurnRow:
    earned = turn.earned or ((turn.layer_earned,) if turn.layer_earned else ())
    return TurnRow(
        index=turn.index,
        staff=turn.staff,
        caregiver=turn.caregiver,
        findings=tuple(turn.findings),
        note=turn.note,
        layer_earned=_layer_words(persona, earned),
        trust_fell=turn.trust_fell,
    )


def _dispute_row(d: DisputeInfo) -> DisputeRow:
    earlier = tuple(
        EarlierDisputeRow(at=e.at, kinds=e.kinds, comment=e.comment, verdict=e.verdict)
        for e in d.history
    )
    return DisputeRow(
        id=str(d.id),
        turn_index=d.turn_index,
        kinds=d.kinds,
        comment=d.comment,
        status=d.status,
        earlier=earlier,
    )


def feedback_rows(items: Sequence[FeedbackInfo]) -> tuple[FeedbackRow, ...]:
    """Feedback results as view rows (ids as strings)."""
    return tuple(
        FeedbackRow(
            id=str(f.id),
            turn_index=f.turn_index,
            text=f.text,
            sent=f.sent_at is not None,
            reply=f.reply,
            coach_user_id=f.coach_user_id,
        )
        for f in items
    )


def queue_view(page: QueuePage, personas: Mapping[str, Persona]) -> CoachQueue:
    """One page of the coach queue as a view."""
    return CoachQueue(
        items=tuple(
            QueueRow(
                session_id=i.session_id,
                staff_user_id=i.staff_user_id,
                persona_name=persona_name(personas, i.persona_id),
                started_at=i.started_at,
                turns=i.turns,
                sent_at=i.sent_at,
                staff_note=i.staff_note,
                flag_reasons=tuple(f.reason for f in i.flags),
                reviewed=i.reviewed_at is not None,
                disputes_open=i.disputes_open,
            )
            for i in page.items
        ),
        offset=page.offset,
        limit=page.limit,
        total=page.total,
        unreviewed_only=page.unreviewed_only,
    )


def transcript_view(t: CoachTranscript, personas: Mapping[str, Persona]) -> CoachTranscriptView:
    """One page of a transcript, as the coach reads it."""
    persona = personas.get(t.persona_id)
    return CoachTranscriptView(
        session_id=t.session_id,
        staff_user_id=t.staff_user_id,
        persona_name=persona_name(personas, t.persona_id),
        status=t.status,
        turns=tuple(_turn_row(x, persona) for x in t.turns),
        page=t.page,
        pages=t.pages,
        total_turns=t.total_turns,
        debrief=t.debrief,
        flag_reasons=tuple(f.reason for f in t.flags),
        staff_note=t.staff_note,
        disputes=tuple(_dispute_row(d) for d in t.disputes),
        feedback=feedback_rows(t.feedback),
        reviewed=t.reviewed_at is not None,
    )


def feedback_dm(sent: SentFeedback, personas: Mapping[str, Persona]) -> FeedbackDM:
    """The staff member's DM for feedback just sent."""
    return FeedbackDM(
        session_id=sent.session_id,
        coach_user_id=sent.coach_user_id,
        persona_name=persona_name(personas, sent.persona_id),
        items=feedback_rows(sent.items),
    )


def _own_turn(turn: Turn, persona: Persona | None, previous: float | None) -> TurnRow:
    before = turn.trust_before if turn.trust_before is not None else previous
    earned = [*turn.disclosed, *(["insight"] if turn.insight else [])]
    return TurnRow(
        index=turn.index,
        staff=turn.staff,
        caregiver=turn.caregiver,
        findings=tuple(turn.review.findings),
        note=turn.note,
        layer_earned=_layer_words(persona, earned),
        trust_fell=before is not None and turn.trust_after < before,
    )


def staff_session_view(
    session_id: str,
    persona_id: str,
    turns: Sequence[Turn],
    *,
    personas: Mapping[str, Persona],
    feedback: Sequence[FeedbackInfo],
    reads: Sequence[ReadInfo],
    page: int = 0,
    per_page: int = STAFF_TURNS_PER_PAGE,
) -> StaffSessionView:
    """A staff member's own session, one page of turns, with feedback and who read it.

    Args:
        session_id: the session (already checked to be theirs).
        persona_id: its caregiver card.
        turns: every turn of the session.
        personas: the cards (for names and layers).
        feedback: the feedback sent to them.
        reads: every coach read, newest first.
        page: 0-based page (clamped).
        per_page: turns per page.

    Returns:
        The view.
    """
    persona = personas.get(persona_id)
    pages = max(1, math.ceil(len(turns) / per_page))
    page = max(0, min(page, pages - 1))
    rows = []
    previous = persona.opening_trust if persona is not None else None
    for turn in turns:
        rows.append(_own_turn(turn, persona, previous))
        previous = turn.trust_after
    return StaffSessionView(
        session_id=session_id,
        persona_name=persona_name(personas, persona_id),
        turns=tuple(rows[page * per_page : (page + 1) * per_page]),
        page=page,
        pages=pages,
        feedback=feedback_rows(feedback),
        reads=tuple(ReadRow(coach_user_id=r.coach_user_id, read_at=r.read_at) for r in reads),
    )
