"""The samenwerkingsgesprek as a PDF: the collaboration report of one conversation.

Asked for from the conversation's page (``leersteun:gesprek_report``) and made by the report
pipeline (``dossier.rapporten``) like every report: ``check_gesprek_report`` looks at a request
(and at every opening of the report), ``build_gesprek_report`` gives the worker the template and
its context. Confidential answers (door and wifi codes) are in it only when the person who asked
chose so and is on the school's or the LSC's side, at the request and again at the render.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossier.core.access import Section, user_flags
from dossier.core.registry import ReportKind
from leersteun import answers
from leersteun.models import Antwoord, Gesprek, GesprekAfspraak, Onderdeel, Vraag
from leersteun.selectors.gesprek import sees_confidential

TEMPLATE = "leersteun/reports/gesprek.html"


def _gesprek_of(report) -> Gesprek | None:
    if report.subject_id is None:
        return None
    return (
        Gesprek.objects.select_related("lsc", "versie__sjabloon", "previous")
        .filter(pk=report.subject_id, dossier_id=report.dossier_id)
        .first()
    )


def check_gesprek_report(access, report) -> str:
    """The conversation must be the dossier's (and of the report's school year); its
    confidential answers are for the school and the LSC. Returns the LSC's name, for lists."""
    gesprek = (
        Gesprek.objects.select_related("lsc")
        .filter(pk=report.subject_id, dossier_id=report.dossier_id)
        .only("pk", "school_year", "lsc__name")
        .first()
        if report.subject_id is not None
        else None
    )
    if gesprek is None or gesprek.school_year != report.school_year:
        raise ValidationError(_("This samenwerkingsgesprek is not part of this dossier."))
    if report.include_confidential and not sees_confidential(access):
        raise PermissionDenied(
            _("Confidential answers are only for the school and the LSC; leave them out.")
        )
    return gesprek.lsc.name


@dataclass
class ReportQuestion:
    vraag: Vraag
    text: str = ""  # the answer in words (answers.as_text)
    people: list[dict] = field(default_factory=list)  # a people answer, as rows of a table
    withheld: bool = False  # confidential, and left out of this report
    # carried over from last year (that year) or filled in by the platform, not yet confirmed
    unconfirmed: bool = False
    carried_from: str = ""

    @property
    def filled(self) -> bool:
        return bool(self.text or self.people)


@dataclass
class ReportPart:
    onderdeel: Onderdeel
    questions: list[ReportQuestion] = field(default_factory=list)


def _parts(gesprek: Gesprek, *, include_confidential: bool) -> list[ReportPart]:
    """Every part with its questions and answers: three queries, whatever the size."""
    current = {
        antwoord.vraag_id: antwoord
        for antwoord in Antwoord.objects.filter(gesprek=gesprek).only(
            "vraag_id", "value", "origin", "carried_from"
        )
    }
    parts = []
    for onderdeel in (
        Onderdeel.objects.filter(versie_id=gesprek.versie_id)
        .order_by("position", "pk")
        .prefetch_related(Prefetch("vragen", queryset=Vraag.objects.order_by("position", "pk")))
    ):
        part = ReportPart(onderdeel)
        for vraag in onderdeel.vragen.all():
            if vraag.confidential and not include_confidential:
                part.questions.append(ReportQuestion(vraag, withheld=True))
                continue
            antwoord = current.get(vraag.pk)
            value = antwoord.value if antwoord is not None else None
            question = ReportQuestion(vraag)
            if value is not None:
                if vraag.kind == Vraag.Kind.PEOPLE and isinstance(value, list):
                    question.people = [
                        {key: person.get(key, "") for key in answers.PERSON_FIELDS}
                        for person in value
                        if isinstance(person, dict)
                    ]
                else:
                    question.text = answers.as_text(vraag, value)
                if antwoord.origin != Antwoord.Origin.ANSWERED:
                    question.unconfirmed = True
                    question.carried_from = antwoord.carried_from
            part.questions.append(question)
        parts.append(part)
    return parts


def build_gesprek_report(report):
    """Template and context of one conversation's report, in a handful of queries whatever
    the number of questions and agreements."""
    school = report.dossier.school
    context = {
        "report": report,
        "school": school,
        "generated_at": timezone.localtime(),
        "gesprek": None,
    }
    gesprek = _gesprek_of(report)
    if gesprek is None:  # the conversation is gone: the report says so
        return TEMPLATE, context
    # asked for with the confidential answers, and (still) on a side that may see them
    include_confidential = report.include_confidential and sees_confidential(
        user_flags(report.requested_by, report.dossier)
    )
    parts = _parts(gesprek, include_confidential=include_confidential)
    afspraken = list(GesprekAfspraak.objects.filter(gesprek=gesprek).order_by("due_date", "pk"))
    last_year = []
    if gesprek.previous_id is not None:
        last_year = list(
            GesprekAfspraak.objects.filter(gesprek_id=gesprek.previous_id).order_by(
                "due_date", "pk"
            )
        )
    participants = [
        (label, names)
        for label, names in (
            (_("For the school"), gesprek.school_participants),
            (_("For the LSC"), gesprek.lsc_participants),
            (_("For the CLB"), gesprek.clb_participants),
            (_("For the PBD"), gesprek.pbd_participants),
        )
        if names
    ]
    questions = [question for part in parts for question in part.questions]
    return TEMPLATE, context | {
        "gesprek": gesprek,
        "lsc": gesprek.lsc,
        "parts": parts,
        "include_confidential": include_confidential,
        "participants": participants,
        "afspraken": afspraken,
        "last_year": last_year,
        "question_count": len(questions),
        "unanswered_count": sum(1 for q in questions if not q.withheld and not q.filled),
    }


GESPREK_REPORT = ReportKind(
    key="samenwerkingsgesprek",
    label=gettext_lazy("Samenwerkingsgesprek"),
    section=Section.LEERSTEUN,
    build=build_gesprek_report,
    filename="samenwerkingsgesprek",
    requested_from_item=True,
    check=check_gesprek_report,
    # tagged and accessible: headings, tables and reading order for a screen reader
    pdf_variant="pdf/ua-1",
)
