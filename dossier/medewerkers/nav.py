"""The "Staff" links of the top navigation: one per organisation whose people the person
manages (``managed_organisation_ids``, from the memberships the access module keeps for the
request and caches like the standing: no query on a page, but one for the names when the
person manages several)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.urls import reverse

from accounts.models import Organisation
from dossier.core.access.organisations import managed_organisation_ids
from dossier.core.access.readable import person_cached


def people_links(user) -> list[dict]:
    """One entry per organisation the person manages the people of (lowest id first): its
    name when there are several, and the URL of its staff page."""
    if not (user.is_authenticated and user.is_active):
        return []
    ids = managed_organisation_ids(user)
    names: dict[int, str] = {}
    if len(ids) > 1:
        names = person_cached(
            user,
            "managed_organisation_names",
            lambda: dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name")),
        )
    return [
        {
            "pk": org_id,
            "name": names.get(org_id, ""),
            "url": reverse("medewerkers:people", kwargs={"org_pk": org_id}),
        }
        for org_id in ids
    ]


@receiver(user_logged_in, dispatch_uid="medewerkers.nav.warm_at_login")
def warm_at_login(sender, request, user, **kwargs) -> None:
    """Logging in costs queries anyway: look the names up then, not on the next page."""
    people_links(user)
