"""The progress chart: the plain data it plots, the PNG, and the same numbers as text.

Two steps, so a test can check what is plotted without reading pixels::

    data = chart_series(progress)       # ChartData: labels, series, reference lines
    png = render_png(data)              # PNG bytes (matplotlib, Agg, no display)
    text = summary_text(data)           # the same numbers for screen readers

Three panels over sessions (a staff member) or weeks (a workspace or a school):
the share of open questions, the reflection-to-question ratio with MITI 4.2.1's
reference lines (fair 1:1, good 2:1; see :mod:`bot.core.progress`), and intervention
findings per 10 turns. matplotlib is imported on the first render only, so the
offline ``empathy-coach practice`` never loads it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from datetime import date

from pydantic import BaseModel, ConfigDict

from bot.core.progress import (
    MITI_RQ_FAIR,
    MITI_RQ_GOOD,
    Figures,
    GroupProgress,
    StaffProgress,
    WorkspaceProgress,
)
from bot.presenters.progress import percent, ratio

__all__ = [
    "CHART_DPI",
    "CHART_SIZE_PX",
    "MAX_POINTS",
    "ChartData",
    "ReferenceLine",
    "alt_text",
    "chart_series",
    "render_png",
    "summary_text",
]

MAX_POINTS = 20
"""At most this many sessions (or weeks) are charted: the latest ones."""

CHART_SIZE_PX = (900, 960)
"""The PNG's width and height in pixels."""

CHART_DPI = 100
"""Dots per inch of the PNG (the size in inches is ``CHART_SIZE_PX / CHART_DPI``)."""

ALT_TEXT_MAX = 1000
"""Slack's limit on a file's alt text (characters)."""


class ReferenceLine(BaseModel):
    """A horizontal reference line on the ratio panel.

    Attributes:
        value: where it is drawn. label: its legend text.
    """

    model_config = ConfigDict(frozen=True)

    value: float
    label: str


class ChartData(BaseModel):
    """Everything the chart plots, as plain values (None: nothing to plot there).

    Attributes:
        title: the chart's title. unit: ``"session"`` or ``"week"`` (the x axis).
        labels: one x label per point, oldest first.
        open_share: open questions / questions per point (0-1).
        reflection_ratio: reflections / questions per point.
        findings_per_10_turns: intervention findings per 10 turns per point.
        reference_lines: drawn on the ratio panel (MITI's fair and good).
        left_out: older points not charted (beyond :data:`MAX_POINTS`).
    """

    model_config = ConfigDict(frozen=True)

    title: str
    unit: str
    labels: tuple[str, ...]
    open_share: tuple[float | None, ...]
    reflection_ratio: tuple[float | None, ...]
    findings_per_10_turns: tuple[float | None, ...]
    reference_lines: tuple[ReferenceLine, ...]
    left_out: int = 0


_REFERENCES = (
    ReferenceLine(value=MITI_RQ_FAIR, label="Fair (1 to 1)"),
    ReferenceLine(value=MITI_RQ_GOOD, label="Good (2 to 1)"),
)


def _day(day: date) -> str:
    return f"{day:%b} {day.day}"


def chart_series(
    progress: StaffProgress | WorkspaceProgress | GroupProgress, *, title: str | None = None
) -> ChartData:
    """The data to plot for one staff member (per session) or a group (per week).

    Args:
        progress: a staff member's, a workspace's or a school's progress.
        title: the chart's title; a plain default when None.

    Returns:
        The :class:`ChartData` (the latest :data:`MAX_POINTS` points).
    """
    labels: list[str]
    figures: list[tuple[float | None, float | None, float | None]]
    if isinstance(progress, StaffProgress):
        unit = "session"
        default = "Your practice over time"
        labels = [f"{i}\n{_day(p.started_at)}" for i, p in enumerate(progress.sessions, 1)]
        figures = [
            (p.open_share, p.reflection_ratio, p.findings_per_10_turns) for p in progress.sessions
        ]
    else:
        unit = "week"
        if isinstance(progress, WorkspaceProgress):
            default = "Your team's practice over time"
        else:
            default = f"{progress.name}: practice over time"
        labels = [f"Week of\n{_day(w.starts)}" for w in progress.weeks]
        figures = [_triple(w.figures) for w in progress.weeks]
    left_out = max(0, len(labels) - MAX_POINTS)
    labels, figures = labels[left_out:], figures[left_out:]
    return ChartData(
        title=title or default,
        unit=unit,
        labels=tuple(labels),
        open_share=tuple(f[0] for f in figures),
        reflection_ratio=tuple(f[1] for f in figures),
        findings_per_10_turns=tuple(f[2] for f in figures),
        reference_lines=_REFERENCES,
        left_out=left_out,
    )


