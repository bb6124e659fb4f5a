"""Eight clicks at once ask for one report: the service's advisory lock, on real PostgreSQL.

Each request runs in its own thread, so on its own database connection, through the whole
view (session, middleware, on_commit, eager Celery rendering the first report at once). A
barrier lets them all reach the view together. The probe this answers made three reports out
of eight concurrent POSTs, because the first was done before the others looked.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dossier.rapporten.models import Report
from dossier.rapporten.tests.test_reports import KIND, YEAR
from tests.threads import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)

CLICKS = 8


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def post_at_once(clients, url, data):
    """POST ``data`` to ``url`` from each client in its own thread; the status codes."""

    def poster(client):
        def post(barrier):
            barrier.wait()
            return client.post(url, data).status_code

        return post

    return run_at_once(*(poster(client) for client in clients))


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_eight_concurrent_requests_make_one_report(region):
    url = reverse("rapporten:reports", kwargs={"pk": region.dossier_a.pk})
    clients = [logged_in(region.directie_a) for _ in range(CLICKS)]

    outcomes = post_at_once(clients, url, {"kind": KIND, "school_year": YEAR})

    assert outcomes == [302] * CLICKS
    report = Report.objects.get()
    # eager Celery: the first request's commit rendered it while the others waited or looked
    assert report.status == Report.Status.DONE, report.error
    assert report.attempts == 1
    assert report.requested_by == region.directie_a


def test_concurrent_requests_of_two_people_make_one_report_each(region):
    url = reverse("rapporten:reports", kwargs={"pk": region.dossier_a.pk})
    people = [region.directie_a, region.clb_medewerker_a]
    clients = [logged_in(people[index % 2]) for index in range(CLICKS)]

    outcomes = post_at_once(clients, url, {"kind": KIND, "school_year": YEAR})

    assert outcomes == [302] * CLICKS
    assert sorted(Report.objects.values_list("requested_by", flat=True)) == sorted(
        person.pk for person in people
    )
