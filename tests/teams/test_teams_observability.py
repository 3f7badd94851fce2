"""Issue 13: the Teams server's ``/readyz`` (write + migrations' head) and ``/metrics``,
over real HTTP with a practice turn through the real Teams SDK endpoint."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from alembic import command
from fake_connector import FakeConnector, FakeIdentity
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine
from teams_kit import TeamsServer, chat_of

from bot.store import head_revision, sync_url
from bot.store.migrate import alembic_config

pytestmark = pytest.mark.integration


def _answered(server: TeamsServer) -> float:
    resp = server.http.get(f"http://127.0.0.1:{server.port}/metrics")
    assert resp.status_code == 200
    for family in text_string_to_metric_families(resp.text):
        for sample in family.samples:
            if sample.name == "ec_turns_total" and sample.labels == {"outcome": "answered"}:
                return float(sample.value)
    return 0.0


def _stamp(url: str, revision: str) -> None:
    engine = create_engine(sync_url(url))
    try:
        with engine.begin() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.stamp(cfg, revision)
    finally:
        engine.dispose()


def test_teams_metrics_and_readiness(
    tmp_path: Path, identity: FakeIdentity, connector: FakeConnector
) -> None:
    with TeamsServer(str(tmp_path / "ec.db"), identity, connector) as server:
        base = f"http://127.0.0.1:{server.port}"
        assert server.http.get(f"{base}/readyz").json() == {"ok": True}
        chat = chat_of(1)
        server.say("practice")
        [picker] = server.wait_messages(1, chat)
        denise = next(a["data"] for a in picker.submits() if a["data"]["id"] == "night-shift-mom")
        server.press(denise)
        server.wait_messages(2, chat)
        before = _answered(server)
        server.say("What does a typical morning look like for you?")
        server.wait_messages(3, chat)
        deadline = time.monotonic() + 10  # counted right after the reply is posted
        while _answered(server) < before + 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _answered(server) == before + 1

        _stamp(server.settings.database_url, "0004")
        resp = server.http.get(f"{base}/readyz")
        assert resp.status_code == 503
        assert "0004" in resp.json()["reason"] and str(head_revision()) in resp.json()["reason"]
        assert server.http.get(f"{base}/healthz").status_code == 200
        _stamp(server.settings.database_url, "head")
        assert server.http.get(f"{base}/readyz").status_code == 200
