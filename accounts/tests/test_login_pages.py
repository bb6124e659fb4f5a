"""allauth's pages and e-mails as this platform words them: in the app's elements, with one
Dutch vocabulary, and no invitation to sign up (nobody can).

The tests named ``..._in_dutch`` need the compiled translations (locale/nl_BE) with the login
strings in them; the others hold whatever the catalogue says.
"""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory

FORMAL = re.compile(r"\b(?:u|uw|alstublieft|a\.u\.b\.?)(?!\w)|twee-factor", re.IGNORECASE)


@pytest.fixture
def reset_for(client, rate_limits_reset):
    def send(email: str) -> mail.EmailMessage:
        mail.outbox.clear()
        response = client.post(reverse("account_reset_password"), {"email": email})
        assert response.status_code == 302
        [message] = mail.outbox
        return message

    return send


@pytest.mark.django_db
def test_an_unknown_address_is_told_who_makes_accounts_not_invited_to_sign_up(reset_for):
    message = reset_for("onbekend@example.be")

    assert message.to == ["onbekend@example.be"]
    assert reverse("account_signup") not in message.body
    assert "onbekend@example.be" in message.body


@pytest.mark.django_db
def test_a_known_address_gets_its_link_to_choose_a_password(reset_for):
    UserFactory(email="persoon@school.be")

    message = reset_for("persoon@school.be")

    assert re.search(r"/account/password/reset/key/\w+-[\w-]+/", message.body)


@pytest.mark.django_db
def test_the_password_e_mails_in_dutch(reset_for):
    UserFactory(email="persoon@school.be")

    for message in (reset_for("persoon@school.be"), reset_for("onbekend@example.be")):
        text = re.sub(r"https?://\S+", "", f"{message.subject}\n{message.body}")
        assert "Samenwerkingsdossier" in message.subject
        assert not re.search(r"\b(?:you|your|the|password|sign up)\b", text, re.IGNORECASE), text
        assert not FORMAL.search(text), text
    assert "wachtwoord" in reset_for("persoon@school.be").body


@pytest.mark.django_db
def test_the_code_step_uses_the_app_elements(client):
    """The MFA code page (and every allauth page) is built from templates/allauth/elements:
    a visible label for the code, the buttons as the app's, no bare <p> per field."""
    user = UserFactory(with_mfa=True)
    client.post(reverse("account_login"), {"login": user.email, "password": "een-sterk-wachtwoord"})

    html = client.get(reverse("mfa_authenticate")).content.decode()

    assert '<form method="post" action="/account/2fa/authenticate/" class="allauth-form">' in html
    assert re.search(r'<label for="id_code">[^<]+</label>', html)
    assert re.search(
        r'<button type="submit" form="logout-from-stage"[^>]*class="button button--quiet"', html
    )
    assert '<link rel="icon"' in html and 'class="topbar"' in html


@pytest.mark.django_db
def test_the_qr_code_is_described_not_read_out_as_the_secret(client):
    from accounts.roles import Role
    from accounts.tests.factories import MembershipFactory, OrganisationFactory

    user = UserFactory()
    MembershipFactory(
        user=user, organisation=OrganisationFactory(clb=True), role=Role.CLB_MEDEWERKER
    )
    client.post(reverse("account_login"), {"login": user.email, "password": "een-sterk-wachtwoord"})

    response = client.get(reverse("mfa_activate_totp"))

    html = response.content.decode()
    secret = response.context["form"].secret
    [alt] = re.findall(r'<img class="totp-qr" src="data:[^"]+" alt="([^"]+)"', html)
    assert secret not in alt
    assert re.search(
        rf'<input type="text" id="authenticator_secret" value="{secret}" readonly', html
    )
