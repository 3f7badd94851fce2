"""Export and retention: a session's transcript as a file, old practice data deleted, and
"delete my data". Platform-neutral; the Slack door and the CLI call :class:`DataRights`.

**Export** (:meth:`DataRights.export_session`) reads the stored turns (``turns`` rows,
in turn order) and the session's debrief:

- ``md``: a readable transcript, each turn with its findings and reframe, then the
  debrief's figures (:func:`bot.presenters.data_rights.transcript_markdown`).
- ``csv``: one row per turn, columns :data:`~bot.presenters.data_rights.CSV_COLUMNS`
  (``index, staff, caregiver, finding_kinds, reframe, note``). A cell that starts
  with ``= + - @``, a tab or a carriage return gets a leading ``'`` so a spreadsheet
  does not run it as a formula.
- ``json``: the stable schema below (:data:`EXPORT_SCHEMA`, version
  :data:`EXPORT_SCHEMA_VERSION`; fields are only ever added within a version)::

    {"schema": "empathy-coach/session-export", "version": 1,
     "exported_at": "<ISO 8601 UTC>",
     "session": {"id", "workspace_id", "user_id", "persona_id", "persona_name",
                 "platform", "status" ("active" | "ended"), "created_at", "ended_at"},
     "turns": [{"index" (1-based), "staff", "caregiver",
                "findings": [{"kind", "severity", "span": [start, end], "evidence",
                              "why", "source", "confidence"}],
                "reframe" (str | null), "moves": [str], "note" (str | null)}],
     "debrief": null | the debrief as DESIGN.md names its fields (turns,
                open_questions, closed_questions, findings_by_kind, follow_ups,
                reflections, reflection_to_question, talk_ratio, layers_reached,
                layers_total, hidden_insight_reached, reframes [{"asked", "try"}],
                summary, …)}

**Retention** (:meth:`DataRights.purge_older_than`): practice sessions whose last
activity (``updated_at``: the last turn, or the end) is older than the window are
deleted with every row that references them (turns, coach requests, note
disagreements, and any table added later with a foreign key to
``practice_sessions``, found from the metadata), in every workspace; so are
processed-event keys claimed before the window. Logged real interviews,
reflections, reminders, settings and team decisions are not practice data and stay.

**Delete my data** (:meth:`DataRights.delete_user_data`) deletes, in one
transaction, everything of one staff member in one workspace:

- their practice sessions and every row hanging off them (turns, coach requests,
  note disagreements, coach flags, reads and feedback: coach queues lose them too);
- their logged interviews (deleted ones too) and every row hanging off them
  (reflections, reminders about them), after leaving each interview's weekly team
  gathering (the team post is canceled when no other interview is left in it);
- their own rows on anything else: coach requests and note disagreements they made,
  reflections they wrote, their user settings (live notes, time zone), and reminders
  addressed to them by DM.

Kept, because they belong to a team or the workspace, with the person's id cleared:
team decisions they recorded (``decided_by`` emptied), weekly team-channel posts they
would have been told about if posting failed (handed to another interviewer of that
gathering, or ``user_id`` cleared when none is left), coach decisions on disagreements
(``resolved_by`` cleared). Not touched: workspace settings (an admin's choice, e.g.
who gets red-flag notes) and processed-event keys (ids only, no content; retention
removes them).
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from bot.core.debrief import Debrief
from bot.core.models import Review
from bot.personas import PersonaError, get_persona
from bot.presenters.data_rights import (
    CSV_COLUMNS,
    Transcript,
    TranscriptTurn,
    transcript_markdown,
)
from bot.presenters.practice import SESSION_NOT_FOUND, SESSION_NOT_YOURS
from bot.services.gatherings import leave_gathering
from bot.services.session_results import NotYourSession, SessionNotFound
from bot.store import Store

__all__ = [
    "EXPORT_FORMATS",
    "EXPORT_SCHEMA",
    "EXPORT_SCHEMA_VERSION",
    "RETENTION_WORKSPACE",
    "DataRights",
    "DeleteReport",
    "ExportFile",
    "ExportFormat",
    "PurgeReport",
    "RetentionJob",
]

log = logging.getLogger(__name__)

ExportFormat = Literal["md", "csv", "json"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("md", "csv", "json")
EXPORT_SCHEMA = "empathy-coach/session-export"
EXPORT_SCHEMA_VERSION = 1

_MIME: dict[str, str] = {
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

RETENTION_WORKSPACE = "_retention"
"""The processed-events "workspace" whose keys ``retention:<UTC date>`` say which
process ran the day's retention pass (so several servers do it once a day)."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ExportFile:
    """An exported session, ready to save or upload.

    Attributes:
        filename: e.g. ``practice-night-shift-mom-2026-12-01-1a2b3c4d.md``.
        mime_type: ``text/markdown; charset=utf-8`` | ``text/csv; charset=utf-8`` |
            ``application/json``.
        content: the file's bytes (UTF-8).
    """

    filename: str
    mime_type: str
    content: bytes


