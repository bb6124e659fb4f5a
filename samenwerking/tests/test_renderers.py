"""The form renderer writes ``<select>`` and ``<input>`` in Python: its markup must be Django's,
character for character, for every kind of value a widget holds."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from dossier.core.forms import CandidateSelect
from samenwerking.renderers import INPUT, SELECT, FormRenderer, _input, _select
from samenwerking.renderers import INPUTS as INPUT_TEMPLATES

OURS = FormRenderer()
DJANGOS = DjangoTemplates()

TRICKY = "a<b & \"c\" 'd'"
CHOICES = [
    ("", "---------"),
    (1, "één"),
    ("2", TRICKY),
    ("x&y", gettext_lazy("Confirmed")),
    (0, mark_safe("<em>safe</em>")),
]
GROUPED = [
    ("", "Kies…"),
    ("School <A>", [(10, "Zorgcoördinator"), (11, TRICKY)]),
    ("CLB", [(20, "Medewerker")]),
    (30, "zonder groep"),
]

SELECTS = [
    forms.Select(choices=[]),
    forms.Select(choices=CHOICES),
    forms.Select(choices=CHOICES, attrs={"class": "x", "data-n": 3, "hidden": True, "off": False}),
    forms.Select(choices=GROUPED, attrs={"aria-describedby": "id_x_helptext"}),
    forms.SelectMultiple(choices=CHOICES),
    forms.SelectMultiple(choices=GROUPED),
    forms.NullBooleanSelect(),
]
SELECT_VALUES = [None, "", 1, "1", "2", "x&y", 0, ["1", "2"], [10, 20], "not a choice", "true"]

INPUT_WIDGETS = [
    forms.TextInput(),
    forms.TextInput(attrs={"maxlength": 60, "required": True, "placeholder": TRICKY}),
    forms.NumberInput(attrs={"min": 0, "step": "any"}),
    forms.EmailInput(),
    forms.HiddenInput(),
    forms.PasswordInput(render_value=True),
    forms.DateInput(format="%d/%m/%Y"),
    forms.DateInput(attrs={"type": "date"}),
    forms.URLInput(),
    forms.TimeInput(),
    forms.CheckboxInput(),
    forms.CheckboxInput(check_test=lambda value: True),
    forms.FileInput(),
    forms.SearchInput() if hasattr(forms, "SearchInput") else forms.TextInput(),
]
INPUT_VALUES = [
    None,
    "",
    0,
    12.5,
    TRICKY,
    mark_safe("<b>ok</b>"),
    datetime.date(2026, 12, 8),
    "één",
]


def both(widget, value, attrs=None):
    """Ours, written by the Python path itself (so that a fallback to the templates could not
    make the comparison pass), and Django's."""
    attrs = {"id": "id_veld", **(attrs or {})}
    context = widget.get_context("veld", value, attrs)
    if widget.template_name == SELECT:
        ours = _select(context["widget"])
    else:
        assert widget.template_name in INPUT_TEMPLATES
        ours = _input(context["widget"])
    assert ours is not None
    assert widget.render("veld", value, attrs=attrs, renderer=OURS) == ours.strip()
    return ours.strip(), widget.render("veld", value, attrs=attrs, renderer=DJANGOS)


@pytest.mark.parametrize("language", ["nl-be", "en"])
@pytest.mark.parametrize("widget", SELECTS, ids=lambda w: type(w).__name__)
def test_a_select_is_written_as_djangos_template_writes_it(widget, language):
    with translation.override(language):
        for value in SELECT_VALUES:
            if isinstance(widget, forms.NullBooleanSelect) and isinstance(value, list):
                continue  # Django's own format_value refuses a list there
            ours, djangos = both(widget, value, {"aria-invalid": "true", "disabled": False})
            assert ours == djangos, value


@pytest.mark.parametrize("widget", INPUT_WIDGETS, ids=lambda w: type(w).__name__)
def test_an_input_is_written_as_djangos_template_writes_it(widget):
    with translation.override("nl-be"):
        for value in INPUT_VALUES:
            ours, djangos = both(widget, value, {"aria-describedby": "id_veld_helptext"})
            assert ours == djangos, value


def test_disabled_candidates_and_a_whole_form_match():
    widget = CandidateSelect(choices=GROUPED)
    widget.disabled_values = {"11", "30"}
    ours, djangos = both(widget, 10)
    assert ours == djangos
    assert '<option value="11" disabled>' in ours

    class Filters(forms.Form):
        q = forms.CharField(required=False, help_text="Zoek in de titel", max_length=100)
        thema = forms.ChoiceField(choices=CHOICES, required=False)
        van = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
        alleen = forms.BooleanField(required=False)
        soort = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)

    form = Filters({"q": TRICKY, "thema": "2", "van": "nope", "soort": "1"}, renderer=OURS)
    reference = Filters({"q": TRICKY, "thema": "2", "van": "nope", "soort": "1"}, renderer=DJANGOS)
    form.is_valid(), reference.is_valid()
    assert str(form) == str(reference)
    assert 'aria-invalid="true"' in str(form)


def test_the_project_uses_this_renderer():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FormRenderer)


def test_the_input_templates_taken_over_only_include_input_html():
    """If a later Django gave one of them markup of its own, ours would no longer be Django's."""
    from pathlib import Path

    import django

    folder = Path(django.__file__).parent / "forms" / "templates"
    for name in INPUT_TEMPLATES - {INPUT}:
        source = (folder / name).read_text().strip()
        assert source == '{% include "django/forms/widgets/input.html" %}', name
