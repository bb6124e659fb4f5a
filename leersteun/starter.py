"""The platform's starter template for the samenwerkingsgesprek, in our own words.

Every LSC starts from this template and adapts it (``leersteun:sjabloon``). It follows the five
parts such a conversation usually has: the LSC's mission and vision, the filters before
leersteun starts, the school's own profile, communication, and practical information. The text
is data, shown as it is (Dutch), not a translated interface string.

A question's ``key`` is derived from its slug, so it is the same in every database: last year's
answer finds this year's question, and tests and demo data can name a question by its slug
(``starter_key("wifi")``). Data migration 0002 loads it; ``install`` is idempotent. The
filters laid on every leersteunvraag (``FILTERS``) are part of it too: data migration 0004
adds them to a starter that was installed without them.
"""

from __future__ import annotations

import uuid

NAMESPACE = uuid.UUID("6f1d3c8a-4b52-4e0e-9a51-2c7b1f0d9e34")
NAME = "Samenwerkingsgesprek (startsjabloon)"

SCHOOL = "school"
LSC = "lsc"


def starter_key(slug: str) -> uuid.UUID:
    """The key of the starter's part or question with this slug."""
    return uuid.uuid5(NAMESPACE, f"starter/{slug}")


def q(
    slug: str,
    text: str,
    kind: str,
    *,
    help_text: str = "",
    filled_by: str = SCHOOL,
    choices: tuple[str, ...] = (),
    confidential: bool = False,
    prefill: str = "",
) -> dict:
    return {
        "slug": slug,
        "text": text,
        "kind": kind,
        "help_text": help_text,
        "filled_by": filled_by,
        "choices": "\n".join(choices),
        "confidential": confidential,
        "prefill": prefill,
    }


DOMAINS = ("Inclusie", "Onderwijskunde", "Coaching", "Doelgroepspecifieke expertise")
LEVELS = ("Leerling", "Leerkracht", "Schoolteam", "Een combinatie van niveaus")

