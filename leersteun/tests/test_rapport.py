"""The samenwerkingsgesprek's PDF: asked for from the conversation, made by the report pipeline,
read back with poppler. Real database; Celery is eager in the test settings, and the on-commit
callbacks are run, so a request comes back as a finished report."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from conftest import log_in
from dossier.core.access import user_flags
from dossier.core.models import AuditEvent
from dossier.rapporten.models import Report
from dossier.rapporten.services import report_request
from leersteun.models import Gesprek, GesprekAfspraak, Vraag
from leersteun.reports import GESPREK_REPORT, build_gesprek_report
from leersteun.services.gesprek import (
    afspraak_add,
    afspraak_evaluate,
    answers_save,
    gesprek_start,
    previous_school_year,
)
from leersteun.tests.factories import OnderdeelFactory, SjabloonVersieFactory, VraagFactory
from samenwerking.schoolyear import school_year_of

KIND = GESPREK_REPORT.key
YEAR = school_year_of(timezone.localdate())
LAST_YEAR = previous_school_year(YEAR)

ANSWER = "We werken met een zorgteam dat elke twee weken samenkomt."
WIFI = "Linde-Gast / wachtwoord Kastanje2026"
AGREEMENT = "Het LSC geeft in het voorjaar een teamvorming over differentiatie."
LAST_AGREEMENT = "De school bundelt de vragen van het eerste leerjaar."
LAST_REMARK = "Gebundeld in drie vragen; dat werkte goed voor het team."


def dutch(text: str) -> str:
    """The report's words as a worker writes them (in nl-BE: "Niet ingevuld")."""
    with translation.override("nl-be"):
        return gettext(text)


NOT_FILLED = dutch("Not filled in")
WITHHELD = dutch("Confidential: not included")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Report files go to a folder of this test, never to var/media of the checkout."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def access_of(user, dossier):
    return user_flags(user, dossier)


def published_template(lsc, *, questions: int = 0):
    """LSC A's published template: a part about the school (an open answer, the zorgteam as
    people, a question for the LSC, one left open) and a practical part with the wifi code;
    ``questions`` more short questions spread over four more parts."""
    versie = SjabloonVersieFactory(published=True, sjabloon__lsc=lsc, sjabloon__name="Gesprek LSC")
    eigen = OnderdeelFactory(versie=versie, position=0, title="Eigenheid van de school")
    praktisch = OnderdeelFactory(versie=versie, position=1, title="Praktische informatie")
    vragen = {
        "zorg": VraagFactory(
            onderdeel=eigen, position=0, text="Hoe is de zorg georganiseerd?", kind="long_text"
        ),
        "team": VraagFactory(
            onderdeel=eigen, position=1, text="Wie zit in het zorgteam?", kind="people"
        ),
        "lsc": VraagFactory(
            onderdeel=eigen,
            position=2,
            text="Welke ondersteuners komen naar de school?",
            filled_by=Vraag.FilledBy.LSC,
        ),
        "open": VraagFactory(onderdeel=eigen, position=3, text="Hoe betrekt de school de ouders?"),
        "wifi": VraagFactory(
            onderdeel=praktisch, position=0, text="Wifi voor bezoekers", confidential=True
        ),
    }
    extra = [
        OnderdeelFactory(versie=versie, position=2 + index, title=f"Extra deel {index + 1}")
        for index in range(4)
    ]
    for index in range(questions):
        VraagFactory(
            onderdeel=extra[index % 4], position=index, text=f"Bijkomende vraag {index + 1}?"
        )
    return versie, vragen


