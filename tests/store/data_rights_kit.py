"""Seeding and table dumps for the export, retention and delete-my-data tests.

Every kind of row a staff member can leave is made through the real services on
a real database: a practice session with stored turns (scripted caregiver, the
rules reviewer), its debrief, a coach request, a note disagreement, the
live-notes setting and time zone, a logged interview with its reminders (and the
team's weekly gathering post), a reflection, a team decision, a processed event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, inspect, text

from bot.config import Settings
from bot.core.reflection import Reflection
from bot.services.reflection import ReflectionService
from bot.services.sessions import ModelServiceFactory, PracticeSessions
from bot.store import Store, sync_url

PERSONA = "night-shift-mom"
LA = "America/Los_Angeles"
TEAM = "C0TEAM"
SETTINGS = Settings(_env_file=None, openai_api_key=None, seed=0)  # type: ignore[call-arg]

LINES = (
    "Hi, thanks for taking my call. How are things going at home?",
    "Have you tried an earlier bedtime?",
    "What are mornings like for you two?",
)
"""The staff turns every seeded session takes; the reviewer flags turn 2 as advice."""


def la(*args: int) -> datetime:
    """An aware datetime on the Los Angeles wall clock."""
    return datetime(*args, tzinfo=ZoneInfo(LA))


@dataclass
class Seeded:
    """The ids one seeded staff member got."""

    workspace_id: str
    user_id: str
    session_id: str
    interview_id: str
    caregiver: list[str]


async def seed_user(
    store: Store,
    clock: Callable[[], datetime],
    workspace_id: str,
    user_id: str,
    *,
    thread: str,
    lines: tuple[str, ...] = LINES,
    interview: bool = True,
    decision: bool = True,
) -> Seeded:
    """Make every kind of row for one staff member in one workspace (see the module)."""
    sessions = PracticeSessions(
        store, service_factory=ModelServiceFactory(SETTINGS, backend="scripted"), clock=clock
    )
    refl = ReflectionService(store, clock=clock)
    try:
        info = await sessions.start(
            workspace_id,
            user_id,
            PERSONA,
            platform="slack",
            channel_id=f"D{user_id}",
            thread_id=thread,
            seed=7,
        )
        said = [(await sessions.take_turn(workspace_id, user_id, info.id, t)) for t in lines]
        await sessions.end(workspace_id, user_id, info.id)
        await sessions.request_coach(workspace_id, user_id, info.id)
        if len(lines) >= 2:
            await sessions.dispute_note(workspace_id, user_id, info.id, 2, comment="I was asking.")
        await sessions.set_live_notes(workspace_id, user_id, False)
        await refl.set_user_tz(workspace_id, user_id, LA)
        interview_id = ""
        if interview:
            logged = await refl.log_interview(
                workspace_id,
                user_id,
                happened_at=clock() - timedelta(hours=1, minutes=15),
                pseudonym="M.L.",
                grade_band="3-5",
                mode="phone",
                team_channel=TEAM,
                notes="Mom works nights; the bus comes at 6:40.",
                interviewer_tz=LA,
            )
            interview_id = logged.id
            await refl.save_reflection(
                workspace_id,
                user_id,
                logged.id,
                Reflection(surprised="She walks him to the stop every day."),
            )
            if decision and logged.gathering_key:
                week = logged.gathering_key.rsplit(":", 1)[1]
                await refl.record_team_decision(
                    workspace_id,
                    user_id,
                    channel=TEAM,
                    week=week,
                    decision="Call families after the first missed morning.",
                    conversation_id=TEAM,
                )
        await store.claim_event(workspace_id, f"evt-{user_id}-{thread}", now=clock())
        return Seeded(workspace_id, user_id, info.id, interview_id, [t.caregiver for t in said])
    finally:
        await sessions.aclose()


def dump(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table in the database (Alembic's own table left out)."""
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as conn:
            names = [n for n in inspect(conn).get_table_names() if n != "alembic_version"]
            return {
                name: [dict(r._mapping) for r in conn.execute(text(f'SELECT * FROM "{name}"'))]
                for name in sorted(names)
            }
    finally:
        engine.dispose()


def key(row: dict[str, Any]) -> str:
    """A row's identity for set comparisons (its primary key, or the whole row)."""
    for name in ("id",):
        if name in row:
            return f"{row[name]}"
    return repr(sorted(row.items()))
