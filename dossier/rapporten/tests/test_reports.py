"""The report pipeline: request, render, retry, requeue, download, and a broker that is down.

Everything runs on the real PostgreSQL; Celery is eager here (test settings) except where a test
points the app at a closed port to play "Redis is down". A real worker on the real Redis is in
test_celery_integration.py.
"""

from __future__ import annotations

import contextlib
import datetime
import html
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from dossier.core.access import user_flags
from dossier.core.models import AuditEvent, Thema
from dossier.rapporten.models import Report, stale_after
from dossier.rapporten.services import (
    MAX_ATTEMPTS,
    QUEUE_UNAVAILABLE,
    report_generate,
    report_request,
    report_retry,
    reports_requeue_stale,
)
from samenwerking.celery import app as celery_app
from samenwerking.schoolyear import school_year_of
from signalen.models import Bron
from signalen.services import aanvulling_add, signaal_create
from signalen.workflow import Kind

KIND = "signalenoverzicht"
# The current school year: the request form only offers recent years.
YEAR = school_year_of(timezone.localdate())
EARLIER_YEAR = f"{int(YEAR[:4]) - 1}-{int(YEAR[:4])}"

TITLES = [
    "Toename van pestgedrag op de speelplaats",
    "Veel ongewettigde afwezigheden in het vijfde leerjaar",
    "Zorgen over welbevinden na de herfstvakantie",
]
EARLIER_TITLE = "Spijbelen in het vorige schooljaar"
OTHER_SCHOOL_TITLE = "Signaal van een andere school"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Report files go to a folder of this test, never to var/media of the checkout."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def queue_callbacks(callbacks) -> list:
    """The on-commit callbacks that put a report on the queue; a finished report also has the
    notification to its requester sent, and the werkoverzicht refreshed, after commit."""
    return [c for c in callbacks if c.__qualname__.startswith(("_request.", "_requeue."))]


def thema(name: str) -> Thema:
    return Thema.objects.get_or_create(name=name)[0]


def bron(name: str = "LARS-registratie") -> Bron:
    return Bron.objects.get_or_create(name=name)[0]


def make_signalen(region) -> dict[str, list[str]]:
    """Three signals with supplements in YEAR, one in the year before, one of another school."""
    clb, school = region.clb_medewerker_a, region.directie_a
    themes = [thema("Pesten"), thema("Afwezigheden en spijbelen"), thema("Welbevinden")]
    supplements = {
        0: [
            (clb, Kind.DUIDING, "Het gaat vooral om de middagpauze, als er minder toezicht is."),
            (school, Kind.AFSPRAAK, "Extra toezicht en een vertrouwenspersoon per klas."),
        ],
        1: [(clb, Kind.ADVIES, "Contact opnemen met de ouders en de leerlingenbegeleider.")],
        2: [],
    }
    for index, title in enumerate(TITLES):
        signaal = signaal_create(
            dossier=region.dossier_a,
            author=clb if index % 2 == 0 else school,
            access=user_flags(clb if index % 2 == 0 else school, region.dossier_a),
            title=title,
            text=f"Vastgesteld door het team. Beschrijving {index + 1} van het signaal.",
            thema=themes[index],
            bron=bron(),
            school_year=YEAR,
        )
        for author, kind, text in supplements[index]:
            aanvulling_add(
                signaal=signaal,
                author=author,
                access=user_flags(author, signaal.dossier),
                kind=kind,
                text=text,
            )
    signaal_create(
        dossier=region.dossier_a,
        author=clb,
        access=user_flags(clb, region.dossier_a),
        title=EARLIER_TITLE,
        text="Dit hoort bij een ander schooljaar.",
        thema=themes[1],
        bron=bron(),
        school_year=EARLIER_YEAR,
    )
    signaal_create(
        dossier=region.dossier_b,
        author=region.directie_b,
        access=user_flags(region.directie_b, region.dossier_b),
        title=OTHER_SCHOOL_TITLE,
        text="Dit hoort bij een andere school.",
        thema=themes[0],
        bron=bron(),
        school_year=YEAR,
    )
    return {"titles": TITLES, "absent": [EARLIER_TITLE, OTHER_SCHOOL_TITLE]}


@pytest.fixture
def signalen(region):
    return make_signalen(region)


