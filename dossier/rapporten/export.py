"""The dossier export: everything the school's directie reads of its dossier, as one ZIP.

The report pipeline makes it like every other kind (``EXPORT``), in the background, but the
kind makes its own file (``ReportKind.make``) instead of a PDF from a template:

* ``rapporten/<school year>/<kind>.pdf``: for every school year that has data, each yearly kind
  of report the requester reads (the jaarverslag, the signalenoverzicht), and the reports about
  one item the sections name (an approved version of an agreement, a meeting's minutes, a
  samenwerkingsgesprek), each checked by its kind's ``check`` and rendered by ``render_many``
  (``render_pdf``'s path, several at a time), the one path to WeasyPrint, from a ``Report`` that is never saved;
* ``documenten/<title>/v<n>-<file name>``: every version of every shared document, read
  through the storage API in chunks (the ZIP is written to a temporary file, never held in
  memory);
* ``dossier.json`` (with its JSON Schema, ``schema.json``) and ``csv/<table>.csv``: the
  records of each section, as the sections hand them over through their ``ExportPart``: this
  module never names a section;
* ``README.txt``: what is in it, when it was made, by whom, for which school.

Everything is read for the requester with their access as it is when the export is built
(``user_flags``), and every query is about this one dossier. Consultation notes are audited
content: their events are recorded in one insert. The export is the directie's alone, and only
the person who asked for it opens it (``check_export``); its file is deleted after
``KEEP_DAYS`` days.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import tempfile
import time
import unicodedata
import zipfile
from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Partnership
from dossier.core import exportschema as s
from dossier.core.access import Section, user_flags
from dossier.core.registry import ExportAnswer, ExportPart, ReportKind, registry
from dossier.core.services import audit_record_many
from dossier.rapporten.models import Report
from dossier.rapporten.pdf import render_many
from samenwerking.csvcells import csv_safe

KEEP_DAYS = 7
SCHEMA_VERSION = 1
# file types that are compressed already: stored as they are
_COMPRESSED_TYPES = re.compile(
    r"^(application/(pdf|zip|gzip|x-7z-compressed|vnd\.openxmlformats-officedocument\..*|"
    r"vnd\.oasis\.opendocument\..*)|image/(jpeg|png|gif|webp)|video/.*|audio/.*)$"
)
_CHUNK = 1024 * 1024
# at most one progress write every half second (and one at every report, which takes longer)
_PROGRESS_EVERY = 0.5


def check_export(access, report) -> str:
    """The export holds everything the directie reads: only the school's directie asks for
    it, and only the person who asked opens it. It has no confidential content to add."""
    if report.include_confidential:
        raise ValidationError(_("This kind of report has no confidential content."))
    if not access.is_directie:
        raise PermissionDenied(_("Only the school's directie may export the dossier."))
    if access.user_id is None or access.user_id != report.requested_by_id:
        raise PermissionDenied(_("An export is only for the person who asked for it."))
    return ""


def _not_a_template(report):
    raise NotImplementedError("The dossier export makes its own file (make_export).")


# --- names in the ZIP ---------------------------------------------------------------------

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)


def safe_name(text: str, *, fallback: str = "bestand", max_length: int = 100) -> str:
    """``text`` as one part of a path in the ZIP: no folder separators or control characters,
    no leading dots (so never ``..``), no name Windows refuses, at most ``max_length``
    characters with the extension kept."""
    text = unicodedata.normalize("NFC", str(text))
    text = _UNSAFE.sub("_", text)
    text = " ".join(text.split()).strip(" .")
    if not text:
        text = fallback
    if _RESERVED.match(text):
        text = "_" + text
    if len(text) > max_length:
        stem, dot, extension = text.rpartition(".")
        if dot and stem and 0 < len(extension) <= 10:
            text = stem[: max_length - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            text = text[:max_length].rstrip(" .")
    return text


class _Names:
    """Paths in the ZIP, each used once (also by case: Windows and macOS fold case)."""

    def __init__(self):
        self._taken: set[str] = set()

    def unique(self, folder: str, name: str) -> str:
        stem, dot, extension = name.rpartition(".")
        if not dot or not stem:
            stem, extension = name, ""
        candidate, number = name, 1
        while f"{folder}/{candidate}".casefold() in self._taken:
            number += 1
            candidate = f"{stem} ({number})" + (f".{extension}" if extension else "")
        self._taken.add(f"{folder}/{candidate}".casefold())
        return f"{folder}/{candidate}" if folder else candidate


# --- values in dossier.json and the CSV files ---------------------------------------------


def _json_value(value):
    if isinstance(value, datetime.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Promise):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not exported")


def csv_cell(value) -> str:
    """A cell as the house's CSV files write it: dates dd/mm/yyyy, moments in Brussels time,
    lists joined with "; ", and every text formula-safe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return csv_safe("; ".join(str(item) for item in value))
    return csv_safe(str(value))


