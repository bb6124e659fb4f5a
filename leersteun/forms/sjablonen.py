"""The forms of the template editor: a part, a question, a move, two versions to compare."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from leersteun.models import Vraag
from leersteun.services.sjablonen import (
    CHOICES_MAX,
    DOWN,
    FILTER_DESCRIPTION_MAX,
    FILTER_NAME_MAX,
    HELP_MAX,
    INTRO_MAX,
    TEXT_MAX,
    TITLE_MAX,
    UP,
)


class OnderdeelForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    intro = forms.CharField(
        label=_("Introduction"),
        max_length=INTRO_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown above the part's questions in the conversation."),
    )


class VraagForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=TEXT_MAX)
    help_text = forms.CharField(
        label=_("Explanation"),
        max_length=HELP_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown under the question, to help whoever answers it."),
    )
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=Vraag.Kind.choices)
    choices = forms.CharField(
        label=_("Options"),
        max_length=CHOICES_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only for a choice from a list: one option per line."),
    )
    filled_by = forms.ChoiceField(
        label=_("Filled in by"), choices=Vraag.FilledBy.choices, widget=forms.RadioSelect
    )
    confidential = forms.BooleanField(
        label=_("Confidential"),
        required=False,
        help_text=Vraag._meta.get_field("confidential").help_text,
    )
    prefill = forms.ChoiceField(
        label=_("Filled in beforehand with"),
        choices=Vraag.Prefill.choices,
        required=False,
        help_text=_(
            "What the platform already knows becomes the first answer, to confirm. It fits a "
            "text question, or a list of people for the people with access and the ankerpersonen."
        ),
    )

    def __init__(self, *args, parts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parts is not None:
            self.parts = {str(p.pk): p for p in parts}
            self.fields["onderdeel"] = forms.ChoiceField(
                label=_("Part"), choices=[(str(p.pk), p.title) for p in parts]
            )
            self.order_fields(["onderdeel"])

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        if "onderdeel" in data:
            data["onderdeel"] = self.parts[data["onderdeel"]]
        return data

    @staticmethod
    def initial_from(vraag: Vraag) -> dict:
        return {
            "text": vraag.text,
            "help_text": vraag.help_text,
            "kind": vraag.kind,
            "choices": vraag.choices,
            "filled_by": vraag.filled_by,
            "confidential": vraag.confidential,
            "prefill": vraag.prefill,
            "onderdeel": str(vraag.onderdeel_id),
        }


class FilterForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=FILTER_NAME_MAX)
    description = forms.CharField(
        label=_("What we check"),
        max_length=FILTER_DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown next to the filter when it is laid on a question during screening."),
    )


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[(UP, _("Up")), (DOWN, _("Down"))])


class CompareForm(forms.Form):
    """Two versions out of those the LSC may compare (its own and the starter's)."""

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(v.pk), version_label(v)) for v in versions]
        self.versions = {str(v.pk): v for v in versions}
        self.fields["van"] = forms.ChoiceField(label=_("From version"), choices=choices)
        self.fields["naar"] = forms.ChoiceField(label=_("To version"), choices=choices)

    def chosen(self):
        return self.versions[self.cleaned_data["van"]], self.versions[self.cleaned_data["naar"]]


def version_label(versie) -> str:
    if versie.sjabloon.lsc_id is None:
        label = _("Starter template, version %(number)s") % {"number": versie.number}
    else:
        label = _("Version %(number)s") % {"number": versie.number}
    if versie.is_draft:
        label = _("%(version)s (draft)") % {"version": label}
    return str(label)
