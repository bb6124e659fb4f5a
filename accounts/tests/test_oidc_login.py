"""The login with the government's identity provider, end to end against a real one.

A stand-in provider (django-oauth-toolkit in OpenID Connect mode, ``tests/oidc_provider``) runs
in a process of its own on a loopback port, with its own RSA key. The platform's side is
driven through its real views with the test client; the person's browser at the provider is a
``requests`` session. The platform itself fetches the provider's discovery document, token and
userinfo over HTTP, and checks the ID token (issuer, audience, expiry) as allauth does.
"""

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext

from accounts.middleware import MFA_BY_IDP_KEY
from accounts.models import Membership, User
from accounts.roles import Role
from accounts.tests.factories import UserFactory
from accounts.tests.logins import logged_in_as, page_text, totp_code
from conftest import member
from samenwerking.settings.oidc import PROVIDER_ID, socialaccount_providers

BASE_DIR = Path(__file__).resolve().parent.parent.parent
CLIENT_ID = "samenwerkingsdossier"
CLIENT_SECRET = "client-secret-for-the-stand-in"  # noqa: S105
CALLBACK = f"http://testserver/account/oidc/{PROVIDER_ID}/login/callback/"
# What the stand-in says for a login with itsme or an eID (OIDC_MFA_*_VALUES in the platform).
ACR_HIGH = "https://eidas.ec.europa.eu/LoA/high"
ACR_LOW = "https://eidas.ec.europa.eu/LoA/low"
AMR_SECOND_FACTOR = "mfa"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Provider:
    url: str
    issuer: str
    log: Path

    def person(self, username: str, **claims) -> None:
        """What the provider says about ``username`` from now on."""
        response = requests.put(f"{self.url}/people/{username}/", json=claims, timeout=5)
        response.raise_for_status()

    def requests_made(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    folder = tmp_path_factory.mktemp("oidc-provider")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    } | {
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "PROVIDER_SECRET_KEY": "stand-in-provider-not-secret",
        "PROVIDER_DIR": str(folder),
        "PROVIDER_RSA_KEY": pem,
        "PROVIDER_ISSUER": f"{url}/o",
        "PROVIDER_CLIENT_ID": CLIENT_ID,
        "PROVIDER_CLIENT_SECRET": CLIENT_SECRET,
        "PROVIDER_REDIRECT_URIS": CALLBACK,
        "PYTHONUNBUFFERED": "1",
    }
    log = folder / "provider.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc_provider.serve", str(port)],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"the stand-in provider stopped:\n{log.read_text()}")
            try:
                if requests.get(f"{url}/o/.well-known/openid-configuration", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the stand-in provider did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield Provider(url=url, issuer=f"{url}/o", log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def platform(settings, provider):
    """The platform with the login switched on against the stand-in, as the environment would
    (samenwerking.settings.oidc), and which acr and amr values count as a second factor."""
    settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers(
        issuer=provider.issuer, client_id=CLIENT_ID, secret=CLIENT_SECRET, name="Test-IdP"
    )
    settings.OIDC_MFA_ACR_VALUES = [ACR_HIGH]
    settings.OIDC_MFA_AMR_VALUES = [AMR_SECOND_FACTOR]
    return settings


def idp_login(client, provider: Provider, username: str, **data):
    """Press the button on the login page, log in at the provider as ``username``, and come
    back: the platform's answer to the callback."""
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID}), data)
    assert start.status_code == 302, page_text(start)
    authorize = urlsplit(start["Location"])
    assert (
        f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == f"{provider.url}/o/authorize/"
    )
    browser = requests.Session()
    # the person's login at the IdP, which sends them on to the authorisation ...
    at_idp = browser.get(
        f"{provider.url}/login/",
        params={"user": username, "next": f"{authorize.path}?{authorize.query}"},
        allow_redirects=False,
        timeout=10,
    )
    assert at_idp.status_code == 302, at_idp.text
    # ... which sends them back to the platform with a code
    granted = browser.get(f"{provider.url}{at_idp.headers['Location']}", allow_redirects=False)
    assert granted.status_code == 302, granted.text
    assert granted.headers["Location"].startswith(CALLBACK), granted.headers["Location"]
    callback = urlsplit(granted.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def known_person(**kwargs) -> User:
    """A teacher: no role that requires MFA."""
    return UserFactory(**kwargs)


# --- who logs in ----------------------------------------------------------------------------


def test_a_known_person_logs_in_by_their_verified_email_address(client, db, platform, provider):
    person = known_person(email="an.peeters@linde.be")
    provider.person("an", email="An.Peeters@linde.be", email_verified=True, acr=ACR_LOW)
    people_before = User.objects.count()

    response = idp_login(client, provider, "an")

    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert logged_in_as(client, person)
    link = SocialAccount.objects.get(user=person)
    assert link.provider == PROVIDER_ID
    assert link.uid  # the provider's subject, kept for the next login
    assert User.objects.count() == people_before
    # the platform itself asked the provider over HTTP
    made = provider.requests_made()
    assert "GET /o/.well-known/openid-configuration" in made
    assert "POST /o/token/" in made
    assert "GET /o/userinfo/" in made
    # and the person reaches their pages
    assert client.get(reverse("dossier:mijn_dossiers")).status_code == 200


def test_after_the_email_changed_at_the_idp_the_linked_subject_still_logs_in(
    client, db, platform, provider
):
    person = known_person(email="bert.claes@linde.be")
    colleague = known_person(email="griet.maes@linde.be")
    provider.person("bert", email="bert.claes@linde.be", email_verified=True)
    idp_login(client, provider, "bert")
    client.logout()

    # the IdP now knows Bert by an address that is a colleague's here
    provider.person("bert", email="griet.maes@linde.be", email_verified=True)
    response = idp_login(client, provider, "bert")

    assert response.status_code == 302
    assert logged_in_as(client, person)
    assert not logged_in_as(client, colleague)
    assert not SocialAccount.objects.filter(user=colleague).exists()


def test_an_unknown_person_is_refused_in_dutch_and_nobody_is_made(client, db, platform, provider):
    provider.person("onbekend", email="niemand@elders.be", email_verified=True)
    people_before = User.objects.count()

    response = idp_login(client, provider, "onbekend")

    assert response.status_code == 403
    text = page_text(response)
    assert gettext("You cannot log in this way") in text
    assert "niemand@elders.be" in text
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == people_before
    assert not SocialAccount.objects.exists()


def test_an_address_the_idp_did_not_verify_links_nobody(client, db, platform, provider):
    person = known_person(email="chris.wouters@linde.be")
    provider.person("chris", email="chris.wouters@linde.be", email_verified=False)

    response = idp_login(client, provider, "chris")

    assert response.status_code == 403
    assert not logged_in_as(client, person)
    assert not SocialAccount.objects.exists()


def test_a_person_switched_off_is_refused(client, db, platform, provider):
    known_person(email="dirk.jacobs@linde.be", is_active=False)
    provider.person("dirk", email="dirk.jacobs@linde.be", email_verified=True)

    response = idp_login(client, provider, "dirk")

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()


def test_a_second_subject_with_the_same_address_is_refused(client, db, platform, provider):
    person = known_person(email="els.goossens@linde.be")
    provider.person("els", email="els.goossens@linde.be", email_verified=True)
    provider.person("els-bis", email="els.goossens@linde.be", email_verified=True)
    idp_login(client, provider, "els")
    client.logout()

    response = idp_login(client, provider, "els-bis")

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert SocialAccount.objects.filter(user=person).count() == 1


def test_the_idp_login_makes_no_membership(client, region, platform, provider):
    teacher = member(region.school_a, Role.LEERKRACHT, mfa=False, email="fien@linde.be")
    memberships = set(Membership.objects.values_list("pk", "status"))
    provider.person("fien", email="fien@linde.be", email_verified=True)

    idp_login(client, provider, "fien")

    assert logged_in_as(client, teacher)
    assert set(Membership.objects.values_list("pk", "status")) == memberships


def test_linking_from_the_account_pages_is_refused(client, db, platform, provider):
    person = known_person(email="gert.smet@linde.be")
    provider.person("gert", email="gert.smet@linde.be", email_verified=True)
    client.force_login(person)

    response = idp_login(client, provider, "gert", process="connect")

    assert response.status_code == 403
    assert not SocialAccount.objects.exists()


# --- the ID token is checked ----------------------------------------------------------------


def test_an_id_token_of_another_issuer_logs_nobody_in(client, db, platform, provider):
    person = known_person(email="hanne.dewit@linde.be")
    provider.person(
        "hanne",
        email="hanne.dewit@linde.be",
        email_verified=True,
        iss=f"{provider.url}/elders",
    )

    response = idp_login(client, provider, "hanne")

    assert response.status_code == 401  # allauth's "login failed" page
    assert not logged_in_as(client, person)
    assert not SocialAccount.objects.exists()


def test_the_configured_issuer_counts_not_the_one_the_provider_claims(
    client, db, settings, provider
):
    """The platform is set up for ``.../o/``; the provider's discovery document and tokens say
    ``.../o``. allauth alone would take the document's word for it."""
    settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers(
        issuer=f"{provider.issuer}/", client_id=CLIENT_ID, secret=CLIENT_SECRET
    )
    person = known_person(email="ilse.janssens@linde.be")
    provider.person("ilse", email="ilse.janssens@linde.be", email_verified=True)

    response = idp_login(client, provider, "ilse")

    assert response.status_code == 401
    assert not logged_in_as(client, person)


def test_an_expired_id_token_logs_nobody_in(client, db, platform, provider):
    person = known_person(email="jan.hermans@linde.be")
    provider.person("jan", email="jan.hermans@linde.be", email_verified=True, expired=True)

    response = idp_login(client, provider, "jan")

    assert response.status_code == 401
    assert not logged_in_as(client, person)
    assert not SocialAccount.objects.exists()


# --- the second factor ----------------------------------------------------------------------


def test_with_a_weak_idp_login_an_authenticator_code_is_still_asked(
    client, region, platform, provider
):
    clb = member(region.clb_a, Role.CLB_MEDEWERKER, mfa=True, email="kim@clbleie.be")
    provider.person("kim", email="kim@clbleie.be", email_verified=True, acr=ACR_LOW, amr=["pwd"])

    response = idp_login(client, provider, "kim")

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    done = client.post(reverse("mfa_authenticate"), {"code": totp_code(clb)})
    assert done.status_code == 302
    assert logged_in_as(client, clb)
    assert MFA_BY_IDP_KEY not in client.session
    assert client.get(reverse("dossier:mijn_dossiers")).status_code == 200


@pytest.mark.parametrize(
    "assurance", [{"acr": ACR_HIGH}, {"acr": ACR_LOW, "amr": ["pwd", AMR_SECOND_FACTOR]}]
)
def test_an_idp_login_that_counts_as_second_factor_needs_no_code(
    client, region, platform, provider, assurance
):
    clb = member(region.clb_a, Role.CLB_MEDEWERKER, mfa=True, email="lien@clbleie.be")
    provider.person("lien", email="lien@clbleie.be", email_verified=True, **assurance)

    response = idp_login(client, provider, "lien")

    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert logged_in_as(client, clb)
    assert client.session[MFA_BY_IDP_KEY] is True


def test_without_an_authenticator_a_weak_idp_login_is_sent_to_set_one_up(
    client, region, platform, provider
):
    clb = member(region.clb_a, Role.CLB_MEDEWERKER, mfa=False, email="mats@clbleie.be")
    provider.person("mats", email="mats@clbleie.be", email_verified=True, acr=ACR_LOW)

    idp_login(client, provider, "mats")

    assert logged_in_as(client, clb)
    page = client.get(reverse("dossier:mijn_dossiers"))
    assert page.status_code == 302
    assert page["Location"] == reverse("mfa_activate_totp")


def test_without_an_authenticator_a_strong_idp_login_opens_the_dossiers(
    client, region, platform, provider
):
    directie = member(region.school_a, Role.DIRECTIE, mfa=False, email="nele@linde.be")
    provider.person("nele", email="nele@linde.be", email_verified=True, acr=ACR_HIGH)

    idp_login(client, provider, "nele")

    assert logged_in_as(client, directie)
    # past the minute in which the standing is taken from the session, too
    session = client.session
    session.pop("_mfa_in_order_at", None)
    session.save()
    assert client.get(reverse("dossier:mijn_dossiers")).status_code == 200


def test_with_no_values_listed_the_idp_never_counts_as_second_factor(
    client, region, platform, provider
):
    platform.OIDC_MFA_ACR_VALUES = []
    platform.OIDC_MFA_AMR_VALUES = []
    clb = member(region.clb_a, Role.CLB_MEDEWERKER, mfa=True, email="omar@clbleie.be")
    provider.person("omar", email="omar@clbleie.be", email_verified=True, acr=ACR_HIGH)

    response = idp_login(client, provider, "omar")

    assert response["Location"] == reverse("mfa_authenticate")
    assert not logged_in_as(client, clb)


# --- the login page -------------------------------------------------------------------------


def test_without_configuration_there_is_no_button_and_no_login(client, db):
    assert settings.SOCIALACCOUNT_PROVIDERS == {"openid_connect": {"APPS": []}}

    page = page_text(client.get(reverse("account_login")))
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID}))

    assert "/account/oidc/" not in page
    assert start.status_code == 404


def test_with_configuration_the_login_page_has_the_button(client, db, platform):
    page = page_text(client.get(reverse("account_login") + "?next=/meldingen/"))

    login_url = reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID})
    assert f'action="{login_url}?next=%2Fmeldingen%2F"' in page
    assert 'method="post"' in page
    assert "Test-IdP" in page
