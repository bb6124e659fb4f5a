from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dossier.core.access import DossierAccess
from dossier.core.models import Dossier
from dossier.overleg.models import StructureelOverleg


@transaction.atomic
def overleg_save(
    *,
    dossier: Dossier,
    user,
    access: DossierAccess,
    overleg: StructureelOverleg | None = None,
    documents=(),
    afspraken=(),
    **fields,
) -> StructureelOverleg:
    """Record a new meeting, or change the record of ``overleg``."""
    access.require_actor(user, dossier.pk)
    if overleg is not None and overleg.dossier_id != dossier.pk:
        raise PermissionDenied
    may = access.may_edit_meeting(overleg) if overleg else access.may_record_meeting()
    if not may:
        raise PermissionDenied(
            _("Only the school, or the partner who keeps the minutes, records the meeting.")
        )
    linked = [*documents, *afspraken]
    if any(item.dossier_id != dossier.pk or not access.can_read_item(item) for item in linked):
        raise ValidationError(_("Link only documents and agreements of this dossier."))
    overleg = overleg or StructureelOverleg(dossier=dossier, created_by=user)
    for key, value in fields.items():
        setattr(overleg, key, value.strip() if isinstance(value, str) else value)
    if overleg.next_meeting_date and overleg.next_meeting_date <= overleg.date:
        raise ValidationError({"next_meeting_date": _("The next meeting comes after this one.")})
    overleg.full_clean()
    overleg.save()
    overleg.documents.set(documents)
    overleg.afspraken.set(afspraken)
    return overleg
