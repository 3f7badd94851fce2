"""Everyday conversation topics a staff utterance touches.

The practice engine uses topics to decide whether a turn "touches" a persona
layer (a layer lists the topics that open it), and the scripted responder uses
them to pick the caregiver's small-talk lines. The keyword lists are data: a
coach or persona author can read and extend them like the reviewer's rules.

Matching is case-insensitive, on word boundaries, with curly apostrophes and
quotes folded to straight ones, and fully deterministic (no model, no I/O).
English keywords are in :data:`TOPIC_KEYWORDS`, Spanish ones in
:data:`TOPIC_KEYWORDS_ES`; both are matched in every utterance. Accents are
folded on both sides (``camión`` and ``camion``, ``mañana`` and ``manana``
are one keyword), because people often type Spanish without them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Literal

from bot.core.persona import TOPICS, Subject, Topic

TOPIC_KEYWORDS: Mapping[Topic, tuple[str, ...]] = {
    "mornings": (
        "morning",
        "mornings",
        "wake",
        "wakes",
        "get up",
        "gets up",
        "waking",
        "woke",
        "wake up",
        "alarm",
        "breakfast",
        "bed",
        "bedtime",
        "sleep",
        "sleeps",
        "sleeping",
        "asleep",
        "get out the door",
        "getting out the door",
        "out the door",
        "routine",
        "routines",
        "get ready",
        "getting ready",
    ),
    "transport": (
        "bus",
        "get around",
        "buses",
        "bus stop",
        "ride",
        "rides",
        "car",
        "cars",
        "drive",
        "drives",
        "driving",
        "drove",
        "walk",
        "walks",
        "walking",
        "get to school",
        "gets to school",
        "getting to school",
        "get there",
        "carpool",
        "gas",
        "transportation",
        "get here",
        "gets here",
    ),
    "health": (
        "health",
        "healthy",
        "sick",
        "ill",
        "illness",
        "doctor",
        "doctors",
        "clinic",
        "hospital",
        "nurse",
        "asthma",
        "anxiety",
        "anxious",
        "medicine",
        "medication",
        "stomach",
        "stomachache",
        "headache",
        "headaches",
        "pain",
        "appointment",
        "appointments",
        "therapy",
        "feeling well",
        "feel well",
        "medical",
        "medically",
        "feeling alright",
        "feeling all right",
        "feeling okay",
        "feeling better",
        "feel better",
        "feeling good",
    ),
    "work": (
        "job",
        "jobs",
        "shift",
        "shifts",
        "work",
        "works",
        "working",
        "worked",
        "hours",
        "boss",
    ),
    "siblings": (
        "brother",
        "brothers",
        "sister",
        "sisters",
        "sibling",
        "siblings",
        "little ones",
        "younger ones",
        "baby",
        "babies",
        "toddler",
    ),
    "teachers": (
        "teacher",
        "teachers",
        "principal",
        "counselor",
        "counsellor",
        "secretary",
        "front office",
        "who at our school",
        "who at school",
        "anyone at school",
        "adult at school",
        "adults at school",
        "grown-ups at school",
        "mr",
        "mrs",
        "ms",
    ),
    "friends": (
        "friend",
        "comfortable with",
        "turn to",
        "friends",
        "kids at school",
        "other kids",
        "classmates",
        "bullied",
        "bully",
        "bullies",
        "bullying",
        "lunch",
        "recess",
        "lonely",
        "fit in",
        "fits in",
        "play with",
        "plays with",
        "hang out",
        "hangs out",
        "spend time with",
        "spends time with",
    ),
    "school_feelings": (
        "about school",
        "like school",
        "likes school",
        "feel about school",
        "feels about school",
        "school day",
        "school days",
        "class",
        "classes",
        "classroom",
        "learning",
        "learn",
        "grades",
        "homework",
        "reading",
        "math",
        "at school",
        "with school",
        "school been",
        "school going",
        "school has been",
        "schoolwork",
        "school work",
        "going to school",
        "go to school",
        "want to go",
        "wants to go",
        "want to be at school",
        "feeling about",
        "feel about",
        "feels about",
        "home from school",
        "like it here",
        "like it there",
        "likes it here",
        "likes it there",
    ),
    "hopes": (
        "hope",
        "hopes",
        "hoping",
        "wish",
        "wishes",
        "future",
        "next year",
        "dream",
        "dreams",
        "someday",
        "goal",
        "goals",
        "go better",
        "get better",
        "going better",
        "be better",
        "next week",
        "change soon",
        "could change",
        "a year from now",
        "year from now",
        "going really well",
    ),
    "home": (
        "home",
        "house",
        "apartment",
        "living",
        "live",
        "lives",
        "stay",
        "staying",
        "move",
        "moved",
        "moving",
        "rent",
        "landlord",
    ),
    "contact": (
        "call",
        "calls",
        "called",
        "calling",
        "phone",
        "hear from",
        "heard from",
        "letter",
        "letters",
        "reach out",
        "reached out",
        "stay in touch",
        "keep in touch",
        "be in touch",
        "in touch with",
        "contact",
        "text",
        "texts",
        "email",
        "message",
        "messages",
        "reach you",
        "best number",
        "best time",
        "better time",
        "meeting",
        "meet with",
        "voicemail",
        "reach us",
        "note home",
        "notes home",
    ),
    "family": (
        "family",
        "families",
        "you all",
        "y'all",
        "household",
        "at home",
        "your kids",
        "parents",
        "lives with you",
        "live with you",
        "lives at home",
        "at home with",
        "get to know in",
        "helps out",
        "help out",
        "lean on",
        "pets",
        "pet",
    ),
}
"""Keywords and phrases per topic, matched as whole words (see :func:`detect_topics`).

