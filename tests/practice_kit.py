"""Shared helpers for the practice-engine, scripted-responder and debrief tests.

``make_persona()`` builds a small, fully valid card (three layers and a hidden
insight with distinctive wording, so leaks are easy to search for), and
``stub_review`` is a tiny keyword reviewer so these tests never depend on the
real rules reviewer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.core.models import SEVERITY_OF, Finding, FindingKind, Move, Review
from bot.core.persona import Persona


def make_persona(**overrides: Any) -> Persona:
    """Return a small valid persona card; keyword arguments replace top-level fields."""
    data: dict[str, Any] = {
        "id": "test-rosa",
        "name": "Rosa",
        "relation": "mother",
        "household": "Rosa, her son Leo (grade 3) and his baby sister Mia.",
        "student": {"name": "Leo", "grade": "3"},
        "language": "en",
        "style": "plain",
        "opening_mood": "tired but polite",
        "opening_trust": 1.0,
        "absence_reason": "zebra-reason night shifts and a missed bus",
        "situation": "Leo has missed 14 days this year, mostly Mondays.",
        "surface_account": "Leo gets sick a lot and mornings are hard.",
        "layers": [
            {
                "id": "night-shift",
                "text": "Rosa works apricot-shift nights at the packing plant.",
                "says": ["I work nights at the apricot plant, I get home at six."],
                "topics": ["work", "mornings"],
                "trust": 2.0,
                "earned_by": "asking about mornings or work",
            },
            {
                "id": "missed-bus",
                "text": "When Leo misses the walrus-route bus there is no other way in.",
                "says": ["If he misses the walrus bus, that's it. I don't have a car."],
                "topics": ["transport"],
                "trust": 4.0,
                "earned_by": "asking how Leo gets to school",
            },
            {
                "id": "baby-care",
                "text": "Leo sometimes stays home to mind his quokka-loving baby sister.",
                "says": [
                    "Some days Leo stays with the quokka baby so I can sleep.",
                    "I'm not proud of it.",
                ],
                "topics": ["siblings", "family"],
                "trust": 5.5,
                "earned_by": "asking about the family, following up",
            },
        ],
        "hidden_insight": {
            "text": "Rosa was held back in the narwhal year and fears Leo will be too.",
            "says": [
                "When I was his age they held me back, the narwhal year.",
                "I see him struggle with reading and I freeze.",
            ],
            "trust": 7.0,
        },
        "closes_up_when": ["lectured about attendance"],
        "principles": ["never blames Leo"],
        "voice": {
            "greeting": "Hi, yes, this is Rosa.",
            "surface": [
                "He gets sick a lot, you know how kids are.",
                "Mornings are just hard at our place.",
                "We're doing our best over here.",
            ],
            "topics": {
                "mornings": [
                    "Mornings are a rush, honestly.",
                    "Some mornings go fine, some don't.",
                    "He's slow to wake up.",
                ],
                "transport": ["The bus comes early.", "It's a long way to walk."],
                "family": [
                    "It's just us three at home.",
                    "We're a close little family.",
                    "My mom helps when she can.",
                ],
                "school_feelings": [
                    "He says school is okay.",
                    "He likes his art class.",
                    "Reading is harder for him.",
                ],
                "hopes": ["I want him to finish school.", "I hope he makes friends."],
                "work": ["Work keeps me busy.", "My hours change a lot."],
            },
            "general": [
                "I don't know, it's a lot.",
                "Things are okay, I guess.",
                "It's been a long year.",
                "We manage.",
            ],
            "brief": ["Yeah.", "No, not really.", "Sometimes.", "I guess so."],
            "guarded": [
                "I know he needs to be there.",
                "We're trying, okay?",
                "I hear that a lot.",
                "Okay.",
            ],
            "acknowledge": ["Yeah, it is.", "Thank you for saying that.", "It really is."],
        },
    }
    data.update(overrides)
    return Persona.model_validate(data)


def locked_strings(persona: Persona) -> dict[str, list[str]]:
    """Return the secret strings of each layer id and of ``"insight"``."""
    out = {layer.id: [layer.text, *layer.says] for layer in persona.layers}
    out["insight"] = [persona.hidden_insight.text, *persona.hidden_insight.says]
    return out


def make_review(
    text: str,
    moves: Iterable[Move] = (),
    kinds: Iterable[FindingKind] = (),
    reframe: str | None = None,
) -> Review:
    """Build a Review with the given moves and findings (spans cover the text)."""
    kinds = list(kinds)
    findings = [
        Finding(
            kind=k,
            severity=SEVERITY_OF[k],
            span=(0, len(text)),
            evidence=text,
            why="test finding",
        )
        for k in kinds
    ]
    if reframe is None and kinds:
        reframe = "Tell me about that."
    return Review(text=text, findings=findings, moves=list(dict.fromkeys(moves)), reframe=reframe)


def stub_review(text: str) -> Review:
    """A tiny, predictable keyword reviewer for engine tests (not the real rules)."""
    low = text.lower().strip()
    moves: list[Move] = []
    kinds: list[FindingKind] = []
    if low.startswith(("you need", "you should")):
        kinds.append("judgment")
    if "have you tried" in low:
        kinds.append("advice")
    if low.startswith("why is it important"):
        kinds.append("persuasion")
    if low.startswith("actually,"):
        kinds.append("correction")
    if low.startswith(("does ", "is he ", "is she ", "do you ", "did ", "are ")):
        kinds.append("closed")
    if any(p in low for p in ("tell me more", "what else", "anything else", "what happened next")):
        moves.append("follow_up")
    elif low.startswith(("how ", "what ", "tell me")) and not kinds:
        moves.append("open_question")
    if low.startswith(("it sounds like", "so mornings", "you're carrying")):
        moves.append("reflection")
    if "thank you" in low:
        moves.append("affirmation")
    return make_review(text, moves, kinds)


LISTENING_TAIL = [
    "What happened next?",
    "It sounds like mornings and the baby are a lot at once.",
    "How does Leo feel about all of it?",
    "It sounds like the bus matters a lot to you.",
    "What else is on your mind?",
    "It sounds like the nights at the apricot plant are long.",
    "Thank you for telling me. What do you hope for Leo?",
    "Anything else you'd like me to know?",
]
"""Distinct listening turns that, after :data:`OPEN_SCRIPT`, reach the insight
under the listening-credit rules (no phrase repeated)."""

OPEN_SCRIPT = [
    "How are things going for your family?",
    "Tell me about mornings at your house.",
    "Tell me more about that.",
    "It sounds like mornings carry a lot for you.",
    "What else?",
]
OPEN_SCRIPT = [*OPEN_SCRIPT, *LISTENING_TAIL]
"""Open questions, follow-ups and reflections that earn every layer and the insight."""
"""With :func:`stub_review` and :func:`make_persona`: trust 2, 3, 4.5, 6, 7.5;
layers disclosed at turns 2, 3, 4; the insight at turn 5."""