class PurgeReport(BaseModel):
    """What one retention pass deleted.

    Attributes:
        days: the window. cutoff: UTC; older went.
        deleted: rows deleted per table name (``practice_sessions``, ``turns``, …,
            ``processed_events``); tables with nothing deleted are left out.
    """

    model_config = ConfigDict(frozen=True)

    days: int
    cutoff: datetime
    deleted: dict[str, int]

    @property
    def total(self) -> int:
        """All rows deleted."""
        return sum(self.deleted.values())


class DeleteReport(BaseModel):
    """What "delete my data" deleted for one staff member.

    Attributes:
        workspace_id / user_id: whose data.
        deleted: rows deleted per table name (``practice_sessions``, ``turns``,
            ``interviews``, ``reminders``, ``user_settings``, …); zeros left out.
        scrubbed: rows kept for a team whose author field was cleared.
    """

    model_config = ConfigDict(frozen=True)

    workspace_id: str
    user_id: str
    deleted: dict[str, int]
    scrubbed: int = 0

    @property
    def total(self) -> int:
        """All rows deleted."""
        return sum(self.deleted.values())


def _nonzero(counts: Mapping[str, int]) -> dict[str, int]:
    return {k: int(v) for k, v in counts.items() if v}


def _safe_cell(text: str | None) -> str:
    value = text or ""
    return "'" + value if value.startswith(_FORMULA_START) else value


