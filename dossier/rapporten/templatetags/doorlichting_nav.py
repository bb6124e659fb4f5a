"""``{% doorlichting_nav_links as links %}``: the "Doorlichting" link of the top navigation,
one per CLB whose directeur the person is (from the memberships the access module keeps for
the request: no query on a page)."""

from django import template
from django.urls import reverse

from dossier.core.access.organisations import doorlichting_clb_ids

register = template.Library()


@register.simple_tag(takes_context=True)
def doorlichting_nav_links(context) -> list[str]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return [
        reverse("rapporten:clb_doorlichting", kwargs={"organisation_id": org_id})
        for org_id in doorlichting_clb_ids(user)
    ]
