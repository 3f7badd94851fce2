"""Reading an activity into a ConversationRef, and card values back into actions."""

from __future__ import annotations

from typing import Any

import pytest
from teams_kit import TENANT, activity

from bot.presenters.views import View
from bot.teams.actions import CardAction, parse_card_value
from bot.teams.cards import render
from bot.teams.refs import parse_activity


def _body(**changes: Any) -> dict[str, Any]:
    body = activity("message", "https://smba.trafficmanager.net/amer/", text="hi")
    body.update(changes)
    return body


def test_the_reference_names_tenant_chat_service_url_user_and_zone() -> None:
    incoming = parse_activity(_body())
    assert incoming is not None
    ref = incoming.ref()
    assert ref.platform == "teams"
    assert ref.workspace_id == TENANT
    assert ref.conversation_id == "a:1personal-chat-of-user-1"
    assert ref.service_url == "https://smba.trafficmanager.net/amer/"
    assert ref.user_id == "aad00001-0000-4000-8000-000000000001", "the Entra object id"
    assert ref.time_zone == "America/Chicago"
    assert ref.locale == "en-US"
    assert ref.thread_id is None


def test_the_zone_from_a_client_info_entity_and_the_teams_id_without_an_object_id() -> None:
    body = _body(
        entities=[{"type": "clientInfo", "locale": "en-US", "timezone": "America/New_York"}],
        **{"from": {"id": "29:1abc"}},
    )
    del body["localTimezone"]
    body["conversation"].pop("tenantId")
    incoming = parse_activity(body)
    assert incoming is not None
    assert incoming.ref().time_zone == "America/New_York"
    assert incoming.ref().user_id == "29:1abc"
    assert incoming.ref().workspace_id == TENANT, "from channelData.tenant"


@pytest.mark.parametrize(
    "change",
    [
        {"serviceUrl": None},
        {"from": None},
        {"from": {"id": ""}},
        {"conversation": "a:1"},
        {"channelData": {}, "conversation": {"id": "a:1", "conversationType": "personal"}},
        {"from": {"id": "29:" + "x" * 300}},
    ],
)
def test_an_activity_missing_what_the_adapter_needs_is_none(change: dict[str, Any]) -> None:
    assert parse_activity(_body(**change)) is None


def test_card_values_in_both_shapes_and_nothing_else() -> None:
    assert parse_card_value({"ec": "end", "id": "s-1"}) == CardAction(ec="end", id="s-1")
    invoke = {"action": {"type": "Action.Execute", "data": {"ec": "start", "id": "asthma-mom"}}}
    assert parse_card_value(invoke) == CardAction(ec="start", id="asthma-mom")
    form = {"ec": "log_interview", "pseudonym": "R.M.", "share": True, "n": 3}
    assert parse_card_value(form) == CardAction(
        ec="log_interview", fields={"pseudonym": "R.M.", "share": "true"}
    )
    for bad in (None, "end", {"ec": "Drop!", "id": "x"}, {"ec": "end", "id": ""}, {"id": "x"}):
        assert parse_card_value(bad) is None


def test_a_view_the_adapter_does_not_know_is_an_error() -> None:
    with pytest.raises(TypeError):
        render(View())
