"""Reflections are credited and never flagged; judgments dressed as reflections are flagged.

Families of phrasing written for this test (issue 14, "Targets"), not copied from
``tests/data/corpus/reflections.jsonl``: English and Spanish, with and without accents
and ``¿``, chat-style and with typos. Each case goes through the real reviewer.
"""

from __future__ import annotations

import pytest

from bot.core.models import INTERVENTION_KINDS
from bot.core.review import review

INTER = set(INTERVENTION_KINDS)

REFLECTIONS = [
    # feelings named
    "You must be exhausted.",
    "you must be so worn out by friday",
    "You're frustrated with how the school handled it.",
    "You felt ignored at that meeting.",
    "You sound really torn about this.",
    "u r stretched thin right now",
    # "That sounds…" / "It sounds…"
    "That sounds exhausting.",
    "It sounds like the mornings are the hardest part.",
    "Sounds like the bus schedule changed everything.",
    # "So you're saying…" / check-back summaries
    "So you're saying the late bus is the only one that stops near you.",
    "If I understood you right, he stays up worrying about the next day.",
    "Let me see if I have this: the van comes at six and you start work at six.",
    "Correct me if I'm wrong, but the trouble started after the move.",
    # "I'm hearing…"
    "I'm hearing how much you want her to feel safe there.",
    "What I'm hearing is that nobody told you about the schedule change.",
    "I get the sense this has been building for a while.",
    # double-sided
    "On one hand you want him at school, and on the other you don't want to push him.",
    "Part of you wants to keep her home where she's safe.",
    # "It's been a lot"
    "It's been a lot this year.",
    "It's been one thing after another since the fire.",
    # experience statements
    "Watching her dread Monday mornings has been really hard.",
    "Not knowing who to call has left you on your own with it.",
    "Having to work nights and get him up at seven is wearing on you.",
    "You've had a rough few months.",
    "You're raising three kids on your own.",
    "You really miss having your mom close by.",
    "You'd like the school to call before things get this far.",
    "No wonder you're tired.",
    # Spanish
    "Parece que las mañanas son lo más difícil.",
    "Parece que las mananas son lo mas dificil.",
    "Suena a que el cambio de horario lo complicó todo.",
    "Lo que escucho es que usted quiere que la escuela la llame más.",
    "lo que escucho es que nadie le explico el cambio",
    "Debe estar muy cansada.",
    "Usted se siente sola con todo esto.",
    "usted esta muy preocupada por el",
    "Le duele ver que él ya no quiere ir.",
    "Por un lado quiere que vaya, y por otro no quiere obligarlo.",
    "Me da la impresión de que ha sido un año muy pesado.",
    "Si le entiendo bien, el autobús ya no pasa por su calle.",
    "Desde que cerraron la fábrica, todo ha cambiado en la casa.",
    "Con razón está tan cansada.",
    "A usted le gustaría que los maestros la conocieran más.",
]

JUDGMENTS = [
    "It sounds like you're a terrible planner.",
    "Sounds like you're letting a ten-year-old run the household.",
    "So you just don't care if she graduates.",
    "You must not realize how much this hurts her future.",
    "It sounds like you're kind of lazy about mornings.",
    "So what I'm hearing is you don't really bother with bedtimes.",
    "I get the sense nobody at home is really in charge.",
    "It seems like you put your own sleep ahead of his schooling.",
    "Sounds like a headache is all it takes to keep him home.",
    "So you'd rather she stay home than deal with the fuss.",
    "It sounds like you're making excuses for him.",
    "sounds like ur not taking school seriously",
    "What I'm hearing is that it's your own fault he's behind.",
    "Parece que usted es una mala madre.",
    "parece que usted es una mala madre",
    "Suena como que usted no valora la escuela.",
    "O sea que usted prefiere que falte.",
    "Me imagino que en su casa nadie pone reglas.",
    "Según usted, nada es culpa suya.",
    "Parece que usted la consiente demasiado.",
]


@pytest.mark.parametrize("text", REFLECTIONS)
def test_reflection_is_credited_and_not_flagged(text: str) -> None:
    got = review(text)
    assert "reflection" in got.moves or "affirmation" in got.moves, got
    assert not (got.kinds & INTER), got


def test_reflections_mostly_credited_as_reflection() -> None:
    """At least 90% of the families get ``reflection`` itself (the issue's target)."""
    credited = sum("reflection" in review(t).moves for t in REFLECTIONS)
    assert credited / len(REFLECTIONS) >= 0.9, credited


@pytest.mark.parametrize("text", JUDGMENTS)
def test_judgment_inside_reflection_is_flagged(text: str) -> None:
    got = review(text)
    assert "judgment" in got.kinds, got
    assert "reflection" not in got.moves, got
