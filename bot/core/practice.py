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

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from bot.core.debrief import Debrief, compute_debrief, split_sentences, whole_sentences
from bot.core.models import (
    EngineState,
    Move,
    PracticeSession,
    ReplyMode,
    Review,
    ReviewContext,
    Turn,
    Usage,
)
from bot.core.persona import TRUST_MAX, CloseUp, HiddenInsight, Layer, Persona, Subject, Topic
from bot.core.social import is_closing
from bot.core.text import ASCII_LOWER, asks_question, first_sentence, fold, is_invitation
from bot.core.topics import (
    INSIGHT_OFF_TOPIC,
    NARROW_SUBJECTS,
    Intent,
    detect_subjects,
    detect_topics,
    is_fact_word,
    near_topics,
    question_intent,
)


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
        subjects: every subject of the staff text (layer topics and everyday
            subjects such as interests or sleep), in order of mention.
        intent: what kind of answer the first question asks for.
        earlier_staff: every earlier staff utterance, oldest first.
        threat: True when the staff turn threatens (court, referral...).
        close_up: the card's close-up trigger this turn hit, if any.
        repeat: True when the staff member said exactly this before.
        thread: the disclosed layer the conversation is on (this turn's
            disclosure, else the latest one), for follow-up elaboration.
        emotion: this turn's emotional state in plain words.
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
    subjects: list[Subject] = Field(default_factory=list)
    intent: Intent = "none"
    earlier_staff: list[str] = Field(default_factory=list)
    threat: bool = False
    close_up: CloseUp | None = None
    repeat: bool = False
    thread: Layer | None = None
    emotion: str = ""


# --------------------------------------------------------------------------
# Engine rules (numbers agreed for the practice engine; see each docstring)
# --------------------------------------------------------------------------

MOVE_GAIN: dict[str, float] = {
    "open_question": 1.0,
    "follow_up": 1.0,
    "reflection": 1.5,
    "affirmation": 0.75,
    "pause": 0.75,
}
"""Listening credit per good move in a turn (one of each at most). Reflecting
back is worth the most (DOMAIN.md: "Reflect back what you heard"); a pause
("Take your time") counts, because "much of the best material arrives after a
breath"."""

MAX_GAIN_PER_TURN = 2.0
"""Cap on listening credit in one turn: stacking every good move in one turn
earns no more than a reflection plus a little, so trust is built over turns."""

YES_NO_CREDIT = 0.4
"""Credit for a kind yes/no question the rules reviewer took for an open one
("Has this year been harder than last year?", "Would a text the night before
help?"): more than :data:`CLOSED_CREDIT` (no ``closed`` finding costs it trust),
less than an open question, so such an interviewer hears something, later."""

CLOSED_CREDIT = 0.3
"""Credit for a kind, on-subject yes/no question with no other move: it shows
interest, but yes/no questions alone stay under :data:`RECENT_LISTENING` and
:data:`SLOW_LISTENING`, so a kind interviewer who only asks yes/no questions
gets short answers and little disclosure (a layer late, in some sessions,
when warm words add to it) while the yes/no answers still carry the card's
facts."""

OVERFLOW_STYLES: frozenset[str] = frozenset({"verbose", "pleasing", "tangents"})
"""Persona styles whose yes/no answers overflow into talk (issue 9: "Yes/no
answers follow the card's facts, with style-dependent overflow"): a kind yes/no
question to them the rules flag ``closed`` earns :data:`OVERFLOW_CREDIT`, so a
kind yes/no interviewer whose warm words add to it hears a layer late from a
talkative caregiver and nothing from a reserved, plain or upset one."""

OVERFLOW_CREDIT = 0.38
"""Credit for a ``closed`` question to a talkative caregiver (:data:`OVERFLOW_STYLES`):
five of them alone stay under :data:`SLOW_LISTENING`; one warm line among them
(:data:`MOVE_GAIN` affirmation) reaches it."""

REPEAT_FACTOR: tuple[float, ...] = (1.0, 0.25)
"""Credit factor for the n-th use of the very same staff utterance (0-based);
from the third use on it earns nothing. No single phrase, repeated, unlocks
anything."""

STOCK_FACTOR: tuple[float, ...] = (1.0, 0.5, 0.25)
"""Factor on the question credit (open question, follow-up) of a *stock
prompt* (:func:`is_stock`: a turn with no word of its own, like "Tell me
more.", "Your feelings are valid. What else?") by the number of other stock
prompts among the last :data:`STOCK_WINDOW` turns; from the fourth on the
prompt earns nothing. Cycling through stock prompts is gaming too: the same
*move* repeated, not only the same words (issue 9: "Repeating the same move has
diminishing returns"). A reflection of feeling ("That must be worrying.")
keeps its credit; only the very same words again lose it
(:data:`REPEAT_FACTOR`, :func:`utterance_signature`)."""

STOCK_WINDOW = 4
"""Earlier turns looked at for :data:`STOCK_FACTOR`; a stock prompt after two
or more stock prompts among them opens nothing (the interviewer is cycling stock
prompts, not listening). Stock *reflections of feeling* ("That must be
worrying.") are not worn out this way."""

THREAT_HOLDBACK = 3
"""After a threat, the caregiver holds back this many chances to disclose
(turns that would have opened a layer or the insight) before telling anything
new: rebuilding takes sustained listening, so after three threatening turns
layers come at least three turns later than without them (issue 9 target). The
turn record marks each with the ``holding_back`` event."""

PENT_UP_TURNS = 2
"""Turns past the persona's spacing (shortened by comfort, :data:`COMFORT_MARGIN`)
after which a caregiver who trusts the interviewer (trust at least
:data:`COMFORT_MARGIN` above the next layer's threshold) and has felt listened
to tells the next layer on any broad open question, even one not on the
layer's topic (the reply answers the question first): people who feel heard
bring up what matters to them."""

INTERVENTION_PENALTY = 2.0
"""Trust lost per intervention finding (times its confidence)."""

REPEAT_INTERVENTION_STEP = 0.5
"""Each earlier turn with an intervention raises the next one's cost by this
share (the third lecture costs twice the first): trust has memory."""

MAX_INTERVENTION_PENALTY = 5.0
"""Cap on trust lost to intervention findings in one turn."""

THREAT_PENALTY = 3.0
"""Extra trust lost for a threat (court, petition, referral, fines, child
services): the costliest thing a caller can say."""

WARY_TURNS = 6
"""Turns after a threat during which the caregiver stays wary: trust is capped
at :data:`WARY_CAP` and nothing is disclosed; listening earns half for twice
as long (rebuilding takes sustained listening)."""

WARY_CAP = 1.5
"""Trust ceiling while wary after a threat."""

CRAFT_PENALTY = 0.4
"""Trust lost per craft finding (leading, stacked, why_blame, jargon)."""

CLOSED_PENALTY = 0.2
"""Trust lost per ``closed`` finding (a yes/no question mostly gets a short answer)."""

REFLECTION_MISS_PENALTY = 0.5
"""Trust lost when a reflection names something the caregiver never said."""

CLOSE_UP_PENALTY = 2.0
"""Trust lost when a card's close-up trigger is hit (if no intervention
finding already charged the turn)."""

CLOSE_UP_BLOCK_TURNS = 2
"""Turns after a close-up trigger (the hit included) with no new disclosure."""

SPACING: dict[str, int] = {
    "reserved": 3,
    "upset": 2,
    "plain": 2,
    "tangents": 2,
    "pleasing": 2,
    "verbose": 1,
}
"""Minimum turns between two disclosures, by persona style: reserved people
open up slowly, verbose ones sooner."""

COMFORT_MARGIN = 2.5
"""Trust this far above a layer's (or the insight's) threshold (capped at the
maximum) shortens the spacing before it by one turn: a reserved person who has
come to trust the interviewer opens up more readily than at first."""

RECENT_WINDOW = 3
"""Turns (this one included) whose listening credit must sum to at least
:data:`RECENT_LISTENING` before a layer is disclosed."""

