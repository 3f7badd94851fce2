"""The rules reviewer: each rule's own examples, the contract, and messy input."""

from __future__ import annotations

import json

import pytest
from contracts import FINDING_FIELDS

from bot.core.models import FINDING_KINDS, SEVERITY_OF, Review
from bot.core.review.reviewer import review_rules_only as review  # the rules layer alone
from bot.core.review.rules import RULES

RULE_EXAMPLES = [(r.name, r.kind, ex) for r in RULES for ex in r.examples]
RULE_COUNTER = [(r.name, r.kind, ex) for r in RULES for ex in r.counter_examples]


def test_rule_names_unique_and_every_kind_has_a_rule() -> None:
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))
    kinds_with_rules = {r.kind for r in RULES}
    # closed and stacked are sentence-level checks in the reviewer, not pattern rules
    assert kinds_with_rules | {"closed", "stacked"} == set(FINDING_KINDS)
    for rule in RULES:
        assert rule.examples, f"{rule.name} has no examples"
        assert rule.why.endswith("."), rule.name


@pytest.mark.parametrize(("name", "kind", "text"), RULE_EXAMPLES)
def test_rule_catches_its_examples(name: str, kind: str, text: str) -> None:
    assert kind in review(text).kinds, f"rule {name} should flag {text!r} as {kind}"


@pytest.mark.parametrize(("name", "kind", "text"), RULE_COUNTER)
def test_rule_leaves_its_counter_examples(name: str, kind: str, text: str) -> None:
    assert kind not in review(text).kinds, f"rule {name} should not flag {text!r} as {kind}"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Does she like her teacher?", "closed"),
        ("Is he sleeping OK?", "closed"),
        ("How are mornings? And does he take the bus?", "stacked"),
        ("What's a typical morning like, and what's the hardest part of it?", "stacked"),
        ("how is she sleeping, how is she eating", "stacked"),
    ],
)
def test_sentence_level_craft_checks(text: str, kind: str) -> None:
    assert kind in review(text).kinds


@pytest.mark.parametrize(
    "text",
    [
        "Tell me about a typical morning at your house.",
        "What should I know about your family?",
        "Is there anything else you'd like me to know?",
        "Did I get that right?",
        "Could you tell me more about that?",
        "It sounds like mornings are a real scramble.",
        "Thank you for sharing that, I can hear how much you care.",
        "Tell me about mornings and what they're like.",
        "When he's had a good week, what was different?",
    ],
)
def test_clean_utterances_have_no_findings(text: str) -> None:
    r = review(text)
    assert r.findings == [], [f.model_dump() for f in r.findings]
    assert r.reframe is None


def test_issue_examples() -> None:
    flagged = review("Why do you think it's important to come to school every day?")
    assert "persuasion" in flagged.kinds and flagged.has_intervention
    assert flagged.reframe and flagged.reframe != flagged.text
    clean_one = review("Tell me about a typical morning at your house.")
    assert clean_one.findings == [] and "open_question" in clean_one.moves


def test_spans_index_the_original_text_and_evidence_matches() -> None:
    texts = [
        "dont you think he should be here every day",
        "Have you tried an alarm clock?",
        "Hi there. This guide might help. Don’t you agree?",
        "You NEED to get him here. & Why didn’t you call?",
    ]
    for text in texts:
        r = review(text)
        assert r.findings, text
        for f in r.findings:
            start, end = f.span
            assert 0 <= start < end <= len(text)
            assert text[start:end] == f.evidence
            assert f.severity == SEVERITY_OF[f.kind]
            assert f.source == "rules"


def test_curly_quotes_missing_apostrophes_and_caps() -> None:
    for text in (
        "Don’t you think she’d do better here?",
        "dont you think shed do better here",
        "DON'T YOU THINK SHE'D DO BETTER HERE?",
    ):
        assert "persuasion" in review(text).kinds, text


def test_question_without_question_mark() -> None:
    assert "closed" in review("does he like his teacher").kinds
    assert "why_blame" in review("why didnt you call the school").kinds


