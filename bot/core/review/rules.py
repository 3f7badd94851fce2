"""The review rules, as data: loaded from ``data/rules/<kind>.yml``.

Each rule file holds the rules of one kind, English and Spanish; each rule
(a :class:`Rule` once loaded) names one pattern of language that turns an empathy
interview into an intervention (or weakens it), with the message shown to
staff and its own examples (``examples`` must be caught, ``counter_examples``
must not; ``tests/test_review_rules.py`` checks every rule against both), in
the manner of Vale and retext-equality. The kinds and severities are those of
DESIGN.md; the language patterns come from DOMAIN.md ("Signs that an
interview has turned into an intervention", "Craft of a good interview").

Pattern syntax: ordinary Python regular expressions, matched case-insensitively
against cleaned text (see :mod:`bot.core.text`), with three
conveniences expanded by :func:`expand`:

- every ``'`` is optional, so ``don't`` also matches ``dont``;
- ``{S}`` is the start of a sentence, after optional fillers ("So," "Well,"
  "And", "Okay,");
- ``{SUBJ}`` is a person the family is talking about: you, he, she, they,
  "your son";
- ``{NAME}`` is a capitalised first name (only in ``case_sensitive`` rules);
- ``{SE}`` is the start of a Spanish sentence or question: after a sentence
  end or an inverted mark (``¿``/``¡``, also mid-sentence: "Señora, ¿no
  cree…"), then optional Spanish fillers ("Bueno,", "Pues", "Señora López,").

``where`` restricts a rule to question sentences (``"question"``), to
statements (``"statement"``), or allows both (``"any"``).

Spanish rules (``language="es"``) sit beside the English ones, one per
pattern of language, with Spanish examples and counter-examples. They are
written in lower case (``ÁÉÍÓÚÑÜ`` are lower-cased too, see
:data:`bot.core.text.ASCII_LOWER`) with accents optional
(``qu[eé]``), because people often type Spanish without them; their triggers
are matched with accents folded. The reviewer runs them only on utterances
that look Spanish (a non-ASCII character or a common Spanish word), so they
cost English review nothing.
"""

from __future__ import annotations

import re
import re._constants as K  # the parsed form of a pattern, to derive its triggers
import re._parser as P
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal

import yaml

from bot.core.models import SEVERITY_OF, FindingKind

Where = Literal["any", "question", "statement"]

_FILLERS = (
    r"(?:(?:so|well|ok|okay|and|but|now|also|just|honestly|hmm+|um+|uh|hey|listen|look|"
    r"oh|yeah|right|alright|mom|dad|ma'am|sir|hi|hello|thanks|thank you|good (?:morning|"
    r"afternoon|evening)|mr\.?\s+\w+|ms\.?\s+\w+|mrs\.?\s+\w+|dr\.?\s+\w+)[,!]?\s+)*"
)
_SENTENCE_START = r"(?:^|(?<=[.!?;\n\"(-]))\s*" + _FILLERS
_SUBJECT = (
    r"(?:you|he|she|they|y'all|"
    r"(?:your|his|her|the|their) (?:son|daughter|child|kid|kids|children|boy|girl|family|"
    r"grandson|granddaughter|nephew|niece|brother|sister|student))"
)
_FILLERS_ES = (
    r"(?:(?:bueno|pues|y|e|pero|entonces|ok|okay|oiga|oye|mire|mira|a ver|ah|ay|este|hola|"
    r"buen(?:os|as) (?:d[ií]as|tardes|noches)|(?:muchas )?gracias|s[ií]|claro|aj[aá]|ya|mm+|"
    r"(?:sra|sr|srta|dra|dr)\.?\s+\w+|(?:se[ñn]ora|se[ñn]or|se[ñn]orita|do[ñn]a|don)(?:\s+\w+)?)"
    r"[,!]?\s+(?:[¿¡]\s*)?)*"
)
_SENTENCE_START_ES = (
    r"(?:(?:^|(?<=[.!?;\n\"(-])|(?<=[.!?;]\s))\s*(?:[¿¡]\s*)?|(?<=[,:])\s*[¿¡]\s*|(?<=[¿¡]))"
    + _FILLERS_ES
)
_ES_CHECK_BACK = (
    r"{SE}(?:entonces|o sea|usted (?:dijo|mencion[oó]|me dijo|me cont[oó]|me coment[oó])|me "
    r"(?:dijo|cont[oó]|coment[oó]) que|parece que|me parece que|(?:me )?suena a que|lo que "
    r"(?:escucho|oigo|entiendo|le escuch[eé])|si (?:le |la )?entend[ií] bien|si (?:le |la )?"
    r"entiendo bien)\b"
)
"""Spanish reflection openings ("Entonces…", "Usted dijo que…"): a tag question
after one of these checks back what the caregiver said; it does not lead."""
_NAME = (
    r"(?!(?:You|Your|He|She|They|What|How|Where|When|Who|Why|Which|Is|Are|Do|Does|Did|Would|Could|Can|Should|Will|"
    r"Anything|Something|Everything|Nothing|We|I|It|That|This|There|Then|So|And|But|Also|"
    r"Maybe|Thank|Thanks|Tell|Please|School|Mornings?|Hi|Hello|Ok|Okay|Yes|No|Well|Now|"
    r"Kids|Children|Students|Parents|Education|Attendance)\b)[A-Z][a-z]{1,20}"
)


