"""Teams activity handlers: parse, route to the shared practice use cases, answer.

Registered on the Teams SDK app by :func:`register`. Nothing here decides a
practice rule: :class:`~bot.services.conversation.PracticeChat` does, exactly
as for Slack.

**Threads.** Teams 1:1 chats have no threads, so a chat holds at most one open
practice session: each message is given the thread of the user's open session
in this chat (:meth:`PracticeChat.open_session`), which makes it a practice
turn (or a command of that practice); with no session open it is a top-level
message ("practice", "review", anything else). The session's stored thread is
the intro card's activity id.

**Redelivery.** Each message and card press is claimed once by its activity id
(:meth:`PracticeSessions.claim_event`), so a delivery the connector repeats is
answered once. Handling runs before the HTTP answer (a model reply inside
Bot Framework's 15 seconds; the model's own timeout is ``EC_REQUEST_TIMEOUT``).

**Durable turns** (issue 10). A practice message is claimed with what is needed to redo
it (:class:`~bot.services.claims.PendingWork`) before anything else is written: the
activity-id key above is one of its claim keys, stored in the same transaction
(:meth:`TeamsHandlers._preclaim`). It is answered by
:class:`~bot.services.recovery.DurableChat`, so a process killed mid-turn, or a reply the
connector refuses, leaves a claim the recovery loop beside ``serve teams`` redoes (the
user is told the reply was delayed; a saved turn's reply is re-sent, the model is not
asked again), and a redelivered activity is answered at most once.

**The door.** :func:`register` puts every entry point behind
:func:`bot.teams.door.guard`: an activity from a tenant other than ``TENANT_ID`` runs
nothing here, and a message's text arrives without the app's @mention or Teams HTML.
A message left with no words (spaces, only the mention, only markup) gets a hint of
what to type (:data:`~bot.presenters.practice.TEAMS_POINTER`, or the practice call's
help while one is open).

**Card presses.** ``Action.Submit`` arrives as a ``message`` activity with the
button's ``value``; a Universal Action as an ``invoke`` named
``adaptiveCard/action``. Both are parsed by
:func:`bot.teams.actions.parse_card_value`; anything else gets a plain
message. Every handler answers 200: a failure is logged, never a 500.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.core.reflection import Reflection
from bot.core.text import sanitize
from bot.presenters import practice as say
from bot.presenters import reflection as words
from bot.presenters.coach_limits import dispute_updated
from bot.presenters.views import Notice
from bot.services.chat_refs import ChatReferences
from bot.services.claims import Claim, PendingWork
from bot.services.commands import parse_start_request
from bot.services.conversation import PracticeChat
from bot.services.ports import ConversationRef
from bot.services.recovery import DurableChat
from bot.services.reflection import (
    InterviewNotFound,
    InvalidInput,
    NotYourInterview,
    ReflectionService,
)
from bot.services.session_results import NothingToDispute
from bot.services.sessions import NotYourSession, SessionBusy, SessionNotFound
from bot.store import StoreUnavailable
from bot.teams.actions import (
    ACTION_COACH,
    ACTION_DISPUTE,
    ACTION_END,
    ACTION_START,
    ALREADY_DONE,
    KEEP_CARD,
    CardAction,
    invoke_response,
    parse_card_value,
)
from bot.teams.cards import TeamsMessage
from bot.teams.door import guard
from bot.teams.interview_cards import (
    ACTION_SAVE_EXACT_WORDS,
    ACTION_SAVE_REFLECTION,
    exact_words_form,
    reflection_form,
)
from bot.teams.interview_flows import TeamsInterviews
from bot.teams.outbox import TeamsOutbox, answering_invoke, post_message, replacing
from bot.teams.refs import Incoming, parse_activity
from bot.teams.review_cards import ACTION_REVIEW_LIST, EMPTY_LIST, review_form

if TYPE_CHECKING:
    from microsoft_teams.api import InvokeResponse
    from microsoft_teams.apps import ActivityContext, App

__all__ = ["CardHandler", "CardRoute", "TeamsHandlers", "message_work", "register"]

log = logging.getLogger(__name__)

LOG_WORDS = ("log", "log interview", "log an interview", "/log-interview")
"""A message that asks for the form to log a real interview."""
INTERVIEWS_WORDS = ("interviews", "my interviews", "/interviews")
"""A message that asks for the list of my logged interviews (change the time, delete)."""


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u180e"), " ")
"""Zero-width characters (Python's ``str.strip`` keeps them): read as spaces."""

MENU_WORDS: dict[str, str] = {
    "practice": "practice",
    "review": "review",
    "review questions": "review",
    "review-questions": "review",
    "log": "log",
    "log interview": "log",
    "log an interview": "log",
    "log-interview": "log",
    "interviews": "interviews",
    "my interviews": "interviews",
    "progress": "progress",
    "team progress": "team progress",
    "coach": "coach",
}
"""The app's command words (the package's command menu, :mod:`bot.teams.package`, and
Slack's slash commands without the slash) -> the Teams word to type."""

_REVIEW_PREFIXES = ("review-questions", "review questions", "review")


def visible_text(text: str) -> str:
    """``text`` with zero-width characters as spaces and edge spaces (also non-breaking) dropped.

    Args:
        text: a message's plain text.

    Returns:
        The text, or "" when it held nothing visible.
    """
    return text.translate(_INVISIBLE).strip()


def menu_word(text: str) -> str | None:
    """The Teams command word when ``text`` is only a command word (case-insensitive,
    an optional leading slash and trailing colon or period), else None.

    Args:
        text: a message's visible text.

    Returns:
        A value of :data:`MENU_WORDS` (for the reply), or None for speech.
    """
    said = " ".join(text.lower().split()).rstrip(":.").removeprefix("/")
    return MENU_WORDS.get(said)


def review_questions(text: str) -> str | None:
    """The question list of a review command: the rest of its first line and the lines
    after (``review Does she like her teacher?``); Slack's ``/review-questions`` too.

    Args:
        text: a message's visible text.

    Returns:
        The questions ("" for the bare word: the form), or None when it is no review command.
    """
    first, _, rest = text.partition("\n")
    lowered = first.lower().removeprefix("/")
    skipped = 1 if first.startswith("/") else 0
    for prefix in _REVIEW_PREFIXES:
        if lowered == prefix or lowered.startswith((prefix + " ", prefix + ":")):
            same_line = first[skipped + len(prefix) :].strip(" :")
            return "\n".join(part for part in (same_line, rest.strip()) if part)
    return None


_PRECLAIMED: ContextVar[Claim | None] = ContextVar("teams_preclaimed", default=None)
"""The durable claim :meth:`TeamsHandlers._preclaim` took for this activity's practice
message (:meth:`TeamsHandlers.answer` runs it; :meth:`TeamsHandlers._guarded` finishes one
no route used)."""


CardHandler = Callable[["TeamsOutbox", ConversationRef, CardAction, "Incoming"], Awaitable[None]]
"""A card action's handler: ``(outbox, ref, action, incoming)``; it answers through ``outbox``."""


@dataclass(frozen=True)
class CardRoute:
    """One entry of the card-action table.

    Attributes:
        handle: the :data:`CardHandler`.
        needs_id: the action acts on an ``id`` (a press without one is refused plainly).
        replaces: the first message the handler posts replaces the pressed card (False
            for a handler that updates the card itself, e.g. End practice, which marks
            the intro as ended and posts the debrief below it).
    """

    handle: CardHandler
    needs_id: bool = True
    replaces: bool = True


def _body(ctx: Any) -> dict[str, Any]:
    return dict(ctx.activity.model_dump(by_alias=True, exclude_none=True))


class TeamsHandlers:
    """The handlers of one Teams app.

    Args:
        app: the Teams SDK app (replies go through ``app.send``).
        chat: the shared practice use cases.
    """

    def __init__(
        self, app: App, chat: PracticeChat, reflections: ReflectionService | None = None
    ) -> None:
        self.app = app
        self.chat = chat
        self.reflections = reflections
        self.durable = DurableChat(chat)
        self._zones: dict[tuple[str, str], str] = {}
        self.actions: dict[str, CardRoute] = {
            ACTION_START: CardRoute(self._on_start),
            ACTION_END: CardRoute(self._on_end, replaces=False),
            ACTION_COACH: CardRoute(self._on_coach, replaces=False),
            ACTION_REVIEW_LIST: CardRoute(self._on_review_list, needs_id=False),
            ACTION_DISPUTE: CardRoute(self._on_dispute, replaces=False),
        }
        self.interviews: TeamsInterviews | None = None
        if reflections is not None:
            # logging, listing, moving and deleting interviews: bot/teams/interview_flows.py
            self.interviews = TeamsInterviews(app, reflections, ChatReferences(reflections.store))
            self.actions.update(
                {ec: CardRoute(h, needs_id=i) for ec, (h, i) in self.interviews.routes().items()}
            )
            self.actions.update(
                {
                    "open_exact_words": CardRoute(self._on_exact_words_form),
                    "open_reflection": CardRoute(self._on_reflection_form),
                    ACTION_SAVE_EXACT_WORDS: CardRoute(self._on_save_exact_words),
                    ACTION_SAVE_REFLECTION: CardRoute(self._on_save_reflection),
                }
            )

    def add_action(self, ec: str, handle: CardHandler, *, needs_id: bool = True) -> None:
        """Route card presses whose ``ec`` is ``ec`` to ``handle`` (other Teams modules
        register theirs here, e.g. the coach cards).

        Raises:
            ValueError: ``ec`` is already routed (two handlers for one button is a bug).
        """
        if ec in self.actions:
            raise ValueError(f"the Teams card action {ec!r} is already routed")
        self.actions[ec] = CardRoute(handle, needs_id)

    async def remember_zone(self, ref: ConversationRef) -> None:
        """Store the user's client time zone when Teams sends one that differs from the last
        one stored by this process (reflection prompts are scheduled in it); best effort."""
        if self.reflections is None or not ref.time_zone:
            return
        key = (ref.workspace_id, ref.user_id)
        if self._zones.get(key) == ref.time_zone:
            return
        try:
            await self.reflections.set_user_tz(ref.workspace_id, ref.user_id, ref.time_zone)
        except InvalidInput:
            log.info("ignored an unknown client time zone from Teams")
            return
        if len(self._zones) > 10_000:
            self._zones.clear()
        self._zones[key] = ref.time_zone

    # -- SDK entry points ---------------------------------------------------

    async def on_message(self, ctx: ActivityContext[Any]) -> None:
        """A message activity: text from the user, or a card's ``Action.Submit``."""
        incoming = parse_activity(_body(ctx))
        if incoming is None:
            log.warning("ignored a Teams message without tenant, sender or service URL")
            return
        await self._guarded(incoming, self.message)

    async def on_card_action(self, ctx: ActivityContext[Any]) -> InvokeResponse[Any]:
        """An ``adaptiveCard/action`` invoke (Universal Actions): the same as a submit; the
        result card is the invoke response (:func:`~bot.teams.actions.invoke_response`)."""
        incoming = parse_activity(_body(ctx))
        with answering_invoke(incoming.reply_to_id if incoming else None) as answer:
            if incoming is not None:
                await self._guarded(incoming, self.card)
        return invoke_response(answer.card)

    async def on_conversation_update(self, ctx: ActivityContext[Any]) -> None:
        """The app was added to a chat: greet the user in a 1:1 chat."""
        incoming = parse_activity(_body(ctx))
        if incoming is None or not incoming.personal:
            return
        if incoming.recipient_id and incoming.recipient_id in incoming.members_added:
            outbox = TeamsOutbox(self.app, incoming.ref())
            await outbox.send(incoming.ref(), Notice(say.TEAMS_WELCOME))

    # -- routing ------------------------------------------------------------

    def outbox_for(self, ref: ConversationRef) -> TeamsOutbox:
        """The outbox of one activity (a subclass may give one that reaches further)."""
        return TeamsOutbox(self.app, ref)

    async def _guarded(self, incoming: Incoming, handle: Any) -> None:
        ref = incoming.ref()
        outbox = self.outbox_for(ref)
        token = _PRECLAIMED.set(None)
        try:
            if not incoming.personal:
                await outbox.send(ref, Notice(say.TEAMS_CHAT_ONLY))
                return
            preclaimed = await self._preclaim(incoming) if handle == self.message else False
            if preclaimed is None or (
                preclaimed is False and not await self._first_delivery(incoming)
            ):
                log.info("ignored a redelivered Teams activity")
                return
            await self.remember_zone(ref)
            await handle(outbox, ref, incoming)
        except StoreUnavailable as exc:
            log.error("Teams activity not handled: %s", exc)
            await outbox.send(ref, Notice(say.CANT_SAVE, icon="warning"))
        except Exception:
            log.exception("Teams activity %s not handled", incoming.type)
        finally:
            await self._finish_unused()
            _PRECLAIMED.reset(token)

    async def _preclaim(self, incoming: Incoming) -> Claim | bool | None:
        """Claim a practice message durably before anything else is written (issue 10).

        Only a typed message (no card value, visible words, no lone command word) in a chat
        with an open practice: what :meth:`message` answers as a practice turn. Its
        :func:`message_work` carries the activity-id key of :meth:`_first_delivery` as a
        second claim key, so the message, its payload and "delivered" are one transaction:
        a process killed at any later moment leaves the claim to the recovery, and a
        redelivered activity finds it (done, held, or lapsed: then taken over and redone).

        Returns:
            The :class:`Claim` (also in :data:`_PRECLAIMED`); None for a duplicate (done,
            or held by a live process); False when this is no practice message, or the
            claim could not be stored (the delivery key decides, as for other activities).
        """
        if incoming.value is not None or not incoming.id:
            return False
        text = visible_text(incoming.text)
        if not text or menu_word(text) is not None:
            return False
        ref = incoming.ref()
        try:
            open_session = await self.chat.open_session(ref)
            if open_session is None:
                return False
            thread = ref.in_thread(open_session.thread_id)
            work = message_work(thread, incoming, text, delivered=True)
            claim = await self.durable.claims.claim(work)
        except StoreUnavailable as exc:
            log.warning("Teams message not claimed before routing: %s", exc)
            return False
        _PRECLAIMED.set(claim)
        return claim

    async def _finish_unused(self) -> None:
        """Finish a preclaimed message no route answered (it was handled another way,
        or its handling failed before the turn; nothing is left for the recovery)."""
        claim = _PRECLAIMED.get()
        if claim is None:
            return
        _PRECLAIMED.set(None)
        try:
            await self.durable.claims.finish(claim)
        except Exception as exc:  # the recovery redoes it: at worst a late, duplicate notice
            log.warning("could not finish an unused Teams claim: %s", type(exc).__name__)

    async def _first_delivery(self, incoming: Incoming) -> bool:
        """Claim the activity once across processes (the connector may deliver it again)."""
        if not incoming.id:
            return True
        digest = hashlib.sha256(f"{incoming.conversation.id}\0{incoming.id}".encode()).hexdigest()
        return await self.chat.sessions.claim_event(incoming.tenant, f"teams:{digest}")

    @staticmethod
    def _press_key(incoming: Incoming, card_id: str, work: Any = None) -> str:
        """The claim key of one press of card ``card_id`` with these inputs.

        The key is the chat, the card's activity id and the submitted value (canonical
        JSON), so a second press of the same old card, or its retried delivery under a
        new activity id, does nothing twice; a form sent again with corrected inputs
        (after the form came back with an error) is new work. ``work``, when given,
        replaces the value in the key (a card whose work is done once whatever is typed).

        Returns:
            ``teams-card:<sha256 hex>`` (claim it with :meth:`_first_press`, or inside
            the unit of work that does the work, as a team decision does).
        """
        pressed = incoming.value if work is None else work
        value = json.dumps(pressed, sort_keys=True, separators=(",", ":"), default=str)
        digest = hashlib.sha256(
            f"{incoming.conversation.id}\0{card_id}\0{value}".encode()
        ).hexdigest()
        return f"teams-card:{digest}"

    async def _first_press(self, incoming: Incoming, card_id: str, work: Any = None) -> bool:
        """Claim one press (:meth:`_press_key`) once across processes, committed at once."""
        key = self._press_key(incoming, card_id, work)
        return await self.chat.sessions.claim_event(incoming.tenant, key)

    async def message(self, outbox: TeamsOutbox, ref: ConversationRef, incoming: Incoming) -> None:
        """Route a message: a card press, a question-list review, or the practice chat.

        During a practice an app command word alone (:func:`menu_word`) is no turn: it
        gets :func:`~bot.presenters.practice.command_in_practice`. A message of only
        invisible characters (:func:`visible_text`) counts as empty.
        """
        if incoming.value is not None and not visible_text(incoming.text):
            await self.card(outbox, ref, incoming)
            return
        text = visible_text(incoming.text)
        first = text.partition("\n")[0]
        open_session = await self.chat.open_session(ref)
        if not text and incoming.value is None:
            # only spaces, only an @mention of the app, or only markup: say what to type
            hint = say.help_text("teams") if open_session is not None else say.TEAMS_POINTER
            await outbox.send(ref, Notice(hint, icon="info"))
            return
        if open_session is not None:
            word = menu_word(text)
            if word is not None:
                persona = self.chat.persona(open_session.persona_id)
                line = say.command_in_practice(say.first_name(persona), word)
                await outbox.send(ref.in_thread(open_session.thread_id), Notice(line, icon="info"))
                return
        asked = first.strip().lower().rstrip(":.")
        if open_session is None and self.interviews is not None and asked in LOG_WORDS:
            await self.interviews.show_log_form(ref)
            return
        if open_session is None and self.interviews is not None and asked in INTERVIEWS_WORDS:
            await self.interviews.show_list(ref)
            return
        questions = review_questions(text) if open_session is None else None
        if questions is not None:
            if questions:
                await outbox.send(ref, await self.chat.review_list(questions))
            else:
                await self._post(ref, review_form())
            return
        if open_session is not None:
            ref = ref.in_thread(open_session.thread_id)
        elif text.lower().startswith("/practice"):
            text = text[1:]  # Slack's slash command, typed in Teams: the Teams word
        if open_session is None and text and self._is_plain_chat(text):
            await outbox.send(ref, Notice(say.TEAMS_POINTER, icon="info"))
            return
        await self.answer(outbox, message_work(ref, incoming, text))

    async def answer(self, outbox: TeamsOutbox, work: PendingWork) -> None:
        """Answer a practice message durably (:meth:`DurableChat.handle`): it is stored with
        its claim before the model is asked; a process that dies, or a reply the connector
        refuses, leaves the claim to the recovery loop (``serve teams`` runs it), which
        redoes it from the stored work (a saved turn's reply is re-sent, never asked again).

        The claim :meth:`_preclaim` took for this activity is run when it is this work
        (same primary key); otherwise the work is claimed here.

        Raises:
            bot.store.StoreUnavailable: the claim could not be stored (the caller tells the user).
        """
        pre = _PRECLAIMED.get()
        if pre is not None and pre.key == work.keys[0]:
            _PRECLAIMED.set(None)
            await self.durable.run(outbox, pre)
            return
        await self.durable.handle(outbox, work)

    @staticmethod
    def _is_plain_chat(text: str) -> bool:
        """True for a top-level message that is not a start request (gets the Teams pointer)."""
        return parse_start_request(text) is None

    async def card(self, outbox: TeamsOutbox, ref: ConversationRef, incoming: Incoming) -> None:
        """A card press: look its ``ec`` up in :attr:`actions` and run the handler.

        A value that is not ours, an unknown action or a missing id gets
        :data:`~bot.presenters.practice.CARD_NOT_UNDERSTOOD`; a session that is not
        found or not the user's gets the same plain refusal as in Slack.
        """
        action = parse_card_value(incoming.value)
        route = self.actions.get(action.ec) if action is not None else None
        if action is None or route is None or (route.needs_id and action.id is None):
            log.warning("refused a Teams card value that is not one of ours")
            await outbox.send(ref, Notice(say.CARD_NOT_UNDERSTOOD))
            return
        pressed = incoming.reply_to_id
        if pressed is not None and not await self._first_press(incoming, pressed):
            log.info("refused a second press of the same Teams card (%s)", action.ec)
            await outbox.send(ref, Notice(ALREADY_DONE))
            return
        replace = route.replaces and action.fields.get(KEEP_CARD) != "true"
        with replacing(ref.conversation_id, pressed if replace else None):
            await self._run(route, outbox, ref, action, incoming)

    async def _run(
        self,
        route: CardRoute,
        outbox: TeamsOutbox,
        ref: ConversationRef,
        action: CardAction,
        incoming: Incoming,
    ) -> None:
        """Run one card handler; a refusal it raises is answered plainly."""
        try:
            await route.handle(outbox, ref, action, incoming)
        except NotYourSession:
            log.warning("refused %s by %s: the session is someone else's", action.ec, ref.user_id)
            await outbox.send(ref, Notice(say.NOT_YOURS))
        except SessionNotFound:
            log.warning("refused %s by %s: no such session", action.ec, ref.user_id)
            await outbox.send(ref, Notice(say.NOT_FOUND))
        except SessionBusy as exc:
            await outbox.send(ref, Notice(str(exc)))
        except NotYourInterview:
            log.warning("refused %s by %s: the interview is someone else's", action.ec, ref.user_id)
            await outbox.send(ref, Notice(words.NOT_YOUR_INTERVIEW))
        except InterviewNotFound:
            log.warning("refused %s by %s: no such interview", action.ec, ref.user_id)
            await outbox.send(ref, Notice(words.INTERVIEW_NOT_FOUND))

    async def _post(self, ref: ConversationRef, message: TeamsMessage) -> None:
        """Post one rendered card in ``ref``'s chat."""
        await post_message(self.app, ref, message)

    # -- after-interview cards -------------------------------------------------

    def _service(self) -> ReflectionService:
        assert self.reflections is not None  # these routes exist only with the service
        return self.reflections

    async def _who(self, ref: ConversationRef, interview_id: str) -> str:
        info = await self._service().get_interview(ref.workspace_id, ref.user_id, interview_id)
        return info.caregiver_pseudonym

    async def _on_exact_words_form(
        self, outbox: TeamsOutbox, ref: ConversationRef, action: CardAction, _: Incoming
    ) -> None:
        iv = action.id or ""
        info = await self._service().get_interview(ref.workspace_id, ref.user_id, iv)
        saved = {"text": info.exact_words} if info.exact_words else None
        await self._post(ref, exact_words_form(iv, info.caregiver_pseudonym, saved))

    async def _on_reflection_form(
        self, outbox: TeamsOutbox, ref: ConversationRef, action: CardAction, _: Incoming
    ) -> None:
        iv = action.id or ""
        await self._post(ref, reflection_form(iv, await self._who(ref, iv)))

    async def _on_save_exact_words(
        self, outbox: TeamsOutbox, ref: ConversationRef, action: CardAction, _: Incoming
    ) -> None:
        iv, f = action.id or "", action.fields
        try:
            await self._service().save_exact_words(
                ref.workspace_id, ref.user_id, iv, f.get("text", "")
            )
        except InvalidInput as exc:
            await self._post(ref, exact_words_form(iv, await self._who(ref, iv), f, str(exc)))
            return
        await outbox.send(ref, Notice(words.THANKS_EXACT_WORDS))

    async def _on_save_reflection(
        self, outbox: TeamsOutbox, ref: ConversationRef, action: CardAction, _: Incoming
    ) -> None:
        iv, f = action.id or "", action.fields
        reflection = Reflection(
            **{field: f.get(field, "") for field in words.REFLECTION_QUESTIONS},
            nothing_new=f.get("nothing_new") == "true",
        )
        try:
            red = await self._service().save_reflection(
                ref.workspace_id, ref.user_id, iv, reflection
            )
        except InvalidInput as exc:
            await self._post(ref, reflection_form(iv, await self._who(ref, iv), f, str(exc)))
            return
        thanks = words.THANKS_REFLECTION_RED_FLAG if red else words.THANKS_REFLECTION
        await outbox.send(ref, Notice(thanks))

    async def _on_dispute(
        self, outbox: TeamsOutbox, ref: ConversationRef, action: CardAction, _: Incoming
    ) -> None:
        """Record "Was this note wrong?" through the same service as Slack's modal."""
        session_id, _sep, turn = (action.id or "").rpartition(":")
        if not session_id or not turn.isdigit() or not 0 < int(turn) < 100_000:
            log.warning("refused %s: malformed value", action.ec)
            await outbox.send(ref, Notice(say.CARD_NOT_UNDERSTOOD))
            return
        kinds = [k.strip() for k in action.fields.get("kinds", "").split(",") if k.strip()]
        try:
            saved = await self.chat.sessions.dispute_note(
                ref.workspace_id,
                ref.user_id,
                session_id,
                int(turn),
                kinds=kinds,
                comment=sanitize(action.fields.get("comment", "")),
            )
        except NothingToDispute:
            await outbox.send(ref, Notice(say.DISPUTE_NOTHING))
            return
        thanks = dispute_updated(saved.earlier) if saved.earlier else say.DISPUTE_SAVED
        await outbox.send(ref, Notice(thanks))

    async def _on_review_list(
        self, outbox: TeamsOutbox, ref: ConversationRef, action: CardAction, _: Incoming
    ) -> None:
        """Review the list typed in the form; an empty one gets the form back."""
        questions = action.fields.get("questions", "")
        if not questions.strip():
            await self._post(ref, review_form(error=EMPTY_LIST))
            return
        await outbox.send(ref, await self.chat.review_list(sanitize(questions)))

    async def _on_start(
        self, outbox: TeamsOutbox, ref: ConversationRef, action: CardAction, _: Incoming
    ) -> None:
        await self._start(outbox, ref, action.id or "")

    async def _on_end(
        self, outbox: TeamsOutbox, ref: ConversationRef, action: CardAction, _: Incoming
    ) -> None:
        await self.chat.end(outbox, ref, action.id or "")

    async def _on_coach(
        self, outbox: TeamsOutbox, ref: ConversationRef, action: CardAction, _: Incoming
    ) -> None:
        await self.chat.request_coach(outbox, ref, action.id or "")

    async def _start(self, outbox: TeamsOutbox, ref: ConversationRef, persona_id: str) -> None:
        persona = self.chat.personas.get(persona_id)
        if persona is None:
            await outbox.send(ref, Notice(say.unknown_persona(persona_id)))
            return
        open_session = await self.chat.open_session(ref)
        if open_session is not None:
            await outbox.send(
                ref, Notice(say.still_open_here(self.chat.persona(open_session.persona_id)))
            )
            return
        await self.chat.start(outbox, ref, persona)


def message_work(
    ref: ConversationRef, incoming: Incoming, text: str, *, delivered: bool = False
) -> PendingWork:
    """The durable work of one practice message (the claim's payload, enough to redo it).

    Args:
        ref: where it goes (the open session's thread, the user, the service URL the
            recovery posts to proactively).
        incoming: the parsed activity (its activity id keys the claim).
        text: the message as plain text.
        delivered: also claim the activity's delivery key (:meth:`TeamsHandlers._first_delivery`),
            for a message claimed before that key was committed (:meth:`TeamsHandlers._preclaim`).

    Returns:
        A ``message`` :class:`PendingWork` keyed ``teams-msg:<sha256 of chat and activity id>``
        (and ``teams:<the same hash>`` when ``delivered``).
    """
    seen = incoming.id or secrets.token_hex(16)  # no id: never a duplicate
    digest = hashlib.sha256(f"{incoming.conversation.id}\0{seen}".encode()).hexdigest()
    keys = [f"teams-msg:{digest}"]
    if delivered:
        keys.append(f"teams:{digest}")
    return PendingWork(kind="message", ref=ref, keys=keys, text=text)


def register(
    app: App,
    chat: PracticeChat,
    reflections: ReflectionService | None = None,
    *,
    handlers: TeamsHandlers | None = None,
    tenant_id: str | None = None,
) -> TeamsHandlers:
    """Register the message, card-action and conversation-update handlers on ``app``,
    each behind the door (:func:`bot.teams.door.guard`: another tenant's activity runs
    nothing; a message's bot mention and Teams HTML become plain text first).

    Args:
        app: the Teams SDK app.
        chat: the shared practice use cases.
        reflections: where each user's client time zone is stored, or None.
        handlers: the handlers to register (a subclass with more parts), or None.
        tenant_id: ``TENANT_ID``, the one tenant served; None serves any (tests only).

    Returns:
        The :class:`TeamsHandlers` (tests call its methods directly).
    """
    handlers = handlers or TeamsHandlers(app, chat, reflections)
    on_message, on_card_action, on_conversation_update = guard(
        app,
        tenant_id,
        on_message=handlers.on_message,
        on_card_action=handlers.on_card_action,
        on_conversation_update=handlers.on_conversation_update,
    )
    app.on_message(on_message)
    app.on_card_action(on_card_action)
    app.on_conversation_update(on_conversation_update)
    return handlers
