"""The practice engine: trust, disclosure, modes, leaks, summary, snapshots."""

from __future__ import annotations

import pytest
from practice_kit import OPEN_SCRIPT, locked_strings, make_persona, make_review, stub_review

from bot.core.models import Review
from bot.core.practice import (
    LEAD_INS,
    SUMMARY_MAX_CHARS,
    PracticeEngine,
    PracticeSession,
    ReplyPlan,
    is_invitation,
    trust_delta,
)
from bot.llm.scripted import ScriptedResponder


def engine_for(opening_trust: float = 1.0, **kw: object) -> PracticeEngine:
    return PracticeEngine(make_persona(opening_trust=opening_trust), reviewer=stub_review, **kw)  # type: ignore[arg-type]


def take(engine: PracticeEngine, text: str, review: Review | None = None) -> ReplyPlan:
    plan = engine.plan(text, review)
    engine.record(plan, ScriptedResponder().reply(plan))
    return plan


# -- trust ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("moves", "kinds", "delta"),
    [
        (["open_question"], [], 1.0),
        (["follow_up"], [], 1.5),
        (["reflection"], [], 1.5),
        (["affirmation"], [], 1.0),
        (["reflection", "affirmation"], [], 2.5),
        (["open_question", "follow_up", "reflection", "affirmation"], [], 2.5),  # capped
        ([], ["advice"], -2.5),
        ([], ["advice", "judgment"], -5.0),
        ([], ["advice", "judgment", "persuasion"], -5.0),  # capped
        ([], ["leading"], -0.5),
        ([], ["closed"], -0.25),
        ([], ["closed", "stacked", "jargon"], -1.25),
        (["reflection"], ["advice"], -1.0),
        ([], [], 0.0),
    ],
)
def test_trust_delta_rules(moves: list, kinds: list, delta: float) -> None:
    assert trust_delta(make_review("x", moves, kinds)) == pytest.approx(delta)


def test_trust_starts_at_opening_and_moves_per_turn() -> None:
    engine = engine_for(3.0)
    assert engine.trust == 3.0
    take(engine, "x", make_review("x", ["open_question"]))
    assert engine.trust == 4.0
    take(engine, "y", make_review("y", ["follow_up", "reflection"]))
    assert engine.trust == 6.5
    take(engine, "z", make_review("z", [], ["judgment"]))
    assert engine.trust == 4.0
    take(engine, "w", make_review("w", [], ["closed"]))
    assert engine.trust == 3.75
    assert [t.trust_after for t in engine.turns] == [4.0, 6.5, 4.0, 3.75]


def test_trust_clamped_to_scale() -> None:
    engine = engine_for(1.0)
    take(engine, "You need to get him here.", make_review("a", [], ["judgment", "advice"]))
    assert engine.trust == 0.0
    high = engine_for(9.5)
    take(high, "b", make_review("b", ["follow_up", "reflection"]))
    assert high.trust == 10.0


# -- disclosure -----------------------------------------------------------


def test_open_script_discloses_in_order_then_insight() -> None:
    engine = engine_for()
    plans = [take(engine, text) for text in OPEN_SCRIPT]
    assert [p.trust for p in plans] == [2.0, 3.0, 4.5, 6.0, 7.5]
    assert [p.mode for p in plans] == ["open", "disclose", "disclose", "disclose", "insight"]
    assert [t.disclosed for t in engine.turns] == [
        [],
        ["night-shift"],
        ["missed-bus"],
        ["baby-care"],
        [],
    ]
    assert engine.disclosed_ids == ["night-shift", "missed-bus", "baby-care"]
    assert engine.insight_reached
    assert engine.turns[-1].insight
    assert plans[-1].lead_in == LEAD_INS["en"]
    assert engine.turns[-1].caregiver.startswith("…actually, there's something else.")


def test_no_layer_disclosed_without_trust() -> None:
    engine = engine_for(0.0)
    plan = take(engine, "Tell me about your mornings and your work.")
    assert plan.trust == 1.0 and plan.disclose is None and plan.mode == "open"
    plan = take(engine, "Tell me about the mornings when work runs late.")
    assert plan.trust == 2.0 and plan.disclose is not None
    assert plan.disclose.id == "night-shift"


def test_layers_only_in_card_order() -> None:
    # High trust and a transport question: the bus layer is not next, and the
    # next one (night-shift) is not touched by a topical open question.
    engine = engine_for(9.0)
    plan = take(engine, "How does Leo get to school, does he ride the bus?")
    assert plan.disclose is None
    plan = take(engine, "Tell me about the bus.")
    assert plan.disclose is None
    plan = take(engine, "Tell me more.")
    assert plan.disclose is not None and plan.disclose.id == "night-shift"
    plan = take(engine, "Tell me about the bus.")
    assert plan.disclose is not None and plan.disclose.id == "missed-bus"


def test_broad_open_question_touches_next_layer() -> None:
    engine = engine_for(5.0)
    plan = take(engine, "How are things going?")
    assert plan.topics == []
    assert plan.disclose is not None and plan.disclose.id == "night-shift"


def test_only_one_disclosure_per_turn() -> None:
    engine = engine_for(10.0)
    for i, text in enumerate(["Tell me more."] * 4, start=1):
        plan = take(engine, text)
        assert len(engine.disclosed_ids) == min(i, 3)
        assert (plan.mode == "insight") == (i == 4)


