"""What the consultation section tells the core: its tab, retention, search and audit action."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from consultatie.models import Consultatie
from consultatie.selectors import search_notes
from dossier.core.access import Section
from dossier.core.registry import (
    AuditAction,
    RetentionType,
    SearchHit,
    SearchProvider,
    Tab,
    registry,
)
from samenwerking.search import highlight

# Every opening of a note is logged; reads stay out of the overview's recent activity.
NOTE_OPENED = AuditAction("consultatie_read", _("Consultation note opened"), quiet=True)


def _search(user, query: str):
    for note in search_notes(user, query):
        yield SearchHit(
            kind="consultatie",
            kind_label=_("Consultation"),
            rank=note.rank,
            title=f"{note.date:%d/%m/%Y} · {note.label}",
            school=note.dossier.school.name,
            excerpt=highlight(note.search_text, query),
            url=reverse("consultatie:detail", kwargs={"pk": note.dossier_id, "note_pk": note.pk}),
            themes=[t.name for t in note.themas.all()],
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
        audit_actions=[NOTE_OPENED],
    )
