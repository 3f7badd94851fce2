"""Practice wording, once, for every platform and the terminal.

Sentences here are plain text (no Slack or Teams markup); renderers add
emphasis and escape them. Rules about what a typed word *means* (a command,
a start request) live in :mod:`bot.services.commands`; this module only says
things.
"""

from __future__ import annotations

from bot.core.debrief import Debrief
from bot.core.models import FINDING_KINDS, FindingKind
from bot.core.persona import Persona
from bot.presenters.platform_words import SLACK, CommandWords

__all__ = [
    "ALREADY_ENDED",
    "CANT_SAVE",
    "CHANNEL_POINTER",
    "DISPUTE_BUTTON",
    "DISPUTE_COMMENT_LABEL",
    "DISPUTE_COMMENT_PLACEHOLDER",
    "DISPUTE_KINDS_LABEL",
    "DISPUTE_NOTHING",
    "DISPUTE_NO_TURN",
    "DISPUTE_PRIVACY",
    "DISPUTE_SAVED",
    "DM_POINTER",
    "ENDED",
    "FALLBACK_NOTE",
    "FORM_UNVERIFIED",
    "GOAL",
    "HELP",
    "KIND_LABELS",
    "MAX_TURN_CHARS",
    "MODEL_DOWN",
    "NOT_FOUND",
    "NOT_YOURS",
    "RETRY_NOT_HERE",
    "SESSION_BUSY",
    "SESSION_ENDED",
    "SESSION_MOVED_ON",
    "SESSION_NOT_FOUND",
    "SESSION_NOT_YOURS",
    "SIGNS",
    "SUCCESS_REMINDER",
    "TEAMS_HELP",
    "already_ended",
    "debrief_figures",
    "dm_pointer",
    "dm_pointer_in_practice",
    "file_only",
    "first_name",
    "help_text",
    "offline_partner_note",
    "starting",
    "too_long",
    "unknown_persona",
]

MAX_TURN_CHARS = 2_000
"""Longest staff message taken as one practice turn (characters): a longer paste
is almost always a whole question list, which the question review is for."""

SIGNS: tuple[str, ...] = (
    "giving advice, tips or resources",
    "pressure words such as “should” or “don't you think…”",
    "correcting the family's view of attendance",
    "judging success by whether their mind changes in the moment",
)
"""DOMAIN.md's four signs that an interview has turned into an intervention."""

GOAL = (
    "Your goal is to learn, not to fix. Ask open questions, follow up, reflect back what you "
    "hear, and leave silences."
)

KIND_LABELS: dict[FindingKind, str] = {
    "advice": "Advice",
    "judgment": "Judgment",
    "persuasion": "Persuasion",
    "correction": "Correction",
    "leading": "Leading question",
    "closed": "Closed question",
    "stacked": "Stacked questions",
    "why_blame": "“Why” that sounds like blame",
    "jargon": "Jargon",
}
"""Plain-language label of each finding kind, as staff see it."""

ENDED = (
    "This practice session has ended. Press Practice again on the debrief, or type "
    "“practice”, to start a new one."
)
ALREADY_ENDED = "This practice has already ended; your debrief is in the thread."


def already_ended(words: CommandWords = SLACK) -> str:
    """A second End press (Slack: :data:`ALREADY_ENDED`; Teams chats have no threads)."""
    return f"This practice has already ended; your debrief is {words.debrief_where}."


NOT_YOURS = "That practice session belongs to someone else, so I can't do that."
NOT_FOUND = "I couldn't find that practice session."
SESSION_NOT_FOUND = "That practice session was not found."
SESSION_NOT_YOURS = "That practice session belongs to someone else."
SESSION_ENDED = "This practice session has ended. Start a new one to go on."
SESSION_BUSY = "This practice session is busy answering another message; try again shortly."
SESSION_MOVED_ON = (
    "This practice session moved on while your message was being answered; please send it again."
)
"""The practice sessions' refusals (:mod:`bot.services.session_results` errors carry them)."""
FALLBACK_NOTE = (
    "The model did not answer, so the simplified practice partner answered this turn. "
    "The next turn will try the model again."
)
"""Visible note on a turn the scripted fallback answered (issue 3, "Failure without loss")."""
MODEL_DOWN = (
    "The practice partner is not available right now. Your message was not recorded; "
    "please send it again in a minute."
)
HELP = (
    "You're in a practice call. Type what you would say to the caregiver, one message per "
    "turn. Type “end” (or press End practice) for your debrief. To review a whole question "
    "list, use /review-questions."
)
DM_POINTER = (
    "Hi! To rehearse an empathy interview, type “practice” (or use /practice) and pick a "
    "caregiver. To check a question list, use /review-questions. To log a real interview, "
    "use /log-interview."
)
CHANNEL_POINTER = (
    "I work in your messages with me: open the app and type “practice” to rehearse a call, "
    "or use /review-questions here to check a question list privately."
)


