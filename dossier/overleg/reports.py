"""The minutes of one structural meeting as a PDF.

Asked for from the meeting's page (``overleg:overleg_report``) and made by the report pipeline
(``dossier.rapporten``) like every report. Everyone who reads the structural meeting reads its
minutes; the documents and agreements it links have audiences of their own, so the PDF lists
only those the person who asked may see (through the ``Linkable`` registrations: this section
never imports the others). Someone else who has the report's reference opens it only when it
shows nothing they may not see.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossier.core.access import Section, user_flags
from dossier.core.registry import ReportKind
from dossier.overleg.models import StructureelOverleg
from dossier.overleg.selectors import linked_items
from samenwerking.schoolyear import school_year_of

TEMPLATE = "overleg/reports/overleg.html"

# the sections a meeting links, by their Linkable key, and the meeting's field for each
LINKED = (("documenten", "documents"), ("afspraken", "afspraken"))


def _overleg_of(report) -> StructureelOverleg | None:
    if report.subject_id is None:
        return None
    return StructureelOverleg.objects.filter(
        pk=report.subject_id, dossier_id=report.dossier_id
    ).first()


def _linked_titles(overleg: StructureelOverleg, dossier, access) -> dict[str, list[tuple]]:
    """Per linked section, ``(pk, title)`` of the items the meeting links that ``access``
    may see, by title: one query a section."""
    titles = {}
    for key, field in LINKED:
        linked = getattr(overleg, field).values("pk")
        titles[key] = list(
            linked_items(key, dossier, access)
            .select_related(None)
            .prefetch_related(None)
            .filter(pk__in=linked)
            .order_by("title", "pk")
            .values_list("pk", "title")
        )
    return titles


def meeting_label(overleg: StructureelOverleg) -> str:
    """What the lists call the report's item: the meeting's date, dd/mm/yyyy."""
    return overleg.date.strftime("%d/%m/%Y")


def check_overleg_report(access, report) -> str:
    """The meeting must be the dossier's, of the report's school year. A report opened by
    someone other than its requester (who has its reference) must not list a linked document
    or agreement they may not see. Returns the meeting's date, for the lists."""
    overleg = _overleg_of(report)
    # not a meeting of this dossier
    if overleg is None or school_year_of(overleg.date) != report.school_year:
        raise ValidationError(_("This structural meeting is not part of this dossier."))
    # someone else's report: only if it shows no title that is closed to this person
    if report.pk is not None and report.requested_by_id != access.user_id:
        requester = user_flags(report.requested_by, report.dossier)
        theirs = _linked_titles(overleg, report.dossier, requester)
        mine = _linked_titles(overleg, report.dossier, access)
        if any(set(theirs[key]) - set(mine[key]) for key, _field in LINKED):
            raise PermissionDenied(_("This report lists items you may not see."))
    return meeting_label(overleg)


def build_overleg_report(report):
    """Template and context of one meeting's minutes: a handful of queries, whatever the number
    of linked items. The requester must still read the structural meeting."""
    context = {
        "report": report,
        "school": report.dossier.school,
        "generated_at": timezone.localtime(),
        "overleg": None,
    }
    overleg = _overleg_of(report)
    if overleg is None:  # gone from the dossier: the report says so
        return TEMPLATE, context
    access = user_flags(report.requested_by, report.dossier)
    if not access.can_read(Section.OVERLEG):
        raise PermissionDenied(_("You no longer have access to the structural meeting."))
    participants = [
        (label, names)
        for label, names in (
            (_("For the school"), overleg.school_participants),
            (_("For the CLB"), overleg.clb_participants),
            (_("For the PBD"), overleg.pbd_participants),
            (_("For the LSC"), overleg.lsc_participants),
        )
        if names
    ]
    linked = _linked_titles(overleg, report.dossier, access)
    return TEMPLATE, context | {
        "overleg": overleg,
        "participants": participants,
        "documents": [title for _pk, title in linked["documenten"]],
        "afspraken": [title for _pk, title in linked["afspraken"]],
    }


OVERLEG_REPORT = ReportKind(
    key="structureel_overleg",
    label=gettext_lazy("Minutes of the structural meeting"),
    section=Section.OVERLEG,
    build=build_overleg_report,
    filename="verslag-structureel-overleg",
    requested_from_item=True,
    check=check_overleg_report,
    # tagged and accessible: headings and reading order for a screen reader
    pdf_variant="pdf/ua-1",
)
