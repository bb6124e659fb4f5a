import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from dossier.core.models import AuditEvent
from dossier.core.registry import registry
from samenwerking.forms import DateField
from samenwerking.widgets import DateInput


class DateFilter(django_filters.DateFilter):
    """A day within the platform's dates: the day after the last one still exists."""

    field_class = DateField


def _brussels_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


class AuditFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise forms.ValidationError(_("The end of the period lies before its start."))
        return cleaned


class AuditEventFilter(django_filters.FilterSet):
    """The audit log filters: a period in Brussels days, a person (who acted or was acted on),
    an action, and a reference (``#42``: who saw consultation note 42)."""

    start = DateFilter(label=_("From"), method="filter_start", widget=DateInput())
    end = DateFilter(
        label=_("Up to and including"),
        method="filter_end",
        widget=DateInput(),
    )
    person = django_filters.ModelChoiceFilter(
        label=_("Person"),
        queryset=User.objects.none(),
        method="filter_person",
        empty_label=_("Everyone"),
    )
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=(), empty_label=_("All actions")
    )
    reference = django_filters.CharFilter(
        label=_("Reference"),
        method="filter_reference",
        widget=forms.TextInput(attrs={"placeholder": "#42"}),
    )

    class Meta:
        model = AuditEvent
        fields: list[str] = []
        form = AuditFilterForm

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["person"].queryset = people
        # every action a section registered (the core's own included), in their order
        self.filters["action"].extra["choices"] = [
            (key, action.label) for key, action in registry.audit_actions.items()
        ]

    def filter_start(self, queryset, name, value):
        return queryset.filter(created_at__gte=_brussels_midnight(value))

    def filter_end(self, queryset, name, value):
        return queryset.filter(
            created_at__lt=_brussels_midnight(value + datetime.timedelta(days=1))
        )

    def filter_person(self, queryset, name, value):
        return queryset.filter(Q(actor=value) | Q(subject_user=value))

    def filter_reference(self, queryset, name, value):
        value = value.strip()
        if value.isdigit():
            value = f"#{value}"
        return queryset.filter(detail__iexact=value) if value else queryset