def conversation(region, *, questions: int = 0) -> Gesprek:
    """This year's conversation of LSC A with school A, answered, with an agreement; and last
    year's, with one agreement evaluated in this one."""
    anchor, school = region.lsc_anker_a, region.directie_a
    dossier = region.dossier_a
    _versie, vragen = published_template(region.lsc_a, questions=questions)
    last = gesprek_start(
        dossier=dossier, user=anchor, access=access_of(anchor, dossier), school_year=LAST_YEAR
    )
    earlier = afspraak_add(
        gesprek=last,
        user=anchor,
        access=access_of(anchor, dossier),
        what=LAST_AGREEMENT,
        partner="school",
    )
    gesprek = gesprek_start(
        dossier=dossier, user=anchor, access=access_of(anchor, dossier), school_year=YEAR
    )
    answers_save(
        gesprek=gesprek,
        user=school,
        access=access_of(school, dossier),
        values={
            vragen["zorg"].pk: ANSWER,
            vragen["team"].pk: [
                {"name": "An Peeters", "function": "zorgcoördinator", "contact": "an@linde.be"},
                {"name": "Bert Claes", "function": "leerlingenbegeleider", "contact": ""},
            ],
            vragen["wifi"].pk: WIFI,
        },
    )
    answers_save(
        gesprek=gesprek,
        user=anchor,
        access=access_of(anchor, dossier),
        values={vragen["lsc"].pk: "Twee ondersteuners, op dinsdag en donderdag."},
    )
    afspraak_add(
        gesprek=gesprek,
        user=anchor,
        access=access_of(anchor, dossier),
        what=AGREEMENT,
        partner="lsc",
        due_date=timezone.localdate().replace(month=5, day=15),
    )
    afspraak_evaluate(
        gesprek=gesprek,
        afspraak=earlier,
        user=school,
        access=access_of(school, dossier),
        outcome=GesprekAfspraak.Outcome.DONE,
        remark=LAST_REMARK,
    )
    return gesprek


@pytest.fixture
def gesprek(region) -> Gesprek:
    return conversation(region)


def report_url(dossier, gesprek) -> str:
    return reverse("leersteun:gesprek_report", kwargs={"pk": dossier.pk, "gesprek_pk": gesprek.pk})


