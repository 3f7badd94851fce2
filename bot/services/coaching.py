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

import logging
import math

from bot.core.debrief import Debrief
from bot.core.models import PracticeSession
from bot.personas import get_persona
from bot.presenters import coaching as words
from bot.services.coaching_access import (
    FINDINGS_PER_10_RANGE,
    MAX_PAGE,
    MIN_TURNS_FOR_RATE,
    TURNS_WITHOUT_INSIGHT_RANGE,
    clean_text,
    flag_info,
    snapshot_of,
)
from bot.services.coaching_feedback import CoachFeedback
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
    SentToCoaches,
    TranscriptTurn,
)
from bot.store import (
    MAX_NOTE_CHARS,
    CoachRequestRow,
    FlagSettingsRow,
    PracticeSessionRow,
    SessionFlagRow,
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


class Coaching(CoachFeedback):
    """The coach use cases over the store.

    Args:
        store: the database.
        clock: the current UTC time (tests inject one).
        seed_coaches: ``EC_COACH_USER_IDS``: a workspace that never had a coach
            gets these once, the first time anything here looks at its coaches.
    """

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

    async def managers_coaches(
        self, workspace_id: str, actor_id: str, *, actor_is_admin: bool
    ) -> list[CoachInfo]:
        """The coaches, for someone about to add or remove one (the picker cards).

        Raises:
            NotAllowed: the actor is neither an admin nor a coach (the rule of
                :meth:`add_coach`).
        """
        async with self._uow(workspace_id) as uow:
            await self._require_manager(uow, workspace_id, actor_id, actor_is_admin)
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
            raise BadInput(words.NAME_TO_ADD, reason="name_to_add")
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
            BadInput: a coach (not an admin) removing the last coach: nobody but a
                workspace admin could add one again, and Teams has no admin path.
        """
        user_id = (user_id or "").strip()
        async with self._uow(workspace_id) as uow:
            await self._require_manager(uow, workspace_id, actor_id, actor_is_admin)
            if not actor_is_admin and user_id:
                current = {r.user_id for r in await uow.coaches.in_workspace(workspace_id)}
                if current == {user_id}:
                    raise BadInput(words.LAST_COACH)
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
        reviewed puts it back in the queue (``created`` True) only when there is
        something new: a note, or a turn after the last send (the session was
        still open then). Otherwise ``nothing_new`` is True and nothing changes, so
        no coach is told about a session they already reviewed (the new-user
        tester's finding: an empty notification to the coach, nothing plain to staff).

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
        cleaned = clean_text(note, limit=MAX_NOTE_CHARS, what="A note")
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
            elif existing.reviewed_at is not None and _nothing_new(row, existing, cleaned):
                return SentToCoaches(
                    created=False,
                    nothing_new=True,
                    coach_ids=(),
                    session_id=session_id,
                    staff_user_id=row.user_id,
                    persona_id=row.persona_id,
                    turns=len((row.snapshot or {}).get("turns", [])),
                    note=existing.note,
                )
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
                flag_info(f) for f in await uow.session_flags.for_session(workspace_id, session_id)
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
        self._remember_flagging(workspace_id, s.enabled)
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
        self._remember_flagging(workspace_id, new.enabled)
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
        Each reason flags a session once. A workspace this process read as "off"
        less than :data:`~bot.services.coaching_access.FLAG_SETTINGS_TTL_S` ago
        costs no transaction (the per-turn path).

        Returns:
            The flags raised by this call (empty when none is new).
        """
        if self._flagging_known_off(workspace_id):
            return []
        now = self._clock()
        async with self._store.unit_of_work() as uow:
            settings = await uow.session_flags.settings(workspace_id)
            self._remember_flagging(workspace_id, settings.enabled)
            if not settings.enabled:
                return []
            row = await uow.sessions.get(workspace_id, session_id)
            if row is None:
                return []
            snap = snapshot_of(row)
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
            infos = [flag_info(f) for f in new]
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
                    flags=tuple(flag_info(f) for f in r.flags),
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
        record_read: bool = True,
    ) -> CoachTranscript:
        """One page of a session's transcript for a coach; records the read (each page opened).

        Args:
            workspace_id: the tenant. coach_id: who reads (must be a coach).
            session_id: a session sent to coaches or flagged.
            page: 0-based (clamped to the pages there are). per_page: turns per page (1-50).
            record_read: False when the screen already shown is only redrawn after the
                coach's own change (a comment, *Send feedback*, *Mark reviewed*): the staff
                member's record then lists each time a coach looked, not each click.

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
            if record_read:
                await uow.coach_reads.add(workspace_id, session_id, coach_id, now=self._clock())
            flags = await uow.session_flags.for_session(workspace_id, session_id)
            req = await uow.coach_queue.request_for(workspace_id, session_id)
            disputes = await uow.note_disputes.for_session(workspace_id, session_id)
            feedback = await uow.coach_feedback.for_session(
                workspace_id, session_id, coach_user_id=coach_id
            )
        snap = snapshot_of(row)
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
            flags=tuple(flag_info(f) for f in flags),
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


def _nothing_new(row: PracticeSessionRow, last: CoachRequestRow, note: str | None) -> bool:
    """True when a re-send brings the coach nothing since ``last`` (the request sent before).

    Args:
        row: the session (``status``, ``ended_at``). last: the coach request
            (``created_at``: when it was last sent). note: the new note, cleaned.

    Returns:
        True with no note and a session that had already ended when it was last
        sent (an ended session gets no more turns); False otherwise.
    """
    if note is not None or row.status == "active" or row.ended_at is None:
        return False
    return bool(row.ended_at <= last.created_at)


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
