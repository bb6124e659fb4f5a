"""The leersteun part of the dossier export (``dossier.rapporten.export``): every
samenwerkingsgesprek of the dossier with its answers and agreements (and its report as a PDF,
the ``samenwerkingsgesprek`` kind), and every leersteunvraag with its screening and timeline.

Confidential answers (site facts such as door and wifi codes) never leave the platform in an
export: they are marked as withheld, in the JSON and in the conversation's PDF, whoever asks.
Seven queries, whatever the number of conversations and questions.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossier.core import exportschema as s
from dossier.core.access import Section
from dossier.core.models import Thema
from dossier.core.registry import ExportAnswer, ExportPart, ExportTable
from leersteun import answers
from leersteun.models import (
    Antwoord,
    FilterBeoordeling,
    Gesprek,
    GesprekAfspraak,
    Leersteunvraag,
    VraagGebeurtenis,
)
from leersteun.reports import GESPREK_REPORT
from leersteun.workflow import Status

ANSWER = s.record(
    {
        "part": s.string("the part of the template"),
        "question": s.string(),
        "answer": s.string("the answer in words; empty when withheld or not answered"),
        "withheld": s.boolean("a confidential answer (site facts): never in an export"),
        "answered_by": s.person(),
        "answered_at": s.nullable(s.moment()),
    }
)
AGREEMENT = s.record(
    {
        "what": s.string(),
        "partner": s.choice(GesprekAfspraak.Partner.values, "who does it"),
        "due_date": s.nullable(s.date()),
        "outcome": s.string("next year's evaluation: done, ongoing, dropped, or empty"),
        "outcome_remark": s.string(),
        "evaluated_at": s.nullable(s.moment()),
    }
)
GESPREK = s.record(
    {
        "id": s.integer(),
        "school_year": s.string(pattern=r"^\d{4}-\d{4}$"),
        "lsc": s.string(),
        "status": s.choice(Gesprek.Status.values),
        "status_label": s.string(),
        "planned_for": s.nullable(s.moment()),
        "place": s.string(),
        "school_participants": s.string(),
        "lsc_participants": s.string(),
        "clb_participants": s.string(),
        "pbd_participants": s.string(),
        "held_at": s.nullable(s.moment()),
        "closed_at": s.nullable(s.moment()),
        "answers": s.array(ANSWER, "in the template's order"),
        "agreements": s.array(AGREEMENT),
    }
)
SCREENING = s.record({"filter": s.string(), "state": s.string(), "remark": s.string()})
EVENT = s.record(
    {
        "kind": s.choice(VraagGebeurtenis.Kind.values),
        "kind_label": s.string(),
        "from_status": s.string(),
        "to_status": s.string(),
        "note": s.string(),
        "actor": s.person(),
        "created_at": s.moment(),
    }
)
VRAAG = s.record(
    {
        "id": s.integer(),
        "school_year": s.string(pattern=r"^\d{4}-\d{4}$"),
        "lsc": s.string(),
        "level": s.choice(Leersteunvraag.Level.values),
        "owner": s.choice(Leersteunvraag.Owner.values),
        "label": s.string("a pseudonymous label; never a pupil's name"),
        "leervraag": s.string(),
        "phase_0_1": s.string(),
        "phase_2_3": s.string(),
        "verslag": s.string("gc, iac, ov4 or empty"),
        "verslag_type": s.string(),
        "domains": s.array(s.choice(["inclusie", "onderwijskunde", "coaching", "doelgroep"])),
        "themes": s.array(s.string()),
        "status": s.choice(Status.values),
        "status_label": s.string(),
        "priority": s.string("hoog, normaal, laag or empty"),
        "decision_reason": s.string(),
        "ondersteuner": s.person(),
        "estimated_hours": s.nullable(s.number("hours per week")),
        "registered_by": s.person(),
        "created_at": s.moment(),
        "waiting_since": s.nullable(s.moment()),
        "closed_at": s.nullable(s.moment()),
        "screening": s.array(SCREENING),
        "timeline": s.array(EVENT, "oldest first"),
    }
)
DOMAINS = ("inclusie", "onderwijskunde", "coaching", "doelgroep")


def _gesprekken(dossier, answer: ExportAnswer) -> list[list]:
    """The conversations with their answers and agreements: three queries."""
    gesprekken = list(
        Gesprek.objects.filter(dossier=dossier)
        .select_related("lsc")
        .prefetch_related(
            Prefetch(
                "antwoorden",
                queryset=Antwoord.objects.select_related("vraag__onderdeel", "answered_by"),
            ),
            Prefetch("afspraken", queryset=GesprekAfspraak.objects.order_by("due_date", "pk")),
        )
        .order_by("school_year", "lsc__name", "pk")
    )
    rows = []
    for gesprek in gesprekken:
        answer.school_years.add(gesprek.school_year)
        answer.reports.append((GESPREK_REPORT.key, gesprek.school_year, gesprek.pk))
        given = sorted(
            gesprek.antwoorden.all(),
            key=lambda a: (a.vraag.onderdeel.position, a.vraag.onderdeel_id, a.vraag.position),
        )
        agreements = list(gesprek.afspraken.all())
        answer.records.append(
            {
                "id": gesprek.pk,
                "school_year": gesprek.school_year,
                "lsc": gesprek.lsc.name,
                "status": gesprek.status,
                "status_label": gesprek.get_status_display(),
                "planned_for": gesprek.planned_for,
                "place": gesprek.place,
                "school_participants": gesprek.school_participants,
                "lsc_participants": gesprek.lsc_participants,
                "clb_participants": gesprek.clb_participants,
                "pbd_participants": gesprek.pbd_participants,
                "held_at": gesprek.held_at,
                "closed_at": gesprek.closed_at,
                "answers": [
                    {
                        "part": antwoord.vraag.onderdeel.title,
                        "question": antwoord.vraag.text,
                        "answer": ""
                        if antwoord.vraag.confidential
                        else answers.as_text(antwoord.vraag, antwoord.value),
                        "withheld": antwoord.vraag.confidential,
                        "answered_by": s.person_of(antwoord.answered_by),
                        "answered_at": antwoord.answered_at,
                    }
                    for antwoord in given
                ],
                "agreements": [
                    {
                        "what": afspraak.what,
                        "partner": afspraak.partner,
                        "due_date": afspraak.due_date,
                        "outcome": afspraak.outcome,
                        "outcome_remark": afspraak.outcome_remark,
                        "evaluated_at": afspraak.evaluated_at,
                    }
                    for afspraak in agreements
                ],
            }
        )
        rows.append(
            [
                gesprek.pk,
                gesprek.school_year,
                gesprek.lsc.name,
                gesprek.get_status_display(),
                gesprek.planned_for,
                gesprek.school_participants,
                gesprek.lsc_participants,
                len(agreements),
            ]
        )
    return rows


def _vragen(dossier, answer: ExportAnswer) -> list[list]:
    """The questions with their themes, screening and timeline: four queries."""
    vragen = list(
        Leersteunvraag.objects.filter(dossier=dossier)
        .select_related("lsc", "ondersteuner", "registered_by")
        .prefetch_related(
            Prefetch("themas", queryset=Thema.objects.order_by("position", "name")),
            Prefetch("beoordelingen", queryset=FilterBeoordeling.objects.order_by("position")),
            Prefetch("gebeurtenissen", queryset=VraagGebeurtenis.objects.select_related("actor")),
        )
        .order_by("school_year", "created_at", "pk")
    )
    rows = []
    for vraag in vragen:
        answer.school_years.add(vraag.school_year)
        domains = [domain for domain in DOMAINS if getattr(vraag, f"domain_{domain}")]
        themes = [thema.name for thema in vraag.themas.all()]
        hours = None if vraag.estimated_hours is None else float(vraag.estimated_hours)
        answer.records.append(
            {
                "id": vraag.pk,
                "school_year": vraag.school_year,
                "lsc": vraag.lsc.name,
                "level": vraag.level,
                "owner": vraag.owner,
                "label": vraag.label,
                "leervraag": vraag.leervraag,
                "phase_0_1": vraag.phase_0_1,
                "phase_2_3": vraag.phase_2_3,
                "verslag": vraag.verslag,
                "verslag_type": vraag.verslag_type,
                "domains": domains,
                "themes": themes,
                "status": vraag.status,
                "status_label": vraag.get_status_display(),
                "priority": vraag.priority,
                "decision_reason": vraag.decision_reason,
                "ondersteuner": s.person_of(vraag.ondersteuner),
                "estimated_hours": hours,
                "registered_by": s.person_of(vraag.registered_by),
                "created_at": vraag.created_at,
                "waiting_since": vraag.waiting_since,
                "closed_at": vraag.closed_at,
                "screening": [
                    {
                        "filter": judged.filter_name,
                        "state": judged.get_state_display(),
                        "remark": judged.remark,
                    }
                    for judged in vraag.beoordelingen.all()
                ],
                "timeline": [
                    {
                        "kind": event.kind,
                        "kind_label": event.get_kind_display(),
                        "from_status": event.from_status,
                        "to_status": event.to_status,
                        "note": event.note,
                        "actor": s.person_of(event.actor),
                        "created_at": event.created_at,
                    }
                    for event in vraag.gebeurtenissen.all()
                ],
            }
        )
        rows.append(
            [
                vraag.pk,
                vraag.school_year,
                vraag.lsc.name,
                vraag.get_level_display(),
                vraag.get_owner_display(),
                vraag.label,
                domains,
                themes,
                vraag.get_status_display(),
                vraag.get_priority_display() if vraag.priority else "",
                vraag.created_at,
                vraag.leervraag,
            ]
        )
    return rows


def collect_gesprekken(dossier, access) -> ExportAnswer:
    answer = ExportAnswer()
    rows = _gesprekken(dossier, answer)
    answer.tables = [
        ExportTable(
            "samenwerkingsgesprekken",
            [
                _("Number"),
                _("School year"),
                _("LSC"),
                _("Status"),
                _("Date and time"),
                _("For the school"),
                _("For the LSC"),
                _("Agreements"),
            ],
            rows,
        )
    ]
    return answer


def collect_vragen(dossier, access) -> ExportAnswer:
    answer = ExportAnswer()
    rows = _vragen(dossier, answer)
    answer.tables = [
        ExportTable(
            "leersteunvragen",
            [
                _("Number"),
                _("School year"),
                _("LSC"),
                _("Level"),
                _("Who owns the question"),
                _("Label"),
                _("Domains"),
                _("Themes"),
                _("Status"),
                _("Priority"),
                _("Registered"),
                _("The question"),
            ],
            rows,
        )
    ]
    return answer


PARTS = [
    ExportPart(
        key="samenwerkingsgesprekken",
        label=gettext_lazy("Samenwerkingsgesprekken"),
        section=Section.LEERSTEUN,
        order=60,
        collect=collect_gesprekken,
        schema=GESPREK | {"description": "A samenwerkingsgesprek with its answers and agreements."},
    ),
    ExportPart(
        key="leersteunvragen",
        label=gettext_lazy("Leersteunvragen"),
        section=Section.LEERSTEUN,
        order=61,
        collect=collect_vragen,
        schema=VRAAG | {"description": "A leersteunvraag with its screening and timeline."},
    ),
]
