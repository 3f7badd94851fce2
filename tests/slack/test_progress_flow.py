"""Progress in Slack, through signed requests to the real app and the fake Web API.

Two practices are played as a staff member would (signed ``message.im`` events in the
practice thread, the offline partner answering); the App Home then shows the figures
as text, and *Show my progress chart* shares a real PNG in the staff member's DM with
``files_upload_v2`` (get an upload URL, POST the bytes, complete the upload). Expected
figures are counted by hand from the lines played (see tests/store/test_progress.py
for the labels of each line).
"""

from __future__ import annotations

import io
import json
from typing import Any

from fake_slack import BOT_TOKEN, TEAM_ID, FakeSlack
from PIL import Image
from slack_kit import AppServer, app_home_opened, block_actions, message_im
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import ids
from bot.slack.progress_blocks import home_section, post_progress_chart

STAFF, OTHER, COACH = "U0STAFF", "U0OTHER", "U0COACH"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# 4 turns: 3 questions, 1 open, 1 reflection, 1 advice
FIRST = [
    "What are mornings like for you two?",
    "Have you tried an earlier bedtime?",
    "Does she like her teacher?",
    "It sounds like mornings are really hard.",
]
# 4 turns: 2 questions, both open, 2 reflections, no finding
SECOND = [
    "How are things going at home?",
    "Tell me more about that.",
    "It sounds like you are carrying a lot on your own.",
    "You're worried about her.",
]

SUMMARY = (
    "Your practice over time: 2 sessions, oldest first.\n"
    "Open questions: 33%, 100%.\n"
    "Reflections per question: 0.33, 1. Fair is 1 to 1, good is 2 to 1.\n"
    "Advice, judgment, persuasion or correction per 10 turns: 2.5, 0."
)


def _practice(server: AppServer, user: str, lines: list[str]) -> None:
    """Start from the gallery, send each line in the thread, then end the practice."""
    dm = f"D{user}"
    before = len(server.fake.messages(channel=dm))
    server.post(block_actions(user, ids.ACTION_START, value="night-shift-mom", in_home=True))
    server.drain()
    (card,) = [m for m in server.fake.messages(channel=dm)[before:] if m.thread_ts is None]
    for line in lines:
        assert server.post(message_im(user, line, thread_ts=card.ts)).status_code == 200
        server.drain()
    server.post(message_im(user, "end", thread_ts=card.ts))
    server.drain()


def _home_blocks(fake: FakeSlack, user: str) -> list[dict[str, Any]]:
    published = [c for c in fake.calls_to("views.publish") if c.params.get("user_id") == user]
    return list(published[-1].params["view"]["blocks"])


def _section_after(blocks: list[dict[str, Any]], header: str) -> list[dict[str, Any]]:
    at = next(
        i for i, b in enumerate(blocks) if b["type"] == "header" and b["text"]["text"] == header
    )
    end = next((i for i in range(at + 1, len(blocks)) if blocks[i]["type"] == "divider"), None)
    return blocks[at + 1 : end]


def _decoded_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        return img.size


def test_home_shows_the_figures_and_the_button_sends_a_real_png_to_the_dm(
    server: AppServer, fake: FakeSlack
) -> None:
    _practice(server, STAFF, FIRST)
    _practice(server, STAFF, SECOND)
    server.post(app_home_opened(STAFF))
    server.drain()
    section = _section_after(_home_blocks(fake, STAFF), "Your progress")
    text = section[0]["text"]["text"]
    # pooled: 8 turns, 5 questions (3 open), 3 reflections, 1 advice
    assert text.splitlines() == [
        "2 practice sessions, 8 turns.",
        "Open questions: 60% of your questions (latest session: 100%).",
        "Reflections per question: 0.6 (latest session: 1). "
        "A fair mark is 1 to 1, a good one 2 to 1.",
        "Advice, judgment, persuasion or correction: 1.25 per 10 turns (latest session: 0).",
        f"Story layers heard: {_layers(server, STAFF)} in all. Hidden insight: not reached yet.",
    ]
    (button,) = section[1]["elements"]
    assert button["action_id"] == ids.ACTION_PROGRESS_CHART
    assert button["text"]["text"] == "Show my progress chart"

    fake.reset()
    resp = server.post(block_actions(STAFF, ids.ACTION_PROGRESS_CHART, value="own", in_home=True))
    assert resp.status_code == 200
    server.drain()
    assert [c.method for c in fake.calls if c.method.startswith(("files.", "upload"))] == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]
    (file,) = fake.uploads()
    assert file.channel == f"D{STAFF}"  # the staff member's own DM
    assert file.data is not None and file.data.startswith(PNG_SIGNATURE)
    assert len(file.data) == file.length
    assert _decoded_size(file.data) == (900, 960)
    assert file.filename == "progress.png"
    assert file.title == "Your practice over time"
    assert file.initial_comment == SUMMARY  # the numbers as text beside the image
    assert file.alt_txt == SUMMARY.replace("\n", " ")
    (shared,) = [m for m in fake.messages(channel=f"D{STAFF}") if m.files]
    assert shared.files == [file.file_id] and shared.text == SUMMARY


def _layers(server: AppServer, user: str) -> int:
    """Layers the caregiver disclosed, summed over the user's stored debriefs."""
    infos = server.call(server.runtime.deps.sessions.recent_sessions(TEAM_ID, user, limit=10))
    return sum(i.debrief.layers_reached for i in infos if i.debrief is not None)


