import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def apply_validation_error(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def apply_validation_error_to(form, exc: ValidationError, *, field: str) -> None:
    """An upload's refusal belongs to the file field."""
    if hasattr(exc, "error_dict"):
        apply_validation_error(form, exc)
    else:
        for message in exc.messages:
            form.add_error(field, message)


# The dates the platform accepts. Beyond them the day after (a period's end), the day before or
# the shift to UTC would overflow Python's date range, and no date of a school's cooperation
# lies there anyway.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2999, 12, 31)


def validate_date_in_range(value: datetime.date) -> None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="date_out_of_range",
            params={
                "earliest": EARLIEST_DATE.strftime("%d/%m/%Y"),
                "latest": LATEST_DATE.strftime("%d/%m/%Y"),
            },
        )


class DateField(forms.DateField):
    """A date between EARLIEST_DATE and LATEST_DATE; every date input of the platform."""

    default_validators = [validate_date_in_range]
