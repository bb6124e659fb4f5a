from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404

from dossier.afspraken.models import Samenwerkingsafspraak
from dossier.core.access import DossierAccess, Section, audience_q, require_section
from dossier.core.models import Dossier
from dossier.documenten.selectors import documents_for
from dossier.overleg.models import StructureelOverleg


def overleggen_for(dossier: Dossier):
    return StructureelOverleg.objects.filter(dossier=dossier).select_related("created_by")


def linkable_afspraken(dossier: Dossier, access: DossierAccess):
    """The agreements of the dossier the person may see, to link to a meeting."""
    return Samenwerkingsafspraak.objects.filter(audience_q(access), dossier=dossier)


def overleg_get(user, *, pk, overleg_pk, write: bool = False):
    """(dossier, access, meeting) or 404; with ``write``, 403 unless the person may change the
    meeting's record (the school, or the partner who keeps its minutes)."""
    dossier, access = require_section(user, pk, Section.OVERLEG)
    overleg = (
        overleggen_for(dossier)
        .prefetch_related(
            Prefetch("documents", queryset=documents_for(dossier, access)),
            Prefetch(
                "afspraken",
                queryset=Samenwerkingsafspraak.objects.filter(audience_q(access)),
            ),
        )
        .filter(pk=overleg_pk)
        .first()
    )
    if overleg is None:
        raise Http404
    if write and not access.may_edit_meeting(overleg):
        raise PermissionDenied
    overleg.dossier = dossier
    return dossier, access, overleg