def test_several_sentences_in_one_turn() -> None:
    r = review("I hear you. Have you tried setting an alarm?")
    assert "advice" in r.kinds
    advice = next(f for f in r.findings if f.kind == "advice")
    assert advice.span[0] >= len("I hear you. ")


def test_reframe_follows_the_topic_not_one_canned_sentence() -> None:
    reframes = {
        review(t).reframe
        for t in (
            "Have you thought about getting him an alarm clock?",
            "Is it a transportation problem?",
            "Does he like his teacher?",
            "How do you think his reading will suffer if he keeps missing class?",
        )
    }
    assert None not in reframes
    assert len(reframes) == 4
    for reframe in reframes:
        assert reframe is not None
        assert not review(reframe).has_intervention, reframe


def test_reframes_of_the_first_draft_are_clean() -> None:
    from pathlib import Path

    draft = Path(__file__).parent / "data" / "examples" / "question-list-first-draft.txt"
    for line in draft.read_text(encoding="utf-8").splitlines():
        r = review(line)
        if r.reframe:
            assert not review(r.reframe).findings, (line, r.reframe)


def test_jargon_only_reframe_swaps_in_plain_words() -> None:
    r = review("How has the truancy letter affected your family?")
    assert r.kinds == {"jargon"}
    assert r.reframe is not None and "truancy" not in r.reframe.lower()


def test_moves() -> None:
    assert review("Tell me more about that.").moves == ["open_question", "follow_up"]
    assert "reflection" in review("It sounds like mornings are really hard.").moves
    assert "affirmation" in review("Thank you for telling me that.").moves
    assert review("Have you tried an alarm?").moves == []


def test_long_paste_and_empty_text() -> None:
    long = ("Tell me about your mornings. " * 700)[:20_000]
    r = review(long)
    assert r.text == long
    assert "stacked" not in r.kinds
    assert review("").findings == [] and review("   ").reframe is None
    huge = "Have you tried an alarm? " * 2000
    assert "advice" in review(huge).kinds


def test_contract_json_has_exactly_the_design_fields() -> None:
    r = review("Why didn't you call the school?")
    data = json.loads(r.model_dump_json())
    assert set(data) == {"text", "findings", "reframe", "moves"}
    assert set(data["findings"][0]) == FINDING_FIELDS
    assert isinstance(data["findings"][0]["span"], list)
    assert Review.model_validate(data) == r


@pytest.mark.parametrize(
    "text",
    [
        "What's it like when you have to keep her home?",
        "What does the school need to understand about your family?",
        "What do you feel you have to juggle in the mornings?",
        "Hi Ms. Pike, I'm calling from Caleb's school. Is this a good time?",
        "I get up at 6 a.m. and he is still asleep.",
    ],
)
def test_caring_questions_found_by_a_new_user_stay_clean(text: str) -> None:
    assert not review(text).findings, review(text).kinds


@pytest.mark.parametrize(
    "text",
    [
        "If he keeps missing, we'll have to send a truancy referral.",
        "Honestly, that's not a good enough reason to miss school.",
        "Missing school isn't an option.",
        "School is the law, so we'll need to see him here.",
        "I'm worried you're not taking this seriously.",
        "The district requires 90% attendance.",
        "Well, lots of kids have asthma and still come to school.",
    ],
)
def test_threats_and_plain_judgments_found_by_a_new_user_are_flagged(text: str) -> None:
    r = review(text)
    assert r.has_intervention, r.kinds
    assert r.reframe and "truancy" not in r.reframe.lower() and "law" not in r.reframe.lower()


def test_titles_and_greetings_do_not_hide_a_closed_question() -> None:
    assert "closed" in review("Hi Mr. Hennessey, does Savannah like her teachers?").kinds
    r = review("Mrs. Jones, is he sick a lot?")
    assert "closed" in r.kinds and "stacked" not in r.kinds
    assert "Ms's" not in (review("Hi Ms. Pike. Does Caleb like his teachers?").reframe or "")


def test_feeling_reflections_count() -> None:
    assert "reflection" in review("That sounds really frustrating.").moves
    assert "reflection" in review("It must be exhausting.").moves
