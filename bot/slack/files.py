"""Sharing a file in Slack: an image (a progress chart) into a conversation.

slack_sdk's ``files_upload_v2`` does Slack's three-step external upload: it asks
``files.getUploadURLExternal`` for an upload URL and a file id (sending the name, the
length in bytes and the alt text), POSTs the bytes to that URL, then calls
``files.completeUploadExternal`` with the file id and title to share the file in the
channel (with ``initial_comment`` as the message beside it). Both methods need the
``files:write`` bot scope.
"""

from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient

__all__ = ["PNG_SIGNATURE", "upload_png"]

log = logging.getLogger(__name__)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
"""The eight bytes every PNG file starts with."""


async def upload_png(
    client: AsyncWebClient,
    channel_id: str,
    filename: str,
    data: bytes,
    *,
    title: str,
    alt_text: str,
    initial_comment: str | None = None,
    thread_ts: str | None = None,
) -> str | None:
    """Upload PNG bytes and share them in one conversation (``files_upload_v2``).

    Args:
        client: the Web API client.
        channel_id: the conversation (a DM id for a user's own chart).
        filename: the file's name, e.g. ``progress.png``.
        data: the PNG bytes.
        title: the file's title shown above the image.
        alt_text: the image's description for screen readers (Slack keeps 1,000
            characters).
        initial_comment: the message posted with the file (plain text), or None.
        thread_ts: a thread to share it in, or None.

    Returns:
        The Slack file id, or None when Slack's answer names none.

    Raises:
        ValueError: ``data`` is not a PNG.
        slack_sdk.errors.SlackApiError: Slack refused a step (e.g. ``missing_scope``).
        slack_sdk.errors.SlackRequestError: the upload URL did not take the bytes.
    """
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("upload_png was given bytes that are not a PNG")
    resp = await client.files_upload_v2(
        channel=channel_id,
        file=data,
        filename=filename,
        title=title,
        alt_txt=alt_text[:1000],
        initial_comment=initial_comment,
        thread_ts=thread_ts,
    )
    file = resp.get("file") or {}
    file_id = file.get("id") if isinstance(file, dict) else None
    log.info("shared %s (%d bytes) in %s", filename, len(data), channel_id)
    return str(file_id) if file_id else None
