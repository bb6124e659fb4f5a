"""CSV import of an organisation's staff: a CLB that starts on the platform invites its forty
people at once.

The file has a header row with the columns ``voornaam, naam, e-mail, rol`` and, optionally,
``startdatum`` (semicolon, comma or tab separated; UTF-8, or what Excel saves on Windows). A
role is named as the platform names it (``CLB-medewerker``) or by its code
(``clb_medewerker``); only the roles of the organisation's kind are accepted. A start date is
``dd/mm/jjjj``; without one, the date chosen on the page. The file is read and checked first
(the preview); importing sends every invitation, or, if any line is wrong, none, and every
wrong line is named. The same reader as the schools' import (accounts.imports.read_csv_rows)
refuses NUL characters, values too long for the csv module, unclosed quotes, a missing column
and too many lines; names that a spreadsheet would read as a formula, or that hold control or
invisible formatting characters, are refused per line.
"""

from __future__ import annotations

import datetime
import unicodedata

from django.utils.translation import gettext as _

from accounts.imports import ImportFailed, read_csv_rows
from accounts.models import Organisation
from accounts.roles import ROLES_BY_KIND, Role
from dossier.core.access.organisations import PeopleManager
from dossier.medewerkers.services import RowsRefused, StaffRow, check_rows, invitations_create

REQUIRED_COLUMNS = ("voornaam", "naam", "e-mail", "rol")
KNOWN_COLUMNS = (*REQUIRED_COLUMNS, "startdatum")
ALIASES = {
    "achternaam": "naam",
    "familienaam": "naam",
    "email": "e-mail",
    "e-mailadres": "e-mail",
    "emailadres": "e-mail",
    "mail": "e-mail",
    "functie": "rol",
    "start": "startdatum",
    "begindatum": "startdatum",
}
MAX_ROWS = 500
# a cell longer than this is no name, address, role or date (the csv module's own limit is
# 131,072 characters)
CELL_MAX = 300
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def _plain(text: str) -> str:
    """Lower case, without accents or spaces: ``Zorgcoördinator`` and ``zorgcoordinator`` match."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c) and not c.isspace())


def _role_lookup(kind: str) -> dict[str, str]:
    """Every way the file may name a role of this kind -> the role."""
    names: dict[str, str] = {}
    for role in ROLES_BY_KIND.get(kind, ()):
        names[_plain(role.value)] = role.value
        names[_plain(str(role.label))] = role.value
    return names


def _date(value: str) -> datetime.date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a day
        except ValueError:
            continue
    return None


def read_staff(
    text: str, *, organisation: Organisation, default_start: datetime.date
) -> list[StaffRow]:
    """The file's people, each row read on its own; raises ImportFailed naming every line that
    cannot be read (an unknown role, a date that is none)."""
    lines = read_csv_rows(
        text,
        required=REQUIRED_COLUMNS,
        known=KNOWN_COLUMNS,
        max_rows=MAX_ROWS,
        too_many=_("A file holds at most %(max)d people.") % {"max": MAX_ROWS},
        no_rows=_("The file has a header row but no people."),
        aliases=ALIASES,
    )
    roles = _role_lookup(organisation.kind)
    kind_roles = ", ".join(str(role.label) for role in ROLES_BY_KIND.get(organisation.kind, ()))
    other_kinds = {_plain(r.value): r for r in Role} | {_plain(str(r.label)): r for r in Role}
    errors: list[str] = []
    rows: list[StaffRow] = []
    for line, values in lines:
        problems: list[str] = []
        if any(len(value) > CELL_MAX for value in values.values()):
            problems.append(_("a value is longer than %(max)d characters.") % {"max": CELL_MAX})
            errors.extend(_line(line, problem) for problem in problems)
            continue
        role_text = values.get("rol", "")
        role = roles.get(_plain(role_text))
        if role is None:
            if not role_text:
                problems.append(
                    _("the role is missing. Roles here: %(roles)s.") % {"roles": kind_roles}
                )
            elif _plain(role_text) in other_kinds:
                problems.append(
                    _("%(role)s is not a role at %(kind)s. Roles here: %(roles)s.")
                    % {
                        "role": other_kinds[_plain(role_text)].label,
                        "kind": organisation.get_kind_display(),
                        "roles": kind_roles,
                    }
                )
            else:
                problems.append(
                    _("the role %(role)s is unknown. Roles here: %(roles)s.")
                    % {"role": role_text[:60], "roles": kind_roles}
                )
        start_text = values.get("startdatum", "")
        start = _date(start_text) if start_text else default_start
        if start is None:
            problems.append(
                _("the start date %(value)s is not a date; write it as dd/mm/jjjj.")
                % {"value": start_text[:30]}
            )
        if problems:
            errors.extend(_line(line, problem) for problem in problems)
            continue
        rows.append(
            StaffRow(
                email=values.get("e-mail", "").lower(),
                first_name=values.get("voornaam", ""),
                last_name=values.get("naam", ""),
                role=role,
                start_date=start,
                line=line,
            )
        )
    if errors:
        raise ImportFailed(errors)
    return rows


def _line(line: int, message: str) -> str:
    return _("Line %(line)d: %(message)s") % {"line": line, "message": message}


def _refused(exc: RowsRefused) -> ImportFailed:
    errors = []
    for index in sorted(exc.problems):
        line = exc.rows[index].line
        for _field, message in exc.problems[index]:
            errors.append(_line(line, message))
    return ImportFailed(errors)


def staff_check(
    *,
    manager: PeopleManager,
    organisation: Organisation,
    text: str,
    default_start: datetime.date,
) -> list[StaffRow]:
    """The preview: the file read and every row checked (a fixed number of queries), nothing
    written. Raises ImportFailed with every wrong line."""
    rows = read_staff(text, organisation=organisation, default_start=default_start)
    normalised = [
        StaffRow(
            email=row.email.strip().lower(),
            first_name=row.first_name.strip(),
            last_name=row.last_name.strip(),
            role=row.role,
            start_date=row.start_date,
            line=row.line,
        )
        for row in rows
    ]
    problems = check_rows(manager=manager, organisation=organisation, rows=normalised)
    if problems:
        raise _refused(RowsRefused(problems, normalised))
    return normalised


def staff_import(
    *,
    manager: PeopleManager,
    organisation: Organisation,
    text: str,
    default_start: datetime.date,
    actor,
) -> list:
    """Invite everyone in the file, or nobody (ImportFailed naming every wrong line)."""
    rows = read_staff(text, organisation=organisation, default_start=default_start)
    try:
        return invitations_create(
            manager=manager,
            organisation=organisation,
            rows=rows,
            actor=actor,
            note=_("CSV import"),
        )
    except RowsRefused as exc:
        raise _refused(exc) from exc
