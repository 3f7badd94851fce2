"""The coach use cases (issue 11): roles, sending and flagging, the queue, transcripts,
feedback, reviews and disagreements. Platform-neutral: Slack and Teams call these.

Rules kept here (never trusted from a client):

* a coach is a row of ``coaches`` for the workspace; admins (as the platform
  says) and coaches may add or remove coaches and change flagging; a workspace
  with no coach ever gets the ``EC_COACH_USER_IDS`` once;
* staff see only their own sessions; coaches see only the sessions of their
  workspace that were sent to coaches or flagged; another workspace's session is
  simply not found;
* every transcript read by a coach is recorded, and the owner can see those reads;
* automatic flagging is off by default; each flag records why, with its figures.
"""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from bot.core.debrief import Debrief
from bot.core.models import PracticeSession
from bot.personas import get_persona
from bot.presenters import coaching as words
from bot.presenters.practice import SESSION_NOT_FOUND, SESSION_NOT_YOURS
from bot.privacy import scrub
from bot.services.coaching_results import (
    AlreadyReplied,
    BadInput,
    CoachChange,
    CoachError,
    CoachInfo,
    CoachTranscript,
    DisputeInfo,
    FeedbackInfo,
    FlagInfo,
    FlagSettings,
    ItemNotFound,
    NotAllowed,
    NothingToSend,
    NotSentToCoaches,
    QueueItem,
    QueuePage,
    ReadInfo,
    SentFeedback,
    SentToCoaches,
    TranscriptTurn,
    Verdict,
)
from bot.services.session_results import NotYourSession, SessionNotFound
from bot.store import (
    MAX_FEEDBACK_CHARS,
    MAX_NOTE_CHARS,
    FlagSettingsRow,
    PracticeSessionRow,
    SessionFlagRow,
    Store,
    UnitOfWork,
)

__all__ = [
    "MIN_TURNS_FOR_RATE",
    "AlreadyReplied",
    "BadInput",
    "CoachError",
    "Coaching",
    "ItemNotFound",
    "NotAllowed",
    "NotSentToCoaches",
    "NothingToSend",
]

log = logging.getLogger(__name__)

MIN_TURNS_FOR_RATE = 5
"""Intervention findings per 10 turns are judged only from this many turns on."""

FINDINGS_PER_10_RANGE = (0.5, 50.0)
TURNS_WITHOUT_INSIGHT_RANGE = (5, 200)
MAX_PAGE = 50


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _clean(text: str | None, *, limit: int, what: str) -> str | None:
    """Trim, check the length and scrub personal details; None for empty text.

    Raises:
        BadInput: over ``limit`` characters.
    """
    cleaned = "\n".join(" ".join(line.split()) for line in (text or "").strip().splitlines())
    cleaned = cleaned.strip()
    if not cleaned:
        return None
    if len(cleaned) > limit:
        raise BadInput(words.too_long(what, len(cleaned), limit))
    return scrub(cleaned).text


def _flag_info(row: SessionFlagRow) -> FlagInfo:
    figures: dict[str, Any] = dict(row.figures or {})
    return FlagInfo.model_validate(
        {
            "code": row.code,
            "reason": words.flag_reason(row.code, figures),
            "figures": figures,
            "created_at": row.created_at,
            "reviewed_at": row.reviewed_at,
        }
    )


def _snapshot(row: PracticeSessionRow) -> PracticeSession:
    return PracticeSession.model_validate(row.snapshot)


