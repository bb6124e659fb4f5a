"""The signals' part of the dossier export (``dossier.rapporten.export``): every signal of the
dossier, of every school year, with its supplements (and their earlier texts) and its
timeline. Five queries, whatever the number of signals."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossier.core import exportschema as s
from dossier.core.access import Section
from dossier.core.registry import ExportAnswer, ExportPart, ExportTable
from signalen.models import Aanvulling, AanvullingVersie, Gebeurtenis, Signaal
from signalen.workflow import Kind, Status

SUPPLEMENT = s.record(
    {
        "id": s.integer(),
        "kind": s.choice(Kind.values, "duiding, advies, afspraak, stand van zaken, ..."),
        "kind_label": s.string(),
        "text": s.string(),
        "author": s.person(),
        "author_organisation": s.string(),
        "created_at": s.moment(),
        "corrected_at": s.nullable(s.moment()),
        "earlier_texts": s.array(
            s.record({"text": s.string(), "written_at": s.moment(), "replaced_at": s.moment()}),
            "the text before each correction, oldest first",
        ),
    }
)
EVENT = s.record(
    {
        "kind": s.choice(Gebeurtenis.Kind.values),
        "kind_label": s.string(),
        "from_status": s.string(),
        "to_status": s.string(),
        "actor": s.person(),
        "automatic": s.boolean(),
        "old_title": s.string("for a correction: the title before it"),
        "old_text": s.string("for a correction: the text before it"),
        "note": s.string(),
        "created_at": s.moment(),
    }
)
SCHEMA = s.record(
    {
        "id": s.integer(),
        "school_year": s.string(pattern=r"^\d{4}-\d{4}$"),
        "title": s.string(),
        "text": s.string(),
        "theme": s.string(),
        "source": s.string(),
        "status": s.choice(Status.values),
        "status_label": s.string(),
        "follow_up_date": s.nullable(s.date()),
        "author": s.person(),
        "author_organisation": s.string(),
        "created_at": s.moment(),
        "last_activity_at": s.moment(),
        "closed_at": s.nullable(s.moment()),
        "supplements": s.array(SUPPLEMENT, "oldest first"),
        "timeline": s.array(EVENT, "created, status changes and corrections, oldest first"),
    },
    description="A signal with its supplements and its timeline.",
)


def collect(dossier, access) -> ExportAnswer:
    signalen = list(
        Signaal.objects.filter(dossier=dossier)
        .select_related("thema", "bron", "author", "author_organisation")
        .prefetch_related(
            Prefetch(
                "aanvullingen",
                queryset=Aanvulling.objects.select_related(
                    "author", "author_organisation"
                ).prefetch_related(
                    Prefetch("versies", queryset=AanvullingVersie.objects.order_by("written_at"))
                ),
            ),
            Prefetch("gebeurtenissen", queryset=Gebeurtenis.objects.select_related("actor")),
        )
        .order_by("school_year", "created_at", "pk")
    )
    answer = ExportAnswer()
    signal_rows, supplement_rows = [], []
    for signaal in signalen:
        supplements = list(signaal.aanvullingen.all())
        answer.school_years.add(signaal.school_year)
        answer.records.append(
            {
                "id": signaal.pk,
                "school_year": signaal.school_year,
                "title": signaal.title,
                "text": signaal.text,
                "theme": signaal.thema.name,
                "source": signaal.bron.name,
                "status": signaal.status,
                "status_label": signaal.get_status_display(),
                "follow_up_date": signaal.follow_up_date,
                "author": s.person_of(signaal.author),
                "author_organisation": signaal.author_organisation.name,
                "created_at": signaal.created_at,
                "last_activity_at": signaal.last_activity_at,
                "closed_at": signaal.closed_at,
                "supplements": [
                    {
                        "id": aanvulling.pk,
                        "kind": aanvulling.kind,
                        "kind_label": aanvulling.get_kind_display(),
                        "text": aanvulling.text,
                        "author": s.person_of(aanvulling.author),
                        "author_organisation": aanvulling.author_organisation.name,
                        "created_at": aanvulling.created_at,
                        "corrected_at": aanvulling.corrected_at,
                        "earlier_texts": [
                            {
                                "text": versie.text,
                                "written_at": versie.written_at,
                                "replaced_at": versie.replaced_at,
                            }
                            for versie in aanvulling.versies.all()
                        ],
                    }
                    for aanvulling in supplements
                ],
                "timeline": [
                    {
                        "kind": event.kind,
                        "kind_label": event.get_kind_display(),
                        "from_status": event.from_status,
                        "to_status": event.to_status,
                        "actor": s.person_of(event.actor),
                        "automatic": event.automatic,
                        "old_title": event.old_title,
                        "old_text": event.old_text,
                        "note": event.note,
                        "created_at": event.created_at,
                    }
                    for event in signaal.gebeurtenissen.all()
                ],
            }
        )
        signal_rows.append(
            [
                signaal.pk,
                signaal.school_year,
                signaal.title,
                signaal.thema.name,
                signaal.bron.name,
                signaal.get_status_display(),
                signaal.created_at,
                str(signaal.author),
                signaal.author_organisation.name,
                signaal.follow_up_date,
                signaal.closed_at,
                len(supplements),
                signaal.text,
            ]
        )
        supplement_rows.extend(
            [
                signaal.pk,
                signaal.title,
                aanvulling.get_kind_display(),
                aanvulling.created_at,
                str(aanvulling.author),
                aanvulling.author_organisation.name,
                aanvulling.corrected_at,
                aanvulling.text,
            ]
            for aanvulling in supplements
        )
    answer.tables = [
        ExportTable(
            "signalen",
            [
                _("Number"),
                _("School year"),
                _("Title"),
                _("Theme"),
                _("Source"),
                _("Status"),
                _("Logged at"),
                _("Logged by"),
                _("Organisation"),
                _("Follow up on"),
                _("Closed at"),
                _("Supplements"),
                _("Short description"),
            ],
            signal_rows,
        ),
        ExportTable(
            "signalen-aanvullingen",
            [
                _("Signal number"),
                _("Signal"),
                _("Kind"),
                _("Added at"),
                _("By"),
                _("Organisation"),
                _("Corrected at"),
                _("Text"),
            ],
            supplement_rows,
        ),
    ]
    return answer


PART = ExportPart(
    key="signalen",
    label=gettext_lazy("Signals"),
    section=Section.SIGNALEN,
    order=10,
    collect=collect,
    schema=SCHEMA,
)
