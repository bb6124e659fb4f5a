"""Factories for the conversation templates: a template, a version, its parts and questions.

``SjabloonVersieFactory()`` is a draft of a new LSC's template; ``published=True`` makes it a
published version. ``VraagFactory(kind="choice")`` gets two options by itself.
"""

import factory
from django.utils import timezone

from accounts.tests.factories import OrganisationFactory
from leersteun.models import Onderdeel, Sjabloon, SjabloonVersie, Vraag


class SjabloonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sjabloon

    lsc = factory.SubFactory(OrganisationFactory, lsc=True)
    name = factory.Sequence(lambda n: f"Samenwerkingsgesprek {n}")


class SjabloonVersieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SjabloonVersie

    sjabloon = factory.SubFactory(SjabloonFactory)
    number = factory.Sequence(lambda n: n + 1)

    class Params:
        published = factory.Trait(published_at=factory.LazyFunction(timezone.now))


class OnderdeelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Onderdeel

    versie = factory.SubFactory(SjabloonVersieFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Onderdeel {n}")


class VraagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vraag

    onderdeel = factory.SubFactory(OnderdeelFactory)
    position = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Vraag {n}?")
    kind = Vraag.Kind.SHORT_TEXT
    filled_by = Vraag.FilledBy.SCHOOL
    choices = factory.LazyAttribute(lambda o: "Ja\nNee\nSoms" if o.kind == "choice" else "")


def version_with(
    *, questions: int = 3, parts: int = 1, published: bool = False, **kwargs
) -> SjabloonVersie:
    """A version with ``parts`` parts and ``questions`` questions spread over them."""
    versie = SjabloonVersieFactory(published=published, **kwargs)
    onderdelen = [OnderdeelFactory(versie=versie, position=i) for i in range(parts)]
    for index in range(questions):
        VraagFactory(onderdeel=onderdelen[index % parts], position=index)
    return versie
