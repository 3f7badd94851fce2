"""Debrief figures on a small, hand-computed session."""

from __future__ import annotations

import json

import pytest
from contracts import DEBRIEF_FIELDS
from practice_kit import OPEN_SCRIPT, make_persona, make_review, stub_review

from bot.core.debrief import (
    Debrief,
    compute_debrief,
    count_words,
    split_sentences,
    whole_sentences,
)
from bot.core.models import FINDING_KINDS
from bot.core.practice import PracticeEngine, Turn, Usage
from bot.llm.scripted import ScriptedResponder
from bot.personas import load_all


def turn(
    index: int,
    staff: str,
    caregiver: str,
    moves=(),  # type: ignore[no-untyped-def]
    kinds=(),
    reframe: str | None = None,
    disclosed: list[str] | None = None,
    insight: bool = False,
    usage: Usage | None = None,
) -> Turn:
    return Turn(
        index=index,
        staff=staff,
        caregiver=caregiver,
        review=make_review(staff, moves, kinds, reframe),
        mode="open",
        trust_after=1.0,
        disclosed=disclosed or [],
        insight=insight,
        usage=usage or Usage(),
    )


SESSION = [
    # staff words / caregiver words
    turn(
        1,
        "How are things going for your family?",  # 7
        "Things are busy.",  # 3
        moves=["open_question"],
        usage=Usage(prompt_tokens=100, completion_tokens=20),
    ),
    turn(
        2,
        "Does she like school?",  # 4
        "Yes.",  # 1
        kinds=["closed"],
        reframe="What does she say about school?",
        usage=Usage(prompt_tokens=120, completion_tokens=5),
    ),
    turn(
        3,
        "It sounds like mornings are a lot.",  # 7
        "They are. I work nights.",  # 5
        moves=["reflection"],
        disclosed=["night-shift"],
    ),
    turn(
        4,
        "You need to get her on the bus.",  # 8
        "Okay.",  # 1
        kinds=["judgment"],
        reframe="Tell me about getting to school.",
    ),
    turn(5, "What else?", "Nothing.", moves=["follow_up"]),  # 2 / 1
]
# staff words 28, caregiver words 11 -> talk_ratio 28/11 = 2.545… -> 2.55
# questions asked: turns 1, 2, 5 (turn 3 is a statement, turn 4 a command) -> 3
# reflections 1 -> reflection_to_question 1/3 -> 0.33


def test_hand_computed_session() -> None:
    d = compute_debrief(make_persona(), SESSION)
    assert d.turns == 5
    assert d.open_questions == 1
    assert d.closed_questions == 1
    assert d.follow_ups == 1
    assert d.reflections == 1
    assert d.reflection_to_question == 0.33
    assert d.talk_ratio == 2.55
    assert d.layers_reached == 1 and d.layers_total == 3
    assert d.hidden_insight_reached is False
    assert d.findings_by_kind == {k: 0 for k in FINDING_KINDS} | {"closed": 1, "judgment": 1}
    assert list(d.findings_by_kind) == list(FINDING_KINDS)
    # Intervention reframe first, then craft.
    assert [(r.asked, r.try_) for r in d.reframes] == [
        ("You need to get her on the bus.", "Tell me about getting to school."),
        ("Does she like school?", "What does she say about school?"),
    ]
    assert d.usage == Usage(prompt_tokens=220, completion_tokens=25)
    assert d.estimated_cost_usd is None


def test_summary_is_about_what_was_learned_and_kind() -> None:
    d = compute_debrief(make_persona(), SESSION)
    assert d.summary.startswith("You heard 1 of 3 layers of Rosa's story.")
    assert "apricot-shift" in d.summary  # what was learned
    assert "asked 1 open question" in d.summary
    low = d.summary.lower()
    for harsh in ("fail", "wrong", "bad", "poor", "should have"):
        assert harsh not in low


def test_summary_when_insight_reached() -> None:
    engine = PracticeEngine(make_persona(), reviewer=stub_review)
    for text in OPEN_SCRIPT:
        plan = engine.plan(text)
        engine.record(plan, ScriptedResponder().reply(plan))
    d = engine.debrief()
    assert d.hidden_insight_reached and d.layers_reached == 3
    assert d.summary.startswith("You heard all 3 layers of Rosa's story")
    assert "narwhal" in d.summary
    assert d.reframes == []


