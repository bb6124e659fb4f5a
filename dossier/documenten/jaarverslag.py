"""The shared documents' chapter of the jaarverslag (``dossier.rapporten.jaarverslag``): the
documents filed under the school year, each with its versions.

Each document has its own audience: the chapter holds only those the reader's side is in
(``documents_for``, on ``audience_q``), as the documents page does; none from the bin.
"""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossier.core.access import Section
from dossier.core.registry import ReportPart
from dossier.documenten.models import Document
from dossier.documenten.selectors import documents_for
from samenwerking.charts import bar_chart


def documents_context(dossier, access, school_year: str) -> dict:
    """The school year's shared documents the reader sees, with their versions: two queries."""
    documents = list(
        documents_for(dossier, access)
        .filter(school_year=school_year)
        .order_by("kind", "title", "pk")
    )
    per_kind = Counter(document.kind for document in documents)
    chart = bar_chart(
        key="jaarverslag-documents",
        title=_("Shared documents by kind, %(year)s") % {"year": school_year},
        rows=[(str(kind.label), per_kind[kind]) for kind in Document.Kind if per_kind.get(kind)],
        row_head=_("Kind"),
        value_head=_("Documents"),
        colour="#00707a",
        empty_text=_("No documents shared with your side for this school year."),
    )
    rows = []
    for document in documents:
        versies = list(document.versies.all())  # newest first
        rows.append(
            {
                "document": document,
                "latest": versies[0] if versies else None,
                "version_count": len(versies),
                "audience": [
                    label
                    for flag, label in (
                        (True, _("school")),
                        (document.for_clb, "CLB"),
                        (document.for_pbd, "PBD"),
                        (document.for_lsc, "LSC"),
                    )
                    if flag
                ],
            }
        )
    return {"rows": rows, "kind_chart": chart}


PART = ReportPart(
    key="documenten",
    label=gettext_lazy("Shared documents"),
    section=Section.DOCUMENTEN,
    order=60,
    template="documenten/reports/jaarverslag.html",
    context=documents_context,
)
