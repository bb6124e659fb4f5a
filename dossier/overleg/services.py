from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import OrganisationKind
from dossier.core.access import user_flags
from dossier.core.models import Dossier
from dossier.overleg.models import StructureelOverleg


def overleg_may_write(user, dossier: Dossier, overleg: StructureelOverleg | None = None) -> bool:
    """The school writes the meeting record; so does the partner who keeps its minutes."""
    sides = user_flags(user, dossier).write_sides
    if OrganisationKind.SCHOOL in sides:
        return True
    return bool(overleg and overleg.minutes_keeper in sides)


@transaction.atomic
def overleg_save(
    *,
    dossier: Dossier,
    user,
    overleg: StructureelOverleg | None = None,
    documents=(),
    afspraken=(),
    **fields,
) -> StructureelOverleg:
    if not overleg_may_write(user, dossier, overleg):
        raise PermissionDenied(
            _("Only the school, or the partner who keeps the minutes, records the meeting.")
        )
    if any(d.dossier_id != dossier.pk for d in documents) or any(
        a.dossier_id != dossier.pk for a in afspraken
    ):
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
