"""The Teams handlers with the coach and channel parts added.

:class:`CoachingHandlers` extends :class:`~bot.teams.handlers.TeamsHandlers` (the
staff practice) without changing it: every 1:1 activity also refreshes the
person's stored chat (so a coach can be told, and staff get feedback, later);
typed coach commands outside a practice and coach card presses go to
:class:`~bot.teams.coach_flows.TeamsCoach`; in a team channel, the app's install
is stored (:class:`~bot.teams.channels.TeamsChannels`) and *Record our decision*
is recorded. Coach card presses are routes of the staff handlers' card-action
table (:meth:`~bot.teams.handlers.TeamsHandlers.add_action`). Everything else is
the staff handlers' own path.
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING, Any

from bot.presenters import practice as say
from bot.presenters.views import Notice
from bot.services.chat_refs import ChatReferences
from bot.services.conversation import PracticeChat
from bot.services.ports import ConversationRef
from bot.services.reflection import ReflectionService
from bot.store import StoreUnavailable
from bot.teams.actions import CardAction, invoke_response
from bot.teams.channels import TeamsChannels
from bot.teams.coach_actions import COACH_ACTIONS, parse_coach_value
from bot.teams.coach_flows import TeamsCoach
from bot.teams.coach_outbox import ReachingOutbox
from bot.teams.handlers import TeamsHandlers
from bot.teams.outbox import TeamsOutbox, answering_invoke
from bot.teams.refs import Incoming, parse_activity

if TYPE_CHECKING:
    from microsoft_teams.api import InvokeResponse
    from microsoft_teams.apps import ActivityContext, App

__all__ = ["CoachingHandlers"]

log = logging.getLogger(__name__)


def _body(ctx: Any) -> dict[str, Any]:
    return dict(ctx.activity.model_dump(by_alias=True, exclude_none=True))


class CoachingHandlers(TeamsHandlers):
    """The staff handlers plus coaches (1:1 chat) and channels (team install, decisions).

    Args:
        app: the Teams SDK app.
        chat: the shared practice use cases (with the seeded coaching service).
        reflections: the after-interview use cases.
        coach: the coach commands and presses.
        refs: the stored conversation references.
        channels: the channel install and decisions.
    """

    def __init__(
        self,
        app: App,
        chat: PracticeChat,
        reflections: ReflectionService | None,
        *,
        coach: TeamsCoach,
        refs: ChatReferences,
        channels: TeamsChannels,
    ) -> None:
        super().__init__(app, chat, reflections)
        self.coach = coach
        self.refs = refs
        self.channels = channels
        for ec in COACH_ACTIONS:
            if ec.startswith("coach_"):
                self.add_action(ec, self._coach_press)

    def outbox_for(self, ref: ConversationRef) -> TeamsOutbox:
        """The outbox of one activity: it can reach other people's chats."""
        return ReachingOutbox(self.app, ref, self.refs)

    # -- 1:1 chat -------------------------------------------------------------

    async def message(self, outbox: TeamsOutbox, ref: ConversationRef, incoming: Incoming) -> None:
        """Keep the person's chat; a coach command outside a practice; else the staff path."""
        await self.refs.remember_chat(ref, incoming.user.name)
        text = incoming.text.strip()
        if (
            text
            and isinstance(outbox, ReachingOutbox)
            and self.coach.is_command(text)
            and await self.chat.open_session(ref) is None
        ):
            await self.coach.command(outbox, ref, text, mentioned=incoming.mentioned())
            return
        await super().message(outbox, ref, incoming)

    async def _coach_press(
        self, outbox: TeamsOutbox, ref: ConversationRef, _: CardAction, incoming: Incoming
    ) -> None:
        """A coach card's press (a route of the card-action table): the coach flows."""
        action = parse_coach_value(incoming.value)
        if action is None or not isinstance(outbox, ReachingOutbox):
            await outbox.send(ref, Notice(say.CARD_NOT_UNDERSTOOD))
            return
        await self.refs.remember_chat(ref, incoming.user.name)
        await self.coach.press(outbox, ref, action)

    # -- channels -------------------------------------------------------------

    async def on_message(self, ctx: ActivityContext[Any]) -> None:
        """A message: in a team channel, *Record our decision*; else the 1:1 path."""
        body = _body(ctx)
        incoming = parse_activity(body)
        if incoming is not None and not incoming.personal:
            action = parse_coach_value(incoming.value)
            if action is not None and action.ec in ("team_decision", "record_team_decision"):
                await self._in_channel(incoming, body, action)
                return
        await super().on_message(ctx)

    async def on_card_action(self, ctx: ActivityContext[Any]) -> InvokeResponse[Any]:
        """A Universal Action: in a team channel, *Record our decision*; else the 1:1 path."""
        body = _body(ctx)
        incoming = parse_activity(body)
        if incoming is not None and not incoming.personal:
            action = parse_coach_value(incoming.value)
            if action is not None and action.ec in ("team_decision", "record_team_decision"):
                with answering_invoke(incoming.reply_to_id) as answer:
                    await self._in_channel(incoming, body, action)
                return invoke_response(answer.card)
        return await super().on_card_action(ctx)

    async def on_conversation_update(self, ctx: ActivityContext[Any]) -> None:
        """The app added to (or removed from) a team: keep (or forget) its channel;
        in a 1:1 chat: keep the chat and greet (the staff path)."""
        body = _body(ctx)
        incoming = parse_activity(body)
        if incoming is None:
            return
        try:
            if incoming.personal:
                await self.refs.remember_chat(incoming.ref(), incoming.user.name)
            else:
                await self.channels.on_update(incoming, body)
                return
        except StoreUnavailable as exc:
            log.error("Teams install not stored: %s", exc)
            return
        except Exception:
            log.exception("Teams conversation update not handled")
            return
        await super().on_conversation_update(ctx)

    async def _in_channel(self, incoming: Incoming, body: dict[str, Any], action: Any) -> None:
        ref = incoming.ref()
        try:
            if incoming.id:
                key = f"{incoming.conversation.id}\0{incoming.id}".encode()
                digest = hashlib.sha256(key).hexdigest()
                if not await self.chat.sessions.claim_event(incoming.tenant, f"teams:{digest}"):
                    log.info("ignored a redelivered Teams channel activity")
                    return
            await self.channels.decide(incoming, body, action, self._press_key)
        except StoreUnavailable as exc:
            log.error("Teams channel activity not handled: %s", exc)
            await TeamsOutbox(self.app, ref, streaming=False).send(
                ref, Notice(say.CANT_SAVE, icon="warning")
            )
        except Exception:
            log.exception("Teams channel activity not handled")
