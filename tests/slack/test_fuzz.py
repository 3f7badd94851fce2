"""Junk at the door gets no 500 and no traceback (issue 10, finding 5).

A bounded, deterministic hypothesis fuzzer drives every listener of the real Bolt app
with signed, Slack-shaped requests whose fields are missing, of the wrong type, huge,
odd Unicode or deeply nested. Every answer must be below 500, and nothing may fail
unhandled in the app's logs (Bolt's listener errors and our background work).
"""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from fake_slack import FakeSlack
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from slack_kit import AppServer, _event_callback

from bot.slack import ids

pytestmark = pytest.mark.integration

ACTIONS = [getattr(ids, n) for n in dir(ids) if n.startswith("ACTION_")]
VIEWS = [getattr(ids, n) for n in dir(ids) if n.startswith("VIEW_")]
COMMANDS = list(ids.COMMANDS)

_odd_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "\x00", "\ud800 tell me more", "‮RTL", "<@U1> <!channel>", "end"]),
    st.just("x" * 200_000),
)
_junk: st.SearchStrategy[Any] = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**40), 2**40), _odd_text),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


def _maybe(value: Any) -> st.SearchStrategy[Any]:
    """The right value, junk, or nothing (the key is dropped when the draw is ``...``)."""
    return st.one_of(st.just(value), _junk, st.just(...))


