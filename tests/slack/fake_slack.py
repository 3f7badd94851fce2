"""A fake Slack Web API on 127.0.0.1 that records every call and answers like Slack.

Like bolt-python's own mock server, it serves ``POST /api/<method>``: tokens
are checked (``invalid_auth`` / ``not_authed``), messages are validated
against Slack's limits (``invalid_blocks``, ``msg_too_long``), streamed
messages (``chat.startStream`` / ``appendStream`` / ``stopStream``) are
assembled, and failures are programmable per method, including
``429 ratelimited`` with ``Retry-After``. Files are shared the way
``files_upload_v2`` does it (see :class:`Uploaded`): ``files.getUploadURLExternal``
hands out an upload URL on this same server (``POST /upload/<file id>``, which keeps
the raw bytes), and ``files.completeUploadExternal`` shares the file in a channel.
Any other path (a ``response_url``) is recorded as method ``response_url``.
Stdlib only; runs in its own thread::

    with FakeSlack() as slack:
        os.environ["SLACK_API_URL"] = slack.api_url
        slack.rate_limit("chat.postMessage", times=1, retry_after=0)
        ...
        assert slack.replies(channel="D1", thread_ts="1.0")

Run it by hand with ``python tests/slack/fake_slack.py --port 8098``.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["Call", "FakeSlack", "Posted", "Uploaded"]

BOT_TOKEN = "xoxb-test-bot-token-000000"
APP_TOKEN = "xapp-test-app-token-000000"
TEAM_ID = "T0TEST"
BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"

_JSON_FIELDS = ("blocks", "chunks", "view", "attachments", "metadata", "options")


@dataclass
class Call:
    """One request the fake received.

    Attributes:
        n: 1-based number among all requests.
        method: Web API method (``chat.postMessage``) or ``response_url``.
        path: request path.
        params: the arguments (form or JSON; JSON-looking form fields decoded).
        token: the token sent (header or form), or None.
        status: the HTTP status answered.
        answer: the JSON answered.
        at: ``time.monotonic()`` when it arrived.
    """

    n: int
    method: str
    path: str
    params: dict[str, Any]
    token: str | None
    status: int = 200
    answer: dict[str, Any] = field(default_factory=dict)
    at: float = 0.0


@dataclass
class Posted:
    """A message as it ends up in a conversation (posted or streamed).

    Attributes:
        channel: the conversation.
        ts: its timestamp.
        thread_ts: the thread it belongs to, or None (top level).
        text: the text (for a stream: all markdown chunks joined).
        blocks: its blocks.
        streamed: True when it came from ``chat.startStream``.
        done: False while a stream is still open.
        deleted: True after ``chat.delete``.
        method: the method that created it.
        metadata: the message ``metadata`` it was posted with, or None.
        files: ids of the files shared with it (``files.completeUploadExternal``).
    """

    channel: str
    ts: str
    thread_ts: str | None
    text: str = ""
    blocks: list[dict[str, Any]] = field(default_factory=list)
    streamed: bool = False
    done: bool = True
    deleted: bool = False
    method: str = "chat.postMessage"
    metadata: dict[str, Any] | None = None
    files: list[str] = field(default_factory=list)


@dataclass
class Uploaded:
    """A file uploaded through Slack's external upload (what ``files_upload_v2`` does).

    Step 1, ``files.getUploadURLExternal`` (``filename``, ``length``, ``alt_txt``):
    the fake makes a file id and an upload URL on itself. Step 2, ``POST`` of the raw
    bytes to that URL: kept in :attr:`data` (answered ``200 OK - <n>`` as text, like
    Slack). Step 3, ``files.completeUploadExternal`` (``files`` as JSON
    ``[{"id", "title"}]``, ``channel_id`` or ``channels``, ``initial_comment``,
    ``thread_ts``): the file is shared, and a message with it is added to
    :attr:`FakeSlack.posted`. The fake answers ``invalid_arguments`` when step 1
    lacks a name or a positive length, and ``file_not_found`` when step 3 names a file
    that was not requested, whose bytes never arrived, or whose byte count differs
    from the declared length (the fake's choice of code for all three).

    Attributes:
        file_id: the id handed out. filename / length / alt_txt: from step 1.
        data: the bytes posted in step 2 (None until then).
        title / channel / initial_comment / thread_ts: from step 3.
        shared: True once step 3 succeeded.
    """

    file_id: str
    filename: str
    length: int
    alt_txt: str | None = None
    data: bytes | None = None
    title: str | None = None
    channel: str | None = None
    initial_comment: str | None = None
    thread_ts: str | None = None
    shared: bool = False


def _limit_errors(params: dict[str, Any], *, max_blocks: int) -> str | None:
    """Slack's checks on message/view content; an error code or None."""
    blocks = params.get("blocks") or []
    if not isinstance(blocks, list):
        return "invalid_blocks_format"
    if len(blocks) > max_blocks:
        return "invalid_blocks"
    for block in blocks:
        kind = block.get("type")
        text = (
            (block.get("text") or {}).get("text", "") if isinstance(block.get("text"), dict) else ""
        )
        if kind == "section":
            if len(text) > 3000 or len(block.get("fields") or []) > 10:
                return "invalid_blocks"
            if any(len(f.get("text", "")) > 2000 for f in block.get("fields") or []):
                return "invalid_blocks"
            if not text and not block.get("fields"):
                return "invalid_blocks"
        if kind == "header" and len(text) > 150:
            return "invalid_blocks"
        if kind == "context":
            elements = block.get("elements") or []
            if not elements or len(elements) > 10:
                return "invalid_blocks"
            if any(len(e.get("text", "")) > 3000 for e in elements):
                return "invalid_blocks"
        if kind == "actions" and len(block.get("elements") or []) > 25:
            return "invalid_blocks"
        for el in [block.get("accessory") or {}, *(block.get("elements") or [])]:
            if el.get("type") == "button" and len(el["text"]["text"]) > 75:
                return "invalid_blocks"
    if len(params.get("text") or "") > 40_000:
        return "msg_too_long"
    return None


class _Server(ThreadingHTTPServer):
    request_queue_size = 1024  # a burst of 100+ connections must not overflow the backlog
    daemon_threads = True


DEFAULT_TZ = "America/Los_Angeles"
"""The time zone ``users.info`` gives a user not in :attr:`FakeSlack.users`."""


class FakeSlack:
    """The fake server; start with ``with`` or :meth:`start`, stop with :meth:`stop`.

    ``users.info`` answers from :attr:`users` (any other user gets
    :data:`DEFAULT_TZ`); ``conversations.history`` lists what was posted in a
    conversation, newest first, with ``metadata`` when asked for
    (``include_all_metadata``); :attr:`channel_errors` makes
    ``chat.postMessage`` to one channel fail (``not_in_channel`` …).

    Args:
        tokens: tokens accepted (bot and app-level); others get ``invalid_auth``.
        port: TCP port (0: a free one).
        latency: seconds each answer waits (simulates Slack's round trip).
    """

    def __init__(
        self,
        tokens: set[str] | None = None,
        *,
        port: int = 0,
        latency: float = 0.0,
    ) -> None:
        self.tokens = {BOT_TOKEN, APP_TOKEN} if tokens is None else set(tokens)
        self.workspaces: dict[str, dict[str, str]] = {}
        """Bot tokens of workspaces added with :meth:`add_workspace`: their ids."""
        self.oauth_codes: dict[str, str] = {}
        """One-time OAuth codes ``oauth.v2.access`` exchanges, code -> bot token."""
        self.client_id = "1111.2222"
        self.client_secret = "fake-client-secret-4d2a"
        self.oauth_scopes: list[str] = ["chat:write", "im:history", "im:write"]
        self._token: str | None = None
        self.latency = latency
        self.delays: dict[str, float] = {}
        """Extra seconds before answering, per method."""
        self.answer_delays: dict[str, float] = {}
        """Seconds to hold the answer back *after* the call took effect, per method."""
        self.socket_url: str | None = None
        """What ``apps.connections.open`` hands out (a :class:`fake_socket.FakeSocketMode`)."""
        self.users: dict[str, dict[str, Any]] = {}
        self.missing_users: set[str] = set()
        """User ids ``users.info`` answers ``user_not_found`` for (nobody by that id)."""
        """``users.info`` answers by user id (the ``user`` object)."""
        self.channel_errors: dict[str, str] = {}
        """``chat.postMessage`` to these channels answers this error code."""
        self.calls: list[Call] = []
        self.posted: list[Posted] = []
        self.files: dict[str, Uploaded] = {}
        """Files by id, from ``files.getUploadURLExternal`` on (see :class:`Uploaded`)."""
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        self._n = 0
        self._rate_limits: dict[str, list[int]] = {}
        self._failures: dict[str, list[Any]] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._port = port
        self._changed = threading.Condition(self._lock)

    # ------------------------------------------------------------------ control

    def start(self) -> FakeSlack:
        """Start serving on 127.0.0.1 in a daemon thread.

        Returns:
            self.
        """
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                fake._handle(self)

            def do_GET(self) -> None:  # the SDK reads some methods with GET
                fake._handle(self)

            def log_message(self, *args: Any) -> None:
                return

        self._server = _Server(("127.0.0.1", self._port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound port."""
        assert self._server is not None
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """The value for ``SLACK_API_URL``: ``http://127.0.0.1:PORT/api/``."""
        return f"{self.base_url}/api/"

    def response_url(self, name: str = "r1") -> str:
        """A ``response_url`` on this fake (for slash commands and shortcuts).

        Args:
            name: any label.

        Returns:
            The URL; posts to it are recorded as method ``response_url``.
        """
        return f"{self.base_url}/response/{name}"

    def rate_limit(self, method: str, *, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with 429 ``ratelimited``.

        Args:
            method: e.g. ``chat.postMessage``.
            times: how many calls.
            retry_after: seconds in the ``Retry-After`` header.
        """
        with self._lock:
            self._rate_limits[method] = [times, retry_after]

    def fail(self, method: str, error: str, *, times: int = 1_000_000, status: int = 200) -> None:
        """Answer the next ``times`` calls of ``method`` with ``{"ok": false, "error": error}``.

        Args:
            method: e.g. ``chat.startStream``.
            error: Slack's error code (``unknown_method``, ``channel_not_found`` …).
            times: how many calls (default: all).
            status: the HTTP status to answer with (e.g. 503 for an outage).
        """
        with self._lock:
            self._failures[method] = [times, error, status]

    def add_workspace(
        self,
        team_id: str,
        *,
        team_name: str | None = None,
        installer: str = "UADMIN",
        bot_user_id: str | None = None,
    ) -> tuple[str, str]:
        """Add a workspace the app can be installed in: a bot token and a one-time OAuth code.

        Args:
            team_id: the workspace id (``T…``).
            team_name: its name (``School <team_id>`` when None).
            installer: the user who installs the app.
            bot_user_id: the bot user's id there (``UBOT_<team_id>`` when None).

        Returns:
            ``(bot_token, code)``: the token ``oauth.v2.access`` hands out for ``code``
            (``auth.test`` with it answers this workspace's ids).
        """
        token = f"xoxb-{team_id.lower()}-{uuid.uuid4().hex[:16]}"
        code = f"code-{team_id}-{uuid.uuid4().hex[:8]}"
        with self._lock:
            self.tokens.add(token)
            self.workspaces[token] = {
                "team_id": team_id,
                "team_name": team_name or f"School {team_id}",
                "installer": installer,
                "bot_user_id": bot_user_id or f"UBOT_{team_id}",
                "bot_id": f"B_{team_id}",
            }
            self.oauth_codes[code] = token
        return token, code

    def revoke(self, token: str) -> None:
        """Make ``token`` invalid (``invalid_auth`` from now on), as an uninstall does."""
        with self._lock:
            self.tokens.discard(token)

    def tokens_used(self, method: str) -> list[str | None]:
        """The token each call to ``method`` carried, in order."""
        return [c.token for c in self.calls_to(method)]

    def reset(self) -> None:
        """Forget recorded calls, messages and programmed failures."""
        with self._lock:
            self.calls.clear()
            self.posted.clear()
            self.files.clear()
            self._rate_limits.clear()
            self._failures.clear()

    # ------------------------------------------------------------------ queries

    def calls_to(self, method: str) -> list[Call]:
        """Recorded calls of one method (any status), in order.

        Args:
            method: the method name.

        Returns:
            The calls.
        """
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def messages(
        self, *, channel: str | None = None, thread_ts: str | None = None, live: bool = True
    ) -> list[Posted]:
        """Messages in conversations (posted and streamed), oldest first.

        Args:
            channel: only this conversation.
            thread_ts: only replies in this thread.
            live: leave out deleted messages.

        Returns:
            Copies of the matching messages.
        """
        with self._lock:
            return [
                Posted(**vars(p))
                for p in self.posted
                if (channel is None or p.channel == channel)
                and (thread_ts is None or p.thread_ts == thread_ts)
                and not (live and p.deleted)
            ]

    def uploads(self, *, channel: str | None = None, shared: bool = True) -> list[Uploaded]:
        """Uploaded files, in the order they were requested.

        Args:
            channel: only files shared in this conversation.
            shared: only files that step 3 shared (False: every requested file).

        Returns:
            Copies of the matching files.
        """
        with self._lock:
            return [
                Uploaded(**vars(f))
                for f in self.files.values()
                if (not shared or f.shared) and (channel is None or f.channel == channel)
            ]

    def wait_for(self, predicate: Callable[[FakeSlack], bool], timeout: float = 10.0) -> bool:
        """Wait until ``predicate(self)`` holds (checked after every call).

        Args:
            predicate: the condition.
            timeout: most seconds to wait.

        Returns:
            True when it held in time.
        """
        deadline = time.monotonic() + timeout
        while True:
            if predicate(self):
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            with self._changed:
                self._changed.wait(min(left, 0.05))

    # ------------------------------------------------------------------ serving

    def _parse(self, handler: BaseHTTPRequestHandler) -> tuple[dict[str, Any], str | None]:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length).decode("utf-8") if length else ""
        ctype = handler.headers.get("Content-Type") or ""
        params: dict[str, Any]
        if "json" in ctype:
            params = json.loads(raw or "{}")
        else:
            params = dict(parse_qsl(raw, keep_blank_values=True))
            for key in _JSON_FIELDS:
                if isinstance(params.get(key), str) and params[key][:1] in "[{":
                    with contextlib.suppress(ValueError):
                        params[key] = json.loads(params[key])
        if "?" in handler.path:  # the SDK sends some arguments as query parameters
            for key, value in parse_qsl(handler.path.split("?", 1)[1], keep_blank_values=True):
                params.setdefault(key, value)
        token = None
        auth = handler.headers.get("Authorization") or ""
        if auth.startswith("Bearer "):
            token = auth[len("Bearer ") :]
        elif auth.startswith("Basic "):  # oauth.v2.access: the app's client id and secret
            with contextlib.suppress(ValueError, UnicodeDecodeError):
                pair = base64.b64decode(auth[len("Basic ") :]).decode()
                client_id, _, client_secret = pair.partition(":")
                params.setdefault("client_id", client_id)
                params.setdefault("client_secret", client_secret)
        token = params.pop("token", None) or token
        return params, token

    def _upload(self, handler: BaseHTTPRequestHandler, path: str) -> None:
        """Step 2 of an external upload: keep the raw bytes POSTed to the upload URL."""
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        file_id = path[len("/upload/") :]
        with self._lock:
            self._n += 1
            call = Call(self._n, "upload", path, {"file_id": file_id}, None, at=time.monotonic())
            file = self.files.get(file_id)
            if file is None or handler.command != "POST":
                call.status, body = 404, b"not found"
            else:
                file.data = raw
                call.status, body = 200, f"OK - {len(raw)}".encode()
            call.answer = {"text": body.decode()}
            self.calls.append(call)
            self._changed.notify_all()
        handler.send_response(call.status)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        if handler.path.startswith("/upload/"):
            self._upload(handler, handler.path.split("?", 1)[0])
            return
        params, token = self._parse(handler)
        path = handler.path.split("?", 1)[0]
        method = path[len("/api/") :] if path.startswith("/api/") else "response_url"
        delay = self.latency + self.delays.get(method, 0.0)
        if delay:
            time.sleep(delay)
        with self._lock:
            self._n += 1
            call = Call(self._n, method, path, params, token, at=time.monotonic())
            self._token = token
            status, answer, headers = self._answer(call)
            call.status, call.answer = status, answer
            self.calls.append(call)
            self._changed.notify_all()
        hold = self.answer_delays.get(method, 0.0)
        if hold:
            time.sleep(hold)
        body = json.dumps(answer).encode() if method != "response_url" else b"ok"
        handler.send_response(status)
        handler.send_header(
            "Content-Type", "application/json" if method != "response_url" else "text/plain"
        )
        handler.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            handler.send_header(k, v)
        handler.end_headers()
        handler.wfile.write(body)

    def _next_ts(self) -> str:
        return f"{1700000000 + next(self._ts)}.000100"

    def _find(self, channel: str, ts: str) -> Posted | None:
        for p in self.posted:
            if p.channel == channel and p.ts == ts:
                return p
        return None

    def _answer(self, call: Call) -> tuple[int, dict[str, Any], dict[str, str]]:
        """Compute the answer (lock held)."""
        method, p = call.method, call.params
        limited = self._rate_limits.get(method)
        if limited and limited[0] > 0:
            limited[0] -= 1
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(limited[1])}
        failing = self._failures.get(method)
        if failing and failing[0] > 0:
            failing[0] -= 1
            return failing[2], {"ok": False, "error": failing[1]}, {}
        if method == "response_url":
            return 200, {"ok": True}, {}
        if method == "oauth.v2.access":
            return self._oauth_v2_access(p)
        if not call.token:
            return 200, {"ok": False, "error": "not_authed"}, {}
        if call.token not in self.tokens:
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        is_app_token = call.token.startswith("xapp-")
        if method == "apps.connections.open":
            if not is_app_token:
                return 200, {"ok": False, "error": "not_allowed_token_type"}, {}
            return (
                200,
                {"ok": True, "url": self.socket_url or f"ws://127.0.0.1:{self.port}/link"},
                {},
            )
        if is_app_token:
            return 200, {"ok": False, "error": "not_allowed_token_type"}, {}
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return 200, {"ok": True}, {}
        return handler(p)

    # --- methods (lock held) ---

    def _m_auth_test(self, p: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        who = self.workspaces.get(self._token or "")
        return (
            200,
            {
                "ok": True,
                "url": "https://fake-workspace.slack.com/",
                "team": who["team_name"] if who else "Fake School District",
                "user": "empathy-coach",
                "team_id": who["team_id"] if who else TEAM_ID,
                "user_id": who["bot_user_id"] if who else BOT_USER_ID,
                "bot_id": who["bot_id"] if who else BOT_ID,
                "is_enterprise_install": False,
            },
            {},
        )

    def _oauth_v2_access(self, p: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        """``oauth.v2.access``: the app's credentials (Basic auth or form) and a one-time code."""
        if p.get("client_id") != self.client_id or p.get("client_secret") != self.client_secret:
            return 200, {"ok": False, "error": "invalid_client_id"}, {}
        token = self.oauth_codes.pop(str(p.get("code") or ""), None)
        if token is None:
            return 200, {"ok": False, "error": "invalid_code"}, {}
        who = self.workspaces[token]
        return (
            200,
            {
                "ok": True,
                "app_id": "A0FAKEAPP",
                "authed_user": {"id": who["installer"]},
                "scope": ",".join(self.oauth_scopes),
                "token_type": "bot",
                "access_token": token,
                "bot_user_id": who["bot_user_id"],
                "team": {"id": who["team_id"], "name": who["team_name"]},
                "enterprise": None,
                "is_enterprise_install": False,
            },
            {},
        )

    def _m_chat_postMessage(self, p: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        if not p.get("channel"):
            return 200, {"ok": False, "error": "channel_not_found"}, {}
        if p["channel"] in self.channel_errors:
            return 200, {"ok": False, "error": self.channel_errors[p["channel"]]}, {}
        if not p.get("text") and not p.get("blocks"):
            return 200, {"ok": False, "error": "no_text"}, {}
        error = _limit_errors(p, max_blocks=50)
        if error:
            return 200, {"ok": False, "error": error}, {}
        ts = self._next_ts()
        self.posted.append(
            Posted(
                channel=p["channel"],
                ts=ts,
                thread_ts=p.get("thread_ts"),
                text=p.get("text") or "",
                blocks=p.get("blocks") or [],
                metadata=p.get("metadata") if isinstance(p.get("metadata"), dict) else None,
            )
        )
        return (
            200,
            {
                "ok": True,
                "channel": p["channel"],
                "ts": ts,
                "message": {"text": p.get("text"), "ts": ts},
            },
            {},
        )

    def _m_chat_update(self, p: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        for posted in self.posted:
            if posted.channel == p.get("channel") and posted.ts == p.get("ts"):
                error = _limit_errors(p, max_blocks=50)
                if error:
                    return 200, {"ok": False, "error": error}, {}
                posted.text = p.get("text") or ""
                posted.blocks = p.get("blocks") or []
                return 200, {"ok": True, "channel": posted.channel, "ts": posted.ts}, {}
        return 200, {"ok": False, "error": "message_not_found"}, {}

    def _m_chat_postEphemeral(
        self, p: dict[str, Any]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        error = _limit_errors(p, max_blocks=50)
        if error:
            return 200, {"ok": False, "error": error}, {}
        return 200, {"ok": True, "message_ts": self._next_ts()}, {}

    @staticmethod
    def _chunk_text(p: dict[str, Any]) -> str:
        text = p.get("markdown_text") or ""
        for chunk in p.get("chunks") or []:
            if isinstance(chunk, dict) and chunk.get("type") == "markdown_text":
                text += chunk.get("text") or ""
        return text

    def _m_chat_startStream(self, p: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        if not p.get("channel") or not p.get("thread_ts"):
            return 200, {"ok": False, "error": "invalid_arguments"}, {}
        ts = self._next_ts()
        self.posted.append(
            Posted(
                channel=p["channel"],
                ts=ts,
                thread_ts=p["thread_ts"],
                text=self._chunk_text(p),
                streamed=True,
                done=False,
                method="chat.startStream",
            )
        )
        return 200, {"ok": True, "channel": p["channel"], "ts": ts}, {}

    def _stream(self, p: dict[str, Any]) -> Posted | None:
        msg = self._find(p.get("channel") or "", p.get("ts") or "")
        return msg if msg is not None and msg.streamed else None

    def _m_chat_appendStream(self, p: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        msg = self._stream(p)
        if msg is None:
            return 200, {"ok": False, "error": "message_not_found"}, {}
        if msg.done:
            return 200, {"ok": False, "error": "message_not_in_streaming_state"}, {}
        msg.text += self._chunk_text(p)
        return 200, {"ok": True, "channel": msg.channel, "ts": msg.ts}, {}

    def _m_chat_stopStream(self, p: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        msg = self._stream(p)
        if msg is None:
            return 200, {"ok": False, "error": "message_not_found"}, {}
        if msg.done:
            return 200, {"ok": False, "error": "message_not_in_streaming_state"}, {}
        msg.text += self._chunk_text(p)
        msg.blocks = p.get("blocks") or []
        msg.done = True
        return (
            200,
            {"ok": True, "channel": msg.channel, "ts": msg.ts, "message": {"text": msg.text}},
            {},
        )

    def _m_chat_delete(self, p: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        msg = self._find(p.get("channel") or "", p.get("ts") or "")
        if msg is None:
            return 200, {"ok": False, "error": "message_not_found"}, {}
        msg.deleted = True
        return 200, {"ok": True, "channel": msg.channel, "ts": msg.ts}, {}

    def _m_chat_update(self, p: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        msg = self._find(p.get("channel") or "", p.get("ts") or "")
        if msg is None:
            return 200, {"ok": False, "error": "message_not_found"}, {}
        error = _limit_errors(p, max_blocks=50)
        if error:
            return 200, {"ok": False, "error": error}, {}
        msg.text = p.get("text") or msg.text
        msg.blocks = p.get("blocks") or msg.blocks
        return 200, {"ok": True, "channel": msg.channel, "ts": msg.ts}, {}

    def _m_conversations_open(
        self, p: dict[str, Any]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        users = str(p.get("users") or "")
        if not users:
            return 200, {"ok": False, "error": "users_not_found"}, {}
        return 200, {"ok": True, "channel": {"id": "D" + users.split(",")[0]}}, {}

    def _m_conversations_history(
        self, p: dict[str, Any]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        channel = str(p.get("channel") or "")
        if not channel:
            return 200, {"ok": False, "error": "channel_not_found"}, {}
        with_metadata = str(p.get("include_all_metadata", "")).lower() in ("1", "true")
        limit = int(p.get("limit") or 100)
        found = [m for m in self.posted if m.channel == channel and not m.deleted]
        messages = []
        for m in reversed(found[-limit:]):
            item: dict[str, Any] = {"type": "message", "ts": m.ts, "text": m.text}
            if m.thread_ts:
                item["thread_ts"] = m.thread_ts
            if with_metadata and m.metadata:
                item["metadata"] = m.metadata
            messages.append(item)
        return 200, {"ok": True, "messages": messages, "has_more": len(found) > limit}, {}

    def _m_users_info(self, p: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        user_id = str(p.get("user") or "")
        if not user_id or user_id in self.missing_users:
            return 200, {"ok": False, "error": "user_not_found"}, {}
        user = {
            "id": user_id,
            "tz": DEFAULT_TZ,
            "real_name": "Pat Staff",
            "profile": {"real_name": "Pat Staff", "display_name": "pat"},
            **self.users.get(user_id, {}),
        }
        return 200, {"ok": True, "user": user}, {}

    def _m_files_getUploadURLExternal(
        self, p: dict[str, Any]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        filename = str(p.get("filename") or "")
        length = str(p.get("length") or "")
        if not filename or not length.isdigit() or int(length) <= 0:
            return 200, {"ok": False, "error": "invalid_arguments"}, {}
        file_id = f"F{next(self._ts):08d}"
        self.files[file_id] = Uploaded(
            file_id=file_id,
            filename=filename,
            length=int(length),
            alt_txt=str(p["alt_txt"]) if p.get("alt_txt") else None,
        )
        url = f"{self.base_url}/upload/{file_id}"
        return 200, {"ok": True, "upload_url": url, "file_id": file_id}, {}

    def _m_files_completeUploadExternal(
        self, p: dict[str, Any]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        raw = p.get("files")
        try:
            items = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            items = None
        if not isinstance(items, list) or not items:
            return 200, {"ok": False, "error": "invalid_arguments"}, {}
        found: list[Uploaded] = []
        for item in items:
            file = self.files.get(str((item or {}).get("id") or ""))
            if file is None or file.data is None or len(file.data) != file.length:
                return 200, {"ok": False, "error": "file_not_found"}, {}
            found.append(file)
        channel = p.get("channel_id") or (str(p.get("channels") or "").split(",")[0] or None)
        for file, item in zip(found, items, strict=True):
            file.title = item.get("title") or file.filename
            file.channel = channel
            file.initial_comment = p.get("initial_comment")
            file.thread_ts = p.get("thread_ts")
            file.shared = True
        if channel:
            self.posted.append(
                Posted(
                    channel=channel,
                    ts=self._next_ts(),
                    thread_ts=p.get("thread_ts"),
                    text=p.get("initial_comment") or "",
                    method="files.completeUploadExternal",
                    files=[f.file_id for f in found],
                )
            )
        files = [
            {"id": f.file_id, "name": f.filename, "title": f.title, "size": f.length} for f in found
        ]
        return 200, {"ok": True, "files": files}, {}

    def _view(self, p: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        view = p.get("view") or {}
        if not isinstance(view, dict) or view.get("type") not in ("home", "modal"):
            return 200, {"ok": False, "error": "invalid_arguments"}, {}
        error = _limit_errors(view, max_blocks=100)
        if error:
            return 200, {"ok": False, "error": error}, {}
        return 200, {"ok": True, "view": {"id": f"V{next(self._ts)}", **view}}, {}

    def _m_views_publish(self, p: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        if not p.get("user_id"):
            return 200, {"ok": False, "error": "invalid_arguments"}, {}
        return self._view(p)

    def _m_views_open(self, p: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        if not p.get("trigger_id"):
            return 200, {"ok": False, "error": "invalid_trigger_id"}, {}
        return self._view(p)

    def _m_views_push(self, p: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        if not p.get("trigger_id"):
            return 200, {"ok": False, "error": "invalid_trigger_id"}, {}
        return self._view(p)

    def _m_views_update(self, p: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        if not p.get("view_id") and not p.get("external_id"):
            return 200, {"ok": False, "error": "invalid_arguments"}, {}
        return self._view(p)


def main() -> None:  # pragma: no cover - manual use
    """Run the fake until Ctrl-C (``--port``)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8098)
    args = parser.parse_args()
    with FakeSlack(port=args.port) as fake:
        print(f"SLACK_API_URL={fake.api_url}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":  # pragma: no cover
    main()
