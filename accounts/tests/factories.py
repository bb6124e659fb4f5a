import datetime

import factory
from allauth.mfa.models import Authenticator

from accounts.models import Membership, Organisation, Partnership, User
from accounts.roles import OrganisationKind, Role
from accounts.services import partnership_create

LONG_AGO = datetime.date(2020, 9, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persoon{n}@example.be")
    first_name = factory.Faker("first_name", locale="nl_BE")
    last_name = factory.Faker("last_name", locale="nl_BE")
    password = factory.django.Password("een-sterk-wachtwoord")

    class Params:
        # a person who has set up an authenticator app (required for partner staff and managers)
        with_mfa = factory.Trait(
            mfa=factory.RelatedFactory(
                "accounts.tests.factories.AuthenticatorFactory", factory_related_name="user"
            )
        )


class AuthenticatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authenticator

    user = factory.SubFactory(UserFactory)
    type = Authenticator.Type.TOTP
    data = factory.LazyFunction(lambda: {"secret": "JBSWY3DPEHPK3PXP"})


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.SCHOOL
    name = factory.Sequence(lambda n: f"Basisschool Nummer {n}")
    instellingsnummer = factory.Sequence(lambda n: f"{100000 + n:06d}")
    postcode = "8500"
    city = "Kortrijk"

    class Params:
        clb = factory.Trait(
            kind=OrganisationKind.CLB, name=factory.Sequence(lambda n: f"CLB Regio {n}")
        )
        pbd = factory.Trait(
            kind=OrganisationKind.PBD,
            name=factory.Sequence(lambda n: f"PBD {n}"),
            instellingsnummer="",
        )
        lsc = factory.Trait(
            kind=OrganisationKind.LSC,
            name=factory.Sequence(lambda n: f"Leersteuncentrum {n}"),
            instellingsnummer="",
        )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Through the service, so that a school gets its dossier as in real use.
        from accounts.services import organisation_create

        return organisation_create(**kwargs)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.ZORGCOORDINATOR
    start_date = LONG_AGO
    end_date = None
    # in force, as every membership that existed before confirmation; tests of the confirmation
    # itself go through accounts.services.membership_create
    status = Membership.Status.CONFIRMED


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    school = factory.SubFactory(OrganisationFactory)
    partner = factory.SubFactory(OrganisationFactory, clb=True)
    start_date = LONG_AGO
    end_date = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return partnership_create(**kwargs)
