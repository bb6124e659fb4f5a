"""The LSC links of the top navigation: the overview and the template of each LSC the person
works for.

The person's LSCs come from ``organisation_roles`` (one query, kept for the request and cached
for ``ACCESS_CACHE_SECONDS`` like the standing). Logging in looks them up once
(``warm_at_login``, connected when this module is imported from the app's ``ready()``), so a
page within that minute, of anyone, costs no query for the menu; after it, the first page
pays one, as it does for the standing.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.urls import reverse

from accounts.models import Organisation
from dossier.core.access.organisations import lsc_ids
from dossier.core.access.readable import person_cached


def lsc_links(user) -> list[dict]:
    """One entry per LSC the person works for (lowest id first): its id, its name when there
    are several (the links then say which LSC), and the URLs of its overview and template."""
    if not (user.is_authenticated and user.is_active):
        return []
    ids = lsc_ids(user)
    names: dict[int, str] = {}
    if len(ids) > 1:
        names = person_cached(
            user,
            "lsc_names",
            lambda: dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name")),
        )
    return [
        {
            "pk": lsc_id,
            "name": names.get(lsc_id, ""),
            "overzicht_url": reverse("leersteun:overzicht", kwargs={"lsc_pk": lsc_id}),
            "sjabloon_url": reverse("leersteun:sjabloon", kwargs={"lsc_pk": lsc_id}),
        }
        for lsc_id in ids
    ]


@receiver(user_logged_in, dispatch_uid="leersteun.nav.warm_at_login")
def warm_at_login(sender, request, user, **kwargs) -> None:
    """Logging in costs queries anyway: look the person's LSCs up then, not on the next page."""
    lsc_links(user)
