"""Address rules: house number + street + suffix (+ unit, city, state, ZIP), in any case,
numbered roads, PO boxes, rural routes, housing complexes, units, intersections, partial
addresses after "at 88 Ridge", and Spanish addresses ("Calle Roble 45", "Avenida Juárez #1200
int. 4").

These are careful patterns; each needs a house number, a street suffix, a unit word or a cue
word, so that times, room and bus numbers, grades and counts stay. What they cannot shape
(a lower-case street with no suffix, a town after the street) ``bot.privacy.street_parser``
asks datamade's ``usaddress`` parser about, after a housing word only. Issue 10 added
numbered roads with no house number ("out on County Rd 12", "off hwy 64"), a named place
and a unit ("the Pines, unit 3-B", "Los Arcos #14"), a unit and a complex ("lot 22
sunnyvale mhp", "lot 114 Shady Acres"), Spanish streets with a lettered number or "norte"
("88-B Calle Palma", "415 calle 5 norte #B") and a town before a ZIP after a comma.
"""

from __future__ import annotations

from bot.privacy.words import _INSTITUTION_WORDS

_DIR = r"(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West|Northeast|Northwest|Southeast|Southwest)\.?"
_DIR_ANY = (
    r"(?i:n|s|e|w|ne|nw|se|sw|north|south|east|west|northeast|northwest|southeast|southwest)\.?"
)
_ORDINAL = r"\d{1,3}(?:st|nd|rd|th|ST|ND|RD|TH|\.?ª|\.?º)"
_STREET_WORD = rf"(?:\p{{Lu}}[\p{{Ll}}'’.-]*|\p{{Lu}}{{2,}}|{_ORDINAL})"
"""A street-name word: capitalised ("Summitview", "O'Neil"), in capitals ("MAIN") or an
ordinal ("3rd")."""
_SUFFIX_WORDS = (
    "street|st|avenue|ave|av|road|rd|drive|dr|lane|ln|boulevard|blvd|way|court|ct|place|pl|"
    "circle|cir|terrace|ter|highway|hwy|parkway|pkwy|loop|trail|trl|pike|alley|aly|row|square|"
    "sq|crescent|cres|point|pt|crossing|xing|bend|hollow|heights|hts|path|walk|plaza|plz|pass|"
    "glen|grove|cove|manor|expressway|expy|freeway|fwy|spur|crest|ridge|run|view|vista|mews|"
    "close|gardens|gdns|concourse|esplanade|promenade|turnpike|tpke|causeway|commons"
)
_SUFFIX = rf"(?i:{_SUFFIX_WORDS})\b\.?"
_SUFFIX_LOWER = (
    r"(?:st|ave|av|rd|dr|ln|blvd|ct|pl|cir|hwy|pkwy|street|avenue|road|boulevard|lane)\b\.?"
)
"""Suffixes after lower-case street words: abbreviations and the unambiguous words only (not
"drive", "way", "row", "court": "a 20 minute drive", "two days in a row")."""
_UNIT_WORD = (
    r"(?i:apto|apt|apartment|unit|suite|ste|lote|lot|space|spc|trailer|trlr|room|rm|bldg|building|"
    r"floor|fl|interior|int|depto|dpto|departamento|depa|casa|n[úu]mero|rfd|cuarto|"
    r"habitaci[oó]n|tr[aá]iler|traila)"
)
_UNIT_VALUE = (
    r"(?:[A-Za-z]?-?\d+(?:-?[A-Za-z])?|[A-Za-z]-?\d+|\d(?:st|nd|rd|th)\s+(?i:fl|floor)"
    r"|[A-Za-z](?![\w]|['’]\w))"
)
_UNIT = (
    rf"(?:,?\s*(?:{_UNIT_WORD}\.?\s*#?\s*|#\s*){_UNIT_VALUE}\b"
    r"|,?\s*\d(?:st|nd|rd|th)\s+(?i:fl|floor)\b)"
)
_NOT_CITY = (
    r"(?!(?:Mom|Dad|She|He|They|We|I|It|The|Then|But|And|So|Ms|Mr|Mrs|Dr|Grandma|Grandpa|"
    r"Called|Met|Will|Next|Last|Please|Note|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
    r"Sunday)\b)"
)
_CITY_WORDS = rf"{_NOT_CITY}(?:St\.?\s)?\p{{Lu}}\p{{Ll}}+(?:\s\p{{Lu}}\p{{Ll}}+){{0,2}}"
_NOT_PRONOUN = r"(?!(?:He|She|They|We|It|You|I|Mom|Dad|Then|There)(?:['’]\p{L}+)?(?![\p{L}'’]))"
"""Not a word that starts a new sentence after a street abbreviation ("St. He'll", "Ave.
They")."""
_ZIP = r"\d{5}(?:-\d{4})?\b"
_CITY = (
    rf"(?:(?:,\s*|\s+){_CITY_WORDS}(?:,\s*|\s+)(?:[A-Z]{{2}}|Washington|Oregon|Idaho)\b"
    rf"(?:\s+{_ZIP})?"
    rf"|,?\s+(?:[A-Z]{{2}}\s+)?{_ZIP}"
    rf"|(?:,\s*|\s+){_CITY_WORDS},?\s+{_ZIP}"
    rf"|,\s*{_CITY_WORDS}(?=\s*(?:$|[.;:)!?\n(]|—|–|\s-\s))"
    rf"|,?\s+(?i:zip(?:\s*code)?)\s*:?\s*{_ZIP}"
    rf"|,\s*[a-z]{{3,}}(?:\s[a-z]{{3,}})?,?\s+(?i:[a-z]{{2}})\s+{_ZIP})?"
)
"""After a street: ", Yakima, WA 98902", " St. Louis MO 63103", " 98902", ", zip 39503", or a
bare town at the end of a clause (", Union Gap.")."""
_COLONIA = (
    r"(?:,?\s*(?i:col\.?|colonia|fracc\.?|fraccionamiento|barrio|ejido)\s+"
    r"\p{Lu}[\p{L}'’]+(?:\s+(?:(?i:de|del|la|las|los)\s+)?\p{Lu}[\p{L}'’]+){0,2})?"
)
"""After a Mexican street: the neighborhood (", Col. Centro", " colonia Las Flores")."""
_STOP = (
    r"(?:the|a|an|to|in|on|of|at|and|or|for|with|from|by|my|his|her|their|our|your|this|that|"
    r"was|is|are|were|has|had|days?|times?|minutes?|mins?|hours?|hrs?|weeks?|months?|years?|"
    r"kids?|more|down|up|other|miles?|blocks?|per|every|each|about|after|before|until|last|"
    r"next|than|then|so|but|if|he|she|they|we|it|mom|dad)"
)
_NOT_STREET = (
    r"(?:AM|PM|Am|Pm|A\.M|P\.M|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"Mondays|Tuesdays|Wednesdays|Thursdays|Fridays|January|February|March|April|May|June|July|"
    r"August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|"
    r"Dec|Room|Rm|Grade|Period|Bus|Route|Mom|Dad|The|She|He|They|We|It|Then|And|But|So|Ms|Mr|"
    rf"Mrs|Dr|Miss|Days|Weeks|Minutes|Hours|Kids|Students|{_INSTITUTION_WORDS})"
)
_AFTER_PARTIAL = (
    r"(?:for|with|since|now|and|but|in|on|near|by|until|till|til|from|to|so|because|where|"
    r"which|that|is|was|are|were|then|after|before|when|while|w/|right|too|again|today|still)"
)
"""Words that may follow a partial address ("at 88 Ridge for now"); a number and a
capitalised word followed by anything else ("at 2 Rivers park", "12 Mile farm") stay."""
_HOUSING_CUE = (
    r"(?i:home|house|live|lives|lived|living|stay|stays|stayed|staying|moved|move|address|addr|"
    r"apartment|apartments|building|complex|trailer|park|shelter|motel|hotel|duplex|mobile)"
)

