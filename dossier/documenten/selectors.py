from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dossier.core.access import DossierAccess, Section, audience_q, require_section
from dossier.core.models import Dossier
from dossier.core.registry import Bucket, WorkAnswer, WorkItem
from dossier.core.werkoverzicht import count_into
from dossier.documenten.models import Document, DocumentVersie


def documents_for(dossier: Dossier, access: DossierAccess, *, deleted: bool | None = False):
    """The dossier's documents this person's side may see, each with its versions: 2 queries.

    ``deleted``: False for the shared documents, True for the bin, None for both.
    """
    documents = Document.objects.filter(audience_q(access), dossier=dossier)
    if deleted is not None:
        documents = documents.filter(deleted_at__isnull=not deleted)
    return documents.select_related("created_by", "deleted_by").prefetch_related(
        Prefetch(
            "versies",
            queryset=DocumentVersie.objects.select_related("uploaded_by").order_by("-number"),
        )
    )


def document_get(user, *, pk, document_pk, write: bool = False, deleted: bool | None = False):
    """(dossier, access, document) or 404 when the document is not in this person's audience.

    With ``write``, 403 unless the person may change this document.
    """
    dossier, access = require_section(user, pk, Section.DOCUMENTEN, write=write)
    document = documents_for(dossier, access, deleted=deleted).filter(pk=document_pk).first()
    if document is None:
        raise Http404
    if write and not access.may_write_document(document):
        raise PermissionDenied
    document.dossier = dossier
    return dossier, access, document


def work_for(ask) -> WorkAnswer:
    """The documents' part of the werkoverzicht: documents the person may read of which
    someone else put a version online since their previous login. At most two queries."""
    answer = WorkAnswer()
    newer = DocumentVersie.objects.filter(
        document=OuterRef("id"), uploaded_at__gt=ask.since
    ).exclude(uploaded_by=ask.user.pk)
    documents = Document.objects.filter(ask.items_q(), deleted_at__isnull=True).filter(
        Exists(newer)
    )
    counted = count_into(answer, documents, {Bucket.NEW: Q()})
    latest = newer.order_by("-uploaded_at").values("uploaded_at")[:1]
    newest = (
        documents.annotate(new_at=Subquery(latest))
        .only("id", "dossier_id", "title")
        .order_by("-new_at", "-id")
    )
    for document in ask.first(newest, counted, Bucket.NEW):
        answer.items.append(
            WorkItem(
                bucket=Bucket.NEW,
                dossier_id=document.dossier_id,
                kind_label=_("Document"),
                title=document.title,
                when=document.new_at,
                url=reverse(
                    "documenten:document_detail",
                    kwargs={"pk": document.dossier_id, "document_pk": document.pk},
                ),
            )
        )
    return answer
