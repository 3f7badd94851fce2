"""Word lists the name rules use: titles, family words, names that are ordinary words, places."""

from __future__ import annotations

# --- word lists -----------------------------------------------------------------------------

NOT_NAMES: frozenset[str] = frozenset(
    """
    Will May Can June April August January March Spring Summer Winter Autumn Fall Easter Christmas
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday Noel Holiday
    Add Ah Art Math Reading Science Music Gym Lunch Recess Class School Bus Job Judge Lawyer
    Doctor Doc Friend Sister Son Baby Boy Girl General Colonel Major Minor Marshal Champ Chance
    Charity Patience Reason Harmony Essence Echo Guy Rich Young Little Long Worth North West
    South East Press Page Park Price Rice Rock Stone Link Lone Tiny Skip Sing Tea Tab Cash Cap
    Carry Candy Kitty Fairy Handy Early Ever Else Less Hence Unknown Unnamed Unique True Red
    Pink Orange Green Gray Grey Silver Golden Blue Brown White Black Royal Media Meta Metro
    Alpha Delta Lemma Theta Zeta Colon Era Ether Versa Faith Grace Hope Joy Ivy Holly Sunny
    Dusty Sandy Destiny Heaven Precious King Queen Prince Princess Sincere Story River Storm
    Honey Ginger Pepper Sugar Angel Dawn Amber Crystal Diamond Pearl Ruby Jewel Ivory Violet
    Daisy Iris Poppy Hazel Willow Fern Heather Olive Rose Lily Jade Sage Love Lucky Justice
    Miracle Mercy Memory Marvel Bliss Birdie Buddy Bud Sonny Doll Bean Christian Hunter Chase
    Mason Walker Junior Ball Banks Barber Bass Beard Beer Bell Berry Best Bird Bishop Block Bond
    Booth Branch Bright Buck Bush Butler Cannon Carpenter Case Chambers Cherry Church Clay Cook
    Cross Day Dean Duke English French German Fields Fisher Flowers Ford Fox Frank Frost Gamble
    Gates Gay Glass Good Grant Graves Gross Hall Hand Hardy Hart Hill Hills Holder Hood Horn
    House Hunt Key Kidd Lamb Lane Mann Marks Marsh Meadows Miles Mills Moon Moss Noble Pace
    Peck Pope Porter Potter Powers Pratt Rivers Rush Savage Sharp Short Small Snow Sparks
    Spears Stark Strong Summers Swift Tanner Toy Wall Walls Ward Ware Waters Watts Weeks Wells
    Wise Wolf Wood Woods Mom Dad Mama Nana Papa Tia Sis Bunny Cookie Coco Teacher Principal
    Counselor Nurse Office Coach Aunt Uncle Grandma Grandpa Mother Father Appt Appointment
    Washington Oregon Idaho Alaska Georgia Virginia Carolina Dakota Montana Nevada Indiana
    Florida Alabama Arizona Tennessee Texas Lincoln China India Asia Kenya Israel Jordan Paris
    London Berlin Rome Boston Dallas Denver Phoenix Houston Sydney Savannah Sierra Valencia
    Olympia Everett Kent Bristol Camden Chester Clinton Atlas Alto Ceylon Stanford Stan
    Spanish Mexican Latino Latina Native Russian Ukrainian Somali Vietnamese Filipino Asian
    The This That These Those Then There They Their She He Her His Him We Our You Your It Its
    And But Or So If When While After Before Because Since Until Also Just Only Even Still
    Yes No Not Maybe Please Thanks Thank Hi Hello Dear Sorry Okay Ok Well Oh Um Uh
    What Who Why How Where Which Whose
    In On At To From With Without About Around For Of By Into Over Under Between During
    Date Bare Bridge Cares Cases Cousin Cousins Fair Freely Fresh Guard Lady Pages Parks Ring
    Smart Stack Orchard Pike Author Boss Harm Con Nada Una Esta Hoy Toma Trae Gusta Deja Anda
    Malo Carro Mate Matas Bas Bor Mand Manda Tal Del Ella Les Dot Fed Sim Trace Roll Ora Sal
    Amigo Cuesta Llamas Huerta Parada Bonita Buena Chiquita Desean Mira Nena Senora Lyric
    Foster Jan
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Capitalised words never taken as a name by the name *list* alone: names
that are also common English words, months, weekdays, places, school words
and function words. A context rule ("Grandma Rose", "her daughter Grace") or
``known_names`` still finds them."""

_FUNCTION_WORDS: frozenset[str] = frozenset(
    """
    The This That These Those Then There They Their She He Her His Him We Our You Your It Its
    And But Or So If When While After Before Because Since Until Also Just Only Even Still
    Yes No Not Maybe Please Thanks Thank Hi Hello Dear Sorry Okay Ok Well Oh Um Uh I A An
    What Who Why How Where Which Whose Is Was Are Were Has Had Have Does Did Do Said Says
    In On At To From With Without About Around For Of By Into Over Under Between During
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
    June July August September October November December Mom Dad Mama Papa Grandma Grandpa
    Spanish English Mexican Latino Latina Native Russian Ukrainian Somali Vietnamese Filipino
    School Bus Class Math Reading Parent Parents Guardian Guardians Student Students Staff Caller
    Contact Family Kids Kid Child Sibling Siblings Everyone Both Nobody Somebody Someone
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Words that a context rule ("her son …", "called …") must not take as a name."""

_INSTITUTION_WORDS = (
    "Elementary|Middle|High|School|Schools|Academy|College|University|County|State|District|"
    "City|Street|St|Avenue|Ave|Road|Rd|Drive|Dr|Lane|Ln|Way|Boulevard|Blvd|Court|Ct|Highway|"
    "Hwy|Park|Center|Centre|Clinic|Hospital|Library|Church|Valley|River|Lake|Creek|Mountain|"
    "Apartments|Apts|Estates|Village|Memorial|Foundation|Department|Dept|Services|Transit|"
    "Medical|Health|Market|Store|Shop|Foods|Farms|Orchards"
)
"""A capitalised word followed by one of these is a place or an institution
("Lincoln Elementary", "Grant County"), not a person, for the name list."""

_TITLES = (
    "Mr|Mrs|Ms|Mx|Miss|Mister|Dr|Coach|Principal|Pastor|Father|Officer|Deputy|Nurse|Professor|"
    "Prof|Sra|Sr|Señora|Señor|Senora|Senor|Doña|Dona|Don|Grandma|Grandpa|Granny|Gramma|Grammy|"
    "Nana|Abuela|Abuelo|Abuelita|Aunt|Auntie|Aunty|Tia|Tía|Tio|Tío|Uncle|Cousin|Rev|Reverend|"
    "Pastora|Srta|Señorita|Senorita|Hna|Hno|Maestra|Maestro|Profe|Profa|Lic|Dra|Sgt|Sergeant|"
    "Lt|Det|Detective|Capt|Trooper|Judge"
)
"""Titles and family titles written before a name ("Ms. Carter", "Grandma Rose")."""

_NEVER_NAMES: frozenset[str] = _FUNCTION_WORDS | frozenset(_TITLES.split("|"))
"""Words no rule takes as a name: function words and the titles themselves."""

_KIN = (
    "grandma|grandpa|granny|gramma|grammy|grandmother|grandfather|nana|abuela|abuelo|abuelita|"
    "aunt|auntie|aunty|tia|tía|tio|tío|uncle|cousin|mom|mommy|mama|mother|dad|daddy|papa|"
    "father|stepmom|stepdad|step-mom|step-dad|stepmother|stepfather|brother|sister|sibling|"
    "son|daughter|boy|girl|kid|child|baby|toddler|oldest|youngest|twin|niece|nephew|grandson|"
    "granddaughter|grandkid|grandchild|husband|wife|partner|boyfriend|girlfriend|fiancé|fiance|"
    "neighbor|neighbor|friend|caseworker|case worker|social worker|landlord|roommate|sitter|"
    "babysitter|teacher|counselor|therapist|doctor|aide|para|bus driver|driver|worker|"
    "coworker|co-worker|nurse|coach|officer|advocate|interpreter|principal|librarian|liaison|"
    "clerk|attorney|lawyer|supervisor|manager|pastor|deputy|secretary|mentor|tutor|guard"
)
"""Family and role words written before a name ("her son Jayden", "mom Ana")."""

_NAME_TOKEN = r"(?:O['’]|Mc|Mac|D['’]|De|Di|La|Le)?\p{Lu}\p{Ll}+(?:[ʻʼ]\p{Ll}+)*(?:-\p{Lu}\p{Ll}+)?"
"""One capitalised name word: "Maya", "McKenzie", "O'Neil", "DeShawn", "Ana-Lucía", and a
Polynesian name with its ʻokina ("Faʻamoe")."""

_NAME_LOCALES: tuple[str, ...] = (
    "en", "en_US", "en_GB", "en_IE", "en_IN", "en_NG", "en_KE", "en_PK", "en_NZ",
    "es_MX", "es_ES", "es_CO", "es_AR", "es_CL", "pt_BR", "fr_FR", "vi_VN", "yo_NG", "ig_NG",
    "ha_NG", "tw_GH", "sw",
)  # fmt: skip
"""Faker locales whose person data (Latin script) feeds the name list: the families of a
US school district have English, Spanish, Portuguese, French, South Asian, Vietnamese and
West and East African names."""

COMMON_WORDS_ALSO_NAMES: frozenset[str] = frozenset(
    """
    will may can mark long add son said con delta red ella page little max general una unique
    worth true sister tab baby les hope ever job carry link rich nada al doctor van skip echo
    early less gusta author te sid love price tal summer press lone manda era friend salud ed
    rush amos boss spring tiny esta dot buena bell miles del rosa cap winter fed ember judge
    ally art alpha media math toma deja sunday bo harsh don zeta hoy nina lane bill trae green
    trace campo bird esperanza avis sad tia kit lea autumn river mira desean buddy orange edu
    stormy guy leo bonita dev nan roll patience ora marine dan harm pat sim star senora sol
    dolores hung chiquita nana ah grace faith joy ivy holly sunny dusty sandy destiny heaven
    precious king queen prince princess honey ginger pepper sugar angel dawn amber crystal
    diamond pearl ruby jewel ivory violet daisy iris poppy hazel willow fern heather olive
    lily jade sage lucky justice miracle mercy memory bliss birdie bud sonny doll bean
    christian hunter chase mason walker junior grant frank jack rob sue ray gene carol penny
    sterling august april june march drew chance dean cliff clay dale heath lance norm pierce
    reed rod rusty wade win woody sky rain brook ocean forest journey legend haven harmony
    melody cherry kitty candy misty goldie lark robin wren jay raven drake fox colt buck hart
    hawk falcon duke earl baron major marshal gay mac nick doc bishop deacon pastor cash ace
    lyric rebel saint sincere royal kingdom story storm bear wolf lion tiger bunny coco cookie
    bob sky summer ace best case cook hall wood young white black brown gray grey rice ward
    banks lee ma pa mo jo di de la le el lo las los mi tu su se ya yo sin mas por para como
    luz paz cruz mar flor dolores mercedes pilar rocio consuelo amparo socorro soledad caridad
    fe gracia victoria milagros luna cielo paloma perla estrella azul blanca reina nieves
    concepcion trinidad santos domingo modesto prudencia clemente feliz felicidad alegria linda
    hermosa preciosa dulce nena nene chula chico chica mija mijo tio abuela abuelo leon lobo
    campos vega rubio moreno blanco negro rojo delgado bueno franco justo leal amado bella
    bello casa ramos flores rios mesa sierra costa calle plaza torres fuentes nieto angeles
    asuncion rosario cristo santa santo virgen gloria maya? rey reyes sal lima
    asia dakota india jordan paris london georgia virginia carolina sydney
    nacio nació nacido nacida valentine
    """.replace("?", "").split()
)
"""Lower-case words that are also first names or surnames in some locale's name list:
ordinary English and Spanish words ("will", "hope", "grant", "rose", "luz", "dolores",
"linda"). A word here is never taken as a name when written in lower case or in capitals;
the capitalised form follows :data:`NOT_NAMES`."""

PLACES_ALSO_NAMES: frozenset[str] = frozenset(
    """
    Guadalupe Florence Victoria Austin Charlotte Jackson Chelsea Eugene Orlando Madison Salem
    Mesa Sierra Modesto Santiago Lorena Regina Alexandria Marion Vernon Camas Selah Othello
    Quincy Chelan Sumner Kelso Tracy Aurora Pomona Celaya Morelia Monterrey Jalisco Lagos
    Lima Manila Cali Medina Salinas Mendoza Córdoba Cordoba Sinaloa Toledo Granada Florencia
    Colima Veracruz Zacatecas Durango Sonora Oaxaca Puebla Michoacán Michoacan Tijuana
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Names that are also towns or regions families come from ("Guadalupe", "Victoria",
"Santiago"). After "in / from / near / back to / moved to…", or before "County",
"Street"…, they are a place and kept; elsewhere the name list treats them as a name."""

_ACRONYMS: frozenset[str] = frozenset(
    """
    IEP ELL ESL SPED OT PT MTSS PBIS GED FAFSA WIC SNAP TANF DSHS ICE DHS SSI SSA CPS PTA
    ASAP FYI ADA ESD OSPI USA ER ICU ADHD ASD OCD PTSD ID PO BOX APT AM PM OK NO DOB SSN
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Capital-letter abbreviations that are never a name, even if a list holds them."""


_LOREM_NAMES: frozenset[str] = frozenset(
    """
    antonio carlos felipe fernando francisco jorge josé juan luis manuel marco martín maría
    miguel pablo pedro rafael máximo sean garcía gonzález lópez rodríguez martín
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Person names in Faker's Spanish lorem text: not ordinary words for the name list."""

NICKNAMES: dict[str, tuple[str, ...]] = {
    # Spanish hypocorisms that are not the start of the name
    "jesus": ("chuy", "chucho", "chuyito"),
    "rosario": ("chayo", "charo", "chayito"),
    "guadalupe": ("lupe", "lupita", "pita", "lupillo"),
    "jose": ("pepe", "chepe", "pepito", "cheo"),
    "francisco": ("pancho", "paco", "cisco", "frankie", "kiko", "panchito"),
    "francisca": ("paca", "pancha", "paquita"),
    "ignacio": ("nacho",),
    "enrique": ("quique", "kike"),
    "alejandro": ("ale", "jando", "alex"),
    "alejandra": ("ale", "alex"),
    "guillermo": ("memo", "willy"),
    "eduardo": ("lalo",),
    "consuelo": ("chelo",),
    "graciela": ("chela",),
    "concepcion": ("concha", "conchita", "chita", "conchi"),
    "refugio": ("cuca", "cuquita", "cuco"),
    "dolores": ("lola", "lolita"),
    "mercedes": ("meche", "mechita"),
    "soledad": ("chole", "sole"),
    "roberto": ("beto", "tito"),
    "alberto": ("beto",),
    "humberto": ("beto",),
    "gilberto": ("beto", "gil"),
    "manuel": ("manny", "manolo", "meño"),
    "salvador": ("chava", "chavo"),
    "santiago": ("santi", "chago"),
    "isabel": ("chabela", "isa", "chabe"),
    "antonio": ("toño", "tony", "toni"),
    "fernando": ("nando", "fer"),
    "rodrigo": ("rigo",),
    "ricardo": ("richi", "rica"),
    "federico": ("fede",),
    "luis": ("lucho",),
    "margarita": ("magui", "margo", "mague"),
    "maria": ("mari", "mary", "maruca"),
    "jimena": ("jime",),
    "ximena": ("xime",),
    "anastasia": ("tacha",),
    "natividad": ("nati",),
    "gregorio": ("goyo",),
    "joaquin": ("quino",),
    "jorge": ("coque",),
    # English forms that are not the start of the name
    "william": ("bill", "billy", "will", "willy", "liam"),
    "robert": ("bob", "bobby", "rob", "robbie", "bert"),
    "richard": ("rick", "ricky", "rich", "richie"),
    "james": ("jim", "jimmy", "jamie"),
    "john": ("jack", "johnny"),
    "margaret": ("peggy", "maggie", "meg", "greta"),
    "elizabeth": ("liz", "beth", "betsy", "lizzie", "eliza", "libby", "betty"),
    "katherine": ("kate", "kat", "katie", "kathy", "kitty"),
    "catherine": ("kate", "kat", "katie", "cathy", "cat"),
    "kathryn": ("kate", "kat", "katie", "kathy"),
    "katarzyna": ("kat", "kasia", "kasha"),
    "edward": ("ed", "eddie", "ted", "ned"),
    "theodore": ("ted", "teddy", "theo"),
    "thomas": ("tom", "tommy"),
    "anthony": ("tony",),
    "michael": ("mike", "mikey"),
    "charles": ("charlie", "chuck"),
    "kenneth": ("ken", "kenny"),
    "joseph": ("joe", "joey"),
    "jennifer": ("jen", "jenny"),
    "christopher": ("chris", "topher"),
    "penelope": ("penny",),
    "patricia": ("pat", "patty", "trish", "tricia"),
    "rebecca": ("becky", "becca"),
    "deborah": ("debbie", "deb"),
    "susan": ("sue", "suzy"),
    "andrew": ("andy", "drew"),
    "zachary": ("zach", "zack"),
    "tyrone": ("ty",),
    "tyler": ("ty",),
    "abigail": ("abby",),
    "victoria": ("vicky", "tori"),
    "alexander": ("alex", "xander", "sasha"),
    "alexandra": ("alex", "lexi", "sasha"),
    "nicholas": ("nick", "nicky"),
    "benjamin": ("ben", "benny"),
    "samuel": ("sam", "sammy"),
    "samantha": ("sam", "sammy"),
    "daniel": ("dan", "danny", "dani"),
    "matthew": ("matt",),
    "timothy": ("tim", "timmy"),
    "jonathan": ("jon", "johnny"),
    "joshua": ("josh",),
    "jacob": ("jake",),
    "kimberly": ("kim", "kimi"),
    "beatrice": ("bea",),
    "beatriz": ("bea",),
    "dorothy": ("dot", "dottie"),
    "henry": ("hank",),
    "lawrence": ("larry",),
    "harold": ("harry",),
    "gerald": ("jerry",),
    "raymond": ("ray",),
    "ronald": ("ron", "ronnie"),
    "donald": ("don", "donnie"),
}
"""Nicknames of a given name that are not simply its first letters (those are found by
:func:`bot.privacy.known._nickname_rx`): Spanish hypocorisms ("Chuy" for Jesús, "Chayo" for
Rosario, "Lupita" for Guadalupe, "Pancho" for Francisco) and English ones ("Bill" for
William, "Kat" for Katarzyna, "Ty" for Tyrone). Keys are folded and in lower case (issue 10,
pii7: nicknames of known names)."""
