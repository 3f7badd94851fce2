"""Every shipped persona, with the real rules reviewer and the scripted voice.

One generic, patient interviewer who never read the card must reach the hidden
insight; one lecturing interviewer must not. The scripts are the same for all
personas (only the student's name is filled in), so a card whose layers hinge
on card-specific words, or whose trust thresholds cannot be earned by ordinary
open questions, follow-ups and reflections, fails here. Caregivers who speak
Spanish (``language: es``) must also be reachable in Spanish: a bilingual
family liaison practises with them in Spanish, with the same two kinds of
script written in Spanish.
"""

from __future__ import annotations

import pytest

from bot.core.persona import Persona
from bot.core.practice import LEAD_INS, PracticeEngine
from bot.core.review import review
from bot.llm.scripted import ScriptedResponder
from bot.personas import load_all

PERSONAS: dict[str, Persona] = load_all()

PATIENT_SCRIPT = [
    "Thank you for taking time to talk with me. How are things going for your family?",
    "Tell me about a typical school morning at your house.",
    "Tell me more about that.",
    "It sounds like mornings carry a lot for you.",
    "What's that like for you?",
    "What else?",
    "What does {student} say about school when you talk about it at home?",
    "That sounds really hard. Thank you for telling me.",
    "Tell me more.",
    "What do you hope school could be like for {student} next year?",
    "What do you wish the school knew about your family?",
    "Is there anything else you'd like me to know?",
    "Take your time. What else?",
]

LECTURING_SCRIPT = [
    "Why is it important to come to school every day?",
    "You need to make sure {student} is on the bus.",
    "Have you tried an earlier bedtime?",
    "Don't you think {student} would do better if they came every day?",
    "Actually, missing two days a month adds up to a month a year.",
    "You should set an alarm for the mornings.",
    "Why didn't you call the school when {student} was out?",
    "There's a program that can help with rides.",
    "Don't you agree that school has to come first?",
    "How do you think {student}'s grades will suffer if this keeps up?",
    "You need to understand that this is chronic absenteeism.",
    "Have you thought about asking a neighbor to drive?",
    "Is there anything else?",
    "What else?",
    "Take your time.",
]

SPANISH_PATIENT_SCRIPT = [
    "Gracias por tomarse el tiempo de hablar conmigo. ¿Cómo están las cosas con su familia?",
    "Cuénteme cómo es una mañana típica en su casa.",
    "Cuénteme más de eso.",
    "Parece que las mañanas son mucho para usted.",
    "¿Cómo es eso para usted?",
    "¿Qué más?",
    "¿Qué dice {student} de la escuela cuando platican en casa?",
    "Eso suena muy difícil. Gracias por contármelo.",
    "Cuénteme más.",
    "¿Qué espera usted que sea la escuela para {student} el próximo año?",
    "¿Qué le gustaría que la escuela supiera de su familia?",
    "¿Hay algo más que quiera que yo sepa?",
    "Tómese su tiempo. ¿Qué más?",
]
"""The patient script in Spanish (formal *usted*), generic like the English one."""

SPANISH_LECTURING_SCRIPT = [
    "¿Por qué es importante venir a la escuela todos los días?",
    "Usted tiene que asegurarse de que {student} se suba al autobús.",
    "¿Ha intentado una hora de dormir más temprano?",
    "¿No cree que a {student} le iría mejor si viniera todos los días?",
    "En realidad, faltar dos días al mes suma casi un mes al año.",
    "Debería poner una alarma para las mañanas.",
    "¿Por qué no llamó a la escuela cuando {student} faltó?",
    "Hay un programa que le puede ayudar con el transporte.",
    "¿No le parece que la escuela tiene que ser lo primero?",
    "¿Cómo cree que van a bajar sus calificaciones si sigue faltando?",
    "Tiene que entender que esto es ausentismo crónico.",
    "¿Ha pensado en pedirle a un vecino que la lleve?",
    "¿Hay algo más?",
    "¿Qué más?",
    "Tómese su tiempo.",
]
"""The lecturing script in Spanish: the same advice, judgment, persuasion,
correction, blame and jargon, then the same invitations at the end."""

SPANISH_SPEAKERS = sorted(pid for pid, p in PERSONAS.items() if p.language == "es")


