"""File uploads for the fake Slack Web API: what ``files_upload_v2`` calls, done like Slack.

``files_upload_v2`` (slack_sdk) makes three requests: ``files.getUploadURLExternal``
(a file id and an upload URL for a file of ``length`` bytes), a ``POST`` of the raw
bytes to that URL, and ``files.completeUploadExternal`` (share the uploaded files in
``channel_id``, with ``initial_comment``). :class:`FakeSlackFiles` adds the three to
:class:`fake_slack.FakeSlack`: the upload URL is on the fake itself, the bytes are
kept, and completing checks that each file was uploaded with its announced length
(``file_not_found`` / ``invalid_file_length`` otherwise, like Slack's refusals).

Kept as a subclass in its own file so it merges cleanly with other work on
``fake_slack.py``.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

from fake_slack import Call, FakeSlack

__all__ = ["FakeSlackFiles", "SharedFile"]


@dataclass
class SharedFile:
    """A file completed with ``files.completeUploadExternal``.

    Attributes:
        id: the file id. filename / title: as given. channel: where it was shared
        (None: not shared). initial_comment: the message with it. thread_ts: its thread.
        content: the uploaded bytes.
    """

    id: str
    filename: str
    title: str
    channel: str | None
    initial_comment: str | None
    thread_ts: str | None
    content: bytes


class FakeSlackFiles(FakeSlack):
    """:class:`FakeSlack` with ``files.getUploadURLExternal``, the upload, and
    ``files.completeUploadExternal`` (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pending: dict[str, dict[str, Any]] = {}
        self.uploaded: dict[str, bytes] = {}
        """Bytes posted to each file's upload URL."""
        self.shared: list[SharedFile] = []
        """Files completed (and shared), in order."""

    def files_in(self, channel: str) -> list[SharedFile]:
        """Files shared in one conversation, oldest first."""
        with self._lock:
            return [f for f in self.shared if f.channel == channel]

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?", 1)[0]
        if not path.startswith("/upload/"):
            super()._handle(handler)
            return
        length = int(handler.headers.get("Content-Length") or 0)
        data = handler.rfile.read(length) if length else b""
        file_id = path[len("/upload/") :]
        with self._lock:
            self._n += 1
            known = file_id in self._pending
            if known:
                self.uploaded[file_id] = data
            status = 200 if known else 404
            call = Call(
                self._n, "files.upload", path, {"file_id": file_id}, None, at=time.monotonic()
            )
            call.status, call.answer = status, {"ok": known, "bytes": len(data)}
            self.calls.append(call)
            self._changed.notify_all()
        body = f"OK - {len(data)}".encode() if known else b"not found"
        handler.send_response(status)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _m_files_getUploadURLExternal(
        self, p: dict[str, Any]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        filename = str(p.get("filename") or "")
        try:
            length = int(p.get("length") or -1)
        except (TypeError, ValueError):
            length = -1
        if not filename:
            return 200, {"ok": False, "error": "invalid_arguments"}, {}
        if length < 0:
            return 200, {"ok": False, "error": "invalid_length"}, {}
        file_id = f"F{len(self._pending) + 1:06d}"
        self._pending[file_id] = {"filename": filename, "length": length}
        return (
            200,
            {"ok": True, "file_id": file_id, "upload_url": f"{self.base_url}/upload/{file_id}"},
            {},
        )

    def _m_files_completeUploadExternal(
        self, p: dict[str, Any]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        files = p.get("files")
        if isinstance(files, str):
            with contextlib.suppress(ValueError):
                files = json.loads(files)
        if not isinstance(files, list) or not files:
            return 200, {"ok": False, "error": "invalid_arguments"}, {}
        done = []
        for item in files:
            file_id = str((item or {}).get("id") or "")
            pending = self._pending.get(file_id)
            if pending is None or file_id not in self.uploaded:
                return 200, {"ok": False, "error": "file_not_found"}, {}
            if len(self.uploaded[file_id]) != pending["length"]:
                return 200, {"ok": False, "error": "invalid_file_length"}, {}
            done.append((file_id, pending, str(item.get("title") or pending["filename"])))
        channel = p.get("channel_id") or None
        answer = []
        for file_id, pending, title in done:
            self.shared.append(
                SharedFile(
                    id=file_id,
                    filename=pending["filename"],
                    title=title,
                    channel=str(channel) if channel else None,
                    initial_comment=p.get("initial_comment") or None,
                    thread_ts=p.get("thread_ts") or None,
                    content=self.uploaded[file_id],
                )
            )
            answer.append({"id": file_id, "name": pending["filename"], "title": title})
        return 200, {"ok": True, "files": answer}, {}
