"""Reflections round 2 (issue 14): families of reflection phrasing, clean and judgmental.

Every line was written for this test, not copied from any evaluation set. Each family is
one way staff tell a caregiver back what they heard (a stem such as "It sounds like" or
"Parece que", no stem at all, two sides of one feeling), in English and Spanish, and then
the same shapes carrying a judgment or an insult. Each case goes through the real
reviewer (rules and the shipped learned layer), as the practice engine calls it.
"""

from __future__ import annotations

import pytest

from bot.core.models import INTERVENTION_KINDS
from bot.core.review import review
from bot.core.review.reviewer import review_rules_only

INTER = set(INTERVENTION_KINDS)

CLEAN: dict[str, list[str]] = {
    "it sounds like / sounds like": [
        "It sounds like the new shift has turned your mornings upside down.",
        "Sounds like the walk past the construction site scares him.",
        "sounds like the week got away from you",
    ],
    "it seems": [
        "It seems like the bus driver is the one person she trusts.",
        "It seems the move was harder on him than anyone expected.",
    ],
    "you're feeling / you feel": [
        "You're feeling worn down by all the calls from school.",
        "You feel like nobody at the front office listens.",
        "You feel stuck between your boss and the school.",
    ],
    "so you're saying / what I'm hearing / I'm hearing": [
        "So you're saying the nurse sends her home before you can get there.",
        "What I'm hearing is that the tutoring helped until it stopped.",
        "I'm hearing a lot of love for your grandson in what you say.",
    ],
    "if I understand": [
        "If I understand you, the car seat is the reason the little one can't ride along.",
        "If I understand right, he sleeps at his aunt's place on Thursdays.",
    ],
    "you've been": [
        "You've been handling the pickups by yourself since March.",
        "You've been trying to keep this from his little sister.",
    ],
    "that / it / you must be": [
        "That must be a lot to keep track of.",
        "It must be hard to hear that from his teacher.",
        "You must be worried sick when she doesn't answer her phone.",
    ],
    "no stem": [
        "You've been carrying a lot.",
        "You haven't had a day off in weeks.",
        "He gets a stomach ache every Sunday night.",
        "She lights up when she talks about art class.",
        "Your oldest is the one who gets everybody out the door.",
        "Since the layoff, every bill feels like an emergency.",
        "The new medicine makes him groggy in the mornings.",
        "You'd rather hear about problems early than get a letter.",
        "You're not sure the counselor is the right person for this.",
    ],
    "double-sided": [
        "Part of you wants her back in class, and part of you wants to protect her.",
        "On one hand the school feels safe, and on the other the hallway is where it happens.",
        "You want him to be independent, and you also worry every time he walks alone.",
        "On one side there's the paycheck, and on the other there's being there at breakfast.",
    ],
    "it makes sense": [
        "It makes sense that you'd want to see the classroom before she goes back.",
    ],
    "check at the end": [
        "The van stopped coming after the route changed, is that right?",
        "So the hard part is Monday, did I get that right?",
    ],
    "as if / it feels / for you / so he": [
        "It's kind of as if every call from school is bad news.",
        "It feels unfair that the bus skips your street.",
        "For you, the hardest part is not knowing who to call.",
        "So he comes home and goes straight to his room.",
        "Hearing about it secondhand has you second-guessing everything.",
    ],
    "parece que": [
        "Parece que el cambio de escuela le pegó más de lo que pensaba.",
        "parece que las noches son las más difíciles en su casa",
    ],
    "suena a": [
        "Suena a que la tos no lo deja dormir.",
        "Me suena a que usted ya intentó de todo con el despertador.",
    ],
    "lo que escucho": [
        "Lo que escucho es que nadie le avisó del cambio de horario.",
        "Lo que le escucho es mucho cariño por su nieta.",
    ],
    "se siente / usted siente": [
        "Se siente sola con todo esto desde que su esposo se fue.",
        "Usted siente que en la escuela no la toman en cuenta.",
    ],
    "debe ser / debe estar": [
        "Debe ser muy pesado trabajar de noche y levantarlos temprano.",
        "Debe estar agotada después de tantas semanas así.",
    ],
    "sin entrada": [
        "Le preocupa que el niño se quede atrás por las citas.",
        "Tiene miedo de que la regañen en la oficina.",
        "Su hijo extraña a sus amigos de la otra escuela.",
        "Quiere que alguien de la escuela le hable con calma.",
        "Desde que cambió de turno, las mañanas son un caos.",
    ],
    "exclamación y me imagino": [
        "Qué angustia no saber dónde estaba.",
        "Me imagino que no ha sido fácil cambiar de casa tres veces.",
        "Te has sentido sola con todo esto.",
    ],
    "dos lados": [
        "Por un lado quiere que vaya, y por otro le da miedo el camino.",
    ],
}

