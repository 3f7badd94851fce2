"""Universal Actions (``Action.Execute``, an ``adaptiveCard/action`` invoke): the result
card comes back in the invoke response, which Teams shows in place of the pressed card
(Microsoft's ``{"statusCode": 200, "type": "application/vnd.microsoft.card.adaptive",
"value": <card>}``), with no connector update; a press that produces no card for the
pressed one answers with an empty message response. Through the real Teams endpoint and
the fake connector."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fake_connector import FakeConnector, FakeIdentity
from teams_kit import QUIET_NOW, TeamsServer, activity, chat_of

from bot.teams.actions import ALREADY_DONE

pytestmark = pytest.mark.integration


@pytest.fixture
def server(tmp_path: Path, identity: FakeIdentity, connector: FakeConnector):  # type: ignore[no-untyped-def]
    with TeamsServer(str(tmp_path / "ec.db"), identity, connector, clock=lambda: QUIET_NOW) as s:
        yield s


def _execute(server: TeamsServer, data: dict[str, Any], card: str | None) -> dict[str, Any]:
    """An ``Action.Execute`` press carrying ``data`` on card ``card`` (its ``replyToId``);
    returns the invoke response's JSON body."""
    extra = {"replyToId": card} if card is not None else {}
    body = activity(
        "invoke",
        server.connector.service_url,
        name="adaptiveCard/action",
        value={
            "action": {"type": "Action.Execute", "verb": data["ec"], "data": data},
            "trigger": "manual",
        },
        **extra,
    )
    r = server.post(body)
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()
    return answer


def _text_of(card: dict[str, Any]) -> str:
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                out.append(node["text"])
            for item in node.values():
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return "\n".join(out)


def test_the_result_card_is_the_invoke_response_not_an_update(server: TeamsServer) -> None:
    conn = server.connector
    chat = chat_of(1)
    server.say("practice")
    [picker] = server.wait_messages(1, chat)
    denise = next(a["data"] for a in picker.submits() if a["data"]["id"] == "night-shift-mom")

    answer = _execute(server, denise, picker.returned_id)
    assert (answer["statusCode"], answer["type"]) == (
        200,
        "application/vnd.microsoft.card.adaptive",
    )
    assert answer["value"]["type"] == "AdaptiveCard"
    assert "Practice call with Denise" in _text_of(answer["value"])
    assert conn.updates() == [], "Teams replaces the card from the invoke response"
    assert len(conn.messages(chat)) == 1, "no new message: the picker became the intro"

    # the same old card pressed again: said once, in the chat; no card to show
    again = _execute(server, denise, picker.returned_id)
    assert again == {
        "statusCode": 200,
        "type": "application/vnd.microsoft.activity.message",
        "value": "",
    }
    assert server.wait_messages(2, chat)[-1].text == ALREADY_DONE


def test_a_press_without_its_card_answers_with_an_empty_message(server: TeamsServer) -> None:
    answer = _execute(server, {"ec": "start", "id": "night-shift-mom"}, None)
    assert answer == {
        "statusCode": 200,
        "type": "application/vnd.microsoft.activity.message",
        "value": "",
    }
    [intro] = server.wait_messages(1, chat_of(1))
    assert "Practice call with Denise" in intro.card_text, "posted as a new message"
