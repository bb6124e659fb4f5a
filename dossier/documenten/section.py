"""What the documents section tells the core: its tab, its audit action and its part of the
werkoverzicht."""

from django.utils.translation import gettext_lazy as _

from dossier.core.access import Section
from dossier.core.registry import AuditAction, Linkable, Tab, WorkSource, registry
from dossier.documenten.models import Document, DocumentVersie
from dossier.documenten.selectors import documents_for, work_for

DOCUMENT_DOWNLOADED = AuditAction("document_downloaded", _("Document downloaded"), quiet=True)


def register() -> None:
    registry.register(
        tabs=[
            Tab(
                key="documenten",
                label=_("Documents"),
                url_name="documenten:documents",
                section=Section.DOCUMENTEN,
                order=30,
                current_on=("documenten:*",),
            )
        ],
        audit_actions=[DOCUMENT_DOWNLOADED],
        linkables=[Linkable(key="documenten", label=_("Documents"), readable=documents_for)],
        work_sources=[
            WorkSource(
                key="documenten",
                section=Section.DOCUMENTEN,
                order=40,
                collect=work_for,
                watch=((Document, "dossier_id"), (DocumentVersie, "document.dossier_id")),
            )
        ],
    )
    # the shared documents' chapter of the yearly report
    from dossier.documenten.jaarverslag import PART as JAARVERSLAG_PART

    registry.register(report_parts=[JAARVERSLAG_PART])
    # the shared documents' part of the dossier export
    from dossier.documenten.export import PART as EXPORT_PART

    registry.register(export_parts=[EXPORT_PART])
