"""The structural meetings' part of the dossier export (``dossier.rapporten.export``): every
meeting of the dossier with its participants, agenda and decisions, the documents and
agreements it links that the reader may see (the other sections' ``Linkable``), and each
meeting's minutes as a PDF (the ``structureel_overleg`` report kind). Three queries."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import OrganisationKind
from dossier.core import exportschema as s
from dossier.core.access import Section
from dossier.core.registry import ExportAnswer, ExportPart, ExportTable
from dossier.overleg.models import StructureelOverleg
from dossier.overleg.reports import OVERLEG_REPORT
from dossier.overleg.selectors import linked_items
from samenwerking.schoolyear import school_year_of

LINK = s.record({"id": s.integer(), "title": s.string()})
SCHEMA = s.record(
    {
        "id": s.integer(),
        "date": s.date(),
        "school_year": s.string(pattern=r"^\d{4}-\d{4}$"),
        "school_participants": s.string(),
        "clb_participants": s.string(),
        "pbd_participants": s.string(),
        "lsc_participants": s.string(),
        "data_reflected_on": s.string(),
        "agenda": s.string(),
        "decisions": s.string(),
        "next_meeting_date": s.nullable(s.date()),
        "minutes_keeper": s.choice(OrganisationKind.values, "the partner who keeps the minutes"),
        "documents": s.array(LINK, "the shared documents it links (see documenten)"),
        "agreements": s.array(LINK, "the agreements made or adjusted (see samenwerkingsafspraken)"),
        "created_by": s.person(),
        "created_at": s.moment(),
        "updated_at": s.moment(),
    },
    description="A structural meeting (structureel overleg).",
)


def _linked(key: str, dossier, access):
    """The items of ``key`` the reader may see, titles only: one query."""
    return (
        linked_items(key, dossier, access)
        .select_related(None)
        .prefetch_related(None)
        .only("pk", "title")
        .order_by("title", "pk")
    )


def collect(dossier, access) -> ExportAnswer:
    overleggen = list(
        StructureelOverleg.objects.filter(dossier=dossier)
        .select_related("created_by")
        .prefetch_related(
            Prefetch("documents", queryset=_linked("documenten", dossier, access)),
            Prefetch("afspraken", queryset=_linked("afspraken", dossier, access)),
        )
        .order_by("date", "pk")
    )
    answer = ExportAnswer()
    rows = []
    for overleg in overleggen:
        year = school_year_of(overleg.date)
        answer.school_years.add(year)
        answer.reports.append((OVERLEG_REPORT.key, year, overleg.pk))
        documents = [{"id": d.pk, "title": d.title} for d in overleg.documents.all()]
        agreements = [{"id": a.pk, "title": a.title} for a in overleg.afspraken.all()]
        answer.records.append(
            {
                "id": overleg.pk,
                "date": overleg.date,
                "school_year": year,
                "school_participants": overleg.school_participants,
                "clb_participants": overleg.clb_participants,
                "pbd_participants": overleg.pbd_participants,
                "lsc_participants": overleg.lsc_participants,
                "data_reflected_on": overleg.data_reflected_on,
                "agenda": overleg.agenda,
                "decisions": overleg.decisions,
                "next_meeting_date": overleg.next_meeting_date,
                "minutes_keeper": overleg.minutes_keeper,
                "documents": documents,
                "agreements": agreements,
                "created_by": s.person_of(overleg.created_by),
                "created_at": overleg.created_at,
                "updated_at": overleg.updated_at,
            }
        )
        rows.append(
            [
                overleg.pk,
                overleg.date,
                year,
                overleg.school_participants,
                overleg.clb_participants,
                overleg.pbd_participants,
                overleg.lsc_participants,
                overleg.get_minutes_keeper_display(),
                overleg.agenda,
                overleg.decisions,
                overleg.next_meeting_date,
                [item["title"] for item in documents],
                [item["title"] for item in agreements],
            ]
        )
    answer.tables = [
        ExportTable(
            "overleg",
            [
                _("Number"),
                _("Date"),
                _("School year"),
                _("For the school"),
                _("For the CLB"),
                _("For the PBD"),
                _("For the LSC"),
                _("Who keeps the minutes"),
                _("Agenda"),
                _("Decisions"),
                _("Next meeting"),
                _("Documents"),
                _("Agreements made or adjusted"),
            ],
            rows,
        )
    ]
    return answer


PART = ExportPart(
    key="overleg",
    label=gettext_lazy("Structural meetings"),
    section=Section.OVERLEG,
    order=50,
    collect=collect,
    schema=SCHEMA,
)
