"""Teams channels: the app added to a team, the weekly team gathering, the team's decision.

When the app is installed in a team, Teams sends a ``conversationUpdate`` whose
``membersAdded`` holds the bot and whose ``channelData.team`` names the team; the
team's id is its General channel's conversation id. :class:`TeamsChannels` keeps
that channel's conversation reference (:class:`~bot.services.chat_refs.ChatReferences`)
and says hello there; removing the app forgets it.

The weekly team gathering (a ``team_gathering`` reminder made by the after-interview
services) is posted in its channel by the reminders' Teams deliverer
(:mod:`bot.teams.deliver`) with *Record our decision*. The press comes back as a
message activity in the channel: :meth:`TeamsChannels.decide` posts the decision
form (:func:`decision_form`) under it, and the form's submit is recorded by
:meth:`ReflectionService.record_team_decision`; both check that the press came from
the gathering's own conversation.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from microsoft_teams.api.activities.message.message import MessageActivityInput
from microsoft_teams.api.models.attachment.attachment import Attachment

from bot.presenters.reflection import ACTION_LABELS, DECISION_NEEDED
from bot.presenters.views import Notice
from bot.services.chat_refs import ChannelRef, ChatReferences
from bot.services.ports import ConversationRef
from bot.services.reflection import (
    GatheringNotFound,
    InvalidInput,
    ReflectionService,
    WrongConversation,
)
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


def decision_form(key: str) -> dict[str, Any]:
    """The *Record our decision* form posted under the gathering: one multi-line box.

    Args:
        key: the gathering key the post's button carried (checked again on submit).

    Returns:
        An Adaptive Card whose submit carries ``{"ec": "team_decision", "id": key, "text": …}``.
    """
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
                "data": {"ec": "team_decision", "id": key},
                "style": "positive",
            }
        ],
    }


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
        """A press on a gathering post in a channel: *Record our decision* (the
        deliverer's button) posts the form; the form's submit records the decision.
        Both check that the press came from the gathering's own channel."""
        channel = channel_of(incoming, body)
        ref = incoming.ref()
        outbox = TeamsOutbox(self.app, ref, streaming=False)
        if channel is None:
            return
        try:
            where, week = await self.reflections.check_decision_place(
                ref.workspace_id, action.id, channel.conversation_id
            )
            if action.ec == "record_team_decision":
                form = MessageActivityInput(text=DECISION_LABEL)
                form.add_attachments(
                    Attachment(content_type=CARD_CONTENT_TYPE, content=decision_form(action.id))
                )
                await self.app.send(ref.conversation_id, form, service_url=ref.service_url)
                return
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
