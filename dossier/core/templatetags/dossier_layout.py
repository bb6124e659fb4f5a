"""The dossier layout's tabs, from the sections' registrations."""

from django import template
from django.urls import reverse

from dossier.core.registry import registry

register = template.Library()


@register.inclusion_tag("dossier/_tabs.html", takes_context=True)
def dossier_tabs(context):
    """The tabs of the sections this person may read in this dossier; the current one marked."""
    dossier, access = context["dossier"], context["access"]
    match = context["request"].resolver_match
    namespace, url_name = (match.namespace, match.url_name) if match else ("", "")
    return {
        "tabs": [
            {
                "label": tab.label,
                "url": reverse(tab.url_name, kwargs={"pk": dossier.pk}),
                "current": tab.is_current(namespace, url_name),
            }
            for tab in registry.tabs_for(access)
        ]
    }
