"""The consultations' part of the dossier export (``dossier.rapporten.export``): every note of
the dossier, of every school year, with its themes, participants and remarks. Each note's text
is audited content: one event per note (``NOTE_IN_EXPORT``), handed to the export, which
records them all in one insert. Five queries, whatever the number of notes."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from consultatie.models import AskedBy, Consultatie, Opmerking, Status, SubjectKind
from consultatie.section import NOTE_IN_EXPORT, note_reference
from dossier.core import exportschema as s
from dossier.core.access import Section
from dossier.core.models import Thema
from dossier.core.registry import ExportAnswer, ExportPart, ExportTable
from dossier.core.services import AuditEntry

REMARK = s.record(
    {
        "text": s.string(),
        "author": s.person(),
        "author_organisation": s.string(),
        "created_at": s.moment(),
    }
)
SCHEMA = s.record(
    {
        "id": s.integer(),
        "date": s.date("the day of the consultation"),
        "school_year": s.string(pattern=r"^\d{4}-\d{4}$"),
        "asked_by": s.choice(AskedBy.values),
        "asked_by_label": s.string(),
        "subject_kind": s.choice(SubjectKind.values),
        "subject_kind_label": s.string(),
        "label": s.string("a class, initials or a label the school uses; never a full name"),
        "themes": s.array(s.string()),
        "participants": s.array(s.person()),
        "other_participants": s.string(),
        "question": s.string(),
        "analysis": s.string(),
        "advice": s.string(),
        "next_steps": s.string(),
        "follow_up_date": s.nullable(s.date()),
        "status": s.choice(Status.values),
        "status_label": s.string(),
        "client_relationship_at": s.nullable(s.moment()),
        "closed_at": s.nullable(s.moment()),
        "author": s.person(),
        "author_organisation": s.string(),
        "created_at": s.moment(),
        "updated_at": s.moment(),
        "remarks": s.array(REMARK, "oldest first"),
    },
    description="A consultation note (consultatieve leerlingenbegeleiding) with its remarks.",
)


def collect(dossier, access) -> ExportAnswer:
    notes = list(
        Consultatie.objects.filter(dossier=dossier)
        .select_related("author", "author_organisation")
        .prefetch_related(
            Prefetch("themas", queryset=Thema.objects.order_by("position", "name")),
            Prefetch("participants", queryset=User.objects.order_by("last_name", "first_name")),
            Prefetch(
                "opmerkingen",
                queryset=Opmerking.objects.select_related("author", "author_organisation"),
            ),
        )
        .order_by("date", "pk")
    )
    answer = ExportAnswer()
    note_rows, remark_rows = [], []
    for note in notes:
        themes = [thema.name for thema in note.themas.all()]
        participants = list(note.participants.all())
        remarks = list(note.opmerkingen.all())
        answer.school_years.add(note.school_year)
        answer.records.append(
            {
                "id": note.pk,
                "date": note.date,
                "school_year": note.school_year,
                "asked_by": note.asked_by,
                "asked_by_label": note.get_asked_by_display(),
                "subject_kind": note.subject_kind,
                "subject_kind_label": note.get_subject_kind_display(),
                "label": note.label,
                "themes": themes,
                "participants": [s.person_of(person) for person in participants],
                "other_participants": note.other_participants,
                "question": note.question,
                "analysis": note.analysis,
                "advice": note.advice,
                "next_steps": note.next_steps,
                "follow_up_date": note.follow_up_date,
                "status": note.status,
                "status_label": note.get_status_display(),
                "client_relationship_at": note.client_relationship_at,
                "closed_at": note.closed_at,
                "author": s.person_of(note.author),
                "author_organisation": note.author_organisation.name,
                "created_at": note.created_at,
                "updated_at": note.updated_at,
                "remarks": [
                    {
                        "text": remark.text,
                        "author": s.person_of(remark.author),
                        "author_organisation": remark.author_organisation.name,
                        "created_at": remark.created_at,
                    }
                    for remark in remarks
                ],
            }
        )
        note_rows.append(
            [
                note.pk,
                note.date,
                note.school_year,
                note.get_asked_by_display(),
                note.get_subject_kind_display(),
                note.label,
                themes,
                [str(person) for person in participants],
                note.other_participants,
                note.get_status_display(),
                note.follow_up_date,
                str(note.author),
                note.question,
                note.analysis,
                note.advice,
                note.next_steps,
            ]
        )
        remark_rows.extend(
            [note.pk, note.date, remark.created_at, str(remark.author), remark.text]
            for remark in remarks
        )
        answer.audit.append(
            AuditEntry(
                dossier_id=dossier.pk,
                action=NOTE_IN_EXPORT.key,
                section=Section.CONSULTATIES,
                detail=note_reference(note.pk),
            )
        )
    answer.tables = [
        ExportTable(
            "consultaties",
            [
                _("Number"),
                _("Date"),
                _("School year"),
                _("Who asked"),
                _("About"),
                _("Label"),
                _("Themes"),
                _("Participants"),
                _("Other participants, by role"),
                _("Status"),
                _("Follow up on"),
                _("Written by"),
                _("Question"),
                _("Analysis"),
                _("Advice"),
                _("Agreed next steps"),
            ],
            note_rows,
        ),
        ExportTable(
            "consultaties-opmerkingen",
            [_("Note number"), _("Date of the consultation"), _("Added at"), _("By"), _("Remark")],
            remark_rows,
        ),
    ]
    return answer


PART = ExportPart(
    key="consultaties",
    label=gettext_lazy("Consultations"),
    section=Section.CONSULTATIES,
    order=20,
    collect=collect,
    schema=SCHEMA,
)
