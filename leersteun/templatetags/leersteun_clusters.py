"""The bundling panel of a leersteunvraag (``leersteun/vragen/_bundelen.html``)."""

from django import template

from leersteun.selectors.clusters import related_questions

register = template.Library()


@register.simple_tag(takes_context=True)
def bundelen(context, vraag, access):
    """The related questions and the clusters to put the question in, for the person of the
    request (a fixed number of queries)."""
    request = context.get("request")
    return related_questions(vraag, access, user=getattr(request, "user", None))
