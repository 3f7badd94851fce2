"""Block Kit builders: content, escaping, and Slack's limits on every output."""

from __future__ import annotations

from datetime import UTC, datetime

from fake_slack import _limit_errors

from bot.core.models import Finding, Review
from bot.core.review import review
from bot.personas import load_all
from bot.presenters.practice import SIGNS
from bot.services.review import review_lines
from bot.slack import blocks, ids
from bot.slack.text import TEXT_LIMIT

PERSONAS = load_all()
DENISE = PERSONAS["night-shift-mom"]


def _ok(message: blocks.Message) -> None:
    assert _limit_errors(message.kwargs(), max_blocks=50) is None
    assert len(message.text) <= TEXT_LIMIT


def _all_text(obj: object) -> str:
    if isinstance(obj, dict):
        return " ".join(_all_text(v) for v in obj.values())
    if isinstance(obj, list):
        return " ".join(_all_text(v) for v in obj)
    return obj if isinstance(obj, str) else ""


def test_intro_card_has_who_situation_goal_and_the_four_signs() -> None:
    card = blocks.intro_card(DENISE, "s-1")
    _ok(card)
    text = _all_text(card.blocks)
    assert "Denise Carver" in text and DENISE.situation.split(".")[0] in text
    assert "learn, not to fix" in text
    assert all(sign.split()[0] in text for sign in SIGNS)
    buttons = [e for b in card.blocks if b["type"] == "actions" for e in b["elements"]]
    assert [(b["action_id"], b["value"]) for b in buttons] == [(ids.ACTION_END, "s-1")]


def test_coach_note_is_distinct_quotes_the_words_and_escapes() -> None:
    rv = review("Don't you think he should be in school every day?")
    note = blocks.coach_note(rv, DENISE)
    assert note is not None
    _ok(note)
    assert {b["type"] for b in note.blocks} == {"context"}  # small grey text, not the caregiver's
    text = _all_text(note.blocks)
    assert "*Coach note*" in text and "not part of the call with Denise" in text
    assert "“Don't you think”" in text
    assert "*Try:*" in text
    tricky = Review(
        text="You should <!channel> & <b>",
        findings=[
            Finding(
                kind="judgment",
                severity="intervention",
                span=(0, 27),
                evidence="You should <!channel> & <b>",
                why="Pressure <here>.",
            )
        ],
        reframe="What is <it> like & why?",
    )
    text = _all_text(blocks.coach_note(tricky, DENISE).blocks)  # type: ignore[union-attr]
    assert "&lt;!channel&gt; &amp; &lt;b&gt;" in text and "&lt;here&gt;" in text
    assert "&lt;it&gt; like &amp; why" in text
    assert "<" not in text
    assert blocks.coach_note(review("Tell me about a typical morning."), DENISE) is None


def test_coach_note_with_enormous_evidence_stays_within_limits() -> None:
    huge = "should " * 2000
    rv = Review(
        text=huge,
        findings=[
            Finding(
                kind="judgment",
                severity="intervention",
                span=(0, len(huge)),
                evidence=huge,
                why="Pressure.",
            )
        ],
        reframe="What is a morning like? " * 300,
    )
    note = blocks.coach_note(rv, DENISE)
    assert note is not None
    _ok(note)
    assert _all_text(note.blocks).count("should") == 2000


def test_debrief_card_has_figures_reframes_and_both_buttons() -> None:
    from bot.core.practice import PracticeEngine

    engine = PracticeEngine(DENISE, seed=1)
    for text in ("Have you tried an earlier bedtime?", "Tell me about mornings.", "What else?"):
        plan = engine.plan(text)
        engine.record(plan, "…")
    debrief = engine.debrief()
    messages = blocks.debrief_messages(DENISE, debrief, "s-9")
    assert len(messages) == 1
    _ok(messages[0])
    text = _all_text(messages[0].blocks)
    for label in ("Turns", "Open questions", "Talk ratio", "Layers of the story", "Hidden insight"):
        assert label in text
    assert "Reframes worth trying" in text and "earlier bedtime" in text
    buttons = [e for b in messages[0].blocks if b["type"] == "actions" for e in b["elements"]]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        (ids.ACTION_PRACTICE_AGAIN, DENISE.id),
        (ids.ACTION_SEND_TO_COACH, "s-9"),
        (ids.ACTION_DOWNLOAD_TRANSCRIPT, "s-9"),
    ]


def test_review_messages_summarise_and_split_long_lists() -> None:
    questions = [
        "Tell me about a morning when getting to school goes well.",
        "Have you tried setting an earlier bedtime?",
        "Why is it important to come to school every day?",
    ]
    reviews = list(review_lines(questions))
    (message,) = blocks.review_messages(reviews)
    _ok(message)
    text = _all_text(message.blocks)
    assert "3 questions" in text and "1 open and clean" in text
    assert "2 would turn the interview into an intervention" in text
    assert "*Try:*" in text

    many = list(
        review_lines([f"Don't you think you should {'try harder ' * 40}? ({i})" for i in range(60)])
    )
    messages = blocks.review_messages(many)
    assert len(messages) > 1
    for m in messages:
        _ok(m)
    assert sum(_all_text(m.blocks).count("(") for m in messages) >= 60


def test_home_view_gallery_sessions_and_setting() -> None:
    cards = [
        blocks.SessionCard(
            persona_name="Denise <Carver>",
            started_at=datetime(2026, 11, 2, tzinfo=UTC),
            turns=6,
            open_questions=4,
            layers_reached=2,
            layers_total=4,
            ended=True,
        ),
        blocks.SessionCard(persona_name="Walt", started_at=None, turns=1),
    ]
    view = blocks.home_view(list(PERSONAS.values()), cards, live_notes=False)
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    assert _limit_errors(view, max_blocks=100) is None
    starts = [
        b["accessory"]["value"]
        for b in view["blocks"]
        if b.get("accessory", {}).get("action_id") == ids.ACTION_START
    ]
    assert starts == list(PERSONAS)
    text = _all_text(view["blocks"])
    assert "Your last sessions" in text and "Denise &lt;Carver&gt;" in text and "still open" in text
    radio = next(
        b["accessory"]
        for b in view["blocks"]
        if b.get("accessory", {}).get("type") == "radio_buttons"
    )
    assert radio["action_id"] == ids.ACTION_LIVE_NOTES and radio["initial_option"]["value"] == "off"


def test_persona_picker_and_modal() -> None:
    picker = blocks.persona_picker(list(PERSONAS.values()), intro="I don't know <Bob>.")
    _ok(picker)
    assert "&lt;Bob&gt;" in _all_text(picker.blocks)
    modal = blocks.review_modal('{"user": "U1"}')
    assert modal["callback_id"] == ids.VIEW_REVIEW_QUESTIONS
    assert modal["blocks"][1]["block_id"] == ids.BLOCK_QUESTIONS
    assert modal["blocks"][1]["element"]["action_id"] == ids.INPUT_QUESTIONS
    assert len(modal["title"]["text"]) <= 24
