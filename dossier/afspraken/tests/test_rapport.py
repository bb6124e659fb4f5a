"""An approved samenwerkingsafspraak as a PDF: asked for from the agreement's page, made by the
report pipeline, read back with poppler. Real database; Celery is eager in the test settings and
the on-commit callbacks are run, so a request comes back as a finished report.

The agreement binds school A and CLB A: the directie and the CLB medewerker may have its PDF;
the LSC and the PBD, whom it does not bind, get 404 for the request and for the report.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import log_in
from dossier.afspraken.models import Samenwerkingsafspraak
from dossier.afspraken.reports import AFSPRAAK_REPORT, build_afspraak_report
from dossier.afspraken.services import afspraak_approve, afspraak_change, afspraak_create
from dossier.core.access import user_flags
from dossier.rapporten.models import Failure, Report
from dossier.rapporten.services import report_generate, report_request
from dossier.rapporten.tests.readback import (
    assert_every_page_has,
    assert_in_order,
    assert_tagged_pdf_ua,
    dutch,
    pdf_text,
)
from samenwerking.schoolyear import school_year_of

KIND = AFSPRAAK_REPORT.key
YEAR = school_year_of(timezone.localdate())

TITLE = "Consultatiemomenten op dinsdag"
SUMMARY = "Elke tweede dinsdag is er een consultatiemoment op school, in het lokaal naast het secretariaat."
SCHOOL_DOES = "De zorgcoördinator verzamelt de vragen per klas en stuurt ze de vrijdag ervoor door."
CLB_DOES = "Het CLB-anker komt elke tweede dinsdag en noteert het advies in het dossier."
NEW_SUMMARY = "Voortaan elke week een consultatiemoment, ook tijdens de examenperiode."


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Report files go to a folder of this test, never to var/media of the checkout."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def access_of(user, dossier):
    return user_flags(user, dossier)


def draft(region, *, summary=SUMMARY, school_does=SCHOOL_DOES, clb_does=CLB_DOES):
    return afspraak_create(
        dossier=region.dossier_a,
        user=region.directie_a,
        access=access_of(region.directie_a, region.dossier_a),
        title=TITLE,
        topic=Samenwerkingsafspraak.Topic.CONSULTATIE,
        evaluation_date=datetime.date(2027, 6, 1),
        summary=summary,
        parties={
            "school": (region.school_a, school_does),
            "clb": (region.clb_a, clb_does),
        },
    )


def approve_all(region, afspraak) -> None:
    for user in (region.directie_a, region.clb_medewerker_a):
        afspraak_approve(afspraak=afspraak, user=user, access=access_of(user, region.dossier_a))


@pytest.fixture
def afspraak(region) -> Samenwerkingsafspraak:
    """Approved by the directie of A and the CLB medewerker of CLB A."""
    afspraak = draft(region)
    approve_all(region, afspraak)
    return afspraak


def report_url(region, afspraak) -> str:
    return reverse(
        "afspraken:afspraak_report", kwargs={"pk": region.dossier_a.pk, "afspraak_pk": afspraak.pk}
    )


def ask(client, region, afspraak, user, capture) -> tuple[object, Report | None]:
    log_in(client, user)
    with capture(execute=True):
        response = client.post(report_url(region, afspraak))
    report = Report.objects.filter(requested_by=user, kind=KIND).order_by("-pk").first()
    return response, report


@pytest.mark.parametrize("who", ["directie_a", "clb_medewerker_a"])
def test_a_partner_it_binds_gets_the_approved_version_as_a_pdf(
    client, region, afspraak, django_capture_on_commit_callbacks, who
):
    response, report = ask(
        client, region, afspraak, getattr(region, who), django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("rapporten:reports", kwargs={"pk": region.dossier_a.pk})
    assert [m.level for m in get_messages(response.wsgi_request)] == [messages.SUCCESS]
    assert report.status == Report.Status.DONE, report.error
    version = afspraak.versies.get()
    assert (report.subject_id, report.school_year) == (version.pk, YEAR)
    text = pdf_text(report.file.path)
    # the version, the text, each partner with what it does and who approved it, in that order
    assert_in_order(
        text,
        TITLE,
        dutch("version %(number)s, written on %(date)s")
        % {"number": 1, "date": timezone.localtime(version.created_at).strftime("%d/%m/%Y")},
        SUMMARY,
        region.school_a.name,
        SCHOOL_DOES,
        str(region.directie_a),
        region.clb_a.name,
        CLB_DOES,
        str(region.clb_medewerker_a),
    )
    for partij in version.partijen.all():
        approved = timezone.localtime(partij.approved_at)
        assert approved.strftime("%d/%m/%Y") in text and approved.strftime("%H:%M") in text
    assert_every_page_has(report.file.path, region.school_a.name)
    assert_tagged_pdf_ua(report.file.path)


def test_the_reports_page_lists_it_by_title_and_version(
    client, region, afspraak, django_capture_on_commit_callbacks
):
    _response, report = ask(
        client, region, afspraak, region.directie_a, django_capture_on_commit_callbacks
    )
    page = client.get(reverse("rapporten:reports", kwargs={"pk": region.dossier_a.pk}))
    content = page.content.decode()
    assert report.title in content
    assert TITLE in report.subject_label and report.subject_label in report.title
    download = reverse(
        "rapporten:report_download",
        kwargs={"pk": region.dossier_a.pk, "reference": report.reference},
    )
    assert download in content
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="samenwerkingsafspraak-{region.school_a.instellingsnummer}-'
    )


def test_the_agreement_page_offers_the_pdf_once_it_is_approved(client, region):
    afspraak = draft(region)
    log_in(client, region.directie_a)
    detail = reverse(
        "afspraken:afspraak_detail", kwargs={"pk": region.dossier_a.pk, "afspraak_pk": afspraak.pk}
    )
    assert report_url(region, afspraak) not in client.get(detail).content.decode()
    approve_all(region, afspraak)
    assert report_url(region, afspraak) in client.get(detail).content.decode()


def test_a_draft_is_not_made_into_a_pdf(client, region, django_capture_on_commit_callbacks):
    afspraak = draft(region)
    afspraak_approve(
        afspraak=afspraak,
        user=region.directie_a,
        access=access_of(region.directie_a, region.dossier_a),
    )  # the CLB has not approved yet

    response, report = ask(
        client, region, afspraak, region.directie_a, django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "afspraken:afspraak_detail", kwargs={"pk": region.dossier_a.pk, "afspraak_pk": afspraak.pk}
    )
    assert [m.level for m in get_messages(response.wsgi_request)] == [messages.ERROR]
    assert report is None
    # nor through the service, for the version's id
    with pytest.raises(ValidationError):
        report_request(
            dossier=region.dossier_a,
            kind=KIND,
            school_year=YEAR,
            requested_by=region.directie_a,
            access=access_of(region.directie_a, region.dossier_a),
            subject_id=afspraak.versies.get().pk,
        )
    assert not Report.objects.exists()


def test_while_a_new_version_waits_the_pdf_is_the_approved_one(
    client, region, afspraak, django_capture_on_commit_callbacks
):
    afspraak_change(
        afspraak=afspraak,
        user=region.directie_a,
        access=access_of(region.directie_a, region.dossier_a),
        title=TITLE,
        topic=afspraak.topic,
        evaluation_date=afspraak.evaluation_date,
        summary=NEW_SUMMARY,
        parties={"school": (region.school_a, SCHOOL_DOES), "clb": (region.clb_a, CLB_DOES)},
    )

    _response, report = ask(
        client, region, afspraak, region.clb_medewerker_a, django_capture_on_commit_callbacks
    )

    assert report.status == Report.Status.DONE, report.error
    assert report.subject_id == afspraak.versies.get(number=1).pk
    text = pdf_text(report.file.path)
    assert SUMMARY in text
    assert NEW_SUMMARY not in text  # the draft of version 2
    assert (
        dutch(
            "A newer version (%(number)s) of this agreement has been written and is waiting "
            "for the partners' approval. This PDF shows the version they approved."
        )
        % {"number": 2}
        in text
    )


@pytest.mark.parametrize(
    "who", ["lsc_anker_a", "pbd_begeleider_a", "directie_b", "leerkracht_a", "platform_admin"]
)
def test_a_partner_it_does_not_bind_and_outsiders_get_404(client, region, afspraak, who):
    log_in(client, getattr(region, who))
    assert client.post(report_url(region, afspraak)).status_code == 404
    assert not Report.objects.exists()


def test_the_service_refuses_a_partner_it_does_not_bind(region, afspraak):
    """Past the view too: the kind's check decides (the views turn it into 404)."""
    with pytest.raises(PermissionDenied):
        report_request(
            dossier=region.dossier_a,
            kind=KIND,
            school_year=YEAR,
            requested_by=region.lsc_anker_a,
            access=access_of(region.lsc_anker_a, region.dossier_a),
            subject_id=afspraak.versies.get().pk,
        )


