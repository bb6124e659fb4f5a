import factory

from accounts.tests.factories import LONG_AGO, OrganisationFactory
from dossier.models import Partnership


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    school = factory.SubFactory(OrganisationFactory)
    partner = factory.SubFactory(OrganisationFactory, clb=True)
    start_date = LONG_AGO
    end_date = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from dossier.services import partnership_create

        return partnership_create(**kwargs)
