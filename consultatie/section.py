"""What the consultation section tells the core: its tab, retention, search and audit actions."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from consultatie.models import Consultatie, Opmerking
from consultatie.selectors import search_notes, work_for
from dossier.core.access import Section
from dossier.core.registry import (
    AuditAction,
    RetentionType,
    SearchHit,
    SearchProvider,
    SearchResults,
    Tab,
    WorkSource,
    registry,
)
from dossier.core.services import AuditEntry
from samenwerking.search import highlight, mark_terms

# Every display of a note's text is logged, one event per note shown; reads stay out of the
# overview's recent activity. The detail is a reference only (``note_reference``): the audit
# log outlives the note and keeps none of its content.
NOTE_OPENED = AuditAction("consultatie_read", _("Consultation note opened"), quiet=True)
NOTE_LISTED = AuditAction(
    "consultatie_listed", _("Consultation note shown in the list"), quiet=True
)
NOTE_EDIT_OPENED = AuditAction(
    "consultatie_edit_opened", _("Consultation note opened to change it"), quiet=True
)
NOTE_ADVICE_SHOWN = AuditAction(
    "consultatie_advice_shown",
    _("Advice of a consultation note shown as earlier advice"),
    quiet=True,
)
NOTE_FOUND = AuditAction(
    "consultatie_found", _("Consultation note shown in search results"), quiet=True
)
NOTE_IN_REPORT = AuditAction(
    "consultatie_in_report", _("Consultation note put in a jaarverslag"), quiet=True
)
NOTE_IN_EXPORT = AuditAction(
    "consultatie_in_export", _("Consultation note put in a dossier export"), quiet=True
)
NOTE_ACTIONS = [
    NOTE_OPENED,
    NOTE_LISTED,
    NOTE_EDIT_OPENED,
    NOTE_ADVICE_SHOWN,
    NOTE_FOUND,
    NOTE_IN_REPORT,
    NOTE_IN_EXPORT,
]


def note_reference(note_pk: int) -> str:
    """What the audit log keeps of a note: its number, never its label or text."""
    return f"#{note_pk}"


def _search(user, query: str) -> SearchResults:
    notes = search_notes(user, query)
    return SearchResults(
        hits=[_hit(note, query, notes.terms) for note in notes], count=notes.count, more=notes.more
    )


def _hit(note, query: str, terms) -> SearchHit:
    return SearchHit(
        kind="consultatie",
        kind_label=_("Consultation"),
        rank=note.rank,
        title=f"{note.date:%d/%m/%Y} · {note.label}",
        school=note.dossier.school.name,
        excerpt=highlight(note.search_text, query, terms=terms),
        url=reverse("consultatie:detail", kwargs={"pk": note.dossier_id, "note_pk": note.pk}),
        # a theme that the terms name is marked too: a note may be found through it alone
        themes=[mark_terms(t.name, query, terms=terms) for t in note.themas.all()],
        audit=AuditEntry(
            dossier_id=note.dossier_id,
            action=NOTE_FOUND.key,
            section=Section.CONSULTATIES,
            detail=note_reference(note.pk),
        ),
    )


def register() -> None:
    registry.register(
        tabs=[
            Tab(
                key="consultaties",
                label=_("Consultations"),
                url_name="consultatie:list",
                section=Section.CONSULTATIES,
                order=20,
                current_on=("consultatie:*",),
            )
        ],
        retention_types=[
            RetentionType(key="consultatie", label=_("Consultation notes"), model=Consultatie)
        ],
        search_providers=[
            SearchProvider(
                key="consultaties",
                label=_("Consultations"),
                section=Section.CONSULTATIES,
                search=_search,
            )
        ],
        audit_actions=NOTE_ACTIONS,
        work_sources=[
            WorkSource(
                key="consultaties",
                section=Section.CONSULTATIES,
                order=20,
                collect=work_for,
                watch=((Consultatie, "dossier_id"), (Opmerking, "consultatie.dossier_id")),
            )
        ],
    )
    # the consultations' chapter of the yearly report
    from consultatie.jaarverslag import PART as JAARVERSLAG_PART

    registry.register(report_parts=[JAARVERSLAG_PART])
    # the consultations' part of the doorlichting
    from consultatie.doorlichting import PART as DOORLICHTING_PART

    registry.register(doorlichting_parts=[DOORLICHTING_PART])
    # the consultations' part of the dossier export
    from consultatie.export import PART as EXPORT_PART

    registry.register(export_parts=[EXPORT_PART])
