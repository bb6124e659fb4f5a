from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from accounts.roles import OrganisationKind
from dossier.models import Document, Report, Samenwerkingsafspraak
from samenwerking.schoolyear import recent_school_years, school_year_of
from samenwerking.widgets import DateInput


class DossierSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a school"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Name, instellingsnummer or municipality"),
                "autocomplete": "off",
            }
        ),
    )


class ReportRequestForm(forms.Form):
    """Ask for a report of one kind for one school year."""

    kind = forms.ChoiceField(choices=Report.Kind.choices, widget=forms.HiddenInput)
    school_year = forms.ChoiceField(label=_("School year"))

    def __init__(self, *args, years: list[str] = (), initial_kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        choices = sorted(
            set(years) | set(recent_school_years(today, back=5, ahead=0)), reverse=True
        )
        self.fields["school_year"].choices = [(year, year) for year in choices]
        self.fields["school_year"].initial = school_year_of(today)
        if initial_kind:
            self.fields["kind"].initial = initial_kind


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Document.Kind.choices)
    school_year = forms.ChoiceField(label=_("School year"))
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG or plain text; at most 20 MB."
        ),
    )
    for_clb = forms.BooleanField(label=_("CLB"), required=False, initial=True)
    for_pbd = forms.BooleanField(label=_("PBD"), required=False)
    for_lsc = forms.BooleanField(label=_("LSC"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = recent_school_years(timezone.localdate(), back=3)
        self.fields["school_year"].choices = [(year, year) for year in years]
        self.fields["school_year"].initial = school_year_of(timezone.localdate())


class VersionForm(forms.Form):
    file = forms.FileField(label=_("New version"))


class DocumentFilterForm(forms.Form):
    q = forms.CharField(label=_("Title"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Document.Kind.choices]
    )
    school_year = forms.ChoiceField(label=_("School year"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = recent_school_years(timezone.localdate(), back=8)
        self.fields["school_year"].choices = [("", _("All school years"))] + [(y, y) for y in years]

    def filter(self, documents):
        data = self.cleaned_data
        if data.get("q"):
            documents = documents.filter(title__icontains=data["q"].strip())
        if data.get("kind"):
            documents = documents.filter(kind=data["kind"])
        if data.get("school_year"):
            documents = documents.filter(school_year=data["school_year"])
        return documents


# Per partner kind its own sentences: Dutch says "het CLB", "de PBD", "het LSC".
PARTY_LABELS = {
    "clb": {
        "binds": _("This agreement binds the CLB"),
        "which": _("Which CLB"),
        "does": _("What the CLB does"),
    },
    "pbd": {
        "binds": _("This agreement binds the PBD"),
        "which": _("Which PBD"),
        "does": _("What the PBD does"),
    },
    "lsc": {
        "binds": _("This agreement binds the LSC"),
        "which": _("Which LSC"),
        "does": _("What the LSC does"),
    },
}


class AfspraakForm(forms.Form):
    """An agreement: what we agree, and what each bound partner does."""

    title = forms.CharField(label=_("Title"), max_length=200)
    topic = forms.ChoiceField(label=_("Topic"), choices=Samenwerkingsafspraak.Topic.choices)
    summary = forms.CharField(
        label=_("What we agree"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    evaluation_date = forms.DateField(label=_("Evaluate on"), widget=DateInput())
    school_does = forms.CharField(
        label=_("What the school does"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, organisations: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = organisations
        for kind in ("clb", "pbd", "lsc"):
            options = organisations.get(kind, [])
            if not options:
                continue
            labels = PARTY_LABELS[kind]
            self.fields[f"{kind}_binds"] = forms.BooleanField(label=labels["binds"], required=False)
            self.fields[f"{kind}_org"] = forms.ModelChoiceField(
                label=labels["which"],
                queryset=Organisation.objects.filter(pk__in=[o.pk for o in options]),
                initial=options[0].pk,
                required=False,
            )
            self.fields[f"{kind}_does"] = forms.CharField(
                label=labels["does"],
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def partner_fields(self):
        for kind in ("clb", "pbd", "lsc"):
            if f"{kind}_binds" in self.fields:
                yield kind, self[f"{kind}_binds"], self[f"{kind}_org"], self[f"{kind}_does"]

    def parties(self, school) -> dict:
        data = self.cleaned_data
        parties = {"school": (school, data["school_does"])}
        for kind in ("clb", "pbd", "lsc"):
            if data.get(f"{kind}_binds"):
                parties[kind] = (data.get(f"{kind}_org"), data.get(f"{kind}_does") or "")
        return parties

    def clean(self):
        cleaned = super().clean()
        for kind in ("clb", "pbd", "lsc"):
            if cleaned.get(f"{kind}_binds") and not cleaned.get(f"{kind}_org"):
                self.add_error(f"{kind}_org", _("Choose the organisation."))
        if not any(cleaned.get(f"{kind}_binds") for kind in ("clb", "pbd", "lsc")):
            raise forms.ValidationError(
                _("An agreement binds the school and at least one partner.")
            )
        return cleaned

    @staticmethod
    def initial_from(afspraak, version) -> dict:
        initial = {
            "title": afspraak.title,
            "topic": afspraak.topic,
            "summary": version.summary,
            "evaluation_date": afspraak.evaluation_date,
        }
        for partij in version.partijen.all():
            if partij.kind == "school":
                initial["school_does"] = partij.responsibilities
            else:
                initial[f"{partij.kind}_binds"] = True
                initial[f"{partij.kind}_org"] = partij.organisation_id
                initial[f"{partij.kind}_does"] = partij.responsibilities
        return initial


class AfspraakStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[
            ("", _("Choose…")),
            (
                Samenwerkingsafspraak.Status.TO_EVALUATE,
                Samenwerkingsafspraak.Status.TO_EVALUATE.label,
            ),
            (Samenwerkingsafspraak.Status.EVALUATED, Samenwerkingsafspraak.Status.EVALUATED.label),
            (Samenwerkingsafspraak.Status.EXPIRED, Samenwerkingsafspraak.Status.EXPIRED.label),
        ],
    )


class OverlegForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
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
    next_meeting_date = forms.DateField(label=_("Next meeting"), required=False, widget=DateInput())
    minutes_keeper = forms.ChoiceField(
        label=_("Who keeps the minutes"), choices=OrganisationKind.choices
    )
    documents = forms.ModelMultipleChoiceField(
        label=_("Attached documents"),
        queryset=Document.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    afspraken = forms.ModelMultipleChoiceField(
        label=_("Agreements made or adjusted"),
        queryset=Samenwerkingsafspraak.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, documents, afspraken, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = documents
        self.fields["afspraken"].queryset = afspraken