def _zip_info(name: str, moment: datetime.datetime | None, *, stored: bool) -> zipfile.ZipInfo:
    moment = timezone.localtime(moment) if moment is not None else timezone.localtime()
    info = zipfile.ZipInfo(name, date_time=max(moment.timetuple()[:6], (1980, 1, 1, 0, 0, 0)))
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


# --- the schema of dossier.json ------------------------------------------------------------

SCHOOL = s.record(
    {
        "name": s.string(),
        "instellingsnummer": s.string(),
        "street": s.string(),
        "postcode": s.string(),
        "city": s.string(),
        "email": s.string(),
        "phone": s.string(),
    }
)
PARTNERSHIP = s.record(
    {
        "partner_kind": s.choice(["clb", "pbd", "lsc"]),
        "partner": s.string(),
        "start_date": s.date(),
        "end_date": s.nullable(s.date("the last day; null while it runs")),
    }
)


def export_schema(parts: list[ExportPart]) -> dict:
    """The JSON Schema of ``dossier.json`` with the parts a person reads."""
    body = s.record(
        {
            "format": s.choice(["samenwerkingsdossier-export"]),
            "schema_version": s.integer("changes when a field changes meaning or goes away"),
            "generated_at": s.moment(),
            "generated_by": s.person(),
            "school": SCHOOL,
            "partnerships": s.array(PARTNERSHIP, "every period with each partner, oldest first"),
            "school_years": s.array(s.string(pattern=r"^\d{4}-\d{4}$"), "that have data"),
            "sections": s.record(
                {part.key: s.array(part.schema, str(part.label)) for part in parts},
                "each section's records under its key",
            ),
        },
        "The records of one school's samenwerkingsdossier.",
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Samenwerkingsdossier: dossier.json",
        **body,
    }


# --- the build -------------------------------------------------------------------------------


