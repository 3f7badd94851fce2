"""DESIGN.md's "never" rules hold: import-linter's contracts (pyproject.toml) are all kept.

Also checks that each contract really guards something, by running import-linter on a copy
of the contracts against a small throwaway package that breaks every one of them.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT), "--no-cache", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_the_project_keeps_every_import_contract() -> None:
    res = _run([], ROOT)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
    assert "0 broken" in res.stdout


def test_each_contract_catches_a_breach(tmp_path: Path) -> None:
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    pkg = tmp_path / "bot"
    for sub in ("core", "services", "slack", "cli", "presenters", "store", "llm"):
        (pkg / sub).mkdir(parents=True)
        (pkg / sub / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    for name in ("bootstrap", "config", "personas", "privacy", "teams"):
        (pkg / f"{name}.py").write_text("")
    (pkg / "cli" / "serve.py").write_text("")
    (pkg / "slack" / "server.py").write_text("")
    (pkg / "slack" / "redact.py").write_text("")
    # one breach per contract
    (pkg / "core" / "bad.py").write_text("import bot.store\n")
    (pkg / "slack" / "bad.py").write_text("import bot.cli\n")
    (pkg / "services" / "bad.py").write_text("import bot.slack\n")
    (pkg / "presenters" / "bad.py").write_text("import bot.services\n")
    lines = ["[tool.importlinter]", 'root_package = "bot"', "include_external_packages = true"]
    for c in contracts["contracts"]:
        lines.append("\n[[tool.importlinter.contracts]]")
        for key, value in c.items():
            if key == "ignore_imports":
                continue
            if isinstance(value, list):
                items = ", ".join(f'"{v}"' for v in value)
                lines.append(f"{key} = [{items}]")
            else:
                lines.append(f'{key} = "{value}"')
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent("\n".join(lines)) + "\n")
    res = subprocess.run(
        [str(LINT), "--no-cache", "--config", str(tmp_path / "pyproject.toml")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    n = len(contracts["contracts"])
    assert f"{n} broken" in res.stdout, res.stdout[-3000:] + res.stderr[-2000:]
