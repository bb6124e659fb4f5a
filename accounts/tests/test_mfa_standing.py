"""The MFA standing is checked at login and then taken from the session for a minute."""

import pytest
from allauth.mfa.base.internal.flows import delete_and_cleanup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.middleware import MFA_IN_ORDER_KEY
from accounts.roles import Role
from conftest import member
from dossier.core.access import user_flags
from dossier.core.services import AccessLevel, access_grant

MY_DOSSIERS = reverse("dossier:mijn_dossiers")


def age_the_standing(client, seconds: int) -> None:
    session = client.session
    session[MFA_IN_ORDER_KEY] -= seconds
    session.save()


def test_a_page_after_login_does_not_look_up_authenticators(client, region):
    client.force_login(member(region.clb_a, Role.CLB_MEDEWERKER))

    with CaptureQueriesContext(connection) as queries:
        assert client.get(MY_DOSSIERS).status_code == 200

    assert not [q for q in queries.captured_queries if "mfa_authenticator" in q["sql"]]


def test_a_right_given_during_a_session_asks_for_mfa_within_the_minute(client, region):
    client.force_login(region.zorg_a)  # needs no MFA yet, has none
    access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=region.zorg_a,
        level=AccessLevel.CONTRIBUTE,
        can_manage=True,  # managing access requires MFA
    )
    assert client.get(MY_DOSSIERS).status_code == 200  # the standing found at login

    age_the_standing(client, 61)
    response = client.get(MY_DOSSIERS)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(MY_DOSSIERS).status_code == 302  # and on every page until it is set up


def test_removing_ones_authenticator_asks_for_mfa_at_once(client, region, rf):
    person = member(region.clb_a, Role.CLB_MEDEWERKER)
    client.force_login(person)
    assert client.get(MY_DOSSIERS).status_code == 200
    # allauth's own removal, as its deactivation page runs it, in this person's session
    request = rf.post(reverse("mfa_deactivate_totp"))
    request.user, request.session = person, client.session
    delete_and_cleanup(request, person.authenticator_set.get())
    request.session.save()

    response = client.get(MY_DOSSIERS)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("seconds", [0, 30])
def test_within_the_minute_the_standing_is_not_asked_again(client, region, seconds):
    client.force_login(member(region.clb_a, Role.CLB_MEDEWERKER))
    age_the_standing(client, seconds)

    with CaptureQueriesContext(connection) as queries:
        client.get(MY_DOSSIERS)

    assert not [q for q in queries.captured_queries if "mfa_authenticator" in q["sql"]]
