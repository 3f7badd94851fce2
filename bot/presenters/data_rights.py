"""Wording of exports, retention and "delete my data", for every platform and the terminal.

The transcript views (:class:`Transcript`, :class:`TranscriptTurn`) are plain data
the service fills from the store; :func:`transcript_markdown` and :data:`CSV_COLUMNS`
say how a person reads them. Sentences are plain text; renderers escape them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.debrief import Debrief
from bot.core.models import Review
from bot.presenters.practice import KIND_LABELS, SUCCESS_REMINDER, debrief_figures

__all__ = [
    "CSV_COLUMNS",
    "DELETE_BUTTON",
    "DELETE_CANCELED",
    "DELETE_CONFIRM_TEXT",
    "DELETE_CONFIRM_TITLE",
    "DELETE_FAILED",
    "DELETE_KEEP",
    "DELETE_QUESTION",
    "DOWNLOAD_BUTTON",
    "DOWNLOAD_COMMENT",
    "DOWNLOAD_FAILED",
    "KIND_WORDS",
    "Transcript",
    "TranscriptTurn",
    "deleted_summary",
    "kind_word",
    "retention_summary",
    "transcript_markdown",
]

CSV_COLUMNS: tuple[str, ...] = ("index", "staff", "caregiver", "finding_kinds", "reframe", "note")
"""The CSV export's header: one row per turn; ``finding_kinds`` are the reviewer's
kind ids (``advice``, ``closed`` …) joined by ``"; "``."""

KIND_WORDS: dict[str, tuple[str, str]] = {
    "practice_sessions": ("practice session", "practice sessions"),
    "turns": ("turn", "turns"),
    "coach_requests": ("coach request", "coach requests"),
    "note_disputes": ("note disagreement", "note disagreements"),
    "interviews": ("logged interview", "logged interviews"),
    "reflections": ("reflection", "reflections"),
    "reminders": ("reminder", "reminders"),
    "user_settings": ("saved setting", "saved settings"),
    "processed_events": ("old message receipt", "old message receipts"),
    "session_flags": ("coach flag", "coach flags"),
    "coach_reads": ("coach read record", "coach read records"),
    "coach_feedback": ("coach feedback note", "coach feedback notes"),
}
"""Plain words (singular, plural) for each table a deletion counts."""

_ORDER = tuple(KIND_WORDS)


def kind_word(table: str, n: int) -> str:
    """``"3 turns"``, ``"1 practice session"``; an unknown table reads as its name's words."""
    one, many = KIND_WORDS.get(table, (table.replace("_", " "), table.replace("_", " ")))
    return f"{n} {one if n == 1 else many}"


def _counted(counts: Mapping[str, int]) -> list[str]:
    known = [t for t in _ORDER if counts.get(t)]
    other = sorted(t for t in counts if t not in KIND_WORDS and counts[t])
    return [kind_word(t, counts[t]) for t in (*known, *other)]


def _join(parts: list[str]) -> str:
    if len(parts) <= 2:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + ", and " + parts[-1]


def deleted_summary(counts: Mapping[str, int]) -> str:
    """What "delete my data" tells the staff member afterwards.

    Args:
        counts: rows deleted per table name.

    Returns:
        e.g. "Done. I deleted 2 practice sessions, 9 turns and 1 saved setting. …"
    """
    parts = _counted(counts)
    if not parts:
        return "There was nothing of yours to delete. Nothing is stored about you now."
    return (
        f"Done. I deleted {_join(parts)}. Nothing else of yours is stored here; "
        "team decisions you recorded stay with the team, without your name."
    )


def retention_summary(days: int, counts: Mapping[str, int]) -> str:
    """The line ``empathy-coach retention run`` prints (what was older than ``days`` days)."""
    parts = _counted(counts)
    if not parts:
        return f"Nothing was older than {_days(days)}; nothing was deleted."
    return f"Deleted practice data older than {_days(days)}: {_join(parts)}."


