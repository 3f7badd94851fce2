"""Question families the practice5 judge found answered off topic (issue 9 item 5).

JUDGE_NOTE.md (blind5-J): "who else helps you" heard as "what would help"; what the child
says met with a hobby; how the school treats the family met with the household; reactions
that name things never offered ("Court?" to a food bank); coffee accepted that nobody
offered. Real persona cards, the real engine (stub reviewer), the real responder.
"""

from __future__ import annotations

import pytest
from practice_kit import stub_review

from bot.core.persona import Persona
from bot.core.practice import PracticeEngine
from bot.llm.scripted import ScriptedResponder, _fitting_acknowledgements, fitting_offers
from bot.personas import load_all

CARDS: list[Persona] = list(load_all().values())
BY_ID = {card.id: card for card in CARDS}


def _second_turn(card: Persona, text: str) -> tuple[str, str]:
    engine = PracticeEngine(card, reviewer=stub_review)
    responder = ScriptedResponder()
    first = engine.plan("Hi, this is Dana from the school. Is now an okay time?")
    engine.record(first, responder.reply(first))
    plan = engine.plan(text)
    return plan.mode, responder.reply(plan)


@pytest.mark.parametrize("card", CARDS, ids=lambda c: c.id)
def test_who_else_helps_gets_people_not_what_would_help(card: Persona) -> None:
    student = card.student.name.split()[0]
    mode, reply = _second_turn(card, f"Who else helps you out with {student} during the week?")
    if mode == "open":
        people = [*card.voice.topics.get("family", []), *card.voice.topics.get("siblings", [])]
        assert any(line in reply for line in people), reply
        assert not any(line in reply for line in card.voice.topics.get("help", [])), reply


@pytest.mark.parametrize("card", CARDS, ids=lambda c: c.id)
def test_how_the_school_treats_you_gets_the_school_not_the_household(card: Persona) -> None:
    mode, reply = _second_turn(card, "What's your own sense of how the school has treated you?")
    if mode == "open":
        school = [*card.voice.topics.get("school_bad", []), *card.voice.topics.get("contact", [])]
        assert any(line in reply for line in school), reply
        assert not any(line in reply for line in card.voice.topics.get("family", [])), reply


def test_what_the_child_says_gets_the_childs_words_not_a_hobby() -> None:
    card = BY_ID["stomach-aches-mom"]
    mode, reply = _second_turn(card, "What does Owen say about it?")
    assert mode == "open"
    assert "says" in reply, reply
    assert not any(line in reply for line in card.voice.topics.get("interests", []))


def test_a_school_question_about_the_child_is_not_answered_with_the_carers_school() -> None:
    card = BY_ID["big-sister-carer"]
    mode, reply = _second_turn(card, "What does Aiden say about it?")
    assert mode == "open"
    assert "for me" not in reply and "dinosaur" not in reply, reply


def test_a_food_bank_referral_is_an_offer_not_court() -> None:
    card = BY_ID["night-shift-mom"]
    offers = fitting_offers(
        "I can also refer you to the food bank at the church on Fifth Street.",
        card.voice.threatened,
    )
    assert not any("Court" in line for line in offers)
    _, reply = _second_turn(
        card, "I can also refer you to the food bank at the church on Fifth Street."
    )
    assert "Court" not in reply, reply


@pytest.mark.parametrize(
    ("persona_id", "advice", "never"),
    [
        ("bad-news-calls-dad", "What works for my kids is two alarms across the room.", "pamphlet"),
        ("truancy-letters-mom", "What works for my kids is two alarms across the room.", "file"),
        (
            "big-sister-carer",
            "Repeated absences can be reported to child protective services.",
            "Court",
        ),
    ],
)
def test_a_reaction_names_nothing_never_offered(persona_id: str, advice: str, never: str) -> None:
    card = BY_ID[persona_id]
    assert not any(never in line for line in fitting_offers(advice, card.voice.offered))
    assert not any(never in line for line in fitting_offers(advice, card.voice.threatened))
    # and a line that names what was offered still fits
    assert fitting_offers("Here's a pamphlet with some information.", ["Another pamphlet. Great."])


def test_a_reward_tip_gets_a_reaction_not_a_hobby() -> None:
    card = BY_ID["stomach-aches-sixth-grader"]
    engine = PracticeEngine(card, seed=1)  # the real review rules: the tip is advice
    responder = ScriptedResponder()
    first = engine.plan("Hi, this is Dana from the school. Is now an okay time?")
    engine.record(first, responder.reply(first))
    plan = engine.plan(
        "What I'd do in your shoes is set up a reward, like extra game time on Friday "
        "for a full week of attendance."
    )
    reply = responder.reply(plan)
    assert "Octopus" not in reply and "sea creatures" not in reply, reply


@pytest.mark.parametrize("persona_id", ["night-shift-mom", "asthma-mom", "bus-route-grandpa"])
def test_in_person_hello_accepts_no_drink_never_offered(persona_id: str) -> None:
    card = BY_ID[persona_id]
    student = card.student.name.split()[0]
    plan = PracticeEngine(card, reviewer=stub_review).plan(
        f"Hi! Thanks for coming in today. I'm the principal. {student} is lucky to have you."
    )
    reply = ScriptedResponder().reply(plan)
    assert not any(word in reply.lower() for word in ("coffee", "water")), reply
    offered = PracticeEngine(card, reviewer=stub_review).plan(
        "Hi! Thanks for coming in. Can I get you some coffee or water?"
    )
    assert any(w in ScriptedResponder().reply(offered).lower() for w in ("coffee", "water"))


def test_praise_with_a_lot_more_gets_thanks_not_it_is_hard() -> None:
    card = BY_ID["orchard-season-mom"]
    lines = card.voice.acknowledge
    fit = _fitting_acknowledgements(
        "you've clearly thought about this a lot more than we have at school.", lines
    )
    assert fit and all("mucho" not in line.lower() for line in fit), fit
    assert _fitting_acknowledgements("that's a lot to carry.", lines) != fit


def test_a_line_naming_what_was_offered_still_fits() -> None:
    card = BY_ID["truancy-letters-mom"]
    clinic = "There's a mental health clinic that takes Medicaid. I'll give you the number."
    assert "Does taking that go on his file too?" in fitting_offers(clinic, card.voice.offered)
    flyer = "There's a parenting class at the community center. I can send you the flyer."
    assert any("handouts" in line for line in fitting_offers(flyer, card.voice.offered))
