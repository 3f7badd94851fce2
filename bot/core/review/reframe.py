"""Reframes: an open, neutral rewrite of a flagged staff utterance.

The rewrite keeps what the staff member wanted to learn about (the topic of
the flagged sentence: mornings, the bus, the teacher, …) and the student's
pronoun, and turns it into the shapes DOMAIN.md recommends: "Tell me about…",
"What's it like when…", "What do you hope…". Jargon is replaced by everyday
words in place. Templates are data (:data:`TOPIC_REFRAMES`,
:data:`KIND_REFRAMES`, :data:`PLAIN_WORDS`) so coaches can read and extend them.
A Spanish utterance gets a Spanish rewrite from the ``*_ES`` tables.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from bot.core.models import Finding, FindingKind, ReviewContext
from bot.core.persona import Topic
from bot.core.text import ASCII_LOWER, Cleaned, mostly_spanish
from bot.core.topics import detect_topics

TOPIC_REFRAMES: dict[Topic, str] = {
    "mornings": "Tell me about a typical school morning at your house.",
    "transport": "Tell me about how getting to school works for your family.",
    "health": "What has {poss} health been like this year?",
    "work": "What does a typical week look like for your family, with everyone's work?",
    "siblings": "Tell me about who's at home and how everyone's day starts.",
    "teachers": "Tell me about how things are going with {poss} teachers.",
    "friends": "What does {subj} say about the other kids at school?",
    "school_feelings": "What have you noticed about how school is going for {obj}?",
    "hopes": "What are you hoping school is like for {obj} next year?",
    "home": "Tell me about how things have been at home lately.",
    "contact": "How would you like the school to stay in touch with you?",
    "family": "Tell me about your family and what a usual week is like.",
}
"""Open question per topic of the flagged sentence (DOMAIN.md, "Craft")."""

KIND_REFRAMES: dict[FindingKind, str] = {
    "advice": "Tell me about what you've tried so far.",
    "judgment": "Tell me about what the hard days are like for your family.",
    "persuasion": "What do you hope school can be like for {obj}?",
    "correction": "What's your sense of how this year has gone for {obj}?",
    "leading": "Tell me about a recent day when {subj} didn't make it to school.",
    "closed": "Tell me more about how that's been going.",
    "why_blame": "Tell me about what was going on for your family then.",
    "stacked": "Tell me more about how that's been going.",
    "jargon": "Tell me about the days {subj} has missed this year.",
}
"""Open question by the most serious kind, used when no topic is recognized."""

PLAIN_WORDS: tuple[tuple[str, str], ...] = (
    (r"\bthe chronic(?:ally)? absen\w*(?: category| list| group)?", "the days {subj} has missed"),
    (r"\bchronic(?:ally)? absen\w*(?: category| list| group)?", "missing a lot of school"),
    (r"\btruancy letter\b", "letter about missed days"),
    (r"\btruancy letters\b", "letters about missed days"),
    (r"\btruancy (?:petition|court)s?\b", "court process"),
    (r"\btruancy officers?\b", "attendance officer"),
    (r"\b(?:habitual(?:ly)? )?truan\w+", "missing school"),
    (r"\btier (?:1|2|3|one|two|three|i{1,3})\b(?: supports?| interventions?)?", "extra support"),
    (r"\battendance (?:intervention|contract|plan|improvement plan)\b", "plan"),
    (r"\battendance (?:intervention|contract|plan|improvement plan)s\b", "plans"),
    (r"\b(?:mtss|pbis|rti|ada|average daily attendance)\b", "our school support"),
    (r"\binterventions?\b", "support"),
    (r"\b(?:excessive|unexcused) absences?\b", "missed days"),
)
"""Jargon -> everyday words (DOMAIN.md: "No jargon")."""

TOPIC_REFRAMES_ES: dict[Topic, str] = {
    "mornings": "Cuénteme cómo es una mañana típica de escuela en su casa.",
    "transport": "Cuénteme cómo le hacen para llegar a la escuela.",
    "health": "¿Cómo ha estado de salud {nino} este año?",
    "work": "¿Cómo es una semana típica para su familia, con el trabajo de todos?",
    "siblings": "Cuénteme quién está en casa y cómo empieza el día para todos.",
    "teachers": "Cuénteme cómo le va a {nino} con sus maestros.",
    "friends": "¿Qué dice {nino} de los otros niños de la escuela?",
    "school_feelings": "¿Qué ha notado usted de cómo le va a {nino} en la escuela?",
    "hopes": "¿Qué espera usted que sea la escuela para {nino} el próximo año?",
    "home": "Cuénteme cómo han estado las cosas en casa últimamente.",
    "contact": "¿Cómo le gustaría que la escuela se comunicara con usted?",
    "family": "Cuénteme de su familia y de cómo es una semana normal.",
}
"""Spanish open question per topic, for Spanish utterances (formal *usted*, as
staff speak to caregivers); ``{nino}`` is the student: a name, "su hija", "su
hijo", or "su hijo o hija"."""