def _run(persona: Persona, script: list[str]) -> PracticeEngine:
    engine = PracticeEngine(persona, seed=0, reviewer=review)
    responder = ScriptedResponder()
    secrets = {layer.id: [layer.text, *layer.says] for layer in persona.layers}
    secrets["insight"] = [persona.hidden_insight.text, *persona.hidden_insight.says]
    for line in script:
        plan = engine.plan(line.format(student=persona.student.name))
        blob = plan.model_dump_json()
        unlocked = set(engine.disclosed_ids) | ({"insight"} if engine.insight_reached else set())
        for key, strings in secrets.items():
            if key not in unlocked:
                assert not any(s in blob for s in strings), (persona.id, key)
        reply = responder.reply(plan)
        if plan.mode == "insight":
            assert reply.startswith(LEAD_INS[persona.language])
        engine.record(plan, reply)
    return engine


def test_personas_are_shipped() -> None:
    assert PERSONAS, "no persona cards found under personas/"


@pytest.mark.parametrize("persona_id", sorted(PERSONAS))
def test_patient_open_interviewer_reaches_the_insight(persona_id: str) -> None:
    persona = PERSONAS[persona_id]
    assert len(PATIENT_SCRIPT) <= 15
    engine = _run(persona, PATIENT_SCRIPT)
    trail = [(t.index, t.mode, t.trust_after, t.disclosed) for t in engine.turns]
    assert engine.disclosed_ids == [layer.id for layer in persona.layers], trail
    assert engine.insight_reached, trail
    debrief = engine.debrief()
    assert debrief.hidden_insight_reached
    assert debrief.layers_reached == debrief.layers_total


@pytest.mark.parametrize("persona_id", sorted(PERSONAS))
def test_lecturing_interviewer_does_not_reach_the_insight(persona_id: str) -> None:
    persona = PERSONAS[persona_id]
    engine = _run(persona, LECTURING_SCRIPT)
    trail = [(t.index, t.mode, t.trust_after, t.disclosed) for t in engine.turns]
    assert not engine.insight_reached, trail
    assert len(engine.disclosed_ids) < len(persona.layers), trail
    assert sum(t.mode == "guarded" for t in engine.turns) >= len(LECTURING_SCRIPT) // 2, trail


def test_a_spanish_speaking_persona_is_shipped() -> None:
    assert "orchard-season-mom" in SPANISH_SPEAKERS


@pytest.mark.parametrize("persona_id", SPANISH_SPEAKERS)
def test_patient_interviewer_reaches_the_insight_in_spanish(persona_id: str) -> None:
    persona = PERSONAS[persona_id]
    assert len(SPANISH_PATIENT_SCRIPT) <= 15
    engine = _run(persona, SPANISH_PATIENT_SCRIPT)
    trail = [(t.index, t.mode, t.trust_after, t.disclosed, t.review.moves) for t in engine.turns]
    assert engine.disclosed_ids == [layer.id for layer in persona.layers], trail
    assert engine.insight_reached, trail
    debrief = engine.debrief()
    assert debrief.hidden_insight_reached
    assert debrief.layers_reached == debrief.layers_total
    assert debrief.open_questions >= 5 and debrief.follow_ups >= 3 and debrief.reflections >= 2
    assert not any(turn.review.findings for turn in engine.turns), trail


@pytest.mark.parametrize("persona_id", SPANISH_SPEAKERS)
def test_lecturing_interviewer_does_not_reach_the_insight_in_spanish(persona_id: str) -> None:
    persona = PERSONAS[persona_id]
    engine = _run(persona, SPANISH_LECTURING_SCRIPT)
    trail = [
        (t.index, t.mode, t.trust_after, t.disclosed, sorted(t.review.kinds)) for t in engine.turns
    ]
    assert not engine.insight_reached, trail
    assert len(engine.disclosed_ids) < len(persona.layers), trail
    guarded = sum(t.mode == "guarded" for t in engine.turns)
    assert guarded >= len(SPANISH_LECTURING_SCRIPT) // 2, trail
    lectures = engine.turns[:12]
    assert all(t.review.findings for t in lectures), trail
    assert all(t.review.reframe for t in lectures), trail
