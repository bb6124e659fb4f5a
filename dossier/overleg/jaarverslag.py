"""The structural meetings' chapter of the jaarverslag (``dossier.rapporten.jaarverslag``):
the meetings of the school year, who took part for each partner, and what was decided.

Everyone who reads the dossier reads its meetings; the documents and agreements a meeting links
are named only when the reader may see them (the other sections' ``Linkable``).
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossier.core.access import Section
from dossier.core.registry import ReportPart
from dossier.overleg.models import StructureelOverleg
from dossier.overleg.selectors import linked_items
from samenwerking.schoolyear import school_year_dates


def meetings_context(dossier, access, school_year: str) -> dict:
    """The school year's meetings, oldest first, with the linked items the reader sees: three
    queries."""
    first, last = school_year_dates(school_year)
    overleggen = list(
        StructureelOverleg.objects.filter(dossier=dossier, date__range=(first, last))
        .prefetch_related(
            Prefetch("documents", queryset=linked_items("documenten", dossier, access)),
            Prefetch("afspraken", queryset=linked_items("afspraken", dossier, access)),
        )
        .order_by("date", "pk")
    )
    meetings = []
    for overleg in overleggen:
        meetings.append(
            {
                "overleg": overleg,
                "participants": [
                    (label, names)
                    for label, names in (
                        (_("For the school"), overleg.school_participants),
                        (_("For the CLB"), overleg.clb_participants),
                        (_("For the PBD"), overleg.pbd_participants),
                        (_("For the LSC"), overleg.lsc_participants),
                    )
                    if names
                ],
                "documents": list(overleg.documents.all()),
                "afspraken": list(overleg.afspraken.all()),
            }
        )
    return {"meetings": meetings}


PART = ReportPart(
    key="overleg",
    label=gettext_lazy("Structural meetings and their decisions"),
    section=Section.OVERLEG,
    order=40,
    template="overleg/reports/jaarverslag.html",
    context=meetings_context,
)
