"""Reflection prompts reach Teams as proactive messages, exactly once, and never the
other platform: the real ``serve teams`` (its dispatcher included) posting to the
loopback connector, also as two processes sharing one database."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fake_connector import FakeConnector, FakeIdentity
from teams_kit import TENANT, TeamsServer, chat_of, user

from bot.services.dispatcher import DeliveryResult, Dispatcher
from bot.services.ports import ConversationRef
from bot.services.reflection import ReflectionService, ReminderInfo, ReminderPayload
from bot.store import Store, aupgrade_to_head

pytestmark = pytest.mark.integration

START = datetime(2026, 3, 5, 16, 15, tzinfo=UTC)
"""Thursday 5 March 2026, 10:15 in Chicago (where the test users are)."""
SLACK_TEAM, SLACK_USER = "T0SLACK", "U0SLACK"
HERE = Path(__file__).parent


class Clock:
    """A clock the test moves (read from the server's thread)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def teams_ref(n: int, service_url: str) -> ConversationRef:
    """User ``n``'s 1:1 chat with the app, as the Teams adapter builds it."""
    return ConversationRef(
        platform="teams",
        workspace_id=TENANT,
        conversation_id=chat_of(n),
        user_id=user(n)["aadObjectId"],
        service_url=service_url,
    )


async def _seed(url: str, clock: Clock, service_url: str, teams_users: range) -> dict[str, Any]:
    """Log one Teams interview per user in ``teams_users`` and one Slack interview."""
    store = Store.from_url(url)
    try:
        svc = ReflectionService(store, clock=clock)
        ids = {}
        for n in teams_users:
            info = await svc.log_interview(
                TENANT,
                user(n)["aadObjectId"],
                pseudonym="R.M.",
                grade_band="3-5",
                mode="phone",
                interviewer_tz="America/Chicago",
                conversation=teams_ref(n, service_url),
            )
            ids[n] = info.id
        slack = await svc.log_interview(
            SLACK_TEAM,
            SLACK_USER,
            pseudonym="J.T.",
            grade_band="6-8",
            mode="in_person",
            interviewer_tz="America/Chicago",
            conversation=ConversationRef(
                platform="slack",
                workspace_id=SLACK_TEAM,
                conversation_id="D0SLACK",
                user_id=SLACK_USER,
            ),
        )
        ids["slack"] = slack.id
        return ids
    finally:
        await store.dispose()


async def _statuses(url: str, workspace: str, interview_id: str) -> list[tuple[str, str, str]]:
    store = Store.from_url(url)
    try:
        async with store.unit_of_work() as uow:
            rows = await uow.reminders.for_interview(workspace, interview_id)
            return sorted((r.kind, r.platform, r.status) for r in rows)
    finally:
        await store.dispose()


class SlackRecorder:
    """A Slack deliverer stand-in (no ``platform`` attribute: taken to be Slack's)."""

    def __init__(self) -> None:
        self.posts: list[ReminderPayload] = []

    async def deliver(self, reminder: ReminderInfo, payload: ReminderPayload) -> DeliveryResult:
        self.posts.append(payload)
        return DeliveryResult.ok(ref="1.0")


def _prompts(connector: FakeConnector, n: int) -> list[Any]:
    return connector.messages(chat_of(n))


def test_prompts_reach_the_teams_chat_once_and_slack_prompts_stay_for_slack(
    db_url: str, tmp_path: Path, identity: FakeIdentity, connector: FakeConnector
) -> None:
    clock = Clock(START)
    with TeamsServer(
        str(tmp_path / "unused.db"), identity, connector, clock=clock, database_url=db_url
    ) as server:
        ids = asyncio.run(_seed(db_url, clock, connector.service_url, range(1, 2)))
        time.sleep(0.3)
        assert _prompts(connector, 1) == [], "nothing is due at 10:15 on the day"
        clock.now = START + timedelta(days=20)
        deadline = time.monotonic() + 20
        while len(_prompts(connector, 1)) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # several more dispatcher looks: nothing is posted again
        posts = _prompts(connector, 1)
        assert len(posts) == 3, [p.card_text for p in posts]
        assert all(p.authorization == f"Bearer {server.outbound_token}" for p in posts)
        buttons = sorted(
            (b["title"], b["data"]["ec"], b["data"]["id"]) for p in posts for b in p.submits()
        )
        iv = ids[1]
        assert buttons == [
            ("Add their exact words", "open_exact_words", iv),
            ("Log a second conversation", "log_interview", iv),
            ("Reflect", "open_reflection", iv),
        ]
        assert all("R.M." in p.card_text for p in posts)
        assert all("J.T." not in p.card_text for p in connector.messages())
        assert {p.conversation_id for p in connector.messages()} == {chat_of(1)}

    teams = asyncio.run(_statuses(db_url, TENANT, ids[1]))
    assert teams == [
        ("exact_words", "teams", "sent"),
        ("reflection", "teams", "sent"),
        ("second_round", "teams", "sent"),
    ]
    assert asyncio.run(_statuses(db_url, SLACK_TEAM, ids["slack"])) == [
        ("exact_words", "slack", "pending"),
        ("reflection", "slack", "pending"),
        ("second_round", "slack", "pending"),
    ], "the Teams dispatcher never claims a Slack reminder"

    async def slack_dispatch() -> SlackRecorder:
        recorder = SlackRecorder()
        store = Store.from_url(db_url)
        try:
            await Dispatcher(store, recorder, clock=clock).drain()
        finally:
            await store.dispose()
        return recorder

    recorder = asyncio.run(slack_dispatch())
    assert sorted(p.kind for p in recorder.posts) == ["exact_words", "reflection", "second_round"]
    assert {(p.platform, p.workspace_id, p.user_id) for p in recorder.posts} == {
        ("slack", SLACK_TEAM, SLACK_USER)
    }


def test_two_serve_teams_processes_post_each_prompt_once(
    db_url: str, identity: FakeIdentity, connector: FakeConnector
) -> None:
    users = range(1, 21)
    clock = Clock(START)
    asyncio.run(aupgrade_to_head(db_url))
    ids = asyncio.run(_seed(db_url, clock, connector.service_url, users))
    now = (START + timedelta(days=20)).isoformat()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), *sys.path])}
    logs: list[str] = []
    tokens = {
        name: identity.token(
            audience="https://api.botframework.com",
            service_url=connector.service_url,
            expires_in=3600 + i,
        )
        for i, name in enumerate(("a", "b"))
    }
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                str(HERE / "teams_dispatch_worker.py"),
                db_url,
                identity.base_url,
                "--token",
                tokens[name],
                "--now",
                now,
                "--seconds",
                "240",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    try:
        deadline = time.monotonic() + 200
        while len(connector.messages()) < 3 * len(users) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)  # more looks by both dispatchers: nothing is posted again
        for w in workers:
            w.terminate()
        for w in workers:
            out, err = w.communicate(timeout=60)
            logs.append(err[-6000:])
            assert w.returncode == 0, err[-3000:]
            assert "ready" in out
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
    for n in users:
        posts = _prompts(connector, n)
        texts = [p.card_text for p in posts]
        assert len(posts) == 3 and len(set(texts)) == 3, (n, texts, logs)
    assert len(connector.messages()) == 3 * len(users)
    by = {p.authorization for p in connector.messages()}
    assert by <= {f"Bearer {t}" for t in tokens.values()}
    assert asyncio.run(_statuses(db_url, SLACK_TEAM, ids["slack"])) == [
        ("exact_words", "slack", "pending"),
        ("reflection", "slack", "pending"),
        ("second_round", "slack", "pending"),
    ]


