"""Every Slack-facing id this app listens to or emits, in one place.

``manifest.yml`` must list exactly the commands, shortcuts and events below
(``tests/slack/test_manifest.py`` checks both directions). Block action ids
and view callback ids are not part of a manifest; they live here so the
builders (:mod:`bot.slack.blocks`) and listeners agree on them.
"""

from __future__ import annotations

__all__ = [
    "ACTION_END",
    "ACTION_HOME_REVIEW",
    "ACTION_LIVE_NOTES",
    "ACTION_PRACTICE_AGAIN",
    "ACTION_SEND_TO_COACH",
    "ACTION_START",
    "BLOCK_QUESTIONS",
    "COMMANDS",
    "COMMAND_PRACTICE",
    "COMMAND_REVIEW",
    "EVENTS",
    "EVENT_APP_HOME_OPENED",
    "EVENT_MESSAGE_IM",
    "INPUT_QUESTIONS",
    "MESSAGE_SHORTCUTS",
    "SHORTCUT_REVIEW_MESSAGE",
    "VIEW_REVIEW_QUESTIONS",
]

COMMAND_PRACTICE = "/practice"
"""Slash command: start a practice session (``/practice [persona]``)."""

COMMAND_REVIEW = "/review-questions"
"""Slash command: open the question-list review modal."""

COMMANDS: tuple[str, ...] = (COMMAND_PRACTICE, COMMAND_REVIEW)

SHORTCUT_REVIEW_MESSAGE = "review_this_question"
"""Message shortcut callback id: "Review this question" (result shown privately)."""

MESSAGE_SHORTCUTS: tuple[str, ...] = (SHORTCUT_REVIEW_MESSAGE,)

EVENT_MESSAGE_IM = "message.im"
"""Bot event: messages in the app's DM (Bolt sees it as event type ``message``)."""

EVENT_APP_HOME_OPENED = "app_home_opened"
"""Bot event: a user opened the App Home."""

EVENTS: tuple[str, ...] = (EVENT_APP_HOME_OPENED, EVENT_MESSAGE_IM)

ACTION_START = "practice_start"
"""Button: start a session with the persona in its value (gallery, picker)."""

ACTION_PRACTICE_AGAIN = "practice_again"
"""Debrief button: start a new session with the same persona (value: persona id)."""

ACTION_END = "practice_end"
"""Intro-card button: end the session in its value and post the debrief."""

ACTION_SEND_TO_COACH = "practice_send_to_coach"
"""Debrief button: ask a coach to look at the session in its value."""

ACTION_LIVE_NOTES = "settings_live_notes"
"""App Home radio buttons: live coach notes on or off."""

ACTION_HOME_REVIEW = "home_review_questions"
"""App Home button: open the question-list review modal."""

VIEW_REVIEW_QUESTIONS = "review_questions"
"""Modal callback id of the question-list review."""

BLOCK_QUESTIONS = "questions"
"""Input block id of the question list in the review modal."""

INPUT_QUESTIONS = "questions_text"
"""Action id of the multi-line input in the review modal."""