KIND_REFRAMES_ES: dict[FindingKind, str] = {
    "advice": "Cuénteme qué ha intentado hasta ahora.",
    "judgment": "Cuénteme cómo son los días difíciles para su familia.",
    "persuasion": "¿Qué espera usted que la escuela pueda ser para {nino}?",
    "correction": "¿Cómo siente usted que ha ido este año para {nino}?",
    "leading": "Cuénteme de un día reciente en que {nino} no pudo ir a la escuela.",
    "closed": "Cuénteme más de cómo ha ido eso.",
    "why_blame": "Cuénteme qué estaba pasando en su familia en ese momento.",
    "stacked": "Cuénteme más de cómo ha ido eso.",
    "jargon": "Cuénteme de los días que {nino} ha faltado este año.",
}
"""Spanish open question by the most serious kind, when no topic is recognized."""

PLAIN_WORDS_ES: tuple[tuple[str, str], ...] = (
    (
        r"\bpetici[oó]n (?:de|por) (?:ausentismo|absentismo|truancy|inasistencia)\w*(?: escolar)?",
        "trámite legal por las faltas",
    ),
    (
        r"\b(?:la categor[ií]a de |el grupo de |la lista de )?(?:ausentismo|absentismo|"
        r"inasistencia)(?: escolar)?(?: cr[oó]nic[oa])?\b",
        "faltar mucho a la escuela",
    ),
    (
        r"\b(?:ausencias?|faltas?|inasistencias?) (?:injustificadas?|no justificadas?|excesivas?|"
        r"cr[oó]nicas?)\b",
        "faltas",
    ),
    (r"\b(?:contrato|plan|junta|conferencia) de (?:asistencia|intervenci[oó]n)\b", "plan"),
    (r"\bnivel (?:1|2|3|uno|dos|tres) de (?:apoyo|intervenci[oó]n)\b", "apoyo extra"),
    (r"\bintervenci[oó]n(?:es)?\b", "apoyo"),
    (r"\btruan\w+", "faltas"),
)
"""Spanish jargon -> everyday words."""

_PRONOUNS = (
    (re.compile(r"\b(?:he|him|his|himself|son|boy|grandson|nephew)\b"), ("he", "him", "his")),
    (
        re.compile(r"\b(?:she|her|hers|herself|daughter|girl|granddaughter|niece)\b"),
        ("she", "her", "her"),
    ),
)
_ORDER: tuple[FindingKind, ...] = (
    "persuasion",
    "judgment",
    "correction",
    "advice",
    "why_blame",
    "leading",
    "closed",
    "jargon",
    "stacked",
)


_NAME = re.compile(
    r"(?=[A-Z][a-z])(?<!\bMr\. )(?<!\bMs\. )(?<!\bMrs\. )(?<!\bDr\. )"
    r"(?<!\bMr )(?<!\bMs )(?<!\bMrs )"
    r"(?<![.!?]\s)(?<!^)\b(?!(?:I|I'm|I'd|Is|Don|Do|Does|What|How|Why|When|Where|Who|Tell|"
    r"Thank|Mr|Ms|Mrs|Dr|Hi|Hello|Thanks|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|September|October|"
    r"November|December|January|February|March|April|May|June|July|August|English|Spanish)\b)"
    r"([A-Z][a-z]{1,20})\b"
)


_LATER_CAPITAL = re.compile(r"[A-Z]")


def _pronouns(text: str) -> dict[str, str]:
    low = text.translate(ASCII_LOWER)
    for pattern, (subj, obj, poss) in _PRONOUNS:
        if pattern.search(low):
            return {"subj": subj, "obj": obj, "poss": poss}
    # a name is a capitalised word after the first character (cheap check first)
    name = _NAME.search(text) if _LATER_CAPITAL.search(text, 1) else None
    if name is not None:  # "Don't you think Marcus should…" -> "…for Marcus"
        n = name.group(1)
        return {"subj": n, "obj": n, "poss": f"{n}'s"}
    return {"subj": "your child", "obj": "your child", "poss": "your child's"}


