"""Logs never carry message text unless asked (issue 10, finding 8).

At ``--log-level DEBUG`` the app's own loggers go to DEBUG, but the libraries whose debug
output dumps request bodies and SQL parameters stay at INFO unless ``EC_LOG_BODIES``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.bootstrap import QUIET_LOGGERS, configure_logging


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    saved = (
        root.level,
        list(root.handlers),
        {n: logging.getLogger(n).level for n in QUIET_LOGGERS},
    )
    yield
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)


def test_debug_keeps_body_dumping_libraries_at_info() -> None:
    assert configure_logging("DEBUG") is False
    assert logging.getLogger("bot.services.sessions").isEnabledFor(logging.DEBUG)
    for name in ("aiosqlite", "sqlalchemy.engine", "httpx", "openai._base_client", "slack_sdk.web"):
        assert not logging.getLogger(name).isEnabledFor(logging.DEBUG), name
    assert logging.getLogger("httpx").isEnabledFor(logging.INFO)  # request lines, no bodies


def test_body_logging_only_when_asked_and_said(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.bootstrap"):
        assert configure_logging("DEBUG", log_bodies=True) is True
    assert logging.getLogger("aiosqlite").isEnabledFor(logging.DEBUG)
    assert any("EC_LOG_BODIES is on" in r.getMessage() for r in caplog.records)


def test_warning_level_is_not_lowered_for_libraries() -> None:
    configure_logging("WARNING")
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)


def test_json_format_keeps_the_quiet_levels_and_renders_every_line_as_json() -> None:
    import io
    import json

    from bot.cli.common import LogFormat, use_log_format

    buffer = io.StringIO()
    logging.getLogger().handlers[:] = [logging.StreamHandler(buffer)]
    configure_logging("DEBUG")
    use_log_format(LogFormat.json)
    assert not logging.getLogger("aiosqlite").isEnabledFor(logging.DEBUG)
    logging.getLogger("httpx").info("HTTP Request: %s %s", "POST", "http://x/api")
    logging.getLogger("bot.services.sessions").debug("turn %d", 3, extra={"latency_ms": 4.5})
    logging.getLogger("aiosqlite").debug("executing INSERT … ('staff words',)")
    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert [(x["logger"], x["level"], x["message"]) for x in lines] == [
        ("httpx", "info", "HTTP Request: POST http://x/api"),
        ("bot.services.sessions", "debug", "turn 3"),
    ]
    assert lines[1]["latency_ms"] == 4.5 and lines[0]["timestamp"].endswith("Z")


def test_text_format_leaves_the_plain_lines() -> None:
    import io

    from bot.cli.common import LogFormat, use_log_format

    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.getLogger().handlers[:] = [handler]
    configure_logging("INFO")
    use_log_format(LogFormat.text)
    logging.getLogger("bot.x").info("hello")
    assert buffer.getvalue() == "INFO bot.x: hello\n"
