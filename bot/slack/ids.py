"""Every Slack-facing id this app listens to or emits, in one place.

``manifest.yml`` must list exactly the commands, shortcuts and events below
(``tests/slack/test_manifest.py`` checks both directions). Block action ids
and view callback ids are not part of a manifest; they live here so the
builders (:mod:`bot.slack.blocks`) and listeners agree on them, and so do the
input block and element ids of the after-interview modals.
"""

from __future__ import annotations

__all__ = [
    "ACTION_COACH_COMMENT",
    "ACTION_COACH_OPEN",
    "ACTION_COACH_PAGE",
    "ACTION_COACH_PROGRESS",
    "ACTION_COACH_QUEUE",
    "ACTION_COACH_REVIEWED",
    "ACTION_COACH_SEND",
    "ACTION_DELETE_INTERVIEW",
    "ACTION_DELETE_MY_DATA",
    "ACTION_DELETE_MY_DATA_CANCEL",
    "ACTION_DISPUTE_NOTE",
    "ACTION_DISPUTE_STANDS",
    "ACTION_DISPUTE_WRONG",
    "ACTION_DOWNLOAD_TRANSCRIPT",
    "ACTION_EDIT_INTERVIEW_TIME",
    "ACTION_END",
    "ACTION_FEEDBACK_REPLY",
    "ACTION_HOME_REVIEW",
    "ACTION_INTERVIEW_PAGE",
    "ACTION_LIVE_NOTES",
    "ACTION_LOG_INTERVIEW",
    "ACTION_OPEN_EXACT_WORDS",
    "ACTION_OPEN_REFLECTION",
    "ACTION_PRACTICE_AGAIN",
    "ACTION_PROGRESS_CHART",
    "ACTION_RECORD_DECISION",
    "ACTION_SEND_TO_COACH",
    "ACTION_STAFF_OPEN",
    "ACTION_STAFF_PAGE",
    "ACTION_START",
    "BLOCK_COACH_NOTE",
    "BLOCK_FEEDBACK",
    "BLOCK_QUESTIONS",
    "BLOCK_REPLY",
    "COMMANDS",
    "COMMAND_COACH",
    "COMMAND_LOG_INTERVIEW",
    "COMMAND_PRACTICE",
    "COMMAND_REVIEW",
    "EVENTS",
    "EVENT_APP_HOME_OPENED",
    "EVENT_MESSAGE_IM",
    "FIELDS",
    "INPUT_QUESTIONS",
    "MESSAGE_SHORTCUTS",
    "PROMPT_ACTIONS",
    "PROMPT_METADATA_EVENT",
    "SHORTCUT_REVIEW_MESSAGE",
    "VIEW_COACH_FEEDBACK",
    "VIEW_COACH_TRANSCRIPT",
    "VIEW_DISPUTE_NOTE",
    "VIEW_EDIT_INTERVIEW_TIME",
    "VIEW_EXACT_WORDS",
    "VIEW_FEEDBACK_REPLY",
    "VIEW_LOG_INTERVIEW",
    "VIEW_REFLECTION",
    "VIEW_REVIEW_QUESTIONS",
    "VIEW_SEND_TO_COACH",
    "VIEW_STAFF_SESSION",
    "VIEW_TEAM_DECISION",
    "element_id",
]

COMMAND_PRACTICE = "/practice"
"""Slash command: start a practice session (``/practice [persona]``)."""

COMMAND_REVIEW = "/review-questions"
"""Slash command: open the question-list review modal."""

COMMAND_LOG_INTERVIEW = "/log-interview"
"""Slash command: open the modal that logs a real interview (issue 5)."""

COMMAND_COACH = "/coach"
"""Slash command: coaches and automatic flagging (``/coach add @name`` …; issue 11)."""

COMMANDS: tuple[str, ...] = (
    COMMAND_PRACTICE,
    COMMAND_REVIEW,
    COMMAND_LOG_INTERVIEW,
    COMMAND_COACH,
)

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

ACTION_DOWNLOAD_TRANSCRIPT = "practice_download_transcript"
"""Debrief button: the session's transcript as a Markdown file in the DM (value: session id)."""

ACTION_DELETE_MY_DATA = "delete_my_data"
"""``/practice delete-my-data``'s Delete button, behind a confirmation dialog. Its value is
ignored: whose data goes is always the clicking user's, in the payload's workspace."""

ACTION_DELETE_MY_DATA_CANCEL = "delete_my_data_cancel"
"""``/practice delete-my-data``'s Cancel button."""

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


# ---------------------------------------------------------------------- after real interviews

ACTION_LOG_INTERVIEW = "log_interview"
"""Button: open the log-interview modal (App Home: value ``new``; the second-round
prompt: value the earlier interview's id, whose pseudonym, grade and team are prefilled)."""

ACTION_EDIT_INTERVIEW_TIME = "interview_edit_time"
"""App Home button: change when an interview happened (value: interview id)."""

ACTION_DELETE_INTERVIEW = "interview_delete"
"""App Home button, behind a confirmation dialog: delete an interview (value: interview id)."""

ACTION_OPEN_EXACT_WORDS = "open_exact_words"
"""Prompt button: open the exact-words modal (value: interview id)."""

ACTION_OPEN_REFLECTION = "open_reflection"
"""Prompt button: open the reflection modal (value: interview id)."""

ACTION_RECORD_DECISION = "record_team_decision"

ACTION_INTERVIEW_PAGE = "home_interview_page"
"""App Home: show older or newer interviews (value: the page's offset)."""

ACTION_DISPUTE_NOTE = "coach_note_wrong"
"""A coach note's "Was this note wrong?" (value: ``<session id>:<turn>``)."""

