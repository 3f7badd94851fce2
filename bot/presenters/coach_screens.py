"""The coach screens' wording: the /coach command, the queue, transcripts, feedback, reads.

Plain text for every platform (no Slack or Teams markup); renderers add emphasis and
escape it. Where a sentence names a person, the function takes ``who``: whatever the
platform uses to show that person (a Slack mention, a Teams name), inserted as given.
The alert a coach gets when a session is sent, and the honest send confirmations,
are in :mod:`bot.presenters.coaching`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from bot.core.models import Finding
from bot.presenters.platform_words import SLACK, CommandWords

__all__ = [
    "ADD_FEEDBACK",
    "ALL",
    "COMMENT_TURN",
    "DISPUTE_STANDS",
    "DISPUTE_WRONG",
    "FEEDBACK_HINT",
    "FEEDBACK_LABEL",
    "FEEDBACK_SAVED",
    "FEEDBACK_TITLE",
    "FEEDBACK_TOO_LONG",
    "FLAGS_TITLE",
    "HELP",
    "MARK_REVIEWED",
    "NEED_PERSON",
    "NEWER",
    "NOTE_HINT",
    "NOTE_LABEL",
    "NOTE_TOO_LONG",
    "NO_COACH_YET",
    "NO_READS",
    "NO_SUCH_PERSON",
    "OLDER",
    "OPEN",
    "OPEN_SESSION",
    "PAGE_NEXT",
    "PAGE_PREVIOUS",
    "QUEUE_TITLE",
    "READS_TITLE",
    "REPLY",
    "REPLY_EMPTY",
    "REPLY_LABEL",
    "REPLY_SAVED",
    "REPLY_TITLE",
    "REVIEWED",
    "SEE_READS",
    "SEND_FEEDBACK",
    "SEND_TITLE",
    "STAFF_PROGRESS",
    "STAFF_READS_TITLE",
    "STAFF_TITLE",
    "TEAM_PROGRESS",
    "TRANSCRIPT_TITLE",
    "TRY_AGAIN",
    "UNREVIEWED",
    "coach_added",
    "coach_help",
    "coach_list",
    "coach_removed",
    "dispute_line",
    "dispute_resolved",
    "feedback_dm_intro",
    "feedback_sent",
    "feedback_where",
    "flagging_problem",
    "flagging_state",
    "mark_findings",
    "no_coach_yet",
    "page_of",
    "queue_count",
    "queue_empty",
    "read_line",
    "read_summary",
    "reply_to_coach",
    "short_day",
    "transcript_head",
    "turn_record",
    "unknown_command",
    "you_were_added",
]

MAX_NOTE_CHARS = 500
"""Longest note a staff member can send with a session (the store keeps at most this)."""

MAX_FEEDBACK_CHARS = 2000
"""Longest piece of coach feedback (the store keeps at most this)."""

HELP = (
    "Coach commands:\n"
    "/coach list: who the coaches in this workspace are\n"
    "/coach add @name: make someone a coach (workspace admins and coaches)\n"
    "/coach remove @name: stop someone being a coach\n"
    "/coach flagging on|off [findings N] [turns N]: automatic flagging of practice sessions "
    "(off unless someone turns it on)\n"
    "Coaches see the sessions sent to them, and flagged ones, on the app's Home tab. Every "
    "time a coach opens a transcript, the staff member can see it."
)
TEAMS_HELP = (
    "Coach commands (type them in this chat):\n"
    "coach: the sessions waiting for your review (coach all: every one sent or flagged)\n"
    "coach list: who the coaches in your organization are\n"
    "coach add: make someone a coach (coaches only; you pick the person)\n"
    "coach remove: stop someone being a coach\n"
    "progress, team progress: the practice charts\n"
    "Every time a coach opens a transcript, the staff member can see it."
)
"""The coach commands Teams accepts (:meth:`bot.teams.coach_flows.TeamsCoach.command`)."""


def coach_help(words: CommandWords = SLACK) -> str:
    """The coach commands of the platform (Slack: :data:`HELP`; Teams: typed words)."""
    return HELP if words == SLACK else TEAMS_HELP


NEED_PERSON = "Please name the person with @, for example: /coach add @Jordan"
NO_SUCH_PERSON = (
    "I couldn't find that person in this workspace, so nothing changed. Name them with @, "
    "for example: /coach add @Jordan"
)
TRY_AGAIN = "Something went wrong on my side, so nothing changed. Please try again in a minute."


FLAGGING_EXAMPLE = "/coach flagging on findings 3 turns 12"


def flagging_problem(what: str, typed: str) -> str:
    """Why typed ``/coach flagging`` words were not understood, with an example.

    Args:
        what: the problem id from ``bot.services.commands.FlaggingProblem``.
        typed: the offending word.
    """
    if what == "setting":
        text = f"I know two flagging settings, findings and turns, not “{typed}”."
    elif what == "missing":
        text = f"“{typed}” needs a number after it."
    elif what == "findings":
        text = f"findings needs a number of findings per 10 turns, such as 3 or 2.5, not “{typed}”."
    elif what == "turns":
        text = f"turns needs a whole number of turns, such as 12, not “{typed}”."
    else:
        text = "Say on or off first."
    return f"{text} For example: {FLAGGING_EXAMPLE}"


def unknown_command(typed: str, words: CommandWords = SLACK) -> str:
    """The answer to a coach command line that is not one of the commands."""
    return f"I don't know “{words.coach} {typed}”.\n\n{coach_help(words)}"


def coach_added(who: str, changed: bool, words: CommandWords = SLACK) -> str:
    """The confirmation of adding a coach (``changed`` False: they were a coach already)."""
    if not changed:
        return f"{who} is already a coach in this {words.place}."
    return (
        f"{who} is now a coach in this {words.place}. I've let them know; sessions sent to a "
        f"coach will show {words.coach_home}."
    )


def coach_removed(who: str, changed: bool, words: CommandWords = SLACK) -> str:
    """The confirmation of removing a coach (``changed`` False: they were not a coach)."""
    if not changed:
        return f"{who} is not a coach in this {words.place}, so nothing changed."
    return f"{who} is no longer a coach in this {words.place}."


def coach_list(whos: Sequence[str], words: CommandWords = SLACK) -> str:
    """The coach list, or who can add one when there is none (``words``: the platform's)."""
    if not whos:
        return f"No coach is set in this {words.place} yet. {words.first_coach}"
    return f"Coaches in this {words.place}: " + ", ".join(whos) + "."


def you_were_added(by: str, waiting: int = 0, words: CommandWords = SLACK) -> str:
    """The DM to someone just made a coach (``waiting``: sessions already in the queue)."""
    if words != SLACK:
        where = "type “coach” here to see the sessions waiting for you"
        text = (
            f"{by} made you a coach for this {words.place}. When a staff member sends you a "
            f"practice session, I'll tell you here at once; {where}. Staff can see when you "
            "opened their transcript."
        )
        if waiting == 1:
            text += " One session is already waiting for a coach."
        elif waiting > 1:
            text += f" {waiting} sessions are already waiting for a coach."
        return text
    text = (
        f"{by} made you a coach for this workspace. When a staff member sends you a practice "
        "session, I'll tell you here at once, and your Home tab lists the sessions waiting "
        "for you. Staff can see when you opened their transcript."
    )
    if waiting == 1:
        text += " One session is already waiting for a coach: it is on your Home tab."
    elif waiting > 1:
        text += f" {waiting} sessions are already waiting for a coach: they are on your Home tab."
    return text


NO_COACH_YET = (
    "This workspace has no coach set up yet. You can still send it: it waits in the coach "
    "queue, and the first coach added sees it there. A workspace admin can add one with "
    "/coach add @name."
)


def no_coach_yet(words: CommandWords = SLACK) -> str:
    """The warning on the send form when there is no coach (Slack: :data:`NO_COACH_YET`)."""
    return (
        f"This {words.place} has no coach set up yet. You can still send it: it waits in the "
        f"coach queue, and the first coach added sees it there. {words.first_coach}"
    )


def flagging_state(enabled: bool, findings_per_10: float, turns_without_insight: int) -> str:
    """The state of automatic flagging, after /coach flagging."""
    if not enabled:
        return (
            "Automatic flagging is off. Sessions reach coaches only when staff send them. "
            "Turn it on with /coach flagging on."
        )
    return (
        "Automatic flagging is on. A practice session is flagged for coaches when it has more "
        f"than {findings_per_10:g} intervention findings per 10 turns (after 5 turns), or "
        f"{turns_without_insight} or more turns without the hidden insight."
    )


# ---------------------------------------------------------------------- the queue

QUEUE_TITLE = "Sessions for you to review"
TEAM_PROGRESS = "Team progress chart"
STAFF_PROGRESS = "This staff member's progress"
UNREVIEWED = "Unreviewed"
ALL = "All"
NEWER = "Newer"
OLDER = "Older"
OPEN = "Open"


def queue_empty(unreviewed_only: bool) -> str:
    """What an empty queue says."""
    if unreviewed_only:
        return "Nothing is waiting for your review."
    return "No practice session has been sent to a coach or flagged yet."


def queue_count(offset: int, shown: int, total: int, unreviewed_only: bool) -> str:
    """Where this page sits in the queue (``1–5 of 12 unreviewed``)."""
    which = "unreviewed" if unreviewed_only else "in all"
    if shown == 0:
        return f"0 {which}"
    return f"{offset + 1}–{offset + shown} of {total} {which}"


# ---------------------------------------------------------------------- the transcript

TRANSCRIPT_TITLE = "Practice transcript"
STAFF_TITLE = "Your practice session"
FLAGS_TITLE = "Why it was flagged"
PAGE_PREVIOUS = "Earlier turns"
PAGE_NEXT = "Later turns"
COMMENT_TURN = "Comment on this turn"
ADD_FEEDBACK = "Feedback on the whole session"
SEND_FEEDBACK = "Send feedback"
MARK_REVIEWED = "Mark reviewed"
DISPUTE_WRONG = "The note was wrong"
DISPUTE_STANDS = "The note stands"
REVIEWED = "Marked reviewed. It is no longer in your unreviewed queue."


def transcript_head(who: str, persona_name: str, total_turns: int, status: str) -> str:
    """The line at the top of a transcript: whose practice, with whom, how long."""
    turns = f"{total_turns} turn{'s' if total_turns != 1 else ''}"
    state = "" if status == "ended" else " (still open)"
    return f"{who}'s practice with {persona_name}: {turns}{state}."


def page_of(page: int, pages: int) -> str:
    """``Page 2 of 4`` (``page`` is 0-based)."""
    return f"Page {page + 1} of {max(pages, 1)}"


def turn_record(layer_earned: str | None, trust_fell: bool) -> str:
    """What the turn did to the conversation: the layer it earned (as the persona card
    writes it: names keep their capitals), trust falling."""
    parts = []
    if layer_earned:
        parts.append(f"earned a layer of the story: {layer_earned}")
    if trust_fell:
        parts.append("trust fell")
    said = "; ".join(parts)
    return said[:1].upper() + said[1:]


def dispute_line(who: str, turn_index: int, kinds: Sequence[str], comment: str | None) -> str:
    """A staff member's disagreement with the note on one turn."""
    what = ", ".join(kinds) if kinds else "the note"
    line = f"{who} thinks the note on turn {turn_index} was wrong ({what})."
    if comment:
        line += f" They said: “{comment}”"
    return line


def dispute_resolved(verdict: str) -> str:
    """The state of a resolved disagreement."""
    if verdict == "note_wrong":
        return "Resolved: the note was wrong. It will teach the reviewer."
    if verdict == "note_stands":
        return "Resolved: the note stands."
    return "Open"


# ---------------------------------------------------------------------- feedback

FEEDBACK_TITLE = "Feedback"
FEEDBACK_LABEL = "Your feedback"
FEEDBACK_HINT = (
    "The staff member sees it once you press Send feedback. Kind and specific helps most: "
    "one thing that worked, one question to try next time."
)
FEEDBACK_SAVED = "Saved as a draft. Press Send feedback on the transcript when you're ready."
FEEDBACK_TOO_LONG = f"Please keep feedback to {MAX_FEEDBACK_CHARS:,} characters."
OPEN_SESSION = "Open session"
REPLY = "Reply"
REPLY_TITLE = "Reply to your coach"
REPLY_LABEL = "Your reply (you can reply once)"
REPLY_EMPTY = "Please write a reply, or close this form."
REPLY_SAVED = "Thanks. Your coach will see your reply."


def feedback_where(turn_index: int | None) -> str:
    """What a piece of feedback is about."""
    return "On the whole session" if turn_index is None else f"On turn {turn_index}"


def feedback_sent(who: str, count: int) -> str:
    """The coach's confirmation of Send feedback."""
    return f"Sent {count} piece{'s' if count != 1 else ''} of feedback to {who}."


def feedback_dm_intro(coach: str, persona_name: str) -> str:
    """The first line of the DM that brings feedback to the staff member."""
    return f"{coach} sent you feedback on your practice with {persona_name}."


def reply_to_coach(who: str) -> str:
    """The first line of the DM that brings a staff member's reply to the coach."""
    return f"{who} replied to your feedback:"


# ---------------------------------------------------------------------- sending, reads

SEND_TITLE = "Send to a coach"
NOTE_LABEL = "A note for the coach (optional)"
NOTE_HINT = (
    "What would you like help with? Please don't type names of students or families. "
    "Coaches in your workspace will see this practice transcript."
)
NOTE_TOO_LONG = f"Please keep the note to {MAX_NOTE_CHARS} characters."
READS_TITLE = "Who read this session"
STAFF_READS_TITLE = "Your sessions a coach has read"
SEE_READS = "See who read it"
NO_READS = "No coach has opened this session yet."


def read_line(who: str, read_at: datetime) -> str:
    """One read of a transcript: who and when (UTC)."""
    return f"{who} read it on {_utc(read_at)}"


def read_summary(whos: Sequence[str], reads: int, last: datetime) -> str:
    """How often coaches read one of your sessions, and when last (UTC)."""
    times = "once" if reads == 1 else f"{reads} times"
    return f"read {times} by {', '.join(whos)}, last on {_utc(last)}"


def short_day(dt: datetime | None) -> str:
    """A date as the coach screens show it (``Mar 5``; ``earlier`` when unknown)."""
    return f"{dt:%b} {dt.day}" if dt is not None else "earlier"


def _utc(dt: datetime) -> str:
    """E.g. ``Mar 5 at 3:07 PM UTC`` (US style, 12-hour clock)."""
    hour = dt.hour % 12 or 12
    return f"{dt:%b} {dt.day} at {hour}:{dt:%M} {dt:%p} UTC"


def mark_findings(
    text: str,
    findings: Sequence[Finding],
    *,
    escape: Callable[[str], str],
    bold: Callable[[str], str],
    number: Callable[[int], str],
) -> tuple[str, list[Finding]]:
    """The staff words with each finding's words marked and numbered, in a platform's markup.

    A finding whose span does not hold its words is placed where its words first occur;
    one whose words are not in the text is listed but not marked; overlapping findings
    share one marked stretch. Every character of ``text`` stays.

    Args:
        text: what the staff member said.
        findings: the review's findings on it (spans in characters of ``text``).
        escape: the platform's escaping of plain text.
        bold: wraps an escaped stretch in the platform's bold.
        number: the platform's marker for finding ``n`` (1-based).

    Returns:
        ``(marked, numbered)``: the marked text and the findings in number order (the
        unplaced ones last).
    """
    placed: list[tuple[int, int, Finding]] = []
    loose: list[Finding] = []
    for f in findings:
        start, end = f.span
        if not (0 <= start < end <= len(text)) or text[start:end] != f.evidence:
            at = text.find(f.evidence) if f.evidence.strip() else -1
            if at < 0:
                loose.append(f)
                continue
            start, end = at, at + len(f.evidence)
        placed.append((start, end, f))
    placed.sort(key=lambda p: (p[0], p[1]))
    groups: list[tuple[int, int, list[Finding]]] = []
    for start, end, f in placed:
        if groups and start < groups[-1][1]:
            s0, e0, fs = groups[-1]
            groups[-1] = (s0, max(e0, end), [*fs, f])
        else:
            groups.append((start, end, [f]))
    out: list[str] = []
    numbered: list[Finding] = []
    pos = 0
    for start, end, fs in groups:
        out.append(escape(text[pos:start]))
        seg = text[start:end]
        core = seg.strip()
        lead, trail = seg[: len(seg) - len(seg.lstrip())], seg[len(seg.rstrip()) :]
        nums = []
        for f in fs:
            numbered.append(f)
            nums.append(number(len(numbered)))
        out.append(f"{escape(lead)}{bold(escape(core))}{''.join(nums)}{escape(trail)}")
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out), numbered + loose