def pdf_text(path: str | Path) -> str:
    """The PDF's text through poppler, with all whitespace folded to single spaces."""
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is missing: install poppler-utils (make system-deps)"
    result = subprocess.run(
        [pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return " ".join(result.stdout.decode("utf-8").split())


_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>'
)


def pdf_words(path: str | Path, page: int) -> list[tuple[str, float, float]]:
    """(word, left, right) in points for each word poppler finds on ``page``."""
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is missing: install poppler-utils (make system-deps)"
    result = subprocess.run(
        [pdftotext, "-f", str(page), "-l", str(page), "-bbox", str(path), "-"],
        capture_output=True,
        check=True,
    )
    return [
        (html.unescape(word), float(left), float(right))
        for left, right, word in _WORD.findall(result.stdout.decode("utf-8"))
    ]


def queued_report(region, *, user=None, year: str = YEAR) -> Report:
    """A report asked for but not yet rendered: on_commit does not fire in a `db` test."""
    return report_request(
        dossier=region.dossier_a,
        kind=KIND,
        school_year=year,
        requested_by=user or region.directie_a,
        access=user_flags(user or region.directie_a, region.dossier_a),
    )


def retry(region, report: Report, user=None) -> bool:
    user = user or region.directie_a
    return report_retry(report=report, user=user, access=user_flags(user, report.dossier))


# --- report_request ----------------------------------------------------------------------------


def test_a_double_click_finds_the_waiting_report(region):
    first = queued_report(region)
    second = queued_report(region)
    assert second.pk == first.pk
    assert Report.objects.count() == 1
    assert first.status == Report.Status.QUEUED
    assert first.requested_by == region.directie_a


def ago(seconds: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=seconds)


@pytest.mark.parametrize("status", [Report.Status.DONE, Report.Status.FAILED])
def test_a_second_click_after_a_fast_render_finds_the_same_report(region, status):
    """The double click that slipped through: the first report was already done (or failed)."""
    first = queued_report(region)
    Report.objects.filter(pk=first.pk).update(status=status)
    assert queued_report(region).pk == first.pk
    assert Report.objects.count() == 1


def test_a_new_request_after_the_window_makes_a_new_report(region, settings):
    first = queued_report(region)
    Report.objects.filter(pk=first.pk).update(
        status=Report.Status.DONE, created_at=ago(settings.REPORT_REQUEST_WINDOW + 1)
    )
    second = queued_report(region)
    assert second.pk != first.pk
    assert second.reference != first.reference
    assert second.status == Report.Status.QUEUED
    assert Report.objects.count() == 2
    # and while the second waits, a third click finds it again, also after the window
    Report.objects.filter(pk=second.pk).update(created_at=ago(settings.REPORT_REQUEST_WINDOW + 1))
    assert queued_report(region).pk == second.pk


def test_someone_else_asking_the_same_report_gets_their_own(region):
    mine = queued_report(region)
    theirs = queued_report(region, user=region.clb_medewerker_a)
    assert mine.pk != theirs.pk


@pytest.mark.parametrize(
    ("kind", "year"),
    [
        ("bestaat-niet", YEAR),
        ("", YEAR),
        (KIND, "2025-2027"),
        (KIND, "2025/2026"),
        (KIND, ""),
        (KIND, "1899-1900"),
    ],
)
def test_a_bad_kind_or_school_year_is_refused_and_nothing_is_written(
    region, django_capture_on_commit_callbacks, kind, year
):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError):
        report_request(
            dossier=region.dossier_a,
            kind=kind,
            school_year=year,
            requested_by=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
        )
    assert not Report.objects.exists()
    assert callbacks == []


