"""Logged interviews in a Teams 1:1 chat: log (with a team), list, change the time, delete.

The use cases are the services' (:class:`~bot.services.reflection.ReflectionService`:
``log_interview``, ``interview_page``, ``get_interview``, ``edit_interview_time``,
``delete_interview``), with the same owner and tenant checks as Slack's Home tab: a
press on someone else's interview raises ``NotYourInterview``, one of another tenant
(a Slack workspace included) ``InterviewNotFound``; the handlers answer both plainly.
This module parses the form values and renders :mod:`bot.teams.interview_cards`.

**The team choice.** Slack's log form offers any channel (``conversations_select``);
a Teams bot can post only where it is installed, so the form offers the team channels
the app was added to (stored by :mod:`bot.teams.channels`) that the user belongs to,
asked of the Bot Connector (``GET /v3/conversations/{team}/members/{user}``, Microsoft's
"get single member": 404 when the user is not in the team). A submit is checked the
same way, so a crafted value cannot name another team. With none, the form says so.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time
from typing import TYPE_CHECKING

import httpx

from bot.core.reflection import zone
from bot.presenters.interview_logged import interview_deleted, interview_logged_lines
from bot.presenters.views import Notice
from bot.services.chat_refs import ChannelRef, ChatReferences
from bot.services.ports import ConversationRef
from bot.services.reflection import InterviewInfo, InvalidInput, ReflectionService
from bot.teams.actions import CardAction
from bot.teams.cards import TeamsMessage
from bot.teams.interview_cards import (
    ACTION_DELETE_INTERVIEW,
    ACTION_DELETE_INTERVIEW_CONFIRMED,
    ACTION_EDIT_INTERVIEW_TIME,
    ACTION_INTERVIEWS,
    ACTION_LOG_INTERVIEW,
    ACTION_SAVE_INTERVIEW,
    ACTION_SAVE_INTERVIEW_TIME,
    INTERVIEWS_ON_A_PAGE,
    NO_TEAM,
    delete_confirmation,
    edit_time_form,
    interview_logged_card,
    interviews_card,
    log_interview_form,
)
from bot.teams.outbox import TeamsOutbox, post_message
from bot.teams.refs import Incoming

if TYPE_CHECKING:
    from microsoft_teams.apps import App

__all__ = ["BAD_WHEN", "MAX_TEAMS", "NOT_YOUR_TEAM", "TeamsInterviews"]

log = logging.getLogger(__name__)

BAD_WHEN = "Choose the date and the time it happened."
NOT_YOUR_TEAM = (
    "Choose one of the teams listed: I can post the gathering only in a team you belong to "
    "where Empathy Coach is added."
)
Handler = Callable[[TeamsOutbox, ConversationRef, CardAction, Incoming], Awaitable[None]]
"""A card press's handler, as :data:`bot.teams.handlers.CardHandler`."""
MAX_TEAMS = 25
"""Team channels asked about per form (one connector call each, made concurrently)."""


def _when(day: str, at: str, tz: str) -> datetime:
    """``day`` (YYYY-MM-DD) at ``at`` (HH:MM) on ``tz``'s clock; ValueError when malformed."""
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(at), tzinfo=zone(tz))


