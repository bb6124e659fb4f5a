"""``{% nav_reach as nav %}``: which links of the top navigation lead somewhere for this person;
``{% empty_reason "signalen" as why %}``: why a list across schools is empty for them.

Both ask the access module (``dossier.core.access.reach``) and cost no query when the person's
standing and memberships are cached, as they are on every page but the first of a minute.
"""

from django import template

from dossier.core.access import Section
from dossier.core.access.reach import empty_reason as reason_of
from dossier.core.access.reach import never_granted_role_labels, readable_sections
from dossier.core.registry import registry

register = template.Library()


def _user(context):
    return getattr(context.get("request"), "user", None)


@register.simple_tag(takes_context=True)
def nav_reach(context) -> dict:
    """``reads``: section value -> True for each section the person reads somewhere;
    ``search``: whether the search box has a section to search for them."""
    user = _user(context)
    if user is None:
        return {"reads": {}, "search": False}
    sections = readable_sections(user)
    searchable = {provider.section for provider in registry.search_providers.values()}
    return {
        "reads": {section.value: True for section in sections},
        "search": bool(sections & searchable),
    }


@register.simple_tag(takes_context=True)
def empty_reason(context, section: str = Section.OVERZICHT.value) -> dict:
    """``reason``: an ``EmptyReason`` value; ``roles``: for a role that is never given access,
    its label(s)."""
    user = _user(context)
    if user is None:
        return {"reason": "no_organisation", "roles": ""}
    reason = reason_of(user, Section(section))
    roles = ", ".join(never_granted_role_labels(user)) if reason == "role_never_granted" else ""
    return {"reason": reason.value, "roles": roles}
