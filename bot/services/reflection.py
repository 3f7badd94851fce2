"""After real interviews, as one import: the use cases, their results and errors.

The code lives in smaller modules; this one names them together for the
adapters:

* :mod:`bot.services.interviews` - log, read, page, move, delete, exact words;
* :mod:`bot.services.interview_input` - checking what an interviewer typed;
* :mod:`bot.services.gatherings` - joining and leaving the weekly team gathering;
* :mod:`bot.services.reflections` - reflections, red-flag notes, team
  gatherings and decisions, the workspace's settings
  (:class:`ReflectionService`, the object adapters hold);
* :mod:`bot.services.payloads` - what a due reminder says (:func:`build_payload`);
* :mod:`bot.services.results` - the plain results and errors, built from rows
  with pydantic's ``from_attributes``.

The rules are the core's (:mod:`bot.core.interviews`), the wording the
presenters' (:mod:`bot.presenters.reflection`).
"""

from __future__ import annotations

from bot.core.interviews import MAX_BACKDATE, InterviewRuleBroken
from bot.core.interviews import parse_gathering_key as _parse_key
from bot.services.interviews import InterviewService, interview_key
from bot.services.payloads import build_payload, load_gathering
from bot.services.reflections import ReflectionService, team_gathering_key
from bot.services.results import (
    ACTION_IDS,
    FUTURE_TOLERANCE,
    GRADE_BANDS,
    MAX_PSEUDONYM_CHARS,
    MAX_TEXT_CHARS,
    FailedDelivery,
    GatheredInterview,
    Gathering,
    GatheringNotFound,
    InterviewInfo,
    InterviewMode,
    InterviewNotFound,
    InterviewPage,
    InterviewSummary,
    InvalidInput,
    NotYourInterview,
    PromptAction,
    PromptObsolete,
    ReflectionError,
    ReminderInfo,
    ReminderKind,
    ReminderPayload,
    ReminderStatus,
    TeamDecisionInfo,
    WorkspaceReflectionSettings,
    WrongConversation,
)

__all__ = [
    "ACTION_IDS",
    "FUTURE_TOLERANCE",
    "GRADE_BANDS",
    "MAX_BACKDATE",
    "MAX_PSEUDONYM_CHARS",
    "MAX_TEXT_CHARS",
    "FailedDelivery",
    "GatheredInterview",
    "Gathering",
    "GatheringNotFound",
    "InterviewInfo",
    "InterviewMode",
    "InterviewNotFound",
    "InterviewPage",
    "InterviewService",
    "InterviewSummary",
    "InvalidInput",
    "NotYourInterview",
    "PromptAction",
    "PromptObsolete",
    "ReflectionError",
    "ReflectionService",
    "ReminderInfo",
    "ReminderKind",
    "ReminderPayload",
    "ReminderStatus",
    "TeamDecisionInfo",
    "WorkspaceReflectionSettings",
    "WrongConversation",
    "build_payload",
    "interview_key",
    "load_gathering",
    "parse_gathering_key",
    "team_gathering_key",
]


def parse_gathering_key(key: str) -> tuple[str, str]:
    """Split ``team_gathering:<channel>:<week>`` into (channel, week).

    Raises:
        InvalidInput: not a gathering key.
    """
    try:
        return _parse_key(key)
    except InterviewRuleBroken:
        raise InvalidInput(f"not a team gathering key: {key!r}") from None
