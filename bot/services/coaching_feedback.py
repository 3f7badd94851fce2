"""Coach feedback, reviews and disagreement decisions (issue 11); part of
:class:`bot.services.coaching.Coaching`.

Drafts stay the coach's until *Send feedback*; the session owner replies once;
*Mark reviewed* clears a session from the unreviewed queue; a coach's decision on a
"Was this note wrong?" disagreement becomes one of the reviewer's labelled cases.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.presenters import coaching as words
from bot.services.coaching_access import CoachingAccess, clean_text
from bot.services.coaching_results import (
    AlreadyReplied,
    BadInput,
    DisputeInfo,
    FeedbackInfo,
    ItemNotFound,
    NothingToSend,
    SentFeedback,
    Verdict,
)
from bot.store import (
    MAX_FEEDBACK_CHARS,
)

__all__ = ["CoachFeedback"]

log = logging.getLogger("bot.services.coaching")


class CoachFeedback(CoachingAccess):
    """Feedback, reviews and disagreements (mixed into :class:`~bot.services.coaching.Coaching`)."""

    # -- feedback and review --------------------------------------------------

    async def add_feedback(
        self,
        workspace_id: str,
        coach_id: str,
        session_id: str,
        text: str,
        *,
        turn_index: int | None = None,
    ) -> FeedbackInfo:
        """Save a draft comment on the whole session (``turn_index`` None) or one turn.

        Raises:
            NotAllowed / SessionNotFound / NotSentToCoaches: as :meth:`transcript`.
            BadInput: empty or over 2000 characters, or no such turn.
        """
        cleaned = clean_text(text, limit=MAX_FEEDBACK_CHARS, what="Feedback")
        if cleaned is None:
            raise BadInput(words.EMPTY_FEEDBACK)
        async with self._uow(workspace_id) as uow:
            row = await self._for_coach(uow, workspace_id, coach_id, session_id)
            if turn_index is not None:
                turns = len((row.snapshot or {}).get("turns", []))
                if not 1 <= int(turn_index) <= turns:
                    raise BadInput(words.no_such_turn(int(turn_index), turns))
            saved = await uow.coach_feedback.add(
                workspace_id,
                session_id,
                coach_id,
                cleaned,
                turn_index=turn_index,
                now=self._clock(),
            )
            return FeedbackInfo.model_validate(saved)

    async def send_feedback(
        self, workspace_id: str, coach_id: str, session_id: str
    ) -> SentFeedback:
        """Send this coach's drafts on a session to its owner (*Send feedback*).

        Returns:
            :class:`SentFeedback`: the owner to DM and the comments sent now.

        Raises:
            NotAllowed / SessionNotFound / NotSentToCoaches: as :meth:`transcript`.
            NothingToSend: no draft.
        """
        async with self._uow(workspace_id) as uow:
            row = await self._for_coach(uow, workspace_id, coach_id, session_id)
            sent = await uow.coach_feedback.send_drafts(
                workspace_id, session_id, coach_id, now=self._clock()
            )
            if not sent:
                raise NothingToSend(words.NOTHING_TO_SEND)
            result = SentFeedback(
                staff_user_id=row.user_id,
                items=tuple(FeedbackInfo.model_validate(f) for f in sent),
                session_id=session_id,
                persona_id=row.persona_id,
                coach_user_id=coach_id,
            )
        log.info("coach %s sent %d comment(s) on session %s", coach_id, len(sent), session_id)
        return result

    async def feedback_for_staff(
        self, workspace_id: str, user_id: str, session_id: str
    ) -> list[FeedbackInfo]:
        """The feedback sent on one of the user's sessions (no drafts), oldest first.

        Raises:
            SessionNotFound / NotYourSession: not the user's session in this workspace.
        """
        async with self._store.unit_of_work() as uow:
            await self._owned(uow, workspace_id, user_id, session_id)
            rows = await uow.coach_feedback.for_session(workspace_id, session_id, sent_only=True)
        return [FeedbackInfo.model_validate(r) for r in rows]

    async def reply_to_feedback(
        self, workspace_id: str, user_id: str, feedback_id: int, text: str
    ) -> FeedbackInfo:
        """The session owner's one reply to a sent comment.

        Returns:
            The comment with its reply (tell ``coach_user_id``).

        Raises:
            ItemNotFound: no such sent comment in this workspace.
            NotYourSession: the comment is on someone else's session.
            AlreadyReplied: replied before.
            BadInput: empty or over 2000 characters.
        """
        cleaned = clean_text(text, limit=MAX_FEEDBACK_CHARS, what="A reply")
        if cleaned is None:
            raise BadInput(words.EMPTY_FEEDBACK)
        async with self._store.unit_of_work() as uow:
            fb = await uow.coach_feedback.get(workspace_id, int(feedback_id))
            if fb is None or fb.sent_at is None:
                raise ItemNotFound(words.FEEDBACK_NOT_FOUND)
            await self._owned(uow, workspace_id, user_id, fb.session_id)
            if not await uow.coach_feedback.set_reply(
                workspace_id, fb.id, cleaned, now=self._clock()
            ):
                raise AlreadyReplied(words.ALREADY_REPLIED)
            fresh = await uow.coach_feedback.get(workspace_id, fb.id)
            assert fresh is not None
            return FeedbackInfo.model_validate(fresh)

    async def mark_reviewed(self, workspace_id: str, coach_id: str, session_id: str) -> None:
        """Mark a session reviewed: it leaves the unreviewed queue (until sent or flagged anew).

        Raises:
            NotAllowed / SessionNotFound / NotSentToCoaches: as :meth:`transcript`.
        """
        now = self._clock()
        async with self._uow(workspace_id) as uow:
            await self._for_coach(uow, workspace_id, coach_id, session_id)
            await uow.coach_queue.mark_request_reviewed(
                workspace_id, session_id, by=coach_id, now=now
            )
            await uow.session_flags.mark_reviewed(workspace_id, session_id, by=coach_id, now=now)
        log.info("coach %s marked session %s reviewed", coach_id, session_id)

    # -- disagreements --------------------------------------------------------

    async def resolve_dispute(
        self, workspace_id: str, coach_id: str, dispute_id: int, verdict: Verdict
    ) -> DisputeInfo:
        """A coach decides a "Was this note wrong?" disagreement (a later decision replaces it).

        Raises:
            NotAllowed: not a coach here.
            ItemNotFound: no such disagreement in this workspace.
            NotSentToCoaches: its session was neither sent nor flagged.
            BadInput: an unknown verdict.
        """
        if verdict not in ("note_wrong", "note_stands"):
            raise BadInput("The decision must be 'the note was wrong' or 'the note stands'.")
        async with self._uow(workspace_id) as uow:
            await self._require_coach(uow, workspace_id, coach_id)
            dispute = await uow.coach_disputes.get(workspace_id, int(dispute_id))
            if dispute is None:
                raise ItemNotFound(words.DISPUTE_NOT_FOUND, reason="dispute_not_found")
            await self._for_coach(uow, workspace_id, coach_id, dispute.session_id)
            saved = await uow.coach_disputes.resolve(
                workspace_id, dispute.id, verdict, by=coach_id, now=self._clock()
            )
            info = DisputeInfo.model_validate(saved)
        log.info("coach %s resolved dispute %d: %s", coach_id, info.id, verdict)
        return info

    async def labelled_cases(self, workspace_id: str | None = None) -> list[dict[str, Any]]:
        """The resolved disagreements as the reviewer's labelled cases (for the CLI export).

        Each row: ``text`` (the staff utterance), ``kinds`` (what the reviewer
        should have found: the turn's finding kinds, less the disputed ones when
        the note was wrong), ``disputed_kinds``, ``verdict``, ``note`` and
        ``resolved_at`` (ISO). No user ids.

        Args:
            workspace_id: one workspace, or None for all.
        """
        async with self._store.unit_of_work() as uow:
            pairs = await uow.coach_disputes.resolved(workspace_id)
        out: list[dict[str, Any]] = []
        for dispute, snapshot in pairs:
            turns = (snapshot or {}).get("turns", [])
            found: list[str] = []
            if 1 <= dispute.turn_index <= len(turns):
                review = turns[dispute.turn_index - 1].get("review") or {}
                found = list(dict.fromkeys(str(f.get("kind")) for f in review.get("findings", [])))
            disputed = list(dispute.kinds or [])
            if dispute.status == "note_wrong":
                kinds = [k for k in found if k not in disputed]
                note = "coach: the note was wrong (" + ", ".join(disputed) + ")"
            else:
                kinds = list(dict.fromkeys([*found, *disputed]))
                note = "coach: the note stands (" + ", ".join(disputed) + ")"
            out.append(
                {
                    "text": dispute.utterance,
                    "kinds": kinds,
                    "disputed_kinds": disputed,
                    "verdict": dispute.status,
                    "note": note,
                    "resolved_at": dispute.resolved_at.isoformat() if dispute.resolved_at else None,
                }
            )
        return out
