"""An approved samenwerkingsafspraak as a PDF: one version, as the partners approved it.

Asked for from the agreement's page (``afspraken:afspraak_report``) and made by the report
pipeline (``dossier.rapporten``) like every report. The report is about one version
(``Report.subject_id`` is the ``AfspraakVersie``): the newest one that every partner approved
when it was asked for, so the PDF keeps showing what was agreed, also once a newer version is
drafted. ``check_afspraak_report`` looks at the request and at every opening of the report;
``build_afspraak_report`` checks the requester again and gives the worker template and context.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossier.afspraken.models import AfspraakPartij, AfspraakVersie
from dossier.core.access import SIDE_ORDER, Section, user_flags
from dossier.core.registry import ReportKind
from samenwerking.schoolyear import school_year_of

TEMPLATE = "afspraken/reports/afspraak.html"


def approved_at(version: AfspraakVersie):
    """When the last partner approved ``version`` (its parties prefetched), or None while one
    has not yet: only then does the version hold."""
    parties = list(version.partijen.all())
    if not parties or any(party.approved_at is None for party in parties):
        return None
    return max(party.approved_at for party in parties)


def newest_approved(versions) -> AfspraakVersie | None:
    """Of an agreement's versions (their parties prefetched), the newest that holds."""
    for version in sorted(versions, key=lambda v: v.number, reverse=True):
        if approved_at(version) is not None:
            return version
    return None


def school_year_of_version(version: AfspraakVersie) -> str:
    """The school year a version came to hold in: the one its report is filed under."""
    return school_year_of(timezone.localtime(approved_at(version)).date())


def _version_of(report, *, parties_in_full: bool = False) -> AfspraakVersie | None:
    """The report's version, if it is one of the report's dossier; with its parties."""
    if report.subject_id is None:
        return None
    partijen = AfspraakPartij.objects.all()
    if parties_in_full:
        partijen = partijen.select_related("organisation", "approved_by")
    return (
        AfspraakVersie.objects.select_related("afspraak")
        .prefetch_related(Prefetch("partijen", queryset=partijen))
        .filter(pk=report.subject_id, afspraak__dossier_id=report.dossier_id)
        .first()
    )


def _refuse_unless_reportable(access, version: AfspraakVersie | None, school_year: str) -> None:
    # not an agreement of this dossier
    if version is None:
        raise ValidationError(_("This agreement is not part of this dossier."))
    # the agreement does not bind this person's side: as if it did not exist (404 in the views)
    if not access.can_read_item(version.afspraak):
        raise PermissionDenied(_("You may not read this agreement."))
    # a draft: only what every partner approved becomes a PDF
    if approved_at(version) is None:
        raise ValidationError(
            _("Only a version that every partner approved can be made into a PDF.")
        )
    # filed under the year it came to hold in
    if school_year != school_year_of_version(version):
        raise ValidationError(_("This version of the agreement holds from another school year."))


def version_label(version: AfspraakVersie) -> str:
    """What the lists call the report's item: "Consultatiemomenten, versie 2"."""
    return _("%(title)s, version %(number)s") % {
        "title": version.afspraak.title,
        "number": version.number,
    }


def check_afspraak_report(access, report) -> str:
    """The version must be of an agreement of the dossier that binds the person's side, and
    approved by every partner. Returns the agreement's title and version, for the lists."""
    version = _version_of(report)
    _refuse_unless_reportable(access, version, report.school_year)
    return version_label(version)


def _side_position(party: AfspraakPartij) -> int:
    return SIDE_ORDER.index(party.kind) if party.kind in SIDE_ORDER else len(SIDE_ORDER)


def build_afspraak_report(report):
    """Template and context of one approved version: four queries, whatever the number of
    partners. The requester's access is checked again: someone whose side the agreement no
    longer binds gets no PDF of it (the report fails with a clear message)."""
    context = {
        "report": report,
        "school": report.dossier.school,
        "generated_at": timezone.localtime(),
        "version": None,
    }
    version = _version_of(report, parties_in_full=True)
    if version is None:  # gone from the dossier: the report says so
        return TEMPLATE, context
    access = user_flags(report.requested_by, report.dossier)
    _refuse_unless_reportable(access, version, report.school_year)
    afspraak = version.afspraak
    newest = afspraak.versies.order_by("-number").values_list("number", flat=True).first()
    return TEMPLATE, context | {
        "afspraak": afspraak,
        "version": version,
        "parties": sorted(version.partijen.all(), key=_side_position),
        "approved_at": approved_at(version),
        "newer_version": newest if newest and newest > version.number else None,
    }


AFSPRAAK_REPORT = ReportKind(
    key="samenwerkingsafspraak",
    label=gettext_lazy("Samenwerkingsafspraak"),
    section=Section.AFSPRAKEN,
    build=build_afspraak_report,
    filename="samenwerkingsafspraak",
    requested_from_item=True,
    check=check_afspraak_report,
    # tagged and accessible: headings and reading order for a screen reader
    pdf_variant="pdf/ua-1",
)