_COMPLEX = (
    r"(?i:apartments|apts|mobile\s+home\s+park|trailer\s+park|rv\s+park|mobile\s+estates|estates|"
    r"motel|townhomes|trailer\s+court|mhp|acres|villas|condos|lofts|towers)"
)
"""Words that name a housing complex ("Cedar Hills apts", "Shady Oaks mobile home park")."""

ADDRESS_RULES: list[tuple[str, str, float]] = [
    (
        "house_number_street",
        # (no pronoun starting the next sentence: "310 N Church St. He'll drive")
        rf"\b\d{{1,6}}(?:-?[A-Z]|\s1/2|½)?\s+(?:{_DIR}\s+)?(?:{_NOT_PRONOUN}{_STREET_WORD}\s+){{1,4}}"
        rf"{_SUFFIX}(?:\s+{_DIR}(?!\w))?(?:{_UNIT}){{0,2}}{_CITY}",
        0.7,
    ),
    (
        "house_number_street_lower_case",
        rf"\b\d{{1,6}}\s+(?:{_DIR_ANY}\s+)?(?:(?!{_STOP}\b)(?:[a-z][a-z'’-]*|{_ORDINAL})\s+){{1,3}}"
        rf"{_SUFFIX_LOWER}(?:\s+{_DIR_ANY}(?!\w))?{_UNIT}?{_CITY}",
        0.6,
    ),
    (
        "house_number_numbered_road",
        rf"\b\d{{1,6}}\s+(?:{_DIR}\s+)?(?:(?i:old)\s+)?(?:(?i:state\s+route|state\s+highway|"
        rf"county\s+road|county\s+rd|county\s+hwy)|(?i:co\.?\s+rd|cr|fm|highway|hwy|route|rte|rt|"
        rf"road|rd|sr|us))\s*-?\s*"
        rf"\d{{1,4}}[A-Z]?\b"
        rf"(?:\s+{_DIR}(?!\w))?{_UNIT}?{_CITY}",
        0.7,
    ),
    (
        "house_number_after_cue",
        # "at 88 Ridge", "address is 1209 Summitview": a number and one or two capitalised
        # words after a place word, when nothing says it is a time, a day or a room; after a
        # bare "at" / "on" the number is over 12 ("at 4 Starbucks" is a time)
        rf"(?:(?<=\b(?i:address(?:\s+is)?|addr\.?|moved\s+to|(?:lives?|living|staying)\s+at)"
        rf"\s*:?\s+)|(?<=\b(?i:at|on)\s+)(?!(?:[1-9]|1[0-2])\b))"
        rf"\d{{1,6}}\s+(?:{_DIR}\s+)?(?!{_NOT_STREET}\b)\p{{Lu}}\p{{Ll}}{{2,}}"
        rf"(?:\s+(?!{_NOT_STREET}\b)\p{{Lu}}\p{{Ll}}{{2,}})?(?![\w'’-])(?=\s*(?:$|[,.;:!?)(\n—–-])"
        rf"|\s+{_AFTER_PARTIAL}\b)",
        0.45,
    ),
    (
        "lower_case_partial_after_address_word",
        # "address is 1420 carter", "lives at 88 ridge for now"
        r"(?<=\b(?i:address(?:\s+is)?|addr\.?|moved\s+to|(?:lives?|living|staying)\s+at)"
        rf"\s*:?\s+)\d{{2,6}}\s+(?:{_DIR_ANY}\s+)?(?:(?!{_STOP}\b)(?![a-z]*s\b)[a-z]{{3,}}\s+)?"
        rf"(?!{_STOP}\b)(?![a-z]*s\b)[a-z]{{3,}}(?![\w'’-])"
        rf"(?=\s*(?:$|[,.;:!?)(\n—–-])|\s+{_AFTER_PARTIAL}\b)",
        0.45,
    ),
    (
        "po_box",
        rf"\b(?i:p\.?\s?o\.?\s*box|post office box|apartado postal)\s*#?\s*\d+\b{_CITY}",
        0.7,
    ),
    (
        "rural_route",
        # "Rural Route 3 box 22A", "Rt 4 Box 219", "HC 61 Box 1180", "HCR 2 Box 45A",
        # "Ruta Rural 1 Caja 340"
        r"\b(?i:rural\s+route|rr|route|rte|rt|hc|hcr|star\s+route|ruta\s+rural)\s*#?\s*\d+,?\s*"
        r"(?i:box|caja)\s*#?\s*\d+(?:-?[A-Za-z])?\b(?:,\s*(?:\p{Lu}\p{Ll}+\s+){1,2}"
        rf"{_SUFFIX})?",
        0.7,
    ),
    (
        "zip_after_zip_word",
        r"(?<=\b(?i:zip(?:\s*code)?|c[óo]digo\s+postal)\s*(?:(?i:is|es|was)\s+)?:?\s*)"
        r"\d{5}(?:-\d{4})?\b",
        0.6,
    ),
    (
        "house_number_direction_street",
        # "on 1420 e washington", "701 N Vine", "1918 e 22nd": a direction makes it a street
        rf"\b\d{{2,6}}\s+{_DIR_ANY}\s+(?!{_STOP}\b)(?:\p{{L}}[\p{{L}}'’]{{2,}}|{_ORDINAL})\b"
        rf"(?:\s+{_SUFFIX})?{_UNIT}?",
        0.55,
    ),
    (
        "house_number_street_with_unit",
        # "5901 Lamar #220 Austin 78752", "1503 Magnolia, Apt C", "5005 Pecan, número 5":
        # no suffix, but a unit says it is a home
        rf"\b\d{{2,6}}\s+(?:{_DIR}\s+)?(?:(?!{_NOT_STREET}\b){_STREET_WORD}\s+){{0,2}}"
        rf"(?!{_NOT_STREET}\b){_STREET_WORD}(?:{_UNIT}|(?=,?\s+(?i:zip)\b)){_CITY}",
        0.6,
    ),
    (
        "house_number_avenue_letter",
        r"\b\d{1,6}\s+(?i:ave|avenue|street|st|calle)\.?\s+[A-Z]\b(?![\w]|['’]\w)",
        0.6,
    ),
    (
        "partial_lower_case_after_at",
        # "doubled up w/ cousins at 5512 oakcrest, the brick one"
        rf"(?<=\b(?i:at|on)\s+)\d{{3,6}}\s+(?!{_STOP}\b)(?!{_NOT_STREET}\b)"
        r"(?![a-z]*s\b)[a-z]{4,}(?=\s*[,.;]|\s+(?:by|near|across|next|behind|the)\b)",
        0.45,
    ),
    (
        "spanish_street",
        # "Calle Roble 45", "calle 5 de Mayo #23", "Avenida Juárez #1200 int. 4", "Calle 8
        # #45-12, barrio San José"
        # (a dot only after an abbreviation: "su calle. vive en 1203 …" is two sentences)
        r"\b(?:(?i:calle|avenida|privada|callej[oó]n|camino|carretera|andador|cerrada|"
        r"bulevar|prolongaci[oó]n|calzada)|(?i:avda|av|prol|calz)\.?)\s+"
        rf"(?:(?!{_STOP}\b)[\p{{L}}\d][\p{{L}}\d'’.]*\s+){{0,4}}#?\s*\d{{1,5}}[A-Za-z]?\b"
        rf"(?:-\d{{1,4}}\b)?{_UNIT}?{_COLONIA}",
        0.6,
    ),
    (
        "house_number_spanish_street",
        # "901 Calle Juárez #3", "2210 Calle Sol Apt 5", "en 45 avenida Hidalgo"
        r"\b\d{1,6}(?:-?[A-Za-z])?\s+(?i:calle|avenida|avda|privada|callej[oó]n|camino|carretera|"
        r"cerrada|bulevar|calzada)\.?\s+"
        rf"(?!{_STOP}\b)[\p{{L}}\d][\p{{L}}\d'’]*(?:\s+(?!{_STOP}\b)(?!{_UNIT_WORD}\b)"
        rf"(?:\p{{Lu}}[\p{{L}}'’]*|(?i:norte|sur|oriente|poniente|este|oeste|ote|pte)\b)){{0,2}}"
        rf"(?:\s*#\s*(?:\d{{1,5}}[A-Za-z]?|[A-Za-z])\b)?{_UNIT}?{_COLONIA}",
        0.6,
    ),
    (
        # "Dirección nueva: 2906 Avenida Las Flores, San Ysidro.": after an address word the
        # town written with a Spanish street is part of the address as given ("viven en 88-B
        # Calle Palma, Coachella" keeps the town)
        "spanish_street_and_town_after_address_word",
        r"\b(?i:direcci[oó]n|domicilio|address|addr)\b[^.!?\n\d]{0,24}?(?P<v>"
        r"(?:\d{1,6}(?:-?[A-Za-z])?\s+)?(?i:calle|avenida|avda|av|privada|callej[oó]n|camino|"
        r"carretera|cerrada|bulevar|calzada)\.?\s+"
        rf"(?:(?!{_STOP}\b)[\p{{L}}\d][\p{{L}}\d'’.]*\s*){{1,4}}?(?:#\s*\d{{1,5}}[A-Za-z]?\b)?"
        rf"{_UNIT}?{_COLONIA},\s*{_CITY_WORDS})(?=\s*(?:$|[.;:)!?\n(]|—|–|\s-\s))",
        0.6,
    ),
    (
        "housing_complex",
        r"\b(?:\p{Lu}[\p{Ll}'’]+\s+(?:(?:del|de\s+la|de|of\s+the|of)\s+)?){1,3}"
        r"(?i:apartments|apts|mobile\s+home\s+park|trailer\s+park|rv\s+park|mobile\s+estates|"
        rf"estates|townhomes|trailer\s+court|motel|inn|mhp|acres|villas|condos|lofts|towers)\b"
        rf"(?:{_UNIT}){{0,2}}",
        0.5,
    ),
    (
        "unit_at_complex",
        # "lot 37 at Shady Oaks mobile home park", "4B at Cedar Hills apts", "trailer 14 at
        # Whispering Pines": a unit word and "at" a name, or a number "at" a named complex
        r"\b(?:(?i:apt|apartment|unit|lot|space|trailer|rm|room)\.?\s*#?\s*[A-Za-z]?\d+[A-Za-z]?"
        r"\s+at\s+(?:the\s+)?(?:\p{Lu}[\p{Ll}'’]+\s*){1,3}"
        rf"(?:{_COMPLEX}\b)?"
        r"|[A-Za-z]?\d+[A-Za-z]?\s+(?:at|in|en)\s+(?:the\s+)?(?:\p{Lu}[\p{Ll}'’]+\s+){1,3}"
        rf"{_COMPLEX}\b)",
        0.4,
    ),
    (
        "unit_alone",
        r"\b(?:Apt|Apartment|Lot|Space|Trailer|apt|apartment|trailer|bldg|Bldg)\.?\s*#?\s*"
        r"[A-Za-z]?-?\d+(?:-?[A-Za-z])?\b",
        0.45,
    ),
    (
        "unit_after_housing_word",
        # "home is unit 4", "a trailer, space 9", "the park off the highway, lot 14"
        rf"\b{_HOUSING_CUE}\b[^.!?;\n]{{0,40}}?(?<!\ba\s)"
        r"\b(?P<v>(?i:unit|lot|space|spc|trailer|apt)\.?\s*#?\s*[A-Za-z]?\d+[A-Za-z]?\b)",
        0.45,
    ),
    (
        "named_street",
        r"(?<=\b(?i:on|off|at|near|along|down|up|past|by|to|of|from)\s+(?:the\s+)?)"
        rf"(?:(?:N|S|E|W|North|South|East|West)\.?\s+)?(?:(?:\p{{Lu}}[\p{{Ll}}'’]+|{_ORDINAL})\s+)"
        r"{1,3}(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Boulevard|Blvd|Way|Court|Ct|Highway|"
        r"Hwy|Loop|Trail|Pike|Drive|street|st|avenue|ave|road|rd|ln|blvd|hwy)\b\.?",
        0.45,
    ),
    (
        "intersection_of_two_streets",
        # "16th Ave and Nob Hill Blvd", "Fruitvale Blvd & N 40th Ave"
        rf"\b(?:{_DIR}\s+)?(?:{_STREET_WORD}\s+){{1,3}}?{_SUFFIX}\s+(?:and|&|at|/)\s+"
        rf"(?:{_DIR}\s+)?(?:{_STREET_WORD}\s+){{1,3}}?{_SUFFIX}",
        0.5,
    ),
    (
        "town_state_zip",
        # "Yakima, WA 98902", "Toppenish, Washington 98948" without a street
        # (not "Kid ID 60213": a bare "ID" after a space is an ID word, not Idaho)
        rf"\b{_CITY_WORDS}(?:,\s*|\s+(?!ID\b))(?:[A-Z]{{2}}|Washington|Oregon|Idaho)\s+{_ZIP}",
        0.5,
    ),
    (
        "common_street_name_alone",
        r"(?<=\b(?i:on|off|down|along|near|past)\s+)(?:Main|Broadway|Front|Market|Elm|Oak|"
        r"Pine|Maple|Cedar|Walnut|Chestnut|Railroad|Commercial)\b(?![ \t]+\p{Lu})",
        0.4,
    ),
    (
        "corner_of_two_streets",
        # "MLK and 22nd", "14th & Poplar", "Elm & 4th", "Rosa Parks and 12th", "Chestnut off 9th"
        rf"\b(?:(?:(?!{_NOT_STREET}\b)\p{{Lu}}[\p{{L}}'’]+\s+)?(?!{_NOT_STREET}\b)"
        rf"\p{{Lu}}[\p{{L}}'’]+\s+(?:and|&|off|y)\s+{_ORDINAL}(?:\s+{_SUFFIX})?"
        rf"|{_ORDINAL}(?:\s+{_SUFFIX})?\s+(?:and|&|off|y)\s+(?!{_NOT_STREET}\b)\p{{Lu}}\p{{Ll}}+)"
        r"(?![\w]|['’]\w)",
        0.45,
    ),
    (
        "intersection_with_numbered_street",
        r"(?<=\b(?i:on|off|at|near|of)\s+)(?:\d{1,3}(?:st|nd|rd|th)\s+(?:and|&)\s+"
        r"\p{Lu}\p{Ll}+|\p{Lu}\p{Ll}+\s+(?:and|&)\s+\d{1,3}(?:st|nd|rd|th))\b",
        0.45,
    ),
]
ADDRESS_RULES += [
    (
        "corner_of_two_streets_after_corner_word",
        # "the corner of Main and Pine", "corner of 5th & walnut", "esquina de Juárez y Morelos"
        r"(?<=\b(?i:corner\s+of|corners\s+of|esquina\s+de|esq\.?\s+de)\s+(?:the\s+)?)"
        rf"(?:(?!{_STOP}\b)(?:\p{{L}}[\p{{L}}'’.-]*|{_ORDINAL})\s+){{0,2}}?"
        rf"(?!{_STOP}\b)(?:\p{{L}}[\p{{L}}'’.-]*|{_ORDINAL})"
        r"\s+(?i:and|&|y|/|at)\s+"
        rf"(?:(?!{_STOP}\b)(?:\p{{L}}[\p{{L}}'’-]*|{_ORDINAL})\s+){{0,2}}?"
        rf"(?!{_STOP}\b)(?:\p{{L}}[\p{{L}}'’-]*|{_ORDINAL})(?:\s+{_SUFFIX})?(?![\w]|['’]\w)",
        0.5,
    ),
    (
        "box_then_rural_route",
        # "Box 22, Rt 3", "box 418 HC 61", "Caja 340, Ruta Rural 1"
        r"\b(?i:box|caja)\s*#?\s*\d+(?:-?[A-Za-z])?,?\s*(?i:rural\s+route|rr|route|rte|rt|hc|hcr|"
        r"star\s+route|ruta\s+rural)\s*#?\s*\d+\b",
        0.6,
    ),
    (
        "numbered_road_after_place_word",
        # "lives out on County Rd 12", "off hwy 64", "on County Hwy K", "along SR 20"
        r"(?<=\b(?i:on|off|along|past|at|lives|live|living|staying|en|por)\s+(?:the\s+)?)"
        r"(?:(?i:old)\s+)?(?:(?:State|state)\s+(?:Route|Highway|route|highway|hwy|rd)"
        r"|(?i:county)\s+(?i:road|rd|hwy|highway|line)|(?i:co\.?\s+rd|co\.?\s+hwy|fm|hwy|highway|sr|"
        r"us|cr|carretera))\s*-?\s*(?:\d{1,4}[A-Za-z]?|[A-Z]{1,2})\b"
        rf"(?:\s+{_DIR}(?!\w))?{_UNIT}?",
        0.45,
    ),
    (
        "named_place_then_unit",
        # "live at the Pines, unit 3-B", "staying at Maple Court apt 6", "en Villa Hermosa, casa 4"
        r"(?<=\b(?i:at|in|en)\s+)(?:(?i:the)\s+)?"
        rf"(?:(?!{_NOT_STREET}\b)\p{{Lu}}[\p{{Ll}}'’]+\s+){{0,2}}(?!{_NOT_STREET}\b)\p{{Lu}}[\p{{Ll}}'’]+"
        r",?\s+(?i:unit|apt|apartment|lot|space|spc|trailer|rm|room|casa|depto|lote)\.?\s*#?\s*"
        r"[A-Za-z]?-?\d+(?:-?[A-Za-z])?\b",
        0.45,
    ),
    (
        "named_place_then_number_after_home_word",
        # "viven en Los Arcos #14", "staying at Cedar Court #12"
        r"(?<=\b(?i:viven|vive|vivimos|vivía|live|lives|living|stay|stays|staying|moved|mudaron)"
        r"\s+(?i:en|at|in|to|a)\s+(?:(?i:the)\s+)?)"
        rf"(?:(?!{_NOT_STREET}\b)\p{{Lu}}[\p{{Ll}}'’]+\s+){{0,2}}(?!{_NOT_STREET}\b)\p{{Lu}}[\p{{Ll}}'’]+"
        r"\s*#\s*\d{1,5}[A-Za-z]?\b",
        0.45,
    ),
    (
        "unit_then_complex",
        # "lot 22 sunnyvale mhp", "lot 114 Shady Acres", "space 9 Green Valley rv park"
        r"\b(?i:lot|space|spc|trailer|unit|apt|lote)\.?\s*#?\s*[A-Za-z]?\d+[A-Za-z]?\s+(?:(?i:at|in|en)\s+)?"
        rf"(?:(?i:the)\s+)?(?:(?!{_STOP}\b)[\p{{L}}'’]+\s+){{1,3}}{_COMPLEX}\b",
        0.45,
    ),
]
"""ADDRESS rules: (rule name, regex, score)."""