def _shape(fields: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({k: _maybe(v) for k, v in fields.items()}).map(
        lambda d: {k: v for k, v in d.items() if v is not ...}
    )


def _event() -> st.SearchStrategy[tuple[str, str]]:
    event = st.one_of(
        _shape(
            {
                "type": "message",
                "channel": "DU0FUZZ",
                "user": "U0FUZZ",
                "text": "Tell me more.",
                "ts": "1700000000.000100",
                "thread_ts": "1700000000.000001",
                "channel_type": "im",
                "client_msg_id": str(uuid.uuid4()),
                "files": [],
            }
        ),
        _shape({"type": "app_mention", "user": "U0FUZZ", "channel": "C0X", "ts": "1.2"}),
        _shape({"type": "app_home_opened", "user": "U0FUZZ", "tab": "home"}),
    )
    return event.map(
        lambda e: (
            _event_callback(e, event_id=f"Ev{uuid.uuid4().hex[:10]}", team_id="T0FAKE"),
            "application/json",
        )
    )


def _interaction() -> st.SearchStrategy[tuple[str, str]]:
    user = _maybe({"id": "U0FUZZ", "team_id": "T0FAKE"})
    action = st.builds(
        lambda aid, value: {"action_id": aid, "type": "button", "value": value, "block_id": "b"},
        st.sampled_from(ACTIONS),
        _junk,
    )
    block_actions = st.builds(
        lambda u, a, extra: {
            "type": "block_actions",
            **({"user": u} if u is not ... else {}),
            "team": {"id": "T0FAKE"},
            "trigger_id": "1.2.abc",
            "actions": [a],
            **extra,
        },
        user,
        action,
        _shape({"channel": {"id": "DU0FUZZ"}, "message": {"ts": "1.2"}, "container": {}}),
    )
    submission = st.builds(
        lambda u, cb, meta, state: {
            "type": "view_submission",
            **({"user": u} if u is not ... else {}),
            "team": {"id": "T0FAKE"},
            "view": {
                "id": "V1",
                "callback_id": cb,
                "private_metadata": meta,
                "state": {"values": state},
                "type": "modal",
            },
        },
        user,
        st.sampled_from(VIEWS),
        st.one_of(_odd_text, st.just(json.dumps({"user": "U0FUZZ", "session": "s", "turn": 1}))),
        _junk,
    )
    payload = st.one_of(block_actions, submission)
    return payload.map(
        lambda p: (urlencode({"payload": json.dumps(p)}), "application/x-www-form-urlencoded")
    )


def _command() -> st.SearchStrategy[tuple[str, str]]:
    return st.builds(
        lambda cmd, text, user: (
            urlencode(
                {
                    "command": cmd,
                    "text": text if isinstance(text, str) else json.dumps(text),
                    "team_id": "T0FAKE",
                    "channel_id": "C0X",
                    "user_id": user if isinstance(user, str) else "",
                    "trigger_id": "1.2.abc",
                    "response_url": "http://127.0.0.1:9/r",
                }
            ),
            "application/x-www-form-urlencoded",
        ),
        st.sampled_from(COMMANDS),
        _junk,
        st.one_of(st.just("U0FUZZ"), _junk),
    )


class _Failures(logging.Handler):
    """Collects error records with a traceback (an unhandled exception somewhere)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.records.append(record)


def test_junk_requests_get_no_5xx_and_leave_no_traceback(tmp_path: Path) -> None:
    failures = _Failures()
    logging.getLogger().addHandler(failures)
    statuses: list[int] = []
    try:
        with FakeSlack() as fake, AppServer(fake, tmp_path / "fuzz.db") as server:

            @settings(
                max_examples=160,
                derandomize=True,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            )
            @given(st.one_of(_event(), _interaction(), _command()))
            @example(  # found by the fuzzer in CI: Bolt itself read the id before any listener
                (
                    _event_callback(
                        {"type": "app_home_opened", "user": False, "tab": "home"},
                        event_id="Ev0FUZZBOOL",
                        team_id="T0FAKE",
                    ),
                    "application/json",
                )
            )
            @example(
                (
                    _event_callback(
                        {"type": "message", "user": {"id": ["U1"]}},
                        event_id="Ev0L",
                        team_id="T0FAKE",
                    ),
                    "application/json",
                )
            )
            @example(("not json at all {", "application/json"))
            def fuzz(payload: tuple[str, str]) -> None:
                resp = server.post(payload)
                statuses.append(resp.status_code)
                assert resp.status_code < 500, payload[0][:300]

            fuzz()
            server.drain()
    finally:
        logging.getLogger().removeHandler(failures)
    assert len(statuses) >= 100
    tracebacks = [f"{r.name}: {r.getMessage()}" for r in failures.records]
    print(  # the figures the issue asks for (run with -s to see them)
        f"fuzz: {len(statuses)} signed junk requests, "
        f"{sum(s >= 500 for s in statuses)} answered 5xx, {len(tracebacks)} tracebacks"
    )
    assert tracebacks == [], tracebacks[:5]


EVENT = "event_callback"


@pytest.mark.parametrize(
    ("body", "bad"),
    [
        ({"type": "block_actions", "actions": [{"action_id": "x"}]}, "block_actions"),  # no user
        ({"type": "block_actions", "user": {"id": "U1X"}, "actions": "x"}, "block_actions"),
        ({"type": "view_submission", "user": None, "view": {}}, "view_submission"),
        (
            {"type": "event_callback", "event": {"type": "message", "user": ["U1"]}},
            "event_callback",
        ),
        (
            {"type": "event_callback", "event": {"type": "message", "text": "x" * 50_000}},
            "event_callback",
        ),
        ({"command": "/practice", "user_id": "u\x00"}, "command"),
        (
            {
                "type": "event_callback",
                "event": {"type": "message", "user": "U0STAFF", "ts": "1.2"},
            },
            None,
        ),
        ({"command": "/practice", "user_id": "U0STAFF", "text": "Rosa"}, None),
        ({"type": "url_verification", "challenge": "x"}, None),  # not a kind listeners read
    ],
)
def test_payload_shapes(body: dict[str, Any], bad: str | None) -> None:
    from bot.slack.payloads import validate_body

    assert validate_body(body) == bad


def test_an_unsigned_malformed_request_is_still_refused(tmp_path: Path) -> None:
    body = _event_callback({"type": "app_home_opened", "user": False}, event_id="E1", team_id="T1")
    with FakeSlack() as fake, AppServer(fake, tmp_path / "fuzz.db") as server:
        assert server.post((body, "application/json"), sign=False).status_code == 401
        assert server.post((body, "application/json"), secret="wrong").status_code == 401
        assert server.post((body, "application/json")).status_code == 200


def test_a_bad_timestamp_or_no_signature_is_401_and_the_body_is_never_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Found by a newcomer's try-out: ``X-Slack-Request-Timestamp: abc`` was a 500 with a
    traceback, and Bolt logged the whole body of an unsigned request at INFO."""
    secret_text = "my son Jaylen has asthma"
    body = _event_callback(
        {"type": "message", "channel_type": "im", "user": "U1", "text": secret_text},
        event_id="E9",
        team_id="T1",
    )
    url_check = json.dumps({"type": "url_verification", "challenge": secret_text})
    caplog.set_level(logging.DEBUG)
    with FakeSlack() as fake, AppServer(fake, tmp_path / "sig.db") as server:
        requests: list[tuple[str, dict[str, str]]] = [
            (body, {"Content-Type": "application/json"}),
            (url_check, {"Content-Type": "application/json"}),
        ]
        for stamp in ("abc", "1e3", "-5", "99999999999999999999"):
            requests.append(
                (
                    body,
                    {
                        "Content-Type": "application/json",
                        "X-Slack-Request-Timestamp": stamp,
                        "X-Slack-Signature": "v0=deadbeef",
                    },
                )
            )
        answers = [
            server.http.post(server.url, content=raw.encode(), headers=headers).status_code
            for raw, headers in requests
        ]
        signed = server.post((url_check, "application/json"))
    assert set(answers) == {401}, answers
    assert signed.status_code == 200  # Slack's own request still works
    assert secret_text not in caplog.text
    assert "Traceback" not in caplog.text
