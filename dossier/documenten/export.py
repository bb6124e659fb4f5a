"""The shared documents' part of the dossier export (``dossier.rapporten.export``): every
document the reader's side is in the audience of (``documents_for``, none from the bin), with
every version's file. The files are opened through the storage API when the ZIP is written,
one at a time. Two queries, whatever the number of documents."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossier.core import exportschema as s
from dossier.core.access import Section
from dossier.core.registry import ExportAnswer, ExportFile, ExportPart, ExportTable
from dossier.documenten.models import Document
from dossier.documenten.selectors import documents_for

VERSION = s.record(
    {
        "number": s.integer(),
        "original_name": s.string("the file's name as it was uploaded"),
        "content_type": s.string(),
        "size": s.integer("in bytes"),
        "sha256": s.string("the SHA-256 of the file, hexadecimal"),
        "uploaded_by": s.person(),
        "uploaded_at": s.moment(),
        "path": s.string("where the file is in this ZIP (documenten/<title>/v<n>-<name>)"),
    }
)
SCHEMA = s.record(
    {
        "id": s.integer(),
        "title": s.string(),
        "kind": s.choice(Document.Kind.values),
        "kind_label": s.string(),
        "school_year": s.string(pattern=r"^\d{4}-\d{4}$"),
        "audience": s.array(
            s.choice(["school", "clb", "pbd", "lsc"]), "the partners who see the document"
        ),
        "created_by": s.person(),
        "created_at": s.moment(),
        "updated_at": s.moment(),
        "versions": s.array(VERSION, "newest first"),
    },
    description="A shared document with every version of its file.",
)


def _audience(document) -> list[str]:
    return ["school"] + [
        side
        for side, flag in (
            ("clb", document.for_clb),
            ("pbd", document.for_pbd),
            ("lsc", document.for_lsc),
        )
        if flag
    ]


def collect(dossier, access) -> ExportAnswer:
    documents = list(documents_for(dossier, access).order_by("school_year", "title", "pk"))
    answer = ExportAnswer()
    rows = []
    for document in documents:
        answer.school_years.add(document.school_year)
        audience = _audience(document)
        versions = []
        for versie in document.versies.all():  # newest first
            version = {
                "number": versie.number,
                "original_name": versie.original_name,
                "content_type": versie.content_type,
                "size": versie.size,
                "sha256": versie.sha256,
                "uploaded_by": s.person_of(versie.uploaded_by),
                "uploaded_at": versie.uploaded_at,
                "path": "",  # filled in by the export
            }
            versions.append(version)
            answer.files.append(
                ExportFile(
                    folder=document.title,
                    folder_key=f"document-{document.pk}",
                    name=f"v{versie.number}-{versie.original_name}",
                    file=versie.file,
                    size=versie.size,
                    content_type=versie.content_type,
                    modified=timezone.localtime(versie.uploaded_at),
                    record=version,
                )
            )
            rows.append(
                [
                    document.pk,
                    document.title,
                    document.get_kind_display(),
                    document.school_year,
                    audience,
                    versie.number,
                    versie.original_name,
                    versie.content_type,
                    versie.size,
                    str(versie.uploaded_by),
                    versie.uploaded_at,
                    versie.sha256,
                ]
            )
        answer.records.append(
            {
                "id": document.pk,
                "title": document.title,
                "kind": document.kind,
                "kind_label": document.get_kind_display(),
                "school_year": document.school_year,
                "audience": audience,
                "created_by": s.person_of(document.created_by),
                "created_at": document.created_at,
                "updated_at": document.updated_at,
                "versions": versions,
            }
        )
    answer.tables = [
        ExportTable(
            "documenten",
            [
                _("Number"),
                _("Title"),
                _("Kind"),
                _("School year"),
                _("Shared with"),
                _("Version"),
                _("File name"),
                _("Type"),
                _("Size in bytes"),
                _("Uploaded by"),
                _("Uploaded at"),
                "SHA-256",
            ],
            rows,
        )
    ]
    return answer


PART = ExportPart(
    key="documenten",
    label=gettext_lazy("Shared documents"),
    section=Section.DOCUMENTEN,
    order=30,
    collect=collect,
    schema=SCHEMA,
)
