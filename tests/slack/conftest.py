"""Fixtures for the Slack tests: a fake Slack Web API and the real app over HTTP."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(1, str(Path(__file__).parents[1] / "store"))  # dispatch_kit's FakeClock

from fake_slack import FakeSlack
from slack_kit import AppServer


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    """A fake Slack Web API on 127.0.0.1."""
    with FakeSlack() as slack:
        yield slack


@pytest.fixture
def server(fake: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppServer]:
    """The Slack app in HTTP mode, on a fresh SQLite file, scripted caregiver."""
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "AZURE_OPENAI_ENDPOINT"):
        monkeypatch.delenv(var, raising=False)
    with AppServer(fake, tmp_path / "slack.db") as app:
        yield app