PARTS: list[dict] = [
    {
        "slug": "missie",
        "title": "Missie en visie van het LSC",
        "intro": (
            "Ons leersteuncentrum werkt vanuit vier expertisedomeinen: inclusie, "
            "onderwijskunde, coaching en doelgroepspecifieke expertise. We zetten die in op drie "
            "niveaus: bij de leerling, bij de leerkracht en bij het schoolteam. We overlopen samen "
            "wat dat betekent voor de samenwerking met jullie school."
        ),
        "questions": [
            q(
                "missie_duidelijk",
                "Is voor alle partners aan tafel helder wat de decretale opdracht en de visie "
                "van het LSC inhouden?",
                "yes_no",
                filled_by=LSC,
            ),
            q(
                "missie_vragen",
                "Wat willen jullie nog verduidelijkt zien over onze opdracht of werking?",
                "long_text",
            ),
            q(
                "missie_domein",
                "Welk expertisedomein verwacht de school dit schooljaar het meest nodig te hebben?",
                "choice",
                choices=DOMAINS,
            ),
            q(
                "missie_niveau",
                "Op welk niveau wil de school leersteun vooral inzetten?",
                "choice",
                choices=LEVELS,
            ),
        ],
    },
    {
        "slug": "filters",
        "title": "Filters",
        "intro": (
            "Voor we leersteun opstarten, toetsen we elke vraag aan een aantal voorwaarden. "
            "Bij het verdelen van de aangemelde vragen leggen we die filters samen met het "
            "aanspreekpunt van de school op elke vraag."
        ),
        "questions": [
            q(
                "filter_fase",
                "De juiste fase: wat heeft de school al gedaan in fase 0 en 1 van het "
                "zorgcontinuüm, en wat neemt ze zelf op in fase 2 en 3?",
                "long_text",
            ),
            q(
                "filter_partners",
                "Collectieve verantwoordelijkheid: welke partners zijn betrokken bij de zorg voor "
                "leerlingen, en wie neemt welke taak op?",
                "long_text",
            ),
            q(
                "filter_leerkrachten",
                "Collectieve verantwoordelijkheid: hoe zorgen we er samen voor dat elke "
                "leerkracht weet wat leersteun kan betekenen?",
                "long_text",
            ),
            q(
                "filter_feedback",
                "Collectieve verantwoordelijkheid: hoe geven we elkaar rechtstreeks feedback, en "
                "wat heeft elke partner daarvoor nodig?",
                "long_text",
                filled_by=LSC,
            ),
            q(
                "filter_mandaat",
                "Mandaat: bij wie kunnen we terecht als er geen mandaat is of als redelijke "
                "aanpassingen niet toegestaan worden, en hoe loopt het traject dan verder?",
                "long_text",
                help_text=(
                    "Elke vraag heeft een eigenaar (de vraagsteller) en een duidelijke leervraag."
                ),
            ),
            q(
                "filter_overleg",
                "Ruimte voor overleg: hoe maakt de school tijd en ruimte vrij om met de "
                "ondersteuner te overleggen?",
                "long_text",
            ),
            q(
                "filter_borgen",
                "Duurzaamheid: hoe houdt de school de expertise vast die in eerdere trajecten "
                "werd binnengebracht?",
                "long_text",
                help_text="Zo kan de ondersteuner zich na een traject weer misbaar maken.",
            ),
            q(
                "filter_zelf",
                "Duurzaamheid: wat neemt de school zelf op of over, en wie doet dat?",
                "long_text",
            ),
            q(
                "filter_bundelen",
                "Bundelen en verankeren: welke vragen lijken op elkaar of kwamen al eerder, "
                "zodat we ze samen kunnen aanpakken en het team rond een thema sterker maken?",
                "long_text",
                filled_by=LSC,
                help_text=(
                    "Denk aan vragen van dezelfde leerkracht, lopende vragen met een gelijkaardig "
                    "thema en wat de school kan veralgemenen naar andere leerlingen (UDL)."
                ),
            ),
            q(
                "filter_capaciteit",
                "Capaciteitsbewaking: willen we nu al algemene prioriteiten leggen, bijvoorbeeld "
                "per thema?",
                "long_text",
                filled_by=LSC,
                help_text=(
                    "Per vraag bekijken we of ze voorrang heeft, of een andere vraag tijdelijk "
                    "kan afsluiten en of ze aan een lopende vraag te koppelen is."
                ),
            ),
        ],
    },
    {
        "slug": "eigenheid",
        "title": "Eigenheid van de school",
        "intro": (
            "Samenwerken loopt pas vlot en duurzaam als we elkaar goed kennen. In dit deel "
            "vertelt de school wie ze is en hoe ze de zorg organiseert."
        ),
        "questions": [
            q(
                "verslagen_gc",
                "Aantal leerlingen met een GC-verslag dit schooljaar",
                "number",
                help_text="In IRIS zie je het aantal verslagen per instellingsnummer.",
            ),
            q("verslagen_iac", "Aantal leerlingen met een IAC-verslag dit schooljaar", "number"),
            q(
                "verslagen_ov4",
                "Aantal leerlingen met een OV4-verslag dit schooljaar",
                "number",
                help_text="Alleen voor het secundair onderwijs.",
            ),
            q(
                "zorgvisie",
                "Hoe kijkt de school naar zorg, vanuit haar pedagogisch project?",
                "long_text",
            ),
            q(
                "prioriteit",
                "Welke prioriteit koos de school dit schooljaar in haar prioriteitenplan?",
                "short_text",
            ),
            q(
                "zorgteam",
                "Wie maakt deel uit van het zorgteam?",
                "people",
                help_text="Bijvoorbeeld zorgcoördinator, zorgleerkrachten, leerlingenbegeleiding.",
            ),
            q(
                "groepsvorming",
                "Hoe werkt de school aan groepsvorming bij de start van het schooljaar?",
                "long_text",
            ),
            q(
                "maatregelen",
                "Waar kan een ondersteuner nalezen welke maatregelen de school neemt in elke fase "
                "van het zorgcontinuüm?",
                "short_text",
                help_text="Bijvoorbeeld het leerlingvolgsysteem of een gedeelde map.",
            ),
            q(
                "aansluiten",
                "Hoe sluit leersteun aan bij het huidige zorgbeleid, en hoe deelt het schoolteam "
                "de zorg voor lopende trajecten?",
                "long_text",
            ),
            q(
                "overlegstructuur",
                "Welke overlegmomenten zijn er (MDO, cel leerlingenbegeleiding, klassenraden), "
                "wie sluit wanneer aan en wat verwacht de school dan?",
                "long_text",
            ),
            q(
                "preventie_documenten",
                "Heeft de school de onthaalbrochure en de evacuatie- en noodprocedure aan het LSC "
                "bezorgd?",
                "yes_no",
            ),
            q(
                "beschermingsmiddelen",
                "Welke persoonlijke beschermingsmiddelen heeft een ondersteuner nodig in "
                "bepaalde afdelingen, en bij wie kan die ze krijgen?",
                "long_text",
                help_text="De school voorziet deze middelen.",
            ),
            q(
                "diversiteit_sterk",
                "Waar is het schoolteam sterk in bij het omgaan met diversiteit en specifieke "
                "onderwijsbehoeften?",
                "long_text",
            ),
            q(
                "diversiteit_nood",
                "Waar heeft het schoolteam nood aan bij het omgaan met diversiteit en specifieke "
                "onderwijsbehoeften?",
                "long_text",
            ),
            q(
                "netwerk",
                "Met welke partners werkt de school samen (CLB, pedagogische begeleiding, "
                "welzijn, therapeuten, vrijwilligers...), hoe vaak en hoe verloopt dat overleg?",
                "long_text",
            ),
            q(
                "netwerk_inhaken",
                "Lopen er trajecten of werkgroepen met die partners waar leersteun bij kan "
                "aansluiten?",
                "long_text",
            ),
            q(
                "ouders_participatie",
                "Hoe betrekt de school ouders, en hoe kan de ondersteuner daarbij helpen zonder "
                "het over te nemen?",
                "long_text",
            ),
            q(
                "ouders_lsc",
                "Hoe leren ouders de werking van het LSC kennen?",
                "choice",
                choices=(
                    "Via de folder van het LSC",
                    "Via de website of nieuwsbrief van de school",
                    "Op een infomoment",
                    "Nog niet",
                ),
            ),
        ],
    },
    {
        "slug": "communicatie",
        "title": "Communicatie",
        "intro": (
            "Open en tijdige communicatie houdt de samenwerking gezond. We spreken af hoe we "
            "elkaar bereiken, ook als het eens moeilijk gaat."
        ),
        "questions": [
            q(
                "moeilijk",
                "Hoe communiceren we met elkaar als de samenwerking moeilijk loopt?",
                "long_text",
            ),
            q(
                "afwezig",
                "Hoe verwittigen we elkaar als een leerkracht, leerling of ondersteuner afwezig is?",
                "long_text",
            ),
            q(
                "kanaal",
                "Via welk kanaal bereiken we elkaar bij voorkeur?",
                "choice",
                choices=("E-mail", "Telefoon", "Smartschool of een ander schoolplatform", "Andere"),
            ),
        ],
    },
    {
        "slug": "praktisch",
        "title": "Praktische informatie",
        "intro": (
            "Wat een ondersteuner moet weten om vlot op school aan de slag te gaan. De codes "
            "zijn vertrouwelijk: alleen de school en het LSC zien ze."
        ),
        "questions": [
            q("naam", "Naam van de school", "short_text", prefill="school_name"),
            q("adres", "Adres van de school", "short_text", prefill="school_address"),
            q("telefoon", "Algemeen telefoonnummer", "short_text", prefill="school_phone"),
            q("instellingsnummer", "Instellingsnummer", "short_text", prefill="instellingsnummer"),
            q(
                "vestigingen",
                "Andere vestigingen",
                "long_text",
                prefill="vestigingen",
                help_text="Naam en adres van elke vestiging.",
            ),
            q(
                "ingang",
                "Adres van de ingang, als die niet aan het adres van de school ligt",
                "short_text",
            ),
            q("website", "Website", "short_text"),
            q(
                "lvs",
                "Welk leerlingvolgsysteem gebruikt de school, en hoe vraagt een ondersteuner een "
                "account aan?",
                "long_text",
            ),
            q("eerste_contact", "Eerste contactpersoon", "people"),
            q(
                "medewerkers",
                "Contactgegevens van medewerkers (administratie, directie, zorg, ICT)",
                "people",
                prefill="people_with_access",
            ),
            q("wifi", "Wifinetwerk en code", "short_text", confidential=True),
            q("poort", "Code van de schoolpoort", "short_text", confidential=True),
            q(
                "kopieren",
                "Plaats en code van het kopieerapparaat, en hoe je een kopie neemt",
                "short_text",
                confidential=True,
            ),
            q(
                "parking",
                "Parking: adres, code en parkeerkaart",
                "short_text",
                confidential=True,
            ),
            q(
                "fiets_auto",
                "Waar zet een ondersteuner de fiets of de auto?",
                "short_text",
            ),
            q("schooluren", "Schooluren en pauzes", "long_text"),
            q(
                "lokalen",
                "Waar is de personeelsruimte, en hoe reserveer je een lokaal?",
                "long_text",
            ),
            q(
                "vrije_dagen",
                "Vrije dagen per trimester",
                "terms",
                help_text="Facultatieve vrije dagen, pedagogische studiedagen en vakanties.",
            ),
            q(
                "belangrijke_data",
                "Belangrijke data van het schooljaar, en waar je ze terugvindt",
                "long_text",
            ),
            q(
                "personeelsvergadering",
                "Wanneer kan het LSC zich voorstellen op een personeelsvergadering?",
                "date",
            ),
            q(
                "ankerpersonen",
                "Ankerperso(o)n(en) van het LSC",
                "people",
                filled_by=LSC,
                prefill="ankerpersonen",
            ),
            q("ondersteuners", "Ondersteuner(s) van het LSC", "people", filled_by=LSC),
            q("pedagogische_begeleider", "Pedagogische begeleider", "people"),
            q("clb", "CLB van de school", "short_text", prefill="clb"),
            q(
                "pbd",
                "Pedagogische begeleidingsdienst van de school",
                "short_text",
                prefill="pbd",
            ),
        ],
    },
]


