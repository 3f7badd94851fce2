"""The Teams side of the coach use cases, in the coach's 1:1 chat with the app.

Typed commands (``coach``, ``coach all``, ``coach list``, ``coach add [id]``,
``coach remove [id]`` (without an id: a card with Teams' people picker, or the list of
coaches), ``coach help``, ``progress``, ``team progress``) and the
presses of the coach cards call the same services Slack calls
(:class:`~bot.services.coaching.Coaching`, :mod:`bot.services.coach_screens`,
:class:`~bot.services.progress.ProgressService`); those check the person's role
and the workspace (the Teams tenant) on every call. A refusal is said in the chat,
never an error.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

import httpx

from bot.core.persona import Persona
from bot.presenters import coach_screens as say
from bot.presenters import coaching as coach_words
from bot.presenters import practice as practice_words
from bot.presenters import progress as progress_words
from bot.presenters.charts import chart_series, render_png, summary_text
from bot.presenters.coach_limits import CARD_TOO_BIG
from bot.presenters.platform_words import TEAMS
from bot.presenters.views import Notice
from bot.services import coach_screens as screens
from bot.services.chat_refs import ChatReferences
from bot.services.coaching import Coaching
from bot.services.coaching_results import CoachError, FlagInfo, SentFeedback
from bot.services.ports import ConversationRef
from bot.services.progress import CoachesOnly, ProgressService
from bot.services.session_results import NotYourSession, SessionNotFound
from bot.teams.coach_actions import CoachCardAction
from bot.teams.coach_cards import HELP, people_picker_card
from bot.teams.coach_outbox import UNKNOWN_PERSON, CardTooBig, ReachingOutbox

__all__ = ["QUEUE_PAGE", "TeamsCoach", "refusal"]

log = logging.getLogger(__name__)

QUEUE_PAGE = 5
"""Sessions per page of the queue card: the same page as Slack's Home tab queue."""

REFUSALS = (CoachError, SessionNotFound, NotYourSession)
"""What a coach action may be refused with; :func:`refusal` words each."""

_ENTRA_ID = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
"""A Microsoft Entra object id (what the Teams adapter uses as a user id)."""

NOT_AN_ID = (
    "I can't look people up by a typed name: pick them on this card (or give their Microsoft "
    "Entra object id, for example: coach add 3f2504e0-4f89-41d3-9a0c-0305e82c3301)."
)
PICK_SOMEONE = "Please pick a person on the card, then press the button again."


def mentioned_entra_id(who: Mapping[str, object]) -> str | None:
    """The Entra object id of an @mentioned account, or None.

    Teams' mention entity names the person by ``mentioned.id``: their Entra object id
    (a GUID, what coaches are stored by: the picker's value is ``aadObjectId`` too) or
    their ``29:…`` Teams id, which has ``aadObjectId`` beside it when Teams sends it.
    A ``29:`` id alone cannot be turned into an object id here (it gets the picker).

    Args:
        who: the entity's ``mentioned`` account.
    """
    for key in ("aadObjectId", "id"):
        value = who.get(key)
        if isinstance(value, str) and _ENTRA_ID.match(value.strip()):
            return value.strip().lower()
    return None


COACHES_ONLY = "Only coaches can see the team's progress. Type progress for yours."
ADDED_UNREACHABLE = (
    " They haven't opened a chat with me yet, so I couldn't tell them; they'll see the queue "
    "when they type coach in their chat with me."
)


def feedback_not_delivered(who: str) -> str:
    """The coach's message when Teams did not take the feedback: nothing was sent."""
    return (
        f"Teams didn't accept the feedback for {who} just now, so it wasn't sent and is "
        "still saved as a draft. Please press Send feedback again in a minute."
    )


def refusal(exc: BaseException) -> str:
    """The plain words for a refused coach action, in Teams' words.

    A refusal the services raise with a ``reason`` (who may do it, where) is worded for
    Teams (:func:`bot.presenters.coaching.refusal_text` with :data:`TEAMS`: coaches of
    the organization, no workspace admins, no slash commands); the rest say the same
    on every platform.
    """
    if isinstance(exc, CoachError) and exc.reason:
        return coach_words.refusal_text(exc.reason, TEAMS) or str(exc) or say.TRY_AGAIN
    if isinstance(exc, CoachesOnly):
        return COACHES_ONLY
    if isinstance(exc, NotYourSession):
        return str(exc) if type(exc) is not NotYourSession else practice_words.SESSION_NOT_YOURS
    if isinstance(exc, SessionNotFound):
        return practice_words.SESSION_NOT_FOUND
    return str(exc) or say.TRY_AGAIN


