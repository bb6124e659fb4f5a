"""The agreements' part of the dossier export (``dossier.rapporten.export``): every agreement
that binds the reader's side (``afspraken_linkable``, on its audience), with every version and each
party's approval; every version that all its parties approved is also put in the export as
its PDF (the ``samenwerkingsafspraak`` report kind). Three queries, whatever the number."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import OrganisationKind
from dossier.afspraken.models import AfspraakPartij, AfspraakVersie, Samenwerkingsafspraak
from dossier.afspraken.reports import AFSPRAAK_REPORT, approved_at, school_year_of_version
from dossier.afspraken.selectors import afspraken_linkable
from dossier.core import exportschema as s
from dossier.core.access import Section
from dossier.core.registry import ExportAnswer, ExportPart, ExportTable
from samenwerking.schoolyear import school_year_of

PARTY = s.record(
    {
        "kind": s.choice(OrganisationKind.values),
        "organisation": s.string(),
        "responsibilities": s.string("what this partner does"),
        "approved_by": s.person(),
        "approved_at": s.nullable(s.moment()),
    }
)
VERSION = s.record(
    {
        "number": s.integer(),
        "summary": s.string("what we agree"),
        "created_by": s.person(),
        "created_at": s.moment(),
        "approved_at": s.nullable(
            s.moment("when the last party approved it; null while one has not")
        ),
        "parties": s.array(PARTY),
    }
)
SCHEMA = s.record(
    {
        "id": s.integer(),
        "title": s.string(),
        "topic": s.choice(Samenwerkingsafspraak.Topic.values),
        "topic_label": s.string(),
        "status": s.choice(Samenwerkingsafspraak.Status.values),
        "status_label": s.string(),
        "evaluation_date": s.date(),
        "school_year": s.string(
            pattern=r"^\d{4}-\d{4}$", description="the school year it was drafted in"
        ),
        "created_by": s.person(),
        "created_at": s.moment(),
        "updated_at": s.moment(),
        "versions": s.array(VERSION, "newest first"),
    },
    description="A samenwerkingsafspraak with every version and each party's approval.",
)


def collect(dossier, access) -> ExportAnswer:
    afspraken = list(
        afspraken_linkable(dossier, access)  # the agreements that bind the reader's side
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "versies",
                queryset=AfspraakVersie.objects.select_related("created_by")
                .prefetch_related(
                    Prefetch(
                        "partijen",
                        queryset=AfspraakPartij.objects.select_related(
                            "organisation", "approved_by"
                        ),
                    )
                )
                .order_by("-number"),
            )
        )
        .order_by("created_at", "pk")
    )
    answer = ExportAnswer()
    rows = []
    for afspraak in afspraken:
        drafted_in = school_year_of(timezone.localtime(afspraak.created_at).date())
        answer.school_years.add(drafted_in)
        versions = []
        for versie in afspraak.versies.all():  # newest first
            parties = list(versie.partijen.all())
            holds_from = approved_at(versie)
            if holds_from is not None:
                year = school_year_of_version(versie)
                answer.school_years.add(year)
                answer.reports.append((AFSPRAAK_REPORT.key, year, versie.pk))
            versions.append(
                {
                    "number": versie.number,
                    "summary": versie.summary,
                    "created_by": s.person_of(versie.created_by),
                    "created_at": versie.created_at,
                    "approved_at": holds_from,
                    "parties": [
                        {
                            "kind": party.kind,
                            "organisation": party.organisation.name,
                            "responsibilities": party.responsibilities,
                            "approved_by": s.person_of(party.approved_by),
                            "approved_at": party.approved_at,
                        }
                        for party in parties
                    ],
                }
            )
            rows.append(
                [
                    afspraak.pk,
                    afspraak.title,
                    afspraak.get_topic_display(),
                    afspraak.get_status_display(),
                    afspraak.evaluation_date,
                    versie.number,
                    [party.organisation.name for party in parties],
                    holds_from,
                    versie.summary,
                ]
            )
        answer.records.append(
            {
                "id": afspraak.pk,
                "title": afspraak.title,
                "topic": afspraak.topic,
                "topic_label": afspraak.get_topic_display(),
                "status": afspraak.status,
                "status_label": afspraak.get_status_display(),
                "evaluation_date": afspraak.evaluation_date,
                "school_year": drafted_in,
                "created_by": s.person_of(afspraak.created_by),
                "created_at": afspraak.created_at,
                "updated_at": afspraak.updated_at,
                "versions": versions,
            }
        )
    answer.tables = [
        ExportTable(
            "samenwerkingsafspraken",
            [
                _("Number"),
                _("Title"),
                _("Topic"),
                _("Status"),
                _("Evaluate on"),
                _("Version"),
                _("Parties"),
                _("Approved by everyone at"),
                _("What we agree"),
            ],
            rows,
        )
    ]
    return answer


PART = ExportPart(
    key="samenwerkingsafspraken",
    label=gettext_lazy("Samenwerkingsafspraken"),
    section=Section.AFSPRAKEN,
    order=40,
    collect=collect,
    schema=SCHEMA,
)
