"""``{% lsc_nav_links as links %}``: the LSC links of the top navigation (``leersteun.nav``).
Loaded by ``base.html``, so the core names no section in Python."""

from django import template

from leersteun.nav import lsc_links

register = template.Library()


@register.simple_tag(takes_context=True)
def lsc_nav_links(context) -> list[dict]:
    user = getattr(context.get("request"), "user", None)
    return lsc_links(user) if user is not None else []