JUDGMENTAL: dict[str, list[str]] = {
    "insult after a stem": [
        "It sounds like you're a pretty careless mom.",
        "Sounds like you just don't care what happens to him.",
        "It seems like you've given up on her.",
        "What I'm hearing is that you can't be bothered to get up.",
    ],
    "mind-reading": [
        "So you're saying school just isn't a priority for you.",
        "I'm hearing that you think the school should raise your kids.",
        "You feel like the attendance rules don't apply to you.",
    ],
    "reflection taken back after but": [
        "You're exhausted, I get it, but he still has to be here at eight.",
        "I can see you're stressed, but stress isn't going to get her to class.",
        "Working two jobs is a lot, but plenty of families manage it.",
    ],
    "praise as pressure": [
        "You seem like a great dad, so I'm sure you'll get him here on time from now on.",
    ],
    "sarcasm": [
        "So he just stays in bed until noon? Perfect.",
        "Funny how she's only sick on Mondays.",
    ],
    "hindsight blame": [
        "Sounds like you could have just called us.",
        "You've had all semester to deal with this.",
    ],
    "parece que / suena a, juicio": [
        "Parece que a usted no le importa si reprueba.",
        "Suena a que usted ya se dio por vencida.",
        "Parece que para usted el trabajo vale más que la escuela.",
    ],
    "lo que escucho, juicio": [
        "Lo que escucho son puros pretextos.",
        "Lo que escucho es que en su casa el niño hace lo que quiere.",
    ],
    "elogio como presión": [
        "Usted es muy responsable, así que seguro el lunes me lo trae a tiempo.",
    ],
}

CLEAN_CASES = [(f, t) for f, ts in CLEAN.items() for t in ts]
JUDGMENTAL_CASES = [(f, t) for f, ts in JUDGMENTAL.items() for t in ts]


@pytest.mark.parametrize(("family", "text"), CLEAN_CASES)
def test_clean_reflection_is_never_flagged(family: str, text: str) -> None:
    got = review(text)
    assert not (got.kinds & INTER), (family, text, [(f.kind, f.evidence) for f in got.findings])


def test_clean_reflections_are_recognised_as_reflections() -> None:
    """At least 90% of the clean lines earn the ``reflection`` move (issue 14's target)."""
    missed = [t for _f, t in CLEAN_CASES if "reflection" not in review(t).moves]
    assert len(missed) <= 0.1 * len(CLEAN_CASES), missed


@pytest.mark.parametrize("family", list(CLEAN))
def test_every_family_is_recognised(family: str) -> None:
    """No family of phrasing is missed as a whole: most of its lines are credited."""
    lines = CLEAN[family]
    credited = sum("reflection" in review(t).moves for t in lines)
    assert credited * 2 > len(lines), (family, credited, len(lines))


@pytest.mark.parametrize(("family", "text"), JUDGMENTAL_CASES)
def test_judgment_inside_a_reflection_shape_is_flagged(family: str, text: str) -> None:
    got = review(text)
    assert got.kinds & INTER, (family, text, got.moves)
    assert "reflection" not in got.moves, (family, text)


@pytest.mark.parametrize(("family", "text"), JUDGMENTAL_CASES)
def test_judgments_are_the_rules_own(family: str, text: str) -> None:
    """The rules alone flag them: a judgment is not left to the learned layer's guess."""
    assert review_rules_only(text).kinds & INTER, (family, text)


@pytest.mark.parametrize(
    "text",
    [
        "You need to get him here by eight.",
        "You have to start setting an alarm.",
        "She needs to be in class every day.",
        "Tiene que traerla todos los días.",
        "You're going to need a doctor's note next time.",
        "You're right, I should have called you sooner.",
        "She's been absent six Mondays in a row, which is a pattern.",
        "Está bien, no hay prisa.",
        "Buenos días, le llamo de la secundaria Lincoln.",
        "La escuela no puede cambiar el horario del camión.",
    ],
)
def test_a_directive_or_aside_without_a_stem_is_no_reflection(text: str) -> None:
    """The stemless shape is a statement about the family: never a directive, the staff
    member's own aside, attendance data or what the school can or cannot do."""
    assert "reflection" not in review(text).moves, text