_NAME_ES = re.compile(
    r"(?<![¿¡])(?<![.!?¿¡]\s)(?<!^)(?<!Señora )(?<!Señor )(?<!Sra\. )(?<!Sr\. )(?<!Doña )"
    r"(?<!Don )\b(?!(?:Usted|Ustedes|Señora|Señor|Señorita|Sra|Sr|Srta|Doña|Don|Por|Qué|Que|"
    r"Cómo|Como|Cuándo|Dónde|Quién|Cuál|Es|Está|La|El|Los|Las|Lo|Le|Su|Sus|Y|Pero|Entonces|"
    r"Bueno|Pues|Gracias|Hola|Buenos|Buenas|Mi|Me|Se|No|Sí|Si|Ella|Él|Hay|Tiene|Dios|México|"
    r"Inglés|Español|Lunes|Martes|Miércoles|Jueves|Viernes|Sábado|Domingo|Enero|Febrero|Marzo|"
    r"Abril|Mayo|Junio|Julio|Agosto|Septiembre|Octubre|Noviembre|Diciembre|Navidad)\b)"
    r"([A-ZÁÉÍÓÚÑ][a-záéíóúñ]{1,20})\b"
)
_DAUGHTER_ES = re.compile(r"\b(?:ella|hija|niña|nina|muchacha|chamaca)\b")
_SON_ES = re.compile(r"\b(?:él|hijo|niño|nino|muchacho|chamaco)\b")


def _pronouns_es(text: str) -> dict[str, str]:
    """``{"nino": …}``: the student's name, else "su hija"/"su hijo", else both."""
    name = _NAME_ES.search(text)
    if name is not None:
        return {"nino": name.group(1)}
    low = text.lower()
    if _DAUGHTER_ES.search(low):
        return {"nino": "su hija"}
    if _SON_ES.search(low):
        return {"nino": "su hijo"}
    return {"nino": "su hijo o hija"}


REFLECTION_REFRAME = "It sounds like things have been hard for your family lately."
REFLECTION_REFRAME_ES = "Parece que las cosas han estado muy difíciles para su familia."
"""The neutral reflection offered for a reflection that judges ("It sounds like you're…")."""

_REFLECTION_OPENING = re.compile(
    r"^\W*(?:(?:so|well|okay|ok|and)[, ]+)*(?:it sounds like|sounds like|it seems like|it seems|"
    r"i'?m hearing|what i'?m hearing|so you'?re saying|you'?re saying|it must be|that must be|"
    r"you must be|parece que|me parece que|suena a que|lo que escucho|o sea|entonces usted|"
    r"se ve que|se nota que)\b",
    re.IGNORECASE,
)

_GREETING = re.compile(
    r"^\W*(?:hi|hello|hey|good (?:morning|afternoon|evening)|hola|buen(?:os|as) "
    r"(?:d[ií]as|tardes|noches))\b[^?]*(?:(?:do you have (?:a (?:few )?minutes?|a moment|time)|"
    r"is (?:now|this) (?:a good|an ok|an okay) time|can we talk|(?:can|may) i (?:ask|talk)|"
    r"tiene (?:unos minutos|un momento|tiempo))[^?]*\?\s*)?$",
    re.IGNORECASE,
)


def is_greeting(text: str) -> bool:
    """True for a greeting or introduction with no question in it ("Hi, this is…")."""
    return _GREETING.match(text.strip()) is not None and len(text) < 200


_NEUTRAL = {"subj": "your child", "obj": "your child", "poss": "your child's"}
_BY_PRONOUN = {
    "he": {"subj": "he", "obj": "him", "poss": "his"},
    "she": {"subj": "she", "obj": "her", "poss": "her"},
    "they": {"subj": "they", "obj": "them", "poss": "their"},
}


def _student(focus: str, context: ReviewContext | None) -> dict[str, str]:
    """Words for the student in an English rewrite.

    The session's name wins ("for Marcus"); else the session's pronouns; with a
    context that knows neither, neutral words ("your child"), never a pronoun
    taken from the sentence (the "she" may be the counselor). Without any
    context (a question list), the sentence's own words as before.
    """
    if context is None:
        return _pronouns(focus)
    if context.student_name:
        n = context.student_name
        return {"subj": n, "obj": n, "poss": f"{n}'s"}
    if context.student_pronouns:
        return _BY_PRONOUN[context.student_pronouns]
    return _NEUTRAL


