"""`empathy-coach serve teams`: one start-up error line per missing setting, loopback by
default, and a real start on a free port (the endpoint answers, unsigned requests get 401)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from bot.cli.main import app

ROOT = Path(__file__).parents[2]


GUID = "00000000-1111-4222-8333-444444444444"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, ["CLIENT_ID", "CLIENT_SECRET", "TENANT_ID"]),
        ({"CLIENT_ID": GUID}, ["CLIENT_SECRET", "TENANT_ID"]),
        ({"CLIENT_ID": GUID, "CLIENT_SECRET": "s3cret"}, ["TENANT_ID"]),
        ({"TENANT_ID": TENANT, "CLIENT_SECRET": "s3cret"}, ["CLIENT_ID"]),
        # a made-up id is named too (Azure would refuse every token for it)
        ({"CLIENT_ID": "nope", "TENANT_ID": TENANT, "CLIENT_SECRET": "s3cret"}, ["CLIENT_ID"]),
        # a tenant's domain name is not its id (the SDK builds the token authority from it)
        (
            {"CLIENT_ID": GUID, "TENANT_ID": "district.onmicrosoft.com", "CLIENT_SECRET": "s"},
            ["TENANT_ID"],
        ),
        (
            {"CLIENT_ID": "app", "TENANT_ID": "t", "CLIENT_SECRET": "s3cret"},
            ["CLIENT_ID", "TENANT_ID"],
        ),
    ],
)
def test_each_missing_setting_is_named_on_its_own_line(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], missing: list[str]
) -> None:
    from bot.config import get_settings

    for name in ("CLIENT_ID", "CLIENT_SECRET", "TENANT_ID"):
        monkeypatch.delenv(name, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["serve", "teams", "--port", "0"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert [line.split()[1] for line in lines] == missing
    for line, name in zip(lines, missing, strict=True):
        malformed = env.get(name) not in (None, "")
        assert line.startswith(f"error: {name} is {'not a GUID' if malformed else 'not set'} (")
    assert all(line.startswith("error: ") for line in lines)
    assert "s3cret" not in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.integration
def test_serve_teams_listens_on_loopback_and_checks_tokens(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "CLIENT_ID": "00000000-1111-4222-8333-444444444444",
        "CLIENT_SECRET": "s3cret",
        "TENANT_ID": "72f988bf-86f1-41af-91ab-2d7cd011db47",
        "EC_DATABASE_URL": f"sqlite:///{tmp_path / 'ec.db'}",
    }
    env.pop("DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot",
            "serve",
            "teams",
            "--port",
            str(port),
            "--backend",
            "scripted",
        ],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                time.sleep(0.2)
        else:
            pytest.fail("serve teams did not start")
        assert r.status_code == 200
        unsigned = httpx.post(
            f"http://127.0.0.1:{port}/api/messages", json={"type": "message"}, timeout=5
        )
        assert unsigned.status_code == 401
        # bound to loopback only: no listener on the machine's other addresses
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(1)
            try:
                other = socket.gethostbyname(socket.gethostname())
            except OSError:
                other = "127.0.0.1"
            if not other.startswith("127."):
                assert s.connect_ex((other, port)) != 0
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert "Teams app ready for tenant" in out
    assert "s3cret" not in out
