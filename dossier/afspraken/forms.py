from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from dossier.afspraken.models import Samenwerkingsafspraak
from samenwerking.forms import DateField
from samenwerking.widgets import DateInput

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
    evaluation_date = DateField(label=_("Evaluate on"), widget=DateInput())
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
