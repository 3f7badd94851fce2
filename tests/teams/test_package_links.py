"""`teams package`: the developer, privacy and terms links are the district's (settings),
refused when unset unless ``--allow-placeholder-links``; the personal command list has
the words the bot accepts for logging and listing interviews (typed through the real
endpoint)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fake_connector import FakeConnector, FakeIdentity
from teams_kit import TeamsServer, chat_of
from test_package import _validator
from typer.testing import CliRunner

from bot.cli.main import app

BOT_ID = "00000000-1111-4222-8333-444444444444"
LINKS = {
    "EC_TEAMS_WEBSITE_URL": "https://district.org/coach",
    "EC_TEAMS_PRIVACY_URL": "https://district.org/privacy",
    "EC_TEAMS_TERMS_URL": "https://district.org/terms-of-use",
}


def _run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], *flags: str
) -> tuple[int, str, Path]:
    from bot.config import get_settings

    monkeypatch.setenv("CLIENT_ID", BOT_ID)
    for name in LINKS:
        monkeypatch.delenv(name, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    get_settings.cache_clear()
    out = tmp_path / "app.zip"
    try:
        result = CliRunner().invoke(app, ["teams", "package", "--output", str(out), *flags])
    finally:
        get_settings.cache_clear()
    return result.exit_code, result.output, out


def _manifest(out: Path) -> dict[str, Any]:
    return dict(json.loads(zipfile.ZipFile(out).read("manifest.json")))


@pytest.mark.parametrize("unset", [list(LINKS), ["EC_TEAMS_PRIVACY_URL"], ["EC_TEAMS_TERMS_URL"]])
def test_unset_links_are_refused_in_one_line_naming_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unset: list[str]
) -> None:
    env = {k: v for k, v in LINKS.items() if k not in unset}
    code, output, out = _run(tmp_path, monkeypatch, env)
    assert code == 1 and not out.exists()
    [line] = [x for x in output.splitlines() if x.strip()]
    assert line.startswith("error: the package needs your district's pages")
    for name in LINKS:
        assert (name in line) == (name in unset), name
    assert "--allow-placeholder-links" in line


def test_the_links_come_from_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, output, out = _run(tmp_path, monkeypatch, LINKS)
    assert code == 0, output
    manifest = _manifest(out)
    assert manifest["developer"] == {
        "name": "Empathy Coach",
        "websiteUrl": "https://district.org/coach",
        "privacyUrl": "https://district.org/privacy",
        "termsOfUseUrl": "https://district.org/terms-of-use",
    }
    assert [e.message for e in _validator().iter_errors(manifest)] == []


def test_a_link_that_is_not_https_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {**LINKS, "EC_TEAMS_PRIVACY_URL": "http://district.org/privacy"}
    code, output, out = _run(tmp_path, monkeypatch, env)
    assert code == 1 and not out.exists()
    assert "the privacy page must be an https:// address" in output


def test_placeholder_links_only_when_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, output, out = _run(tmp_path, monkeypatch, {}, "--allow-placeholder-links")
    assert code == 0, output
    developer = _manifest(out)["developer"]
    assert developer["websiteUrl"] == "https://github.com/empathy-coach/empathy-coach"
    assert developer["privacyUrl"].endswith("#privacy")


def test_the_command_list_has_log_and_interviews_within_the_manifest_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, output, out = _run(tmp_path, monkeypatch, LINKS)
    assert code == 0, output
    [listed] = _manifest(out)["bots"][0]["commandLists"]
    titles = [c["title"] for c in listed["commands"]]
    assert {"log", "interviews"} <= set(titles)
    # the manifest schema's limits: 10 commands a list, title 32, description 128 characters
    assert len(titles) <= 10
    assert all(len(c["title"]) <= 32 and len(c["description"]) <= 128 for c in listed["commands"])


@pytest.mark.integration
def test_the_listed_interview_commands_are_words_the_bot_accepts(
    tmp_path: Path,
    identity: FakeIdentity,
    connector: FakeConnector,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, output, out = _run(tmp_path, monkeypatch, LINKS)
    assert code == 0, output
    [listed] = _manifest(out)["bots"][0]["commandLists"]
    titles = {c["title"] for c in listed["commands"]}
    with TeamsServer(str(tmp_path / "ec.db"), identity, connector) as server:
        server.say(next(t for t in titles if t == "log"))
        [form] = server.wait_messages(1, chat_of(1))
        assert form.cards and "Log a real interview" in form.card_text, form.card_text
        server.say(next(t for t in titles if t == "interviews"))
        got = server.wait_messages(2, chat_of(1))
        assert len(got) == 2
        assert "To rehearse an empathy interview" not in got[1].text, "not the pointer"


def test_the_placeholder_links_point_at_real_readme_sections() -> None:
    """issue 12: the placeholder terms link pointed at README#terms, which did not exist."""
    import re

    from bot.teams.package import PLACEHOLDER_WEBSITE, build_manifest

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    anchors, in_code = set(), False
    for line in readme.splitlines():
        in_code ^= line.startswith("```")
        if not in_code and re.match(r"#{1,6} ", line):  # GitHub's heading anchor
            title = line.lstrip("#").strip().lower()
            anchors.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    manifest = build_manifest(BOT_ID, domain="coach.district.org")
    links = [manifest["developer"]["privacyUrl"], manifest["developer"]["termsOfUseUrl"]]
    for link in links:
        page, _, anchor = link.partition("#")
        assert page == PLACEHOLDER_WEBSITE and anchor, link
        assert anchor in anchors, (anchor, sorted(anchors))