def test_a_crafted_value_or_another_team_never_gets_someone_elses_chart(
    server: AppServer, fake: FakeSlack
) -> None:
    _practice(server, STAFF, FIRST)
    fake.reset()
    # another staff member presses the button with the first one's id as its value
    server.post(block_actions(OTHER, ids.ACTION_PROGRESS_CHART, value=STAFF, in_home=True))
    # the same user, from another workspace: refused at the door (single-token mode serves
    # only its own workspace), so nothing is said with this workspace's token
    server.post(
        block_actions(STAFF, ids.ACTION_PROGRESS_CHART, value="own", in_home=True, team_id="T0ELSE")
    )
    server.drain()
    assert fake.uploads(shared=False) == []
    told = [(m.channel, m.text) for m in fake.messages() if m.channel in (f"D{OTHER}", f"D{STAFF}")]
    assert told == [(f"D{OTHER}", "No practice sessions yet, so there is nothing to chart.")]
    # a staff member with no practice sees a short line and no button on the Home tab
    server.post(app_home_opened(OTHER))
    server.drain()
    section = _section_after(_home_blocks(fake, OTHER), "Your progress")
    assert json.dumps(section).count(ids.ACTION_PROGRESS_CHART) == 0
    assert "after your first practice" in section[0]["elements"][0]["text"]


def test_the_coach_ui_function_sends_the_workspace_chart_to_coaches_only(
    server: AppServer, fake: FakeSlack
) -> None:
    _practice(server, STAFF, FIRST)
    _practice(server, OTHER, SECOND)
    fake.reset()

    async def send(viewer: str, staff: str | None, coach: bool) -> str | None:
        client = AsyncWebClient(token=BOT_TOKEN, base_url=fake.api_url)
        return await post_progress_chart(
            server.runtime.deps, client, TEAM_ID, viewer, staff, coach, staff_name="Dana"
        )

    assert server.call(send(STAFF, None, False)) is None  # a staff member: refused
    assert server.call(send(STAFF, OTHER, False)) is None  # another's chart: refused
    assert [m.text for m in fake.messages(channel=f"D{STAFF}")] == [
        "Only coaches can see the team's progress. Yours is on the Home tab.",
        "You can see your own progress. A coach can see the team's.",
    ]
    assert fake.uploads(shared=False) == []

    team_file = server.call(send(COACH, None, True))
    staff_file = server.call(send(COACH, OTHER, True))
    team, staff = fake.uploads(channel=f"D{COACH}")
    assert (team.file_id, staff.file_id) == (team_file, staff_file)
    assert team.title == "Your team's practice over time"
    # both sessions fall in one week: 8 turns, 5 questions (3 open), 3 reflections, 1 advice
    assert team.initial_comment is not None
    assert team.initial_comment.splitlines()[1:] == [
        "Open questions: 60%.",
        "Reflections per question: 0.6. Fair is 1 to 1, good is 2 to 1.",
        "Advice, judgment, persuasion or correction per 10 turns: 1.25.",
    ]
    assert staff.title == "Dana's practice over time"
    assert staff.initial_comment is not None
    assert "Open questions: 100%." in staff.initial_comment
    for file in (team, staff):
        assert file.data is not None and _decoded_size(file.data) == (900, 960)

    # Slack refuses the share (say, the scope is missing): the coach is told, nothing is lost
    fake.fail("files.completeUploadExternal", "missing_scope", times=1)
    assert server.call(send(COACH, None, True)) is None
    assert fake.messages(channel=f"D{COACH}")[-1].text == (
        "I couldn't send the chart just now. Please try again in a minute."
    )


def test_the_home_section_says_so_when_the_figures_cannot_be_read() -> None:
    blocks = home_section(None)
    assert [b["type"] for b in blocks] == ["divider", "header", "context"]
    assert blocks[2]["elements"][0]["text"] == (
        "I couldn't load your figures just now. Open this tab again in a minute."
    )


def test_a_coach_gets_the_team_and_a_staff_members_chart_and_others_are_refused(
    server: AppServer, fake: FakeSlack
) -> None:
    _practice(server, STAFF, FIRST)
    coaching = server.runtime.deps.coach
    server.call(coaching.add_coach(TEAM_ID, "U0ADMIN", COACH, actor_is_admin=True))
    server.post(app_home_opened(COACH))
    server.drain()
    buttons = [
        e
        for b in _home_blocks(fake, COACH)
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ids.ACTION_COACH_PROGRESS
    ]
    assert [(b["text"]["text"], b["value"]) for b in buttons] == [("Team progress chart", "team")]

    fake.reset()
    server.post(block_actions(COACH, ids.ACTION_COACH_PROGRESS, value="team", in_home=True))
    server.post(block_actions(COACH, ids.ACTION_COACH_PROGRESS, value=f"staff:{STAFF}"))
    server.drain()
    files = fake.uploads()
    assert [f.channel for f in files] == [f"D{COACH}", f"D{COACH}"]
    assert all(f.data is not None and f.data.startswith(PNG_SIGNATURE) for f in files)

    fake.reset()
    # not a coach: a crafted team or staff value, or a coach's id from another workspace
    server.post(block_actions(OTHER, ids.ACTION_COACH_PROGRESS, value="team", in_home=True))
    server.post(block_actions(OTHER, ids.ACTION_COACH_PROGRESS, value=f"staff:{STAFF}"))
    server.post(block_actions(COACH, ids.ACTION_COACH_PROGRESS, value="team", team_id="T0ELSE"))
    server.post(block_actions(COACH, ids.ACTION_COACH_PROGRESS, value="staff:<junk>"))
    server.drain()
    assert fake.uploads(shared=False) == []
    refusal = "Only coaches can see the team's progress. Yours is on the Home tab."
    told = sorted((m.channel, m.text) for m in fake.messages())
    # the request from another workspace is refused at the door and says nothing
    assert told == sorted([(f"D{OTHER}", refusal)] * 2 + [(f"D{COACH}", refusal)])