async def _seed_red_flag(url: str, clock: Clock, service_url: str) -> str:
    """User 1 logs an interview and reflects "nothing new"; user 2 coaches and has a chat."""
    from bot.core.reflection import Reflection
    from bot.services.chat_refs import ChatReferences

    store = Store.from_url(url)
    try:
        coach = user(2)["aadObjectId"]
        async with store.unit_of_work() as uow:
            await uow.coaches.add(TENANT, coach, added_by="seed")
        await ChatReferences(store, clock=clock).remember_chat(teams_ref(2, service_url))
        svc = ReflectionService(store, clock=clock)
        info = await svc.log_interview(
            TENANT,
            user(1)["aadObjectId"],
            pseudonym="R.M.",
            grade_band="3-5",
            mode="phone",
            interviewer_tz="America/Chicago",
            conversation=teams_ref(1, service_url),
        )
        assert await svc.save_reflection(
            TENANT, user(1)["aadObjectId"], info.id, Reflection(nothing_new=True)
        )
        return info.id
    finally:
        await store.dispose()


def test_a_red_flag_note_reaches_the_teams_coach_in_their_own_chat(
    db_url: str, tmp_path: Path, identity: FakeIdentity, connector: FakeConnector
) -> None:
    """The note's reminder carries no conversation (it is not the interviewer's): the
    deliverer finds the coach's 1:1 chat in chat_refs instead of failing the note."""
    clock = Clock(START)
    with TeamsServer(
        str(tmp_path / "unused.db"), identity, connector, clock=clock, database_url=db_url
    ):
        iv = asyncio.run(_seed_red_flag(db_url, clock, connector.service_url))
        deadline = time.monotonic() + 20
        while not connector.messages(chat_of(2)) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        notes = connector.messages(chat_of(2))
    assert len(notes) == 1, [n.card_text for n in notes]
    assert "A gentle note about an interview one of your staff held" in notes[0].card_text
    assert "R.M." in notes[0].card_text
    statuses = asyncio.run(_statuses(db_url, TENANT, iv))
    assert ("red_flag_note", "teams", "sent") in statuses
