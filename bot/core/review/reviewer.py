"""The rules reviewer: one staff utterance in, one :class:`~bot.core.models.Review` out.

Steps (all pure, deterministic, no I/O):

1. clean Slack markup and typography, keeping a map to the original offsets
   (:mod:`bot.core.review.normalize`);
2. split into sentences and decide which are questions (a ``?``, or a
   question word/auxiliary at the start for questions typed without one);
3. run each kind's rules (:mod:`bot.core.review.rules`) over the text, keeping
   matches in sentences their ``where`` allows;
4. add the sentence-level craft checks: ``closed`` (a yes/no question that is
   not a check-back or a polite request) and ``stacked`` (two or more
   questions in one turn);
5. drop findings another finding explains better (a ``why_blame`` inside a
   persuasion, a ``closed`` in a sentence already flagged as leading or as an
   intervention), and duplicates of one kind over overlapping spans;
6. record good moves and write a reframe (:mod:`bot.core.review.reframe`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.core.models import SEVERITY_OF, Finding, FindingKind, Move, Review
from bot.core.review.normalize import Cleaned, clean
from bot.core.review.reframe import reframe_for
from bot.core.review.rules import RULES, Rule, expand

MAX_REVIEW_CHARS = 20_000
"""Longest text reviewed in full (a long paste); the rest is still kept in
``Review.text`` but not scanned, so the reviewer's time stays bounded."""