def test_contract_json_fields() -> None:
    d = compute_debrief(make_persona(), SESSION)
    data = json.loads(d.model_dump_json())
    for key in (*DEBRIEF_FIELDS, "usage", "estimated_cost_usd"):
        assert key in data, key
    assert data["reframes"][0] == {
        "asked": "You need to get her on the bus.",
        "try": "Tell me about getting to school.",
    }
    assert Debrief.model_validate(data) == d


def test_at_most_three_reframes_interventions_first() -> None:
    turns = [
        turn(1, "Is it mostly the bus?", "No.", kinds=["leading"], reframe="r1"),
        turn(2, "Why didn't you call?", "I forgot.", kinds=["why_blame"], reframe="r2"),
        turn(3, "Have you tried an alarm?", "Yes.", kinds=["advice"], reframe="r3"),
        turn(4, "Does he like it?", "Yes.", kinds=["closed"], reframe="r4"),
        turn(5, "Actually, it adds up.", "Okay.", kinds=["correction"], reframe="r5"),
        turn(6, "Tell me more.", "Well…", moves=["follow_up"]),
    ]
    d = compute_debrief(make_persona(), turns)
    assert [r.try_ for r in d.reframes] == ["r3", "r5", "r1"]


def test_empty_session() -> None:
    d = compute_debrief(make_persona(), [])
    assert d.turns == 0 and d.talk_ratio == 0.0 and d.reflection_to_question == 0.0
    assert sum(d.findings_by_kind.values()) == 0 and len(d.findings_by_kind) == 9
    assert d.summary


def test_estimated_cost() -> None:
    d = compute_debrief(
        make_persona(), SESSION, usd_per_million_prompt=2.0, usd_per_million_completion=8.0
    )
    assert d.estimated_cost_usd == round((220 * 2.0 + 25 * 8.0) / 1e6, 6)


def test_count_words() -> None:
    assert count_words("It’s fine, isn't it?") == 4
    assert count_words("") == 0


# -- the story from the turn record (issue 9 item 8) -------------------------


def story_turn(
    index: int,
    staff: str,
    before: float,
    after: float,
    *,
    moves=(),  # type: ignore[no-untyped-def]
    kinds=(),
    disclosed: list[str] | None = None,
    insight: bool = False,
    earned_by: str | None = None,
    events: list[str] | None = None,
) -> Turn:
    return Turn(
        index=index,
        staff=staff,
        caregiver="Mm.",
        review=make_review(staff, moves, kinds),
        mode="open",
        trust_before=before,
        trust_after=after,
        disclosed=disclosed or [],
        insight=insight,
        earned_by=earned_by,
        events=events or [],
    )


def test_which_turn_earned_each_layer_and_by_which_move() -> None:
    persona = make_persona()
    turns = [
        story_turn(1, "How are things?", 1, 2, moves=["open_question"]),
        story_turn(
            2,
            "It sounds like nights are long.",
            2,
            3.5,
            moves=["reflection"],
            disclosed=["night-shift"],
            earned_by="reflection",
        ),
        story_turn(3, "Tell me more.", 3.5, 5, moves=["follow_up"]),
        story_turn(
            4,
            "What happened next?",
            5,
            6,
            moves=["follow_up"],
            disclosed=["missed-bus"],
            earned_by="follow_up",
        ),
    ]
    d = compute_debrief(persona, turns)
    assert [(e.layer, e.turn, e.move, e.asked) for e in d.earned] == [
        ("night-shift", 2, "reflection", "It sounds like nights are long."),
        ("missed-bus", 4, "follow_up", "What happened next?"),
    ]
    assert "turn 2 (a reflection)" in d.summary
    assert "turn 4 (a follow-up)" in d.summary
    assert d.trust_falls == []
    assert "closed up" not in d.summary


def test_rushed_interview_names_its_stacked_questions() -> None:
    turns = [
        story_turn(
            i,
            "How are mornings? And does he sleep okay? What about the bus?",
            1.0,
            1.0,
            moves=["open_question"],
            kinds=["stacked", "closed"] if i % 2 else ["stacked"],
        )
        for i in range(1, 8)
    ]
    d = compute_debrief(make_persona(), turns)
    assert d.question_craft == {"stacked": 7, "closed": 4, "leading": 0}
    assert "7 turns with stacked questions" in d.summary
    assert "4 closed yes/no questions" in d.summary
    assert "asked 7 open questions" in d.summary  # the praise comes with the craft named


