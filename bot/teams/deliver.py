"""Posting reminders to Teams: the dispatcher's Teams deliverer (proactive messages).

:class:`TeamsDeliverer` implements :class:`bot.services.dispatcher.Deliverer` for the
reminders whose platform is ``teams``. A reminder is posted from its stored
conversation reference (``payload.conversation_id`` and ``payload.service_url``: the
1:1 chat the interview was logged from, or the team channel) with the SDK's
proactive ``app.send``, which POSTs to ``{serviceUrl}/v3/conversations/{id}/activities``
with the bot's own token. :func:`start_dispatcher` runs the dispatcher beside
``serve teams``; :func:`build_deliverer` builds the deliverer for ``empathy-coach
reminders run`` from the same settings (``CLIENT_ID``, ``CLIENT_SECRET``,
``TENANT_ID``), so the reminder worker alone delivers Teams reminders too.

**Errors.** The Bot Connector's HTTP status decides (Microsoft's Bot Framework REST
error list): 400, 403 (``BotNotInConversationRoster``, the user blocked or removed the
app) and 404 (``ConversationNotFound``) are permanent, the reminder fails with the
connector's error code; 429 (with ``Retry-After``), 5xx, 401 (credentials an admin
can fix without losing prompts), timeouts and network errors are transient.

**Idempotency.** The connector offers a bot no way to read a 1:1 chat's history, so
the duplicate check Slack does on a redelivery is not possible here: in the
milliseconds between the connector's answer and the ``sent`` commit a crash can
post a prompt twice (at-least-once in that window, exactly-once everywhere else;
``docs/architecture.md``).

Nothing here logs a message's text or a token: only reminder ids, kinds and codes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import httpx
from microsoft_teams.api.auth.cloud_environment import CloudEnvironment
from microsoft_teams.apps import App

from bot.config import Settings
from bot.services.chat_refs import ChatReferences
from bot.services.dispatcher import DEFAULT_POLL_SECONDS, DeliveryResult, Dispatcher
from bot.services.results import ReminderInfo, ReminderPayload
from bot.store import Store
from bot.teams.outbox import activity_of
from bot.teams.prompt_cards import prompt_message
from bot.teams.settings import TeamsStartupError, app_options, check_settings

if TYPE_CHECKING:
    from bot.bootstrap import Application

__all__ = [
    "PERMANENT_STATUSES",
    "TeamsDeliverer",
    "build_deliverer",
    "classify_status",
    "start_dispatcher",
]

log = logging.getLogger(__name__)

PERMANENT_STATUSES: frozenset[int] = frozenset({400, 403, 404})
"""Connector answers a retry cannot fix (bad activity, not in the conversation or
blocked, conversation gone)."""

STOP_SECONDS = 10.0
"""How long a stopping ``serve teams`` lets the post in flight finish."""


def _code(response: httpx.Response) -> str:
    """The connector's error code (``{"error": {"code": …}}``), else ``http_<status>``."""
    with contextlib.suppress(ValueError, AttributeError, TypeError):
        code = response.json().get("error", {}).get("code")
        if isinstance(code, str) and code.strip():
            return code.strip()[:80]
    return f"http_{response.status_code}"


def classify_status(response: httpx.Response) -> DeliveryResult:
    """Turn the connector's error answer into the dispatcher's outcome.

    Args:
        response: the HTTP answer (status 4xx or 5xx).

    Returns:
        ``permanent`` for :data:`PERMANENT_STATUSES`; ``transient`` otherwise (429
        with its ``Retry-After`` seconds).
    """
    if response.status_code in PERMANENT_STATUSES:
        return DeliveryResult.permanent(_code(response))
    retry: float | None = None
    if response.status_code == 429:
        with contextlib.suppress(TypeError, ValueError):
            retry = float(response.headers.get("Retry-After", ""))
        return DeliveryResult.transient("throttled", retry_after=retry)
    return DeliveryResult.transient(_code(response))


