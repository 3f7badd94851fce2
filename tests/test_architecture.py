"""DESIGN.md's "never" rules hold: import-linter's contracts (pyproject.toml) are all kept.

Also checks that each contract really guards something, by running import-linter on a copy
of the contracts against a small throwaway package that breaks every one of them; that no
two modules of ``bot`` import each other (not even from inside a function); and that the
offline ``practice`` command loads no model client, platform SDK or database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import grimp
import pytest

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
    (pkg / "llm" / "ping.py").write_text("import bot.llm.pong\n")  # a cycle
    (pkg / "llm" / "pong.py").write_text("def f() -> None:\n    import bot.llm.ping\n")
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


def _cycles(graph: grimp.ImportGraph, package: str) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in sorted(graph.find_modules_directly_imported_by(module)):
            if other != package and not other.startswith(package + "."):
                continue
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(m for m in graph.modules if m.startswith(package)):
        if module not in index:
            visit(module)
    return sorted(found)


def test_no_two_modules_import_each_other() -> None:
    """No import cycle between modules of ``bot``, counting imports inside functions too
    (that is how the old ``core.practice`` <-> ``core.debrief`` and ``slack.app`` <->
    ``slack.listeners`` cycles hid); imports under ``TYPE_CHECKING`` never run and are
    left out."""
    graph = grimp.build_graph("bot", exclude_type_checking_imports=True, cache_dir=None)
    cycles = _cycles(graph, "bot")
    chains = [
        " -> ".join(graph.find_shortest_chain(c[0], c[1]) or ()) + " -> ... -> " + c[0]
        for c in cycles
    ]
    assert not cycles, "import cycles:\n" + "\n".join(chains)


def test_the_cycle_finder_finds_a_cycle_through_a_function() -> None:
    graph = grimp.ImportGraph()
    for name in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(name)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.c")
    graph.add_import(importer="pkg.c", imported="pkg.a")  # e.g. from inside a function
    assert _cycles(graph, "pkg") == [["pkg.a", "pkg.b", "pkg.c"]]


HEAVY = (
    "openai",
    "httpx",
    "slack_bolt",
    "slack_sdk",
    "sqlalchemy",
    "matplotlib",
    "tiktoken",
    "aiosqlite",
    "psycopg",
    "aiohttp",
    "presidio_analyzer",
    "spacy",
    "faker",
)
"""What the offline practice must not load: each costs start-up time (openai alone about
two seconds; the tokenizer's ranks 0.3 s and 75 MiB; the scrubber's name lists are loaded
on first use, and the practice scrubs nothing) and none is needed without a model or a server."""

_PROBE = """
import json, os, sys
sys.argv = ["empathy-coach", *json.loads(os.environ["PROBE_ARGS"])]
from bot.cli import main
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code or 0
loaded = sorted({m.split(".")[0] for m in sys.modules} & set(json.loads(os.environ["PROBE_HEAVY"])))
with open(os.environ["PROBE_OUT"], "w") as f:
    json.dump({"code": code, "loaded": loaded}, f)
"""


@pytest.mark.parametrize(
    "args",
    [
        ["practice", "--help"],
        ["practice", "--persona", "asthma-mom", "--backend", "scripted", "--format", "json"],
        ["practice", "--persona", "asthma-mom", "--format", "json"],  # no key: scripted
    ],
    ids=["help", "scripted", "default-without-key"],
)
def test_offline_practice_loads_no_model_client_platform_or_database(
    tmp_path: Path, args: list[str]
) -> None:
    out = tmp_path / "probe.json"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("EC_", "OPENAI_", "AZURE_OPENAI_", "SLACK_"))
    }
    env.update(PROBE_ARGS=json.dumps(args), PROBE_HEAVY=json.dumps(HEAVY), PROBE_OUT=str(out))
    res = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=tmp_path,  # no .env here
        env=env,
        input="How have mornings been lately?\n/end\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    probe = json.loads(out.read_text())
    assert probe["code"] == 0, res.stdout[-1000:] + res.stderr[-2000:]
    if args != ["practice", "--help"]:
        assert '"debrief"' in res.stdout  # the practice really ran
    assert probe["loaded"] == [], f"{' '.join(args)} loaded {probe['loaded']}"