class _Progress:
    """Passes the steps on to the report's progress, at most every half second."""

    def __init__(self, report_progress: Callable[..., None]):
        self._progress = report_progress
        self._last = 0.0
        self.done = 0
        self.total = 0

    def step(self, note: str = "", *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last >= _PROGRESS_EVERY or self.done >= self.total:
            self._progress(self.done, self.total, str(note)[:200])
            self._last = now


def export_parts_for(access) -> list[ExportPart]:
    return sorted(
        (part for part in registry.export_parts.values() if access.can_read(part.section)),
        key=lambda part: (part.order, part.key),
    )


def _yearly_kinds(access) -> list[ReportKind]:
    """The kinds of report asked for by school year that the person reads (not this one)."""
    return [
        spec
        for spec in registry.report_kinds.values()
        if spec.make is None and spec.asked_for_by_year and access.can_read(spec.section)
    ]


def _report_jobs(report, access, parts, answers) -> list[tuple[Report, ReportKind, str]]:
    """Every PDF of the export: ``(unsaved report, kind, path in the ZIP)``, in order."""
    years_of: dict[Section, set[str]] = {}
    for part, answer in zip(parts, answers, strict=True):
        years_of.setdefault(part.section, set()).update(answer.school_years)
    every_year = set().union(*years_of.values()) if years_of else set()
    jobs: list[tuple[Report, ReportKind, str]] = []

    def transient(kind: str, year: str, subject_id: int | None = None) -> Report:
        return Report(
            dossier=report.dossier,
            kind=kind,
            school_year=year,
            requested_by=report.requested_by,
            subject_id=subject_id,
        )

    def add(spec: ReportKind, item: Report) -> None:
        if spec.check is not None:
            try:
                item.subject_label = str(spec.check(access, item))[:200]
            except (PermissionDenied, ValidationError):
                return  # not for this person, or not (or no longer) something to report
        name = spec.filename
        if item.subject_id is not None:
            label = safe_name(item.subject_label, fallback=str(item.subject_id), max_length=80)
            name = f"{name}-{label}"
        jobs.append((item, spec, f"{name}.pdf"))

    for year in sorted(every_year):
        for spec in _yearly_kinds(access):
            # a section's own report for the years it has data; an overall one for every year
            if year in years_of.get(spec.section, every_year):
                add(spec, transient(spec.key, year))
    items = sorted({item for answer in answers for item in answer.reports}, key=lambda i: i[1:])
    for kind, year, subject_id in items:
        spec = registry.report_kinds.get(kind)
        if spec is not None and spec.for_dossier and access.can_read(spec.section):
            add(spec, transient(kind, year, subject_id))
    return jobs


def _readme(report, *, school, parts, answers, pdf_count, file_count, missing) -> str:
    generated = timezone.localtime()
    lines = [
        _("Export of the samenwerkingsdossier of %(school)s") % {"school": school.name},
        "",
        _("School: %(name)s, instellingsnummer %(number)s")
        % {"name": school.name, "number": school.instellingsnummer},
        _("Made on %(date)s at %(time)s for %(person)s (%(email)s).")
        % {
            "date": generated.strftime("%d/%m/%Y"),
            "time": generated.strftime("%H:%M"),
            "person": report.requested_by,
            "email": report.requested_by.email,
        },
        _(
            "It holds what this person could read in the dossier when it was made. Keep it "
            "as carefully as the dossier itself: it holds consultation notes and signals."
        ),
        "",
        _("What is in it:"),
        _("- rapporten/: the PDFs of every school year (%(count)d in all).") % {"count": pdf_count},
        _(
            "- documenten/: every version of every shared document (%(count)d files), one "
            "folder per document, the versions named v1-, v2-, ..."
        )
        % {"count": file_count},
        _(
            "- dossier.json: all records, for another program; schema.json describes its "
            "fields (JSON Schema). Dates are written as 2025-10-01, moments with their time "
            "zone."
        ),
        _(
            "- csv/: the same records as tables for a spreadsheet (UTF-8, separated by "
            "semicolons, dates as dd/mm/yyyy)."
        ),
        "",
        _("Records per part:"),
    ]
    lines += [
        f"- {part.label}: {len(answer.records)}"
        for part, answer in zip(parts, answers, strict=True)
    ]
    lines += [
        "",
        _(
            "Confidential answers of a samenwerkingsgesprek (such as door and wifi codes) are "
            "never in an export."
        ),
    ]
    if missing:
        lines += ["", _("These files could not be read and are missing from the export:")]
        lines += [f"- {name}" for name in missing]
    return "\r\n".join(str(line) for line in lines) + "\r\n"


def make_export(report, progress: Callable[..., None]) -> File:
    """Build the export of ``report`` (asked for by the directie) into a temporary file and
    return it, calling ``progress(done, total, note)`` as it goes."""
    dossier = report.dossier
    school = dossier.school
    requester = report.requested_by
    access = user_flags(requester, dossier)
    check_export(access, report)  # still the directie, and still the requester
    steps = _Progress(progress)
    parts = export_parts_for(access)
    steps.total = len(parts) + 1
    steps.step(_("collecting"), force=True)
    answers: list[ExportAnswer] = []
    for part in parts:
        answers.append(part.collect(dossier, access))
        steps.done += 1
        steps.step(part.label)
    jobs = _report_jobs(report, access, parts, answers)
    files = [file for answer in answers for file in answer.files]
    steps.total = len(parts) + len(jobs) + len(files) + 1

    names = _Names()
    missing: list[str] = []
    pdf_count = 0
    # handed to the pipeline, which saves it to the storage; closed (and so removed) with it
    archive = tempfile.TemporaryFile(prefix="dossier-export-")  # noqa: SIM115
    try:
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            built: list[tuple[Report, str]] = []

            def sources():
                """Each report's template and context, built here as the PDFs before it are
                laid out (render_many: in parallel children)."""
                for item, spec, name in jobs:
                    try:
                        template_name, context = spec.build(item)
                    except (PermissionDenied, ValidationError):
                        # the item changed since it was looked at (a new version): left out
                        steps.done += 1
                        continue
                    built.append((item, name))
                    yield template_name, context, spec.pdf_variant or None

            for number, pdf in enumerate(render_many(sources())):
                item, name = built[number]
                steps.step(_("reports %(year)s") % {"year": item.school_year}, force=True)
                path = names.unique(f"rapporten/{item.school_year}", name)
                zf.writestr(_zip_info(path, None, stored=True), pdf)
                pdf_count += 1
                steps.done += 1
            folders: dict[str, str] = {}
            for stored in files:
                steps.step(_("documents"))
                key = stored.folder_key or stored.folder
                if key not in folders:
                    folders[key] = names.unique("documenten", safe_name(stored.folder))
                path = names.unique(folders[key], safe_name(stored.name))
                info = _zip_info(
                    path,
                    stored.modified,
                    stored=bool(_COMPRESSED_TYPES.match(stored.content_type or "")),
                )
                try:
                    with (
                        stored.file.open("rb") as source,
                        zf.open(info, "w", force_zip64=stored.size > 2**31) as target,
                    ):
                        while chunk := source.read(_CHUNK):
                            target.write(chunk)
                except FileNotFoundError:
                    missing.append(path)
                    path = ""
                if stored.record is not None:
                    stored.record["path"] = path
                steps.done += 1
            steps.step(_("data files"), force=True)
            _write_data(zf, report=report, school=school, parts=parts, answers=answers)
            readme = _readme(
                report,
                school=school,
                parts=parts,
                answers=answers,
                pdf_count=pdf_count,
                file_count=len(files) - len(missing),
                missing=missing,
            )
            zf.writestr(_zip_info("README.txt", None, stored=False), readme.encode("utf-8"))
        steps.done = steps.total
        steps.step("", force=True)
        # what the export shows of audited content (consultation notes): one event per item
        audit_record_many(
            actor=requester, entries=[entry for answer in answers for entry in answer.audit]
        )
    except BaseException:
        archive.close()
        raise
    archive.seek(0)
    return File(archive, name="dossier-export.zip")


def _write_data(zf: zipfile.ZipFile, *, report, school, parts, answers) -> None:
    """dossier.json, schema.json and the CSV tables, written into the ZIP as they are made."""
    school_years = sorted({year for answer in answers for year in answer.school_years})
    partnerships = (
        Partnership.objects.filter(school_id=school.pk)
        .select_related("partner")
        .order_by("start_date", "partner_kind", "pk")
    )
    data = {
        "format": "samenwerkingsdossier-export",
        "schema_version": SCHEMA_VERSION,
        "generated_at": timezone.now(),
        "generated_by": s.person_of(report.requested_by),
        "school": {
            "name": school.name,
            "instellingsnummer": school.instellingsnummer,
            "street": school.street,
            "postcode": school.postcode,
            "city": school.city,
            "email": school.email,
            "phone": school.phone,
        },
        "partnerships": [
            {
                "partner_kind": partnership.partner_kind,
                "partner": partnership.partner.name,
                "start_date": partnership.start_date,
                "end_date": partnership.end_date,
            }
            for partnership in partnerships
        ],
        "school_years": school_years,
        "sections": {part.key: answer.records for part, answer in zip(parts, answers, strict=True)},
    }
    with (
        zf.open(_zip_info("dossier.json", None, stored=False), "w") as raw,
        io.TextIOWrapper(raw, encoding="utf-8", newline="\n") as text,
    ):
        json.dump(data, text, ensure_ascii=False, indent=1, default=_json_value)
    schema = json.dumps(export_schema(parts), ensure_ascii=False, indent=2)
    zf.writestr(_zip_info("schema.json", None, stored=False), schema.encode("utf-8"))
    names = _Names()
    for answer in answers:
        for table in answer.tables:
            path = names.unique("csv", safe_name(table.name) + ".csv")
            with (
                zf.open(_zip_info(path, None, stored=False), "w") as raw,
                io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text,
            ):
                writer = csv.writer(text, delimiter=";")
                writer.writerow([str(head) for head in table.header])
                writer.writerows([csv_cell(cell) for cell in row] for row in table.rows)


EXPORT = ReportKind(
    key="export",
    label=gettext_lazy("Dossier export"),
    section=Section.TOEGANG,
    build=_not_a_template,
    filename="dossier-export",
    check=check_export,
    make=make_export,
    extension="zip",
    content_type="application/zip",
    yearly=False,
    keep_days=KEEP_DAYS,
)
