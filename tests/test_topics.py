"""Topic detection: keywords per topic, word boundaries, order, apostrophes."""

from __future__ import annotations

import pytest

from bot.core.persona import TOPICS
from bot.core.text import fold_quotes as normalize
from bot.core.topics import TOPIC_KEYWORDS, TOPIC_KEYWORDS_ES, detect_topics


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Tell me about a typical school morning.", "mornings"),
        ("What time does the alarm go off?", "mornings"),
        ("How is getting out the door?", "mornings"),
        ("What's bedtime like?", "mornings"),
        ("How does he get to school?", "transport"),
        ("Tell me about the bus.", "transport"),
        ("Does someone drive her?", "transport"),
        ("How has his asthma been?", "health"),
        ("When she's sick, what happens?", "health"),
        ("Tell me about your shifts.", "work"),
        ("What are your hours like?", "work"),
        ("How are the little ones?", "siblings"),
        ("Tell me about her brother.", "siblings"),
        ("What's her teacher like?", "teachers"),
        ("How does he get along with Ms. Ortiz?", "teachers"),
        ("Who are his friends?", "friends"),
        ("Has anyone bullied her?", "friends"),
        ("What's lunch like for him?", "friends"),
        ("What does he say about school?", "school_feelings"),
        ("How does she feel about school?", "school_feelings"),
        ("Tell me about his school day.", "school_feelings"),
        ("How are his grades?", "school_feelings"),
        ("What do you hope for her?", "hopes"),
        ("What are you hoping next year looks like?", "hopes"),
        ("If you had one wish?", "hopes"),
        ("Tell me about home.", "home"),
        ("Where are you living now?", "home"),
        ("When did you move?", "home"),
        ("How would you like us to stay in touch?", "contact"),
        ("Did you get the letters?", "contact"),
        ("How often do you hear from us?", "contact"),
        ("How are things going for your family?", "family"),
        ("How are you all doing?", "family"),
        ("Who's in your household?", "family"),
    ],
)
def test_detects_topic(text: str, topic: str) -> None:
    assert topic in detect_topics(text)


def test_every_topic_has_keywords() -> None:
    assert set(TOPIC_KEYWORDS) == set(TOPICS)
    for topic in TOPICS:
        assert TOPIC_KEYWORDS[topic], topic


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("He's busy a lot.", "transport"),  # "busy" is not "bus"
        ("How's the homework going?", "work"),  # "homework" is not "work"
        ("How's the homework going?", "home"),
        ("I'll ask about that.", "health"),  # "I'll" is not "ill"
        ("Good morning, thanks for picking up.", "mornings"),  # greeting
        ("How would you like us to stay in touch?", "home"),  # contact, not home
        ("Scar tissue", "transport"),  # "car" inside a word
        ("Mistake", "teachers"),  # "ms" inside a word
    ],
)
def test_word_boundaries_and_exceptions(text: str, absent: str) -> None:
    assert absent not in detect_topics(text)


def test_case_insensitive_and_curly_apostrophes() -> None:
    assert detect_topics("TELL ME ABOUT THE BUS") == ["transport"]
    assert detect_topics("What’s y’all’s morning like?") == detect_topics(
        "What's y'all's morning like?"
    )
    assert "family" in detect_topics("How are y’all?")
    assert normalize("it’s “fine”") == 'it\'s "fine"'


def test_order_by_first_mention_and_no_duplicates() -> None:
    text = "Tell me about the bus, and the mornings, and the bus again."
    assert detect_topics(text) == ["transport", "mornings"]
    assert detect_topics("Tell me about a typical school morning at your house.") == [
        "mornings",
        "home",
    ]


def test_examples_from_the_revised_question_list() -> None:
    # wishing the school knew something is about the school, not the family's hopes
    assert detect_topics("What do you wish the school knew about your family?") == ["family"]
    assert detect_topics("What do you wish for him next year?") == ["hopes"]
    assert detect_topics("Tell me more.") == []
    assert detect_topics("Is there anything else you'd like me to know?") == []


def test_deterministic() -> None:
    text = "What does he say about school when his sister and friends ride the bus?"
    first = detect_topics(text)
    assert all(detect_topics(text) == first for _ in range(5))
    assert first == ["school_feelings", "siblings", "friends", "transport"]


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Cuénteme cómo son las mañanas en su casa.", "mornings"),
        ("¿A qué hora se despierta?", "mornings"),
        ("¿Qué desayunan antes de salir?", "mornings"),
        ("¿Cómo duerme ella?", "mornings"),
        ("¿Cómo llega a la escuela, en autobús?", "transport"),
        ("¿Toma el camión?", "transport"),
        ("¿Toma el camion?", "transport"),
        ("¿Cómo hacen con el transporte?", "transport"),
        ("¿Cómo ha estado de salud?", "health"),
        ("Cuando se enferma, ¿qué pasa?", "health"),
        ("¿La vio el médico?", "health"),
        ("¿La vio el medico?", "health"),
        ("Cuénteme de su trabajo.", "work"),
        ("¿Cómo es el turno de noche?", "work"),
        ("¿Cómo se organizan en la cosecha?", "work"),
        ("¿Cómo se lleva con sus hermanos?", "siblings"),
        ("¿Qué dice de su maestra?", "teachers"),
        ("¿Y el maestro de matemáticas?", "teachers"),
        ("¿Quiénes son sus amigos?", "friends"),
        ("¿Qué dice de la escuela?", "school_feelings"),
        ("¿Cómo van las clases?", "school_feelings"),
        ("¿Le gusta el colegio?", "school_feelings"),
        ("¿Qué espera para ella?", "hopes"),
        ("¿Cómo se imagina el próximo año?", "hopes"),
        ("¿Cómo ve su futuro?", "hopes"),
        ("¿Cómo están las cosas en casa?", "home"),
        ("¿Cómo fue la mudanza?", "home"),
        ("¿Le llegan nuestras cartas?", "contact"),
        ("¿Cómo prefiere que la llamemos, por llamadas o mensajes?", "contact"),
        ("¿Cómo está su familia?", "family"),
        ("¿Cómo están ustedes?", "family"),
    ],
)
def test_detects_spanish_topic(text: str, topic: str) -> None:
    assert topic in detect_topics(text)


def test_every_topic_has_spanish_keywords() -> None:
    assert set(TOPIC_KEYWORDS_ES) == set(TOPICS)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Me llamo Ana, soy de la escuela.", "contact"),  # a name, not a call
        ("Hasta mañana, señora.", "mornings"),  # "tomorrow"
        ("¿Tiene mucho sueño en clase?", "hopes"),  # sleepiness, not dreams
        ("¿Cómo se llama su maestra?", "contact"),
    ],
)
def test_spanish_exceptions(text: str, absent: str) -> None:
    assert absent not in detect_topics(text)


def test_spanish_accents_and_capitals_are_optional() -> None:
    assert detect_topics("CUÉNTEME DE LA MAÑANA") == detect_topics("cuenteme de la manana")
    assert detect_topics("¿Y el autobús?") == detect_topics("y el autobus") == ["transport"]