def test_a_fall_from_nine_to_zero_is_said_plainly() -> None:
    turns = [
        story_turn(1, "Tell me about mornings.", 8, 9, moves=["open_question"]),
        story_turn(
            2,
            "If this goes on we'll file a truancy petition with the court.",
            9,
            0,
            kinds=["judgment"],
            events=["threat", "intervention"],
        ),
        story_turn(3, "What else?", 0, 0, moves=["follow_up"]),
    ]
    d = compute_debrief(make_persona(), turns)
    assert [(f.turn, f.before, f.after) for f in d.trust_falls] == [(2, 9, 0)]
    assert any("threat" in r for r in d.trust_falls[0].reasons)
    assert "judgment" in d.trust_falls[0].reasons
    assert "a little" not in d.summary
    assert "from 9 to nothing" in d.summary
    assert "turn 2" in d.summary


def test_a_small_dip_is_a_little() -> None:
    turns = [
        story_turn(1, "Tell me about mornings.", 4, 6, moves=["open_question"]),
        story_turn(2, "Is it mostly the bus?", 6, 5.6, kinds=["leading"]),
        story_turn(3, "What else?", 5.6, 6.5, moves=["follow_up"]),
    ]
    d = compute_debrief(make_persona(), turns)
    assert "closed up a little at turn 2" in d.summary
    assert "a leading question" in d.summary
    assert d.question_craft["leading"] == 1


def test_both_attempts_of_a_rewound_turn_side_by_side() -> None:
    engine = PracticeEngine(make_persona(), reviewer=stub_review, seed=0)
    responder = ScriptedResponder()
    for text in ["How are things going for your family?", "You need to get him on the bus."]:
        plan = engine.plan(text)
        engine.record(plan, responder.reply(plan))
    first_reply = engine.turns[1].caregiver
    engine.rewind(2)
    plan = engine.plan("Tell me about mornings at your house.")
    engine.record(plan, responder.reply(plan))
    d = engine.debrief()
    assert len(d.retries) == 1
    retry = d.retries[0]
    assert retry.turn == 2
    assert retry.first_asked == "You need to get him on the bus."
    assert retry.first_reply == first_reply
    assert retry.first_findings == ["judgment"]
    assert retry.then_asked == "Tell me about mornings at your house."
    assert retry.then_findings == []
    assert "You tried turn 2 again" in d.summary
    assert "'You need to get him on the bus.'" in d.summary


def test_new_fields_have_defaults_for_old_debriefs() -> None:
    data = json.loads(compute_debrief(make_persona(), SESSION).model_dump_json())
    for key in ("question_craft", "earned", "trust_falls", "retries"):
        data.pop(key)
    old = Debrief.model_validate(data)
    assert old.earned == [] and old.trust_falls == [] and old.retries == []


_TERMINAL = (".", "!", "?", "…", ".'", '."', "?'", "!'", ".)", ".’", ".”")


def test_summary_quotes_every_cards_layers_in_whole_sentences() -> None:
    for persona in load_all().values():
        layers = persona.layers
        turns = [
            story_turn(
                i + 1,
                "Tell me more.",
                1.0 + i,
                2.0 + i,
                moves=["follow_up"],
                disclosed=[layer.id],
                earned_by="follow_up",
            )
            for i, layer in enumerate(layers[:-1])
        ]
        d = compute_debrief(persona, turns)
        for earned, layer in zip(d.earned, layers, strict=False):
            text = " ".join(layer.text.split())
            assert text.startswith(earned.learned), (persona.id, earned.learned)
            assert earned.learned.endswith(_TERMINAL), (persona.id, earned.learned)
            rest = text[len(earned.learned) :]
            assert rest == "" or rest.startswith(" "), (persona.id, earned.learned)
            assert earned.learned in d.summary
        # the whole insight, never cut
        all_turns = [
            *turns,
            story_turn(
                len(turns) + 1,
                "What else?",
                9,
                9,
                moves=["follow_up"],
                disclosed=[layers[-1].id],
                earned_by="follow_up",
            ),
            story_turn(len(turns) + 2, "Take your time.", 9, 9, insight=True, earned_by="pause"),
        ]
        d = compute_debrief(persona, all_turns)
        assert " ".join(persona.hidden_insight.text.split()) in d.summary, persona.id
        assert "…" not in d.summary.replace(persona.hidden_insight.text, ""), persona.id


