"""The practice engine: trust, disclosure and turns of one practice session.

Flow of one staff turn, used by the CLI, Slack and Teams alike::

    engine = PracticeEngine(persona, seed=7)
    plan = engine.plan(staff_text)                   # reviews, updates trust/disclosure
    text, usage = await responder.complete(plan)     # scripted or model voices the plan
    turn = engine.record(plan, text, usage=usage)    # appends the Turn
    ...
    debrief = engine.debrief()

A store persists :meth:`PracticeEngine.snapshot` (a :class:`PracticeSession`)
and resumes with :meth:`PracticeEngine.restore`.

The engine owns all state that decides what the caregiver may say; a responder
only voices a :class:`ReplyPlan`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel, Field

from bot.core.debrief import Debrief, compute_debrief
from bot.core.models import PracticeSession, ReplyMode, Review, Turn, Usage
from bot.core.persona import TRUST_MAX, HiddenInsight, Layer, Persona, Topic
from bot.core.text import asks_question, first_sentence, is_invitation
from bot.core.topics import detect_topics


class ReplyPlan(BaseModel):
    """What the engine allows the caregiver to say in one turn.

    A responder must voice only this: ``allowed_layers`` (already earned) plus
    ``disclose`` (the one being earned now) and, only when ``mode ==
    "insight"``, the persona's hidden insight. Locked layers are never placed
    here, so a model prompt built from a plan cannot leak them: ``persona`` is
    a *redacted* copy of the card (see :func:`redact_persona`) whose locked
    layers and unrevealed hidden insight are replaced by placeholders.

    Attributes:
        persona: the card.
        turn_index: 1-based index of the turn being answered.
        staff_text: what the staff member just said.
        review: its review.
        topics: topics touched by the staff text.
        mode: see :data:`ReplyMode`.
        disclose: the layer being disclosed in this turn, if any.
        allowed_layers: layers disclosed in earlier turns.
        trust: trust after this turn's update (0-10).
        recent: the last few turns, oldest first.
        summary: running plain-text summary of turns older than ``recent``.
        seed: the session seed (responders derive their choices from it).
        lead_in: words the reply must start with, or None. Set only when
            ``mode == "insight"``: the pause-then-"…actually, there's something
            else." of DOMAIN.md, in the persona's language (:data:`LEAD_INS`).
        insight: the hidden insight, present only in the turn that reveals it
            (``mode == "insight"``) and in later turns; None before.
        earlier_replies: every earlier caregiver reply of the session, oldest
            first (lets a stateless responder avoid repeating itself, and
            continue identically after a restore).
    """

    persona: Persona
    turn_index: int
    staff_text: str
    review: Review
    topics: list[Topic] = Field(default_factory=list)
    mode: ReplyMode
    disclose: Layer | None = None
    allowed_layers: list[Layer] = Field(default_factory=list)
    trust: float
    recent: list[Turn] = Field(default_factory=list)
    summary: str = ""
    seed: int = 0
    lead_in: str | None = None
    insight: HiddenInsight | None = None
    earlier_replies: list[str] = Field(default_factory=list)


# --------------------------------------------------------------------------
# Engine rules (numbers agreed for the practice engine; see each docstring)
# --------------------------------------------------------------------------

MOVE_GAIN: dict[str, float] = {
    "open_question": 1.0,
    "follow_up": 1.5,
    "reflection": 1.5,
    "affirmation": 1.0,
}
"""Trust gained per good move in a turn (moves come from the review, one of each
at most). Agreed engine rule: following up and reflecting back are worth more
than asking, because DOMAIN.md names them as what brings out the story
("Follow up when something does not add up… Reflect back what you heard")."""

MAX_GAIN_PER_TURN = 2.5
"""Cap on trust gained in one turn (agreed engine rule): stacking every good
move in one turn earns no more than one follow-up plus one open question, so
trust is built over several turns, as in a real conversation."""

INTERVENTION_PENALTY = 2.5
"""Trust lost per intervention finding (advice, judgment, persuasion,
correction). Agreed engine rule: one lecture undoes about two good moves,
matching DOMAIN.md's point that an intervention shuts the story down."""

MAX_INTERVENTION_PENALTY = 5.0
"""Cap on trust lost to intervention findings in one turn (agreed engine rule),
so one long lecture does not end the session by itself."""

CRAFT_PENALTY = 0.5
"""Trust lost per craft finding (leading, stacked, why_blame, jargon): a weaker
question costs a little (agreed engine rule)."""

