"""Practice use cases for chat platforms: start, route a message, take a turn, end once.

Platform-neutral: each use case takes the :class:`~bot.services.ports.Outbox`
of the platform the request came from and a
:class:`~bot.services.ports.ConversationRef`, decides what happens (every
rule lives here), and answers through the outbox with views from
:mod:`bot.presenters.views`. Slack (``bot/slack``) and Teams only parse their
events into these calls and render the views.

How a message in the app's 1:1 conversation is handled
(:meth:`PracticeChat.handle_message`)::

    in a practice thread?  -- command ("end", "End.", "/help")  -> end + debrief / help
                           -- speech                            -> take_turn
    a start request ("practice with Rosa")                      -> picker or start
    anything else at top level ("hi")                           -> a one-line pointer
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping, Sequence

from bot import metrics
from bot.core.models import Review
from bot.core.persona import Persona
from bot.llm.errors import ModelError
from bot.personas import get_persona
from bot.presenters import coach_limits
from bot.presenters import coaching as coach_words
from bot.presenters import practice as say
from bot.presenters.platform_words import words_for
from bot.presenters.views import (
    CoachAlert,
    CoachNote,
    DebriefCard,
    IntroCard,
    Notice,
    PersonaPicker,
    QuestionReview,
    TurnNote,
)
from bot.services.claims import PendingWork, replied
from bot.services.coaching import Coaching
from bot.services.commands import (
    MAX_QUESTIONS,
    find_persona,
    parse_command,
    parse_start_request,
    question_lines,
)
from bot.services.ports import ConversationRef, MessageRef, Outbox
from bot.services.review import ModelReviewerPort, ReviewMode, areview_lines
from bot.services.sessions import (
    NotYourSession,
    PracticeSessions,
    SessionBusy,
    SessionEnded,
    SessionInfo,
    SessionNotFound,
)
from bot.store import StoreUnavailable, ThreadInUse

__all__ = ["PracticeChat"]

log = logging.getLogger(__name__)


class PracticeChat:
    """The practice conversation, for any chat platform.

    Args:
        sessions: the persisted practice sessions.
        personas: persona id -> card, in gallery order.
        model_reviewer: the model reviewer for question lists, or None (rules only).
        review_mode: ``rules`` | ``hybrid`` | ``model`` for question lists.
        thread_lookup_waits: seconds to wait before each further lookup of a
            thread not (yet) tied to a session: a reply can arrive while the
            intro card's thread is still being stored.
        status_enabled: show a "… is typing" status while the caregiver answers.
        slow_status_after: seconds without a first reply word after which the
            status says the caregiver is taking a moment (about half the turn's
            model budget); None never changes it.
        coaching: the coach use cases (send to coaches, automatic flags); None builds
            one on the sessions' store with no ``EC_COACH_USER_IDS`` seeds.
    """

    def __init__(
        self,
        sessions: PracticeSessions,
        personas: Mapping[str, Persona],
        *,
        model_reviewer: ModelReviewerPort | None = None,
        review_mode: ReviewMode = "rules",
        thread_lookup_waits: Sequence[float] = (0.25, 0.5, 1.0, 2.0),
        status_enabled: bool = True,
        slow_status_after: float | None = None,
        coaching: Coaching | None = None,
    ) -> None:
        self.sessions = sessions
        self.slow_status_after = slow_status_after
        self.coaching = coaching if coaching is not None else Coaching(sessions.store)
        self.personas = personas
        self.model_reviewer = model_reviewer
        self.review_mode: ReviewMode = review_mode
        self.thread_lookup_waits = tuple(thread_lookup_waits)
        self.status_enabled = status_enabled

    # -- lookups ------------------------------------------------------------

    def persona(self, persona_id: str) -> Persona:
        """The card of ``persona_id`` (loaded from disk if not in the gallery).

        Raises:
            KeyError: no such card.
        """
        persona = self.personas.get(persona_id)
        if persona is None:
            persona = get_persona(persona_id)
        return persona

    def picker(self, query: str | None = None) -> PersonaPicker | Persona:
        """The persona for ``query``, or the picker (with why) when none matches.

        Args:
            query: what the user typed after "practice" (None or "" for the picker).

        Returns:
            The matching card, or a :class:`PersonaPicker` view.
        """
        personas = tuple(self.personas.values())
        if not query:
            return PersonaPicker(personas)
        persona = find_persona(self.personas, query)
        if persona is None:
            return PersonaPicker(personas, intro=say.unknown_persona(query))
        return persona

    async def _session_of_thread(self, ref: ConversationRef) -> SessionInfo | None:
        if not ref.thread_id:
            return None
        session = await self.sessions.find_by_thread(
            ref.workspace_id, ref.conversation_id, ref.thread_id
        )
        for wait in self.thread_lookup_waits:
            if session is not None:
                break
            await asyncio.sleep(wait)
            session = await self.sessions.find_by_thread(
                ref.workspace_id, ref.conversation_id, ref.thread_id
            )
        return session

    async def open_session(self, ref: ConversationRef) -> SessionInfo | None:
        """The user's open practice session in ``ref``'s conversation, if any.

        Platforms whose 1:1 conversations have no threads (Teams) put this
        session's ``thread_id`` in the reference of each message, so the
        message is routed to the practice as a thread reply would be.
        """
        return await self._open_session(ref)

    async def _open_session(self, ref: ConversationRef) -> SessionInfo | None:
        """The user's open practice session in this conversation, if any."""
        for info in await self.sessions.recent_sessions(ref.workspace_id, ref.user_id, limit=3):
            if info.active and info.channel_id == ref.conversation_id:
                return info
        return None

    # -- use cases ----------------------------------------------------------

    async def start(self, outbox: Outbox, ref: ConversationRef, persona: Persona) -> str:
        """Start a session and post its intro card in the user's 1:1 conversation.

        Args:
            outbox: the platform's outbox.
            ref: who asked; ``conversation_id`` empty means "their DM with the app";
                ``thread_id`` set practices in that thread (a suggested prompt's).
            persona: the caregiver card.

        Returns:
            The new session's id.

        Raises:
            RuntimeError: the platform returned no message id for the intro card.
        """
        if not ref.conversation_id:
            ref = (await outbox.direct(ref.workspace_id, ref.user_id)).model_copy(
                update={"thread_id": ref.thread_id}
            )
        info = await self.sessions.start(
            ref.workspace_id,
            ref.user_id,
            persona.id,
            platform=ref.platform,
            channel_id=ref.conversation_id,
            # what a later proactive message needs (Teams: the service URL); None on Slack
            conversation_ref={"service_url": ref.service_url} if ref.service_url else None,
        )
        posted = await outbox.send(ref, IntroCard(persona, info.id))
        root = ref.thread_id or (posted.message_id if posted else None)
        if root is None:
            raise RuntimeError("the platform returned no message id for the intro card")
        try:
            await self.sessions.attach_thread(
                ref.workspace_id,
                ref.user_id,
                info.id,
                channel_id=ref.conversation_id,
                thread_id=root,
            )
        except ThreadInUse:
            # this thread already held a session: practice in the card's own thread
            if posted is None or posted.message_id == root:
                raise
            await self.sessions.attach_thread(
                ref.workspace_id,
                ref.user_id,
                info.id,
                channel_id=ref.conversation_id,
                thread_id=posted.message_id,
            )
        log.info("practice %s started on %s (persona %s)", info.id, ref.platform, persona.id)
        return info.id

    async def handle_message(
        self,
        outbox: Outbox,
        ref: ConversationRef,
        text: str,
        *,
        has_files: bool = False,
        message_id: str | None = None,
        message_key: str | None = None,
    ) -> None:
        """Answer one message a person sent in their 1:1 conversation with the app.

        Args:
            outbox: the platform's outbox.
            ref: where it was sent (``thread_id`` set for a thread reply).
            text: the message as plain text (markup already removed).
            has_files: the message carried files.
            message_id: the message's own id (a start request at top level
                practices in that message's thread, where the platform has threads).
            message_key: the message's durable claim key (:mod:`bot.services.claims`):
                a turn is stored with it and never answered twice.
        """
        try:
            await self._handle(outbox, ref, text.strip(), has_files, message_id, message_key)
        except StoreUnavailable as exc:
            log.error("message not handled: %s", exc)
            await outbox.send(ref, Notice(say.CANT_SAVE, icon="warning"))

    async def _handle(
        self,
        outbox: Outbox,
        ref: ConversationRef,
        text: str,
        has_files: bool,
        message_id: str | None,
        message_key: str | None = None,
    ) -> None:
        session = await self._session_of_thread(ref)
        start_who = parse_start_request(text)
        if session is None or (not session.active and start_who is not None):
            await self._top_level(outbox, ref, text, start_who, session, message_id)
            return
        if session.user_id != ref.user_id:
            log.warning("refused a message in session %s: the author does not own it", session.id)
            return
        thread = ref.in_thread(session.thread_id)
        persona = self.persona(session.persona_id)
        if not text:
            if has_files:
                await outbox.send(thread, Notice(say.file_only(say.first_name(persona))))
            return
        command = parse_command(text)
        if command == "end":
            await self._end_or_say_busy(outbox, ref, session.id, tell=thread)
            return
        if command == "help":
            await outbox.send(thread, Notice(say.help_text(ref.platform), icon="info"))
            return
        if command == "retry":
            await outbox.send(thread, Notice(say.RETRY_NOT_HERE, icon="info"))
            return
        if not session.active:
            await outbox.send(thread, Notice(say.ENDED))
            return
        await self.take_turn(outbox, thread, session.id, text, message_key=message_key)

    async def _end_or_say_busy(
        self, outbox: Outbox, ref: ConversationRef, session_id: str, *, tell: ConversationRef
    ) -> None:
        """:meth:`end`, telling ``tell`` plainly when a turn still holds the session."""
        try:
            await self.end(outbox, ref, session_id)
        except SessionBusy as exc:
            await outbox.send(tell, Notice(str(exc)))

    async def _top_level(
        self,
        outbox: Outbox,
        ref: ConversationRef,
        text: str,
        who: str | None,
        session: SessionInfo | None,
        message_id: str | None,
    ) -> None:
        """A message outside a practice thread: start, route, or point the way."""
        if who is not None:
            choice = self.picker(who)
            here = ref.in_thread(ref.thread_id or message_id)
            # practice in the thread the request was made in, unless an ended session holds it
            where = here if session is None else ref.in_thread(None)
            if isinstance(choice, PersonaPicker):
                await outbox.send(here, choice)
                return
            await self.start(outbox, where, choice)
            return
        if ref.thread_id is not None:
            return  # a reply in some other thread (not a practice): nothing to say
        open_session = await self._open_session(ref)
        if open_session is not None:
            if parse_command(text) == "end":
                await self._end_or_say_busy(outbox, ref, open_session.id, tell=ref)
                return
            persona = self.persona(open_session.persona_id)
            await outbox.send(ref, Notice(say.dm_pointer_in_practice(persona), icon="info"))
            return
        if text:
            await outbox.send(ref, Notice(say.dm_pointer(ref.platform), icon="info"))

    async def take_turn(
        self,
        outbox: Outbox,
        ref: ConversationRef,
        session_id: str,
        text: str,
        *,
        message_key: str | None = None,
    ) -> None:
        """Answer one staff turn: status, the caregiver's reply (streamed), notes.

        Args:
            outbox: the platform's outbox.
            ref: the practice thread, with the author as ``user_id``.
            session_id: the session.
            text: the staff message as plain text.
            message_key: the message's durable claim key (a saved turn is re-sent).
        """
        started = metrics.received_at() or time.monotonic()
        if len(text) > say.MAX_TURN_CHARS:
            metrics.turn_done("too_long", started)
            await outbox.send(ref, Notice(say.too_long(len(text), words_for(ref.platform))))
            return
        info = await self.sessions.get(ref.workspace_id, ref.user_id, session_id)
        persona = self.persona(info.persona_id)
        if self.status_enabled:
            await outbox.set_status(ref, f"{say.first_name(persona)} is typing…")
        stream = await outbox.reply_stream(ref)
        first_word = asyncio.Event()

        async def on_delta(delta: str) -> None:
            first_word.set()
            await stream.delta(delta)

        slow = None
        if self.status_enabled and self.slow_status_after is not None:
            slow = asyncio.create_task(
                self._say_slow(outbox, ref, persona, first_word, self.slow_status_after)
            )
        try:
            turn = await self.sessions.take_turn(
                ref.workspace_id,
                ref.user_id,
                session_id,
                text,
                on_delta=on_delta,
                on_reset=stream.reset,
                message_key=message_key,
            )
        except NotYourSession:
            metrics.turn_done("not_owner", started)
            await stream.abandon()
            log.warning(
                "refused a message in session %s from a user who does not own it", session_id
            )
            return
        except (SessionEnded, SessionNotFound):
            metrics.turn_done("ended", started)
            await stream.abandon()
            await outbox.send(ref, Notice(say.ENDED))
            return
        except SessionBusy as exc:
            metrics.turn_done("busy", started)
            await stream.abandon()
            await outbox.send(ref, Notice(str(exc)))
            return
        except ModelError as exc:
            metrics.turn_done("model_error", started)
            await stream.abandon()
            log.error("practice turn failed: %s", exc.reason)
            await outbox.send(ref, Notice(say.MODEL_DOWN, icon="warning"))
            return
        except BaseException:
            metrics.turn_done("failed", started)
            await stream.abandon()
            raise
        finally:
            if slow is not None:
                slow.cancel()
        await stream.finish(turn.caregiver)
        await replied()  # the durable claim is done: a crash from here on loses only the notes
        metrics.turn_done("answered", started, [f.kind for f in turn.review.findings])
        await self._evaluate_flags(ref.workspace_id, session_id)
        if turn.note:
            await outbox.send(ref, TurnNote(turn.note))
        note = CoachNote(persona, turn.review, session_id, turn.index, turn.coach_note)
        if not note.empty and await self.sessions.get_live_notes(ref.workspace_id, ref.user_id):
            await outbox.send(ref, note)

    @staticmethod
    async def _say_slow(
        outbox: Outbox, ref: ConversationRef, persona: Persona, first: asyncio.Event, after: float
    ) -> None:
        """After ``after`` seconds without a first word, say the caregiver is taking a moment."""
        try:
            await asyncio.wait_for(first.wait(), after)
        except TimeoutError:
            try:
                await outbox.set_status(ref, say.taking_a_moment(persona))
            except Exception:  # best effort: a status is a courtesy
                log.info("could not update the status of a slow turn")

    async def end(
        self,
        outbox: Outbox,
        ref: ConversationRef,
        session_id: str,
        *,
        card: MessageRef | None = None,
    ) -> bool:
        """End a session and post its debrief in the practice thread, once.

        The intro card's End choice is replaced by "ended" (``card`` when the
        press came from it, else the thread's root message when that is the card).

        Args:
            outbox: the platform's outbox.
            ref: the acting user (must own the session).
            session_id: the session.
            card: the intro card message the End press came from, if any.

        Returns:
            True when the debrief was posted now; False when it had been posted
            before (the user is told so).

        Raises:
            NotYourSession: the session is someone else's.
            SessionNotFound: no such session in this workspace.
            SessionBusy: a turn held the session too long.
        """
        info = await self.sessions.get(ref.workspace_id, ref.user_id, session_id)
        await self.sessions.end(ref.workspace_id, ref.user_id, session_id)
        if info.channel_id:
            thread = ref.in_conversation(info.channel_id, info.thread_id)
        else:
            thread = (await outbox.direct(ref.workspace_id, ref.user_id)).in_thread(info.thread_id)
        claims = self.sessions.claims
        claim = await claims.claim(
            PendingWork(
                kind="debrief",
                ref=thread.model_copy(update={"user_id": ref.user_id}),
                keys=[f"debrief:{session_id}"],
                session_id=session_id,
            )
        )
        if claim is None:
            await outbox.send_private(thread, Notice(say.already_ended(words_for(ref.platform))))
            return False
        async with claims.held(claim):
            await self.post_debrief(outbox, thread, session_id, card=card)
            await claims.finish(claim)
        return True

    async def post_debrief(
        self,
        outbox: Outbox,
        thread: ConversationRef,
        session_id: str,
        *,
        card: MessageRef | None = None,
    ) -> None:
        """Post an ended session's stored debrief in its thread and mark the intro card ended.

        Called by :meth:`end` under the ``debrief:<id>`` claim, and by the recovery
        when the process that held that claim died before posting.

        Args:
            outbox: the platform's outbox.
            thread: the practice thread, with the owner as ``user_id``.
            session_id: the session (ended).
            card: the intro card message the End press came from, if any.

        Raises:
            NotYourSession: the session is someone else's.
            SessionNotFound: no such session in this workspace.
        """
        info = await self.sessions.get(thread.workspace_id, thread.user_id, session_id)
        debrief = await self.sessions.end(thread.workspace_id, thread.user_id, session_id)
        persona = self.persona(info.persona_id)
        await outbox.send(thread, DebriefCard(persona, debrief, session_id))
        await self._evaluate_flags(thread.workspace_id, session_id)
        if card is None and info.thread_id:
            card = MessageRef(conversation=thread.in_thread(None), message_id=info.thread_id)
        if card is not None:
            try:
                await outbox.update(card, IntroCard(persona, session_id, ended=True))
            except Exception:  # best effort: the debrief is what matters
                log.info("could not mark the intro card of %s as ended", session_id)

    async def _evaluate_flags(self, workspace_id: str, session_id: str) -> None:
        """Automatic flags after a turn or at the end; a failure never stops the practice."""
        try:
            await self.coaching.evaluate_flags(workspace_id, session_id)
        except Exception:
            log.exception("flag evaluation failed for session %s", session_id)

    async def request_coach(
        self,
        outbox: Outbox,
        ref: ConversationRef,
        session_id: str,
        note: str | None = None,
    ) -> None:
        """*Send to a coach*: queue the session, DM each coach at once, confirm honestly.

        The confirmation in the practice thread says how many coaches were told, or
        that no coach is set up yet and who can add one. Each coach gets a
        :class:`~bot.presenters.views.CoachAlert` in their 1:1 conversation with the
        app (only when the session was not already waiting). A re-send of a session a
        coach already reviewed, with nothing new, tells nobody and says so in one line
        (:data:`bot.presenters.coach_limits.NOTHING_NEW_TO_SEND`). A DM that fails is
        logged; the session stays in the coaches' queue.

        Args:
            outbox: the platform's outbox.
            ref: the acting user (must own the session).
            session_id: the session.
            note: optional words for the coach (scrubbed, at most 500 characters).

        Raises:
            NotYourSession: the session is someone else's.
            SessionNotFound: no such session in this workspace.
            bot.services.coaching_results.BadInput: the note is too long.
        """
        info = await self.sessions.get(ref.workspace_id, ref.user_id, session_id)
        sent = await self.coaching.send_to_coaches(ref.workspace_id, ref.user_id, session_id, note)
        told = 0
        if sent.created and sent.coach_ids:
            try:
                name = self.persona(info.persona_id).name
            except KeyError:
                name = info.persona_id
            alert = CoachAlert(
                session_id=session_id,
                staff_user_id=ref.user_id,
                persona_name=name,
                turns=sent.turns,
                note=sent.note,
                flags=tuple(f.reason for f in sent.flags),
            )
            for coach_id in sent.coach_ids:
                try:
                    dm = await outbox.direct(ref.workspace_id, coach_id)
                    await outbox.send(dm, alert)
                    told += 1
                except Exception:
                    log.exception("could not tell coach %s about session %s", coach_id, session_id)
        if info.channel_id:
            where = ref.in_conversation(info.channel_id, info.thread_id)
        else:
            where = (await outbox.direct(ref.workspace_id, ref.user_id)).in_thread(info.thread_id)
        if sent.nothing_new:  # nothing was sent: no envelope
            await outbox.send(where, Notice(coach_limits.NOTHING_NEW_TO_SEND, icon="info"))
            return
        text = coach_words.coach_sent(
            sent.created, len(sent.coach_ids), words_for(ref.platform), told=told
        )
        await outbox.send(where, Notice(text, icon="sent"))

    async def review_list(self, text: str, *, title: str = "Question review") -> QuestionReview:
        """Review a pasted question list (bullets and labels removed), capped.

        Args:
            text: the list, one question per line.
            title: the result's header.

        Returns:
            The view: one review per question up to :data:`MAX_QUESTIONS`, and how
            many lines were left out.
        """
        lines = question_lines(text)
        kept = lines[:MAX_QUESTIONS]
        reviews: list[Review] = [
            r
            async for r in areview_lines(
                kept, model_reviewer=self.model_reviewer, mode=self.review_mode
            )
        ]
        return QuestionReview(
            tuple(reviews), title=title, questions=len(lines), dropped=len(lines) - len(kept)
        )
