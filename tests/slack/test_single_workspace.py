"""Single-token mode serves only the bot token's own workspace (issue 13).

A probe found a payload from another workspace answered with the first workspace's token.
Here requests signed with the app's secret but naming another team get a quiet 200 (events)
or the plain "set up for another workspace" line (commands): nothing is posted with
this workspace's token and nothing is stored.
"""

from __future__ import annotations

from pathlib import Path

from fake_slack import TEAM_ID, FakeSlack
from slack_kit import AppServer, block_actions, message_im, slash_command
from sqlalchemy import text

from bot.slack import ids
from bot.slack.app import OTHER_WORKSPACE_MESSAGE

OTHER = "T0OTHERWS"


def _rows(server: AppServer) -> dict[str, int]:
    async def read() -> dict[str, int]:
        async with server.runtime.store.unit_of_work() as uow:
            counts = {}
            for table in ("practice_sessions", "processed_events"):
                result = await uow._session.execute(text(f"SELECT count(*) FROM {table}"))
                counts[table] = int(result.scalar_one())
            return counts

    return dict(server.call(read()))


def _posts(fake: FakeSlack) -> list[str]:
    return [
        c.method
        for c in fake.calls
        if c.method.startswith(("chat.", "views.", "conversations.open"))
    ]


def test_another_workspaces_message_is_not_answered_with_this_token(tmp_path: Path) -> None:
    with FakeSlack() as fake, AppServer(fake, tmp_path / "one.db") as server:
        before = _rows(server)
        body, ctype = message_im("U9", "practice with Denise", team_id=OTHER, client_msg_id="x-1")
        resp = server.post((body, ctype))
        assert resp.status_code == 200
        server.drain()
        assert _posts(fake) == []
        assert _rows(server) == before
        # the same message from the bot's own workspace is answered (the test can fail)
        body, ctype = message_im("U1", "practice with Denise", team_id=TEAM_ID)
        assert server.post((body, ctype)).status_code == 200
        server.drain()
        assert "chat.postMessage" in _posts(fake)


def test_another_workspaces_command_and_button_get_a_plain_line(tmp_path: Path) -> None:
    with FakeSlack() as fake, AppServer(fake, tmp_path / "two.db") as server:
        before = _rows(server)
        url = fake.response_url("other")
        resp = server.post(
            slash_command("/practice", "Denise", "U9", response_url=url, team_id=OTHER)
        )
        assert resp.status_code == 200
        assert resp.text == OTHER_WORKSPACE_MESSAGE
        button = block_actions(
            "U9", ids.ACTION_START, value="night-shift-mom", team_id=OTHER, response_url=url
        )
        assert server.post(button).status_code == 200
        server.drain()
        assert fake.calls_to("response_url") == []
        assert _posts(fake) == []
        assert _rows(server) == before
