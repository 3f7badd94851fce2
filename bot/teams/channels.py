"""Teams channels: the app added to a team, the weekly team gathering, the team's decision.

When the app is installed in a team, Teams sends a ``conversationUpdate`` whose
``membersAdded`` holds the bot and whose ``channelData.team`` names the team; the
team's id is its General channel's conversation id. :class:`TeamsChannels` keeps
that channel's conversation reference (:class:`~bot.services.chat_refs.ChatReferences`)
and says hello there; removing the app forgets it.

The weekly team gathering (a ``team_gathering`` reminder made by the after-interview
services) is posted in its channel by :func:`post_gathering` with a *Record our
decision* box; the press comes back as a message activity in the channel and is
recorded by :meth:`ReflectionService.record_team_decision`, which checks that it
came from the gathering's own conversation.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from microsoft_teams.api.activities.message.message import MessageActivityInput
from microsoft_teams.api.models.attachment.attachment import Attachment

from bot.presenters.views import Notice
from bot.services.chat_refs import ChannelRef, ChatReferences
from bot.services.ports import ConversationRef
from bot.services.reflection import (
    GatheringNotFound,
    InvalidInput,
    ReflectionService,
    WrongConversation,
)
from bot.services.results import ReminderPayload
from bot.teams.cards import CARD_CONTENT_TYPE
from bot.teams.coach_actions import CoachCardAction
from bot.teams.outbox import TeamsOutbox
from bot.teams.refs import Incoming

if TYPE_CHECKING:
    from microsoft_teams.apps import App

__all__ = [
    "DECISION_BUTTON",
    "TeamsChannels",
    "channel_of",
    "deliver_gathering",
    "gathering_card",
    "post_gathering",
]

log = logging.getLogger(__name__)

DECISION_BUTTON = "Record our decision"
DECISION_LABEL = "What did the team decide to try?"
DECISION_SAVED = "Thanks, your team's decision is recorded."
WELCOME = (
    "Thanks for adding Empathy Coach to this team. After staff log a real empathy interview "
    "for this team, I'll post the week's gathering here: what the team heard, and a place to "
    "record what you decide to try."
)
WRONG_PLACE = "Please record the decision on the gathering post in its own channel."
GONE = "I couldn't find that gathering any more; it may have been cancelled."


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


def gathering_card(payload: ReminderPayload) -> dict[str, Any]:
    """The gathering post: the week's words and a *Record our decision* box.

    Args:
        payload: a ``team_gathering`` reminder's payload (scrubbed, worded).

    Returns:
        An Adaptive Card (its submit carries the gathering key).
    """
    key = payload.gathering.key if payload.gathering is not None else ""
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": [
            {"type": "TextBlock", "text": payload.text[:4000], "wrap": True},
            {"type": "TextBlock", "text": DECISION_LABEL, "wrap": True, "weight": "Bolder"},
            {"type": "Input.Text", "id": "text", "isMultiline": True, "maxLength": 2000},
        ],
        "actions": [
            {
                "type": "Action.Submit",
                "title": DECISION_BUTTON,
                "data": {"ec": "team_decision", "id": key},
                "style": "positive",
            }
        ],
    }


async def post_gathering(app: App, channel: ChannelRef, payload: ReminderPayload) -> str:
    """Post the weekly gathering in its team channel (a Teams deliverer calls this).

    Args:
        app: the Teams SDK app.
        channel: the stored channel (conversation id and service URL).
        payload: the ``team_gathering`` payload.

    Returns:
        The posted activity's id.
    """
    activity = MessageActivityInput(text=payload.text[:4000])
    activity.add_attachments(
        Attachment(content_type=CARD_CONTENT_TYPE, content=gathering_card(payload))
    )
    sent = await app.send(channel.conversation_id, activity, service_url=channel.service_url)
    return str(sent.id)


async def deliver_gathering(app: App, refs: ChatReferences, payload: ReminderPayload) -> str:
    """Post a ``team_gathering`` payload in its stored channel (what a Teams deliverer
    calls for that kind).

    Args:
        app: the Teams SDK app.
        refs: the stored conversation references.
        payload: the payload; ``channel_id`` is the channel's conversation id.

    Returns:
        The posted activity's id.

    Raises:
        LookupError: the app is not (or no longer) in that channel's team.
    """
    channel = await refs.channel(payload.workspace_id, "teams", payload.channel_id or "")
    if channel is None:
        raise LookupError("the app is not in that team's channel")
    return await post_gathering(app, channel, payload)


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
        self, incoming: Incoming, body: dict[str, Any], action: CoachCardAction
    ) -> None:
        """*Record our decision* pressed on a gathering post in a channel."""
        channel = channel_of(incoming, body)
        ref = incoming.ref()
        outbox = TeamsOutbox(self.app, ref, streaming=False)
        if channel is None or action.ec != "team_decision":
            return
        try:
            where, week = await self.reflections.check_decision_place(
                ref.workspace_id, action.id, channel.conversation_id
            )
            await self.reflections.record_team_decision(
                ref.workspace_id,
                ref.user_id,
                channel=where,
                week=week,
                decision=action.text or "",
                conversation_id=channel.conversation_id,
            )
        except InvalidInput as exc:
            await outbox.send(ref, Notice(str(exc)))
            return
        except WrongConversation:
            await outbox.send(ref, Notice(WRONG_PLACE))
            return
        except GatheringNotFound:
            await outbox.send(ref, Notice(GONE))
            return
        await outbox.send(ref, Notice(DECISION_SAVED))
