"""Input of the leersteunvragen pages: registering, the list's filters, screening, status."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossier.core.models import Thema
from leersteun.models import FilterBeoordeling, Leersteunvraag
from leersteun.workflow import DECISIONS, TRANSITIONS, Status
from samenwerking.schoolyear import filter_school_years

DOMAIN_CHOICES = [
    ("inclusie", _("inclusion")),
    ("onderwijskunde", _("educational science")),
    ("coaching", _("coaching")),
    ("doelgroep", _("target-group expertise")),
]


class VraagForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Level"), choices=Leersteunvraag.Level.choices, widget=forms.RadioSelect
    )
    owner = forms.ChoiceField(
        label=_("Who owns the question"),
        choices=[("", _("Choose…")), *Leersteunvraag.Owner.choices],
    )
    label = forms.CharField(
        label=_("Label"),
        max_length=60,
        help_text=_("A pseudonymous label (class, initials, a group): never a pupil's name."),
    )
    leervraag = forms.CharField(
        label=_("The question"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What should change, for whom, and what do you expect of the LSC?"),
    )
    phase_0_1 = forms.CharField(
        label=_("What the school already did in phase 0 and 1"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    phase_2_3 = forms.CharField(
        label=_("What the school does itself in phase 2 and 3"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    verslag = forms.ChoiceField(
        label=_("Verslag"),
        choices=Leersteunvraag.Verslag.choices,
        required=False,
        help_text=_("Only for a question about a pupil."),
    )
    verslag_type = forms.ChoiceField(
        label=_("Type"), choices=Leersteunvraag.VerslagType.choices, required=False
    )
    domains = forms.MultipleChoiceField(
        label=_("Expertise asked"),
        choices=DOMAIN_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one expertise domain.")},
    )
    themas = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Thema.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    lsc = forms.TypedChoiceField(label=_("LSC"), coerce=int, required=False)

    def __init__(self, *args, lscs=(), choose_lsc: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        lscs = list(lscs)
        if choose_lsc and lscs:
            choices = [(lsc.pk, lsc.name) for lsc in lscs]
            if len(lscs) > 1:
                choices = [("", _("Choose…")), *choices]
            else:
                self.fields["lsc"].initial = lscs[0].pk
            self.fields["lsc"].choices = choices
            self.fields["lsc"].required = True
        else:
            del self.fields["lsc"]

    @classmethod
    def initial_of(cls, vraag: Leersteunvraag) -> dict:
        return {
            "level": vraag.level,
            "owner": vraag.owner,
            "label": vraag.label,
            "leervraag": vraag.leervraag,
            "phase_0_1": vraag.phase_0_1,
            "phase_2_3": vraag.phase_2_3,
            "verslag": vraag.verslag,
            "verslag_type": vraag.verslag_type,
            "domains": [key for key, _label in DOMAIN_CHOICES if getattr(vraag, f"domain_{key}")],
            "themas": list(vraag.themas.all()),
        }

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["themas"] = list(data.get("themas") or [])
        lsc = data.pop("lsc", None)
        if "lsc" in self.fields:
            data["lsc_id"] = lsc
        return data


class VraagFilter(django_filters.FilterSet):
    """The filters of a dossier's question list; bad values become form errors."""

    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("All statuses")
    )
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=Leersteunvraag.Level.choices, empty_label=_("All levels")
    )
    school_year = django_filters.ChoiceFilter(
        label=_("School year"), field_name="school_year", empty_label=_("All school years")
    )

    class Meta:
        model = Leersteunvraag
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # a question is filed under the school year in which it is asked: none lie ahead
        self.filters["school_year"].extra["choices"] = filter_school_years(
            timezone.localdate(), keep=[self.data.get("school_year")]
        )


class ScreeningForm(forms.Form):
    """One line per filter: met, not yet or not applicable, and a remark; then, optionally,
    the decision."""

    decision = forms.ChoiceField(label=_("Decision"), required=False)
    reason = forms.CharField(
        label=_("Reason the school reads"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the question is not started."),
    )

    def __init__(self, *args, filters=(), current: dict | None = None, status: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.filter_rows = list(filters)
        current = current or {}
        for f in self.filter_rows:
            judged = current.get(f.key)
            self.fields[f"state_{f.pk}"] = forms.ChoiceField(
                label=f.name,
                choices=FilterBeoordeling.State.choices,
                widget=forms.RadioSelect,
                initial=judged.state if judged else None,
                error_messages={"required": _("Choose met, not yet or not applicable.")},
            )
            self.fields[f"remark_{f.pk}"] = forms.CharField(
                label=_("Remark on “%(filter)s”") % {"filter": f.name},
                max_length=1000,
                required=False,
                initial=judged.remark if judged else "",
            )
        # after screening the decision follows the workflow; before, screening comes first
        after = Status.IN_SCREENING if status == Status.AANGEMELD else status
        options = [s for s in Status if s in DECISIONS and s in TRANSITIONS.get(after, ())]
        self.fields["decision"].choices = [
            ("", _("No decision yet")),
            *[(s.value, s.label) for s in options],
        ]

    def lines(self):
        return [
            (f, self.cleaned_data[f"state_{f.pk}"], self.cleaned_data[f"remark_{f.pk}"])
            for f in self.filter_rows
        ]

    def rows(self):
        """For the template: each filter with its two fields."""
        return [(f, self[f"state_{f.pk}"], self[f"remark_{f.pk}"]) for f in self.filter_rows]


class StatusForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    reason = forms.CharField(
        label=_("Why"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, current: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if current is not None:
            allowed = TRANSITIONS.get(current, frozenset())
            self.fields["to"].choices = [(s.value, s.label) for s in Status if s in allowed]