RECENT_LISTENING = 1.5
"""Listening credit the last :data:`RECENT_WINDOW` turns need for a layer."""

SLOW_WINDOW = 5
"""A longer window for a slow, kind interviewer (yes/no questions earn a
little each): its last :data:`SLOW_WINDOW` turns may earn a layer instead, when
they sum to :data:`SLOW_LISTENING` with none of them an intervention."""

SLOW_LISTENING = 2.0
"""Listening credit the last :data:`SLOW_WINDOW` turns need (the slow path)."""

LONG_WINDOW = 9
"""The longest window, for a patient kind yes/no interviewer (issue 9: "a yes/no
interviewer still hears something", later than a skilled one): its last
:data:`LONG_WINDOW` turns may earn a layer when they sum to :data:`LONG_LISTENING`
with none of them an intervention. Nine turns, so six yes/no questions (or an
opening, a warm line and six of them) never reach it. When this turn's only ask is a
yes/no question (a warm line before it included), this path and the slow one open a
layer only for a talkative caregiver (:data:`OVERFLOW_STYLES`): practice5's kind yes/no
scripts, a thank-you before every question, had a layer in 30 of 33 sessions."""

LONG_LISTENING = 2.6
"""Listening credit the last :data:`LONG_WINDOW` turns need (the long path): about
nine kind yes/no questions (:data:`CLOSED_CREDIT` each is 2.7), a few with no
credit at all leaving it out of reach."""

_ASKS_WHAT_WAS_MISSED = re.compile(
    r"\banything (?:(?:that )?i (?:did ?n'?t|didnt|have ?n'?t|havent|forgot to|should have)"
    r"(?: think to| get to)? ask|(?:that )?i(?:'m| am) missing|i missed|we (?:did ?n'?t|didnt)"
    r" (?:cover|talk about))"
)
"""An invitation to add what the interviewer missed ("Is there anything I didn't ask that
matters?", "anything i didnt think to ask?"): it asks for more like "What else?" does (and is
a stock prompt the same way), though it has a yes/no shape (folded, lower-case text)."""

INSIGHT_WINDOW = 4
"""Turns of sustained listening (no intervention, no trigger) the hidden
insight needs."""

INSIGHT_LISTENING = 3.0
"""Listening credit the last :data:`INSIGHT_WINDOW` turns need for the insight."""

THREAT_PATTERNS: tuple[str, ...] = (
    r"truancy (?:petition|court|charge|officer)",
    r"\bcourt\b",
    r"\bjudge\b",
    r"\bpetition\b",
    r"\breferral\b",
    r"\brefer(?:red)? (?:you|the family|this|it) to",
    r"child (?:protective )?services",
    r"\bcps\b",
    # fines, not "I'm fine" / "it's fine" (a caregiver's words quoted back are no threat)
    r"\bfine[sd]\b",
    r"\b(?:pay|paying|get|issue|face|facing) (?:a |the )?fine\b",
    r"legal(?:ly)? (?:limit|responsible|action)",
    r"it'?s the law",
    r"attendance (?:officer|law)",
    r"compulsory attendance",
    r"(?:notify|report (?:you|this) to) the (?:district|state|authorities)",
    r"district gets involved",
    r"escalated",
    r"\btribunal\b|\bcorte\b|\bjuez\b|\bmulta",
)
"""What a threat sounds like (on folded, lower-case text)."""

_THREAT = re.compile("|".join(f"(?:{p})" for p in THREAT_PATTERNS))

PAUSE_PATTERNS: tuple[str, ...] = (
    r"take (?:your|a|whatever) (?:time|moment)",
    r"no rush",
    r"no hurry",
    r"i'?ll wait",
    r"whenever you'?re ready",
    r"t[oó]mese su tiempo",
    r"no hay prisa",
    r"con calma",
)
"""A pause offered in words: it counts as listening (DOMAIN.md, "let silence work")."""

_PAUSE = re.compile("|".join(f"(?:{p})" for p in PAUSE_PATTERNS))

WARM_PATTERNS: tuple[str, ...] = (
    r"makes (?:a lot of |so much )?sense",
    r"\bi (?:can )?(?:hear|see|imagine|understand)\b",
    r"that'?s (?:really |so )?(?:a real|useful|helpful|important|a lot|hard|understandable)",
    r"you'?re (?:clearly|really|obviously)",
    r"thank you for (?:telling|sharing|saying|being|trusting)",
    r"i (?:really )?appreciate",
    r"that must",
    r"(?:that |it )?sounds (?:like|really|so|hard|exhausting|draining)",
    r"i'?m (?:so )?sorry (?:it'?s|that|to hear)",
    r"it means a lot",
    r"se nota|entiendo|gracias por (?:su|contarme|compartir)|eso suena|me imagino",
)
"""Empathic statements the reviewer may not count as a move ("That makes sense",
"I can hear that this isn't simple"): the engine credits them as listening."""

_WARM = re.compile("|".join(f"(?:{p})" for p in WARM_PATTERNS))


def is_warm(text: str) -> bool:
    """Tell whether a staff turn says something empathic ("That makes sense")."""
    return _WARM.search(fold(text).translate(ASCII_LOWER)) is not None


_GENERIC_REFLECTION_TEXT = """
sounds sound like seems seem hear hearing heard really very much many lot lots hard
tough rough heavy load stretch frustrating stressful exhausting draining wearing
worrying worried worry weighing carrying carried care cares matters matter honest
honesty best working work worked together things thing anyone anybody toll front
difference real simple side attention notice noticed small piece part big year time
times everything something nothing anything been being have has had make made calls
thought thinking deal doing done going keep keeping lately days day right feel felt
feeling feelings sense makes clearly close paying open thank thanks appreciate glad just
still even more most little long way well good bad great hurt hurts stung sad scary
scared angry upset tired alone yourself your you you've you're yours our their them they
them she her his him what when where with about that this there these those from into
over under after before again also only then than here okay yeah kind saying said
telling told tell talk talking sharing shared share trying tried try want wanted wish
understand understood learned learn means mean meant weigh weighed enough hardest worth
whole everyone family families home school kids kid child children parecer parece suena
pesado mucho mucha duro dificil difícil esfuerza esfuerzo familia
does would could should will were which because through might usually every some other
know think thinking gets come comes coming getting look looks looking take taking start
starting started different same better harder worse picture pictures words word hold holding
full fair mind pretty whole sure actually honestly always someone people person point
wondering sees seeing describe describing built building overnight pile bumpy weight
tangled shaping shape figuring alone own inside outside number report summary right close
together pull pulling sort kind sense sorts beyond least both either part parts story
asked asking loud underneath carry carries comes keeps living live lives name harder without
help helps matters honest seen whole caring education reach reaching paused pause behind
everyday logistics different differently ways
para pero como cómo esta está estas están este esto eso esos todo toda todos todas cuando
cuándo donde dónde porque tiene tienen tener usted ustedes hace hacer desde hasta bien
también entonces poco algo nada siempre nunca otra otro otros cosa cosas sobre mientras
dice dijo decir dicho entiendo escucho escuchando oigo siente sentir pesa pesan cuesta
hija hijo hijos casa escuela días tiempo parte vez veces mismo misma
quiere quería puede podía sería debe estoy estar ella ellos ellas suya suyo nuestra
esas aquel aquella aquellos aquellas estos
"""
_GENERIC_REFLECTION_WORDS = frozenset(re.findall(r"\S+", _GENERIC_REFLECTION_TEXT))
"""Words a reflection may use without the caregiver having said them (feelings,
fillers, the family and school themselves); any other content word must echo
something the caregiver said, or the reflection is a miss."""

_WORDS = re.compile(r"[a-z\u00e1\u00e9\u00ed\u00f3\u00fa\u00f1\u00fc']+")

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

