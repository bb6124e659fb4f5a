"""The minutes of a structural meeting as a PDF: asked for from the meeting's page, made by the
report pipeline, read back with poppler. Real database; Celery is eager in the test settings and
the on-commit callbacks are run, so a request comes back as a finished report.

Everyone who reads the meeting may have its minutes (the PBD begeleider with a read grant too);
the documents and agreements it links are listed only for those who may see them.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import log_in
from dossier.core.access import user_flags
from dossier.overleg.models import StructureelOverleg
from dossier.overleg.reports import OVERLEG_REPORT, build_overleg_report
from dossier.overleg.services import overleg_save
from dossier.overleg.tests.test_overleg import a_document, an_afspraak
from dossier.rapporten.models import Report
from dossier.rapporten.services import report_request
from dossier.rapporten.tests.readback import (
    assert_every_page_has,
    assert_in_order,
    assert_tagged_pdf_ua,
    dutch,
    pdf_text,
)
from samenwerking.schoolyear import school_year_of

KIND = OVERLEG_REPORT.key
DATE = timezone.localdate()
NEXT = DATE + datetime.timedelta(days=42)
YEAR = school_year_of(DATE)

SCHOOL = "An Peeters (zorgcoördinator), Bert Claes (directie)"
CLB = "Chris Janssens (CLB-anker)"
PBD = "Dirk Wouters (pedagogisch begeleider)"
LSC = "Els Maes (ankerpersoon)"
AGENDA = "1. De cijfers van de datawijzer bespreken.\n2. De nascholing voor het voorjaar."
DATA = "Datawijzer 2025, de leersteunwijzer en de cijfers van het CLB over afwezigheden."
DECISIONS = "Het team volgt in maart een nascholing over differentiatie."
DOCUMENT = "Datawijzer van de school"  # audience: school and CLB
AGREEMENT = "Afspraken over de nascholing"  # binds school and CLB


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Report files go to a folder of this test, never to var/media of the checkout."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def record(region, *, documents=(), afspraken=(), **fields) -> StructureelOverleg:
    values = {
        "date": DATE,
        "school_participants": SCHOOL,
        "clb_participants": CLB,
        "pbd_participants": PBD,
        "lsc_participants": LSC,
        "agenda": AGENDA,
        "data_reflected_on": DATA,
        "decisions": DECISIONS,
        "next_meeting_date": NEXT,
        "minutes_keeper": "school",
    }
    return overleg_save(
        dossier=region.dossier_a,
        user=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        documents=list(documents),
        afspraken=list(afspraken),
        **(values | fields),
    )


@pytest.fixture
def overleg(region) -> StructureelOverleg:
    """The meeting of today, linking a document and an agreement of the school and the CLB."""
    return record(
        region,
        documents=[a_document(region, title=DOCUMENT)],
        afspraken=[an_afspraak(region, title=AGREEMENT)],
    )


def report_url(region, overleg) -> str:
    return reverse(
        "overleg:overleg_report", kwargs={"pk": region.dossier_a.pk, "overleg_pk": overleg.pk}
    )


def ask(client, region, overleg, user, capture) -> tuple[object, Report | None]:
    log_in(client, user)
    with capture(execute=True):
        response = client.post(report_url(region, overleg))
    report = Report.objects.filter(requested_by=user, kind=KIND).order_by("-pk").first()
    return response, report


def test_the_pbd_begeleider_with_a_read_grant_gets_the_minutes(
    client, region, overleg, django_capture_on_commit_callbacks
):
    response, report = ask(
        client, region, overleg, region.pbd_begeleider_a, django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("rapporten:reports", kwargs={"pk": region.dossier_a.pk})
    assert [m.level for m in get_messages(response.wsgi_request)] == [messages.SUCCESS]
    assert report.status == Report.Status.DONE, report.error
    assert (report.subject_id, report.school_year) == (overleg.pk, YEAR)
    text = pdf_text(report.file.path)
    # participants per partner, agenda, data, decisions, next date: in the meeting's order
    assert_in_order(
        text,
        dutch("Structural meeting of %(date)s") % {"date": DATE.strftime("%d/%m/%Y")},
        dutch("For the school"),
        SCHOOL,
        dutch("For the CLB"),
        CLB,
        dutch("For the PBD"),
        PBD,
        dutch("For the LSC"),
        LSC,
        "1. De cijfers van de datawijzer bespreken.",
        "2. De nascholing voor het voorjaar.",
        DATA,
        DECISIONS,
        NEXT.strftime("%d/%m/%Y"),
    )
    # the document and the agreement are the school's and the CLB's: not for the PBD
    assert DOCUMENT not in text
    assert AGREEMENT not in text
    assert dutch("This meeting links no documents or agreements that you may see.") in text
    assert_every_page_has(report.file.path, region.school_a.name)
    assert_tagged_pdf_ua(report.file.path)


def test_the_school_gets_the_titles_of_what_the_meeting_links(
    client, region, overleg, django_capture_on_commit_callbacks
):
    _response, report = ask(
        client, region, overleg, region.directie_a, django_capture_on_commit_callbacks
    )
    assert report.status == Report.Status.DONE, report.error
    text = pdf_text(report.file.path)
    assert_in_order(text, DECISIONS, NEXT.strftime("%d/%m/%Y"), DOCUMENT, AGREEMENT)


def test_the_lsc_gets_the_minutes_without_what_it_may_not_see(
    client, region, overleg, django_capture_on_commit_callbacks
):
    _response, report = ask(
        client, region, overleg, region.lsc_anker_a, django_capture_on_commit_callbacks
    )
    assert report.status == Report.Status.DONE, report.error
    text = pdf_text(report.file.path)
    assert DECISIONS in text and LSC in text
    assert DOCUMENT not in text and AGREEMENT not in text


def test_the_reports_page_lists_it_by_its_date(
    client, region, overleg, django_capture_on_commit_callbacks
):
    _response, report = ask(
        client, region, overleg, region.pbd_begeleider_a, django_capture_on_commit_callbacks
    )
    assert report.subject_label == DATE.strftime("%d/%m/%Y")
    content = client.get(reverse("rapporten:reports", kwargs={"pk": region.dossier_a.pk}))
    assert report.title in content.content.decode()
    download = reverse(
        "rapporten:report_download",
        kwargs={"pk": region.dossier_a.pk, "reference": report.reference},
    )
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_school_s_report_does_not_open_for_the_pbd_with_its_reference(
    client, region, overleg, django_capture_on_commit_callbacks
):
    """It lists a document and an agreement the PBD may not see."""
    _r, report = ask(client, region, overleg, region.directie_a, django_capture_on_commit_callbacks)
    log_in(client, region.pbd_begeleider_a)
    for name in ("rapporten:report_status", "rapporten:report_download"):
        url = reverse(name, kwargs={"pk": region.dossier_a.pk, "reference": report.reference})
        assert client.get(url).status_code == 404
    # the CLB, which sees both, opens it
    log_in(client, region.clb_medewerker_a)
    url = reverse(
        "rapporten:report_download",
        kwargs={"pk": region.dossier_a.pk, "reference": report.reference},
    )
    assert client.get(url).status_code == 200


def test_the_pbd_s_report_opens_for_the_school(
    client, region, overleg, django_capture_on_commit_callbacks
):
    _r, report = ask(
        client, region, overleg, region.pbd_begeleider_a, django_capture_on_commit_callbacks
    )
    log_in(client, region.zorg_a)
    url = reverse(
        "rapporten:report_status", kwargs={"pk": region.dossier_a.pk, "reference": report.reference}
    )
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "who", ["directie_b", "leerkracht_a", "clb_medewerker_other", "platform_admin"]
)
def test_outsiders_get_404(client, region, overleg, who):
    log_in(client, getattr(region, who))
    assert client.post(report_url(region, overleg)).status_code == 404
    assert not Report.objects.exists()


def test_a_meeting_of_another_dossier_is_404(client, region):
    elsewhere = overleg_save(
        dossier=region.dossier_b,
        user=region.directie_b,
        access=user_flags(region.directie_b, region.dossier_b),
        date=DATE,
        agenda="Een andere school",
        minutes_keeper="school",
    )
    log_in(client, region.directie_a)
    assert client.post(report_url(region, elsewhere)).status_code == 404
    with pytest.raises(ValidationError):
        report_request(
            dossier=region.dossier_a,
            kind=KIND,
            school_year=YEAR,
            requested_by=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
            subject_id=elsewhere.pk,
        )
    assert not Report.objects.exists()


def test_a_meeting_is_filed_under_its_own_school_year(region, overleg):
    with pytest.raises(ValidationError):
        report_request(
            dossier=region.dossier_a,
            kind=KIND,
            school_year=school_year_of(DATE - datetime.timedelta(days=366)),
            requested_by=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
            subject_id=overleg.pk,
        )


def test_a_double_request_returns_the_same_report(
    client, region, overleg, django_capture_on_commit_callbacks
):
    _r, first = ask(client, region, overleg, region.zorg_a, django_capture_on_commit_callbacks)
    _r, second = ask(client, region, overleg, region.zorg_a, django_capture_on_commit_callbacks)
    assert first.pk == second.pk
    assert Report.objects.filter(kind=KIND).count() == 1


def test_the_meeting_page_offers_the_pdf_to_every_reader(client, region, overleg):
    detail = reverse(
        "overleg:overleg_detail", kwargs={"pk": region.dossier_a.pk, "overleg_pk": overleg.pk}
    )
    for user in (region.directie_a, region.pbd_begeleider_a):
        log_in(client, user)
        assert report_url(region, overleg) in client.get(detail).content.decode()


def test_a_meeting_without_data_or_decisions_says_so(
    client, region, django_capture_on_commit_callbacks
):
    bare = record(
        region,
        school_participants="",
        clb_participants="",
        pbd_participants="",
        lsc_participants="",
        data_reflected_on="",
        decisions="",
        next_meeting_date=None,
    )
    _r, report = ask(client, region, bare, region.directie_a, django_capture_on_commit_callbacks)
    text = pdf_text(report.file.path)
    assert_in_order(
        text,
        dutch("No participants were recorded."),
        AGENDA.splitlines()[0],
        dutch("No data were recorded."),
        dutch("No decisions were recorded."),
        dutch("Not planned yet"),
    )


def test_long_minutes_number_their_pages_and_name_the_school_on_each(
    client, region, django_capture_on_commit_callbacks
):
    line = "We bekeken de cijfers per leerjaar en spraken af wie wat opvolgt.\n"
    long = record(
        region,
        agenda=(line * 70)[:4000],
        data_reflected_on=(line * 40)[:2000],
        decisions=(line * 70)[:4000],
    )
    _r, report = ask(client, region, long, region.directie_a, django_capture_on_commit_callbacks)
    assert report.status == Report.Status.DONE, report.error
    pages = assert_every_page_has(report.file.path, region.school_a.name)
    assert len(pages) >= 3


def test_the_build_costs_the_same_with_one_and_eight_linked_items(region):
    def queries(count: int) -> int:
        meeting = record(
            region,
            documents=[a_document(region, title=f"Document {n}") for n in range(count)],
            afspraken=[an_afspraak(region, title=f"Afspraak {n}") for n in range(count)],
        )
        report = Report.objects.create(
            dossier=region.dossier_a,
            kind=KIND,
            school_year=YEAR,
            requested_by=region.directie_a,
            subject_id=meeting.pk,
        )
        report = Report.objects.select_related("dossier__school").get(pk=report.pk)
        with CaptureQueriesContext(connection) as captured:
            _template, context = build_overleg_report(report)
        assert len(context["documents"]) == len(context["afspraken"]) == count
        return len(captured)

    assert queries(1) == queries(8)