CLOSED_PENALTY = 0.25
"""Trust lost per ``closed`` finding: a yes/no question mostly just yields a
short answer (DOMAIN.md: "use them only to confirm"), so it costs half of
another craft finding (agreed engine rule)."""

LEAD_INS: dict[str, str] = {
    "en": "…actually, there's something else.",
    "es": "…bueno, hay algo más.",
}
"""The pause-then-disclosure words that open the hidden insight, by persona
language. The English one is DOMAIN.md's own wording ("Much of the best
material arrives after a breath: '…actually, there's something else.'")."""

SUMMARY_MAX_CHARS = 600
"""Upper bound on :attr:`PracticeEngine.summary` in characters (about 150
tokens): it goes into every model prompt, so it must stay short."""

Reviewer = Callable[[str], Review]
"""A function that reviews one staff utterance (the rules reviewer by default)."""


def _default_reviewer() -> Reviewer:
    # Imported when first needed, so the engine (and its tests with a stub
    # reviewer) do not depend on the rules reviewer's module at import time.
    from bot.core.review import review

    return review


def trust_delta(review: Review) -> float:
    """Change in trust (points on the 0-10 scale) earned by one reviewed turn.

    ``min(sum of MOVE_GAIN over moves, MAX_GAIN_PER_TURN)`` minus
    ``min(INTERVENTION_PENALTY x intervention findings, MAX_INTERVENTION_PENALTY)``
    minus ``CRAFT_PENALTY`` per craft finding (``CLOSED_PENALTY`` for ``closed``).
    The caller clamps the result to [0, 10].

    Args:
        review: the review of the staff turn.

    Returns:
        The signed change in trust points (unclamped).
    """
    gain = min(sum(MOVE_GAIN.get(m, 0.0) for m in set(review.moves)), MAX_GAIN_PER_TURN)
    interventions = sum(1 for f in review.findings if f.is_intervention)
    loss = min(INTERVENTION_PENALTY * interventions, MAX_INTERVENTION_PENALTY)
    for finding in review.findings:
        if not finding.is_intervention:
            loss += CLOSED_PENALTY if finding.kind == "closed" else CRAFT_PENALTY
    return gain - loss


def _clamp(value: float) -> float:
    return max(0.0, min(TRUST_MAX, value))


def touches_layer(layer: Layer, topics: list[Topic], review: Review) -> bool:
    """Tell whether a staff turn "touches" a layer, so that it may be disclosed.

    A turn touches a layer when (a) a topic it mentions is one of the layer's
    ``topics``; or (b) it is a follow-up or a reflection (it continues the
    thread the caregiver is on); or (c) it is an open question about no
    particular topic ("How are things going?"). Rules (b) and (c) guarantee
    that an interviewer who never read the card can earn every layer with
    ordinary open questions, follow-ups and reflections.

    Args:
        layer: the next undisclosed layer.
        topics: topics detected in the staff text.
        review: its review (moves are read).

    Returns:
        True when the turn touches the layer.
    """
    moves = set(review.moves)
    if set(topics) & set(layer.topics):
        return True
    if moves & {"follow_up", "reflection"}:
        return True
    return "open_question" in moves and not topics


def decide_mode(
    staff_text: str, review: Review, *, disclose: Layer | None, insight: bool
) -> ReplyMode:
    """Choose how the caregiver answers, in this order of precedence.

    1. any intervention finding -> ``guarded`` (the caller discloses nothing);
    2. the hidden insight is revealed now -> ``insight``;
    3. a layer is disclosed now -> ``disclose``;
    4. a ``closed`` finding -> ``brief``;
    5. a reflection or affirmation that asks nothing -> ``acknowledge``;
    6. otherwise -> ``open``.

    Args:
        staff_text: the staff utterance.
        review: its review.
        disclose: the layer disclosed this turn, if any.
        insight: True when the hidden insight is revealed this turn.

    Returns:
        The :data:`ReplyMode`.
    """
    if review.has_intervention:
        return "guarded"
    if insight:
        return "insight"
    if disclose is not None:
        return "disclose"
    if "closed" in review.kinds:
        return "brief"
    if {"reflection", "affirmation"} & set(review.moves) and not asks_question(staff_text, review):
        return "acknowledge"
    return "open"


_LOCKED_TEXT = "(not disclosed yet)"


