"""School years run from 1 September to 31 August and are written "2025-2026"."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_PATTERN = re.compile(r"^(\d{4})-(\d{4})$")


def school_year_of(day: datetime.date) -> str:
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{start + 1}"


def validate_school_year(value: str) -> None:
    match = _PATTERN.match(value or "")
    if (
        not match
        or int(match.group(2)) != int(match.group(1)) + 1
        or not 2000 <= int(match.group(1)) <= 2100
    ):
        raise ValidationError(
            _("Write the school year as 2025-2026: two consecutive years."), code="school_year"
        )


def recent_school_years(today: datetime.date, back: int = 5, ahead: int = 1) -> list[str]:
    current = int(school_year_of(today)[:4])
    return [f"{y}-{y + 1}" for y in range(current + ahead, current - back - 1, -1)]
