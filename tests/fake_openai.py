"""A small OpenAI-compatible fake server on 127.0.0.1, for end-to-end tests (stdlib only).

Serves ``POST /v1/chat/completions`` (plain, streamed as server-sent events,
and structured outputs) and ``GET /v1/models``. Every request is recorded.
Failures are programmable per chat request number (1-based, counting every
``/chat/completions`` request including retries)::

    with FakeOpenAI() as fake:
        fake.fail(3, 500)              # the 3rd chat request answers 500
        fake.fail_range(5, 3, 500)     # requests 5, 6, 7 answer 500
        fake.fail(9, "timeout")        # request 9 stalls for ``stall_seconds``
        fake.fail(10, 429)             # 429 with Retry-After
        fake.fail(11, "malformed")     # structured output that is not valid JSON
        fake.reject_keys.add("bad")    # 401 for that key, on every path
        os.environ["OPENAI_BASE_URL"] = fake.base_url

Answers:
- structured requests (``response_format`` of type ``json_schema``) get
  ``structured[schema name](request body)`` when set, else a clean answer
  (no findings for the reviewer, nothing broken for the principle check);
- other requests get ``reply(request body)`` when set, else a caregiver-like
  sentence that names the request number.

Run it by hand with ``python tests/fake_openai.py --port 8099``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FakeOpenAI", "Recorded", "completion_json", "sse_body"]

Failure = int | str
"""An HTTP status (401, 429, 500, 503…), ``"timeout"`` or ``"malformed"``."""


@dataclass
class Recorded:
    """One request the fake received.

    Attributes:
        n: 1-based number among all requests.
        chat_n: 1-based number among chat requests (0 for other paths).
        method: HTTP method.
        path: request path.
        headers: request headers (lower-case names).
        body: parsed JSON body, or None.
        answered: what the fake did: ``"ok"``, a status as text, ``"timeout"``,
            ``"malformed"``.
    """

    n: int
    chat_n: int
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    answered: str = ""

    @property
    def text(self) -> str:
        """All message contents of a chat request joined (for leak checks)."""
        if not isinstance(self.body, dict):
            return ""
        return "\n".join(
            m.get("content") or ""
            for m in self.body.get("messages", [])
            if isinstance(m.get("content"), str)
        )

    @property
    def structured(self) -> str | None:
        """The JSON-schema name of a structured-output request, else None."""
        if not isinstance(self.body, dict):
            return None
        fmt = self.body.get("response_format") or {}
        if fmt.get("type") == "json_schema":
            return str((fmt.get("json_schema") or {}).get("name") or "")
        return None


@dataclass
class FakeOpenAI:
    """The fake server (start with ``with`` or :meth:`start`).

    Attributes:
        failures: chat request number -> failure.
        reject_keys: API keys answered with 401.
        stall_seconds: how long a ``"timeout"`` request stalls.
        retry_after: seconds sent in ``Retry-After`` with 429 answers.
        retry_after_ms: milliseconds sent in ``retry-after-ms`` with 5xx
            answers (keeps the SDK's retries fast in tests).
        first_token_delay: seconds before the first token of every chat
            answer (streamed or not): the model's own first-token time.
        token_delay: seconds between streamed words after the first.
        reply: optional function body -> reply text for chat requests.
        structured: schema name -> function body -> JSON-able answer.
        requests: every request received, in order.
    """

    failures: dict[int, Failure] = field(default_factory=dict)
    reject_keys: set[str] = field(default_factory=set)
    stall_seconds: float = 3.0
    retry_after: float = 0.05
    retry_after_ms: int = 5
    first_token_delay: float = 0.0
    token_delay: float = 0.0
    reply: Callable[[dict[str, Any]], str] | None = None
    structured: dict[str, Callable[[dict[str, Any]], Any]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._chat_count = 0

    # ------------------------------------------------------------------ control

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1`` (valid once started)."""
        return f"http://127.0.0.1:{self.port}/v1"

    def fail(self, chat_n: int, failure: Failure) -> None:
        """Make chat request number ``chat_n`` fail with ``failure``."""
        self.failures[chat_n] = failure

    def fail_range(self, first: int, count: int, failure: Failure) -> None:
        """Make ``count`` chat requests from number ``first`` on fail with ``failure``."""
        for n in range(first, first + count):
            self.failures[n] = failure

    @property
    def chat_requests(self) -> list[Recorded]:
        """The recorded chat-completion requests, in order."""
        return [r for r in self.requests if r.chat_n]

    @property
    def chat_count(self) -> int:
        """How many chat requests arrived so far."""
        return self._chat_count

    def start(self) -> FakeOpenAI:
        """Start serving on 127.0.0.1 in a daemon thread; sets :attr:`port`."""
        fake = self

        class Handler(_Handler):
            owner = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ internals

    def _record(self, handler: BaseHTTPRequestHandler, body: Any) -> Recorded:
        with self._lock:
            chat_n = 0
            if handler.path.rstrip("/").endswith("/chat/completions"):
                self._chat_count += 1
                chat_n = self._chat_count
            rec = Recorded(
                n=len(self.requests) + 1,
                chat_n=chat_n,
                method=handler.command,
                path=handler.path,
                headers={k.lower(): v for k, v in handler.headers.items()},
                body=body,
            )
            self.requests.append(rec)
            return rec


def _default_structured(name: str) -> Any:
    if name == "PrincipleVerdict":
        return {"broken": [], "rewrite": None}
    return {"findings": [], "reframe": None, "moves": ["open_question"]}


def _default_reply(body: dict[str, Any], n: int) -> str:
    return f"Well, it has been a long week. I am just trying to keep things going (reply {n})."


def _rough_tokens(text: str) -> int:
    return max(1, len(text) // 4)


class _Handler(BaseHTTPRequestHandler):
    owner: FakeOpenAI
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return  # quiet

    # -- helpers

    def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        code = {401: "invalid_api_key", 429: "rate_limit_exceeded"}.get(status, "server_error")
        self._json(status, {"error": {"message": message, "type": code, "code": code}}, headers)

    def _key(self) -> str:
        auth = self.headers.get("authorization", "")
        return auth.removeprefix("Bearer ").strip() or self.headers.get("api-key", "")

    def _read_body(self) -> Any:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return None

    # -- routes

    def do_GET(self) -> None:
        rec = self.owner._record(self, None)
        if self._key() in self.owner.reject_keys:
            rec.answered = "401"
            self._error(401, "Incorrect API key provided.")
            return
        if self.path.rstrip("/").endswith("/models"):
            rec.answered = "ok"
            self._json(
                200,
                {
                    "object": "list",
                    "data": [
                        {"id": "fake-model", "object": "model", "created": 0, "owned_by": "fake"}
                    ],
                },
            )
            return
        rec.answered = "404"
        self._error(404, "not found")

    def do_POST(self) -> None:
        body = self._read_body()
        rec = self.owner._record(self, body)
        if self._key() in self.owner.reject_keys:
            rec.answered = "401"
            self._error(401, "Incorrect API key provided.")
            return
        if not rec.chat_n or not isinstance(body, dict):
            rec.answered = "404"
            self._error(404, "not found")
            return
        failure = self.owner.failures.get(rec.chat_n)
        if failure == "timeout":
            rec.answered = "timeout"
            time.sleep(self.owner.stall_seconds)
            with contextlib.suppress(OSError):
                self._error(504, "stalled")
            return
        if isinstance(failure, int):
            rec.answered = str(failure)
            headers = {}
            if failure == 429:
                headers["retry-after"] = f"{self.owner.retry_after:g}"
            elif failure >= 500:
                headers["retry-after-ms"] = str(self.owner.retry_after_ms)
            self._error(failure, f"fake failure {failure}", headers)
            return
        schema = rec.structured
        if schema is not None:
            if failure == "malformed":
                rec.answered = "malformed"
                content = '{"findings": [{"kind": "advice", "evidence": '
            else:
                rec.answered = "ok"
                make = self.owner.structured.get(schema)
                content = json.dumps(make(body) if make else _default_structured(schema))
        else:
            rec.answered = "ok"
            make_reply = self.owner.reply
            content = make_reply(body) if make_reply else _default_reply(body, rec.chat_n)
        prompt_tokens = _rough_tokens(rec.text)
        completion_tokens = _rough_tokens(content)
        if self.owner.first_token_delay:
            time.sleep(self.owner.first_token_delay)
        if body.get("stream"):
            self._stream(body, content, prompt_tokens, completion_tokens)
            return
        self._json(
            200,
            {
                "id": f"chatcmpl-{rec.chat_n}",
                "object": "chat.completion",
                "created": 0,
                "model": body.get("model", "fake-model"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content, "refusal": None},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                },
            },
        )

    def _stream(
        self, body: dict[str, Any], content: str, prompt_tokens: int, completion_tokens: int
    ) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True

        def chunk(payload: dict[str, Any]) -> None:
            self.wfile.write(b"data: " + json.dumps(payload).encode() + b"\n\n")
            self.wfile.flush()

        base = {
            "id": "chatcmpl-s",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": body.get("model", "fake-model"),
        }
        words = content.split(" ")
        for i, word in enumerate(words):
            if i and self.owner.token_delay:
                time.sleep(self.owner.token_delay)
            piece = word if i == len(words) - 1 else word + " "
            chunk(
                {
                    **base,
                    "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
                }
            )
        chunk({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        if (body.get("stream_options") or {}).get("include_usage"):
            chunk(
                {
                    **base,
                    "choices": [],
                    "usage": {
                        "prompt_tokens": prompt_tokens,
                        "completion_tokens": completion_tokens,
                        "total_tokens": prompt_tokens + completion_tokens,
                    },
                }
            )
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()


def completion_json(
    content: str, prompt_tokens: int = 50, completion_tokens: int = 12
) -> dict[str, Any]:
    """A non-streamed chat-completion body (for respx mocks).

    Args:
        content: the assistant message.
        prompt_tokens: reported prompt tokens.
        completion_tokens: reported completion tokens.
    """
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": "gpt-4.1-mini",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def sse_body(deltas: list[str], usage: tuple[int, int] | None = (50, 12)) -> str:
    """A streamed chat-completion body as server-sent events (for respx mocks).

    Args:
        deltas: the content pieces, one chunk each.
        usage: ``(prompt, completion)`` tokens for a final usage chunk, or None
            to send no usage (as some compatible servers do).
    """
    base = {"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 0, "model": "m"}
    events = [
        {**base, "choices": [{"index": 0, "delta": {"content": d}, "finish_reason": None}]}
        for d in deltas
    ]
    events.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    if usage is not None:
        events.append(
            {
                **base,
                "choices": [],
                "usage": {
                    "prompt_tokens": usage[0],
                    "completion_tokens": usage[1],
                    "total_tokens": sum(usage),
                },
            }
        )
    return "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"


def main() -> None:
    """Serve until interrupted: ``python tests/fake_openai.py --port 8099``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8099)
    args = parser.parse_args()
    fake = FakeOpenAI(port=args.port).start()
    print(f"fake OpenAI on {fake.base_url} (Ctrl-C to stop)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
