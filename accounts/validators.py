import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SIX_DIGITS = re.compile(r"^\d{6}$")


def validate_instellingsnummer(value: str) -> None:
    """An instellingsnummer is exactly six digits (e.g. 012345)."""
    if not _SIX_DIGITS.match(value or ""):
        raise ValidationError(
            _("An instellingsnummer has exactly six digits, for example 012345."),
            code="invalid_instellingsnummer",
        )
