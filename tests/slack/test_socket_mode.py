"""Socket Mode: the same app over a WebSocket; a redelivered envelope never replies twice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_slack import FakeSlack
from fake_socket import FakeSocketMode
from slack_kit import AppServer, block_actions, message_im, slash_command

from bot.slack import ids

pytestmark = pytest.mark.integration

USER = "U0SOCKET"
DM = f"D{USER}"


def _payload(builder_output: tuple[str, str]) -> dict[str, object]:
    """The JSON payload Slack puts in an envelope (interactions are not form-encoded there)."""
    body, ctype = builder_output
    if ctype == "application/json":
        return json.loads(body)
    from urllib.parse import parse_qsl

    form = dict(parse_qsl(body))
    return json.loads(form["payload"]) if "payload" in form else form


def test_socket_mode_acks_envelopes_and_dedupes_redeliveries(
    fake: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with FakeSocketMode() as socket:
        fake.socket_url = socket.url
        with AppServer(fake, tmp_path / "socket.db", socket_mode=True) as server:
            assert socket.wait_connected()
            start = socket.send(
                "interactive",
                _payload(
                    block_actions(USER, ids.ACTION_START, value="night-shift-mom", in_home=True)
                ),
                accepts_response_payload=True,
            )
            assert socket.ack_for(start) is not None
            server.drain()
            card = fake.messages(channel=DM)[0]

            event = _payload(message_im(USER, "Tell me about mornings.", thread_ts=card.ts))
            first = socket.send("events_api", event)
            again = socket.send("events_api", event, retry_attempt=1)  # redelivered envelope
            assert socket.ack_for(first) == {"envelope_id": first}
            assert socket.ack_for(again) == {"envelope_id": again}
            server.drain()
            replies = [m for m in fake.messages(channel=DM, thread_ts=card.ts) if m.streamed]
            assert len(replies) == 1

            command = socket.send(
                "slash_commands",
                _payload(slash_command("/practice", "", USER, response_url=fake.response_url())),
                accepts_response_payload=True,
            )
            ack = socket.ack_for(command)
            assert ack is not None and ack["payload"]["response_type"] == "ephemeral"
            assert any(
                b.get("accessory", {}).get("action_id") == ids.ACTION_START
                for b in ack["payload"]["blocks"]
            )
    assert fake.calls_to("apps.connections.open")
