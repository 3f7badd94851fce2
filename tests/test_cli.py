"""The ``empathy-coach`` command line, run as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from unittest.mock import ANY

from contracts import DEBRIEF_FIELDS

from bot.core.models import FINDING_KINDS
from bot.personas import load_all

EXAMPLES = Path(__file__).parent / "data" / "examples"
"""Copies of the shared example question lists, shipped so a fresh clone runs every test."""
CMD = [sys.executable, "-m", "bot"]
ENV = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "AZURE_OPENAI", "EC_"))}


def run(*args: str, stdin: bytes | str = b"", env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run(
        [*CMD, *args], input=data, capture_output=True, timeout=60, env=env or ENV, check=False
    )


def test_review_json_keeps_the_contract_and_order() -> None:
    lines = (
        "Why is it important to come to school every day?\n\n   \n"
        "Tell me about mornings at your house.\n"
    )
    res = run("review", "--format", "json", stdin=lines)
    assert res.returncode == 0, res.stderr
    rows = [json.loads(line) for line in res.stdout.decode().splitlines()]
    assert len(rows) == 2  # blank and whitespace-only lines skipped
    assert rows[0]["text"].startswith("Why is it important")
    assert set(rows[0]) == {"text", "findings", "reframe", "moves"}
    assert any(f["kind"] == "persuasion" for f in rows[0]["findings"])
    assert rows[1]["findings"] == [] and rows[1]["reframe"] is None


def test_review_examples_first_draft_flagged_revision_clean() -> None:
    draft = run("review", str(EXAMPLES / "question-list-first-draft.txt"), "--format", "json")
    revised = run("review", str(EXAMPLES / "question-list-revised.txt"), "--format", "json")
    d_rows = [json.loads(x) for x in draft.stdout.decode().splitlines()]
    r_rows = [json.loads(x) for x in revised.stdout.decode().splitlines()]
    assert len(d_rows) == 10 and len(r_rows) == 9
    assert sum(bool(r["findings"]) for r in d_rows) >= 8
    assert sum(bool(r["findings"]) for r in r_rows) == 0


def test_review_text_format_marks_flags() -> None:
    res = run("review", stdin="Have you tried an earlier bedtime?\nWhat else?\n")
    out = res.stdout.decode().splitlines()
    assert out[0].startswith("FLAG [advice!") and "try:" in out[0]
    assert out[1].startswith("OK")


def test_review_invalid_utf8_is_a_clear_error() -> None:
    res = run("review", stdin=b"Tell me more.\n\xff\xfe bad bytes\n")
    assert res.returncode == 2
    assert b"not valid UTF-8" in res.stderr and b"line 2" in res.stderr


def test_review_missing_file() -> None:
    res = run("review", "/nonexistent/questions.txt")
    assert res.returncode == 2 and b"no such file" in res.stderr


def test_review_huge_paste() -> None:
    text = ("Don't you think he should come every day? " * 600)[:20_000]
    res = run("review", "--format", "json", stdin=text + "\n")
    assert res.returncode == 0
    row = json.loads(res.stdout)
    assert len(row["text"]) == 20_000 and row["findings"]


def test_unknown_persona_lists_known_ids() -> None:
    res = run("practice", "--persona", "nobody-here", stdin="hello\n")
    assert res.returncode == 2
    err = res.stderr.decode()
    for pid in load_all():
        assert pid in err


def test_piped_practice_without_persona_lists_ids() -> None:
    res = run("practice", stdin="hello\n")
    assert res.returncode == 2 and b"night-shift-mom" in res.stderr


def test_practice_json_turns_and_debrief() -> None:
    staff = [
        "Thank you for taking the time to talk with me. How are things going?",
        "Tell me about a typical school morning at your house.",
        "",
        "Have you tried an alarm clock?",
        "Tell me more about that.",
        "/end",
        "this line comes after /end and is ignored",
    ]
    res = run(
        "practice", "--persona", "night-shift-mom", "--format", "json", stdin="\n".join(staff)
    )
    assert res.returncode == 0, res.stderr
    rows = [json.loads(x) for x in res.stdout.decode().splitlines()]
    turns, last = rows[:-1], rows[-1]
    assert [t["turn"] for t in turns] == [1, 2, 3, 4]
    assert all(set(t) >= {"turn", "staff", "caregiver", "review"} for t in turns)
    assert turns[2]["staff"] == "Have you tried an alarm clock?"
    assert any(f["kind"] == "advice" for f in turns[2]["review"]["findings"])
    debrief = last["debrief"]
    for key in DEBRIEF_FIELDS:
        assert key in debrief, key
    assert debrief["turns"] == 4
    assert set(debrief["findings_by_kind"]) == set(FINDING_KINDS)
    assert debrief["findings_by_kind"]["advice"] == 1
    assert debrief["reframes"][0]["asked"] == "Have you tried an alarm clock?"
    assert "try" in debrief["reframes"][0]


def test_practice_same_seed_same_session() -> None:
    staff = "How are things going?\nTell me about mornings.\nWhat else?\n"
    a = run("practice", "-p", "asthma-mom", "--format", "json", "--seed", "3", stdin=staff)
    b = run("practice", "-p", "asthma-mom", "--format", "json", "--seed", "3", stdin=staff)
    assert a.returncode == 0 and a.stdout == b.stdout


def test_practice_text_mode_and_long_message_refused() -> None:
    long = "x" * 3000
    res = run("practice", "-p", "bus-route-grandpa", stdin=f"{long}\nTell me about mornings.\n")
    out, err = res.stdout.decode(), res.stderr.decode()
    assert res.returncode == 0
    assert "3,000 characters" in err
    assert "You: Tell me about mornings." in out and "Debrief" in out
    assert "turns 1 " in out


def test_practice_invalid_utf8_mid_session_keeps_turns() -> None:
    res = run(
        "practice",
        "-p",
        "asthma-mom",
        "--format",
        "json",
        stdin=b"Tell me about mornings.\n\xc3\x28\n",
    )
    assert res.returncode == 2 and b"not valid UTF-8" in res.stderr
    rows = [json.loads(x) for x in res.stdout.decode().splitlines()]
    assert rows[0]["turn"] == 1 and rows[-1]["debrief"]["turns"] == 1


def test_personas_list_and_validate(tmp_path: Path) -> None:
    res = run("personas", "list", "--format", "json")
    ids = [json.loads(x)["id"] for x in res.stdout.decode().splitlines()]
    assert ids == sorted(load_all())
    ok = run("personas", "validate")
    assert ok.returncode == 0 and ok.stdout.decode().count("ok  ") == len(ids)
    bad = tmp_path / "bad-card.yml"
    good = (Path(__file__).parents[1] / "personas" / "asthma-mom.yml").read_text(encoding="utf-8")
    bad.write_text(
        good.replace("id: asthma-mom", "id: bad-card").replace("style: pleasing", "style: shouty"),
        encoding="utf-8",
    )
    res = run("personas", "validate", str(bad))
    assert res.returncode == 2
    line = next(i for i, t in enumerate(bad.read_text().splitlines(), 1) if t.startswith("style:"))
    assert f"bad-card.yml:{line}: style:" in res.stderr.decode()


def test_ctrl_c_in_interactive_session_prints_debrief() -> None:
    import pty
    import select
    import signal
    import time

    pid, fd = pty.fork()
    if pid == 0:  # child: a real terminal on stdin/stdout
        os.execvpe(CMD[0], [*CMD, "practice", "--persona", "asthma-mom"], {**ENV, "COLUMNS": "100"})
    out = b""

    def read_until(token: bytes, count: int = 1, seconds: float = 20) -> bool:
        """Read the terminal until ``token`` was printed ``count`` times; False on timeout."""
        nonlocal out
        end = time.time() + seconds
        while out.count(token) < count and time.time() < end:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    out += os.read(fd, 4096)
                except OSError:
                    break
        return out.count(token) >= count

    assert read_until(b"You:"), out[-500:]
    os.write(fd, b"Tell me about a typical morning at your house.\r")
    # the caregiver answers, then the second prompt shows: the turn is recorded
    assert read_until(b"You:", count=2), out[-500:]
    assert b"Jenna Whitaker:" in out.split(b"You:")[1]  # the reply came before the prompt
    os.kill(pid, signal.SIGINT)
    assert read_until(b"hidden insight"), out[-500:]
    os.waitpid(pid, 0)
    os.close(fd)
    assert b"Debrief" in out and b"turns 1" in out


def test_unreachable_model_at_start_falls_back_when_not_asked_for_by_name() -> None:
    env = {**ENV, "OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}
    res = run("practice", "-p", "asthma-mom", "--format", "json", stdin="Tell me more.\n", env=env)
    assert res.returncode == 0
    err = res.stderr.decode()
    assert "offline partner" in err and "127.0.0.1:9" in err and "OPENAI_BASE_URL" in err
    assert "Traceback" not in err and "sk-test" not in err
    rows = [json.loads(x) for x in res.stdout.decode().splitlines()]
    assert rows[0]["turn"] == 1 and rows[-1]["debrief"]["turns"] == 1
    named = run("practice", "-p", "asthma-mom", "--backend", "openai", stdin="hi\n", env=env)
    assert named.returncode == 1 and b"--backend scripted" in named.stderr


def test_invalid_setting_names_the_variable() -> None:
    res = run("practice", "-p", "asthma-mom", stdin="hi\n", env={**ENV, "EC_REVIEW_MODE": "fast"})
    assert res.returncode == 2
    assert b"EC_REVIEW_MODE is invalid" in res.stderr


def test_practice_commands_are_not_turns() -> None:
    res = run(
        "practice",
        "-p",
        "asthma-mom",
        "--format",
        "json",
        stdin="How are things?\n/help\n/restart\nend\nnot reached\n",
    )
    rows = [json.loads(x) for x in res.stdout.decode().splitlines()]
    assert [r["staff"] for r in rows[:-1]] == ["How are things?"]
    assert rows[-1]["debrief"]["turns"] == 1
    assert b"/restart isn't a command" in res.stderr


def test_review_on_a_folder_and_bad_format() -> None:
    res = run("review", "/tmp")
    assert res.returncode == 2 and b"is a folder" in res.stderr
    assert run("review", "--format", "xml", stdin="hi\n").returncode == 2
    assert run("personas", "list", "--format", "xml").returncode == 2


def test_retry_takes_the_last_turn_back_and_the_debrief_shows_both_attempts() -> None:
    stdin = (
        "Have you tried an earlier bedtime?\n/retry\nTell me about bedtime at your house.\n/end\n"
    )
    res = run("practice", "-p", "asthma-mom", "--format", "json", "--seed", "3", stdin=stdin)
    assert res.returncode == 0, res.stderr
    rows = [json.loads(x) for x in res.stdout.decode().splitlines()]
    # the take-back is a JSON row of its own between the two attempts
    assert rows[1] == {
        "retry": {"turn": 1, "staff": "Have you tried an earlier bedtime?", "reframe": ANY}
    }
    assert rows[1]["retry"]["reframe"]  # advice gets a neutral rewrite
    rows = [r for r in rows if "retry" not in r]
    turns, debrief = rows[:-1], rows[-1]["debrief"]
    # both attempts were answered, and the second one took turn 1's place
    assert [t["turn"] for t in turns] == [1, 1]
    assert turns[1]["staff"].startswith("Tell me about bedtime")
    assert debrief["turns"] == 1 and not debrief["findings_by_kind"].get("advice")
    (retry,) = debrief["retries"]
    assert "earlier bedtime" in json.dumps(retry) and "bedtime at your house" in json.dumps(retry)
    assert "Took back turn 1" in res.stderr.decode()
    assert {"trust", "disclosed", "insight"} <= set(turns[0])


def test_review_of_an_empty_list_says_so() -> None:
    res = run("review", "-", stdin="\n   \n")
    assert res.returncode == 0 and res.stdout == b""
    assert b"No questions found" in res.stderr