def test_insight_needs_all_layers_and_a_follow_up() -> None:
    engine = engine_for(10.0)
    for _ in range(3):
        plan = take(engine, "Tell me more.")
        assert plan.mode == "disclose"
    # All layers out, trust 10, but a topical open question is not an invitation.
    plan = take(engine, "What do you hope next year looks like?")
    assert plan.mode == "open" and not engine.insight_reached
    plan = take(engine, "Take your time.")  # pause-like, no move from the stub
    assert plan.mode == "insight"
    assert plan.insight is not None
    # Only once.
    plan = take(engine, "What else?")
    assert plan.mode == "open"


def test_insight_not_before_trust() -> None:
    persona = make_persona(opening_trust=4.5)
    engine = PracticeEngine(persona, reviewer=stub_review)
    # Reach every layer with exactly-enough trust, then stall below 7.
    take(engine, "Tell me about mornings.", make_review("m", ["open_question"]))  # 5.5
    take(engine, "a", make_review("a", [], ["leading"]))  # 5.0, touches? no
    assert engine.disclosed_ids == ["night-shift"]
    take(engine, "b", make_review("b", ["reflection"]))  # 6.5 -> missed-bus
    take(engine, "c", make_review("c", [], ["leading", "leading"]))  # 5.5
    take(engine, "d", make_review("d", ["reflection"], ["leading", "jargon"]))  # 6.0 -> baby
    assert engine.disclosed_ids == ["night-shift", "missed-bus", "baby-care"]
    assert engine.trust == 6.0
    plan = take(engine, "Is there anything else?", make_review("e", [], ["closed"]))  # 5.75
    assert plan.mode == "brief" and not engine.insight_reached
    plan = take(engine, "What else?", make_review("f", ["follow_up"]))  # 7.25
    assert plan.mode == "insight"


def test_intervention_makes_guarded_and_blocks_disclosure() -> None:
    engine = engine_for(10.0)
    plan = engine.plan("You need to get him on the bus. Tell me more.")
    assert plan.review.has_intervention and "follow_up" in plan.review.moves
    assert plan.mode == "guarded" and plan.disclose is None
    assert plan.trust == 9.0
    engine.record(plan, "Okay.")
    # Pause invitation with an intervention: no insight either.
    for _ in range(3):
        take(engine, "Tell me more.")
    plan = take(engine, "Actually, what else? Missing days adds up.")
    assert plan.mode == "guarded" and not engine.insight_reached
    assert engine.turns[-1].mode == "guarded"


def test_guarded_only_for_that_turn() -> None:
    engine = engine_for(8.0)
    assert take(engine, "Have you tried an alarm?").mode == "guarded"
    assert take(engine, "How are things going?").mode == "disclose"


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


def test_allowed_layers_are_earlier_disclosures() -> None:
    engine = engine_for()
    plans = [take(engine, text) for text in OPEN_SCRIPT]
    assert [[x.id for x in p.allowed_layers] for p in plans] == [
        [],
        [],
        ["night-shift"],
        ["night-shift", "missed-bus"],
        ["night-shift", "missed-bus", "baby-care"],
    ]
    assert plans[0].insight is None and plans[3].insight is None
    assert plans[4].insight is not None


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


def test_record_rejects_a_stale_plan_and_replanning_cancels() -> None:
    engine = engine_for(10.0)
    first = engine.plan("Tell me more.")
    assert engine.disclosed_ids == ["night-shift"]
    second = engine.plan("How are things?")  # abandons the first plan
    assert second.turn_index == 1 and engine.disclosed_ids == ["night-shift"]
    with pytest.raises(ValueError):
        engine.record(first, "x")
    engine.record(second, "y")
    with pytest.raises(ValueError):
        engine.record(second, "again")


def test_cancel_restores_state() -> None:
    engine = engine_for(10.0)
    engine.plan("Tell me more.")
    assert engine.trust == 10.0 and engine.disclosed_ids == ["night-shift"]
    engine.cancel()
    assert engine.disclosed_ids == [] and engine.turns == []
    engine_low = engine_for(1.0)
    engine_low.plan("What else?")
    assert engine_low.trust == 2.5
    engine_low.cancel()
    assert engine_low.trust == 1.0


def test_recent_window_and_summary() -> None:
    engine = engine_for(recent_turns=2)
    plans = [take(engine, text) for text in OPEN_SCRIPT]
    assert [len(p.recent) for p in plans] == [0, 1, 2, 2, 2]
    assert plans[2].summary == ""
    assert plans[3].summary.startswith("Earlier (turn 1):")
    assert "family" in plans[3].summary
    # After 5 turns, turns 1-3 are summarized: two layers were shared then.
    summary = engine.summary
    assert summary.startswith("Earlier (turns 1-3):")
    assert "apricot-shift" in summary and "walrus-route" in summary
    assert "quokka" not in summary
    assert len(summary) <= SUMMARY_MAX_CHARS
    assert plans[4].earlier_replies == [t.caregiver for t in engine.turns[:4]]


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


def test_engine_debrief_counts_layers() -> None:
    engine = engine_for()
    for text in OPEN_SCRIPT:
        take(engine, text)
    debrief = engine.debrief()
    assert debrief.layers_reached == 3 and debrief.layers_total == 3
    assert debrief.hidden_insight_reached