def test_whole_sentences_keeps_abbreviations_and_never_cuts() -> None:
    text = (
        "Denise works nights (11 p.m. to 7 a.m.) at Linden Court. Dr. Shah saw Marcus in May. "
        "He was fine."
    )
    assert split_sentences(text) == [
        "Denise works nights (11 p.m. to 7 a.m.) at Linden Court.",
        "Dr. Shah saw Marcus in May.",
        "He was fine.",
    ]
    long_first = "word " * 80 + "end."
    assert whole_sentences(long_first + " Next one.", max_chars=50) == " ".join(long_first.split())
    assert whole_sentences(text, max_chars=90) == (
        "Denise works nights (11 p.m. to 7 a.m.) at Linden Court. Dr. Shah saw Marcus in May."
    )


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=9)
_sentence = st.builds(
    lambda first, rest, end: " ".join([first.capitalize(), *rest]) + end,
    _word,
    st.lists(_word, max_size=12),
    st.sampled_from([".", "!", "?"]),
)


@settings(derandomize=True, max_examples=150, deadline=None)
@given(st.lists(_sentence, min_size=1, max_size=6), st.integers(min_value=1, max_value=200))
def test_whole_sentences_is_a_run_of_whole_sentences(sentences: list[str], limit: int) -> None:
    text = " ".join(sentences)
    out = whole_sentences(text, max_chars=limit)
    kept = out.count(".") + out.count("!") + out.count("?")
    assert out == " ".join(sentences[:kept])
    assert kept >= 1
    assert kept == 1 or len(out) <= limit


def test_a_stock_phrase_repeated_is_named_not_just_praised() -> None:
    turns = [story_turn(1, "How are things?", 1, 2, moves=["open_question"])] + [
        story_turn(
            i,
            "Tell me more.",
            2,
            2,
            moves=["follow_up"],
            events=["repeat"] if i > 2 else [],
        )
        for i in range(2, 8)
    ]
    d = compute_debrief(make_persona(), turns)
    assert "the same words more than once" in d.summary
    assert "'Tell me more.', 6 times" in d.summary


def test_a_small_dip_at_low_trust_is_not_called_nothing() -> None:
    turns = [
        story_turn(1, "Hello there.", 1, 1),
        story_turn(2, "Is it mostly the bus?", 1.0, 0.6, kinds=["leading"]),
        story_turn(3, "Tell me about mornings.", 0.6, 1.6, moves=["open_question"]),
    ]
    d = compute_debrief(make_persona(), turns)
    assert "nothing" not in d.summary
    assert "closed up a little at turn 2" in d.summary


def test_what_you_learned_credits_only_what_the_caregiver_said() -> None:
    """A layer's later sentences are credited only when the replies carry them (the
    newcomer's try-out: the debrief credited facts never said in the conversation)."""
    persona = next(
        p for p in load_all().values() if any(len(split_sentences(x.text)) >= 3 for x in p.layers)
    )
    layer = next(x for x in persona.layers if len(split_sentences(x.text)) >= 3)
    first, second, third = split_sentences(layer.text)[:3]

    def learned(*replies: str) -> str:
        turns = [
            story_turn(1, "What are mornings like?", 1.0, 2.0, disclosed=[layer.id]),
            *(story_turn(2 + i, "Tell me more.", 2.0, 2.5) for i in range(len(replies) - 1)),
        ]
        turns = [t.model_copy(update={"caregiver": r}) for t, r in zip(turns, replies, strict=True)]
        (earned,) = [e for e in compute_debrief(persona, turns).earned if e.layer == layer.id]
        return earned.learned

    assert learned(first) == first  # only the gist was said
    assert learned("Well.", "Hm.") == first  # paraphrased out of recognition: the gist alone
    assert learned(first, third) == f"{first} {third}"  # the third came out a turn later
    assert second not in learned(first, third)
    assert learned(layer.text) == whole_sentences(layer.text)  # all of it said: all of it
