"""``/practice delete-my-data`` and *Download transcript* through the real Bolt app:
signed requests to the app over HTTP, the fake Slack Web API (with file uploads),
and a real SQLite file seeded through the real services."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from data_rights_kit import Seeded, dump, key, seed_user
from dispatch_kit import FakeClock
from fake_slack import TEAM_ID, FakeSlack
from slack_kit import AppServer, block_actions, slash_command

from bot.slack import ids
from bot.store import Store, upgrade_to_head

ALICE, BOB, MALLORY = "U_ALICE", "U_BOB", "U_MALLORY"
OTHER_TEAM = "T_OTHER"


@pytest.fixture
def files_fake() -> Iterator[FakeSlack]:
    with FakeSlack() as slack:
        yield slack


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[str, dict[str, Seeded]]:
    url = f"sqlite:///{tmp_path / 'slack.db'}"
    upgrade_to_head(url)
    clock = FakeClock(datetime.now(UTC) - timedelta(hours=2))

    async def main() -> dict[str, Seeded]:
        store = Store.from_url(url)
        try:
            return {
                "alice": await seed_user(store, clock, TEAM_ID, ALICE, thread="1.0"),
                "bob": await seed_user(store, clock, TEAM_ID, BOB, thread="2.0"),
                "alice_other": await seed_user(store, clock, OTHER_TEAM, ALICE, thread="3.0"),
            }
        finally:
            await store.dispose()

    return url, asyncio.run(main())


@pytest.fixture
def app(
    files_fake: FakeSlack,
    seeded: tuple[str, dict[str, Seeded]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[AppServer]:
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "AZURE_OPENAI_ENDPOINT"):
        monkeypatch.delenv(var, raising=False)
    with AppServer(files_fake, tmp_path / "slack.db", dispatch=False) as server:
        yield server


def _text(blocks_: list[dict[str, Any]]) -> str:
    return " ".join(str((b.get("text") or {}).get("text") or "") for b in blocks_)


def rows_of(url: str, workspace: str, user: str) -> dict[str, int]:
    """How many rows of each kind one user has in one workspace (by hand, per table)."""
    d = dump(url)
    sessions = {
        r["id"]
        for r in d["practice_sessions"]
        if (r["workspace_id"], r["user_id"]) == (workspace, user)
    }
    interviews = {
        r["id"] for r in d["interviews"] if (r["workspace_id"], r["user_id"]) == (workspace, user)
    }
    return {
        "sessions": len(sessions),
        "turns": sum(r["session_id"] in sessions for r in d["turns"]),
        "coach_requests": sum(r["session_id"] in sessions for r in d["coach_requests"]),
        "note_disputes": sum(r["session_id"] in sessions for r in d["note_disputes"]),
        "interviews": len(interviews),
        "reflections": sum(r["interview_id"] in interviews for r in d["reflections"]),
        "reminders": sum(r["interview_id"] in interviews for r in d["reminders"]),
        "settings": sum(
            (r["workspace_id"], r["user_id"]) == (workspace, user) for r in d["user_settings"]
        ),
    }


SEEDED_ROWS = {
    "sessions": 1,
    "turns": 3,
    "coach_requests": 1,
    "note_disputes": 1,
    "interviews": 1,
    "reflections": 1,
    "reminders": 3,
    "settings": 1,
}


def test_delete_my_data_asks_first_then_deletes_only_the_clicking_users_data(
    app: AppServer, files_fake: FakeSlack, seeded: tuple[str, dict[str, Seeded]]
) -> None:
    url, _ = seeded
    before = dump(url)
    resp = app.post(
        slash_command(
            "/practice", "delete-my-data", ALICE, response_url=files_fake.response_url("c")
        )
    )
    assert resp.status_code == 200
    asked = resp.json()
    assert asked["response_type"] == "ephemeral"
    assert "This can't be undone" in _text(asked["blocks"])
    (actions,) = [b for b in asked["blocks"] if b["type"] == "actions"]
    delete, cancel = actions["elements"]
    assert delete["action_id"] == ids.ACTION_DELETE_MY_DATA and delete["style"] == "danger"
    assert delete["confirm"]["style"] == "danger" and delete["confirm"]["title"]["text"]
    assert cancel["action_id"] == ids.ACTION_DELETE_MY_DATA_CANCEL
    app.drain()
    assert dump(url) == before  # asking deletes nothing, and no practice starts
    assert not files_fake.calls_to("chat.postMessage")

    resp = app.post(
        block_actions(
            ALICE, ids.ACTION_DELETE_MY_DATA, value=delete["value"],
            response_url=files_fake.response_url("d"),
        )
    )  # fmt: skip
    assert resp.status_code == 200
    app.drain()
    (answer,) = files_fake.calls_to("response_url")
    assert answer.params["replace_original"] is True
    assert answer.params["text"] == (
        "Done. I deleted 1 practice session, 3 turns, 1 coach request, 1 note disagreement, "
        "1 logged interview, 1 reflection, 3 reminders, and 1 saved setting. Nothing else of "
        "yours is stored here; team decisions you recorded stay with the team, without your name."
    )
    assert rows_of(url, TEAM_ID, ALICE) == dict.fromkeys(SEEDED_ROWS, 0)
    assert rows_of(url, TEAM_ID, BOB) == SEEDED_ROWS
    assert rows_of(url, OTHER_TEAM, ALICE) == SEEDED_ROWS


def test_a_crafted_delete_from_another_user_or_workspace_deletes_nothing_of_alices(
    app: AppServer, files_fake: FakeSlack, seeded: tuple[str, dict[str, Seeded]]
) -> None:
    url, _ = seeded
    before = {key(r): r for t in dump(url).values() for r in t}
    # Mallory has no data; her action names Alice in its value
    app.post(
        block_actions(
            MALLORY, ids.ACTION_DELETE_MY_DATA, value=ALICE,
            response_url=files_fake.response_url("m"),
        )
    )  # fmt: skip
    app.drain()
    (answer,) = files_fake.calls_to("response_url")
    assert answer.params["text"].startswith("There was nothing of yours to delete.")
    after = {key(r): r for t in dump(url).values() for r in t}
    assert after == before

    # Alice's id from another workspace: single-token mode serves only its own workspace,
    # so the request is refused at the door and deletes nothing, not even that Alice's rows
    app.post(
        block_actions(
            ALICE, ids.ACTION_DELETE_MY_DATA, value="me", team_id=OTHER_TEAM,
            response_url=files_fake.response_url("o"),
        )
    )  # fmt: skip
    app.drain()
    assert rows_of(url, OTHER_TEAM, ALICE) == SEEDED_ROWS
    assert rows_of(url, TEAM_ID, ALICE) == SEEDED_ROWS
    assert rows_of(url, TEAM_ID, BOB) == SEEDED_ROWS


def test_cancel_deletes_nothing_and_says_so(
    app: AppServer, files_fake: FakeSlack, seeded: tuple[str, dict[str, Seeded]]
) -> None:
    url, _ = seeded
    before = dump(url)
    app.post(
        block_actions(
            ALICE, ids.ACTION_DELETE_MY_DATA_CANCEL, value="cancel",
            response_url=files_fake.response_url("x"),
        )
    )  # fmt: skip
    app.drain()
    (answer,) = files_fake.calls_to("response_url")
    assert answer.params["text"] == "Okay, nothing was deleted."
    assert dump(url) == before


def test_download_transcript_uploads_the_markdown_into_the_owners_dm(
    app: AppServer, files_fake: FakeSlack, seeded: tuple[str, dict[str, Seeded]]
) -> None:
    _, people = seeded
    alice = people["alice"]
    app.post(block_actions(ALICE, ids.ACTION_DOWNLOAD_TRANSCRIPT, value=alice.session_id))
    app.drain()
    (shared,) = files_fake.uploads()
    assert shared.channel == f"D{ALICE}"  # conversations.open's DM with Alice
    assert shared.filename.endswith(f"{alice.session_id[:8]}.md")
    assert shared.initial_comment == "Here is the transcript of your practice session."
    assert shared.data is not None
    md = shared.data.decode("utf-8")
    assert md.startswith("# Practice with Denise Carver")
    assert (
        "**You:** Have you tried an earlier bedtime?" in md and "- Advice: “Have you tried”." in md
    )
    assert [c.params["users"] for c in files_fake.calls_to("conversations.open")] == [ALICE]

    # Bob's crafted click on Alice's session, and Alice's id from another workspace: no file
    app.post(block_actions(BOB, ids.ACTION_DOWNLOAD_TRANSCRIPT, value=alice.session_id))
    app.post(
        block_actions(
            ALICE, ids.ACTION_DOWNLOAD_TRANSCRIPT, value=alice.session_id, team_id=OTHER_TEAM
        )
    )
    app.drain()
    assert len(files_fake.uploads()) == 1
    notices = [c.params for c in files_fake.calls_to("chat.postEphemeral")]
    assert [(n["user"], n["text"]) for n in notices] == [
        (BOB, "That practice session belongs to someone else, so I can't do that."),
    ]  # the request from another workspace was refused at the door: nothing said


def test_serve_runs_the_retention_pass_at_start_up_only_when_configured(
    files_fake: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "AZURE_OPENAI_ENDPOINT"):
        monkeypatch.delenv(var, raising=False)
    url = f"sqlite:///{tmp_path / 'slack.db'}"
    upgrade_to_head(url)
    old = FakeClock(datetime.now(UTC) - timedelta(days=60))
    recent = FakeClock(datetime.now(UTC) - timedelta(hours=2))

    async def main() -> tuple[Seeded, Seeded]:
        store = Store.from_url(url)
        try:
            return (
                await seed_user(store, old, TEAM_ID, ALICE, thread="1.0", interview=False),
                await seed_user(store, recent, TEAM_ID, BOB, thread="2.0", interview=False),
            )
        finally:
            await store.dispose()

    _, bob = asyncio.run(main())
    with AppServer(files_fake, tmp_path / "slack.db") as server:  # EC_RETENTION_DAYS unset
        assert server.runtime.retention is None
    assert len(dump(url)["practice_sessions"]) == 2

    with AppServer(files_fake, tmp_path / "slack.db", settings={"retention_days": 30}) as server:
        assert server.runtime.retention is not None and server.runtime.retention.days == 30
        deadline = time.monotonic() + 20
        while len(dump(url)["practice_sessions"]) != 1 and time.monotonic() < deadline:
            time.sleep(0.1)
    assert [r["id"] for r in dump(url)["practice_sessions"]] == [bob.session_id]
    assert {r["session_id"] for r in dump(url)["turns"]} == {bob.session_id}
