"""Real interviews: log, read, page, move, delete, and their exact words.

The rules (when an interview may be logged, which prompts it gets and in
which order, joining and leaving a weekly gathering) are the core's
(:mod:`bot.core.interviews`); this module checks input
(:mod:`bot.services.interview_input`), scrubs texts, loads rows into core
models, applies the core's decisions through the repositories (the weekly
gathering's in :mod:`bot.services.gatherings`), and returns
:mod:`bot.services.results` built from rows.

Rules that hold everywhere here:

* **Tenants and owners.** Every method takes the workspace; an interview of
  another workspace is simply not found (:class:`InterviewNotFound`), and one
  owned by another user raises :class:`NotYourInterview`.
* **Scrubbing.** Notes and exact words pass through :func:`bot.privacy.scrub`
  before they are stored, with the pseudonym and ``extra_names`` as known names.
* **Prompts are rows** whose ``dedupe_key`` is unique per workspace, so a
  prompt can never be created twice, also by racing processes.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Literal

from bot.core.interviews import Interview, PlannedPrompt, Reminder
from bot.core.reflection import ReflectionSettings
from bot.presenters import reflection as words
from bot.privacy import PII_KINDS, PiiKind
from bot.services.gatherings import gathering_of, join_gathering, leave_gathering
from bot.services.interview_input import (
    check_interview_fields,
    check_pseudonym,
    check_time,
    check_tz,
    clean_text,
    scrub_into,
)
from bot.services.ports import ConversationRef
from bot.services.results import (
    InterviewInfo,
    InterviewMode,
    InterviewNotFound,
    InterviewPage,
    InvalidInput,
    NotYourInterview,
    ReminderInfo,
    WorkspaceReflectionSettings,
)
from bot.store import InterviewRow, ReminderRow, Store, UnitOfWork

log = logging.getLogger(__name__)

__all__ = ["InterviewService", "interview_key"]


def _utcnow() -> datetime:
    return datetime.now(UTC)


def interview_key(interview_id: str, kind: str) -> str:
    """The dedupe key of one interview's prompt: ``interview:<id>:<kind>``."""
    return f"interview:{interview_id}:{kind}"


def _info(
    row: InterviewRow,
    reminders: Sequence[ReminderRow] = (),
    scrubbed: dict[PiiKind, int] | None = None,
) -> InterviewInfo:
    info = InterviewInfo.model_validate(row)
    return info.model_copy(
        update={
            "reminders": sorted(
                (ReminderInfo.model_validate(r) for r in reminders), key=lambda r: (r.due_at, r.id)
            ),
            "scrubbed": scrubbed or dict.fromkeys(PII_KINDS, 0),
        }
    )


