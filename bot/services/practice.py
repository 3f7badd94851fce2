"""The practice use case: one session with a simulated caregiver, turn by turn.

Used by the CLI, Slack and Teams alike::

    service = PracticeService(persona, responder=ScriptedResponder())
    turn = await service.take_turn("Tell me about a morning that goes well.", on_delta=show)
    ...
    debrief = service.end()

One turn: the engine plans what the caregiver may say (trust, disclosure), the
responder voices the plan (streaming deltas to ``on_delta``), the review is
finished (rules, plus the model per ``review_mode``), and the engine records
the turn. A model that fails after its client's retries never loses the turn:
the scripted fallback voices the *same* plan and the turn carries
:data:`FALLBACK_NOTE`; the next turn tries the model again.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from bot.core.models import Review
from bot.core.persona import Persona
from bot.core.practice import PracticeEngine, ReplyPlan, Turn, Usage
from bot.llm.base import Responder
from bot.llm.errors import ModelError
from bot.llm.scripted import ScriptedResponder
from bot.presenters.practice import FALLBACK_NOTE
from bot.services.review import ModelReviewerPort, ReviewMode, ReviewResult, review_one

if TYPE_CHECKING:
    from bot.core.debrief import Debrief

__all__ = [
    "FALLBACK_NOTE",
    "DeltaCallback",
    "PracticeService",
    "ResetCallback",
]

log = logging.getLogger(__name__)


DeltaCallback = Callable[[str], Awaitable[None] | None]
"""Receives each text delta of the caregiver's reply as it arrives (sync or async)."""

ResetCallback = Callable[[], Awaitable[None] | None]
"""Told to clear the deltas shown so far (a model stream broke mid-reply)."""


async def _call(callback: Callable[..., Any] | None, *args: Any) -> None:
    """Call a sync or async callback, awaiting it when it returns an awaitable."""
    if callback is None:
        return
    result = callback(*args)
    if inspect.isawaitable(result):
        await result


def _add(a: Usage, b: Usage) -> Usage:
    return Usage(
        prompt_tokens=a.prompt_tokens + b.prompt_tokens,
        completion_tokens=a.completion_tokens + b.completion_tokens,
    )


