"""The practice use cases with no platform at all: a fake outbox records the views.

Proves the services stand alone (issue 8): a whole practice (start, turns, a command
word, end and debrief once) runs through :class:`bot.services.conversation.PracticeChat`
on a real SQLite file, and no Slack or Teams module is imported on the way.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from outbox_kit import FakeOutbox

from bot.config import Settings
from bot.personas import load_all
from bot.presenters.views import (
    CaregiverReply,
    CoachNote,
    DebriefCard,
    IntroCard,
    Notice,
    PersonaPicker,
)
from bot.services.conversation import PracticeChat
from bot.services.ports import ConversationRef
from bot.services.sessions import ModelServiceFactory, PracticeSessions
from bot.store import Store, upgrade_to_head

T = TypeVar("T")
SETTINGS = Settings(_env_file=None, openai_api_key=None, seed=3)  # type: ignore[call-arg]


def _run(tmp_path: Path, body: Callable[[PracticeChat, FakeOutbox], Awaitable[T]]) -> T:
    url = f"sqlite:///{tmp_path / 'chat.db'}"
    upgrade_to_head(url)

    async def main() -> T:
        store = Store.from_url(url)
        sessions = PracticeSessions(
            store,
            service_factory=ModelServiceFactory(SETTINGS, backend="scripted"),
            settings=SETTINGS,
        )
        chat = PracticeChat(sessions, load_all(), thread_lookup_waits=())
        try:
            return await body(chat, FakeOutbox())
        finally:
            await sessions.aclose()
            await store.dispose()

    return asyncio.run(main())


ME = ConversationRef(platform="cli", workspace_id="W1", user_id="U1")


def test_a_whole_practice_through_the_services_with_a_fake_platform(tmp_path: Path) -> None:
    async def body(chat: PracticeChat, out: FakeOutbox) -> None:
        await chat.handle_message(out, ME.in_conversation("dm-U1"), "practice with Denise")
        (card,) = out.views(IntroCard)
        assert card.persona.id == "night-shift-mom" and not card.ended
        # posted at the top level as message "m1": the practice lives in its thread
        assert out.sent[0][0].thread_id is None
        thread = ME.in_conversation("dm-U1", "m1")
        await chat.handle_message(out, thread, "Tell me about a typical morning at your house.")
        await chat.handle_message(out, thread, "Don't you think she should be in school?")
        replies = out.views(CaregiverReply)
        assert len(replies) == 2 and all(r.text for r in replies)
        (note,) = out.views(CoachNote)  # live notes are on by default: the second turn's
        assert note.review.has_intervention
        assert out.status == ["Denise is typing…"] * 2
        await chat.handle_message(out, thread, "End.")  # a command word, not speech
        (debrief,) = out.views(DebriefCard)
        assert debrief.debrief.turns == 2
        assert [v.ended for _, v in out.updated] == [True]  # the intro card says it ended
        await chat.handle_message(out, thread, "end")  # a second end: told privately, once
        assert len(out.views(DebriefCard)) == 1
        assert any("already ended" in v.text for _, v in out.private)

    _run(tmp_path, body)


def test_unknown_caregiver_gets_the_picker_and_hi_gets_a_pointer(tmp_path: Path) -> None:
    async def body(chat: PracticeChat, out: FakeOutbox) -> None:
        dm = ME.in_conversation("dm-U1")
        await chat.handle_message(out, dm, "practice with Zorro", message_id="m0")
        (picker,) = out.views(PersonaPicker)
        assert "Zorro" in (picker.intro or "") and len(picker.personas) >= 9
        await chat.handle_message(out, dm, "hi")
        (pointer,) = out.views(Notice)
        assert "practice" in pointer.text and "/review-questions" in pointer.text
        assert out.views(IntroCard) == []

    _run(tmp_path, body)


def test_another_users_message_in_the_thread_is_refused(tmp_path: Path) -> None:
    async def body(chat: PracticeChat, out: FakeOutbox) -> None:
        session_id = await chat.start(out, ME.in_conversation("dm-U1"), load_all()["asthma-mom"])
        assert session_id
        intruder = ConversationRef(
            platform="cli", workspace_id="W1", conversation_id="dm-U1", user_id="U2", thread_id="m1"
        )
        await chat.handle_message(out, intruder, "Tell me more.")
        assert out.views(CaregiverReply) == []

    _run(tmp_path, body)


def test_the_services_import_no_platform() -> None:
    code = (
        "import sys, bot.services.conversation, bot.services.reflection, bot.bootstrap;"
        "bad = sorted(m for m in sys.modules if m.startswith(('bot.slack', 'slack_bolt', "
        "'slack_sdk', 'bot.teams')));"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stdout + res.stderr


# -- after a real interview: log it, then the prompts arrive, in order, exactly once ------


class FakeDeliverer:
    """A platform deliverer that records every reminder payload it is asked to post."""

    def __init__(self) -> None:
        self.posted: list[Any] = []

    async def deliver(self, reminder: Any, payload: Any) -> Any:
        from bot.services.dispatcher import DeliveryResult

        self.posted.append(payload)
        return DeliveryResult.ok(ref=f"p{len(self.posted)}")


def test_a_logged_interview_and_its_prompts_through_the_services(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from bot.services.dispatcher import Dispatcher
    from bot.services.reflection import ReflectionService

    url = f"sqlite:///{tmp_path / 'after.db'}"
    upgrade_to_head(url)
    now = [datetime(2026, 11, 2, 15, 0, tzinfo=UTC)]  # a Monday, 10:00 in New York

    async def main() -> list[Any]:
        store = Store.from_url(url)
        try:
            service = ReflectionService(store, clock=lambda: now[0])
            info = await service.log_interview(
                "W1",
                "U1",
                pseudonym="Ms. R",
                grade_band="6-8",
                mode="phone",
                team_channel="C0TEAM",
                notes="She said the bus comes at 6:10.",
                interviewer_tz="America/New_York",
            )
            assert info.reminders[0].kind == "exact_words"
            deliverer = FakeDeliverer()
            dispatcher = Dispatcher(store, deliverer, clock=lambda: now[0])
            for _ in range(20 * 24):  # twenty days, hour by hour
                await dispatcher.drain()
                now[0] += timedelta(hours=1)
            await dispatcher.drain()
            return deliverer.posted
        finally:
            await store.dispose()

    posted = asyncio.run(main())
    kinds = [p.kind for p in posted]
    assert kinds[:2] == ["exact_words", "reflection"]  # words while fresh come first
    assert "team_gathering" in kinds and kinds[-1] == "second_round"
    assert len(kinds) == len(set(kinds))  # each prompt exactly once
    gathering = next(p for p in posted if p.kind == "team_gathering")
    assert gathering.channel_id == "C0TEAM" and "Ms. R" in gathering.text
    assert all(p.workspace_id == "W1" for p in posted)


def test_a_reminder_knows_its_platform(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from bot.services.dispatcher import Dispatcher
    from bot.services.reflection import ReflectionService

    url = f"sqlite:///{tmp_path / 'platform.db'}"
    upgrade_to_head(url)
    now = [datetime(2026, 11, 2, 15, 0, tzinfo=UTC)]

    async def main() -> list[Any]:
        store = Store.from_url(url)
        try:
            service = ReflectionService(store, clock=lambda: now[0])
            await service.log_interview(
                "T1",
                "29:teams-user",
                pseudonym="J",
                grade_band="K-2",
                mode="phone",
                interviewer_tz="America/Chicago",
                platform="teams",
            )
            await service.log_interview(
                "W1",
                "U1",
                pseudonym="K",
                grade_band="K-2",
                mode="phone",
                interviewer_tz="America/Chicago",
            )
            deliverer = FakeDeliverer()
            now[0] += timedelta(days=2)
            slack_only = Dispatcher(store, FakeDeliverer(), clock=lambda: now[0])
            assert slack_only.platforms == {"slack"}
            await slack_only.drain()  # takes W1's reminders only
            both = {"slack": deliverer, "teams": deliverer}
            await Dispatcher(store, both, clock=lambda: now[0]).drain()
            return deliverer.posted
        finally:
            await store.dispose()

    posted = asyncio.run(main())
    by_ws = {p.workspace_id: p.platform for p in posted}
    assert by_ws == {"T1": "teams"}, "the Slack-only dispatcher took Slack's, and only those"


def test_a_store_that_accepts_no_writes_is_said_plainly(tmp_path: Path) -> None:
    """Issue 10, finding 2: "I can't save right now" instead of silence."""
    db = tmp_path / "ro.db"
    upgrade_to_head(f"sqlite:///{db}")

    async def main() -> FakeOutbox:
        store = Store.from_url(f"sqlite:///file:{db}?mode=ro&uri=true")
        sessions = PracticeSessions(
            store,
            service_factory=ModelServiceFactory(SETTINGS, backend="scripted"),
            settings=SETTINGS,
        )
        chat = PracticeChat(sessions, load_all(), thread_lookup_waits=())
        out = FakeOutbox()
        try:
            await chat.handle_message(out, ME.in_conversation("dm-U1"), "practice with Denise")
        finally:
            await sessions.aclose()
            await store.dispose()
        return out

    out = asyncio.run(main())
    (notice,) = out.views(Notice)
    assert "can't save right now" in notice.text
    assert out.views(IntroCard) == []


def test_retry_in_chat_is_a_command_not_speech(tmp_path: Path) -> None:
    async def body(chat: PracticeChat, out: FakeOutbox) -> None:
        await chat.start(out, ME.in_conversation("dm-U1"), load_all()["asthma-mom"])
        await chat.handle_message(out, ME.in_conversation("dm-U1", "m1"), "Try again.")
        assert out.views(CaregiverReply) == []
        (notice,) = out.views(Notice)
        assert "/retry" in notice.text

    _run(tmp_path, body)
