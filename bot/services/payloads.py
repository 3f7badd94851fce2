"""What a due reminder says: read from the store at delivery time, worded by the presenters.

The dispatcher (:mod:`bot.services.dispatcher`) calls :func:`build_payload` for
each claimed reminder. Content is read when it is delivered, so a weekly
gathering includes every reflection written before it goes out, and a prompt
about a deleted interview is not posted. The wording is
:mod:`bot.presenters.reflection`'s; a delivery failure carries the neutral
reason the platform adapter reported, which that adapter words.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.interviews import InterviewRuleBroken, gathering_key_of, parse_gathering_key
from bot.core.reflection import Reflection
from bot.presenters import reflection as words
from bot.services.results import (
    ACTION_IDS,
    FailedDelivery,
    GatheredInterview,
    Gathering,
    InterviewSummary,
    InvalidInput,
    PromptAction,
    PromptObsolete,
    ReminderPayload,
    TeamDecisionInfo,
)
from bot.store import InterviewRow, ReminderRow, UnitOfWork

__all__ = ["build_payload", "load_gathering"]


def _action(action: str, value: str) -> PromptAction:
    return PromptAction(action=action, label=ACTION_IDS[action], value=value)


async def load_gathering(uow: UnitOfWork, workspace_id: str, channel: str, week: str) -> Gathering:
    """A team's week: its live interviews, their reflections, the decisions recorded.

    Raises:
        InvalidInput: a malformed week or channel.
    """
    try:
        key = gathering_key_of(channel, week)
    except InterviewRuleBroken:
        raise InvalidInput(
            "A team gathering needs a channel and a week such as 2026-W11."
        ) from None
    rows = await uow.interviews.in_gathering(workspace_id, key)
    reflections = await uow.reflections.for_interviews(workspace_id, [r.id for r in rows])
    gathered: list[GatheredInterview] = []
    for row in rows:
        refl = reflections.get(row.id)
        gathered.append(
            GatheredInterview(
                interview=InterviewSummary.model_validate(row),
                notes=row.notes,
                exact_words=row.exact_words,
                reflection=(
                    Reflection.model_validate(refl, from_attributes=True)
                    if refl is not None
                    else None
                ),
                red_flag=bool(refl.red_flag) if refl is not None else False,
            )
        )
    decisions = await uow.team_decisions.for_week(workspace_id, channel, week)
    return Gathering(
        workspace_id=workspace_id,
        team_channel=channel,
        week=week,
        key=key,
        interviews=gathered,
        decisions=[TeamDecisionInfo.model_validate(d) for d in decisions],
    )


def _gathering_text(g: Gathering) -> str:
    return words.gathering_text(
        [
            (
                item.interview.caregiver_pseudonym,
                item.interview.grade_band,
                item.interview.mode,
                item.exact_words,
                item.reflection.model_dump() if item.reflection is not None else None,
            )
            for item in g.interviews
        ]
    )


def _conversation(
    row: ReminderRow, interview: InterviewRow | None, others: Sequence[InterviewRow] = ()
) -> dict[str, str | None]:
    """Where a platform that posts by stored reference (Teams) sends this reminder.

    A channel post goes to the channel (its service URL: the reminder's, else one of
    its interviews'); a DM to the interviewer goes to the 1:1 chat the interview was
    logged from. Other DMs (a coach's red-flag note) have no stored chat here: None.
    """
    sources = [r for r in (interview, *others) if r is not None and r.platform == row.platform]
    url = row.service_url or next((r.service_url for r in sources if r.service_url), None)
    if row.channel_id:
        return {"conversation_id": row.channel_id, "service_url": url}
    if interview is not None and interview.user_id == row.user_id and interview.conversation_id:
        return {
            "conversation_id": interview.conversation_id,
            "service_url": interview.service_url or url,
        }
    return {"conversation_id": None, "service_url": None}


async def build_payload(uow: UnitOfWork, row: ReminderRow) -> ReminderPayload:
    """Build what to post for a due reminder, from the store as it is now.

    Args:
        uow: an open unit of work.
        row: the claimed reminder.

    Returns:
        The :class:`ReminderPayload` (scrubbed texts only).

    Raises:
        PromptObsolete: nothing should be posted (the interview was deleted,
            the prompt was already answered, the gathering has no interviews
            left); the dispatcher cancels the reminder with the reason.
    """
    ws = row.workspace_id
    data = row.data or {}
    base: dict[str, object] = {
        "idempotency_key": row.id,
        "redelivery": row.attempts > 1,
        "kind": row.kind,
        "workspace_id": ws,
        "platform": row.platform,
        "user_id": row.user_id if row.channel_id is None else None,
        "channel_id": row.channel_id,
    }
    if row.kind == "team_gathering":
        channel, week = parse_gathering_key(row.dedupe_key)
        gathering = await load_gathering(uow, ws, channel, week)
        if not gathering.interviews:
            raise PromptObsolete("no_interviews")
        base.update(_conversation(row, None, await uow.interviews.in_gathering(ws, gathering.key)))
        return ReminderPayload(
            **base,  # type: ignore[arg-type]
            text=_gathering_text(gathering),
            gathering=gathering,
            actions=[_action("record_team_decision", gathering.key)],
        )
    if row.kind == "delivery_failed":
        reason = str(data.get("reason") or "unknown_error")
        channel_id = data.get("channel_id")
        failed = FailedDelivery(
            reminder_id=str(data.get("reminder_id") or ""),
            kind=str(data.get("kind") or ""),
            channel_id=str(channel_id) if channel_id else None,
            reason=reason,
        )
        where = words.TEAM_CHANNEL if failed.channel_id else None
        about = (
            await uow.interviews.get(ws, row.interview_id) if row.interview_id is not None else None
        )
        base.update(_conversation(row, about))
        return ReminderPayload(
            **base,  # type: ignore[arg-type]
            text=words.failure_notice(failed.kind, where, reason),
            failed=failed,
        )

    interview = (
        await uow.interviews.get(ws, row.interview_id) if row.interview_id is not None else None
    )
    if interview is None:
        raise PromptObsolete("interview_deleted")
    base.update(_conversation(row, interview))
    summary = InterviewSummary.model_validate(interview)
    who, when = interview.caregiver_pseudonym, words.local_day(interview.happened_at, summary.tz)
    actions: list[PromptAction] = []
    if row.kind == "exact_words":
        if interview.exact_words:
            raise PromptObsolete("already_answered")
        text = words.exact_words_prompt(interview.mode, who, when)
        actions.append(_action("open_exact_words", interview.id))
    elif row.kind == "reflection":
        if await uow.reflections.get(ws, interview.id) is not None:
            raise PromptObsolete("already_answered")
        merged = "exact_words" in (data.get("merges") or ()) and not interview.exact_words
        text = words.reflection_prompt(interview.mode, who, when, with_exact_words=merged)
        actions.append(_action("open_reflection", interview.id))
        if merged:
            actions.append(_action("open_exact_words", interview.id))
    elif row.kind == "second_round":
        text = words.second_round_prompt(who, when)
        actions.append(_action("log_interview", interview.id))
    elif row.kind == "red_flag_note":
        audience = str(
            data.get("audience")
            or (
                "team"
                if row.channel_id
                else "interviewer"
                if row.user_id == interview.user_id
                else "coach"
            )
        )
        text = words.red_flag_note(audience, who, when)
    else:  # pragma: no cover - the table's check constraint lists every kind
        raise PromptObsolete(f"unknown_kind:{row.kind}")
    return ReminderPayload(
        **base,  # type: ignore[arg-type]
        text=text,
        interview=summary,
        actions=actions,
    )
