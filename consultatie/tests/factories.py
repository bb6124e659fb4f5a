"""Factories for consultation notes that go through the services, so test data is what real use
makes.

``ConsultatieFactory`` writes a note with ``consultatie_create`` (access check, privacy guard,
school year, search text). Without an author it builds a school served by a new CLB whose
medewerker holds a contribute grant, and writes the note as that medewerker. Themes are made in
the test (``ThemaFactory``): the ones seeded by a migration may be gone after a flushing test.
"""

import datetime

import factory
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)
from consultatie.models import AskedBy, Consultatie, SubjectKind
from dossier.core.access import user_flags
from dossier.core.models import Thema
from dossier.core.services import AccessLevel, access_grant


def clb_medewerker(clb=None):
    """A CLB medewerker (with an authenticator app) of ``clb`` (a new CLB if None)."""
    clb = clb or OrganisationFactory(clb=True)
    person = UserFactory(with_mfa=True)
    MembershipFactory(user=person, organisation=clb, role=Role.CLB_MEDEWERKER)
    return person


def school_served_by(clb=None, *, grant_to=(), level=AccessLevel.CONTRIBUTE):
    """A school with its directie, served by ``clb`` (a new CLB if None).

    Each person in ``grant_to`` gets a grant of ``level`` on the school's dossier.
    Returns (school, directie).
    """
    school = OrganisationFactory()
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


class ThemaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thema
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Consultatiethema {n}")


def a_week_ago() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=7)


class ConsultatieFactory(factory.django.DjangoModelFactory):
    """``ConsultatieFactory(dossier=..., author=..., themas=[...])``, through the service."""

    class Meta:
        model = Consultatie

    dossier = None
    author = None
    date = factory.LazyFunction(a_week_ago)
    asked_by = AskedBy.ZORGCOORDINATOR
    subject_kind = SubjectKind.KLAS
    label = "5A"
    question = factory.Sequence(lambda n: f"Hoe houdt de klas de aandacht vast bij rekenen ({n})?")
    analysis = "De instructie duurt lang; de groep haakt af na een kwartier."
    advice = "Korte instructie, daarna in kleine groepjes oefenen met een timer."
    next_steps = "De klasleerkracht probeert het drie weken; daarna bekijken we het samen."
    themas = factory.LazyFunction(lambda: [ThemaFactory()])
    participants = ()

    @classmethod
    def _create(cls, model_class, *args, dossier=None, author=None, **kwargs):
        from consultatie.services import consultatie_create

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
            raise TypeError("ConsultatieFactory needs the dossier when an author is given.")
        return consultatie_create(
            dossier=dossier, author=author, access=user_flags(author, dossier), **kwargs
        )
