"""The forms of priorities, ondersteuners, hours and capacity."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from leersteun.models import Leersteunvraag
from leersteun.selectors.capaciteit import MAX_HOURS_PER_WEEK, format_hours


class HoursField(forms.DecimalField):
    """Hours per week: 0 to 40 in steps of 0.1, typed with a comma or a point."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(
            max_digits=4,
            decimal_places=1,
            min_value=Decimal("0"),
            max_value=MAX_HOURS_PER_WEEK,
            error_messages={
                "invalid": _("Enter the hours as a number, for example 2,5."),
                "min_value": _("Hours cannot be below zero."),
                "max_value": _("At most %(limit_value)s hours per week."),
                "max_decimal_places": _("Use at most one decimal."),
                "max_digits": _("That is more hours than a working week has."),
                "max_whole_digits": _("That is more hours than a working week has."),
            },
            **kwargs,
        )
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "size": "5"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(" ", "").replace(",", ".")
        if value in self.empty_values:
            return None
        try:
            Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format_hours(value)
        return value


class OndersteunerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.email


class ToewijzingForm(forms.Form):
    """The LSC's choices for one question: priority, ondersteuner, hours, and why."""

    priority = forms.ChoiceField(
        label=_("Priority"),
        required=False,
        choices=[("", _("Not set")), *Leersteunvraag.Priority.choices],
        error_messages={"invalid_choice": _("Choose high, normal or low.")},
    )
    ondersteuner = OndersteunerChoice(
        label=_("Ondersteuner"),
        queryset=None,
        required=False,
        empty_label=_("Nobody yet"),
        error_messages={
            "invalid_choice": _("Choose an ondersteuner who works for this LSC today.")
        },
    )
    estimated_hours = HoursField(
        label=_("Estimated hours per week"),
        help_text=_("From 0 to 40, for example 2,5."),
    )
    note = forms.CharField(
        label=_("Note for the timeline"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, ondersteuners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ondersteuner"].queryset = ondersteuners

    @classmethod
    def initial_from(cls, vraag: Leersteunvraag) -> dict:
        return {
            "priority": vraag.priority,
            "ondersteuner": vraag.ondersteuner_id,
            "estimated_hours": vraag.estimated_hours,
        }


class CapaciteitForm(forms.Form):
    """One field per ondersteuner of the LSC: their hours per week (empty: not set)."""

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = list(people)
        for person in self.people:
            self.fields[self.name_for(person)] = HoursField(
                label=person.get_full_name() or person.email,
                initial=getattr(person, "capacity", None),
            )

    @staticmethod
    def name_for(person) -> str:
        return f"hours_{person.pk}"

    def rows(self):
        """(person, bound field) per ondersteuner, for the template."""
        return [(person, self[self.name_for(person)]) for person in self.people]

    def hours(self) -> dict[int, Decimal | None]:
        return {person.pk: self.cleaned_data.get(self.name_for(person)) for person in self.people}
