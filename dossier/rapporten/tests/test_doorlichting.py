"""The doorlichting: a school's signaalfunctie and consultations of a school year (page, PDF,
CSV) for the school and its CLB, and the CLB directeur's figures across the CLB's schools,
without any item's content. Real database; Celery is eager in the test settings."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.services import partnership_end
from accounts.tests.factories import OrganisationFactory, PartnershipFactory
from conftest import log_in, member
from consultatie.models import AskedBy
from consultatie.tests.factories import ConsultatieFactory, ThemaFactory
from dossier.core.access import user_flags
from dossier.core.models import AuditEvent, Thema
from dossier.meldingen.models import Notification
from dossier.rapporten.models import Report
from dossier.rapporten.tests.readback import dutch, page_label, page_texts, pdf_info, pdf_text
from samenwerking.schoolyear import school_year_of
from signalen.models import Aanvulling, Bron, Signaal
from signalen.services import aanvulling_add, signaal_change_status, signaal_create

YEAR = school_year_of(timezone.localdate())
SIGNAL_TITLE = "Veel te laat komen in het eerste lesuur"
OTHER_SCHOOL_SIGNAL = "Signaal van een andere school"
NOTE_QUESTION = "Hoe begeleiden we de rekenles in 4A (doorlichting)?"
THEME = "Rekenen (doorlichting)"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def a_signal(region, *, dossier=None, author=None, title=SIGNAL_TITLE, days_ago=10):
    dossier = dossier or region.dossier_a
    author = author or region.clb_medewerker_a
    access = user_flags(author, dossier)
    signaal = signaal_create(
        dossier=dossier,
        author=author,
        access=access,
        title=title,
        text="Elke ochtend een tiental leerlingen te laat.",
        thema=Thema.objects.get_or_create(name="Spijbelen (doorlichting)")[0],
        bron=Bron.objects.get_or_create(name="LARS (doorlichting)")[0],
        school_year=YEAR,
    )
    # logged some days ago (within this school year)
    logged = max(
        timezone.now() - datetime.timedelta(days=days_ago),
        timezone.make_aware(datetime.datetime(int(YEAR[:4]), 9, 2, 9)),
    )
    Signaal.objects.filter(pk=signaal.pk).update(created_at=logged)
    return signaal, access, logged


def a_year(region):
    """A signal with a duiding after 4 days and an advies, one still without anything, a
    consultation note of A, and a signal and note of school B (another CLB)."""
    signaal, access, logged = a_signal(region)
    aanvulling_add(
        signaal=signaal, author=region.clb_medewerker_a, access=access, kind="duiding", text="D"
    )
    aanvulling_add(
        signaal=signaal, author=region.clb_medewerker_a, access=access, kind="advies", text="A"
    )
    Aanvulling.objects.filter(signaal=signaal, kind="duiding").update(
        created_at=logged + datetime.timedelta(days=4)
    )
    Aanvulling.objects.filter(signaal=signaal, kind="advies").update(
        created_at=logged + datetime.timedelta(days=6)
    )
    a_signal(region, title="Nog niet opgevolgd signaal", days_ago=3)
    ConsultatieFactory(
        dossier=region.dossier_a,
        author=region.clb_medewerker_a,
        date=timezone.localdate(),
        asked_by=AskedBy.LEERKRACHT,
        question=NOTE_QUESTION,
        themas=[ThemaFactory(name=THEME)],
    )
    clb_b = member(region.clb_other, Role.CLB_MEDEWERKER)
    from dossier.core.services import AccessLevel, access_grant

    access_grant(
        dossier=region.dossier_b,
        granted_by=region.directie_b,
        access=user_flags(region.directie_b, region.dossier_b),
        user=clb_b,
        level=AccessLevel.CONTRIBUTE,
    )
    a_signal(region, dossier=region.dossier_b, author=clb_b, title=OTHER_SCHOOL_SIGNAL)
    return signaal


def page(client, region, user, **params):
    log_in(client, user)
    return client.get(reverse("rapporten:doorlichting", kwargs={"pk": region.dossier_a.pk}), params)


# --- one school's page --------------------------------------------------------------------


def test_the_directie_sees_each_signal_with_its_follow_up_and_the_consultations(client, region):
    a_year(region)

    response = page(client, region, region.directie_a, schooljaar=YEAR)

    assert response.status_code == 200
    html = response.content.decode()
    chapters = response.context["chapters"]
    assert [chapter.key for chapter in chapters] == ["signalen", "consultaties"]
    rows = {row["signaal"].title: row for row in _rows(region)}
    assert rows[SIGNAL_TITLE]["days"]["duiding"] == pytest.approx(4, abs=0.01)
    assert rows[SIGNAL_TITLE]["days"]["advies"] == pytest.approx(6, abs=0.01)
    assert rows[SIGNAL_TITLE]["firsts"]["afspraak"] is None
    assert SIGNAL_TITLE in html and "Nog niet opgevolgd signaal" in html
    # nothing of school B, and no note's content: the consultations are counted only
    assert OTHER_SCHOOL_SIGNAL not in html
    assert NOTE_QUESTION not in html
    assert THEME in html
    # the charts draw with their numbers beside them for screen readers
    assert 'id="chart-doorlichting-follow-up"' in html
    assert 'id="chart-doorlichting-themes"' in html


def _rows(region):
    from signalen.doorlichting import school_context

    return school_context(region.dossier_a, YEAR)["rows"]


def test_the_signals_part_counts_what_is_still_open(region):
    signaal = a_year(region)
    signaal_change_status(
        signaal=signaal,
        actor=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, region.dossier_a),
        to_status="afgesloten",
    )
    from signalen.doorlichting import school_context

    context = school_context(region.dossier_a, YEAR)

    assert (context["signal_count"], context["open_count"], context["closed_count"]) == (2, 1, 1)
    # the open one has no duiding yet
    assert context["without_duiding"] == 1
    duiding = context["follow_up"].steps[0]
    assert (duiding.reached, duiding.waiting) == (1, 1)


def test_the_clb_reads_it_and_the_pbd_lsc_and_outsiders_do_not(client, region):
    a_year(region)
    assert page(client, region, region.clb_medewerker_a).status_code == 200
    for outsider in (
        region.pbd_begeleider_a,
        region.lsc_anker_a,
        region.clb_medewerker_other,
        region.platform_admin,
        region.directie_b,
        region.leerkracht_a,
    ):
        assert page(client, region, outsider).status_code == 404, outsider


def test_a_school_year_not_in_the_list_says_so_and_shows_this_one(client, region):
    for value in ("2099-2100", "tien", "2024-2026", "'; drop table"):
        response = page(client, region, region.directie_a, schooljaar=value)
        assert response.status_code == 200
        assert response.context["school_year"] == YEAR
        assert [str(m) for m in get_messages(response.wsgi_request)] == [
            dutch("Choose a school year from the list.")
        ]


def test_the_csv_of_the_signals_is_formula_safe_and_audited(client, region):
    a_year(region)
    a_signal(region, title='=HYPERLINK("http://example.com")')
    log_in(client, region.directie_a)

    response = client.get(
        reverse(
            "rapporten:doorlichting_csv", kwargs={"pk": region.dossier_a.pk, "part": "signalen"}
        ),
        {"schooljaar": YEAR},
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (
        f"doorlichting-signalen-{region.school_a.instellingsnummer}-{YEAR}.csv"
        in (response["Content-Disposition"])
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    titles = [row[1] for row in rows[1:]]
    assert SIGNAL_TITLE in titles
    assert '\'=HYPERLINK("http://example.com")' in titles
    assert OTHER_SCHOOL_SIGNAL not in response.content.decode("utf-8-sig")
    line = next(row for row in rows if row[1] == SIGNAL_TITLE)
    assert "4,0" in line and "6,0" in line
    assert AuditEvent.objects.filter(
        dossier=region.dossier_a, actor=region.directie_a, action="doorlichting_csv"
    ).exists()


def test_the_csv_of_the_consultations_has_counts_only(client, region):
    a_year(region)
    log_in(client, region.clb_medewerker_a)

    response = client.get(
        reverse(
            "rapporten:doorlichting_csv",
            kwargs={"pk": region.dossier_a.pk, "part": "consultaties"},
        ),
        {"schooljaar": YEAR},
    )

    text = response.content.decode("utf-8-sig")
    assert THEME in text
    assert NOTE_QUESTION not in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [dutch("Who asked"), dutch("Leerkracht"), "1"] in rows


def test_a_csv_of_a_part_the_person_does_not_read_is_404(client, region):
    log_in(client, region.directie_a)
    url = reverse(
        "rapporten:doorlichting_csv", kwargs={"pk": region.dossier_a.pk, "part": "onbekend"}
    )
    assert client.get(url, {"schooljaar": YEAR}).status_code == 404
    # a school year that is none goes back to the page with a message
    url = reverse(
        "rapporten:doorlichting_csv", kwargs={"pk": region.dossier_a.pk, "part": "signalen"}
    )
    assert client.get(url, {"schooljaar": "nooit"}).status_code == 302


def test_the_pdf_is_made_in_the_background_and_reads_back(
    client, region, tmp_path, django_capture_on_commit_callbacks
):
    a_year(region)
    log_in(client, region.directie_a)
    url = reverse("rapporten:doorlichting", kwargs={"pk": region.dossier_a.pk})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"schooljaar": YEAR})

    assert response.status_code == 302
    report = Report.objects.get(kind="doorlichting", requested_by=region.directie_a)
    assert report.status == Report.Status.DONE, report.error
    download = client.get(report.download_url())
    path = tmp_path / "doorlichting.pdf"
    path.write_bytes(b"".join(download.streaming_content))
    text = pdf_text(path)
    assert region.school_a.name in text
    assert SIGNAL_TITLE in text
    assert THEME in text
    assert NOTE_QUESTION not in text
    assert OTHER_SCHOOL_SIGNAL not in text
    pages = page_texts(path)
    for number, page_text in enumerate(pages, start=1):
        assert page_label(number, len(pages)) in page_text
        assert region.school_a.name in page_text
    assert "PDF/UA" in pdf_info(path, meta=True) or "pdfuaid" in pdf_info(path, meta=True)
    assert "Tagged:          yes" in pdf_info(path)
    # the page lists it
    assert str(report.reference) in client.get(url).content.decode()
    # someone else with the reference does not open it
    log_in(client, region.zorg_a)
    assert client.get(report.download_url()).status_code == 404


# --- across a CLB's schools ---------------------------------------------------------------


@pytest.fixture
def directeur(region):
    return member(region.clb_a, Role.CLB_DIRECTEUR, email="directeur@clbleie.be")


def clb_page(client, region, user, **params):
    log_in(client, user)
    return client.get(
        reverse("rapporten:clb_doorlichting", kwargs={"organisation_id": region.clb_a.pk}),
        params,
    )


def test_the_clb_directeur_sees_figures_per_school_and_no_content(client, region, directeur):
    a_year(region)

    response = clb_page(client, region, directeur, schooljaar=YEAR)

    assert response.status_code == 200
    html = response.content.decode()
    assert region.school_a.name in html
    # school B is another CLB's
    assert region.school_b.name not in html
    for content in (SIGNAL_TITLE, NOTE_QUESTION, OTHER_SCHOOL_SIGNAL):
        assert content not in html
    signals, notes = response.context["tables"]
    school, values = signals.rows[0]
    assert school.dossier_id == region.dossier_a.pk
    # two signals, two open, one open without a duiding, medians 4 and 6 days, no afspraak
    assert values == [2, 2, 1, 4.0, 6.0, None]
    school, values = notes.rows[0]
    assert values[0] == 1
    assert values[2 + list(AskedBy.values).index(AskedBy.LEERKRACHT)] == 1
    assert THEME in values[-1]


def test_a_school_that_changed_clb_counts_for_each_over_its_own_months(region, directeur):
    """School C left CLB A for CLB B during the year: CLB A counts what was logged while it
    served C, not what came after."""
    from dossier.rapporten.doorlichting import clb_tables

    school_c = OrganisationFactory(name="Basisschool De Beuk")
    first = datetime.date(int(YEAR[:4]), 9, 1)
    partnership = PartnershipFactory(school=school_c, partner=region.clb_a, start_date=first)
    directie_c = member(school_c, Role.DIRECTIE)
    author = member(region.clb_a, Role.CLB_MEDEWERKER)
    from dossier.core.services import AccessLevel, access_grant

    access_grant(
        dossier=school_c.dossier,
        granted_by=directie_c,
        access=user_flags(directie_c, school_c.dossier),
        user=author,
        level=AccessLevel.CONTRIBUTE,
    )
    a_signal(region, dossier=school_c.dossier, author=author, title="Bij CLB A", days_ago=20)
    ended = timezone.localdate() - datetime.timedelta(days=5)
    partnership_end(partnership=partnership, end_date=ended)
    # logged after CLB A's partnership ended, by the school itself
    a_signal(region, dossier=school_c.dossier, author=directie_c, title="Daarna", days_ago=1)

    schools, tables = clb_tables(region.clb_a, YEAR)

    served = {school.name: school for school in schools}
    assert served["Basisschool De Beuk"].last == ended
    signals = {school.name: values for school, values in tables[0].rows}
    assert signals["Basisschool De Beuk"][0] == 1


def test_only_the_clbs_directeur_opens_it(client, region, directeur):
    for outsider in (
        region.clb_medewerker_a,
        region.clb_medewerker_other,
        region.directie_a,
        region.platform_admin,
    ):
        assert clb_page(client, region, outsider).status_code == 404, outsider
    other = member(region.clb_other, Role.CLB_DIRECTEUR)
    assert clb_page(client, region, other).status_code == 404
    # not a CLB at all
    log_in(client, directeur)
    url = reverse("rapporten:clb_doorlichting", kwargs={"organisation_id": region.school_a.pk})
    assert client.get(url).status_code == 404


def test_the_clb_csv_has_a_row_per_school_and_is_audited_in_each(client, region, directeur):
    a_year(region)
    log_in(client, directeur)

    response = client.get(
        reverse(
            "rapporten:clb_doorlichting_csv",
            kwargs={"organisation_id": region.clb_a.pk, "part": "signalen"},
        ),
        {"schooljaar": YEAR},
    )

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == [region.school_a.name]
    assert rows[1][4:7] == ["2", "2", "1"]
    assert AuditEvent.objects.filter(
        dossier=region.dossier_a, actor=directeur, action="doorlichting_csv"
    ).exists()
    assert not AuditEvent.objects.filter(dossier=region.dossier_b, actor=directeur).exists()


def test_the_clb_pdf_goes_through_the_pipeline_and_tells_the_directeur(
    client, region, directeur, tmp_path, django_capture_on_commit_callbacks
):
    a_year(region)
    log_in(client, directeur)
    url = reverse("rapporten:clb_doorlichting", kwargs={"organisation_id": region.clb_a.pk})

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"schooljaar": YEAR}).status_code == 302
        # a double click finds the same report
        assert client.post(url, {"schooljaar": YEAR}).status_code == 302

    report = Report.objects.get(kind="doorlichting_clb")
    assert report.organisation_id == region.clb_a.pk and report.dossier_id is None
    assert report.status == Report.Status.DONE, report.error
    notification = Notification.objects.get(user=directeur)
    assert notification.dossier_id is None and notification.place == region.clb_a.name
    assert notification.url.startswith(url)
    download = client.get(report.download_url())
    assert download.status_code == 200
    path = tmp_path / "clb.pdf"
    path.write_bytes(b"".join(download.streaming_content))
    text = pdf_text(path)
    assert region.clb_a.name in text and region.school_a.name in text
    for content in (SIGNAL_TITLE, NOTE_QUESTION, region.school_b.name):
        assert content not in text
    assert "Tagged:          yes" in pdf_info(path)
    # the download is in the audit log of the school it covers
    assert AuditEvent.objects.filter(
        dossier=region.dossier_a, actor=directeur, action="report_downloaded"
    ).exists()
    # another directeur of the CLB, with the reference, does not open it
    colleague = member(region.clb_a, Role.CLB_DIRECTEUR)
    log_in(client, colleague)
    assert client.get(report.download_url()).status_code == 404
    assert client.get(report.status_url()).status_code == 404


def test_the_nav_shows_the_doorlichting_to_the_clb_directeur_only(client, region, directeur):
    url = reverse("rapporten:clb_doorlichting", kwargs={"organisation_id": region.clb_a.pk})
    log_in(client, directeur)
    assert f'href="{url}"' in client.get(reverse("dossier:mijn_dossiers")).content.decode()
    log_in(client, region.clb_medewerker_a)
    assert f'href="{url}"' not in client.get(reverse("dossier:mijn_dossiers")).content.decode()


# --- query budgets ------------------------------------------------------------------------


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def test_the_school_page_costs_the_same_for_few_and_many_signals(client, region):
    a_year(region)
    log_in(client, region.clb_medewerker_a)
    url = reverse("rapporten:doorlichting", kwargs={"pk": region.dossier_a.pk})
    client.get(url, {"schooljaar": YEAR})
    few = _queries(client, url, {"schooljaar": YEAR})
    for number in range(12):
        signaal, access, _logged = a_signal(region, title=f"Signaal {number}")
        aanvulling_add(
            signaal=signaal, author=region.clb_medewerker_a, access=access, kind="duiding", text="D"
        )
        ConsultatieFactory(
            dossier=region.dossier_a,
            author=region.clb_medewerker_a,
            date=timezone.localdate(),
            themas=[ThemaFactory(name=f"Thema {number}")],
        )
    many = _queries(client, url, {"schooljaar": YEAR})
    assert many == few
    assert few <= 14


def test_the_clb_page_costs_the_same_for_few_and_many_schools(client, region, directeur):
    a_year(region)
    log_in(client, directeur)
    url = reverse("rapporten:clb_doorlichting", kwargs={"organisation_id": region.clb_a.pk})
    client.get(url, {"schooljaar": YEAR})
    few = _queries(client, url, {"schooljaar": YEAR})
    author = member(region.clb_a, Role.CLB_MEDEWERKER)
    from dossier.core.services import AccessLevel, access_grant

    for number in range(6):
        school = OrganisationFactory(name=f"School {number}")
        PartnershipFactory(school=school, partner=region.clb_a)
        directie = member(school, Role.DIRECTIE)
        access_grant(
            dossier=school.dossier,
            granted_by=directie,
            access=user_flags(directie, school.dossier),
            user=author,
            level=AccessLevel.CONTRIBUTE,
        )
        a_signal(region, dossier=school.dossier, author=author, title=f"S{number}")
        ConsultatieFactory(dossier=school.dossier, author=author, date=timezone.localdate())
    # the new memberships and grants moved the access generation on: the first page after
    # them looks the person's standing up again, as the first page of any session does
    client.get(url, {"schooljaar": YEAR})
    many = _queries(client, url, {"schooljaar": YEAR})
    assert many == few
    assert few <= 12


# --- what each persona's PDF holds --------------------------------------------------------


@pytest.mark.parametrize("persona", ["directie_a", "zorg_a", "clb_medewerker_a"])
def test_each_reader_s_pdf_holds_the_signals_and_the_counts_and_no_note(region, tmp_path, persona):
    """The school and its CLB read the same doorlichting: every signal of the school year
    with its follow-up, the consultations counted; never a note's text, nor another school."""
    from dossier.rapporten.doorlichting import DOORLICHTING, build_doorlichting
    from dossier.rapporten.pdf import render_pdf

    a_year(region)
    user = getattr(region, persona)
    report = Report.objects.create(
        dossier=region.dossier_a, kind=DOORLICHTING.key, school_year=YEAR, requested_by=user
    )
    from django.utils import translation

    with translation.override("nl-be"):
        pdf = render_pdf(*build_doorlichting(report), pdf_variant=DOORLICHTING.pdf_variant)
    path = tmp_path / f"{persona}.pdf"
    path.write_bytes(pdf)
    text = pdf_text(path)

    assert SIGNAL_TITLE in text and "Nog niet opgevolgd signaal" in text
    assert THEME in text
    assert str(user) in text
    for absent in (NOTE_QUESTION, OTHER_SCHOOL_SIGNAL, region.school_b.name):
        assert absent not in text


def test_a_reader_who_lost_access_gets_a_report_that_holds_nothing(region, tmp_path):
    """Access is decided when the PDF is built: a CLB medewerker whose partnership ended in
    between gets a refusal, not the dossier."""
    from django.core.exceptions import PermissionDenied

    from accounts.models import Partnership
    from dossier.rapporten.doorlichting import DOORLICHTING, build_doorlichting

    a_year(region)
    report = Report.objects.create(
        dossier=region.dossier_a,
        kind=DOORLICHTING.key,
        school_year=YEAR,
        requested_by=region.clb_medewerker_a,
    )
    partnership_end(
        partnership=Partnership.objects.get(school=region.school_a, partner=region.clb_a),
        end_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    with pytest.raises(PermissionDenied):
        build_doorlichting(report)
