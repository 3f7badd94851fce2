"""The phrasing families of issue 14's "What was measured" lists, several wordings each.

Families (not the blind sets' own lines): advice as a polite question, advice told as
another family's story, corrections of what counts as a good reason to stay home,
"shouldn't he…" judgments, threats of what the district will do; insults inside a
reflection, obligation statements, comparisons with one's own childhood, guesses at
the cause; empathic reflections and worry that must stay clean; rewrites that fit.
"""

from __future__ import annotations

import pytest

from bot.core.models import ReviewContext
from bot.core.review import review
from bot.core.review.notes import note_items

INTERVENTION_FAMILIES = {
    "polite advice": [
        "Could you try setting two alarms?",
        "Would you be able to lay his clothes out the night before?",
        "Could you maybe get her to bed a little earlier on school nights?",
        "Is it possible for you to drop him off on your way to work?",
    ],
    "another family's story": [
        "Another family I worked with started laying clothes out the night before.",
        "One mom I know puts a chart on the fridge and it really helped her son.",
        "I had a dad last year who set up a carpool with the neighbors, and it worked great.",
    ],
    "good reason to stay home": [
        "A runny nose isn't really a reason to keep her home.",
        "Being tired isn't a reason to miss school.",
        "A stomach ache usually isn't enough to stay home, honestly.",
    ],
    "shouldn't he": [
        "Shouldn't he be in school by now?",
        "Shouldn't she be getting herself up at her age?",
        "Shouldn't they be the ones making sure he gets on the bus?",
    ],
    "district threats": [
        "If this keeps up the district will have to file a truancy petition.",
        "The district can refer you to court if he keeps missing.",
        "We'll have to get the attendance officer involved if it doesn't improve.",
    ],
    "insult in a reflection": [
        "It sounds like you're a terrible planner.",
        "So what I'm hearing is you're just not taking this seriously.",
        "Sounds like you've given up on getting him there.",
        "Parece que usted es una mala madre.",
        "O sea que a usted no le importa si falta.",
    ],
    "obligation": [
        "As a parent, you're responsible for getting her to school.",
        "It's your job to make sure he's up on time.",
        "You need to get him here on time.",
    ],
    "childhood comparison": [
        "When I was a kid, I never missed school.",
        "Back in my day we walked to school no matter what.",
        "Cuando yo era niña, nunca faltaba a la escuela.",
    ],
}

CRAFT_FAMILIES = {
    "guess at the cause": [
        "Maybe he's just anxious?",
        "Probably the bus, right?",
        "I'm guessing it's the early start?",
    ],
}

CLEAN_REFLECTIONS = [
    "You must be exhausted.",
    "You must be so tired of all these calls.",
    "It sounds like mornings are really hard.",
    "That sounds exhausting.",
    "So you're saying the bus comes before six.",
    "I'm hearing that she feels left out at lunch.",
    "It sounds like you're doing a lot on your own.",
    "Debe estar muy cansada.",
    "Parece que las mañanas son muy difíciles.",
]


@pytest.mark.parametrize(
    ("family", "text"), [(f, t) for f, ts in INTERVENTION_FAMILIES.items() for t in ts]
)
def test_intervention_families_are_flagged(family: str, text: str) -> None:
    assert review(text).has_intervention, f"{family}: {text!r} not flagged"


@pytest.mark.parametrize(
    ("family", "text"), [(f, t) for f, ts in CRAFT_FAMILIES.items() for t in ts]
)
def test_guesses_are_leading(family: str, text: str) -> None:
    assert "leading" in review(text).kinds, f"{family}: {text!r}"


@pytest.mark.parametrize("text", CLEAN_REFLECTIONS)
def test_empathic_reflections_are_reflections_and_clean(text: str) -> None:
    r = review(text)
    assert not r.has_intervention, (text, r.kinds)
    assert "reflection" in r.moves, (text, r.moves)


def test_worry_is_not_a_correction() -> None:
    assert "correction" not in review("I'm worried that he's falling behind.").kinds


@pytest.mark.parametrize(
    ("text", "context"),
    [
        (
            "Hi, this is Ms. Lee from Cedar Ridge. Do you have a few minutes?",
            ReviewContext(turn_index=1),
        ),
        ("Hello! This is Mr. Ortiz, the counselor.", ReviewContext(turn_index=1)),
        ("Buenos días, habla la señora Ruiz de la escuela.", ReviewContext(turn_index=1)),
    ],
)
def test_no_rewrite_for_a_greeting(text: str, context: ReviewContext) -> None:
    assert review(text, context).reframe is None


def test_rewrite_uses_the_session_student_not_another_person() -> None:
    ctx = ReviewContext(student_name="Marcus", student_pronouns="he")
    r = review(
        "The counselor said she thinks his teachers are great. Does he like his teachers?", ctx
    )
    assert r.reframe is not None
    assert "Marcus" in r.reframe and " her " not in f" {r.reframe} "


def test_rewrite_is_neutral_when_the_session_knows_nothing() -> None:
    r = review("She told me the teachers love her. Does she like her teachers?", ReviewContext())
    assert r.reframe is not None
    assert " her " not in f" {r.reframe} " and " she " not in f" {r.reframe} "


def test_spanish_rewrite_uses_the_name() -> None:
    r = review("¿Le gustan sus maestros?", ReviewContext(student_name="Lupita", language="es"))
    assert r.reframe is not None and "Lupita" in r.reframe
    assert "su hijo o hija" not in r.reframe


def test_a_judgmental_reflection_becomes_a_neutral_reflection() -> None:
    for text in (
        "It sounds like you're a terrible planner.",
        "Parece que usted es una mala madre.",
    ):
        r = review(text)
        assert r.reframe is not None
        assert not r.reframe.rstrip().endswith("?"), r.reframe
        assert not review(r.reframe).has_intervention, r.reframe


def test_notes_one_item_per_kind_with_all_spans() -> None:
    text = "You should set an alarm. You should also pack the bag. You should call us."
    r = review(text)
    notes = note_items(r)
    kinds = [item.kind for item in notes.items]
    assert len(kinds) == len(set(kinds))
    for item in notes.items:
        assert len(item.spans) == len(item.evidence) == sum(f.kind == item.kind for f in r.findings)
        assert all(text[s:e] == ev for (s, e), ev in zip(item.spans, item.evidence, strict=True))


def test_long_paste_gives_a_readable_number_of_notes() -> None:
    pieces = [
        "You need to get her here on time.",
        "Have you tried an earlier bedtime?",
        "Actually, two days a month really adds up.",
        "Why is it important to come to school every day?",
        "Is it mostly transportation?",
        "Does she like her teacher?",
        "Why didn't you call the school?",
        "She is chronically absent.",
        "How are mornings? And does he take the bus?",
    ]
    text = " ".join(pieces * 8)
    r = review(text)
    assert len(r.findings) > 9
    notes = note_items(r, limit=4)
    assert len(notes.items) == 4
    assert notes.more == len(r.kinds) - 4
    assert notes.more_text == f"{notes.more} more"
