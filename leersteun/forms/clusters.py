"""The forms of the clusters and of the LSC's question list; a bad value is a form error in
Dutch, never a 500."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dossier.core.access import Section, readable_dossier_ids
from dossier.core.models import Dossier, Thema
from leersteun.models import Cluster, Leersteunvraag
from leersteun.selectors.clusters import SORTS, ondersteuners
from leersteun.services.clusters import PLAN_MAX, TITLE_MAX
from leersteun.workflow import Status


class ClusterForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    approach = forms.ChoiceField(
        label=_("Approach"), choices=Cluster.Approach.choices, widget=forms.RadioSelect
    )
    plan = forms.CharField(
        label=_("Plan"),
        max_length=PLAN_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the ondersteuner does with the teachers or the team, and by when."),
    )
    ondersteuner = forms.ModelChoiceField(
        label=_("Ondersteuner"),
        queryset=None,
        required=False,
        empty_label=_("Nobody yet"),
    )
    estimated_hours = forms.DecimalField(
        label=_("Estimated hours per week"),
        required=False,
        max_digits=5,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )

    def __init__(self, *args, lsc_id: int, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ondersteuner"].queryset = ondersteuners(lsc_id)
        if editing:
            self.fields["closed"] = forms.BooleanField(
                label=_("Closed"),
                required=False,
                help_text=_("A closed cluster takes no more questions; it can be opened again."),
            )

    @staticmethod
    def initial_from(cluster: Cluster) -> dict:
        return {
            "title": cluster.title,
            "approach": cluster.approach,
            "plan": cluster.plan,
            "ondersteuner": cluster.ondersteuner_id,
            "estimated_hours": cluster.estimated_hours,
            "closed": cluster.closed_at is not None,
        }


class QuestionChoiceForm(forms.Form):
    """A question to put in a cluster or take out of it (by id; the service checks it)."""

    vraag = forms.IntegerField(label=_("Leersteunvraag"), min_value=1, max_value=2**31 - 1)


class ClusterChoiceForm(forms.Form):
    """From the question's side: the cluster to put it in (by id; the service checks it)."""

    cluster = forms.IntegerField(label=_("Cluster"), min_value=1, max_value=2**31 - 1)


SORT_CHOICES = [
    ("registered", _("Newest first")),
    ("oldest", _("Oldest first")),
    ("waiting", _("Waiting longest")),
    ("priority", _("Priority")),
]


class LscVragenFilter(django_filters.FilterSet):
    """The filters of the LSC's question list (and of its CSV export)."""

    q = django_filters.CharFilter(label=_("Label or school"), method="filter_text", max_length=100)
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("All statuses")
    )
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=Leersteunvraag.Level.choices, empty_label=_("All levels")
    )
    school = django_filters.ModelChoiceFilter(
        label=_("School"), field_name="dossier", queryset=None, empty_label=_("All schools")
    )
    thema = django_filters.ModelChoiceFilter(
        label=_("Theme"), field_name="themas", queryset=None, empty_label=_("All themes")
    )
    ondersteuner = django_filters.ModelChoiceFilter(
        label=_("Ondersteuner"), queryset=None, empty_label=_("All ondersteuners")
    )
    cluster = django_filters.ModelChoiceFilter(
        label=_("Cluster"), queryset=None, empty_label=_("All clusters")
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, method="filter_sort", empty_label=None
    )

    class Meta:
        model = Leersteunvraag
        fields: list[str] = []

    def __init__(self, *args, lsc_id: int, user, **kwargs):
        super().__init__(*args, **kwargs)
        readable = readable_dossier_ids(user, Section.LEERSTEUN)
        school = self.filters["school"]
        school.queryset = (
            Dossier.objects.filter(
                pk__in=Leersteunvraag.objects.filter(lsc_id=lsc_id, dossier_id__in=readable)
                .order_by()
                .values("dossier_id")
            )
            .select_related("school")
            .order_by("school__name", "pk")
        )
        self.filters["thema"].queryset = Thema.objects.filter(is_active=True).order_by(
            "position", "name"
        )
        self.filters["ondersteuner"].queryset = ondersteuners(lsc_id)
        self.filters["cluster"].queryset = Cluster.objects.filter(lsc_id=lsc_id).order_by(
            "title", "pk"
        )

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(label__icontains=value) | Q(dossier__school__name__icontains=value)
        )

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["registered"]))
