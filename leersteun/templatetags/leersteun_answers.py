"""Showing an answer of a samenwerkingsgesprek in the shape of its question."""

from django import template
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from leersteun import answers

register = template.Library()


@register.simple_tag
def answer_display(vraag, value):
    """The answer as HTML: people as a small table, terms as a list, text with its lines."""
    if value is None:
        return format_html('<p class="muted">{}</p>', _("Not filled in"))
    if vraag.kind == "people":
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((p.get("name", ""), p.get("function", ""), p.get("contact", "")) for p in value),
        )
        return format_html(
            '<table class="people-table"><thead><tr><th scope="col">{}</th><th scope="col">{}'
            '</th><th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
            _("Name"),
            _("Function"),
            _("Contact"),
            rows,
        )
    if vraag.kind == "terms":
        items = format_html_join(
            "",
            "<div><dt>{}</dt><dd>{}</dd></div>",
            ((answers.term_label(term), value.get(term, "") or "–") for term in answers.TERMS),
        )
        return format_html('<dl class="facts">{}</dl>', items)
    # linebreaks escapes the text itself (autoescape) before it adds the paragraphs
    return mark_safe(linebreaks(answers.as_text(vraag, value), autoescape=True))  # noqa: S308