# The filters the LSC lays on every leersteunvraag before it starts (``Filter``): part of the
# template, so an LSC rewords them in its own draft. Keys: ``starter_key("filter/<slug>")``.
FILTERS: list[dict] = [
    {
        "slug": "fase",
        "name": "Juiste fase",
        "description": (
            "De school toont wat ze al deed in fase 0 en 1 van het zorgcontinuüm en wat ze zelf "
            "blijft opnemen in fase 2 en 3."
        ),
    },
    {
        "slug": "collectief",
        "name": "Collectieve verantwoordelijkheid",
        "description": (
            "Het is helder welke partners rond de leerling of klas betrokken zijn en wie welke "
            "taak draagt; het team weet wat leersteun kan betekenen."
        ),
    },
    {
        "slug": "mandaat",
        "name": "Mandaat",
        "description": (
            "De vraag heeft een eigenaar en een duidelijke leervraag, en er is een mandaat om er "
            "samen mee aan de slag te gaan."
        ),
    },
    {
        "slug": "overleg",
        "name": "Ruimte voor overleg",
        "description": (
            "De school maakt tijd en ruimte vrij om met de ondersteuner af te stemmen."
        ),
    },
    {
        "slug": "duurzaamheid",
        "name": "Duurzaamheid",
        "description": (
            "De school houdt de expertise vast en neemt zelf taken over, zodat de ondersteuner "
            "zich na het traject weer kan terugtrekken."
        ),
    },
    {
        "slug": "bundelen",
        "name": "Bundelen en verankeren",
        "description": (
            "We kijken of de vraag al eerder kwam, of er gelijkaardige vragen lopen om samen "
            "aan te pakken en wat de school kan veralgemenen naar andere leerlingen."
        ),
    },
    {
        "slug": "capaciteit",
        "name": "Capaciteitsbewaking",
        "description": (
            "We wegen af of de vraag voorrang krijgt, of een lopende vraag kan afronden om "
            "plaats te maken, of dat ze aan een bestaande vraag te koppelen is."
        ),
    },
]


