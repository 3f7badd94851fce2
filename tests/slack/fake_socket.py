"""A fake Slack Socket Mode server on 127.0.0.1 (aiohttp WebSocket, own thread).

Speaks the Socket Mode protocol as Slack documents it: on connect it sends
``{"type": "hello"}``; :meth:`FakeSocketMode.send` pushes an envelope
(``events_api``, ``slash_commands``, ``interactive``) to the connected app;
every acknowledgement (``{"envelope_id": …, "payload"?: …}``) is recorded.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from typing import Any

from aiohttp import WSMsgType, web

__all__ = ["FakeSocketMode"]


class FakeSocketMode:
    """The fake WebSocket endpoint; use with ``with``.

    Attributes:
        acks: acknowledgements received, in order (parsed JSON).
        connections: how many WebSocket connections were opened.
    """

    def __init__(self) -> None:
        self.acks: list[dict[str, Any]] = []
        self.connections = 0
        self._ws: web.WebSocketResponse | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._ready = threading.Event()
        self._connected = threading.Event()
        self._thread: threading.Thread | None = None
        self._stop: asyncio.Event | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """The ``wss`` URL ``apps.connections.open`` should hand out."""
        return f"ws://127.0.0.1:{self.port}/link"

    def __enter__(self) -> FakeSocketMode:
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)
        self._thread.start()
        assert self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(10)

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        app = web.Application()
        app.router.add_get("/link", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._ready.set()
        await self._stop.wait()
        if self._ws is not None:
            await self._ws.close()
        await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        self.connections += 1
        await ws.send_str(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": 1,
                    "debug_info": {"host": "fake", "approximate_connection_time": 18060},
                    "connection_info": {"app_id": "A0TEST"},
                }
            )
        )
        self._connected.set()
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                self.acks.append(json.loads(msg.data))
        return ws

    def wait_connected(self, timeout: float = 10) -> bool:
        """Wait until the app has connected.

        Args:
            timeout: seconds.

        Returns:
            True when connected in time.
        """
        return self._connected.wait(timeout)

    def send(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        retry_attempt: int = 0,
        accepts_response_payload: bool = False,
    ) -> str:
        """Push one envelope to the app.

        Args:
            kind: ``events_api``, ``slash_commands`` or ``interactive``.
            payload: the envelope's payload (as Slack would put it there).
            retry_attempt: 0 for a first delivery, 1+ for a redelivery.
            accepts_response_payload: True for commands and interactions.

        Returns:
            The envelope id.
        """
        assert self._loop is not None and self._ws is not None
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": kind,
            "accepts_response_payload": accepts_response_payload,
            "retry_attempt": retry_attempt,
            "retry_reason": "timeout" if retry_attempt else "",
        }
        ws = self._ws
        asyncio.run_coroutine_threadsafe(ws.send_str(json.dumps(envelope)), self._loop).result(5)
        return envelope_id

    def ack_for(self, envelope_id: str, timeout: float = 5) -> dict[str, Any] | None:
        """Wait for the app's acknowledgement of one envelope.

        Args:
            envelope_id: the envelope.
            timeout: seconds.

        Returns:
            The acknowledgement, or None when none came in time.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for ack in list(self.acks):
                if ack.get("envelope_id") == envelope_id:
                    return ack
            time.sleep(0.01)
        return None
