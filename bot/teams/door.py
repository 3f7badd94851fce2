"""The door of the Teams endpoint: the district's tenant only, and plain text inside.

Every activity the SDK hands to the handlers passes :func:`guard` first
(:func:`bot.teams.handlers.register` wraps the three entry points with it):

- **One tenant.** The app is single-tenant (one district, ``TENANT_ID``). An
  activity whose ``conversation.tenantId`` or ``channelData.tenant.id`` is another
  tenant runs no use case and stores nothing: the HTTP request gets 200, a message
  in a 1:1 chat gets :data:`~bot.presenters.practice.TEAMS_OTHER_TENANT` once, in
  reply to it (a fixed sentence: it tells that person nothing about this district),
  a card press gets the same sentence in the invoke answer, and anything else
  (an install, a channel message) gets nothing.
- **Plain text.** A message's text loses the bot's own ``<at>…</at>`` mention (the
  SDK's :func:`~microsoft_teams.api.activities.utils.strip_mentions_text` by the
  mention entity, plus a bare ``<at>`` tag of the bot's name) and the Teams HTML
  (``<p>``, ``<div>``, ``<br>``, ``<span>``, entities such as ``&nbsp;``) is turned
  into plain lines by :func:`plain_text`, before any handler reads it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from microsoft_teams.api import InvokeResponse
from microsoft_teams.api.activities.utils import StripMentionsTextOptions, strip_mentions_text

from bot.presenters import practice as say
from bot.presenters.views import Notice
from bot.teams.outbox import TeamsOutbox
from bot.teams.refs import parse_activity

if TYPE_CHECKING:
    from microsoft_teams.apps import ActivityContext, App

__all__ = ["activity_tenants", "clean_message_text", "guard", "plain_text"]

log = logging.getLogger(__name__)

_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "tr", "table", "blockquote", "pre", "hr"}
    | {f"h{n}" for n in range(1, 7)}
)
"""Tags that end a line in Teams' message HTML."""

_LOOKS_LIKE_HTML = re.compile(
    r"</?(?:at|p|div|br|span|b|i|u|s|strike|strong|em|ul|ol|li|img|a|pre|code|blockquote|"
    r"h[1-6]|table|tbody|thead|tr|td|th|sup|sub|hr|emoji|attachment)"
    r"""(?:\s+[\w:-]+=(?:"[^"]*"|'[^']*'))*\s*/?>"""
    r"|&(?:[a-z]+|#\d+|#x[0-9a-f]+);",
    re.IGNORECASE,
)
"""A Teams tag (attributes quoted, as Teams writes them) or an HTML entity: only such
text is parsed as HTML, so plain text such as ``a<b and c > d`` keeps every character."""