_SENTENCE = re.compile(
    # Matched on the original-case text: a title ("Ms. Pike", "Dr. Lee") never ends a
    # sentence; "a.m."/"p.m." ends one only when a capital letter follows.
    r"(?:[^.?!\n]|(?<=\b[Mm]rs)\.|(?<=\b[Mm][rs])\.|(?<=\b[Dd]r)\.|(?<=\b[Ss]t)\.|"
    r"(?<=\b[AaPp])\.(?=[Mm]\.)|(?<=\b[AaPp]\.[Mm])\.(?=\s+[a-z0-9(,])|\d\.(?=\d))+"
    r"(?:[.?!]+|\n|$)"
)
_QUESTION_START = re.compile(
    r"^\s*(?:(?:so|and|but|well|okay|ok|now|also|hi|hey|hello)[,]?\s+)*"
    r"(?:(?:mr|ms|mrs|dr)\.?\s+[a-z]+,?\s+)?(?:what|how|why|"
    r"when(?=\s+(?:do|does|did|is|are|was|were|can|could|will|would)\b)|where|who|"
    r"which|whose|do|does|did|is|are|was|were|can|could|will|would|have|has|had|should|shall|"
    r"may|might|am|isn'?t|aren'?t|don'?t|doesn'?t|didn'?t|won'?t|wouldn'?t|haven'?t|hasn'?t|"
    r"wasn'?t|weren'?t|can'?t|couldn'?t|shouldn'?t)\b",
)
_WH_START = re.compile(
    r"^\s*(?:(?:so|and|but|well|okay|ok|now|also)[,]?\s+)*(?:what|how|who|which|when|where)"
    r"(?:\s+\w+)?(?:'?s\b|'?re\b|\s+(?:do|does|did|is|are|was|were|can|could|will|would|has|"
    r"have)\b)",
)
_OPEN_REQUEST = re.compile(
    expand(
        r"^\s*(?:(?:so|and|but|well|okay|ok|now|also)[,]?\s+)*(?:tell me|describe|walk me through|"
        r"help me understand|talk (?:to me )?about|share|say more|i'd (?:love|like) to (?:hear|know|"
        r"understand|learn)|i'm (?:curious|wondering)|i wonder)\b"
    ),
)
_CLOSED = re.compile(
    expand(
        r"{S}(?:do|does|did|is|are|was|were|can|could|will|would|have|has|had|should|shall|may|"
        r"might|am|isn't|aren't|don't|doesn't|didn't|won't|wouldn't|haven't|hasn't|wasn't|"
        r"weren't)\s+(?:he|she|they|you|it|there|that|this|your|his|her|the|we|i|anyone|someone|"
        r"somebody|anybody|anything|something|everyone|everything|things|school|mornings?|y'all|"
        r"(?!(?:now|we|us|this|that)\b)[a-z]{2,20}(?=\s+(?:like|have|has|get|go|want|feel|need|"
        r"take|ride|walk|sleep|eat|talk|miss|say|know|see|play|think|enjoy|seem|come|leave|wake|"
        r"being|doing|getting|going|sleeping|feeling|having|a|an|the|ok|okay|sick|tired|"
        r"scared|worried|nervous|happy|sad|still|ever|usually|often|always|really)\b))\b"
    ),
)
_CLOSED_EXCEPTIONS = re.compile(
    expand(
        r"{S}(?:(?:can|could|would|will) you (?:please |maybe )?(?:tell|share|describe|walk|talk|"
        r"help|say|explain|give|paint|remind|expand|fill|think)|would you (?:be willing|like|"
        r"prefer|mind)|do you (?:want|wanna) to (?:tell|share|talk|say)|do you mind|"
        r"(?:is|was|are) there (?:anything|any other|other|something else)|"
        r"(?:is|does|did|would) (?:that|this|it) (?:sound|seem|feel|make sense|capture|fit)|"
        r"(?:did|do|have) i (?:get|got|have|understand|hear|miss|leave)|am i (?:getting|hearing|"
        r"understanding|right|missing)|(?:is|was) (?:that|it) (?:right|correct|fair|true|accurate|"
        r"ok|okay|alright|all right)|(?:is|would) (?:it|that|now|this) (?:be )?(?:ok|okay|alright|"
        r"all right|fine|a good time)|(?:can|could|may) (?:i|we) (?:ask|talk|chat|start|meet|take|check|call|follow|share|"
        r"write|read|come back|get back)|is now|does that make sense)"
    ),
)
_STACK_JOIN = re.compile(
    r"(?:,|;|\band\b|\bor\b|\balso\b|-)\s+(?:also\s+|then\s+)?(?:(?:what|how|when|where|who|"
    r"why|which)(?:\s+\w+)?(?:'?s\b|'?re\b|\s+(?:is|are|was|were|do|does|did|can|could|would|"
    r"will|has|have|had)\b)|(?:do|does|did|is|are|was|were|can|could|would|will|have|has)\s+"
    r"(?:you|he|she|they|it|the|your|his|her|there|we|i|that|this|mornings?|school|anything)\b)",
)
_FOLLOW_UP = re.compile(
    expand(
        r"\b(?:tell me more|say more|what else|anything else|something else|what happened (?:next|"
        r"then|after(?:wards?)?)|go on|keep going|how so|what do you mean|what was that like|"
        r"what is that like|what's that like|what did that look like|give me an example|"
        r"for example\?|take your time|what did (?:he|she|they|you) (?:do|say) (?:next|then)|"
        r"more about that|and then\?|what happened)\b|^\s*(?:\.{2,}|mm+-?hmm+|mhm+|uh-huh)\W*$"
    ),
)
_REFLECTION = re.compile(
    expand(
        r"{S}(?:it sounds like|sounds like|it seems like|it seems|it feels like|what i'm hearing|"
        r"i'm hearing|i hear (?:that|you)|if i'm hearing|if i heard you|so you're saying|you're "
        r"saying|you said|you mentioned|you've been|you feel|you're feeling|you're worried|let me "
        r"make sure|what i heard|in other words|so for you|so (?:mornings|the mornings|the bus|"
        r"it's|it is|that's|you're|you've|he's|she's|they're|getting|when)|that sounds|it sounds|"
        r"that must (?:be|feel|have been)|it must (?:be|feel|have been)|must be (?:hard|tough|"
        r"exhausting|frustrating|scary|lonely|a lot))\b"
    ),
)
_AFFIRMATION = re.compile(
    expand(
        r"\b(?:thank you|thanks|i appreciate|i can (?:hear|see|tell) (?:how|that|you)|you (?:clearly|"
        r"really|obviously) (?:care|love|want)|that (?:takes|took) (?:a lot|courage|strength)|"
        r"that sounds (?:really |so |very |incredibly )?(?:hard|tough|exhausting|difficult|"
        r"stressful|scary|overwhelming|like a lot)|that's (?:a lot|so much|really hard|hard)|"
        r"you're doing (?:a lot|so much|your best|everything)|it means a lot|i'm (?:glad|grateful|"
        r"so glad)|we (?:miss|missed) (?:him|her|them|having))\b"
    ),
)


_CHECK_BACK = re.compile(r"\s*(?:is|does|did|am|have|do)\b")
_YES_NO_START = re.compile(r"\s*(?:is|does|did|am|have)\b")


@dataclass(frozen=True, slots=True)
class _Sentence:
    raw_start: int
    start: int
    end: int
    text: str
    question: bool


@dataclass(frozen=True, slots=True)
class _Compiled:
    kind: FindingKind
    rules: tuple[Rule, ...]


_TOKEN = re.compile(r"[a-z0-9%]+|\?")


def _trigger_index() -> dict[str, frozenset[int]]:
    """Map each trigger's first word to the indices of the rules it wakes."""
    index: dict[str, set[int]] = {}
    for i, rule in enumerate(RULES):
        for t in rule.triggers:
            key = _TOKEN.findall(t.replace("'", ""))[0]
            index.setdefault(key, set()).add(i)
    return {k: frozenset(v) for k, v in index.items()}


