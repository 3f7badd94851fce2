"""Teams test set-up: the helper modules beside this file, and the loopback fakes."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fake_connector import FakeConnector, FakeIdentity


@pytest.fixture
def identity() -> Iterator[FakeIdentity]:
    """The loopback OpenID configuration + JWKS and the signing key."""
    fake = FakeIdentity()
    yield fake
    fake.close()


@pytest.fixture
def connector() -> Iterator[FakeConnector]:
    """The loopback Bot Connector service that records what the bot sends."""
    fake = FakeConnector()
    yield fake
    fake.close()
