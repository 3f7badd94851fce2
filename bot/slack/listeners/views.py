"""View submissions: the question-list review modal.

Input is validated in the acknowledgement (errors are shown in the modal);
a valid list closes the modal at once and the result message arrives in the
user's DM with the app. A submission whose ``private_metadata`` names another
user (a tampered payload) is refused and logged.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import blocks, flows, ids
from bot.slack.app import SlackDeps
from bot.slack.listeners import deps_of

__all__ = ["post_review", "register"]

log = logging.getLogger(__name__)


def register(app: AsyncApp) -> None:
    """Register the view listeners.

    Args:
        app: the Bolt app.
    """
    app.view(ids.VIEW_REVIEW_QUESTIONS)(on_review_submitted)


def _metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {"invalid": True}
    return meta if isinstance(meta, dict) else {"invalid": True}


async def on_review_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """The review modal was submitted: validate, close, review in the background.

    Args:
        ack: Bolt's acknowledgement (``response_action=errors`` keeps the modal open).
        body: the ``view_submission`` payload.
        view: the submitted view.
        context: Bolt's context.
        client: the Web API client.
    """
    deps = deps_of(context)
    user_id = str(body["user"]["id"])
    meta = _metadata(view)
    if meta.get("invalid") or (meta.get("user") and meta["user"] != user_id):
        log.warning("refused a review submission whose metadata names another user")
        await ack(
            response_action="errors",
            errors={ids.BLOCK_QUESTIONS: "This form could not be verified. Please open it again."},
        )
        return
    state = (view.get("state") or {}).get("values") or {}
    text = ((state.get(ids.BLOCK_QUESTIONS) or {}).get(ids.INPUT_QUESTIONS) or {}).get(
        "value"
    ) or ""
    lines = blocks.split_question_lines(text)
    if not lines:
        await ack(
            response_action="errors", errors={ids.BLOCK_QUESTIONS: "Paste at least one question."}
        )
        return
    if len(lines) > flows.MAX_QUESTIONS:
        await ack(
            response_action="errors",
            errors={
                ids.BLOCK_QUESTIONS: f"That is {len(lines)} lines; please send at most "
                f"{flows.MAX_QUESTIONS} questions at a time."
            },
        )
        return
    await ack()
    deps.tasks.spawn(post_review(deps, client, user_id, lines), name="review_modal")


async def post_review(
    deps: SlackDeps, client: AsyncWebClient, user_id: str, lines: list[str]
) -> None:
    """Review a question list and post the result message in the user's DM with the app.

    Args:
        deps: listener dependencies.
        client: the Web API client.
        user_id: who asked (and gets the result).
        lines: the questions.
    """
    reviews = await flows.review_texts(deps, lines)
    dm = await client.conversations_open(users=user_id)
    await flows.post_messages(client, str(dm["channel"]["id"]), blocks.review_messages(reviews))
