"""Progress over practice sessions (bot.services.progress) from real stored sessions.

Sessions are played turn by turn through :class:`PracticeSessions` with the offline
(scripted) partner on SQLite and PostgreSQL. Each staff line below was chosen for
what it plainly is, and the expected figures are counted by hand from those labels
(never from the code under test):

=====================================================  ========  ====  ==========  ============
staff line                                             question  open  reflection  intervention
=====================================================  ========  ====  ==========  ============
What are mornings like for you two?                    yes       yes
Have you tried an earlier bedtime?                     yes                         1 (advice)
Does she like her teacher?                             yes       (closed: craft, not counted)
It sounds like mornings are really hard.                                yes
How are things going at home?                          yes       yes
Tell me more about that.                               yes (an invitation) yes
It sounds like you are carrying a lot on your own.                      yes
You're worried about her.                                               yes
Why is it important to come to school every day?       yes                         1 (persuasion)
What else is going on?                                 yes       yes
=====================================================  ========  ====  ==========  ============
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

import pytest

from bot.config import Settings
from bot.personas import get_persona
from bot.services.progress import (
    CoachesOnly,
    NotYourSession,
    ProgressService,
    StaffProgress,
    WorkspaceProgress,
)
from bot.services.sessions import ModelServiceFactory, PracticeSessions
from bot.store import Store

PERSONA = "night-shift-mom"
WS_A, WS_B = "T_A", "T_B"
ALICE, BOB, MALLORY, COACH = "U_ALICE", "U_BOB", "U_MALLORY", "U_COACH"
SETTINGS = Settings(_env_file=None, openai_api_key=None, seed=0)  # type: ignore[call-arg]

# Alice, session 1 (Mon Nov 2): 4 turns, 3 questions, 1 open, 1 reflection, 1 advice
ALICE_1 = [
    "What are mornings like for you two?",
    "Have you tried an earlier bedtime?",
    "Does she like her teacher?",
    "It sounds like mornings are really hard.",
]
# Alice, session 2 (Tue Nov 10): 4 turns, 2 questions, 2 open, 2 reflections, none
ALICE_2 = [
    "How are things going at home?",
    "Tell me more about that.",
    "It sounds like you are carrying a lot on your own.",
    "You're worried about her.",
]
# Bob (Wed Nov 4): 2 turns, 2 questions, 1 open, 0 reflections, 1 persuasion
BOB_1 = ["Why is it important to come to school every day?", "What else is going on?"]
# other workspace: anything of these must never show up in workspace A
OTHER = ["Have you tried an earlier bedtime?", "You need to get him to school every day."]

T = TypeVar("T")


class Clock:
    """A clock the test sets (session start times)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 1, 15, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def run(url: str, body: Callable[[PracticeSessions, ProgressService, Clock], Awaitable[T]]) -> T:
    """Run ``body`` with a fresh store, the sessions (scripted partner) and progress."""

    async def main() -> T:
        store = Store.from_url(url)
        clock = Clock()
        sessions = PracticeSessions(
            store,
            service_factory=ModelServiceFactory(SETTINGS, backend="scripted"),
            settings=SETTINGS,
            clock=clock,
        )
        try:
            return await body(sessions, ProgressService(store), clock)
        finally:
            await sessions.aclose()
            await store.dispose()

    return asyncio.run(main())


async def practice(
    s: PracticeSessions, clock: Clock, ws: str, user: str, day: int, lines: list[str]
) -> tuple[str, int, bool]:
    """Play one session on November ``day``; return (id, debrief layers, debrief insight)."""
    clock.now = datetime(2026, 11, day, 15, 0, tzinfo=UTC)
    info = await s.start(
        ws, user, PERSONA, platform="slack", channel_id=f"D{user}", thread_id=f"{day}.{ws}", seed=7
    )
    for line in lines:
        await s.take_turn(ws, user, info.id, line)
    debrief = await s.end(ws, user, info.id)
    return info.id, debrief.layers_reached, debrief.hidden_insight_reached


async def seed(s: PracticeSessions, clock: Clock) -> dict[str, tuple[str, int, bool]]:
    """The sessions of both workspaces, started out of time order on purpose."""
    out = {"alice_2": await practice(s, clock, WS_A, ALICE, 10, ALICE_2)}
    out["alice_1"] = await practice(s, clock, WS_A, ALICE, 2, ALICE_1)
    out["bob_1"] = await practice(s, clock, WS_A, BOB, 4, BOB_1)
    out["alice_b"] = await practice(s, clock, WS_B, ALICE, 3, OTHER)  # same user, other team
    out["mallory"] = await practice(s, clock, WS_B, MALLORY, 5, OTHER)
    clock.now = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    await s.start(WS_A, ALICE, PERSONA, platform="slack", channel_id="DX", thread_id="9.9")
    return out  # the last one (no turn) is left out of every figure