def pdf_text(path) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is missing: install poppler-utils (make system-deps)"
    result = subprocess.run(
        [pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return " ".join(result.stdout.decode("utf-8").split())


def ask(client, region, gesprek, user, capture, **data) -> tuple[object, Report | None]:
    log_in(client, user)
    with capture(execute=True):
        response = client.post(report_url(region.dossier_a, gesprek), data)
    report = Report.objects.filter(requested_by=user, kind=KIND).order_by("-pk").first()
    return response, report


def test_the_ankerpersoon_asks_and_gets_the_report(
    client, region, gesprek, django_capture_on_commit_callbacks
):
    response, report = ask(
        client, region, gesprek, region.lsc_anker_a, django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("rapporten:reports", kwargs={"pk": region.dossier_a.pk})
    assert [m.level for m in get_messages(response.wsgi_request)] == [messages.SUCCESS]
    assert report.status == Report.Status.DONE, report.error
    assert (report.subject_id, report.include_confidential) == (gesprek.pk, False)
    assert report.school_year == YEAR
    text = pdf_text(report.file.path)
    assert region.school_a.name in text
    assert region.lsc_a.name in text
    assert ANSWER in text
    assert "An Peeters" in text and "zorgcoördinator" in text
    assert "Twee ondersteuners, op dinsdag en donderdag." in text
    assert NOT_FILLED in text  # the question about the parents
    assert AGREEMENT in text
    assert LAST_AGREEMENT in text and LAST_REMARK in text
    assert WITHHELD in text
    assert WIFI not in text
    assert "Kastanje" not in text
    assert dutch("Page %(page)s of %(pages)s").split("%(pages)s")[0] % {"page": 1} in text


def test_the_reports_page_lists_it_by_its_conversation(
    client, region, gesprek, django_capture_on_commit_callbacks
):
    _response, report = ask(
        client, region, gesprek, region.lsc_anker_a, django_capture_on_commit_callbacks
    )
    page = client.get(reverse("rapporten:reports", kwargs={"pk": region.dossier_a.pk}))
    content = page.content.decode()
    assert f"Samenwerkingsgesprek {region.lsc_a.name} {YEAR}" in content
    download = reverse(
        "rapporten:report_download",
        kwargs={"pk": region.dossier_a.pk, "reference": report.reference},
    )
    assert download in content
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert AuditEvent.objects.filter(
        dossier=region.dossier_a, action="report_downloaded", actor=region.lsc_anker_a
    ).exists()


def test_the_report_is_a_tagged_accessible_pdf(
    client, region, gesprek, django_capture_on_commit_callbacks
):
    _response, report = ask(
        client, region, gesprek, region.lsc_anker_a, django_capture_on_commit_callbacks
    )
    pdfinfo = shutil.which("pdfinfo")
    info = subprocess.run(
        [pdfinfo, str(report.file.path)], capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert "Tagged:          yes" in info
    # the PDF/UA identification in the XMP metadata
    meta = subprocess.run(
        [pdfinfo, "-meta", str(report.file.path)], capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert 'pdfuaid:part="1"' in meta


@pytest.mark.parametrize("who", ["directie_a", "lsc_anker_a"])
def test_school_and_lsc_may_include_the_confidential_answers(
    client, region, gesprek, django_capture_on_commit_callbacks, who
):
    _response, report = ask(
        client,
        region,
        gesprek,
        getattr(region, who),
        django_capture_on_commit_callbacks,
        include_confidential="1",
    )
    assert report.status == Report.Status.DONE, report.error
    assert report.include_confidential is True
    text = pdf_text(report.file.path)
    assert WIFI in text
    assert WITHHELD not in text


def test_with_and_without_confidential_answers_are_two_reports(
    client, region, gesprek, django_capture_on_commit_callbacks
):
    _r, plain = ask(client, region, gesprek, region.directie_a, django_capture_on_commit_callbacks)
    _r, full = ask(
        client,
        region,
        gesprek,
        region.directie_a,
        django_capture_on_commit_callbacks,
        include_confidential="1",
    )
    assert plain.pk != full.pk
    assert (plain.include_confidential, full.include_confidential) == (False, True)


def test_the_clb_gets_a_report_without_them_and_cannot_ask_for_them(
    client, region, gesprek, django_capture_on_commit_callbacks
):
    clb = region.clb_medewerker_a
    response, report = ask(client, region, gesprek, clb, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert report.status == Report.Status.DONE, report.error
    text = pdf_text(report.file.path)
    assert ANSWER in text
    assert WIFI not in text

    response, _ = ask(
        client, region, gesprek, clb, django_capture_on_commit_callbacks, include_confidential="1"
    )
    assert response.status_code == 403
    assert not Report.objects.filter(requested_by=clb, include_confidential=True).exists()
    # nor through the service
    with pytest.raises(PermissionDenied):
        report_request(
            dossier=region.dossier_a,
            kind=KIND,
            school_year=YEAR,
            requested_by=clb,
            access=access_of(clb, region.dossier_a),
            subject_id=gesprek.pk,
            include_confidential=True,
        )


def test_a_confidential_report_does_not_open_for_the_clb_with_its_reference(
    client, region, gesprek, django_capture_on_commit_callbacks
):
    _r, report = ask(
        client,
        region,
        gesprek,
        region.directie_a,
        django_capture_on_commit_callbacks,
        include_confidential="1",
    )
    log_in(client, region.clb_medewerker_a)
    for name in ("rapporten:report_status", "rapporten:report_download"):
        url = reverse(name, kwargs={"pk": region.dossier_a.pk, "reference": report.reference})
        assert client.get(url).status_code == 404


def test_a_report_whose_requester_moved_to_the_clb_is_made_without_them(region, gesprek):
    """The render checks again: a report asked with the confidential answers by someone who no
    longer is on the school's or the LSC's side leaves them out."""
    report = Report.objects.create(
        dossier=region.dossier_a,
        kind=KIND,
        school_year=YEAR,
        requested_by=region.clb_medewerker_a,
        subject_id=gesprek.pk,
        include_confidential=True,
    )
    report = Report.objects.select_related("dossier__school").get(pk=report.pk)
    _template, context = build_gesprek_report(report)
    assert context["include_confidential"] is False
    withheld = [q for part in context["parts"] for q in part.questions if q.withheld]
    assert [q.vraag.text for q in withheld] == ["Wifi voor bezoekers"]


@pytest.mark.parametrize("who", ["pbd_begeleider_a", "directie_b", "leerkracht_a"])
def test_the_pbd_and_outsiders_get_404(client, region, gesprek, who):
    log_in(client, getattr(region, who))
    assert client.post(report_url(region.dossier_a, gesprek)).status_code == 404
    assert not Report.objects.exists()


def test_a_conversation_of_another_dossier_is_404(client, region, gesprek):
    elsewhere = Gesprek.objects.create(
        dossier=region.dossier_b,
        lsc=region.lsc_a,
        school_year=YEAR,
        versie=gesprek.versie,
        created_by=region.lsc_anker_a,
    )
    log_in(client, region.directie_a)
    assert client.post(report_url(region.dossier_a, elsewhere)).status_code == 404
    # and the service refuses it too
    with pytest.raises(ValidationError):
        report_request(
            dossier=region.dossier_a,
            kind=KIND,
            school_year=YEAR,
            requested_by=region.directie_a,
            access=access_of(region.directie_a, region.dossier_a),
            subject_id=elsewhere.pk,
        )
    assert not Report.objects.exists()


def test_a_double_request_returns_the_same_report(
    client, region, gesprek, django_capture_on_commit_callbacks
):
    _r, first = ask(client, region, gesprek, region.lsc_anker_a, django_capture_on_commit_callbacks)
    _r, second = ask(
        client, region, gesprek, region.lsc_anker_a, django_capture_on_commit_callbacks
    )
    assert first.pk == second.pk
    assert Report.objects.filter(kind=KIND).count() == 1


def test_the_reports_page_does_not_ask_for_it_without_a_conversation(client, region, gesprek):
    log_in(client, region.lsc_anker_a)
    url = reverse("rapporten:reports", kwargs={"pk": region.dossier_a.pk})
    response = client.post(url, {"kind": KIND, "school_year": YEAR})
    assert response.status_code == 302  # refused by the form: an unknown kind
    assert not Report.objects.exists()
    with pytest.raises(ValidationError):
        report_request(
            dossier=region.dossier_a,
            kind=KIND,
            school_year=YEAR,
            requested_by=region.lsc_anker_a,
            access=access_of(region.lsc_anker_a, region.dossier_a),
        )


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_keeps_the_request(client, region):
    """The pipeline's own handling (transaction=True: on_commit fires inside the request, as in
    production): the request is kept as failed, with a message and the retry button."""
    from dossier.rapporten.services import QUEUE_UNAVAILABLE
    from dossier.rapporten.tests.test_reports import broker_unreachable

    gesprek = conversation(region)
    log_in(client, region.lsc_anker_a)
    with broker_unreachable():
        response = client.post(report_url(region.dossier_a, gesprek))

    assert response.status_code == 302
    assert [m.level for m in get_messages(response.wsgi_request)] == [messages.ERROR]
    report = Report.objects.get(kind=KIND)
    assert (report.status, report.error) == (Report.Status.FAILED, QUEUE_UNAVAILABLE)
    assert report.subject_id == gesprek.pk


def built_queries(region, questions: int) -> int:
    gesprek = conversation(region, questions=questions)
    report = Report.objects.create(
        dossier=region.dossier_a,
        kind=KIND,
        school_year=YEAR,
        requested_by=region.lsc_anker_a,
        subject_id=gesprek.pk,
    )
    report = Report.objects.select_related("dossier__school").get(pk=report.pk)
    with CaptureQueriesContext(connection) as queries:
        _template, context = build_gesprek_report(report)
        # everything the template reads is loaded
        for part in context["parts"]:
            for question in part.questions:
                str(question.vraag.text)
        for afspraak in context["afspraken"] + context["last_year"]:
            afspraak.get_outcome_display()
    assert context["question_count"] == questions + 5
    return len(queries)


def test_the_build_costs_the_same_at_10_and_80_questions(region):
    from leersteun.models import Sjabloon

    counts = []
    for questions in (10, 80):
        counts.append(built_queries(region, questions))
        # room for the next size: the same LSC, school and years
        Gesprek.objects.all().delete()
        Sjabloon.objects.all().delete()
    assert counts[0] == counts[1], counts