class DataRights:
    """Export, retention and erasure over the store.

    Args:
        store: the database.
        clock: the current UTC time (tests inject one).
    """

    def __init__(self, store: Store, *, clock: Callable[[], datetime] | None = None) -> None:
        self._store = store
        self._clock = clock or _utcnow

    # ------------------------------------------------------------------ export

    async def transcript(
        self, workspace_id: str | None, user_id: str | None, session_id: str
    ) -> Transcript:
        """Read one session as a :class:`Transcript`.

        Args:
            workspace_id: the tenant; None (operator only, with ``user_id`` None)
                finds the session in whichever workspace holds it.
            user_id: the acting staff member (must own it), or None for the operator.
            session_id: the session.

        Raises:
            SessionNotFound: no such session (in this workspace).
            NotYourSession: ``user_id`` does not own it.
        """
        if workspace_id is None and user_id is not None:
            raise SessionNotFound(SESSION_NOT_FOUND)
        async with self._store.unit_of_work() as uow:
            ws = workspace_id or await uow.purge.session_workspace(session_id)
            row = await uow.sessions.get(ws, session_id) if ws else None
            if row is None:
                raise SessionNotFound(SESSION_NOT_FOUND)
            if user_id is not None and row.user_id != user_id:
                log.warning(
                    "refused export: session %s in workspace %s belongs to another user",
                    session_id,
                    ws,
                )
                raise NotYourSession(SESSION_NOT_YOURS)
            turn_rows = await uow.turns.list_for_session(row.workspace_id, session_id)
        try:
            persona_name = get_persona(row.persona_id).name
        except PersonaError:
            persona_name = row.persona_id
        turns = tuple(
            TranscriptTurn(
                index=t.turn_index,
                staff=t.staff,
                caregiver=t.caregiver,
                review=Review.model_validate(t.review),
                note=t.note,
            )
            for t in turn_rows
        )
        return Transcript(
            session_id=row.id,
            workspace_id=row.workspace_id,
            user_id=row.user_id,
            persona_id=row.persona_id,
            persona_name=persona_name,
            platform=row.platform,
            status=row.status,
            created_at=row.created_at,
            ended_at=row.ended_at,
            turns=turns,
            debrief=Debrief.model_validate(row.debrief) if row.debrief else None,
        )

    async def export_session(
        self,
        workspace_id: str | None,
        user_id: str | None,
        session_id: str,
        fmt: ExportFormat = "md",
    ) -> ExportFile:
        """Export one session as Markdown, CSV or JSON (see the module docstring).

        Args:
            workspace_id: the tenant (None: the operator's CLI, any workspace).
            user_id: the acting staff member, who must own the session; None for the
                operator's CLI (any session of the workspace).
            session_id: the session.
            fmt: ``md`` | ``csv`` | ``json``.

        Returns:
            The :class:`ExportFile`.

        Raises:
            SessionNotFound: no such session in this workspace.
            NotYourSession: ``user_id`` does not own it.
            ValueError: an unknown format.
        """
        if fmt not in EXPORT_FORMATS:
            raise ValueError(f"unknown export format {fmt!r}; use md, csv or json")
        t = await self.transcript(workspace_id, user_id, session_id)
        if fmt == "md":
            text = transcript_markdown(t)
        elif fmt == "csv":
            text = self._csv(t)
        else:
            text = json.dumps(self.json_document(t), ensure_ascii=False, indent=2) + "\n"
        day = t.created_at.strftime("%Y-%m-%d")
        name = f"practice-{t.persona_id}-{day}-{t.session_id[:8]}.{fmt}"
        return ExportFile(filename=name, mime_type=_MIME[fmt], content=text.encode("utf-8"))

    @staticmethod
    def _csv(t: Transcript) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        for turn in t.turns:
            kinds = "; ".join(dict.fromkeys(f.kind for f in turn.review.findings))
            writer.writerow(
                [
                    turn.index,
                    _safe_cell(turn.staff),
                    _safe_cell(turn.caregiver),
                    kinds,
                    _safe_cell(turn.review.reframe),
                    _safe_cell(turn.note),
                ]
            )
        return buffer.getvalue()

    def json_document(self, t: Transcript) -> dict[str, Any]:
        """The JSON export's document (schema :data:`EXPORT_SCHEMA` version 1)."""

        def when(dt: datetime | None) -> str | None:
            return dt.astimezone(UTC).isoformat() if dt is not None else None

        return {
            "schema": EXPORT_SCHEMA,
            "version": EXPORT_SCHEMA_VERSION,
            "exported_at": when(self._clock()),
            "session": {
                "id": t.session_id,
                "workspace_id": t.workspace_id,
                "user_id": t.user_id,
                "persona_id": t.persona_id,
                "persona_name": t.persona_name,
                "platform": t.platform,
                "status": t.status,
                "created_at": when(t.created_at),
                "ended_at": when(t.ended_at),
            },
            "turns": [
                {
                    "index": turn.index,
                    "staff": turn.staff,
                    "caregiver": turn.caregiver,
                    "findings": [
                        {
                            "kind": f.kind,
                            "severity": f.severity,
                            "span": list(f.span),
                            "evidence": f.evidence,
                            "why": f.why,
                            "source": f.source,
                            "confidence": f.confidence,
                        }
                        for f in turn.review.findings
                    ],
                    "reframe": turn.review.reframe,
                    "moves": list(turn.review.moves),
                    "note": turn.note,
                }
                for turn in t.turns
            ],
            "debrief": t.debrief.model_dump(mode="json", by_alias=True) if t.debrief else None,
        }

    # ------------------------------------------------------------------ retention

    async def purge_older_than(self, days: int, *, now: datetime | None = None) -> PurgeReport:
        """Delete practice data last active more than ``days`` days before ``now``.

        Args:
            days: the window (at least 1).
            now: the current time (UTC); the clock when None.

        Returns:
            The :class:`PurgeReport`.

        Raises:
            ValueError: ``days`` below 1.
        """
        if days < 1:
            raise ValueError("the retention window must be at least one day")
        cutoff = (now or self._clock()) - timedelta(days=days)
        async with self._store.unit_of_work() as uow:
            counts = await uow.purge.purge_sessions_before(cutoff)
            counts["processed_events"] += await uow.purge.purge_events_before(cutoff)
        report = PurgeReport(days=days, cutoff=cutoff, deleted=_nonzero(counts))
        log.info("retention (%d days): deleted %d rows %s", days, report.total, report.deleted)
        return report

    async def claim_retention_day(self, now: datetime) -> bool:
        """Claim the UTC day of ``now`` for a retention pass (True for the first claimant)."""
        key = f"retention:{now.astimezone(UTC).date().isoformat()}"
        return await self._store.claim_event(RETENTION_WORKSPACE, key, now=now)

    # ------------------------------------------------------------------ one staff member

    async def delete_user_data(self, workspace_id: str, user_id: str) -> DeleteReport:
        """Delete everything of one staff member in one workspace (see the module docstring).

        Args:
            workspace_id: the tenant (from the request, never from a button value).
            user_id: the acting user (from the request, never from a button value).

        Returns:
            The :class:`DeleteReport`.
        """
        now = self._clock()
        async with self._store.unit_of_work() as uow:
            for row in await uow.purge.interviews_of(workspace_id, user_id):
                if row.gathering_key and row.deleted_at is None:
                    await leave_gathering(uow, row, now, reason="user_data_deleted")
                    await uow.interviews.update(row, gathering_key=None)
            counts, scrubbed = await uow.purge.delete_user(workspace_id, user_id)
        report = DeleteReport(
            workspace_id=workspace_id,
            user_id=user_id,
            deleted=_nonzero(counts),
            scrubbed=scrubbed,
        )
        log.info(
            "deleted the data of a user in workspace %s: %d rows %s (%d kept without author)",
            workspace_id,
            report.total,
            report.deleted,
            scrubbed,
        )
        return report