_TRIGGERS = _trigger_index()
_TRIGGER_LENGTHS = tuple(sorted({len(k) for k in _TRIGGERS}))
_ALWAYS = frozenset(i for i, rule in enumerate(RULES) if not rule.triggers)


@lru_cache(maxsize=65_536)
def _token_rules(token: str) -> frozenset[int]:
    """Rules woken by one word: those with a trigger that is a prefix of it (cached)."""
    woken: set[int] = set()
    for length in _TRIGGER_LENGTHS:
        if length > len(token):
            break
        ids = _TRIGGERS.get(token[:length])
        if ids is not None:
            woken.update(ids)
    return frozenset(woken)


def _active_rules(low: str) -> list[int]:
    """Indices of the rules whose triggers occur in ``low`` (lower-cased text)."""
    active = set(_ALWAYS)
    for token in set(_TOKEN.findall(low.replace("'", ""))):
        active |= _token_rules(token)
    return sorted(active)


def _sentences(original: str, text: str) -> list[_Sentence]:
    """Split into sentences: bounds from ``original`` (case matters for "a.m. Then"),
    bodies from ``text`` (the lower-cased copy, same offsets)."""
    out: list[_Sentence] = []
    for m in _SENTENCE.finditer(original):
        raw = text[m.start() : m.end()]
        if not raw.strip():
            continue
        start = m.start() + (len(raw) - len(raw.lstrip()))
        end = m.end()
        body = text[start:end]
        stripped = body.rstrip()
        if stripped.endswith("?"):
            question = True
        elif stripped.endswith(("!", ".")):
            # "what time does he go to bed." typed with a full stop is still a question
            question = bool(_WH_START.match(body))
        else:
            question = bool(_QUESTION_START.match(body))
        out.append(_Sentence(m.start(), start, end, body, question))
    return out


def _sentence_at(sentences: list[_Sentence], pos: int) -> _Sentence | None:
    """The sentence whose raw span (leading spaces included) holds ``pos``."""
    for s in sentences:
        if s.raw_start <= pos < s.end:
            return s
    return sentences[-1] if sentences else None


def _finding(cleaned: Cleaned, kind: FindingKind, start: int, end: int, why: str) -> Finding | None:
    text = cleaned.text
    while start < end and text[start] in " \t,;:-\"'(":
        start += 1
    while end > start and text[end - 1] in " \t,;:-\"'(":
        end -= 1
    if start >= end:
        return None
    o_start, o_end = cleaned.span(start, end)
    return Finding(
        kind=kind,
        severity=SEVERITY_OF[kind],
        span=(o_start, o_end),
        evidence=cleaned.original[o_start:o_end],
        why=why,
        source="rules",
    )


def _rule_findings(cleaned: Cleaned, sentences: list[_Sentence]) -> list[tuple[Finding, int]]:
    """Run every rule; return findings with the cleaned start of their sentence."""
    found: list[tuple[Finding, int]] = []
    text = cleaned.text
    low = cleaned.low
    for i in _active_rules(low):
        rule = RULES[i]
        target = text if rule.case_sensitive else low
        if rule.anchored:
            matches: Iterable[re.Match[str]] = [
                m for s in sentences if (m := rule.compiled.match(target, s.raw_start)) is not None
            ]
        else:
            matches = rule.compiled.finditer(target)
        for m in matches:
            start = m.start()
            if m.end() == start:
                continue
            sentence = _sentence_at(sentences, start)
            if sentence is None:
                continue
            if rule.where != "any" and (rule.where == "question") != sentence.question:
                continue
            if rule.compiled_unless is not None and rule.compiled_unless.search(
                low, sentence.start, sentence.end
            ):
                continue
            f = _finding(cleaned, rule.kind, start, m.end(), rule.why)
            if f is not None:
                found.append((f, sentence.start))
    return found


_WHY_CLOSED = (
    "A yes/no question opens this topic and shuts the story down; ask 'Tell me about…' "
    "or 'What's it like…' instead."
)
_WHY_STACKED = (
    "Several questions in one turn; ask one at a time and let the caregiver answer fully."
)


def _closed_findings(cleaned: Cleaned, sentences: list[_Sentence]) -> list[tuple[Finding, int]]:
    found: list[tuple[Finding, int]] = []
    for s in sentences:
        if not s.question:
            continue
        body = cleaned.low[s.start : s.end]
        m = _CLOSED.match(body)
        if m is None or _CLOSED_EXCEPTIONS.match(body):
            continue
        clause_end = s.end
        join = _STACK_JOIN.search(body, m.end())
        if join is not None:
            clause_end = s.start + join.start()
        f = _finding(cleaned, "closed", s.start, clause_end, _WHY_CLOSED)
        if f is not None:
            found.append((f, s.start))
    return found


