"""`empathy-coach teams package`: a zip a tenant admin can upload, valid against the
published manifest schema (v1.29, vendored from OfficeDev/microsoft-teams-app-schema)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from typer.testing import CliRunner

from bot.cli.main import app

SCHEMA = Path(__file__).parents[1] / "data" / "teams" / "MicrosoftTeams.schema.json"
BOT_ID = "00000000-1111-4222-8333-444444444444"


def _package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **env: str) -> zipfile.ZipFile:
    from bot.config import get_settings

    for k, v in env.items():
        monkeypatch.setenv(k, v)
    get_settings.cache_clear()
    out = tmp_path / "pkg" / "app.zip"
    result = CliRunner().invoke(app, ["teams", "package", "--output", str(out)])
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    return zipfile.ZipFile(out)


def test_the_package_holds_the_manifest_and_both_icons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    zf = _package(tmp_path, monkeypatch, CLIENT_ID=BOT_ID)
    assert sorted(zf.namelist()) == ["color.png", "manifest.json", "outline.png"]
    manifest = json.loads(zf.read("manifest.json"))
    assert manifest["bots"][0]["botId"] == BOT_ID
    color = Image.open(io.BytesIO(zf.read("color.png")))
    outline = Image.open(io.BytesIO(zf.read("outline.png")))
    assert color.size == (192, 192)
    assert outline.size == (32, 32)
    alpha = outline.convert("RGBA").getchannel("A")
    assert alpha.getextrema()[0] == 0, "the outline icon has a transparent background"
    drawn = [p for p in outline.convert("RGBA").getdata() if p[3]]
    assert drawn and all(p[:3] == (255, 255, 255) for p in drawn), "drawn in white only"


def test_the_manifest_is_valid_against_the_published_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jsonschema = pytest.importorskip("jsonschema")  # not installed in the shared venv yet
    manifest = json.loads(_package(tmp_path, monkeypatch, CLIENT_ID=BOT_ID).read("manifest.json"))
    jsonschema.validate(manifest, json.loads(SCHEMA.read_text()))


def _check(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str) -> list[str]:
    """A small draft-04 subset (ref, type, required, additionalProperties, const, enum,
    pattern, maxLength, maxItems, items) for when jsonschema is not installed."""
    while "$ref" in schema:
        node: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = {**node, **{k: v for k, v in schema.items() if k != "$ref"}}
    errors: list[str] = []
    kind = schema.get("type")
    types = {"object": dict, "array": list, "string": str, "boolean": bool}
    if kind in types and not isinstance(value, types[kind]):
        return [f"{where}: not {kind}"]
    if "const" in schema and value != schema["const"]:
        errors.append(f"{where}: not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} not in enum")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{where}: does not match {schema['pattern']}")
        if len(value) > schema.get("maxLength", 10**9):
            errors.append(f"{where}: too long")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        errors += [f"{where}.{k}: required" for k in schema.get("required", []) if k not in value]
        for k, v in value.items():
            if k in props:
                errors += _check(v, props[k], root, f"{where}.{k}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{where}.{k}: not allowed")
    if isinstance(value, list):
        if len(value) > schema.get("maxItems", 10**9):
            errors.append(f"{where}: too many items")
        if isinstance(schema.get("items"), dict):
            for i, item in enumerate(value):
                errors += _check(item, schema["items"], root, f"{where}[{i}]")
    return errors


def test_the_manifest_keeps_the_schemas_rules_without_jsonschema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = json.loads(SCHEMA.read_text())
    manifest = json.loads(_package(tmp_path, monkeypatch, CLIENT_ID=BOT_ID).read("manifest.json"))
    assert _check(manifest, schema, schema, "manifest") == []
    broken = {**manifest, "manifestVersion": "1.0", "colour": "#fff"}
    broken["bots"] = [{**manifest["bots"][0], "scopes": ["everywhere"]}]
    assert len(_check(broken, schema, schema, "manifest")) >= 3, "the checker can fail"


def test_a_missing_or_malformed_bot_id_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.config import get_settings

    for value in ("", "not-a-guid"):
        monkeypatch.setenv("CLIENT_ID", value)
        get_settings.cache_clear()
        result = CliRunner().invoke(app, ["teams", "package", "--output", str(tmp_path / "x.zip")])
        assert result.exit_code == 1
        assert "CLIENT_ID is not set or is not a GUID" in result.output
        assert not (tmp_path / "x.zip").exists()
    get_settings.cache_clear()
