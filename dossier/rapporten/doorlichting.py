"""The doorlichting: what the inspectorate looks at of the signaalfunctie and the consultatieve
leerlingenbegeleiding of a school and its CLB, per school year.

Its chapters are not written here: each section registers a ``DoorlichtingPart``
(``dossier.core.registry``). For one school, the page, the PDF (``DOORLICHTING``) and a CSV per
part show the parts the person reads in the dossier. Across a CLB's schools, its directeur sees
the same in figures per school (``DOORLICHTING_CLB``, an organisation's report), for the
schools the CLB served during the school year and over the days it served them: a school that
changed CLB mid-year is counted by each CLB for its own months. No item's content is in the
CLB's overview, so it needs no grant on the dossiers (``require_doorlichting_reader``); its
downloads go into the audit log of every school it covers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Partnership
from dossier.core.access import Section, user_flags
from dossier.core.access.organisations import may_read_doorlichting
from dossier.core.models import Dossier
from dossier.core.registry import ORGANISATION_SCOPE, AuditAction, ReportKind, registry
from samenwerking.schoolyear import school_year_dates, validate_school_year

# who may ask for a school's doorlichting: the school and its CLB (both read the consultations)
SECTION = Section.CONSULTATIES

DOORLICHTING_CSV = AuditAction(
    "doorlichting_csv", gettext_lazy("Doorlichting downloaded as CSV"), quiet=True
)


@dataclass(frozen=True)
class Chapter:
    key: str
    label: str
    html: SafeString
    csv: tuple[list[str], list[list[str]]]


def school_chapters(dossier, access, school_year: str, *, pdf: bool = False) -> list[Chapter]:
    """The parts this person reads, each rendered from its own template, with its CSV."""
    validate_school_year(school_year)
    chapters = []
    for part in registry.doorlichting_parts_for(access):
        context = part.school(dossier, school_year)
        rows = context.pop("csv")
        html = render_to_string(
            part.template,
            {
                "dossier": dossier,
                "school_year": school_year,
                "access": access,
                "pdf": pdf,
                # the PDF prints the charts' numbers beside them; the page hides them for
                # screen readers only
                "chart_table": "visible" if pdf else "hidden",
                "link_signals": not pdf,
                **context,
            },
        )
        # the part's template escapes what it shows, as every template does
        chapters.append(Chapter(part.key, str(part.label), mark_safe(html), rows))  # noqa: S308
    return chapters


def check_doorlichting(access, report) -> str:
    """A doorlichting holds what the person who asked reads: only they open it."""
    if report.include_confidential:
        raise ValidationError(_("This kind of report has no confidential content."))
    if access.user_id is None or access.user_id != report.requested_by_id:
        raise PermissionDenied(_("A doorlichting is only for the person who asked for it."))
    return ""


def build_doorlichting(report):
    dossier = report.dossier
    access = user_flags(report.requested_by, dossier)
    if not access.can_read(SECTION):
        raise PermissionDenied(_("You may not read what this report is about."))
    return "rapporten/reports/doorlichting.html", {
        "report": report,
        "school": dossier.school,
        "school_year": report.school_year,
        "chapters": school_chapters(dossier, access, report.school_year, pdf=True),
        "generated_at": timezone.localtime(),
    }


DOORLICHTING = ReportKind(
    key="doorlichting",
    label=gettext_lazy("Doorlichting"),
    section=SECTION,
    build=build_doorlichting,
    filename="doorlichting",
    check=check_doorlichting,
    pdf_variant="pdf/ua-1",
)


# --- across a CLB's schools ----------------------------------------------------------------


@dataclass(frozen=True)
class School:
    dossier_id: int
    name: str
    instellingsnummer: str
    first: datetime.date
    last: datetime.date

    @property
    def whole_year(self) -> bool:
        return self.first.month == 9 and self.first.day == 1 and self.last.month == 8


def served_schools(organisation, school_year: str) -> list[School]:
    """The schools the organisation served during the school year (a partnership that ran
    some of it), each with the first and last day it served them then: two queries. A school
    served twice in one year (a partnership ended and started again) counts from the first
    day to the last."""
    first, last = school_year_dates(school_year)
    spans: dict[int, tuple[datetime.date, datetime.date, str, str]] = {}
    for school_id, name, number, start, end in (
        Partnership.objects.filter(partner=organisation, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .values_list(
            "school_id", "school__name", "school__instellingsnummer", "start_date", "end_date"
        )
    ):
        begins, ends = max(start, first), min(end or last, last)
        if school_id in spans:
            begins = min(begins, spans[school_id][0])
            ends = max(ends, spans[school_id][1])
        spans[school_id] = (begins, ends, name, number)
    dossiers = dict(Dossier.objects.filter(school_id__in=spans).values_list("school_id", "pk"))
    schools = [
        School(dossiers[school_id], name, number, begins, ends)
        for school_id, (begins, ends, name, number) in spans.items()
        if school_id in dossiers
    ]
    return sorted(schools, key=lambda school: (school.name.lower(), school.dossier_id))


@dataclass(frozen=True)
class Table:
    key: str
    label: str
    columns: list[str]
    rows: list[tuple[School, list]]

    @property
    def shown(self) -> list[tuple[School, list[str]]]:
        """The rows as the page and the PDF show them: a dash for no figure."""
        return [
            (school, ["–" if value is None else _cell(value) for value in values])
            for school, values in self.rows
        ]

    def csv(self) -> tuple[list[str], list[list[str]]]:
        header = [_("School"), _("Instellingsnummer"), _("Served from"), _("Served until")]
        return header + self.columns, [
            [
                school.name,
                school.instellingsnummer,
                school.first.strftime("%d/%m/%Y"),
                school.last.strftime("%d/%m/%Y"),
                *("" if value is None else _cell(value) for value in values),
            ]
            for school, values in self.rows
        ]


def _cell(value) -> str:
    """A figure as text: a decimal comma, and no ",0" on a whole number of days."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.1f}".replace(".", ",")
    return str(value)


