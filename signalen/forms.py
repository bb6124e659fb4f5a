from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossier.core.models import Thema
from samenwerking.forms import DateField
from samenwerking.schoolyear import entry_school_years, school_year_of
from samenwerking.widgets import DateInput
from signalen.models import SUPPLEMENT_MAX, TEXT_MAX, TITLE_MAX, Bron
from signalen.workflow import QUESTION, TRANSITIONS, Kind, Status


class SignaalForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        help_text=_(
            "One line that says what stands out, e.g. “More reports of bullying in year 5”."
        ),
    )
    text = forms.CharField(
        label=_("Short description"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What did you notice, and from what? No names of pupils."),
    )
    thema = forms.ModelChoiceField(
        label=_("Theme"), queryset=Thema.objects.filter(is_active=True), empty_label=_("Choose…")
    )
    bron = forms.ModelChoiceField(
        label=_("Source"), queryset=Bron.objects.filter(is_active=True), empty_label=_("Choose…")
    )
    school_year = forms.ChoiceField(label=_("School year"))
    follow_up_date = DateField(
        label=_("Follow up on"),
        required=False,
        widget=DateInput(),
        help_text=_("Optional. The signal stands out in the lists once this date has passed."),
    )

    def __init__(self, *args, current_year: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        # a signal that is changed keeps its own school year among the choices
        self.fields["school_year"].choices = entry_school_years(today, keep=[current_year])
        self.fields["school_year"].initial = current_year or school_year_of(today)


class AanvullingForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you add?"),
        choices=[
            (kind.value, f"{kind.label}: {QUESTION[kind]}") for kind in Kind if kind in QUESTION
        ]
        + [(Kind.OPMERKING.value, Kind.OPMERKING.label)],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Text"), max_length=SUPPLEMENT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=_("Corrected text"),
        max_length=SUPPLEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The earlier text stays visible as an earlier version."),
    )


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(label=_("Why"), max_length=300, required=False)

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS[current]
        self.fields["to_status"].choices = [("", _("Choose…"))] + [
            (s.value, s.label) for s in Status if s in allowed
        ]
