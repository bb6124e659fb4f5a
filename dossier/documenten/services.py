from __future__ import annotations

import datetime
import logging

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossier.core.access import DossierAccess, Section
from dossier.core.models import Dossier
from dossier.core.services import audit_record
from dossier.documenten.models import Document, DocumentVersie
from dossier.documenten.section import DOCUMENT_DOWNLOADED
from samenwerking.schoolyear import validate_school_year
from samenwerking.uploads import check_upload
from samenwerking.versions import next_version_number

logger = logging.getLogger(__name__)

BIN_DAYS = 30


def _may_write(access: DossierAccess, user, document: Document) -> bool:
    """The rule is the access module's; this only makes sure the access is the writer's."""
    access.require_actor(user, document.dossier_id)
    return access.may_write_document(document)


@transaction.atomic
def document_upload(
    *,
    dossier: Dossier,
    user,
    access: DossierAccess,
    uploaded,
    title: str,
    kind: str,
    school_year: str,
    for_clb: bool = True,
    for_pbd: bool = False,
    for_lsc: bool = False,
) -> Document:
    """Share a new document; the file is checked by its content before anything is written."""

    checked = check_upload(uploaded)
    validate_school_year(school_year)
    document = Document(
        dossier=dossier,
        title=(title or "").strip(),
        kind=kind,
        school_year=school_year,
        for_clb=for_clb,
        for_pbd=for_pbd,
        for_lsc=for_lsc,
        created_by=user,
    )
    if not _may_write(access, user, document):
        raise PermissionDenied(_("You may not share documents with this audience."))
    document.full_clean()
    document.save()
    _add_version(document, user, checked)
    return document


@transaction.atomic
def document_new_version(
    *, document: Document, user, access: DossierAccess, uploaded
) -> DocumentVersie:
    """A new version; the earlier ones stay downloadable."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.deleted_at or not _may_write(access, user, document):
        raise PermissionDenied(_("You may not change this document."))
    checked = check_upload(uploaded)
    version = _add_version(document, user, checked)
    document.save(update_fields=["updated_at"])
    return version


def _add_version(document: Document, user, checked) -> DocumentVersie:
    number = next_version_number(document.versies)
    version = DocumentVersie(
        document=document,
        number=number,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=user,
    )
    version.file.save(checked.name, ContentFile(checked.content), save=False)
    try:
        version.full_clean(exclude=["file"])
        version.save()
    except Exception:
        # Nothing half-written: the stored file goes when its row cannot be written.
        version.file.delete(save=False)
        raise
    return version


@transaction.atomic
def document_delete(*, document: Document, user, access: DossierAccess) -> Document:
    document = Document.objects.select_for_update().get(pk=document.pk)
    if not _may_write(access, user, document):
        raise PermissionDenied(_("You may not delete this document."))
    document.deleted_at = timezone.now()
    document.deleted_by = user
    document.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    return document


@transaction.atomic
def document_restore(*, document: Document, user, access: DossierAccess) -> Document:
    document = Document.objects.select_for_update().get(pk=document.pk)
    if not _may_write(access, user, document):
        raise PermissionDenied(_("You may not restore this document."))
    document.deleted_at = None
    document.deleted_by = None
    document.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    return document


def documents_purge_bin(*, now: datetime.datetime | None = None) -> int:
    """Remove documents that have been in the bin for more than 30 days, files included.

    The documents are locked while they go, so one restored at that moment is either restored
    first (and kept, files and all) or purged. Their files are removed once the rows are gone, through
    the field's storage (a folder, or the bucket every replica shares). A file that cannot be
    removed now is logged and left behind: with its row gone, nobody can reach it.
    """
    cutoff = (now or timezone.now()) - datetime.timedelta(days=BIN_DAYS)
    with transaction.atomic():
        expired = list(
            Document.objects.select_for_update()
            .filter(deleted_at__lt=cutoff)
            .values_list("pk", flat=True)
        )
        names = list(
            DocumentVersie.objects.filter(document_id__in=expired).values_list("file", flat=True)
        )
        Document.objects.filter(pk__in=expired).delete()
    storage = DocumentVersie._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except Exception:
            logger.exception("The file %s of a purged document could not be removed", name)
    return len(expired)


def document_downloaded(*, version: DocumentVersie, user) -> None:
    audit_record(
        dossier=version.document.dossier,
        actor=user,
        action=DOCUMENT_DOWNLOADED.key,
        section=Section.DOCUMENTEN,
        detail=f"{version.document.title} v{version.number}"[:300],
    )
