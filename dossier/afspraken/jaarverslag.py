"""The agreements' chapter of the jaarverslag (``dossier.rapporten.jaarverslag``): the
samenwerkingsafspraken of the school year with their versions, approvals and evaluation.

Each agreement has its own audience (the partners it binds): the chapter holds only those the
reader's side is bound by (``audience_q``), as the agreements page does.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossier.afspraken.models import Samenwerkingsafspraak
from dossier.afspraken.selectors import afspraken_for
from dossier.core.access import SIDE_ORDER, Section
from dossier.core.registry import ReportPart
from samenwerking.charts import bar_chart
from samenwerking.schoolyear import school_year_dates


def in_school_year(school_year: str) -> Q:
    """Agreements that something happened to in the school year: made, changed (a new
    version), approved by a partner, or due for evaluation."""
    first, last = school_year_dates(school_year)
    return (
        Q(created_at__date__range=(first, last))
        | Q(evaluation_date__range=(first, last))
        | Q(versies__created_at__date__range=(first, last))
        | Q(versies__partijen__approved_at__date__range=(first, last))
    )


def agreements_context(dossier, access, school_year: str) -> dict:
    """The agreements of the school year the reader sees, each with every version and its
    parties: four queries."""
    ids = (
        Samenwerkingsafspraak.objects.filter(in_school_year(school_year), dossier=dossier)
        .values("pk")
        .distinct()
    )
    afspraken = list(
        afspraken_for(dossier, access).filter(pk__in=ids).order_by("evaluation_date", "pk")
    )
    rows = []
    for afspraak in afspraken:
        versies = list(afspraak.versies.all())  # newest first
        current = versies[0] if versies else None
        rows.append(
            {
                "afspraak": afspraak,
                "current": current,
                # the school first, then the partners in their usual order
                "parties": sorted(
                    current.partijen.all() if current else [],
                    key=lambda party: SIDE_ORDER.index(party.kind),
                ),
                "earlier": versies[1:],
            }
        )
    per_status = Counter(afspraak.status for afspraak in afspraken)
    chart = bar_chart(
        key="jaarverslag-agreements",
        title=_("Agreements by status, %(year)s") % {"year": school_year},
        rows=[
            (str(status.label), per_status[status])
            for status in Samenwerkingsafspraak.Status
            if per_status.get(status)
        ],
        row_head=_("Status"),
        value_head=_("Agreements"),
        colour="#2e7d32",
        empty_text=_("No agreements that bind your side this school year."),
    )
    return {"rows": rows, "status_chart": chart}


PART = ReportPart(
    key="afspraken",
    label=gettext_lazy("Samenwerkingsafspraken"),
    section=Section.AFSPRAKEN,
    order=30,
    template="afspraken/reports/jaarverslag.html",
    context=agreements_context,
)
