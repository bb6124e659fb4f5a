"""Login security: MFA for partner staff and access managers, the admin login, sessions, rate limits."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.mfa import mfa_status
from accounts.roles import Role
from accounts.services import membership_end
from accounts.tests.factories import AuthenticatorFactory, UserFactory
from conftest import member
from dossier.core.access import user_flags
from dossier.core.services import AccessLevel, access_grant

MFA_SETUP = "mfa_activate_totp"


def opens_my_dossiers(client, user):
    client.force_login(user)
    return client.get(reverse("dossier:mijn_dossiers"))


def assert_sent_to_mfa_setup(response):
    assert response.status_code == 302
    assert response["Location"] == reverse(MFA_SETUP)


def test_the_test_settings_require_mfa():
    assert settings.SAMENWERKING_REQUIRE_MFA is True


# --- who must set up MFA ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("organisation", "role"),
    [
        ("clb_a", Role.CLB_MEDEWERKER),
        ("clb_other", Role.CLB_DIRECTEUR),
        ("pbd_a", Role.PBD_BEGELEIDER),
        ("lsc_a", Role.LSC_ANKERPERSOON),
    ],
)
def test_partner_staff_without_an_authenticator_are_sent_to_mfa_setup(
    client, region, organisation, role
):
    person = member(getattr(region, organisation), role, mfa=False)

    assert_sent_to_mfa_setup(opens_my_dossiers(client, person))


def test_a_clb_medewerker_without_an_authenticator_cannot_reach_a_dossier(client, region):
    person = member(region.clb_a, Role.CLB_MEDEWERKER, mfa=False)
    access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=person,
        level=AccessLevel.CONTRIBUTE,
    )
    client.force_login(person)

    response = client.get(reverse("dossier:overview", kwargs={"pk": region.dossier_a.pk}))

    assert_sent_to_mfa_setup(response)


def test_a_directie_without_an_authenticator_is_sent_to_mfa_setup(client, region):
    directie = member(region.school_a, Role.DIRECTIE, mfa=False)

    assert_sent_to_mfa_setup(opens_my_dossiers(client, directie))
    response = client.get(reverse("dossier:toegangsbeheer", kwargs={"pk": region.dossier_a.pk}))
    assert_sent_to_mfa_setup(response)


def test_a_zorgcoordinator_without_manage_right_and_without_mfa_is_not_redirected(client, region):
    assert not region.zorg_a.authenticator_set.exists()

    response = opens_my_dossiers(client, region.zorg_a)

    assert response.status_code == 200
    response = client.get(reverse("dossier:overview", kwargs={"pk": region.dossier_a.pk}))
    assert response.status_code == 200


def test_a_leerkracht_without_mfa_is_not_redirected(client, region):
    assert opens_my_dossiers(client, region.leerkracht_a).status_code == 200


def test_a_zorgteam_member_with_a_delegated_manage_right_is_sent_to_mfa_setup(client, region):
    access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=region.zorg_a,
        level=AccessLevel.CONTRIBUTE,
        can_manage=True,
    )

    assert_sent_to_mfa_setup(opens_my_dossiers(client, region.zorg_a))


def test_a_zorgteam_member_whose_manage_right_is_taken_back_is_no_longer_redirected(client, region):
    for can_manage in (True, False):
        access_grant(
            dossier=region.dossier_a,
            granted_by=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
            user=region.zorg_a,
            level=AccessLevel.CONTRIBUTE,
            can_manage=can_manage,
        )

    assert opens_my_dossiers(client, region.zorg_a).status_code == 200


def test_former_partner_staff_are_no_longer_required_to_use_mfa(region):
    person = member(region.clb_a, Role.CLB_MEDEWERKER, mfa=False)
    assert mfa_status(person) == (True, False)

    membership_end(
        membership=person.memberships.get(),
        end_date=person.memberships.get().start_date,
    )

    assert mfa_status(person) == (False, False)


# --- with an authenticator -------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["directie_a", "clb_medewerker_a", "lsc_anker_a", "pbd_begeleider_a"]
)
def test_people_with_an_authenticator_are_not_redirected(client, region, persona):
    response = opens_my_dossiers(client, region.persona(persona))

    assert response.status_code == 200


def test_setting_up_an_authenticator_ends_the_redirect(client, region):
    person = member(region.lsc_a, Role.LSC_ONDERSTEUNER, mfa=False)
    assert_sent_to_mfa_setup(opens_my_dossiers(client, person))

    AuthenticatorFactory(user=person)

    assert client.get(reverse("dossier:mijn_dossiers")).status_code == 200


def test_a_delegated_manager_with_an_authenticator_is_not_redirected(client, region):
    manager = member(region.school_a, Role.ZORGLEERKRACHT, mfa=True)
    access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=manager,
        level=AccessLevel.VIEW,
        can_manage=True,
    )

    assert opens_my_dossiers(client, manager).status_code == 200


# --- pages that stay reachable ---------------------------------------------------------------


def test_logout_stays_reachable_without_mfa(client, region):
    person = member(region.clb_a, Role.CLB_MEDEWERKER, mfa=False)
    client.force_login(person)

    page = client.get(reverse("account_logout"))
    logged_out = client.post(reverse("account_logout"))

    assert page.status_code == 200
    assert logged_out.status_code == 302
    assert logged_out["Location"] != reverse(MFA_SETUP)
    after = client.get(reverse("dossier:mijn_dossiers"))
    assert after.status_code == 302
    assert reverse("account_login") in after["Location"]


def test_the_mfa_pages_themselves_do_not_redirect_in_a_loop(client, region):
    person = member(region.clb_a, Role.CLB_MEDEWERKER, mfa=False)
    client.force_login(person)

    response = client.get(reverse("mfa_index"))

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        # logging in again at the government's identity provider, whose second factor may count
        ("openid_connect_login", {"provider_id": "vlaanderen"}),
        ("openid_connect_callback", {"provider_id": "vlaanderen"}),
        # allauth's pages for a login there that was cancelled or failed
        ("socialaccount_login_cancelled", {}),
        ("socialaccount_login_error", {}),
    ],
)
def test_the_identity_providers_login_stays_reachable_without_mfa(client, region, name, kwargs):
    person = member(region.clb_a, Role.CLB_MEDEWERKER, mfa=False)
    client.force_login(person)

    response = client.get(reverse(name, kwargs=kwargs))

    # its own answer (no provider is configured here: 404 for the login), never the redirect
    assert response.status_code in (200, 401, 404)


@pytest.mark.parametrize("name", ["socialaccount_connections", "socialaccount_signup"])
def test_the_links_to_the_identity_provider_wait_for_mfa(client, region, name):
    person = member(region.clb_a, Role.CLB_MEDEWERKER, mfa=False)
    client.force_login(person)

    assert_sent_to_mfa_setup(client.get(reverse(name)))


def test_a_second_factor_at_the_identity_provider_keeps_mfa_in_order_for_the_session(
    client, region
):
    from accounts.middleware import MFA_BY_IDP_KEY

    person = member(region.clb_a, Role.CLB_MEDEWERKER, mfa=False)
    client.force_login(person)
    session = client.session
    session[MFA_BY_IDP_KEY] = True
    session.save()

    assert client.get(reverse("dossier:mijn_dossiers")).status_code == 200


def test_a_new_login_forgets_the_identity_providers_second_factor(client, region):
    """A password login after one at the IdP, in the same session, stands on its own."""
    from accounts.middleware import MFA_BY_IDP_KEY

    person = member(region.clb_a, Role.CLB_MEDEWERKER, mfa=False)
    client.force_login(person)
    session = client.session
    session[MFA_BY_IDP_KEY] = True
    session.save()

    client.force_login(person)

    assert MFA_BY_IDP_KEY not in client.session
    assert_sent_to_mfa_setup(client.get(reverse("dossier:mijn_dossiers")))


# --- the admin login, sessions and rate limits -----------------------------------------------


def test_the_admin_login_sends_an_anonymous_user_to_allauths_login(client, db):
    response = client.get(reverse("admin:login"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_admin_index_sends_an_anonymous_user_to_a_login(client, db):
    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert "login" in response["Location"]


def login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_after_five_failed_logins_for_an_email_even_the_right_password_is_refused(
    client, db, rate_limits_reset
):
    user = UserFactory(email="zorg@school.be", password="het-juiste-wachtwoord")

    failed = [login(client, user.email, "fout-wachtwoord") for _ in range(5)]
    blocked = login(client, user.email, "het-juiste-wachtwoord")

    assert [response.status_code for response in failed] == [200] * 5
    # allauth answers the "login_failed" limit (5 per 5 minutes per email and per IP) with a
    # form error, not a 429: the right password no longer logs in
    assert blocked.status_code == 200
    assert blocked.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_the_failed_login_limit_counts_per_email_across_ip_addresses(client, db, rate_limits_reset):
    user = UserFactory(email="zorg@school.be", password="het-juiste-wachtwoord")
    for attempt in range(5):
        client.post(
            reverse("account_login"),
            {"login": user.email, "password": "fout-wachtwoord"},
            REMOTE_ADDR=f"10.0.0.{attempt + 1}",
        )

    blocked = client.post(
        reverse("account_login"),
        {"login": user.email, "password": "het-juiste-wachtwoord"},
        REMOTE_ADDR="10.0.0.99",
    )

    assert blocked.status_code == 200
    assert "_auth_user_id" not in client.session


def test_repeated_failed_login_posts_end_in_429(client, db, rate_limits_reset):
    UserFactory(email="zorg@school.be", password="het-juiste-wachtwoord")

    statuses = [login(client, "zorg@school.be", "fout-wachtwoord").status_code for _ in range(40)]

    # the first refusals are form errors; once the "login" limit (per IP) is spent, 429
    assert statuses[:6] == [200] * 6
    assert 429 in statuses
    first_429 = statuses.index(429)
    assert all(status == 429 for status in statuses[first_429:])


def test_a_correct_login_works_when_nothing_was_rate_limited(client, db, rate_limits_reset):
    UserFactory(email="zorg@school.be", password="het-juiste-wachtwoord")

    response = login(client, "zorg@school.be", "het-juiste-wachtwoord")

    assert response.status_code == 302
    assert "_auth_user_id" in client.session
