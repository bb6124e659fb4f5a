"""A report kept for a limited time (``ReportKind.keep_days``) loses its file when its time is
up: the sweep deletes the file through the storage API, the row stays and says so, and the
download is gone. Reports without a time limit are never touched."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from conftest import log_in
from dossier.rapporten.models import Report
from dossier.rapporten.services import reports_expire
from dossier.rapporten.tasks import expire_reports
from dossier.rapporten.tests.readback import dutch


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def a_done_report(region, *, expires_at):
    report = Report.objects.create(
        dossier=region.dossier_a,
        kind="signalenoverzicht",
        school_year="2025-2026",
        requested_by=region.directie_a,
        status=Report.Status.DONE,
        finished_at=timezone.now(),
        expires_at=expires_at,
    )
    report.file.save("kept.pdf", ContentFile(b"%PDF-1.4 kept"), save=True)
    return report


def test_the_sweep_deletes_the_files_whose_time_is_up_and_keeps_the_rows(client, region):
    now = timezone.now()
    due = a_done_report(region, expires_at=now - datetime.timedelta(minutes=1))
    later = a_done_report(region, expires_at=now + datetime.timedelta(days=3))
    forever = a_done_report(region, expires_at=None)
    storage = due.file.storage
    name = due.file.name

    assert expire_reports.apply().result == 1

    due.refresh_from_db()
    assert due.expired and not due.file and not storage.exists(name)
    for kept in (later, forever):
        kept.refresh_from_db()
        assert not kept.expired and storage.exists(kept.file.name)
    # a second run finds nothing more to do
    assert reports_expire() == 0
    # the row says it was deleted; its download is gone
    log_in(client, region.directie_a)
    page = client.get(reverse("rapporten:reports", kwargs={"pk": region.dossier_a.pk}))
    assert dutch("Deleted") in page.content.decode()
    assert client.get(due.download_url()).status_code == 404
    assert client.get(later.download_url()).status_code == 200