def _question_units(cleaned: Cleaned, sentences: list[_Sentence]) -> list[tuple[int, int]]:
    """Cleaned spans of each separate question asked (check-backs excluded)."""
    units: list[tuple[int, int]] = []
    for s in sentences:
        if not s.question:
            continue
        body = cleaned.low[s.start : s.end]
        if (
            _CLOSED_EXCEPTIONS.match(body)
            and not _FOLLOW_UP.search(body)
            and _CHECK_BACK.match(body)
            and len(body) < 40
        ):
            continue  # "Is that right?" / "Does that make sense?" confirm; not a new question
        if len(body.strip(" ?.!")) < 3:
            continue
        pieces = [s.start]
        opening = _QUESTION_START.match(body) or _OPEN_REQUEST.match(body)
        if opening:
            pieces += [s.start + j.start() + 1 for j in _STACK_JOIN.finditer(body, opening.end())]
        bounds = [*pieces, s.end]
        units.extend((bounds[i], bounds[i + 1]) for i in range(len(pieces)))
    return units


def _stacked_finding(cleaned: Cleaned, sentences: list[_Sentence]) -> list[tuple[Finding, int]]:
    questions = sum(1 for s in sentences if s.question)
    if questions == 0 or (questions == 1 and not _STACK_JOIN.search(cleaned.low)):
        return []  # fast path: one question and no joined second one
    units = _question_units(cleaned, sentences)
    if len(units) < 2:
        return []
    start, end = units[1][0], units[-1][1]
    f = _finding(cleaned, "stacked", start, end, _WHY_STACKED)
    return [(f, start)] if f is not None else []


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _resolve(found: list[tuple[Finding, int]]) -> list[Finding]:
    """Drop findings explained better by another, and same-kind overlaps."""
    by_sentence: dict[int, set[FindingKind]] = {}
    for f, sent in found:
        by_sentence.setdefault(sent, set()).add(f.kind)
    kept: list[Finding] = []
    for f, sent in sorted(found, key=lambda x: (x[0].span[0], -(x[0].span[1] - x[0].span[0]))):
        kinds_here = by_sentence[sent]
        if f.kind == "closed" and (
            "leading" in kinds_here or any(SEVERITY_OF[k] == "intervention" for k in kinds_here)
        ):
            continue
        if f.kind == "why_blame" and kinds_here & {"persuasion", "advice"}:
            continue
        if any(k.kind == f.kind and _overlaps(k.span, f.span) for k in kept):
            continue
        kept.append(f)
    return kept


def _moves(cleaned: Cleaned, sentences: list[_Sentence], findings: list[Finding]) -> list[Move]:
    text = cleaned.low
    flagged_sentences = set()
    for f in findings:
        for s in sentences:
            o_start, o_end = cleaned.span(s.start, s.end)
            if _overlaps((o_start, o_end), f.span) and f.kind != "stacked":
                flagged_sentences.add(s.start)
    has_intervention = any(f.is_intervention for f in findings)
    moves: list[Move] = []
    for s in sentences:
        body = text[s.start : s.end]
        if s.start in flagged_sentences:
            continue
        if s.question and (_QUESTION_START.match(body) or _OPEN_REQUEST.match(body)):
            if (
                not _CLOSED.match(body) or _CLOSED_EXCEPTIONS.match(body)
            ) and not _YES_NO_START.match(body):
                moves.append("open_question")
        elif _OPEN_REQUEST.match(body):
            moves.append("open_question")
        if _FOLLOW_UP.search(body):
            moves.append("follow_up")
        if not has_intervention and _REFLECTION.match(body):
            moves.append("reflection")
        if not has_intervention and _AFFIRMATION.search(body):
            moves.append("affirmation")
    order: tuple[Move, ...] = ("open_question", "follow_up", "reflection", "affirmation")
    return [m for m in order if m in moves]


def review(text: str) -> Review:
    """Review one staff utterance with the rules (no I/O, deterministic).

    Args:
        text: the utterance exactly as typed or received from Slack/Teams;
            any length (only the first :data:`MAX_REVIEW_CHARS` characters are
            scanned).

    Returns:
        A :class:`~bot.core.models.Review` whose findings have ``source="rules"``
        and spans into ``text``; ``reframe`` is None when nothing is wrong.
    """
    scanned = text[:MAX_REVIEW_CHARS]
    cleaned = clean(scanned)
    if not cleaned.text.strip():
        return Review(text=text)
    sentences = _sentences(cleaned.text, cleaned.low)
    found = _rule_findings(cleaned, sentences)
    found += _closed_findings(cleaned, sentences)
    found += _stacked_finding(cleaned, sentences)
    findings = _resolve(found)
    moves = _moves(cleaned, sentences, findings)
    reframe = reframe_for(cleaned.text, findings, cleaned) if findings else None
    return Review(text=text, findings=findings, reframe=reframe, moves=moves)
