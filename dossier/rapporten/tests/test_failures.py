"""Why a report failed, said in Dutch on its status row; and the reports page, with the kinds
asked for from an item's page, costs the same at any number of reports."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from conftest import log_in
from dossier.rapporten import services
from dossier.rapporten.models import Failure, Report
from dossier.rapporten.services import report_generate
from dossier.rapporten.tests.readback import dutch
from dossier.rapporten.tests.test_reports import queued_report
from tests.test_query_budgets import REQUEST_OVERHEAD

GENERIC = (
    "Something went wrong while making the report. Try again; if it fails again, "
    "tell the platform's administrators."
)
MESSAGES = {
    Failure.QUEUE_UNAVAILABLE: "The queue that makes reports could not be reached. Your "
    "request is kept: try again in a moment.",
    Failure.WORKER_LOST: "Making the report was interrupted several times. Try again; if it "
    "happens again, tell the platform's administrators.",
    Failure.TIMED_OUT: "Making the report took too long and was stopped. Try again later; if "
    "it happens again, tell the platform's administrators.",
    Failure.NO_ACCESS: "The report was not made: you no longer have access to what it is about.",
    f"{Failure.RENDER_FAILED}: OSError": GENERIC,
    "an error text of an earlier release": GENERIC,
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def status_row(client, report) -> str:
    url = reverse(
        "rapporten:report_status",
        kwargs={"pk": report.dossier_id, "reference": report.reference},
    )
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("error", sorted(MESSAGES))
def test_each_failure_has_its_own_dutch_sentence_on_the_row(client, region, error):
    report = queued_report(region)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.FAILED, error=error)
    log_in(client, region.directie_a)

    row = status_row(client, report)

    assert escape(dutch(MESSAGES[error])) in row
    assert "earlier release" not in row and "OSError" not in row  # never the raw error
    assert reverse("rapporten:report_retry", args=[region.dossier_a.pk, report.reference]) in row


def test_a_refusal_of_the_kind_gives_its_own_reason(client, region):
    report = queued_report(region)
    # a school year that cannot be: the signals overview's builder refuses it
    Report.objects.filter(pk=report.pk).update(school_year="geen-jaar")
    assert report_generate(report_id=report.pk) is False
    report.refresh_from_db()
    assert report.error.startswith(f"{Failure.NOT_POSSIBLE}: ")
    reason = dutch("Write the school year as 2025-2026: two consecutive years.")
    assert report.failure_message == dutch("The report could not be made: %(reason)s") % {
        "reason": reason
    }
    log_in(client, region.directie_a)
    assert escape(report.failure_message) in status_row(client, report)


def test_a_render_past_its_soft_time_limit_says_it_took_too_long(region, monkeypatch):
    def slow(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "render_pdf", slow)
    report = queued_report(region)
    assert report_generate(report_id=report.pk) is False
    report.refresh_from_db()
    assert (report.status, report.error) == (Report.Status.FAILED, Failure.TIMED_OUT)
    assert report.failure_message == dutch(MESSAGES[Failure.TIMED_OUT])


@pytest.mark.parametrize("count", [3, 30])
def test_the_reports_page_costs_the_same_with_reports_about_items(
    client, region, django_assert_num_queries, count
):
    """Agreements and meetings among the rows, failed in every way: no query per row."""
    kinds = ["samenwerkingsafspraak", "structureel_overleg", "signalenoverzicht"]
    errors = ["", Failure.WORKER_LOST, f"{Failure.NOT_POSSIBLE}: Deze versie bestaat niet."]
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    for index in range(count):
        kind = kinds[index % 3]
        Report.objects.create(
            dossier=region.dossier_a,
            kind=kind,
            school_year=f"{2000 + index}-{2001 + index}",
            requested_by=region.zorg_a,
            subject_id=None if kind == "signalenoverzicht" else 1000 + index,
            subject_label="" if kind == "signalenoverzicht" else f"Afspraak {index}, versie 1",
            status=Report.Status.FAILED if index % 2 else Report.Status.DONE,
            error=errors[index % 3] if index % 2 else "",
            started_at=long_ago,
            finished_at=timezone.now(),
            file="" if index % 2 else "reports/x.pdf",
        )
    log_in(client, region.zorg_a)
    # 1. the dossier with the access flags, 2. the person's reports
    with django_assert_num_queries(REQUEST_OVERHEAD + 2):
        response = client.get(reverse("rapporten:reports", kwargs={"pk": region.dossier_a.pk}))
    assert response.status_code == 200
    assert len(response.context["reports"]) == min(count, 20)
