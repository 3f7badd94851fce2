"""The long path (issue 9): a patient, kind yes/no interviewer still hears something.

Nine turns of kind yes/no interest (:data:`bot.core.practice.LONG_WINDOW`) may
open a layer from a talkative caregiver, never before the ninth turn and never
from a reserved one (DOMAIN.md: closed questions shut the story down; a kind
yes/no interviewer hears something, later than a skilled one).
"""

from __future__ import annotations

import pytest

from bot.core.practice import LONG_WINDOW, PracticeEngine
from bot.llm.scripted import ScriptedResponder
from bot.personas import load_all

PERSONAS = load_all()
LINES = [
    "Hi {c}, it's Mr. Ortiz from the front office. I like seeing {s} every morning. "
    "Is it alright if I ask you a few quick questions?",
    "Is {s} doing alright?",
    "Does {s} enjoy art class?",
    "Is there a class {s} doesn't like?",
    "Does {s} seem worried about going to school?",
    "Does {s} get headaches in the mornings?",
    "Is {s} sleeping through the night?",
    "Does {s} eat breakfast before school?",
    "Have you been able to get {s} to school most days?",
    "Is it harder on Mondays?",
    "Was school hard for you growing up?",
    "Do you feel like the school listens to you?",
]


def _first(persona_id: str) -> int | None:
    persona = PERSONAS[persona_id]
    engine = PracticeEngine(persona, seed=1)
    responder = ScriptedResponder()
    for index, line in enumerate(LINES, 1):
        text = line.replace("{c}", persona.name.split()[0]).replace("{s}", persona.student.name)
        turn = engine.record(plan := engine.plan(text), responder.reply(plan))
        if turn.disclosed:
            return index
    return None


def test_a_long_kind_yes_no_interview_opens_a_layer_from_talkative_caregivers_late() -> None:
    talkative = sorted(p for p, c in PERSONAS.items() if c.style in ("verbose", "pleasing"))
    firsts = {p: _first(p) for p in talkative}
    heard = [f for f in firsts.values() if f is not None]
    assert len(heard) >= len(talkative) // 2, firsts
    assert all(f >= LONG_WINDOW for f in heard), firsts


@pytest.mark.parametrize(
    "persona_id", sorted(p for p, c in PERSONAS.items() if c.style == "reserved")
)
def test_a_long_kind_yes_no_interview_opens_nothing_from_a_reserved_caregiver_early(
    persona_id: str,
) -> None:
    first = _first(persona_id)
    assert first is None or first >= LONG_WINDOW