def _student_es(focus: str, context: ReviewContext | None) -> dict[str, str]:
    """Words for the student in a Spanish rewrite: the session's name when known."""
    if context is None:
        return _pronouns_es(focus)
    if context.student_name:
        return {"nino": context.student_name}
    if context.student_pronouns == "she":
        return {"nino": "su hija"}
    if context.student_pronouns == "he":
        return {"nino": "su hijo"}
    return {"nino": "su hijo o hija"}


def _fill(template: str, words: dict[str, str]) -> str:
    out = template.format(**words)
    return out[0].upper() + out[1:]


def _plain_words(
    sentence: str, words: dict[str, str], table: tuple[tuple[str, str], ...] = PLAIN_WORDS
) -> str:
    out = sentence
    for pattern, plain in table:
        out = re.sub(pattern, plain.format(**words), out, flags=re.I)
    return out


def reframe_for(
    text: str,
    findings: list[Finding],
    cleaned: Cleaned,
    sentences: Sequence[tuple[int, int]],
    language: str = "en",
    context: ReviewContext | None = None,
) -> str | None:
    """Write an open, neutral rewrite of a flagged utterance.

    Args:
        text: the cleaned text (Slack markup removed) the findings were made on.
        findings: the utterance's findings (spans into the original text).
        cleaned: the :class:`Cleaned` that maps between the two texts.
        sentences: ``[start, end)`` bounds of the reviewer's sentences in ``text``.
        language: ``"en"``, or ``"es"`` when the utterance may be Spanish: the
            rewrite is then Spanish (:data:`TOPIC_REFRAMES_ES`,
            :data:`KIND_REFRAMES_ES`, :data:`PLAIN_WORDS_ES`) if the flagged
            sentence is mostly Spanish (:func:`~bot.core.text.mostly_spanish`).

    Returns:
        One sentence (or the utterance with jargon replaced when jargon is the
        only problem); None when ``findings`` is empty.
    """
    if not findings:
        return None
    if is_greeting(text):
        return None  # "Hi, this is Ms. Lee from the school": nothing to rewrite
    kinds = {f.kind for f in findings}
    if kinds == {"jargon"}:
        if language == "es" and mostly_spanish(text):
            return _plain_words(text.strip(), _student_es(text, context), PLAIN_WORDS_ES)
        return _plain_words(text.strip(), _student(text, context))
    worst = next(k for k in _ORDER if k in kinds)
    first = min((f for f in findings if f.kind == worst), key=lambda f: f.span[0])
    focus = _focus_text(text, first, cleaned, sentences)
    spanish = language == "es" and mostly_spanish(focus)
    words = _student_es(focus, context) if spanish else _student(focus, context)
    if worst == "judgment" and _REFLECTION_OPENING.match(focus):
        # a judgmental reflection becomes a neutral reflection, not a generic question
        return _fill(REFLECTION_REFRAME_ES if spanish else REFLECTION_REFRAME, words)
    topic_reframes, kind_reframes = (
        (TOPIC_REFRAMES_ES, KIND_REFRAMES_ES) if spanish else (TOPIC_REFRAMES, KIND_REFRAMES)
    )
    # the rewrite follows the flagged sentence: its topic, else the kind's own question
    topics = detect_topics(focus)
    if worst == "stacked" and not topics:
        head = text[: _to_cleaned(cleaned, first.span[0])].strip(" ,;-")
        if head.endswith("?") and len(head) > 8:
            return head[0].upper() + head[1:]
    if topics:
        return _fill(topic_reframes[topics[0]], words)
    return _fill(kind_reframes[worst], words)


def _to_cleaned(cleaned: Cleaned, original_pos: int) -> int:
    """First cleaned index whose original offset is at or after ``original_pos``."""
    if cleaned.offsets is None:
        return original_pos
    return bisect_left(cleaned.offsets, original_pos)


def _focus_text(
    text: str, finding: Finding, cleaned: Cleaned, sentences: Sequence[tuple[int, int]]
) -> str:
    """The sentence of ``text`` that holds the finding.

    ``sentences`` are the reviewer's own sentence bounds (cleaned offsets), so a
    title ("Ms. Pike") or "a.m." splits nothing here either.
    """
    pos = _to_cleaned(cleaned, finding.span[0])
    for start, end in sentences:
        if start <= pos < end:
            return text[start:end].strip()
    return text
