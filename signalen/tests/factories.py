"""Factories for signals that go through the services, so test data is what real use makes.

``SignaalFactory`` logs a signal with ``signaal_create`` (access check, timeline event,
notifications) and ``AanvullingFactory`` adds a supplement with ``aanvulling_add`` (status move,
automatic event). Without an author, ``SignaalFactory`` builds a school served by a CLB whose
medewerker holds a contribute grant, and logs the signal as that medewerker.
"""

import factory

from accounts.roles import Role
from accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)
from dossier.core.access import user_flags
from dossier.core.models import Thema
from dossier.core.services import AccessLevel, access_grant
from signalen.models import Aanvulling, Bron, Signaal
from signalen.workflow import Kind, Status

# How a new signal reaches each status by hand, through the transition table.
_PATH_FROM_NIEUW = {
    Status.NIEUW: [],
    Status.IN_BESPREKING: [Status.IN_BESPREKING],
    Status.AFSPRAKEN: [Status.AFSPRAKEN],
    Status.OPVOLGING: [Status.IN_BESPREKING, Status.OPVOLGING],
    Status.AFGESLOTEN: [Status.AFGESLOTEN],
}


def school_served_by(clb=None, *, grant_to=(), level=AccessLevel.CONTRIBUTE, name=None):
    """A school with its directie, served by ``clb`` (a new CLB if None).

    Each person in ``grant_to`` gets a grant of ``level`` on the school's dossier.
    Returns (school, directie).
    """
    school = OrganisationFactory(**({"name": name} if name else {}))
    clb = clb or OrganisationFactory(clb=True)
    PartnershipFactory(school=school, partner=clb)
    directie = UserFactory(with_mfa=True)
    MembershipFactory(user=directie, organisation=school, role=Role.DIRECTIE)
    for person in grant_to:
        access_grant(
            dossier=school.dossier,
            granted_by=directie,
            access=user_flags(directie, school.dossier),
            user=person,
            level=level,
        )
    return school, directie


def clb_medewerker(clb=None):
    """A CLB medewerker (with an authenticator app) of ``clb`` (a new CLB if None)."""
    clb = clb or OrganisationFactory(clb=True)
    person = UserFactory(with_mfa=True)
    MembershipFactory(user=person, organisation=clb, role=Role.CLB_MEDEWERKER)
    return person


class ThemaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thema

    name = factory.Sequence(lambda n: f"Testthema {n}")


class BronFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bron

    name = factory.Sequence(lambda n: f"Testbron {n}")


class SignaalFactory(factory.django.DjangoModelFactory):
    """``SignaalFactory(dossier=..., author=...)``; ``status=`` moves it on by hand afterwards."""

    class Meta:
        model = Signaal

    dossier = None
    author = None
    title = factory.Sequence(lambda n: f"Opvallend patroon {n}")
    text = factory.Faker("paragraph", nb_sentences=3, locale="nl_BE")
    thema = factory.SubFactory(ThemaFactory)
    bron = factory.SubFactory(BronFactory)
    school_year = None
    follow_up_date = None

    @classmethod
    def _create(cls, model_class, *args, dossier=None, author=None, status=None, **kwargs):
        from signalen.services import signaal_change_status, signaal_create

        if author is None:
            author = clb_medewerker()
            clb = author.memberships.get().organisation
            if dossier is None:
                school, _directie = school_served_by(clb, grant_to=[author])
                dossier = school.dossier
            else:
                PartnershipFactory(school=dossier.school, partner=clb)
                directie = UserFactory(with_mfa=True)
                MembershipFactory(user=directie, organisation=dossier.school, role=Role.DIRECTIE)
                access_grant(
                    dossier=dossier,
                    granted_by=directie,
                    access=user_flags(directie, dossier),
                    user=author,
                    level=AccessLevel.CONTRIBUTE,
                )
        elif dossier is None:
            raise TypeError("SignaalFactory needs the dossier when an author is given.")
        signaal = signaal_create(
            dossier=dossier, author=author, access=user_flags(author, dossier), **kwargs
        )
        for step in _PATH_FROM_NIEUW[Status(status or Status.NIEUW)]:
            signaal = signaal_change_status(
                signaal=signaal,
                actor=author,
                access=user_flags(author, signaal.dossier),
                to_status=step,
            )
        return signaal


class AanvullingFactory(factory.django.DjangoModelFactory):
    """A supplement added through ``aanvulling_add``; by default by the signal's author."""

    class Meta:
        model = Aanvulling

    signaal = factory.SubFactory(SignaalFactory)
    author = factory.LazyAttribute(lambda o: o.signaal.author)
    kind = Kind.DUIDING
    text = factory.Faker("sentence", nb_words=12, locale="nl_BE")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from signalen.services import aanvulling_add

        kwargs.setdefault("access", user_flags(kwargs["author"], kwargs["signaal"].dossier))
        return aanvulling_add(**kwargs)
