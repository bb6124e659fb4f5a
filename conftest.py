"""Shared fixtures: the named personas of the access rules.

School A works with CLB A, PBD A and LSC A. Each persona has a comment on what they may do.
"""

from dataclasses import dataclass

import pytest

from accounts.models import Organisation, User
from accounts.roles import Role
from accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)
from dossier.core.access import user_flags
from dossier.core.models import Dossier
from dossier.core.services import AccessLevel, access_grant


@dataclass
class Region:
    school_a: Organisation
    dossier_a: Dossier
    school_b: Organisation
    dossier_b: Dossier
    clb_a: Organisation
    clb_other: Organisation
    pbd_a: Organisation
    lsc_a: Organisation
    # directie of school A: reads everything of A, manages access to A's dossier
    directie_a: User
    # zorgcoördinator of A with a contribute grant on A
    zorg_a: User
    # leerkracht of A: can never be granted access, sees no dossier
    leerkracht_a: User
    # CLB medewerker of the CLB serving A, with a contribute grant on A
    clb_medewerker_a: User
    # CLB medewerker of another CLB, without any partnership with A (and a stale grant on A)
    clb_medewerker_other: User
    # LSC ankerpersoon of the LSC serving A, with a contribute grant on A
    lsc_anker_a: User
    # PBD begeleider of the PBD serving A, with a read grant on A
    pbd_begeleider_a: User
    # platform administrator: manages the platform in the admin, no grant on any dossier
    platform_admin: User
    # directie of school B: nothing to do with A
    directie_b: User

    def persona(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


PERSONAS = [
    "directie_a",
    "zorg_a",
    "leerkracht_a",
    "clb_medewerker_a",
    "clb_medewerker_other",
    "lsc_anker_a",
    "pbd_begeleider_a",
    "platform_admin",
    "anonymous",
]


def member(org, role, *, mfa=True, **kwargs) -> User:
    user = UserFactory(with_mfa=mfa, **kwargs)
    MembershipFactory(user=user, organisation=org, role=role)
    return user


def build_region() -> Region:
    school_a = OrganisationFactory(name="Basisschool De Linde")
    school_b = OrganisationFactory(name="Sint-Lievenscollege")
    clb_a = OrganisationFactory(clb=True, name="CLB Leie")
    clb_other = OrganisationFactory(clb=True, name="CLB Schelde")
    pbd_a = OrganisationFactory(pbd=True)
    lsc_a = OrganisationFactory(lsc=True)
    for partner in (clb_a, pbd_a, lsc_a):
        PartnershipFactory(school=school_a, partner=partner)
    PartnershipFactory(school=school_b, partner=clb_other)
    dossier_a, dossier_b = school_a.dossier, school_b.dossier

    directie_a = member(school_a, Role.DIRECTIE, email="directie@linde.be")
    directie_b = member(school_b, Role.DIRECTIE, email="directie@lieven.be")
    region = Region(
        school_a=school_a,
        dossier_a=dossier_a,
        school_b=school_b,
        dossier_b=dossier_b,
        clb_a=clb_a,
        clb_other=clb_other,
        pbd_a=pbd_a,
        lsc_a=lsc_a,
        directie_a=directie_a,
        zorg_a=member(school_a, Role.ZORGCOORDINATOR, mfa=False, email="zorg@linde.be"),
        leerkracht_a=member(school_a, Role.LEERKRACHT, mfa=False, email="leerkracht@linde.be"),
        clb_medewerker_a=member(clb_a, Role.CLB_MEDEWERKER, email="medewerker@clbleie.be"),
        clb_medewerker_other=member(
            clb_other, Role.CLB_MEDEWERKER, email="medewerker@clbschelde.be"
        ),
        lsc_anker_a=member(lsc_a, Role.LSC_ANKERPERSOON, email="anker@lsc.be"),
        pbd_begeleider_a=member(pbd_a, Role.PBD_BEGELEIDER, email="begeleider@pbd.be"),
        platform_admin=UserFactory(is_staff=True, email="beheer@platform.be"),
        directie_b=directie_b,
    )
    for user, level in [
        (region.zorg_a, AccessLevel.CONTRIBUTE),
        (region.clb_medewerker_a, AccessLevel.CONTRIBUTE),
        (region.lsc_anker_a, AccessLevel.CONTRIBUTE),
        (region.pbd_begeleider_a, AccessLevel.VIEW),
    ]:
        access_grant(
            dossier=dossier_a,
            granted_by=directie_a,
            access=user_flags(directie_a, dossier_a),
            user=user,
            level=level,
        )
    # A grant given by mistake or left over: without a partnership it must give nothing.
    from guardian.shortcuts import assign_perm

    assign_perm("dossier.view_dossier", region.clb_medewerker_other, dossier_a)
    return region


@pytest.fixture
def region(db) -> Region:
    return build_region()
