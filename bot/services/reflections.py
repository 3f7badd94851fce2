"""Reflections, red-flag notes, team gatherings and decisions; the workspace's settings.

:class:`ReflectionService` is the after-interview use cases an adapter calls
(it extends :class:`~bot.services.interviews.InterviewService` with these).
Typical flow::

    reflections = ReflectionService(store)                 # one per process
    info = await reflections.log_interview(team_id, user_id, happened_at=when, ...)
    await reflections.save_exact_words(team_id, user_id, info.id, words)
    red_flag = await reflections.save_reflection(team_id, user_id, info.id, Reflection(...))
    await reflections.record_team_decision(team_id, user_id, channel="C0TEAM",
                                           week="2026-W11", decision="…",
                                           conversation_id=where_it_was_sent)

Every rule is checked here on every path: a reflection needs one answer (or
the "nothing new" tick); a team decision must come from its gathering's
conversation in this workspace, whether it arrives by a button or a modal.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.core.interviews import Gathering as GatheringRule
from bot.core.interviews import Interview, InterviewRuleBroken, gathering_key_of
from bot.core.reflection import Reflection, ReflectionSettings, is_red_flag, next_working_slot
from bot.presenters.reflection import (
    BAD_GATHERING,
    DECISION_NEEDED,
    NOT_A_GATHERING,
    REFLECTION_NEEDS_AN_ANSWER,
    TEXT_NAMES,
)
from bot.privacy import PII_KINDS, PiiKind, scrub
from bot.services.gatherings import gathering_of
from bot.services.interview_input import check_tz, clean_text, scrub_into
from bot.services.interviews import InterviewService, interview_key
from bot.services.payloads import load_gathering
from bot.services.results import (
    Gathering,
    GatheringNotFound,
    InvalidInput,
    TeamDecisionInfo,
    WorkspaceReflectionSettings,
    WrongConversation,
)
from bot.store import InterviewRow, ReminderRow, UnitOfWork

log = logging.getLogger(__name__)

__all__ = ["AlreadyDecided", "ReflectionService", "team_gathering_key"]


class AlreadyDecided(Exception):
    """The ``once_key`` of :meth:`ReflectionService.record_team_decision` was claimed
    before: this post already has its decision (nothing was stored)."""


_QUESTIONS = {
    field: TEXT_NAMES[field]
    for field in ("surprised", "assumption_challenged", "not_in_data", "do_differently")
}


def team_gathering_key(channel: str, week: str) -> str:
    """``team_gathering:<channel>:<week>``.

    Raises:
        InvalidInput: a malformed week or an empty channel.
    """
    try:
        return gathering_key_of(channel, week)
    except InterviewRuleBroken:
        raise InvalidInput(BAD_GATHERING) from None


class ReflectionService(InterviewService):
    """Real interviews and what follows them: prompts, reflections, team gatherings."""

    # ------------------------------------------------------------------ settings

    async def get_workspace_settings(self, workspace_id: str) -> WorkspaceReflectionSettings:
        """A workspace's prompt settings (the defaults when never set)."""
        async with self._store.unit_of_work() as uow:
            return await self._settings(uow, workspace_id)

    async def set_workspace_settings(
        self,
        workspace_id: str,
        *,
        schedule: ReflectionSettings | None = None,
        team_tz: str | None = None,
        coach_user_id: str | None = None,
        share_red_flags: bool = False,
    ) -> WorkspaceReflectionSettings:
        """Replace a workspace's prompt settings (applies to prompts created afterwards).

        Args:
            workspace_id: the tenant.
            schedule: the schedule; None for the defaults.
            team_tz: the teams' IANA zone, or None.
            coach_user_id: the coach for red-flag notes, or None.
            share_red_flags: post red-flag notes in the team channel (with the
                caregiver's pseudonym) instead of privately; off by default.

        Raises:
            InvalidInput: an unknown ``team_tz``.
        """
        if team_tz:
            check_tz(team_tz)
        settings = WorkspaceReflectionSettings(
            schedule=schedule or ReflectionSettings(),
            team_tz=team_tz or None,
            coach_user_id=coach_user_id or None,
            share_red_flags=share_red_flags,
        )
        stored = schedule.model_dump(mode="json") if schedule is not None else {}
        if share_red_flags:
            stored["share_red_flags"] = True
        async with self._store.unit_of_work() as uow:
            await uow.workspace_settings.put(
                workspace_id,
                reflection=stored or None,
                team_tz=settings.team_tz,
                coach_user_id=settings.coach_user_id,
                now=self._clock(),
            )
        return settings

    async def set_user_tz(self, workspace_id: str, user_id: str, tz: str) -> None:
        """Remember a user's IANA time zone; raises :class:`InvalidInput` for an unknown one."""
        check_tz(tz)
        async with self._store.unit_of_work() as uow:
            await uow.user_tz.set_tz(workspace_id, user_id, tz, now=self._clock())

    async def get_user_tz(self, workspace_id: str, user_id: str) -> str | None:
        """A user's stored time zone, or None when never stored."""
        async with self._store.unit_of_work() as uow:
            return await uow.user_tz.get_tz(workspace_id, user_id)

    # ------------------------------------------------------------------ reflections

    async def get_reflection(
        self, workspace_id: str, user_id: str, interview_id: str
    ) -> Reflection | None:
        """The stored reflection on one of the user's interviews (scrubbed), or None.

        Raises:
            InterviewNotFound: no such live interview in this workspace.
            NotYourInterview: ``user_id`` did not log it.
        """
        async with self._store.unit_of_work() as uow:
            await self._owned(uow, workspace_id, user_id, interview_id, action="get_reflection")
            row = await uow.reflections.get(workspace_id, interview_id)
        return Reflection.model_validate(row, from_attributes=True) if row is not None else None

    async def save_reflection(
        self,
        workspace_id: str,
        user_id: str,
        interview_id: str,
        reflection: Reflection,
        *,
        extra_names: Sequence[str] = (),
    ) -> bool:
        """Store a reflection (scrubbed) and queue the gentle note on a red flag.

        A reflection needs at least one answer, or the "nothing new" tick. The
        red flag (:func:`bot.core.reflection.is_red_flag`) queues one
        ``red_flag_note`` for the recipient the core chooses
        (:meth:`bot.core.interviews.Interview.red_flag_recipient`: the coach named in
        the workspace's settings, else its first coach (the coaches table), else the
        interviewer; the team channel only when the workspace shares
        these notes), due at the next working slot. A resubmitted reflection
        that is no longer a red flag cancels a note not yet sent.

        Saving again keeps the stored answers the new one leaves empty: an empty field
        is not an erasure (issue 12: a one-field save replaced all four answers); the
        red flag is judged on the answers as kept.

        Returns:
            True when the reflection is a red flag.

        Raises:
            InterviewNotFound / NotYourInterview: as for the other methods.
            InvalidInput: no answer at all, or an answer is too long.
        """
        answers = {
            field: clean_text(getattr(reflection, field), what, field)
            for field, what in _QUESTIONS.items()
        }
        if not any(answers.values()) and not reflection.nothing_new:
            raise InvalidInput(REFLECTION_NEEDS_AN_ANSWER, field="surprised")
        counts: dict[PiiKind, int] = dict.fromkeys(PII_KINDS, 0)
        alias = await self._pseudonym(workspace_id, user_id, interview_id, action="reflect")
        names = [alias, *extra_names]
        clean = {k: scrub_into(v, names, counts) for k, v in answers.items()}
        now = self._clock()
        async with self._store.unit_of_work() as uow:
            row = await self._owned(uow, workspace_id, user_id, interview_id, action="reflect")
            before = await uow.reflections.get(workspace_id, interview_id)
            if before is not None:  # keep what this save does not mention
                clean = {k: v or getattr(before, k) for k, v in clean.items()}
            red = is_red_flag(reflection.model_copy(update=clean))
            await uow.reflections.upsert(
                workspace_id,
                interview_id,
                user_id=user_id,
                nothing_new=reflection.nothing_new,
                red_flag=red,
                now=now,
                **clean,
            )
            await uow.reminders.cancel_pending(
                workspace_id,
                interview_id=interview_id,
                kinds=("reflection",),
                reason="already_answered",
                now=now,
            )
            note = await uow.reminders.by_key(
                workspace_id, interview_key(interview_id, "red_flag_note")
            )
            if red:
                await self._queue_red_flag(uow, row, await self._settings(uow, workspace_id), note)
            elif note is not None:
                await uow.reminders.cancel_pending(
                    workspace_id, reminder_id=note.id, reason="reflection_changed", now=now
                )
        log.info(
            "reflection on interview %s saved (workspace %s, red flag %s, %d details scrubbed)",
            interview_id,
            workspace_id,
            red,
            sum(counts.values()),
        )
        return red

    async def _queue_red_flag(
        self,
        uow: UnitOfWork,
        row: InterviewRow,
        settings: WorkspaceReflectionSettings,
        note: ReminderRow | None,
    ) -> None:
        ws, now = row.workspace_id, self._clock()
        coach_id = settings.coach_user_id
        if not coach_id:  # the workspace's first coach (issue 11's roles) when none is named
            coaches = await uow.coaches.in_workspace(ws)
            coach_id = coaches[0].user_id if coaches else None
        coach_tz = await uow.user_tz.get_tz(ws, coach_id) if coach_id else None
        to = Interview.model_validate(row).red_flag_recipient(
            coach_user_id=coach_id,
            coach_tz=coach_tz,
            share_with_team=settings.share_red_flags,
            team_tz=settings.team_tz,
        )
        due = next_working_slot(now, to.tz, settings.schedule)
        if note is None:
            await uow.reminders.add_if_absent(
                ws,
                dedupe_key=interview_key(row.id, "red_flag_note"),
                kind="red_flag_note",
                due_at=due,
                interview_id=row.id,
                user_id=to.user_id,
                channel_id=to.channel_id,
                tz=to.tz,
                data={"audience": to.audience},
                now=now,
                platform=row.platform,
            )
        elif note.status == "cancelled":
            await uow.reminders.revive(ws, note.id, due_at=due, now=now)

    # ------------------------------------------------------------------ teams

    async def gathering_for(self, workspace_id: str, channel: str, week: str) -> Gathering:
        """A team's week: its interviews (pseudonyms only), reflections and decisions.

        Raises:
            InvalidInput: a malformed week or channel.
        """
        team_gathering_key(channel, week)
        async with self._store.unit_of_work() as uow:
            return await load_gathering(uow, workspace_id, channel, week)

    async def check_decision_place(
        self, workspace_id: str, key: str, conversation_id: str | None
    ) -> tuple[str, str]:
        """Check that a team decision about gathering ``key`` may be recorded from here.

        Called by the button that opens the decision form, and again by
        :meth:`record_team_decision` when the form comes back.

        Args:
            workspace_id: the workspace the request came from.
            key: the gathering key the button or form carries.
            conversation_id: the conversation the request came from.

        Returns:
            ``(channel, week)`` of the gathering.

        Raises:
            InvalidInput: not a gathering key.
            GatheringNotFound: no such gathering in this workspace.
            WrongConversation: asked from another conversation than the gathering's.
        """
        try:
            async with self._store.unit_of_work() as uow:
                gathering = await gathering_of(uow, workspace_id, key)
            gathering.check_decision_from(workspace_id, conversation_id)
        except InterviewRuleBroken as exc:
            log.warning("refused a team decision in workspace %s: %s", workspace_id, exc.reason)
            if exc.reason == "not_a_gathering":
                raise InvalidInput(NOT_A_GATHERING, field="decision") from None
            if exc.reason == "wrong_conversation":
                raise WrongConversation("wrong_conversation") from None
            raise GatheringNotFound("gathering_not_found") from None
        assert isinstance(gathering, GatheringRule)
        return gathering.channel, gathering.week

    async def record_team_decision(
        self,
        workspace_id: str,
        user_id: str,
        *,
        channel: str,
        week: str,
        decision: str,
        conversation_id: str | None,
        extra_names: Sequence[str] = (),
        once_key: str | None = None,
    ) -> TeamDecisionInfo:
        """Record what a team decided to try (scrubbed; every decision is kept).

        Args:
            workspace_id: the tenant.
            user_id: who recorded it (any member of the team).
            channel / week: the gathering.
            decision: the text (1 to :data:`~bot.services.results.MAX_TEXT_CHARS`).
            conversation_id: the conversation the request came from; it must
                be the gathering's (:meth:`check_decision_place`).
            extra_names: names to scrub; never stored.
            once_key: a platform event key (e.g. Teams' ``teams-card:<digest>`` of one
                gathering post) claimed in the same transaction as the decision row, so
                a failed save leaves the key free for a retry (issue 12).

        Raises:
            InvalidInput: an empty or over-long decision, a malformed week.
            GatheringNotFound / WrongConversation: see :meth:`check_decision_place`.
            AlreadyDecided: ``once_key`` was claimed before (nothing stored).
            StoreUnavailable: the save failed (nothing stored, the key not claimed).
        """
        key = team_gathering_key(channel, week)
        text = clean_text(decision, TEXT_NAMES["decision"], "decision")
        if not text:
            raise InvalidInput(DECISION_NEEDED, field="decision")
        await self.check_decision_place(workspace_id, key, conversation_id)
        clean = scrub(text, known_names=extra_names).text
        async with self._store.unit_of_work() as uow:
            if once_key is not None and not await uow.events.claim(
                workspace_id, once_key, now=self._clock()
            ):
                raise AlreadyDecided(once_key)
            row = await uow.team_decisions.add(
                workspace_id,
                team_channel=channel,
                week_key=week,
                decision=clean,
                decided_by=user_id,
                now=self._clock(),
            )
        return TeamDecisionInfo.model_validate(row)
