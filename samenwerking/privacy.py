"""Keeping pupils unidentifiable: consultation notes refuse numbers and addresses that point
to one person, and warn when a label looks like a full name.

A consultation is not a CLB file: the pupil is not registered, so the note must not say who
the pupil is (docs/GLOSSARY.md, "Consultatieve leerlingenbegeleiding").
"""

import re

from django.utils.translation import gettext as _

# A Belgian national register number: 11 digits, often written 85.07.30-033.61 or 850730 033 61.
_RRN = re.compile(r"(?<!\d)(\d{2})[.\s-]?(\d{2})[.\s-]?(\d{2})[-.\s]?(\d{3})[.\s-]?(\d{2})(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", re.UNICODE)
# A stretch that could be a Belgian phone number: +32, 0032 (optionally with "(0)") or 0, then
# digits with spaces, dots, dashes or slashes. Whether it is one is decided by its digits.
_PHONE_CANDIDATE = re.compile(
    r"(?<![\w./-])(?:(?:\+|00)\s?32\s?(?:\(0\)\s?)?|0)\d(?:[\s./-]?\d){6,9}(?!\w)"
)
_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}\b")


def _starts_with_date(text: str) -> bool:
    """It opens with a day and month that exist: "05/03/2026 9" is a date, "0470 11.01.00" not."""
    match = _DATE.match(text)
    return bool(match and 1 <= int(match.group(1)) <= 31 and 1 <= int(match.group(2)) <= 12)


def find_phone_numbers(text: str) -> list[str]:
    """Belgian phone numbers: nine digits from 0 (landline) or ten from 04 (mobile).

    Dates and times ("05/03/2026 14.30") have the wrong number of digits or a date's shape.
    """
    found = []
    for match in _PHONE_CANDIDATE.finditer(text or ""):
        candidate = match.group(0)
        if _starts_with_date(candidate):
            continue
        digits = re.sub(r"\D", "", candidate.replace("(0)", ""))
        if digits.startswith("0032"):
            digits = "0" + digits[4:]
        elif candidate.lstrip().startswith("+32"):
            digits = "0" + digits[2:]
        if len(digits) == 9 or (len(digits) == 10 and digits.startswith("04")):
            found.append(candidate)
    return found


# Two or more capitalised words, e.g. "Jan Peeters" or "Marie-Louise Van den Broeck".
_FULL_NAME = re.compile(
    r"^\s*[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)?"
    r"(?:\s+(?:(?:van|de|der|den|von|le|la|du|d')\s+)*[A-ZÀ-Ý][a-zà-ÿ'’]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)?)+\s*$"
)


def is_valid_rijksregisternummer(digits: str) -> bool:
    """The check of an 11-digit national register number (born before or from 2000)."""
    if len(digits) != 11 or not digits.isascii() or not digits.isdigit():
        return False
    body, check = int(digits[:9]), int(digits[9:])
    if 97 - body % 97 == check:
        return True
    return 97 - int("2" + digits[:9]) % 97 == check


def find_rijksregisternummers(text: str) -> list[str]:
    found = []
    for match in _RRN.finditer(text or ""):
        digits = "".join(match.groups())
        if is_valid_rijksregisternummer(digits):
            found.append(match.group(0))
    return found


def find_identifiers(text: str) -> list[str]:
    """Reasons why ``text`` may identify a person; empty when it does not."""
    reasons = []
    if find_rijksregisternummers(text):
        reasons.append(_("a national register number"))
    if _EMAIL.search(text or ""):
        reasons.append(_("an email address"))
    if find_phone_numbers(text):
        reasons.append(_("a phone number"))
    return reasons


def looks_like_full_name(label: str) -> bool:
    return bool(_FULL_NAME.match(label or ""))
