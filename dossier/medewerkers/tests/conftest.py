"""The people of the tests: the region of the access rules (``conftest.build_region``) with
the managers of its organisations.

clb_a is managed by ``clb_directeur``; school_a by ``directie_a``; pbd_a by
``pbd_verantwoordelijke``; lsc_a by ``lsc_coordinator``. ``clb_medewerker_a`` works for clb_a
with a contribute grant on school A's dossier.
"""

import re
from dataclasses import dataclass

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from conftest import Region, build_region, member
from dossier.core.access.organisations import people_manager
from dossier.medewerkers import services

LINK = re.compile(r"/uitnodiging/([A-Za-z0-9_-]+)/")


@dataclass
class Staff:
    region: Region
    clb_directeur: User
    pbd_verantwoordelijke: User
    lsc_coordinator: User

    def __getattr__(self, name):
        return getattr(self.region, name)


@pytest.fixture
def staff(db) -> Staff:
    region = build_region()
    return Staff(
        region=region,
        clb_directeur=member(region.clb_a, Role.CLB_DIRECTEUR, email="directeur@clbleie.be"),
        pbd_verantwoordelijke=member(
            region.pbd_a, Role.PBD_VERANTWOORDELIJKE, email="verantwoordelijke@pbd.be"
        ),
        lsc_coordinator=member(region.lsc_a, Role.LSC_COORDINATOR, email="coordinatie@lsc.be"),
    )


def manager_of(user, organisation):
    return people_manager(User.objects.get(pk=user.pk), organisation.pk)


def token_in(message) -> str:
    """The token of the link in an invitation e-mail."""
    return LINK.search(message.body).group(1)


@pytest.fixture
def invite(staff, django_capture_on_commit_callbacks):
    """Invite someone to clb_a as its directeur (or ``org``/``by``); returns the invitation and
    the token of the link in the e-mail it sent."""

    def _invite(*, email="nieuw@clbleie.be", role=Role.CLB_MEDEWERKER, org=None, by=None, **kw):
        organisation = org or staff.clb_a
        actor = by or staff.clb_directeur
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.invitation_create(
                manager=manager_of(actor, organisation),
                organisation=organisation,
                email=email,
                first_name=kw.get("first_name", "Nora"),
                last_name=kw.get("last_name", "Nieuwe"),
                role=role,
                start_date=kw.get("start_date", timezone.localdate()),
                actor=actor,
            )
        assert len(mail.outbox) == before + 1
        return invitation, token_in(mail.outbox[-1])

    return _invite