ADDRESS_RULES += [
    (
        # "Bldg 4 apt 12", "bldg C apt 304", "building 7, unit 2B", "edificio B depto 3": a
        # building of a complex and the flat in it
        "building_and_unit",
        r"\b(?i:bldg|building|edificio|edif)\.?\s*#?\s*[A-Za-z0-9]{1,3}\b,?\s*"
        r"(?i:apt|apartment|unit|depto|departamento|#)\.?\s*#?\s*[A-Za-z0-9]{1,5}\b",
        0.6,
    ),
    (
        # "Motel 6 room 214", "the Super 8, rm 12", "hotel on 5th room 310": a room of a motel
        # or hotel the family stays in (issue 10, pii8: "Motel 8 on Sprague, room 17")
        "motel_room",
        r"\b(?i:motel|hotel|inn|lodge)\s+(?:\d{1,3}\s*,?\s*)?"
        # "Motel 8 on Sprague, room 17", "el Motel 6 de la 99, cuarto 231": the road it is on
        r"(?:(?i:on|off|by|de\s+la|de|en|por)\s+(?:\p{Lu}[\p{Ll}'’]+|\d{1,3}(?:st|nd|rd|th)?)"
        r"(?:\s+(?i:st|ave|rd|blvd|hwy|street|avenue|road|highway))?\.?\s*,?\s*)?"
        r"(?i:room|rm|cuarto|habitaci[oó]n)\.?\s*#?\s*\d{1,4}\b",
        0.6,
    ),
]
