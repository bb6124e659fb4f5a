"""The jaarverslag van de samenwerking: one PDF per person and school year, put together from
the parts the sections register, read back with poppler per persona.

It holds exactly what the person who asked reads, section by section and item by item (the
access module decides): the PBD begeleider's has no consultation content, the LSC
ankerpersoon's none of the signals, and each partner sees only the agreements and documents
whose audience is theirs. Real database; Celery is eager in the test settings.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from conftest import log_in
from consultatie.tests.factories import ConsultatieFactory, ThemaFactory
from dossier.afspraken.services import afspraak_create
from dossier.core.access import user_flags
from dossier.core.models import AuditEvent, Thema
from dossier.core.services import access_revoke
from dossier.documenten.services import document_upload
from dossier.overleg.services import overleg_save
from dossier.rapporten.jaarverslag import JAARVERSLAG, build_jaarverslag
from dossier.rapporten.models import Report
from dossier.rapporten.pdf import render_pdf
from dossier.rapporten.services import report_request
from leersteun.services.vragen import vraag_register
from samenwerking.schoolyear import school_year_of
from signalen.models import Bron
from signalen.services import aanvulling_add, signaal_create

YEAR = school_year_of(timezone.localdate())
KIND = JAARVERSLAG.key

SIGNAL_TITLE = "Meer meldingen van pesten op de speelplaats"
SIGNAL_ADVICE = "Werk klasgericht rond de speelplaatsafspraken."
NOTE_LABEL = "5B-rekenen"
NOTE_QUESTION = "Hoe houdt de klas de aandacht vast bij de instructie rekenen?"
NOTE_ADVICE = "Korte instructie en daarna oefenen in kleine groepjes met een timer."
NOTE_THEME = "Leren leren (jaarverslag)"
CLB_AGREEMENT = "Consultatiemomenten met het CLB"
CLB_AGREEMENT_TEXT = "Elke dinsdag een consultatiemoment in de zorgklas."
PBD_LSC_AGREEMENT = "Professionalisering met PBD en LSC"
MEETING_DECISION = "We plannen een studiedag over differentiatie in februari."
DOC_CLB = "Visietekst zorgbeleid"
DOC_LSC = "Folder leersteun voor ouders"
VRAAG_TEXT = "Hoe houden we de rust in een drukke klas tijdens het werken in hoeken?"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def a_busy_year(region) -> None:
    """One of everything in school A's dossier this school year, by the people who write it."""
    clb = user_flags(region.clb_medewerker_a, region.dossier_a)
    directie = user_flags(region.directie_a, region.dossier_a)
    signaal = signaal_create(
        dossier=region.dossier_a,
        author=region.clb_medewerker_a,
        access=clb,
        title=SIGNAL_TITLE,
        text="Zes ouders meldden pesten sinds de herfstvakantie.",
        thema=Thema.objects.get_or_create(name="Pesten (jaarverslag)")[0],
        bron=Bron.objects.get_or_create(name="Ouders (jaarverslag)")[0],
        school_year=YEAR,
    )
    aanvulling_add(
        signaal=signaal,
        author=region.clb_medewerker_a,
        access=clb,
        kind="advies",
        text=SIGNAL_ADVICE,
    )
    ConsultatieFactory(
        dossier=region.dossier_a,
        author=region.clb_medewerker_a,
        date=timezone.localdate(),
        label=NOTE_LABEL,
        question=NOTE_QUESTION,
        advice=NOTE_ADVICE,
        themas=[ThemaFactory(name=NOTE_THEME)],
    )
    evaluation = timezone.localdate() + datetime.timedelta(days=120)
    afspraak_create(
        dossier=region.dossier_a,
        user=region.directie_a,
        access=directie,
        title=CLB_AGREEMENT,
        topic="consultatie",
        evaluation_date=evaluation,
        summary=CLB_AGREEMENT_TEXT,
        parties={
            "school": (region.school_a, "De zorgcoördinator verzamelt de vragen."),
            "clb": (region.clb_a, "Het CLB-anker komt op dinsdag."),
        },
    )
    afspraak_create(
        dossier=region.dossier_a,
        user=region.directie_a,
        access=directie,
        title=PBD_LSC_AGREEMENT,
        topic="professionalisering",
        evaluation_date=evaluation,
        summary="Twee teamvormingen per schooljaar.",
        parties={
            "school": (region.school_a, "De directie plant de data."),
            "pbd": (region.pbd_a, "De PBD geeft de vorming."),
            "lsc": (region.lsc_a, "Het LSC deelt materiaal."),
        },
    )
    overleg_save(
        dossier=region.dossier_a,
        user=region.directie_a,
        access=directie,
        date=timezone.localdate(),
        agenda="Data van de leersteunwijzer bekijken.",
        decisions=MEETING_DECISION,
        school_participants="Directie en zorgcoördinator",
        clb_participants="CLB-anker",
        pbd_participants="Pedagogisch begeleider",
    )
    # one for the school and the CLB (the default), one for the school and the LSC only
    for title, for_clb, for_lsc in ((DOC_CLB, True, False), (DOC_LSC, False, True)):
        document_upload(
            dossier=region.dossier_a,
            user=region.directie_a,
            access=directie,
            uploaded=SimpleUploadedFile("tekst.txt", b"Een gedeelde tekst.", "text/plain"),
            title=title,
            kind="visietekst",
            school_year=YEAR,
            for_clb=for_clb,
            for_lsc=for_lsc,
        )
    vraag_register(
        dossier=region.dossier_a,
        user=region.zorg_a,
        access=user_flags(region.zorg_a, region.dossier_a),
        level="leerkracht",
        owner="leerkracht",
        label="L3-klasmanagement",
        leervraag=VRAAG_TEXT,
        domains=["coaching"],
    )


