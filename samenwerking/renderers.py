"""The form renderer: Django's own, with the two widget templates every page repeats most
(``<select>`` with its options, and ``<input>`` in all its types) written out in Python.

In the Django template language every option and every attribute list is a template of its
own: a filter form of 80 schools and 40 themes cost several milliseconds of a list page. The
markup here is the markup of Django's templates, character for character
(``samenwerking/tests/test_renderers.py`` compares them on many widgets); any other template,
and a widget whose options use another template, goes through Django's templates as before.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
INPUT = "django/forms/widgets/input.html"
# Django's templates that are nothing but an include of input.html (a test checks that)
INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input", "text", "number", "email", "url", "password", "hidden", "date", "datetime",
        "time", "search", "tel", "color", "checkbox", "file",
    )
)  # fmt: skip


def _shown(value) -> str:
    """``{{ value }}``: localised and escaped as the template language does."""
    return conditional_escape(localize(template_localtime(value)))


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``: the filter keeps a safe value safe."""
    text = str(value)
    safe = mark_safe(text) if isinstance(value, SafeData) else text  # noqa: S308 - was safe
    return conditional_escape(safe)


def _attrs(attrs: dict) -> str:
    """``attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(" " + _shown(name))
        if value is not True:
            parts.append(f'="{_formatted(value)}"')
    return "".join(parts)


def _option(option: dict) -> str:
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_shown(option['label'])}</option>\n"
    )


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != OPTION:
                return None  # options of a template of their own: Django renders it all
            parts.append("\n  " + _option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value is not None else ""
    return (
        f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None and len(context) == 1:
            if template_name == SELECT:
                html = _select(widget)
                if html is not None:
                    return mark_safe(html.strip())  # noqa: S308 - every part escaped
            elif template_name in INPUTS:
                return mark_safe(_input(widget).strip())  # noqa: S308 - every part escaped
        return super().render(template_name, context, request=request)