def test_the_request_is_put_on_the_queue_only_after_commit(
    region, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        report = queued_report(region)
    assert len(queue_callbacks(callbacks)) == 1
    report.refresh_from_db()
    assert report.status == Report.Status.QUEUED  # nothing ran before the commit


# --- report_generate ---------------------------------------------------------------------------


def test_generate_renders_the_signals_of_that_school_year(region, signalen, media_root):
    report = queued_report(region)

    assert report_generate(report_id=report.pk) is True

    report.refresh_from_db()
    assert report.status == Report.Status.DONE
    assert report.error == ""
    assert report.attempts == 1
    assert report.started_at and report.finished_at and report.finished_at >= report.started_at
    # a random name, nothing that tells whose report it is
    assert re.fullmatch(r"reports/\d{4}/\d{2}/[A-Za-z0-9_-]{32}\.pdf", report.file.name)
    school = region.school_a
    for tell in (school.name, school.instellingsnummer, "linde", "signalenoverzicht", YEAR):
        assert tell.lower() not in report.file.name.lower()
    path = Path(report.file.path)
    assert path.is_relative_to(media_root)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert report.size == len(data) > 0

    text = pdf_text(path)
    assert school.name in text
    assert YEAR in text
    for title in signalen["titles"]:
        assert title in text
    assert "Extra toezicht en een vertrouwenspersoon per klas." in text
    for title in signalen["absent"]:
        assert title not in text


def pdf_lines(path: str | Path) -> list[str]:
    """The PDF's lines of text as poppler lays them out, each with its spaces folded."""
    result = subprocess.run(
        [shutil.which("pdftotext"), "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
    )
    return [" ".join(line.split()) for line in result.stdout.decode("utf-8").splitlines()]


def test_the_line_breaks_people_typed_stay_in_the_report(region):
    signaal = signaal_create(
        dossier=region.dossier_a,
        author=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        title="Signaal in twee alinea's",
        text="Eerste alinea over de speelplaats.\nTweede alinea over de refter.",
        thema=thema("Pesten"),
        bron=bron(),
        school_year=YEAR,
    )
    aanvulling_add(
        signaal=signaal,
        author=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, region.dossier_a),
        kind=Kind.DUIDING,
        text="Wat we zagen:\n- minder toezicht\n- meer conflicten",
    )
    report = queued_report(region)
    assert report_generate(report_id=report.pk) is True
    report.refresh_from_db()

    lines = pdf_lines(report.file.path)
    for typed in [
        "Eerste alinea over de speelplaats.",
        "Tweede alinea over de refter.",
        "Wat we zagen:",
        "- minder toezicht",
        "- meer conflicten",
    ]:
        assert typed in lines
    # the byline stands on a line of its own above the supplement's text
    byline = next(line for line in lines if line.startswith("Duiding "))
    assert str(region.clb_medewerker_a) in byline
    assert lines[lines.index(byline) + 1] == "Wat we zagen:"


def test_a_school_year_without_signals_still_renders(region, signalen):
    report = queued_report(region, year="2010-2011")
    assert report_generate(report_id=report.pk) is True
    report.refresh_from_db()
    assert report.status == Report.Status.DONE
    text = pdf_text(report.file.path)
    assert region.school_a.name in text
    for title in signalen["titles"]:
        assert title not in text


def test_the_theme_chart_shows_a_long_theme_name_whole(region):
    """The labels of the chart are right-aligned in a fixed 230 px column of the SVG.

    A longer name, such as the seeded theme "Tucht en leerlingen die buiten gezet worden",
    starts left of the SVG and is cut off on the page ("ht en leerlingen ...").
    """
    long_name = "Tucht en leerlingen die buiten gezet worden"
    signaal_create(
        dossier=region.dossier_a,
        author=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        title="Veel leerlingen buiten gezet",
        text="Vooral in het derde jaar.",
        thema=thema(long_name),
        bron=bron(),
        school_year=YEAR,
    )
    report = queued_report(region)
    assert report_generate(report_id=report.pk) is True
    report.refresh_from_db()

    words = pdf_words(report.file.path, page=1)
    label_left = min(left for word, left, _right in words if word == "Tucht")
    page_margin = 18 / 25.4 * 72  # @page margin-left: 18mm; the header starts right there
    assert min(left for _word, left, _right in words) >= page_margin - 0.5, (
        f"the chart label {long_name!r} starts at {label_left:.1f} pt, inside the page's left "
        f"margin ({page_margin:.1f} pt) and outside the chart: it is cut off"
    )


def test_a_redelivered_task_does_not_render_twice(region, signalen):
    from dossier.rapporten.tasks import generate_report

    report = queued_report(region)
    assert report_generate(report_id=report.pk) is True
    report.refresh_from_db()
    first_file, first_finished = report.file.name, report.finished_at

    assert report_generate(report_id=report.pk) is False
    # the same through the task, as a redelivered message would arrive
    assert generate_report.apply(args=[report.pk]).get() is False

    report.refresh_from_db()
    assert report.status == Report.Status.DONE
    assert report.attempts == 1
    assert report.file.name == first_file
    assert report.finished_at == first_finished
    files = list(Path(django_settings.MEDIA_ROOT).rglob("*.pdf"))
    assert len(files) == 1


def test_generate_of_an_unknown_report_does_nothing(db):
    assert report_generate(report_id=987654321) is False


def test_a_failing_render_is_stored_and_the_retry_renders_it(
    region, signalen, django_capture_on_commit_callbacks
):
    report = queued_report(region)
    # an impossible school year makes the builder raise
    Report.objects.filter(pk=report.pk).update(school_year="geen-jaar")

    # the failure is kept on the report, not raised (a raise would only make Celery log it)
    assert report_generate(report_id=report.pk) is False

    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert "2025-2026" in report.error  # the validation message, in the site's language
    assert len(report.error) <= 300
    assert report.attempts == 1
    assert report.finished_at is not None
    assert not report.file

    Report.objects.filter(pk=report.pk).update(school_year=YEAR)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert retry(region, report) is True
        report.refresh_from_db()
        assert report.status == Report.Status.QUEUED
        assert report.error == ""
        assert report.attempts == 0
        assert report.finished_at is None
    assert len(queue_callbacks(callbacks)) == 1

    report.refresh_from_db()
    assert report.status == Report.Status.DONE
    assert report.attempts == 1
    assert report.size > 0
    for title in signalen["titles"]:
        assert title in pdf_text(report.file.path)


def test_retry_leaves_a_report_that_did_not_fail_alone(region, django_capture_on_commit_callbacks):
    report = queued_report(region)
    with django_capture_on_commit_callbacks() as callbacks:
        assert retry(region, report) is False
    assert callbacks == []
    Report.objects.filter(pk=report.pk).update(status=Report.Status.DONE)
    with django_capture_on_commit_callbacks() as callbacks:
        assert retry(region, report) is False
    assert callbacks == []
    report.refresh_from_db()
    assert report.status == Report.Status.DONE


# --- reports_requeue_stale ---------------------------------------------------------------------


def test_stale_reports_are_requeued_or_given_up(region, signalen):
    now = timezone.now()
    long_ago = now - datetime.timedelta(minutes=20)

    def running(user, *, started_at, attempts):
        return Report.objects.create(
            dossier=region.dossier_a,
            kind=KIND,
            school_year=YEAR,
            requested_by=user,
            status=Report.Status.RUNNING,
            started_at=started_at,
            attempts=attempts,
        )

    stale = running(region.directie_a, started_at=long_ago, attempts=1)
    lost = running(region.zorg_a, started_at=long_ago, attempts=MAX_ATTEMPTS)
    fresh_start = now - datetime.timedelta(minutes=1)
    fresh = running(region.clb_medewerker_a, started_at=fresh_start, attempts=1)

    # eager Celery: the requeued one is rendered at once
    assert reports_requeue_stale() == 1

    stale.refresh_from_db()
    assert stale.status == Report.Status.DONE
    assert stale.attempts == 2
    assert stale.size > 0
    assert signalen["titles"][0] in pdf_text(stale.file.path)

    lost.refresh_from_db()
    assert lost.status == Report.Status.FAILED
    assert lost.error == "worker_lost"
    assert lost.finished_at is not None
    assert lost.attempts == MAX_ATTEMPTS

    fresh.refresh_from_db()
    assert fresh.status == Report.Status.RUNNING
    assert fresh.attempts == 1
    assert fresh.started_at == fresh_start
    assert fresh.error == ""

    # nothing left to do: a second run changes nothing
    assert reports_requeue_stale() == 0


def test_the_periodic_task_calls_the_requeue(region):
    from dossier.rapporten.tasks import requeue_stale_reports

    Report.objects.create(
        dossier=region.dossier_a,
        kind=KIND,
        school_year=YEAR,
        requested_by=region.directie_a,
        status=Report.Status.RUNNING,
        started_at=timezone.now() - datetime.timedelta(hours=1),
        attempts=MAX_ATTEMPTS,
    )
    assert requeue_stale_reports.apply().get() == 0
    assert Report.objects.get().error == "worker_lost"


def test_a_report_whose_message_was_lost_does_not_wait_forever(region, signalen):
    """A report still "queued" long after it was put on the queue has lost its message.

    That happens when the task fails before its claim (the database was away for a moment:
    Celery acknowledges a failed task, acks_late or not) or when the broker loses a message.
    """
    report = queued_report(region)
    Report.objects.filter(pk=report.pk).update(created_at=ago(3600), queued_at=ago(3600))

    assert reports_requeue_stale() == 1

    report.refresh_from_db()
    assert report.status == Report.Status.DONE, report.error
    assert report.attempts == 1


def test_asking_again_for_a_stuck_report_puts_it_back_on_the_queue(
    region, django_capture_on_commit_callbacks
):
    report = queued_report(region)
    # its worker died mid-render, longer ago than the task may take
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.RUNNING,
        started_at=ago(stale_after().total_seconds() + 1),
        attempts=1,
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = queued_report(region)
    assert again.pk == report.pk
    assert len(queue_callbacks(callbacks)) == 1
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, report.error
    assert report.attempts == 1


# --- the PDF URL fetcher -----------------------------------------------------------------------

REFUSED_URLS = [
    "http://127.0.0.1:9/evil.css",
    "https://example.org/logo.png",
    "file:///etc/passwd",
    "ftp://example.org/file.txt",
    "static:../../etc/passwd",
    "static:css/../../../../etc/passwd",
    "static:/etc/passwd",
    "static:css/bestaat-niet.css",
    # a static file of an installed app is not one of ours
    "static:admin/css/base.css",
]
APP_CSS = Path(django_settings.BASE_DIR) / "static" / "css" / "app.css"


def fetcher():
    from dossier.rapporten.pdf import StaticOnlyFetcher

    return StaticOnlyFetcher()


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_the_fetcher_refuses_anything_but_our_static_files(url):
    with pytest.raises((ValueError, SuspiciousFileOperation)):
        fetcher()(url)


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_weasyprint_sees_a_refusal_as_an_ordinary_fetch_error(url):
    """Through WeasyPrint's own fetch(): a refusal is a warning, not a crash of the render."""
    from weasyprint.urls import URLFetchingError, fetch

    with pytest.raises(URLFetchingError), fetch(fetcher(), url):
        pass


def test_the_fetcher_serves_our_stylesheet():
    from weasyprint.urls import fetch

    with fetch(fetcher(), "static:css/app.css") as resource:
        assert resource.read() == APP_CSS.read_bytes()
        assert resource.content_type == "text/css"


def test_the_fetcher_serves_data_uris():
    from weasyprint.urls import fetch

    with fetch(fetcher(), "data:text/plain;base64,aGFsbG8=") as resource:
        assert resource.read() == b"hallo"


def test_a_document_pointing_at_refused_resources_still_renders_without_them(tmp_path):
    from weasyprint import HTML

    from dossier.rapporten.pdf import STATIC_PREFIX

    html = (
        '<link rel="stylesheet" href="static:css/app.css">'
        '<link rel="stylesheet" href="http://127.0.0.1:9/evil.css">'
        '<object data="file:///etc/passwd" type="text/plain"></object>'
        '<img src="file:///etc/passwd" alt="">'
        '<img src="static:../../../../etc/passwd" alt="">'
        "<p>Alleen deze tekst</p>"
    )
    pdf = HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=fetcher()).write_pdf()
    path = tmp_path / "refused.pdf"
    path.write_bytes(pdf)
    text = pdf_text(path)
    assert "Alleen deze tekst" in text
    assert "root:" not in text