def built(region, user):
    """Template and context of ``user``'s jaarverslag, as a worker builds them (the row is
    marked done: the pipeline's one-pending-request rule is not what is tested here)."""
    report = Report.objects.create(
        dossier=region.dossier_a,
        kind=KIND,
        school_year=YEAR,
        requested_by=user,
        status=Report.Status.DONE,
    )
    report = Report.objects.select_related("dossier__school").get(pk=report.pk)
    return build_jaarverslag(report)


def pdf_text(template_name: str, context: dict, tmp_path: Path) -> str:
    """The PDF's text as a worker makes it (in the site's language), whitespace folded."""
    with translation.override("nl-be"):
        pdf = render_pdf(template_name, context, pdf_variant=JAARVERSLAG.pdf_variant)
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is missing: install poppler-utils"
    path = tmp_path / "jaarverslag.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        [pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    return " ".join(text.split())


def chapters(context) -> list[str]:
    return [chapter.key for chapter in context["chapters"]]


def test_the_directie_reads_every_part_of_the_year(region, tmp_path):
    a_busy_year(region)

    template, context = built(region, region.directie_a)
    text = pdf_text(template, context, tmp_path)

    assert chapters(context) == [
        "partners",
        "toegang",
        "signalen",
        "consultaties",
        "afspraken",
        "overleg",
        "leersteun",
        "documenten",
    ]
    for shown in (
        region.clb_a.name,
        region.pbd_a.name,
        SIGNAL_TITLE,
        SIGNAL_ADVICE,
        NOTE_LABEL,
        NOTE_QUESTION,
        NOTE_ADVICE,
        NOTE_THEME,
        CLB_AGREEMENT,
        CLB_AGREEMENT_TEXT,
        PBD_LSC_AGREEMENT,
        MEETING_DECISION,
        DOC_CLB,
        DOC_LSC,
        # who has access, and the grants the directie gave this year (from the audit log)
        str(region.pbd_begeleider_a),
    ):
        assert shown in text, shown
    # leersteun in figures only: no question's content
    assert VRAAG_TEXT not in text
    assert context["left_out"] == []


def test_a_clb_medewerker_reads_the_clb_side_of_the_year(region, tmp_path):
    a_busy_year(region)

    template, context = built(region, region.clb_medewerker_a)
    text = pdf_text(template, context, tmp_path)

    assert chapters(context) == [
        "partners",
        "signalen",
        "consultaties",
        "afspraken",
        "overleg",
        "leersteun",
        "documenten",
    ]
    for shown in (SIGNAL_TITLE, NOTE_QUESTION, NOTE_ADVICE, CLB_AGREEMENT, MEETING_DECISION):
        assert shown in text, shown
    # the agreement and the document that do not include the CLB, and the audit log
    for hidden in (PBD_LSC_AGREEMENT, DOC_LSC):
        assert hidden not in text, hidden
    assert DOC_CLB in text


def test_a_pbd_begeleiders_report_has_no_consultation_content(region, tmp_path):
    a_busy_year(region)

    template, context = built(region, region.pbd_begeleider_a)
    text = pdf_text(template, context, tmp_path)

    assert chapters(context) == ["partners", "signalen", "afspraken", "overleg", "documenten"]
    for hidden in (NOTE_LABEL, NOTE_QUESTION, NOTE_ADVICE, NOTE_THEME):
        assert hidden not in text, hidden
    # signals yes (the PBD reads them), and only the agreement that binds the PBD
    assert SIGNAL_TITLE in text
    assert PBD_LSC_AGREEMENT in text
    assert CLB_AGREEMENT not in text
    # no leersteun (the PBD does not read it) and no document shared only with CLB or LSC
    for hidden in (DOC_CLB, DOC_LSC, "L3-klasmanagement"):
        assert hidden not in text, hidden
    assert MEETING_DECISION in text


def test_an_lsc_ankerpersoons_report_has_none_of_the_signals(region, tmp_path):
    a_busy_year(region)

    template, context = built(region, region.lsc_anker_a)
    text = pdf_text(template, context, tmp_path)

    assert chapters(context) == ["partners", "afspraken", "overleg", "leersteun", "documenten"]
    for hidden in (SIGNAL_TITLE, SIGNAL_ADVICE, "Pesten (jaarverslag)", NOTE_QUESTION):
        assert hidden not in text, hidden
    assert PBD_LSC_AGREEMENT in text
    assert CLB_AGREEMENT not in text
    assert DOC_LSC in text
    assert DOC_CLB not in text
    assert MEETING_DECISION in text
    # the chapters it leaves out are named, so the reader knows the report is partial
    assert len(context["left_out"]) == 3