Reviewer = Callable[..., Review]
"""Reviews one staff utterance: ``reviewer(text)`` or ``reviewer(text, context=...)``
(the rules reviewer by default)."""


def _default_reviewer() -> Reviewer:
    # Imported when first needed, so the engine (and its tests with a stub
    # reviewer) do not depend on the rules reviewer's module at import time.
    from bot.core.review import review

    return review


def _takes_context(reviewer: Reviewer) -> bool:
    try:
        params = inspect.signature(reviewer).parameters
    except (TypeError, ValueError):
        return False
    return "context" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def call_reviewer(reviewer: Reviewer, text: str, context: ReviewContext) -> Review:
    """Call a reviewer with the session context when it accepts one.

    Works with both ``review(text)`` and ``review(text, context=...)``.

    Args:
        reviewer: the reviewer function.
        text: the staff utterance.
        context: student name, pronouns, language and turn index.

    Returns:
        The review.
    """
    if _takes_context(reviewer):
        return reviewer(text, context=context)
    return reviewer(text)


def normalize_utterance(text: str) -> str:
    """Fold an utterance for repeat detection: lower case, words only."""
    return " ".join(_WORDS.findall(fold(text).translate(ASCII_LOWER)))


_FILLER = frozenset(
    re.findall(
        r"\S+",
        "so really very just totally truly about that this oh okay ok well um uh please and "
        "a an the such pretty quite wow gosh mm mhm hmm yeah yes right sure",
    )
)
"""Words that do not make an utterance different ("That must be so hard" is
"That must be hard" again; "Tell me more about that" is "Tell me more")."""


def utterance_signature(text: str) -> frozenset[str]:
    """The words of an utterance that make it what it is, for repeat detection.

    Args:
        text: a staff utterance.

    Returns:
        Its folded words without :data:`_FILLER`, as a set (order-free: the
        same sentences swapped are the same move).
    """
    return frozenset(w for w in normalize_utterance(text).split() if w not in _FILLER)


_STOCK_WORDS = frozenset(
    re.findall(
        r"\S+",
        """
    must valid validate imagine imagining totally vulnerability vulnerable difficult
    sharing awful terrible else another wow okay mhm hmm continue further
    """,
    )
)
"""Words of stock empathy and stock prompts ("Your feelings are valid", "Thank
you for your vulnerability"): with :data:`_GENERIC_REFLECTION_WORDS` they make
a turn with no word of its own (:func:`is_stock`)."""


def near_repeat(a: frozenset[str], b: frozenset[str]) -> bool:
    """Tell whether two utterance signatures are the same move in other words.

    Equal, or one is the other plus or minus a single word ("That's hard. Go
    on." and "Wow, that's hard. Go on."), or they share at least 80% of their
    words (Jaccard); two empty signatures are not a repeat.

    Args:
        a: one :func:`utterance_signature`.
        b: another.

    Returns:
        True for a near repeat.
    """
    if not a or not b:
        return False
    if a == b:
        return True
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    if small <= big and len(big) - len(small) <= 1 and len(small) >= 2:
        return True
    return len(a & b) / len(a | b) >= 0.8


_CLICHE = re.compile(
    r"feelings are valid|vulnerab|\bi (?:totally |completely |really )?(?:understand|get it)\b"
    r"|i can only imagine|\bi hear you\b|thank you for sharing|that must be (?:so |really )?hard"
)
"""Stock empathy ("I hear you.", "Your feelings are valid.", "I can only imagine"):
in a stock turn, it earns credit once per :data:`STOCK_WINDOW` turns."""


def is_stock(persona: Persona, text: str) -> bool:
    """Tell whether a staff turn is a stock phrase with no word of its own.

    A stock turn ("Tell me more.", "I hear you. I totally understand.", "That
    must be hard. What else?") has no content word: every word of four or
    more letters is a generic feeling, filler or stock word, or a name.

    Args:
        persona: the card (the caregiver's and the student's names are not
            content words).
        text: the staff utterance.

    Returns:
        True for a stock turn.
    """
    names = set(_WORDS.findall(f"{persona.name} {persona.student.name}".translate(ASCII_LOWER)))
    for word in _WORDS.findall(fold(text).translate(ASCII_LOWER)):
        word = word.strip("'")
        if len(word) <= 3 or "'" in word or word in names:
            continue
        if word not in _GENERIC_REFLECTION_WORDS and word not in _STOCK_WORDS:
            return False
    return True


REFLECTION_FRAMES: tuple[str, ...] = (
    r"\b(?:it|that|this) (?:sounds|seems|feels) (?:like|as if|as though)\b",
    r"\bsounds like\b",
    r"\bit seems\b",
    r"\b(?:what )?i'?m hearing\b",
    r"\bi hear (?:that|how|you saying)\b",
    r"\byou'?re (?:saying|telling me|describing)\b",
    r"\byou (?:said|mentioned|described|told me)\b",
    r"\bwhen you said\b",
    r"\byour words\b",
    r"\bi'?m getting the sense\b|\bi get the sense\b|\bi'?m wondering if\b",
    r"\bi noticed\b",
    r"\byou sound like\b|\byou care (?:about|a lot)\b|\bit matters to you\b",
    r"^(?:and |so |but )?you'?re (?:left|juggling|carrying|holding|managing|stuck|caught"
    r"|wondering|worn|stretched|balancing|handling|doing (?:this|it|a lot) on your own)\b",
    r"\bif i were in your shoes\b",
    r"^so (?:on one hand|part of it|from your side|for you|there'?s|if)\b",
    r"^so\b.*\b(?:has|have|is|was) been\b",
    r"\b(?:let me|i want to) (?:see if|make sure|check|try to sum|sum|pull together)\b",
    r"\b(?:did i get that right|is that (?:close|right|fair)"
    r"|am i (?:hearing|getting) (?:you|that) right)\b",
    r"\bpor lo que (?:me )?dice\b|\bme dice que\b|\bsi entiendo bien\b|\bparece que\b",
)
"""How a reflection sounds (on folded, lower-case text): "It sounds like…",
"What I'm hearing is…", "You said…", "So part of it is…", a summary with a
check-back ("Let me make sure I've got this right… Is that close?"). The rules
reviewer names the commonest forms as the ``reflection`` move; the engine
credits these too, and checks each against what the caregiver said
(:func:`reflection_miss`)."""

_REFLECTION_FRAME = re.compile("|".join(f"(?:{p})" for p in REFLECTION_FRAMES))


def echoed_words(persona: Persona, text: str, earlier_replies: list[str]) -> list[str]:
    """Content words of a staff turn that repeat the caregiver's own words.

    Args:
        persona: the card (names are not content words).
        text: the staff utterance.
        earlier_replies: the caregiver's replies so far.

    Returns:
        The staff turn's content words (four letters or more, not generic)
        that the caregiver used, in order, without duplicates.
    """
    names = set(_WORDS.findall(f"{persona.name} {persona.student.name}".translate(ASCII_LOWER)))
    said = set(_WORDS.findall(fold(" ".join(earlier_replies)).translate(ASCII_LOWER)))
    out: list[str] = []
    for word in _WORDS.findall(fold(text).translate(ASCII_LOWER)):
        if len(word) < 4 or word in names or word in _GENERIC_REFLECTION_WORDS:
            continue
        if word in said and word not in out:
            out.append(word)
    return out


def is_reflection(persona: Persona, text: str, earlier_replies: list[str]) -> bool:
    """Tell whether a staff turn reflects back what the caregiver said.

    A reflection is a statement (or a summary ending in a check-back) in a
    reflective frame (:data:`REFLECTION_FRAMES`), one that quotes the
    caregiver (:func:`quotes_caregiver`), or one that repeats at least two of
    the caregiver's own content words (:func:`echoed_words`).
    A turn that asks a new question is not one (its question is the move).

    Args:
        persona: the card.
        text: the staff utterance.
        earlier_replies: the caregiver's replies so far (none: no reflection).

    Returns:
        True for a reflection.
    """
    if not earlier_replies:
        return False
    low = fold(text).translate(ASCII_LOWER).strip()
    check_back = is_check_back(text)
    if ("?" in text or "\u00bf" in text or is_invitation(text)) and not check_back:
        return False
    if _REFLECTION_FRAME.search(low) is not None or quotes_caregiver(text, earlier_replies):
        return True
    return len(echoed_words(persona, text, earlier_replies)) >= 2


