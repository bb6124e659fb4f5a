"""Setting up MFA again goes through the person's own e-mail, never through an administrator."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail, signing
from django.urls import reverse

from accounts.mfa_reset import SALT, mfa_reset_token
from accounts.roles import Role
from accounts.tests.factories import AuthenticatorFactory
from accounts.tests.logins import PASSWORD, post_login
from conftest import member

pytestmark = pytest.mark.django_db


def send_link(client, admin, person) -> str:
    """The platform administrator sends the link; returns the path it holds."""
    client.force_login(admin)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "send_mfa_reset_email", "_selected_action": [person.pk]},
    )
    assert response.status_code == 302
    client.logout()
    [message] = mail.outbox
    assert message.to == [person.email]  # the person's own address, nobody else's
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_the_link_removes_the_authenticator_and_the_next_login_asks_for_a_new_one(client, region):
    person = region.clb_medewerker_a
    path = send_link(client, region.platform_admin, person)
    assert person.authenticator_set.exists()  # sending alone changes nothing

    page = client.get(path)
    assert page.status_code == 200
    assert person.email in page.content.decode()
    assert person.authenticator_set.exists()  # nor does opening it

    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert not Authenticator.objects.filter(user=person).exists()

    # the password alone now logs in, straight to setting up a new authenticator
    response = post_login(client, person.email, PASSWORD)
    assert client.session.get("_auth_user_id") == str(person.pk)
    response = client.get(reverse("dossier:mijn_dossiers"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_the_link_works_once(client, region):
    path = send_link(client, region.platform_admin, region.clb_medewerker_a)
    client.post(path)
    AuthenticatorFactory(user=region.clb_medewerker_a)  # the person set up a new one

    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    assert region.clb_medewerker_a.authenticator_set.exists()


def test_an_old_link_no_longer_works(client, region, settings):
    path = send_link(client, region.platform_admin, region.clb_medewerker_a)
    settings.MFA_RESET_HOURS = 0

    assert client.post(path).status_code == 404
    assert region.clb_medewerker_a.authenticator_set.exists()


@pytest.mark.parametrize(
    "token",
    [
        "x",
        "not-a-signed-link",
        signing.dumps({"user": 1, "mfa": "0" * 32}, salt="another purpose"),
        signing.dumps({"user": "ten", "mfa": None}, salt=SALT),
        signing.dumps([1, 2, 3], salt=SALT),
    ],
    # named, not by their value: a signed value holds the second it was made, and the test
    # processes (pytest-xdist) must collect the same tests
    ids=["short", "unsigned", "other-purpose", "not-a-person", "not-a-mapping"],
)
def test_a_made_up_or_foreign_link_is_404(client, region, token):
    assert client.get(reverse("accounts:mfa_reset", kwargs={"token": token})).status_code == 404


def test_a_link_for_one_person_does_not_fit_another(client, region):
    token = mfa_reset_token(region.clb_medewerker_a)
    value, signature = token.rsplit(":", 1)
    forged = f"{value}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}"

    assert client.post(reverse("accounts:mfa_reset", kwargs={"token": forged})).status_code == 404
    assert region.directie_a.authenticator_set.exists()
    assert region.clb_medewerker_a.authenticator_set.exists()


def test_people_without_an_authenticator_or_switched_off_get_no_link(client, region):
    switched_off = member(region.clb_a, Role.CLB_MEDEWERKER, is_active=False)
    client.force_login(region.platform_admin)

    client.post(
        reverse("admin:accounts_user_changelist"),
        {
            "action": "send_mfa_reset_email",
            "_selected_action": [region.zorg_a.pk, switched_off.pk],  # zorg_a has none
        },
    )

    assert mail.outbox == []
