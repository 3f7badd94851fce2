"""A bad setting is named in the error of every server and store command (found by a
newcomer's try-out: ``serve``, ``db`` and ``reminders`` said only "a setting is invalid")."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.cli.main import app


@pytest.mark.parametrize(
    "argv",
    [
        ["serve", "slack", "--http"],
        ["serve", "teams"],
        ["db", "upgrade"],
        ["db", "rotate-keys"],
        ["reminders", "run", "--once"],
    ],
)
@pytest.mark.parametrize(
    ("name", "value"),
    [("EC_REVIEW_MODE", "fast"), ("EC_TURN_CONCURRENCY", "0")],
)
def test_the_invalid_variable_is_named(
    argv: list[str], name: str, value: str, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    from bot.config import get_settings

    monkeypatch.setenv(name, value)
    monkeypatch.setenv("EC_DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, argv)
    finally:
        get_settings.cache_clear()
    out = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exit_code == 2, out
    assert f"{name} is invalid" in " ".join(out.split()), out
    assert repr(value) not in out  # the value itself is never echoed (it may be a secret)
