"""Every sentence of the coach work (issue 11): confirmations, refusals, flag reasons, alerts.

Plain, kind and brief (US English). Platform markup (mentions, bold) is added by
the platform adapter, never here: a function that names a person takes the
already-rendered name (``who``).
"""

from __future__ import annotations

from bot.presenters.platform_words import SLACK, CommandWords
from bot.presenters.views import CoachAlert

__all__ = [
    "ALREADY_REPLIED",
    "COACH_ADD_HINT",
    "DISPUTE_NOT_FOUND",
    "EMPTY_FEEDBACK",
    "FEEDBACK_NOT_FOUND",
    "LAST_COACH",
    "NAME_TO_ADD",
    "NOTHING_TO_SEND",
    "NOT_ALLOWED_TO_MANAGE",
    "NOT_A_COACH",
    "NOT_SENT",
    "REFUSAL_CODES",
    "coach_alert_text",
    "coach_sent",
    "flag_reason",
    "no_such_turn",
    "not_allowed_to_manage",
    "refusal_text",
    "setting_out_of_range",
    "too_long",
]

COACH_ADD_HINT = SLACK.first_coach
"""Slack's sentence on who adds the first coach (a platform's: ``CommandWords.first_coach``)."""

NOT_A_COACH = "Only coaches of this workspace can see the coach queue and transcripts."
LAST_COACH = (
    "That is the last coach here, and without one nobody could add coaches again. Add another "
    "coach first, then remove this one."
)
NOT_ALLOWED_TO_MANAGE = (
    "Only workspace admins and coaches can add or remove coaches or change flagging."
)


def not_allowed_to_manage(words: CommandWords = SLACK) -> str:
    """The refusal of adding or removing coaches (or flagging) to someone who may not.

    Args:
        words: the platform's wording (``managers``: Teams has no admin path, so only
            coaches; :meth:`bot.services.coaching.Coaching.add_coach`).
    """
    if words == SLACK:
        return NOT_ALLOWED_TO_MANAGE
    return f"Only {words.managers} can add or remove coaches."


NOT_SENT = (
    "This session wasn't sent to a coach or flagged, so it stays private to the person "
    "who practiced."
)
ALREADY_REPLIED = "You already replied to this feedback. Your coach has your reply."
NOTHING_TO_SEND = "There's no feedback to send yet. Add a comment first."
EMPTY_FEEDBACK = "Please write a few words first."
FEEDBACK_NOT_FOUND = "I couldn't find that feedback."
DISPUTE_NOT_FOUND = "I couldn't find that disagreement in this workspace."
NAME_TO_ADD = "Please name the person to add, for example /coach add @name."

REFUSAL_CODES = ("not_a_coach", "not_allowed_to_manage", "dispute_not_found", "name_to_add")
"""The refusals whose sentence names the platform's place, roles or commands (the
``reason`` of :class:`bot.services.coaching_results.CoachError`)."""


def refusal_text(reason: str, words: CommandWords = SLACK) -> str | None:
    """A coach refusal in the platform's words.

    Args:
        reason: one of :data:`REFUSAL_CODES` (anything else: None).
        words: the platform's wording; :data:`SLACK` gives the sentences the service
            raises (:data:`NOT_A_COACH`, :data:`NOT_ALLOWED_TO_MANAGE`, …) byte for byte.

    Returns:
        The sentence, or None for a reason this does not word (show the message).
    """
    if reason == "not_allowed_to_manage":
        return not_allowed_to_manage(words)
    if words == SLACK:
        return {
            "not_a_coach": NOT_A_COACH,
            "dispute_not_found": DISPUTE_NOT_FOUND,
            "name_to_add": NAME_TO_ADD,
        }.get(reason)
    return {
        "not_a_coach": (
            f"Only coaches in this {words.place} can see the coach queue and transcripts."
        ),
        "dispute_not_found": "I couldn't find that disagreement.",
        "name_to_add": f"Please pick the person to add: type {words.coach_add} in this chat.",
    }.get(reason)


