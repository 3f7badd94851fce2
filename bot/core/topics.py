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

import re
from collections.abc import Mapping

from bot.core.persona import TOPICS, Topic

TOPIC_KEYWORDS: Mapping[Topic, tuple[str, ...]] = {
    "mornings": (
        "morning",
        "mornings",
        "wake",
        "wakes",
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
        "mr",
        "mrs",
        "ms",
    ),
    "friends": (
        "friend",
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
        "contact",
        "text",
        "texts",
        "email",
        "message",
        "messages",
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
    "home": ("stay in touch", "staying in touch"),
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