def offline_partner_note(reason: str) -> str:
    """Why a terminal practice runs on the offline partner although a model is configured."""
    return (
        "The language model could not be reached, so you are practicing with the offline "
        f"partner. {reason}"
    )


def first_name(persona: Persona) -> str:
    """The caregiver's first name ("Rosa"), as status lines and labels use it."""
    return persona.name.split()[0]


def too_long(chars: int, words: CommandWords = SLACK) -> str:
    """The notice for a practice message over :data:`MAX_TURN_CHARS` characters.

    Args:
        chars: the message's length.
        words: the platform's command wording (how to ask for a question review).
    """
    return (
        f"That message is {chars:,} characters long; a practice turn takes up to "
        f"{MAX_TURN_CHARS:,}. Ask one question at a time (to review a whole question list, "
        f"{words.review})."
    )


TEAMS_HELP = (
    "You're in a practice call. Type what you would say to the caregiver, one message per "
    "turn. Type “end” (or press End practice) for your debrief. To review a whole question "
    "list, end the call, then type “review” and one question per line."
)


def help_text(platform: str) -> str:
    """The in-practice help for ``platform`` (``teams`` has no slash commands)."""
    return TEAMS_HELP if platform == "teams" else HELP


def dm_pointer(platform: str) -> str:
    """The pointer for a message that is no practice turn, for ``platform``."""
    return TEAMS_POINTER if platform == "teams" else DM_POINTER


def dm_pointer_in_practice(persona: Persona) -> str:
    """The pointer for a top-level DM message while a practice call is open."""
    return (
        f"Your practice call with {first_name(persona)} is still open: reply in its thread to "
        "keep talking, or type “end” there for your debrief."
    )


TEAMS_CARD_TOO_BIG = (
    "Teams refused that card because it was too big, so it wasn't shown. Nothing you "
    "typed is lost; try again with less, for example a shorter question list."
)
"""Said when the connector answers 413 to a card (issue 12: it used to be dropped)."""

CARD_NOT_UNDERSTOOD = (
    "I couldn't read that button press; it may be from an old card, so nothing was done. "
    "If a practice call is open, keep replying to it; otherwise type “practice” to start one."
)
"""True whether or not a practice is open (issue 12: it used to say start a new one)."""
TEAMS_WELCOME = (
    "Hi! I'm the empathy interview coach. Type “practice” to rehearse a call with a "
    "caregiver whose child has been missing school; I'll note leading or judging questions "
    "as you go and give you a debrief at the end."
)
TEAMS_OTHER_TENANT = (
    "This app is set up for another organization's Microsoft 365. Ask your IT team to add it "
    "for yours."
)
"""The one reply to a 1:1 message from a tenant other than ``TENANT_ID`` (the app is
single-tenant: one district)."""
TEAMS_CHAT_ONLY = "I work in your 1:1 chat with me: open it and type “practice” to rehearse a call."
TEAMS_POINTER = (
    "Hi! To rehearse an empathy interview, type “practice” and pick a caregiver. To check a "
    "question list, type “review” and then one question per line. After a real interview, "
    "type “log”; “interviews” lists the ones you logged."
)


def still_open_here(persona: Persona) -> str:
    """The reply to a new start while a practice is open in a chat without threads (Teams)."""
    return (
        f"Your practice call with {first_name(persona)} is still open in this chat: keep "
        "talking, or type “end” for your debrief before you start another."
    )


