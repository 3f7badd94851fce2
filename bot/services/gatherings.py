"""The weekly team gathering an interview belongs to: joining it, leaving it, its post.

Every interview with a team channel joins its team's gathering of the week
(one shared ``team_gathering`` reminder, keyed ``team_gathering:<channel>:<week>``);
moving the interview to another week, or deleting it, leaves it, and the post is
cancelled when nobody is left. The rules are the core's
(:class:`bot.core.interviews.Gathering`); these functions apply them through the
repositories inside the caller's unit of work.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.interviews import Gathering, PlannedPrompt, Reminder
from bot.core.reflection import schedule_for_interview
from bot.services.results import WorkspaceReflectionSettings
from bot.store import InterviewRow, UnitOfWork

__all__ = ["gathering_of", "join_gathering", "leave_gathering"]


async def gathering_of(uow: UnitOfWork, workspace_id: str, key: str) -> Gathering:
    """The weekly gathering ``key`` with its post locked for update (none yet: no post)."""
    post = await uow.reminders.by_key(workspace_id, key, for_update=True)
    return Gathering.of(
        workspace_id, key, Reminder.model_validate(post) if post is not None else None
    )


async def join_gathering(
    uow: UnitOfWork,
    row: InterviewRow,
    prompt: PlannedPrompt,
    settings: WorkspaceReflectionSettings,
    now: datetime,
) -> None:
    """Put the interview into a weekly gathering, creating or reviving its post."""
    assert prompt.channel is not None and prompt.gathering_key is not None
    ws = row.workspace_id
    key, due, tz = prompt.gathering_key, prompt.due_at, prompt.tz
    gathering = await gathering_of(uow, ws, key)
    if due < now or not gathering.takes_interviews:  # that week's post is past: next week's
        later = next(
            p
            for p in schedule_for_interview(
                now,
                row.interviewer_tz,
                settings.schedule,
                team_tz=settings.team_tz,
                team_channel=prompt.channel,
            )
            if p.kind == "team_gathering"
        )
        key, due, tz = later.gathering_key or key, later.due_at, later.tz
        gathering = await gathering_of(uow, ws, key)
    if gathering.post is None:
        created = await uow.reminders.add_if_absent(
            ws,
            dedupe_key=key,
            kind="team_gathering",
            due_at=due,
            user_id=row.user_id,
            channel_id=prompt.channel,
            tz=tz,
            now=now,
            platform=row.platform,
        )
        if created is None:  # another process created it first
            gathering = await gathering_of(uow, ws, key)
    if gathering.needs_revival and gathering.post is not None:
        await uow.reminders.revive(ws, gathering.post.id, due_at=due, user_id=row.user_id, now=now)
    await uow.interviews.update(row, gathering_key=key)


async def leave_gathering(
    uow: UnitOfWork, row: InterviewRow, now: datetime, *, reason: str
) -> None:
    """Take the interview out of its gathering; cancel the post if nobody is left."""
    if not row.gathering_key:
        return
    gathering = await gathering_of(uow, row.workspace_id, row.gathering_key)
    left = await uow.interviews.count_in_gathering(
        row.workspace_id, row.gathering_key, excluding=row.id
    )
    if gathering.cancel_when_left(left) and gathering.post is not None:
        await uow.reminders.cancel_pending(
            row.workspace_id, reminder_id=gathering.post.id, reason=reason, now=now
        )
