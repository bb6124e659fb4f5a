"""The platform admin answers junk with form errors or its own "wrong lookup" page, never 500."""

import pytest
from django.urls import reverse

from accounts.models import Membership, Partnership
from accounts.roles import Role

HUGE = "1" * 20  # beyond PostgreSQL's bigint


@pytest.fixture
def admin_client(client, region):
    client.force_login(region.platform_admin)
    return client


@pytest.mark.parametrize("value", ["abc", "12abc", "-", HUGE, "1.5"])
def test_a_partnership_with_a_key_that_is_no_id_is_a_form_error(admin_client, region, value):
    before = Partnership.objects.count()

    response = admin_client.post(
        reverse("admin:accounts_partnership_add"),
        {"school": value, "partner": value, "start_date": "2025-09-01"},
    )

    assert response.status_code == 200
    assert {"school", "partner"} <= set(response.context["adminform"].form.errors)
    assert Partnership.objects.count() == before


@pytest.mark.parametrize("value", ["abc", HUGE])
def test_a_membership_with_a_key_that_is_no_id_is_a_form_error(admin_client, region, value):
    before = Membership.objects.count()

    response = admin_client.post(
        reverse("admin:accounts_membership_add"),
        {
            "user": value,
            "organisation": region.school_a.pk,
            "role": Role.ZORGCOORDINATOR,
            "start_date": "2025-09-01",
        },
    )

    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert Membership.objects.count() == before


def test_a_membership_row_with_a_key_that_is_no_id_on_an_organisations_page(admin_client, region):
    url = reverse("admin:accounts_organisation_change", args=[region.clb_a.pk])
    data = {
        "name": region.clb_a.name,
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-0-user": "abc",
        "memberships-0-organisation": region.clb_a.pk,
        "memberships-0-role": Role.CLB_MEDEWERKER,
        "memberships-0-start_date": "2025-09-01",
    }
    before = Membership.objects.count()

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert Membership.objects.count() == before


@pytest.mark.parametrize("end", ["9999-12-31", "31/12/9999", "0001-01-01"])
def test_a_date_beyond_the_platforms_dates_is_a_field_error(admin_client, region, end):
    response = admin_client.post(
        reverse("admin:accounts_partnership_add"),
        {
            "school": region.school_b.pk,
            "partner": region.pbd_a.pk,
            "start_date": "2025-09-01",
            "end_date": end,
        },
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "end_date" in errors
    assert not Partnership.objects.filter(school=region.school_b, partner=region.pbd_a).exists()


@pytest.mark.parametrize("param", ["start_date__year", "start_date__month", "start_date__day"])
def test_a_date_hierarchy_value_of_twenty_digits_is_a_wrong_lookup(admin_client, param):
    url = reverse("admin:accounts_membership_changelist")

    response = admin_client.get(url, {"start_date__year": "2025", param: HUGE})

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_a_nul_character_in_the_admin_search_is_refused(admin_client):
    response = admin_client.get(reverse("admin:accounts_organisation_changelist"), {"q": "a\x00b"})

    assert response.status_code == 400
    assert "NUL" in response.text