def file_only(persona_name: str | None = None) -> str:
    """The reply to a message that carries only files."""
    who = f" to {persona_name}" if persona_name else ""
    return f"I can only read text. Please type what you would say{who} as a message."


def unknown_persona(who: str) -> str:
    """The picker's intro when no caregiver matches what was typed."""
    return f"I don't know a caregiver called “{who}”."


def starting(persona: Persona) -> str:
    """The private acknowledgement of /practice NAME."""
    return f"Starting your practice call with {persona.name} in your messages with me…"


def debrief_figures(debrief: Debrief) -> list[tuple[str, str]]:
    """The debrief's figures as (label, value) pairs, in the order every platform shows them.

    Args:
        debrief: the session's debrief.

    Returns:
        Ten pairs: turns, open and closed questions, follow-ups, reflections,
        reflections per question, talk ratio, layers, hidden insight, findings by kind.
    """
    found = ", ".join(
        f"{KIND_LABELS[k].lower()} {n}"
        for k in FINDING_KINDS
        if (n := debrief.findings_by_kind.get(k))
    )
    return [
        ("Turns", str(debrief.turns)),
        ("Open questions", str(debrief.open_questions)),
        ("Closed questions", str(debrief.closed_questions)),
        ("Follow-ups", str(debrief.follow_ups)),
        ("Reflections", str(debrief.reflections)),
        ("Reflections per question", f"{debrief.reflection_to_question:g}"),
        ("Talk ratio (you : them)", f"{debrief.talk_ratio:g}"),
        ("Layers of the story", f"{debrief.layers_reached} of {debrief.layers_total}"),
        ("Hidden insight", "reached" if debrief.hidden_insight_reached else "not reached"),
        ("Findings", found or "none"),
    ]


SUCCESS_REMINDER = "Success is what you learned, not whether the family changed their mind."


DISPUTE_BUTTON = "Was this note wrong?"
DISPUTE_KINDS_LABEL = "Which part of the note was wrong?"
DISPUTE_COMMENT_LABEL = "Why? (optional)"
DISPUTE_COMMENT_PLACEHOLDER = "e.g. I was checking what she said, not leading."
DISPUTE_PRIVACY = (
    "Your disagreement is saved with the session so the reviewer can be checked and improved. "
    "Please don't type names."
)
DISPUTE_SAVED = (
    "Thanks. Your disagreement with that note is saved with the session for review; it helps "
    "the reviewer learn."
)
DISPUTE_NOTHING = "That turn has no coach note to disagree with."
DISPUTE_NO_TURN = "That turn is not part of this practice session."
FORM_UNVERIFIED = "This form could not be verified. Please open it again."

CANT_SAVE = (
    "I can't save right now, so I didn't take that message (the database is not accepting "
    "changes). Please try again in a few minutes; if it keeps happening, tell your admin."
)
RETRY_NOT_HERE = (
    "Taking a turn back is not available in chat yet (it is in the terminal: /retry). Ask "
    "your next question another way; the coach note's suggestion is a good place to start."
)

REPLY_DELAYED = "Sorry for the wait: the app restarted while I was answering this."
"""Said before a reply the recovery (or a redelivery) finished after the first try died."""
GAVE_UP = (
    "Sorry, I couldn't answer your message after several tries. Please send it again; "
    "if it keeps happening, tell your admin."
)
"""Said once when a message failed three times, instead of trying forever."""


def taking_a_moment(persona: Persona) -> str:
    """The status shown when the model is slow (about half the turn's model budget).

    Args:
        persona: the caregiver card.

    Returns:
        e.g. "Rosa is taking a moment…".
    """
    return f"{first_name(persona)} is taking a moment…"


def command_in_practice(persona_first: str, word: str) -> str:
    """The one line for an app command typed during a practice (it is no turn).

    Args:
        persona_first: the caregiver's first name.
        word: the Teams command word (a value of :data:`bot.teams.handlers.MENU_WORDS`).

    Returns:
        A sentence naming the call and what to type.
    """
    then = "to start another" if word == "practice" else "again"
    return (
        f"You're in a practice call with {persona_first}, so “{word}” was not sent to "
        f"{persona_first}. Type “end” to finish the call, then type “{word}” {then}."
    )