class RetentionJob:
    """The daily retention pass a server runs beside the reminder dispatcher.

    Once at start-up, then once per UTC day: each look claims the processed-event key
    ``retention:<UTC date>`` in :data:`RETENTION_WORKSPACE` (one ``INSERT … ON
    CONFLICT DO NOTHING``), and only the process that claims it runs the day's pass,
    so several servers on one database delete once a day, and the other looks cost
    one insert. The start-up pass runs even when the day's key was taken.

    Args:
        data_rights: the use cases.
        days: ``EC_RETENTION_DAYS`` (at least 1).
        clock: the current UTC time.
    """

    def __init__(
        self,
        data_rights: DataRights,
        days: int,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        if days < 1:
            raise ValueError("the retention window must be at least one day")
        self.data_rights = data_rights
        self.days = days
        self._clock = clock or _utcnow

    async def run_once(self, *, force: bool = False) -> PurgeReport | None:
        """Run the day's pass if this process claims it (or ``force``).

        Returns:
            The report, or None when another process already ran today's pass.
        """
        now = self._clock()
        claimed = await self.data_rights.claim_retention_day(now)
        if not (claimed or force):
            return None
        return await self.data_rights.purge_older_than(self.days, now=now)

    async def run_forever(self, stop: asyncio.Event, *, check_seconds: float = 3600.0) -> None:
        """Run at start-up, then look every ``check_seconds`` until ``stop`` is set.

        A failure (the database is away) is logged and retried at the next look.
        """
        force = True
        while not stop.is_set():
            try:
                await self.run_once(force=force)
                force = False
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("retention pass failed: %s (retrying later)", type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=check_seconds)