def redact_persona(persona: Persona, disclosed_ids: list[str], insight_known: bool) -> Persona:
    """Return a copy of the card that holds only what the caregiver may say now.

    Locked layers keep their position, topics and trust (so the card still
    validates) but their ``id``, ``text``, ``says`` and ``earned_by`` become
    placeholders; the hidden insight is a placeholder until it is revealed;
    ``absence_reason`` (the author's note of the real reason) is always
    replaced. Everything else (name, voice, surface account…) is unchanged.

    Args:
        persona: the full card.
        disclosed_ids: ids of layers disclosed so far (including this turn's).
        insight_known: True once the hidden insight is revealed.

    Returns:
        A validated :class:`Persona` that leaks nothing locked.
    """
    layers = [
        layer
        if layer.id in disclosed_ids
        else Layer(
            id=f"locked-{i}",
            text=_LOCKED_TEXT,
            says=[_LOCKED_TEXT],
            topics=layer.topics,
            trust=layer.trust,
            earned_by=_LOCKED_TEXT,
        )
        for i, layer in enumerate(persona.layers, start=1)
    ]
    hidden = (
        persona.hidden_insight
        if insight_known
        else HiddenInsight(
            text=_LOCKED_TEXT, says=[_LOCKED_TEXT], trust=persona.hidden_insight.trust
        )
    )
    return persona.model_copy(
        update={"layers": layers, "hidden_insight": hidden, "absence_reason": "(redacted)"}
    )


def summarize_turns(persona: Persona, turns: list[Turn]) -> str:
    """Build a short, deterministic plain-text summary of some turns.

    Used for the turns that no longer fit in a model prompt's recent window.
    It names the turn range, the topics the staff member asked about, the
    facts the caregiver shared (layer ``text``, disclosed only), the hidden
    insight if it was revealed, and how often the caregiver closed up.

    Args:
        persona: the full card (only disclosed facts are quoted).
        turns: the turns to summarize, oldest first.

    Returns:
        At most :data:`SUMMARY_MAX_CHARS` characters; ``""`` for no turns.
    """
    if not turns:
        return ""
    first, last = turns[0].index, turns[-1].index
    span = f"turn {first}" if first == last else f"turns {first}-{last}"
    parts = [f"Earlier ({span}):"]
    topics: list[str] = []
    for turn in turns:
        for topic in turn.topics:
            label = topic.replace("_", " ")
            if label not in topics:
                topics.append(label)
    if topics:
        parts.append(f"staff asked about {', '.join(topics[:6])}.")
    by_id = {layer.id: layer for layer in persona.layers}
    shared = [by_id[i].text for turn in turns for i in turn.disclosed if i in by_id]
    if any(turn.insight for turn in turns):
        shared.append(persona.hidden_insight.text)
    if shared:
        parts.append(f"{persona.name} shared: " + " ".join(first_sentence(s) for s in shared))
    guarded = sum(1 for turn in turns if turn.mode == "guarded")
    if guarded:
        times = "once" if guarded == 1 else f"{guarded} times"
        parts.append(f"{persona.name} closed up {times} after advice or judgment.")
    text = " ".join(parts)
    if len(text) > SUMMARY_MAX_CHARS:
        text = text[: SUMMARY_MAX_CHARS - 1].rstrip() + "…"
    return text


@dataclass
class _Pending:
    plan: ReplyPlan
    trust: float
    disclosed: list[str]
    insight: bool