class _PlainText(HTMLParser):
    """Collects the text of Teams message HTML, one line per block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag == "img":
            alt = dict(attrs).get("alt")  # Teams emoji are <img alt="🙂" itemtype=…Emoji>
            if alt:
                self.parts.append(alt)

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(text: str) -> str:
    """Teams message HTML as plain text: tags dropped (a mention keeps the name),
    entities decoded, one line per paragraph, blank lines and edge spaces dropped.

    Text with no Teams tag and no entity is returned unchanged.

    Args:
        text: a message activity's ``text``.

    Returns:
        The plain text (possibly empty, for a message that was only markup).
    """
    if not _LOOKS_LIKE_HTML.search(text):
        return text
    parser = _PlainText()
    parser.feed(text)
    parser.close()
    joined = "".join(parser.parts).replace("\xa0", " ")
    lines = (" ".join(line.split()) for line in joined.splitlines())
    return "\n".join(line for line in lines if line)


def clean_message_text(activity: Any) -> None:
    """Remove the bot's mentions from a message activity's text and make it plain text,
    in place (the handlers then read ``activity.text`` as the person's words).

    Args:
        activity: the SDK's message activity (``text``, ``entities``, ``recipient``).
    """
    text = getattr(activity, "text", None)
    if not isinstance(text, str) or not text:
        return
    recipient = getattr(activity, "recipient", None)
    bot_id = getattr(recipient, "id", None)
    if bot_id:
        text = strip_mentions_text(activity, StripMentionsTextOptions(account_id=bot_id)) or ""
    bot_name = getattr(recipient, "name", None)
    if bot_name:  # a mention tag with no mention entity (older clients, forwarded text)
        text = re.sub(rf"<at>\s*{re.escape(bot_name)}\s*</at>", "", text, flags=re.IGNORECASE)
    activity.text = plain_text(text)


def activity_tenants(body: dict[str, Any]) -> set[str]:
    """The tenant ids an activity names (``conversation.tenantId``, ``channelData.tenant.id``),
    lower-cased."""
    found: set[str] = set()
    conversation = body.get("conversation")
    if isinstance(conversation, dict) and isinstance(conversation.get("tenantId"), str):
        found.add(conversation["tenantId"].strip().lower())
    channel_data = body.get("channelData")
    tenant = channel_data.get("tenant") if isinstance(channel_data, dict) else None
    if isinstance(tenant, dict) and isinstance(tenant.get("id"), str):
        found.add(tenant["id"].strip().lower())
    found.discard("")
    return found


_INVOKE_TEXT = "application/vnd.microsoft.activity.message"


class _Door:
    def __init__(self, app: App, tenant_id: str | None) -> None:
        self.app = app
        self.tenant_id = (tenant_id or "").strip().lower() or None

    def foreign(self, ctx: Any) -> dict[str, Any] | None:
        """The activity's body when it comes from another tenant, else None."""
        if self.tenant_id is None:
            return None
        body = dict(ctx.activity.model_dump(by_alias=True, exclude_none=True))
        if activity_tenants(body) - {self.tenant_id}:
            log.warning("refused a Teams %s activity from another tenant", body.get("type"))
            return body
        return None

    async def tell(self, body: dict[str, Any]) -> None:
        """Answer a foreign 1:1 message with the one fixed sentence (best effort)."""
        incoming = parse_activity(body)
        if incoming is None or not incoming.personal:
            return
        ref = incoming.ref()
        try:
            await TeamsOutbox(self.app, ref, streaming=False).send(
                ref, Notice(say.TEAMS_OTHER_TENANT)
            )
        except Exception:
            log.warning("could not tell another tenant's user that the app is not theirs")


MessageHandler = Callable[["ActivityContext[Any]"], Awaitable[None]]
InvokeHandler = Callable[["ActivityContext[Any]"], Awaitable[InvokeResponse[Any]]]


def guard(
    app: App,
    tenant_id: str | None,
    *,
    on_message: MessageHandler,
    on_card_action: InvokeHandler,
    on_conversation_update: MessageHandler,
) -> tuple[MessageHandler, InvokeHandler, MessageHandler]:
    """The three SDK entry points behind the door (see the module docstring).

    Args:
        app: the Teams SDK app (the foreign 1:1 reply goes through it).
        tenant_id: ``TENANT_ID``; None lets every tenant in (no check).
        on_message / on_card_action / on_conversation_update: the handlers' own.

    Returns:
        ``(on_message, on_card_action, on_conversation_update)`` to register.
    """
    door = _Door(app, tenant_id)

    async def message(ctx: ActivityContext[Any]) -> None:
        body = door.foreign(ctx)
        if body is not None:
            await door.tell(body)
            return
        clean_message_text(ctx.activity)
        await on_message(ctx)

    async def card_action(ctx: ActivityContext[Any]) -> InvokeResponse[Any]:
        if door.foreign(ctx) is not None:
            value = say.TEAMS_OTHER_TENANT
            return InvokeResponse(
                status=200, body={"statusCode": 200, "type": _INVOKE_TEXT, "value": value}
            )
        return await on_card_action(ctx)

    async def conversation_update(ctx: ActivityContext[Any]) -> None:
        if door.foreign(ctx) is not None:
            return
        await on_conversation_update(ctx)

    return message, card_action, conversation_update
