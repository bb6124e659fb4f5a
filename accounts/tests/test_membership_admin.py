"""The admin adds and ends memberships through membership_create and membership_end: on the
membership pages and in the rows on an organisation's or a person's page."""

import datetime

import pytest
from django.urls import reverse

from accounts import admin as accounts_admin
from accounts.models import Membership, Organisation
from accounts.roles import OrganisationKind, Role
from accounts.services import membership_create, membership_end
from accounts.tests.factories import UserFactory

D = datetime.date


@pytest.fixture
def service_calls(monkeypatch):
    """Which services the admin called (they still do their work)."""
    calls = []

    def spy(name, service):
        def called(**kwargs):
            calls.append(name)
            return service(**kwargs)

        monkeypatch.setattr(accounts_admin, name, called)

    spy("membership_create", membership_create)
    spy("membership_end", membership_end)
    return calls


def page_data(page) -> dict:
    """What the browser would post back unchanged: the main form and every inline row."""
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            data[form.add_prefix(name)] = value
    return data


def add_row(data: dict, prefix: str, **fields) -> dict:
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.update({f"{prefix}-{index}-{name}": value for name, value in fields.items()})
    return data


def row_of(data: dict, prefix: str, membership: Membership) -> str:
    for key, value in data.items():
        if key.startswith(prefix) and key.endswith("-id") and str(value) == str(membership.pk):
            return key.removesuffix("-id")
    raise AssertionError(f"no row for membership {membership.pk}")


# --- the membership pages ----------------------------------------------------------------------


def test_the_admin_adds_a_membership_through_the_service(client, region, service_calls):
    person = UserFactory()
    client.force_login(region.platform_admin)

    response = client.post(
        reverse("admin:accounts_membership_add"),
        {
            "user": person.pk,
            "organisation": region.clb_a.pk,
            "role": Role.CLB_MEDEWERKER,
            "start_date": "2025-09-01",
        },
    )

    assert response.status_code == 302
    assert service_calls == ["membership_create"]
    membership = Membership.objects.get(user=person)
    assert (membership.organisation, membership.role) == (region.clb_a, Role.CLB_MEDEWERKER)


def test_the_admin_ends_and_reopens_a_membership_through_the_service(client, region, service_calls):
    membership = Membership.objects.get(user=region.zorg_a)
    client.force_login(region.platform_admin)
    url = reverse("admin:accounts_membership_change", args=[membership.pk])
    assert client.get(url).status_code == 200

    ended = client.post(url, {"end_date": "2025-08-31"})
    membership.refresh_from_db()
    end = membership.end_date
    reopened = client.post(url, {"end_date": ""})
    membership.refresh_from_db()

    assert (ended.status_code, reopened.status_code) == (302, 302)
    assert end == D(2025, 8, 31)
    assert membership.end_date is None
    assert service_calls == ["membership_end", "membership_end"]


def test_the_admin_changes_only_the_end_of_a_membership(client, region):
    membership = Membership.objects.get(user=region.zorg_a)
    before = (membership.user, membership.organisation, membership.role, membership.start_date)
    client.force_login(region.platform_admin)

    response = client.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {
            "user": region.platform_admin.pk,
            "organisation": region.school_b.pk,
            "role": Role.DIRECTIE,
            "start_date": "2019-09-01",
            "end_date": "2026-08-31",
        },
    )

    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.user, membership.organisation, membership.role, membership.start_date) == (
        before
    )
    assert membership.end_date == D(2026, 8, 31)


def test_an_end_before_the_start_is_a_form_error_on_the_membership_page(client, region):
    membership = Membership.objects.get(user=region.zorg_a)
    client.force_login(region.platform_admin)

    response = client.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {"end_date": (membership.start_date - datetime.timedelta(days=1)).isoformat()},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    membership.refresh_from_db()
    assert membership.end_date is None


# --- the rows on an organisation's page ------------------------------------------------------


def test_a_row_added_on_an_organisations_page_goes_through_the_service(
    client, region, service_calls
):
    person = UserFactory()
    client.force_login(region.platform_admin)
    url = reverse("admin:accounts_organisation_change", args=[region.clb_a.pk])
    data = add_row(
        page_data(client.get(url)),
        "memberships",
        user=person.pk,
        role=Role.CLB_MEDEWERKER,
        start_date="2025-09-01",
    )

    response = client.post(url, data)

    assert response.status_code == 302
    assert service_calls == ["membership_create"]
    assert Membership.objects.get(user=person).organisation == region.clb_a


def test_a_row_on_an_organisations_page_only_ends(client, region, service_calls):
    membership = Membership.objects.get(user=region.clb_medewerker_a)
    client.force_login(region.platform_admin)
    url = reverse("admin:accounts_organisation_change", args=[region.clb_a.pk])
    data = page_data(client.get(url))
    row = row_of(data, "memberships", membership)
    data |= {f"{row}-role": Role.CLB_DIRECTEUR, f"{row}-end_date": "2025-08-31"}

    response = client.post(url, data)

    assert response.status_code == 302
    assert service_calls == ["membership_end"]
    membership.refresh_from_db()
    assert (membership.role, membership.end_date) == (Role.CLB_MEDEWERKER, D(2025, 8, 31))


def test_a_new_clb_with_a_member_in_a_school_role_is_refused_on_its_page(client, region):
    """The organisation has no id yet while its rows are checked; the role is checked anyway,
    rather than being saved unchecked (or refused only by the service, as a 500)."""
    client.force_login(region.platform_admin)
    url = reverse("admin:accounts_organisation_add")
    data = page_data(client.get(url)) | {"kind": OrganisationKind.CLB, "name": "CLB Nieuw"}
    add_row(
        data, "memberships", user=UserFactory().pk, role=Role.LEERKRACHT, start_date="2025-09-01"
    )

    response = client.post(url, data)

    assert response.status_code == 200
    (inline,) = response.context["inline_admin_formsets"]
    assert "role" in inline.formset.errors[0]
    assert not Organisation.objects.filter(name="CLB Nieuw").exists()


def test_a_new_clb_with_its_first_member_is_added_through_the_service(
    client, region, service_calls
):
    person = UserFactory()
    client.force_login(region.platform_admin)
    url = reverse("admin:accounts_organisation_add")
    data = page_data(client.get(url)) | {"kind": OrganisationKind.CLB, "name": "CLB Nieuw"}
    add_row(data, "memberships", user=person.pk, role=Role.CLB_DIRECTEUR, start_date="2025-09-01")

    response = client.post(url, data)

    assert response.status_code == 302
    assert service_calls == ["membership_create"]
    assert Membership.objects.get(user=person).organisation.name == "CLB Nieuw"


# --- the rows on a person's page -------------------------------------------------------------


def test_a_row_added_on_a_persons_page_goes_through_the_service(client, region, service_calls):
    person = UserFactory()
    client.force_login(region.platform_admin)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    data = add_row(
        page_data(client.get(url)),
        "memberships",
        organisation=region.school_a.pk,
        role=Role.ZORGCOORDINATOR,
        start_date="2025-09-01",
    )

    response = client.post(url, data)

    assert response.status_code == 302
    assert service_calls == ["membership_create"]
    assert Membership.objects.get(user=person).organisation == region.school_a
