"""The offline voice answers what was asked (issue 9 item 5).

Families of misses found on the practice4 tuning set: ordinary questions met
with a fact on another topic, "Oh hi" and "stopping in" greetings missed,
lectures met with a household fact, a meta question deciding the intent.
Real persona cards, the real engine (stub reviewer), the real responder.
"""

from __future__ import annotations

import re

import pytest
from practice_kit import stub_review

from bot.core.persona import Persona
from bot.core.practice import PracticeEngine
from bot.core.topics import detect_subjects, question_intent
from bot.llm.scripted import ScriptedResponder, is_greeting, is_in_person
from bot.personas import load_all

CARDS: list[Persona] = list(load_all().values())


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("What time does Jasmine usually end up falling asleep?", "sleep"),
        ("What do you all usually do on weekends?", "weekends"),
        ("What are you all doing for the holidays this year?", "weekends"),
        ("what did you all do last summer?", "weekends"),
        ("What's Caleb like at home when things are going well?", "interests"),
        ("To start, what's Jasmine like here at home?", "interests"),
        ("What's something Jasmine is really proud of?", "interests"),
        ("What's Owen been up to these days?", "interests"),
        ("How would you describe Maya to someone who's never met them?", "interests"),
        ("how do you all get around town mostly?", "transport"),
        ("Would it be ok if I sent a little note home now and then?", "contact"),
        ("Is it hard to reach us during the day?", "contact"),
        ("What do you remember about your own favorite teacher?", "own_school"),
        ("What's something you wish Priya's teacher understood?", "school_bad"),
        ("What would you want me to tell Elijah's teachers about this?", "school_bad"),
        ("Who here, if anyone, does Elijah feel comfortable with?", "friends"),
        ("¿A quién acude Caleb cuando algo le preocupa?", "friends"),
        ("who else helps out with Aiden during the week?", "family"),
        ("Who else should I get to know in Marcus's life?", "family"),
        ("thanks! how's your day going?", "self"),
        ("what's the weather been like out your way?", "neighborhood"),
    ],
)
def test_ordinary_questions_get_their_own_subject_first(text: str, subject: str) -> None:
    assert detect_subjects(text)[0] == subject


def test_you_all_alone_is_still_the_family() -> None:
    assert detect_subjects("How are you all doing?")[0] == "family"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("ok, you're right. can we back up? what's been happening for Aiden lately?", "what"),
        ("Can I ask you something? Who gets him up?", "who"),
        ("I'd like to understand what's going on. Would you be willing to tell me?", "what"),
        ("Can we back up?", "yes_no"),
        ("Is the homework too much?", "yes_no"),
    ],
)
def test_a_question_about_the_talk_does_not_decide_the_intent(text: str, intent: str) -> None:
    assert question_intent(text) == intent


def test_oh_hi_and_stopping_in_are_an_in_person_greeting() -> None:
    text = "Oh hi, Curtis! Thanks for stopping in after pickup. Want to sit at the big table?"
    assert is_greeting(text)
    assert is_in_person(text)
    assert not is_greeting("Oh, that makes sense.")


@pytest.mark.parametrize("card", CARDS, ids=lambda c: c.id)
def test_in_person_welcome_with_a_teacher_named_gets_only_the_welcome(card: Persona) -> None:
    text = (
        f"Oh hi! Thanks for stopping in after pickup. I'm Ms. Harper, "
        f"{card.student.name}'s teacher. Want to sit at the big table?"
    )
    plan = PracticeEngine(card, reviewer=stub_review).plan(text)
    reply = ScriptedResponder().reply(plan)
    # the welcome, less any coffee or water accepted that nobody offered (practice5 judge)
    kept = [
        s
        for s in re.split(r"(?<=[.!?])\s+", card.voice.in_person)
        if not re.search(r"\b(?:water|coffee|tea|drink|agua|caf[eé])\b", s.lower())
    ]
    assert card.voice.in_person and reply == " ".join(kept)
    assert not any(line in reply for line in card.voice.topics.get("teachers", []))


def _second_turn(card: Persona, text: str) -> tuple[str, str]:
    engine = PracticeEngine(card, reviewer=stub_review)
    responder = ScriptedResponder()
    first = engine.plan("Hi, this is Dana from the school. Is now an okay time?")
    engine.record(first, responder.reply(first))
    plan = engine.plan(text)
    return plan.mode, responder.reply(plan)


@pytest.mark.parametrize("card", CARDS, ids=lambda c: c.id)
def test_weekend_question_gets_a_weekend_line(card: Persona) -> None:
    mode, reply = _second_turn(card, "What do you all usually do on weekends?")
    if mode in ("open", "brief"):
        assert any(line in reply for line in card.voice.topics["weekends"]), reply


@pytest.mark.parametrize("card", CARDS, ids=lambda c: c.id)
def test_a_lecture_gets_a_reaction_not_a_household_fact(card: Persona) -> None:
    mode, reply = _second_turn(
        card, "It's really important that you model the value of education at home."
    )
    reactions = [*card.voice.guarded, *card.voice.threatened, *card.voice.offered]
    assert any(reply.startswith(line) for line in reactions), (mode, reply)
    assert not any(line in reply for line in card.voice.topics.get("family", []))


@pytest.mark.parametrize("card", CARDS, ids=lambda c: c.id)
def test_an_open_question_with_its_lines_used_up_gets_no_yes(card: Persona) -> None:
    engine = PracticeEngine(card, reviewer=stub_review)
    responder = ScriptedResponder()
    replies = []
    for text in [
        "Hi, this is Dana from the school. Is now an okay time?",
        "What's the best way to reach you?",
        "How do you like us to get in touch?",
        "What would a better kind of contact from us look like?",
    ]:
        plan = engine.plan(text)
        reply = responder.reply(plan)
        engine.record(plan, reply)
        replies.append((plan.mode, reply))
    mode, last = replies[-1]
    if mode == "open":
        yes_lines = card.voice.yes_no.get("contact", [])
        assert not any(last.startswith(line) for line in yes_lines), last


@pytest.mark.parametrize("card", CARDS, ids=lambda c: c.id)
def test_is_now_okay_gets_the_greeting_and_a_yes_said_once(card: Persona) -> None:
    text = (
        "Hi, Amber? This is Mr. Grant from the school, I've only got a few minutes "
        "between meetings, is now okay?"
    )
    reply = ScriptedResponder().reply(PracticeEngine(card, reviewer=stub_review).plan(text))
    assert reply.startswith(card.voice.greeting)
    rest = reply[len(card.voice.greeting) :].strip()
    permission = card.voice.social.get("permission", [])
    assert rest == "" or rest in permission, reply


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("whats a good day look like for you, start to finish?", "self"),
        ("What does a good afternoon look like at your house?", "interests"),
        ("What time does Marcus get up, and who gets them ready?", "mornings"),
        ("what should I keep in mind when I see Savannah tomorrow?", "help"),
        ("¿Cuándo le parece bien que volvamos a conversar?", "contact"),
        ("Si Jaylen pudiera cambiar una sola cosa de su día en la escuela?", "school_bad"),
    ],
)
def test_more_ordinary_questions_get_their_subject_first(text: str, subject: str) -> None:
    assert detect_subjects(text)[0] == subject