def _days(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


DELETE_QUESTION = (
    "Delete all of your data here? This removes your practice sessions and transcripts, "
    "coach requests and note disagreements, logged interviews, reflections, reminders and "
    "settings. Coaches will no longer see your sessions. This can't be undone."
)
DELETE_BUTTON = "Delete my data"
DELETE_KEEP = "Cancel"
DELETE_CONFIRM_TITLE = "Delete everything?"
DELETE_CONFIRM_TEXT = "Your sessions, interviews and settings will be gone for good."
DELETE_CANCELED = "Okay, nothing was deleted."
DELETE_FAILED = "I couldn't delete your data right now. Nothing was changed; please try again."

DOWNLOAD_BUTTON = "Download transcript"
DOWNLOAD_COMMENT = "Here is the transcript of your practice session."
DOWNLOAD_FAILED = "I couldn't send the transcript right now. Please try again in a minute."


# ---------------------------------------------------------------------- transcripts


@dataclass(frozen=True)
class TranscriptTurn:
    """One turn of an exported session.

    Attributes:
        index: 1-based turn number. staff / caregiver: the two texts.
        review: the reviewer's findings and reframe for the staff text.
        note: a note shown on the turn (e.g. the offline partner answered), or None.
    """

    index: int
    staff: str
    caregiver: str
    review: Review
    note: str | None = None


@dataclass(frozen=True)
class Transcript:
    """An exported practice session.

    Attributes:
        session_id / workspace_id / user_id: which session, whose.
        persona_id / persona_name: the caregiver.
        platform / status: where it ran; ``active`` or ``ended``.
        created_at / ended_at: UTC.
        turns: in order. debrief: once ended, else None.
    """

    session_id: str
    workspace_id: str
    user_id: str
    persona_id: str
    persona_name: str
    platform: str
    status: str
    created_at: datetime
    ended_at: datetime | None
    turns: tuple[TranscriptTurn, ...] = field(default_factory=tuple)
    debrief: Debrief | None = None


def _md(text: str) -> str:
    """One paragraph of user text for Markdown: lines kept, nothing read as markup."""
    lines = [line.rstrip() for line in text.strip().splitlines()] or [""]
    escaped = []
    for line in lines:
        for ch in "\\`*_[]<>#|":
            line = line.replace(ch, "\\" + ch)
        escaped.append(line)
    return "  \n".join(escaped)


def _finding_lines(review: Review) -> list[str]:
    return [f"- {KIND_LABELS[f.kind]}: “{_md(f.evidence)}”. {_md(f.why)}" for f in review.findings]


def transcript_markdown(t: Transcript) -> str:
    """A readable Markdown transcript: each turn with its findings and reframe, then the debrief.

    Args:
        t: the session.

    Returns:
        Markdown text (UTF-8 when encoded), ending with a newline.
    """
    name = t.persona_name.split()[0] if t.persona_name else t.persona_id
    day = t.created_at.strftime("%B %-d, %Y")
    out = [
        f"# Practice with {_md(t.persona_name)}",
        "",
        f"Started {day} ({t.created_at:%H:%M} UTC) · "
        + ("ended" if t.status == "ended" else "not ended yet")
        + f" · {len(t.turns)} {'turn' if len(t.turns) == 1 else 'turns'}",
        "",
    ]
    if not t.turns:
        out += ["No turns were taken in this session.", ""]
    for turn in t.turns:
        out += [
            f"## Turn {turn.index}",
            "",
            f"**You:** {_md(turn.staff)}",
            "",
            f"**{_md(name)}:** {_md(turn.caregiver)}",
            "",
        ]
        found = _finding_lines(turn.review)
        if found:
            out += ["Coach notes:", "", *found, ""]
        if turn.review.reframe:
            out += [f"Try instead: “{_md(turn.review.reframe)}”", ""]
        if turn.note:
            out += [f"_{_md(turn.note)}_", ""]
    if t.debrief is not None:
        d = t.debrief
        out += ["## Debrief", "", _md(d.summary), ""]
        out += [f"- {label}: {value}" for label, value in debrief_figures(d)]
        out.append("")
        if d.reframes:
            out += ["### Reframes worth trying", ""]
            for r in d.reframes:
                out.append(f"- You asked: “{_md(r.asked)}” Try: “{_md(r.try_)}”")
            out.append("")
        out += [SUCCESS_REMINDER, ""]
    return "\n".join(out)
