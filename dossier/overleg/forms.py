from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.roles import OrganisationKind
from samenwerking.forms import DateField
from samenwerking.widgets import DateInput


class OverlegForm(forms.Form):
    date = DateField(label=_("Date"), widget=DateInput())
    school_participants = forms.CharField(label=_("For the school"), max_length=300, required=False)
    clb_participants = forms.CharField(label=_("For the CLB"), max_length=300, required=False)
    pbd_participants = forms.CharField(label=_("For the PBD"), max_length=300, required=False)
    lsc_participants = forms.CharField(label=_("For the LSC"), max_length=300, required=False)
    data_reflected_on = forms.CharField(
        label=_("Data we reflected on"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Datawijzer, leersteunwijzer, data from the CLB … with links where they exist."
        ),
    )
    agenda = forms.CharField(
        label=_("Agenda"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    decisions = forms.CharField(
        label=_("Decisions"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    next_meeting_date = DateField(label=_("Next meeting"), required=False, widget=DateInput())
    minutes_keeper = forms.ChoiceField(
        label=_("Who keeps the minutes"), choices=OrganisationKind.choices
    )
    documents = forms.ModelMultipleChoiceField(
        label=_("Attached documents"),
        queryset=None,  # set per dossier and person in __init__
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    afspraken = forms.ModelMultipleChoiceField(
        label=_("Agreements made or adjusted"),
        queryset=None,  # set per dossier and person in __init__
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, documents, afspraken, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = documents
        self.fields["afspraken"].queryset = afspraken
