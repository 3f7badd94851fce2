"""Progress in Slack: the Home tab's "Your progress" figures and the chart sent as a file.

A Home tab cannot show an uploaded file: an ``image`` block needs a public image URL,
and a file shared with ``files_upload_v2`` has none. So the Home tab carries the
figures as text (every reader, screen readers included, gets them there), and the
button *Show my progress chart* renders the chart server-side and shares the PNG in
the user's DM with the same numbers as the message beside it and as the image's alt
text.

Coaches: the coach UI calls :func:`post_progress_chart` with the viewer's role (it
decides who is a coach); a staff member's chart or the workspace's (``staff_id``
None) is then sent to the coach's DM.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.progress import StaffProgress
from bot.presenters import progress as say
from bot.presenters.charts import ChartData, alt_text, chart_series, render_png, summary_text
from bot.services.progress import NotYourSession, ProgressService
from bot.slack import ids
from bot.slack.deps import SlackDeps
from bot.slack.files import upload_png
from bot.slack.outbox import SLACK_ERRORS, dm_channel, why
from bot.slack.text import context_blocks, escape, plain
from bot.store import StoreUnavailable

__all__ = [
    "home_progress",
    "home_section",
    "post_progress_chart",
    "progress_service",
]

log = logging.getLogger(__name__)


def progress_service(deps: SlackDeps) -> ProgressService:
    """The progress use cases on the app's store and persona cards (cheap; no state kept).

    Args:
        deps: listener dependencies.

    Returns:
        A :class:`~bot.services.progress.ProgressService`.
    """
    return ProgressService(deps.sessions.store, persona_loader=deps.personas.__getitem__)


def home_section(progress: StaffProgress | None) -> list[dict[str, Any]]:
    """The Home tab's "Your progress" blocks: the figures in text and the chart button.

    Args:
        progress: the viewer's own progress; None when it could not be read now.

    Returns:
        Blocks (a header, the figures and a button; a short line with no session yet).
    """
    out: list[dict[str, Any]] = [
        {"type": "divider"},
        {"type": "header", "text": plain(say.HOME_HEADER)},
    ]
    lines = say.staff_lines(progress) if progress is not None else []
    if not lines:
        text = say.NONE_YET if progress is not None else say.NOT_LOADED
        return out + context_blocks(escape(text))
    out += [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "\n".join(escape(line) for line in lines)},
        },
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": plain(say.CHART_BUTTON),
                    "action_id": ids.ACTION_PROGRESS_CHART,
                    "value": "own",
                }
            ],
        },
    ]
    return out


async def home_progress(deps: SlackDeps, team_id: str, user_id: str) -> list[dict[str, Any]]:
    """Read the user's own progress and build the Home section (never raises for a bad read).

    Args:
        deps: listener dependencies.
        team_id: the workspace.
        user_id: whose Home tab.

    Returns:
        :func:`home_section` blocks.
    """
    try:
        progress = await progress_service(deps).staff_progress(
            team_id, user_id, user_id, viewer_is_coach=False
        )
    except (StoreUnavailable, ValidationError) as exc:
        log.warning("progress not shown on the Home tab: %s", type(exc).__name__)
        return home_section(None)
    return home_section(progress)


async def tell(client: AsyncWebClient, user_id: str, text: str) -> None:
    """Say ``text`` (plain words) in the user's DM with the app (best effort).

    Args:
        client: the Web API client.
        user_id: who to tell.
        text: what to say.
    """
    await _tell(client, await dm_channel(client, user_id), text)


async def _tell(client: AsyncWebClient, channel: str, text: str) -> None:
    try:
        await client.chat_postMessage(channel=channel, text=escape(text))
    except SLACK_ERRORS as exc:
        log.warning("could not send a progress notice: %s", why(exc))


async def post_progress_chart(
    deps: SlackDeps,
    client: AsyncWebClient,
    team_id: str,
    viewer_id: str,
    staff_id: str | None,
    viewer_is_coach: bool,
    *,
    user_schools: Mapping[str, str] | None = None,
    school: str | None = None,
    staff_name: str | None = None,
) -> str | None:
    """Send a progress chart to the viewer's DM: a staff member's, or the workspace's.

    The chart comes as a PNG file with the same numbers as text in the message
    (and as the image's alt text). A refusal or "nothing yet" is said in the DM.

    Args:
        deps: listener dependencies.
        client: the Web API client.
        team_id: the workspace.
        viewer_id: who asked (the chart goes to their DM).
        staff_id: whose chart; None for the workspace as a whole (coaches only).
        viewer_is_coach: the caller checked that the viewer coaches this workspace.
        user_schools: user id -> school, when schools are tagged (coaches only).
        school: with ``staff_id`` None and ``user_schools``, chart this school only.
        staff_name: the staff member's name for the chart's title (a PNG cannot show
            a Slack mention); None says "a staff member".

    Returns:
        The Slack file id of the shared chart, or None when none was sent.
    """
    channel = await dm_channel(client, viewer_id)
    service = progress_service(deps)
    data: ChartData | None = None
    try:
        if staff_id is not None:
            staff = await service.staff_progress(
                team_id, viewer_id, staff_id, viewer_is_coach=viewer_is_coach
            )
            if staff.sessions:
                title = None if staff_id == viewer_id else say.staff_chart_title(staff_name)
                data = chart_series(staff, title=title)
        else:
            whole = await service.workspace_progress(
                team_id, viewer_id, viewer_is_coach=viewer_is_coach, user_schools=user_schools
            )
            target = next((g for g in whole.schools if g.name == school), None) if school else whole
            if target is not None and target.weeks:
                data = chart_series(target)
    except NotYourSession as exc:
        await _tell(client, channel, str(exc))
        return None
    if data is None:
        await _tell(client, channel, say.NONE_YET_TEAM)
        return None
    png = await asyncio.to_thread(render_png, data)
    try:
        return await upload_png(
            client,
            channel,
            "progress.png",
            png,
            title=data.title,
            alt_text=alt_text(data),
            initial_comment=escape(summary_text(data)),
        )
    except SLACK_ERRORS as exc:
        log.warning("progress chart not shared: %s", why(exc))
        await _tell(client, channel, say.CHART_FAILED)
        return None
