from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from dossier.afspraken.models import AfspraakPartij, AfspraakVersie, Samenwerkingsafspraak
from dossier.core.access import DossierAccess, Section, audience_q, require_section
from dossier.core.models import Dossier


def afspraken_linkable(dossier: Dossier, access: DossierAccess):
    """The dossier's agreements this person's side may see, to link from a meeting record."""
    return Samenwerkingsafspraak.objects.filter(audience_q(access), dossier=dossier)


def afspraken_for(dossier: Dossier, access: DossierAccess):
    return (
        Samenwerkingsafspraak.objects.filter(audience_q(access), dossier=dossier)
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "versies",
                queryset=AfspraakVersie.objects.prefetch_related(
                    Prefetch(
                        "partijen",
                        queryset=AfspraakPartij.objects.select_related(
                            "organisation", "approved_by"
                        ),
                    )
                ).order_by("-number"),
            )
        )
    )


def afspraak_get(user, *, pk, afspraak_pk, write: bool = False):
    """(dossier, access, agreement), 404 unless it binds the person's side; with ``write``,
    403 unless the person may change it."""
    dossier, access = require_section(user, pk, Section.AFSPRAKEN, write=write)
    afspraak = afspraken_for(dossier, access).filter(pk=afspraak_pk).first()
    if afspraak is None:
        raise Http404
    if write and not access.may_change_agreement(afspraak):
        raise PermissionDenied
    afspraak.dossier = dossier
    return dossier, access, afspraak


def afspraken_due(dossier: Dossier, access: DossierAccess, *, days_ahead: int = 30):
    """Agreements to evaluate soon (or overdue), for the dossier's overview."""
    limit = timezone.localdate() + datetime.timedelta(days=days_ahead)
    return list(
        Samenwerkingsafspraak.objects.filter(audience_q(access), dossier=dossier)
        .filter(
            Q(status=Samenwerkingsafspraak.Status.TO_EVALUATE)
            | Q(status=Samenwerkingsafspraak.Status.APPROVED, evaluation_date__lte=limit)
        )
        .order_by("evaluation_date")[:10]
    )