def expand(pattern: str) -> str:
    """Expand the rule-pattern conveniences into a plain regular expression.

    Args:
        pattern: a rule pattern using ``'``, ``{S}``, ``{SE}``, ``{SUBJ}`` and ``{NAME}``.

    Returns:
        The regular-expression source.
    """
    return (
        pattern.replace("'", "'?")
        .replace("{SE}", _SENTENCE_START_ES)
        .replace("{S}", _SENTENCE_START)
        .replace("{SUBJ}", _SUBJECT)
        .replace("{NAME}", _NAME)
    )


def _top_level(pattern: str) -> list[str]:
    """Split a pattern on its top-level ``|`` (outside groups and classes)."""
    parts, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


@dataclass(frozen=True)
class Rule:
    """One named pattern of language the reviewer flags.

    Attributes:
        name: unique slug, e.g. ``"have-you-tried"``.
        kind: the finding kind it produces.
        pattern: regular expression source (see module docstring).
        why: the one-sentence explanation shown to staff.
        examples: utterances that must produce this rule's kind.
        counter_examples: utterances that must not produce this rule's kind.
        where: ``"any"``, ``"question"`` or ``"statement"``.
        triggers: derived from the pattern (:func:`derive_triggers`), never
            written by hand: the rule runs only when a word of the lower-cased
            utterance (apostrophes removed: ``"dont"``) starts with one of
            these; empty means always run.
        anchored: derived: every alternative starts with ``{S}``, so the
            reviewer only tries the rule at sentence starts (faster).
        case_sensitive: match the original text as written (for names and
            acronyms such as "ADA", which must not catch "Ada"); other rules
            are lower case and match lower-cased text.
        unless: optional pattern; a match is dropped when this pattern is
            found in the sentence that holds it (e.g. a check-back "is that
            right?" is not a leading tag question).
        language: ``"en"`` or ``"es"``; Spanish rules run only on utterances
            that look Spanish (English ones always run, so "truancy" or "ADA"
            in a Spanish sentence is still caught).
    """

    name: str
    kind: FindingKind
    pattern: str
    why: str
    examples: tuple[str, ...]
    counter_examples: tuple[str, ...] = ()
    where: Where = "any"
    unless: str | None = None
    case_sensitive: bool = False
    language: Literal["en", "es"] = "en"
    triggers: tuple[str, ...] = field(init=False, compare=False)
    compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)
    compiled_unless: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    anchored: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Patterns are written in lower case and matched case-sensitively against
        # ASCII-lower-cased text (about twice as fast as IGNORECASE); a
        # case_sensitive rule (names, acronyms) is matched against the original.
        # An all-ASCII pattern is compiled in ASCII mode (\b and \w about 18% faster);
        # one with accented letters (the Spanish rules) keeps Unicode word boundaries.
        source = expand(self.pattern)
        flags = re.ASCII if source.isascii() else 0
        object.__setattr__(self, "compiled", re.compile(source, flags))
        unless = re.compile(expand(self.unless)) if self.unless else None
        object.__setattr__(self, "compiled_unless", unless)
        object.__setattr__(
            self, "anchored", all(a.startswith("{S}") for a in _top_level(self.pattern))
        )
        object.__setattr__(self, "triggers", derive_triggers(source))


