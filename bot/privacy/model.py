"""The scrubber's public types: the kinds of personal detail, a found span, a scrubbed text."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PiiKind = Literal["PHONE", "EMAIL", "ADDRESS", "DOB", "STUDENT_ID", "NATIONAL_ID", "NAME"]
"""The six kinds of personal detail of issue 5, and national IDs (issue 10)."""

PII_KINDS: tuple[PiiKind, ...] = (
    "PHONE",
    "EMAIL",
    "ADDRESS",
    "DOB",
    "STUDENT_ID",
    "NATIONAL_ID",
    "NAME",
)
"""All kinds, in the order :attr:`Scrubbed.counts` lists them."""

PLACEHOLDERS: dict[PiiKind, str] = {k: f"[{k}]" for k in PII_KINDS}
"""What each kind is replaced with: ``[PHONE]``, ``[EMAIL]``, …"""


class PiiSpan(BaseModel):
    """One personal detail found in a text.

    Attributes:
        kind: which kind (:data:`PiiKind`).
        start: start offset in characters of the original text.
        end: end offset (exclusive).
        text: the detail itself, ``original[start:end]``. This is the personal
            detail: never log it.
        score: the rule's confidence in ``[0, 1]``; used to settle overlaps.
    """

    model_config = ConfigDict(frozen=True)

    kind: PiiKind
    start: int
    end: int
    text: str
    score: float


class Scrubbed(BaseModel):
    """A scrubbed text and what was taken out of it.

    Holds no personal detail: safe to log, store and send to a model.

    Attributes:
        text: the text with each personal detail replaced by its placeholder
            (:data:`PLACEHOLDERS`); everything else is unchanged.
        counts: kind -> number of details replaced; every kind of
            :data:`PII_KINDS` is present, 0 when none was found. Adjacent
            details of one kind ("Maria Lopez") count once.
    """

    text: str
    counts: dict[PiiKind, int] = Field(default_factory=lambda: dict.fromkeys(PII_KINDS, 0))

    @property
    def total(self) -> int:
        """Number of details replaced, all kinds together."""
        return sum(self.counts.values())
