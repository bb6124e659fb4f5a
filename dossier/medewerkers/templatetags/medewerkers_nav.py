"""``{% people_nav_links as links %}``: the "Staff" links of the top navigation
(``dossier.medewerkers.nav``)."""

from django import template

from dossier.medewerkers.nav import people_links

register = template.Library()


@register.simple_tag(takes_context=True)
def people_nav_links(context) -> list[dict]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return people_links(user) if user is not None else []
