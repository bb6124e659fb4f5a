"""The demo region's section content: signals, consultation notes, documents, agreements and
a meeting, written through the sections' own services."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consultatie.models import Consultatie
from consultatie.services import consultatie_create
from dossier.afspraken.models import Samenwerkingsafspraak
from dossier.afspraken.services import afspraak_approve, afspraak_create
from dossier.core.access import user_flags
from dossier.core.models import Dossier, Thema
from dossier.documenten.models import Document
from dossier.documenten.services import document_upload
from dossier.overleg.models import StructureelOverleg
from dossier.overleg.services import overleg_save
from samenwerking.schoolyear import school_year_of
from signalen.models import Bron, Signaal
from signalen.services import aanvulling_add, signaal_create
from signalen.workflow import Kind

DEMO_NOTES = [
    (
        "regenboog",
        400,
        "5A",
        "klas",
        "leerkracht",
        ["Pesten", "Welbevinden"],
        "De sfeer in 5A is grimmig; twee kinderen worden telkens buitengesloten bij groepswerk.",
        "Maak samen met de klas afspraken over samenwerken en wissel de groepen bewust af.",
    ),
    (
        "regenboog",
        200,
        "L.V. 3B",
        "leerling",
        "zorgcoordinator",
        ["Leren en studeren"],
        "Een leerling leest veel trager dan de klasgenoten; de ouders maken zich zorgen.",
        "Bied voorleessoftware aan bij toetsen en volg de leesvorderingen zes weken op.",
    ),
    (
        "regenboog",
        30,
        "5B",
        "klas",
        "leerkracht",
        ["Pesten"],
        "Ook in 5B komen er klachten over uitsluiting in de chatgroep van de klas.",
        "Bespreek de chatgroep met de ouders op het oudercontact en werk rond online omgangsvormen.",
    ),
    (
        "amands",
        90,
        "2de graad",
        "groep",
        "directie",
        ["Tucht en leerlingen die buiten gezet worden"],
        "Leerkrachten van de tweede graad zetten steeds vaker leerlingen uit de les.",
        "Spreek een vaste opvang af met een herstelgesprek in plaats van enkel buiten zetten.",
    ),
]

# (school, title, text, theme, source, [(who, kind, text)])
DEMO_SIGNALS = [
    (
        "regenboog",
        "Opvallend veel meldingen van pesten in het vijfde leerjaar",
        "Sinds de herfstvakantie meldden zes ouders bij ons dat hun kind gepest wordt, vooral "
        "op de speelplaats en in de chatgroep van de klas.",
        "Pesten",
        "Meldingen van ouders",
        [
            (
                "school",
                "duiding",
                "De klas is dit jaar samengevoegd uit twee kleinere groepen; "
                "de leerkrachten zien vooral uitsluiting tijdens de middagpauze.",
            ),
            (
                "clb",
                "advies",
                "Werk klasgericht met een no-blame-aanpak en spreek "
                "speelplaatsafspraken af met de kinderen zelf.",
            ),
        ],
    ),
    (
        "regenboog",
        "Meer leerlingen krijgen een aangepaste leerlijn in het zesde leerjaar",
        "Dit jaar krijgen opvallend veel leerlingen in het zesde een aangepaste leerlijn met "
        "het oog op 1B, terwijl daar in het vijfde geen signalen over waren.",
        "Aangepaste leerlijnen en verslagen",
        "Eigen data van het CLB",
        [],
    ),
    (
        "amands",
        "Stijging van het aantal leerlingen dat buiten gezet wordt",
        "In de LARS-registratie zien we een duidelijke stijging van het aantal leerlingen dat "
        "uit de les gezet wordt, vooral in de tweede graad.",
        "Tucht en leerlingen die buiten gezet worden",
        "LARS-registratie",
        [
            (
                "clb",
                "advies",
                "Bekijk samen met het zorgteam wat er voorafgaat aan het buiten "
                "zetten, en spreek een vast opvangmoment af.",
            )
        ],
    ),
]


def load_sharing(orgs, users):
    """A shared document, an agreement halfway through its approvals, and a meeting."""

    dossier = Dossier.objects.get(school=orgs["regenboog"])
    directie = users["directie@regenboog.demo"]
    today = timezone.localdate()
    year = school_year_of(today)
    if not Document.objects.filter(dossier=dossier).exists():
        text = (
            b"Samenwerkingsafspraken Basisschool De Regenboog en CLB Leiestreek\n\n"
            b"1. Het CLB-anker is elke dinsdagvoormiddag op school.\n"
            b"2. Consultaties worden binnen twee weken ingepland.\n"
        )
        document_upload(
            dossier=dossier,
            user=directie,
            access=user_flags(directie, dossier),
            uploaded=SimpleUploadedFile("samenwerkingsafspraken.txt", text, "text/plain"),
            title="Samenwerkingsafspraken school en CLB",
            kind="samenwerkingsafspraken",
            school_year=year,
            for_clb=True,
        )
    if not Samenwerkingsafspraak.objects.filter(dossier=dossier).exists():
        afspraak = afspraak_create(
            dossier=dossier,
            user=directie,
            access=user_flags(directie, dossier),
            title="Consultatiemomenten met het CLB",
            topic="consultatie",
            evaluation_date=today + datetime.timedelta(days=20),
            summary="Het CLB houdt elke dinsdag een consultatiemoment op school.",
            parties={
                "school": (orgs["regenboog"], "De zorgcoördinator verzamelt de vragen."),
                "clb": (orgs["clb"], "Het CLB-anker is op dinsdag op school."),
            },
        )
        afspraak_approve(
            afspraak=afspraak, user=directie, access=user_flags(directie, afspraak.dossier)
        )
    if not StructureelOverleg.objects.filter(dossier=dossier).exists():
        overleg_save(
            dossier=dossier,
            user=directie,
            access=user_flags(directie, dossier),
            date=today - datetime.timedelta(days=14),
            school_participants="directie, zorgcoördinator",
            clb_participants="CLB-anker",
            pbd_participants="pedagogisch begeleider",
            lsc_participants="",
            data_reflected_on="Leersteunwijzer en de CLB-cijfers over pesten.",
            agenda="1. Cijfers van het CLB\n2. Professionaliseringsnoden",
            decisions="Een studiedag rond klasmanagement in het voorjaar.",
            next_meeting_date=today + datetime.timedelta(days=90),
            minutes_keeper="school",
        )


def load_consultations(orgs, users):
    """Consultation notes over two school years, so red threads and earlier advice show."""
    clb = users["clb@leiestreek.demo"]
    thema = {t.name: t for t in Thema.objects.all()}
    today = timezone.localdate()
    for school_key, days_ago, label, kind, asked, themes, question, advice in DEMO_NOTES:
        dossier = Dossier.objects.get(school=orgs[school_key])
        if Consultatie.objects.filter(dossier=dossier, label=label, question=question).exists():
            continue
        consultatie_create(
            dossier=dossier,
            author=clb,
            access=user_flags(clb, dossier),
            themas=[thema[name] for name in themes],
            date=today - datetime.timedelta(days=days_ago),
            asked_by=asked,
            subject_kind=kind,
            label=label,
            question=question,
            analysis="",
            advice=advice,
            next_steps="",
            follow_up_date=None,
            other_participants="",
            status="open",
        )


def load_signals(orgs, users):
    """A few signals with their story, so the signal pages have something to show."""
    clb = users["clb@leiestreek.demo"]
    zorg = users["zorg@regenboog.demo"]
    thema = {t.name: t for t in Thema.objects.all()}
    bron = {b.name: b for b in Bron.objects.all()}
    for school_key, title, text, theme, source, story in DEMO_SIGNALS:
        dossier = Dossier.objects.get(school=orgs[school_key])
        if Signaal.objects.filter(dossier=dossier, title=title).exists():
            continue
        author = clb if school_key != "amands" else users["clb@leiestreek.demo"]
        signaal = signaal_create(
            dossier=dossier,
            author=author,
            access=user_flags(author, dossier),
            title=title,
            text=text,
            thema=thema[theme],
            bron=bron[source],
        )
        for who, kind, body in story:
            aanvulling_add(
                signaal=signaal,
                author=clb if who == "clb" else zorg,
                access=user_flags(clb if who == "clb" else zorg, signaal.dossier),
                kind=Kind(kind),
                text=body,
            )


def load_leersteun(orgs, users):
    """The LSC's samenwerkingsgesprek with De Regenboog: last year's, held and closed with the
    starter template; the LSC's own version 2 of the template (one question added); and this
    year's conversation in preparation, carried over from last year's. Sint-Jozef has none yet,
    so the ankerpersoon can start it from the overview."""
    from leersteun.models import Gesprek, Onderdeel, Sjabloon
    from leersteun.services.gesprek import (
        afspraak_add,
        afspraak_evaluate,
        answers_save,
        gesprek_advance,
        gesprek_plan,
        gesprek_start,
        previous_school_year,
    )
    from leersteun.services.sjablonen import sjabloon_draft_start, versie_publish, vraag_add
    from leersteun.starter import starter_key

    dossier = Dossier.objects.get(school=orgs["regenboog"])
    if Gesprek.objects.filter(dossier=dossier).exists():
        return
    anker, zorg = users["anker@lsc.demo"], users["zorg@regenboog.demo"]
    coordinator = users["coordinator@lsc.demo"]
    lsc = orgs["lsc"]
    today = timezone.localdate()
    year = school_year_of(today)
    last = previous_school_year(year)

    def ids(gesprek):
        return dict(gesprek.antwoorden.values_list("vraag__key", "vraag_id"))

    def answer(gesprek, user, values):
        by_key = ids(gesprek)
        answers_save(
            gesprek=gesprek,
            user=user,
            access=user_flags(user, dossier),
            values={by_key[starter_key(slug)]: value for slug, value in values.items()},
        )

    # last year: held with the starter template, closed, two agreements
    if not Sjabloon.objects.filter(lsc=lsc).exists():
        earlier = gesprek_start(
            dossier=dossier, user=anker, access=user_flags(anker, dossier), school_year=last
        )
        answer(
            earlier,
            zorg,
            {
                "verslagen_gc": 3,
                "verslagen_iac": 2,
                "prioriteit": "Begrijpend lezen in de tweede en derde graad",
                "zorgteam": [
                    {
                        "name": "Els Vandamme",
                        "function": "zorgcoördinator",
                        "contact": "zorg@regenboog.demo",
                    },
                    {"name": "Tom Desmet", "function": "zorgleerkracht", "contact": ""},
                ],
                "overlegstructuur": "Elke eerste maandag van de maand een MDO per graad.",
                "wifi": "Regenboog-Gast / lente2025",
                "poort": "4821",
                "schooluren": "8.30-12.05 en 13.20-15.30, woensdag tot 12.05.",
                "website": "https://www.deregenboog.demo",
                "moeilijk": "We bellen elkaar dezelfde dag nog op en plannen een kort overleg.",
            },
        )
        answer(
            earlier,
            anker,
            {
                "missie_duidelijk": True,
                "ondersteuners": [
                    {
                        "name": "Sofie Claeys",
                        "function": "ondersteuner",
                        "contact": "ondersteuner@lsc.demo",
                    }
                ],
            },
        )
        access = user_flags(anker, dossier)
        afspraak_add(
            gesprek=earlier,
            user=anker,
            access=access,
            what="Het LSC geeft in het voorjaar een teamvorming rond universeel ontwerp.",
            partner="lsc",
            due_date=datetime.date(int(last[5:]), 5, 31),
        )
        afspraak_add(
            gesprek=earlier,
            user=zorg,
            access=user_flags(zorg, dossier),
            what="De school bezorgt de onthaalbrochure en de noodprocedure aan het LSC.",
            partner="school",
            due_date=datetime.date(int(last[:4]), 11, 30),
        )
        gesprek_plan(
            gesprek=earlier,
            user=anker,
            access=access,
            planned_for=timezone.make_aware(datetime.datetime(int(last[:4]), 10, 14, 14, 0)),
            place="Vergaderzaal De Regenboog",
            school_participants="directeur, zorgcoördinator",
            lsc_participants="ankerpersoon",
        )
        gesprek_advance(gesprek=earlier, user=anker, access=access, to=Gesprek.Status.GEHOUDEN)
        gesprek_advance(gesprek=earlier, user=anker, access=access, to=Gesprek.Status.AFGEROND)

    # the LSC's own version: the coördinator adds a question about the ondersteuner's desk
    draft, created = sjabloon_draft_start(lsc=lsc, user=coordinator)
    if created:
        practical = Onderdeel.objects.get(versie=draft, key=starter_key("praktisch"))
        vraag_add(
            versie=draft,
            user=coordinator,
            onderdeel=practical,
            text="Waar kan de ondersteuner rustig werken of een gesprek voeren?",
            kind="short_text",
            help_text="Een lokaal, de personeelsruimte, een vaste plek op dinsdag...",
        )
        versie_publish(versie=draft, user=coordinator)

    # this year: in preparation, carried over; the school has started on its part
    gesprek = gesprek_start(dossier=dossier, user=anker, access=user_flags(anker, dossier))
    answer(
        gesprek,
        zorg,
        {"prioriteit": "Welbevinden en een sterk klasklimaat", "verslagen_gc": 4},
    )
    earlier = gesprek.previous
    if earlier is not None:
        first = earlier.afspraken.order_by("pk").first()
        if first is not None:
            afspraak_evaluate(
                gesprek=gesprek,
                afspraak=first,
                user=anker,
                access=user_flags(anker, dossier),
                outcome="done",
                remark="Gegeven op de pedagogische studiedag van maart.",
            )
