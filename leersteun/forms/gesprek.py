"""The forms of a samenwerkingsgesprek: the answers of one part, planning, agreements."""

from __future__ import annotations

import datetime
import zoneinfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leersteun import answers
from leersteun.models import GesprekAfspraak, Vraag
from samenwerking.forms import DateField
from samenwerking.widgets import DateInput

PEOPLE_ROWS_EMPTY = 2  # empty rows offered below the people already listed


class PeopleWidget(forms.Widget):
    """Rows of name, function and contact; a row left empty is dropped."""

    template_name = "leersteun/widgets/people.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.rows = PEOPLE_ROWS_EMPTY

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        people = [p for p in (value or []) if isinstance(p, dict)]
        rows = people + [{} for _ in range(PEOPLE_ROWS_EMPTY)]
        context["widget"]["rows"] = [
            {
                "index": index,
                "values": [(key, person.get(key, "")) for key in answers.PERSON_FIELDS],
            }
            for index, person in enumerate(rows[: answers.PEOPLE_MAX + PEOPLE_ROWS_EMPTY])
        ]
        context["widget"]["labels"] = {
            "name": _("Name"),
            "function": _("Function"),
            "contact": _("Contact"),
        }
        return context

    def value_from_datadict(self, data, files, name):
        rows = []
        for index in range(answers.PEOPLE_MAX + PEOPLE_ROWS_EMPTY + 20):
            row = {key: data.get(f"{name}_{key}_{index}", "") for key in answers.PERSON_FIELDS}
            if any(isinstance(v, str) and v.strip() for v in row.values()):
                rows.append(row)
        return rows

    def id_for_label(self, id_):
        return f"{id_}_name_0" if id_ else id_


class PeopleField(forms.Field):
    widget = PeopleWidget

    def to_python(self, value):
        return value or []


class TermsWidget(forms.MultiWidget):
    def __init__(self, attrs=None):
        super().__init__([forms.Textarea(attrs={"rows": 2}) for _ in answers.TERMS], attrs)

    def decompress(self, value):
        value = value if isinstance(value, dict) else {}
        return [value.get(term, "") for term in answers.TERMS]


class TermsField(forms.MultiValueField):
    widget = TermsWidget

    def __init__(self, **kwargs):
        fields = [
            forms.CharField(required=False, max_length=answers.TERM_MAX) for _ in answers.TERMS
        ]
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        data_list = list(data_list or []) + [""] * 3
        return {term: data_list[i] or "" for i, term in enumerate(answers.TERMS)}


YES_NO = [("", _("Not answered")), ("yes", _("Yes")), ("no", _("No"))]


def field_for(vraag: Vraag) -> forms.Field:
    """The form field that asks ``vraag``."""
    common = {"label": vraag.text, "required": False, "help_text": vraag.help_text}
    kind = vraag.kind
    if kind == Vraag.Kind.SHORT_TEXT:
        return forms.CharField(max_length=answers.SHORT_TEXT_MAX, **common)
    if kind == Vraag.Kind.LONG_TEXT:
        return forms.CharField(
            max_length=answers.LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}), **common
        )
    if kind == Vraag.Kind.YES_NO:
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
    if kind == Vraag.Kind.NUMBER:
        return forms.CharField(
            max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common
        )
    if kind == Vraag.Kind.DATE:
        return DateField(widget=DateInput(), **common)
    if kind == Vraag.Kind.CHOICE:
        options = [("", _("Not answered"))] + [(c, c) for c in vraag.choice_list]
        return forms.ChoiceField(choices=options, **common)
    if kind == Vraag.Kind.PEOPLE:
        return PeopleField(**common)
    return TermsField(**common)


def initial_for(vraag: Vraag, value):
    """A stored answer as the form field shows it."""
    if value is None:
        return None
    if vraag.kind == Vraag.Kind.YES_NO:
        return "yes" if value else "no"
    if vraag.kind == Vraag.Kind.DATE:
        try:
            return datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            return None
    if vraag.kind == Vraag.Kind.NUMBER:
        return answers.as_text(vraag, value)
    return value


class AnswersForm(forms.Form):
    """The questions of one part that the person's side fills in, one field each."""

    def __init__(self, *args, vragen, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.vragen = list(vragen)
        for vraag in self.vragen:
            name = f"q_{vraag.pk}"
            self.fields[name] = field_for(vraag)
            self.fields[name].initial = initial_for(vraag, current.get(vraag.pk))

    def values(self) -> dict[int, object]:
        """Question id -> the value for ``answers_save`` (checked there)."""
        result = {}
        for vraag in self.vragen:
            value = self.cleaned_data.get(f"q_{vraag.pk}")
            if vraag.kind == Vraag.Kind.NUMBER and isinstance(value, str):
                value = value.strip()
            result[vraag.pk] = value
        return result

    def bound_fields(self):
        return [(vraag, self[f"q_{vraag.pk}"]) for vraag in self.vragen]


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the answer is corrected"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The earlier answer stays visible with this reason."),
    )

    def __init__(self, *args, vraag, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.vraag = vraag
        self.fields["answer"] = field_for(vraag)
        self.fields["answer"].initial = initial_for(vraag, current)
        self.order_fields(["answer", "reason"])


class PlanForm(forms.Form):
    date = DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(
        label=_("Time"),
        widget=forms.TimeInput(
            attrs={"placeholder": "14:00", "inputmode": "numeric"}, format="%H:%M"
        ),
        input_formats=["%H:%M", "%H.%M", "%Hu%M", "%Hu"],
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    school_participants = forms.CharField(label=_("For the school"), max_length=500, required=False)
    lsc_participants = forms.CharField(label=_("For the LSC"), max_length=500, required=False)
    clb_participants = forms.CharField(label=_("For the CLB"), max_length=500, required=False)
    pbd_participants = forms.CharField(label=_("For the PBD"), max_length=500, required=False)

    def planned_for(self) -> datetime.datetime:
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        return datetime.datetime.combine(
            self.cleaned_data["date"], self.cleaned_data["time"], tzinfo=zone
        )

    @classmethod
    def initial_from(cls, gesprek) -> dict:
        initial = {
            key: getattr(gesprek, key)
            for key in (
                "place",
                "school_participants",
                "lsc_participants",
                "clb_participants",
                "pbd_participants",
            )
        }
        if gesprek.planned_for:
            local = timezone.localtime(gesprek.planned_for)
            initial.update(date=local.date(), time=local.time())
        return initial


class AfspraakForm(forms.Form):
    what = forms.CharField(
        label=_("What we agree"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    partner = forms.ChoiceField(
        label=_("Who does it"), choices=GesprekAfspraak.Partner.choices, widget=forms.RadioSelect
    )
    due_date = DateField(label=_("By when"), required=False, widget=DateInput())


class EvaluationForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("How it went"),
        choices=GesprekAfspraak.Outcome.choices,
        widget=forms.RadioSelect,
    )
    remark = forms.CharField(label=_("Remark"), max_length=1000, required=False)


class PromoteForm(forms.Form):
    """Turning an agreement of the conversation into a samenwerkingsafspraak."""

    title = forms.CharField(label=_("Title of the samenwerkingsafspraak"), max_length=200)
    evaluation_date = DateField(label=_("Evaluate on"), widget=DateInput())
