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


# How far the school-year choices reach, counted from today's school year. Whoever files
# something under a school year chooses this one, one of the ENTRY_YEARS_BACK before it or the
# next one; a filter looks back FILTER_YEARS_BACK years (and ahead only where something can be
# filed ahead). Both also offer a year outside their range that is already chosen: the
# record's own when it is changed, the one in a filter's link.
ENTRY_YEARS_BACK = 2
FILTER_YEARS_BACK = 5


def is_school_year(value) -> bool:
    try:
        validate_school_year(value if isinstance(value, str) else "")
    except ValidationError:
        return False
    return True


def school_year_choices(
    today: datetime.date, *, back: int, ahead: int = 1, keep=()
) -> list[tuple[str, str]]:
    """(value, label) pairs, the newest first: the school years from ``back`` before today's to
    ``ahead`` after it, and every school year in ``keep`` besides (what is not a school year,
    such as an empty or a tampered value, is left out)."""
    years = set(recent_school_years(today, back=back, ahead=ahead))
    years.update(year for year in keep if is_school_year(year))
    return [(year, year) for year in sorted(years, reverse=True)]


def entry_school_years(today: datetime.date, *, keep=()) -> list[tuple[str, str]]:
    """The choices of a form that files something under a school year."""
    return school_year_choices(today, back=ENTRY_YEARS_BACK, ahead=1, keep=keep)


def filter_school_years(today: datetime.date, *, ahead: int = 0, keep=()) -> list[tuple[str, str]]:
    """The choices of a filter or an overview by school year; ``ahead`` 1 where something can
    be filed under next school year."""
    return school_year_choices(today, back=FILTER_YEARS_BACK, ahead=ahead, keep=keep)


def school_year_dates(value: str) -> tuple[datetime.date, datetime.date]:
    """The first and the last day of a school year: 1/9/2025 and 31/8/2026 for "2025-2026".
    Raises ValidationError for what is not a school year."""
    validate_school_year(value)
    start = int(value[:4])
    return datetime.date(start, 9, 1), datetime.date(start + 1, 8, 31)