# ---------------------------------------------------------------- triggers
# A rule's triggers are derived from its pattern: words one of which must begin
# a word of any text the pattern matches. The reviewer runs a rule only when one
# of them occurs, so a trigger never changes what a rule finds, only how often
# it is tried.

_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789%áéíóúñü")
_FOLD = str.maketrans("áéíóúñü", "aeiounu")
_STARTS = (K.AT_BOUNDARY, K.AT_BEGINNING, K.AT_BEGINNING_STRING, K.AT_BEGINNING_LINE)
_Req = frozenset[str] | None


def _is_word(code: int) -> bool:
    return chr(code).lower() in _WORD_CHARS


def _nonword_in(item: tuple[Any, Any]) -> bool:
    op, av = item
    if op is K.LITERAL:
        return not _is_word(av)
    if op is K.CATEGORY:
        return av in (K.CATEGORY_SPACE, K.CATEGORY_NOT_WORD)
    if op is K.RANGE:
        return not any(_is_word(c) for c in range(av[0], av[1] + 1))
    return False


def _nonword_item(item: tuple[Any, Any]) -> bool:
    op, av = item
    if op is K.IN:
        return all(_nonword_in(y) for y in av)
    if op is K.BRANCH:
        return all(all(_nonword_item(z) for z in alt) for alt in av[1])
    if op is K.SUBPATTERN:
        return all(_nonword_item(z) for z in av[-1])
    return op is K.LITERAL and not _is_word(av)


def _better(a: _Req, b: _Req) -> _Req:
    """The more selective requirement: longer shortest word, then fewer words."""
    if b is None:
        return a
    if a is None:
        return b
    return b if (min(map(len, b)), -len(b)) > (min(map(len, a)), -len(a)) else a


def _analyse(seq: Any, ws: bool) -> tuple[_Req, bool]:
    """Walk a parsed pattern: (words one of which every match must begin with, or
    None; whether the position after it is always at a word start).

    ``ws`` tells whether the walk starts at a word start (after ``\\b``, a space,
    a sentence end). Literal letters from a word start make a word; a small
    character class (``[eé]``) makes several; an optional apostrophe is skipped
    (the reviewer's words have none); a group or an alternation requires what
    all of its branches require.
    """
    best: _Req = None
    run: set[str] | None = None

    def close() -> None:
        nonlocal run, best
        if run:
            best = _better(best, frozenset(w.translate(_FOLD) for w in run))
        run = None

    for op, av in seq:
        if op is K.LITERAL:
            ch = chr(av).lower()
            if ch in _WORD_CHARS:
                if run is not None:
                    run = {w + ch for w in run}
                elif ws:
                    run = {ch}
                ws = False
            else:
                close()
                ws = True
            continue
        if op in (K.MAX_REPEAT, K.MIN_REPEAT, K.POSSESSIVE_REPEAT):
            lo, hi, sub = av
            if lo == 0 and hi == 1 and len(sub) == 1 and sub[0] == (K.LITERAL, ord("'")):
                continue
            close()
            req, end1 = _analyse(sub, ws)
            if lo >= 1:
                best = _better(best, req)
            _, end2 = _analyse(sub, end1)
            ws = (end1 and end2) if lo >= 1 else (ws and end1 and end2)
            continue
        if (
            op is K.IN
            and (run is not None or ws)
            and len(av) <= 4
            and all(o is K.LITERAL and _is_word(c) for o, c in av)
        ):
            chars = {chr(c).lower() for _, c in av}
            run = {w + c for w in (run or {""}) for c in chars}
            if len(run) > 16:
                close()
            ws = False
            continue
        close()
        if op is K.AT:
            ws = ws or av in _STARTS
        elif op is K.SUBPATTERN:
            req, ws = _analyse(av[-1], ws)
            best = _better(best, req)
        elif op is K.BRANCH:
            results = [_analyse(alt, ws) for alt in av[1]]
            reqs = [r for r, _ in results]
            if all(r is not None for r in reqs):
                best = _better(best, frozenset().union(*(r for r in reqs if r is not None)))
            ws = all(e for _, e in results)
        elif op is K.ASSERT:
            direction, sub = av
            if direction < 0 and all(_nonword_item(x) for x in sub):
                ws = True
        elif op is K.ASSERT_NOT:
            pass
        elif op is K.IN:
            ws = all(_nonword_in(x) for x in av)
        elif op is K.CATEGORY:
            ws = av in (K.CATEGORY_SPACE, K.CATEGORY_NOT_WORD)
        else:
            ws = False
    close()
    return best, ws