# --- the views ---------------------------------------------------------------------------------


def reports_url(dossier) -> str:
    return reverse("rapporten:reports", kwargs={"pk": dossier.pk})


def report_url(name: str, report: Report, dossier=None) -> str:
    dossier = dossier or report.dossier
    return reverse(name, kwargs={"pk": dossier.pk, "reference": report.reference})


def message_levels(response) -> list[int]:
    return [message.level for message in get_messages(response.wsgi_request)]


@pytest.fixture
def done_report(client, region, signalen, django_capture_on_commit_callbacks) -> Report:
    """The directie asks for the overview through the page; eager Celery makes it at once."""
    client.force_login(region.directie_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reports_url(region.dossier_a), {"kind": KIND, "school_year": YEAR})
    assert response.status_code == 302
    assert response["Location"] == reports_url(region.dossier_a)
    assert message_levels(response) == [messages.SUCCESS]
    report = Report.objects.get()
    assert report.status == Report.Status.DONE, report.error
    return report


def test_a_post_asks_for_a_report_and_it_is_made(region, done_report):
    assert done_report.dossier == region.dossier_a
    assert done_report.requested_by == region.directie_a
    assert done_report.kind == KIND
    assert done_report.school_year == YEAR
    assert done_report.size > 0


def test_the_reports_page_lists_it(client, region, done_report):
    response = client.get(reports_url(region.dossier_a))
    assert response.status_code == 200
    content = response.content.decode()
    assert f'id="report-{done_report.reference}"' in content
    assert report_url("rapporten:report_download", done_report) in content