class PracticeEngine:
    """Owns trust, disclosure and the turns of one practice session.

    Args:
        persona: the caregiver card.
        seed: session seed, passed to responders through each plan.
        reviewer: reviews a staff utterance when :meth:`plan` is not given a
            review; None (the default) means the rules reviewer
            :func:`bot.core.review.review`.
        recent_turns: how many latest turns a plan carries verbatim
            (``ReplyPlan.recent``); older ones are folded into ``summary``.
            6 keeps a model prompt short while covering the current thread.

    Raises:
        ValueError: when ``recent_turns`` is negative.

    The rules (numbers: :data:`MOVE_GAIN`, :data:`MAX_GAIN_PER_TURN`,
    :data:`INTERVENTION_PENALTY`, :data:`MAX_INTERVENTION_PENALTY`,
    :data:`CRAFT_PENALTY`, :data:`CLOSED_PENALTY`):

    - trust starts at ``persona.opening_trust`` and moves by :func:`trust_delta`
      each turn, clamped to [0, 10];
    - any intervention finding makes the caregiver guarded for that turn, and
      nothing is disclosed then;
    - only the next undisclosed layer (card order) can be disclosed, when
      trust >= its ``trust`` and the turn touches it (:func:`touches_layer`);
    - the hidden insight comes after every layer, when trust >=
      ``hidden_insight.trust`` and the turn is a follow-up or an invitation to
      say more (:func:`is_invitation`); it is never disclosed in the same turn
      as a layer.
    """

    def __init__(
        self,
        persona: Persona,
        *,
        seed: int = 0,
        reviewer: Reviewer | None = None,
        recent_turns: int = 6,
    ) -> None:
        if recent_turns < 0:
            raise ValueError("recent_turns must be >= 0")
        self._persona = persona
        self._seed = seed
        self._reviewer = reviewer if reviewer is not None else _default_reviewer()
        self._recent_turns = recent_turns
        self._turns: list[Turn] = []
        self._trust = _clamp(persona.opening_trust)
        self._disclosed: list[str] = []
        self._insight = False
        self._pending: _Pending | None = None

    # -- state ------------------------------------------------------------

    @property
    def persona(self) -> Persona:
        """The full card (never hand this to a responder; use a plan)."""
        return self._persona

    @property
    def seed(self) -> int:
        """The session seed."""
        return self._seed

    @property
    def turns(self) -> list[Turn]:
        """Recorded turns, oldest first (a copy)."""
        return list(self._turns)

    @property
    def trust(self) -> float:
        """Current trust on the 0-10 scale (includes a planned, unrecorded turn)."""
        return self._trust

    @property
    def disclosed_ids(self) -> list[str]:
        """Ids of disclosed layers in disclosure order (a copy)."""
        return list(self._disclosed)

    @property
    def insight_reached(self) -> bool:
        """True once the hidden insight has been revealed."""
        return self._insight

    @property
    def summary(self) -> str:
        """Summary of recorded turns older than the recent window.

        Returns:
            :func:`summarize_turns` of all but the last ``recent_turns`` turns
            (``""`` while every turn still fits in the window).
        """
        return summarize_turns(self._persona, self._older_turns())

    def _older_turns(self) -> list[Turn]:
        if self._recent_turns == 0:
            return list(self._turns)
        return self._turns[: -self._recent_turns]

    def _recent(self) -> list[Turn]:
        if self._recent_turns == 0:
            return []
        return self._turns[-self._recent_turns :]

    def _next_layer(self) -> Layer | None:
        for layer in self._persona.layers:
            if layer.id not in self._disclosed:
                return layer
        return None

    # -- one turn ---------------------------------------------------------

    def plan(self, staff_text: str, review: Review | None = None) -> ReplyPlan:
        """Review a staff turn, update trust and disclosure, and plan the reply.

        Args:
            staff_text: what the staff member said.
            review: its review, if already made (e.g. rules plus model
                findings); otherwise the engine's reviewer makes one.

        Returns:
            The :class:`ReplyPlan` a responder voices. Its ``allowed_layers``
            are the layers disclosed in earlier turns, ``disclose`` the one
            disclosed now, and its ``persona`` is redacted
            (:func:`redact_persona`).

        A plan that was never recorded (its turn was abandoned, e.g. a task
        was cancelled) is cancelled first (:meth:`cancel`), so its trust and
        disclosure changes do not count.
        """
        self.cancel()
        rv = review if review is not None else self._reviewer(staff_text)
        topics = detect_topics(staff_text)
        trust = _clamp(self._trust + trust_delta(rv))
        allowed = [
            layer for i in self._disclosed for layer in self._persona.layers if layer.id == i
        ]

        disclose: Layer | None = None
        insight_now = False
        if not rv.has_intervention:
            nxt = self._next_layer()
            if nxt is not None:
                if trust >= nxt.trust and touches_layer(nxt, topics, rv):
                    disclose = nxt
            elif (
                not self._insight
                and trust >= self._persona.hidden_insight.trust
                and ("follow_up" in rv.moves or is_invitation(staff_text))
            ):
                insight_now = True
        mode = decide_mode(staff_text, rv, disclose=disclose, insight=insight_now)

        before = (self._trust, list(self._disclosed), self._insight)
        self._trust = trust
        if disclose is not None:
            self._disclosed.append(disclose.id)
        self._insight = self._insight or insight_now

        plan = ReplyPlan(
            persona=redact_persona(self._persona, self._disclosed, self._insight),
            turn_index=len(self._turns) + 1,
            staff_text=staff_text,
            review=rv,
            topics=topics,
            mode=mode,
            disclose=disclose,
            allowed_layers=allowed,
            trust=trust,
            recent=self._recent(),
            summary=self.summary,
            seed=self._seed,
            lead_in=LEAD_INS.get(self._persona.language, LEAD_INS["en"]) if insight_now else None,
            insight=self._persona.hidden_insight if self._insight else None,
            earlier_replies=[turn.caregiver for turn in self._turns],
        )
        self._pending = _Pending(plan, *before)
        return plan

    def cancel(self) -> None:
        """Undo the last :meth:`plan` (e.g. when no responder could answer).

        Trust and disclosure go back to what they were before it; no turn is
        recorded. Does nothing when no plan is pending.
        """
        if self._pending is None:
            return
        self._trust = self._pending.trust
        self._disclosed = self._pending.disclosed
        self._insight = self._pending.insight
        self._pending = None

    def record(
        self,
        plan: ReplyPlan,
        caregiver_text: str,
        *,
        note: str | None = None,
        usage: Usage | None = None,
        review: Review | None = None,
    ) -> Turn:
        """Append the turn that ``plan`` was made for, with the caregiver's reply.

        Args:
            plan: the plan returned by the last :meth:`plan` call.
            caregiver_text: the reply the responder produced.
            note: a visible note for the staff member, if any.
            usage: model tokens spent (zeros when omitted).
            review: a replacement review to store (e.g. with model findings
                added after the reply); defaults to ``plan.review``. It does
                not change trust or disclosure, which were set at plan time.

        Returns:
            The recorded :class:`Turn`.

        Raises:
            ValueError: when ``plan`` is not the pending plan of this engine.
        """
        pending = self._pending
        if (
            pending is None
            or plan.turn_index != pending.plan.turn_index
            or plan.staff_text != pending.plan.staff_text
        ):
            raise ValueError("plan is not the pending plan of this engine")
        turn = Turn(
            index=plan.turn_index,
            staff=plan.staff_text,
            caregiver=caregiver_text,
            review=review if review is not None else plan.review,
            topics=list(plan.topics),
            mode=plan.mode,
            trust_after=plan.trust,
            disclosed=[plan.disclose.id] if plan.disclose is not None else [],
            insight=plan.mode == "insight",
            note=note,
            usage=usage if usage is not None else Usage(),
        )
        self._turns.append(turn)
        self._pending = None
        return turn

    # -- after ------------------------------------------------------------

    def debrief(self) -> Debrief:
        """Compute the debrief of the recorded turns.

        Returns:
            :func:`bot.core.debrief.compute_debrief` of this persona and turns.
        """
        return compute_debrief(self._persona, self._turns)

    def snapshot(self) -> PracticeSession:
        """Return the session state to persist (a pending plan is not included).

        Returns:
            A :class:`PracticeSession`; state as of the last recorded turn.
        """
        if self._pending is not None:
            trust, disclosed, insight = (
                self._pending.trust,
                self._pending.disclosed,
                self._pending.insight,
            )
        else:
            trust, disclosed, insight = self._trust, self._disclosed, self._insight
        return PracticeSession(
            persona_id=self._persona.id,
            seed=self._seed,
            recent_turns=self._recent_turns,
            turns=list(self._turns),
            trust=trust,
            disclosed_ids=list(disclosed),
            insight_reached=insight,
        )

    @classmethod
    def restore(
        cls,
        persona: Persona,
        snapshot: PracticeSession,
        *,
        reviewer: Reviewer | None = None,
    ) -> PracticeEngine:
        """Rebuild an engine from a snapshot so the session continues identically.

        Args:
            persona: the card the session was started with.
            snapshot: what :meth:`snapshot` returned (possibly via JSON).
            reviewer: as in the constructor (None: the rules reviewer).

        Returns:
            An engine in the snapshot's state.

        Raises:
            ValueError: when the snapshot belongs to another persona or names
                a layer the card does not have.
        """
        if snapshot.persona_id != persona.id:
            raise ValueError(f"snapshot is for persona {snapshot.persona_id!r}, not {persona.id!r}")
        known = {layer.id for layer in persona.layers}
        unknown = [i for i in snapshot.disclosed_ids if i not in known]
        if unknown:
            raise ValueError(f"snapshot names unknown layers {unknown}")
        engine = cls(
            persona, seed=snapshot.seed, reviewer=reviewer, recent_turns=snapshot.recent_turns
        )
        engine._turns = list(snapshot.turns)
        engine._trust = _clamp(snapshot.trust)
        engine._disclosed = list(snapshot.disclosed_ids)
        engine._insight = snapshot.insight_reached
        return engine


__all__ = [
    "PracticeEngine",
    "PracticeSession",
    "ReplyMode",
    "ReplyPlan",
    "Turn",
    "Usage",
    "asks_question",
    "first_sentence",
    "is_invitation",
]
