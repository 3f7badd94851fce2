"""The Slack side of the after-interview and App Home use cases: call a service, render, send.

Practice lives in :mod:`bot.services.conversation` (rendered by :mod:`bot.slack.outbox`).

Listeners (``bot.slack.listeners``) parse a request, acknowledge it, and call
one function here in the background. These functions never see HTTP or Bolt
request objects: only the Web API client, plain ids and the services.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Literal

from slack_sdk.web.async_client import AsyncWebClient

from bot.services.reflection import InterviewInfo, InvalidInput, TeamDecisionInfo
from bot.slack import blocks, coach_home, progress_blocks
from bot.slack.deps import SlackDeps
from bot.slack.outbox import SLACK_ERRORS, dm_channel, post_messages, why
from bot.slack.text import escape

__all__ = [
    "InterviewModal",
    "confirm_interview",
    "open_interview_modal",
    "open_log_interview",
    "post_team_decision",
    "publish_home",
    "user_time_zone",
    "whisper",
]

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------- helpers


async def whisper(
    client: AsyncWebClient,
    channel: str | None,
    user_id: str,
    text: str,
    *,
    thread_ts: str | None = None,
) -> None:
    """Tell one user something privately (``chat.postEphemeral``); failures are only logged.

    Args:
        client: the Web API client.
        channel: where the user is (None: nothing is sent).
        user_id: who sees it.
        text: plain text (escaped here).
        thread_ts: the thread, if any.
    """
    if not channel:
        return
    kwargs: dict[str, Any] = {"channel": channel, "user": user_id, "text": escape(text)}
    if thread_ts:
        kwargs["thread_ts"] = thread_ts
    try:
        await client.chat_postEphemeral(**kwargs)
    except SLACK_ERRORS as exc:
        log.warning("could not send an ephemeral notice: %s", why(exc))


# ---------------------------------------------------------------------- home and reviews


def _card(deps: SlackDeps, info: Any) -> blocks.SessionCard:
    persona = deps.personas.get(info.persona_id)
    debrief = info.debrief
    return blocks.SessionCard(
        persona_name=persona.name if persona else info.persona_id,
        started_at=info.created_at,
        turns=debrief.turns if debrief is not None else info.turns,
        open_questions=debrief.open_questions if debrief is not None else None,
        layers_reached=debrief.layers_reached if debrief is not None else None,
        layers_total=debrief.layers_total if debrief is not None else None,
        hidden_insight=bool(debrief and debrief.hidden_insight_reached),
        ended=not info.active,
    )


async def publish_home(
    deps: SlackDeps,
    client: AsyncWebClient,
    *,
    team_id: str,
    user_id: str,
    interview_offset: int = 0,
    coach_queue: tuple[bool, int] = (True, 0),
) -> None:
    """Publish the user's App Home: interviews, gallery, last sessions, live-notes setting.

    Args:
        deps: listener dependencies.
        client: the Web API client.
        team_id: the workspace.
        user_id: whose home.
        interview_offset: how many newer interviews to skip (the Home pages them).
        coach_queue: for a coach, the queue's ``(unreviewed only, offset)``.
    """
    recent = await deps.sessions.recent_sessions(team_id, user_id, limit=5)
    live = await deps.sessions.get_live_notes(team_id, user_id)
    page = await deps.reflections.interview_page(
        team_id, user_id, offset=interview_offset, limit=blocks.INTERVIEWS_ON_HOME
    )
    view = blocks.home_view(
        list(deps.personas.values()),
        [_card(deps, s) for s in recent],
        live_notes=live,
        interviews=page.interviews,
        page=page,
        progress=await progress_blocks.home_progress(deps, team_id, user_id),
    )
    unreviewed, offset = coach_queue
    view = await coach_home.with_coach_section(
        deps, view, team_id=team_id, user_id=user_id, unreviewed_only=unreviewed, offset=offset
    )
    await client.views_publish(user_id=user_id, view=view)


# ---------------------------------------------------------------------- after real interviews


async def user_time_zone(
    deps: SlackDeps,
    client: AsyncWebClient,
    *,
    team_id: str,
    user_id: str,
    prefer_stored: bool = False,
) -> tuple[str, list[str]]:
    """The user's IANA time zone, and the names Slack knows them by (to scrub).

    Asks ``users.info`` (at most ``deps.tz_lookup_seconds``) and remembers the
    zone (:meth:`~bot.services.reflection.ReflectionService.set_user_tz`); if
    Slack does not answer in time or gives no zone, the stored zone is used,
    else the workspace schedule's ``fallback_tz``.

    Args:
        deps: listener dependencies.
        client: the Web API client.
        team_id: the workspace.
        user_id: the user.
        prefer_stored: use a stored zone without asking Slack (opening a
            modal, where every millisecond counts against the trigger's 3 s).

    Returns:
        ``(zone, names)``: names are the user's real and display names (empty
        when Slack was not asked or did not answer); never logged.
    """
    reflections = deps.reflections
    if prefer_stored:
        stored = await reflections.get_user_tz(team_id, user_id)
        if stored:
            return stored, []
    names: list[str] = []
    try:
        resp = await asyncio.wait_for(
            client.users_info(user=user_id), timeout=deps.tz_lookup_seconds
        )
        user = resp.get("user") or {}
        profile = user.get("profile") or {}
        names = [
            str(n)
            for n in (user.get("real_name"), profile.get("real_name"), profile.get("display_name"))
            if n
        ]
        tz = str(user.get("tz") or "")
        if tz:
            await reflections.set_user_tz(team_id, user_id, tz)
            return tz, names
    except InvalidInput:
        log.warning("users.info gave an unknown time zone; using the stored one")
    except SLACK_ERRORS as exc:
        log.info("time zone lookup failed (%s); using the stored one", why(exc))
    stored = await reflections.get_user_tz(team_id, user_id)
    if stored:
        return stored, names
    return (await reflections.get_workspace_settings(team_id)).schedule.fallback_tz, names


async def open_log_interview(
    deps: SlackDeps,
    client: AsyncWebClient,
    *,
    team_id: str,
    user_id: str,
    trigger_id: str,
    channel: str | None = None,
    earlier_id: str | None = None,
    source: str = "command",
) -> None:
    """Open the log-interview modal, its time set to now on the user's clock.

    Args:
        deps: listener dependencies.
        client: the Web API client.
        team_id: the workspace.
        user_id: the staff member.
        trigger_id: the interaction's trigger (valid for 3 s).
        channel: the channel the command was typed in (preselected as the team).
        earlier_id: for a second conversation, the first interview (prefilled).
        source: ``command``, ``home`` or ``prompt`` (``home`` refreshes the
            App Home after the submission).

    Raises:
        bot.services.reflection.NotYourInterview: ``earlier_id`` is someone else's.
        bot.services.reflection.InterviewNotFound: ``earlier_id`` does not exist.
    """
    earlier = (
        await deps.reflections.get_interview(team_id, user_id, earlier_id) if earlier_id else None
    )
    tz, _names = await user_time_zone(
        deps, client, team_id=team_id, user_id=user_id, prefer_stored=True
    )
    meta = json.dumps({"user": user_id, "source": source})
    view = blocks.log_interview_modal(
        now=deps.clock(), tz=tz, private_metadata=meta, channel=channel, earlier=earlier
    )
    await client.views_open(trigger_id=trigger_id, view=view)


InterviewModal = Literal["edit_time", "exact_words", "reflection"]
"""The modals about one logged interview that its buttons open."""


async def open_interview_modal(
    deps: SlackDeps,
    client: AsyncWebClient,
    modal: InterviewModal,
    *,
    team_id: str,
    user_id: str,
    interview_id: str,
    trigger_id: str,
) -> None:
    """Open a modal about one of the user's interviews (owner checked first).

    Args:
        deps: listener dependencies.
        client: the Web API client.
        modal: ``edit_time`` (App Home), ``exact_words`` or ``reflection``
            (the prompts' buttons; prefilled with what was saved before).
        team_id: the workspace.
        user_id: the clicking user (must have logged the interview).
        interview_id: the button's value.
        trigger_id: the interaction's trigger (valid for 3 s).

    Raises:
        bot.services.reflection.NotYourInterview: the interview is someone else's.
        bot.services.reflection.InterviewNotFound: no such interview (or deleted).
    """
    info = await deps.reflections.get_interview(team_id, user_id, interview_id)
    meta = json.dumps({"user": user_id, "interview": info.id})
    if modal == "edit_time":
        view = blocks.edit_time_modal(info, private_metadata=meta)
    elif modal == "exact_words":
        view = blocks.exact_words_modal(info, private_metadata=meta)
    else:
        earlier = await deps.reflections.get_reflection(team_id, user_id, interview_id)
        view = blocks.reflection_modal(info, private_metadata=meta, earlier=earlier)
    await client.views_open(trigger_id=trigger_id, view=view)


async def confirm_interview(
    deps: SlackDeps,
    client: AsyncWebClient,
    info: InterviewInfo,
    *,
    moved: bool = False,
    refresh_home: bool = False,
) -> None:
    """DM the interviewer when each prompt will arrive; optionally refresh their App Home.

    Args:
        deps: listener dependencies.
        client: the Web API client.
        info: the logged or moved interview, with its reminders.
        moved: the interview's time was changed (not newly logged).
        refresh_home: publish the App Home again (the modal came from there).
    """
    channel = await dm_channel(client, info.user_id)
    await post_messages(client, channel, [blocks.interview_logged_message(info, moved=moved)])
    if refresh_home:
        await publish_home(deps, client, team_id=info.workspace_id, user_id=info.user_id)


async def post_team_decision(
    client: AsyncWebClient,
    decision: TeamDecisionInfo,
    *,
    thread_ts: str | None,
) -> None:
    """Tell the team channel what it decided, in the thread of the gathering post.

    Args:
        client: the Web API client.
        decision: the stored (scrubbed) decision.
        thread_ts: the gathering post's ``ts`` (None posts at top level).
    """
    text = (
        f":handshake: Our one thing to try this week: {blocks.quote(decision.decision)}\n"
        f"Recorded by <@{decision.decided_by}>. After trying it, a second conversation with "
        "families shows how it landed."
    )
    await post_messages(
        client, decision.team_channel, [blocks.Message(text=text)], thread_ts=thread_ts
    )
