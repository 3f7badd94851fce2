"""The practice engine: trust, disclosure and turns of one practice session.

(Interface agreed first; the engine's rules are filled in under this contract.)

Flow of one staff turn, used by the CLI, Slack and Teams alike::

    engine = PracticeEngine(persona, seed=7)
    plan = engine.plan(staff_text)            # reviews, updates trust/disclosure
    text = await responder.complete(plan)     # scripted or model voices the plan
    turn = engine.record(plan, text)          # appends the Turn
    ...
    debrief = engine.debrief()

The engine owns all state that decides what the caregiver may say; a responder
only voices a :class:`ReplyPlan`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from bot.core.models import Review
from bot.core.persona import Layer, Persona, Topic

ReplyMode = Literal["brief", "open", "guarded", "acknowledge", "disclose", "insight"]
"""How the caregiver answers this turn:

- ``brief``: a closed yes/no question, answered in a few words.
- ``open``: an open question on a topic, answered at length from the voice lines.
- ``guarded``: after judgment, advice, persuasion or correction: closing up.
- ``acknowledge``: after a reflection or affirmation with no question.
- ``disclose``: a layer is being disclosed now (``ReplyPlan.disclose``).
- ``insight``: the hidden insight is being revealed now.
"""


class Usage(BaseModel):
    """Model token usage of one turn (all zero for the scripted responder).

    Attributes:
        prompt_tokens: tokens sent, summed over all model calls of the turn.
        completion_tokens: tokens received, summed likewise.
    """

    prompt_tokens: int = 0
    completion_tokens: int = 0


class Turn(BaseModel):
    """One staff utterance and the caregiver's answer.

    Attributes:
        index: 1-based turn number in the session.
        staff: the staff member's text exactly as typed.
        caregiver: the caregiver's reply text.
        review: the review of ``staff``.
        topics: topics the staff text touched.
        mode: how the caregiver answered (see :data:`ReplyMode`).
        trust_after: engine trust (0-10) after this turn.
        disclosed: ids of layers disclosed in this turn.
        insight: True when the hidden insight was revealed in this turn.
        note: a visible note for the staff member (e.g. "the simplified
            partner answered this turn"), or None.
        usage: model tokens spent on this turn.
    """

    index: int
    staff: str
    caregiver: str
    review: Review
    topics: list[Topic] = Field(default_factory=list)
    mode: ReplyMode
    trust_after: float
    disclosed: list[str] = Field(default_factory=list)
    insight: bool = False
    note: str | None = None
    usage: Usage = Field(default_factory=Usage)


class ReplyPlan(BaseModel):
    """What the engine allows the caregiver to say in one turn.

    A responder must voice only this: ``allowed_layers`` (already earned) plus
    ``disclose`` (the one being earned now) and, only when ``mode ==
    "insight"``, the persona's hidden insight. Locked layers are never placed
    here, so a model prompt built from a plan cannot leak them.

    Attributes:
        persona: the card.
        turn_index: 1-based index of the turn being answered.
        staff_text: what the staff member just said.
        review: its review.
        topics: topics touched by the staff text.
        mode: see :data:`ReplyMode`.
        disclose: the layer being disclosed in this turn, if any.
        allowed_layers: layers disclosed in earlier turns.
        trust: trust after this turn's update (0-10).
        recent: the last few turns, oldest first.
        summary: running plain-text summary of turns older than ``recent``.
        seed: the session seed (responders derive their choices from it).
    """

    persona: Persona
    turn_index: int
    staff_text: str
    review: Review
    topics: list[Topic] = Field(default_factory=list)
    mode: ReplyMode
    disclose: Layer | None = None
    allowed_layers: list[Layer] = Field(default_factory=list)
    trust: float
    recent: list[Turn] = Field(default_factory=list)
    summary: str = ""
    seed: int = 0
