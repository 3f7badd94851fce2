"""Progress over practice sessions: the figures per session, pooled per staff member,
per week and per school. Pure: plain inputs in, frozen models out.

Every figure reuses the classes the reviewer and the debrief already use (never a
second classifier):

- a *question* is :func:`bot.core.text.asks_question` of the staff text and its review
  (a "?", an open question or follow-up the reviewer saw, or an invitation such as
  "Tell me more.");
- an *open question* is a turn whose review has the move ``open_question``;
- a *reflection* is a turn whose review has the move ``reflection``;
- an *intervention finding* is a finding whose kind is in the reviewer's own list
  :data:`bot.core.models.INTERVENTION_KINDS` (advice, judgment, persuasion,
  correction): each finding counts, so a turn with advice and judgment counts twice;
- layers reached and the hidden insight come from the engine's snapshot (the layers
  the caregiver disclosed, the insight flag), as in the debrief.

The reflection-to-question ratio is the MITI 4.2.1 summary score R:Q (Moyers,
Manuel & Ernst, *Motivational Interviewing Treatment Integrity Coding Manual 4.2.1*,
2014): reflections divided by questions, with the manual's reference thresholds
*fair* 1:1 (:data:`MITI_RQ_FAIR`) and *good* 2:1 (:data:`MITI_RQ_GOOD`). MITI 4
gives no threshold for the share of open questions (MITI 3.1.1 had one; version 4
dropped the count), so none is drawn for it here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from bot.core.models import INTERVENTION_KINDS, Review
from bot.core.text import asks_question

__all__ = [
    "MITI_RQ_FAIR",
    "MITI_RQ_GOOD",
    "Figures",
    "GroupProgress",
    "SessionPoint",
    "StaffProgress",
    "TurnFigures",
    "WeekPoint",
    "WorkspaceProgress",
    "group_progress",
    "session_point",
    "staff_progress",
    "turn_figures",
    "week_points",
    "workspace_progress",
]

MITI_RQ_FAIR = 1.0
"""MITI 4.2.1's *fair* reflection-to-question ratio (1:1)."""

MITI_RQ_GOOD = 2.0
"""MITI 4.2.1's *good* reflection-to-question ratio (2:1)."""

_FROZEN = ConfigDict(frozen=True)


def _ratio(num: int, den: int, *, scale: float = 1.0) -> float | None:
    """``num / den * scale`` rounded to 2 places; None when ``den`` is 0 (nothing to divide)."""
    return round(num * scale / den, 2) if den else None


class TurnFigures(BaseModel):
    """What one staff turn counts toward (from its stored text and review).

    Attributes:
        question: the turn asks something (:func:`~bot.core.text.asks_question`).
        open_question: the reviewer saw the move ``open_question``.
        reflection: the reviewer saw the move ``reflection``.
        intervention_findings: findings of an intervention kind in the turn.
    """

    model_config = _FROZEN

    question: bool
    open_question: bool
    reflection: bool
    intervention_findings: int


def turn_figures(staff_text: str, review: Review) -> TurnFigures:
    """Classify one staff turn with the reviewer's and the debrief's own tests.

    Args:
        staff_text: the staff member's words as typed.
        review: the stored review of those words.

    Returns:
        The :class:`TurnFigures` of the turn.
    """
    moves = set(review.moves)
    return TurnFigures(
        question=asks_question(staff_text, review),
        open_question="open_question" in moves,
        reflection="reflection" in moves,
        intervention_findings=sum(f.kind in INTERVENTION_KINDS for f in review.findings),
    )


class SessionPoint(BaseModel):
    """The figures of one practice session (one point on a progress chart).

    Attributes:
        session_id: the session. user_id: its owner. persona_id: the caregiver card.
        started_at: when it started (UTC). ended: False while it still takes turns.
        turns / questions / open_questions / reflections / intervention_findings: counts.
        open_share: open questions / questions (0-1), None with no question.
        reflection_ratio: reflections / questions (MITI's R:Q), None with no question.
        findings_per_10_turns: intervention findings per 10 turns.
        layers_reached: disclosure layers the caregiver shared.
        layers_total: layers on the card, None when the card is unknown.
        insight_reached: the hidden insight was shared.
    """

    model_config = _FROZEN

    session_id: str
    user_id: str
    persona_id: str
    started_at: datetime
    ended: bool
    turns: int
    questions: int
    open_questions: int
    reflections: int
    intervention_findings: int
    open_share: float | None
    reflection_ratio: float | None
    findings_per_10_turns: float
    layers_reached: int
    layers_total: int | None
    insight_reached: bool


