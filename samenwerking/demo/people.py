"""The demo region's organisations, people and grants."""

from accounts.roles import OrganisationKind as Kind
from accounts.roles import Role
from dossier.core.services import AccessLevel

DEMO_PASSWORD = "demo-samenwerking"  # noqa: S105 - a public demo password, printed on purpose

PARTNERS = [
    # (key, kind, name, instellingsnummer, city)
    ("clb", Kind.CLB, "CLB Leiestreek", "129801", "Kortrijk"),
    ("clb_other", Kind.CLB, "CLB Scheldeland", "129802", "Oudenaarde"),
    ("pbd", Kind.PBD, "Pedagogische begeleiding Regio Leie", "", "Kortrijk"),
    ("lsc", Kind.LSC, "Leersteuncentrum Leie en Schelde", "", "Waregem"),
]

SCHOOLS = [
    # (key, name, instellingsnummer, street, postcode, city)
    ("regenboog", "Basisschool De Regenboog", "112233", "Lindenlaan 4", "8500", "Kortrijk"),
    ("sintjozef", "Vrije Basisschool Sint-Jozef", "112244", "Kerkstraat 12", "8530", "Harelbeke"),
    ("klavertje", "Gemeentelijke Basisschool Het Klavertje", "112255", "Dorp 2", "8520", "Kuurne"),
    ("amands", "Sint-Amandscollege", "112266", "Groeningestraat 21", "8500", "Kortrijk"),
    ("tileie", "Technisch Instituut Leie", "112277", "Vaartstraat 90", "8560", "Wevelgem"),
    ("zuidkant", "Atheneum Zuidkant", "112288", "Stationsplein 7", "8930", "Menen"),
]

PEOPLE = [
    # (email, first, last, organisation key, role, what the person can try)
    (
        "directie@regenboog.demo",
        "An",
        "Peeters",
        "regenboog",
        Role.DIRECTIE,
        "directie: reads everything of De Regenboog, manages access and the school's staff",
    ),
    (
        "zorg@regenboog.demo",
        "Bram",
        "Claes",
        "regenboog",
        Role.ZORGCOORDINATOR,
        "zorgcoördinator with contribute access",
    ),
    (
        "lbg@regenboog.demo",
        "Chloé",
        "Maes",
        "regenboog",
        Role.LEERLINGENBEGELEIDER,
        "leerlingenbegeleider without access yet: grant it",
    ),
    (
        "zorgleerkracht@regenboog.demo",
        "Dries",
        "Wouters",
        "regenboog",
        Role.ZORGLEERKRACHT,
        "zorgleerkracht with read access",
    ),
    (
        "leerkracht@regenboog.demo",
        "Eva",
        "Janssens",
        "regenboog",
        Role.LEERKRACHT,
        "leerkracht: can never be given access",
    ),
    (
        "secretariaat@regenboog.demo",
        "Fien",
        "Goossens",
        "regenboog",
        Role.ADMINISTRATIEF,
        "administratief medewerker: can never be given access",
    ),
    (
        "directie@sintjozef.demo",
        "Geert",
        "Mertens",
        "sintjozef",
        Role.DIRECTIE,
        "directie of Sint-Jozef",
    ),
    (
        "directie@klavertje.demo",
        "Hanne",
        "Willems",
        "klavertje",
        Role.DIRECTIE,
        "directie of Het Klavertje",
    ),
    (
        "directie@amands.demo",
        "Ilse",
        "Dubois",
        "amands",
        Role.DIRECTIE,
        "directie of Sint-Amandscollege",
    ),
    (
        "zorg@amands.demo",
        "Jonas",
        "Lambert",
        "amands",
        Role.ZORGCOORDINATOR,
        "zorgcoördinator of Sint-Amandscollege, manages access by delegation",
    ),
    ("directie@tileie.demo", "Katrien", "Dumont", "tileie", Role.DIRECTIE, "directie of TI Leie"),
    (
        "directie@zuidkant.demo",
        "Lotte",
        "Hermans",
        "zuidkant",
        Role.DIRECTIE,
        "directie of Atheneum Zuidkant (switched CLB this school year)",
    ),
    (
        "clb@leiestreek.demo",
        "Mohamed",
        "El Amrani",
        "clb",
        Role.CLB_MEDEWERKER,
        "CLB-medewerker serving all six schools",
    ),
    (
        "directeur@leiestreek.demo",
        "Nele",
        "Vermeulen",
        "clb",
        Role.CLB_DIRECTEUR,
        "CLB-directeur with read access to two schools; manages the CLB's staff (Medewerkers)",
    ),
    (
        "pbd@leie.demo",
        "Olivier",
        "De Smet",
        "pbd",
        Role.PBD_BEGELEIDER,
        "pedagogisch begeleider of two schools",
    ),
    (
        "verantwoordelijke@leie.demo",
        "Ria",
        "Declercq",
        "pbd",
        Role.PBD_VERANTWOORDELIJKE,
        "PBD-verantwoordelijke: manages the PBD's staff under Medewerkers",
    ),
    (
        "anker@lsc.demo",
        "Pieter",
        "Van Damme",
        "lsc",
        Role.LSC_ANKERPERSOON,
        "LSC-ankerpersoon of De Regenboog and Sint-Jozef",
    ),
    (
        "ondersteuner@lsc.demo",
        "Quinten",
        "Desmet",
        "lsc",
        Role.LSC_ONDERSTEUNER,
        "ondersteuner without access",
    ),
    (
        "coordinator@lsc.demo",
        "Roos",
        "Verhoeven",
        "lsc",
        Role.LSC_COORDINATOR,
        "LSC-coördinator without access; manages the LSC's staff",
    ),
    (
        "clb@scheldeland.demo",
        "Sara",
        "Lemmens",
        "clb_other",
        Role.CLB_MEDEWERKER,
        "of another CLB: her old access to Atheneum Zuidkant ended with the partnership",
    ),
]

# (school key, person email, level, may manage access)
GRANTS = [
    *[
        (school, "clb@leiestreek.demo", AccessLevel.CONTRIBUTE, False)
        for school in ("regenboog", "sintjozef", "klavertje", "amands", "tileie", "zuidkant")
    ],
    ("regenboog", "zorg@regenboog.demo", AccessLevel.CONTRIBUTE, False),
    ("regenboog", "zorgleerkracht@regenboog.demo", AccessLevel.VIEW, False),
    ("amands", "zorg@amands.demo", AccessLevel.CONTRIBUTE, True),
    ("regenboog", "directeur@leiestreek.demo", AccessLevel.VIEW, False),
    ("amands", "directeur@leiestreek.demo", AccessLevel.VIEW, False),
    ("regenboog", "pbd@leie.demo", AccessLevel.VIEW, False),
    ("amands", "pbd@leie.demo", AccessLevel.VIEW, False),
    ("regenboog", "anker@lsc.demo", AccessLevel.CONTRIBUTE, False),
    ("sintjozef", "anker@lsc.demo", AccessLevel.CONTRIBUTE, False),
]

PLATFORM_ADMIN = ("beheer@platform.demo", "Tom", "Beheerder")

# (school, days ago, label, about, who asked, themes, question, advice)
