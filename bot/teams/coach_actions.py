"""What a coach card's button sends back, parsed with pydantic (never trusted).

Coach and channel cards carry ``{"ec": <action>, "id": …, "page": …}``; a
card's inputs arrive beside them in the same object (``text``: the feedback,
reply or decision typed; ``turn``: the turn a comment is about). The value
only names what was asked for: the coaching service checks the person's role
and workspace on every press.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.services.ports import MAX_ID_CHARS

__all__ = [
    "COACH_ACTIONS",
    "CoachCardAction",
    "parse_coach_value",
]

CoachVerb = Literal[
    "coach_queue",
    "coach_open",
    "coach_comment",
    "coach_send",
    "coach_reviewed",
    "coach_progress",
    "coach_reply",
    "coach_change",
    "team_decision",
    "record_team_decision",
]
COACH_ACTIONS: tuple[str, ...] = CoachVerb.__args__  # type: ignore[attr-defined]
"""Every ``ec`` value of the coach and channel cards:

``coach_queue`` (id ``unreviewed`` | ``all``, page = offset), ``coach_open`` (id a
session, page), ``coach_comment`` (id a session, text, turn), ``coach_send``,
``coach_reviewed`` (id a session), ``coach_progress`` (id ``team`` | ``staff:<user>``
| ``me``), ``coach_reply`` (id a feedback id, text), ``coach_change`` (id ``add`` |
``remove``, person: the people picker's Entra object id), ``record_team_decision`` (id a
gathering key: the gathering post's button), ``team_decision`` (id a gathering key,
text: the decision form's submit)."""


class CoachCardAction(BaseModel):
    """One press on a coach or channel card."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    ec: CoachVerb
    id: str = Field(min_length=1, max_length=MAX_ID_CHARS, pattern=r"^[A-Za-z0-9_.:@-]+$")
    page: int = Field(default=0, ge=0, le=100_000)
    """A page or queue offset (cards send it as a string, the card-action table's fields)."""
    text: str | None = Field(default=None, max_length=20_000)
    turn: str | None = Field(default=None, max_length=8, pattern=r"^(all|\d{1,4})?$")
    person: str | None = Field(default=None, max_length=64)
    """The people picker's choice (an Entra object id; checked by the coach flows)."""


def parse_coach_value(value: Any) -> CoachCardAction | None:
    """The press in an activity's ``value`` (a submit's data, or an
    ``adaptiveCard/action`` invoke's ``action.data``), or None when it is not a
    coach or channel action."""
    if not isinstance(value, dict):
        return None
    action = value.get("action")
    if isinstance(action, dict) and isinstance(action.get("data"), dict):
        value = action["data"]
    if not str(value.get("ec") or "").startswith(("coach_", "team_", "record_team_")):
        return None
    try:
        return CoachCardAction.model_validate(value)
    except ValidationError:
        return None