def test_the_report_is_built_with_the_access_of_today_not_of_the_request(region, tmp_path):
    """Asked for while the CLB medewerker had access, built after it was revoked: the report
    holds nothing of the dossier."""
    a_busy_year(region)
    report = Report.objects.create(
        dossier=region.dossier_a, kind=KIND, school_year=YEAR, requested_by=region.clb_medewerker_a
    )
    access_revoke(
        dossier=region.dossier_a,
        revoked_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=region.clb_medewerker_a,
    )

    report = Report.objects.select_related("dossier__school").get(pk=report.pk)
    template, context = build_jaarverslag(report)
    text = pdf_text(template, context, tmp_path)

    assert context["chapters"] == []
    assert not context["has_access"]
    for hidden in (SIGNAL_TITLE, NOTE_QUESTION, CLB_AGREEMENT, MEETING_DECISION):
        assert hidden not in text
    assert region.school_a.name in text  # the pages still say whose dossier it was


def test_every_note_in_the_report_is_audited_in_one_insert(region):
    a_busy_year(region)
    ConsultatieFactory(
        dossier=region.dossier_a, author=region.clb_medewerker_a, date=timezone.localdate()
    )

    with CaptureQueriesContext(connection) as queries:
        built(region, region.directie_a)

    events = AuditEvent.objects.filter(action="consultatie_in_report", actor=region.directie_a)
    assert events.count() == 2
    inserts = [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "dossier_auditevent"')]
    assert len(inserts) == 1
    # a report without the consultations chapter records nothing
    built(region, region.pbd_begeleider_a)
    assert not AuditEvent.objects.filter(
        action="consultatie_in_report", actor=region.pbd_begeleider_a
    ).exists()


def test_building_the_report_costs_the_same_whatever_the_size(region):
    """Every part reads its items in a fixed number of queries: a year with six times as much
    in every section costs as many queries as a year with one of each."""

    def queries_of_one_build() -> int:
        with CaptureQueriesContext(connection) as queries:
            built(region, region.directie_a)
        return len(queries)

    a_busy_year(region)
    small = queries_of_one_build()
    for _round in range(5):
        a_busy_year(region)
    assert queries_of_one_build() == small
    # the requester, their standing, each part's few queries and the one audit insert
    assert small <= 32


def test_asked_for_from_the_reports_page_it_is_made_and_only_its_requester_opens_it(
    client, region, django_capture_on_commit_callbacks
):
    a_busy_year(region)
    log_in(client, region.pbd_begeleider_a)
    url = reverse("rapporten:reports", kwargs={"pk": region.dossier_a.pk})

    page = client.get(url)
    assert page.status_code == 200
    assert 'value="jaarverslag"' in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"kind": KIND, "school_year": YEAR})
    assert response.status_code == 302
    report = Report.objects.get(kind=KIND)
    assert report.status == Report.Status.DONE
    assert report.requested_by == region.pbd_begeleider_a
    download = reverse(
        "rapporten:report_download",
        kwargs={"pk": region.dossier_a.pk, "reference": report.reference},
    )
    assert client.get(download).status_code == 200

    # the directie reads more than the PBD, but this report is not theirs: 404, as for anyone
    log_in(client, region.directie_a)
    assert client.get(download).status_code == 404
    status = reverse(
        "rapporten:report_status",
        kwargs={"pk": region.dossier_a.pk, "reference": report.reference},
    )
    assert client.get(status).status_code == 404


@pytest.mark.parametrize("school_year", ["1999-2000", "2025-2027", "twintig", "3000-3001", ""])
def test_a_school_year_out_of_range_is_refused_with_a_message(client, region, school_year):
    log_in(client, region.directie_a)
    url = reverse("rapporten:reports", kwargs={"pk": region.dossier_a.pk})

    response = client.post(url, {"kind": KIND, "school_year": school_year})

    assert response.status_code == 302
    assert not Report.objects.exists()
    [message] = list(get_messages(response.wsgi_request))
    assert message.level_tag == "error"
    assert str(message) == "Kies een schooljaar uit de lijst."  # in Dutch, never a 500


def test_a_jaarverslag_has_no_confidential_content_to_ask_for(region):
    with pytest.raises(ValidationError):
        report_request(
            dossier=region.dossier_a,
            kind=KIND,
            school_year=YEAR,
            requested_by=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
            include_confidential=True,
        )
    assert not Report.objects.exists()


def test_the_service_refuses_a_school_year_out_of_range(region):
    with pytest.raises(ValidationError):
        report_request(
            dossier=region.dossier_a,
            kind=KIND,
            school_year="1890-1891",
            requested_by=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
        )
    assert not Report.objects.exists()


def test_a_year_without_anything_says_so_in_each_part(region, tmp_path):
    template, context = built(region, region.directie_a)
    text = pdf_text(template, context, tmp_path)

    assert region.school_a.name in text
    assert len(context["chapters"]) == 8
