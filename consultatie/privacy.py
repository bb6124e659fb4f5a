"""Keeping pupils unidentifiable: consultation notes refuse numbers and addresses that point
to one person, and warn when a label looks like a full name.

A consultation is not a CLB file: the pupil is not registered, so the note must not say who
the pupil is (DOMAIN.md, section 2).
"""

import re

from django.utils.translation import gettext as _

# A Belgian national register number: 11 digits, often written 85.07.30-033.61 or 850730 033 61.
_RRN = re.compile(r"(?<!\d)(\d{2})[.\s]?(\d{2})[.\s]?(\d{2})[-.\s]?(\d{3})[.\s]?(\d{2})(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", re.UNICODE)
# Belgian phone numbers: +32 or 0032 or 0, then 8 or 9 digits, with spaces, dots, dashes or /.
_PHONE = re.compile(r"(?<![\d])(?:(?:\+|00)\s?32[\s./-]?|0)(?:\d[\s./-]?){7,8}\d(?!\d)")
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
    if _PHONE.search(text or ""):
        reasons.append(_("a phone number"))
    return reasons


def looks_like_full_name(label: str) -> bool:
    return bool(_FULL_NAME.match(label or ""))
