"""Partnerships: a school has at most one CLB and one PBD on any date, and any number of LSCs."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Partnership
from accounts.services import partnership_create, partnership_end
from accounts.tests.factories import OrganisationFactory

D = datetime.date


@pytest.fixture
def school(db):
    return OrganisationFactory(name="Basisschool Het Kompas")


@pytest.fixture
def clb(db):
    return OrganisationFactory(clb=True, name="CLB Waas")


@pytest.fixture
def other_clb(db):
    return OrganisationFactory(clb=True, name="CLB Dender")


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- one CLB and one PBD at a time -----------------------------------------------------------


def test_a_second_clb_overlapping_the_first_is_refused_with_a_clear_message(school, clb, other_clb):
    partnership_create(school=school, partner=clb, start_date=D(2024, 9, 1))

    with pytest.raises(ValidationError) as refused:
        partnership_create(school=school, partner=other_clb, start_date=D(2025, 9, 1))

    message = messages_of(refused.value)
    assert school.name in message
    assert clb.name in message  # names the partnership it clashes with
    assert "01/09/2024" in message  # and its period, in Belgian date format
    assert Partnership.objects.filter(school=school).count() == 1


def test_an_overlap_in_the_past_is_refused_too(school, clb, other_clb):
    partnership_create(school=school, partner=clb, start_date=D(2024, 9, 1))

    with pytest.raises(ValidationError):
        partnership_create(
            school=school, partner=other_clb, start_date=D(2023, 9, 1), end_date=D(2024, 9, 1)
        )
    assert Partnership.objects.filter(school=school).count() == 1


def test_a_period_that_encloses_the_existing_one_is_refused(school, clb, other_clb):
    partnership_create(
        school=school, partner=clb, start_date=D(2024, 9, 1), end_date=D(2025, 8, 31)
    )

    with pytest.raises(ValidationError):
        partnership_create(school=school, partner=other_clb, start_date=D(2020, 9, 1))


def test_the_same_clb_twice_in_overlapping_periods_is_refused(school, clb):
    partnership_create(school=school, partner=clb, start_date=D(2024, 9, 1))

    with pytest.raises(ValidationError):
        partnership_create(school=school, partner=clb, start_date=D(2025, 9, 1))


def test_a_second_pbd_overlapping_the_first_is_refused(school):
    pbd, other_pbd = OrganisationFactory(pbd=True), OrganisationFactory(pbd=True)
    partnership_create(school=school, partner=pbd, start_date=D(2024, 9, 1))

    with pytest.raises(ValidationError, match=pbd.name):
        partnership_create(school=school, partner=other_pbd, start_date=D(2024, 9, 1))


def test_adjacent_clb_periods_are_allowed(school, clb, other_clb):
    partnership_create(
        school=school, partner=clb, start_date=D(2023, 9, 1), end_date=D(2024, 8, 31)
    )

    partnership_create(school=school, partner=other_clb, start_date=D(2024, 9, 1))

    assert Partnership.objects.filter(school=school).count() == 2


def test_periods_that_share_a_day_overlap(school, clb, other_clb):
    partnership_create(school=school, partner=clb, start_date=D(2023, 9, 1), end_date=D(2024, 9, 1))

    with pytest.raises(ValidationError):
        partnership_create(school=school, partner=other_clb, start_date=D(2024, 9, 1))


def test_an_earlier_adjacent_period_is_allowed(school, clb, other_clb):
    partnership_create(school=school, partner=clb, start_date=D(2024, 9, 1))

    partnership_create(
        school=school, partner=other_clb, start_date=D(2022, 9, 1), end_date=D(2024, 8, 31)
    )

    assert Partnership.objects.filter(school=school).count() == 2


def test_a_school_switches_clb_by_ending_the_old_partnership_first(school, clb, other_clb):
    old = partnership_create(school=school, partner=clb, start_date=D(2020, 9, 1))
    with pytest.raises(ValidationError):
        partnership_create(school=school, partner=other_clb, start_date=D(2025, 9, 1))

    partnership_end(partnership=old, end_date=D(2025, 8, 31))
    new = partnership_create(school=school, partner=other_clb, start_date=D(2025, 9, 1))

    assert list(Partnership.objects.active_on(D(2025, 8, 31)).filter(school=school)) == [old]
    assert list(Partnership.objects.active_on(D(2025, 9, 1)).filter(school=school)) == [new]


def test_ending_a_partnership_cannot_make_it_overlap_a_later_one(school, clb, other_clb):
    old = partnership_create(
        school=school, partner=clb, start_date=D(2020, 9, 1), end_date=D(2025, 8, 31)
    )
    partnership_create(school=school, partner=other_clb, start_date=D(2025, 9, 1))

    with pytest.raises(ValidationError):
        partnership_end(partnership=old, end_date=D(2026, 8, 31))
    old.refresh_from_db()
    assert old.end_date == D(2025, 8, 31)


def test_one_clb_and_one_pbd_and_an_lsc_together_are_fine(school, clb):
    partnership_create(school=school, partner=clb, start_date=D(2024, 9, 1))
    partnership_create(
        school=school, partner=OrganisationFactory(pbd=True), start_date=D(2024, 9, 1)
    )
    partnership_create(
        school=school, partner=OrganisationFactory(lsc=True), start_date=D(2024, 9, 1)
    )

    kinds = sorted(Partnership.objects.filter(school=school).values_list("partner_kind", flat=True))
    assert kinds == ["clb", "lsc", "pbd"]


def test_two_schools_can_share_the_same_clb(school, clb):
    other_school = OrganisationFactory()

    partnership_create(school=school, partner=clb, start_date=D(2024, 9, 1))
    partnership_create(school=other_school, partner=clb, start_date=D(2024, 9, 1))

    assert clb.served_partnerships.count() == 2


# --- LSCs ------------------------------------------------------------------------------------


def test_a_school_can_work_with_any_number_of_lscs_at_once(school):
    lscs = [OrganisationFactory(lsc=True) for _ in range(3)]

    for lsc in lscs:
        partnership_create(school=school, partner=lsc, start_date=D(2024, 9, 1))

    active = Partnership.objects.active_on(D(2025, 1, 1)).filter(school=school)
    assert {p.partner for p in active} == set(lscs)


def test_the_same_lsc_twice_in_overlapping_periods_is_refused(school):
    lsc = OrganisationFactory(lsc=True)
    partnership_create(school=school, partner=lsc, start_date=D(2024, 9, 1))

    with pytest.raises(ValidationError, match=lsc.name):
        partnership_create(school=school, partner=lsc, start_date=D(2025, 9, 1))


# --- what a partnership links ----------------------------------------------------------------


def test_the_partner_must_be_a_clb_pbd_or_lsc(school):
    other_school = OrganisationFactory()

    with pytest.raises(ValidationError) as refused:
        partnership_create(school=school, partner=other_school, start_date=D(2024, 9, 1))

    assert "partner" in refused.value.message_dict
    assert not Partnership.objects.exists()


def test_the_school_side_must_be_a_school(clb, other_clb):
    with pytest.raises(ValidationError) as refused:
        partnership_create(school=clb, partner=other_clb, start_date=D(2024, 9, 1))

    assert "school" in refused.value.message_dict
    assert not Partnership.objects.exists()


def test_an_end_before_the_start_is_refused(school, clb):
    with pytest.raises(ValidationError) as refused:
        partnership_create(
            school=school, partner=clb, start_date=D(2024, 9, 1), end_date=D(2024, 8, 31)
        )

    assert "end_date" in refused.value.message_dict
    assert not Partnership.objects.exists()


def test_a_partnership_of_one_day_is_allowed(school, clb):
    partnership_create(school=school, partner=clb, start_date=D(2024, 9, 1), end_date=D(2024, 9, 1))
    assert Partnership.objects.active_on(D(2024, 9, 1)).filter(school=school).exists()
    assert not Partnership.objects.active_on(D(2024, 9, 2)).filter(school=school).exists()


def test_the_partner_kind_is_copied_from_the_partner(school):
    pbd = OrganisationFactory(pbd=True)

    partnership = partnership_create(school=school, partner=pbd, start_date=D(2024, 9, 1))

    partnership.refresh_from_db()
    assert partnership.partner_kind == "pbd"


# --- the admin -------------------------------------------------------------------------------


def admin_add(client, region, **data):
    client.force_login(region.platform_admin)
    return client.post(reverse("admin:accounts_partnership_add"), data)


def test_the_admin_adds_a_partnership(client, region):
    lsc = OrganisationFactory(lsc=True)

    response = admin_add(
        client, region, school=region.school_a.pk, partner=lsc.pk, start_date="2025-09-01"
    )

    assert response.status_code == 302
    partnership = Partnership.objects.get(school=region.school_a, partner=lsc)
    assert partnership.partner_kind == "lsc"


def test_the_admin_shows_an_overlapping_clb_as_a_form_error_not_500(client, region):
    count = Partnership.objects.count()

    response = admin_add(
        client,
        region,
        school=region.school_a.pk,
        partner=region.clb_other.pk,
        start_date="2025-09-01",
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors
    assert region.clb_a.name in " ".join(form.non_field_errors())
    assert 'class="errornote"' in response.text
    assert Partnership.objects.count() == count


def test_the_admin_shows_an_end_before_the_start_as_a_form_error(client, region):
    count = Partnership.objects.count()

    response = admin_add(
        client,
        region,
        school=region.school_b.pk,
        partner=region.pbd_a.pk,
        start_date="01/09/2025",
        end_date="31/08/2025",
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert Partnership.objects.count() == count


def test_the_admin_refuses_a_school_as_partner_with_a_form_error(client, region):
    count = Partnership.objects.count()

    response = admin_add(
        client,
        region,
        school=region.school_a.pk,
        partner=region.school_b.pk,
        start_date="2025-09-01",
    )

    assert response.status_code == 200
    assert "partner" in response.context["adminform"].form.errors
    assert Partnership.objects.count() == count


def test_the_admin_ends_a_partnership_and_may_not_make_it_overlap(client, region):
    old = Partnership.objects.get(school=region.school_b, partner=region.clb_other)
    client.force_login(region.platform_admin)
    url = reverse("admin:accounts_partnership_change", args=[old.pk])

    ended = client.post(
        url,
        {
            "school": region.school_b.pk,
            "partner": region.clb_other.pk,
            "start_date": old.start_date.isoformat(),
            "end_date": "2025-08-31",
        },
    )
    new = partnership_create(school=region.school_b, partner=region.clb_a, start_date=D(2025, 9, 1))
    reopened = client.post(
        url,
        {
            "school": region.school_b.pk,
            "partner": region.clb_other.pk,
            "start_date": old.start_date.isoformat(),
            "end_date": "",
        },
    )

    assert ended.status_code == 302
    assert reopened.status_code == 200
    assert reopened.context["adminform"].form.errors
    old.refresh_from_db()
    assert old.end_date == D(2025, 8, 31)
    assert new.pk


def test_the_admin_adds_through_the_service_and_so_meets_the_database_constraint(
    client, region, monkeypatch
):
    """With clean()'s overlap check out of the way (as when another writer raced past it),
    PostgreSQL's exclusion constraint refuses the second CLB, and the admin says so."""
    monkeypatch.setattr(
        Partnership, "overlapping_partnerships", lambda self: Partnership.objects.none()
    )
    count = Partnership.objects.count()

    response = admin_add(
        client,
        region,
        school=region.school_a.pk,
        partner=region.clb_other.pk,
        start_date="2025-09-01",
    )

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert region.school_a.name in errors
    assert Partnership.objects.count() == count


def test_the_admin_changes_only_the_end_of_a_partnership(client, region):
    partnership = Partnership.objects.get(school=region.school_b, partner=region.clb_other)
    start = partnership.start_date
    client.force_login(region.platform_admin)
    url = reverse("admin:accounts_partnership_change", args=[partnership.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "school": region.school_a.pk,
            "partner": region.clb_a.pk,
            "start_date": "2019-09-01",
            "end_date": "2026-08-31",
        },
    )

    assert response.status_code == 302
    partnership.refresh_from_db()
    assert (partnership.school, partnership.partner, partnership.start_date) == (
        region.school_b,
        region.clb_other,
        start,
    )
    assert partnership.end_date == D(2026, 8, 31)
