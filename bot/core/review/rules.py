"""The review rules, as data.

Each :class:`Rule` names one pattern of language that turns an empathy
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
from dataclasses import dataclass, field
from typing import Literal

from bot.core.models import FindingKind

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
    r"(?!(?:What|How|Where|When|Who|Why|Which|Is|Are|Do|Does|Did|Would|Could|Can|Should|Will|"
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
        triggers: cheap prefilter: the rule runs only when a word of the
            lower-cased utterance (apostrophes removed: ``"dont"``) starts with
            one of these (for a trigger of several words, its longest word);
            empty means always run. Each must
            be implied by the pattern, so a trigger never changes what the
            rule finds (the rule tests run every example through it).
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
    triggers: tuple[str, ...] = ()
    case_sensitive: bool = False
    language: Literal["en", "es"] = "en"
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


_WHY_PERSUASION = (
    "This argues for school inside a question; the caregiver hears a lecture, "
    "so ask about their experience instead."
)
_WHY_ADVICE = (
    "This gives advice during the interview; keep listening and save suggestions "
    "for a separate follow-up conversation."
)
_WHY_JUDGMENT = (
    "This puts pressure or blame on the family; suspend judgment and invite their story."
)
_WHY_CORRECTION = (
    "This corrects the family's view with facts; understand their view first, "
    "information can come later."
)

RULES: tuple[Rule, ...] = (
    # ------------------------------------------------------------------ persuasion
    Rule(
        "why-is-it-important",
        "persuasion",
        r"\bwhy\b[^.?!]{0,60}\b(?:important|matters?|valuable|necessary|essential|"
        r"a good (?:idea|thing)|worth it|so important)\b",
        _WHY_PERSUASION,
        (
            "Why do you think it's important to come to school every day?",
            "why does school matter so much, do you think?",
        ),
        ("What's important to you about school?", "What matters most to your family?"),
        triggers=("why",),
    ),
    Rule(
        "how-important-is-school",
        "persuasion",
        r"\bhow (?:important|valuable|necessary)\b[^.?!]{0,40}\b(?:school|attend\w*|education|"
        r"every day|being (?:here|there|in school)|to (?:come|be here|be in school)|class)\b",
        _WHY_PERSUASION,
        ("How important do you think school is?",),
        ("How important is it to you that we call you directly?",),
        triggers=("important", "valuable", "necessary"),
    ),
    Rule(
        "consequences-question",
        "persuasion",
        r"\b(?:how|what)\b[^.?!]{0,50}(?:\b(?:will|would|could|might|gonna)\b|(?:'s|'re|\bis|"
        r"\bare) going to\b)[^.?!]{0,30}\b(?:suffer|fall(?:ing)? behind|get(?:ting)? behind|fail|miss out|"
        r"be affected|be hurt|be held back|happen|struggle|catch up|keep up)\b"
        r"(?:[^.?!]{0,50}\b(?:if|when|unless)\b[^.?!]{0,40}\b(?:keeps?|continues?|misses|"
        r"miss|missing|skip\w*|absent|stays? home|doesn'?t come|isn't here|not here)\b)?",
        _WHY_PERSUASION,
        (
            "How do you think his grades will suffer if he keeps missing?",
            "What do you think will happen if she keeps missing school?",
            "How do you think he's going to keep up in math if he keeps missing Mondays?",
        ),
        ("What happened that morning?", "How will we know things are going better for you?"),
        triggers=("will", "would", "could", "might", "gonna", "going"),
    ),
    Rule(
        "missing-school-affects",
        "persuasion",
        r"\b(?:missing|missed|skipping|absences?|absenteeism|being absent|all (?:these|those|the) "
        r"(?:days|absences)|not being (?:here|in school|at school))\b[^.?!]{0,30}\b(?:affects?|"
        r"affecting|impacts?|impacting|hurts?|hurting|harms?|harming|costs?|costing|"
        r"sets? (?:him|her|them) back|is (?:doing|having) to)\b",
        _WHY_PERSUASION,
        (
            "How do you think missing school affects his learning?",
            "All these absences are hurting her.",
        ),
        ("What's it like for you on the days she misses the bus?",),
        triggers=("affect", "impact", "hurt", "harm", "cost", "set", "doing", "having"),
    ),
    Rule(
        "dont-you-agree",
        "persuasion",
        r"\b(?:don't|wouldn't|won't|can't|isn't|aren't|doesn't|shouldn't|didn't) "
        r"(?:you|he|she|they|y'all)\b (?:(?:really|honestly|also) )?(?:agree|think|feel|see|want|"
        r"believe|realize|realise|know|understand|care|wish|miss|like|rather)\b|\b(?:you'd|you "
        r"would|you must|you surely|surely you'd) (?:agree|rather)\b|\bwould you rather\b",
        _WHY_PERSUASION,
        (
            "Don't you think he would do better if he came every day?",
            "dont you agree that school comes first?",
            "Doesn't she want to see her friends?",
        ),
        ("What do you think would help?", "Do you think I got that right?"),
        triggers=(
            "dont",
            "wouldnt",
            "wont",
            "cant",
            "isnt",
            "arent",
            "doesnt",
            "shouldnt",
            "didnt",
            "youd",
            "would",
            "must",
            "surely",
            "rather",
        ),
    ),
    Rule(
        "wouldnt-it-be-better",
        "persuasion",
        r"\b(?:wouldn't|won't|isn't|doesn't) (?:it|that|school|coming|being here|things|"
        r"mornings)\b[^.?!]{0,20}\b(?:be|feel|make|seem|go)\b[^.?!]{0,20}\b(?:better|easier|"
        r"nicer|best|so much better|great|nice|fun|wonderful|amazing)\b|\b(?:would|will) (?:it|that|school|coming|being here|"
        r"things|mornings)\b[^.?!]{0,20}\b(?:be|feel|make|seem|go)\b[^.?!]{0,20}\b(?:better|"
        r"easier|nicer|best|so much better)\b(?=[^.?!]{0,40}\b(?:if|when)\b)",
        _WHY_PERSUASION,
        (
            "Wouldn't it be easier if he just went to bed earlier?",
            "Wouldn't it be better for him to be here with his friends?",
        ),
        ("What would make mornings easier for you?",),
        triggers=(
            "better",
            "easier",
            "nicer",
            "best",
            "great",
            "nice",
            "fun",
            "wonderful",
            "amazing",
        ),
    ),
    Rule(
        "do-better-if",
        "persuasion",
        r"\b(?:do|does|did|be|feel|learn|read) (?:so much |a lot |much |way )?(?:better|best|"
        r"happier)\b[^.?!]{0,40}\bif\b[^.?!]{0,40}\b(?:came|come|comes|attended|attends|was here|"
        r"were here|showed up|shows up|every day|went|goes)\b",
        _WHY_PERSUASION,
        ("She'd do so much better if she came every day.",),
        ("When does he feel his best?",),
        triggers=("better", "best", "happier"),
    ),
    Rule(
        "you-want-them-to-succeed",
        "persuasion",
        r"\byou (?:want|wish|hope) (?:him|her|them|your \w+) to (?:succeed|graduate|do well|"
        r"pass|have (?:a )?(?:good|bright|better) (?:future|life)|be successful|get good grades|"
        r"go to college)\b",
        _WHY_PERSUASION,
        ("You want him to graduate, right?",),
        ("What do you want for him after high school?",),
        triggers=("want", "wish", "hope"),
    ),
    Rule(
        "every-day-counts",
        "persuasion",
        r"\b(?:every (?:single )?(?:day|minute|class|lesson)|each (?:day|class)|attendance|"
        r"education|school|being in school|coming to school|showing up|being here)\b "
        r"(?:really |truly |so |very |just )?(?:counts|matters|is (?:so |really |very |super |"
        r"truly |extremely )?(?:important|key|essential|critical|crucial|everything|the key|"
        r"a priority|non-negotiable|the most important thing))\b",
        _WHY_PERSUASION,
        ("Every day counts.", "Education is so important for kids his age."),
        ("What about school matters most to you?",),
        where="statement",
        triggers=(
            "count",
            "matter",
            "important",
            "key",
            "essential",
            "critical",
            "crucial",
            "everything",
            "priority",
            "negotiable",
        ),
    ),
    Rule(
        "isnt-it-worth",
        "persuasion",
        r"\b(?:isn't|is) it (?:worth|important|better)\b|\bisn't\b[^.?!]{0,30}\bworth\b|"
        r"\b(?:as|a) (?:top |real |bigger |higher )?priority\b|\bwhat (?:kind of )?message\b|"
        r"\bsends? (?:him|her|them) (?:the|a) message\b|\ball (?:these|those|of these|of those|"
        r"his|her|the) (?:absences|missed days)\b",
        _WHY_PERSUASION,
        (
            "Isn't it worth getting up ten minutes earlier?",
            "What would it take for you to see school as a priority?",
        ),
        ("Is it okay if I take a few notes?", "What is on your mind most this year?"),
        triggers=("worth", "important", "better", "priority", "message", "absences", "missed days"),
    ),
    Rule(
        "imagine-the-future",
        "persuasion",
        r"\b(?:how would you feel if|how will you feel if)\b[^.?!]{0,50}\b(?:fail\w*|repeat\w*|"
        r"held back|graduate|drop\w* out|behind|future|college|job)\b|(?<!i )\b(?:think about|"
        r"imagine|picture) (?:how|what|if|when)\b",
        _WHY_PERSUASION,
        ("How would you feel if he had to repeat third grade?", "Imagine how proud you'd be."),
        (
            "How would you feel about a call from his teacher next week?",
            "I imagine how tiring that is.",
        ),
        triggers=("feel", "imagine", "picture", "think about"),
    ),
    Rule(
        "if-they-came-more",
        "persuasion",
        r"\bif (?:he|she|they|your \w+) (?:was|were|came|come|comes|got|showed up|attended) "
        r"(?:here |to school |in school |in class )?(?:every day|more|more often|regularly|on time|"
        r"consistently)\b",
        _WHY_PERSUASION,
        ("What would it mean for his future if he was here every day?",),
        ("What would help on the mornings when he gets there late?",),
        triggers=("every", "more", "regularly", "time", "consistently"),
    ),
    Rule(
        "missing-out",
        "persuasion",
        r"\bmiss(?:ing|es)? out\b",
        _WHY_PERSUASION,
        ("What do you think she's missing out on when she's home?",),
        ("What does she miss about her old school?",),
        triggers=("out",),
    ),
    Rule(
        "we-need-them-here",
        "persuasion",
        r"\b(?:we|you'll|you will|you'd|you) (?:really )?(?:need|want|expect|require) "
        r"(?:him|her|them|you|your \w+) (?:to be |to come |to get )?(?:here|in school|at school|"
        r"in class|every day|on time)\b|\b(?:do|would) you want (?:him|her|them) to (?:fall|fail|"
        r"miss|be left|repeat|struggle|get behind|end up)\b",
        _WHY_PERSUASION,
        ("We need him here every day.", "Do you want her to fall behind her friends?"),
        ("We missed him this week.",),
        triggers=("need", "want", "expect", "require"),
    ),
    # ------------------------------------------------------------------ advice
    Rule(
        "have-you-tried",
        "advice",
        r"(?<!what )(?<!which )\bhave (?:you|y'all) (?:ever |already |maybe |thought of |considered )?(?:tried|thought "
        r"(?:about|of)|considered|looked into|talked to (?:a|his|her|the) (?:doctor|counselor|"
        r"nurse|pediatrician)|signed (?:him|her|them) up|used|set up)\b",
        _WHY_ADVICE,
        ("Have you thought about getting him an alarm clock?", "have you tried a sticker chart"),
        ("Have I got that right?", "What have you tried so far?"),
        triggers=("have",),
    ),
    Rule(
        "you-could-try",
        "advice",
        r"\byou (?:could|might|may|can|should|ought to|'d want to|would want to|need to|have to|"
        r"must|gotta|got to)\s+(?:always |also |just |maybe |probably |really |definitely )?"
        r"(?:want to |wanna )?(?:try|set|get|use|put|ask|call|talk to|sign|look|give|start|"
        r"consider|send|take|walk|drive|pack|lay|email|text|reach out|check|keep|stop|turn|"
        r"download|apply|contact|schedule|move|limit|buy|go to bed)\b",
        _WHY_ADVICE,
        ("You could set two alarms.", "You might want to talk to his doctor about it."),
        (
            "What could we try on our end?",
            "Could you tell me more about that?",
            "If you need to stop at any point, just tell me.",
        ),
        unless=r"\bif you (?:need|want|have) to\b|\bwhen (?:you|he|she|they) (?:have|has|need|"
        r"needs) to\b|^\s*(?:(?:so|and|but|well|okay|ok|now|also|hi|hello)[,]?\s+)*(?:what|how|"
        r"where|which|who)\b[^.!]*\?",
        triggers=(
            "could",
            "might",
            "may",
            "can",
            "should",
            "ought",
            "youd",
            "would",
            "need",
            "have",
            "must",
            "gotta",
            "got",
        ),
    ),
    Rule(
        "why-dont-you",
        "advice",
        r"\bwhy (?:don't|not|wouldn't) (?:you|we|he|she|they|y'all)\b|\bwhy not (?:try|just|get|"
        r"set|have|put|ask|call)\b",
        _WHY_ADVICE,
        ("Why don't you lay her clothes out the night before?",),
        ("Why do you think that is?",),
        triggers=("why",),
    ),
    Rule(
        "what-about-trying",
        "advice",
        r"\b(?:what|how) about (?:(?:you|him|her|we) (?:\w+ing|try|set|get|put|go|call|ask|take)\b|"
        r"trying|setting|getting|putting|using|having|asking|calling|making|signing|taking|"
        r"letting|moving|an earlier|earlier)|\b(?:what|how) about (?:a|an|some) (?!\w+ (?:is|was|"
        r"are)\b)",
        _WHY_ADVICE,
        ("How about trying an earlier bedtime?", "What about a ride with a neighbor?"),
        ("What about school is hardest for him?", "What about her teacher?"),
        triggers=("about",),
    ),
    Rule(
        "what-if-you",
        "advice",
        r"\bwhat if (?:you|he|she|they|y'all|we) (?!(?:said|felt|feel|thought|think|were|was)\b)"
        r"\w+|\bif you (?:sign up|download|use|call|set|try|put|get|join)\b",
        _WHY_ADVICE,
        (
            "What if you set the alarm a little earlier?",
            "What if he came in just for the afternoons?",
        ),
        ("What if anything would make mornings easier?",),
        triggers=("if",),
    ),
    Rule(
        "maybe-you-could",
        "advice",
        r"\bmaybe (?:you|he|she|they|y'all) (?:could|should|can|might|need to|ought to)\b|"
        r"\bmaybe (?:try|set|get|put|give|use|have|ask|call)\b|\b(?:could|can|would|couldn't) "
        r"(?:his|her|their|your|a|an|the|some) (?:\w+ ){0,2}?(?:walk|drive|take|bring|pick|give|"
        r"watch|wake|ride|call)\b|\b(?:would|could|might|will) (?:a|an|some|our|the) [^.?!]{0,40}"
        r"\bhelp\?|\bif (?:that|it|this) (?:would |might |could )?helps?\b|\b(?:might|could|would) "
        r"be an option\b|\bworth (?:a try|trying|a shot)\b|\bi(?:'d| would) (?:just |probably )?"
        r"(?:take|put|set|get|make|try|give|start|stop|turn|lay|move|call)\b",
        _WHY_ADVICE,
        (
            "Maybe you could ask a neighbor to drive her.",
            "Could his older brother walk him in on the days he misses the bus?",
            "Would a wake-up call from the front office help?",
            "Honestly, I'd just take the phone away at night.",
        ),
        ("Maybe I misunderstood; tell me more.",),
        triggers=(
            "maybe",
            "walk",
            "drive",
            "take",
            "bring",
            "pick",
            "give",
            "watch",
            "wake",
            "ride",
            "call",
            "help",
            "option",
            "worth",
            "id",
            "put",
            "set",
            "get",
            "make",
            "try",
            "start",
            "stop",
            "turn",
            "lay",
            "move",
        ),
    ),
    Rule(
        "imperative-tip",
        "advice",
        r"{S}(?:try|consider|make sure|set up|set an?|be sure to|remember to|don't forget to|"
        r"start (?:putting|setting|getting|making|having|taking|giving|using)|stop letting|"
        r"just (?:get|make|put|set|send|tell|try|take|wake)|get (?:him|her|them) (?:to bed|up|"
        r"on|an?|into)|put (?:him|her|them) (?:to bed|on)|lay out|pack (?:his|her|their)|"
        r"turn off|take away|limit|give (?:him|her|them) an?)\b",
        _WHY_ADVICE,
        ("Try putting his clothes out the night before.", "Just get her to bed by nine."),
        ("Tell me about bedtime at your house.", "Take your time."),
        triggers=(
            "try",
            "consider",
            "make",
            "set",
            "be sure",
            "remember",
            "forget",
            "start",
            "stop",
            "just",
            "get",
            "put",
            "lay",
            "pack",
            "turn",
            "take",
            "limit",
            "give",
        ),
    ),
    Rule(
        "resource-offer",
        "advice",
        r"\bthere(?:'s| is| are) (?:a|an|our|some|free|this)\b[^.?!]{0,30}\b(?:program|programme|"
        r"app|service|resource|counsel(?:or|ing)|clinic|group|class|club|bus pass|breakfast|"
        r"tutoring|tutor|food bank|pantry|hotline|website|form|guide|workshop)s?\b|"
        r"\bwe (?:have|offer|run|provide|can offer|could offer|can get you|can give you)\b"
        r"[^.?!]{0,30}\b(?:program|service|resource|club|class|app|clinic|group|support|tutoring|"
        r"tutor|breakfast|ride|pass|counsel\w*|referral|workshop|alarm)s?\b|"
        r"\bi(?: can| could| will|'ll|'d be happy to) (?:send|refer|connect|sign|get|give|email)"
        r" you\b|\b(?:resource center|clothing closet|food pantry|tip sheet|parent app|backpack "
        r"program|social worker can|counselor can|nurse can|breakfast club|homework club|"
        r"walking school bus|mentoring program|after-?school program)\b|\b(?:put|sign|get) "
        r"(?:him|her|them) (?:on|up for|into) (?:the|a|our)\b|\bwould it help if (?:i|we)\b|"
        r"\bconnect(?:ed)? you (?:with|to)\b|\bi'll (?:come|walk|drive|pick|meet|set up|put|sign|"
        r"get (?:him|her|them))\b|\b(?:text|call|email) me (?:any|if|when|whenever)\b|\b(?:earn|get|win) (?:a|an) "
        r"(?:\w+ )?(?:reward|prize|certificate)\b|\b(?:this|that|the|our) (?:\w+ )?(?:guide|"
        r"link|website|handout|app|program|workshop)[^.?!]{0,20}\b(?:might|may|could|would|will|"
        r"should) help\b",
        _WHY_ADVICE,
        (
            "There's a program that gives families bus passes.",
            "We have a breakfast club that starts at 7:30.",
            "<https://example.org/guide|this attendance guide> might help",
        ),
        ("What would you want the school to offer?",),
        triggers=(
            "there",
            "program",
            "service",
            "resource",
            "counsel",
            "clinic",
            "group",
            "class",
            "club",
            "pass",
            "breakfast",
            "tutor",
            "food",
            "pantry",
            "hotline",
            "website",
            "form",
            "guide",
            "workshop",
            "support",
            "ride",
            "referral",
            "alarm",
            "app",
            "send",
            "refer",
            "connect",
            "sign",
            "give",
            "email",
            "closet",
            "tip",
            "social",
            "nurse",
            "walking",
            "mentoring",
            "after",
            "put",
            "get",
            "would it help",
            "ill",
            "text me",
            "call me",
            "email me",
            "reward",
            "prize",
            "certificate",
            "link",
            "handout",
        ),
    ),
    Rule(
        "it-helps",
        "advice",
        r"\b(?:routines?|a routine|structure|consistency|alarms?|an alarm|schedules?|a schedule|"
        r"bedtimes?|an earlier bedtime|sleep|charts?|rewards?|a reward|it|this|that|what|"
        r"(?:a |the )?(?:sticker|reward) chart|screens off|less screen time)\b "
        r"(?:really |usually |often |always |also |actually )?(?:helps?|works)\b(?! me\b)"
        r"|\bit (?:might|would|could|may|will|can) (?:really )?(?:help|be (?:good|helpful|"
        r"a good idea|worth|smart|best|better))\b(?= (?:to|if|for you))",
        _WHY_ADVICE,
        ("A routine helps.", "It might help to lay out clothes the night before."),
        ("What helps on the good mornings?", "That helps me understand, thank you."),
        where="statement",
        triggers=("help", "works", "good", "worth", "smart", "best", "better"),
    ),
    Rule(
        "families-find",
        "advice",
        r"\b(?:a lot of|lots of|many|most|some|other) (?:our |my |the )?(?:families|parents|moms|dads|kids|"
        r"students|children|people|folks|grandparents)\b[^.?!]{0,40}\b(?:find|found|use|try|"
        r"tried|have (?:had )?(?:success|luck)|swear by|like to|say (?:it|that) helps|set|get|"
        r"do (?:well|better|best) with|benefit|just|drive|take|make)\b|\bwhen my (?:son|daughter|"
        r"kids?|child|boy|girl|children)\b|\bwhat (?:works|has worked|i've seen work|worked for)\b"
        r"[^.?!]{0,20}\b(?:is|are|was)\b|\b(?:worked|works) (?:for|with) (?:a lot of|many|other|"
        r"my|our|most)\b",
        _WHY_ADVICE,
        ("A lot of families find a routine helps.", "What worked for my son was a sticker chart."),
        ("What works for your family on good mornings?",),
        where="statement",
        triggers=(
            "families",
            "parents",
            "moms",
            "dads",
            "kids",
            "students",
            "children",
            "people",
            "folks",
            "grandparents",
            "work",
            "when my",
        ),
    ),
    Rule(
        "i-suggest",
        "advice",
        r"\b(?:a|one|my) (?:good|great|helpful|useful|simple|easy) (?:idea|thing|trick|tip|option|"
        r"step|fix)\b|\b(?:my|one|a) (?:advice|suggestion|tip|recommendation)\b|\bi(?: would|'d|"
        r" strongly| really)? (?:suggest|recommend|advise|encourage you)\b|\bif i were you\b|"
        r"\bthe (?:best|easiest|simplest) (?:thing|way|option|fix) (?:is|would be|to do)\b",
        _WHY_ADVICE,
        ("I'd suggest an earlier bedtime.", "One good trick is a visual schedule."),
        ("What would you suggest we do differently?",),
        triggers=(
            "idea",
            "thing",
            "trick",
            "tip",
            "option",
            "step",
            "fix",
            "advice",
            "suggest",
            "recommend",
            "advise",
            "encourage",
            "were you",
            "best",
            "easiest",
            "simplest",
        ),
    ),
    # ------------------------------------------------------------------ judgment
    Rule(
        "should-be-in-school",
        "judgment",
        r"\b(?:{SUBJ}|(?:a|an|any) [\w-]+|kids|children|students|parents|school|education|"
        r"attendance)\s+(?:really\s+|just\s+|definitely\s+|absolutely\s+|still\s+)?"
        r"(?:should(?:n't)?|ought(?:n't)? to|needs? to|has to|have to|must(?:n't)?|gotta|got to|"
        r"is supposed to|are supposed to|'d better|had better|'s going to have to|is going to "
        r"have to|are going to have to)\b(?<!do you need to)(?<!do you have to)"
        r"(?<!would you need to)|\b{SUBJ}(?:'s|'re| is| are) (?:going to|gonna) have to\b",
        _WHY_JUDGMENT,
        (
            "Don't you think he should be in school?",
            "You need to get him here on time.",
            "Honestly, a ten-year-old shouldn't be babysitting.",
            "School has to come first.",
        ),
        (
            "What should I know about your family?",
            "What do you think we should do differently?",
            "What do you think the school should do?",
            "What do you need to feel supported?",
        ),
        unless=r"^\s*(?:(?:so|and|but|well|okay|ok|now|also|hi|hello)[,]?\s+)*(?:what|how|where|"
        r"which|who)\b[^.!]*\?|\bwhen (?:you|he|she|they) (?:have|has|need|needs) to\b|"
        r"\bif you (?:need|want|have) to\b|\b(?:what|how|who|which|where|when) (?:do|would|does) (?:you|the school|we|they) "
        r"(?:think|feel|wish|need)\b[^.?!]*\b(?:we|the school|us|our|school|teachers?|staff) "
        r"(?:should|need|needs|has|have|ought)\b",
        triggers=(
            "should",
            "ought",
            "need",
            "has to",
            "have to",
            "must",
            "gotta",
            "got to",
            "supposed",
            "better",
            "going to have",
            "gonna",
        ),
    ),
    Rule(
        "make-sure-they",
        "judgment",
        r"\b(?:make sure|ensure|see to it|see that) (?:that )?(?:he|she|they|him|her|them|your|"
        r"the kids?|the children|y'all|this|it)\b|\b(?:what's|what is) "
        r"(?:your|the) plan\b|\bhow (?:are|will|can|do) you (?:going to |gonna |plan to )?(?:make "
        r"sure|ensure|get (?:him|her|them)|fix|stop|prevent)\b|\bwhat's going to (?:be different|"
        r"change)\b|\bdoesn't happen again\b",
        _WHY_JUDGMENT,
        ("What can you do to make sure he's here tomorrow?",),
        ("I want to make sure I understood you.", "What would you like to be different?"),
        triggers=(
            "sure",
            "ensure",
            "see to",
            "see that",
            "plan",
            "going to",
            "fix",
            "stop",
            "prevent",
            "get",
            "again",
        ),
    ),
    Rule(
        "what-will-you-do",
        "judgment",
        r"\bwhat (?:can|could|will|are|is) (?:you|the family|y'all) (?:going to |gonna |planning to )"
        r"?(?:do|doing|change)\b[^.?!]{0,30}\b(?:make sure|get (?:him|her|them)|ensure|so "
        r"(?:that )?(?:he|she|they)|to (?:get|keep|help|stop) (?:him|her|them)|differently|about "
        r"(?:it|this|that|his|her|their|the)|from now on|to fix)\b",
        _WHY_JUDGMENT,
        ("What are you going to do about his attendance?",),
        ("What could we do differently on our end?",),
        triggers=("do", "change"),
    ),
    Rule(
        "duty-and-blame-words",
        "judgment",
        r"\b(?:your|a parent's|parents'|the parent's) (?:job|responsibility|duty|obligation)\b|"
        r"\bit's (?:the law|against the law|illegal|required|mandatory|not (?:ok|okay|acceptable|"
        r"fair to (?:him|her|them))|unacceptable|not an option)\b|\b(?:unacceptable|irresponsible|"
        r"lazy|laziness|excuses?|no excuse|neglect\w*|careless|faking|making (?:it|that) up|"
        r"spoil(?:ed|ing)?|enabling|manipulat\w+|responsibility|in charge of|pulling down|"
        r"dragging down)\b|\byou're the (?:parent|adult|mom|dad|grown-?up|one)\b|\b(?:is|are) "
        r"(?:only |just )?teaching (?:him|her|them)\b|\bteach(?:es|ing)? (?:him|her|them) "
        r"(?:that|to)\b|\bwhenever (?:he|she|they|you) (?:feels?|"
        r"wants?) (?:like it|to)\b|\bwhy would (?:you|anyone)\b|\bwhy on earth\b",
        _WHY_JUDGMENT,
        ("It's your job to get her to school.", "Is he just being lazy?"),
        ("Thank you for being so open with me.",),
        triggers=(
            "job",
            "responsib",
            "duty",
            "obligation",
            "law",
            "illegal",
            "required",
            "mandatory",
            "ok",
            "acceptable",
            "fair",
            "option",
            "lazy",
            "laziness",
            "excuse",
            "neglect",
            "careless",
            "faking",
            "making",
            "spoil",
            "enabling",
            "manipulat",
            "charge",
            "pulling down",
            "dragging down",
            "youre the",
            "teach",
            "whenever",
            "why would",
            "why on earth",
        ),
    ),
    Rule(
        "this-has-to-stop",
        "judgment",
        r"\bthis (?:can't|cannot|has to|needs to|must|is going to have to) (?:continue|go on|"
        r"keep happening|stop|change|improve)\b|\bthere (?:will|could|might|are going to) be "
        r"consequences\b|\b(?:court|a fine|fines|report (?:you|this|it)|cps|child protective)\b|"
        r"\bi'm (?:really |very |a little |a bit |so |pretty )?(?:disappointed|frustrated)\b|"
        r"\bif this keeps up\b|\bwe(?:'ll| will) (?:have to|need to|be forced to) (?:file|report|"
        r"refer|call|involve|send|take|see)\b|\b(?:truancy|court|district|cps) referral\b|"
        r"\b(?:isn't|is not|aren't|are not) an option\b|\b(?:school|attendance|it|that) is the "
        r"law\b|\bnot taking (?:this|it|school|attendance) seriously\b|"
        r"\b(?:it's|that's|this is|i find it) (?:really |very |so |a little |a bit )?frustrat\w+\b|"
        r"\b(?:we|i) (?:really )?need (?:you|y'all) to\b|\bstep up\b|\bwork with us\b",
        _WHY_JUDGMENT,
        ("This can't keep happening.", "There will be consequences if it continues."),
        ("What has changed for you this year?",),
        triggers=(
            "this",
            "consequences",
            "court",
            "fine",
            "report",
            "cps",
            "child protective",
            "disappointed",
            "frustrat",
            "keeps up",
            "well have to",
            "need you",
            "need yall",
            "step up",
            "work with us",
            "will",
            "referral",
            "option",
            "law",
            "seriously",
        ),
    ),
    Rule(
        "you-let-them",
        "judgment",
        r"\b(?:he|she|they|you) (?:can't|cannot|shouldn't) keep \w+ing\b|"
        r"\byou (?:just |always |keep |can't keep |cannot keep )?(?:let|letting|allow|allowed) (?:him|her|them)\b"
        r"[^.?!]{0,20}\b(?:stay|sleep|miss|skip|play|stay up|decide|get away)|\b(?:other|most) "
        r"(?:parents|families|moms|dads)\b[^.?!]{0,20}\b(?:manage|get their|are able|make it work|"
        r"figure it out|seem to)\b|\bit's (?:really )?not (?:that|so) (?:hard|difficult|"
        r"complicated)\b",
        _WHY_JUDGMENT,
        ("You let him stay up too late.", "Other parents manage to get their kids here."),
        ("Tell me about what evenings look like.",),
        where="statement",
        triggers=("let", "allow", "other", "most", "not that", "not so", "keep"),
    ),
    # ------------------------------------------------------------------ correction
    Rule(
        "actually-the-facts",
        "correction",
        r"{S}(?:actually|in fact|the truth is|statistically)\b,?+\s*+"
        r"(?!i\b|i'd|i'm|i'll|could|can|would|let|tell|what|how|thank)",
        _WHY_CORRECTION,
        ("Actually, two days a month really adds up.", "In fact, the bus is always on time."),
        ("Actually, I'd love to hear more about that.",),
        triggers=("actually", "in fact", "truth", "statistically"),
    ),
    Rule(
        "facts-records-and-yes-but",
        "correction",
        r"\b(?:the )?(?:research|"
        r"studies|the data|data) (?:says|say|shows?)\b|\btechnically\b|\bactually (?:does|do|is|"
        r"are|matters|counts)\b|\bjust so you know\b|\bfor your information\b|"
        r"\bas far as i know\b|\b(?:lots of|plenty of|many|most|other) (?:kids|children|"
        r"students)\b[^.?!]{0,40}\b(?:still|manage to|make it|come anyway)\b|\bi don't think (?:he|she|they|it|that)(?:'s| is| was| has| are)\b|"
        r"\b(?:i hear you|i understand|i know|i get (?:it|that)|you said|that's fair|is real)"
        r"\b[^.?!]{0,80}\bbut\b|\b(?:our|the|my) (?:records|attendance records|system|data)"
        r"(?: \w+)? (?:show|shows|say|says|has|have)\b|\baccording to (?:our|the)\b|\bwe've (?:left|"
        r"sent|called|mailed|made)\b",
        _WHY_CORRECTION,
        (
            "Research shows kids who miss fall behind.",
            "I hear you, but those days still count.",
            "Our records show nine days, not three.",
        ),
        ("I hear you. What was that like?", "What do you know about the new bus route?"),
        triggers=(
            "research",
            "studies",
            "data",
            "technically",
            "actually",
            "just",
            "information",
            "far",
            "dont",
            "but",
            "records",
            "system",
            "according",
            "weve",
            "still",
            "manage",
            "make",
            "anyway",
        ),
    ),
    Rule(
        "it-adds-up",
        "correction",
        r"\b(?:adds? up|add(?:s|ing)? up to|the equivalent of|works out to)\b|\b(?:\d+|one|two|"
        r"three|four|five|ten|a few|just a few|a couple of|a couple) (?:days?|absences?) "
        r"(?:a|per|each|every) (?:month|week)\b[^.?!]{0,40}\b(?:is|are|means|equals|becomes|turns "
        r"into)\b|\bit's (?:almost|nearly|over|more than|about|already) (?:\w+ )?(?:weeks?|months?)"
        r"\b|\bnot just (?:a couple|a few|one|two|play)\b|\b(?:that's|thats|it's|which is) "
        r"(?:almost|nearly|about|over|more than|already|like) (?:\d+|ten|twenty|fifteen) ?(?:days|"
        r"%|percent)\b|\bnot (?:\d+|one|two|three|four|five)\s*[.!]",
        _WHY_CORRECTION,
        (
            "Missing two days a month adds up to a month a year.",
            "Two days a month is almost 10 percent of the year.",
        ),
        ("How many days feel like a lot to you?",),
        triggers=(
            "add",
            "equivalent",
            "works out",
            "day",
            "absence",
            "week",
            "month",
            "its ",
            "not just",
            "thats",
            "which is",
            "not ",
        ),
    ),
    Rule(
        "do-you-know-that",
        "correction",
        r"\b(?:do|did) (?:you|y'all) (?:know|realize|realise|understand|see) (?:that|how "
        r"(?:many|much|important|serious|far|often)|what (?:happens|the law)|he's|she's|they're|"
        r"\d+)|\b(?:do|did) you (?:realize|realise)\b|\b(?:are|were) you aware\b|\bdid you know\b"
        r"(?= (?:that|kids|children|students|\d|missing|each|every|even))",
        _WHY_CORRECTION,
        (
            "Do you know that 14 days puts him in the chronic absence category?",
            "Do you realize how much he's missing?",
        ),
        ("Do you know what helps him on the good days?",),
        triggers=("know", "realize", "realise", "understand", "see", "aware"),
    ),
    Rule(
        "they-fall-behind",
        "correction",
        r"\b(?:fall|falls|falling|fell|get|gets|getting|got) (?:further |so far |way |really |"
        r"more )?behind\b|\b(?:less|more) likely to\b|\bmost (?:kids|children|students) (?:feel|do|are|get|learn)\b|"
        r"\b(?:tends?|tended) to (?:make|get)\b|\b(?:does|do) still\b|\bstill (?:goes|comes|"
        r"runs|stops)\b|\b(?:stay|stays|are|remain) unexcused\b|\b(?:kids|students|children) who (?:miss|"
        r"are absent|skip|are chronically)\b|\b(?:even|just) (?:a few|one|two|a couple(?: of)?|"
        r"a single|a day or two|those) (?:missed )?(?:days?|absences?)\b[^.?!]{0,30}\b(?:make|makes|"
        r"matter|matters|add|adds|count|counts|hurt|hurts|set|sets)\b",
        _WHY_CORRECTION,
        ("Kids who miss ten percent of school fall behind in reading.",),
        ("What do you notice on the days she feels behind?",),
        where="statement",
        triggers=(
            "behind",
            "likely",
            "most",
            "tend",
            "still",
            "unexcused",
            "who",
            "even",
            "just",
            "those",
        ),
    ),
    Rule(
        "not-a-good-reason",
        "correction",
        r"\b(?:isn't|is not|not|aren't|are not|wasn't|was not|that's not|that's no|it's no) "
        r"(?:really |actually |exactly |quite )?(?:a |an )?(?:(?:good|valid|real|legitimate|"
        r"acceptable|excused|good enough) (?:reason|excuse)|excused(?: absences?)?|reason to (?:miss|stay|"
        r"skip|keep))\b|\b(?:that|it|a (?:cold|stomach ?ache|headache)|being tired)(?:'s| is) not "
        r"(?:that )?(?:serious|a big deal|an emergency|bad enough|a reason)\b|\bdoesn't count as\b"
        r"|\bcounts? as (?:an )?(?:unexcused|excused|absent|absence|tardy|missed|lost)\b|"
        r"\bstill counts?\b",
        _WHY_CORRECTION,
        ("That's not really a good reason to miss school.", "A cold isn't a reason to stay home."),
        ("What was the reason for the move, if you don't mind me asking?",),
        triggers=(
            "reason",
            "excuse",
            "excused",
            "serious",
            "big deal",
            "emergency",
            "bad enough",
            "count",
            "good enough",
        ),
    ),
    Rule(
        "the-rules-say",
        "correction",
        r"\b(?:the law|state law|district policy|our policy|school policy|the rule|the policy) "
        r"(?:says|requires|is|states)\b|\b(?:required|compulsory|mandatory) (?:by law|attendance|"
        r"to attend|to be)\b|\b(?:the )?(?:district|state|school|law|board) (?:requires?|expects?|"
        r"mandates?)\b|\b(?:\d+|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty) "
        r"(?:days|absences|unexcused)\b[^.?!]{0,20}\b(?:puts?|is considered|"
        r"counts as|makes? (?:him|her|them)|qualif\w+|means)\b",
        _WHY_CORRECTION,
        ("State law says he has to attend until 16.", "Ten absences is considered chronic."),
        ("How many days has it felt like lately?",),
        triggers=(
            "law",
            "policy",
            "rule",
            "required",
            "compulsory",
            "mandatory",
            "days",
            "absences",
            "unexcused",
            "district",
            "state",
            "school",
            "board",
        ),
    ),
    Rule(
        "it-is-not-that",
        "correction",
        r"\bit's (?:really |actually )?not (?:that|so|very|too) (?:far|bad|hard|long|scary|cold|"
        r"early|big)\b|\b(?:anxiety|it|things|that|avoiding school) (?:only |just |usually |often "
        r"|always |actually )?(?:gets? worse|makes? (?:it|things) worse)\b|\bthat's not (?:true|right|how it works|"
        r"the case|what happens)\b|\b(?:staying|keeping (?:him|her|them)) home (?:only |just )?"
        r"makes? (?:it|things) worse\b",
        _WHY_CORRECTION,
        ("It's not that far to walk, honestly.", "Keeping her home only makes it worse."),
        ("What's it like for her when she's home?",),
        triggers=("not", "worse"),
    ),
    # ------------------------------------------------------------------ leading
    Rule(
        "is-it-mostly",
        "leading",
        r"{S}(?:is|was|isn't|wasn't) (?:it|that|this) (?:mostly|mainly|just|probably|really|all|"
        r"more|because|about|the|a|an|due to|related to|his|her|their)\b(?! (?:good|bad|ok|okay|better) time\b)",
        "This offers the answer inside the question; let the caregiver name it in their own words.",
        ("Is it mostly transportation?", "Is it a transportation problem?"),
        ("Is it okay if I take notes?", "Is that right?"),
        where="question",
        triggers=("is", "was"),
    ),
    Rule(
        "tag-question",
        "leading",
        r"\b(?:right|isn't (?:it|that|he|she)|aren't (?:they|you)|don't (?:they|you)|"
        r"doesn't (?:it|he|she)|wasn't (?:it|he|she)|won't (?:he|she|it|they)|correct|yeah|huh|"
        r"no|is that it)\s*\?",
        "A tag like 'right?' pushes the caregiver to agree; ask an open question instead.",
        ("Mornings are the problem, right?", "It's probably anxiety, isn't it?"),
        (
            "Did I get that right?",
            "You said Tuesdays are the hardest, right?",
            "So mornings are the hardest part - is that right?",
        ),
        # Spanish: "¿no?" after a reflection ("Entonces…, ¿no?") checks back too, and
        # "¿Por qué no?" / "¿Cómo que no?" are not tags.
        unless=r"(?:{S}(?:so|you said|you mentioned|it sounds like|what i'm hearing|let me make "
        r"sure|if i heard)\b|\b(?:get|got|have|is|sounds?|seems?|feels?) (?:that|this|it)? ?"
        r"right\s*\?|\b(?:por ?qu[eé]|c[oó]mo que) no\s*\?)|" + _ES_CHECK_BACK,
        triggers=(
            "right",
            "isnt",
            "arent",
            "dont",
            "doesnt",
            "wasnt",
            "wont",
            "correct",
            "yeah",
            "huh",
            "no",
            "is that it",
        ),
    ),
    Rule(
        "i-bet",
        "leading",
        r"{S}(?:i bet|i'm betting|i'm guessing|let me guess|my guess is|surely|i'd guess|i'd bet|"
        r"i guess|i imagine|i assume|i suppose|i suspect|i'm sure|probably|it must be|must be|"
        r"that must be|this must be|i think it's|i'm thinking it's)\b",
        "This guesses the answer for the caregiver; ask what it is like for them instead.",
        ("I bet mornings are hard?", "I imagine it's because of the bus?"),
        (
            "I imagine that's exhausting.",
            "I bet nobody's asked you that before. What's on your mind?",
        ),
        where="question",
        triggers=(
            "bet",
            "guess",
            "imagine",
            "assume",
            "suppose",
            "suspect",
            "sure",
            "probably",
            "must",
            "think its",
            "thinking its",
        ),
    ),
    Rule(
        "is-it-because",
        "leading",
        r"\b(?:is|was|are|were|does|do|did) (?:it|that|this|he|she|they)\b[^.?!]{0,30}\b"
        r"(?:because|due to)\b",
        "This suggests a cause; ask what is going on and let the caregiver explain.",
        ("Is it because the bus comes so early?", "Does she stay home because of her stomach?"),
        ("What happens on the days she stays home?",),
        where="question",
        triggers=("because", "due to"),
    ),
    Rule(
        "would-you-say",
        "leading",
        r"{S}(?:would you say|wouldn't you say|do you feel like it's|do you think it's (?:mostly|"
        r"mainly|because|the|a|just|probably)|is the (?:main |real |big )?(?:problem|issue|reason))\b",
        "This frames the answer for the caregiver; ask an open question instead.",
        ("Would you say the bus is the main problem?",),
        ("What would you say to someone new at the school?",),
        where="question",
        triggers=(
            "would you say",
            "wouldnt you say",
            "feel like",
            "think its",
            "problem",
            "issue",
            "reason",
        ),
    ),
    Rule(
        "either-or",
        "leading",
        r"{S}(?:is|was|are|were|do|does|did)\b[^.?!]{3,60}\bor\b(?! (?:not|no|something|"
        r"anything|what)\b)[^.?!]{2,40}\?",
        "This offers a menu of answers; ask an open question and let the caregiver name it.",
        ("Is it the bus or his health?",),
        ("Is there anything else?",),
        triggers=(" or ",),
    ),
    # ------------------------------------------------------------------ why_blame
    Rule(
        "why-did-you",
        "why_blame",
        r"\bwhy(?:'d|\s+(?:did|didn't|do|don't|does|doesn't|was|wasn't|is|isn't|are|aren't|were|"
        r"weren't|would|wouldn't|can't|couldn't|haven't|hasn't|won't|has|have|hadn't))\s+"
        r"(?:your|his|her|the (?:kids?|children|family)|{SUBJ})\b"
        r"(?! think\b)"
        r"|\bwhy\s+{SUBJ}\s+(?:keeps?|did|didn't|doesn't|don't|won't|can't|"
        r"was|were|is|are|stayed|missed|skipped|let|wasn't|isn't|has|hasn't|hadn't)\b|"
        r"\bhow come\b|\bwhat (?:made|makes) you (?:decide|let|keep|think it was ok)\b|\bwhy so\b",
        "'Why did you…' about the family's choices sounds like blame; ask 'What was going on "
        "when…' to invite the story.",
        ("Why didn't you call the school?", "Can you tell me why he keeps missing school?"),
        (
            "Help me understand what was going on that week.",
            "Why do you think she lights up in art class?",
        ),
        triggers=("why", "how come", "what made", "what makes"),
    ),
    # ------------------------------------------------------------------ jargon
    Rule(
        "school-jargon",
        "jargon",
        r"\b(?:chronic(?:ally)? absen\w*|chronic attendance|chronic category|truan\w+|habitual(?:ly)? "
        r"truant|truancy (?:petition|letter|officer|court)|"
        r"average daily attendance|tier (?:1|2|3|one|two|three|i{1,3})|attendance (?:intervention|contract|"
        r"plan|review board|officer|improvement plan|letter|conference|referral|rate|"
        r"threshold|policy)|excessive absences|unexcused absences?|educational neglect|"
        r"compulsory attendance|at-risk|interventions?|ed code|absenteeism|mckinney-?vento|"
        r"becca petition|504 plan|iep meeting)\b",
        "This is school jargon the family may not know; use everyday words.",
        (
            "He's in the chronic absence category.",
            "We may have to file a truancy petition.",
            "She qualifies for tier 2 support.",
        ),
        ("Tell me about the days he's missed this year.", "How is Ada doing in second grade?"),
        triggers=(
            "chronic",
            "truan",
            "becca",
            "ada",
            "mtss",
            "sart",
            "sarb",
            "pbis",
            "rti",
            "average daily",
            "tier",
            "attendance",
            "excessive",
            "unexcused",
            "neglect",
            "compulsory",
            "at-risk",
            "intervention",
            "ed code",
            "absenteeism",
            "mckinney",
            "504",
            "iep",
        ),
    ),
    # ------------------------------------------------------------- general shapes
    Rule(
        "school-offers-a-fix",
        "advice",
        r"\bwe (?:could|can|will|'ll|'d be happy to|would be happy to) (?:set up|get|send|arrange|"
        r"have|try|offer|put|find|connect|give|call|pick|drive|enroll|enrol|sign|provide)\b|"
        r"\bplease (?:make sure|try|remember|call|send|get|bring|have|set)\b|\b(?:he|she|they) "
        r"(?:could|might|should) (?:try|use|start|go to bed|get|talk to|see)\b",
        _WHY_ADVICE,
        (
            "We could set up a morning check-in with the counselor.",
            "Please make sure she brings the note.",
            "He could try the early bus.",
        ),
        ("What could we do to help, from your side?",),
        triggers=("could", "can", "will", "well", "happy", "please", "might", "should"),
    ),
    Rule(
        "lets-try",
        "advice",
        r"{S}(?:let's (?:try|get|set|make|put|plan|figure|work out|see if|start)|maybe (?:a|an|some|"
        r"the|try|getting|setting|having))\b",
        _WHY_ADVICE,
        ("Let's try a wake-up call from the office.", "Maybe a ride from a neighbor?"),
        ("Maybe I missed something; tell me more.", "Let's take a breath. What else?"),
        triggers=("lets", "maybe"),
    ),
    Rule(
        "pressure-and-disapproval",
        "judgment",
        r"\b(?:that's|this is|it's) (?:really |just |very |a little |a bit )?(?:not okay|not ok|"
        r"a problem|a big problem|a serious problem|concerning|worrying|troubling|too many|a lot of "
        r"days)\b|\bold enough to\b|\bat (?:his|her|their) age\b|\bit's (?:important|essential|"
        r"crucial|critical|vital) (?:that you|for you to)\b|\b(?:i|we) (?:expect|need) (?:him|her|"
        r"them|you|your \w+) to\b|\b(?:can|will|could|would) you (?:commit|promise|guarantee|agree "
        r"to)\b|\bno more (?:excuses|missed days|absences)\b|\bcan't happen again\b",
        _WHY_JUDGMENT,
        (
            "Honestly, that's a problem.",
            "She's old enough to get herself up.",
            "Can you commit to having her here all next week?",
        ),
        ("What's a problem you wish the school understood?", "How old is she now?"),
        triggers=(
            "not ok",
            "problem",
            "concerning",
            "worrying",
            "troubling",
            "too many",
            "lot of days",
            "old enough",
            "age",
            "important",
            "essential",
            "crucial",
            "critical",
            "vital",
            "expect",
            "need",
            "commit",
            "promise",
            "guarantee",
            "agree",
            "no more",
            "happen",
        ),
    ),
    Rule(
        "selling-school",
        "persuasion",
        r"\bbetter than nothing\b|\bschool is (?:the best|the safest|where (?:he|she|they) (?:belong|"
        r"needs?))\b|\b(?:is|are|'s|'re) missing (?:so much|a lot|important|key|critical|out)\b|"
        r"\bthe more (?:he|she|they)(?:'s| is| are)? (?:here|in school|at school|comes?|attends?)\b|"
        r"\b(?:it'll|it will|things will|it's going to|it only) (?:only )?get(?:s)? harder\b|\bgets? "
        r"harder the longer\b|\byou'll see (?:a|the)\b[^.?!]{0,40}\bif\b",
        _WHY_PERSUASION,
        (
            "Even a half day is better than nothing.",
            "She's missing so much when she's out.",
            "It only gets harder the longer he's out.",
        ),
        ("What does she say she misses about school?",),
        triggers=("better", "school", "missing", "more", "harder", "youll"),
    ),
    Rule(
        "think-of",
        "persuasion",
        r"{S}(?:just )?think (?:of|about) (?:his|her|their|the|how|what)\b",
        _WHY_PERSUASION,
        ("Think of his future.", "Just think about how far behind she'll be."),
        ("What do you think of the new teacher?",),
        triggers=("think",),
    ),
    Rule(
        "setting-the-record-straight",
        "correction",
        r"\b(?:isn't|is not|aren't|are not) optional\b|\byou (?:may|might) not (?:realize|realise|"
        r"know|be aware)\b|\bwe did (?:send|call|mail|email|text|leave|try|reach out)\b|\bthat's "
        r"(?:not|only|just) (?:how|what|the)\b[^.?!]{0,30}\b(?:works|says|shows|record|rule|policy)\b",
        _WHY_CORRECTION,
        (
            "Kindergarten isn't optional in our district.",
            "You may not realize how quickly it adds up.",
            "We did send three letters home.",
        ),
        ("What did you make of the letters we sent?",),
        triggers=("optional", "realize", "realise", "know", "aware", "did", "thats"),
    ),
    Rule(
        "to-be-clear",
        "correction",
        r"{S}(?:to be clear|just to be clear|let me be clear|for the record)\b",
        _WHY_CORRECTION,
        ("To be clear, those days are unexcused.",),
        ("Let me make sure I heard you right.",),
        triggers=("to be", "just", "let", "for the"),
    ),
    # ------------------------------------------------------------- names, acronyms
    Rule(
        "name-should",
        "judgment",
        r"\b{NAME}\s+(?:really\s+|just\s+|still\s+)?(?:should(?:n't)?|ought(?:n't)? to|"
        r"needs? to|has to|must(?:n't)?|is supposed to|'s going to have to|is going to have to|"
        r"'s gotta|has got to)\b",
        _WHY_JUDGMENT,
        ("Jaylen needs to be here by eight.", "Honestly, Maya should come in even with a cough."),
        ("What should I know about Maya?", "Maya's teacher says hello."),
        triggers=("should", "ought", "need", "has", "must", "supposed", "going", "gotta"),
        case_sensitive=True,
    ),
    Rule(
        "why-did-name",
        "why_blame",
        r"\b[Ww]hy(?:'d|\s+(?:did|didn't|does|doesn't|was|wasn't|is|isn't|won't|hasn't|hadn't))"
        r"\s+{NAME}\b|\b[Ww]hy\s+{NAME}\s+(?:keeps?|didn't|doesn't|won't|can't|stayed|missed|"
        r"skipped|wasn't|isn't)\b",
        "'Why did…' about the family's choices sounds like blame; ask 'What was going on "
        "when…' to invite the story.",
        ("Why didn't Jaylen come on Monday?", "Tell me why Maya keeps missing the bus."),
        ("Why do you think Maya loves art so much?",),
        triggers=("why",),
        case_sensitive=True,
    ),
    Rule(
        "school-acronyms",
        "jargon",
        r"\b(?:BECCA|ADA|MTSS|SART|SARB|PBIS|RTI|SST|FTE)\b",
        "This is school jargon the family may not know; use everyday words.",
        ("His ADA numbers pull the grade down.", "We need a SART meeting."),
        ("How is Ada doing in second grade?",),
        triggers=("becca", "ada", "mtss", "sart", "sarb", "pbis", "rti", "sst", "fte"),
        case_sensitive=True,
    ),
    # ================================================================== Spanish
    # The same kinds in Spanish, for practice with Spanish-speaking caregivers.
    # ------------------------------------------------------------------ advice
    Rule(
        "es-ha-intentado",
        "advice",
        r"(?<!qu[eé] )(?<!qu[eé] ya )(?<!cu[aá]l )\b(?:ha|han|has)(?: usted| ustedes)? (?:ya )?"
        r"(?:intentado|probado|tratado de|pensado en|considerado|buscado|inscrito|apuntado|"
        r"hablado con (?:el|la|su) (?:doctor|doctora|m[eé]dic[oa]|pediatra|enfermera|consejer[oa]))\b"
        r"|(?:¿\s*|\bya |\busted )(?:intent[oó]|prob[oó]|pens[oó] en|consider[oó]|trat[oó] de)\b",
        _WHY_ADVICE,
        (
            "¿Ha intentado acostarla más temprano?",
            "¿Ya pensó en pedirle ayuda a una vecina?",
            "¿Han probado con dos alarmas?",
        ),
        (
            "¿Qué ha intentado hasta ahora?",
            "¿Qué han probado ustedes en las mañanas?",
            "Ella intentó ir, pero le dolía el estómago.",
        ),
        triggers=(
            "intentado",
            "intento",
            "probado",
            "probo",
            "tratado",
            "trato",
            "pensado",
            "penso",
            "considerado",
            "considero",
            "buscado",
            "inscrito",
            "apuntado",
            "hablado",
        ),
        language="es",
    ),
    Rule(
        "es-podria-intentar",
        "advice",
        r"(?<!yo )(?<!nosotros )\b(?:podr[ií]a|podr[ií]an|puede|pueden|pudiera|deber[ií]an?"
        r"(?: de)?(?!\s+(?:traer|mandar|llevar)(?:la|lo|los|las)\b)|le convendr[ií]a|"
        r"le conviene)\s+(?:tal vez |quiz[aá]s? |mejor |tambi[eé]n |nom[aá]s |"
        r"s[oó]lo |solo )?(?:intentar|probar|tratar de|poner(?:le|la|lo)?|ponerse|llamar(?:nos|me)?|"
        r"hablar con (?:el|la|su|un|una)|pedir(?:le|les)?|buscar(?:le)?|usar|comprar(?:le)?|"
        r"levantar(?:la|lo|se)|acostar(?:la|lo|se)|despertar(?:la|lo|se)|dejar(?:le|la|lo)|"
        r"preparar(?:le)?|programar|inscribir(?:la|lo|se)|apuntar(?:la|lo|se)|mandar(?:la|lo|nos)|"
        r"traer(?:la|lo)|llevar(?:la|lo)|quitar(?:le)|conseguir(?:le)?|contactar|"
        r"escribir(?:nos|me)|avisar(?:nos|me)|organizar(?:se)?|cambiar|empezar a|apagar|"
        r"sacar(?:la|lo))\b",
        _WHY_ADVICE,
        (
            "Podría poner dos alarmas para que no se le haga tarde.",
            "Usted puede pedirle a la vecina que la lleve.",
            "Pueden inscribirla en el programa de la tarde.",
            "Debería poner una alarma para las mañanas.",
        ),
        (
            "¿Qué cree que podría ayudar?",
            "¿Me puede contar más de eso?",
            "Yo debería llamarla más seguido, ¿verdad?",
        ),
        unless=r"{SE}(?:qu[eé]|c[oó]mo|cu[aá]ndo|d[oó]nde|qui[eé]n|cu[aá]l(?:es)?)\b[^.!]*\?|"
        r"\bsi (?:usted |ella |ustedes )?(?:necesita|quiere|prefiere|tiene que|puede)\b",
        triggers=("podr", "puede", "pudiera", "deber", "convendr", "conviene"),
        language="es",
    ),
    Rule(
        "es-le-recomiendo",
        "advice",
        r"\b(?:le|les|te) (?:recomiendo|recomendar[ií]a|sugiero|sugerir[ií]a|aconsejo|"
        r"aconsejar[ií]a)\b|\b(?:mi|un|el) (?:consejo|recomendaci[oó]n|sugerencia)\b|"
        r"\byo que usted\b|\bsi yo fuera usted\b|\blo mejor (?:es|ser[ií]a|que (?:puede|podr[ií]a) "
        r"hacer)\b|\b(?:una|otra) (?:buena )?(?:idea|opci[oó]n) (?:es|ser[ií]a)\b|"
        r"\b(?:le )?(?:ayudar[ií]a|servir[ií]a|funcionar[ií]a) (?:mucho )?(?:que|si)\b|"
        r"\ble (?:va a|puede) (?:ayudar|servir) (?:mucho )?(?:que|si)\b",
        _WHY_ADVICE,
        (
            "Le recomiendo que deje la ropa lista la noche anterior.",
            "Lo mejor sería que el niño fuera a la guardería.",
            "Le ayudaría mucho que se acostara más temprano.",
        ),
        ("¿Qué le ayudaría a usted en las mañanas?", "¿Qué sugiere usted que hagamos?"),
        triggers=(
            "recomiendo",
            "recomendar",
            "sugiero",
            "sugerir",
            "aconsej",
            "consejo",
            "recomendaci",
            "sugerencia",
            "yo que",
            "fuera usted",
            "mejor",
            "idea",
            "opci",
            "ayudar",
            "servir",
            "funcionar",
        ),
        language="es",
    ),
    Rule(
        "es-hay-un-programa",
        "advice",
        r"\bhay (?:un|una|unos|unas|el|la|nuestro|nuestra|este|esta)\b[^.?!]{0,40}\b(?:programa|"
        r"servicio|recurso|consejer[oa]|cl[ií]nica|grupo|clase|club|pase|desayuno|tutor[ií]a|"
        r"tutor|tutores|banco de comida|despensa|l[ií]nea|p[aá]gina|sitio|formulario|gu[ií]a|taller|"
        r"aplicaci[oó]n|app|transporte|apoyo|beca|trabajadora social|int[eé]rprete)s?\b|"
        r"\b(?:tenemos|ofrecemos|la escuela tiene|la escuela ofrece|el distrito tiene|(?:le|les) "
        r"(?:podemos|puedo) (?:dar|ofrecer|conseguir|mandar|enviar))\b[^.?!]{0,40}\b(?:programa|"
        r"servicio|recurso|club|clase|app|aplicaci[oó]n|cl[ií]nica|grupo|apoyo|tutor[ií]a|tutor|"
        r"desayuno|transporte|pase|consejer[oa]|int[eé]rprete|taller|alarma|ayuda|beca|folleto|"
        r"gu[ií]a)s?\b|\b(?:le|les|la|lo|los) (?:puedo|podemos|podr[ií]amos|voy a|vamos a) "
        r"(?:conectar|referir|inscribir|apuntar|conseguir|poner en contacto)\b",
        _WHY_ADVICE,
        (
            "Hay un programa de la escuela que da pases para el autobús.",
            "Tenemos un club de desayuno que empieza a las siete y media.",
            "La podemos conectar con la trabajadora social.",
        ),
        ("¿Qué le gustaría que la escuela ofreciera?", "¿Hay algún programa que le haya servido?"),
        triggers=(
            "hay",
            "tenemos",
            "ofrecemos",
            "escuela",
            "distrito",
            "podemos",
            "puedo",
            "podriamos",
            "voy",
            "vamos",
        ),
        language="es",
    ),
    Rule(
        "es-por-que-no-intenta",
        "advice",
        r"\bpor ?qu[eé] no (?:(?:la|lo|le|les|se|me|nos) )?(?:intenta|prueba|trata|pone|pide|busca|"
        r"usa|compra|habla|llama|acuesta|levanta|despierta|programa|manda|trae|lleva|inscribe|"
        r"apunta|deja|pregunta|apaga|quita|saca|cambia|intentamos|probamos|tratamos|hablamos|"
        r"buscamos|ponemos|intentar|probar|tratar|poner|pedir|buscar|usar|hablar|llamar)\b|"
        r"\bqu[eé] tal si (?:usted |ella |[eé]l |ustedes )?\w+|\by si (?:usted |ustedes )?"
        r"(?:intenta|prueba|pone|pide|la manda|lo manda|la acuesta|lo acuesta|busca|habla)\b",
        _WHY_ADVICE,
        (
            "¿Por qué no intenta mandarla con su prima?",
            "¿Qué tal si la acuesta a las nueve?",
            "¿Por qué no habla con la maestra?",
        ),
        ("¿Por qué cree que ella no quiere ir?", "¿Qué tal le fue esta semana?"),
        triggers=(
            "por",
            "tal",
            "intenta",
            "prueba",
            "pone",
            "pide",
            "manda",
            "acuesta",
            "busca",
            "habla",
        ),
        language="es",
    ),
    Rule(
        "es-otras-familias",
        "advice",
        r"\b(?:muchas|otras|algunas|varias|la mayor[ií]a de las?) (?:familias|mam[aá]s|pap[aá]s|"
        r"padres|madres|personas)\b[^.?!]{0,40}\b(?:les (?:funciona|ayuda|sirve|va bien)|usan|"
        r"prueban|encuentran|ponen|dejan|levantan|acuestan|piden|llevan|mandan)\b|\blo que (?:a "
        r"m[ií] )?me (?:funcion[oó]|sirvi[oó]|ayud[oó])\b[^.?!]{0,30}\b(?:fue|es)\b",
        _WHY_ADVICE,
        (
            "A muchas familias les funciona tener una rutina fija.",
            "Lo que me funcionó con mi hijo fue un horario en el refri.",
        ),
        ("Muchas familias me cuentan que las mañanas son difíciles.",),
        where="statement",
        triggers=(
            "muchas",
            "otras",
            "algunas",
            "varias",
            "mayoria",
            "lo que",
        ),
        language="es",
    ),
    # ------------------------------------------------------------------ judgment
    Rule(
        "es-usted-tiene-que",
        "judgment",
        r"\b(?:usted|ustedes|ella|[eé]l|el ni[ñn]o|la ni[ñn]a|su (?:hij[oa]|ni[ñn][oa]|familia)|"
        r"los ni[ñn]os|los padres|las familias|uno)\s+(?:realmente |de verdad |s[ií] |ya |"
        r"siempre |nada m[aá]s |tambi[eé]n )?(?:deber[ií]an?|tienen? que|tendr[ií]an? que|"
        r"est[aá] obligad[ao] a|necesitan? (?:\w+ )?\w+(?:ar|er|ir)(?:la|lo|le|se|nos)?|"
        r"deben?(?!\s+(?:ser|estar|sentir\w*|haber|de)\b))\b|{SE}(?:realmente |de verdad |ya )?"
        r"(?:deber[ií]an?|tienen? que|tendr[ií]an? que|necesitan? \w+(?:ar|er|ir)(?:la|lo|le|se|"
        r"nos)?|deben?)\b(?!\s+(?:ser|estar|sentir\w*|haber|de)\b)",
        _WHY_JUDGMENT,
        (
            "Usted tiene que levantarse más temprano.",
            "Ella tiene que estar aquí a las ocho, sin falta.",
            "Su hija necesita aprender a levantarse sola.",
            "Tiene que entender que ya son muchas faltas.",
        ),
        (
            "Debe estar muy cansada después del turno.",
            "Tiene que ser muy pesado para usted.",
            "Entonces ella tiene que cuidar a su hermanito en las mañanas.",
            "¿Qué siente usted que tiene que hacer en las mañanas?",
            "Cuando usted tiene que salir temprano, ¿quién se queda con los niños?",
        ),
        unless=r"{SE}(?:qu[eé]|c[oó]mo|cu[aá]ndo|d[oó]nde|qui[eé]n|cu[aá]l(?:es)?)\b[^.!]*\?|"
        r"\b(?:si|cuando|mientras) (?:usted |ella |[eé]l |ustedes )?(?:tiene|tienen|necesita|"
        r"debe)\b|{SE}(?:entonces|o sea|parece que|me parece que|(?:me )?suena a que|lo que "
        r"(?:escucho|oigo|entiendo)|si (?:le |la )?entend[ií] bien|usted (?:dijo|mencion[oó]|me "
        r"dijo|me cont[oó])|me (?:dijo|cont[oó]) que)\b",
        triggers=("deber", "debe", "tiene", "tendr", "obligad", "necesit"),
        language="es",
    ),
    Rule(
        "es-deberia-venir",
        "judgment",
        r"\b(?:deber[ií]an?|deben?|tienen? que|hay que|necesitan?|tendr[ií]an? que|tenemos que)\s+"
        r"(?:\w+\s+){0,2}?(?:venir|ir a (?:la escuela|clases?)|asistir|estar (?:aqu[ií]|en (?:la )?"
        r"(?:escuela|clases?))|llegar (?:a tiempo|temprano|puntual)|traer(?:la|lo|los|las)|"
        r"mandar(?:la|lo|los|las)|llevar(?:la|lo|los|las)|levantar(?:la|lo|los|las)|"
        r"acostar(?:la|lo|los|las)|despertar(?:la|lo|los|las)|faltar|perder(?:se)? (?:clases|"
        r"d[ií]as)|priorizar|poner (?:m[aá]s )?de su parte|tomar(?:se)? (?:esto|la escuela|la "
        r"asistencia) (?:m[aá]s )?en serio|ser (?:m[aá]s )?(?:responsable|firme|estricta?)|"
        r"obligar(?:la|lo)|cumplir)\b",
        _WHY_JUDGMENT,
        (
            "¿No cree que debería venir todos los días?",
            "Hay que levantarla más temprano, señora.",
            "Tienen que mandarla aunque esté cansada.",
        ),
        (
            "¿Qué pasa los días que ella tiene que faltar?",
            "Cuando ustedes tienen que llevarla al médico, ¿cómo se organizan?",
        ),
        unless=r"{SE}(?:qu[eé]|c[oó]mo|cu[aá]ndo|d[oó]nde|qui[eé]n|cu[aá]l(?:es)?)\b[^.!]*\?|"
        r"\b(?:si|cuando) (?:usted |ella |[eé]l |ustedes )?(?:tiene|tienen|necesita|debe)\b",
        triggers=("deber", "debe", "tiene", "hay", "necesit", "tendr", "tenemos"),
        language="es",
    ),
    Rule(
        "es-responsabilidad-y-excusas",
        "judgment",
        r"\bes (?:su|tu) (?:responsabilidad|obligaci[oó]n|deber|trabajo|culpa)\b|\bpor su culpa\b|"
        r"\b(?:no (?:es|hay) (?:ninguna )?excusa|no hay excusas?|sin excusas|(?:son|eso es|es una) "
        r"(?:puras )?excusas?)\b|\bes (?:la ley|obligatorio|ilegal|inaceptable|irresponsable)\b|\bno es aceptable\b|"
        r"\b(?:inaceptable|irresponsable|flojera|perezos[oa]|negligen\w+|descuidad[oa]|"
        r"consentid[oa]|malcriad[oa]|la consiente|lo consiente)\b|\busted es (?:la|el) (?:mam[aá]|"
        r"pap[aá]|madre|padre|adult[oa]|que manda)\b|\bno (?:puede|pueden) seguir (?:as[ií]|"
        r"faltando)\b|\besto (?:tiene|debe|necesita) (?:que )?(?:cambiar|parar|terminar)\b|"
        r"\b(?:habr[aá]|va a haber|puede haber) consecuencias\b|\b(?:la corte|el juzgado|un juez|"
        r"el juez|una multa|multas)\b|\breportar(?:la|lo|los|le)\b|\bservicios de protecci[oó]n\b|"
        r"\bno (?:se )?(?:est[aá]|est[aá]n) tomando (?:esto|la escuela|la asistencia|las faltas) en "
        r"serio\b|\bno es (?:una )?opci[oó]n\b|\b(?:me|nos) (?:decepciona|frustra)\b|\bestoy "
        r"(?:muy )?(?:decepcionad[oa]|frustrad[oa])\b|\bya (?:est[aá]|es) (?:grande|mayor"
        r"(?:cita|cito)?) para\b|\botr[oa]s (?:padres|pap[aá]s|mam[aá]s|familias) (?:s[ií] )?"
        r"(?:pueden|logran|lo logran|se las arreglan)\b|\b(?:son|ya son) (?:demasiadas|muchas) "
        r"(?:faltas|ausencias)\b|\bdemasiadas (?:faltas|ausencias)\b|\b(?:eso|esto) es un "
        r"problema\b|\b(?:necesito|necesitamos) que (?:usted|ella|[eé]l|ustedes|la traiga|lo "
        r"traiga|la mande|lo mande)\b|\b(?:tendr[ií]amos|tendremos|vamos a tener|tendr[ií]a|va a "
        r"tener) que (?:presentar|reportar|llamar a|mandar|enviar|referir|involucrar|tomar "
        r"medidas|hablar con (?:la corte|el juez|servicios))\b|\bsi (?:esto )?sigue as[ií]\b",
        _WHY_JUDGMENT,
        (
            "Es su responsabilidad como madre que vaya a clases.",
            "Estar cansada no es excusa para faltar.",
            "Esto no puede seguir así, ya son demasiadas faltas.",
            "Si sigue faltando, habrá consecuencias.",
            "Si sigue así, la escuela tendría que presentar un reporte.",
        ),
        (
            "Gracias por su confianza, de verdad.",
            "¿Qué responsabilidades tiene ella en la casa?",
            "Me preocupa que ella esté tan cansada.",
        ),
        triggers=(
            "responsabilidad",
            "obligaci",
            "deber",
            "trabajo",
            "culpa",
            "excusa",
            "ley",
            "obligatori",
            "ilegal",
            "inaceptable",
            "aceptable",
            "irresponsable",
            "flojera",
            "perezos",
            "negligen",
            "descuidad",
            "consentid",
            "malcriad",
            "consiente",
            "usted",
            "puede",
            "esto",
            "consecuencias",
            "corte",
            "juzgado",
            "juez",
            "multa",
            "reportar",
            "servicios",
            "tomando",
            "opci",
            "decepciona",
            "frustra",
            "estoy",
            "grande",
            "mayor",
            "otros",
            "otras",
            "demasiadas",
            "muchas",
            "problema",
            "necesito",
            "necesitamos",
            "tendriamos",
            "tendremos",
            "tener",
            "tendria",
            "sigue",
        ),
        language="es",
    ),
    # ------------------------------------------------------------------ persuasion
    Rule(
        "es-no-cree-que",
        "persuasion",
        r"{SE}(?:y |pero )?(?:usted |ustedes |ella )?no (?:cree|crees|creen|piensa|piensas|le parece|"
        r"te parece|les parece|est[aá] de acuerdo|est[aá]s de acuerdo|ser[ií]a mejor|es mejor|"
        r"le gustar[ií]a|quiere que|quisiera que|se da cuenta|le preocupa que)\b",
        _WHY_PERSUASION,
        (
            "¿No cree que debería venir todos los días?",
            "¿No le parece que la escuela debe ser lo primero?",
            "Pero, ¿no está de acuerdo en que ella estaría mejor aquí?",
            "Señora, ¿no le gustaría que tuviera más amigos?",
        ),
        ("¿Qué cree usted que le ayudaría?", "No creo haber entendido bien, ¿me lo repite?"),
        triggers=(
            "cree",
            "piensa",
            "parece",
            "acuerdo",
            "seria",
            "mejor",
            "gustar",
            "quiere",
            "quisiera",
            "cuenta",
            "preocupa",
        ),
        language="es",
    ),
    Rule(
        "es-por-que-es-importante",
        "persuasion",
        r"\bpor ?qu[eé]\b[^.?!]{0,60}\b(?:importante|importa|vale la pena|necesario|esencial|"
        r"es bueno|ser[ií]a bueno)\b|\bqu[eé] importancia\b|\b(?:qu[eé] tan|cu[aá]n) importante\b"
        r"[^.?!]{0,40}\b(?:escuela|asistir|venir|clases?|educaci[oó]n|todos los d[ií]as|estudiar|"
        r"estar aqu[ií])\b",
        _WHY_PERSUASION,
        (
            "¿Por qué cree que es importante que Daniela venga a clases?",
            "¿Por qué importa tanto venir todos los días?",
            "¿Qué tan importante cree que es la escuela?",
        ),
        (
            "¿Qué es lo más importante para usted?",
            "¿Qué tan importante es para usted que la llamemos por teléfono?",
        ),
        triggers=("por", "tan", "cuan", "importancia"),
        language="es",
    ),
    Rule(
        "es-que-va-a-pasar-si",
        "persuasion",
        r"\b(?:c[oó]mo|qu[eé])\b[^.?!]{0,50}\b(?:va a|van a|podr[ií]a|puede|iba a)\b[^.?!]{0,40}"
        r"\b(?:atrasar\w*|afectar\w*|sufrir|reprobar|repetir|quedar(?:se)? atr[aá]s|perder\w*|pasar|"
        r"ir(?:le)?|bajar|salir|alcanzar|aprender)\b[^.?!]{0,50}\bsi\b[^.?!]{0,40}\b(?:sigue|"
        r"siguen|contin[uú]a|falta|faltando|faltan|no viene)\b|\b(?:c[oó]mo|qu[eé])\b[^.?!]{0,50}"
        r"\b(?:va a|van a|podr[ií]a|puede)\b[^.?!]{0,30}\b(?:atrasarse|quedarse atr[aá]s|reprobar|"
        r"repetir (?:el )?(?:a[ñn]o|grado))\b|\b(?:c[oó]mo|qu[eé])\b[^.?!]{0,60}\b(?:pasar[aá]|"
        r"afectar[aá]n?|ir[aá]|atrasar[aá]|perder[aá]|bajar[aá]n?|reprobar[aá]|sufrir[aá]n?|"
        r"quedar[aá])\b[^.?!]{0,50}\bsi\b[^.?!]{0,40}\b(?:sigue|siguen|contin[uú]a|falta|faltando|"
        r"faltan|no viene)\b",
        _WHY_PERSUASION,
        (
            "¿Cómo cree que le va a ir en sus calificaciones si sigue faltando?",
            "¿Qué cree que va a pasar si ella sigue faltando?",
            "¿Cómo va a alcanzar a los demás si falta tanto?",
            "¿Qué cree que pasará con sus calificaciones si sigue faltando?",
        ),
        ("¿Qué pasó esa mañana?", "¿Cómo va a saber usted que las cosas van mejor?"),
        triggers=(
            "sigue",
            "contin",
            "falta",
            "viene",
            "atrasarse",
            "quedarse",
            "reprobar",
            "repetir",
        ),
        language="es",
    ),
    Rule(
        "es-cada-dia-cuenta",
        "persuasion",
        r"\b(?:cada d[ií]a|cada clase|cada minuto|todos los d[ií]as|la asistencia|la educaci[oó]n|"
        r"la escuela|el estudio|los estudios|venir a la escuela|estar en la escuela|asistir|venir "
        r"todos los d[ií]as)\b (?:realmente |de verdad |s[ií] |tambi[eé]n )?(?:cuenta|cuentan|"
        r"importa|importan|vale|es (?:muy |tan |s[uú]per |sumamente )?(?:importante|"
        r"important[ií]sim[ao]|esencial|clave|fundamental|lo primero|primero|una prioridad|prioridad|"
        r"lo m[aá]s importante|necesari[ao]|todo))\b|\blo (?:m[aá]s|primero y m[aá]s) importante es "
        r"(?:la escuela|la educaci[oó]n|que (?:venga|vaya|asista|est[eé]))\b",
        _WHY_PERSUASION,
        (
            "Cada día cuenta, de verdad.",
            "La educación es lo más importante para el futuro de sus hijos.",
            "La escuela es muy importante para los niños de su edad.",
        ),
        ("La escuela es grande y a veces confunde a los niños.",),
        where="statement",
        triggers=(
            "cada",
            "todos",
            "asistencia",
            "educaci",
            "escuela",
            "estudio",
            "venir",
            "estar",
            "asistir",
            "importante",
        ),
        language="es",
    ),
    Rule(
        "es-vender-la-escuela",
        "persuasion",
        r"\busted (?:quiere|desea|espera) que (?:ella |[eé]l |su hij[oa] |sus hijos |los ni[ñn]os )?"
        r"(?:salga adelante|tenga (?:un )?(?:buen|mejor) futuro|tenga [eé]xito|se gradu[eé]|termine "
        r"la escuela|vaya a la universidad|saque buenas calificaciones|le vaya bien)\b|\bpiense en "
        r"(?:su|el) futuro\b|\bimag[ií]nese (?:si|c[oó]mo|qu[eé]|que)\b|\bse est[aá] perdiendo "
        r"(?:mucho|de mucho|de todo|muchas cosas|lo m[aá]s importante)\b|\bmejor que nada\b|"
        r"\b(?:faltar|las faltas|las ausencias|perder clases|no venir|faltar tanto|tantas faltas)"
        r"\b[^.?!]{0,30}\b(?:afecta|afectan|perjudica|perjudican|hace da[ñn]o|atrasa)\b",
        _WHY_PERSUASION,
        (
            "Usted quiere que ella salga adelante, ¿verdad?",
            "Piense en su futuro, señora.",
            "Se está perdiendo de mucho cuando no viene.",
            "¿Cómo cree que faltar afecta su aprendizaje?",
        ),
        (
            "¿Qué quiere usted para ella cuando termine la escuela?",
            "¿Qué le gustaría para su futuro?",
        ),
        triggers=(
            "quiere",
            "desea",
            "espera",
            "piense",
            "imaginese",
            "perdiendo",
            "mejor",
            "afecta",
            "perjudica",
            "dano",
            "atrasa",
        ),
        language="es",
    ),
    # ------------------------------------------------------------------ correction
    Rule(
        "es-en-realidad",
        "correction",
        r"{SE}(?:en realidad|de hecho|la verdad es que|estad[ií]sticamente|t[eé]cnicamente)\b,?+\s*+"
        r"(?!(?:me|yo|quisiera|cu[eé]nteme|cu[eé]ntame|d[ií]game|lo que|no s[eé]|gracias)\b)",
        _WHY_CORRECTION,
        (
            "En realidad, dos días al mes suman casi un mes entero al año.",
            "De hecho, el autobús pasa siempre a la misma hora.",
        ),
        ("En realidad me gustaría escuchar más de eso.", "La verdad es que no sé mucho de eso."),
        triggers=("realidad", "hecho", "verdad", "estadistic", "tecnicamente"),
        language="es",
    ),
    Rule(
        "es-se-suman",
        "correction",
        r"\b(?:se )?(?:suman?|acumulan?)\b|\bequivalen? a\b|\bes casi (?:un mes|medio a[ñn]o)\b|"
        r"\b(?:\d+|uno|dos|tres|cuatro|cinco|diez|unos pocos|un par de|solo dos|solo unos) "
        r"(?:d[ií]as|faltas|ausencias) (?:al|por|cada) (?:mes|semana)\b[^.?!]{0,40}\b(?:son|es|"
        r"significan?|se convierten)\b|\b(?:eso|esto) (?:ya )?(?:es|son) (?:casi|m[aá]s de|como) "
        r"(?:el )?(?:\d+|diez|veinte|quince) ?(?:d[ií]as|%|por ciento)\b",
        _WHY_CORRECTION,
        (
            "Dos días al mes suman casi un mes al año.",
            "Eso ya es más de quince días, señora.",
            "Las faltas se acumulan muy rápido.",
        ),
        ("¿Cuántos días le parecen muchos a usted?",),
        triggers=(
            "suma",
            "acumula",
            "equivale",
            "casi",
            "dias",
            "faltas",
            "ausencias",
            "eso",
            "esto",
        ),
        language="es",
    ),
    Rule(
        "es-la-ley-dice",
        "correction",
        r"\b(?:la ley|el distrito|la pol[ií]tica|el reglamento|la regla|las reglas|el estado|la "
        r"escuela)\b (?:dice|dicen|exige|exigen|requiere|requieren|establece|obliga|pide|manda)\b|"
        r"\bes obligatori[oa]\b|\bpor ley\b|\bcuentan? como (?:falta|faltas|ausencia|ausencias|"
        r"injustificad\w+)\b|\bsiguen? contando\b|\b(?:son|es|est[aá]n?) (?:justificad[ao]s?|"
        r"injustificad[ao]s?|excusad[ao]s?)\b|\bno (?:es|son) (?:una )?(?:raz[oó]n|excusa|motivo) "
        r"(?:v[aá]lid[ao]|suficiente|para faltar|para no venir)\b|\bno es (?:raz[oó]n|motivo) para\b|"
        r"\b(?:un resfriado|una gripa|una gripe|un dolor de (?:est[oó]mago|cabeza)|estar cansad[ao])"
        r" no es (?:tan )?(?:grave|raz[oó]n|motivo)\b",
        _WHY_CORRECTION,
        (
            "La ley dice que tiene que asistir hasta los dieciséis años.",
            "Esos días siguen contando como faltas.",
            "Un resfriado no es razón para faltar.",
        ),
        ("¿Qué le han dicho en la escuela sobre las faltas?",),
        triggers=(
            "ley",
            "distrito",
            "politica",
            "reglamento",
            "regla",
            "estado",
            "escuela",
            "obligatori",
            "cuenta",
            "sigue",
            "justificad",
            "injustificad",
            "excusad",
            "razon",
            "excusa",
            "motivo",
            "grave",
        ),
        language="es",
    ),
    Rule(
        "es-registros-y-estudios",
        "correction",
        r"\b(?:los )?(?:estudios|investigaci[oó]n|datos) (?:dicen|dice|muestran|muestra|demuestran)"
        r"\b|\bseg[uú]n (?:nuestros|los) (?:registros|datos)\b|\bnuestros (?:registros|datos) "
        r"(?:muestran|dicen|indican)\b|\bs[ií] (?:le|les) (?:mandamos|enviamos|dejamos|llamamos|"
        r"avisamos)\b|\bya (?:le|les) (?:hab[ií]amos )?(?:mandamos|enviamos|avisamos|llamamos|"
        r"dejamos|mandado|enviado|avisado|llamado|dejado)\b|\ble (?:hemos|hab[ií]amos) (?:mandado|"
        r"enviado|llamado|dejado)\b",
        _WHY_CORRECTION,
        (
            "Sí le mandamos tres cartas a la casa.",
            "Los estudios dicen que los niños que faltan aprenden menos.",
            "Según nuestros registros son nueve días, no tres.",
        ),
        ("¿Recibió las cartas que le mandamos?",),
        triggers=(
            "estudios",
            "investigaci",
            "datos",
            "segun",
            "nuestros",
            "mandamos",
            "enviamos",
            "dejamos",
            "llamamos",
            "avisamos",
            "habiamos",
            "mandado",
            "enviado",
            "avisado",
            "llamado",
            "dejado",
        ),
        language="es",
    ),
    Rule(
        "es-no-es-tan-lejos",
        "correction",
        r"\bno es tan (?:lejos|dif[ií]cil|grave|malo|temprano|complicado)\b|\b(?:sab[ií]a|sab[ií]a "
        r"usted|sab[ií]as) que\b|\bse (?:da|dio) cuenta de (?:que|cu[aá]nt[oa]s)\b|\best[aá] "
        r"consciente de\b|\b(?:los|muchos) ni[ñn]os que faltan\b|\bse (?:atrasan?|quedan? atr[aá]s|"
        r"van? a atrasar|va a quedar atr[aá]s)\b|\b(?:muchos|otros|la mayor[ií]a de los) ni[ñn]os\b"
        r"[^.?!]{0,40}\b(?:igual|aun as[ií]|de todos modos|tambi[eé]n) (?:vienen|van|asisten)\b",
        _WHY_CORRECTION,
        (
            "No es tan lejos para caminar, la verdad.",
            "¿Sabía que dos días al mes es casi un mes al año?",
            "Los niños que faltan se atrasan en lectura.",
        ),
        ("¿Qué sabe usted de la nueva ruta del autobús?", "¿Cómo se dio cuenta usted?"),
        triggers=(
            "lejos",
            "dificil",
            "grave",
            "malo",
            "temprano",
            "complicado",
            "sabia",
            "cuenta",
            "consciente",
            "ninos",
            "atrasa",
            "queda",
            "atrasar",
            "va",
            "van",
        ),
        language="es",
    ),
    Rule(
        "es-si-pero",
        "correction",
        r"\b(?:entiendo|la entiendo|lo entiendo|le entiendo|comprendo|ya s[eé]|tiene raz[oó]n|"
        r"claro|s[ií])\b[^.?!]{0,60}\bpero\b(?!\s*[¿,]?\s*(?:¿|cu[eé]nteme|cu[eé]ntame|d[ií]game|me "
        r"gustar[ií]a|quisiera|qu[eé]|c[oó]mo)\b)(?!\s*¿)",
        _WHY_CORRECTION,
        (
            "Entiendo, pero esos días siguen contando como faltas.",
            "Sí, claro, pero ella tiene que venir.",
        ),
        ("Entiendo. ¿Cómo fue eso para usted?", "Claro, pero cuénteme primero cómo está usted."),
        triggers=("entiendo", "comprendo", "ya se", "tiene razon", "claro", "si"),
        language="es",
    ),
    # ------------------------------------------------------------------ leading
    Rule(
        "es-verdad-tag",
        "leading",
        r"(?:,\s*¿?|\s¿)\s*(?:verdad|cierto|no es (?:as[ií]|cierto|verdad)|correcto|o no|eh)\s*\?",
        "A tag like '¿verdad?' pushes the caregiver to agree; ask an open question instead.",
        (
            "¿Es por el autobús, verdad?",
            "Las mañanas son el problema, ¿cierto?",
            "Ella prefiere quedarse en casa, ¿no es así?",
        ),
        (
            "Usted dijo que los martes son los más difíciles, ¿verdad?",
            "Entonces, las mañanas son lo más pesado, ¿verdad?",
            "¿Lo entendí bien?",
        ),
        unless=_ES_CHECK_BACK,
        triggers=("verdad", "cierto", "correcto", "no", "eh"),
        language="es",
    ),
    Rule(
        "es-es-por",
        "leading",
        r"{SE}(?:(?:es|ser[aá]|fue|era|est[aá])\s+(?:por|porque|m[aá]s que nada|mayormente|sobre "
        r"todo|principalmente|solo|s[oó]lo|nada m[aá]s|m[aá]s bien|un problema de|a causa de|"
        r"debido a|culpa de)|ser[aá] que)\b",
        "This offers the answer inside the question; let the caregiver name it in their own words.",
        (
            "¿Es más que nada por la salud de ella?",
            "¿Será por el transporte?",
            "¿Es porque el autobús pasa muy temprano?",
            "¿Será que no le gusta su salón?",
        ),
        ("¿Es un buen momento para hablar?", "¿Es correcto?"),
        where="question",
        triggers=(
            "sera",
            "por",
            "mas",
            "mayormente",
            "sobre",
            "principalmente",
            "solo",
            "nada",
            "problema",
            "causa",
            "debido",
            "culpa",
        ),
        language="es",
    ),
    Rule(
        "es-me-imagino-que",
        "leading",
        r"{SE}(?:me imagino que|supongo que|seguro que|seguramente|apuesto (?:a )?que|a lo mejor|"
        r"probablemente|debe ser por|yo creo que es|creo que es por|(?:me )?parece que es por)\b",
        "This guesses the answer for the caregiver; ask what it is like for them instead.",
        (
            "Me imagino que es por el trabajo, ¿no?",
            "¿Seguro que es por el autobús?",
            "A lo mejor es por la ansiedad?",
        ),
        (
            "Me imagino que esas mañanas son agotadoras.",
            "Supongo que nadie le había preguntado eso antes. ¿Qué piensa usted?",
        ),
        where="question",
        triggers=(
            "imagino",
            "supongo",
            "seguro",
            "seguramente",
            "apuesto",
            "mejor",
            "probablemente",
            "debe",
            "creo",
            "parece",
        ),
        language="es",
    ),
    Rule(
        "es-falta-porque",
        "leading",
        r"\b(?:es|fue|est[aá]|ser[aá]|falta|falt[oó]|se queda|se qued[oó]|no viene|no vino|no va|"
        r"no fue|se siente)\b[^.?!]{0,30}\b(?:porque|por culpa de|a causa de|debido a)\b",
        "This suggests a cause; ask what is going on and let the caregiver explain.",
        (
            "¿Falta porque le duele el estómago?",
            "¿Se queda en casa a causa de su hermano?",
        ),
        ("¿Qué pasa los días que se queda en casa?",),
        where="question",
        unless=r"{SE}(?:qu[eé]|c[oó]mo|cu[aá]ndo|d[oó]nde|qui[eé]n|cu[aá]l(?:es)?)\b",
        triggers=("porque", "culpa", "causa", "debido"),
        language="es",
    ),
    Rule(
        "es-esto-o-aquello",
        "leading",
        r"{SE}(?:es|fue|era|ser[aá]|tiene|est[aá]|le cuesta|prefiere)\b[^.?!]{3,60}\bo\b(?!\s+(?:no|"
        r"algo|qu[eé]|alguna otra|alg[uú]n otro|cualquier)\b)[^.?!]{2,40}\?",
        "This offers a menu of answers; ask an open question and let the caregiver name it.",
        ("¿Es el autobús o su salud?", "¿Es por el trabajo o por los niños?"),
        (
            "¿Qué le cuesta más, las mañanas o las tardes?",
            "¿Es un buen momento para hablar, o prefiere que la llame más tarde?",
        ),
        unless=r"\bbuen momento\b|\best[aá] bien\b|\bprefiere que (?:la|le|lo) llame\b",
        triggers=("es", "fue", "era", "sera", "tiene", "esta", "cuesta", "prefiere"),
        language="es",
    ),
    Rule(
        "es-diria-que",
        "leading",
        r"{SE}(?:usted )?(?:dir[ií]a (?:usted )?que|cree que (?:el|la) (?:principal |verdader[oa] |"
        r"mayor )?(?:problema|raz[oó]n|motivo|causa)(?: principal| verdader[oa])? es|(?:el|la) "
        r"(?:principal |verdader[oa] |mayor )?(?:problema|raz[oó]n|motivo|causa)(?: principal| "
        r"verdader[oa])? es)\b",
        "This frames the answer for the caregiver; ask an open question instead.",
        (
            "¿Diría que el autobús es el problema principal?",
            "¿El problema principal es el transporte?",
        ),
        ("¿Qué diría usted a una familia nueva en la escuela?",),
        where="question",
        triggers=("diria", "cree", "problema", "razon", "motivo", "causa"),
        language="es",
    ),
    # ------------------------------------------------------------------ why_blame
    Rule(
        "es-por-que-no-llamo",
        "why_blame",
        r"(?:\bpor qu[eé]|{SE}porqu[eé])\s+(?!(?:cree|piensa|crees|piensas|le parece|te parece|"
        r"dir[ií]a|ser[aá]|es importante|importa|le gusta|le gustaba|le encanta)\b)"
        r"(?:(?:usted|ustedes|ella|[eé]l|ellos|su (?:hij[oa]|ni[ñn][oa]|familia)|los ni[ñn]os)\s+)?"
        r"(?:(?:no\s+)?(?:(?:la|lo|le|les|se|me|nos|los|las)\s+)?(?:falt\w*|vino|vinieron|viene|"
        r"vienen|ven[ií]a|fue|fueron|va|van|iba|iban|qued\w*|dej\w*|mand\w*|traj\w*|trae|traen|"
        r"llev\w*|llam\w*|avis\w*|contest\w*|respond\w*|lleg\w*|sac\w*|firm\w*|regres\w*|devolv\w*|"
        r"dijo|dijeron|hizo|hicieron|pudo|pudieron|tard\w*|permit\w*)\b|no\s+(?:(?:la|lo|le|les|se|"
        r"me|nos|los|las)\s+)?\w+(?:[oó]|aron|ieron)\b|(?:la|lo|le|les|se|los|las)\s+\w+(?:ó|aron|"
        r"ieron)\b)|\bc[oó]mo es que\b",
        "'Why did you…' about the family's choices sounds like blame; ask 'What was going on "
        "when…' to invite the story.",
        (
            "¿Por qué no llamó a la escuela cuando ella faltó?",
            "¿Por qué la dejó en casa el lunes?",
            "por que no la mando ayer",
            "¿Cómo es que faltó tanto en octubre?",
        ),
        (
            "¿Por qué cree que a ella le gusta tanto la clase de arte?",
            "¿Por qué?",
            "Le llamo porque la extrañamos hoy.",
        ),
        where="question",
        triggers=("por", "como"),
        language="es",
    ),
    # ------------------------------------------------------------------ jargon
    Rule(
        "es-jerga-escolar",
        "jargon",
        r"\b(?:ausentismo|absentismo|inasistencia)(?: escolar)?(?: cr[oó]nic[oa])?\b|\bausente "
        r"cr[oó]nic[oa]\b|\b(?:ausencias?|faltas?|inasistencias?) (?:injustificadas?|no "
        r"justificadas?|excesivas?|cr[oó]nicas?)\b|\bpetici[oó]n (?:de|por) (?:ausentismo|absentismo|"
        r"truancy|inasistencia)\w*\b|\b(?:oficial|corte|tribunal) de (?:ausentismo|absentismo|"
        r"asistencia|truancy)\b|\b(?:contrato|plan|junta|conferencia|equipo|comit[eé]|revisi[oó]n) "
        r"de (?:asistencia|intervenci[oó]n)\b|\bplan de mejora\w*\b|\bintervenci[oó]n(?:es)?\b|"
        r"\bnivel (?:1|2|3|uno|dos|tres) de (?:apoyo|intervenci[oó]n)\b|\bnegligencia educativa\b|"
        r"\b(?:escolaridad|asistencia) obligatoria\b|\b(?:estudiante|alumn[oa]) en riesgo\b|\bplan "
        r"504\b|\bpromedio de asistencia diaria\b",
        "This is school jargon the family may not know; use everyday words.",
        (
            "Su hija ya está en la categoría de ausentismo crónico.",
            "Tiene muchas ausencias injustificadas.",
            "Si sigue así, la escuela tendría que presentar una petición de ausentismo escolar.",
            "Vamos a hacer un contrato de asistencia.",
        ),
        ("Cuénteme de los días que ha faltado este año.", "¿Qué le dijeron en la oficina?"),
        triggers=(
            "ausentismo",
            "absentismo",
            "inasistencia",
            "ausente",
            "injustificad",
            "justificad",
            "excesiva",
            "cronica",
            "peticion",
            "oficial",
            "corte",
            "tribunal",
            "asistencia",
            "intervenci",
            "mejora",
            "nivel",
            "negligencia",
            "escolaridad",
            "estudiante",
            "alumn",
            "504",
            "promedio",
        ),
        language="es",
    ),
)
"""Every rule, grouped by kind. Order within a kind does not matter."""


def rules_by_kind() -> dict[FindingKind, list[Rule]]:
    """Return the rules grouped by finding kind (kinds with no rule are absent)."""
    grouped: dict[FindingKind, list[Rule]] = {}
    for rule in RULES:
        grouped.setdefault(rule.kind, []).append(rule)
    return grouped
