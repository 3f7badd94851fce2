"""*Send to a coach* and automatic flags through :class:`PracticeChat` with a recording outbox.

The coaches get a DM at once (a :class:`CoachAlert` in their 1:1 conversation with the
app), the staff member is told how many were told, or honestly that no coach is set up
and who can add one; turns taken through the chat raise automatic flags when the
workspace switched them on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from outbox_kit import FakeOutbox

from bot.config import Settings
from bot.personas import load_all
from bot.presenters.views import CoachAlert, Notice
from bot.services.coaching import Coaching
from bot.services.conversation import PracticeChat
from bot.services.ports import ConversationRef
from bot.services.sessions import ModelServiceFactory, PracticeSessions
from bot.store import upgrade_to_head

R = TypeVar("R")
SETTINGS = Settings(_env_file=None, openai_api_key=None, seed=3)  # type: ignore[call-arg]
ME = ConversationRef(platform="cli", workspace_id="W1", user_id="U1")
DM = ME.in_conversation("dm-U1")


def _run(
    tmp_path: Path,
    body: Callable[[PracticeChat, Coaching, FakeOutbox], Awaitable[R]],
    *,
    seeds: tuple[str, ...],
) -> R:
    url = f"sqlite:///{tmp_path / 'coach-chat.db'}"
    upgrade_to_head(url)

    async def main() -> R:
        from bot.store import Store

        store = Store.from_url(url)
        sessions = PracticeSessions(
            store,
            service_factory=ModelServiceFactory(SETTINGS, backend="scripted"),
            settings=SETTINGS,
        )
        coaching = Coaching(store, seed_coaches=seeds)
        chat = PracticeChat(sessions, load_all(), thread_lookup_waits=(), coaching=coaching)
        try:
            return await body(chat, coaching, FakeOutbox())
        finally:
            await sessions.aclose()
            await store.dispose()

    return asyncio.run(main())


async def _practice(chat: PracticeChat, out: FakeOutbox, lines: list[str]) -> str:
    session_id = await chat.start(out, DM, load_all()["night-shift-mom"])
    thread = DM.in_thread("m1")
    for line in lines:
        await chat.handle_message(out, thread, line)
    return session_id


def _notices(out: FakeOutbox) -> list[tuple[ConversationRef, str]]:
    return [(to, v.text) for to, v in out.sent if isinstance(v, Notice)]


def test_send_to_a_coach_dms_every_coach_at_once_and_says_so(tmp_path: Path) -> None:
    async def body(chat: PracticeChat, coaching: Coaching, out: FakeOutbox) -> None:
        sid = await _practice(chat, out, ["What are mornings like?", "Tell me more."])
        await chat.request_coach(out, ME, sid, note="  Was turn 2 OK? Call 555-123-4567.  ")
        alerts = [(to, v) for to, v in out.sent if isinstance(v, CoachAlert)]
        assert [to.conversation_id for to, _ in alerts] == ["dm-U_C1", "dm-U_C2"]
        assert all(to.user_id == c for (to, _), c in zip(alerts, ["U_C1", "U_C2"], strict=True))
        alert = alerts[0][1]
        assert (alert.session_id, alert.staff_user_id) == (sid, "U1")
        assert (alert.persona_name, alert.turns) == ("Denise Carver", 2)
        assert alert.note is not None and alert.note.startswith("Was turn 2 OK?")
        assert "555-123-4567" not in alert.note
        (where, said), *_ = [n for n in _notices(out) if "coach" in n[1]]
        assert said.startswith("Sent to your 2 coaches.")
        assert (where.conversation_id, where.thread_id) == ("dm-U1", "m1")  # the practice thread
        # a second press: nobody is told twice
        await chat.request_coach(out, ME, sid)
        assert len([v for _, v in out.sent if isinstance(v, CoachAlert)]) == 2
        assert _notices(out)[-1][1] == "This session is already waiting for a coach."
        # and the coaches find it in their queue with the note
        (item,) = (await coaching.queue("W1", "U_C1")).items
        assert item.session_id == sid and item.staff_note == alert.note

    _run(tmp_path, body, seeds=("U_C1", "U_C2"))


def test_with_no_coach_the_staff_member_is_told_honestly_and_who_can_add_one(
    tmp_path: Path,
) -> None:
    async def body(chat: PracticeChat, coaching: Coaching, out: FakeOutbox) -> None:
        sid = await _practice(chat, out, ["What are mornings like?"])
        await chat.request_coach(out, ME, sid)
        assert [v for _, v in out.sent if isinstance(v, CoachAlert)] == []
        said = _notices(out)[-1][1]
        assert "no coach set up yet" in said and "no one has been told" in said
        assert "A workspace admin can add one with /coach add @name." in said
        assert "will see this transcript" not in said  # the old, untrue promise
        # a coach added later finds it waiting
        await coaching.add_coach("W1", "U_ADMIN", "U_LATE", actor_is_admin=True)
        assert [i.session_id for i in (await coaching.queue("W1", "U_LATE")).items] == [sid]

    _run(tmp_path, body, seeds=())


def test_a_coach_who_cannot_be_reached_does_not_stop_the_others(tmp_path: Path) -> None:
    class Flaky(FakeOutbox):
        async def direct(self, workspace_id: str, user_id: str) -> ConversationRef:
            if user_id == "U_GONE":
                raise RuntimeError("user_not_found")
            return await super().direct(workspace_id, user_id)

    async def body(chat: PracticeChat, coaching: Coaching, out: FakeOutbox) -> None:
        flaky = Flaky()
        sid = await _practice(chat, flaky, ["What are mornings like?"])
        await chat.request_coach(flaky, ME, sid)
        alerts = [to.user_id for to, v in flaky.sent if isinstance(v, CoachAlert)]
        assert alerts == ["U_C1"]
        assert _notices(flaky)[-1][1].startswith("Sent to your 2 coaches.")

    _run(tmp_path, body, seeds=("U_GONE", "U_C1"))


def test_turns_through_the_chat_raise_flags_only_when_switched_on(tmp_path: Path) -> None:
    advice = [
        "You should get her to bed earlier.",
        "You need to set an alarm.",
        "You should talk to her doctor.",
        "You need to be stricter about school.",
        "You should try a sticker chart.",
    ]

    async def body(chat: PracticeChat, coaching: Coaching, out: FakeOutbox) -> None:
        quiet = await _practice(chat, out, advice)
        assert (await coaching.queue("W1", "U_C1")).total == 0  # off by default
        await coaching.set_flagging("W1", "U_C1", enabled=True, actor_is_admin=False)
        out2 = FakeOutbox()
        out2._n = 100  # its intro card is message m101: a thread of its own
        flagged = await chat.start(out2, DM, load_all()["night-shift-mom"])
        for line in advice:
            await chat.handle_message(out2, DM.in_thread("m101"), line)
        page = await coaching.queue("W1", "U_C1")
        assert [i.session_id for i in page.items] == [flagged] and quiet != flagged
        (flag,) = page.items[0].flags
        assert flag.code == "findings_per_10" and flag.figures["turns"] == 5
        assert int(flag.figures["findings"]) >= 5

    _run(tmp_path, body, seeds=("U_C1",))
