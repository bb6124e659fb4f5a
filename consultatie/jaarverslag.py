"""The consultations' chapter of the jaarverslag (``dossier.rapporten.jaarverslag``): the red
threads across school years, who asked, and the notes of the year.

Only school and CLB read consultations (``Section.CONSULTATIES``), so only their jaarverslag
has this chapter. Every note whose text the report shows is audited, as on the pages: one event
per note, recorded by the report in one insert.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultatie.charts import theme_chart
from consultatie.models import AskedBy, Consultatie
from consultatie.section import NOTE_IN_REPORT, note_reference
from consultatie.selectors import theme_overview
from dossier.core.access import Section
from dossier.core.models import Thema
from dossier.core.registry import ReportPart
from dossier.core.services import AuditEntry
from samenwerking.charts import bar_chart


def consultations_context(dossier, access, school_year: str) -> dict:
    """The theme counts of every school year up to this one, and this year's notes with their
    themes: three queries."""
    overview = theme_overview([dossier.pk])
    notes = list(
        Consultatie.objects.filter(dossier=dossier, school_year=school_year)
        .select_related("author", "author_organisation")
        .prefetch_related(Prefetch("themas", queryset=Thema.objects.order_by("position", "name")))
        .order_by("date", "pk")
    )
    asked = Counter(note.asked_by for note in notes)
    by_whom = bar_chart(
        key="jaarverslag-asked-by",
        title=_("Consultations by who asked, %(year)s") % {"year": school_year},
        rows=[(str(choice.label), asked[choice]) for choice in AskedBy if asked.get(choice)],
        row_head=_("Who asked"),
        value_head=_("Consultations"),
        colour="#6a3d9a",
        empty_text=_("No consultations in this school year."),
    )
    return {
        "notes": notes,
        "theme_chart": theme_chart(overview, key="jaarverslag-themes", until=school_year),
        "asked_chart": by_whom,
        "open_count": sum(1 for note in notes if note.status == "open"),
        "audit": [
            AuditEntry(
                dossier_id=dossier.pk,
                action=NOTE_IN_REPORT.key,
                section=Section.CONSULTATIES,
                detail=note_reference(note.pk),
            )
            for note in notes
        ],
    }


PART = ReportPart(
    key="consultaties",
    label=gettext_lazy("Consultations: themes and notes"),
    section=Section.CONSULTATIES,
    order=20,
    template="consultatie/reports/jaarverslag.html",
    context=consultations_context,
)
