"""The dossier export from the reports page: asked for by the directie (Celery runs eagerly in
the tests, so it is made during the request), its row, its download (audit-logged, a ZIP that
nobody else opens), and what the pages cost."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from accounts.roles import Role
from conftest import log_in, member
from dossier.core.models import AuditEvent
from dossier.rapporten.export import EXPORT
from dossier.rapporten.models import Report
from dossier.rapporten.section import REPORT_DOWNLOADED
from dossier.rapporten.tests.export_data import fill_school_a

pytestmark = pytest.mark.django_db

REQUEST_OVERHEAD = 2


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def reports_url(region) -> str:
    return reverse("rapporten:reports", kwargs={"pk": region.dossier_a.pk})


def export_url(region) -> str:
    return reverse("rapporten:export_request", kwargs={"pk": region.dossier_a.pk})


def test_the_directie_sees_the_export_and_asks_for_it(
    client, region, django_capture_on_commit_callbacks
):
    fill_school_a(region)
    log_in(client, region.directie_a)
    page = client.get(reports_url(region)).content.decode()
    assert export_url(region) in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(export_url(region))

    report = Report.objects.get(kind=EXPORT.key, requested_by=region.directie_a)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#report-{report.reference}")
    assert report.status == Report.Status.DONE, report.error
    assert report.school_year == ""
    assert report.expires_at is not None
    assert report.progress_done == report.progress_total > 0
    # its row on the page, with the download
    page = client.get(reports_url(region)).content.decode()
    download = reverse(
        "rapporten:report_download",
        kwargs={"pk": region.dossier_a.pk, "reference": report.reference},
    )
    assert download in page

    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "no-store"
    instellingsnummer = region.school_a.instellingsnummer
    assert f'filename="dossier-export-{instellingsnummer}.zip"' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "dossier.json" in archive.namelist()
    assert AuditEvent.objects.filter(
        dossier=region.dossier_a, action=REPORT_DOWNLOADED.key, actor=region.directie_a
    ).exists()


def test_a_second_click_finds_the_export_already_asked_for(client, region):
    log_in(client, region.directie_a)
    client.post(export_url(region))
    client.post(export_url(region))
    assert Report.objects.filter(kind=EXPORT.key).count() == 1


@pytest.mark.parametrize("persona", ["zorg_a", "clb_medewerker_a", "pbd_begeleider_a"])
def test_no_one_else_sees_or_asks_for_the_export(client, region, persona):
    user = getattr(region, persona)
    log_in(client, user)
    page = client.get(reports_url(region)).content.decode()
    assert export_url(region) not in page
    assert client.post(export_url(region)).status_code == 404
    assert not Report.objects.filter(kind=EXPORT.key).exists()


def test_the_access_manager_of_the_zorgteam_has_no_export(client, region):
    from dossier.core.access import user_flags
    from dossier.core.services import AccessLevel, access_grant

    manager = member(region.school_a, Role.ZORGCOORDINATOR)
    access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=manager,
        level=AccessLevel.CONTRIBUTE,
        can_manage=True,
    )
    assert user_flags(manager, region.dossier_a).can_manage
    log_in(client, manager)
    assert export_url(region) not in client.get(reports_url(region)).content.decode()
    assert client.post(export_url(region)).status_code == 404


def test_another_directie_member_does_not_open_the_export(
    client, region, django_capture_on_commit_callbacks
):
    log_in(client, region.directie_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(export_url(region))
    report = Report.objects.get(kind=EXPORT.key)
    colleague = member(region.school_a, Role.DIRECTIE)
    client.logout()
    log_in(client, colleague)
    kwargs = {"pk": region.dossier_a.pk, "reference": report.reference}
    assert client.get(reverse("rapporten:report_download", kwargs=kwargs)).status_code == 404
    assert client.get(reverse("rapporten:report_status", kwargs=kwargs)).status_code == 404
    assert export_url(region) in client.get(reports_url(region)).content.decode()


@pytest.mark.parametrize("count", [2, 20])
def test_the_reports_page_with_exports_costs_the_same(
    client, region, django_assert_num_queries, count
):
    for index in range(count):
        Report.objects.create(
            dossier=region.dossier_a,
            kind=EXPORT.key if index % 2 else "jaarverslag",
            school_year="" if index % 2 else "2025-2026",
            requested_by=region.directie_a,
            status=Report.Status.DONE,
            file="reports/x.zip",
        )
    log_in(client, region.directie_a)
    # 1. the dossier with the access flags, 2. the person's reports
    with django_assert_num_queries(REQUEST_OVERHEAD + 2):
        response = client.get(reports_url(region))
    assert response.status_code == 200
    assert export_url(region) in response.content.decode()


@pytest.mark.parametrize("done", [3, 30])
def test_the_row_of_an_export_being_made_shows_its_progress(
    client, region, django_assert_num_queries, done
):
    report = Report.objects.create(
        dossier=region.dossier_a,
        kind=EXPORT.key,
        school_year="",
        requested_by=region.directie_a,
        status=Report.Status.RUNNING,
        progress_done=done,
        progress_total=40,
        progress_note="documenten",
    )
    log_in(client, region.directie_a)
    url = reverse(
        "rapporten:report_status",
        kwargs={"pk": region.dossier_a.pk, "reference": report.reference},
    )
    # 1. the dossier with the access flags, 2. the report
    with django_assert_num_queries(REQUEST_OVERHEAD + 2):
        response = client.get(url)
    row = response.content.decode()
    assert f'<progress class="report-progress" max="40" value="{done}"' in row
    assert "documenten" in row
    assert 'hx-trigger="every 2s"' in row


def test_the_directie_of_another_school_gets_404(client, region):
    log_in(client, region.directie_a)
    url = reverse("rapporten:export_request", kwargs={"pk": region.dossier_b.pk})
    assert client.post(url).status_code == 404
    assert not Report.objects.filter(kind=EXPORT.key).exists()
