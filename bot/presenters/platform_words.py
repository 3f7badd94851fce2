"""How people ask the app for things on each platform: the words the sentences quote.

Slack has slash commands (``/review-questions``, ``/coach add @name``) and workspace
admins; Teams has neither: people type words in their chat with the app (``review``,
``coach add``, the words :mod:`bot.teams.handlers` and :mod:`bot.teams.coach_flows`
accept), and Teams does not tell the app who is a tenant admin, so only coaches add
coaches there (the first ones come from ``EC_COACH_USER_IDS``; see
:meth:`bot.services.coaching.Coaching.add_coach`, called with ``actor_is_admin=False``
by the Teams adapter). A presenter function that quotes a command takes a
:class:`CommandWords`; :data:`SLACK` keeps Slack's sentences byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SLACK", "TEAMS", "CommandWords", "words_for"]


@dataclass(frozen=True)
class CommandWords:
    """One platform's command wording.

    Attributes:
        platform: ``slack`` or ``teams``.
        review: how to ask for a question-list review, after "to review a whole
            question list, …".
        coach: the coach command as typed (``/coach``, ``coach``).
        coach_add: how to add a coach, after "can add one with" (``/coach add @name``).
        example_add: a full example of adding one (``/coach add @Jordan``).
        place: where coaches belong (``workspace``; Teams: ``organization``).
        first_coach: who can add the first coach, one sentence.
        managers: who may add or remove coaches (``workspace admins and coaches``).
        coach_home: where a coach finds the sessions waiting (``on their Home tab``).
        debrief_where: where a practice's debrief is (``in the thread``; Teams chats
            have no threads).
    """

    platform: str
    review: str
    coach: str
    coach_add: str
    example_add: str
    place: str
    first_coach: str
    managers: str
    coach_home: str
    debrief_where: str


SLACK = CommandWords(
    platform="slack",
    review="use /review-questions",
    coach="/coach",
    coach_add="/coach add @name",
    example_add="/coach add @Jordan",
    place="workspace",
    first_coach="A workspace admin can add one with /coach add @name.",
    managers="workspace admins and coaches",
    coach_home="on their Home tab",
    debrief_where="in the thread",
)
"""Slack: slash commands, workspace admins, the App Home tab."""

TEAMS = CommandWords(
    platform="teams",
    review="end the call, then type “review” and one question per line",
    coach="coach",
    coach_add="coach add",
    example_add="coach add",
    place="organization",
    first_coach=(
        "A coach can add one: they type “coach add” in their chat with me. The first coaches "
        "can be set by your IT team."
    ),
    managers="coaches",
    coach_home="when they type “coach” in their chat with me",
    debrief_where="above in this chat",
)
"""Teams: words typed in the 1:1 chat; no admins (coaches add coaches); no Home tab."""


def words_for(platform: str) -> CommandWords:
    """The command wording of ``platform`` (``teams``: :data:`TEAMS`; anything else: Slack's)."""
    return TEAMS if platform == "teams" else SLACK