@pytest.mark.parametrize("who", ["lsc_anker_a", "pbd_begeleider_a"])
def test_its_reference_does_not_open_it_for_a_partner_it_does_not_bind(
    client, region, afspraak, django_capture_on_commit_callbacks, who
):
    _r, report = ask(
        client, region, afspraak, region.directie_a, django_capture_on_commit_callbacks
    )
    log_in(client, getattr(region, who))
    for name in ("rapporten:report_status", "rapporten:report_download"):
        url = reverse(name, kwargs={"pk": region.dossier_a.pk, "reference": report.reference})
        assert client.get(url).status_code == 404
    # the CLB, which it binds, opens it
    log_in(client, region.clb_medewerker_a)
    url = reverse(
        "rapporten:report_download",
        kwargs={"pk": region.dossier_a.pk, "reference": report.reference},
    )
    assert client.get(url).status_code == 200


def test_an_agreement_of_another_dossier_is_404(client, region, afspraak):
    log_in(client, region.directie_b)
    url = reverse(
        "afspraken:afspraak_report",
        kwargs={"pk": region.dossier_b.pk, "afspraak_pk": afspraak.pk},
    )
    assert client.post(url).status_code == 404
    with pytest.raises(ValidationError):
        report_request(
            dossier=region.dossier_b,
            kind=KIND,
            school_year=YEAR,
            requested_by=region.directie_b,
            access=access_of(region.directie_b, region.dossier_b),
            subject_id=afspraak.versies.get().pk,
        )


