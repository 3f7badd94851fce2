"""Reflection families of round 4 (issue 14): judgments inside a reflection shape are
flagged (blame, "just", "should", sarcasm, minimising, advice told as a reflection,
"so you're saying you let…", Spanish "parece que usted no…"), clean reflections that
rules used to misfire on are left alone, and the reflection judge keeps the finding
contract.

Lines written for these tests in new wording, in several voices (not copied from any
evaluation set, and not in the judge's training lines,
``tests/data/reflection_judge_lines.jsonl``).
"""

from __future__ import annotations

import pytest

from bot.core.review.learned import judge, judge_probability
from bot.core.review.reviewer import review

_MISS = pytest.mark.xfail(strict=True, reason="known miss: no rule names it, judge below its bar")

JUDGMENTS: list[object] = [
    # "so you're saying you let…" / enabling
    "so basically u let him decide if he goes",
    "So you're saying you allow him to stay home whenever it rains.",
    "You've been letting her sleep through first period all semester.",
    # "just" / "should"
    "sounds like ur just not waking up on time tbh",
    "It sounds like you just need to be firmer with her.",
    "It sounds like you should be stricter about bedtime.",
    "You're worn out, but you should really be calling us when she's out.",
    # blame / verdict
    "It sounds like you're using the baby as a reason to keep her home.",
    "It seems like you just don't think school is that important.",
    "Sounds like you're being a little too relaxed about the rules.",
    "You've been making excuses for him since the fall.",
    "So the real problem is that nobody gets up with him.",
    # sarcasm
    "Wow, so the printer ate the permission slip, basically.",
    "Sure, the bus forgot him. Right.",
    "You're telling me she overslept, again.",
    # minimising
    "So it's really just a little stage fright.",
    "It's only a fifteen-minute walk, honestly.",
    # argue back
    "You feel singled out, but we send that letter to every family.",
    "You're worried about the shots, but honestly he's twelve and can handle it.",
    pytest.param(
        "You feel like we're picking on you, but your son's the one missing.", marks=_MISS
    ),
    # advice told as a reflection
    "It sounds like you could just drop her off earlier.",
    "What I'm hearing is that a sticker chart might help.",
    "Sounds like an earlier bedtime would fix most of it.",
    # Spanish
    "Parece que usted no le da importancia a la escuela.",
    "Parece que usted no le pone reglas a su hijo.",
    "Entonces usted deja que falte cuando quiere.",
    "O sea que es pura flojera.",
    "Si le entiendo bien, usted está buscando pretextos.",
    "Parece que a su hijo le falta disciplina.",
    "Entonces es solo un dolorcito de panza.",
    "Usted está cansada, pero de todos modos tiene que mandarla.",
    pytest.param("Parece que usted no está haciendo su parte.", marks=_MISS),
]

REFLECTIONS = [
    # the rules used to call these judgment, advice or correction
    "You're torn between keeping the job and being home when she wakes up.",
    "You're scared of losing your job if you leave early again.",
    "Your job at the warehouse starts at five.",
    "Routine helps her, and since the move there hasn't been any.",
    "She has to take two buses, and it wears her out.",
    "Your son has to take care of his little sister after school.",
    "Part of you thinks he's old enough to get himself up, and part of you isn't sure.",
    "Being looked at like you don't care hurts.",
    "It hurts to watch him fall behind when you can't help with the math.",
    "It's just been you and the kids since March.",
    "You just want somebody to call you back.",
    "So you're saying you let her stay with her grandma on Tuesdays because of your shift.",
    "You're right, the bus was late again.",
    "You're not looking for a way out; you want something that lasts.",
    # Spanish
    "Ella tiene que cuidar a sus hermanitos cuando usted trabaja.",
    "Por un lado quiere que vaya, y por otro le da miedo que se enferme.",
    "Parece que usted no ha podido dormir bien.",
    "Parece que usted no sabía a quién llamar.",
    "Usted ya notó que algo cambió desde que se mudaron.",
]


@pytest.mark.parametrize("text", JUDGMENTS)
def test_a_judgment_in_a_reflection_shape_is_flagged(text: str) -> None:
    assert review(text).has_intervention, text


@pytest.mark.parametrize("text", REFLECTIONS)
def test_a_clean_reflection_is_not_flagged(text: str) -> None:
    rv = review(text)
    assert not rv.has_intervention, [f.evidence for f in rv.findings]


def test_the_judge_finding_keeps_the_contract() -> None:
    jm = judge()
    assert jm is not None
    rv = review("It sounds like you're using the baby as a reason to keep her home.")
    learned = [f for f in rv.findings if f.source == "learned"]
    assert learned, rv.findings
    f = learned[0]
    assert f.kind == "judgment" and f.is_intervention
    assert rv.text[f.span[0] : f.span[1]] == f.evidence and f.evidence
    assert float(jm.thresholds[0]) <= f.confidence <= 1.0
    # a clean reflection scores below the bar
    assert judge_probability(jm, "you feel like you've tried everything.") < jm.thresholds[0]


@pytest.mark.parametrize(
    "text", ["Is it mostly the bus?", "Tiene amigos en su salón?", "What helps on good days?"]
)
def test_the_judge_leaves_questions_to_the_question_shapes(text: str) -> None:
    assert not any(f.source == "learned" and f.kind == "judgment" for f in review(text).findings)


def test_the_judge_is_off_without_the_learned_layer() -> None:
    text = "It sounds like you're using the baby as a reason to keep her home."
    assert not any(f.source == "learned" for f in review(text, learned=False).findings)
