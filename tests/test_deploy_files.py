"""Issue 13, deployment: the Dockerfile and compose.yaml describe what a district can run.

No Docker engine runs here, so the files are parsed: the Dockerfile's instructions
(continuation lines joined, comments dropped) and compose.yaml with PyYAML. The migrate
service's command is also run for real, twice at once, against PostgreSQL.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def instructions(text: str) -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` of a Dockerfile, in order."""
    out: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        whole = re.sub(r"\s+", " ", pending + line).strip()
        pending = ""
        if whole:
            name, _, args = whole.partition(" ")
            out.append((name.upper(), args.strip()))
    return out


def stages(found: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """The instructions split at each FROM (each stage starts with its FROM)."""
    out: list[list[tuple[str, str]]] = []
    for ins in found:
        if ins[0] == "FROM":
            out.append([])
        if out:
            out[-1].append(ins)
    return out


@pytest.fixture(scope="module")
def docker() -> list[list[tuple[str, str]]]:
    return stages(instructions((ROOT / "Dockerfile").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def readme_install_step() -> str:
    """The install part of README.md's first set-up command (before it starts the app)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = re.search(r"```sh\n(.+?)\n```", readme, re.S)
    assert first, "README.md has a set-up command"
    parts = [p.strip() for p in first.group(1).split("&&")]
    install = [p for p in parts if "empathy-coach" not in p]
    assert any("pip install" in p for p in install)
    return " && ".join(install)


def test_parser_joins_continuations_and_skips_comments() -> None:
    text = "# c\nFROM a AS b\nRUN x \\\n    # inner\n    && y\n\nUSER u\n"
    assert instructions(text) == [("FROM", "a AS b"), ("RUN", "x && y"), ("USER", "u")]


def test_the_image_is_multi_stage_with_a_slim_non_root_final_stage(
    docker: list[list[tuple[str, str]]],
) -> None:
    assert len(docker) >= 2, "a builder stage and a final stage"
    final = docker[-1]
    assert final[0][1].split()[0] == "python:3.11-slim"
    users = [args for name, args in final if name == "USER"]
    assert users and users[-1] not in ("root", "0", "0:0")
    assert any(name == "RUN" and "useradd" in args and users[-1] in args for name, args in final)
    copied = [args for name, args in final if name == "COPY"]
    builder = docker[0][0][1].split()[-1]
    assert any(args.startswith(f"--from={builder}") for args in copied)
    assert not any(name == "RUN" and "pip install" in args for name, args in final)


def test_the_image_installs_with_the_readmes_own_command(
    docker: list[list[tuple[str, str]]],
) -> None:
    step = readme_install_step()
    runs = [args for stage in docker for name, args in stage if name == "RUN"]
    assert any(step in args for args in runs), f"no RUN with: {step}"


def _lock() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"not a pin: {line}"
            pins[canonicalize_name(name)] = version
    return pins


def test_the_build_installs_the_locked_versions(docker: list[list[tuple[str, str]]]) -> None:
    builder = docker[0]
    env = " ".join(args for name, args in builder if name == "ENV")
    assert "PIP_CONSTRAINT=/app/requirements.lock" in env
    copied = [args for name, args in builder if name == "COPY"]
    assert any("requirements.lock" in args.split()[:-1] for args in copied)
    # every dependency pyproject.toml names is pinned, and its pin satisfies pyproject
    pins = _lock()
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for spec in map(Requirement, declared):
        name = canonicalize_name(spec.name)
        assert name in pins, f"{spec.name} is not in requirements.lock (run pip-compile)"
        assert spec.specifier.contains(pins[name], prereleases=True), (spec, pins[name])


def test_tokenizer_files_are_baked_in(docker: list[list[tuple[str, str]]]) -> None:
    runs = " ".join(args for stage in docker for name, args in stage if name == "RUN")
    assert "ensure_tiktoken_cache()" in runs
    final_env = " ".join(args for name, args in docker[-1] if name == "ENV")
    match = re.search(r"TIKTOKEN_CACHE_DIR=(\S+)", final_env)
    assert match, "the final stage tells tiktoken where the files are"
    copied = [args for name, args in docker[-1] if name == "COPY"]
    assert any(args.split()[-1] == match.group(1) for args in copied)


def test_the_healthcheck_asks_healthz_with_python(docker: list[list[tuple[str, str]]]) -> None:
    [check] = [args for name, args in docker[-1] if name == "HEALTHCHECK"]
    command = json.loads(check[check.index("CMD") + 3 :].strip())
    assert command[0] == "python" and "urllib.request" in command[-1]
    assert "/healthz" in command[-1] and "curl" not in check
    [cmd] = [args for name, args in docker[-1] if name == "CMD"]
    served = json.loads(cmd)
    port = served[served.index("--port") + 1]
    assert f":{port}/healthz" in command[-1] and "0.0.0.0" in served


def test_compose_runs_postgres_with_a_volume_and_a_healthcheck(compose: dict[str, Any]) -> None:
    services = compose["services"]
    [db_name] = [n for n, s in services.items() if str(s.get("image", "")).startswith("postgres")]
    db = services[db_name]
    assert any(str(v).endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    volume = str(db["volumes"][0]).split(":")[0]
    assert volume in compose["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def _env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def _command(service: dict[str, Any]) -> list[str]:
    cmd = service.get("command")
    return shlex.split(cmd) if isinstance(cmd, str) else list(cmd or [])


def test_migrate_runs_once_before_two_app_replicas_that_do_not_migrate(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    migrators = [n for n, s in services.items() if _command(s)[-2:] == ["db", "upgrade"]]
    assert migrators == ["migrate"]
    migrate = services["migrate"]
    assert migrate.get("restart", "no") == "no"  # one shot
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    apps = [n for n, s in services.items() if _command(s)[1:3] == ["serve", "slack"]]
    replicas = sum(int((services[n].get("deploy") or {}).get("replicas", 1)) for n in apps)
    assert replicas >= 2
    for name in apps:
        app = services[name]
        assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert _env(app)["EC_MIGRATE_ON_START"].lower() == "false"
        assert app["image"] == migrate["image"]  # the same code migrates and serves
        url = _env(app)["EC_DATABASE_URL"]
        assert url.startswith("postgresql") and url == _env(migrate)["EC_DATABASE_URL"]
        assert "--host" in _command(app) and "0.0.0.0" in _command(app)


@pytest.mark.integration
def test_two_migrations_started_together_both_succeed_and_leave_the_head(
    tmp_path: Path,
) -> None:
    """``docker compose run --rm migrate`` twice at once (or two old-style replicas
    starting together): the advisory lock serializes them; both end at the head."""
    url = os.environ.get("EC_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("EC_TEST_POSTGRES_URL is not set")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from bot.store import current_revision, head_revision, sync_url

    # an empty database, as on the first day: a schema of its own (the suite shares the server)
    schema = f"deploy_{uuid.uuid4().hex[:12]}"
    engine = create_engine(sync_url(url))
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = (
        make_url(url)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EC_DATABASE_URL": url}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "db", "upgrade"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert all("(head)" in out for out, _ in results)
    try:
        assert current_revision(url) == head_revision()
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def test_teams_runs_from_the_same_image_without_migrating(compose: dict[str, Any]) -> None:
    """A Teams district has a container path too (found by a newcomer's try-out)."""
    teams = compose["services"]["teams"]
    assert _command(teams)[1:3] == ["serve", "teams"] and "0.0.0.0" in _command(teams)
    port = _command(teams)[_command(teams).index("--port") + 1]
    assert f"{port}:{port}" in teams["ports"]
    assert f":{port}/healthz" in teams["healthcheck"]["test"][-1]
    assert teams["image"] == compose["services"]["migrate"]["image"]
    assert _env(teams)["EC_MIGRATE_ON_START"].lower() == "false"
    assert teams["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
