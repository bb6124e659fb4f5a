"""Organisations and memberships: instellingsnummer rules, one dossier per school, roles per kind."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Membership, Organisation
from accounts.roles import ROLES_BY_KIND, OrganisationKind, Role
from accounts.services import membership_create, organisation_create
from accounts.tests.factories import OrganisationFactory, UserFactory
from dossier.core.models import Dossier
from dossier.core.services import dossier_create

pytestmark = pytest.mark.django_db

START = datetime.date(2024, 9, 1)


def school(**fields) -> Organisation:
    return organisation_create(
        kind=OrganisationKind.SCHOOL, name=fields.pop("name", "Basisschool De Bron"), **fields
    )


# --- the instellingsnummer -------------------------------------------------------------------


@pytest.mark.parametrize("number", ["12345", "1234567", "12345a", "12 345", " 12345", "012345\n"])
def test_an_instellingsnummer_must_be_exactly_six_digits(number):
    with pytest.raises(ValidationError) as refused:
        school(instellingsnummer=number)

    assert "instellingsnummer" in refused.value.message_dict
    assert not Organisation.objects.exists()
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    "number",
    [
        "\uff10\uff11\uff12\uff13\uff14\uff15",  # fullwidth digits, as some keyboards type them
        "\u0660\u0661\u0662\u0663\u0664\u0665",  # Arabic-Indic digits
    ],
)
def test_an_instellingsnummer_is_six_ascii_digits_not_other_unicode_digits(number):
    # otherwise "０１２３４５" would slip past the uniqueness of "012345"
    school(instellingsnummer="012345", name="Eerste school")

    with pytest.raises(ValidationError) as refused:
        school(instellingsnummer=number, name="Tweede school")

    assert "instellingsnummer" in refused.value.message_dict
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize("number", ["012345", "999999", "000001"])
def test_six_digits_with_leading_zeros_are_a_valid_instellingsnummer(number):
    created = school(instellingsnummer=number)

    created.refresh_from_db()
    assert created.instellingsnummer == number


def test_a_school_needs_an_instellingsnummer():
    with pytest.raises(ValidationError) as refused:
        school(instellingsnummer="")

    assert "instellingsnummer" in refused.value.message_dict
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("kind", [OrganisationKind.PBD, OrganisationKind.LSC, OrganisationKind.CLB])
def test_a_partner_organisation_needs_no_instellingsnummer(kind):
    organisation_create(kind=kind, name="Partner zonder nummer")
    organisation_create(kind=kind, name="Nog een partner zonder nummer")

    assert Organisation.objects.filter(kind=kind, instellingsnummer="").count() == 2


def test_a_partner_organisation_with_an_instellingsnummer_needs_six_digits_too():
    with pytest.raises(ValidationError) as refused:
        organisation_create(kind=OrganisationKind.CLB, name="CLB Kempen", instellingsnummer="123")

    assert "instellingsnummer" in refused.value.message_dict


def test_an_instellingsnummer_is_unique():
    school(instellingsnummer="012345", name="Eerste school")

    with pytest.raises(ValidationError) as refused:
        school(instellingsnummer="012345", name="Tweede school")

    assert refused.value.messages
    assert not Organisation.objects.filter(name="Tweede school").exists()
    assert Dossier.objects.count() == 1


def test_an_instellingsnummer_is_unique_across_kinds():
    school(instellingsnummer="012345")

    with pytest.raises(ValidationError):
        organisation_create(kind=OrganisationKind.CLB, name="CLB", instellingsnummer="012345")
    assert Organisation.objects.filter(instellingsnummer="012345").count() == 1


def test_a_belgian_postcode_has_four_digits():
    with pytest.raises(ValidationError) as refused:
        school(instellingsnummer="012345", postcode="85A0")

    assert "postcode" in refused.value.message_dict


# --- one dossier per school ------------------------------------------------------------------


def test_organisation_create_gives_a_school_exactly_one_dossier():
    created = school(instellingsnummer="012345")

    assert Dossier.objects.filter(school=created).count() == 1
    assert Dossier.objects.count() == 1


@pytest.mark.parametrize("kind", [OrganisationKind.CLB, OrganisationKind.PBD, OrganisationKind.LSC])
def test_organisation_create_gives_a_partner_no_dossier(kind):
    organisation_create(kind=kind, name="Een partner")

    assert not Dossier.objects.exists()


def test_dossier_create_twice_returns_the_same_dossier():
    created = school(instellingsnummer="012345")

    again = dossier_create(school=created)

    assert again == created.dossier
    assert Dossier.objects.count() == 1


# --- the admin -------------------------------------------------------------------------------


def admin_post(client, url, data):
    """POST an admin form, with the management forms of whatever inlines the page has."""
    page = client.get(url)
    assert page.status_code == 200
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data = {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        } | data
    return client.post(url, data)


ADD_URL = "admin:accounts_organisation_add"


def test_the_admin_add_view_creates_a_school_with_its_dossier(client, region):
    client.force_login(region.platform_admin)

    response = admin_post(
        client,
        reverse(ADD_URL),
        {
            "kind": OrganisationKind.SCHOOL,
            "name": "Basisschool 't Klavertje",
            "instellingsnummer": "054321",
            "postcode": "9000",
            "city": "Gent",
        },
    )

    assert response.status_code == 302
    created = Organisation.objects.get(instellingsnummer="054321")
    assert Dossier.objects.filter(school=created).count() == 1


def test_the_admin_add_view_creates_no_dossier_for_a_clb(client, region):
    client.force_login(region.platform_admin)
    dossiers = Dossier.objects.count()

    response = admin_post(
        client, reverse(ADD_URL), {"kind": OrganisationKind.CLB, "name": "CLB Meetjesland"}
    )

    assert response.status_code == 302
    assert Organisation.objects.filter(name="CLB Meetjesland").exists()
    assert Dossier.objects.count() == dossiers


@pytest.mark.parametrize("number", ["12345", "abcdef", ""])
def test_an_invalid_instellingsnummer_in_the_admin_is_a_form_error_not_500(client, region, number):
    client.force_login(region.platform_admin)
    organisations, dossiers = Organisation.objects.count(), Dossier.objects.count()

    response = admin_post(
        client,
        reverse(ADD_URL),
        {"kind": OrganisationKind.SCHOOL, "name": "Foute school", "instellingsnummer": number},
    )

    assert response.status_code == 200
    assert "instellingsnummer" in response.context["adminform"].form.errors
    assert Organisation.objects.count() == organisations
    assert Dossier.objects.count() == dossiers


def test_a_duplicate_instellingsnummer_in_the_admin_is_a_form_error_not_500(client, region):
    client.force_login(region.platform_admin)
    organisations = Organisation.objects.count()

    response = admin_post(
        client,
        reverse(ADD_URL),
        {
            "kind": OrganisationKind.SCHOOL,
            "name": "Dubbele school",
            "instellingsnummer": region.school_a.instellingsnummer,
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert Organisation.objects.count() == organisations


def test_a_schools_kind_cannot_be_changed_in_the_admin(client, region):
    client.force_login(region.platform_admin)
    url = reverse("admin:accounts_organisation_change", args=[region.school_a.pk])

    response = admin_post(
        client,
        url,
        {
            "kind": OrganisationKind.CLB,
            "name": "Nieuwe naam",
            "instellingsnummer": region.school_a.instellingsnummer,
        },
    )

    assert response.status_code == 302
    region.school_a.refresh_from_db()
    assert region.school_a.kind == OrganisationKind.SCHOOL
    assert region.school_a.name == "Nieuwe naam"


def test_someone_who_is_not_a_platform_admin_cannot_add_organisations(client, region):
    client.force_login(region.directie_a)
    organisations = Organisation.objects.count()

    response = client.post(
        reverse(ADD_URL),
        {"kind": OrganisationKind.SCHOOL, "name": "Stiekeme school", "instellingsnummer": "054321"},
    )

    assert response.status_code == 302
    assert "login" in response["Location"]
    assert Organisation.objects.count() == organisations


# --- memberships -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        ("clb", Role.LEERKRACHT),
        ("clb", Role.ZORGCOORDINATOR),
        ("school", Role.CLB_MEDEWERKER),
        ("school", Role.LSC_ANKERPERSOON),
        ("pbd", Role.DIRECTIE),
        ("lsc", Role.PBD_BEGELEIDER),
    ],
)
def test_a_membership_role_must_fit_the_organisation_kind(kind, role):
    organisation = OrganisationFactory(**({} if kind == "school" else {kind: True}))

    with pytest.raises(ValidationError) as refused:
        membership_create(
            user=UserFactory(), organisation=organisation, role=role, start_date=START
        )

    assert "role" in refused.value.message_dict
    assert not Membership.objects.exists()


@pytest.mark.parametrize(
    ("kind", "role"), [(kind, role) for kind, roles in ROLES_BY_KIND.items() for role in roles]
)
def test_every_role_fits_its_own_organisation_kind(kind, role):
    organisation = OrganisationFactory(**({} if kind == "school" else {kind: True}))

    membership = membership_create(
        user=UserFactory(), organisation=organisation, role=role, start_date=START
    )

    assert membership.kind == kind


def test_a_membership_cannot_end_before_it_starts():
    with pytest.raises(ValidationError) as refused:
        membership_create(
            user=UserFactory(),
            organisation=OrganisationFactory(),
            role=Role.ZORGCOORDINATOR,
            start_date=START,
            end_date=START - datetime.timedelta(days=1),
        )

    assert "end_date" in refused.value.message_dict


def test_the_admin_refuses_a_membership_whose_role_does_not_fit(client, region):
    client.force_login(region.platform_admin)
    memberships = Membership.objects.count()

    response = client.post(
        reverse("admin:accounts_membership_add"),
        {
            "user": region.platform_admin.pk,
            "organisation": region.clb_a.pk,
            "role": Role.LEERKRACHT,
            "start_date": "2025-09-01",
        },
    )

    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    assert Membership.objects.count() == memberships
