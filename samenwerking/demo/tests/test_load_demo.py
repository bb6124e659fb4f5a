from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Membership, Organisation, User
from accounts.roles import OrganisationKind, Role
from dossier.core.access import Section, dossiers_for_user
from dossier.core.models import AuditEvent, Dossier


@pytest.mark.django_db
def test_demo_region_loads_once_and_prints_the_logins():
    out = StringIO()
    call_command("load_demo", stdout=out)
    counts = (Organisation.objects.count(), User.objects.count(), AuditEvent.objects.count())
    call_command("load_demo", "--quiet", stdout=StringIO())
    assert (
        Organisation.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    ) == counts

    assert Organisation.objects.filter(kind=OrganisationKind.SCHOOL).count() == 6
    assert Dossier.objects.count() == 6
    for kind in (OrganisationKind.CLB, OrganisationKind.PBD, OrganisationKind.LSC):
        assert Organisation.objects.filter(kind=kind).exists()
    # every role of the platform is held by someone
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    printed = out.getvalue()
    assert "directie@regenboog.demo" in printed and "demo-samenwerking" in printed


@pytest.mark.django_db
def test_demo_people_show_the_rules():
    call_command("load_demo", "--quiet", stdout=StringIO())
    by_email = {user.email: user for user in User.objects.all()}
    # the CLB medewerker serves all six schools
    assert dossiers_for_user(by_email["clb@leiestreek.demo"]).count() == 6
    # a leerkracht and an LSC ondersteuner without a grant see nothing
    assert not dossiers_for_user(by_email["leerkracht@regenboog.demo"]).exists()
    assert not dossiers_for_user(by_email["ondersteuner@lsc.demo"]).exists()
    # the other CLB's old grant on Atheneum Zuidkant ended with its partnership
    assert not dossiers_for_user(by_email["clb@scheldeland.demo"]).exists()
    # the platform administrator reads no dossier
    assert not dossiers_for_user(by_email["beheer@platform.demo"]).exists()
    # the LSC anker reads the leersteun section but not the signals of De Regenboog
    anker = by_email["anker@lsc.demo"]
    assert dossiers_for_user(anker, section=Section.LEERSTEUN).count() == 2
    assert not dossiers_for_user(anker, section=Section.SIGNALEN).exists()


@pytest.mark.django_db
def test_the_demo_region_gives_each_working_persona_a_day_of_work():
    from dossier.core.registry import Bucket
    from dossier.core.werkoverzicht import werkoverzicht

    call_command("load_demo", "--quiet", stdout=StringIO())
    call_command("load_demo", "--quiet", stdout=StringIO())  # a second run moves nothing
    by_email = {user.email: user for user in User.objects.all()}

    def buckets(email):
        return {b.key: b.total for b in werkoverzicht(by_email[email]).buckets}

    directie = buckets("directie@regenboog.demo")
    assert directie[Bucket.OVERDUE] == 2  # one signal and one note ran late
    assert directie[Bucket.UPCOMING] == 2  # the structural meeting and the gesprek
    assert 0 < directie[Bucket.NEW] < 10  # a few of the last days, not the whole history
    clb = buckets("clb@leiestreek.demo")
    assert clb[Bucket.ASKED] == 1  # the agreement the school approved, waiting for the CLB
    assert buckets("anker@lsc.demo")[Bucket.UPCOMING] >= 1
    assert sum(buckets("beheer@platform.demo").values()) == 0