def install_filters(versie, Filter) -> int:
    """Give a starter version the starter's filters, unless it has filters already (a data
    migration passes the historical ``Filter``). Returns how many were created."""
    if Filter.objects.filter(versie=versie).exists():
        return 0
    Filter.objects.bulk_create(
        Filter(
            versie=versie,
            key=starter_key(f"filter/{item['slug']}"),
            position=position,
            name=item["name"],
            description=item["description"],
        )
        for position, item in enumerate(FILTERS)
    )
    return len(FILTERS)


def install(apps=None) -> bool:
    """Create the starter template as version 1, published, unless it exists. With ``apps``
    (a data migration), the historical models are used. Returns whether it was created."""
    if apps is None:
        from leersteun import models

        Sjabloon, SjabloonVersie = models.Sjabloon, models.SjabloonVersie
        Onderdeel, Vraag = models.Onderdeel, models.Vraag
        Filter = models.Filter
    else:
        Sjabloon = apps.get_model("leersteun", "Sjabloon")
        SjabloonVersie = apps.get_model("leersteun", "SjabloonVersie")
        Onderdeel = apps.get_model("leersteun", "Onderdeel")
        Vraag = apps.get_model("leersteun", "Vraag")
        try:  # migration 0002 runs before the filters had a table (0004 adds them then)
            Filter = apps.get_model("leersteun", "Filter")
        except LookupError:
            Filter = None
    from django.utils import timezone

    existing = Sjabloon.objects.filter(lsc__isnull=True).first()
    if existing is not None:
        # a starter installed before the filters were data: give its newest published version
        # the filters (never a second starter, never a second set)
        newest = (
            SjabloonVersie.objects.filter(sjabloon=existing, published_at__isnull=False)
            .order_by("-number")
            .first()
        )
        if newest is not None and Filter is not None:
            install_filters(newest, Filter)
        return False
    sjabloon = Sjabloon.objects.create(lsc=None, name=NAME)
    versie = SjabloonVersie.objects.create(sjabloon=sjabloon, number=1, published_at=timezone.now())
    for part_position, part in enumerate(PARTS):
        onderdeel = Onderdeel.objects.create(
            versie=versie,
            key=starter_key(part["slug"]),
            position=part_position,
            title=part["title"],
            intro=part["intro"],
        )
        Vraag.objects.bulk_create(
            Vraag(
                onderdeel=onderdeel,
                key=starter_key(question["slug"]),
                position=position,
                **{k: v for k, v in question.items() if k != "slug"},
            )
            for position, question in enumerate(part["questions"])
        )
    if Filter is not None:
        install_filters(versie, Filter)
    return True
