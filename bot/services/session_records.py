"""The records around practice sessions: recent sessions, coach requests, live-notes setting,
and exactly-once event claims. Mixed into :class:`bot.services.sessions.PracticeSessions`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.presenters.practice import (
    DISPUTE_NO_TURN,
    DISPUTE_NOTHING,
    SESSION_NOT_FOUND,
    SESSION_NOT_YOURS,
)
from bot.privacy import scrub
from bot.services.session_results import (
    CoachRequestInfo,
    NoteDisputeInfo,
    NothingToDispute,
    NotYourSession,
    SessionInfo,
    SessionNotFound,
)
from bot.store import CoachRequestRow, PracticeSessionRow, Store

__all__ = ["SessionRecords"]

log = logging.getLogger(__name__)

MAX_DISPUTE_COMMENT = 500
"""Most characters kept of a "Was this note wrong?" comment."""


def _coach_info(row: CoachRequestRow, created: bool) -> CoachRequestInfo:
    return CoachRequestInfo.model_validate(row).model_copy(update={"created": created})


class SessionRecords:
    """What :class:`~bot.services.sessions.PracticeSessions` keeps beside the sessions."""

    _store: Store
    _clock: Callable[[], datetime]

    @staticmethod
    def _check_owner(
        row: PracticeSessionRow | None,
        workspace_id: str,
        user_id: str,
        session_id: str,
        *,
        action: str,
    ) -> None:
        if row is None:
            raise SessionNotFound(SESSION_NOT_FOUND)
        if row.user_id != user_id:
            log.warning(
                "refused %s: session %s in workspace %s belongs to another user (asked by %s)",
                action,
                session_id,
                workspace_id,
                user_id,
            )
            raise NotYourSession(SESSION_NOT_YOURS)

    async def recent_sessions(
        self, workspace_id: str, user_id: str, limit: int = 5
    ) -> list[SessionInfo]:
        """Return a user's latest sessions, newest first (for App Home).

        Args:
            workspace_id: the tenant.
            user_id: whose sessions.
            limit: at most this many (1-100).

        Returns:
            :class:`SessionInfo` list; ended ones carry their ``debrief``.
        """
        limit = max(1, min(int(limit), 100))
        async with self._store.unit_of_work() as uow:
            rows = await uow.sessions.recent_for_user(workspace_id, user_id, limit=limit)
        return [SessionInfo.model_validate(r) for r in rows]

    async def request_coach(
        self, workspace_id: str, user_id: str, session_id: str
    ) -> CoachRequestInfo:
        """Record "Send to a coach" for a session; idempotent while a request is open.

        Args:
            workspace_id: the tenant.
            user_id: the acting user (must own the session).
            session_id: the session.

        Returns:
            The :class:`CoachRequestInfo`; ``created`` is False when an open
            request for this session already existed.

        Raises:
            SessionNotFound: no such session in this workspace.
            NotYourSession: ``user_id`` does not own it.
        """
        async with self._store.unit_of_work() as uow:
            row = await uow.sessions.get(workspace_id, session_id)
            self._check_owner(row, workspace_id, user_id, session_id, action="request_coach")
            existing = await uow.coach_requests.open_for_session(workspace_id, session_id)
            if existing is not None:
                return _coach_info(existing, created=False)
            req = await uow.coach_requests.add(
                workspace_id, session_id, requested_by=user_id, now=self._clock()
            )
            if req is None:  # a concurrent click created it first
                existing = await uow.coach_requests.open_for_session(workspace_id, session_id)
                assert existing is not None
                return _coach_info(existing, created=False)
        log.info("coach requested for session %s (workspace %s)", session_id, workspace_id)
        return _coach_info(req, created=True)

    async def dispute_note(
        self,
        workspace_id: str,
        user_id: str,
        session_id: str,
        turn_index: int,
        *,
        kinds: list[str] | None = None,
        comment: str | None = None,
    ) -> NoteDisputeInfo:
        """Record "Was this note wrong?" for one turn's coach note.

        The utterance and the findings come from the stored turn, never from the
        client: a tampered payload can only name a turn of the user's own session.

        Args:
            workspace_id: the tenant.
            user_id: the acting user (must own the session).
            session_id: the session.
            turn_index: the staff turn (1-based) whose note is disputed.
            kinds: the finding kinds disputed (None or empty: every kind of the note);
                kinds the note did not have are ignored.
            comment: optional words; scrubbed of personal details, at most
                :data:`MAX_DISPUTE_COMMENT` characters kept.

        Returns:
            The stored :class:`NoteDisputeInfo`. A second dispute of the same turn keeps
            the first: the row holds the latest, the earlier ones stay in its history
            (``earlier`` counts them), because a coach deciding the disagreement wants to
            see how the staff member's view went, not only the last word.

        Raises:
            SessionNotFound: no such session in this workspace.
            NotYourSession: ``user_id`` does not own it.
            NothingToDispute: no such turn, or its note had no finding.
        """
        cleaned = " ".join((comment or "").split())[:MAX_DISPUTE_COMMENT] or None
        if cleaned:
            cleaned = scrub(cleaned).text
        async with self._store.unit_of_work() as uow:
            row = await uow.sessions.get(workspace_id, session_id)
            self._check_owner(row, workspace_id, user_id, session_id, action="dispute_note")
            assert row is not None
            turns = (row.snapshot or {}).get("turns", [])
            if not 1 <= turn_index <= len(turns):
                raise NothingToDispute(DISPUTE_NO_TURN)
            turn = turns[turn_index - 1]
            noted = [str(f.get("kind")) for f in (turn.get("review") or {}).get("findings", [])]
            if not noted:
                raise NothingToDispute(DISPUTE_NOTHING)
            chosen = [k for k in dict.fromkeys(noted) if not kinds or k in kinds] or list(
                dict.fromkeys(noted)
            )
            saved = await uow.note_disputes.upsert(
                workspace_id,
                session_id,
                turn_index,
                user_id=user_id,
                utterance=str(turn.get("staff") or ""),
                kinds=chosen,
                comment=cleaned,
                now=self._clock(),
            )
            info = NoteDisputeInfo.model_validate(saved)
        log.info("note disputed: session %s turn %d (%s)", session_id, turn_index, ",".join(chosen))
        return info

    async def note_disputes(
        self, workspace_id: str, user_id: str, session_id: str
    ) -> list[NoteDisputeInfo]:
        """The disagreements recorded for one of the user's sessions, by turn.

        Raises:
            SessionNotFound: no such session in this workspace.
            NotYourSession: ``user_id`` does not own it.
        """
        async with self._store.unit_of_work() as uow:
            row = await uow.sessions.get(workspace_id, session_id)
            self._check_owner(row, workspace_id, user_id, session_id, action="note_disputes")
            rows = await uow.note_disputes.for_session(workspace_id, session_id)
            return [NoteDisputeInfo.model_validate(r) for r in rows]

    async def get_live_notes(self, workspace_id: str, user_id: str) -> bool:
        """Tell whether a user wants coach notes after each turn.

        Args:
            workspace_id: the tenant.
            user_id: the staff member.

        Returns:
            The stored setting; True when never set.
        """
        async with self._store.unit_of_work() as uow:
            return await uow.user_settings.get_live_notes(workspace_id, user_id)

    async def set_live_notes(self, workspace_id: str, user_id: str, enabled: bool) -> bool:
        """Switch a user's live coach notes on or off (off: feedback at the end only).

        Args:
            workspace_id: the tenant.
            user_id: the staff member.
            enabled: the new value.

        Returns:
            The stored value (``enabled``).
        """
        async with self._store.unit_of_work() as uow:
            await uow.user_settings.set_live_notes(
                workspace_id, user_id, enabled, now=self._clock()
            )
        return enabled

    async def claim_event(self, workspace_id: str, event_key: str) -> bool:
        """Claim a platform event for processing, exactly once across processes.

        Use the platform's stable id: Slack ``event_id``, or ``client_msg_id``
        for messages, or the Socket Mode envelope id; ``"action:<trigger_id>"``
        for interactions.

        Args:
            workspace_id: the tenant.
            event_key: the event's stable id (at most 255 characters).

        Returns:
            True for the first claim of this key in this workspace; False for
            every later one (a retry or redelivery: do nothing).
        """
        return await self._store.claim_event(workspace_id, event_key)
