"""A DM message is stored with its claim before Slack gets the 200 (single-token mode).

Bolt acknowledges an event before its listener runs; a process killed in between lost the
message for good, since Slack never resends an acknowledged event (found by
``bench/district_day.py``). The claim row must exist the moment the 200 arrives.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from fake_slack import FakeSlack
from slack_kit import AppServer, message_im
from sqlalchemy import text


def _claims(server: AppServer) -> dict[str, tuple[str | None, bool]]:
    async def read() -> dict[str, tuple[str | None, bool]]:
        async with server.runtime.store.unit_of_work() as uow:
            rows = await uow._session.execute(
                text("SELECT event_key, payload, done_at FROM processed_events")
            )
            return {r[0]: (r[1], r[2] is not None) for r in rows}

    return dict(server.call(read()))


def test_a_message_claimed_before_the_ack_is_answered_once(tmp_path: Path) -> None:
    with FakeSlack() as fake, AppServer(fake, tmp_path / "pre.db") as server:
        body, ctype = message_im("U1", "practice with Denise", client_msg_id="c-pre-1")
        resp = server.post((body, ctype))
        assert resp.status_code == 200
        rows = _claims(server)  # read at once: nothing has been answered yet, maybe
        assert "msg:c-pre-1" in rows
        payload = json.loads(rows["msg:c-pre-1"][0] or "{}")
        assert "practice with Denise" in json.dumps(payload)
        server.drain()
        # answered exactly once, and a retry of the same delivery is a duplicate
        retry = server.post((body, ctype), retry_num=1)
        assert retry.status_code == 200
        server.drain()
        assert _claims(server)["msg:c-pre-1"][1] is True  # done
        intros = [c for c in fake.calls_to("chat.postMessage") if c.params.get("channel") == "DU1"]
        assert len(intros) == 1, [c.params.get("text") for c in intros]


def test_a_process_that_dies_right_after_the_ack_leaves_the_message_for_recovery(
    tmp_path: Path,
) -> None:
    """The listener's work never runs (as if the process died right after the 200): the
    message is still stored with its claim, and the recovery answers it once when the
    claim's lease lapses (a short lease here)."""
    quick = {"claim_lease": 1.0, "recovery_interval": 0.2}
    with FakeSlack() as fake, AppServer(fake, tmp_path / "dead.db", settings=quick) as server:
        tasks = server.runtime.deps.tasks
        dropped: list[str] = []

        def dies(coro, *, name):  # type: ignore[no-untyped-def]
            coro.close()  # the process is gone: the background work never starts
            dropped.append(name)
            return None

        # Bolt answers the request before its listener runs, so the listener's spawn can
        # come after the 200: keep the work dropped until the recovery has answered.
        real_spawn = tasks.spawn
        tasks.spawn = dies  # type: ignore[method-assign]
        try:
            body, ctype = message_im("U1", "practice with Denise", client_msg_id="c-dead")
            assert server.post((body, ctype)).status_code == 200
            rows = _claims(server)
            assert "msg:c-dead" in rows  # stored with its claim: not lost
            assert "practice with Denise" in (rows["msg:c-dead"][0] or "")
            deadline = time.monotonic() + 30
            while not _claims(server)["msg:c-dead"][1] and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            tasks.spawn = real_spawn  # type: ignore[method-assign]
        assert dropped, "the listener's work was never dropped: the test proves nothing"
        server.drain()
        assert _claims(server)["msg:c-dead"][1] is True  # answered by the recovery
        texts = [str(c.params.get("text")) for c in fake.calls_to("chat.postMessage")]
    # answered exactly once, by the recovery, which says the reply was delayed
    assert sum(t.startswith("Practice call with Denise") for t in texts) == 1, texts
    assert sum("Sorry for the wait" in t for t in texts) == 1, texts