class Coaching:
    """The coach use cases over the store.

    Args:
        store: the database.
        clock: the current UTC time (tests inject one).
        seed_coaches: ``EC_COACH_USER_IDS``: a workspace that never had a coach
            gets these once, the first time anything here looks at its coaches.
    """

    def __init__(
        self,
        store: Store,
        *,
        clock: Callable[[], datetime] = _utcnow,
        seed_coaches: Sequence[str] = (),
    ) -> None:
        self._store = store
        self._clock = clock
        self._seed = tuple(dict.fromkeys(s.strip() for s in seed_coaches if s and s.strip()))
        self._seeded: set[str] = set()

    # -- checks -------------------------------------------------------------

    async def _apply_seeds(self, workspace_id: str) -> None:
        """Give a workspace that never had a coach the ``EC_COACH_USER_IDS``, once.

        In its own committed transaction, so a refusal later in the caller's
        transaction cannot roll the seeds back after they were taken as applied.
        """
        if not self._seed or workspace_id in self._seeded:
            return
        async with self._store.unit_of_work() as uow:
            added = await uow.coaches.seed_once(workspace_id, self._seed, now=self._clock())
        if added:
            log.info("workspace %s: %d coach(es) from EC_COACH_USER_IDS", workspace_id, len(added))
        self._seeded.add(workspace_id)

    @contextlib.asynccontextmanager
    async def _uow(self, workspace_id: str) -> AsyncIterator[UnitOfWork]:
        """A unit of work on a workspace whose seeds are applied."""
        await self._apply_seeds(workspace_id)
        async with self._store.unit_of_work() as uow:
            yield uow

    @staticmethod
    async def _is_coach(uow: UnitOfWork, workspace_id: str, user_id: str) -> bool:
        return await uow.coaches.is_coach(workspace_id, user_id)

    async def _require_coach(self, uow: UnitOfWork, workspace_id: str, user_id: str) -> None:
        if not await self._is_coach(uow, workspace_id, user_id):
            log.warning("refused: %s is not a coach of workspace %s", user_id, workspace_id)
            raise NotAllowed(words.NOT_A_COACH)

    async def _require_manager(
        self, uow: UnitOfWork, workspace_id: str, actor_id: str, actor_is_admin: bool
    ) -> None:
        if actor_is_admin or await self._is_coach(uow, workspace_id, actor_id):
            return
        log.warning("refused: %s may not manage coaches of %s", actor_id, workspace_id)
        raise NotAllowed(words.NOT_ALLOWED_TO_MANAGE)

    @staticmethod
    async def _session(uow: UnitOfWork, workspace_id: str, session_id: str) -> PracticeSessionRow:
        row = await uow.sessions.get(workspace_id, session_id) if session_id else None
        if row is None:
            raise SessionNotFound(SESSION_NOT_FOUND)
        return row

    async def _owned(
        self, uow: UnitOfWork, workspace_id: str, user_id: str, session_id: str
    ) -> PracticeSessionRow:
        row = await self._session(uow, workspace_id, session_id)
        if row.user_id != user_id:
            log.warning("refused: session %s is not %s's", session_id, user_id)
            raise NotYourSession(SESSION_NOT_YOURS)
        return row

    async def _for_coach(
        self, uow: UnitOfWork, workspace_id: str, coach_id: str, session_id: str
    ) -> PracticeSessionRow:
        """The session, if ``coach_id`` coaches here and it was sent or flagged."""
        await self._require_coach(uow, workspace_id, coach_id)
        row = await self._session(uow, workspace_id, session_id)
        if not await uow.coach_queue.is_visible(workspace_id, session_id):
            log.warning("refused: coach %s asked for unsent session %s", coach_id, session_id)
            raise NotSentToCoaches(words.NOT_SENT)
        return row

    # -- roles --------------------------------------------------------------

    async def is_coach(self, workspace_id: str, user_id: str) -> bool:
        """True when ``user_id`` coaches in ``workspace_id``."""
        async with self._uow(workspace_id) as uow:
            return await self._is_coach(uow, workspace_id, user_id)

    async def coaches(self, workspace_id: str) -> list[CoachInfo]:
        """The workspace's coaches, in the order they were added."""
        async with self._uow(workspace_id) as uow:
            return [
                CoachInfo.model_validate(r) for r in await uow.coaches.in_workspace(workspace_id)
            ]

    async def add_coach(
        self, workspace_id: str, actor_id: str, user_id: str, *, actor_is_admin: bool
    ) -> CoachChange:
        """Make ``user_id`` a coach of the workspace.

        Args:
            workspace_id: the tenant. actor_id: who asks.
            user_id: who becomes a coach.
            actor_is_admin: the platform says the actor is a workspace admin or owner.

        Returns:
            :class:`CoachChange` (``changed`` False: already a coach).

        Raises:
            NotAllowed: the actor is neither an admin nor a coach.
            BadInput: an empty or over-long user id.
        """
        user_id = (user_id or "").strip()
        if not user_id or len(user_id) > 256:
            raise BadInput("Please name the person to add, for example /coach add @name.")
        async with self._uow(workspace_id) as uow:
            await self._require_manager(uow, workspace_id, actor_id, actor_is_admin)
            changed = await uow.coaches.add(
                workspace_id, user_id, added_by=actor_id, now=self._clock()
            )
        if changed:
            log.info("workspace %s: coach %s added by %s", workspace_id, user_id, actor_id)
        return CoachChange(user_id=user_id, changed=changed)

    async def remove_coach(
        self, workspace_id: str, actor_id: str, user_id: str, *, actor_is_admin: bool
    ) -> CoachChange:
        """Stop ``user_id`` coaching in the workspace.

        Returns:
            :class:`CoachChange` (``changed`` False: they were not a coach).

        Raises:
            NotAllowed: the actor is neither an admin nor a coach.
        """
        user_id = (user_id or "").strip()
        async with self._uow(workspace_id) as uow:
            await self._require_manager(uow, workspace_id, actor_id, actor_is_admin)
            changed = await uow.coaches.remove(workspace_id, user_id) if user_id else False
        if changed:
            log.info("workspace %s: coach %s removed by %s", workspace_id, user_id, actor_id)
        return CoachChange(user_id=user_id, changed=changed)

    # -- sending and flagging -----------------------------------------------

    async def send_to_coaches(
        self, workspace_id: str, user_id: str, session_id: str, note: str | None
    ) -> SentToCoaches:
        """*Send to a coach*: put the session in the coaches' queue, with an optional note.

        Idempotent while the session waits: a second send says ``created`` False
        (a new note replaces the old). Sending again after a coach marked it
        reviewed puts it back in the queue (``created`` True).

        Args:
            workspace_id: the tenant. user_id: the owner.
            session_id: the session. note: optional words for the coach
                (scrubbed, at most :data:`bot.store.MAX_NOTE_CHARS`).

        Returns:
            :class:`SentToCoaches` with the coaches to notify (not the sender).

        Raises:
            SessionNotFound / NotYourSession: not the user's session in this workspace.
            BadInput: the note is too long.
        """
        cleaned = _clean(note, limit=MAX_NOTE_CHARS, what="A note")
        now = self._clock()
        async with self._uow(workspace_id) as uow:
            row = await self._owned(uow, workspace_id, user_id, session_id)
            existing = await uow.coach_requests.open_for_session(workspace_id, session_id)
            created = True
            if existing is None:
                req = await uow.coach_requests.add(
                    workspace_id, session_id, requested_by=user_id, now=now
                )
                if req is None:  # a concurrent click created it first
                    existing = await uow.coach_requests.open_for_session(workspace_id, session_id)
                    created = False
                else:
                    existing = req
            elif existing.reviewed_at is not None:  # reviewed before: back in the queue
                existing.created_at = now
                existing.reviewed_at = None
                existing.reviewed_by = None
                existing.note = None
            else:
                created = False
            assert existing is not None
            if cleaned is not None:
                existing.note = cleaned
            coach_ids = tuple(
                c.user_id
                for c in await uow.coaches.in_workspace(workspace_id)
                if c.user_id != user_id
            )
            flags = tuple(
                _flag_info(f) for f in await uow.session_flags.for_session(workspace_id, session_id)
            )
            result = SentToCoaches(
                created=created,
                coach_ids=coach_ids,
                session_id=session_id,
                staff_user_id=row.user_id,
                persona_id=row.persona_id,
                turns=len((row.snapshot or {}).get("turns", [])),
                note=existing.note,
                flags=flags,
            )
        log.info(
            "session %s sent to coaches (workspace %s, %d coach(es), new=%s)",
            session_id,
            workspace_id,
            len(coach_ids),
            created,
        )
        return result

    async def flag_settings(self, workspace_id: str) -> FlagSettings:
        """The workspace's automatic-flagging settings (off by default)."""
        async with self._store.unit_of_work() as uow:
            s = await uow.session_flags.settings(workspace_id)
        return FlagSettings(
            enabled=s.enabled,
            findings_per_10=s.findings_per_10,
            turns_without_insight=s.turns_without_insight,
        )

    async def set_flagging(
        self,
        workspace_id: str,
        actor_id: str,
        *,
        enabled: bool,
        findings_per_10: float | None = None,
        turns_without_insight: int | None = None,
        actor_is_admin: bool,
    ) -> FlagSettings:
        """Switch automatic flagging on or off and set its thresholds.

        Args:
            workspace_id: the tenant. actor_id: who asks.
            enabled: flag sessions automatically.
            findings_per_10: flag above this many intervention findings per 10
                turns (0.5-50); None keeps the current value.
            turns_without_insight: flag after this many turns without the hidden
                insight (5-200); None keeps the current value.
            actor_is_admin: the platform says the actor is a workspace admin.

        Returns:
            The stored :class:`FlagSettings`.

        Raises:
            NotAllowed: the actor is neither an admin nor a coach.
            BadInput: a threshold out of range.
        """
        if findings_per_10 is not None:
            low, high = FINDINGS_PER_10_RANGE
            if not (math.isfinite(findings_per_10) and low <= findings_per_10 <= high):
                raise BadInput(words.setting_out_of_range("Findings per 10 turns", low, high))
        if turns_without_insight is not None:
            tlow, thigh = TURNS_WITHOUT_INSIGHT_RANGE
            if not tlow <= int(turns_without_insight) <= thigh:
                raise BadInput(words.setting_out_of_range("Turns without insight", tlow, thigh))
        async with self._uow(workspace_id) as uow:
            await self._require_manager(uow, workspace_id, actor_id, actor_is_admin)
            current = await uow.session_flags.settings(workspace_id)
            new = FlagSettingsRow(
                enabled=bool(enabled),
                findings_per_10=(
                    float(findings_per_10)
                    if findings_per_10 is not None
                    else current.findings_per_10
                ),
                turns_without_insight=(
                    int(turns_without_insight)
                    if turns_without_insight is not None
                    else current.turns_without_insight
                ),
            )
            await uow.session_flags.put_settings(workspace_id, new, now=self._clock())
        log.info("workspace %s: automatic flagging %s by %s", workspace_id, enabled, actor_id)
        return FlagSettings(
            enabled=new.enabled,
            findings_per_10=new.findings_per_10,
            turns_without_insight=new.turns_without_insight,
        )

    async def evaluate_flags(self, workspace_id: str, session_id: str) -> list[FlagInfo]:
        """Flag a session when the workspace's thresholds say so (after a turn, at the end).

        Does nothing unless the workspace switched flagging on. Reasons: intervention
        findings per 10 turns over the threshold (from :data:`MIN_TURNS_FOR_RATE`
        turns on), or at least ``turns_without_insight`` turns without the hidden insight.
        Each reason flags a session once.

        Returns:
            The flags raised by this call (empty when none is new).
        """
        now = self._clock()
        async with self._store.unit_of_work() as uow:
            settings = await uow.session_flags.settings(workspace_id)
            if not settings.enabled:
                return []
            row = await uow.sessions.get(workspace_id, session_id)
            if row is None:
                return []
            snap = _snapshot(row)
            turns = len(snap.turns)
            new: list[SessionFlagRow] = []
            if turns >= MIN_TURNS_FOR_RATE:
                findings = sum(
                    1 for t in snap.turns for f in t.review.findings if f.is_intervention
                )
                rate = findings * 10 / turns
                if rate > settings.findings_per_10:
                    figures = {
                        "findings": findings,
                        "turns": turns,
                        "rate": round(rate, 2),
                        "threshold": settings.findings_per_10,
                    }
                    flag = await uow.session_flags.add(
                        workspace_id, session_id, "findings_per_10", figures, now=now
                    )
                    new += [flag] if flag is not None else []
            if turns >= settings.turns_without_insight and not snap.insight_reached:
                figures = {"turns": turns, "threshold": settings.turns_without_insight}
                flag = await uow.session_flags.add(
                    workspace_id, session_id, "no_insight", figures, now=now
                )
                new += [flag] if flag is not None else []
            infos = [_flag_info(f) for f in new]
        for info in infos:
            log.info("session %s flagged (%s) in workspace %s", session_id, info.code, workspace_id)
        return infos

    # -- the queue and transcripts ------------------------------------------

    async def queue(
        self,
        workspace_id: str,
        coach_id: str,
        *,
        unreviewed_only: bool = True,
        offset: int = 0,
        limit: int = 10,
    ) -> QueuePage:
        """The coach queue: sessions sent to coaches or flagged, newest first.

        Args:
            workspace_id: the tenant. coach_id: who asks (must be a coach).
            unreviewed_only: only sessions still waiting for review.
            offset / limit: the page (limit 1-50).

        Returns:
            :class:`QueuePage`.

        Raises:
            NotAllowed: ``coach_id`` is not a coach here.
        """
        offset = max(0, int(offset))
        limit = max(1, min(int(limit), MAX_PAGE))
        async with self._uow(workspace_id) as uow:
            await self._require_coach(uow, workspace_id, coach_id)
            rows, total = await uow.coach_queue.page(
                workspace_id, unreviewed_only=unreviewed_only, offset=offset, limit=limit
            )
        items = []
        for r in rows:
            s, req = r.session, r.request
            times = [f.created_at for f in r.flags] + ([req.created_at] if req else [])
            items.append(
                QueueItem(
                    session_id=s.id,
                    staff_user_id=s.user_id,
                    persona_id=s.persona_id,
                    status="active" if s.status == "active" else "ended",
                    started_at=s.created_at,
                    ended_at=s.ended_at,
                    turns=len((s.snapshot or {}).get("turns", [])),
                    sent_at=req.created_at if req else None,
                    staff_note=req.note if req else None,
                    flags=tuple(_flag_info(f) for f in r.flags),
                    reviewed_at=r.reviewed_at,
                    disputes_open=r.disputes_open,
                    latest_at=max(times) if times else None,
                )
            )
        return QueuePage(
            items=tuple(items),
            offset=offset,
            limit=limit,
            total=total,
            unreviewed_only=unreviewed_only,
        )

    async def transcript(
        self,
        workspace_id: str,
        coach_id: str,
        session_id: str,
        *,
        page: int = 0,
        per_page: int = 8,
    ) -> CoachTranscript:
        """One page of a session's transcript for a coach; records the read every call.

        Args:
            workspace_id: the tenant. coach_id: who reads (must be a coach).
            session_id: a session sent to coaches or flagged.
            page: 0-based (clamped to the pages there are). per_page: turns per page (1-50).

        Returns:
            :class:`CoachTranscript` with this page's turns and everything around them.

        Raises:
            NotAllowed: not a coach here.
            SessionNotFound: no such session in this workspace.
            NotSentToCoaches: neither sent nor flagged.
        """
        per_page = max(1, min(int(per_page), MAX_PAGE))
        async with self._uow(workspace_id) as uow:
            row = await self._for_coach(uow, workspace_id, coach_id, session_id)
            await uow.coach_reads.add(workspace_id, session_id, coach_id, now=self._clock())
            flags = await uow.session_flags.for_session(workspace_id, session_id)
            req = await uow.coach_queue.request_for(workspace_id, session_id)
            disputes = await uow.note_disputes.for_session(workspace_id, session_id)
            feedback = await uow.coach_feedback.for_session(
                workspace_id, session_id, coach_user_id=coach_id
            )
        snap = _snapshot(row)
        total = len(snap.turns)
        pages = max(1, math.ceil(total / per_page))
        page = max(0, min(int(page), pages - 1))
        all_turns = _transcript_turns(snap, row.persona_id)
        waiting = (req is not None and req.reviewed_at is None) or any(
            f.reviewed_at is None for f in flags
        )
        reviewed = [f.reviewed_at for f in flags if f.reviewed_at] + (
            [req.reviewed_at] if req is not None and req.reviewed_at else []
        )
        log.info("coach %s read session %s (page %d)", coach_id, session_id, page)
        return CoachTranscript(
            session_id=row.id,
            staff_user_id=row.user_id,
            persona_id=row.persona_id,
            status="active" if row.status == "active" else "ended",
            turns=tuple(all_turns[page * per_page : (page + 1) * per_page]),
            page=page,
            pages=pages,
            per_page=per_page,
            total_turns=total,
            debrief=Debrief.model_validate(row.debrief) if row.debrief else None,
            flags=tuple(_flag_info(f) for f in flags),
            staff_note=req.note if req is not None else None,
            sent_at=req.created_at if req is not None else None,
            disputes=tuple(DisputeInfo.model_validate(d) for d in disputes),
            feedback=tuple(FeedbackInfo.model_validate(f) for f in feedback),
            reviewed_at=None if waiting or not reviewed else max(reviewed),
        )

    async def reads(self, workspace_id: str, user_id: str, session_id: str) -> list[ReadInfo]:
        """Who read one of the user's sessions, and when (newest first).

        Raises:
            SessionNotFound / NotYourSession: not the user's session in this workspace.
        """
        async with self._store.unit_of_work() as uow:
            await self._owned(uow, workspace_id, user_id, session_id)
            rows = await uow.coach_reads.for_session(workspace_id, session_id)
        return [ReadInfo.model_validate(r) for r in rows]

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
        cleaned = _clean(text, limit=MAX_FEEDBACK_CHARS, what="Feedback")
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
        cleaned = _clean(text, limit=MAX_FEEDBACK_CHARS, what="A reply")
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
                raise ItemNotFound(words.DISPUTE_NOT_FOUND)
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


def _transcript_turns(snap: PracticeSession, persona_id: str) -> list[TranscriptTurn]:
    """Every turn with its findings, the layers it earned and whether trust fell."""
    try:
        opening: float | None = get_persona(persona_id).opening_trust
    except Exception:  # an unknown or broken card: trust falls are judged from turn two
        opening = None
    out: list[TranscriptTurn] = []
    previous: float | None = opening
    for turn in snap.turns:
        before = turn.trust_before if turn.trust_before is not None else previous
        earned = [*turn.disclosed, *(["insight"] if turn.insight else [])]
        out.append(
            TranscriptTurn(
                index=turn.index,
                staff=turn.staff,
                caregiver=turn.caregiver,
                findings=tuple(turn.review.findings),
                reframe=turn.review.reframe,
                note=turn.note,
                coach_note=turn.coach_note,
                layer_earned=earned[0] if earned else None,
                earned=tuple(earned),
                trust_before=before,
                trust_after=turn.trust_after,
                trust_fell=before is not None and turn.trust_after < before - 0.05,
            )
        )
        previous = turn.trust_after
    return out
