"""The leersteunraad of an LSC: who reads and writes its space, a school's representative,
meetings with attendance, allocation rules, and the figures (aggregates only, flat in queries)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.roles import Role
from accounts.tests.factories import OrganisationFactory, PartnershipFactory, UserFactory
from conftest import build_full_region, log_in, member
from dossier.core.access import access_changed
from dossier.core.access.organisations import raad_standing
from leersteun.models import Leersteunvraag, RaadLid, RaadVergadering, Toewijzingsregel
from leersteun.selectors.raad import raad_figures
from leersteun.services.raad import afgevaardigde_set, lid_add, lid_end, regel_save
from leersteun.workflow import Status
from samenwerking.schoolyear import school_year_of

THIS_YEAR = school_year_of(timezone.localdate())
SECRET_LABEL = "3B-JV-geheim"
SECRET_QUESTION = "Hoe helpen we Jonas met lezen"


@pytest.fixture
def full(db):
    return build_full_region()


def url(name, region, **kwargs):
    return reverse(f"leersteun:{name}", kwargs={"lsc_pk": region.lsc_a.pk, **kwargs})


def vraag(dossier, lsc, *, by, status=Status.AANGEMELD, hours=None, waited_days=None, **kwargs):
    now = timezone.now()
    return Leersteunvraag.objects.create(
        dossier=dossier,
        lsc=lsc,
        school_year=kwargs.pop("school_year", THIS_YEAR),
        level=kwargs.pop("level", Leersteunvraag.Level.LEERLING),
        owner=Leersteunvraag.Owner.ZORGCOORDINATOR,
        label=kwargs.pop("label", SECRET_LABEL),
        leervraag=kwargs.pop("leervraag", SECRET_QUESTION),
        status=status,
        estimated_hours=hours,
        waiting_since=now - datetime.timedelta(days=waited_days) if waited_days else None,
        registered_by=by,
        registered_side="school",
    )


# --- who reads, who writes ----------------------------------------------------------------------

READERS = {
    "lsc_anker_a": 200,  # LSC staff read
    "lsc_coordinator_a": 200,
    "directie_a": 200,  # the directie of an affiliated school: its school sits in the council
    "directie_b": 404,  # school B does not work with LSC A
    "zorg_a": 404,  # works at school A but neither directie nor designated
    "clb_medewerker_a": 404,  # not a member
    "pbd_begeleider_a": 404,
    "platform_admin": 404,
}


@pytest.mark.parametrize(("persona", "status"), READERS.items())
def test_who_reads_the_council(client, full, persona, status):
    log_in(client, getattr(full, persona))
    assert client.get(url("raad", full)).status_code == status
    assert client.get(url("raad_cijfers", full)).status_code == status


WRITERS = {"lsc_coordinator_a": 200, "lsc_anker_a": 403, "directie_a": 403, "directie_b": 404}


@pytest.mark.parametrize(("persona", "status"), WRITERS.items())
def test_only_the_coordinator_writes(client, full, persona, status):
    log_in(client, getattr(full, persona))
    for name in ("raad_lid_add", "raad_vergadering_add", "raad_regel_add"):
        assert client.get(url(name, full)).status_code == status, name


def test_a_member_with_an_account_reads_until_the_end_date(client, full):
    lid = lid_add(
        lsc=full.lsc_a,
        user=full.lsc_coordinator_a,
        kind=RaadLid.Kind.CLB,
        member_user=full.clb_medewerker_a,
    )
    log_in(client, full.clb_medewerker_a)
    assert client.get(url("raad", full)).status_code == 200
    # the end date passes (written straight to the row, as the admin would)
    lid.start_date = timezone.localdate() - datetime.timedelta(days=30)
    lid.end_date = timezone.localdate() - datetime.timedelta(days=1)
    lid.save()
    access_changed()
    assert client.get(url("raad", full)).status_code == 404


def test_ending_a_membership_ends_access_at_once(client, full):
    lid = lid_add(
        lsc=full.lsc_a,
        user=full.lsc_coordinator_a,
        kind=RaadLid.Kind.OUDERS,
        name="Ouderraad",
        member_user=full.pbd_begeleider_a,
    )
    log_in(client, full.lsc_coordinator_a)
    response = client.post(url("raad_lid_end", full, lid_pk=lid.pk))
    assert response.status_code == 302
    client.force_login(full.pbd_begeleider_a)
    assert client.get(url("raad", full)).status_code == 404


def test_a_member_without_an_account_is_named_by_role(client, full):
    log_in(client, full.lsc_coordinator_a)
    response = client.post(
        url("raad_lid_add", full), {"kind": RaadLid.Kind.LEERLINGEN, "name": "Leerlingenraad"}
    )
    assert response.status_code == 302
    lid = RaadLid.objects.get(lsc=full.lsc_a)
    assert (lid.name, lid.user, lid.kind) == ("Leerlingenraad", None, RaadLid.Kind.LEERLINGEN)
    assert "Leerlingenraad" in client.get(url("raad", full)).content.decode()


def test_the_ankerpersoon_cannot_write_through_the_service(full):
    with pytest.raises(PermissionDenied):
        lid_add(lsc=full.lsc_a, user=full.lsc_anker_a, kind=RaadLid.Kind.CLB, name="CLB")
    assert not RaadLid.objects.exists()


def test_the_standing_costs_one_query_and_is_kept_for_the_request(full, django_assert_num_queries):
    from accounts.models import User

    user = User.objects.get(pk=full.directie_a.pk)
    access_changed()
    with django_assert_num_queries(2):  # the memberships, the council seats
        raad_standing(user, full.lsc_a.pk)
    with django_assert_num_queries(0):
        assert raad_standing(user, full.lsc_a.pk).read


# --- a school's representative -------------------------------------------------------------------


def test_the_directie_designates_someone_of_its_school(client, full):
    page = url("raad_afgevaardigde", full, school_pk=full.school_a.pk)
    log_in(client, full.directie_a)
    assert client.get(page).status_code == 200
    response = client.post(page, {"person": str(full.zorg_a.pk)})
    assert response.status_code == 302
    seat = RaadLid.objects.get(lsc=full.lsc_a, kind=RaadLid.Kind.SCHOOL, school=full.school_a)
    assert seat.user == full.zorg_a
    assert full.zorg_a.get_full_name() in client.get(url("raad", full)).content.decode()
    client.force_login(full.zorg_a)
    assert client.get(url("raad", full)).status_code == 200
    # back to the directie: the representative's access ends
    client.force_login(full.directie_a)
    assert client.post(page, {"person": ""}).status_code == 302
    client.force_login(full.zorg_a)
    assert client.get(url("raad", full)).status_code == 404


def test_the_members_page_names_the_default(client, full):
    log_in(client, full.lsc_anker_a)
    with translation.override("nl-be"):
        expected = str(_("Not designated yet: the directie"))
    assert expected in client.get(url("raad", full)).content.decode()


def test_only_the_schools_own_directie_designates(client, full):
    log_in(client, full.lsc_coordinator_a)  # reads the council, designates for no school
    page = url("raad_afgevaardigde", full, school_pk=full.school_a.pk)
    assert client.get(page).status_code == 403
    client.force_login(full.directie_a)  # school B is not of the council
    assert (
        client.get(url("raad_afgevaardigde", full, school_pk=full.school_b.pk)).status_code == 403
    )
    client.force_login(full.directie_b)
    assert client.post(page, {"person": str(full.directie_b.pk)}).status_code == 404
    assert not RaadLid.objects.exists()


def test_a_representative_must_work_at_the_school(client, full):
    page = url("raad_afgevaardigde", full, school_pk=full.school_a.pk)
    log_in(client, full.directie_a)
    assert client.post(page, {"person": str(full.directie_b.pk)}).status_code == 400
    with pytest.raises(ValidationError):
        afgevaardigde_set(
            lsc=full.lsc_a, school=full.school_a, user=full.directie_a, person=full.directie_b
        )
    assert not RaadLid.objects.exists()


def test_a_school_that_no_longer_works_with_the_lsc_loses_its_seat(client, full):
    school = OrganisationFactory(name="Vrije Basisschool Ter Beke")
    partnership = PartnershipFactory(school=school, partner=full.lsc_a)
    directie = member(school, Role.DIRECTIE)
    teacher = member(school, Role.LEERKRACHT)
    afgevaardigde_set(lsc=full.lsc_a, school=school, user=directie, person=teacher)
    log_in(client, teacher)
    assert client.get(url("raad", full)).status_code == 200
    partnership.end_date = timezone.localdate() - datetime.timedelta(days=1)
    partnership.start_date = partnership.end_date - datetime.timedelta(days=400)
    partnership.save()
    assert client.get(url("raad", full)).status_code == 404
    with pytest.raises(PermissionDenied):  # its directie no longer designates either
        afgevaardigde_set(lsc=full.lsc_a, school=school, user=directie, person=None)


# --- meetings ------------------------------------------------------------------------------------


def test_a_meeting_with_attendance(client, full):
    other = lid_add(
        lsc=full.lsc_a, user=full.lsc_coordinator_a, kind=RaadLid.Kind.WELZIJN, name="JAC"
    )
    absent = lid_add(
        lsc=full.lsc_a, user=full.lsc_coordinator_a, kind=RaadLid.Kind.OUDERS, name="Ouders"
    )
    log_in(client, full.lsc_coordinator_a)
    day = timezone.localdate()
    response = client.post(
        url("raad_vergadering_add", full),
        {
            "date": day.strftime("%d/%m/%Y"),
            "agenda": "Verdeling uren",
            "decisions": "Elke school krijgt 2 uur",
            "schools": [str(full.school_a.pk)],
            "members": [str(other.pk)],
        },
    )
    assert response.status_code == 302
    vergadering = RaadVergadering.objects.get(lsc=full.lsc_a)
    present = set(vergadering.present.all())
    seat = RaadLid.objects.get(kind=RaadLid.Kind.SCHOOL, school=full.school_a)
    assert present == {other, seat} and absent not in present
    assert seat.user is None  # the directie sat by default
    client.force_login(full.directie_a)
    page = client.get(url("raad_vergadering", full, vergadering_pk=vergadering.pk))
    assert page.status_code == 200
    assert "Verdeling uren" in page.content.decode()
    # the coördinator changes it: the school stays present with the same seat
    client.force_login(full.lsc_coordinator_a)
    edit = url("raad_vergadering_edit", full, vergadering_pk=vergadering.pk)
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {
            "date": day.strftime("%d/%m/%Y"),
            "agenda": "Verdeling",
            "schools": [str(full.school_a.pk)],
        },
    )
    assert response.status_code == 302
    assert set(vergadering.present.all()) == {seat}


@pytest.mark.parametrize("date", ["01/01/1800", "01/01/2999", "31/02/2025", "morgen"])
def test_a_meeting_date_out_of_range_is_refused(client, full, date):
    log_in(client, full.lsc_coordinator_a)
    response = client.post(url("raad_vergadering_add", full), {"date": date, "agenda": "x"})
    assert response.status_code == 400
    assert not RaadVergadering.objects.exists()


def test_a_meeting_ticks_only_the_councils_schools(client, full):
    log_in(client, full.lsc_coordinator_a)
    response = client.post(
        url("raad_vergadering_add", full),
        {
            "date": timezone.localdate().strftime("%d/%m/%Y"),
            "agenda": "x",
            "schools": [str(full.school_b.pk)],
        },
    )
    assert response.status_code == 400
    assert not RaadVergadering.objects.exists() and not RaadLid.objects.exists()


# --- allocation rules ----------------------------------------------------------------------------


def test_an_allocation_rule(client, full):
    log_in(client, full.lsc_coordinator_a)
    response = client.post(
        url("raad_regel_add", full),
        {
            "title": "Basisschool De Linde",
            "text": "Vier uur per week voor leerkrachtondersteuning",
            "school": str(full.school_a.pk),
            "hours_per_week": "4",
        },
    )
    assert response.status_code == 302
    regel = Toewijzingsregel.objects.get(lsc=full.lsc_a)
    assert (regel.school, regel.hours_per_week) == (full.school_a, Decimal("4.0"))
    edit = url("raad_regel_edit", full, regel_pk=regel.pk)
    assert client.get(edit).status_code == 200
    client.force_login(full.directie_a)
    assert "Vier uur per week" in client.get(url("raad", full)).content.decode()
    assert client.get(edit).status_code == 403


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"hours_per_week": "-1"}, "The hours per week cannot be below zero."),
        ({"school": "school_b"}, "Choose a school that works with this LSC."),
        (
            {"school": "", "hours_per_week": "2"},
            "Hours per week are given to a school: choose the school.",
        ),
        ({"title": ""}, None),
    ],
)
def test_a_bad_rule_is_refused_in_dutch(client, full, data, message):
    log_in(client, full.lsc_coordinator_a)
    post = {"title": "Regel", "text": "Tekst", "school": str(full.school_a.pk)} | data
    if post["school"] == "school_b":
        post["school"] = str(full.school_b.pk)
    response = client.post(url("raad_regel_add", full), post, HTTP_ACCEPT_LANGUAGE="nl-be")
    assert response.status_code == 400
    assert not Toewijzingsregel.objects.exists()
    if message:
        with translation.override("nl-be"):
            assert str(_(message)) in response.content.decode()


def test_the_rule_service_checks_again(full):
    with pytest.raises(ValidationError) as error:
        regel_save(
            lsc=full.lsc_a,
            user=full.lsc_coordinator_a,
            title="R",
            text="T",
            school=full.school_b,
            hours_per_week=Decimal("-2"),
        )
    assert set(error.value.message_dict) == {"school", "hours_per_week"}
    assert not Toewijzingsregel.objects.exists()


def test_lid_end_needs_the_coordinator(full):
    lid = lid_add(lsc=full.lsc_a, user=full.lsc_coordinator_a, kind=RaadLid.Kind.CLB, name="CLB")
    with pytest.raises(PermissionDenied):
        lid_end(lid=lid, user=full.directie_a)
    lid.refresh_from_db()
    assert lid.end_date is None


# --- the figures ----------------------------------------------------------------------------------


def test_the_figures_per_school(client, full):
    by = full.zorg_a
    d, lsc = full.dossier_a, full.lsc_a
    vraag(d, lsc, status=Status.OPGESTART, hours=Decimal("2.5"), by=by)
    vraag(d, lsc, status=Status.OPGESTART, hours=Decimal("1.5"), by=by, level="schoolteam")
    vraag(d, lsc, status=Status.WACHTLIJST, waited_days=10, by=by)
    vraag(d, lsc, status=Status.WACHTLIJST, waited_days=30, by=by, level="leerkracht")
    vraag(d, lsc, status=Status.AFGEROND, hours=Decimal("9"), by=by)
    vraag(d, lsc, status=Status.OPGESTART, hours=Decimal("7"), by=by, school_year="2001-2002")
    other_lsc = OrganisationFactory(lsc=True)
    PartnershipFactory(school=full.school_a, partner=other_lsc)
    vraag(d, other_lsc, status=Status.OPGESTART, hours=Decimal("7"), by=by)
    regel_save(
        lsc=lsc,
        user=full.lsc_coordinator_a,
        title="A",
        text="uren",
        school=full.school_a,
        hours_per_week=Decimal("3"),
    )

    figures = raad_figures(lsc.pk, THIS_YEAR)
    (row,) = figures.schools
    assert row.school == full.school_a
    assert row.total == 5
    assert row.by_level == {"leerling": 3, "schoolteam": 1, "leerkracht": 1}
    assert row.by_status == {"opgestart": 2, "wachtlijst": 2, "afgerond": 1}
    assert (row.hours_used, row.hours_allocated, row.over_allocation) == (
        Decimal("4.0"),
        Decimal("3.0"),
        True,
    )
    assert row.waiting == 2
    assert round(row.wait_median) == 20 and round(row.wait_mean) == 20
    assert figures.totals.total == 5

    log_in(client, full.directie_a)
    page = client.get(url("raad_cijfers", full))
    assert page.status_code == 200
    content = page.content.decode()
    assert SECRET_LABEL not in content and SECRET_QUESTION not in content
    assert client.get(url("raad", full)).content.decode().count(SECRET_LABEL) == 0
    other_year = client.get(url("raad_cijfers", full), {"schooljaar": "2001-2002"})
    assert other_year.status_code in (200, 400)  # only recent years are offered


def test_the_figures_school_year_filter(client, full):
    log_in(client, full.lsc_anker_a)
    assert client.get(url("raad_cijfers", full), {"schooljaar": "nonsense"}).status_code == 400
    assert client.get(url("raad_cijfers", full), {"schooljaar": THIS_YEAR}).status_code == 200


def _council_of(size: int):
    """An LSC with ``size`` affiliated schools, each with questions, and a representative."""
    lsc = OrganisationFactory(lsc=True)
    coordinator = member(lsc, Role.LSC_COORDINATOR)
    representative = None
    for index in range(size):
        school = OrganisationFactory(name=f"School {index}")
        PartnershipFactory(school=school, partner=lsc)
        directie = member(school, Role.DIRECTIE)
        if representative is None:
            representative = directie
        vraag(school.dossier, lsc, status=Status.OPGESTART, hours=Decimal(2), by=directie)
        vraag(school.dossier, lsc, status=Status.WACHTLIJST, waited_days=index + 1, by=directie)
        regel_save(
            lsc=lsc,
            user=coordinator,
            title=f"R{index}",
            text="uren",
            school=school,
            hours_per_week=Decimal(3),
        )
        lid_add(lsc=lsc, user=coordinator, kind=RaadLid.Kind.ANDERE, name=f"Lid {index}")
    return lsc, representative


@pytest.mark.parametrize("name", ["raad_cijfers", "raad"])
def test_the_query_count_is_flat(client, db, name):
    counts = []
    for size in (4, 40):
        lsc, representative = _council_of(size)
        log_in(client, representative)
        page = reverse(f"leersteun:{name}", kwargs={"lsc_pk": lsc.pk})
        client.get(page)  # the standing is cached after the first page
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_figures_cost_few_queries(client, db, django_assert_num_queries):
    from tests.test_query_budgets import REQUEST_OVERHEAD

    lsc, representative = _council_of(4)
    log_in(client, representative)
    page = reverse("leersteun:raad_cijfers", kwargs={"lsc_pk": lsc.pk})
    client.get(page)
    # the LSC, the schools, the counts, the hours and waits, the allocations, the LSC's waits
    with django_assert_num_queries(REQUEST_OVERHEAD + 6):
        client.get(page)


def test_no_one_outside_reads_the_figures(client, db):
    lsc, _representative = _council_of(1)
    log_in(client, UserFactory(is_staff=True, is_superuser=True, with_mfa=True))
    assert (
        client.get(reverse("leersteun:raad_cijfers", kwargs={"lsc_pk": lsc.pk})).status_code == 404
    )


# --- documents of a meeting -------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _meeting(region):
    from leersteun.services.raad import vergadering_save

    return vergadering_save(
        lsc=region.lsc_a,
        user=region.lsc_coordinator_a,
        date=timezone.localdate(),
        agenda="De verdeling van de uren",
    )


def test_the_coordinator_adds_a_document_and_the_members_download_it(client, full, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from leersteun.models import RaadDocument

    region = full
    meeting = _meeting(region)
    log_in(client, region.lsc_coordinator_a)
    base = f"/lsc/{region.lsc_a.pk}/leersteunraad/vergaderingen/{meeting.pk}/"
    response = client.post(
        f"{base}documenten/nieuw/",
        {"title": "Cijfers", "file": SimpleUploadedFile("cijfers.txt", b"Uren per school\n")},
    )
    assert response.status_code == 302
    document = RaadDocument.objects.get()
    assert (document.title, document.original_name, document.size) == ("Cijfers", "cijfers.txt", 16)
    log_in(client, region.directie_a)
    download = client.get(f"{base}documenten/{document.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"Uren per school\n"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download["Content-Disposition"]
    # someone outside the council gets nothing
    log_in(client, region.clb_medewerker_a)
    assert client.get(f"{base}documenten/{document.pk}/").status_code == 404


def test_a_council_file_gone_from_the_storage_is_said_in_dutch(client, full, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from leersteun.models import RaadDocument

    region = full
    meeting = _meeting(region)
    log_in(client, region.lsc_coordinator_a)
    base = f"/lsc/{region.lsc_a.pk}/leersteunraad/vergaderingen/{meeting.pk}/"
    client.post(
        f"{base}documenten/nieuw/",
        {"title": "Cijfers", "file": SimpleUploadedFile("cijfers.txt", b"Uren per school\n")},
    )
    document = RaadDocument.objects.get()
    document.file.storage.delete(document.file.name)

    head = client.head(f"{base}documenten/{document.pk}/")
    response = client.get(f"{base}documenten/{document.pk}/", follow=True)

    assert head.status_code == 200 and head["Content-Length"] == "16"
    assert response.redirect_chain == [(base, 302)]
    assert "kon niet uit de opslag gelezen worden" in response.content.decode()


def test_a_hostile_file_is_refused_and_nothing_is_written(client, full, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from leersteun.models import RaadDocument

    region = full
    meeting = _meeting(region)
    log_in(client, region.lsc_coordinator_a)
    base = f"/lsc/{region.lsc_a.pk}/leersteunraad/vergaderingen/{meeting.pk}/"
    for name, content in (
        ("notulen.pdf", b"MZ\x90\x00 not a pdf at all"),
        ("script.html", b"<script>alert(1)</script>"),
        ("leeg.txt", b""),
    ):
        response = client.post(
            f"{base}documenten/nieuw/",
            {"title": "Notulen", "file": SimpleUploadedFile(name, content)},
        )
        assert response.status_code == 400, name
    assert not RaadDocument.objects.exists()
    assert not any(media.rglob("*"))


def test_only_the_coordinator_adds_or_removes_documents(client, full, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    region = full
    meeting = _meeting(region)
    log_in(client, region.lsc_anker_a)
    base = f"/lsc/{region.lsc_a.pk}/leersteunraad/vergaderingen/{meeting.pk}/"
    response = client.post(
        f"{base}documenten/nieuw/",
        {"title": "Cijfers", "file": SimpleUploadedFile("cijfers.txt", b"Uren\n")},
    )
    assert response.status_code == 403