class PracticeService:
    """One practice session: engine + responder (+ fallback, + model reviewer).

    Not safe for two concurrent :meth:`take_turn` calls on the same session
    (turns are sequential by nature); separate sessions may share one
    responder and one model reviewer.
    """

    def __init__(
        self,
        persona: Persona,
        *,
        responder: Responder,
        fallback: ScriptedResponder | None = None,
        model_reviewer: ModelReviewerPort | None = None,
        review_mode: ReviewMode = "rules",
        seed: int = 0,
        engine: PracticeEngine | None = None,
        budget: float | None = None,
    ) -> None:
        """Start a session.

        Args:
            persona: the caregiver card.
            responder: voices the caregiver (scripted or model-backed).
            fallback: answers a turn when ``responder`` raises
                :class:`~bot.llm.errors.ModelError`. When None and
                ``responder`` is not itself scripted, a default
                :class:`~bot.llm.scripted.ScriptedResponder` is made on first need.
            model_reviewer: adds model findings per ``review_mode``; None
                means rules only whatever the mode.
            review_mode: ``rules`` | ``hybrid`` | ``model``. In ``hybrid`` the
                model review runs concurrently with the caregiver's reply (no
                added waiting) for turns where the rules found no
                intervention; the caregiver reacts to the rules review. In
                ``model`` the model review comes first (one extra round trip)
                so the caregiver reacts to it.
            seed: session seed (the engine and scripted responder derive their
                choices from it), ignored when ``engine`` is given.
            engine: an existing engine (e.g. restored from storage); a new
                ``PracticeEngine(persona, seed=seed)`` when None.
            budget: most seconds one turn waits for the model in all (the
                review and the reply, the client's retries included); past it
                the fallback answers with :data:`FALLBACK_NOTE` and the rules
                review stands. None: no bound beyond the client's own timeouts.
        """
        if engine is None:
            engine = PracticeEngine(persona, seed=seed)
        self._engine = engine
        self._persona = persona
        self._responder = responder
        self._fallback: Responder | None = fallback
        self._model_reviewer = model_reviewer
        self._review_mode: ReviewMode = review_mode
        self._usage = Usage()
        self._reply_usage = Usage()
        self._review_usage = Usage()
        self._fallback_turns = 0
        self._closers: list[Callable[[], Awaitable[None]]] = []
        self.budget = budget
        self.startup_note: str | None = None
        """A plain note for the staff member about how the session started (e.g. the
        model was unreachable and the offline partner answers), or None."""

    # ------------------------------------------------------------------ properties

    @property
    def engine(self) -> PracticeEngine:
        """The session's practice engine (owns trust, disclosure and the turns)."""
        return self._engine

    @property
    def persona(self) -> Persona:
        """The caregiver card of this session."""
        return self._persona

    @property
    def backend(self) -> str:
        """Name of the primary responder (``"scripted"`` or ``"openai"``)."""
        return getattr(self._responder, "name", type(self._responder).__name__)

    @property
    def usage(self) -> Usage:
        """Model tokens spent so far in this session (all turns, replies and reviews)."""
        return self._usage

    @property
    def fallback_turns(self) -> int:
        """How many turns the scripted fallback answered because the model failed."""
        return self._fallback_turns

    # ------------------------------------------------------------------ turns

    async def take_turn(
        self,
        staff_text: str,
        on_delta: DeltaCallback | None = None,
        *,
        on_reset: ResetCallback | None = None,
    ) -> Turn:
        """Answer one staff utterance and record the turn.

        Args:
            staff_text: what the staff member said, exactly as typed.
            on_delta: receives each reply delta as it arrives (sync or async).
            on_reset: called when a model stream failed after some deltas were
                already passed to ``on_delta``; the platform should clear them,
                the fallback's deltas follow. ``Turn.caregiver`` is always the
                authoritative full reply.

        Returns:
            The recorded :class:`~bot.core.practice.Turn`, with the final
            review, the fallback note when the model failed, and the model
            tokens of this turn in ``usage``.

        Raises:
            Exception: only what the scripted fallback or the engine raise
                (bugs); model failures are absorbed.
        """
        context = self._last_caregiver()
        usage = Usage()
        pre_review: Review | None = None
        loop = asyncio.get_running_loop()
        deadline = None if self.budget is None else loop.time() + self.budget

        if self._model_reviewer is not None and self._review_mode == "model":
            try:
                async with asyncio.timeout_at(deadline):
                    result = await review_one(
                        staff_text,
                        model_reviewer=self._model_reviewer,
                        mode="model",
                        context=context,
                    )
            except TimeoutError:
                log.warning("model review took longer than the turn's budget; rules review used")
            else:
                pre_review = result.review
                usage = _add(usage, result.usage)
                self._review_usage = _add(self._review_usage, result.usage)

        plan = self._engine.plan(staff_text, review=pre_review)
        try:
            review_task: asyncio.Future[ReviewResult] | None = None
            if self._model_reviewer is not None and self._review_mode == "hybrid":
                review_task = asyncio.ensure_future(
                    review_one(
                        staff_text,
                        model_reviewer=self._model_reviewer,
                        mode="hybrid",
                        rules=plan.review,
                        context=context,
                    )
                )  # runs alongside the reply: no added waiting
            try:
                text, reply_usage, note = await self._voice(plan, on_delta, on_reset, deadline)
            except BaseException:
                if review_task is not None:
                    review_task.cancel()
                raise
            final_review = plan.review
            if review_task is not None:
                left = None if deadline is None else max(deadline - loop.time(), 0.0)
                try:
                    result = await asyncio.wait_for(review_task, left)
                except TimeoutError:
                    log.warning("model review took longer than the turn's budget; rules stand")
                else:
                    final_review = result.review
                    usage = _add(usage, result.usage)
                    self._review_usage = _add(self._review_usage, result.usage)
            usage = _add(usage, reply_usage)
            self._reply_usage = _add(self._reply_usage, reply_usage)
            self._usage = _add(self._usage, usage)
        except BaseException:
            cancel = getattr(self._engine, "cancel", None)
            if cancel is not None:
                cancel()  # the plan was never voiced: undo its trust/disclosure
            raise
        review_arg = final_review if final_review is not plan.review else None
        return self._engine.record(plan, text, note=note, usage=usage, review=review_arg)

    async def _voice(
        self,
        plan: ReplyPlan,
        on_delta: DeltaCallback | None,
        on_reset: ResetCallback | None,
        deadline: float | None = None,
    ) -> tuple[str, Usage, str | None]:
        """Voice ``plan`` with the responder, or the fallback when it fails or
        is still not done at ``deadline`` (the event loop's clock).

        Returns:
            ``(reply text, model usage, note or None)``.
        """
        shown = False
        parts: list[str] = []
        try:
            stream = self._responder.stream(plan)
            async with asyncio.timeout_at(deadline):
                async for delta in stream:
                    if not delta:
                        continue
                    parts.append(delta)
                    shown = True
                    await _call(on_delta, delta)
            usage = getattr(stream, "usage", None)
            return "".join(parts), usage if isinstance(usage, Usage) else Usage(), None
        except ModelError as exc:
            log.warning(
                "turn %s: model reply unavailable (%s); fallback answers",
                plan.turn_index,
                exc.reason,
            )
            failed_usage = getattr(exc, "usage", None)
        except TimeoutError:
            log.warning(
                "turn %s: the model took longer than the turn's %g s budget; fallback answers",
                plan.turn_index,
                self.budget or 0,
            )
            failed_usage = None
        except Exception as exc:
            if self._fallback is None:
                raise  # the offline partner itself failed: a bug, not an outage
            # Anything else while building or reading a model request (a lone surrogate
            # the HTTP layer cannot encode, a malformed answer) is a model failure too:
            # the offline partner answers, never silence.
            log.warning(
                "turn %s: model reply failed (%s); fallback answers",
                plan.turn_index,
                type(exc).__name__,
            )
            failed_usage = None
        fallback = self._fallback_responder()
        if shown:
            await _call(on_reset)
        parts = []
        async for delta in fallback.stream(plan):
            if not delta:
                continue
            parts.append(delta)
            await _call(on_delta, delta)
        self._fallback_turns += 1
        spent = failed_usage if isinstance(failed_usage, Usage) else Usage()
        return "".join(parts), spent, FALLBACK_NOTE

    def _fallback_responder(self) -> Responder:
        if self._fallback is None:
            self._fallback = ScriptedResponder()
        return self._fallback

    def _last_caregiver(self) -> str | None:
        turns = getattr(self._engine, "turns", None)
        if turns:
            return turns[-1].caregiver
        return None

    # ------------------------------------------------------------------ end

    def end(self) -> Debrief:
        """End the session and return the engine's debrief.

        Returns:
            The :class:`~bot.core.debrief.Debrief` (DESIGN.md's fields), whose
            ``usage`` is the session's model tokens and, for a model backend,
            ``estimated_cost_usd`` the approximate cost
            (:meth:`estimated_cost_usd`); None for the scripted backend.
        """
        debrief = self._engine.debrief()
        cost = self.estimated_cost_usd()
        if cost is not None:
            debrief = debrief.model_copy(update={"estimated_cost_usd": round(cost, 6)})
        return debrief

    def estimated_cost_usd(self) -> float | None:
        """Approximate model cost of this session so far, in US dollars.

        Replies are priced at the responder's model, reviews at the model
        reviewer's (prices per 1M tokens: :data:`bot.llm.tokens.PRICES_PER_1M`,
        overridable with ``EC_PRICE_INPUT_PER_1M`` / ``EC_PRICE_OUTPUT_PER_1M``).

        Returns:
            Dollars, or None when the responder is not a priced model backend.
        """
        price_reply = getattr(self._responder, "estimate_cost", None)
        if price_reply is None:
            return None
        cost = float(price_reply(self._reply_usage))
        price_review = getattr(self._model_reviewer, "estimate_cost", None) or price_reply
        return cost + float(price_review(self._review_usage))

    def add_closer(self, closer: Callable[[], Awaitable[None]]) -> None:
        """Register an async clean-up (e.g. closing the model client) for :meth:`aclose`.

        Args:
            closer: an argument-less coroutine function.
        """
        self._closers.append(closer)

    async def aclose(self) -> None:
        """Release what the session owns (the model client that bootstrap connected)."""
        while self._closers:
            await self._closers.pop()()
