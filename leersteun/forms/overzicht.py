"""The filters of the ankerpersoon's overview and the choice of schools to start for."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dossier.core.models import Dossier
from leersteun.models import Gesprek
from leersteun.selectors.overzicht import NOT_STARTED

STATUS_CHOICES = [(NOT_STARTED, _("Not started")), *Gesprek.Status.choices]
SORTS = {
    "name": ("school__name", "pk"),
    "status": ("status_rank", "school__name", "pk"),
    "planned": (F("planned_for").asc(nulls_last=True), "school__name", "pk"),
}


class OverzichtFilter(django_filters.FilterSet):
    """Search, status and order of the overview; a bad value is a form error, never a 500."""

    q = django_filters.CharFilter(
        label=_("School or instellingsnummer"), method="filter_text", max_length=100
    )
    status = django_filters.ChoiceFilter(
        label=_("This year's status"),
        choices=STATUS_CHOICES,
        field_name="status",
        empty_label=_("All statuses"),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=[
            ("name", _("Name")),
            ("status", _("Status")),
            ("planned", _("Planned date")),
        ],
        method="filter_sort",
        empty_label=None,
    )

    class Meta:
        model = Dossier
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(school__name__icontains=value) | Q(school__instellingsnummer__icontains=value)
        )

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["name"]))


class IdsField(forms.Field):
    """A list of ticked ids; anything that is not a number is refused."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        ids = []
        for raw in value or []:
            raw = str(raw).strip()
            if not raw.isdigit() or not 0 < int(raw) < 2**31:
                raise forms.ValidationError(_("The list of schools was not valid; try again."))
            ids.append(int(raw))
        return sorted(set(ids))


# the most schools one request starts for (an LSC works with some 20 to 60)
MAX_START = 100


class StartForm(forms.Form):
    """The schools ticked on the overview (who may start where is checked after)."""

    dossiers = IdsField(required=False)

    def clean_dossiers(self):
        ids = self.cleaned_data["dossiers"]
        if not ids:
            raise forms.ValidationError(_("Tick at least one school."))
        if len(ids) > MAX_START:
            raise forms.ValidationError(
                _("Start at most %(count)s conversations at once.") % {"count": MAX_START}
            )
        return ids
