"""The forms of an organisation's people pages and of accepting an invitation. Bad input is a
form error in Dutch, never a 500 (tests/test_fuzz_forms.py); what a service refuses is shown
on the form too (samenwerking.forms.apply_validation_error)."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth import password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from dossier.medewerkers import selectors
from dossier.medewerkers.services import EMAIL_MAX, NAME_MAX, validate_person_name
from samenwerking.forms import DateField

DATE_WIDGET = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


def _role_choices(roles) -> list[tuple[str, str]]:
    return [(role, Role(role).label) for role in roles]


class NameFields(forms.Form):
    first_name = forms.CharField(
        label=_("First name"), max_length=NAME_MAX, validators=[validate_person_name]
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=NAME_MAX, validators=[validate_person_name]
    )


class InviteForm(NameFields):
    email = forms.EmailField(label=_("E-mail address"), max_length=EMAIL_MAX)
    role = forms.ChoiceField(label=_("Role"))
    start_date = DateField(label=_("Start date"), initial=timezone.localdate, **DATE_WIDGET)

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(roles)
        self.fields["email"].help_text = _(
            "The invitation goes to this address. Someone who already has an account on the "
            "platform logs in with it to accept."
        )


class MembershipChangeForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))
    start_date = DateField(
        label=_("From"),
        help_text=_(
            "A new role starts on this date; the current one ends the day before. A start date "
            "alone can only move while the membership has not started."
        ),
        **DATE_WIDGET,
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(roles)


class MembershipEndForm(forms.Form):
    end_date = DateField(
        label=_("Last day"),
        help_text=_(
            "From the day after, the person has no access through this membership. Yesterday "
            "ends it at once."
        ),
        **DATE_WIDGET,
    )


def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


class StaffUploadForm(forms.Form):
    """The CSV file and the start date of the rows that name none."""

    MAX_BYTES = 256 * 1024

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: voornaam, naam, e-mail, rol and, if you like, startdatum (dd/mm/jjjj). "
            "At most 500 people and 256 kB."
        ),
    )
    start_date = DateField(
        label=_("Start date for lines without one"), initial=timezone.localdate, **DATE_WIDGET
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 256 kB."))
        return decode_csv(upload.read())


def decode_csv(raw: bytes) -> str:
    """UTF-8 (with or without its BOM), or Windows' own encoding as Excel saves it there."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(
                _("The file could not be read; save it as CSV in UTF-8.")
            ) from exc


class StaffConfirmForm(forms.Form):
    """The checked file, carried back from the preview to be imported (and checked again)."""

    text = forms.CharField(
        widget=forms.HiddenInput, max_length=StaffUploadForm.MAX_BYTES, strip=False
    )
    start_date = DateField(widget=forms.HiddenInput)


class PeopleFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            (selectors.CURRENT, _("Current (not ended)")),
            (selectors.ACTIVE, _("Active")),
            (selectors.PENDING, _("Awaiting confirmation")),
            (selectors.FUTURE, _("Starting later")),
            (selectors.ENDED, _("Ended or refused")),
            (selectors.ALL, _("All")),
        ],
    )
    idle = forms.ChoiceField(
        label=_("Last login"),
        required=False,
        choices=[
            ("", _("Any")),
            ("3", _("Not for more than 3 months")),
            ("6", _("Not for more than 6 months")),
            ("12", _("Not for more than 12 months")),
            (selectors.NEVER, _("Never logged in")),
        ],
    )
    role = forms.ChoiceField(label=_("Role"), required=False)
    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=100)

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("All roles")), *_role_choices(roles)]


class AcceptNewAccountForm(NameFields):
    """The invitee's name and the password of their new account, checked by the platform's
    password validators (AUTH_PASSWORD_VALIDATORS) against their name and address too."""

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters, not a common password and not only digits."),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            person = User(
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(first, user=person)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned
