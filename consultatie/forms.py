from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from consultatie.models import FIELD_MAX, AskedBy, Consultatie, Status, SubjectKind
from consultatie.selectors import DEFAULT_PROMPTS
from dossier.core.models import Thema
from samenwerking.forms import DateField
from samenwerking.widgets import DateInput


class PersonMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class ConsultatieForm(forms.Form):
    """The conversation guide: who, about whom (pseudonymously), question, analysis, advice, steps."""

    date = DateField(
        label=_("Date of the consultation"), widget=DateInput(), initial=timezone.localdate
    )
    asked_by = forms.ChoiceField(label=_("Who asked"), choices=AskedBy.choices)
    participants = PersonMultipleChoiceField(
        label=_("Who took part (people with access)"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_participants = forms.CharField(
        label=_("Others who took part, by role"),
        max_length=300,
        required=False,
        help_text=_("For example: the class teacher of 3B, the LSC ondersteuner. No names."),
    )
    subject_kind = forms.ChoiceField(label=_("What is it about?"), choices=SubjectKind.choices)
    label = forms.CharField(
        label=_("Label"),
        max_length=60,
        help_text=_(
            "A class, initials or a label the school uses, e.g. “5B” or “L.V. 3A”. Never a full name."
        ),
    )
    confirm_name = forms.BooleanField(label=_("This label is not a person's name"), required=False)
    question = forms.CharField(
        label=_("Question"), max_length=FIELD_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    analysis = forms.CharField(
        label=_("Analysis"),
        max_length=FIELD_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    advice = forms.CharField(
        label=_("Advice"),
        max_length=FIELD_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    next_steps = forms.CharField(
        label=_("Agreed next steps"),
        max_length=FIELD_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    follow_up_date = DateField(label=_("Follow up on"), required=False, widget=DateInput())
    themas = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Thema.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices, initial=Status.OPEN)

    def __init__(self, *args, people=(), readers=None, prompts=None, **kwargs):
        """``people``: everyone with access to the dossier; ``readers``: the ids of those among
        them who may read its consultation notes (all of them when not given)."""
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = User.objects.filter(pk__in=[p.pk for p in people])
        self.readers = None if readers is None else frozenset(readers)
        prompts = prompts or {}
        for name in ("question", "analysis", "advice", "next_steps"):
            self.fields[name].help_text = prompts.get(name) or DEFAULT_PROMPTS[name]

    def participant_groups(self) -> tuple[list, list]:
        """The boxes of the participants: those who can read the note, and those who cannot
        (they have access to the dossier, but not to its consultation notes)."""
        can, cannot = [], []
        for box in self["participants"]:
            value = getattr(box.data["value"], "value", box.data["value"])
            reads = self.readers is None or value in self.readers
            (can if reads else cannot).append(box)
        return can, cannot

    @staticmethod
    def initial_from(note: Consultatie) -> dict:
        return {
            "date": note.date,
            "asked_by": note.asked_by,
            "participants": list(note.participants.all()),
            "other_participants": note.other_participants,
            "subject_kind": note.subject_kind,
            "label": note.label,
            "question": note.question,
            "analysis": note.analysis,
            "advice": note.advice,
            "next_steps": note.next_steps,
            "follow_up_date": note.follow_up_date,
            "themas": list(note.themas.all()),
            "status": note.status,
        }


class OpmerkingForm(forms.Form):
    text = forms.CharField(
        label=_("Your remark"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class EarlierAdviceForm(forms.Form):
    """The GET parameters of the "eerder geadviseerd" fragment."""

    themas = forms.ModelMultipleChoiceField(queryset=Thema.objects.all(), required=False)
    label = forms.CharField(max_length=60, required=False)
    note = forms.IntegerField(required=False, min_value=1)


class GuideForm(forms.Form):
    question = forms.CharField(label=_("Prompt for the question"), max_length=300, required=False)
    analysis = forms.CharField(label=_("Prompt for the analysis"), max_length=300, required=False)
    advice = forms.CharField(label=_("Prompt for the advice"), max_length=300, required=False)
    next_steps = forms.CharField(
        label=_("Prompt for the next steps"), max_length=300, required=False
    )