_CHECK_BACK = re.compile(
    r"(?:did i get (?:that|this|it) right|is that (?:close|right|fair|a fair summary|about right)"
    r"|have i got (?:that|this|it) right|am i (?:hearing|getting) (?:you|that|this) right"
    r"|is that what you mean|does that sound right|lo entend[ií] bien|es as[ií])\W*$"
)


def is_check_back(text: str) -> bool:
    """Tell whether a staff turn ends by checking a reflection ("Did I get that right?")."""
    return _CHECK_BACK.search(fold(text).translate(ASCII_LOWER).strip()) is not None


def trust_delta(review: Review) -> float:
    """The plain change in trust from one review, before the engine's memory.

    ``min(sum of MOVE_GAIN over moves, MAX_GAIN_PER_TURN)`` minus
    ``min(INTERVENTION_PENALTY x confidence per intervention finding,
    MAX_INTERVENTION_PENALTY)`` minus craft penalties (times confidence).
    The engine adds repeats, threats, close-up triggers and wariness on top
    (:meth:`PracticeEngine.plan`).

    Args:
        review: the review of the staff turn.

    Returns:
        The signed change in trust points (unclamped).
    """
    gain = min(sum(MOVE_GAIN.get(m, 0.0) for m in set(review.moves)), MAX_GAIN_PER_TURN)
    return gain - _penalties(review, prior_interventions=0)


def _penalties(review: Review, *, prior_interventions: int) -> float:
    scale = 1.0 + REPEAT_INTERVENTION_STEP * prior_interventions
    loss = min(
        sum(INTERVENTION_PENALTY * f.confidence for f in review.findings if f.is_intervention)
        * scale,
        MAX_INTERVENTION_PENALTY,
    )
    for finding in review.findings:
        if not finding.is_intervention:
            base = CLOSED_PENALTY if finding.kind == "closed" else CRAFT_PENALTY
            loss += base * finding.confidence
    return loss


def _names_student(persona: Persona, text: str) -> bool:
    """Tell whether a staff turn names the student ("Is Maya doing alright?")."""
    first = persona.student.name.split()[0].lower()
    return first in _WORDS.findall(fold(text).translate(ASCII_LOWER))


def is_threat(text: str) -> bool:
    """Tell whether a staff turn threatens (court, petition, referral, fines...)."""
    return _THREAT.search(fold(text).translate(ASCII_LOWER)) is not None


def is_pause(text: str) -> bool:
    """Tell whether a staff turn offers a pause ("Take your time", "No rush")."""
    return _PAUSE.search(fold(text).translate(ASCII_LOWER)) is not None


def close_up_hits(persona: Persona, text: str) -> list[int]:
    """1-based indexes of the card's ``closes_up_when`` entries a staff turn hits.

    Args:
        persona: the card (its ``close_up`` recognizers are used).
        text: the staff utterance.

    Returns:
        Indexes into ``persona.closes_up_when`` (1-based), in card order.
    """
    low = fold(text).translate(ASCII_LOWER)
    hits: list[int] = []
    for trigger in persona.close_up:
        if any(re.search(p, low) for p in trigger.patterns):
            index = persona.closes_up_when.index(trigger.when) + 1
            if index not in hits:
                hits.append(index)
    return sorted(hits)


def quotes_caregiver(text: str, earlier_replies: list[str]) -> bool:
    """Tell whether a staff turn repeats three or more of the caregiver's words in a row.

    Args:
        text: the staff utterance.
        earlier_replies: the caregiver's replies so far.

    Returns:
        True when some three consecutive words (one of four letters or more)
        of ``text`` appear in that order in a reply ("So a good week would
        mean 'the only good thing I got'").
    """
    said = " ".join(earlier_replies).translate(ASCII_LOWER)
    own = [w.strip("'") for w in _WORDS.findall(fold(text).translate(ASCII_LOWER))]
    said_text = " " + " ".join(w.strip("'") for w in _WORDS.findall(fold(said))) + " "
    return any(
        f" {' '.join(own[i : i + 3])} " in said_text
        for i in range(len(own) - 2)
        if any(len(w) > 3 for w in own[i : i + 3])
    )


def reflection_miss(
    persona: Persona,
    text: str,
    earlier_replies: list[str],
    earlier_staff: list[str] | None = None,
) -> list[str]:
    """The facts a reflection names that the caregiver never said (issue 9, item 3).

    A fact is a word :func:`bot.core.topics.is_fact_word` knows (letters,
    rent, the bus, the court, a husband; *cartas*, *renta*, *juzgado*). It
    was said when the caregiver used it (or a word of the same stem: "letter"
    for "letters"), or the interviewer asked about it and the caregiver
    answered (a summary "I've heard about your mornings" after a question
    about mornings). A fact the interviewer only *stated* ("We sent letters
    home") is still not the caregiver's. A reflection that quotes three or
    more words of a reply in a row misses nothing. Other words echo or not
    ("It sounds like those letters really stung", to a grandfather who never
    mentioned letters, is a miss; so is "So the mornings are early, and the
    rent is a worry" when rent never came up).

    A paraphrase that names no fact ("You're juggling a lot at once", "That
    sounds like it's been building for a while") is not a miss, whatever its
    words: reflecting a feeling or a reading in one's own words is the craft
    (DOMAIN.md); the caregiver may correct it.

    Args:
        persona: the card (its names are never facts).
        text: the staff reflection.
        earlier_replies: the caregiver's replies so far.
        earlier_staff: the interviewer's earlier turns (None: none counted).

    Returns:
        The unsaid fact words, in order, without duplicates; ``[]`` when the
        reflection names no fact the caregiver did not say.
    """
    if quotes_caregiver(text, earlier_replies):
        return []  # a quote of the caregiver's own words
    names = set(_WORDS.findall(f"{persona.name} {persona.student.name}".translate(ASCII_LOWER)))
    asked = [t for t in earlier_staff or [] if "?" in t or "\u00bf" in t or is_invitation(t)]
    heard = " ".join([*earlier_replies, *asked])
    said = set(_WORDS.findall(fold(heard).translate(ASCII_LOWER)))

    def echoed(word: str) -> bool:
        stem = word[:5]
        return any(s.startswith(stem) or (word.startswith(s[:5]) and len(s) > 4) for s in said)

    words = [w.strip("'") for w in _WORDS.findall(fold(text).translate(ASCII_LOWER))]
    facts = (
        w
        for w in dict.fromkeys(words)
        if w not in names and w not in _GENERIC_REFLECTION_WORDS and is_fact_word(w)
    )
    return [w for w in facts if not echoed(w)]


CHECK_BACK_WORDS: dict[str, str] = {
    "en": "I may have put words in your mouth there. Did I get that right?",
    "es": "Puede que le haya puesto palabras en la boca. ¿Lo entendí bien?",
}
"""The check-back a coach note suggests after a reflection that missed, in the
session's language (the words the staff member would say to the caregiver)."""


def check_back_note(persona: Persona, missed: list[str]) -> str:
    """The coach note for a reflection that named something never said.

    Args:
        persona: the card (the caregiver's first name; its ``language`` picks
            the suggested words, :data:`CHECK_BACK_WORDS`).
        missed: the words the caregiver never said (:func:`reflection_miss`).

    Returns:
        One US English note naming up to three of ``missed`` and ending
        "Check it back with them: '...'" with the check-back in the session's
        language (DOMAIN.md: "Reflect back what you heard").
    """
    who = persona.name.split()[0]
    named = ", ".join(f"'{w}'" for w in missed[:3])
    words = CHECK_BACK_WORDS.get(persona.language, CHECK_BACK_WORDS["en"])
    return (
        f"That reflection named something {who} hadn't said ({named}). "
        f"Check it back with them: '{words}'"
    )


