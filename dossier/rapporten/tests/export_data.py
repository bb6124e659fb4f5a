"""A dossier with two school years of every section, for the export's tests, and a second
school whose content carries a marker that must never appear in school A's export."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consultatie.services import consultatie_create
from consultatie.tests.factories import ThemaFactory
from dossier.afspraken.services import afspraak_approve, afspraak_change, afspraak_create
from dossier.core.access import user_flags
from dossier.core.services import AccessLevel, access_grant
from dossier.documenten.services import document_new_version, document_upload
from dossier.overleg.services import overleg_save
from leersteun.services.gesprek import afspraak_add, gesprek_start
from leersteun.tests.factories import version_with
from samenwerking.schoolyear import school_year_of
from signalen.services import aanvulling_add
from signalen.tests.factories import BronFactory, SignaalFactory

YEAR = school_year_of(timezone.localdate())
START = int(YEAR[:4])
LAST_YEAR = f"{START - 1}-{START}"
# what school B's content says: never in school A's export
MARKER_B = "Zebrapad-Lievens"


def text_file(name: str, content: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode("utf-8"), "text/plain")


def fill_school_a(region) -> dict:
    """Two school years of signals, notes, documents (one with two versions, two with the same
    title, one with a hostile file name), an approved and a draft agreement, meetings and a
    samenwerkingsgesprek in school A's dossier."""
    dossier = region.dossier_a
    clb, directie = region.clb_medewerker_a, region.directie_a
    clb_access, directie_access = user_flags(clb, dossier), user_flags(directie, dossier)
    thema, bron = ThemaFactory(name="Welbevinden"), BronFactory(name="Ouders")
    signals = []
    for year in (LAST_YEAR, YEAR):
        signaal = SignaalFactory(
            dossier=dossier,
            author=clb,
            title=f"Meer pestmeldingen {year}",
            text="=SUM(A1:A9) ouders melden pesten op de speelplaats.",
            thema=thema,
            bron=bron,
            school_year=year,
        )
        aanvulling_add(
            signaal=signaal,
            author=clb,
            access=clb_access,
            kind="duiding",
            text=f"Duiding van {year}: het gebeurt vooral na de middag.",
        )
        signals.append(signaal)
    notes = [
        consultatie_create(
            dossier=dossier,
            author=clb,
            access=clb_access,
            themas=[ThemaFactory(name="Leren leren")],
            date=datetime.date(START - 1 + (index // 2), 10, 1 + index),
            asked_by="zorgcoordinator",
            subject_kind="klas",
            label=f"5A-{index}",
            question=f"Hoe houden we de aandacht vast (vraag {index})?",
            analysis="De instructie duurt lang.",
            advice="Korte instructie met een timer.",
            next_steps="Drie weken proberen.",
        )
        for index in range(3)
    ]
    versions = document_upload(
        dossier=dossier,
        user=directie,
        access=directie_access,
        uploaded=text_file("visie.txt", "Eerste versie van de visietekst."),
        title="Visietekst zorgbeleid",
        kind="visietekst",
        school_year=YEAR,
    )
    document_new_version(
        document=versions,
        user=directie,
        access=directie_access,
        uploaded=text_file("visie.txt", "Tweede versie van de visietekst."),
    )
    twins = [
        document_upload(
            dossier=dossier,
            user=directie,
            access=directie_access,
            uploaded=text_file(f"verslag-{n}.txt", f"Verslag nummer {n}."),
            title="Verslag",
            kind="verslag",
            school_year=LAST_YEAR,
        )
        for n in (1, 2)
    ]
    hostile = document_upload(
        dossier=dossier,
        user=directie,
        access=directie_access,
        uploaded=text_file("..%2F..%2Fetc.txt", "Een bestand met een vreemde naam."),
        title="../../Geheim/..",
        kind="andere",
        school_year=YEAR,
        for_clb=False,
    )
    parties = {
        "school": (region.school_a, "De zorgcoördinator volgt op."),
        "clb": (region.clb_a, "Het CLB plant de consultaties."),
    }
    fields = {
        "title": "Consultatiemomenten",
        "topic": "consultatie",
        "evaluation_date": datetime.date(START + 1, 5, 1),
        "summary": "Elke maand een consultatiemoment.",
        "parties": parties,
    }
    approved = afspraak_create(dossier=dossier, user=directie, access=directie_access, **fields)
    for user, access in ((directie, directie_access), (clb, clb_access)):
        afspraak_approve(afspraak=approved, user=user, access=access)
    afspraak_change(
        afspraak=approved,
        user=directie,
        access=directie_access,
        **fields | {"summary": "Elke twee weken een consultatiemoment (ontwerp)."},
    )
    draft = afspraak_create(
        dossier=dossier,
        user=directie,
        access=directie_access,
        **fields | {"title": "Signalen bespreken", "topic": "signalen"},
    )
    meetings = [
        overleg_save(
            dossier=dossier,
            user=directie,
            access=directie_access,
            date=day,
            agenda=f"Cijfers van het CLB bekijken ({day:%d/%m/%Y}).",
            decisions="We volgen het welbevinden op.",
            minutes_keeper="school",
            documents=[versions],
        )
        for day in (
            datetime.date(START - 1, 11, 20),
            min(datetime.date(START, 9, 20), timezone.localdate()),
        )
    ]
    lsc_access = user_flags(region.lsc_anker_a, dossier)
    version_with(sjabloon__lsc=region.lsc_a, published=True, questions=2)
    gesprek = gesprek_start(dossier=dossier, user=region.lsc_anker_a, access=lsc_access)
    afspraak_add(
        gesprek=gesprek,
        user=region.lsc_anker_a,
        access=lsc_access,
        what="De school stuurt de vragen vooraf door.",
        partner="school",
    )
    return {
        "signals": signals,
        "notes": notes,
        "documents": [versions, *twins, hostile],
        "approved": approved,
        "draft": draft,
        "meetings": meetings,
        "gesprek": gesprek,
    }


def fill_school_b(region) -> None:
    """School B's own signal, note, document and meeting, each carrying ``MARKER_B``."""
    dossier = region.dossier_b
    directie = region.directie_b
    access = user_flags(directie, dossier)
    clb = region.clb_medewerker_other
    access_grant(
        dossier=dossier, granted_by=directie, access=access, user=clb, level=AccessLevel.CONTRIBUTE
    )
    clb_access = user_flags(clb, dossier)
    SignaalFactory(
        dossier=dossier,
        author=clb,
        title=f"{MARKER_B} signaal",
        text=f"{MARKER_B} tekst",
        school_year=YEAR,
    )
    consultatie_create(
        dossier=dossier,
        author=clb,
        access=clb_access,
        themas=[ThemaFactory(name=f"{MARKER_B} thema")],
        date=timezone.localdate(),
        asked_by="directie",
        subject_kind="groep",
        label="B-1",
        question=f"{MARKER_B} vraag",
    )
    document_upload(
        dossier=dossier,
        user=directie,
        access=access,
        uploaded=text_file("b.txt", f"{MARKER_B} document"),
        title=f"{MARKER_B} document",
        kind="andere",
        school_year=LAST_YEAR,
    )
    overleg_save(
        dossier=dossier,
        user=directie,
        access=access,
        date=datetime.date(START - 1, 12, 1),
        agenda=f"{MARKER_B} agenda",
        minutes_keeper="school",
    )
