"""Issue 9, item 3: a reflection naming something the caregiver never said is a miss.

The miss costs a little trust and gets a coach note suggesting a check-back
("Check it back with them: ..."), in English and in Spanish sessions; a
paraphrase that names no fact, or a fact the caregiver did say, is no miss.
Scripted turns, deterministic seeds, through the engine and the terminal.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.core.models import Turn
from bot.core.practice import PracticeEngine, reflection_miss
from bot.llm.scripted import ScriptedResponder
from bot.personas import load_all

PERSONAS = load_all()
OPENING = "Hi, this is Ms. Lee from the school. Is now a good time to talk?"
OPENING_ES = "Hola, habla la señora Lee de la escuela. ¿Es buen momento para hablar?"


def _session(persona_id: str, lines: list[str], seed: int = 1) -> list[Turn]:
    engine = PracticeEngine(PERSONAS[persona_id], seed=seed)
    responder = ScriptedResponder()
    out = []
    for line in lines:
        plan = engine.plan(line)
        out.append(engine.record(plan, responder.reply(plan)))
    return out


def _said(turns: list[Turn], word: str) -> bool:
    return any(word in t.caregiver.lower() for t in turns)


@pytest.mark.parametrize(
    ("persona_id", "reflection", "unsaid"),
    [
        ("bus-route-grandpa", "It sounds like those letters really stung.", "letters"),
        ("bus-route-grandpa", "It sounds like the rent has been a real worry.", "rent"),
        # one echoed word does not cover a fact never said
        ("bus-route-grandpa", "So the mornings start early, and the rent is a worry.", "rent"),
        ("night-shift-mom", "It sounds like the divorce has been hard on everyone.", "divorce"),
    ],
)
def test_an_unsaid_fact_is_a_miss_with_a_check_back_note(
    persona_id: str, reflection: str, unsaid: str
) -> None:
    turns = _session(persona_id, [OPENING, "Tell me about a typical morning.", reflection])
    assert not _said(turns[:2], unsaid)  # the premise: the caregiver never said it
    last = turns[-1]
    assert "reflection_miss" in last.events
    assert last.trust_after < last.trust_before  # a small cost, even with warm words
    assert last.trust_before - last.trust_after <= 1.0
    assert last.coach_note is not None
    assert unsaid in last.coach_note
    assert "Check it back with them:" in last.coach_note
    assert "?" in last.coach_note.split("Check it back with them:")[1]
    assert last.disclosed == [] and not last.insight


def test_a_spanish_reflection_naming_unsaid_letters_gets_a_spanish_check_back() -> None:
    lines = [
        OPENING_ES,
        "Cuénteme cómo es una mañana normal.",
        "Parece que esas cartas le dolieron.",
    ]
    turns = _session("orchard-season-mom", lines)
    assert not _said(turns[:2], "carta")
    last = turns[-1]
    assert "reflection_miss" in last.events
    assert last.trust_after < last.trust_before
    assert last.coach_note is not None and "cartas" in last.coach_note
    check_back = last.coach_note.split("Check it back with them:")[1]
    assert "¿" in check_back  # the words to say are Spanish, for a Spanish session
    assert "esas" not in last.coach_note  # a function word is not a fact


def test_a_fact_the_caregiver_said_is_no_miss() -> None:
    persona = PERSONAS["bus-route-grandpa"]
    said = ["The letters from the school scared Bev half to death."]
    assert reflection_miss(persona, "It sounds like those letters really stung.", said) == []
    assert reflection_miss(persona, "So one letter came, and it really stung.", said) == []


def test_a_fact_the_interviewer_asked_about_is_no_miss_but_a_stated_one_is() -> None:
    persona = PERSONAS["truancy-letters-mom"]
    reply = ["Honestly it's been a lot, I don't even open the mail some days."]
    asked = ["What have the school letters been like for you?"]
    stated = ["We sent three letters home last month."]
    summary = "So the letters are a lot to deal with."
    assert reflection_miss(persona, summary, reply, asked) == []
    assert reflection_miss(persona, summary, reply, stated) == ["letters"]


@pytest.mark.parametrize(
    "paraphrase",
    [
        "You're juggling a lot at once.",
        "That sounds like it's been building for a while.",
        "So some days getting out the door just isn't happening.",
    ],
)
def test_a_paraphrase_naming_no_fact_is_credited_not_a_miss(paraphrase: str) -> None:
    for persona_id in ("bus-route-grandpa", "night-shift-mom", "asthma-mom"):
        turns = _session(persona_id, [OPENING, "Tell me about a typical morning.", paraphrase])
        assert "reflection_miss" not in turns[-1].events, persona_id
        assert turns[-1].coach_note is None
        assert turns[-1].listening >= 1.0, persona_id


def test_the_terminal_shows_the_check_back_note() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "AZURE_", "EC_"))}
    staff = (
        f"{OPENING}\nTell me about a typical morning.\nIt sounds like those letters really stung.\n"
    )
    res = subprocess.run(
        [sys.executable, "-m", "bot", "practice", "-p", "bus-route-grandpa", "--seed", "1"],
        input=staff.encode(),
        capture_output=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    out = res.stdout.decode()
    after = out.split("You: It sounds like those letters really stung.")[1]
    note = next(line for line in after.splitlines() if "Check it back with them:" in line)
    assert note.strip().startswith("coach:") and "letters" in note
    before = out.split("You: It sounds like those letters really stung.")[0]
    assert "Check it back" not in before