def derive_triggers(source: str) -> tuple[str, ...]:
    """Words (accents folded) one of which begins a word of every text ``source`` matches.

    Args:
        source: an expanded rule pattern (see :func:`expand`).

    Returns:
        The sorted words; empty when the pattern requires no word (the rule then always runs).
    """
    req, _ = _analyse(P.parse(source), True)
    return tuple(sorted(req)) if req else ()


# ---------------------------------------------------------------- loading
_RULE_DIR = "data/rules"


def _yaml_loader() -> type[yaml.SafeLoader]:
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_rules() -> tuple[Rule, ...]:
    """Read every rule file of ``bot/core/review/data/rules/`` (one file per kind).

    Returns:
        The rules in file-name order, then file order.

    Raises:
        ValueError: a rule file with an unknown field or kind.
    """
    root = resources.files("bot.core.review").joinpath(_RULE_DIR)
    rules: list[Rule] = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yml"):
            continue
        doc = yaml.load(entry.read_text(encoding="utf-8"), Loader=_yaml_loader())
        kind = doc["kind"]
        if kind not in SEVERITY_OF or doc.get("severity", SEVERITY_OF[kind]) != SEVERITY_OF[kind]:
            raise ValueError(f"{entry.name}: unknown kind or wrong severity {kind!r}")
        for raw in doc["rules"]:
            unknown = set(raw) - _RULE_FIELDS
            if unknown:
                raise ValueError(f"{entry.name}: rule {raw.get('name')!r} has unknown {unknown}")
            rules.append(
                Rule(
                    raw["name"],
                    kind,
                    raw["pattern"],
                    raw["message"],
                    tuple(raw.get("examples", ())),
                    tuple(raw.get("counter_examples", ())),
                    where=raw.get("where", "any"),
                    unless=raw.get("unless"),
                    case_sensitive=bool(raw.get("case_sensitive", False)),
                    language=raw.get("language", "en"),
                )
            )
    return tuple(rules)


_RULE_FIELDS = frozenset(
    {
        "name",
        "language",
        "where",
        "message",
        "pattern",
        "unless",
        "case_sensitive",
        "examples",
        "counter_examples",
    }
)

RULES: tuple[Rule, ...] = load_rules()
"""Every rule, loaded once from the rule files. Order within a kind does not matter."""


def load_shapes() -> dict[str, dict[str, str]]:
    """The sentence shapes and good-move patterns of ``data/shapes.yml``, by language and name."""
    raw = resources.files("bot.core.review").joinpath("data/shapes.yml").read_text("utf-8")
    doc = yaml.load(raw, Loader=_yaml_loader())
    out: dict[str, dict[str, str]] = {}
    for shape in doc["shapes"]:
        out.setdefault(shape["language"], {})[shape["name"]] = shape["pattern"]
    return out


def rules_by_kind() -> dict[FindingKind, list[Rule]]:
    """Return the rules grouped by finding kind (kinds with no rule are absent)."""
    grouped: dict[FindingKind, list[Rule]] = {}
    for rule in RULES:
        grouped.setdefault(rule.kind, []).append(rule)
    return grouped
