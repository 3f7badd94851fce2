"""parse_flagging: what `/coach flagging …` words mean on every platform."""

from __future__ import annotations

import pytest

from bot.presenters.coach_screens import flagging_problem
from bot.services.commands import FlaggingChange, FlaggingProblem, parse_flagging


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["on"], FlaggingChange(True)),
        (["OFF"], FlaggingChange(False)),
        (["on", "findings", "2.5"], FlaggingChange(True, 2.5, None)),
        (["on", "Turns", "12", "findings", "3"], FlaggingChange(True, 3.0, 12)),
        (["off", "turns", "40"], FlaggingChange(False, None, 40)),
    ],
)
def test_good_words(words: list[str], expected: FlaggingChange) -> None:
    assert parse_flagging(words) == expected


@pytest.mark.parametrize(
    ("words", "what", "typed"),
    [
        (["maybe"], "state", "maybe"),
        (["on", "speed", "3"], "setting", "speed"),
        (["on", "findings"], "missing", "findings"),
        (["on", "findings", "lots"], "findings", "lots"),
        (["on", "findings", "-1"], "findings", "-1"),
        (["on", "turns", "2.5"], "turns", "2.5"),
        (["on", "turns", "１２"], "turns", "１２"),  # full-width digits are not a number here
    ],
)
def test_bad_words_say_what_is_wrong(words: list[str], what: str, typed: str) -> None:
    problem = parse_flagging(words)
    assert problem == FlaggingProblem(what, typed)  # type: ignore[arg-type]
    sentence = flagging_problem(problem.what, problem.typed)
    assert sentence.endswith("For example: /coach flagging on findings 3 turns 12")
    if typed and what != "state":
        assert typed in sentence
