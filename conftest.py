"""Shared fixtures: the named personas of the access rules.

School A works with CLB A, PBD A and LSC A. Each persona has a comment on what they may do.
"""

from dataclasses import dataclass, fields

import pytest
import redis
from django.conf import settings

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
    # directie of school B: reads and manages everything of B without a grant, 404 on all of A
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
    "directie_b",
    "anonymous",
]


def log_in(client, user) -> None:
    """Log ``user`` in as a session that has opened a page before: the person's standing (the
    rows their access rests on, dossier.core.access.standing) is in the cache, as it stays for
    a minute after the first page. A query budget then counts what every later page costs; the
    one query more of the first page is asserted in dossier/core/tests/test_standing.py."""
    from dossier.core.access.standing import standing_of

    client.force_login(user)
    standing_of(User.objects.get(pk=user.pk))


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
        platform_admin=UserFactory(is_staff=True, with_mfa=True, email="beheer@platform.be"),
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


@dataclass
class FullRegion(Region):
    """The region with the personas that only the access matrix needs.

    They stay out of ``build_region``: two more people with access to A would change who is
    notified, listed and counted in the other tests.
    """

    # leerlingenbegeleider of A with a contribute grant and delegated access management: reads
    # and writes like the zorgcoördinator, and opens toegangsbeheer and the audit log of A
    zorgteam_manager_a: User
    # directeur of the CLB serving A, with a read grant on A: reads what CLB staff read, writes
    # nothing in the dossier (the role adds no dossier rights); words CLB A's conversation guide
    clb_directeur: User
    # coördinator of LSC A, without a grant on any dossier: adapts and publishes LSC A's
    # conversation template, and reads no school's conversation
    lsc_coordinator_a: User


FULL_PERSONAS = [
    *PERSONAS[:-1],
    "zorgteam_manager_a",
    "clb_directeur",
    "lsc_coordinator_a",
    "anonymous",
]


def build_full_region() -> FullRegion:
    region = build_region()
    full = FullRegion(
        **{f.name: getattr(region, f.name) for f in fields(region)},
        zorgteam_manager_a=member(
            region.school_a, Role.LEERLINGENBEGELEIDER, email="begeleiding@linde.be"
        ),
        clb_directeur=member(region.clb_a, Role.CLB_DIRECTEUR, email="directeur@clbleie.be"),
        lsc_coordinator_a=member(region.lsc_a, Role.LSC_COORDINATOR, email="coordinatie@lsc.be"),
    )
    access_grant(
        dossier=full.dossier_a,
        granted_by=full.directie_a,
        access=user_flags(full.directie_a, full.dossier_a),
        user=full.zorgteam_manager_a,
        level=AccessLevel.CONTRIBUTE,
        can_manage=True,
    )
    access_grant(
        dossier=full.dossier_a,
        granted_by=full.directie_a,
        access=user_flags(full.directie_a, full.dossier_a),
        user=full.clb_directeur,
        level=AccessLevel.VIEW,
    )
    return full


@pytest.fixture
def rate_limits_reset():
    """Forget this test run's rate-limit counters, and only those.

    ``cache.clear()`` would not do: on Django's Redis cache it is FLUSHDB, which ignores the
    per-process KEY_PREFIX and wipes the whole shared Redis database (other test runs' keys,
    and the Celery broker, which uses the same REDIS_URL).
    """
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])

    def reset():
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)

    reset()
    yield reset  # to forget them again within a test
    reset()
