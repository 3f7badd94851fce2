"""The Slack side of each use case: call a service, render the result, send it.

Listeners (``bot.slack.listeners``) parse a request, acknowledge it, and call
one function here in the background. These functions never see HTTP or Bolt
request objects: only the Web API client, plain ids and the services.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_chat_stream import AsyncChatStream
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.models import Review
from bot.core.persona import Persona
from bot.services.reflection import InterviewInfo, InvalidInput, TeamDecisionInfo
from bot.slack import blocks
from bot.slack.app import SlackDeps
from bot.slack.text import Message, escape

__all__ = [
    "END_WORDS",
    "MAX_QUESTIONS",
    "MAX_TURN_CHARS",
    "InterviewModal",
    "ReplyStreamer",
    "confirm_interview",
    "end_practice",
    "find_persona",
    "open_interview_modal",
    "open_log_interview",
    "parse_start_request",
    "post_messages",
    "post_team_decision",
    "publish_home",
    "request_coach",
    "review_texts",
    "run_turn",
    "start_practice",
    "user_time_zone",
    "whisper",
]

log = logging.getLogger(__name__)

MAX_TURN_CHARS = 2_000
"""Longest staff message taken as one practice turn (characters), as in the CLI:
a longer paste is almost always a whole question list."""

MAX_QUESTIONS = 60
"""Most questions reviewed from one list (modal or message)."""

END_WORDS = frozenset({"end", "/end", "end practice", "end session", "stop practice"})
"""Messages in a practice thread that end it (case-insensitive, trimmed)."""

_START_RE = re.compile(
    r"^\s*(?:let'?s\s+)?(?:start\s+(?:a\s+)?)?(?:practi[cs]e|rehearse)\b"
    r"(?:\s+(?:a\s+call\s+)?with)?\s*(?P<who>.*?)\s*[.!]?\s*$",
    re.IGNORECASE,
)
_SLACK_ERRORS = (SlackApiError, SlackClientError, aiohttp.ClientError, TimeoutError)


# ---------------------------------------------------------------------- helpers


def find_persona(personas: Mapping[str, Persona], query: str) -> Persona | None:
    """Find a persona by id, full name or first name (case-insensitive).

    Args:
        personas: id -> card.
        query: what the user typed (``night-shift-mom``, ``Denise``, ``denise carver``).

    Returns:
        The card, or None when nothing (or more than one first name) matches.
    """
    q = " ".join(query.strip().lower().split())
    if not q:
        return None
    if q in personas:
        return personas[q]
    for p in personas.values():
        if p.name.lower() == q:
            return p
    firsts = [p for p in personas.values() if blocks.first_name(p).lower() == q]
    return firsts[0] if len(firsts) == 1 else None


def parse_start_request(text: str) -> str | None:
    """Recognise "practice", "practice with Denise", "start practice" (suggested prompts).

    Args:
        text: a plain message text.

    Returns:
        None when it is not a start request; else who was asked for ("" for anyone).
    """
    match = _START_RE.match(text)
    if match is None:
        return None
    return match.group("who").strip(" \t?!.,;:")


async def post_messages(
    client: AsyncWebClient,
    channel: str,
    messages: Iterable[Message],
    *,
    thread_ts: str | None = None,
) -> str | None:
    """Post messages in order with ``chat.postMessage``.

    Args:
        client: the Web API client.
        channel: the conversation.
        messages: what to post.
        thread_ts: the thread to post in, or None for top level.

    Returns:
        The ``ts`` of the first message posted (None when there was nothing).
    """
    first: str | None = None
    for message in messages:
        kwargs: dict[str, Any] = {"channel": channel, **message.kwargs()}
        if thread_ts:
            kwargs["thread_ts"] = thread_ts
        resp = await client.chat_postMessage(**kwargs)
        if first is None:
            first = str(resp.get("ts") or "") or None
    return first


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
    except _SLACK_ERRORS as exc:
        log.warning("could not send an ephemeral notice: %s", _why(exc))


def _why(exc: BaseException) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error", "error"))
    return type(exc).__name__


def _persona(deps: SlackDeps, persona_id: str) -> Persona:
    persona = deps.personas.get(persona_id)
    if persona is None:
        from bot.personas import get_persona

        persona = get_persona(persona_id)
    return persona


async def _dm_channel(client: AsyncWebClient, user_id: str) -> str:
    resp = await client.conversations_open(users=user_id)
    return str(resp["channel"]["id"])


# ---------------------------------------------------------------------- streaming


class ReplyStreamer:
    """Streams one caregiver reply into a thread, or posts it once where streaming fails.

    Uses ``chat.startStream`` / ``chat.appendStream`` / ``chat.stopStream``
    (through Bolt's ``say_stream`` when the listener has one, else the
    client's ``chat_stream``). If any streaming call fails, the reply is
    posted as one ``chat.postMessage`` at :meth:`finish` instead (a partly
    streamed message is deleted first, so the reply appears once).

    Args:
        client: the Web API client.
        channel: the conversation.
        thread_ts: the practice thread.
        team_id / user_id: the recipient (Slack wants them outside DMs).
        buffer_size: characters buffered before each append call.
        say_stream: Bolt's ``say_stream`` utility, when available.
    """

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        channel: str,
        thread_ts: str,
        team_id: str | None,
        user_id: str,
        buffer_size: int = 128,
        say_stream: Callable[..., Awaitable[AsyncChatStream]] | None = None,
    ) -> None:
        self._client = client
        self._channel = channel
        self._thread_ts = thread_ts
        self._team_id = team_id
        self._user_id = user_id
        self._buffer_size = max(1, buffer_size)
        self._say_stream = say_stream
        self._stream: AsyncChatStream | None = None
        self._broken = False
        self.mode: str = "stream"
        """``stream`` or ``message`` (set by :meth:`finish`)."""

    async def _open(self) -> AsyncChatStream:
        if self._stream is None:
            if self._say_stream is not None:
                self._stream = await self._say_stream(
                    buffer_size=self._buffer_size, channel=self._channel, thread_ts=self._thread_ts
                )
            else:
                self._stream = await self._client.chat_stream(
                    buffer_size=self._buffer_size,
                    channel=self._channel,
                    thread_ts=self._thread_ts,
                    recipient_team_id=self._team_id,
                    recipient_user_id=self._user_id,
                )
        return self._stream

    async def on_delta(self, delta: str) -> None:
        """Append one delta of the reply (escaped) to the stream.

        Args:
            delta: new reply text.
        """
        if self._broken or not delta:
            return
        try:
            stream = await self._open()
            await stream.append(markdown_text=escape(delta))
        except _SLACK_ERRORS as exc:
            log.info("streaming unavailable (%s); the reply will be posted whole", _why(exc))
            self._broken = True

    async def on_reset(self) -> None:
        """Forget what was streamed so far (the model failed mid-reply; the fallback follows)."""
        await self._discard()
        self._broken = False

    async def _discard(self) -> None:
        stream, self._stream = self._stream, None
        if stream is None or stream.ts is None:
            return  # nothing reached Slack yet
        with contextlib.suppress(*_SLACK_ERRORS):
            await stream.stop()
        try:
            await self._client.chat_delete(channel=self._channel, ts=stream.ts)
        except _SLACK_ERRORS as exc:
            log.warning("could not remove a partly streamed reply: %s", _why(exc))

    async def finish(self, reply: str) -> None:
        """Complete the reply: stop the stream, or post the whole reply once.

        Args:
            reply: the authoritative full reply text (``Turn.caregiver``).
        """
        if not self._broken and self._stream is not None:
            try:
                await self._stream.stop()
                return
            except _SLACK_ERRORS as exc:
                log.info("could not finish the stream (%s); posting the reply whole", _why(exc))
                self._broken = True
        if self._broken:
            await self._discard()
        self.mode = "message"
        await post_messages(
            self._client,
            self._channel,
            blocks.caregiver_messages(reply or "…"),
            thread_ts=self._thread_ts,
        )

    async def abandon(self) -> None:
        """Drop a stream whose turn failed (nothing of it must remain)."""
        await self._discard()


# ---------------------------------------------------------------------- practice


async def start_practice(
    deps: SlackDeps,
    client: AsyncWebClient,
    *,
    team_id: str,
    user_id: str,
    persona: Persona,
    channel_id: str | None = None,
    thread_ts: str | None = None,
) -> str:
    """Start a session and post its intro card in the user's DM with the app.

    Args:
        deps: listener dependencies.
        client: the Web API client.
        team_id: the workspace.
        user_id: the staff member.
        persona: the caregiver card.
        channel_id: the DM, when known (else opened with ``conversations.open``).
        thread_ts: an existing thread to practise in (a suggested prompt's
            thread); None posts the card at top level and uses its thread.

    Returns:
        The new session's id.
    """
    from bot.store import ThreadInUse

    if channel_id is None:
        channel_id = await _dm_channel(client, user_id)
    info = await deps.sessions.start(
        team_id, user_id, persona.id, platform="slack", channel_id=channel_id
    )
    card = blocks.intro_card(persona, info.id)
    ts = await post_messages(client, channel_id, [card], thread_ts=thread_ts)
    root = thread_ts or ts
    if root is None:
        raise RuntimeError("chat.postMessage returned no ts for the intro card")
    try:
        await deps.sessions.attach_thread(
            team_id, user_id, info.id, channel_id=channel_id, thread_ts=root
        )
    except ThreadInUse:
        # this thread already held a session: practise in the card's own thread
        if ts is None or ts == root:
            raise
        await deps.sessions.attach_thread(
            team_id, user_id, info.id, channel_id=channel_id, thread_ts=ts
        )
    log.info("practice %s started in Slack (persona %s)", info.id, persona.id)
    return info.id


async def run_turn(
    deps: SlackDeps,
    client: AsyncWebClient,
    *,
    team_id: str,
    user_id: str,
    session_id: str,
    persona_id: str,
    channel_id: str,
    thread_ts: str,
    text: str,
    say_stream: Callable[..., Awaitable[AsyncChatStream]] | None = None,
) -> None:
    """Answer one staff message: status, streamed caregiver reply, notes.

    Args:
        deps: listener dependencies.
        client: the Web API client.
        team_id: the workspace.
        user_id: the message author (must own the session).
        session_id: the session.
        persona_id: its caregiver card.
        channel_id / thread_ts: the practice thread.
        text: the staff message as plain text.
        say_stream: Bolt's ``say_stream`` for this event, when available.
    """
    from bot.llm.errors import ModelError
    from bot.services.sessions import NotYourSession, SessionBusy, SessionEnded, SessionNotFound

    persona = _persona(deps, persona_id)
    name = blocks.first_name(persona)
    if len(text) > MAX_TURN_CHARS:
        await _say(
            client,
            channel_id,
            thread_ts,
            f"That message is {len(text):,} characters long; a practice turn takes up to "
            f"{MAX_TURN_CHARS:,}. Ask one question at a time (to review a whole question "
            "list, use /review-questions).",
        )
        return
    if deps.status_enabled:
        try:
            await client.assistant_threads_setStatus(
                channel_id=channel_id, thread_ts=thread_ts, status=f"{name} is typing…"
            )
        except _SLACK_ERRORS as exc:
            log.debug("typing status not shown: %s", _why(exc))
    streamer = ReplyStreamer(
        client,
        channel=channel_id,
        thread_ts=thread_ts,
        team_id=team_id,
        user_id=user_id,
        buffer_size=deps.stream_buffer,
        say_stream=say_stream,
    )
    try:
        turn = await deps.sessions.take_turn(
            team_id,
            user_id,
            session_id,
            text,
            on_delta=streamer.on_delta,
            on_reset=streamer.on_reset,
        )
    except NotYourSession:
        await streamer.abandon()
        log.warning("refused a message in session %s from a user who does not own it", session_id)
        return
    except (SessionEnded, SessionNotFound):
        await streamer.abandon()
        await _say(client, channel_id, thread_ts, _ENDED_TEXT)
        return
    except SessionBusy as exc:
        await streamer.abandon()
        await _say(client, channel_id, thread_ts, str(exc))
        return
    except ModelError as exc:
        await streamer.abandon()
        log.error("practice turn failed: %s", exc.reason)
        await _say(
            client,
            channel_id,
            thread_ts,
            "The practice partner is not available right now. Your message was not "
            "recorded; please send it again in a minute.",
        )
        return
    except BaseException:
        await streamer.abandon()
        raise
    await streamer.finish(turn.caregiver)
    extra: list[Message] = []
    if turn.note:
        extra.append(blocks.turn_note(turn.note))
    note = blocks.coach_note(turn.review, persona)
    if note is not None and await deps.sessions.get_live_notes(team_id, user_id):
        extra.append(note)
    if extra:
        await post_messages(client, channel_id, extra, thread_ts=thread_ts)


_ENDED_TEXT = (
    "This practice session has ended. Press *Practice again* on the debrief, or type "
    "`practice`, to start a new one."
)


async def _say(client: AsyncWebClient, channel: str, thread_ts: str | None, text: str) -> None:
    """Post a short app notice (text is trusted app text; user text must be escaped first)."""
    await post_messages(client, channel, [Message(text=text)], thread_ts=thread_ts)


async def end_practice(
    deps: SlackDeps,
    client: AsyncWebClient,
    *,
    team_id: str,
    user_id: str,
    session_id: str,
) -> bool:
    """End a session and post its debrief card in the practice thread (once).

    Args:
        deps: listener dependencies.
        client: the Web API client.
        team_id: the workspace.
        user_id: the acting user (must own the session).
        session_id: the session.

    Returns:
        True when the debrief was posted now, False when it had been posted before.

    Raises:
        bot.services.sessions.NotYourSession: the session is someone else's.
        bot.services.sessions.SessionNotFound: no such session in this workspace.
        bot.services.sessions.SessionBusy: a turn held the session too long.
    """
    info = await deps.sessions.get(team_id, user_id, session_id)
    debrief = await deps.sessions.end(team_id, user_id, session_id)
    if not await deps.sessions.claim_event(team_id, f"debrief:{session_id}"):
        return False
    persona = _persona(deps, info.persona_id)
    channel = info.channel_id or await _dm_channel(client, user_id)
    await post_messages(
        client,
        channel,
        blocks.debrief_messages(persona, debrief, session_id),
        thread_ts=info.thread_ts,
    )
    return True


async def request_coach(
    deps: SlackDeps,
    client: AsyncWebClient,
    *,
    team_id: str,
    user_id: str,
    session_id: str,
) -> None:
    """Record "Send to a coach" and confirm it in the practice thread.

    Args:
        deps: listener dependencies.
        client: the Web API client.
        team_id: the workspace.
        user_id: the acting user (must own the session).
        session_id: the session.

    Raises:
        bot.services.sessions.NotYourSession: the session is someone else's.
        bot.services.sessions.SessionNotFound: no such session in this workspace.
    """
    info = await deps.sessions.get(team_id, user_id, session_id)
    req = await deps.sessions.request_coach(team_id, user_id, session_id)
    if not req.created:
        text = "This session is already waiting for a coach."
    else:
        text = (
            ":incoming_envelope: Sent to a coach. A coach in your district will see this "
            "transcript and get back to you."
        )
    channel = info.channel_id or await _dm_channel(client, user_id)
    await _say(client, channel, info.thread_ts, text)


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
    deps: SlackDeps, client: AsyncWebClient, *, team_id: str, user_id: str
) -> None:
    """Publish the user's App Home: interviews, gallery, last sessions, live-notes setting.

    Args:
        deps: listener dependencies.
        client: the Web API client.
        team_id: the workspace.
        user_id: whose home.
    """
    recent = await deps.sessions.recent_sessions(team_id, user_id, limit=5)
    live = await deps.sessions.get_live_notes(team_id, user_id)
    interviews = await deps.reflections.recent_interviews(
        team_id, user_id, limit=blocks.INTERVIEWS_ON_HOME
    )
    view = blocks.home_view(
        list(deps.personas.values()),
        [_card(deps, s) for s in recent],
        live_notes=live,
        interviews=interviews,
    )
    await client.views_publish(user_id=user_id, view=view)


async def review_texts(deps: SlackDeps, lines: Sequence[str]) -> list[Review]:
    """Review questions (rules, plus the model when configured), in order.

    Args:
        deps: listener dependencies (model reviewer and mode).
        lines: one question per item (blank ones skipped).

    Returns:
        One review per non-blank line.
    """
    from bot.services.review import areview_lines

    return [
        r
        async for r in areview_lines(
            lines, model_reviewer=deps.model_reviewer, mode=deps.review_mode
        )
    ]


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
    except _SLACK_ERRORS as exc:
        log.info("time zone lookup failed (%s); using the stored one", _why(exc))
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
    channel = await _dm_channel(client, info.user_id)
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
