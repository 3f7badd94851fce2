"""Loopback stand-ins for Microsoft's side of a Teams bot, on 127.0.0.1 (stdlib only).

* :class:`FakeIdentity` publishes an OpenID configuration and a JWKS with one
  test RSA key and signs Bot Framework tokens with it (:meth:`FakeIdentity.token`);
  the Teams SDK is pointed at it through a ``CloudEnvironment`` whose
  ``openid_metadata_url`` is this server's (the SDK reads the keys from the
  same path ending in ``/keys``).
* :class:`FakeConnector` is the Bot Connector service an activity's
  ``serviceUrl`` names: it records every ``POST /v3/conversations/{id}/activities``
  and ``PUT …/activities/{activityId}`` and answers with a new activity id; it answers
  ``GET /v3/conversations/{team}/members/{user}`` (Microsoft's "get single member") from
  :attr:`FakeConnector.members`: the member, or 404 ``MemberNotFoundInConversation``;
  a POST or PUT whose activity is larger than :attr:`FakeConnector.max_message_bytes`
  gets 413 ``MessageSizeTooBig``, as the real connector answers (see :data:`MAX_MESSAGE_BYTES`).
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from microsoft_teams.api.auth.cloud_environment import PUBLIC, CloudEnvironment

ISSUER = PUBLIC.token_issuer
"""Bot Framework's token issuer (``https://api.botframework.com``)."""
KEY_ID = "test-key-1"


MAX_MESSAGE_BYTES = 40 * 1024
"""The bot message size limit: "The bot message size limit is 40 KB. If the bot message
size limit exceeds 40 KB, bot receives a 413 status code (RequestEntityTooLarge), which
contains the error code MessageSizeTooBig. The bot message size limit includes the entire
message payload encoded as UTF-16 and doesn't include Base64 encoded images" (Microsoft
Learn, *Format your bot messages*,
https://learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages;
the page's newest English version says about 100 KB, under 80 KB recommended: the fake
keeps the stricter figure most of its versions give)."""

_DATA_URL = re.compile(r'"data:[^"]*"')


def message_bytes(raw: bytes) -> int:
    """The size the connector counts: the payload as UTF-16, ``data:`` (Base64) images left out."""
    return len(_DATA_URL.sub('""', raw.decode("utf-8")).encode("utf-16-le"))


class _Server(ThreadingHTTPServer):
    daemon_threads = True


def _start(handler: type[BaseHTTPRequestHandler]) -> tuple[_Server, threading.Thread]:
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


