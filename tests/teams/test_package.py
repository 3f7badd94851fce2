"""`empathy-coach teams package`: a zip a tenant admin can upload, valid against the
published manifest schema (v1.29, vendored from OfficeDev/microsoft-teams-app-schema)."""

from __future__ import annotations

import io
import json
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
    argv = ["teams", "package", "--output", str(out), "--allow-placeholder-links"]
    result = CliRunner().invoke(app, argv)
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
    assert manifest["bots"][0]["scopes"] == ["personal", "team"], "1:1 chats and teams"
    titles = [c["title"] for c in manifest["bots"][0]["commandLists"][0]["commands"]]
    assert {"coach", "progress"} <= set(titles)
    color = Image.open(io.BytesIO(zf.read("color.png")))
    outline = Image.open(io.BytesIO(zf.read("outline.png")))
    assert color.size == (192, 192)
    assert outline.size == (32, 32)
    alpha = outline.convert("RGBA").getchannel("A")
    assert alpha.getextrema()[0] == 0, "the outline icon has a transparent background"
    drawn = [p for p in outline.convert("RGBA").getdata() if p[3]]
    assert drawn and all(p[:3] == (255, 255, 255) for p in drawn), "drawn in white only"


def _validator() -> Any:
    """A Draft-4 validator on the vendored schema. The schema's one ``\\p{L}`` pattern (a
    localized name) is not Python ``re`` syntax, so patterns are matched with ``regex``."""
    import jsonschema
    import regex

    schema = json.loads(SCHEMA.read_text())

    def pattern(validator: Any, rx: str, instance: Any, _schema: Any) -> Any:
        if isinstance(instance, str) and not regex.search(rx, instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {rx!r}")

    cls = jsonschema.validators.extend(jsonschema.Draft4Validator, {"pattern": pattern})
    return cls(schema)


def test_the_manifest_is_valid_against_the_published_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = json.loads(_package(tmp_path, monkeypatch, CLIENT_ID=BOT_ID).read("manifest.json"))
    validator = _validator()
    assert [e.message for e in validator.iter_errors(manifest)] == []
    broken = {k: v for k, v in manifest.items() if k != "id"} | {"colour": "#fff"}
    broken["bots"] = [{**manifest["bots"][0], "scopes": ["everywhere"]}]
    errors = sorted(e.message for e in validator.iter_errors(broken))
    assert errors == [
        "'everywhere' is not one of ['team', 'personal', 'groupChat', 'copilot']",
        "'id' is a required property",
        "Additional properties are not allowed ('colour' was unexpected)",
    ]


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


BOT = "00000000-0000-4000-8000-000000000001"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--version", "banana"], "MAJOR.MINOR.PATCH"),
        (["--version", "1.0"], "MAJOR.MINOR.PATCH"),
        (["--domain", "not a host"], "the bot's host name"),
        (["--domain", "localhost"], "the bot's host name"),
        (["--website", "http://district.org/app"], "https:// address"),
    ],
)
def test_options_teams_would_refuse_are_refused_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: list[str], expected: str
) -> None:
    """Found by a newcomer's try-out: ``--version banana`` and a URL as the domain were
    written into a manifest the Teams admin center rejects."""
    from bot.config import get_settings

    monkeypatch.setenv("CLIENT_ID", BOT)
    get_settings.cache_clear()
    out = tmp_path / "x.zip"
    result = CliRunner().invoke(app, ["teams", "package", "--output", str(out), *options])
    get_settings.cache_clear()
    assert result.exit_code == 1 and expected in result.output, result.output
    assert not out.exists()


def test_a_url_as_the_domain_gives_its_host_and_the_website_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.config import get_settings

    monkeypatch.setenv("CLIENT_ID", BOT)
    get_settings.cache_clear()
    out = tmp_path / "x.zip"
    argv = ["teams", "package", "--output", str(out), "--version", "2.3.4"]
    argv += ["--domain", "https://Coach.District.org/api/messages"]
    argv += ["--website", "https://district.org/coach", "--allow-placeholder-links"]
    result = CliRunner().invoke(app, argv)
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    manifest = json.loads(zipfile.ZipFile(out).read("manifest.json"))
    assert manifest["validDomains"] == ["coach.district.org"]
    assert manifest["version"] == "2.3.4"
    assert manifest["developer"]["websiteUrl"].startswith("https://district.org/coach")