VIEW_DISPUTE_NOTE = "note_dispute_modal"
"""The modal that records why a coach note was wrong (kinds and a comment)."""

ACTION_PROGRESS_CHART = "home_progress_chart"
ACTION_COACH_PROGRESS = "coach_progress_chart"
"""A coach's progress chart: value ``team`` (the workspace) or ``staff:<user id>``."""
"""App Home: "Show my progress chart" sends the viewer's own chart to their DM (value: ``own``)."""
"""App Home: show older or newer interviews (value: the page's offset)."""
"""Team gathering button: open the team-decision modal (value: the gathering key)."""

PROMPT_ACTIONS: dict[str, str] = {
    "open_exact_words": ACTION_OPEN_EXACT_WORDS,
    "open_reflection": ACTION_OPEN_REFLECTION,
    "record_team_decision": ACTION_RECORD_DECISION,
    "log_interview": ACTION_LOG_INTERVIEW,
}
"""Platform-neutral button ids (:data:`bot.services.reflection.ACTION_IDS`) -> Slack action ids."""

VIEW_LOG_INTERVIEW = "log_interview_modal"
"""Modal callback id: log a real interview."""

VIEW_EDIT_INTERVIEW_TIME = "interview_time_modal"
"""Modal callback id: change an interview's time."""

VIEW_EXACT_WORDS = "exact_words_modal"
"""Modal callback id: the caregiver's exact words."""

VIEW_REFLECTION = "reflection_modal"
"""Modal callback id: the four reflection questions and "Nothing new came up"."""

VIEW_TEAM_DECISION = "team_decision_modal"
"""Modal callback id: the one thing the team will try."""

FIELDS: dict[str, str] = {
    "happened_on": "happened_on",
    "happened_at": "happened_at",
    "pseudonym": "pseudonym",
    "grade_band": "grade_band",
    "mode": "mode",
    "team_channel": "team_channel",
    "notes": "notes",
    "text": "exact_words",
    "surprised": "surprised",
    "assumption_challenged": "assumption_challenged",
    "not_in_data": "not_in_data",
    "do_differently": "do_differently",
    "nothing_new": "nothing_new",
    "decision": "decision",
    "dispute_kinds": "dispute_kinds",
    "dispute_comment": "dispute_comment",
}
"""Input block id of each after-interview modal field, keyed by the service's
parameter name (:attr:`bot.services.reflection.InvalidInput.field`), so a
service error is shown beside its field. Each block's element has the action
id :func:`element_id` of it."""


def element_id(block_id: str) -> str:
    """The action id of the input element inside an after-interview modal's input block.

    Args:
        block_id: a value of :data:`FIELDS`.

    Returns:
        ``<block_id>_input``.
    """
    return f"{block_id}_input"


PROMPT_METADATA_EVENT = "empathy_coach_prompt"
"""``metadata.event_type`` of every reminder post; its ``event_payload`` holds the
reminder's ``idempotency_key`` (and ``part`` for a post split over messages)."""


# ---------------------------------------------------------------------- coaches (issue 11)
# Button values carry only ids; every press is checked again by the coaching service.

ACTION_COACH_QUEUE = "coach_queue"
"""App Home: the coach queue's filter and pages (value: ``unreviewed:<offset>``
or ``all:<offset>``)."""

ACTION_COACH_OPEN = "coach_open_session"
"""Queue row or the coach's alert DM: open a session's transcript (value: session id)."""

ACTION_COACH_PAGE = "coach_transcript_page"
"""Transcript modal: earlier or later turns (value: ``<session id>:<page>``)."""

ACTION_COACH_COMMENT = "coach_comment"
"""Transcript modal: feedback on one turn or the session (value: ``<session id>:<turn or all>``)."""

ACTION_COACH_SEND = "coach_send_feedback"
"""Transcript modal: send the drafts to the staff member (value: session id)."""

ACTION_COACH_REVIEWED = "coach_mark_reviewed"
"""Transcript modal: mark the session reviewed (value: session id)."""

ACTION_DISPUTE_WRONG = "coach_dispute_wrong"
"""Transcript modal: resolve a disagreement, the note was wrong (value: dispute id)."""

ACTION_DISPUTE_STANDS = "coach_dispute_stands"
"""Transcript modal: resolve a disagreement, the note stands (value: dispute id)."""

ACTION_STAFF_OPEN = "staff_open_session"
"""Feedback DM: the staff member opens their own session (value: session id)."""

ACTION_STAFF_PAGE = "staff_session_page"
"""The staff member's session modal: earlier or later turns (value: ``<session id>:<page>``)."""

ACTION_FEEDBACK_REPLY = "feedback_reply"
"""Feedback DM: reply to the coach once (value: feedback id)."""

VIEW_SEND_TO_COACH = "send_to_coach_modal"
"""Modal callback id: send a session to a coach, with an optional note."""

VIEW_COACH_TRANSCRIPT = "coach_transcript_modal"
"""Callback id of the transcript modal (it has no submit; its buttons act)."""

VIEW_STAFF_SESSION = "staff_session_modal"
"""Callback id of the staff member's own session modal (no submit)."""

VIEW_COACH_FEEDBACK = "coach_feedback_modal"
"""Modal callback id: the coach's feedback on a turn or the whole session."""

VIEW_FEEDBACK_REPLY = "feedback_reply_modal"
"""Modal callback id: the staff member's one reply to feedback."""

BLOCK_COACH_NOTE = "coach_request_note"
"""Input block id of the note in the send-to-a-coach modal (element: :func:`element_id`)."""

BLOCK_FEEDBACK = "coach_feedback_text"
"""Input block id of the feedback text (element: :func:`element_id`)."""

BLOCK_REPLY = "feedback_reply_text"
"""Input block id of the reply text (element: :func:`element_id`)."""