def test_the_reports_page_shows_only_my_reports(client, region, done_report):
    client.force_login(region.clb_medewerker_a)
    response = client.get(reports_url(region.dossier_a))
    assert response.status_code == 200
    assert f'id="report-{done_report.reference}"' not in response.content.decode()


def test_the_status_returns_the_row(client, region, done_report):
    response = client.get(report_url("rapporten:report_status", done_report))
    assert response.status_code == 200
    content = response.content.decode().strip()
    assert content.startswith(f'<tr id="report-{done_report.reference}"')
    assert content.endswith("</tr>")
    assert "<html" not in content
    assert report_url("rapporten:report_download", done_report) in content
    assert "hx-get" not in content  # done: the row stops asking


def test_a_waiting_row_keeps_asking(client, region):
    report = queued_report(region)
    client.force_login(region.directie_a)
    content = client.get(report_url("rapporten:report_status", report)).content.decode()
    assert f'hx-get="{report_url("rapporten:report_status", report)}"' in content
    assert 'hx-trigger="every 2s"' in content
    assert "download" not in content


def test_the_download_is_a_private_pdf_attachment_and_is_audited(client, region, done_report):
    assert not AuditEvent.objects.filter(action="report_downloaded").exists()

    response = client.get(report_url("rapporten:report_download", done_report))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    school = region.school_a
    assert response["Content-Disposition"] == (
        f'attachment; filename="signalenoverzicht-{school.instellingsnummer}-{YEAR}.pdf"'
    )
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-")
    assert len(body) == done_report.size

    event = AuditEvent.objects.get(action="report_downloaded")
    assert event.dossier == region.dossier_a
    assert event.actor == region.directie_a
    assert event.section == "signalen"
    assert YEAR in event.detail