def session_point(
    *,
    session_id: str,
    user_id: str,
    persona_id: str,
    started_at: datetime,
    ended: bool,
    turns: Sequence[TurnFigures],
    layers_reached: int,
    layers_total: int | None,
    insight_reached: bool,
) -> SessionPoint:
    """Pool one session's turns into a :class:`SessionPoint`.

    Args:
        session_id / user_id / persona_id / started_at / ended: the session.
        turns: the figures of each recorded turn (at least one).
        layers_reached: distinct layers disclosed. layers_total: layers on the card.
        insight_reached: the hidden insight was shared.

    Returns:
        The point.

    Raises:
        ValueError: ``turns`` is empty (a session with no turn is no point).
    """
    if not turns:
        raise ValueError("a session with no turn has no progress figures")
    questions = sum(t.question for t in turns)
    open_q = sum(t.open_question for t in turns)
    reflections = sum(t.reflection for t in turns)
    findings = sum(t.intervention_findings for t in turns)
    return SessionPoint(
        session_id=session_id,
        user_id=user_id,
        persona_id=persona_id,
        started_at=started_at,
        ended=ended,
        turns=len(turns),
        questions=questions,
        open_questions=open_q,
        reflections=reflections,
        intervention_findings=findings,
        open_share=_ratio(open_q, questions),
        reflection_ratio=_ratio(reflections, questions),
        findings_per_10_turns=round(findings * 10 / len(turns), 2),
        layers_reached=layers_reached,
        layers_total=layers_total,
        insight_reached=insight_reached,
    )


class Figures(BaseModel):
    """Figures pooled over several sessions (counts summed, then divided once).

    Pooling divides the summed counts, so a long session weighs more than a short
    one (a mean of per-session ratios would let a two-turn session count as much
    as a thirty-turn one).

    Attributes:
        sessions / turns / questions / open_questions / reflections /
            intervention_findings: sums.
        layers_reached: layers reached, summed over sessions.
        insight_sessions: sessions that reached the hidden insight.
        open_share / reflection_ratio: pooled, None with no question.
        findings_per_10_turns: pooled, None with no turn.
    """

    model_config = _FROZEN

    sessions: int = 0
    turns: int = 0
    questions: int = 0
    open_questions: int = 0
    reflections: int = 0
    intervention_findings: int = 0
    layers_reached: int = 0
    insight_sessions: int = 0
    open_share: float | None = None
    reflection_ratio: float | None = None
    findings_per_10_turns: float | None = None

    @classmethod
    def pool(cls, points: Iterable[SessionPoint]) -> Figures:
        """Pool session points.

        Args:
            points: any number of sessions (none gives all zeros and Nones).

        Returns:
            The pooled :class:`Figures`.
        """
        pts = list(points)
        turns = sum(p.turns for p in pts)
        questions = sum(p.questions for p in pts)
        open_q = sum(p.open_questions for p in pts)
        reflections = sum(p.reflections for p in pts)
        findings = sum(p.intervention_findings for p in pts)
        return cls(
            sessions=len(pts),
            turns=turns,
            questions=questions,
            open_questions=open_q,
            reflections=reflections,
            intervention_findings=findings,
            layers_reached=sum(p.layers_reached for p in pts),
            insight_sessions=sum(p.insight_reached for p in pts),
            open_share=_ratio(open_q, questions),
            reflection_ratio=_ratio(reflections, questions),
            findings_per_10_turns=_ratio(findings, turns, scale=10.0),
        )


class StaffProgress(BaseModel):
    """One staff member's progress across their practice sessions.

    Attributes:
        workspace_id: the tenant. user_id: the staff member.
        sessions: their sessions with at least one turn, oldest first.
        totals: the sessions pooled.
    """

    model_config = _FROZEN

    workspace_id: str
    user_id: str
    sessions: tuple[SessionPoint, ...]
    totals: Figures


