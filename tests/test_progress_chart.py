"""The progress chart: the data fed to the plot, the PNG it draws, the same numbers as text.

Session figures are written out by hand here (as the store would give them), so the
expected series are the numbers typed below, not anything the chart code computed.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from PIL import Image

from bot.core.progress import (
    SessionPoint,
    TurnFigures,
    session_point,
    staff_progress,
    workspace_progress,
)
from bot.presenters.charts import (
    CHART_SIZE_PX,
    MAX_POINTS,
    alt_text,
    chart_series,
    render_png,
    summary_text,
)
from bot.presenters.progress import staff_lines

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
Q_OPEN = TurnFigures(question=True, open_question=True, reflection=False, intervention_findings=0)
Q_CLOSED = TurnFigures(
    question=True, open_question=False, reflection=False, intervention_findings=0
)
ADVICE = TurnFigures(question=True, open_question=False, reflection=False, intervention_findings=1)
REFLECT = TurnFigures(question=False, open_question=False, reflection=True, intervention_findings=0)


def point(user: str, day: int, turns: list[TurnFigures], *, layers: int = 0) -> SessionPoint:
    return session_point(
        session_id=f"{user}-{day}",
        user_id=user,
        persona_id="rosa",
        started_at=datetime(2026, 11, day, 16, 0, tzinfo=UTC),
        ended=True,
        turns=turns,
        layers_reached=layers,
        layers_total=3,
        insight_reached=False,
    )


# session 1: 4 questions (1 open), 1 reflection, 2 advice in 5 turns
S1 = point("U1", 2, [Q_OPEN, Q_CLOSED, ADVICE, ADVICE, REFLECT])
# session 2: 2 questions (2 open), 2 reflections, 0 findings in 4 turns
S2 = point("U1", 9, [Q_OPEN, REFLECT, Q_OPEN, REFLECT], layers=2)
# session 3: 1 open question, 2 reflections: 2 to 1 ("good")
S3 = point("U1", 16, [Q_OPEN, REFLECT, REFLECT], layers=3)


def test_the_series_fed_to_the_chart_are_the_session_figures_with_mitis_lines() -> None:
    progress = staff_progress("T1", "U1", [S3, S1, S2])  # any order in: time order out
    data = chart_series(progress)
    assert data.unit == "session"
    assert data.labels == ("1\nNov 2", "2\nNov 9", "3\nNov 16")
    assert data.open_share == (0.25, 1.0, 1.0)
    assert data.reflection_ratio == (0.25, 1.0, 2.0)
    assert data.findings_per_10_turns == (4.0, 0.0, 0.0)
    assert [line.value for line in data.reference_lines] == [1.0, 2.0]
    assert [line.label for line in data.reference_lines] == ["Fair (1 to 1)", "Good (2 to 1)"]
    assert data.left_out == 0


def test_the_png_is_a_real_image_of_the_expected_size() -> None:
    png = render_png(chart_series(staff_progress("T1", "U1", [S1, S2, S3])))
    assert png.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(png)) as img:
        img.load()  # decodes every pixel: a broken file raises here
        assert img.format == "PNG"
        assert img.size == CHART_SIZE_PX == (900, 960)
        colors = img.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colors is not None and len(colors) > 50  # lines, text and bars, not a blank page


def test_one_session_and_a_session_without_questions_still_draw() -> None:
    only_reflections = point("U1", 3, [REFLECT, REFLECT])
    data = chart_series(staff_progress("T1", "U1", [only_reflections]))
    assert data.open_share == (None,) and data.reflection_ratio == (None,)
    assert data.findings_per_10_turns == (0.0,)
    with Image.open(io.BytesIO(render_png(data))) as img:
        img.load()
        assert img.size == CHART_SIZE_PX
    assert "Open questions: none yet." in summary_text(data)


def test_only_the_latest_sessions_are_charted_and_the_text_says_so() -> None:
    start = datetime(2026, 9, 1, 16, 0, tzinfo=UTC)
    many = [
        session_point(
            session_id=f"s{i:02d}",
            user_id="U1",
            persona_id="rosa",
            started_at=start + timedelta(days=i),
            ended=True,
            turns=[Q_OPEN] * (i + 1),
            layers_reached=0,
            layers_total=3,
            insight_reached=False,
        )
        for i in range(MAX_POINTS + 5)
    ]
    data = chart_series(staff_progress("T1", "U1", many))
    assert len(data.labels) == MAX_POINTS == 20
    assert data.left_out == 5
    assert data.labels[0] == "6\nSep 6"  # sessions 1-5 left out
    assert "(5 older left out.)" in summary_text(data)


def test_the_text_summary_has_the_same_numbers_for_screen_readers() -> None:
    data = chart_series(staff_progress("T1", "U1", [S1, S2, S3]))
    assert summary_text(data).splitlines() == [
        "Your practice over time: 3 sessions, oldest first.",
        "Open questions: 25%, 100%, 100%.",
        "Reflections per question: 0.25, 1, 2. Fair is 1 to 1, good is 2 to 1.",
        "Advice, judgment, persuasion or correction per 10 turns: 4, 0, 0.",
    ]
    assert alt_text(data) == summary_text(data).replace("\n", " ")
    assert len(alt_text(data)) <= 1000


def test_the_home_lines_pool_the_sessions_and_show_the_latest() -> None:
    # pooled: 12 turns, 7 questions (4 open), 5 reflections, 2 findings; layers 0 + 2 + 3
    assert staff_lines(staff_progress("T1", "U1", [S1, S2, S3])) == [
        "3 practice sessions, 12 turns.",
        "Open questions: 57% of your questions (latest session: 100%).",
        "Reflections per question: 0.71 (latest session: 2). "
        "A fair mark is 1 to 1, a good one 2 to 1.",
        "Advice, judgment, persuasion or correction: 1.67 per 10 turns (latest session: 0).",
        "Story layers heard: 5 in all. Hidden insight: not reached yet.",
    ]
    assert staff_lines(staff_progress("T1", "U1", [])) == []


def test_a_workspace_chart_pools_each_week_of_every_staff_member() -> None:
    # week of Nov 2: U1's session 1 and U2's (2 open questions, 2 reflections in 4 turns)
    other = point("U2", 4, [Q_OPEN, REFLECT, Q_OPEN, REFLECT])
    whole = workspace_progress("T1", [S1, other, S2], user_schools={"U2": "Lincoln"})
    data = chart_series(whole)
    assert data.unit == "week"
    assert data.title == "Your team's practice over time"
    assert data.labels == ("Week of\nNov 2", "Week of\nNov 9")
    # week 1: 6 questions, 3 open, 3 reflections, 2 findings in 9 turns
    assert data.open_share == (0.5, 1.0)
    assert data.reflection_ratio == (0.5, 1.0)
    assert data.findings_per_10_turns == (2.22, 0.0)
    school = chart_series(whole.schools[0])
    assert school.title == "Lincoln: practice over time"
    assert school.labels == ("Week of\nNov 2",) and school.open_share == (1.0,)
    with Image.open(io.BytesIO(render_png(data))) as img:
        img.load()
        assert img.size == CHART_SIZE_PX