def test_a_staff_members_figures_per_session_in_time_order(migrated_url: str) -> None:
    async def body(
        s: PracticeSessions, p: ProgressService, clock: Clock
    ) -> tuple[StaffProgress, dict[str, tuple[str, int, bool]]]:
        ids = await seed(s, clock)
        return await p.staff_progress(WS_A, ALICE, ALICE, viewer_is_coach=False), ids

    progress, ids = run(migrated_url, body)
    layers_on_card = len(get_persona(PERSONA).layers)
    assert progress.user_id == ALICE and progress.workspace_id == WS_A
    first, second = progress.sessions  # the session with no turn and workspace B's are not here
    assert [first.session_id, second.session_id] == [ids["alice_1"][0], ids["alice_2"][0]]
    assert first.started_at == datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
    # session 1: 3 questions, 1 open, 1 reflection, 1 advice in 4 turns
    assert (first.turns, first.questions, first.open_questions, first.reflections) == (4, 3, 1, 1)
    assert first.intervention_findings == 1
    assert first.open_share == pytest.approx(1 / 3, abs=0.005)
    assert first.reflection_ratio == pytest.approx(1 / 3, abs=0.005)
    assert first.findings_per_10_turns == 2.5
    # session 2: 2 questions (one is "Tell me more about that."), both open, 2 reflections
    assert (second.turns, second.questions, second.open_questions, second.reflections) == (
        4,
        2,
        2,
        2,
    )
    assert (second.open_share, second.reflection_ratio, second.findings_per_10_turns) == (
        1.0,
        1.0,
        0.0,
    )
    # layers and the insight: the engine's disclosures, as the debrief of each session says
    for point, key in ((first, "alice_1"), (second, "alice_2")):
        assert point.layers_reached == ids[key][1]
        assert point.insight_reached is ids[key][2]
        assert point.layers_total == layers_on_card
        assert point.ended is True
    assert second.layers_reached >= 1  # listening opened the story
    # totals pool the counts: 8 turns, 5 questions, 3 open, 3 reflections, 1 finding
    t = progress.totals
    assert (t.sessions, t.turns, t.questions, t.open_questions, t.reflections) == (2, 8, 5, 3, 3)
    assert (t.open_share, t.reflection_ratio, t.findings_per_10_turns) == (0.6, 0.6, 1.25)
    assert t.layers_reached == ids["alice_1"][1] + ids["alice_2"][1]


def test_the_workspace_as_a_whole_per_week_and_per_school(migrated_url: str) -> None:
    async def body(s: PracticeSessions, p: ProgressService, clock: Clock) -> WorkspaceProgress:
        await seed(s, clock)
        return await p.workspace_progress(
            WS_A, COACH, viewer_is_coach=True, user_schools={ALICE: "Lincoln", BOB: "Roosevelt"}
        )

    whole = run(migrated_url, body)
    assert [sp.user_id for sp in whole.staff] == [ALICE, BOB]  # no one of workspace B
    bob = whole.staff[1]
    assert [(p.turns, p.questions, p.open_questions, p.reflections) for p in bob.sessions] == [
        (2, 2, 1, 0)
    ]
    assert bob.sessions[0].findings_per_10_turns == 5.0
    assert bob.sessions[0].reflection_ratio == 0.0
    # workspace A: 10 turns, 7 questions, 4 open, 3 reflections, 2 findings
    t = whole.totals
    assert (t.sessions, t.turns, t.questions, t.open_questions, t.reflections) == (3, 10, 7, 4, 3)
    assert (t.open_share, t.reflection_ratio, t.findings_per_10_turns) == (0.57, 0.43, 2.0)
    # Nov 2 and Nov 4 are ISO week 45, Nov 10 is week 46
    assert [(w.week, str(w.starts)) for w in whole.weeks] == [
        ("2026-W45", "2026-11-02"),
        ("2026-W46", "2026-11-09"),
    ]
    w45 = whole.weeks[0].figures  # Alice's session 1 and Bob's: 6 turns, 5 q, 2 open, 1 refl
    assert (w45.turns, w45.questions, w45.open_questions, w45.reflections) == (6, 5, 2, 1)
    assert (w45.open_share, w45.reflection_ratio, w45.findings_per_10_turns) == (0.4, 0.2, 3.33)
    assert [g.name for g in whole.schools] == ["Lincoln", "Roosevelt"]
    assert whole.schools[0].user_ids == (ALICE,)
    assert whole.schools[0].totals == whole.staff[0].totals


def test_staff_see_only_their_own_and_no_workspace_sees_another(migrated_url: str) -> None:
    async def body(s: PracticeSessions, p: ProgressService, clock: Clock) -> None:
        await seed(s, clock)
        with pytest.raises(NotYourSession):
            await p.staff_progress(WS_A, BOB, ALICE, viewer_is_coach=False)
        with pytest.raises(CoachesOnly):
            await p.workspace_progress(WS_A, ALICE, viewer_is_coach=False)
        assert issubclass(CoachesOnly, NotYourSession)
        # a coach reads any staff member of their workspace: the same figures Alice sees
        own = await p.staff_progress(WS_A, ALICE, ALICE, viewer_is_coach=False)
        assert await p.staff_progress(WS_A, COACH, ALICE, viewer_is_coach=True) == own
        # workspace B's coach sees only what Alice did in workspace B (one session)
        there = await p.staff_progress(WS_B, COACH, ALICE, viewer_is_coach=True)
        assert [x.turns for x in there.sessions] == [2]
        assert there.sessions[0].session_id not in {x.session_id for x in own.sessions}
        # ...and workspace B as a whole has none of workspace A's staff or turns
        b = await p.workspace_progress(WS_B, COACH, viewer_is_coach=True)
        assert [sp.user_id for sp in b.staff] == [ALICE, MALLORY]
        assert b.totals.turns == 4 and b.totals.intervention_findings >= 2
        # Bob has no session in workspace B: nothing, not an error
        nobody = await p.staff_progress(WS_B, COACH, BOB, viewer_is_coach=True)
        assert nobody.sessions == () and nobody.totals.sessions == 0
        assert nobody.totals.open_share is None

    run(migrated_url, body)