def test_a_double_request_returns_the_same_report(
    client, region, afspraak, django_capture_on_commit_callbacks
):
    _r, first = ask(client, region, afspraak, region.directie_a, django_capture_on_commit_callbacks)
    _r, second = ask(
        client, region, afspraak, region.directie_a, django_capture_on_commit_callbacks
    )
    assert first.pk == second.pk
    assert Report.objects.filter(kind=KIND).count() == 1


def test_a_requester_it_no_longer_binds_gets_no_pdf_but_a_clear_message(region, afspraak):
    """The render checks again: the CLB asked, then a new version bound the PBD instead."""
    version = afspraak.versies.get()
    report = Report.objects.create(
        dossier=region.dossier_a,
        kind=KIND,
        school_year=YEAR,
        requested_by=region.clb_medewerker_a,
        subject_id=version.pk,
    )
    afspraak_change(
        afspraak=afspraak,
        user=region.directie_a,
        access=access_of(region.directie_a, region.dossier_a),
        title=TITLE,
        topic=afspraak.topic,
        evaluation_date=afspraak.evaluation_date,
        summary=NEW_SUMMARY,
        parties={
            "school": (region.school_a, SCHOOL_DOES),
            "pbd": (region.pbd_a, "De PBD-begeleider ondersteunt het team."),
        },
    )

    assert report_generate(report_id=report.pk) is False

    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert report.error == Failure.NO_ACCESS
    assert not report.file
    assert report.failure_message == dutch(
        "The report was not made: you no longer have access to what it is about."
    )


def test_the_build_costs_the_same_with_two_and_four_partners(region):
    def queries(parties) -> int:
        afspraak = afspraak_create(
            dossier=region.dossier_a,
            user=region.directie_a,
            access=access_of(region.directie_a, region.dossier_a),
            title=f"Afspraak met {len(parties)} partners",
            topic=Samenwerkingsafspraak.Topic.ANDERE,
            evaluation_date=datetime.date(2027, 6, 1),
            summary=SUMMARY,
            parties=parties,
        )
        approvers = {
            "school": region.directie_a,
            "clb": region.clb_medewerker_a,
            "lsc": region.lsc_anker_a,
        }
        for kind in parties:
            if kind in approvers:
                user = approvers[kind]
                afspraak_approve(
                    afspraak=afspraak, user=user, access=access_of(user, region.dossier_a)
                )
        # the PBD begeleider has a read grant and cannot approve: recorded here directly
        afspraak.versies.get().partijen.filter(kind="pbd").update(
            approved_by=region.pbd_begeleider_a, approved_at=timezone.now()
        )
        report = Report.objects.create(
            dossier=region.dossier_a,
            kind=KIND,
            school_year=YEAR,
            requested_by=region.directie_a,
            subject_id=afspraak.versies.get().pk,
        )
        report = Report.objects.select_related("dossier__school").get(pk=report.pk)
        with CaptureQueriesContext(connection) as captured:
            _template, context = build_afspraak_report(report)
            for partij in context["parties"]:
                str(partij.organisation.name), str(partij.approved_by)
        return len(captured)

    two = queries({"school": (region.school_a, SCHOOL_DOES), "clb": (region.clb_a, CLB_DOES)})
    four = queries(
        {
            "school": (region.school_a, SCHOOL_DOES),
            "clb": (region.clb_a, CLB_DOES),
            "pbd": (region.pbd_a, "De PBD-begeleider ondersteunt het team."),
            "lsc": (region.lsc_a, "Het LSC geeft een teamvorming."),
        }
    )
    assert two == four


def test_a_long_agreement_numbers_its_pages_and_names_the_school_on_each(
    client, region, django_capture_on_commit_callbacks
):
    sentence = "Het CLB en de school bespreken samen welke vragen voorrang krijgen. "
    afspraak = draft(
        region,
        summary=(sentence * 60)[:4000],
        school_does=(sentence * 30)[:2000],
        clb_does=(sentence * 30)[:2000],
    )
    approve_all(region, afspraak)

    _r, report = ask(
        client, region, afspraak, region.directie_a, django_capture_on_commit_callbacks
    )

    assert report.status == Report.Status.DONE, report.error
    pages = assert_every_page_has(report.file.path, region.school_a.name)
    assert len(pages) >= 2
