"""Helpers for the coach tests (issue 11): practice sessions with chosen turns, stored directly.

``snapshot(turns)`` builds a real :class:`bot.core.models.PracticeSession` JSON from
short turn specs, so a test decides exactly how many intervention findings there are,
which turn earned a layer, where trust fell and whether the insight came.
``add_session`` stores one such session through the store's own repository.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.core.models import SEVERITY_OF, Finding, FindingKind, PracticeSession, Review, Turn
from bot.store import Store

PERSONA = "night-shift-mom"
"""Denise Carver (opening trust 1.0; layers home-after-the-bus, minding-kayla …)."""


@dataclass
class T:
    """One turn spec: the staff words, the finding kinds (evidence = the first word),
    trust after, layers disclosed and whether the insight came."""

    staff: str = "What are mornings like for you?"
    kinds: tuple[FindingKind, ...] = ()
    trust_after: float = 2.0
    disclosed: list[str] = field(default_factory=list)
    insight: bool = False
    caregiver: str = "They're long."


def _turn(index: int, spec: T, trust_before: float) -> Turn:
    word = spec.staff.split()[0]
    findings = [
        Finding(
            kind=k,
            severity=SEVERITY_OF[k],
            span=(0, len(word)),
            evidence=word,
            why=f"{k} found",
        )
        for k in spec.kinds
    ]
    return Turn(
        index=index,
        staff=spec.staff,
        caregiver=spec.caregiver,
        review=Review(
            text=spec.staff,
            findings=findings,
            reframe="What would help most?" if findings else None,
            moves=[] if findings else ["open_question"],
        ),
        mode="guarded" if findings else "open",
        trust_before=trust_before,
        trust_after=spec.trust_after,
        disclosed=list(spec.disclosed),
        insight=spec.insight,
    )


def snapshot(specs: list[T], *, opening: float = 1.0) -> dict[str, Any]:
    """A session snapshot (JSON) with these turns, numbered from 1."""
    turns: list[Turn] = []
    trust = opening
    for i, spec in enumerate(specs, start=1):
        turns.append(_turn(i, spec, trust))
        trust = spec.trust_after
    session = PracticeSession(
        persona_id=PERSONA,
        turns=turns,
        trust=trust,
        disclosed_ids=[d for s in specs for d in s.disclosed],
        insight_reached=any(s.insight for s in specs),
    )
    return session.model_dump(mode="json")


def plain(n: int) -> list[T]:
    """``n`` open questions with no finding."""
    return [T(staff=f"Tell me more about that, part {i}.") for i in range(1, n + 1)]


async def add_session(
    store: Store,
    workspace_id: str,
    user_id: str,
    specs: list[T],
    *,
    now: datetime | None = None,
    ended: bool = True,
) -> str:
    """Store a session with these turns (ended with a debrief-less row unless ``ended``
    is False); returns its id."""
    async with store.unit_of_work() as uow:
        row = await uow.sessions.add(
            workspace_id=workspace_id,
            user_id=user_id,
            persona_id=PERSONA,
            platform="cli",
            channel_id=None,
            thread_id=None,
            seed=0,
            snapshot=snapshot(specs),
            now=now,
        )
        if ended:
            row.status = "ended"
            row.ended_at = row.created_at
        return row.id
