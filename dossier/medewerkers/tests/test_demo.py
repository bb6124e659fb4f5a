"""The demo's managers find their people under "Medewerkers"."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Organisation, User
from conftest import log_in
from dossier.medewerkers.models import Invitation, OrganisationEvent

pytestmark = pytest.mark.django_db


def test_the_demo_managers_see_their_staff(client, settings):
    settings.SAMENWERKING_REQUIRE_MFA = False  # the demo's people have no authenticator
    call_command("load_demo", "--quiet", stdout=StringIO())
    counts = (Invitation.objects.count(), OrganisationEvent.objects.count())
    call_command("load_demo", "--quiet", stdout=StringIO())
    assert (Invitation.objects.count(), OrganisationEvent.objects.count()) == counts

    clb = Organisation.objects.get(name="CLB Leiestreek")
    log_in(client, User.objects.get(email="directeur@leiestreek.demo"))
    page = reverse("medewerkers:people", kwargs={"org_pk": clb.pk})
    assert f'href="{page}"' in client.get(reverse("dossier:mijn_dossiers")).content.decode()
    response = client.get(page)
    emails = {m.user.email for m, _state in response.context["rows"]}
    assert {"clb@leiestreek.demo", "directeur@leiestreek.demo"} <= emails
    ended = client.get(page, {"state": "ended"}).context["rows"]
    assert [m.user.email for m, _s in ended] == ["wim.vanacker@leiestreek.demo"]
    invitations = client.get(reverse("medewerkers:invitations", kwargs={"org_pk": clb.pk}))
    assert len(invitations.context["page"].object_list) == 2
    assert client.get(reverse("medewerkers:history", kwargs={"org_pk": clb.pk})).status_code == 200

    school = Organisation.objects.get(name="Basisschool De Regenboog")
    log_in(client, User.objects.get(email="directie@regenboog.demo"))
    response = client.get(reverse("medewerkers:people", kwargs={"org_pk": school.pk}))
    assert len(response.context["rows"]) == 6
    assert "badge--idle" in response.content.decode()

    pbd = Organisation.objects.get(kind="pbd")
    log_in(client, User.objects.get(email="verantwoordelijke@leie.demo"))
    assert client.get(reverse("medewerkers:people", kwargs={"org_pk": pbd.pk})).status_code == 200
