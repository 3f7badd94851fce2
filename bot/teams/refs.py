"""A Bot Framework activity, as the services see it: who, where, what, and when.

:func:`parse_activity` reads the fields the adapter needs from the activity
JSON (camelCase, as Microsoft documents it) into a pydantic model, and
:meth:`Incoming.ref` turns them into a
:class:`~bot.services.ports.ConversationRef`: platform ``teams``, the tenant id
as the workspace, the conversation id, the activity's ``serviceUrl`` (replies
and later proactive messages go there), the person's Entra (AAD) object id
(their Teams ``29:…`` id when Teams sends no object id), the locale and the
client's IANA time zone (``localTimezone``, or a ``clientInfo`` entity's
``timezone``).

Teams 1:1 chats have no threads, so ``thread_id`` stays None here; the
handlers put the chat's open practice session's thread in it
(:mod:`bot.teams.handlers`). A channel's threads are conversations of their own:
:func:`thread_conversation_id` names one, :func:`thread_root_of` reads its root post.
"""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

from bot.core.text import sanitize
from bot.services.ports import MAX_ID_CHARS, ConversationRef

__all__ = ["Incoming", "parse_activity", "thread_conversation_id", "thread_root_of"]

THREAD_MARK = ";messageid="
"""What separates a channel's conversation id from a thread's root post id."""


def thread_conversation_id(conversation_id: str, root_id: str) -> str:
    """The conversation id of the thread under post ``root_id`` of a channel.

    Bot Framework replies in a channel thread by posting to the channel's conversation id
    followed by ``;messageid=<root post id>`` (the format of the Teams SDK's
    ``to_threaded_conversation_id``, which additionally insists on Teams' numeric ids; the
    ids here come from activities, already checked by :class:`Incoming`).

    Args:
        conversation_id: the channel's conversation id, or any thread's of that channel.
        root_id: the activity id of the thread's first post.

    Returns:
        ``<channel id>;messageid=<root_id>`` (an existing thread suffix is replaced).
    """
    return f"{conversation_id.split(';')[0]}{THREAD_MARK}{root_id}"


def thread_root_of(conversation_id: str) -> str | None:
    """The root post id a thread's conversation id names (``…;messageid=<id>``), or None
    for a conversation id without one (the channel itself)."""
    _, mark, rest = conversation_id.partition(THREAD_MARK)
    root = rest.split(";")[0]
    return root if mark and root else None


class _Account(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: str = Field(min_length=1, max_length=MAX_ID_CHARS)
    aad_object_id: str | None = Field(
        default=None, max_length=MAX_ID_CHARS, validation_alias=AliasChoices("aadObjectId")
    )
    name: str | None = None


class _Conversation(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=MAX_ID_CHARS)
    conversation_type: str | None = Field(
        default=None, validation_alias=AliasChoices("conversationType")
    )
    tenant_id: str | None = Field(default=None, validation_alias=AliasChoices("tenantId"))


class Incoming(BaseModel):
    """The parts of one activity the adapter reads.

    Attributes:
        type: ``message``, ``conversationUpdate``, ``invoke``, …
        id: the activity id.
        text: the message text (HTML-free; Teams sends plain text in 1:1 chats).
        value: a card submit's data (or an invoke's value), untouched.
        tenant: the tenant id (``conversation.tenantId`` or ``channelData.tenant.id``).
        user: the sender.
        conversation: the conversation.
        service_url: where replies go.
        locale: the client's locale, e.g. ``en-US``.
        time_zone: the client's IANA time zone, e.g. ``America/Chicago``.
        members_added: ids of members added (``conversationUpdate``).
        recipient_id: the bot's id in this conversation.
        reply_to_id: the activity this one answers (a card press: the card's activity id).
    """

    model_config = ConfigDict(extra="ignore")

    type: str
    id: str | None = None
    text: str = ""
    value: Any = None
    tenant: str = Field(min_length=1, max_length=MAX_ID_CHARS)
    user: _Account
    conversation: _Conversation
    service_url: str = Field(min_length=1, max_length=2048)
    locale: str | None = Field(default=None, max_length=32)
    time_zone: str | None = Field(default=None, max_length=64)
    members_added: tuple[str, ...] = ()
    recipient_id: str | None = None
    reply_to_id: str | None = Field(default=None, max_length=MAX_ID_CHARS)
    entities: list[dict[str, Any]] = Field(default_factory=list)

    def mentioned(self) -> list[dict[str, Any]]:
        """The ``mentioned`` accounts of the message's mention entities, the bot's left out
        (each a dict with ``id``, ``name`` and, when Teams sends it, ``aadObjectId``)."""
        found: list[dict[str, Any]] = []
        for entity in self.entities:
            who = entity.get("mentioned")
            if (
                entity.get("type") == "mention"
                and isinstance(who, dict)
                and who.get("id")
                and who.get("id") != self.recipient_id
            ):
                found.append(who)
        return found

    @property
    def personal(self) -> bool:
        """True in a 1:1 chat with the app."""
        return self.conversation.conversation_type in (None, "personal")

    def ref(self) -> ConversationRef:
        """The :class:`ConversationRef` of this activity (no thread: 1:1 chats have none)."""
        return ConversationRef(
            platform="teams",
            workspace_id=self.tenant,
            conversation_id=self.conversation.id,
            user_id=self.user.aad_object_id or self.user.id,
            service_url=self.service_url,
            locale=self.locale,
            time_zone=self.time_zone,
        )


def _time_zone(body: dict[str, Any]) -> str | None:
    tz = body.get("localTimezone")
    if isinstance(tz, str) and tz:
        return tz
    for entity in body.get("entities") or []:
        if isinstance(entity, dict) and entity.get("type") == "clientInfo":
            tz = entity.get("timezone")
            if isinstance(tz, str) and tz:
                return tz
    return None


def _listed(value: Any) -> list[Any]:
    """``value`` when it is a list, else an empty list."""
    return value if isinstance(value, list) else []


def parse_activity(body: dict[str, Any]) -> Incoming | None:
    """Read one activity's JSON; None when it lacks what the adapter needs.

    Args:
        body: the activity as Bot Framework posts it (camelCase keys, ``from``).

    Returns:
        The :class:`Incoming`, or None (no tenant, no sender, no conversation,
        no ``serviceUrl``, or fields of the wrong shape).
    """
    conversation = body.get("conversation") if isinstance(body.get("conversation"), dict) else {}
    channel_data = body.get("channelData") if isinstance(body.get("channelData"), dict) else {}
    tenant = (conversation or {}).get("tenantId") or ((channel_data or {}).get("tenant") or {}).get(
        "id"
    )
    added = body.get("membersAdded") or []
    recipient = body.get("recipient") if isinstance(body.get("recipient"), dict) else {}
    text = body.get("text")
    try:
        return Incoming.model_validate(
            {
                "type": body.get("type"),
                "id": body.get("id"),
                "text": sanitize(text) if isinstance(text, str) else "",
                "value": body.get("value"),
                "tenant": tenant,
                "user": body.get("from"),
                "conversation": conversation,
                "service_url": body.get("serviceUrl"),
                "locale": body.get("locale") if isinstance(body.get("locale"), str) else None,
                "time_zone": _time_zone(body),
                "members_added": tuple(
                    m["id"] for m in added if isinstance(m, dict) and isinstance(m.get("id"), str)
                ),
                "recipient_id": (recipient or {}).get("id"),
                "reply_to_id": body.get("replyToId") or None,
                "entities": [e for e in _listed(body.get("entities")) if isinstance(e, dict)][:50],
            }
        )
    except (ValidationError, AttributeError, TypeError):
        return None