class TeamsDeliverer:
    """Posts ``teams`` reminders proactively through a started Teams SDK app.

    Args:
        app: the initialized Teams SDK app (its credentials sign the posts).
        chats: the stored 1:1 chats (a note for someone other than the interviewer).
        close: what :meth:`aclose` runs (the store a built deliverer opened), or None.
    """

    platform = "teams"
    """The reminders this deliverer takes (:class:`~bot.services.dispatcher.Dispatcher`)."""

    def __init__(
        self,
        app: App,
        chats: ChatReferences | None = None,
        *,
        close: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.app = app
        self.chats = chats
        self._close = close

    async def aclose(self) -> None:
        """Release what :func:`build_deliverer` opened (its store); nothing otherwise."""
        if self._close is not None:
            await self._close()

    async def deliver(self, reminder: ReminderInfo, payload: ReminderPayload) -> DeliveryResult:
        """Post one reminder to its stored conversation.

        Args:
            reminder: the claimed reminder.
            payload: what to post; ``conversation_id`` and ``service_url`` say where.

        Returns:
            ``ok`` with the new activity's id; ``permanent`` ``no_conversation_reference``
            when no chat is stored for the recipient (the reminder's own reference, else
            the recipient's 1:1 chat from ``chat_refs``); otherwise per :func:`classify_status`.
        """
        conversation_id, service_url = payload.conversation_id, payload.service_url
        if (not conversation_id or not service_url) and payload.user_id and self.chats:
            # a note for someone other than the interviewer (a coach): their own 1:1 chat
            chat = await self.chats.chat_of(payload.workspace_id, "teams", payload.user_id)
            if chat is not None:
                conversation_id, service_url = chat.conversation_id, chat.service_url
        if not conversation_id or not service_url:
            log.info("reminder %s (%s): no stored Teams conversation", reminder.id, reminder.kind)
            return DeliveryResult.permanent("no_conversation_reference")
        try:
            sent = await self.app.send(
                conversation_id,
                activity_of(prompt_message(payload)),
                service_url=service_url,
            )
        except httpx.HTTPStatusError as exc:
            result = classify_status(exc.response)
        except (httpx.TransportError, TimeoutError, OSError) as exc:
            result = DeliveryResult.transient(type(exc).__name__)
        else:
            return DeliveryResult.ok(ref=sent.id or None)
        log.info("reminder %s (%s) not posted: %s", reminder.id, reminder.kind, result.reason)
        return result


async def build_deliverer(
    settings: Settings,
    *,
    cloud: CloudEnvironment | None = None,
    token: Callable[..., Any] | None = None,
) -> TeamsDeliverer:
    """The Teams deliverer for ``empathy-coach reminders run`` (no HTTP server).

    The SDK app is built from the same settings as ``serve teams``
    (:func:`bot.teams.settings.app_options`) and initialized without listening
    (the SDK's ``initialize``: credentials and the token manager, enough for
    ``app.send``). The recipients' stored chats are read from
    ``settings.database_url``.

    Args:
        settings: the app settings (``CLIENT_ID``, ``CLIENT_SECRET``, ``TENANT_ID``,
            ``EC_DATABASE_URL``).
        cloud / token: the Microsoft cloud and an outgoing token source (tests; see
            :func:`bot.teams.server.build_teams_app`).

    Returns:
        A :class:`TeamsDeliverer`; its ``aclose`` disposes of its store.

    Raises:
        TeamsStartupError: a Teams setting is missing (one line per setting).
    """
    problems = check_settings(settings)
    if problems:
        raise TeamsStartupError("\n".join(problems))
    app = App(**app_options(settings, cloud=cloud, token=token))
    await app.initialize()
    store = Store.from_url(settings.database_url)
    return TeamsDeliverer(app, ChatReferences(store), close=store.dispose)


def start_dispatcher(
    application: Application, app: App, *, poll: float | None = None
) -> Callable[[], Awaitable[None]]:
    """Start a dispatcher of the ``teams`` reminders as a task (``serve teams``).

    Args:
        application: the store and the clock (tests inject one).
        app: the started Teams SDK app the posts go through.
        poll: seconds between looks when idle (None: the dispatcher's default).

    Returns:
        An async function that stops it: asked to stop, given :data:`STOP_SECONDS`
        to finish the post in flight (unattempted claims are released), then
        cancelled.
    """
    chats = ChatReferences(application.store, clock=application.clock)
    dispatcher = Dispatcher(application.store, TeamsDeliverer(app, chats), clock=application.clock)
    halt = asyncio.Event()
    task: asyncio.Task[Any] = asyncio.create_task(
        dispatcher.run_forever(halt, poll_seconds=poll or DEFAULT_POLL_SECONDS),
        name="teams_reminder_dispatcher",
    )

    async def stop() -> None:
        halt.set()
        try:
            await asyncio.wait_for(task, timeout=STOP_SECONDS)
        except (TimeoutError, asyncio.CancelledError):
            task.cancel()
        except Exception:
            log.exception("the Teams reminder dispatcher stopped with an error")

    return stop