def trust_words(trust: float, *, wary: bool) -> str:
    """This turn's emotional state in plain words (for the model voice)."""
    if wary:
        return "wary and on guard after being threatened; short answers, nothing personal"
    if trust < 2:
        return "guarded, expecting to be blamed"
    if trust < 4:
        return "cautious but willing to talk"
    if trust < 6:
        return "warming up, feels listened to"
    if trust < 8:
        return "open, trusts this person"
    return "very open, relieved to be heard"


def _spacing(spacing: int, trust: float, threshold: float) -> int:
    """Turns needed since the last disclosure; one fewer when trust is comfortable."""
    if trust >= min(TRUST_MAX, threshold + COMFORT_MARGIN):
        return max(1, spacing - 1)
    return spacing


def _clamp(value: float) -> float:
    return max(0.0, min(TRUST_MAX, value))


def touches_layer(
    layer: Layer,
    topics: list[Topic],
    review: Review,
    *,
    subjects: list[Subject] | None = None,
    context: set[Topic] | None = None,
    pause: bool = False,
) -> bool:
    """Tell whether a staff turn is on or near a layer's topic, so it may open it.

    A turn touches a layer when (a) it names one of the layer's ``topics``,
    or its first subject is a broad one (not in :data:`NARROW_SUBJECTS`) on
    or near one of them (:func:`bot.core.topics.near_topics`: a question
    about the missed days is near a mornings layer; a question about the
    student's friends, food or screens opens only a layer on that very
    topic, so a disclosure always answers what was asked); or (b) it is a follow-up, a
    reflection or a pause and the conversation (``context``: the subjects of
    the caregiver's last reply and the thread of the last disclosure) is on
    or near the layer; or (c) it is an open question about no particular
    subject ("How are things going?").

    Args:
        layer: the next undisclosed layer.
        topics: layer topics detected in the staff text.
        review: its review (moves are read).
        subjects: every subject of the staff text (defaults to ``topics``).
        context: layer topics the conversation is on (None: treated as on
            every topic, the old rule).
        pause: True when the turn offers a pause.

    Returns:
        True when the turn touches the layer.
    """
    moves = set(review.moves)
    subs: list[Subject] = list(subjects) if subjects is not None else list(topics)
    narrow = [s for s in subs if s in NARROW_SUBJECTS]
    if narrow and "reflection" not in moves and not pause:
        # "Who are her friends?" is answered about friends, not with a story about mornings
        return bool(set(narrow) & set(layer.topics))
    if set(topics) & set(layer.topics):
        return True
    # near topics of what the question is about (its first subject), not of every
    # word in it: "What would make it easier to be in touch?" is about contact
    if near_topics(subs[:1]) & set(layer.topics):
        return True
    if moves & {"follow_up", "reflection"} or pause:
        if not subs or context is None:
            return True
        # a follow-up on something new ("What do you wish we did differently?")
        # is answered about that, not with a story on another topic
        if "reflection" in moves or pause:
            return bool(context & set(layer.topics))
        return False
    return "open_question" in moves and not subs


def decide_mode(
    staff_text: str,
    review: Review,
    *,
    disclose: Layer | None,
    insight: bool,
    guarded: bool = False,
    moves: set[Move] | None = None,
) -> ReplyMode:
    """Choose how the caregiver answers, in this order of precedence.

    1. any intervention finding, threat or close-up trigger -> ``guarded``;
    2. the hidden insight is revealed now -> ``insight``;
    3. a layer is disclosed now -> ``disclose``;
    4. a ``closed`` finding -> ``brief``;
    5. a reflection, affirmation or pause that asks nothing -> ``acknowledge``;
    6. otherwise -> ``open``.

    Args:
        staff_text: the staff utterance.
        review: its review.
        disclose: the layer disclosed this turn, if any.
        insight: True when the hidden insight is revealed this turn.
        guarded: True when the engine saw a threat or a close-up trigger.
        moves: the good moves the engine counted (the review's plus the
            reflections it recognized itself); defaults to the review's.

    Returns:
        The :data:`ReplyMode`.
    """
    if review.has_intervention or guarded:
        return "guarded"
    if insight:
        return "insight"
    if disclose is not None:
        return "disclose"
    if "closed" in review.kinds:
        return "brief"
    seen = set(review.moves) if moves is None else moves
    if ({"reflection", "affirmation"} & seen or is_pause(staff_text)) and not (
        asks_question(staff_text, review)
    ):
        return "acknowledge"
    return "open"


_LOCKED_TEXT = "(not disclosed yet)"


_CONTENT_WORD = re.compile(r"[a-z\u00e1\u00e9\u00ed\u00f3\u00fa\u00f1\u00fc]{4,}")

PRIVATE_PRINCIPLE = (
    "keeps some things private until trust is earned; does not hint at them or bring them up "
    "unasked, and answers what was asked instead"
)
"""What a principle or belief that names a locked fact becomes in the redacted card."""


_AUTHOR_NOTE = re.compile(
    r"\blayers?\b|hidden insight|\binsight\b|until (?:that|the|a) .{0,40}earned"
)
"""A principle that speaks about the card's disclosure machinery (an author's note)."""


def _content_words(text: str) -> set[str]:
    return set(_CONTENT_WORD.findall(fold(text).lower()))


def locked_only_words(persona: Persona, disclosed_ids: list[str], insight_known: bool) -> set[str]:
    """Words of the locked layers and insight that nothing already public on the card uses.

    Args:
        persona: the full card.
        disclosed_ids: ids of layers disclosed so far.
        insight_known: True once the hidden insight is revealed.

    Returns:
        Folded content words (4+ letters) that would give a locked fact away.
    """
    locked: set[str] = set()
    public: set[str] = set()
    for layer in persona.layers:
        words = _content_words(" ".join([layer.text, *layer.says, *layer.more]))
        (public if layer.id in disclosed_ids else locked).update(words)
    insight = persona.hidden_insight
    (public if insight_known else locked).update(
        _content_words(" ".join([insight.text, *insight.says]))
    )
    voice = persona.voice
    public_text = [
        persona.name,
        persona.relation,
        persona.household,
        persona.situation,
        persona.surface_account,
        persona.opening_mood,
        persona.student.name,
        voice.greeting,
        *voice.surface,
        *voice.general,
        *voice.brief,
        *voice.guarded,
        *voice.acknowledge,
        *(line for lines in voice.topics.values() for line in lines),
        *(line for lines in voice.yes_no.values() for line in lines),
        *persona.closes_up_when,
    ]
    public.update(_content_words(" ".join(public_text)))
    return locked - public


def safe_statements(statements: list[str], locked: set[str]) -> list[str]:
    """Keep each statement that names no locked word; reword the others once, generically.

    Args:
        statements: the card's principles or beliefs.
        locked: :func:`locked_only_words`.

    Returns:
        The statements in order, each one naming a locked fact replaced by
        :data:`PRIVATE_PRINCIPLE` (at most once in the list).
    """
    out: list[str] = []
    for statement in statements:
        if _content_words(statement) & locked or _AUTHOR_NOTE.search(fold(statement).lower()):
            if PRIVATE_PRINCIPLE not in out:
                out.append(PRIVATE_PRINCIPLE)
        else:
            out.append(statement)
    return out


