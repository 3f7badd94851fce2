"""``empathy-coach serve slack``: start-up checks, migrations, serving, and no secret in output."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_slack import APP_TOKEN, BOT_TOKEN, FakeSlack
from slack_kit import SIGNING_SECRET, signed_headers, slash_command

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, fake: FakeSlack | None = None, **values: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "OPENAI_", "AZURE_OPENAI_", "EC_"))
    }
    env["EC_DATABASE_URL"] = f"sqlite:///{tmp_path / 'serve.db'}"
    # this checkout's code, whatever package the interpreter has installed (a worktree)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if fake is not None:
        env["SLACK_API_URL"] = fake.api_url
    env.update(values)
    return env


def _run(
    args: list[str], env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "serve", "slack", *args],
        env=env,
        cwd=tmp_cwd(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def tmp_cwd(env: dict[str, str]) -> str:
    """Run outside the repository so no ``.env`` file is read."""
    return str(Path(env["EC_DATABASE_URL"].removeprefix("sqlite:///")).parent)


@pytest.mark.parametrize(
    ("args", "values", "variables"),
    [
        (["--socket"], {}, ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"]),
        (["--http"], {}, ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]),
        (["--socket"], {"SLACK_BOT_TOKEN": BOT_TOKEN}, ["SLACK_APP_TOKEN"]),
        (["--http"], {"SLACK_BOT_TOKEN": BOT_TOKEN}, ["SLACK_SIGNING_SECRET"]),
        (["--http"], {"SLACK_BOT_TOKEN": "  ", "SLACK_SIGNING_SECRET": "x"}, ["SLACK_BOT_TOKEN"]),
    ],
)
def test_every_missing_variable_is_named_one_line_each(
    tmp_path: Path, args: list[str], values: dict[str, str], variables: list[str]
) -> None:
    """One run names every missing setting (a newcomer fixes them all at once)."""
    result = _run(args, _env(tmp_path, **values))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == len(variables), lines
    for line, variable in zip(lines, variables, strict=True):
        assert line.startswith("error: ") and variable in line
    assert "Traceback" not in result.stderr


def test_rejected_tokens_are_named_and_never_printed(tmp_path: Path) -> None:
    wrong_bot = "xoxb-0000-wrong-bot-token-value"
    wrong_app = "xapp-1-wrong-app-token-value"
    with FakeSlack() as fake:
        bot = _run(
            ["--http", "--port", "0"],
            _env(tmp_path, fake, SLACK_BOT_TOKEN=wrong_bot, SLACK_SIGNING_SECRET=SIGNING_SECRET),
        )
        app = _run(
            ["--socket"], _env(tmp_path, fake, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=wrong_app)
        )
    assert bot.returncode == 1
    assert "SLACK_BOT_TOKEN was rejected by Slack (invalid_auth)" in bot.stderr
    assert app.returncode == 1
    assert "SLACK_APP_TOKEN was rejected by Slack (invalid_auth)" in app.stderr
    for result in (bot, app):
        out = result.stdout + result.stderr
        assert wrong_bot not in out and wrong_app not in out and BOT_TOKEN not in out
        assert SIGNING_SECRET not in out and "Traceback" not in out


def test_http_mode_migrates_serves_signed_requests_and_stops_cleanly(tmp_path: Path) -> None:
    from bot.store import current_revision, head_revision

    with FakeSlack() as fake:
        env = _env(
            tmp_path,
            fake,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_APP_TOKEN=APP_TOKEN,
        )
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot",
                "serve",
                "slack",
                "--http",
                "--port",
                "0",
                "--log-level",
                "DEBUG",
            ],
            env=env,
            cwd=tmp_cwd(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            match = re.search(r"http://127\.0\.0\.1:(\d+)/slack/events", line)
            assert match, line
            url = f"http://127.0.0.1:{match.group(1)}/slack/events"
            assert current_revision(env["EC_DATABASE_URL"]) == head_revision()
            body, ctype = slash_command("/practice", "", "U0CLI", response_url=fake.response_url())
            resp = httpx.post(url, content=body, headers=signed_headers(body, ctype), timeout=10)
            assert resp.status_code == 200 and resp.json()["response_type"] == "ephemeral"
            bad = httpx.post(
                url, content=body, headers=signed_headers(body, ctype, secret="nope"), timeout=10
            )
            assert bad.status_code == 401
            health = httpx.get(url.replace("/slack/events", "/healthz"), timeout=10).json()
            assert health["ok"] is True
            ready = httpx.get(url.replace("/slack/events", "/readyz"), timeout=10)
            assert ready.status_code == 200 and ready.json() == {"ok": True}
        finally:
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err[-2000:]
        everything = line + out + err
        assert BOT_TOKEN not in everything and SIGNING_SECRET not in everything
        assert APP_TOKEN not in everything
        auth: Any = fake.calls_to("auth.test")
        assert auth and auth[0].token == BOT_TOKEN
        assert json.dumps(auth[0].answer)


def test_socket_mode_from_the_command_line(tmp_path: Path) -> None:
    from fake_socket import FakeSocketMode
    from slack_kit import block_actions

    from bot.slack import ids

    with FakeSlack() as fake, FakeSocketMode() as socket:
        fake.socket_url = socket.url
        env = _env(tmp_path, fake, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN)
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "slack", "--socket"],
            env=env,
            cwd=tmp_cwd(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            assert "over Socket Mode" in line, line
            assert socket.wait_connected()
            body, _ = block_actions(
                "U0SOCK", ids.ACTION_START, value="bus-route-grandpa", in_home=True
            )
            from urllib.parse import parse_qsl

            payload = json.loads(dict(parse_qsl(body))["payload"])
            envelope = socket.send("interactive", payload, accepts_response_payload=True)
            assert socket.ack_for(envelope) is not None
            assert fake.wait_for(lambda f: len(f.messages(channel="DU0SOCK")) == 1, timeout=15)
        finally:
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err[-2000:]
        assert APP_TOKEN not in line + out + err and BOT_TOKEN not in line + out + err


@pytest.mark.parametrize("mode", ["--http", "--socket"])
def test_serve_runs_the_reminder_dispatcher(tmp_path: Path, mode: str) -> None:
    """Overdue prompts in the database go out while the app serves; SIGTERM stops both cleanly."""
    from fake_socket import FakeSocketMode
    from slack_kit import seed_overdue_interview

    seed_overdue_interview(f"sqlite:///{tmp_path / 'serve.db'}", "U0SERVE")

    def prompts(fake: FakeSlack) -> list[str]:
        return [
            c.params["metadata"]["event_payload"]["kind"]
            for c in fake.calls_to("chat.postMessage")
            if c.params.get("metadata") and c.params["channel"] == "DU0SERVE"
        ]

    with FakeSlack() as fake, FakeSocketMode() as socket:
        fake.socket_url = socket.url
        env = _env(
            tmp_path,
            fake,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_APP_TOKEN=APP_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
        )
        args = ["--http", "--port", "0"] if mode == "--http" else ["--socket"]
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "slack", *args],
            env=env,
            cwd=tmp_cwd(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert proc.stdout is not None
            assert "ready" in proc.stdout.readline()
            assert fake.wait_for(lambda f: len(prompts(f)) == 3, timeout=20), prompts(fake)
        finally:
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err[-2000:]
        assert sorted(prompts(fake)) == ["exact_words", "reflection", "second_round"]
        assert "reminder dispatcher" in err and "stopped" in err
        assert BOT_TOKEN not in out + err and APP_TOKEN not in out + err


def test_a_read_only_database_stops_start_up_with_one_plain_line(tmp_path: Path) -> None:
    """Issue 10, finding 2: a store that accepts no writes must not pass as healthy."""
    from bot.store import upgrade_to_head

    db = tmp_path / "ro.db"
    upgrade_to_head(f"sqlite:///{db}")  # migrated, so start-up's migration step writes nothing
    with FakeSlack() as fake:
        env = _env(tmp_path, fake, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET)
        env["EC_DATABASE_URL"] = f"sqlite:///file:{db}?mode=ro&uri=true"
        result = subprocess.run(
            [sys.executable, "-m", "bot", "serve", "slack", "--http", "--port", "0"],
            env=env,
            cwd=str(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr  # one plain line (after the migration step's log)
    assert "read-only" in errors[0] and "EC_DATABASE_URL" in errors[0]
    assert "Traceback" not in result.stderr
