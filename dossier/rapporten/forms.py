from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossier.core.registry import registry
from samenwerking.schoolyear import filter_school_years, school_year_of


def _kinds_for_a_year() -> list[tuple[str, object]]:
    """The kinds asked for by school year alone; one about an item (a conversation) is asked
    for from that item's page."""
    return [
        (key, kind.label) for key, kind in registry.report_kinds.items() if kind.asked_for_by_year
    ]


class ReportRequestForm(forms.Form):
    """Ask for a report of one kind for one school year."""

    kind = forms.ChoiceField(choices=_kinds_for_a_year, widget=forms.HiddenInput)
    school_year = forms.ChoiceField(label=_("School year"))

    def __init__(self, *args, years: list[str] = (), initial_kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        # the recent school years, and every older one that has something to report
        self.fields["school_year"].choices = filter_school_years(today, keep=years)
        self.fields["school_year"].initial = school_year_of(today)
        if initial_kind:
            self.fields["kind"].initial = initial_kind
