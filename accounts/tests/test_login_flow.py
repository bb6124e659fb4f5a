"""Logging in through allauth, as a person does, and what comes right after."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory

PASSWORD = "een-sterk-wachtwoord"


@pytest.fixture
def clb_medewerker_without_mfa(db):
    user = UserFactory(email="nieuw@clb.be")
    MembershipFactory(
        user=user, organisation=OrganisationFactory(clb=True), role=Role.CLB_MEDEWERKER
    )
    return user


def test_partner_staff_without_mfa_land_on_the_setup_page_after_login(
    client, clb_medewerker_without_mfa
):
    response = client.post(
        reverse("account_login"), {"login": "nieuw@clb.be", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    # the login a moment ago counts as confirmation: no second password prompt
    assert response.status_code == 200
    assert "form" in response.context


def test_mfa_setup_asks_for_the_password_again_when_the_login_is_old(
    client, clb_medewerker_without_mfa, settings
):
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0
    client.post(reverse("account_login"), {"login": "nieuw@clb.be", "password": PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_wrong_password_is_refused_without_saying_whether_the_account_exists(client, db):
    UserFactory(email="bestaat@school.be")
    known = client.post(
        reverse("account_login"), {"login": "bestaat@school.be", "password": "fout"}
    )
    unknown = client.post(
        reverse("account_login"), {"login": "niemand@school.be", "password": "fout"}
    )
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].errors == unknown.context["form"].errors
