"""The forms of the leersteunraad: a member, a school's representative, a meeting, a rule, and
the school year of the figures."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from leersteun.models import RaadLid
from leersteun.services.raad import HOURS_MAX, NAME_MAX, TEXT_MAX, TITLE_MAX
from samenwerking.forms import DateField
from samenwerking.schoolyear import filter_school_years
from samenwerking.widgets import DateInput

DEFAULT_SEAT = ""  # the designation form's choice for "the directie sits"


class LidForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of member"),
        choices=[c for c in RaadLid.Kind.choices if c[0] != RaadLid.Kind.SCHOOL],
    )
    name = forms.CharField(
        label=_("Name or role"),
        max_length=NAME_MAX,
        required=False,
        help_text=_("For someone without an account, a role will do (the parents' council)."),
    )
    email = forms.EmailField(
        label=_("E-mail address of their account"),
        required=False,
        help_text=_(
            "Only for someone with an account on the platform: they then read the council's pages."
        ),
    )
    start_date = DateField(label=_("Member from"), required=False, widget=DateInput())
    end_date = DateField(label=_("Member until"), required=False, widget=DateInput())

    def clean_email(self):
        email = self.cleaned_data.get("email")
        if not email:
            return None
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("Nobody has an account with this e-mail address."))
        return user

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["member_user"] = data.pop("email")
        return data


class AfgevaardigdeForm(forms.Form):
    person = forms.ChoiceField(label=_("Who sits for the school"), required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(p.pk): p for p in people}
        self.fields["person"].choices = [
            (DEFAULT_SEAT, _("The directie (by default)")),
            *((pk, p.get_full_name() or p.email) for pk, p in self.people.items()),
        ]

    def chosen(self):
        return self.people.get(self.cleaned_data["person"])


class VergaderingForm(forms.Form):
    date = DateField(label=_("Date"), widget=DateInput())
    agenda = forms.CharField(
        label=_("Agenda"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    decisions = forms.CharField(
        label=_("Decisions"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    schools = forms.MultipleChoiceField(
        label=_("Schools present"), required=False, widget=forms.CheckboxSelectMultiple
    )
    members = forms.MultipleChoiceField(
        label=_("Other members present"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, seats=(), others=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schools"].choices = [(str(s.school.pk), _seat_label(s)) for s in seats]
        self.fields["members"].choices = [(str(m.pk), _member_label(m)) for m in others]


def _seat_label(seat) -> str:
    person = seat.representative
    who = (person.get_full_name() or person.email) if person else _("the directie")
    return f"{seat.school.name} ({who})"


def _member_label(lid: RaadLid) -> str:
    who = lid.name or (lid.user.get_full_name() if lid.user else "") or str(lid)
    return f"{who} ({lid.get_kind_display()})"


class RegelForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    text = forms.CharField(
        label=_("The rule"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    school = forms.ChoiceField(label=_("For the school"), required=False)
    hours_per_week = forms.DecimalField(
        label=_("Hours per week for that school"),
        required=False,
        min_value=Decimal(0),
        max_value=HOURS_MAX,
        max_digits=6,
        decimal_places=1,
        error_messages={"min_value": _("The hours per week cannot be below zero.")},
    )
    decided_in = forms.ChoiceField(label=_("Decided in the meeting of"), required=False)

    def __init__(self, *args, schools=(), meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.schools = {str(s.pk): s for s in schools}
        self.meetings = {str(m.pk): m for m in meetings}
        self.fields["school"].choices = [
            ("", _("No school: a rule for all")),
            *((pk, s.name) for pk, s in self.schools.items()),
        ]
        self.fields["decided_in"].choices = [
            ("", _("Not in a meeting recorded here")),
            *((pk, f"{m.date:%d/%m/%Y}") for pk, m in self.meetings.items()),
        ]
        self.fields["school"].error_messages["invalid_choice"] = _(
            "Choose a school that works with this LSC."
        )
        self.fields["decided_in"].error_messages["invalid_choice"] = _(
            "Choose a meeting of this council."
        )

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["school"] = self.schools.get(data.get("school") or "")
        data["decided_in"] = self.meetings.get(data.get("decided_in") or "")
        return data


class FiguresFilter(forms.Form):
    schooljaar = forms.ChoiceField(label=_("School year"))

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        # a question is filed under the school year in which it is asked: none lie ahead
        self.fields["schooljaar"].choices = filter_school_years(
            today, keep=[self.data.get("schooljaar")]
        )
        self.fields["schooljaar"].error_messages["invalid_choice"] = _(
            "Choose one of the school years in the list."
        )


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG or plain text."),
    )