def too_long(what: str, length: int, limit: int) -> str:
    """The refusal of a text over its limit (``what``: "A note", "Feedback", "A reply")."""
    return (
        f"{what} can be at most {limit:,} characters; this one has {length:,}. Please shorten it."
    )


def no_such_turn(turn_index: int, turns: int) -> str:
    """The refusal of feedback on a turn the session doesn't have."""
    return f"This session has no turn {turn_index} (it has {turns})."


def setting_out_of_range(name: str, low: float, high: float) -> str:
    """The refusal of a flagging threshold out of range."""
    return f"{name} must be between {low:g} and {high:g}."


def coach_sent(
    created: bool, coaches: int, words: CommandWords = SLACK, told: int | None = None
) -> str:
    """The confirmation of *Send to a coach*, honest about who was told.

    Args:
        created: False when the session was already waiting for a coach.
        coaches: how many coaches the workspace has (0: nobody was told).
        words: the platform's wording (who can add the first coach, and how).
        told: how many of them were sent the alert (None: all of them). A Teams coach
            who never opened a chat with the app cannot be reached (Teams opens no chat
            from an id alone); the session still waits in their queue.
    """
    if not created:
        return "This session is already waiting for a coach."
    if coaches <= 0:
        return (
            f"Saved for a coach, but this {words.place} has no coach set up yet, so no one has "
            f"been told. {words.first_coach} Once one is added, they will see this session."
        )
    told = coaches if told is None else max(0, min(told, coaches))
    later = (
        "when they open a chat with me and type “coach”"
        if words.platform == "teams"
        else words.coach_home
    )
    if told == 0:
        whom = "your coach" if coaches == 1 else f"your {coaches} coaches"
        return (
            f"Saved for {whom}, but I could not reach "
            f"{'them' if coaches == 1 else 'any of them'} yet, so no one has been told. "
            f"It is in their queue: they will see it {later}."
        )
    if coaches == 1:
        return "Sent to your coach. They have been told and can read this transcript now."
    if told == coaches:
        return (
            f"Sent to your {coaches} coaches. All {coaches} have been told and can read this "
            "transcript now."
        )
    return (
        f"Sent to your {coaches} coaches. {told} of them {'has' if told == 1 else 'have'} been "
        f"told and can read this transcript now; the others will see it in their queue {later}."
    )


def flag_reason(
    code: str, figures: dict[str, float | int | bool], words: CommandWords = SLACK
) -> str:
    """Why a session was flagged, in plain words with the figures.

    Args:
        words: the platform's wording (``place``: Slack's workspace, Teams' organization).
        code: ``findings_per_10`` or ``no_insight``.
        figures: ``findings``, ``turns``, ``rate``, ``threshold`` (findings_per_10);
            ``turns``, ``threshold`` (no_insight).
    """
    turns = int(figures.get("turns", 0))
    if code == "findings_per_10":
        findings = int(figures.get("findings", 0))
        rate = float(figures.get("rate", 0.0))
        threshold = float(figures.get("threshold", 0.0))
        noun = "finding" if findings == 1 else "findings"
        return (
            f"{findings} advice, judgment, persuasion or correction {noun} in {turns} turns: "
            f"{rate:.1f} per 10 turns, over the {threshold:g} this {words.place} set."
        )
    if code == "no_insight":
        return f"{turns} turns without reaching the hidden insight."
    return "Flagged."


def coach_alert_text(alert: CoachAlert, who: str) -> str:
    """The words of a coach's DM when a session is sent to them.

    Args:
        alert: the view.
        who: the staff member as the platform shows a person (a mention).
    """
    turns = f"{alert.turns} turn" + ("" if alert.turns == 1 else "s")
    lines = [f"{who} sent you a practice session with {alert.persona_name} ({turns}) for feedback."]
    if alert.note:
        lines.append(f"Their note: {alert.note}")
    for reason in alert.flags:
        lines.append(f"Flagged: {reason}")
    lines.append("Open it to read the transcript; they will see that you read it.")
    return "\n".join(lines)
