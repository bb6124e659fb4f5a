"""The ankerpersoon's overview across the LSC's partner schools, starting many at once, and
the LSC links of the top navigation."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory
from conftest import log_in, member
from dossier.core.access import user_flags
from dossier.core.services import AccessLevel, access_grant
from leersteun.models import Gesprek, GesprekAfspraak, Sjabloon, Vraag
from leersteun.nav import lsc_links
from leersteun.selectors.overzicht import previous_year
from leersteun.services.gesprek import (
    afspraak_add,
    answers_save,
    gesprek_plan,
    gesprek_start,
)
from leersteun.tests.factories import VraagFactory, version_with
from samenwerking.schoolyear import school_year_of
from tests.test_query_budgets import REQUEST_OVERHEAD

THIS_YEAR = school_year_of(timezone.localdate())
LAST_YEAR = previous_year(THIS_YEAR)


def published_template(lsc, *, school_questions: int = 3, lsc_questions: int = 1):
    """A published template of the LSC: ``school_questions`` for the school, the rest for the
    LSC."""
    versie = version_with(questions=school_questions, published=True, sjabloon__lsc=lsc)
    onderdeel = versie.onderdelen.first()
    for index in range(lsc_questions):
        VraagFactory(onderdeel=onderdeel, position=100 + index, filled_by=Vraag.FilledBy.LSC)
    return versie


def partner_school(lsc, anker, *, name: str, level=AccessLevel.CONTRIBUTE, grant: bool = True):
    """A school that works with ``lsc``, its directie, and (with ``grant``) a grant for the
    ankerpersoon."""
    school = OrganisationFactory(name=name)
    PartnershipFactory(school=school, partner=lsc)
    directie = member(school, Role.DIRECTIE)
    if grant:
        access_grant(
            dossier=school.dossier,
            granted_by=directie,
            access=user_flags(directie, school.dossier),
            user=anker,
            level=level,
        )
    return school, directie


def start(dossier, anker, *, school_year: str | None = None) -> Gesprek:
    return gesprek_start(
        dossier=dossier, user=anker, access=user_flags(anker, dossier), school_year=school_year
    )


def fill_school_part(gesprek, directie, count: int) -> None:
    questions = list(
        gesprek.versie.onderdelen.first()
        .vragen.filter(filled_by=Vraag.FilledBy.SCHOOL)
        .order_by("position")[:count]
    )
    answers_save(
        gesprek=gesprek,
        user=directie,
        access=user_flags(directie, gesprek.dossier),
        values={vraag.pk: f"Antwoord {vraag.pk}" for vraag in questions},
    )


def overview_url(lsc) -> str:
    return reverse("leersteun:overzicht", kwargs={"lsc_pk": lsc.pk})


@pytest.fixture
def lsc_schools(region):
    """LSC A's partner schools: A (not started), Berk (started, 1 of 3 filled in), Ceder
    (planned, last year's conversation closed-to-be with one open agreement) and Den (a
    partner whose dossier the ankerpersoon has no grant on)."""
    published_template(region.lsc_a)
    anker = region.lsc_anker_a
    berk, berk_directie = partner_school(region.lsc_a, anker, name="Basisschool De Berk")
    ceder, _ceder_directie = partner_school(region.lsc_a, anker, name="Basisschool De Ceder")
    partner_school(region.lsc_a, anker, name="Basisschool Den", grant=False)
    berk_gesprek = start(berk.dossier, anker)
    fill_school_part(berk_gesprek, berk_directie, 1)
    last = start(ceder.dossier, anker, school_year=LAST_YEAR)
    access = user_flags(anker, ceder.dossier)
    afspraak_add(gesprek=last, user=anker, access=access, what="Een vorming", partner="lsc")
    ceder_gesprek = start(ceder.dossier, anker)
    planned = timezone.make_aware(datetime.datetime(2031, 3, 4, 14, 30))
    gesprek_plan(gesprek=ceder_gesprek, user=anker, access=access, planned_for=planned)
    return {"berk": berk, "ceder": ceder, "berk_gesprek": berk_gesprek, "last": last}


def rows_of(response) -> dict[str, object]:
    return {d.school.name: d for d in response.context["page"].object_list}


@pytest.mark.django_db
def test_the_overview_shows_each_readable_partner_school_with_its_status(
    client, region, lsc_schools
):
    log_in(client, region.lsc_anker_a)
    response = client.get(overview_url(region.lsc_a))
    assert response.status_code == 200
    rows = rows_of(response)
    # Den is a partner without a grant: not listed, only counted
    assert list(rows) == ["Basisschool De Berk", "Basisschool De Ceder", "Basisschool De Linde"]
    assert response.context["hidden_count"] == 1
    berk, ceder, linde = rows.values()
    assert (linde.status, linde.last_status, linde.open_agreements) == ("none", None, 0)
    assert linde.may_start and not berk.may_start
    assert berk.status == Gesprek.Status.VOORBEREIDING
    assert (berk.school_filled, berk.school_questions) == (1, 3)
    assert ceder.status == Gesprek.Status.GEPLAND
    assert ceder.last_status == Gesprek.Status.VOORBEREIDING
    # last year's agreement is not evaluated yet
    assert ceder.open_agreements == 1
    html = response.content.decode()
    assert "04/03/2031 14:30" in html
    assert (
        _("%(filled)s of %(total)s questions of the school filled in")
        % {
            "filled": 1,
            "total": 3,
        }
        in html
    )
    assert reverse("leersteun:gesprekken", kwargs={"pk": berk.pk}) in html
    assert lsc_schools["berk"].instellingsnummer in html
    assert (
        ngettext(
            "%(counter)s partner school is not listed: you have no access to its dossier.",
            "%(counter)s partner schools are not listed: you have no access to their dossiers.",
            1,
        )
        % {"counter": 1}
        in html
    )


@pytest.mark.django_db
def test_an_evaluated_agreement_is_no_longer_open(client, region, lsc_schools):
    afspraak = GesprekAfspraak.objects.get(gesprek=lsc_schools["last"])
    current = Gesprek.objects.get(dossier=lsc_schools["ceder"].dossier, school_year=THIS_YEAR)
    GesprekAfspraak.objects.filter(pk=afspraak.pk).update(evaluated_in=current, outcome="done")
    log_in(client, region.lsc_anker_a)
    response = client.get(overview_url(region.lsc_a))
    assert rows_of(response)["Basisschool De Ceder"].open_agreements == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"status": "none"}, ["Basisschool De Linde"]),
        ({"status": "voorbereiding"}, ["Basisschool De Berk"]),
        ({"status": "gepland"}, ["Basisschool De Ceder"]),
        ({"status": "afgerond"}, []),
        ({"q": "ceder"}, ["Basisschool De Ceder"]),
        (
            {"sort": "status"},
            ["Basisschool De Linde", "Basisschool De Berk", "Basisschool De Ceder"],
        ),
        (
            {"sort": "planned"},
            ["Basisschool De Ceder", "Basisschool De Berk", "Basisschool De Linde"],
        ),
        ({"sort": "name"}, ["Basisschool De Berk", "Basisschool De Ceder", "Basisschool De Linde"]),
    ],
)
def test_filter_search_and_sort(client, region, lsc_schools, params, names):
    log_in(client, region.lsc_anker_a)
    response = client.get(overview_url(region.lsc_a), params)
    assert response.status_code == 200
    assert list(rows_of(response)) == names


@pytest.mark.django_db
def test_search_by_instellingsnummer(client, region, lsc_schools):
    log_in(client, region.lsc_anker_a)
    number = lsc_schools["berk"].instellingsnummer
    response = client.get(overview_url(region.lsc_a), {"q": number})
    assert list(rows_of(response)) == ["Basisschool De Berk"]


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"status": "bogus"}, {"sort": "'; drop"}, {"q": "x" * 500}])
def test_a_bad_filter_is_a_form_error_not_a_500(client, region, lsc_schools, params):
    log_in(client, region.lsc_anker_a)
    response = client.get(overview_url(region.lsc_a), params)
    assert response.status_code == 400
    assert not response.context["page"].object_list


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona", ["directie_a", "zorg_a", "clb_medewerker_a", "pbd_begeleider_a", "platform_admin"]
)
def test_only_staff_of_the_lsc_open_the_overview(client, region, persona):
    log_in(client, region.persona(persona))
    assert client.get(overview_url(region.lsc_a)).status_code == 404
    url = reverse("leersteun:overzicht_start", kwargs={"lsc_pk": region.lsc_a.pk})
    assert client.post(url, {"dossiers": [region.dossier_a.pk]}).status_code == 404


@pytest.mark.django_db
def test_staff_of_another_lsc_and_a_superuser_get_404(client, region):
    other = OrganisationFactory(lsc=True)
    log_in(client, member(other, Role.LSC_ANKERPERSOON))
    assert client.get(overview_url(region.lsc_a)).status_code == 404
    region.platform_admin.is_superuser = True
    region.platform_admin.save()
    log_in(client, region.platform_admin)
    assert client.get(overview_url(region.lsc_a)).status_code == 404
    # an organisation that is not an LSC, for someone who works there
    log_in(client, region.directie_a)
    assert client.get(overview_url(region.school_a)).status_code == 404


@pytest.mark.django_db
def test_a_coordinator_without_grants_sees_the_partners_as_not_listed(client, region):
    coordinator = member(region.lsc_a, Role.LSC_COORDINATOR)
    log_in(client, coordinator)
    response = client.get(overview_url(region.lsc_a))
    assert response.status_code == 200
    assert not response.context["page"].object_list
    assert response.context["hidden_count"] == 1


@pytest.mark.django_db
def test_anonymous_goes_to_the_login(client, region):
    response = client.get(overview_url(region.lsc_a))
    assert response.status_code == 302
    assert "login" in response["Location"]


# --- starting many at once ---------------------------------------------------------------------


def start_url(lsc) -> str:
    return reverse("leersteun:overzicht_start", kwargs={"lsc_pk": lsc.pk})


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def started(count: int) -> str:
    return ngettext(
        "%(count)d samenwerkingsgesprek started.",
        "%(count)d samenwerkingsgesprekken started.",
        count,
    ) % {"count": count}


def not_started(school: str, reason: str) -> str:
    return _("%(school)s: not started. %(reason)s") % {"school": school, "reason": reason}


@pytest.mark.django_db
def test_start_many_schools_at_once(client, region):
    published_template(region.lsc_a)
    anker = region.lsc_anker_a
    eik, _directie = partner_school(region.lsc_a, anker, name="Basisschool De Eik")
    log_in(client, anker)
    response = client.post(
        start_url(region.lsc_a), {"dossiers": [region.dossier_a.pk, eik.dossier.pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == overview_url(region.lsc_a)
    assert set(
        Gesprek.objects.filter(lsc=region.lsc_a, school_year=THIS_YEAR).values_list(
            "dossier_id", flat=True
        )
    ) == {region.dossier_a.pk, eik.dossier.pk}
    assert texts(response) == [started(2)]


@pytest.mark.django_db
def test_a_school_that_cannot_start_does_not_stop_the_others(client, region):
    published_template(region.lsc_a)
    anker = region.lsc_anker_a
    eik, _directie = partner_school(region.lsc_a, anker, name="Basisschool De Eik")
    fir, _directie = partner_school(
        region.lsc_a, anker, name="Basisschool De Spar", level=AccessLevel.VIEW
    )
    start(eik.dossier, anker)
    log_in(client, anker)
    response = client.post(
        start_url(region.lsc_a),
        {
            # already started, read grant only, fine, and school B's dossier (no access)
            "dossiers": [
                eik.dossier.pk,
                fir.dossier.pk,
                region.dossier_a.pk,
                region.dossier_b.pk,
                999_999,
            ]
        },
    )
    assert response.status_code == 302
    assert Gesprek.objects.filter(dossier=region.dossier_a, school_year=THIS_YEAR).exists()
    assert not Gesprek.objects.filter(dossier=fir.dossier).exists()
    assert not Gesprek.objects.filter(dossier=region.dossier_b).exists()
    assert Gesprek.objects.filter(dossier=eik.dossier).count() == 1
    already = _("This school already has a samenwerkingsgesprek with your LSC in %(year)s.") % {
        "year": THIS_YEAR
    }
    assert texts(response) == [
        started(1),
        not_started("Basisschool De Eik", already),
        not_started(
            "Basisschool De Spar", _("You may not start this school's conversation for this LSC.")
        ),
        _("Each school is started on its own: the conversations above were started all the same."),
        ngettext(
            "%(count)d school was skipped: you have no access to its dossier.",
            "%(count)d schools were skipped: you have no access to their dossiers.",
            2,
        )
        % {"count": 2},
    ]
    said = texts(response)
    # school B is never named
    assert not any(region.school_b.name in m for m in said)


@pytest.mark.django_db
def test_without_a_published_template_nothing_starts_and_the_reason_is_said(client, region):
    Sjabloon.objects.all().delete()  # no starter template either
    log_in(client, region.lsc_anker_a)
    response = client.post(start_url(region.lsc_a), {"dossiers": [region.dossier_a.pk]})
    assert response.status_code == 302
    assert not Gesprek.objects.exists()
    assert texts(response) == [
        not_started(
            "Basisschool De Linde", _("Your LSC has no published conversation template yet.")
        )
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data", [{}, {"dossiers": ["abc"]}, {"dossiers": ["-1"]}, {"dossiers": ["9" * 30]}]
)
def test_bad_input_for_the_start_is_a_message_not_a_500(client, region, data):
    log_in(client, region.lsc_anker_a)
    response = client.post(start_url(region.lsc_a), data)
    assert response.status_code == 302
    assert texts(response)
    assert not Gesprek.objects.exists()


@pytest.mark.django_db
def test_the_start_accepts_only_post(client, region):
    log_in(client, region.lsc_anker_a)
    assert client.get(start_url(region.lsc_a)).status_code == 405


# --- the query budget ------------------------------------------------------------------------


def lsc_with_schools(count: int):
    lsc = OrganisationFactory(lsc=True)
    published_template(lsc, school_questions=4)
    anker = member(lsc, Role.LSC_ANKERPERSOON)
    for index in range(count):
        school, directie = partner_school(lsc, anker, name=f"School {index:03d}")
        if index % 2:
            gesprek = start(school.dossier, anker)
            fill_school_part(gesprek, directie, 2)
        if index % 4 == 1:
            afspraak_add(
                gesprek=gesprek,
                user=anker,
                access=user_flags(anker, school.dossier),
                what="Een afspraak",
                partner="both",
            )
    # one partner without a grant, counted as not listed
    partner_school(lsc, anker, name="School zonder toegang", grant=False)
    return lsc, anker


@pytest.mark.django_db
@pytest.mark.parametrize("count", [4, 40])
def test_the_overview_costs_the_same_at_4_and_40_schools(client, django_assert_num_queries, count):
    lsc, anker = lsc_with_schools(count)
    log_in(client, anker)
    # the person's organisations were looked up at login (leersteun.nav); 1. the readable
    # dossier ids (then cached a minute), 2. the LSC, 3. the count for the paginator, 4. the
    # rows with every figure, 5. the partner schools and how many of them are readable
    with django_assert_num_queries(REQUEST_OVERHEAD + 5):
        response = client.get(overview_url(lsc))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == count
    assert response.context["hidden_count"] == 1
    for filters in ({"status": "voorbereiding", "sort": "planned"}, {"q": "School 00"}):
        with django_assert_num_queries(REQUEST_OVERHEAD + 4):  # the ids are cached now
            assert client.get(overview_url(lsc), filters).status_code == 200


# --- the navigation ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_lsc_staff_find_their_overview_and_template_in_the_menu(client, region):
    log_in(client, region.lsc_anker_a)
    html = client.get(reverse("dossier:mijn_dossiers")).content.decode()
    assert f'href="{overview_url(region.lsc_a)}"' in html
    assert f'href="{reverse("leersteun:sjabloon", kwargs={"lsc_pk": region.lsc_a.pk})}"' in html
    # one LSC: the links need no name
    assert _("Samenwerkingsgesprekken (%(name)s)") % {"name": region.lsc_a.name} not in html


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["directie_a", "clb_medewerker_a", "platform_admin"])
def test_others_see_no_lsc_links(client, region, persona):
    log_in(client, region.persona(persona))
    html = client.get(reverse("dossier:mijn_dossiers")).content.decode()
    assert "/gesprekken/" not in html
    assert "/sjabloon/" not in html


@pytest.mark.django_db
def test_someone_who_works_for_two_lscs_gets_links_with_their_names(client, region):
    second = OrganisationFactory(lsc=True, name="Leersteuncentrum Noord")
    school = OrganisationFactory()
    PartnershipFactory(school=school, partner=second)
    MembershipFactory(user=region.lsc_anker_a, organisation=second, role=Role.LSC_ANKERPERSOON)
    log_in(client, region.lsc_anker_a)
    html = client.get(reverse("dossier:mijn_dossiers")).content.decode()
    for name in (region.lsc_a.name, "Leersteuncentrum Noord"):
        assert _("Samenwerkingsgesprekken (%(name)s)") % {"name": name} in html
    assert f'href="{overview_url(second)}"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["directie_a", "lsc_anker_a"])
def test_the_menu_costs_no_query_after_login(client, region, django_assert_num_queries, persona):
    log_in(client, region.persona(persona))
    user = User.objects.get(pk=region.persona(persona).pk)  # as a request loads it
    with django_assert_num_queries(0):
        links = lsc_links(user)
    assert bool(links) == (persona == "lsc_anker_a")
