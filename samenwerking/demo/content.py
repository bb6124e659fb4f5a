"""The demo region's section content: signals, consultation notes, documents, agreements and
a meeting, written through the sections' own services."""

import datetime
from decimal import Decimal

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


def load_leersteunvragen(orgs, users):
    """Leersteunvragen of De Regenboog and Sint-Jozef: two started and clustered across the two
    schools (their ondersteuner over capacity), a waiting list, one just registered, a
    team-oriented cluster; and the LSC's leersteunraad with two meetings and an allocation
    rule."""
    from leersteun.models import Leersteunvraag
    from leersteun.selectors.filters import filters_for
    from leersteun.services.capaciteit import capaciteit_save, vraag_assign
    from leersteun.services.clusters import cluster_add_vraag, cluster_create
    from leersteun.services.raad import lid_add, regel_save, vergadering_save
    from leersteun.services.vragen import Line, vraag_register, vraag_screen

    lsc = orgs["lsc"]
    if Leersteunvraag.objects.filter(lsc=lsc).exists():
        return
    anker, coordinator = users["anker@lsc.demo"], users["coordinator@lsc.demo"]
    ondersteuner = users["ondersteuner@lsc.demo"]
    regenboog = Dossier.objects.get(school=orgs["regenboog"])
    sintjozef = Dossier.objects.get(school=orgs["sintjozef"])
    zorg = users["zorg@regenboog.demo"]
    thema = {t.name: t for t in Thema.objects.all()}
    lezen = [t for name, t in thema.items() if name.startswith("Leren")][:1]
    welzijn = [t for name, t in thema.items() if name.startswith("Welbevinden")][:1]
    filters = filters_for(lsc.pk)

    def register(dossier, user, *, themas, **fields):
        return vraag_register(
            dossier=dossier, user=user, access=user_flags(user, dossier), themas=themas, **fields
        )

    def screen(vraag, decision, reason=""):
        lines = [Line(filter=f, state="met") for f in filters]
        return vraag_screen(
            vraag=vraag,
            user=anker,
            access=user_flags(anker, vraag.dossier),
            lines=lines,
            decision=decision,
            reason=reason,
        )

    lezen_3b = register(
        regenboog,
        zorg,
        themas=lezen,
        level="leerkracht",
        owner="leerkracht",
        label="Klas 3B",
        leervraag="Hoe differentieer ik bij begrijpend lezen zonder drie aparte lessen te geven?",
        phase_0_1="Leesgroepen op niveau en een leesplan voor de hele klas.",
        phase_2_3="De zorgleerkracht leest twee keer per week mee met de zwakste groep.",
        domains=["onderwijskunde", "coaching"],
    )
    lezen_4 = register(
        sintjozef,
        anker,
        themas=lezen,
        level="leerkracht",
        owner="zorgcoordinator",
        label="Vierde leerjaar",
        leervraag="Het team zoekt een aanpak voor teksten in wereldoriëntatie voor zwakke lezers.",
        phase_0_1="Voorleessoftware staat op alle laptops.",
        domains=["onderwijskunde"],
    )
    wacht_5a = register(
        regenboog,
        zorg,
        themas=lezen,
        level="leerling",
        owner="zorgcoordinator",
        label="L.V. 5A",
        leervraag="Welke redelijke aanpassingen helpen bij toetsen en taken?",
        verslag="iac",
        verslag_type="basisaanbod",
        domains=["doelgroep"],
    )
    wacht_2b = register(
        sintjozef,
        anker,
        themas=welzijn,
        level="leerling",
        owner="leerkracht",
        label="Groep 2B",
        leervraag="Hoe begeleiden we een leerling die vaak overprikkeld raakt in de klas?",
        verslag="gc",
        domains=["inclusie", "doelgroep"],
    )
    register(
        regenboog,
        zorg,
        themas=welzijn,
        level="schoolteam",
        owner="directie",
        label="Schoolteam",
        leervraag="Hoe bouwen we als team aan een rustig klasklimaat na de speeltijden?",
        domains=["inclusie", "coaching"],
    )
    for vraag in (lezen_3b, lezen_4):
        screen(vraag, "opgestart")
    screen(wacht_5a, "wachtlijst")
    screen(wacht_2b, "wachtlijst")
    # the demo is loaded in one go: let the first one have waited since the autumn holiday
    Leersteunvraag.objects.filter(pk=wacht_5a.pk).update(
        waiting_since=timezone.now() - datetime.timedelta(days=34)
    )
    for vraag, hours in ((lezen_3b, "3"), (lezen_4, "2")):
        vraag_assign(
            vraag=vraag,
            access=user_flags(anker, vraag.dossier),
            user=anker,
            priority="hoog",
            ondersteuner=ondersteuner,
            estimated_hours=Decimal(hours),
        )
    capaciteit_save(lsc_id=lsc.pk, user=coordinator, hours={ondersteuner.pk: Decimal("4")})
    lezen_cluster = cluster_create(
        lsc=lsc,
        user=anker,
        title="Begrijpend lezen in de tweede en derde graad",
        approach="leerkracht",
        plan="Vier co-teachingmomenten per school, daarna een intervisie met de leerkrachten.",
        ondersteuner=ondersteuner,
        estimated_hours=Decimal("5"),
    )
    for vraag in (lezen_3b, lezen_4):
        cluster_add_vraag(cluster=lezen_cluster, vraag_id=vraag.pk, user=anker)
    cluster_create(
        lsc=lsc,
        user=anker,
        title="Rustig klasklimaat",
        approach="schoolteam",
        plan="Een teamvorming en twee klasobservaties met nabespreking.",
    )

    # the leersteunraad: a parents' representative, two meetings, an allocation rule
    lid_add(lsc=lsc, user=coordinator, kind="ouders", name="Vertegenwoordiger van de ouderraden")
    today = timezone.localdate()
    schools = [orgs["regenboog"].pk, orgs["sintjozef"].pk]
    vergadering_save(
        lsc=lsc,
        user=coordinator,
        date=today - datetime.timedelta(days=70),
        agenda="1. Werking van het LSC\n2. Verdeling van de leersteun",
        decisions="De uren worden verdeeld naar het aantal leerlingen met een verslag.",
        present_schools=schools,
    )
    eerste = vergadering_save(
        lsc=lsc,
        user=coordinator,
        date=today - datetime.timedelta(days=10),
        agenda="1. Cijfers van het eerste trimester\n2. De wachtlijst",
        decisions="Vragen rond lezen worden voortaan gebundeld per graad.",
        present_schools=schools[:1],
    )
    regel_save(
        lsc=lsc,
        user=coordinator,
        title="Basisverdeling",
        text="Elke school krijgt minstens twee uur per week, de rest naar het aantal verslagen.",
        school=orgs["regenboog"],
        hours_per_week=Decimal("4"),
        decided_in=eerste,
    )
