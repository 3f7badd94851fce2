"""The review rules, as data.

Each :class:`Rule` names one pattern of language that turns an empathy
interview into an intervention (or weakens it), with the message shown to
staff and its own examples (``examples`` must be caught, ``counter_examples``
must not; ``tests/test_review_rules.py`` checks every rule against both), in
the manner of Vale and retext-equality. The kinds and severities are those of
DESIGN.md; the language patterns come from DOMAIN.md ("Signs that an
interview has turned into an intervention", "Craft of a good interview").

Pattern syntax: ordinary Python regular expressions, matched case-insensitively
against cleaned text (see :mod:`bot.core.review.normalize`), with three
conveniences expanded by :func:`expand`:

- every ``'`` is optional, so ``don't`` also matches ``dont``;
- ``{S}`` is the start of a sentence, after optional fillers ("So," "Well,"
  "And", "Okay,");
- ``{SUBJ}`` is a person the family is talking about: you, he, she, they,
  "your son";
- ``{NAME}`` is a capitalised first name (only in ``case_sensitive`` rules).

``where`` restricts a rule to question sentences (``"question"``), to
statements (``"statement"``), or allows both (``"any"``).
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
_NAME = (
    r"(?!(?:What|How|Where|When|Who|Why|Which|Is|Are|Do|Does|Did|Would|Could|Can|Should|Will|"
    r"Anything|Something|Everything|Nothing|We|I|It|That|This|There|Then|So|And|But|Also|"
    r"Maybe|Thank|Thanks|Tell|Please|School|Mornings?|Hi|Hello|Ok|Okay|Yes|No|Well|Now|"
    r"Kids|Children|Students|Parents|Education|Attendance)\b)[A-Z][a-z]{1,20}"
)


def expand(pattern: str) -> str:
    """Expand the rule-pattern conveniences into a plain regular expression.

    Args:
        pattern: a rule pattern using ``'``, ``{S}``, ``{SUBJ}`` and ``{NAME}``.

    Returns:
        The regular-expression source.
    """
    return (
        pattern.replace("'", "'?")
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
            the first word of one of these; empty means always run. Each must
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
    compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)
    compiled_unless: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    anchored: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Patterns are written in lower case and matched case-sensitively against
        # ASCII-lower-cased text (about twice as fast as IGNORECASE); a
        # case_sensitive rule (names, acronyms) is matched against the original.
        object.__setattr__(self, "compiled", re.compile(expand(self.pattern)))
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
        r"imagine|picture) (?:how|what|if|when)\b|\bif (?:he|she|they|your \w+) (?:was|were|came|"
        r"come|comes|got|showed up|attended) (?:here |to school |in school |in class )?(?:every "
        r"day|more|more often|regularly|on time|consistently)\b|\bmiss(?:ing|es)? out\b",
        _WHY_PERSUASION,
        (
            "How would you feel if he had to repeat third grade?",
            "What would it mean for his future if he was here every day?",
            "What do you think she's missing out on when she's home?",
        ),
        (
            "How would you feel about a call from his teacher next week?",
            "I imagine how tiring that is.",
        ),
        triggers=("feel if", "imagine", "picture", "think about", "if", "miss"),
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
            "could",
            "can",
            "would",
            "might",
            "will",
            "help",
            "option",
            "worth",
            "id ",
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
            "so you know",
            "information",
            "far as",
            "dont think",
            "hear you",
            "understand",
            "know",
            "get it",
            "get that",
            "you said",
            "thats fair",
            "real",
            "records",
            "system",
            "according",
            "weve",
            "lots",
            "plenty",
            "many",
            "most",
            "other",
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
        unless=r"(?:{S}(?:so|you said|you mentioned|it sounds like|what i'm hearing|let me make "
        r"sure|if i heard)\b|\b(?:get|got|have|is|sounds?|seems?|feels?) (?:that|this|it)? ?"
        r"right\s*\?)",
        triggers=("?",),
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
        triggers=("we", "please", "he", "she", "they"),
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
)
"""Every rule, grouped by kind. Order within a kind does not matter."""


def rules_by_kind() -> dict[FindingKind, list[Rule]]:
    """Return the rules grouped by finding kind (kinds with no rule are absent)."""
    grouped: dict[FindingKind, list[Rule]] = {}
    for rule in RULES:
        grouped.setdefault(rule.kind, []).append(rule)
    return grouped
