import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossier.core.models import Dossier, Thema
from samenwerking.schoolyear import filter_school_years
from signalen.models import Bron, Signaal
from signalen.workflow import OPEN_STATUSES, Status


class SignaalFilter(django_filters.FilterSet):
    """The filters of a signal list; bad values become form errors, never a 500."""

    q = django_filters.CharFilter(label=_("Text"), method="filter_text", max_length=100)
    school_year = django_filters.ChoiceFilter(
        label=_("School year"), field_name="school_year", empty_label=_("All school years")
    )
    thema = django_filters.ModelChoiceFilter(
        label=_("Theme"), queryset=Thema.objects.all(), empty_label=_("All themes")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("All statuses")
    )
    bron = django_filters.ModelChoiceFilter(
        label=_("Source"), queryset=Bron.objects.all(), empty_label=_("All sources")
    )
    overdue = django_filters.BooleanFilter(
        label=_("Only overdue follow-ups"),
        method="filter_overdue",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Signaal
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # a signal can be filed under next school year (SignaalForm)
        self.filters["school_year"].extra["choices"] = filter_school_years(
            timezone.localdate(), ahead=1, keep=[self.data.get("school_year")]
        )

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(text__icontains=value))

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(follow_up_date__lt=timezone.localdate(), status__in=OPEN_STATUSES)


class MySchoolsSignaalFilter(SignaalFilter):
    dossier = django_filters.ModelChoiceFilter(
        label=_("School"), queryset=Dossier.objects.none(), empty_label=_("All my schools")
    )

    def __init__(self, *args, dossiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["dossier"].queryset = dossiers