def _flag_words(flags: Sequence[FlagInfo]) -> tuple[str, ...]:
    """Why a session was flagged, in Teams' words (the organization's setting)."""
    return tuple(coach_words.flag_reason(f.code, f.figures, TEAMS) for f in flags)


class TeamsCoach:
    """Coach commands and card presses in Teams.

    Args:
        coaching: the coach use cases (seeded with ``EC_COACH_USER_IDS``).
        refs: the stored conversation references (names, other people's chats).
        personas: persona id -> card.
        progress: the progress use cases.
    """

    def __init__(
        self,
        coaching: Coaching,
        refs: ChatReferences,
        personas: Mapping[str, Persona],
        progress: ProgressService,
    ) -> None:
        self.coaching = coaching
        self.refs = refs
        self.personas = personas
        self.progress = progress

    # -- typed commands -----------------------------------------------------

    @staticmethod
    def is_command(text: str) -> bool:
        """True when ``text`` is a coach or progress command (checked outside a practice)."""
        words = text.strip().lower().split()
        if not words:
            return False
        return words[0] in ("coach", "/coach") or words in (["progress"], ["team", "progress"])

    async def command(
        self,
        outbox: ReachingOutbox,
        ref: ConversationRef,
        text: str,
        *,
        mentioned: Sequence[Mapping[str, object]] = (),
    ) -> None:
        """Run one typed command and answer in the chat.

        Args:
            outbox: the activity's outbox.
            ref: who typed it, where.
            text: the message (``coach …`` or ``progress`` / ``team progress``).
            mentioned: the people @mentioned in it (:meth:`Incoming.mentioned
                <bot.teams.refs.Incoming.mentioned>`): ``coach add @name`` uses the first
                one's Entra object id (:func:`mentioned_entra_id`).
        """
        words = text.strip().split()
        lowered = [w.lower() for w in words]
        if lowered == ["progress"]:
            await self.chart(outbox, ref, "me")
            return
        if lowered == ["team", "progress"]:
            await self.chart(outbox, ref, "team")
            return
        verb = lowered[1] if len(words) > 1 else "queue"
        arg = words[2] if len(words) > 2 else ""
        picked = mentioned_entra_id(mentioned[0]) if mentioned else None
        if picked is not None:
            arg = picked
        elif mentioned:
            arg = ""  # a mention with a 29: id only: the picker, not "a typed name"
        ws = ref.workspace_id
        try:
            if verb in ("queue", "all"):
                await self.queue(outbox, ref, unreviewed_only=verb == "queue")
                return
            if verb == "help":
                await outbox.send(ref, Notice(HELP))
                return
            if verb == "list":
                coaches = await self.coaching.coaches(ws)
                names = await self.refs.names(ws, "teams", [c.user_id for c in coaches])
                whos = [names.get(c.user_id, c.user_id) for c in coaches]
                await outbox.send(ref, Notice(say.coach_list(whos, TEAMS)))
                return
            if verb in ("add", "remove"):
                await self._change(outbox, ref, verb, arg)
                return
        except REFUSALS as exc:
            await outbox.send(ref, Notice(refusal(exc)))
            return
        await outbox.send(ref, Notice(f"I don't know “{' '.join(words)}”.\n\n{HELP}"))

    async def _picker(
        self, outbox: ReachingOutbox, ref: ConversationRef, verb: str, typed: str
    ) -> None:
        """The people picker (add) or the coach list (remove), after the same role check."""
        ws = ref.workspace_id
        found = await self.coaching.managers_coaches(ws, ref.user_id, actor_is_admin=False)
        coaches = [c.user_id for c in found]
        names = await self.refs.names(ws, "teams", coaches)
        listed = [(c, names.get(c, c)) for c in coaches if c != ref.user_id]
        note = NOT_AN_ID if typed else ""
        await outbox.send_card(ref, people_picker_card(verb, listed, note=note))

    async def _change(
        self,
        outbox: ReachingOutbox,
        ref: ConversationRef,
        verb: str,
        arg: str,
        *,
        picked: bool = False,
    ) -> None:
        if not _ENTRA_ID.match(arg):
            if picked:
                await outbox.send(ref, Notice(PICK_SOMEONE, icon="warning"))
            else:
                await self._picker(outbox, ref, verb, arg)
            return
        target = arg.lower()
        ws, me = ref.workspace_id, ref.user_id
        names = await self.refs.names(ws, "teams", [target, me])
        who = names.get(target, target)
        if verb == "remove":
            change = await self.coaching.remove_coach(ws, me, target, actor_is_admin=False)
            await outbox.send(ref, Notice(say.coach_removed(who, change.changed, TEAMS)))
            return
        change = await self.coaching.add_coach(ws, me, target, actor_is_admin=False)
        answer = say.coach_added(who, change.changed, TEAMS)
        if change.changed:
            answer = answer.split(". ")[0] + "."
            try:
                chat = await outbox.direct(ws, target)
                await outbox.send(
                    chat, Notice(say.you_were_added(names.get(me, UNKNOWN_PERSON), 0, TEAMS))
                )
                answer += " I've let them know."
            except LookupError:
                answer += ADDED_UNREACHABLE
        await outbox.send(ref, Notice(answer))

    # -- screens ------------------------------------------------------------

    async def queue(
        self,
        outbox: ReachingOutbox,
        ref: ConversationRef,
        *,
        unreviewed_only: bool = True,
        offset: int = 0,
    ) -> None:
        """Post one page of the coach queue (newest first, :data:`QUEUE_PAGE` rows).

        Raises:
            NotAllowed: not a coach in this tenant (the caller words it).
        """
        page = await self.coaching.queue(
            ref.workspace_id,
            ref.user_id,
            unreviewed_only=unreviewed_only,
            offset=offset,
            limit=QUEUE_PAGE,
        )
        view = screens.queue_view(page, self.personas)
        rows = tuple(
            replace(row, flag_reasons=_flag_words(item.flags))
            for row, item in zip(view.items, page.items, strict=True)
        )
        await outbox.send(ref, replace(view, items=rows))

    async def transcript(
        self,
        outbox: ReachingOutbox,
        ref: ConversationRef,
        session_id: str,
        page: int,
        *,
        record_read: bool = True,
        start: int = 0,
    ) -> None:
        """Post one page of a transcript (the service records the read unless redrawn).

        Args:
            start: show the page from this turn on (a page split to fit one card).

        Raises:
            CardTooBig: Teams refused the card as too large (the caller says so).
        """
        result = await self.coaching.transcript(
            ref.workspace_id,
            ref.user_id,
            session_id,
            page=page,
            per_page=screens.TURNS_PER_PAGE,
            record_read=record_read,
        )
        view = replace(
            screens.transcript_view(result, self.personas),
            start=start,
            flag_reasons=_flag_words(result.flags),
        )
        await outbox.send(ref, view)

    async def chart(self, outbox: ReachingOutbox, ref: ConversationRef, whose: str) -> None:
        """Post a progress chart: ``me`` (anyone's own), ``team`` or ``staff:<id>`` (coaches).

        The PNG is shown inline with the same figures as text beside it.
        """
        ws, me = ref.workspace_id, ref.user_id
        try:
            if whose == "me":
                staff = await self.progress.staff_progress(ws, me, me, viewer_is_coach=False)
                data = chart_series(staff) if staff.sessions else None
            else:
                is_coach = await self.coaching.is_coach(ws, me)
                if not is_coach:
                    await outbox.send(ref, Notice(COACHES_ONLY))
                    return
                if whose == "team":
                    whole = await self.progress.workspace_progress(ws, me, viewer_is_coach=True)
                    data = chart_series(whole) if whole.weeks else None
                else:
                    staff_id = whose.removeprefix("staff:")
                    staff = await self.progress.staff_progress(
                        ws, me, staff_id, viewer_is_coach=True
                    )
                    names = await self.refs.names(ws, "teams", [staff_id])
                    title = progress_words.staff_chart_title(names.get(staff_id))
                    data = chart_series(staff, title=title) if staff.sessions else None
        except NotYourSession as exc:
            await outbox.send(ref, Notice(refusal(exc)))
            return
        if data is None:
            none_yet = progress_words.NONE_YET_TEAM
            await outbox.send(ref, Notice(none_yet))
            return
        png = await asyncio.to_thread(render_png, data)
        await outbox.send_image(ref, summary_text(data), png, "progress.png")

    # -- card presses -------------------------------------------------------

    async def press(
        self, outbox: ReachingOutbox, ref: ConversationRef, action: CoachCardAction
    ) -> None:
        """One press on a coach card (a refusal is said in the chat)."""
        try:
            await self._press(outbox, ref, action)
        except REFUSALS as exc:
            log.warning("refused %s by %s: %s", action.ec, ref.user_id, type(exc).__name__)
            await outbox.send(ref, Notice(refusal(exc), icon="warning"))  # the card stays
        except CardTooBig as exc:  # logged where it happened; everything is stored
            log.warning("%s by %s: %s", action.ec, ref.user_id, exc)
            await outbox.send(ref, Notice(CARD_TOO_BIG, icon="warning"))

    async def _press(
        self, outbox: ReachingOutbox, ref: ConversationRef, action: CoachCardAction
    ) -> None:
        ws, me, sid = ref.workspace_id, ref.user_id, action.id
        if action.ec == "coach_queue":
            await self.queue(outbox, ref, unreviewed_only=action.id != "all", offset=action.page)
        elif action.ec == "coach_open":
            start = int(action.turn) if action.turn and action.turn.isdigit() else 0
            await self.transcript(outbox, ref, sid, action.page, start=start)
        elif action.ec == "coach_comment":
            turn = None if action.turn in (None, "", "all") else int(action.turn)
            await self.coaching.add_feedback(ws, me, sid, action.text or "", turn_index=turn)
            await outbox.send(ref, Notice(say.FEEDBACK_SAVED))
            await self.transcript(outbox, ref, sid, action.page, record_read=False)
        elif action.ec == "coach_send":
            await self._send_feedback(outbox, ref, sid)
        elif action.ec == "coach_reviewed":
            await self.coaching.mark_reviewed(ws, me, sid)
            await outbox.send(ref, Notice(say.REVIEWED))
        elif action.ec == "coach_progress":
            await self.chart(outbox, ref, sid)
        elif action.ec == "coach_change":
            if action.id not in ("add", "remove"):
                await outbox.send(ref, Notice(practice_words.CARD_NOT_UNDERSTOOD, icon="warning"))
                return
            await self._change(outbox, ref, action.id, (action.person or "").strip(), picked=True)
        elif action.ec == "coach_reply":
            if not sid.isdigit():
                await outbox.send(ref, Notice(practice_words.CARD_NOT_UNDERSTOOD, icon="warning"))
                return
            fb = await self.coaching.reply_to_feedback(ws, me, int(sid), action.text or "")
            await outbox.send(ref, Notice(say.REPLY_SAVED))
            await self._tell_coach(outbox, ref, fb.coach_user_id, fb.session_id, fb.reply or "")

    async def _send_feedback(
        self, outbox: ReachingOutbox, ref: ConversationRef, session_id: str
    ) -> None:
        """*Send feedback*: deliver the coach's drafts to the staff member, then mark them sent.

        The drafts are read first (the same coach and session checks as the transcript)
        and posted as :func:`bot.teams.coach_cards.feedback_cards` (split to fit Teams'
        message size); only when Teams accepted every part does
        :meth:`~bot.services.coaching.Coaching.send_feedback` mark them sent. A 413 or a
        failed post leaves them drafts and the coach is told to send again (issue 12).
        A staff member who never opened a chat with the app gets it marked sent, as
        before (logged; they see it when they do).

        Raises:
            CoachError / SessionNotFound: as :meth:`Coaching.send_feedback` (no draft:
                ``NothingToSend``).
        """
        ws, me = ref.workspace_id, ref.user_id
        t = await self.coaching.transcript(
            ws, me, session_id, page=0, per_page=screens.TURNS_PER_PAGE, record_read=False
        )
        drafts = tuple(f for f in t.feedback if f.sent_at is None and f.coach_user_id == me)
        names = await self.refs.names(ws, "teams", [t.staff_user_id])
        who = names.get(t.staff_user_id, UNKNOWN_PERSON)
        if drafts:
            dm = SentFeedback(
                staff_user_id=t.staff_user_id,
                items=drafts,
                session_id=session_id,
                persona_id=t.persona_id,
                coach_user_id=me,
            )
            try:
                chat = await outbox.direct(ws, t.staff_user_id)
                await outbox.send(chat, screens.feedback_dm(dm, self.personas))
            except LookupError:
                log.warning("feedback on %s saved but its owner has no Teams chat", session_id)
            except (CardTooBig, httpx.HTTPError) as exc:
                log.error("feedback on %s not delivered, kept as drafts: %s", session_id, exc)
                await outbox.send(ref, Notice(feedback_not_delivered(who), icon="warning"))
                return
        sent = await self.coaching.send_feedback(ws, me, session_id)  # none: NothingToSend
        await outbox.send(ref, Notice(say.feedback_sent(who, len(sent.items))))
        # the transcript again (its Mark reviewed), as after a comment (issue 12)
        await self.transcript(outbox, ref, session_id, 0, record_read=False)

    async def _tell_coach(
        self,
        outbox: ReachingOutbox,
        ref: ConversationRef,
        coach_id: str,
        session_id: str,
        reply: str,
    ) -> None:
        names = await self.refs.names(ref.workspace_id, "teams", [ref.user_id])
        head = say.reply_to_coach(names.get(ref.user_id, UNKNOWN_PERSON))
        try:
            chat = await outbox.direct(ref.workspace_id, coach_id)
        except LookupError:
            log.warning("reply on %s saved but the coach has no Teams chat", session_id)
            return
        await outbox.send(chat, Notice(f"{head}\n\n“{reply}”\n\nType coach to open your queue."))
