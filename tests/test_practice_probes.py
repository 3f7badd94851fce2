"""Issue 9, what-to-build 5: the offline partner answers what was asked.

Ordinary questions the evaluation scripts do not ask in these words (the
student's interests, friends, teachers, weekend, neighborhood, sleep, food,
screens, siblings, health, the caregiver's own school days, what would help,
what the school does well and badly; yes/no questions whose answer is on the
card). Each probe lists, written by hand from the card, the facts an on-topic
answer must use: the reply has to name at least one of them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.core.practice import PracticeEngine
from bot.core.topics import NARROW_SUBJECTS
from bot.llm.scripted import ScriptedResponder, is_closing, real_questions
from bot.personas import load_all

PERSONAS = load_all()

OPENING = "Hi, this is Ms. Lee from the school. Thanks for talking with me."

PROBES: list[tuple[str, str, tuple[str, ...]]] = [
    # asthma-mom: Maya (6) draws horses, best friend Harper, baby brother Leo, walks to school
    ("asthma-mom", "What does Maya like to do when she's not at school?", ("horses", "dancer")),
    ("asthma-mom", "Does Maya have any friends in her class?", ("harper",)),
    ("asthma-mom", "Tell me about Maya and her little brother.", ("leo",)),
    ("asthma-mom", "Does Maya have any brothers or sisters?", ("leo",)),
    ("asthma-mom", "How does Maya get to school in the morning?", ("walk", "blocks")),
    ("asthma-mom", "What did you think of school when you were a kid?", ("teacher's pet",)),
    ("asthma-mom", "Did you like school when you were a kid?", ("loved school",)),
    # bad-news-calls-dad: Jasmine (10) writes dragon stories, only child, lives with grandma
    ("bad-news-calls-dad", "What is Jasmine into these days?", ("dragons", "comics")),
    ("bad-news-calls-dad", "What are weekends like for Jasmine?", ("her mom's", "tire shop")),
    ("bad-news-calls-dad", "Does Jasmine have brothers or sisters?", ("just her", "only")),
    ("bad-news-calls-dad", "What was school like for you growing up?", ("hated school", "shop")),
    # big-sister-carer: Aiden (8) loves dinosaurs, sister Lily (5), the house Brooke grew up in
    ("big-sister-carer", "What gets Aiden excited?", ("dinosaur", "soccer")),
    ("big-sister-carer", "What's your neighborhood like?", ("grew up", "mrs. ortiz")),
    ("big-sister-carer", "What's screen time like for the kids?", ("tablet", "dinosaur videos")),
    ("big-sister-carer", "Does Aiden have a sister?", ("lily",)),
    # bus-route-grandpa: Savannah (15) rides the mare Penny, Copper Creek Road, hens' eggs
    ("bus-route-grandpa", "What does Savannah do for fun?", ("penny", "rides")),
    ("bus-route-grandpa", "What do you folks usually eat for breakfast?", ("eggs", "bev cooks")),
    ("bus-route-grandpa", "What's it like where you live?", ("copper creek", "quiet out here")),
    ("bus-route-grandpa", "How much is Savannah on her phone?", ("signal", "horse videos")),
    # moving-between-homes: Elijah (7) loves garbage trucks, buddy Ty, baby sister Mia
    ("moving-between-homes", "Who does Elijah play with at school?", ("ty", "friends easy")),
    ("moving-between-homes", "What does Elijah love?", ("trucks", "draws")),
    ("moving-between-homes", "Does Elijah have a little sister?", ("mia",)),
    # night-shift-mom: Marcus (12) builds things, science teacher, sister Kayla (4), Alder Point
    ("night-shift-mom", "Which teacher does Marcus like best?", ("science",)),
    ("night-shift-mom", "What is Marcus into?", ("builds", "science")),
    ("night-shift-mom", "Does Marcus have a little sister?", ("kayla",)),
    ("night-shift-mom", "What's the area around your apartment like?", ("alder point", "quiet")),
    # no-adult-knows-me (a student): music, friends at Eastside, brother Marcus (19)
    ("no-adult-knows-me", "What do you do for fun, Jaylen?", ("music", "games")),
    ("no-adult-knows-me", "Who are your friends?", ("eastside", "not really")),
    ("no-adult-knows-me", "What do you usually eat for breakfast?", ("cereal", "nothing")),
    ("no-adult-knows-me", "Do you have a brother or sister?", ("brother",)),
    # orchard-season-mom (Spanish): Daniela (11) reads and draws, friend Jazmín, brother Santiago
    ("orchard-season-mom", "¿Qué le gusta hacer a Daniela en su tiempo libre?", ("leer", "fútbol")),
    ("orchard-season-mom", "¿Tiene Daniela hermanos?", ("santiago",)),
    (
        "orchard-season-mom",
        "¿Cómo era la escuela para usted cuando era niña?",
        ("méxico", "maestra"),
    ),
    # stomach-aches-mom: Owen (9) loves sharks, best friend Theo, weekends at the lake
    ("stomach-aches-mom", "What does Owen love to read about?", ("sharks", "forts")),
    ("stomach-aches-mom", "Who is Owen's best friend?", ("theo", "two-kids")),
    ("stomach-aches-mom", "How are weekends for Owen?", ("lake", "pancakes")),
    ("stomach-aches-mom", "Is there anything the school does well?", ("kind", "library")),
    # stomach-aches-sixth-grader (a student): octopuses, friend Sana, brother Dev (7)
    ("stomach-aches-sixth-grader", "What do you like to draw?", ("sea creatures", "octopus")),
    ("stomach-aches-sixth-grader", "Do you have a friend at school?", ("sana",)),
    ("stomach-aches-sixth-grader", "What do you do on weekends?", ("garden", "temple")),
    ("stomach-aches-sixth-grader", "Do you have a phone?", ("tablet", "phone yet")),
    # truancy-letters-mom: Caleb (14) fixes bikes, sister Emma (10), Harlan Flats, shop class
    ("truancy-letters-mom", "What is Caleb good at?", ("bikes", "hands")),
    ("truancy-letters-mom", "What's your neighborhood like?", ("harlan flats", "grew up")),
    ("truancy-letters-mom", "Does Caleb have a sister?", ("emma",)),
    ("truancy-letters-mom", "What does the school do that Caleb likes?", ("shop",)),
]


def _ask(persona_id: str, question: str, *, before: tuple[str, ...] = (OPENING,)) -> str:
    persona = PERSONAS[persona_id]
    engine = PracticeEngine(persona, seed=0)
    responder = ScriptedResponder()
    for text in before:
        engine.record(plan := engine.plan(text), responder.reply(plan))
    plan = engine.plan(question)
    return responder.reply(plan)


@pytest.mark.parametrize(("persona_id", "question", "facts"), PROBES)
def test_an_ordinary_question_gets_an_answer_from_the_card(
    persona_id: str, question: str, facts: tuple[str, ...]
) -> None:
    reply = _ask(persona_id, question).lower()
    assert any(fact in reply for fact in facts), (question, reply)


WARM_UP = (
    OPENING,
    "I'd love to hear how this year has been for your family.",
    "It sounds like there's a lot going on.",
    "Thank you for telling me that. I can hear how much you care.",
    "What's a usual morning like at your house?",
    "That sounds like a lot to handle.",
)

NARROW_QUESTIONS = {
    "friends": "Who does {student} like to spend time with at school?",
    "interests": "What does {student} do for fun?",
    "food": "What does {student} like to eat?",
    "screens": "How do screens fit into {student}'s day?",
    "weekends": "What does a weekend look like for {student}?",
    "own_school": "What was school like for you, back in the day?",
    "neighborhood": "What's the neighborhood like?",
}


@pytest.mark.parametrize("persona_id", sorted(PERSONAS))
def test_a_narrow_question_never_opens_a_layer_off_its_topic(persona_id: str) -> None:
    persona = PERSONAS[persona_id]
    for subject, question in NARROW_QUESTIONS.items():
        assert subject in NARROW_SUBJECTS
        engine = PracticeEngine(persona, seed=1)
        responder = ScriptedResponder()
        for text in WARM_UP:
            engine.record(plan := engine.plan(text), responder.reply(plan))
        plan = engine.plan(question.replace("{student}", persona.student.name))
        assert plan.mode != "insight", (persona_id, question)
        if plan.disclose is not None:  # only a layer on that very topic answers it
            assert set(plan.subjects) & set(plan.disclose.topics), (question, plan.disclose.id)


def test_a_question_about_next_week_is_not_a_goodbye() -> None:
    assert not is_closing("Do you think next week will go a little better?")
    assert is_closing("Great, I think I've got everything. Thanks, we'll be in touch.")
    assert is_closing("Thank you so much. Is it alright if I call back sometime?")
    persona = PERSONAS["truancy-letters-mom"]
    before = (OPENING, "How has this year been?", "Is Caleb feeling alright these days?")
    reply = _ask(persona.id, "Do you think next week will go a little better?", before=before)
    closing = persona.voice.social["closing"]
    assert not any(line in reply for line in closing), reply
    assert "bye" not in reply.lower()


@pytest.mark.parametrize("persona_id", sorted(PERSONAS))
def test_a_goodbye_gets_a_goodbye_and_nothing_tacked_on(persona_id: str) -> None:
    persona = PERSONAS[persona_id]
    before = (OPENING, "How has this year been?", "What's a usual morning like?")
    reply = _ask(persona_id, "Great, thanks so much. We'll be in touch. Bye!", before=before)
    assert reply in persona.voice.social["closing"], reply


@pytest.mark.parametrize("persona_id", sorted(PERSONAS))
def test_who_picked_up_is_answered_by_the_greeting_alone(persona_id: str) -> None:
    persona = PERSONAS[persona_id]
    first = persona.name.split()[0]
    text = f"Hi, is this {first}? I'm the counselor at {persona.student.name}'s school."
    assert real_questions(text) == []
    engine = PracticeEngine(persona, seed=2)
    assert ScriptedResponder().reply(engine.plan(text)) == persona.voice.greeting


@pytest.mark.parametrize(
    ("persona_id", "question", "facts"),
    [
        ("asthma-mom", "Does Maya like school?", ("loves",)),
        ("asthma-mom", "Do you think things will get better next week?", ("hope",)),
        ("night-shift-mom", "Do you think next week will go a little better?", ("maybe", "hope")),
        ("bus-route-grandpa", "Are you working right now?", ("retired",)),
        ("stomach-aches-mom", "Did you like school as a kid?", ("nervous",)),
        ("orchard-season-mom", "¿Le gusta la escuela a Daniela?", ("le gusta",)),
        ("no-adult-knows-me", "Do you like it here?", ("not really", "it's okay")),
    ],
)
def test_a_yes_no_answer_follows_the_card(
    persona_id: str, question: str, facts: tuple[str, ...]
) -> None:
    reply = _ask(persona_id, question).lower()
    assert any(fact in reply for fact in facts), (question, reply)


@pytest.mark.parametrize("persona_id", ["no-adult-knows-me", "stomach-aches-sixth-grader"])
def test_a_student_speaks_of_my_family_never_your_family(persona_id: str) -> None:
    persona = PERSONAS[persona_id]
    lines = [
        *(line for lines in persona.voice.topics.values() for line in lines),
        *(line for lines in persona.voice.yes_no.values() for line in lines),
        *persona.voice.general,
        *persona.voice.surface,
        *(line for layer in persona.layers for line in [*layer.says, *layer.more]),
    ]
    for line in lines:
        low = line.lower()
        assert "your family" not in low and "your kid" not in low and "your son" not in low, line


def test_the_yes_no_target_wants_later_fewer_but_not_nothing() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import practice_eval

    skilled = {
        "layers_mean": 4.0,
        "first_disclosure_median": 2,
        "sessions_with_disclosure": "33/33",
    }

    def yes_no(got: int, mean: float, first: float | None) -> dict[str, object]:
        return {
            "layers_mean": mean,
            "first_disclosure_median": first,
            "sessions_with_disclosure": f"{got}/33",
        }

    check = practice_eval.yes_no_later_and_fewer
    assert check(yes_no(15, 0.5, 17), skilled)
    assert not check(yes_no(32, 1.4, 8), skilled)  # a layer in nearly every session
    assert not check(yes_no(0, 0.0, None), skilled)  # hears nothing at all
    assert not check(yes_no(10, 0.4, 2), skilled)  # no later than a skilled interviewer
    assert not check(yes_no(10, 2.5, 9), skilled)  # more than half the skilled layers


@pytest.mark.parametrize("persona_id", sorted(PERSONAS))
def test_kind_yes_no_questions_alone_open_no_layer(persona_id: str) -> None:
    persona = PERSONAS[persona_id]
    s = persona.student.name
    engine = PracticeEngine(persona, seed=4)
    responder = ScriptedResponder()
    for text in (
        f"Does {s} like school?",
        "Are mornings hard at your house?",
        f"Does {s} have friends in class?",
        f"Is {s} feeling alright these days?",
        f"Does {s} get enough sleep?",
        "Is the family doing okay?",
    ):
        turn = engine.record(plan := engine.plan(text), responder.reply(plan))
        assert not turn.disclosed and not turn.insight, (text, turn.caregiver)
