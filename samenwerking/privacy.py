"""Keeping pupils unidentifiable: consultation notes refuse numbers and addresses that point
to one person, and warn when a label looks like a full name.

A consultation is not a CLB file: the pupil is not registered, so the note must not say who
the pupil is (docs/GLOSSARY.md, "Consultatieve leerlingenbegeleiding").
"""

import re

from django.utils.translation import gettext as _

# A Belgian national register number: 11 digits, often written 85.07.30-033.61 or 850730 033 61
# (not after a "+": +32470123456 is a phone number).
_RRN = re.compile(
    r"(?<![\d+])(\d{2})[.\s-]?(\d{2})[.\s-]?(\d{2})[-.\s]?(\d{3})[.\s-]?(\d{2})(?!\d)"
)
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


def _plausible_birth_date(digits: str) -> bool:
    """YYMMDD that a national register number can start with: a month 0-12 (0 for a date not
    known), or that month plus 20 or 40 (a bis number), and a day 0-31."""
    month, day = int(digits[2:4]), int(digits[4:6])
    return month % 20 <= 12 and month <= 52 and day <= 31


def find_rijksregisternummers(text: str) -> list[str]:
    """Whatever is written like a national register number, whatever its check digits.

    A typo in a real number still points to one pupil, so the check does not decide alone: a
    number with the check is refused, and so is one written with the dots or dashes of the
    format (85.07.30-033.61, 850730-033-61), and eleven digits, bare or grouped with spaces
    (85073003361, 85 07 30 033 61), that start with a birth date. Shorter numbers (amounts,
    years, a school's instellingsnummer) and longer runs of digits never match.
    """
    found = []
    for match in _RRN.finditer(text or ""):
        digits = "".join(match.groups())
        written = match.group(0)
        if (
            is_valid_rijksregisternummer(digits)
            or _plausible_birth_date(digits)
            or any(mark in written for mark in ".-")
        ):
            found.append(written)
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