def test_a_head_of_the_download_answers_its_headers_and_is_no_download(client, done_report):
    done_report.file.storage.delete(done_report.file.name)  # the storage is not even asked

    response = client.head(report_url("rapporten:report_download", done_report))

    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Length"] == str(done_report.size)
    assert response["Content-Disposition"].startswith("attachment; ")
    assert not AuditEvent.objects.filter(action="report_downloaded").exists()


def test_a_report_gone_from_the_storage_is_said_in_dutch_and_is_no_download(
    client, region, done_report
):
    done_report.file.storage.delete(done_report.file.name)

    response = client.get(report_url("rapporten:report_download", done_report), follow=True)

    assert response.redirect_chain == [(reports_url(region.dossier_a), 302)]
    assert "kon niet uit de opslag gelezen worden" in response.content.decode()
    assert not AuditEvent.objects.filter(action="report_downloaded").exists()


def test_the_lsc_may_not_see_a_signal_report(client, region, done_report):
    client.force_login(region.lsc_anker_a)
    for name in ("rapporten:report_status", "rapporten:report_download"):
        assert client.get(report_url(name, done_report)).status_code == 404
    assert client.post(report_url("rapporten:report_retry", done_report)).status_code == 404
    # the LSC has a reports page (the samenwerkingsgesprek's), without the signal reports
    page = client.get(reports_url(region.dossier_a))
    assert page.status_code == 200
    assert f'id="report-{done_report.reference}"' not in page.content.decode()
    response = client.post(reports_url(region.dossier_a), {"kind": KIND, "school_year": YEAR})
    assert response.status_code == 404
    assert Report.objects.count() == 1
    assert not AuditEvent.objects.filter(action="report_downloaded").exists()


def test_a_report_of_another_dossier_is_not_found(client, region, done_report):
    other = Report.objects.create(
        dossier=region.dossier_b,
        kind=KIND,
        school_year=YEAR,
        requested_by=region.directie_b,
        status=Report.Status.DONE,
    )
    other.file.save("other.pdf", ContentFile(b"%PDF-1.4 other"), save=True)
    # the other dossier's report under our dossier's address
    for name in ("rapporten:report_status", "rapporten:report_download"):
        assert client.get(report_url(name, other, dossier=region.dossier_a)).status_code == 404
        # our report under the other dossier's address
        assert (
            client.get(report_url(name, done_report, dossier=region.dossier_b)).status_code == 404
        )
    assert not AuditEvent.objects.filter(action="report_downloaded").exists()