class FakeIdentity:
    """OpenID configuration + JWKS on loopback, and the key that signs test tokens."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": KEY_ID, "use": "sig", "alg": "RS256"})
        self.jwks = {"keys": [jwk]}
        identity = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                if self.path.endswith("/openidconfiguration"):
                    body = {
                        "issuer": ISSUER,
                        "jwks_uri": f"{identity.base_url}/v1/.well-known/keys",
                        "id_token_signing_alg_values_supported": ["RS256"],
                    }
                elif self.path.endswith("/keys"):
                    body = identity.jwks
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server, self.thread = _start(Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def cloud(self) -> CloudEnvironment:
        """The public cloud, with its OpenID metadata on this server."""
        return CloudEnvironment(
            **{
                **PUBLIC.__dict__,
                "openid_metadata_url": f"{self.base_url}/v1/.well-known/openidconfiguration",
            }
        )

    def token(
        self,
        *,
        audience: str,
        service_url: str,
        expires_in: int = 3600,
        issuer: str = ISSUER,
        key: rsa.RSAPrivateKey | None = None,
    ) -> str:
        """A Bot Framework connector token, signed by the published key (or ``key``)."""
        now = int(time.time())
        claims = {
            "iss": issuer,
            "aud": audience,
            "iat": now - 10 if expires_in > 0 else now + expires_in - 60,
            "nbf": now - 10 if expires_in > 0 else now + expires_in - 60,
            "exp": now + expires_in,
            "serviceurl": service_url,
        }
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": KEY_ID})

    def close(self) -> None:
        """Stop the server."""
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Recorded:
    """One activity the bot sent to the connector."""

    method: str
    conversation_id: str
    activity_id: str | None
    body: dict[str, Any]
    authorization: str
    returned_id: str = ""

    @property
    def type(self) -> str:
        """The activity type (``message``, ``typing``)."""
        return str(self.body.get("type"))

    @property
    def text(self) -> str:
        """The message text, or ""."""
        return str(self.body.get("text") or "")

    @property
    def cards(self) -> list[dict[str, Any]]:
        """The Adaptive Cards attached."""
        return [
            a["content"]
            for a in self.body.get("attachments") or []
            if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
        ]

    @property
    def card_text(self) -> str:
        """Every TextBlock text and fact of the cards, joined by newlines."""
        out: list[str] = []

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                if node.get("type") == "TextBlock":
                    out.append(str(node.get("text", "")))
                if node.get("type") == "FactSet":
                    out.extend(f"{f['title']}: {f['value']}" for f in node.get("facts", []))
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk(self.cards)
        return "\n".join(out)

    def elements(self, kind: str) -> list[dict[str, Any]]:
        """Every element of the cards whose ``type`` is ``kind`` (e.g. ``Input.ChoiceSet``)."""
        found: list[dict[str, Any]] = []

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                if node.get("type") == kind:
                    found.append(node)
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk(self.cards)
        return found

    def submits(self) -> list[dict[str, Any]]:
        """Every ``Action.Submit`` of the cards (title and data)."""
        return self.elements("Action.Submit")


_PATH = re.compile(r"/v3/conversations/(?P<conv>[^/]+)/activities(?:/(?P<aid>[^/]+))?$")
_MEMBER = re.compile(r"/v3/conversations/(?P<conv>[^/]+)/members/(?P<user>[^/]+)$")


@dataclass
class FakeConnector:
    """The Bot Connector service on loopback; :attr:`recorded` holds what the bot sent."""

    recorded: list[Recorded] = field(default_factory=list)
    members: dict[str, set[str]] = field(default_factory=dict)
    """Team (conversation) id -> the user ids (Entra object ids) in it."""
    lookups: list[tuple[str, str, str]] = field(default_factory=list)
    """Every member lookup: (team id, user id, Authorization header)."""
    max_message_bytes: int = MAX_MESSAGE_BYTES
    """Activities larger than this (:func:`message_bytes`) get 413 and are not recorded."""
    too_big: list[int] = field(default_factory=list)
    """The size of every activity refused with 413, in order."""
    fail_messages: int = 0
    """The next this-many POSTs of a ``message`` activity get 500 and are not recorded
    (a connector that fails to take a reply; set it, it counts down)."""
    failed: int = 0
    """How many POSTs were answered 500 by :attr:`fail_messages`."""
    deleted: list[tuple[str, str]] = field(default_factory=list)
    """Every DELETE of an activity: (conversation id, activity id), in order."""
    refuse_updates: set[str] = field(default_factory=set)
    """Activity ids whose update (PUT) gets 404 ``ActivityNotFoundInConversation``
    (a card the user deleted); the refused PUT is not recorded."""

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._next = 0
        connector = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _record(self, method: str) -> None:
                from urllib.parse import unquote

                match = _PATH.search(self.path.split("?")[0])
                if match is None:
                    self.send_error(404)
                    return
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                size = message_bytes(raw)
                if size > connector.max_message_bytes:
                    with connector._lock:
                        connector.too_big.append(size)
                    self._answer(
                        413,
                        {
                            "error": {
                                "code": "MessageSizeTooBig",
                                "message": "The request content length exceeded the limit.",
                            }
                        },
                    )
                    return
                body = json.loads(raw or b"{}")
                with connector._lock:
                    fail = (
                        method == "POST"
                        and body.get("type") == "message"
                        and connector.fail_messages > 0
                    )
                    if fail:
                        connector.fail_messages -= 1
                        connector.failed += 1
                if fail:
                    self._answer(500, {"error": {"code": "ServiceError", "message": "failed"}})
                    return
                with connector._lock:
                    connector._next += 1
                    new_id = f"act-{connector._next}"
                    connector.recorded.append(
                        Recorded(
                            method=method,
                            conversation_id=unquote(match["conv"]),
                            activity_id=match["aid"],
                            body=body,
                            authorization=self.headers.get("Authorization", ""),
                            returned_id=match["aid"] or new_id,
                        )
                    )
                data = json.dumps({"id": match["aid"] or new_id}).encode()
                self.send_response(200 if method == "PUT" else 201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                self._record("POST")

            def do_GET(self) -> None:
                from urllib.parse import unquote

                match = _MEMBER.search(self.path.split("?")[0])
                if match is None:
                    self.send_error(404)
                    return
                team, who = unquote(match["conv"]), unquote(match["user"])
                with connector._lock:
                    connector.lookups.append((team, who, self.headers.get("Authorization", "")))
                    found = who in connector.members.get(team, set())
                if found:
                    status, body = 200, {"id": f"29:{who}", "aadObjectId": who, "name": who}
                else:
                    status = 404
                    body = {
                        "error": {
                            "code": "MemberNotFoundInConversation",
                            "message": "The member is not in the conversation.",
                        }
                    }
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_DELETE(self) -> None:
                from urllib.parse import unquote

                match = _PATH.search(self.path.split("?")[0])
                if match is None or not match["aid"]:
                    self.send_error(404)
                    return
                with connector._lock:
                    connector.deleted.append((unquote(match["conv"]), unquote(match["aid"])))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_PUT(self) -> None:
                match = _PATH.search(self.path.split("?")[0])
                if match is not None and match["aid"] in connector.refuse_updates:
                    length = int(self.headers.get("Content-Length") or 0)
                    self.rfile.read(length)
                    data = json.dumps(
                        {
                            "error": {
                                "code": "ActivityNotFoundInConversation",
                                "message": "The activity was not found.",
                            }
                        }
                    ).encode()
                    self.send_response(404)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                self._record("PUT")

        self.server, self.thread = _start(Handler)
        self.service_url = f"http://127.0.0.1:{self.server.server_address[1]}/teams/"

    def messages(self, conversation_id: str | None = None) -> list[Recorded]:
        """The message activities posted (not typing, not updates), in order."""
        with self._lock:
            return [
                r
                for r in self.recorded
                if r.method == "POST"
                and r.type == "message"
                and (conversation_id is None or r.conversation_id == conversation_id)
            ]

    def of_type(self, kind: str) -> list[Recorded]:
        """Every POST of activity type ``kind``."""
        with self._lock:
            return [r for r in self.recorded if r.method == "POST" and r.type == kind]

    def stream_info(self, record: Recorded) -> dict[str, Any] | None:
        """The ``streaminfo`` entity of a recorded activity, or None."""
        return next(
            (e for e in record.body.get("entities") or [] if e.get("type") == "streaminfo"),
            None,
        )

    def updates(self) -> list[Recorded]:
        """Every PUT (message update)."""
        with self._lock:
            return [r for r in self.recorded if r.method == "PUT"]

    def close(self) -> None:
        """Stop the server."""
        self.server.shutdown()
        self.server.server_close()
