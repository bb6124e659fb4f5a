"""CSV import of schools: a CLB onboards a hundred schools at once.

The file has a header row with these columns (semicolon or comma separated, UTF-8):
``instellingsnummer, naam, straat, postcode, gemeente, clb, pbd, lsc``. Partners are named by
their instellingsnummer or their exact name; several LSCs are separated by ``|``. Either the whole
file is imported or, if any row is wrong, nothing is, and every wrong row is reported.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Organisation
from accounts.roles import OrganisationKind
from accounts.services import organisation_save, partnership_create

REQUIRED_COLUMNS = ("instellingsnummer", "naam")
KNOWN_COLUMNS = ("instellingsnummer", "naam", "straat", "postcode", "gemeente", "clb", "pbd", "lsc")
MAX_ROWS = 5000


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    partnerships: int = 0
    errors: list[str] = field(default_factory=list)


class ImportFailed(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [msg for msgs in exc.message_dict.values() for msg in msgs]
    return list(exc.messages)


def _read_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    """The file's rows with the line each starts on; blank rows (``;;;;`` from Excel) are skipped."""
    return read_csv_rows(
        text,
        required=REQUIRED_COLUMNS,
        known=KNOWN_COLUMNS,
        max_rows=MAX_ROWS,
        too_many=_("A file holds at most %(max)d schools.") % {"max": MAX_ROWS},
        no_rows=_("The file has a header row but no schools."),
    )


def read_csv_rows(
    text: str,
    *,
    required: tuple[str, ...],
    known: tuple[str, ...],
    max_rows: int,
    too_many: str,
    no_rows: str,
    aliases: dict[str, str] | None = None,
) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV text (semicolon, comma or tab separated, a header row first) with the
    line each ends on, their values stripped; blank rows are skipped. ``aliases`` maps other
    spellings of a column's name (``email`` for ``e-mail``) to the one the importer reads.
    Raises ImportFailed, with a message in the interface's language, for an empty file, NUL
    characters, a value too long for the csv module or an unclosed quote, a missing column,
    more than ``max_rows`` rows (``too_many``) or none (``no_rows``). Used by the CSV imports
    of schools and of an organisation's staff (dossier.medewerkers)."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ImportFailed([_("The file is empty.")])
    if "\x00" in text:
        # PostgreSQL stores no NUL character; a file with one is no CSV saved as text
        raise ImportFailed([_("The file contains NUL characters; save it as CSV in UTF-8.")])
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    try:
        return _rows_of(
            reader,
            required=required,
            known=known,
            max_rows=max_rows,
            too_many=too_many,
            no_rows=no_rows,
            aliases=aliases or {},
        )
    except csv.Error as exc:
        # a value longer than csv.field_size_limit() (131,072 characters), a stray quote
        raise ImportFailed(
            [
                _(
                    "Line %(line)d could not be read as CSV: a value is far too long or a "
                    "quote is not closed."
                )
                % {"line": reader.line_num + 1}
            ]
        ) from exc


def _rows_of(
    reader: csv.DictReader,
    *,
    required: tuple[str, ...],
    known: tuple[str, ...],
    max_rows: int,
    too_many: str,
    no_rows: str,
    aliases: dict[str, str],
) -> list[tuple[int, dict[str, str]]]:
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    header = [aliases.get(name, name) for name in header]
    missing = [col for col in required if col not in header]
    if missing:
        raise ImportFailed(
            [
                _("The header row lacks the column(s) %(columns)s. Expected: %(expected)s.")
                % {"columns": ", ".join(missing), "expected": ", ".join(known)}
            ]
        )
    reader.fieldnames = header
    rows = []
    for row in reader:
        values = {key: (value or "").strip() for key, value in row.items() if key}
        if any(values.values()):
            # the line the row ends on, counting blank lines the reader skipped
            rows.append((reader.line_num, values))
        if len(rows) > max_rows:
            raise ImportFailed([too_many])
    if not rows:
        raise ImportFailed([no_rows])
    return rows


def _find_partner(reference: str, kind: str) -> Organisation | None:
    return Organisation.objects.filter(
        Q(instellingsnummer=reference) | Q(name__iexact=reference), kind=kind
    ).first()


def schools_import_csv(*, text: str, start_date: datetime.date, actor=None) -> ImportResult:
    """Import the schools in ``text``; raises ImportFailed (and writes nothing) on any error."""
    rows = _read_rows(text)
    result = ImportResult()
    errors: list[str] = []
    seen: set[str] = set()
    with transaction.atomic():
        for line, row in rows:
            number = row.get("instellingsnummer", "")
            if number in seen:
                errors.append(
                    _(
                        "Line %(line)d: instellingsnummer %(number)s appears more than once in the file."
                    )
                    % {"line": line, "number": number}
                )
                continue
            seen.add(number)
            try:
                result_kind = _import_row(row, start_date=start_date, result=result, actor=actor)
            except ValidationError as exc:
                for message in _messages(exc):
                    errors.append(
                        _("Line %(line)d: %(message)s") % {"line": line, "message": message}
                    )
                continue
            if result_kind == "created":
                result.created += 1
            else:
                result.updated += 1
        if errors:
            transaction.set_rollback(True)
            raise ImportFailed(errors)
    return result


def _import_row(
    row: dict[str, str], *, start_date: datetime.date, result: ImportResult, actor=None
) -> str:
    number = row.get("instellingsnummer", "")
    fields = {
        "name": row.get("naam", ""),
        "street": row.get("straat", ""),
        "postcode": row.get("postcode", ""),
        "city": row.get("gemeente", ""),
    }
    if not fields["name"]:
        raise ValidationError(_("The school has no name."))
    school = Organisation.objects.filter(instellingsnummer=number).first() if number else None
    if school and school.kind != OrganisationKind.SCHOOL:
        raise ValidationError(
            _("Instellingsnummer %(number)s belongs to %(name)s, which is not a school.")
            % {"number": number, "name": school.name}
        )
    outcome = "updated" if school else "created"
    school = school or Organisation(kind=OrganisationKind.SCHOOL, instellingsnummer=number)
    for key, value in fields.items():
        if value or key == "name":
            setattr(school, key, value)
    organisation_save(organisation=school)

    for kind in (OrganisationKind.CLB, OrganisationKind.PBD, OrganisationKind.LSC):
        references = [ref.strip() for ref in row.get(kind, "").split("|") if ref.strip()]
        for reference in references:
            partner = _find_partner(reference, kind)
            if partner is None:
                raise ValidationError(
                    _(
                        "No %(kind)s with the name or instellingsnummer %(reference)s is known on the platform."
                    )
                    % {"kind": OrganisationKind(kind).label, "reference": reference}
                )
            if school.partnerships.active_on(start_date).filter(partner=partner).exists():
                continue
            partnership_create(school=school, partner=partner, start_date=start_date, actor=actor)
            result.partnerships += 1
    return outcome
