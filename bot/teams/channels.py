"""Teams channels: the app added to a team, the weekly team gathering, the team's decision.

When the app is installed in a team, Teams sends a ``conversationUpdate`` whose
``membersAdded`` holds the bot and whose ``channelData.team`` names the team; the
team's id is its General channel's conversation id. :class:`TeamsChannels` keeps
that channel's conversation reference (:class:`~bot.services.chat_refs.ChatReferences`)
and says hello there; removing the app forgets it.

The weekly team gathering (a ``team_gathering`` reminder made by the after-interview
services) is posted in its channel by the reminders' Teams deliverer
(:mod:`bot.teams.deliver`) with *Record our decision*. The press comes back as a
message activity in the channel (or an ``adaptiveCard/action`` invoke):
:meth:`TeamsChannels.decide` answers in the post's thread (the channel's id with
``;messageid=<post id>``, :func:`~bot.teams.refs.thread_conversation_id`; Teams sends a
press on a root post with the channel's own id and the post as ``replyToId``). The
press posts the decision form (:func:`decision_form`, which carries the post's id); the
form's submit is recorded by :meth:`ReflectionService.record_team_decision` once per
gathering post (the handlers' card claim, ``teams-card:``; a second submit of the form,
which Teams sends as a new activity, says the card was already used), the form becomes
the thanks and the post becomes the decision (:func:`decided_message`; a new message in
the thread when the update is refused). Both check that the press came from the
gathering's own conversation.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.presenters import reflection as words
from bot.presenters.reflection import ACTION_LABELS, DECISION_NEEDED, TEXT_NAMES
from bot.presenters.views import Notice
from bot.services.chat_refs import ChannelRef, ChatReferences
from bot.services.interview_input import clean_text
from bot.services.ports import MAX_ID_CHARS, ConversationRef
from bot.services.reflection import (
    Gathering,
    GatheringNotFound,
    InvalidInput,
    ReflectionService,
    TeamDecisionInfo,
    WrongConversation,
)
from bot.services.reflections import AlreadyDecided
from bot.teams.actions import ALREADY_DONE_IN_THREAD
from bot.teams.cards import TeamsMessage, card, text_block
from bot.teams.coach_actions import CoachCardAction
from bot.teams.outbox import TeamsOutbox, post_message, replacing
from bot.teams.refs import Incoming, thread_conversation_id, thread_root_of

if TYPE_CHECKING:
    from microsoft_teams.apps import App

__all__ = [
    "DECISION_BUTTON",
    "DECISION_SAVED",
    "PressKey",
    "TeamsChannels",
    "channel_of",
    "decided_message",
    "decision_form",
]

log = logging.getLogger(__name__)

DECISION_BUTTON = ACTION_LABELS["record_team_decision"]
DECISION_LABEL = "What did the team decide to try?"
DECISION_SAVED = "Thanks, your team's decision is recorded."
WELCOME = (
    "Thanks for adding Empathy Coach to this team. After staff log a real empathy interview "
    "for this team, I'll post the week's gathering here: what the team heard, and a place to "
    "record what you decide to try."
)
WRONG_PLACE = "Please record the decision on the gathering post in its own channel."
GONE = "I couldn't find that gathering any more; it may have been cancelled."
DECIDED = "Our one thing to try this week"
AFTER_TRYING = "After trying it, a second conversation with families shows how it landed."

_ID = re.compile(r"[A-Za-z0-9_.:@-]+")
"""The shape of an activity id a form carries back (as :mod:`bot.teams.actions` checks ids)."""

PressKey = Callable[[Incoming, str, Any], str]
"""The handlers' claim key of one press of a card: ``(incoming, card's activity id, the
value that makes it the same work) -> key`` (:meth:`bot.teams.handlers.TeamsHandlers._press_key`);
the decision claims it in the transaction that saves it."""


def channel_of(incoming: Incoming, body: dict[str, Any]) -> ChannelRef | None:
    """The team channel of a channel activity: the team's General channel for an install.

    Args:
        incoming: the parsed activity.
        body: the activity JSON (``channelData.team`` is read from it).

    Returns:
        The :class:`ChannelRef`, or None outside a team.
    """
    data = body.get("channelData") if isinstance(body.get("channelData"), dict) else {}
    team = (data or {}).get("team") if isinstance((data or {}).get("team"), dict) else None
    if team is None and incoming.conversation.conversation_type != "channel":
        return None
    team_id = str((team or {}).get("id") or "") or None
    conv = incoming.conversation.id.split(";")[0]  # a reply chain: "<channel>;messageid=…"
    if body.get("type") == "conversationUpdate" and team_id:
        conv = team_id
    name = (team or {}).get("name")
    return ChannelRef(
        workspace_id=incoming.tenant,
        conversation_id=conv[:255],
        service_url=incoming.service_url,
        team_id=team_id,
        name=str(name)[:255] if isinstance(name, str) else None,
    )


def decision_form(key: str, post: str | None = None) -> dict[str, Any]:
    """The *Record our decision* form posted in the gathering post's thread: one
    multi-line box.

    Args:
        key: the gathering key the post's button carried (checked again on submit).
        post: the gathering post's activity id (its card is replaced by the decision
            once recorded), or None when it is not known.

    Returns:
        An Adaptive Card whose submit carries ``{"ec": "team_decision", "id": key,
        "post": post, "text": …}``.
    """
    data = {"ec": "team_decision", "id": key}
    if post is not None:
        data["post"] = post
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": [
            {"type": "TextBlock", "text": DECISION_LABEL, "wrap": True, "weight": "Bolder"},
            {"type": "TextBlock", "text": DECISION_NEEDED, "wrap": True, "isSubtle": True},
            {"type": "Input.Text", "id": "text", "isMultiline": True, "maxLength": 2000},
        ],
        "actions": [
            {
                "type": "Action.Submit",
                "title": DECISION_BUTTON,
                "data": data,
                "style": "positive",
            }
        ],
    }


def decided_message(
    gathering: Gathering, decision: TeamDecisionInfo, by: str | None
) -> TeamsMessage:
    """The gathering post once its decision is recorded: the week as the post showed it
    (:func:`~bot.presenters.reflection.gathering_text`, from the store as it is now), then
    the decision and who recorded it, and no button (one decision per gathering post).

    Args:
        gathering: the team's week (:meth:`ReflectionService.gathering_for`).
        decision: the decision just recorded (scrubbed).
        by: the Teams display name of whoever recorded it, or None.

    Returns:
        The :class:`TeamsMessage` that replaces the gathering post.
    """
    text = words.gathering_text(
        [
            (
                item.interview.caregiver_pseudonym,
                item.interview.grade_band,
                item.interview.mode,
                item.exact_words,
                item.reflection.model_dump() if item.reflection is not None else None,
            )
            for item in gathering.interviews
        ]
    )
    body = [text_block(part) for part in text.split("\n\n") if part.strip()]
    body.append(text_block(f"{DECIDED}: “{decision.decision}”", weight="Bolder"))
    if by:
        body.append(text_block(f"Recorded by {by}. {AFTER_TRYING}", isSubtle=True))
    else:
        body.append(text_block(AFTER_TRYING, isSubtle=True))
    return TeamsMessage(card=card(body))


def _post_id(value: Any) -> str | None:
    """The gathering post's activity id a decision form's submit carries, or None."""
    post = value.get("post") if isinstance(value, dict) else None
    if isinstance(value, dict) and isinstance(value.get("action"), dict):
        data = value["action"].get("data")
        post = data.get("post") if isinstance(data, dict) else None
    if isinstance(post, str) and 0 < len(post) <= MAX_ID_CHARS and _ID.fullmatch(post):
        return post
    return None


class TeamsChannels:
    """The app in a team's channels.

    Args:
        app: the Teams SDK app.
        refs: the stored conversation references.
        reflections: the after-interview use cases (team decisions).
    """

    def __init__(self, app: App, refs: ChatReferences, reflections: ReflectionService) -> None:
        self.app = app
        self.refs = refs
        self.reflections = reflections

    async def on_update(self, incoming: Incoming, body: dict[str, Any]) -> None:
        """A channel ``conversationUpdate``: keep the channel when the bot was added,
        forget it when the bot was removed."""
        channel = channel_of(incoming, body)
        if channel is None or not incoming.recipient_id:
            return
        removed = [m.get("id") for m in body.get("membersRemoved") or [] if isinstance(m, dict)]
        if incoming.recipient_id in removed:
            await self.refs.forget_channel(channel.workspace_id, "teams", channel.conversation_id)
            log.info("the app was removed from a team in tenant %s", channel.workspace_id)
            return
        if incoming.recipient_id not in incoming.members_added:
            return
        await self.refs.remember_channel("teams", channel)
        log.info("the app was added to a team in tenant %s", channel.workspace_id)
        to = ConversationRef(
            platform="teams",
            workspace_id=channel.workspace_id,
            conversation_id=channel.conversation_id,
            user_id=incoming.user.aad_object_id or incoming.user.id,
            service_url=channel.service_url,
        )
        await TeamsOutbox(self.app, to, streaming=False).send(to, Notice(WELCOME))

    async def decide(
        self,
        incoming: Incoming,
        body: dict[str, Any],
        action: CoachCardAction,
        press_key: PressKey,
    ) -> None:
        """A press on a gathering post in a channel, answered in the post's thread.

        *Record our decision* (the deliverer's button on the post) posts the form in the
        post's thread; the form's submit records the decision once per gathering post
        (``press_key`` names the post's claim, taken in the transaction that saves the
        decision, so a failed save leaves it free for a retry: a second submit of the
        form, or of a second form opened under the same post, says :data:`ALREADY_DONE_IN_THREAD`
        and stores nothing),
        replaces the form with the thanks and the gathering post with the decision
        (:func:`decided_message`; a new message in the thread when the update is
        refused). Both check that the press came from the gathering's own channel.

        Args:
            incoming / body: the press (a ``message`` or an ``adaptiveCard/action`` invoke).
            action: the parsed press (``record_team_decision`` or ``team_decision``).
            press_key: the handlers' claim key of one press of a card
                (``(incoming, card id, value) -> key``).

        Raises:
            StoreUnavailable: the save failed; nothing is stored or claimed (the
                handlers say so, and a retry is new work).
        """
        channel = channel_of(incoming, body)
        if channel is None:
            return
        root = thread_root_of(incoming.conversation.id)
        if action.ec == "record_team_decision":
            post = incoming.reply_to_id or root  # the press is on the gathering post itself
        else:
            post = _post_id(incoming.value) or root
        root = root or post
        ref = incoming.ref()
        if root is not None:
            ref = ref.in_conversation(thread_conversation_id(channel.conversation_id, root))
        outbox = TeamsOutbox(self.app, ref, streaming=False)
        try:
            where, week = await self.reflections.check_decision_place(
                ref.workspace_id, action.id, channel.conversation_id
            )
            if action.ec == "record_team_decision":
                form = TeamsMessage(text=DECISION_LABEL, card=decision_form(action.id, post))
                await post_message(self.app, ref, form)
                return
            text = clean_text(action.text, TEXT_NAMES["decision"], "decision")
            if not text:
                raise InvalidInput(DECISION_NEEDED, field="decision")
            once = {"ec": action.ec, "id": action.id}
            key = press_key(incoming, post or incoming.reply_to_id or "", once)
            decision = await self.reflections.record_team_decision(
                ref.workspace_id,
                ref.user_id,
                channel=where,
                week=week,
                decision=text,
                conversation_id=channel.conversation_id,
                once_key=key,
            )
        except AlreadyDecided:
            log.info("refused a second decision on one Teams gathering post")
            await outbox.send(ref, Notice(ALREADY_DONE_IN_THREAD))
            return
        except InvalidInput as exc:
            await outbox.send(ref, Notice(str(exc)))
            return
        except WrongConversation:
            await outbox.send(ref, Notice(WRONG_PLACE))
            return
        except GatheringNotFound:
            await outbox.send(ref, Notice(GONE))
            return
        with replacing(ref.conversation_id, incoming.reply_to_id):  # the form: the thanks
            await outbox.send(ref, Notice(DECISION_SAVED))
        if post is not None:
            gathering = await self.reflections.gathering_for(ref.workspace_id, where, week)
            with replacing(ref.conversation_id, post):
                await post_message(
                    self.app, ref, decided_message(gathering, decision, incoming.user.name)
                )