def redact_persona(persona: Persona, disclosed_ids: list[str], insight_known: bool) -> Persona:
    """Return a copy of the card that holds only what the caregiver may say now.

    Locked layers keep their position, topics and trust (so the card still
    validates) but their ``id``, ``text``, ``says`` and ``earned_by`` become
    placeholders; the hidden insight is a placeholder until it is revealed;
    ``absence_reason`` (the author's note of the real reason) is always
    replaced; ``principles`` and ``beliefs`` that name a locked fact are
    reworded generically (:func:`safe_statements`), so they can go into the
    model's generation prompt. Everything else (name, voice, surface
    account…) is unchanged.

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
    locked = locked_only_words(persona, disclosed_ids, insight_known)
    return persona.model_copy(
        update={
            "layers": layers,
            "hidden_insight": hidden,
            "absence_reason": "(redacted)",
            "principles": safe_statements(persona.principles, locked),
            "beliefs": safe_statements(persona.beliefs, locked),
        }
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
        parts.append(f"{persona.name} shared: " + " ".join(whole_sentences(s, 160) for s in shared))
    guarded = sum(1 for turn in turns if turn.mode == "guarded")
    if guarded:
        times = "once" if guarded == 1 else f"{guarded} times"
        parts.append(f"{persona.name} closed up {times} after advice or judgment.")
    text = " ".join(parts)
    if len(text) > SUMMARY_MAX_CHARS:  # drop whole sentences from the end, never cut one
        kept: list[str] = []
        for sentence in split_sentences(text):
            if len(" ".join([*kept, sentence])) > SUMMARY_MAX_CHARS:
                break
            kept.append(sentence)
        text = " ".join(kept) if kept else whole_sentences(text, SUMMARY_MAX_CHARS)
    return text


@dataclass
class _Pending:
    plan: ReplyPlan
    state: EngineState
    record: dict[str, Any]


class PracticeEngine:
    """Owns trust, disclosure and the turns of one practice session.

    Args:
        persona: the caregiver (or student) card.
        seed: session seed, passed to responders through each plan.
        reviewer: reviews a staff utterance when :meth:`plan` is not given a
            review; None (the default) means the rules reviewer. Called with
            ``context=`` (a :class:`ReviewContext`) when it accepts one.
        recent_turns: how many latest turns a plan carries verbatim
            (``ReplyPlan.recent``); older ones are folded into ``summary``.

    Raises:
        ValueError: when ``recent_turns`` is negative.

    The rules (numbers are the module constants):

    - **Listening credit.** Each turn earns credit for its good moves
      (:data:`MOVE_GAIN`, capped at :data:`MAX_GAIN_PER_TURN`; a kind yes/no
      question earns :data:`CLOSED_CREDIT`); the same utterance again earns a
      quarter, then nothing (:data:`REPEAT_FACTOR`); a reflection that names
      something the caregiver never said earns nothing and costs
      :data:`REFLECTION_MISS_PENALTY`.
    - **Trust with memory.** Interventions cost :data:`INTERVENTION_PENALTY`
      times confidence, more for each earlier one; a threat costs
      :data:`THREAT_PENALTY` more and makes the caregiver wary for
      :data:`WARY_TURNS` turns (trust capped at :data:`WARY_CAP`, credit
      halved, nothing disclosed). A card's close-up trigger forces a guarded
      reply and blocks disclosure for :data:`CLOSE_UP_BLOCK_TURNS` turns.
    - **Disclosure earned.** The next layer (card order) opens when trust
      reaches its ``trust``, the turn is on or near its topic
      (:func:`touches_layer`), this turn earned credit, the last
      :data:`RECENT_WINDOW` turns earned :data:`RECENT_LISTENING`, and at
      least :data:`SPACING` turns passed since the last disclosure.
    - **The hidden insight** comes after every layer, when trust reaches
      ``hidden_insight.trust`` and the last :data:`INSIGHT_WINDOW` turns show
      sustained listening (credit :data:`INSIGHT_LISTENING`, at least three
      listening turns, two different utterances, no intervention or trigger).
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
        self._replaced: list[Turn] = []
        self._state = EngineState(trust=_clamp(persona.opening_trust))
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
    def replaced(self) -> list[Turn]:
        """Turns taken back by :meth:`rewind`, oldest first (a copy)."""
        return list(self._replaced)

    @property
    def state(self) -> EngineState:
        """The engine state (includes a planned, unrecorded turn; a copy)."""
        return self._state.model_copy(deep=True)

    @property
    def trust(self) -> float:
        """Current trust on the 0-10 scale (includes a planned, unrecorded turn)."""
        return self._state.trust

    @property
    def disclosed_ids(self) -> list[str]:
        """Ids of disclosed layers in disclosure order (a copy)."""
        return list(self._state.disclosed_ids)

    @property
    def insight_reached(self) -> bool:
        """True once the hidden insight has been revealed."""
        return self._state.insight

    @property
    def summary(self) -> str:
        """Summary of recorded turns older than the recent window."""
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
            if layer.id not in self._state.disclosed_ids:
                return layer
        return None

    def review_context(self, turn_index: int | None = None) -> ReviewContext:
        """The :class:`ReviewContext` the engine gives its reviewer for a turn."""
        student = self._persona.student
        return ReviewContext(
            student_name=student.name,
            student_pronouns=student.pronouns,
            language=self._persona.language,
            turn_index=turn_index if turn_index is not None else len(self._turns) + 1,
        )

    def _context_topics(self) -> set[Topic]:
        """Layer topics the conversation is on: the last reply and the latest thread."""
        out: set[Topic] = set()
        if self._turns:
            last = self._turns[-1]
            out |= near_topics(detect_subjects(last.caregiver))
            out |= set(last.topics)
        by_id = {layer.id: layer for layer in self._persona.layers}
        if self._state.disclosed_ids:
            out |= set(by_id[self._state.disclosed_ids[-1]].topics)
        return out

    def _thread(self) -> Layer | None:
        by_id = {layer.id: layer for layer in self._persona.layers}
        if self._state.disclosed_ids:
            return by_id[self._state.disclosed_ids[-1]]
        return None

    # -- one turn ---------------------------------------------------------

    def plan(self, staff_text: str, review: Review | None = None) -> ReplyPlan:
        """Review a staff turn, update trust and disclosure, and plan the reply.

        Args:
            staff_text: what the staff member said.
            review: its review, if already made (e.g. rules plus model
                findings); otherwise the engine's reviewer makes one, given
                :meth:`review_context`.

        Returns:
            The :class:`ReplyPlan` a responder voices (its ``persona`` is
            redacted: :func:`redact_persona`).

        A plan that was never recorded is cancelled first (:meth:`cancel`).
        """
        self.cancel()
        persona = self._persona
        index = len(self._turns) + 1
        rv = (
            review
            if review is not None
            else call_reviewer(self._reviewer, staff_text, self.review_context(index))
        )
        before = self._state.model_copy(deep=True)
        st = self._state.model_copy(deep=True)
        topics = detect_topics(staff_text)
        subjects = detect_subjects(staff_text)
        earlier = [t.caregiver for t in self._turns]
        events: list[str] = []

        threat = is_threat(staff_text)
        hits = close_up_hits(persona, staff_text)
        pause = is_pause(staff_text)
        norm = normalize_utterance(staff_text)
        signature = utterance_signature(staff_text)
        uses = sum(
            1
            for t in self._turns
            if normalize_utterance(t.staff) == norm
            or near_repeat(signature, utterance_signature(t.staff))
        )
        intervention = rv.has_intervention or threat
        found_moves = set(rv.moves)
        stock = is_stock(persona, staff_text) and index > 1 and not subjects
        if (
            not stock  # "That sounds really difficult." alone names nothing that was said
            and "reflection" not in found_moves
            # a summary's "Is that a fair summary?" is a check-back, not a leading question
            and (not rv.kinds & {"stacked", "leading", "why_blame"} or is_check_back(staff_text))
            and is_reflection(persona, staff_text, earlier)
        ):
            found_moves.add("reflection")  # a reflection the rules reviewer has no rule for
            events.append("reflection_seen")
        miss: list[str] = []
        if "reflection" in found_moves and not intervention:
            miss = reflection_miss(persona, staff_text, earlier, [t.staff for t in self._turns])
        stock_before = sum(1 for t in self._turns[-STOCK_WINDOW:] if "stock_prompt" in t.events)

        # listening credit
        moves = found_moves - ({"reflection"} if miss else set())
        if not earlier:
            # nothing has been said to reflect back yet: an opening line earns no reflection's
            # credit ("I've got a few quick questions" is not listening), whatever the rules saw
            moves.discard("reflection")
        if "follow_up" not in moves and _ASKS_WHAT_WAS_MISSED.search(
            fold(staff_text).translate(ASCII_LOWER)
        ):
            # "Anything I didn't ask?" invites more, like "What else?" (one move, not two)
            moves.discard("open_question")
            moves.add("follow_up")
        intent = question_intent(staff_text)
        yes_no = intent == "yes_no" and not moves & {"reflection", "follow_up"} and not rv.findings
        if yes_no:
            # "Has this year been harder?" asks for a yes or a no, whatever the rules saw
            moves.discard("open_question")
            events.append("yes_no")
        elif "closed" in rv.kinds:
            moves.discard("open_question")  # the rules saw a closed question: it is not open too
        credit = sum(MOVE_GAIN.get(m, 0.0) for m in moves)
        if pause:
            credit += MOVE_GAIN["pause"]
            events.append("pause")
        if credit == 0 and not rv.findings and not miss and is_warm(staff_text):
            credit = MOVE_GAIN["affirmation"]
            events.append("warm")
        closed_only = False  # this turn's credit is a yes/no question's only: the slow path
        # a yes/no question is this turn's only ask, even after a warm line ("Thank you for
        # sharing that. Are mornings the hardest?"): the caregiver was asked for a yes or a no
        closed_turn = (
            (yes_no or "closed" in rv.kinds)
            and not moves & {"open_question", "follow_up", "reflection"}
            and not pause
        )
        about_them = bool(subjects or topics) or _names_student(persona, staff_text)
        if credit == 0 and ("closed" in rv.kinds or yes_no) and about_them and not intervention:
            overflow = persona.style in OVERFLOW_STYLES
            credit = (
                (OVERFLOW_CREDIT if overflow else CLOSED_CREDIT)
                if "closed" in rv.kinds
                else YES_NO_CREDIT
            )
            closed_only = True
        credit = min(credit, MAX_GAIN_PER_TURN)
        if uses:
            events.append("repeat")
        credit *= REPEAT_FACTOR[uses] if uses < len(REPEAT_FACTOR) else 0.0
        worn = False  # a stock prompt used again: it opens nothing, whatever it earns
        if stock and moves & {"open_question", "follow_up"}:
            # a stock prompt ("Tell me more.", "What else?") again: the prompt earns less
            events.append("stock_prompt")
            prompt = sum(MOVE_GAIN[m] for m in moves & {"open_question", "follow_up"})
            factor = STOCK_FACTOR[stock_before] if stock_before < len(STOCK_FACTOR) else 0.0
            credit = max(0.0, credit - prompt * (1.0 - factor))
            # the third stock prompt in a few turns opens nothing (a pause offered still counts)
            worn = stock_before >= 2 and not pause
        if stock:
            events.append("stock")
            if _CLICHE.search(fold(staff_text).translate(ASCII_LOWER)):
                events.append("cliche")
                if any("cliche" in t.events for t in self._turns[-STOCK_WINDOW:]):
                    credit, worn = 0.0, True  # stock empathy again earns nothing
        if intervention or hits:
            credit = 0.0
        rebuilding = st.threats > 0 and index <= st.wary_until + WARY_TURNS
        gain = credit * (0.5 if rebuilding else 1.0)

        loss = _penalties(rv, prior_interventions=st.intervention_turns)
        if threat:
            loss += THREAT_PENALTY
            events.append("threat")
            st.threats += 1
            st.wary_until = index + WARY_TURNS
        if hits:
            events.extend(f"close_up:{i}" for i in hits)
            if not rv.has_intervention:
                loss += CLOSE_UP_PENALTY
            st.blocked_until = max(st.blocked_until, index + CLOSE_UP_BLOCK_TURNS - 1)
        coach_note: str | None = None
        if miss:
            loss += REFLECTION_MISS_PENALTY
            events.append("reflection_miss")
            coach_note = check_back_note(persona, miss)
        if intervention:
            events.append("intervention")
            st.intervention_turns += 1
        trust = _clamp(st.trust + gain - loss)
        if index <= st.wary_until:
            trust = min(trust, WARY_CAP)
        st.trust = trust

        # disclosure
        allowed = [layer for i in st.disclosed_ids for layer in persona.layers if layer.id == i]
        recent_credit = credit + sum(t.listening for t in self._turns[-(RECENT_WINDOW - 1) :])
        if closed_only or closed_turn:
            # a yes/no question opens a layer only at the end of sustained gentle interest
            # (the slow and long paths below), never as fast as an open one (issue 9: yes/no
            # later), and only from a talkative caregiver whose yes or no overflows into talk
            # (OVERFLOW_STYLES): a reserved, plain or upset one just answers it (rarely)
            recent_credit = 0.0
        overflows = not closed_turn or persona.style in OVERFLOW_STYLES
        slow = self._turns[-(SLOW_WINDOW - 1) :]
        if (
            overflows
            and recent_credit < RECENT_LISTENING
            and len(slow) == SLOW_WINDOW - 1
            and not any("intervention" in t.events for t in slow)
            and credit + sum(t.listening for t in slow) >= SLOW_LISTENING
        ):
            recent_credit = RECENT_LISTENING  # sustained, gentle interest counts too
        long = self._turns[-(LONG_WINDOW - 1) :]
        if (
            overflows
            and recent_credit < RECENT_LISTENING
            and len(long) == LONG_WINDOW - 1
            and not any("intervention" in t.events for t in long)
            and credit + sum(t.listening for t in long) >= LONG_LISTENING
        ):
            recent_credit = RECENT_LISTENING  # patient, kind interest over nine turns too
        listening_recent = 1 + sum(
            1 for t in self._turns[-(RECENT_WINDOW - 1) :] if t.listening > 0
        )
        open_gate = (
            not (index > 2 and is_closing(staff_text))  # nothing new comes out at goodbye
            # one kind line after empty ones opens nothing: listening is sustained
            and (listening_recent >= 2 or index <= 2)
            and not intervention
            and not hits
            and credit >= CLOSED_CREDIT  # a worn-out prompt (a quarter of its credit) opens nothing
            and uses == 0
            and not worn
            # "Tell me more." right after a layer gets that layer told more, not the next one
            and not (stock and st.last_disclosure == index - 1)
            and index > st.blocked_until
            and index > st.wary_until
        )
        disclose: Layer | None = None
        insight_now = False
        spacing = SPACING.get(persona.style, 2)
        nxt = self._next_layer()
        if open_gate and nxt is not None:
            if (
                trust >= nxt.trust
                and recent_credit >= RECENT_LISTENING
                and (
                    st.last_disclosure == 0
                    or index - st.last_disclosure >= _spacing(spacing, trust, nxt.trust)
                )
                and (
                    touches_layer(
                        nxt,
                        topics,
                        rv,
                        subjects=subjects,
                        context=self._context_topics(),
                        pause=pause,
                    )
                    or self._pent_up(nxt, index, trust, spacing, subjects, moves)
                )
            ):
                disclose = nxt
        elif open_gate and nxt is None and not st.insight:
            window = [*self._turns[-(INSIGHT_WINDOW - 1) :]]
            clean = all(
                "intervention" not in t.events
                and not any(e.startswith("close_up") for e in t.events)
                for t in window
            )
            listening_turns = sum(1 for t in window if t.listening > 0) + 1
            distinct = len({normalize_utterance(t.staff) for t in window} | {norm})
            sustained = credit + sum(t.listening for t in window)
            if (
                trust >= persona.hidden_insight.trust
                and clean
                and len(window) >= INSIGHT_WINDOW - 1
                and listening_turns >= 3
                and distinct >= 2
                and sustained >= INSIGHT_LISTENING
                and index - st.last_disclosure
                >= max(2, _spacing(spacing, trust, persona.hidden_insight.trust))
                and index > st.wary_until + 2
                # a question on a narrow subject gets its answer; a summary that quotes
                # "same as any job" asks nothing about work: the insight may follow it
                and not (
                    subjects and subjects[0] in INSIGHT_OFF_TOPIC and asks_question(staff_text, rv)
                )
            ):
                insight_now = True
        if (disclose is not None or insight_now) and self._holding_back(index):
            disclose, insight_now = None, False  # trust has memory: not yet, after that threat
            events.append("holding_back")
        mode = decide_mode(
            staff_text,
            rv,
            disclose=disclose,
            insight=insight_now,
            guarded=bool(threat or hits),
            moves=found_moves,
        )
        earned_by: str | None = None
        if disclose is not None or insight_now:
            st.last_disclosure = index
            order = ("reflection", "follow_up", "open_question", "affirmation")
            earned_by = next((m for m in order if m in moves), "pause" if pause else "question")
        if disclose is not None:
            st.disclosed_ids.append(disclose.id)
        st.insight = st.insight or insight_now
        self._state = st

        close_up = None
        if hits:
            wanted = persona.closes_up_when[hits[0] - 1]
            close_up = next((c for c in persona.close_up if c.when == wanted), None)
        plan = ReplyPlan(
            persona=redact_persona(persona, st.disclosed_ids, st.insight),
            turn_index=index,
            staff_text=staff_text,
            review=rv,
            topics=topics,
            subjects=subjects,
            intent=intent,
            mode=mode,
            disclose=disclose,
            allowed_layers=allowed,
            trust=trust,
            recent=self._recent(),
            summary=self.summary,
            seed=self._seed,
            lead_in=LEAD_INS.get(persona.language, LEAD_INS["en"]) if insight_now else None,
            insight=persona.hidden_insight if st.insight else None,
            earlier_replies=earlier,
            earlier_staff=[t.staff for t in self._turns],
            threat=threat,
            close_up=close_up,
            repeat=uses > 0,
            thread=disclose or self._thread_of(allowed),
            emotion=trust_words(trust, wary=index <= st.wary_until),
        )
        self._pending = _Pending(
            plan,
            before,
            {
                "trust_before": before.trust,
                "listening": credit,
                "events": events,
                "earned_by": earned_by,
                "coach_note": coach_note,
            },
        )
        return plan

    def _holding_back(self, index: int) -> bool:
        """True while the caregiver still holds back after a threat (:data:`THREAT_HOLDBACK`)."""
        last_threat = max((t.index for t in self._turns if "threat" in t.events), default=0)
        if last_threat == 0:
            return False
        held = sum(1 for t in self._turns if t.index > last_threat and "holding_back" in t.events)
        return held < THREAT_HOLDBACK

    def _pent_up(
        self,
        layer: Layer,
        index: int,
        trust: float,
        spacing: int,
        subjects: list[Subject],
        moves: set[Move],
    ) -> bool:
        """Tell whether a trusting caregiver tells the next layer unasked (:data:`PENT_UP_TURNS`).

        Needs trust :data:`COMFORT_MARGIN` above the layer's threshold, an open
        question, follow-up or reflection on a broad subject (never a narrow
        one: "Who are her friends?" is answered about friends), and
        ``spacing + PENT_UP_TURNS`` turns since the last disclosure (or the
        start) with no intervention among the last :data:`RECENT_WINDOW` turns.
        """
        if trust < min(TRUST_MAX, layer.trust + COMFORT_MARGIN):
            return False
        if not moves & {"open_question", "follow_up", "reflection"}:
            return False
        if subjects and subjects[0] in NARROW_SUBJECTS:
            return False
        if (
            index - self._state.last_disclosure
            < _spacing(spacing, trust, layer.trust) + PENT_UP_TURNS
        ):
            return False
        recent = self._turns[-(RECENT_WINDOW - 1) :]
        return not any("intervention" in t.events for t in recent)

    @staticmethod
    def _thread_of(allowed: list[Layer]) -> Layer | None:
        return allowed[-1] if allowed else None

    def cancel(self) -> None:
        """Undo the last :meth:`plan` (e.g. when no responder could answer).

        Engine state goes back to what it was before it; no turn is recorded.
        Does nothing when no plan is pending.
        """
        if self._pending is None:
            return
        self._state = self._pending.state
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
            The recorded :class:`Turn` (with ``trust_before``, ``events``,
            ``earned_by``, ``coach_note`` and the engine ``state`` after it).

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
            state=self._state.model_copy(deep=True),
            **pending.record,
        )
        self._turns.append(turn)
        self._pending = None
        return turn

    def rewind(self, before_turn: int) -> list[Turn]:
        """Take the conversation back to just before turn ``before_turn`` (*Try again*).

        Engine state (trust, disclosure, wariness, memory of interventions)
        is restored to what it was after turn ``before_turn - 1``; the taken
        back turns are kept in :attr:`replaced` so the debrief can show both
        attempts side by side. A pending plan is cancelled.

        Args:
            before_turn: 1-based index of the first turn to take back.

        Returns:
            The turns taken back, oldest first.

        Raises:
            ValueError: when ``before_turn`` is not a recorded turn's index.
        """
        self.cancel()
        if not 1 <= before_turn <= len(self._turns):
            raise ValueError(f"no turn {before_turn} to rewind to (turns: {len(self._turns)})")
        taken = self._turns[before_turn - 1 :]
        self._turns = self._turns[: before_turn - 1]
        self._replaced.extend(taken)
        if self._turns and self._turns[-1].state is not None:
            self._state = self._turns[-1].state.model_copy(deep=True)
        elif self._turns:
            last = self._turns[-1]
            self._state = EngineState(
                trust=last.trust_after,
                disclosed_ids=[i for t in self._turns for i in t.disclosed],
                insight=any(t.insight for t in self._turns),
            )
        else:
            self._state = EngineState(trust=_clamp(self._persona.opening_trust))
        return list(taken)

    # -- after ------------------------------------------------------------

    def debrief(self) -> Debrief:
        """Compute the debrief of the recorded turns (and retried attempts).

        Returns:
            :func:`bot.core.debrief.compute_debrief` of this persona and turns.
        """
        return compute_debrief(self._persona, self._turns, replaced=self._replaced)

    def snapshot(self) -> PracticeSession:
        """Return the session state to persist (a pending plan is not included).

        Returns:
            A :class:`PracticeSession`; state as of the last recorded turn.
        """
        st = self._pending.state if self._pending is not None else self._state
        return PracticeSession(
            persona_id=self._persona.id,
            seed=self._seed,
            recent_turns=self._recent_turns,
            turns=list(self._turns),
            trust=st.trust,
            disclosed_ids=list(st.disclosed_ids),
            insight_reached=st.insight,
            state=st.model_copy(deep=True),
            replaced=list(self._replaced),
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

        Old snapshots (no ``state``) are read too: their trust, disclosure and
        insight are kept and the rest of the engine's memory starts empty.

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
        engine._replaced = list(snapshot.replaced)
        if snapshot.state is not None:
            engine._state = snapshot.state.model_copy(deep=True)
        else:
            last = max((t.index for t in snapshot.turns if t.disclosed or t.insight), default=0)
            engine._state = EngineState(
                trust=_clamp(snapshot.trust),
                disclosed_ids=list(snapshot.disclosed_ids),
                insight=snapshot.insight_reached,
                intervention_turns=sum(1 for t in snapshot.turns if t.review.has_intervention),
                last_disclosure=last,
            )
        return engine


__all__ = [
    "PracticeEngine",
    "PracticeSession",
    "ReplyMode",
    "ReplyPlan",
    "Turn",
    "Usage",
    "asks_question",
    "call_reviewer",
    "first_sentence",
    "is_invitation",
]
