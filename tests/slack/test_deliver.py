"""The Slack deliverer against the fake Slack Web API: posts, idempotency keys, error mapping.

Real HTTP to the fake on 127.0.0.1 through the same client the app uses
(``SLACK_API_URL`` and the rate-limit retry handler); plus ``empathy-coach
reminders run --once`` posting through it.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fake_slack import BOT_TOKEN, FakeSlack
from pydantic import SecretStr

from bot.config import Settings
from bot.core.reflection import Reflection
from bot.services.dispatcher import DeliveryResult
from bot.services.reflection import (
    ACTION_IDS,
    GatheredInterview,
    Gathering,
    InterviewSummary,
    PromptAction,
    ReminderInfo,
    ReminderPayload,
)
from bot.slack import ids
from bot.slack.app import SlackStartupError, make_client
from bot.slack.deliver import SlackDeliverer, build_deliverer

NOW = datetime(2026, 3, 10, 21, 30, tzinfo=UTC)


def payload(**fields: Any) -> ReminderPayload:
    """An exact-words DM prompt unless ``fields`` say otherwise."""
    values: dict[str, Any] = {
        "idempotency_key": "rem-1",
        "kind": "exact_words",
        "workspace_id": "T0TEST",
        "user_id": "U1",
        "text": "Your phone call with M.L.: write down their exact words.",
        "actions": [
            PromptAction(
                action="open_exact_words", label=ACTION_IDS["open_exact_words"], value="iv-1"
            )
        ],
    }
    values.update(fields)
    return ReminderPayload(**values)


def reminder(p: ReminderPayload) -> ReminderInfo:
    """The claimed reminder a payload belongs to."""
    return ReminderInfo(
        id=p.idempotency_key,
        workspace_id=p.workspace_id,
        interview_id=None,
        kind=p.kind,
        user_id=p.user_id,
        channel_id=p.channel_id,
        tz="America/Los_Angeles",
        due_at=NOW,
        status="claimed",
        attempts=2 if p.redelivery else 1,
        dedupe_key=f"k:{p.idempotency_key}",
    )


def deliver(fake: FakeSlack, *payloads: ReminderPayload, timeout: int = 30) -> list[DeliveryResult]:
    """Deliver payloads one after another with one deliverer; their results."""

    async def main() -> list[DeliveryResult]:
        deliverer = SlackDeliverer(make_client(BOT_TOKEN, api_url=fake.api_url, timeout=timeout))
        try:
            return [await deliverer.deliver(reminder(p), p) for p in payloads]
        finally:
            await deliverer.aclose()

    return asyncio.run(main())


def big_gathering(n: int) -> Gathering:
    """A team week with ``n`` long reflections (more than one message's worth of blocks)."""
    items = []
    for i in range(n):
        items.append(
            GatheredInterview(
                interview=InterviewSummary(
                    id=f"iv-{i}",
                    interviewer_id="U1",
                    caregiver_pseudonym=f"C{i}",
                    grade_band="K-2",
                    mode="phone",
                    happened_at=NOW,
                    tz="America/Los_Angeles",
                    team_channel="C0TEAM",
                ),
                exact_words="“We walk when the bus doesn't come.” " * 20,
                reflection=Reflection(surprised="They want more calls, not fewer. " * 80),
            )
        )
    return Gathering(
        workspace_id="T0TEST",
        team_channel="C0TEAM",
        week="2026-W11",
        key="team_gathering:C0TEAM:2026-W11",
        interviews=items,
    )


# ---------------------------------------------------------------------- posting


def test_a_dm_prompt_carries_its_key_and_its_button(fake: FakeSlack) -> None:
    (result,) = deliver(fake, payload())
    assert result.outcome == "ok" and result.ref
    assert [c.params["users"] for c in fake.calls_to("conversations.open")] == ["U1"]
    (post,) = fake.calls_to("chat.postMessage")
    assert post.params["channel"] == "DU1" and post.answer["ts"] == result.ref
    assert post.params["metadata"] == {
        "event_type": ids.PROMPT_METADATA_EVENT,
        "event_payload": {"idempotency_key": "rem-1", "kind": "exact_words", "part": 0},
    }
    (button,) = [e for b in post.params["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert (button["action_id"], button["value"]) == (ids.ACTION_OPEN_EXACT_WORDS, "iv-1")


def test_a_channel_post_goes_to_the_channel_with_escaped_text(fake: FakeSlack) -> None:
    hostile = payload(
        kind="red_flag_note",
        user_id=None,
        channel_id="C0TEAM",
        text="A note about <!channel> & <@U0BOSS>",
        actions=[],
    )
    (result,) = deliver(fake, hostile)
    assert result.outcome == "ok" and not fake.calls_to("conversations.open")
    (post,) = fake.calls_to("chat.postMessage")
    sent = json.dumps([post.params["text"], post.params["blocks"]])
    assert post.params["channel"] == "C0TEAM"
    assert "<!channel>" not in sent and "<@U0BOSS>" not in sent
    assert "&lt;!channel&gt; &amp; &lt;@U0BOSS&gt;" in sent


def test_a_big_team_gathering_is_split_within_slacks_limits(fake: FakeSlack) -> None:
    gathering = big_gathering(30)
    team_post = payload(
        kind="team_gathering",
        user_id=None,
        channel_id="C0TEAM",
        text="This week's empathy interviews " + "x" * 9000,
        gathering=gathering,
        actions=[
            PromptAction(
                action="record_team_decision",
                label=ACTION_IDS["record_team_decision"],
                value=gathering.key,
            )
        ],
    )
    (result,) = deliver(fake, team_post)
    posts = fake.calls_to("chat.postMessage")
    assert result.outcome == "ok" and len(posts) > 1 and all(c.answer["ok"] for c in posts)
    for n, call in enumerate(posts):
        assert len(call.params["blocks"]) <= 50 and len(call.params["text"]) <= 4000
        assert call.params["metadata"]["event_payload"]["part"] == n
    sent = json.dumps([c.params["blocks"] for c in posts])
    assert sent.count("They want more calls, not fewer.") == 30 * 80  # nothing lost
    last = posts[-1].params["blocks"][-1]
    assert last["type"] == "actions" and last["elements"][0]["value"] == gathering.key


# ---------------------------------------------------------------------- redelivery


def test_a_redelivery_finds_the_earlier_post_and_does_not_post_again(fake: FakeSlack) -> None:
    first, again = deliver(fake, payload(), payload(redelivery=True))
    assert first.outcome == again.outcome == "ok"
    assert len(fake.calls_to("chat.postMessage")) == 1
    (history,) = fake.calls_to("conversations.history")
    assert history.params["channel"] == "DU1"
    assert str(history.params["include_all_metadata"]).lower() in ("1", "true")


def test_a_redelivery_with_nothing_posted_posts(fake: FakeSlack) -> None:
    deliver(fake, payload(idempotency_key="other"))
    (result,) = deliver(fake, payload(redelivery=True))
    assert result.outcome == "ok"
    keys = [
        c.params["metadata"]["event_payload"]["idempotency_key"]
        for c in fake.calls_to("chat.postMessage")
    ]
    assert keys == ["other", "rem-1"]


def test_a_redelivery_posts_only_the_missing_parts(fake: FakeSlack) -> None:
    gathering = big_gathering(30)
    team_post = payload(
        kind="team_gathering",
        user_id=None,
        channel_id="C0TEAM",
        text="This week",
        gathering=gathering,
    )
    deliver(fake, team_post)
    parts = len(fake.calls_to("chat.postMessage"))
    assert parts >= 2
    fake.posted.pop()  # the crash came before the last part reached Slack
    deliver(fake, team_post.model_copy(update={"redelivery": True}))
    posts = fake.calls_to("chat.postMessage")
    assert len(posts) == parts + 1
    assert posts[-1].params["metadata"]["event_payload"]["part"] == parts - 1


def test_without_a_history_scope_the_redelivery_still_posts(fake: FakeSlack) -> None:
    fake.fail("conversations.history", "missing_scope")
    (result,) = deliver(fake, payload(redelivery=True))
    assert result.outcome == "ok" and len(fake.calls_to("chat.postMessage")) == 1


# ---------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("method", "error"),
    [
        ("chat.postMessage", "not_in_channel"),
        ("chat.postMessage", "channel_not_found"),
        ("chat.postMessage", "is_archived"),
        ("conversations.open", "user_not_found"),
        ("chat.postMessage", "account_inactive"),
    ],
)
def test_errors_a_retry_cannot_fix_are_permanent(fake: FakeSlack, method: str, error: str) -> None:
    fake.fail(method, error)
    (result,) = deliver(fake, payload())
    assert result == DeliveryResult.permanent(error)


def test_rate_limits_server_errors_and_timeouts_are_transient(fake: FakeSlack) -> None:
    fake.rate_limit("chat.postMessage", times=10, retry_after=0)
    (limited,) = deliver(fake, payload())
    assert limited.outcome == "transient" and limited.reason == "ratelimited"
    assert limited.retry_after == 0.0
    assert len(fake.calls_to("chat.postMessage")) == 4  # the client retried three times first

    fake.reset()
    fake.fail("chat.postMessage", "internal_error", status=503, times=1)
    (outage,) = deliver(fake, payload())
    assert outage == DeliveryResult.transient("internal_error")

    fake.reset()
    fake.delays["chat.postMessage"] = 2.0
    (slow,) = deliver(fake, payload(), timeout=1)
    assert slow == DeliveryResult.transient("timeout")


def test_a_dm_with_no_recipient_is_permanent(fake: FakeSlack) -> None:
    (result,) = deliver(fake, payload(user_id=None))
    assert result == DeliveryResult.permanent("no_recipient") and not fake.calls


# ---------------------------------------------------------------------- the factory and the CLI


def test_build_deliverer_needs_the_bot_token(fake: FakeSlack) -> None:
    base = {"database_url": "sqlite://", "SLACK_API_URL": fake.api_url}
    with pytest.raises(SlackStartupError, match="SLACK_BOT_TOKEN"):
        build_deliverer(Settings.model_validate(base))
    settings = Settings.model_validate({**base, "SLACK_BOT_TOKEN": SecretStr(BOT_TOKEN)})
    assert isinstance(build_deliverer(settings), SlackDeliverer)


def test_reminders_run_once_posts_through_slack(
    fake: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from slack_kit import seed_overdue_interview
    from typer.testing import CliRunner

    from bot.cli import app
    from bot.config import get_settings

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    seed_overdue_interview(url, "U0CLI", team_channel="C0TEAM")
    for name, value in {
        "EC_DATABASE_URL": url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": fake.api_url,
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["reminders", "run", "--once"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "handled 4 due reminder(s)" in result.output
    kinds = sorted(
        (c.params["channel"], c.params["metadata"]["event_payload"]["kind"])
        for c in fake.calls_to("chat.postMessage")
    )
    assert kinds == [
        ("C0TEAM", "team_gathering"),
        ("DU0CLI", "exact_words"),
        ("DU0CLI", "reflection"),
        ("DU0CLI", "second_round"),
    ]
    assert all(c.token == BOT_TOKEN for c in fake.calls)
    assert BOT_TOKEN not in result.output
