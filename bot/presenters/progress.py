"""Progress wording, once, for every platform: the Home figures, refusals, the chart DM.

Plain text (no Slack or Teams markup); renderers add emphasis and escape. The chart's
own labels and its screen-reader summary are in :mod:`bot.presenters.charts`.
"""

from __future__ import annotations

from bot.core.progress import MITI_RQ_FAIR, MITI_RQ_GOOD, Figures, StaffProgress

__all__ = [
    "CHART_BUTTON",
    "CHART_FAILED",
    "COACHES_ONLY",
    "HOME_HEADER",
    "NONE_YET",
    "NONE_YET_TEAM",
    "NOT_LOADED",
    "NOT_YOURS",
    "figure_lines",
    "percent",
    "ratio",
    "staff_chart_title",
    "staff_lines",
]

HOME_HEADER = "Your progress"
"""The Home section's header."""

CHART_BUTTON = "Show my progress chart"
"""The Home button that sends the chart to the staff member's DM."""

NONE_YET = "Your figures show up here after your first practice."
"""The Home section before any practice turn."""

NONE_YET_TEAM = "No practice sessions yet, so there is nothing to chart."
"""A coach's chart request when nobody (or that staff member) has practiced yet."""

NOT_YOURS = "You can see your own progress. A coach can see the team's."
"""A staff member asked for someone else's progress."""

COACHES_ONLY = "Only coaches can see the team's progress. Yours is on the Home tab."
"""A staff member asked for the workspace's progress."""

CHART_FAILED = "I couldn't send the chart just now. Please try again in a minute."
"""The chart could not be shared (Slack refused or could not be reached)."""

NOT_LOADED = "I couldn't load your figures just now. Open this tab again in a minute."
"""The Home section when the figures could not be read (the database is busy)."""


def percent(share: float | None) -> str:
    """A share as a whole percent (``"67%"``), or ``"none yet"``.

    Args:
        share: 0-1, or None when there was nothing to count.

    Returns:
        The text.
    """
    return "none yet" if share is None else f"{share:.0%}"


def ratio(value: float | None) -> str:
    """A ratio with at most two decimals and no trailing zeros (``"0.67"``, ``"2"``), or
    ``"none yet"``.

    Args:
        value: the ratio, or None.

    Returns:
        The text.
    """
    if value is None:
        return "none yet"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def figure_lines(figures: Figures, *, latest: Figures | None = None) -> list[str]:
    """The pooled figures in plain sentences (the Home tab's text, for every reader).

    Args:
        figures: sessions pooled.
        latest: the latest session's figures, shown beside the totals when given.

    Returns:
        Short lines, in the chart's order; empty with no session.
    """
    if not figures.sessions:
        return []

    def with_latest(total: str, last: str | None) -> str:
        return f"{total} (latest session: {last})" if last is not None else total

    last_open = percent(latest.open_share) if latest else None
    last_rq = ratio(latest.reflection_ratio) if latest else None
    last_iv = ratio(latest.findings_per_10_turns) if latest else None
    return [
        f"{_plural(figures.sessions, 'practice session')}, {_plural(figures.turns, 'turn')}.",
        "Open questions: "
        + with_latest(f"{percent(figures.open_share)} of your questions", last_open)
        + ".",
        "Reflections per question: "
        + with_latest(ratio(figures.reflection_ratio), last_rq)
        + f". A fair mark is {MITI_RQ_FAIR:.0f} to 1, a good one {MITI_RQ_GOOD:.0f} to 1.",
        "Advice, judgment, persuasion or correction: "
        + with_latest(f"{ratio(figures.findings_per_10_turns)} per 10 turns", last_iv)
        + ".",
        f"Story layers heard: {figures.layers_reached} in all. "
        + (
            f"Hidden insight reached in {_plural(figures.insight_sessions, 'session')}."
            if figures.insight_sessions
            else "Hidden insight: not reached yet."
        ),
    ]


def staff_lines(progress: StaffProgress) -> list[str]:
    """A staff member's Home figures: totals, with the latest session beside them.

    Args:
        progress: their progress.

    Returns:
        Lines from :func:`figure_lines` (empty with no session).
    """
    if not progress.sessions:
        return []
    latest = Figures.pool(progress.sessions[-1:]) if len(progress.sessions) > 1 else None
    return figure_lines(progress.totals, latest=latest)


def staff_chart_title(name: str | None) -> str:
    """The title of a coach's chart of one staff member.

    Args:
        name: the staff member's name, or None when unknown.

    Returns:
        ``"Dana's practice over time"``, or a neutral title without a name.
    """
    return f"{name}'s practice over time" if name else "A staff member's practice over time"