def test_a_report_that_is_not_done_cannot_be_downloaded(client, region):
    report = queued_report(region)
    client.force_login(region.directie_a)
    assert client.get(report_url("rapporten:report_download", report)).status_code == 404


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "bestaat-niet", "school_year": YEAR},
        {"kind": KIND, "school_year": "1999-2000"},
        {"kind": KIND, "school_year": "2025-2027"},
        {"kind": KIND},
        {"school_year": YEAR},
    ],
)
def test_a_post_with_a_bad_kind_or_year_makes_no_report(client, region, data):
    client.force_login(region.directie_a)
    response = client.post(reports_url(region.dossier_a), data)
    assert response.status_code == 302
    assert response["Location"] == reports_url(region.dossier_a)
    assert message_levels(response) == [messages.ERROR]
    assert not Report.objects.exists()


# --- the broker is down ------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _detach_broker_pools() -> None:
    """Make the app open new broker connections from its current configuration.

    Celery caches the connection pool (app._pool) and the producer pool (app.amqp._producer_pool);
    both come from kombu's process-wide registries, keyed by the connection's address. Only the
    references are dropped: force_close_all() on the real broker's pool would close the shared
    pool for the whole process ("Acquire on closed pool" in every later test).
    """
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextlib.contextmanager
def broker_unreachable():
    """Point the Celery app at a closed port with eager off; restore everything after."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.task_always_eager, conf.task_default_queue)
    # a private queue name: should the switch ever fail, no other worker picks up our message
    queue = f"test-down-{os.getpid()}"
    try:
        _detach_broker_pools()
        port = closed_port()
        conf.broker_url = f"redis://127.0.0.1:{port}/0"
        conf.task_always_eager = False
        conf.task_default_queue = queue
        # the switch takes effect: new connections go to the closed port
        assert celery_app.connection_for_write().port == port
        assert celery_app.pool.connection.port == port
        yield
    finally:
        # (the closed port's pool holds no open connection; it is left to kombu's registry)
        _detach_broker_pools()
        conf.broker_url, conf.task_always_eager, conf.task_default_queue = saved
        with contextlib.suppress(redis.RedisError):
            redis.Redis.from_url(django_settings.REDIS_URL).delete(
                queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
            )


@pytest.mark.django_db(transaction=True)
def test_a_request_while_the_broker_is_down_is_kept_as_failed_and_retried(client, region, signalen):
    """transaction=True: on_commit fires inside the request, as in production."""
    client.force_login(region.directie_a)

    with broker_unreachable():
        response = client.post(reports_url(region.dossier_a), {"kind": KIND, "school_year": YEAR})

    assert response.status_code == 302
    assert response["Location"] == reports_url(region.dossier_a)
    assert message_levels(response) == [messages.ERROR]
    report = Report.objects.get()
    assert report.status == Report.Status.FAILED
    assert report.error == QUEUE_UNAVAILABLE
    assert report.finished_at is not None
    assert report.attempts == 0
    # the page shows it with its retry button
    page = client.get(reports_url(region.dossier_a)).content.decode()
    assert report_url("rapporten:report_retry", report) in page

    # the broker is back (and eager, as in the test settings) and its shared pool still works
    assert celery_app.conf.broker_url == django_settings.CELERY_BROKER_URL
    assert celery_app.conf.task_always_eager is True
    with celery_app.producer_or_acquire() as producer:
        producer.connection.ensure_connection(max_retries=1)
    # the retry button renders it
    response = client.post(report_url("rapporten:report_retry", report))
    assert response.status_code == 302
    assert message_levels(response) == [messages.SUCCESS]
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, report.error
    assert report.error == ""
    for title in signalen["titles"]:
        assert title in pdf_text(report.file.path)


@pytest.mark.django_db(transaction=True)
def test_a_retry_while_the_broker_is_still_down_stays_failed(client, region):
    client.force_login(region.directie_a)
    with broker_unreachable():
        client.post(reports_url(region.dossier_a), {"kind": KIND, "school_year": YEAR})
        client.get(reports_url(region.dossier_a))  # shows (and so uses up) the first message
        report = Report.objects.get()
        response = client.post(report_url("rapporten:report_retry", report))
    assert message_levels(response) == [messages.ERROR]
    assert Report.objects.count() == 1
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert report.error == QUEUE_UNAVAILABLE


# --- references, retry rights, limits ----------------------------------------------------------


@pytest.mark.parametrize(
    "suffix",
    [
        "{pk}/",
        "{pk}/download/",
        "00000000-0000-0000-0000-000000000000/download/",
        "{reference}x/download/",
        "{reference_upper}/download/",
        "not-a-uuid/download/",
        "%00/download/",
        "{reference}/download/../../",
    ],
)
def test_a_sequential_id_or_a_tampered_reference_is_not_found(client, region, done_report, suffix):
    reference = str(done_report.reference)
    # upper case is still the same UUID: Django's converter accepts only lower-case hex
    path = suffix.format(pk=done_report.pk, reference=reference, reference_upper=reference.upper())
    response = client.get(f"/dossiers/{region.dossier_a.pk}/rapporten/{path}")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="report_downloaded").exists()


def test_a_reader_of_the_section_with_the_reference_may_download(client, region, done_report):
    client.force_login(region.clb_medewerker_a)
    response = client.get(report_url("rapporten:report_download", done_report))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert AuditEvent.objects.get(action="report_downloaded").actor == region.clb_medewerker_a


def test_existing_reports_get_each_their_own_reference(region):
    references = {queued_report(region, year=year).reference for year in (YEAR, EARLIER_YEAR)}
    assert len(references) == 2
    assert all(reference.version == 4 for reference in references)


def failed_report(region) -> Report:
    report = queued_report(region)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.FAILED, error="boom")
    return report


def test_a_read_only_partner_may_not_retry_someone_elses_report(client, region):
    report = failed_report(region)
    client.force_login(region.pbd_begeleider_a)
    # it may follow the report, without the retry button
    row = client.get(report_url("rapporten:report_status", report)).content.decode()
    assert "Opnieuw proberen" not in row
    assert client.post(report_url("rapporten:report_retry", report)).status_code == 403
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    # an outsider does not even learn that it exists
    client.force_login(region.directie_b)
    assert client.post(report_url("rapporten:report_retry", report)).status_code == 404


def test_someone_who_writes_the_section_may_retry_it(
    client, region, signalen, django_capture_on_commit_callbacks
):
    report = failed_report(region)
    client.force_login(region.clb_medewerker_a)
    row = client.get(report_url("rapporten:report_status", report)).content.decode()
    assert report_url("rapporten:report_retry", report) in row
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(report_url("rapporten:report_retry", report))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, report.error


def test_a_stuck_report_shows_its_retry_and_the_retry_makes_it(
    client, region, signalen, django_capture_on_commit_callbacks
):
    report = queued_report(region)
    just_started = timezone.now() - stale_after() + datetime.timedelta(seconds=30)
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.RUNNING, started_at=just_started, attempts=1
    )
    client.force_login(region.directie_a)
    retry_url = report_url("rapporten:report_retry", report)
    # still within its task's time: no retry yet, and the retry is refused
    assert retry_url not in client.get(reports_url(region.dossier_a)).content.decode()
    response = client.post(retry_url)
    assert message_levels(response) == [messages.INFO]

    Report.objects.filter(pk=report.pk).update(started_at=ago(stale_after().total_seconds() + 1))
    assert retry_url in client.get(report_url("rapporten:report_status", report)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry_url)
    # (the info above is still waiting to be shown)
    assert message_levels(response) == [messages.INFO, messages.SUCCESS]
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, report.error
    assert report.attempts == 1


def test_a_run_that_was_given_up_does_not_overwrite_the_one_that_replaced_it(region, signalen):
    """The claim's start time is the run's token: an old run finishing late writes nothing."""
    from dossier.rapporten import services

    report = queued_report(region)
    claimed_at = services._claim(report.pk)
    assert claimed_at is not None
    # the sweep gave it up and a new run took it over meanwhile
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.RUNNING, started_at=timezone.now() + datetime.timedelta(seconds=1)
    )
    ours = Report.objects.filter(pk=report.pk, status=Report.Status.RUNNING, started_at=claimed_at)
    assert ours.update(status=Report.Status.DONE) == 0
    report.refresh_from_db()
    assert report.status == Report.Status.RUNNING


def test_the_limits_let_a_lost_message_come_back_within_minutes():
    from dossier.rapporten.tasks import generate_report

    conf = celery_app.conf
    visibility = conf.broker_transport_options["visibility_timeout"]
    assert generate_report.soft_time_limit < generate_report.time_limit <= conf.task_time_limit
    assert conf.task_soft_time_limit < conf.task_time_limit < visibility <= 10 * 60
    assert generate_report.acks_late and generate_report.reject_on_worker_lost
    assert stale_after() < datetime.timedelta(minutes=5)
    schedule = conf.beat_schedule["rapporten-herstarten"]
    assert schedule["task"] == "dossier.tasks.requeue_stale_reports"
    assert schedule["schedule"].minute == set(range(60))  # every minute