Written for this project from DOMAIN.md's list of reasons families miss school
and the everyday wording of the example question lists in ``shared/examples``;
a keyword may belong to more than one topic ("at home" is both ``home`` and
``family``)."""

TOPIC_KEYWORDS_ES: Mapping[Topic, tuple[str, ...]] = {
    "mornings": (
        "mañana",
        "mañanas",
        "madrugada",
        "madrugar",
        "madruga",
        "despertar",
        "despierta",
        "despiertan",
        "despertarse",
        "levantarse",
        "se levanta",
        "se levantan",
        "levantarla",
        "levantarlo",
        "desayuno",
        "desayunar",
        "desayuna",
        "desayunan",
        "dormir",
        "duerme",
        "duermen",
        "se duerme",
        "dormida",
        "dormido",
        "acostarse",
        "se acuesta",
        "hora de dormir",
        "cama",
        "alarma",
        "despertador",
        "rutina",
        "rutinas",
        "alistarse",
        "arreglarse",
        "salir de la casa",
        "salir de casa",
    ),
    "transport": (
        "autobús",
        "autobuses",
        "bus",
        "camión",
        "camiones",
        "parada",
        "transporte",
        "raite",
        "aventón",
        "carro",
        "carros",
        "coche",
        "troca",
        "manejar",
        "maneja",
        "caminar",
        "camina",
        "caminando",
        "llegar a la escuela",
        "llega a la escuela",
        "llegan a la escuela",
        "gasolina",
    ),
    "health": (
        "salud",
        "sana",
        "sano",
        "enferma",
        "enfermo",
        "enfermas",
        "enfermos",
        "enfermedad",
        "se enferma",
        "médico",
        "médica",
        "médicos",
        "doctor",
        "doctora",
        "clínica",
        "hospital",
        "enfermera",
        "asma",
        "ansiedad",
        "nervios",
        "medicina",
        "medicinas",
        "medicamento",
        "estómago",
        "dolor",
        "dolores",
        "dolor de cabeza",
        "cita",
        "citas",
        "terapia",
    ),
    "work": (
        "trabajo",
        "trabajos",
        "trabaja",
        "trabajan",
        "trabajar",
        "trabajando",
        "trabajamos",
        "turno",
        "turnos",
        "cosecha",
        "cosechas",
        "huerta",
        "huertas",
        "campo",
        "jefe",
        "jefa",
        "patrón",
        "chamba",
        "empleo",
        "fábrica",
        "horas de trabajo",
    ),
    "siblings": (
        "hermano",
        "hermanos",
        "hermana",
        "hermanas",
        "hermanito",
        "hermanitos",
        "hermanita",
        "hermanitas",
        "bebé",
        "bebés",
        "los más chicos",
        "los chiquitos",
        "los pequeños",
        "los más pequeños",
        "los menores",
    ),
    "teachers": (
        "maestro",
        "maestros",
        "maestra",
        "maestras",
        "profesor",
        "profesora",
        "profesores",
        "profesoras",
        "profe",
        "director",
        "directora",
        "consejero",
        "consejera",
        "secretaria",
        "la oficina",
    ),
    "friends": (
        "amigo",
        "acude",
        "amigos",
        "amiga",
        "amigas",
        "compañeros",
        "compañeras",
        "compañeritos",
        "compañeros de clase",
        "acoso",
        "molestan",
        "bullying",
        "recreo",
        "almuerzo",
        "lonche",
        "cafetería",
    ),
    "school_feelings": (
        "escuela",
        "colegio",
        "clase",
        "clases",
        "salón",
        "tarea",
        "tareas",
        "calificaciones",
        "aprender",
        "aprende",
        "aprendiendo",
        "lectura",
        "leer",
        "matemáticas",
        "estudiar",
        "estudia",
        "estudios",
        "día de escuela",
        "días de escuela",
    ),
    "hopes": (
        "esperanza",
        "esperanzas",
        "espera",
        "espero",
        "esperan",
        "ojalá",
        "futuro",
        "próximo año",
        "el próximo año",
        "año que viene",
        "el año que viene",
        "sueño",
        "sueños",
        "sueña",
        "meta",
        "metas",
        "algún día",
        "desea",
        "desean",
        "deseo",
        "deseos",
    ),
    "home": (
        "casa",
        "hogar",
        "en casa",
        "mudanza",
        "mudarse",
        "mudaron",
        "se mudaron",
        "nos mudamos",
        "vivienda",
        "vive",
        "viven",
        "vivir",
        "viviendo",
        "renta",
        "alquiler",
        "departamento",
        "apartamento",
        "dueño",
    ),
    "contact": (
        "volvamos a conversar",
        "volvamos a hablar",
        "avisos",
        "llamar",
        "llamarle",
        "llamarla",
        "llamarlo",
        "llamada",
        "llamadas",
        "llama",
        "llaman",
        "llamamos",
        "llamaron",
        "llamó",
        "teléfono",
        "celular",
        "carta",
        "cartas",
        "mensaje",
        "mensajes",
        "mensaje de voz",
        "texto",
        "textos",
        "correo",
        "correos",
        "correo electrónico",
        "aviso",
        "avisos",
        "avisar",
        "comunicar",
        "comunicarse",
        "comunicarnos",
        "comunicación",
        "contacto",
        "en contacto",
        "whatsapp",
        "recado",
        "recados",
    ),
    "family": (
        "familia",
        "familias",
        "ustedes",
        "en casa",
        "hijos",
        "sus hijos",
        "los niños",
        "esposo",
        "esposa",
        "papá",
        "mamá",
        "abuela",
        "abuelo",
        "abuelos",
        "parientes",
    ),
}
"""Spanish keywords and phrases per topic, the same everyday ground as
:data:`TOPIC_KEYWORDS` (written for this project with a Spanish-speaking
caregiver in mind: harvest and shift work, the bus or *camión*, letters and
calls). Accents are optional when matching (see the module docstring)."""

TOPIC_EXCEPTIONS: Mapping[Topic, tuple[str, ...]] = {
    "mornings": ("good morning",),
    "transport": ("walk me through", "walk you through", "walking me through"),
    "home": ("stay in touch", "staying in touch", "home from school"),
    "hopes": ("wish the school", "wish our school", "wish the team", "wish we", "wish you"),
    "work": (
        "worked before",
        "has worked",
        "what's worked",
        "worked for",
        "i work in",
        "i work at",
        "i work with",
        "works for you",
        "work for you",
    ),
    "family": ("do you all", "did you all", "you all do", "you all usually", "you all doing for"),
    "teachers": ("i'm the counselor", "i'm a teacher", "i teach", "i'm the assistant principal"),
    "contact": (
        "i'm calling",
        "im calling",
        "i am calling",
        "calling from",
        "calling because",
        "calling about",
        "calling to",
        "calling just",
        "calling with",
        "thanks for calling",
        "my call",
        "taking my call",
        "calling me back",
        "wanted to call",
        "want to call",
        "why i called",
        "phone or tablet",
        "on a phone",
        "on her phone",
        "on his phone",
        "on their phone",
        "the phone, does it",
    ),
}
"""Phrases that contain a topic's keyword without being about that topic: they
are blanked out before that topic is matched ("Good morning!" is a greeting,
not a question about mornings; "stay in touch" is ``contact``, not ``home``)."""

TOPIC_EXCEPTIONS_ES: Mapping[Topic, tuple[str, ...]] = {
    "mornings": (
        "hasta mañana",
        "pasado mañana",
        "mañana en la tarde",
        "mañana por la tarde",
        "mañana en la noche",
    ),
    "hopes": ("tiene sueño", "tienen sueño", "mucho sueño", "con sueño"),
    "contact": ("me llamo", "se llama", "se llaman", "te llamas"),
}
"""Spanish exceptions, as :data:`TOPIC_EXCEPTIONS`: *mañana* alone can mean
"tomorrow" ("hasta mañana"), *sueño* "sleepiness" ("tiene sueño"), and *me
llamo* / *se llama* give a name, not a phone call."""

_LOWER = str.maketrans(
    {
        **{chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)},
        **dict(zip("ÁÉÍÓÚÑÜáéíóúñü", "aeiounuaeiounu", strict=True)),
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
    }
)
"""Lower case, accents folded (``Camión`` -> ``camion``), curly apostrophes
straightened; one character for one."""


def _keywords(topic: Topic) -> tuple[str, ...]:
    """English then Spanish keywords of ``topic``, folded by :data:`_LOWER`."""
    words = (*TOPIC_KEYWORDS[topic], *TOPIC_KEYWORDS_ES.get(topic, ()))
    return tuple(dict.fromkeys(w.translate(_LOWER) for w in words))


def _topics_in(phrase: str) -> list[Topic]:
    """Topics whose keywords occur in ``phrase`` as whole words (build-time only)."""
    return [
        t
        for t in TOPICS
        if any(re.search(r"\b" + re.escape(k) + r"\b", phrase) for k in _keywords(t))
    ]


def _keyword_topics() -> dict[str, tuple[Topic, ...]]:
    """Every keyword (folded, single spaces) -> the topics it belongs to.

    An exception phrase is its own entry, carrying every topic found inside it
    except the one it is an exception for, so matching it as a unit blanks out
    just that topic (e.g. "stay in touch" is contact, not home).
    """
    table: dict[str, list[Topic]] = {}
    for topic in TOPICS:
        for keyword in _keywords(topic):
            table.setdefault(keyword, []).append(topic)
    for exceptions in (TOPIC_EXCEPTIONS, TOPIC_EXCEPTIONS_ES):
        for topic, phrases in exceptions.items():
            for phrase in phrases:
                folded = phrase.translate(_LOWER)
                table[folded] = [t for t in _topics_in(folded) if t != topic]
    return {k: tuple(v) for k, v in table.items()}


_KEYWORD_TOPICS = _keyword_topics()
_TOKEN = re.compile(r"[a-z0-9]+")


def _phrase_index() -> dict[str, tuple[tuple[tuple[str, ...], tuple[Topic, ...]], ...]]:
    """First word -> the keywords starting with it, as word tuples, longest first."""
    index: dict[str, list[tuple[tuple[str, ...], tuple[Topic, ...]]]] = {}
    for keyword, topics in _KEYWORD_TOPICS.items():
        words = tuple(_TOKEN.findall(keyword))
        index.setdefault(words[0], []).append((words, topics))
    return {w: tuple(sorted(v, key=lambda e: -len(e[0]))) for w, v in index.items()}


# Matching is word by word: at each word the longest keyword starting there wins
# and its words are consumed, so a phrase beats a word inside it ("stay in touch"
# is contact, not home) and "homework" is never "home" or "work".
_PHRASES = _phrase_index()


_RANK: dict[Topic, int] = {t: i for i, t in enumerate(TOPICS)}


def detect_topics(text: str) -> list[Topic]:
    """Return the everyday topics a staff utterance touches.

    Args:
        text: one staff utterance (any casing, straight or curly apostrophes).

    Returns:
        Topics without duplicates, ordered by where each is first mentioned in
        the text (ties, i.e. one phrase in two topics, follow the order of
        :data:`bot.core.persona.TOPICS`). Empty when nothing matches. The same
        text always gives the same list.
    """
    first: dict[Topic, int] = {}
    words = _TOKEN.findall(text.translate(_LOWER))
    i, n = 0, len(words)
    while i < n:
        step = 1
        entries = _PHRASES.get(words[i])
        if entries is None:
            i += 1
            continue
        for phrase, topics in entries:
            k = len(phrase)
            if tuple(words[i : i + k]) == phrase:
                for topic in topics:
                    first.setdefault(topic, i)
                step = k
                break
        i += step
    if len(first) < 2:
        return list(first)
    return sorted(first, key=lambda t: (first[t], _RANK[t]))


# -- everyday subjects beyond the layer topics ---------------------------------

SUBJECT_PATTERNS: Mapping[Subject, tuple[str, ...]] = {
    "interests": (
        r"free time",
        r"for fun",
        r"\binto\b(?! (?:the|a) )",
        r"excited",
        r"\b(?:love|like|enjoy)s? to (?:do|play|draw|read|make|build|watch)\b",
        r"what (?:does|do) \w+ (?:love|enjoy|like)\b(?! (?:about|at) )",
        r"not at school",
        r"outside (?:of )?school",
        r"hobb(?:y|ies)",
        r"proud of",
        r"describe \w+",
        r"\blike (?:here |there )?at home",
        r"been up to",
        r"(?:an?|the|your) (?:good |typical |usual )?afternoons? (?:looks? like|like|at)",
        r"orgullos",
        r"\bgames?\b",
        r"\bshows?\b",
        r"\bsports?\b",
        r"\bclubs?\b",
        r"after[- ]school",
        r"after school",
        r"get into that",
        r"good at",
        r"le gusta hacer",
        r"tiempo libre",
        r"divert",
        r"pasatiempo",
    ),
    "weekends": (
        r"holidays?",
        r"\bsummer\b",
        r"vacation",
        r"do together",
        r"family time",
        r"vacaciones",
        r"weekends?",
        r"saturdays?",
        r"sundays?",
        r"fin(?:es)? de semana",
        r"domingos?",
    ),
    "neighborhood": (
        r"neighbou?rhood",
        r"\barea\b",
        r"where you live",
        r"community",
        r"how long have you been there",
        r"around your home",
        r"weather",
        r"around town",
        r"barrio",
        r"vecin",
    ),
    "sleep": (
        r"durmi",
        r"\bsue[ñn]o\b",
        r"\bsleep",
        r"bed ?time",
        r"\bbed\b",
        r"lights out",
        r"quiet at night",
        r"\bup late\b",
        r"how late",
        r"evenings?",
        r"at night",
        r"asleep",
        r"dormir",
        r"duerme",
        r"acuesta",
    ),
    "food": (
        r"\bfoods?\b",
        r"\beats?\b",
        r"\beating\b",
        r"\bmeals?\b",
        r"\beat\b",
        r"\bfood\b",
        r"breakfast",
        r"dinner",
        r"cooking",
        r"\blunch\b",
        r"pantry",
        r"comida",
        r"desayun",
        r"cena",
    ),
    "screens": (
        r"screens?",
        r"\bphone\b(?! (?:number|call))",
        r"tablet",
        r"video games?",
        r"\btv\b",
        r"online",
        r"pantalla",
        r"celular",
    ),
    "own_school": (
        r"when you were (?:growing up|a kid|young|in school|a student)",
        r"your own school",
        r"as a (?:kid|student)",
        r"were you like as a student",
        r"school (?:was )?like for you",
        r"school like for you",
        r"experience with school as a kid",
        r"favou?rite part of school",
        r"back in the day",
        r"cuando usted (?:era|iba)",
        r"cuando era niñ",
        r"cuando era nin",
        r"para usted cuando",
        r"did you like school",
        r"you were (?:little|young|his age|her age)",
        r"your own (?:favou?rite |best )?teachers?",
        r"your (?:favou?rite|best) teacher",
    ),
    "help": (
        r"better place",
        r"feel (?:better|useful)",
        r"make school feel",
        r"(?:what's|what has|what) worked",
        r"biggest difference",
        r"\bhelp(?:ed|s|ful)?\b",
        r"difference",
        r"\bsupport",
        r"what can (?:we|the school|i) do",
        r"make it easier",
        r"anything (?:we|i|the school) (?:can|could) do",
        r"would it help",
        r"keep in mind",
        r"ayud",
    ),
    "school_good": (
        r"does well",
        r"do well",
        r"get right",
        r"appreciate",
        r"(?:been|is) working",
        r"went well",
        r"goes well",
        r"felt good",
        r"good (?:school )?day(?!\s+looks? like for you)",
        r"better days",
        r"sali[oó] bien",
        r"school do(?:es)? (?:that|well|right)",
        r"like about (?:the |our )?school",
    ),
    "school_bad": (
        r"bugged you",
        r"gets? in the way",
        r"makes? (?:it|things) harder",
        r"get (?:it )?wrong",
        r"(?:frustrated|upset) you",
        r"badly",
        r"fall short",
        r"differently",
        r"change one thing",
        r"wish (?:the|our) school",
        r"school understood",
        r"(?:team|school) to (?:understand|know|do)",
        r"(?:team|school) (?:to )?understand",
        r"known before",
        r"le gustar[ií]a que la escuela",
        r"(?:tell|wish) (?:\w+'s |their |his |her |the )?teachers?",
        r"teachers? (?:to )?(?:understood|understand|knew|to know)",
        r"supieran los maestros",
        r"cambiar una (?:sola )?cosa",
    ),
    "absences": (
        r"miss(?:ed|es|ing)? (?:school|days?|a day|a lot)",
        r"missed",
        r"absen",
        r"stay(?:s|ed)? home",
        r"doesn't make it in",
        r"make it in",
        r"been out",
        r"days? (?:off|out)",
        r"attendance",
        r"no llega",
        r"falta",
    ),
    "self": (
        r"gets you through",
        r"keeps you going",
        r"how are you (?:doing|holding up|managing)",
        r"for you\b",
        r"your own health",
        r"you doing",
        r"hardest part",
        r"on your plate",
        r"taken out of you",
        r"worries you",
        r"how are you\b",
        r"\bmanaging\b",
        r"are you (?:okay|alright|all right|doing okay)",
        r"how about you",
        r"(?:good|typical|normal) day looks? like for you",
        r"how(?:'s| is| has| was) your (?:day|week|weekend|morning) (?:going|been|so far)",
        r"how(?:'s| is) your (?:day|week)\b",
        r"(?:alright|okay|all right) with you",
        r"for you,? health",
        r"para usted",
        r"c[oó]mo est[aá] usted",
    ),
}
"""Regular expressions (on folded, lower-case text) for the everyday subjects
that open no layer but need an answer (see :data:`bot.core.persona.SUBJECTS`).
The layer topics keep their keyword lists above; :func:`detect_subjects`
returns both kinds, in order of first mention."""

_SUBJECT_RES: dict[Subject, re.Pattern[str]] = {
    s: re.compile("|".join(f"(?:{p})" for p in pats)) for s, pats in SUBJECT_PATTERNS.items()
}

NEAR: Mapping[Subject, tuple[Topic, ...]] = {
    "mornings": ("transport", "siblings", "work"),
    "transport": ("mornings",),
    "health": ("school_feelings",),
    "work": ("mornings", "family"),
    "siblings": ("family", "home"),
    "teachers": ("school_feelings", "contact"),
    "friends": ("school_feelings",),
    "school_feelings": ("friends", "teachers"),
    "hopes": ("school_feelings", "family"),
    "home": ("family",),
    "contact": ("teachers",),
    "family": ("home", "siblings"),
    "interests": ("friends", "hopes"),
    "weekends": ("family", "work"),
    "neighborhood": ("home", "transport"),
    "sleep": ("mornings", "health", "home"),
    "food": ("mornings", "home"),
    "screens": ("mornings", "home"),
    "own_school": ("school_feelings", "contact"),
    "help": ("contact", "school_feelings", "family"),
    "school_good": ("teachers", "school_feelings", "contact"),
    "school_bad": ("contact", "teachers", "school_feelings"),
    "absences": ("mornings", "health", "school_feelings", "family"),
    "self": ("family", "work", "health"),
}
"""Layer topics that lie *near* each subject: a question about sleep is near a
layer about mornings, one about what the school does badly is near a layer
about contact. The engine lets a turn on or near a layer's topic open it, so
disclosure follows the conversation rather than a short keyword list."""


NARROW_SUBJECTS: frozenset[Subject] = frozenset(
    {
        "friends",
        "teachers",
        "siblings",
        "transport",
        "interests",
        "weekends",
        "neighborhood",
        "food",
        "screens",
        "own_school",
        "school_good",
    }
)
"""Subjects a question asks about so specifically that only a layer on the
very same topic answers it ("Who are Maya's closest friends?" is not answered
by the night she couldn't breathe, "What does the school do well?" not by the
letter that frightened her). Broad subjects (mornings, the family, the
missed days, the caregiver's own state, what would help, hopes) invite the
story and may open a layer on a near topic."""


INSIGHT_OFF_TOPIC: frozenset[Subject] = NARROW_SUBJECTS | {"self", "health", "sleep", "work"}
"""Subjects of a question the hidden insight never answers: the narrow ones
and the caregiver's own state, health, sleep and work ("How is your own health
these days?" is not answered with the story behind the absences)."""


def detect_subjects(text: str) -> list[Subject]:
    """Return every subject (layer topics and everyday subjects) a text touches.

    Subjects of the question sentences come first (in "I'm not calling with
    bad news. How has school been?" the question is about school), then the
    rest, each group in order of first mention.

    Args:
        text: a staff utterance or a caregiver reply.

    Returns:
        Subjects without duplicates.
    """
    sentences = [s for s in re.split(r"(?<=[.?!])\s+", text.strip()) if s]
    asked = [s for s in sentences if s.rstrip().endswith("?")]
    if asked and len(asked) < len(sentences):
        first = _subjects_in(" ".join(asked))
        rest = [s for s in _subjects_in(text) if s not in first]
        return [*first, *rest]
    return _subjects_in(text)


def _subjects_in(text: str) -> list[Subject]:
    low = text.translate(_LOWER)
    found: dict[Subject, int] = {}
    topics = detect_topics(text)
    for rank, topic in enumerate(topics):
        found[topic] = rank * 1000 - 100000
    # positions for the layer topics are approximated by their keyword order
    for subject, pattern in _SUBJECT_RES.items():
        hit = pattern.search(low)
        if hit is not None and subject not in found:
            found[subject] = hit.start()
    if topics:
        # place layer topics by the first position of any of their keywords
        for topic in topics:
            pos = _first_keyword_pos(topic, low)
            if pos is not None:
                found[topic] = pos
    if "own_school" in found:
        # "Did you like school as a kid?" is about the caregiver's own school days
        found.pop("school_feelings", None)
    if len(found) > 1:
        # "What would make it easier for you to be in touch?" is about keeping in
        # touch: helping and the caregiver's own state go after what they are about
        for subject in ("help", "self"):
            if subject in found:
                found[subject] += 1_000_000
    return sorted(found, key=lambda s: (found[s], s in TOPICS))


@functools.cache
def _keyword_re(topic: Topic) -> re.Pattern[str]:
    """One pattern for all of ``topic``'s keywords as whole words (its leftmost match is
    the earliest keyword)."""
    alternatives = "|".join(re.escape(k) for k in sorted(_keywords(topic), key=len, reverse=True))
    return re.compile(r"\b(?:" + alternatives + r")\b")


def _first_keyword_pos(topic: Topic, low: str) -> int | None:
    """Where the first of ``topic``'s keywords starts in ``low`` (folded), or None."""
    hit = _keyword_re(topic).search(low)
    return None if hit is None else hit.start()


def near_topics(subjects: list[Subject]) -> set[Topic]:
    """Layer topics on or near some subjects (the subjects' own topics included).

    Args:
        subjects: subjects of a turn.

    Returns:
        The set of layer topics a turn about ``subjects`` may open.
    """
    out: set[Topic] = set()
    for subject in subjects:
        if subject in TOPICS:
            out.add(subject)  # type: ignore[arg-type]
        out.update(NEAR.get(subject, ()))
    return out


Intent = Literal["yes_no", "who", "what", "when", "where", "how", "why", "none"]

_WH = (
    ("why", re.compile(r"\b(?:why|por ?qu[eé])\b")),
    ("who", re.compile(r"\b(?:whos?|whom|qui[eé]n(?:es)?)\b")),
    ("when", re.compile(r"\b(?:when|what time|cu[aá]ndo|a qu[eé] hora)\b")),
    ("where", re.compile(r"\b(?:wheres?|d[oó]nde)\b")),
    ("how", re.compile(r"\b(?:hows?|c[oó]mo)\b")),
    (
        "what",
        re.compile(
            r"\b(?:whats?|which|tell me|walk me through|say a bit|qu[eé]|cu[aá]l(?:es)?"
            r"|cu[eé]nteme)\b"
        ),
    ),
)
_YES_NO = re.compile(
    r"^(?:and |so |okay,? |ok,? |well,? |sure\.? |right\.? )*"
    r"(?:is|are|was|were|do|does|did|have|has|had|can|could|would|will|should|any)\b"
)


_ASKS_TO_TELL = re.compile(
    r"^(?:and |so |okay,? |ok,? |well,? )*(?:could|can|would|will) you (?:please )?"
    r"(?:tell|walk|say|describe|share|talk)|^(?:is|was) there anything\b|"
    r"^(?:and |so )?would you be willing to (?:tell|walk|say|describe|share|talk)"
)
"""A yes/no shape that asks for a story ("Could you walk me through…?",
"Is there anything else you'd like me to know?")."""
_WHEN_CLAUSE = re.compile(r"^(?:and |so )?(?:when|if) [^,]+, ")
"""A leading "When you say…, " or "When she comes home, " clause: the question follows it."""


_META_QUESTION = re.compile(
    r"^(?:\W*(?:so|ok|okay|and|well),?\s+)?(?:can|could|may|mind if) (?:we|i) "
    r"(?:back up|start over|go back|rewind|ask (?:you )?(?:something|a question|a few questions))\b"
)
"""A question about the talk itself ("Can we back up?", "Can I ask you
something?"); when another question follows, that one is what is asked."""


def question_intent(text: str) -> Intent:
    """Classify what kind of answer a staff utterance asks for.

    The first question sentence decides (a stacked question gets one part
    answered): a wh-word gives its intent, a sentence opening with an
    auxiliary verb is ``yes_no``, no question at all is ``none``.

    Args:
        text: a staff utterance.

    Returns:
        One :data:`Intent`.
    """
    low = text.translate(_LOWER)
    sentences = [s.strip() for s in re.split(r"(?<=[.?!])\s+", low) if s.strip()]
    questions = [s for s in sentences if s.endswith("?")]
    if not questions:
        imperative = re.search(r"\b(?:tell me|walk me through|say a bit|cu[eé]nteme)\b", low)
        return "what" if imperative else "none"
    if len(questions) > 1 and _META_QUESTION.match(questions[0].lstrip("\u00bf")):
        questions = questions[1:]  # "Can we back up? What's been happening?" asks the second
    first = questions[0].lstrip("\u00bf")
    if _ASKS_TO_TELL.search(first):
        return "what"
    if _YES_NO.match(first):
        return "yes_no"
    clause = _WHEN_CLAUSE.match(first)
    if clause is not None and any(p.search(first[clause.end() :]) for _, p in _WH):
        first = first[clause.end() :]
    best: tuple[int, Intent] | None = None
    for intent, pattern in _WH:
        hit = pattern.search(first)
        if hit is not None and (best is None or hit.start() < best[0]):
            best = (hit.start(), intent)  # type: ignore[assignment]
    return best[1] if best is not None else "yes_no"


NOT_FACTS: frozenset[str] = frozenset(
    re.findall(
        r"\S+",
        """
    hope hopes hoping wish wishes dream dreams future goal goals someday learn learning
    stay staying live lives living desea desean deseo deseos esperanza esperanzas espero
    espera esperan ojala futuro meta metas sueno suenos suena aprende aprender aprendiendo
    ustedes mama papa mr mrs ms
    """,
    )
)
"""Topic keywords that are hopes, wishes or fillers rather than facts of the
family's life ("It sounds like you hope she..." names nothing unsaid; "suena"
is "it sounds", and "mamá" / "papá" are how a reflection addresses people)."""

LIFE_FACTS: frozenset[str] = frozenset(
    re.findall(
        r"\S+",
        """
    court courts judge petition fine fines police lawyer custody divorce divorced eviction
    evicted deported deportation jail prison funeral died death pregnant pregnancy surgery
    diagnosis husband wife boyfriend girlfriend partner mother father grandmother grandfather
    grandma grandpa aunt uncle cousin stepdad stepmom daughter son money bills paycheck loan
    debt truck shelter motel neighbor neighbors church
    juzgado juez corte tribunal multa multas policia abogado custodia divorcio desalojo
    deportado deportacion carcel funeral embarazada cirugia marido novio novia suegra abuela
    abuelo tia tio primo padrastro madrastra dinero deuda cuentas prestamo refugio vecino
    vecinos iglesia
    """,
    )
)
"""Facts of a family's life that no topic keyword covers (the court, a
divorce, a husband, money), English and Spanish, folded."""

FACT_WORDS: frozenset[str] = (
    frozenset(
        k for k, topics in _KEYWORD_TOPICS.items() if topics and " " not in k and "'" not in k
    )
    | LIFE_FACTS
) - NOT_FACTS
"""Single-word topic keywords (folded), English and Spanish, that name a
concrete fact of a family's life: letters, rent, the bus, a night shift, the
landlord, *cartas*, *renta*. A reflection that names one the caregiver never
said puts words in their mouth (issue 9, item 3)."""


def is_fact_word(word: str) -> bool:
    """Tell whether one word (any casing or accents) names a concrete fact (:data:`FACT_WORDS`)."""
    return word.translate(_LOWER).strip("'") in FACT_WORDS
