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