class InterviewService:
    """Real interviews and their prompts (one object per process is enough).

    Every method opens its own short transaction.

    Args:
        store: the database (:class:`bot.store.Store`).
        clock: returns the current UTC time (tests inject one).
    """

    def __init__(self, store: Store, *, clock: Callable[[], datetime] = _utcnow) -> None:
        self._store = store
        self._clock = clock

    @property
    def store(self) -> Store:
        """The store these use cases write to."""
        return self._store

    # ------------------------------------------------------------------ shared helpers

    async def _settings(self, uow: UnitOfWork, workspace_id: str) -> WorkspaceReflectionSettings:
        row = await uow.workspace_settings.get(workspace_id)
        if row is None:
            return WorkspaceReflectionSettings()
        reflection = dict(row.reflection or {})
        share = bool(reflection.pop("share_red_flags", False))
        schedule = (
            ReflectionSettings.model_validate(reflection) if reflection else ReflectionSettings()
        )
        return WorkspaceReflectionSettings(
            schedule=schedule,
            team_tz=row.team_tz,
            coach_user_id=row.coach_user_id,
            share_red_flags=share,
        )

    async def _owned(
        self,
        uow: UnitOfWork,
        workspace_id: str,
        user_id: str,
        interview_id: str,
        *,
        action: str,
        include_deleted: bool = False,
    ) -> InterviewRow:
        row = await uow.interviews.get(
            workspace_id, interview_id, include_deleted=include_deleted, for_update=True
        )
        if row is None:
            raise InterviewNotFound(words.INTERVIEW_NOT_FOUND)
        if row.user_id != user_id:
            log.warning(
                "refused %s: interview %s in workspace %s belongs to another user (asked by %s)",
                action,
                interview_id,
                workspace_id,
                user_id,
            )
            raise NotYourInterview(words.NOT_YOUR_INTERVIEW)
        return row

    async def _pseudonym(
        self, workspace_id: str, user_id: str, interview_id: str, *, action: str
    ) -> str:
        """The pseudonym after the owner check, in a short read transaction (so that
        scrubbing runs with no write transaction held)."""
        async with self._store.unit_of_work() as uow:
            row = await self._owned(uow, workspace_id, user_id, interview_id, action=action)
            return row.caregiver_pseudonym

    async def _reminders_of(self, uow: UnitOfWork, row: InterviewRow) -> list[ReminderRow]:
        rows = await uow.reminders.for_interview(row.workspace_id, row.id)
        if row.gathering_key:
            post = await uow.reminders.by_key(row.workspace_id, row.gathering_key)
            if post is not None:
                rows.append(post)
        return rows

    async def _store_prompt(
        self, uow: UnitOfWork, row: InterviewRow, prompt: PlannedPrompt, now: datetime
    ) -> None:
        await uow.reminders.add_if_absent(
            row.workspace_id,
            dedupe_key=interview_key(row.id, prompt.kind),
            kind=prompt.kind,
            due_at=prompt.due_at,
            interview_id=row.id,
            user_id=row.user_id,
            tz=prompt.tz,
            data={"merges": list(prompt.merges)} if prompt.merges else None,
            now=now,
            platform=row.platform,
        )

    # ------------------------------------------------------------------ use cases

    async def log_interview(
        self,
        workspace_id: str,
        user_id: str,
        *,
        happened_at: datetime | None = None,
        pseudonym: str,
        grade_band: str,
        mode: InterviewMode,
        team_channel: str | None = None,
        notes: str = "",
        interviewer_tz: str | None = None,
        extra_names: Sequence[str] = (),
        platform: Literal["slack", "teams", "cli"] = "slack",
        conversation: ConversationRef | None = None,
    ) -> InterviewInfo:
        """Log a real interview and schedule its prompts.

        The notes are scrubbed before anything is stored. The prompts come
        from :meth:`bot.core.interviews.Interview.plan_prompts` (a backdated
        interview keeps their natural order; a passed exact-words moment is
        merged into the reflection prompt); the weekly team post is shared by
        every interview of the team's week.

        Args:
            workspace_id: the tenant.
            user_id: the interviewer (owner of the interview).
            happened_at: when it took place (aware; at most
                :data:`~bot.core.interviews.MAX_BACKDATE` ago); now when None.
            pseudonym: the caregiver's pseudonym or initials (1-40 characters).
            grade_band: one of :data:`GRADE_BANDS`.
            mode: ``phone`` | ``in_person``.
            team_channel: the team channel that should hear about it, or None.
            notes: optional notes (up to :data:`MAX_TEXT_CHARS`).
            interviewer_tz: the interviewer's IANA zone (also remembered); None
                uses the stored zone, else the schedule's ``fallback_tz``.
            extra_names: other names to scrub; never stored.
            platform: where the interviewer works; its prompts are delivered there.
            conversation: where the interviewer asked (their 1:1 conversation with the
                app): stored so prompts can reach them proactively (Teams needs the
                conversation id and service URL); its platform wins over ``platform``.

        Returns:
            The new :class:`InterviewInfo` with its reminders and what was
            scrubbed from the notes.

        Raises:
            InvalidInput: a field to fix.
        """
        now = self._clock()
        when = check_time(happened_at or now, now)
        alias = check_pseudonym(pseudonym)
        channel = check_interview_fields(grade_band, mode, team_channel)
        counts: dict[PiiKind, int] = dict.fromkeys(PII_KINDS, 0)
        clean_notes = scrub_into(
            clean_text(notes, words.TEXT_NAMES["notes"], "notes"), [alias, *extra_names], counts
        )
        if interviewer_tz:
            check_tz(interviewer_tz, field="interviewer_tz")

        async with self._store.unit_of_work() as uow:
            settings = await self._settings(uow, workspace_id)
            if interviewer_tz:
                tz = interviewer_tz
                await uow.user_tz.set_tz(workspace_id, user_id, tz, now=now)
            else:
                tz = (
                    await uow.user_tz.get_tz(workspace_id, user_id) or settings.schedule.fallback_tz
                )
            row = await uow.interviews.add(
                InterviewRow(
                    id=str(uuid.uuid4()),
                    workspace_id=workspace_id,
                    user_id=user_id,
                    happened_at=when,
                    caregiver_pseudonym=alias,
                    grade_band=grade_band,
                    mode=mode,
                    team_channel=channel,
                    notes=clean_notes,
                    exact_words=None,
                    interviewer_tz=tz,
                    platform=conversation.platform if conversation else platform,
                    conversation_id=conversation.conversation_id or None if conversation else None,
                    thread_id=conversation.thread_id if conversation else None,
                    service_url=conversation.service_url if conversation else None,
                    gathering_key=None,
                    created_at=now,
                    updated_at=now,
                )
            )
            interview = Interview.model_validate(row)
            for prompt in interview.plan_prompts(settings.schedule, now, team_tz=settings.team_tz):
                if prompt.kind == "team_gathering":
                    await join_gathering(uow, row, prompt, settings, now)
                else:
                    await self._store_prompt(uow, row, prompt, now)
            reminders = await self._reminders_of(uow, row)
        log.info(
            "interview %s logged (workspace %s, %d prompts, %d details scrubbed)",
            row.id,
            workspace_id,
            len(reminders),
            sum(counts.values()),
        )
        return _info(row, reminders, counts)

    async def get_interview(
        self, workspace_id: str, user_id: str, interview_id: str
    ) -> InterviewInfo:
        """One of the user's interviews with its reminders.

        Raises:
            InterviewNotFound: no such live interview in this workspace.
            NotYourInterview: ``user_id`` did not log it.
        """
        async with self._store.unit_of_work() as uow:
            row = await self._owned(uow, workspace_id, user_id, interview_id, action="get")
            reminders = await self._reminders_of(uow, row)
        return _info(row, reminders)

    async def recent_interviews(
        self, workspace_id: str, user_id: str, limit: int = 10
    ) -> list[InterviewInfo]:
        """A user's latest live interviews, newest first (without reminders); 1-100."""
        return (await self.interview_page(workspace_id, user_id, limit=limit)).interviews

    async def interview_page(
        self, workspace_id: str, user_id: str, *, offset: int = 0, limit: int = 5
    ) -> InterviewPage:
        """One page of a user's live interviews, newest first (the Home tab pages them).

        Args:
            workspace_id: the tenant.
            user_id: the interviewer.
            offset: how many newer interviews to skip (clamped to 0 and the total).
            limit: page size (1-100).

        Returns:
            The :class:`InterviewPage`.
        """
        limit = max(1, min(int(limit), 100))
        async with self._store.unit_of_work() as uow:
            total = await uow.interviews.count_for_user(workspace_id, user_id)
            start = max(0, min(int(offset), max(0, total - 1)))
            rows = await uow.interviews.recent_for_user(
                workspace_id, user_id, limit=limit, offset=start
            )
        return InterviewPage(interviews=[_info(r) for r in rows], offset=start, total=total)

    async def edit_interview_time(
        self,
        workspace_id: str,
        user_id: str,
        interview_id: str,
        *,
        happened_at: datetime,
    ) -> InterviewInfo:
        """Change when an interview took place; its pending prompts move with it.

        Only prompts not yet sent move (:meth:`bot.core.interviews.Interview.replan`),
        in their natural order; a sent prompt is not sent again. An interview
        moved into another week leaves that week's team post (cancelled when
        no interview is left in it) and joins the new week's.

        Raises:
            InterviewNotFound: no such live interview in this workspace.
            NotYourInterview: ``user_id`` did not log it.
            InvalidInput: the time is naive, in the future or too long ago.
        """
        now = self._clock()
        when = check_time(happened_at, now)
        async with self._store.unit_of_work() as uow:
            row = await self._owned(uow, workspace_id, user_id, interview_id, action="edit")
            settings = await self._settings(uow, workspace_id)
            pending_rows = await uow.reminders.for_interview(
                workspace_id, interview_id, statuses=("pending",)
            )
            pending = [Reminder.model_validate(r) for r in pending_rows]
            post = (
                await gathering_of(uow, workspace_id, row.gathering_key)
                if row.gathering_key
                else None
            )
            open_post = (
                post.post if post is not None and post.post and post.post.is_pending else None
            )
            moved, cancelled = Interview.model_validate(row).replan(
                pending, open_post, when, settings.schedule, now, team_tz=settings.team_tz
            )
            await uow.interviews.update(row, happened_at=when, updated_at=now)
            by_kind = {r.kind: r for r in pending}
            for prompt in moved:
                if prompt.kind == "team_gathering":
                    if prompt.gathering_key != row.gathering_key or prompt.due_at < now:
                        await leave_gathering(uow, row, now, reason="interview_moved")
                        await join_gathering(uow, row, prompt, settings, now)
                    continue
                await uow.reminders.move_pending(
                    workspace_id, by_kind[prompt.kind].id, prompt.due_at, now=now
                )
            for reminder in cancelled:
                await uow.reminders.cancel_pending(
                    workspace_id, reminder_id=reminder.id, reason="interview_moved", now=now
                )
            reminders = await self._reminders_of(uow, row)
        log.info("interview %s moved (workspace %s)", interview_id, workspace_id)
        return _info(row, reminders)

    async def delete_interview(
        self, workspace_id: str, user_id: str, interview_id: str
    ) -> InterviewInfo:
        """Delete an interview: cancel its pending prompts and clear its texts; idempotent.

        The row stays (marked deleted) so the history of prompts already sent
        is kept; its notes, exact words and reflection are removed, and it
        leaves its team gathering.

        Raises:
            InterviewNotFound: no such interview in this workspace.
            NotYourInterview: ``user_id`` did not log it.
        """
        now = self._clock()
        async with self._store.unit_of_work() as uow:
            row = await self._owned(
                uow, workspace_id, user_id, interview_id, action="delete", include_deleted=True
            )
            if row.deleted_at is None:
                cancelled = await uow.reminders.cancel_pending(
                    workspace_id, interview_id=interview_id, reason="interview_deleted", now=now
                )
                await leave_gathering(uow, row, now, reason="interview_deleted")
                await uow.reflections.delete_for_interview(workspace_id, interview_id)
                await uow.interviews.update(row, **Interview.model_validate(row).deleted(now))
                log.info(
                    "interview %s deleted (workspace %s, %d prompts cancelled)",
                    interview_id,
                    workspace_id,
                    cancelled,
                )
            reminders = await self._reminders_of(uow, row)
        return _info(row, reminders)

    async def save_exact_words(
        self,
        workspace_id: str,
        user_id: str,
        interview_id: str,
        text: str,
        *,
        extra_names: Sequence[str] = (),
    ) -> InterviewInfo:
        """Store the caregiver's exact words (scrubbed), replacing earlier ones.

        A pending exact-words prompt is cancelled (it was answered).

        Raises:
            InterviewNotFound: no such live interview in this workspace.
            NotYourInterview: ``user_id`` did not log it.
            InvalidInput: the text is empty (saved words are never erased by an empty
                form) or too long.
        """
        said = clean_text(text, words.TEXT_NAMES["exact_words"], "text")
        if not said:
            raise InvalidInput(words.NEED_EXACT_WORDS, field="text")
        counts: dict[PiiKind, int] = dict.fromkeys(PII_KINDS, 0)
        alias = await self._pseudonym(workspace_id, user_id, interview_id, action="exact_words")
        clean = scrub_into(said, [alias, *extra_names], counts)  # outside any transaction
        now = self._clock()
        async with self._store.unit_of_work() as uow:
            row = await self._owned(uow, workspace_id, user_id, interview_id, action="exact_words")
            await uow.interviews.update(row, exact_words=clean or None, updated_at=now)
            if clean:
                await uow.reminders.cancel_pending(
                    workspace_id,
                    interview_id=interview_id,
                    kinds=("exact_words",),
                    reason="already_answered",
                    now=now,
                )
            reminders = await self._reminders_of(uow, row)
        return _info(row, reminders, counts)
