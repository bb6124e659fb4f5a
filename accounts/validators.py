import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SIX_DIGITS = re.compile(r"[0-9]{6}")


def validate_instellingsnummer(value: str) -> None:
    """An instellingsnummer is exactly six digits (e.g. 012345)."""
    if not _SIX_DIGITS.fullmatch(value or ""):
        raise ValidationError(
            _("An instellingsnummer has exactly six digits, for example 012345."),
            code="invalid_instellingsnummer",
        )


_FOUR_DIGITS = re.compile(r"[0-9]{4}")


def is_belgian_postcode(value: str) -> bool:
    """Four ASCII digits (Python's isdigit() would also accept other scripts' digits)."""
    return bool(_FOUR_DIGITS.fullmatch(value or ""))
