"""Test kit: Slack-shaped signed requests and the real app served over HTTP on loopback.

Payload builders follow the shapes in Slack's documentation (Events API
``event_callback`` envelopes, slash-command form posts, interaction
``payload=`` form posts). :class:`AppServer` runs the production start-up
path (:func:`bot.slack.server.build_runtime` + :func:`serve_http`) in a
thread with its own event loop, against a :class:`~fake_slack.FakeSlack` and
a SQLite file, so tests send real HTTP requests and read what the app sent
back to "Slack".
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
from fake_slack import BOT_TOKEN, TEAM_ID, FakeSlack
from slack_sdk.signature import SignatureVerifier

from bot.config import Settings
from bot.slack.installations import BOT_SCOPES

__all__ = [
    "SIGNING_SECRET",
    "AppServer",
    "app_home_opened",
    "block_actions",
    "install",
    "message_action",
    "message_im",
    "multi_workspace",
    "seed_overdue_interview",
    "signed_headers",
    "slash_command",
    "submission",
    "view_submission",
]

SIGNING_SECRET = "test-signing-secret-8f14e45fceea167a"
"""The signing secret the test app verifies requests with."""

_ts = itertools.count(1)


def _new_ts() -> str:
    return f"{1710000000 + next(_ts)}.{next(_ts):06d}"


def signed_headers(
    body: str,
    content_type: str,
    *,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
    retry_num: int | None = None,
    retry_reason: str = "http_timeout",
) -> dict[str, str]:
    """Headers Slack sends with a request: signature, timestamp, retries.

    Args:
        body: the exact request body.
        content_type: ``application/json`` or ``application/x-www-form-urlencoded``.
        secret: the signing secret to sign with (a wrong one makes a bad signature).
        timestamp: Unix seconds; now when None.
        retry_num: ``x-slack-retry-num`` (Events API retries), or None.
        retry_reason: ``x-slack-retry-reason`` sent with a retry.

    Returns:
        The headers.
    """
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = retry_reason
    return headers


# ---------------------------------------------------------------------- payloads


def _event_callback(event: dict[str, Any], *, event_id: str | None, team_id: str) -> str:
    return json.dumps(
        {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "api_app_id": "A0TEST",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "team_id": team_id,
                    "user_id": "UBOT",
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
    )


def message_im(
    user: str,
    text: str,
    *,
    channel: str | None = None,
    thread_ts: str | None = None,
    ts: str | None = None,
    event_id: str | None = None,
    client_msg_id: str | None = "auto",
    subtype: str | None = None,
    files: list[dict[str, Any]] | None = None,
    bot_id: str | None = None,
    team_id: str = TEAM_ID,
    extra: dict[str, Any] | None = None,
) -> tuple[str, str]:
    """A ``message.im`` event callback (a message in the app's DM).

    Args:
        user: the author.
        text: the message text, Slack-encoded (``&amp;``, ``<@U1>``).
        channel: the DM id (``D`` + user when None).
        thread_ts: the thread it is in, or None (top level).
        ts: its timestamp (new when None).
        event_id: the envelope's event id (new when None).
        client_msg_id: the client's message id (``"auto"``: new; None: absent).
        subtype: ``file_share``, ``message_changed`` …, or None.
        files: attached files.
        bot_id: set for bot messages.
        team_id: the workspace.
        extra: more event fields.

    Returns:
        ``(body, content_type)``.
    """
    event: dict[str, Any] = {
        "type": "message",
        "channel": channel or f"D{user}",
        "user": user,
        "text": text,
        "ts": ts or _new_ts(),
        "event_ts": ts or _new_ts(),
        "channel_type": "im",
        "team": team_id,
    }
    if client_msg_id == "auto":
        event["client_msg_id"] = str(uuid.uuid4())
    elif client_msg_id:
        event["client_msg_id"] = client_msg_id
    if thread_ts:
        event["thread_ts"] = thread_ts
    if subtype:
        event["subtype"] = subtype
    if files is not None:
        event["files"] = files
    if bot_id:
        event["bot_id"] = bot_id
    event.update(extra or {})
    return _event_callback(event, event_id=event_id, team_id=team_id), "application/json"


def app_home_opened(
    user: str, *, tab: str = "home", event_id: str | None = None, team_id: str = TEAM_ID
) -> tuple[str, str]:
    """An ``app_home_opened`` event callback.

    Args:
        user: who opened it.
        tab: ``home`` or ``messages``.
        event_id: the envelope's event id (new when None).
        team_id: the workspace.

    Returns:
        ``(body, content_type)``.
    """
    event = {
        "type": "app_home_opened",
        "user": user,
        "channel": f"D{user}",
        "tab": tab,
        "event_ts": _new_ts(),
    }
    return _event_callback(event, event_id=event_id, team_id=team_id), "application/json"


def slash_command(
    command: str,
    text: str,
    user: str,
    *,
    response_url: str,
    channel_id: str = "C0CHANNEL",
    team_id: str = TEAM_ID,
) -> tuple[str, str]:
    """A slash-command invocation (form-encoded, as Slack posts it).

    Args:
        command: ``/practice`` or ``/review-questions``.
        text: what followed the command.
        user: who typed it.
        response_url: where the app may answer (a URL on the fake).
        channel_id: where it was typed.
        team_id: the workspace.

    Returns:
        ``(body, content_type)``.
    """
    body = urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "team_domain": "fake-workspace",
            "channel_id": channel_id,
            "channel_name": "attendance-team",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0TEST",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": f"{next(_ts)}.{uuid.uuid4().hex[:12]}",
        }
    )
    return body, "application/x-www-form-urlencoded"


def _interaction(payload: dict[str, Any]) -> tuple[str, str]:
    return urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"


def block_actions(
    user: str,
    action_id: str,
    *,
    value: str | None = None,
    selected_value: str | None = None,
    channel: str | None = None,
    message_ts: str | None = None,
    thread_ts: str | None = None,
    in_home: bool = False,
    response_url: str | None = None,
    team_id: str = TEAM_ID,
) -> tuple[str, str]:
    """A ``block_actions`` interaction: a button click or a radio choice.

    Args:
        user: who clicked.
        action_id: the element's action id.
        value: a button's value.
        selected_value: a radio/select element's chosen value.
        channel: the conversation of the message clicked in (``D`` + user when None).
        message_ts: that message's ts.
        thread_ts: that message's thread.
        in_home: the click came from the App Home (a view, not a message).
        response_url: the message's response URL.
        team_id: the workspace.

    Returns:
        ``(body, content_type)``.
    """
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": "b1",
        "action_ts": _new_ts(),
    }
    if selected_value is not None:
        action.update(
            type="radio_buttons",
            selected_option={
                "text": {"type": "plain_text", "text": selected_value},
                "value": selected_value,
            },
        )
    else:
        action.update(type="button", value=value or "", text={"type": "plain_text", "text": "x"})
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": team_id},
        "api_app_id": "A0TEST",
        "token": "legacy-verification-token",
        "trigger_id": f"{next(_ts)}.{uuid.uuid4().hex[:12]}",
        "team": {"id": team_id, "domain": "fake-workspace"},
        "is_enterprise_install": False,
        "actions": [action],
    }
    if in_home:
        payload["container"] = {"type": "view", "view_id": "VHOME"}
        payload["view"] = {"id": "VHOME", "type": "home", "blocks": []}
    else:
        ch = channel or f"D{user}"
        ts = message_ts or _new_ts()
        payload["container"] = {
            "type": "message",
            "message_ts": ts,
            "channel_id": ch,
            "is_ephemeral": False,
        }
        payload["channel"] = {"id": ch, "name": "directmessage"}
        message: dict[str, Any] = {"type": "message", "ts": ts, "text": "card", "user": "UBOT"}
        if thread_ts:
            message["thread_ts"] = thread_ts
        payload["message"] = message
        if response_url:
            payload["response_url"] = response_url
    return _interaction(payload)


def submission(
    user: str,
    callback_id: str,
    values: dict[str, dict[str, dict[str, Any]]],
    *,
    private_metadata: str,
    team_id: str = TEAM_ID,
    trigger_id: str | None = None,
) -> tuple[str, str]:
    """A ``view_submission`` of any modal.

    Args:
        user: who submitted.
        callback_id: the modal's callback id.
        values: ``view.state.values`` (block id -> action id -> element state).
        private_metadata: the view's metadata.
        team_id: the workspace.
        trigger_id: the submission's trigger id (new when None).

    Returns:
        ``(body, content_type)``.
    """
    payload = {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "fake-workspace"},
        "user": {"id": user, "username": user.lower(), "team_id": team_id},
        "api_app_id": "A0TEST",
        "token": "legacy-verification-token",
        "trigger_id": trigger_id or f"{next(_ts)}.{uuid.uuid4().hex[:12]}",
        "view": {
            "id": "VMODAL",
            "team_id": team_id,
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "blocks": [],
            "state": {"values": values},
            "hash": "1.abc",
            "title": {"type": "plain_text", "text": "Modal"},
        },
        "response_urls": [],
        "is_enterprise_install": False,
    }
    return _interaction(payload)


def view_submission(
    user: str,
    questions: str,
    *,
    private_metadata: str | None = None,
    team_id: str = TEAM_ID,
) -> tuple[str, str]:
    """A ``view_submission`` of the review modal.

    Args:
        user: who submitted.
        questions: the multi-line box's text.
        private_metadata: the view's metadata (``{"user": user}`` when None).
        team_id: the workspace.

    Returns:
        ``(body, content_type)``.
    """
    from bot.slack import ids

    meta = json.dumps({"user": user}) if private_metadata is None else private_metadata
    values = {
        ids.BLOCK_QUESTIONS: {ids.INPUT_QUESTIONS: {"type": "plain_text_input", "value": questions}}
    }
    return submission(
        user, ids.VIEW_REVIEW_QUESTIONS, values, private_metadata=meta, team_id=team_id
    )


def message_action(
    user: str,
    text: str,
    *,
    response_url: str,
    channel: str = "C0CHANNEL",
    team_id: str = TEAM_ID,
) -> tuple[str, str]:
    """A ``message_action`` (message shortcut "Review this question").

    Args:
        user: who used the shortcut.
        text: the chosen message's text (Slack-encoded).
        response_url: where the app answers privately.
        channel: the conversation of the message.
        team_id: the workspace.

    Returns:
        ``(body, content_type)``.
    """
    from bot.slack import ids

    ts = _new_ts()
    payload = {
        "type": "message_action",
        "token": "legacy-verification-token",
        "action_ts": _new_ts(),
        "team": {"id": team_id, "domain": "fake-workspace"},
        "user": {"id": user, "username": user.lower(), "team_id": team_id},
        "channel": {"id": channel, "name": "attendance-team"},
        "is_enterprise_install": False,
        "callback_id": ids.SHORTCUT_REVIEW_MESSAGE,
        "trigger_id": f"{next(_ts)}.{uuid.uuid4().hex[:12]}",
        "response_url": response_url,
        "message_ts": ts,
        "message": {"type": "message", "user": "UOTHER", "ts": ts, "text": text},
    }
    return _interaction(payload)


# ---------------------------------------------------------------------- the store


def seed_overdue_interview(
    url: str, user: str, *, team_channel: str | None = None, team_id: str = TEAM_ID
) -> None:
    """Migrate ``url`` and log an interview of January 2024, so every prompt is overdue now.

    Args:
        url: a database URL (plain form).
        user: the interviewer (workspace :data:`fake_slack.TEAM_ID`).
        team_channel: the team channel, for a fourth prompt (the weekly post).
        team_id: the workspace.
    """
    from datetime import UTC

    from bot.services.reflection import ReflectionService
    from bot.store import Store, upgrade_to_head

    upgrade_to_head(url)
    logged_at = datetime(2024, 1, 12, 18, 0, tzinfo=UTC)

    async def seed() -> None:
        store = Store.from_url(url)
        try:
            await ReflectionService(store, clock=lambda: logged_at).log_interview(
                team_id,
                user,
                happened_at=datetime(2024, 1, 12, 17, 0, tzinfo=UTC),
                pseudonym="A.B.",
                grade_band="K-2",
                mode="phone",
                team_channel=team_channel,
                interviewer_tz="America/Chicago",
            )
        finally:
            await store.dispose()

    asyncio.run(seed())


# ---------------------------------------------------------------------- the app server


class AppServer:
    """The real Slack app in HTTP mode on 127.0.0.1 (own thread and event loop).

    Args:
        fake: the fake Slack Web API the app talks to.
        db_path: SQLite file for the store.
        backend: practice backend (``scripted`` by default: no model key needed).
        signing_secret: the secret requests are verified with.
        stream_buffer: characters per ``chat.appendStream``.
        settings: extra settings fields (e.g. model URL for the benchmark).
        socket_mode: serve over Socket Mode (``fake.socket_url``) instead of HTTP.
        clock: the after-interview services' and the dispatcher's clock (a
            fake clock the test moves); None is the system clock.
        dispatch: run the reminder dispatcher beside the app, as ``serve``
            does; tests with a fake clock turn it off and call :meth:`tick`.
    """

    def __init__(
        self,
        fake: FakeSlack,
        db_path: Path,
        *,
        backend: str = "scripted",
        signing_secret: str = SIGNING_SECRET,
        stream_buffer: int = 128,
        settings: dict[str, Any] | None = None,
        socket_mode: bool = False,
        clock: Callable[[], datetime] | None = None,
        dispatch: bool = True,
        database_url: str | None = None,
        bot_token: str = BOT_TOKEN,
    ) -> None:
        self.fake = fake
        self.bot_token = bot_token
        self.socket_mode = socket_mode
        self.clock = clock
        self.dispatch = dispatch
        self.settings = Settings(
            database_url=database_url or f"sqlite:///{db_path}",
            SLACK_API_URL=fake.api_url,
            **(settings or {}),
        )
        self.backend = backend
        self.signing_secret = signing_secret
        self.stream_buffer = stream_buffer
        self.port = 0
        self.runtime: Any = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self.http = httpx.Client(timeout=10)

    def start(self) -> AppServer:
        """Start the app and wait until it listens.

        Returns:
            self.

        Raises:
            RuntimeError: the app did not start within 30 s (or failed to).
        """
        self._thread = threading.Thread(target=self._main, daemon=True)
        self._thread.start()
        if not self._ready.wait(30) or self._error is not None:
            raise RuntimeError(f"the Slack app did not start: {self._error!r}")
        return self

    def _main(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:
            self._error = exc
            self._ready.set()

    async def _serve(self) -> None:
        from bot.slack.server import build_runtime, serve_http

        self.loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self.runtime = await build_runtime(
            self.settings,
            bot_token=self.bot_token,
            signing_secret=self.signing_secret,
            backend=self.backend,
            stream_buffer=self.stream_buffer,
            clock=self.clock,
        )

        def ready(host: str, port: int) -> None:
            self.port = port
            self._ready.set()

        try:
            if self.socket_mode:
                from fake_slack import APP_TOKEN

                from bot.slack.server import serve_socket

                await serve_socket(
                    self.runtime,
                    app_token=APP_TOKEN,
                    stop=self._stop,
                    on_ready=self._ready.set,
                    dispatch=self.dispatch,
                )
            else:
                await serve_http(
                    self.runtime, port=0, stop=self._stop, on_ready=ready, dispatch=self.dispatch
                )
        finally:
            await self.runtime.aclose()

    @property
    def url(self) -> str:
        """The Request URL."""
        return f"http://127.0.0.1:{self.port}/slack/events"

    def post(
        self,
        payload: tuple[str, str],
        *,
        sign: bool = True,
        secret: str | None = None,
        timestamp: int | None = None,
        retry_num: int | None = None,
    ) -> httpx.Response:
        """Send a Slack-shaped request, signed like Slack signs it.

        Args:
            payload: ``(body, content_type)`` from a builder above.
            sign: add the signature headers.
            secret: sign with this secret instead of the app's.
            timestamp: the request timestamp (now when None).
            retry_num: mark it as Slack's n-th retry.

        Returns:
            The HTTP response.
        """
        body, ctype = payload
        headers = (
            signed_headers(
                body,
                ctype,
                secret=secret or self.signing_secret,
                timestamp=timestamp,
                retry_num=retry_num,
            )
            if sign
            else {"Content-Type": ctype}
        )
        return self.http.post(self.url, content=body.encode(), headers=headers)

    def call(self, coro: Coroutine[Any, Any, Any], timeout: float = 30) -> Any:
        """Run a coroutine on the app's event loop (e.g. a store query) and return its result.

        Args:
            coro: the coroutine.
            timeout: seconds.

        Returns:
            Its result.
        """
        assert self.loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def tick(self) -> int:
        """Run the app's reminder dispatcher once at the clock's current time.

        Returns:
            How many reminders it handled.
        """
        return int(self.call(self.runtime.dispatcher.drain()))

    def drain(self, timeout: float = 30) -> None:
        """Wait until the app's background work is done.

        Args:
            timeout: seconds.

        Raises:
            AssertionError: work was still running after ``timeout``.
        """
        done = self.call(self.runtime.deps.tasks.drain(timeout, settle=0.1), timeout + 5)
        assert done, "work still running"

    def stop(self) -> None:
        """Stop the app (waits for background work) and its thread."""
        if self.loop is not None and self._stop is not None:
            self.loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(30)
        self.http.close()

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def install(server: AppServer, code: str) -> Any:
    """Install the app in a workspace through Bolt's OAuth flow, as an admin's browser does.

    Opens the install page and follows its link's state back to the redirect with ``code``
    (from :meth:`FakeSlack.add_workspace`), with the state cookie the page set (a Secure
    cookie: the real page is https, so it is handed over by hand on loopback http).

    Returns:
        The redirect's ``httpx.Response``.
    """
    base = f"http://127.0.0.1:{server.port}"
    page = server.http.get(base + "/slack/install")
    assert page.status_code == 200, page.text
    link = re.search(r'href="([^"]*oauth/v2/authorize[^"]*)"', page.text)
    assert link, page.text
    query = parse_qs(urlparse(link.group(1).replace("&amp;", "&")).query)
    assert query["client_id"] == [server.fake.client_id]
    assert set(query["scope"][0].split(",")) == set(BOT_SCOPES)
    cookie = "; ".join(f"{k}={v}" for k, v in page.cookies.items())
    assert "slack-app-oauth-state" in cookie
    return server.http.get(
        base + "/slack/oauth_redirect",
        params={"code": code, "state": query["state"][0]},
        headers={"Cookie": cookie},
    )


@contextmanager
def multi_workspace(
    fake: FakeSlack, db_path: Path, teams: tuple[str, ...], **options: Any
) -> Iterator[AppServer]:
    """The app in many-workspace (OAuth) mode, installed in each of ``teams``.

    Single-token mode serves only its own workspace, so a test of what one workspace may
    see of another's runs here. ``options`` go to :class:`AppServer`.

    Yields:
        The started server.
    """
    from cryptography.fernet import Fernet

    settings = {
        "SLACK_CLIENT_ID": fake.client_id,
        "SLACK_CLIENT_SECRET": fake.client_secret,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "token_keys": Fernet.generate_key().decode(),
        **options.pop("settings", {}),
    }
    with AppServer(fake, db_path, bot_token="", settings=settings, **options) as server:
        for team in teams:
            _token, code = fake.add_workspace(team, bot_user_id="UBOT")
            assert install(server, code).status_code == 200
        yield server