class WeekPoint(BaseModel):
    """Sessions of one ISO week pooled (a point on a workspace or school chart).

    Attributes:
        week: ``<ISO year>-W<week>``. starts: that week's Monday.
        figures: the week's sessions pooled.
    """

    model_config = _FROZEN

    week: str
    starts: date
    figures: Figures


class GroupProgress(BaseModel):
    """Several staff members as a whole (a school).

    Attributes:
        name: the group's name (a school).
        user_ids: its staff members with sessions, sorted.
        totals: their sessions pooled. weeks: pooled per ISO week, oldest first.
    """

    model_config = _FROZEN

    name: str
    user_ids: tuple[str, ...]
    totals: Figures
    weeks: tuple[WeekPoint, ...]


class WorkspaceProgress(BaseModel):
    """A workspace's progress: each staff member's and the workspace's as a whole.

    Attributes:
        workspace_id: the tenant.
        staff: each staff member with sessions, by user id.
        totals: every session pooled. weeks: pooled per ISO week, oldest first.
        schools: per school, when the caller tagged users with schools (else empty).
    """

    model_config = _FROZEN

    workspace_id: str
    staff: tuple[StaffProgress, ...]
    totals: Figures
    weeks: tuple[WeekPoint, ...]
    schools: tuple[GroupProgress, ...] = ()


def staff_progress(
    workspace_id: str, user_id: str, points: Iterable[SessionPoint]
) -> StaffProgress:
    """One staff member's :class:`StaffProgress` from their session points.

    Args:
        workspace_id: the tenant. user_id: the staff member.
        points: their sessions (any order; others' points are left out).

    Returns:
        The progress, sessions oldest first.
    """
    own = sorted(
        (p for p in points if p.user_id == user_id), key=lambda p: (p.started_at, p.session_id)
    )
    return StaffProgress(
        workspace_id=workspace_id, user_id=user_id, sessions=tuple(own), totals=Figures.pool(own)
    )


def week_points(points: Iterable[SessionPoint]) -> tuple[WeekPoint, ...]:
    """Pool sessions per ISO week of their start (UTC).

    Args:
        points: sessions.

    Returns:
        One :class:`WeekPoint` per week that has a session, oldest first.
    """
    by_week: dict[tuple[int, int], list[SessionPoint]] = {}
    for p in points:
        year, week, _ = p.started_at.isocalendar()
        by_week.setdefault((year, week), []).append(p)
    out: list[WeekPoint] = []
    for (year, week), pts in sorted(by_week.items()):
        monday = date.fromisocalendar(year, week, 1)
        out.append(WeekPoint(week=f"{year}-W{week:02d}", starts=monday, figures=Figures.pool(pts)))
    return tuple(out)


def group_progress(name: str, points: Iterable[SessionPoint]) -> GroupProgress:
    """Several staff members' sessions as one group.

    Args:
        name: the group (a school).
        points: the group's sessions.

    Returns:
        The :class:`GroupProgress`.
    """
    pts = list(points)
    return GroupProgress(
        name=name,
        user_ids=tuple(sorted({p.user_id for p in pts})),
        totals=Figures.pool(pts),
        weeks=week_points(pts),
    )


def workspace_progress(
    workspace_id: str,
    points: Iterable[SessionPoint],
    *,
    user_schools: Mapping[str, str] | None = None,
) -> WorkspaceProgress:
    """A workspace's :class:`WorkspaceProgress` from all its session points.

    Args:
        workspace_id: the tenant.
        points: every session of the workspace.
        user_schools: user id -> school name, for a per-school view (users not in
            it belong to no school); None or empty: no schools.

    Returns:
        The progress: staff sorted by user id, schools by name.
    """
    pts = list(points)
    users = sorted({p.user_id for p in pts})
    schools: dict[str, list[SessionPoint]] = {}
    for p in pts:
        school = (user_schools or {}).get(p.user_id)
        if school:
            schools.setdefault(school, []).append(p)
    return WorkspaceProgress(
        workspace_id=workspace_id,
        staff=tuple(staff_progress(workspace_id, u, pts) for u in users),
        totals=Figures.pool(pts),
        weeks=week_points(pts),
        schools=tuple(group_progress(name, schools[name]) for name in sorted(schools)),
    )
