"""The practice engine: trust, disclosure, modes, leaks, summary, snapshots."""

from __future__ import annotations

import pytest
from practice_kit import (
    LISTENING_TAIL,
    OPEN_SCRIPT,
    locked_strings,
    make_persona,
    make_review,
    stub_review,
)

from bot.core.models import Review
from bot.core.practice import (
    SUMMARY_MAX_CHARS,
    PracticeEngine,
    PracticeSession,
    ReplyPlan,
    is_invitation,
)
from bot.llm.scripted import ScriptedResponder


def engine_for(opening_trust: float = 1.0, **kw: object) -> PracticeEngine:
    return PracticeEngine(make_persona(opening_trust=opening_trust), reviewer=stub_review, **kw)  # type: ignore[arg-type]


def take(engine: PracticeEngine, text: str, review: Review | None = None) -> ReplyPlan:
    plan = engine.plan(text, review)
    engine.record(plan, ScriptedResponder().reply(plan))
    return plan


# -- trust ----------------------------------------------------------------


# -- disclosure -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "review", "mode"),
    [
        ("Does he like school?", make_review("x", [], ["closed"]), "brief"),
        ("It sounds like a lot.", make_review("x", ["reflection"]), "acknowledge"),
        ("Thank you for sharing that.", make_review("x", ["affirmation"]), "acknowledge"),
        ("It sounds hard. What's that like?", make_review("x", ["reflection"]), "open"),
        ("Hm, okay.", make_review("x"), "open"),
    ],
)
def test_modes_without_disclosure(text: str, review: Review, mode: str) -> None:
    engine = engine_for(0.0)  # no layer can open
    assert engine.plan(text, review).mode == mode


def test_is_invitation() -> None:
    for text in [
        "Is there anything else?",
        "What else?",
        "Take your time.",
        "Tell me more.",
        "…",
        "...",
        "Mm-hmm.",
        "Is there anything else you’d like me to know?",
    ]:
        assert is_invitation(text), text
    for text in ["How are mornings?", "You need to come.", "Does he like school?"]:
        assert not is_invitation(text), text


def test_is_invitation_in_spanish() -> None:
    for text in [
        "¿Algo más?",
        "¿Hay algo más que quiera contarme?",
        "¿Qué más?",
        "que mas",
        "Tómese su tiempo.",
        "Tómate tu tiempo.",
        "No hay prisa.",
        "Cuénteme más.",
        "Platíqueme más.",
        "Ajá.",
    ]:
        assert is_invitation(text), text
    for text in ["¿Qué es lo que más le preocupa?", "Usted tiene que venir.", "¿Le gusta?"]:
        assert not is_invitation(text), text


# -- what a plan may hold -------------------------------------------------


MIXED_SCRIPT = [
    "Hello! Thank you for taking time to talk with me.",
    "Why is it important to come to school every day?",
    *OPEN_SCRIPT,
    "You need to make sure he's on the bus.",
    *LISTENING_TAIL,
    "Tell me more.",
    "What do you hope next year looks like?",
    "It sounds like that's a lot.",
    "Is there anything else you'd like me to know?",
]


def test_no_locked_text_in_any_plan() -> None:
    persona = make_persona()
    secrets = locked_strings(persona)
    engine = PracticeEngine(persona, reviewer=stub_review)
    for text in MIXED_SCRIPT:
        plan = engine.plan(text)
        blob = plan.model_dump_json()
        unlocked = set(engine.disclosed_ids) | ({"insight"} if engine.insight_reached else set())
        for key, strings in secrets.items():
            for s in strings:
                assert (s in blob) == (key in unlocked), (text, key, s)
        assert "zebra-reason" not in blob  # absence_reason is redacted
        assert ReplyPlan.model_validate_json(blob).mode == plan.mode  # still a valid plan
        engine.record(plan, ScriptedResponder().reply(plan))
    assert engine.insight_reached


# -- turn bookkeeping -----------------------------------------------------


def test_record_builds_turn() -> None:
    engine = engine_for()
    plan = engine.plan("Tell me about mornings at your house.")
    turn = engine.record(plan, "Mornings are a rush.", note="n")
    assert turn.index == 1 and turn.staff == plan.staff_text and turn.note == "n"
    assert turn.topics == ["mornings", "home"]
    assert turn.review == plan.review and turn.usage.prompt_tokens == 0
    other = make_review("Tell me about mornings at your house.", ["open_question"], ["jargon"])
    plan2 = engine.plan("What else?")
    turn2 = engine.record(plan2, "x", review=other)
    assert turn2.review == other and turn2.index == 2


def test_summary_is_short_for_long_sessions() -> None:
    engine = engine_for(recent_turns=1)
    for i in range(40):
        take(engine, MIXED_SCRIPT[i % len(MIXED_SCRIPT)])
    assert 0 < len(engine.summary) <= SUMMARY_MAX_CHARS
    assert "closed up" in engine.summary


def test_negative_recent_turns_rejected() -> None:
    with pytest.raises(ValueError):
        engine_for(recent_turns=-1)


# -- snapshot / restore ---------------------------------------------------


def test_snapshot_restore_round_trip_continues_identically() -> None:
    persona = make_persona()
    script = [*MIXED_SCRIPT, "What else?", "How are things going?", "Tell me more."]
    responder = ScriptedResponder()

    straight = PracticeEngine(persona, seed=11, reviewer=stub_review, recent_turns=3)
    for text in script:
        plan = straight.plan(text)
        straight.record(plan, responder.reply(plan))

    first = PracticeEngine(persona, seed=11, reviewer=stub_review, recent_turns=3)
    for text in script[:5]:
        plan = first.plan(text)
        first.record(plan, responder.reply(plan))
    blob = first.snapshot().model_dump_json()
    resumed = PracticeEngine.restore(
        persona, PracticeSession.model_validate_json(blob), reviewer=stub_review
    )
    assert resumed.turns == first.turns and resumed.trust == first.trust
    for text in script[5:]:
        plan = resumed.plan(text)
        resumed.record(plan, ScriptedResponder().reply(plan))

    assert resumed.turns == straight.turns
    assert resumed.trust == straight.trust
    assert resumed.disclosed_ids == straight.disclosed_ids
    assert resumed.insight_reached == straight.insight_reached
    assert resumed.summary == straight.summary
    assert resumed.debrief() == straight.debrief()


def test_snapshot_excludes_pending_plan() -> None:
    engine = engine_for(10.0)
    engine.plan("Tell me more.")
    snap = engine.snapshot()
    assert snap.disclosed_ids == [] and snap.trust == 10.0 and snap.turns == []


def test_restore_rejects_other_persona() -> None:
    engine = engine_for()
    snap = engine.snapshot()
    with pytest.raises(ValueError):
        PracticeEngine.restore(make_persona(id="someone-else"), snap)
    bad = snap.model_copy(update={"disclosed_ids": ["nope"]})
    with pytest.raises(ValueError):
        PracticeEngine.restore(make_persona(), bad)