def _triple(f: Figures) -> tuple[float | None, float | None, float | None]:
    return f.open_share, f.reflection_ratio, f.findings_per_10_turns


def _values(series: Sequence[float | None]) -> list[float]:
    return [math.nan if v is None else float(v) for v in series]


def render_png(data: ChartData) -> bytes:
    """Draw the chart server-side (matplotlib's Agg canvas, no display) as PNG bytes.

    Args:
        data: from :func:`chart_series`.

    Returns:
        A PNG of :data:`CHART_SIZE_PX` pixels.
    """
    # matplotlib is heavy (about half a second to import): loaded only when a chart is drawn
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    width, height = CHART_SIZE_PX
    fig = Figure(figsize=(width / CHART_DPI, height / CHART_DPI), dpi=CHART_DPI)
    FigureCanvasAgg(fig)
    fig.suptitle(data.title, fontsize=15)
    x = list(range(len(data.labels)))
    share_ax, ratio_ax, findings_ax = fig.subplots(3, 1, sharex=True)

    share = [v * 100 for v in _values(data.open_share)]
    share_ax.plot(x, share, marker="o", color="#1f6f8b", linewidth=2)
    share_ax.set_ylim(0, 105)
    share_ax.set_ylabel("Open questions (%)")
    share_ax.set_title("Share of questions that were open", fontsize=11, loc="left")

    rq = _values(data.reflection_ratio)
    ratio_ax.plot(x, rq, marker="o", color="#6a4c93", linewidth=2, label="Your ratio")
    for line, style in zip(data.reference_lines, ("--", ":"), strict=False):
        ratio_ax.axhline(line.value, color="#555555", linestyle=style, linewidth=1.2)
        ratio_ax.annotate(
            line.label,
            xy=(1.0, line.value),
            xycoords=("axes fraction", "data"),
            xytext=(-4, 3),
            textcoords="offset points",
            ha="right",
            fontsize=9,
            color="#333333",
        )
    top = max([v for v in rq if not math.isnan(v)] + [line.value for line in data.reference_lines])
    ratio_ax.set_ylim(0, top * 1.2 + 0.1)
    ratio_ax.set_ylabel("Reflections per question")
    ratio_ax.set_title(
        "Reflections per question (MITI: fair 1 to 1, good 2 to 1)", fontsize=11, loc="left"
    )

    findings = _values(data.findings_per_10_turns)
    findings_ax.bar(x, [0.0 if math.isnan(v) else v for v in findings], color="#c8553d", width=0.6)
    findings_ax.set_ylabel("Per 10 turns")
    findings_ax.set_title(
        "Advice, judgment, persuasion or correction (lower is better)", fontsize=11, loc="left"
    )
    findings_ax.set_ylim(0, max([v for v in findings if not math.isnan(v)] + [1.0]) * 1.2)
    findings_ax.set_xticks(x, list(data.labels), fontsize=8)
    findings_ax.set_xlabel("Sessions" if data.unit == "session" else "Weeks")
    for ax in (share_ax, ratio_ax, findings_ax):
        ax.grid(axis="y", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
        if len(x) == 1:
            ax.set_xlim(-1, 1)
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=CHART_DPI)
    return buf.getvalue()


def _listing(values: Sequence[str]) -> str:
    return ", ".join(values) if values else "none"


def summary_text(data: ChartData) -> str:
    """The chart's numbers as plain sentences, for screen readers (the message beside it).

    Args:
        data: from :func:`chart_series` (the same numbers the chart plots).

    Returns:
        A few short sentences: every charted value, oldest first.
    """
    n = len(data.labels)
    what = f"{n} {data.unit}{'' if n == 1 else 's'}"
    lines = [f"{data.title}: {what}, oldest first."]
    if data.left_out:
        lines[0] += f" ({data.left_out} older left out.)"
    lines.append("Open questions: " + _listing([percent(v) for v in data.open_share]) + ".")
    lines.append(
        "Reflections per question: "
        + _listing([ratio(v) for v in data.reflection_ratio])
        + f". Fair is {MITI_RQ_FAIR:.0f} to 1, good is {MITI_RQ_GOOD:.0f} to 1."
    )
    lines.append(
        "Advice, judgment, persuasion or correction per 10 turns: "
        + _listing([ratio(v) for v in data.findings_per_10_turns])
        + "."
    )
    return "\n".join(lines)


def alt_text(data: ChartData) -> str:
    """The image's alt text: the summary, cut to Slack's 1,000 characters at a line.

    Args:
        data: from :func:`chart_series`.

    Returns:
        At most :data:`ALT_TEXT_MAX` characters.
    """
    text = summary_text(data).replace("\n", " ")
    if len(text) <= ALT_TEXT_MAX:
        return text
    cut = text[: ALT_TEXT_MAX - 1]
    return cut[: cut.rfind(". ") + 1] or cut
