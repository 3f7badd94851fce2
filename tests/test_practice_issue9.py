"""Issue 9: disclosure earned by listening, trust with memory, no repeats, rewind."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.core.practice import PracticeEngine, close_up_hits, is_threat, reflection_miss
from bot.llm.scripted import ScriptedResponder
from bot.personas import load_all

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import practice_eval  # noqa: E402

PERSONAS = load_all()
SCRIPTS = {s["id"]: s for s in practice_eval.json.loads(practice_eval.SCRIPTS.read_text())}


def _run(script_id: str, persona_id: str) -> list[dict[str, object]]:
    return practice_eval.run_session(PERSONAS[persona_id], SCRIPTS[script_id]["turns"], seed=1)


@pytest.mark.parametrize("persona_id", sorted(PERSONAS))
def test_pacing_per_persona_per_style(persona_id: str) -> None:
    def layers(rows: list[dict[str, object]]) -> int:
        return sum(len(r["disclosed"]) for r in rows)  # type: ignore[arg-type]

    assert layers(_run("skilled-a", persona_id)) >= 3
    assert layers(_run("lecturing-a", persona_id)) == 0
    for gaming in ("gaming-a", "gaming-b", "gaming-c"):
        rows = _run(gaming, persona_id)
        assert layers(rows) <= 1
        assert not any(r["insight"] for r in rows)
    skilled = practice_eval.first_disclosure(_run("skilled-a", persona_id))
    rushed = practice_eval.first_disclosure(_run("rushed-a", persona_id))
    assert skilled is not None
    assert rushed is None or rushed > skilled


def test_reflective_listener_reaches_the_insight_with_most_personas() -> None:
    reached = sum(any(r["insight"] for r in _run("reflective-b", p)) for p in PERSONAS)
    assert reached >= 7


@settings(max_examples=15, derandomize=True, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=100, max_size=100))
def test_hundred_turn_sessions_never_repeat_a_reply(picks: list[int]) -> None:
    lines = [t for s in SCRIPTS.values() for t in s["turns"]]
    persona = PERSONAS["night-shift-mom"]
    engine = PracticeEngine(persona, seed=3)
    responder = ScriptedResponder()
    seen: set[str] = set()
    previous = ""
    for pick in picks:
        plan = engine.plan(practice_eval.fill(lines[pick % len(lines)], persona, previous))
        reply = responder.reply(plan)
        engine.record(plan, reply)
        if len(reply.split()) >= 4:
            assert reply not in seen
            seen.add(reply)
        previous = reply


def test_close_up_trigger_forces_guarded_and_blocks_disclosure() -> None:
    persona = PERSONAS["moving-between-homes"]
    assert close_up_hits(persona, "Can you give me your current address?") == [1]
    engine = PracticeEngine(persona)
    plan = engine.plan("Can you give me your current address?")
    assert plan.mode == "guarded"
    assert plan.close_up is not None
    reply = ScriptedResponder().reply(plan)
    assert "address" not in reply.lower() or "rather not" in reply.lower()
    engine.record(plan, reply)
    plan = engine.plan("How are things going for your family?")
    assert plan.disclose is None


def test_threat_caps_trust_and_is_remembered() -> None:
    assert is_threat("We'll be filing a truancy petition with the court.")
    engine = PracticeEngine(PERSONAS["night-shift-mom"])
    for text in ("We'll be filing a truancy petition with the court.",) * 1:
        engine.record(plan := engine.plan(text), ScriptedResponder().reply(plan))
    assert engine.trust <= 1.5
    assert engine.state.wary_until >= 5


def test_rewind_restores_state_and_keeps_both_attempts() -> None:
    persona = PERSONAS["night-shift-mom"]
    engine = PracticeEngine(persona)
    responder = ScriptedResponder()
    for text in ("How has this year been for your family?", "What are mornings like?"):
        engine.record(plan := engine.plan(text), responder.reply(plan))
    state = engine.state
    engine.record(plan := engine.plan("You need to set an alarm clock."), responder.reply(plan))
    assert engine.trust < state.trust
    taken = engine.rewind(3)
    assert [t.index for t in taken] == [3]
    assert engine.state == state
    engine.record(plan := engine.plan("Tell me about a morning that went well."), "ok")
    assert engine.replaced[0].staff == "You need to set an alarm clock."
    snap = engine.snapshot()
    again = PracticeEngine.restore(persona, snap)
    assert again.state == engine.state
    assert again.replaced == engine.replaced


def test_reflection_naming_something_never_said_is_a_miss() -> None:
    engine = PracticeEngine(PERSONAS["bus-route-grandpa"])
    engine.record(plan := engine.plan("How has this year been?"), "The bus is early.")
    plan = engine.plan("It sounds like those letters really stung.")
    turn = engine.record(plan, ScriptedResponder().reply(plan))
    assert "reflection_miss" in turn.events
    assert turn.coach_note is not None


def test_spanish_function_words_are_not_counted_as_never_said() -> None:
    persona = PERSONAS["orchard-season-mom"]
    said = ["A Daniela le gusta la escuela. Es muy inteligente."]
    # only Spanish function words and feelings: nothing named that was never said
    assert reflection_miss(persona, "Entonces, para usted todo esto pesa mucho.", said) == []
    # a real miss names the unsaid thing, not "para"
    missed = reflection_miss(persona, "Parece que para usted las cartas del juzgado duelen.", said)
    assert "juzgado" in missed and "para" not in missed
