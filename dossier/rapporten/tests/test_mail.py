"""The requester hears by e-mail when their report is ready, and when it finally failed.

The mail goes the platform's way (``dossier.meldingen``: a notification, sent by its task, as
the person chose: at once, in the daily digest, or not at all); the report pipeline reaches it
through the core's hook ``person_to_tell``, as the platform services never import each other.
The mail holds a link and the kind of report, never what the report is about.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from dossier.afspraken.tests.test_rapport import SUMMARY, TITLE, approve_all, draft
from dossier.core.access import user_flags
from dossier.meldingen.models import Notification
from dossier.meldingen.services import digests_send
from dossier.rapporten import services
from dossier.rapporten.models import Failure, Report, stale_after
from dossier.rapporten.services import (
    MAX_ATTEMPTS,
    report_generate,
    report_request,
    reports_requeue_stale,
)
from dossier.rapporten.tests.readback import dutch
from dossier.rapporten.tests.test_reports import YEAR, broker_unreachable, queued_report

KIND_LABEL = "Signals overview"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def ready_subject(kind_label: str, year: str = YEAR) -> str:
    return dutch("Your report is ready: %(kind)s %(year)s") % {
        "kind": dutch(kind_label),
        "year": year,
    }


def failed_subject(kind_label: str, year: str = YEAR) -> str:
    return dutch("Your report could not be made: %(kind)s %(year)s") % {
        "kind": dutch(kind_label),
        "year": year,
    }


def link_to(report: Report) -> str:
    path = reverse("rapporten:reports", kwargs={"pk": report.dossier_id})
    return f"{settings.SITE_URL.rstrip('/')}{path}#report-{report.reference}"


def set_frequency(user, frequency) -> None:
    User.objects.filter(pk=user.pk).update(notification_frequency=frequency)


def test_the_requester_gets_one_mail_with_a_link_when_it_is_ready(
    region, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = queued_report(region)
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, report.error

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [region.directie_a.email]
    assert message.subject == settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + ready_subject(KIND_LABEL)
    assert link_to(report) in message.body
    assert Notification.objects.get().user == region.directie_a


def test_the_mail_says_nothing_of_what_the_report_holds(
    client, region, django_capture_on_commit_callbacks
):
    """An agreement's PDF: neither its title nor its text goes out by mail."""
    from dossier.afspraken.tests.test_rapport import ask

    afspraak = draft(region)
    approve_all(region, afspraak)
    _response, report = ask(
        client, region, afspraak, region.clb_medewerker_a, django_capture_on_commit_callbacks
    )
    assert report.status == Report.Status.DONE, report.error

    [message] = [m for m in mail.outbox if m.to == [region.clb_medewerker_a.email]]
    assert message.subject.endswith(ready_subject("Samenwerkingsafspraak"))
    for secret in (TITLE, SUMMARY, report.subject_label):
        assert secret not in message.subject
        assert secret not in message.body
    assert link_to(report) in message.body


def test_a_second_run_of_the_same_message_sends_no_second_mail(
    region, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = queued_report(region)
    assert report_generate(report_id=report.pk) is False  # a redelivered message
    assert len(mail.outbox) == 1


def test_someone_who_wants_no_mail_gets_none(region, django_capture_on_commit_callbacks):
    set_frequency(region.directie_a, User.NotificationFrequency.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        report = queued_report(region)
    report.refresh_from_db()
    assert report.status == Report.Status.DONE
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_someone_on_the_daily_digest_reads_it_there(region, django_capture_on_commit_callbacks):
    set_frequency(region.directie_a, User.NotificationFrequency.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        queued_report(region)
    assert mail.outbox == []

    assert digests_send() == 1

    [message] = mail.outbox
    assert ready_subject(KIND_LABEL) in message.body


def test_a_failed_render_is_mailed_with_its_own_subject(
    region, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("the font cache is corrupt")

    monkeypatch.setattr(services, "render_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        report = queued_report(region)

    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert report.error == f"{Failure.RENDER_FAILED}: RuntimeError"  # not the message itself
    [message] = mail.outbox
    assert message.subject.endswith(failed_subject(KIND_LABEL))
    assert link_to(report) in message.body
    assert "font cache" not in message.body


def test_the_sweep_that_gives_up_tells_the_requester(region):
    report = queued_report(region)
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.RUNNING,
        started_at=timezone.now() - stale_after() - datetime.timedelta(seconds=5),
        attempts=MAX_ATTEMPTS,
    )

    reports_requeue_stale()

    report.refresh_from_db()
    assert (report.status, report.error) == (Report.Status.FAILED, Failure.WORKER_LOST)
    [notification] = Notification.objects.all()
    assert notification.subject == failed_subject(KIND_LABEL)


@pytest.mark.django_db(transaction=True)
def test_a_queue_outage_the_sweep_meets_is_kept_for_the_mail(region):
    """Nobody is on the page to see it: the requester's notification is written, and the
    notifications' own sweep sends it once the queue is back."""
    # queued long ago, its message lost (made here directly: on_commit fires at once now)
    report = Report.objects.create(
        dossier=region.dossier_a,
        kind="signalenoverzicht",
        school_year=YEAR,
        requested_by=region.directie_a,
        queued_at=timezone.now() - stale_after() - datetime.timedelta(seconds=5),
    )
    with broker_unreachable():
        reports_requeue_stale()

    report.refresh_from_db()
    assert (report.status, report.error) == (Report.Status.FAILED, Failure.QUEUE_UNAVAILABLE)
    notification = Notification.objects.get(user=region.directie_a)
    assert notification.subject == failed_subject(KIND_LABEL)
    assert notification.sent_at is None


def test_a_requester_who_lost_access_is_not_mailed(region, django_capture_on_commit_callbacks):
    """The PBD begeleider asked for the signals overview; by the time it is made, the
    partnership of the PBD has ended."""
    from accounts.services import partnership_end

    user = region.pbd_begeleider_a
    report = report_request(
        dossier=region.dossier_a,
        kind="signalenoverzicht",
        school_year=YEAR,
        requested_by=user,
        access=user_flags(user, region.dossier_a),
    )
    partnership = region.pbd_a.served_partnerships.get(school=region.school_a)
    partnership_end(partnership=partnership, end_date=timezone.localdate() - datetime.timedelta(1))

    with django_capture_on_commit_callbacks(execute=True):
        report_generate(report_id=report.pk)

    assert not Notification.objects.filter(user=user).exists()


def test_a_mail_that_cannot_be_written_leaves_the_report_ready(
    region, django_capture_on_commit_callbacks, monkeypatch
):
    from dossier.meldingen import services as meldingen

    def broken(**kwargs):
        raise RuntimeError("the notifications table is locked")

    monkeypatch.setattr(meldingen, "notify_person", broken)
    with django_capture_on_commit_callbacks(execute=True):
        report = queued_report(region)
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, report.error
    assert mail.outbox == []