class TeamsInterviews:
    """The logged-interview cards of the 1:1 chat.

    Args:
        app: the Teams SDK app (posts and the connector's member lookups).
        reflections: the after-interview use cases.
        refs: the stored conversation references (the team channels).
    """

    def __init__(self, app: App, reflections: ReflectionService, refs: ChatReferences) -> None:
        self.app = app
        self.reflections = reflections
        self.refs = refs

    def routes(self) -> dict[str, tuple[Handler, bool]]:
        """``ec`` -> (handler, needs an id) for the handlers' card-action table."""
        return {
            ACTION_LOG_INTERVIEW: (self.on_log_form, False),
            ACTION_SAVE_INTERVIEW: (self.on_save, False),
            ACTION_INTERVIEWS: (self.on_list, False),
            ACTION_EDIT_INTERVIEW_TIME: (self.on_edit_form, True),
            ACTION_SAVE_INTERVIEW_TIME: (self.on_save_time, True),
            ACTION_DELETE_INTERVIEW: (self.on_delete_asked, True),
            ACTION_DELETE_INTERVIEW_CONFIRMED: (self.on_delete, True),
        }

    async def _post(self, ref: ConversationRef, message: TeamsMessage) -> None:
        await post_message(self.app, ref, message)

    # -- the team choice ------------------------------------------------------

    async def _member(self, channel: ChannelRef, user_id: str) -> bool:
        """Whether ``user_id`` is in the channel's team, as the connector says."""
        if not channel.service_url:
            return False
        team = channel.team_id or channel.conversation_id
        try:
            api = self.app.api.clone(service_url=channel.service_url)
            await api.conversations.get_member_by_id(team, user_id)
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code not in (403, 404):
                log.warning("team member lookup failed: HTTP %s", exc.response.status_code)
            return False
        except (httpx.TransportError, TimeoutError, OSError) as exc:
            log.warning("team member lookup failed: %s", type(exc).__name__)
            return False
        return True

    async def teams_of(self, ref: ConversationRef) -> list[ChannelRef]:
        """The team channels the app is in whose team ``ref``'s user belongs to (this tenant)."""
        channels = (await self.refs.channels(ref.workspace_id, "teams"))[:MAX_TEAMS]
        found = await asyncio.gather(*(self._member(c, ref.user_id) for c in channels))
        return [c for c, member in zip(channels, found, strict=True) if member]

    async def log_form(
        self, ref: ConversationRef, values: dict[str, str] | None = None, error: str | None = None
    ) -> TeamsMessage:
        """The log form with the user's teams to choose from."""
        teams = [(c.conversation_id, c.name or "Team") for c in await self.teams_of(ref)]
        return log_interview_form(values, error, teams)

    # -- routes -------------------------------------------------------------

    async def show_log_form(self, ref: ConversationRef) -> None:
        """Post the log form (typed ``log``)."""
        await self._post(ref, await self.log_form(ref))

    async def on_log_form(
        self, outbox: TeamsOutbox, ref: ConversationRef, action: CardAction, _: Incoming
    ) -> None:
        """*Log an interview* (or the prompts' *Log a second conversation*): the form."""
        await self.show_log_form(ref)

    async def _zone(self, ref: ConversationRef) -> str:
        """The interviewer's zone: the client's, else the stored one, else the workspace's."""
        if ref.time_zone:
            try:
                zone(ref.time_zone)
                return ref.time_zone
            except Exception:
                log.info("ignored an unknown client time zone from Teams")
        stored = await self.reflections.get_user_tz(ref.workspace_id, ref.user_id)
        if stored:
            return stored
        return (
            await self.reflections.get_workspace_settings(ref.workspace_id)
        ).schedule.fallback_tz

    async def _team_choice(self, ref: ConversationRef, chosen: str) -> tuple[str | None, bool]:
        """(the team channel to store, allowed): none, or one of :meth:`teams_of`."""
        chosen = chosen.strip()
        if not chosen or chosen == NO_TEAM:
            return None, True
        if any(c.conversation_id == chosen for c in await self.teams_of(ref)):
            return chosen, True
        log.warning("refused a team channel the user cannot choose (tenant %s)", ref.workspace_id)
        return None, False

    async def on_save(
        self, outbox: TeamsOutbox, ref: ConversationRef, action: CardAction, _: Incoming
    ) -> None:
        """Log the interview from the form; its prompts come to this chat in the user's zone."""
        f = action.fields
        tz = await self._zone(ref)
        day, at = f.get("happened_on", "").strip(), f.get("happened_at", "").strip()
        happened: datetime | None = None
        if day or at:
            try:
                happened = _when(day, at, tz)
            except ValueError:
                await self._post(ref, await self.log_form(ref, f, BAD_WHEN))
                return
        team, allowed = await self._team_choice(ref, f.get("team_channel", ""))
        if not allowed:
            await self._post(ref, await self.log_form(ref, f, NOT_YOUR_TEAM))
            return
        try:
            info = await self.reflections.log_interview(
                ref.workspace_id,
                ref.user_id,
                happened_at=happened,
                pseudonym=f.get("pseudonym", ""),
                grade_band=f.get("grade_band", ""),
                mode=f.get("mode", ""),  # type: ignore[arg-type]  # checked by the service
                team_channel=team,
                notes=f.get("notes", ""),
                interviewer_tz=tz,
                conversation=ref.in_thread(None),
            )
        except InvalidInput as exc:
            await self._post(ref, await self.log_form(ref, f, str(exc)))
            return
        await self._confirm(ref, info)

    async def _confirm(
        self, ref: ConversationRef, info: InterviewInfo, moved: bool = False
    ) -> None:
        lines = interview_logged_lines(
            info.caregiver_pseudonym,
            info.mode,
            info.happened_at,
            info.interviewer_tz,
            [(r.kind, r.status, r.due_at) for r in info.reminders],
            sum(info.scrubbed.values()),
            moved=moved,
        )
        await self._post(ref, interview_logged_card(info, lines))

    async def show_list(self, ref: ConversationRef, offset: int = 0) -> None:
        """Post a page of the user's interviews (typed ``interviews``)."""
        page = await self.reflections.interview_page(
            ref.workspace_id, ref.user_id, offset=offset, limit=INTERVIEWS_ON_A_PAGE
        )
        names: dict[str, str] = {}
        if any(i.team_channel for i in page.interviews):
            channels = await self.refs.channels(ref.workspace_id, "teams")
            names = {c.conversation_id: c.name for c in channels if c.name}
        await self._post(ref, interviews_card(page, names))

    async def on_list(
        self, outbox: TeamsOutbox, ref: ConversationRef, action: CardAction, _: Incoming
    ) -> None:
        """*My interviews*, *Newer*, *Older*, *Keep it*: a page (a bad offset is the first)."""
        raw = action.fields.get("offset", "0")
        offset = int(raw) if raw.isdigit() and len(raw) < 7 else 0
        await self.show_list(ref, offset)

    async def on_edit_form(
        self, outbox: TeamsOutbox, ref: ConversationRef, action: CardAction, _: Incoming
    ) -> None:
        """*Change time*: the form with the interview's time (its owner only)."""
        info = await self.reflections.get_interview(ref.workspace_id, ref.user_id, action.id or "")
        await self._post(ref, edit_time_form(info))

    async def on_save_time(
        self, outbox: TeamsOutbox, ref: ConversationRef, action: CardAction, _: Incoming
    ) -> None:
        """The change-time form's submit: move the interview and its pending prompts."""
        iv, f = action.id or "", action.fields
        info = await self.reflections.get_interview(ref.workspace_id, ref.user_id, iv)
        typed = {k: f.get(k, "").strip() for k in ("happened_on", "happened_at")}
        try:
            when = _when(typed["happened_on"], typed["happened_at"], info.interviewer_tz)
        except ValueError:
            await self._post(ref, edit_time_form(info, typed, BAD_WHEN))
            return
        try:
            moved = await self.reflections.edit_interview_time(
                ref.workspace_id, ref.user_id, iv, happened_at=when
            )
        except InvalidInput as exc:
            await self._post(ref, edit_time_form(info, typed, str(exc)))
            return
        await self._confirm(ref, moved, moved=True)

    async def on_delete_asked(
        self, outbox: TeamsOutbox, ref: ConversationRef, action: CardAction, _: Incoming
    ) -> None:
        """*Delete*: ask first (the owner only)."""
        info = await self.reflections.get_interview(ref.workspace_id, ref.user_id, action.id or "")
        await self._post(ref, delete_confirmation(info))

    async def on_delete(
        self, outbox: TeamsOutbox, ref: ConversationRef, action: CardAction, _: Incoming
    ) -> None:
        """The confirmation's *Delete*: delete it and its pending prompts (idempotent)."""
        info = await self.reflections.delete_interview(
            ref.workspace_id, ref.user_id, action.id or ""
        )
        await outbox.send(ref, Notice(interview_deleted(info.caregiver_pseudonym, info.mode)))
