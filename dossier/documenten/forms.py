from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossier.documenten.models import Document
from samenwerking.schoolyear import entry_school_years, filter_school_years, school_year_of


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
        self.fields["school_year"].choices = entry_school_years(timezone.localdate())
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
        # a document can be filed under next school year (DocumentForm)
        years = filter_school_years(
            timezone.localdate(), ahead=1, keep=[self.data.get("school_year")]
        )
        self.fields["school_year"].choices = [("", _("All school years")), *years]

    def filter(self, documents):
        data = self.cleaned_data
        if data.get("q"):
            documents = documents.filter(title__icontains=data["q"].strip())
        if data.get("kind"):
            documents = documents.filter(kind=data["kind"])
        if data.get("school_year"):
            documents = documents.filter(school_year=data["school_year"])
        return documents