def clb_tables(organisation, school_year: str) -> tuple[list[School], list[Table]]:
    """Every part's figures for every school the CLB served: a fixed number of queries
    (each part's ``figures`` for all schools at once)."""
    schools = served_schools(organisation, school_year)
    windows = {school.dossier_id: (school.first, school.last) for school in schools}
    tables = []
    for part in registry.doorlichting_parts_for():
        figures = part.figures(windows, school_year)
        tables.append(
            Table(
                part.key,
                str(part.label),
                list(part.columns()),
                [(school, figures.get(school.dossier_id, [])) for school in schools],
            )
        )
    return schools, tables


def check_clb(user, organisation) -> None:
    if not may_read_doorlichting(user, organisation.pk):
        raise PermissionDenied(_("Only a directeur of this CLB sees its doorlichting."))


def build_clb(report):
    schools, tables = clb_tables(report.organisation, report.school_year)
    return "rapporten/reports/doorlichting_clb.html", {
        "report": report,
        "school": report.organisation,
        "organisation": report.organisation,
        "school_year": report.school_year,
        "schools": schools,
        "tables": tables,
        "generated_at": timezone.localtime(),
    }


def clb_audited_in(report) -> list[int]:
    """The schools whose figures the report holds: their audit logs record its download."""
    return [school.dossier_id for school in served_schools(report.organisation, report.school_year)]


DOORLICHTING_CLB = ReportKind(
    key="doorlichting_clb",
    label=gettext_lazy("Doorlichting of the CLB's schools"),
    section=SECTION,
    build=build_clb,
    filename="doorlichting-clb",
    pdf_variant="pdf/ua-1",
    scope=ORGANISATION_SCOPE,
    organisation_check=check_clb,
    page_url_name="rapporten:clb_doorlichting",
    audited_in=clb_audited_in,
)
