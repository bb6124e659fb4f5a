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
