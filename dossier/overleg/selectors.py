from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404

from dossier.core.access import Section, require_section
from dossier.core.models import Dossier
from dossier.core.registry import registry
from dossier.overleg.models import StructureelOverleg


def overleggen_for(dossier: Dossier):
    return StructureelOverleg.objects.filter(dossier=dossier).select_related("created_by")


def linked_items(key: str, dossier, access):
    """The items of another section (documents, agreements) a meeting may show or link."""
    return registry.linkables[key].readable(dossier, access)


def overleg_get(user, *, pk, overleg_pk, write: bool = False):
    """(dossier, access, meeting) or 404; with ``write``, 403 unless the person may change the
    meeting's record (the school, or the partner who keeps its minutes)."""
    dossier, access = require_section(user, pk, Section.OVERLEG)
    overleg = (
        overleggen_for(dossier)
        .prefetch_related(
            Prefetch("documents", queryset=linked_items("documenten", dossier, access)),
            Prefetch("afspraken", queryset=linked_items("afspraken", dossier, access)),
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
