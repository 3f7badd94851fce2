"""Hand-built coach views (no service involved) and every coach payload rendered from them.

Shared by the manifest test (every rendered action is listened to) and the rendering
tests; the expected texts in those tests are written there, not taken from here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.core.models import Finding
from bot.presenters.coach_views import (
    CoachQueue,
    CoachTranscriptView,
    DisputeRow,
    FeedbackDM,
    FeedbackRow,
    QueueRow,
    ReadRow,
    StaffSessionView,
    TurnRow,
)
from bot.presenters.views import CoachAlert
from bot.slack import coach_blocks, coach_messages

WHEN = datetime(2026, 3, 5, 18, 0, tzinfo=UTC)

ADVICE = Finding(
    kind="advice",
    severity="intervention",
    span=(9, 33),
    evidence="tried an earlier bedtime",
    why="Advice tells the family what to do before you understand their story.",
)


def turn(index: int, staff: str, caregiver: str, *findings: Finding, **kw: Any) -> TurnRow:
    """A transcript turn."""
    return TurnRow(index=index, staff=staff, caregiver=caregiver, findings=findings, **kw)


def queue(offset: int = 5, total: int = 12, unreviewed_only: bool = True) -> CoachQueue:
    """A middle page of a queue (Newer and Older both shown)."""
    row = QueueRow(
        session_id="s-1",
        staff_user_id="USTAFF",
        persona_name="Rosa Martínez",
        started_at=WHEN,
        turns=7,
        sent_at=WHEN,
        staff_note="Was I too pushy at the end?",
        flag_reasons=("12 turns without reaching the hidden insight.",),
        disputes_open=1,
    )
    return CoachQueue(
        items=(row,), offset=offset, limit=5, total=total, unreviewed_only=unreviewed_only
    )


def transcript(page: int = 1, pages: int = 3) -> CoachTranscriptView:
    """A middle transcript page with a finding, an open dispute and a draft."""
    return CoachTranscriptView(
        session_id="s-1",
        staff_user_id="USTAFF",
        persona_name="Rosa Martínez",
        status="ended",
        turns=(turn(7, "Have you tried an earlier bedtime?", "We have. It's not that.", ADVICE),),
        page=page,
        pages=pages,
        total_turns=15,
        disputes=(DisputeRow(id="41", turn_index=7, kinds=("advice",), comment="I was asking."),),
        feedback=(FeedbackRow(id="9", turn_index=7, text="Try a reflection here.", sent=False),),
    )


def staff_session() -> StaffSessionView:
    """A staff member's own session, page 1 of 2, read twice."""
    return StaffSessionView(
        session_id="s-1",
        persona_name="Rosa Martínez",
        turns=(turn(1, "How are mornings?", "Hard."),),
        page=0,
        pages=2,
        feedback=(FeedbackRow(id="9", turn_index=None, text="Lovely open start.", sent=True),),
        reads=(ReadRow("UCOACH", WHEN),),
    )


def feedback() -> FeedbackDM:
    """A feedback DM with one comment."""
    return FeedbackDM(
        session_id="s-1",
        coach_user_id="UCOACH",
        persona_name="Rosa Martínez",
        items=(FeedbackRow(id="9", turn_index=3, text="Nice follow-up.", sent=True),),
    )


def alert() -> CoachAlert:
    """A coach's alert DM."""
    return CoachAlert(
        session_id="s-1", staff_user_id="USTAFF", persona_name="Rosa Martínez", turns=7
    )


def coach_modals() -> list[dict[str, Any]]:
    """The coach modals that have a submission listener."""
    t = turn(1, "How are mornings?", "Hard.")
    return [
        coach_messages.send_to_coach_modal(private_metadata=""),
        coach_messages.feedback_modal(t, "Rosa", private_metadata=""),
        coach_messages.reply_modal(None, private_metadata=""),
    ]


def coach_payloads() -> list[Any]:
    """Every coach payload with buttons: queue, transcript, staff session, DMs."""
    return [
        coach_blocks.queue_blocks(queue()),
        coach_blocks.transcript_modal(transcript(), private_metadata=""),
        coach_blocks.staff_session_modal(staff_session(), private_metadata=""),
        [b for m in coach_messages.feedback_dm(feedback()) for b in m.blocks],
        [b for m in coach_messages.coach_alert(alert()) for b in m.blocks],
    ]
