"""The shape of an answer for each kind of question, in one place.

An answer is stored as JSON (``Antwoord.value``); ``None`` is "not answered". ``clean`` checks
a value against its question and returns it in its stored shape, or raises a ``ValidationError``
with a Dutch message; ``as_text`` turns a stored value into the words a page, an e-mail or the
PDF shows; ``is_filled`` and ``same`` say whether there is an answer and whether two answers
say the same.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 5000
PEOPLE_MAX = 40
PERSON_FIELD_MAX = 200
TERM_MAX = 1000
NUMBER_LIMIT = Decimal("1000000000")
TERMS = ("1", "2", "3")
PERSON_FIELDS = ("name", "function", "contact")


def _text(value, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(_("This answer is text."))
    value = value.strip()
    if "\x00" in value:
        raise ValidationError(_("This answer holds a character that cannot be stored."))
    if len(value) > limit:
        raise ValidationError(_("Keep this answer under %(limit)s characters.") % {"limit": limit})
    return value or None


def clean(vraag, value):
    """``value`` in the stored shape of ``vraag``'s kind, or ``None`` when it is empty."""
    kind = vraag.kind
    if value in (None, "", [], {}):
        return None
    if kind == "short_text":
        return _text(value, SHORT_TEXT_MAX)
    if kind == "long_text":
        return _text(value, LONG_TEXT_MAX)
    if kind == "yes_no":
        if isinstance(value, bool):
            return value
        if value in ("yes", "ja", "true", "1"):
            return True
        if value in ("no", "nee", "false", "0"):
            return False
        raise ValidationError(_("Answer yes or no."))
    if kind == "number":
        if isinstance(value, bool):
            raise ValidationError(_("This answer is a number."))
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            raise ValidationError(_("This answer is a number.")) from None
        if not number.is_finite() or abs(number) >= NUMBER_LIMIT:
            raise ValidationError(_("This number is too large."))
        number = number.normalize()
        return int(number) if number == number.to_integral_value() else str(number)
    if kind == "date":
        if isinstance(value, datetime.date):
            day = value
        else:
            try:
                day = datetime.date.fromisoformat(str(value))
            except ValueError:
                raise ValidationError(_("Enter a date as dd/mm/yyyy.")) from None
        if not 1900 <= day.year <= 2999:
            raise ValidationError(_("Enter a date between 1900 and 2999."))
        return day.isoformat()
    if kind == "choice":
        text = _text(value, SHORT_TEXT_MAX)
        if text not in vraag.choice_list:
            raise ValidationError(_("Choose one of the options."))
        return text
    if kind == "people":
        return _clean_people(value)
    if kind == "terms":
        return _clean_terms(value)
    raise ValidationError(_("This question cannot be answered."))


def _clean_people(value) -> list[dict] | None:
    if not isinstance(value, list):
        raise ValidationError(_("This answer is a list of people."))
    people = []
    for row in value:
        if not isinstance(row, dict):
            raise ValidationError(_("This answer is a list of people."))
        person = {key: _text(row.get(key), PERSON_FIELD_MAX) or "" for key in PERSON_FIELDS}
        if not any(person.values()):
            continue
        if not person["name"]:
            raise ValidationError(_("Give every person in the list a name."))
        people.append(person)
    if len(people) > PEOPLE_MAX:
        raise ValidationError(_("List at most %(limit)s people here.") % {"limit": PEOPLE_MAX})
    return people or None


def _clean_terms(value) -> dict | None:
    if not isinstance(value, dict):
        raise ValidationError(_("This answer gives the dates per term."))
    terms = {term: _text(value.get(term), TERM_MAX) or "" for term in TERMS}
    return terms if any(terms.values()) else None


def is_filled(value) -> bool:
    return value is not None


def same(first, second) -> bool:
    return first == second


def term_label(term: str) -> str:
    return {"1": _("First term"), "2": _("Second term"), "3": _("Third term")}[term]


def as_text(vraag, value) -> str:
    """The answer in words, on one or more lines; empty when not answered."""
    if value is None:
        return ""
    kind = vraag.kind
    if kind == "yes_no":
        return _("Yes") if value else _("No")
    if kind == "number":
        return str(value).replace(".", ",")
    if kind == "date":
        try:
            return date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except (TypeError, ValueError):
            return str(value)
    if kind == "people":
        lines = []
        for person in value or []:
            parts = [person.get(key, "") for key in PERSON_FIELDS]
            lines.append(" · ".join(part for part in parts if part))
        return "\n".join(lines)
    if kind == "terms":
        return "\n".join(
            f"{term_label(term)}: {value.get(term, '')}" for term in TERMS if value.get(term)
        )
    return str(value)
