from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossier.afspraken.models import AfspraakPartij, AfspraakVersie, Samenwerkingsafspraak
from dossier.core.access import DossierAccess, Section, audience_q, require_section
from dossier.core.models import Dossier
from dossier.core.registry import Bucket, WorkAnswer, WorkItem
from dossier.core.werkoverzicht import count_into


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


def work_for(ask) -> WorkAnswer:
    """The agreements' part of the werkoverzicht: agreements the person may read whose
    evaluation date has come, and the drafts that wait for the approval of an organisation
    they approve for. At most four queries, whatever the number of dossiers."""
    answer = WorkAnswer()
    Status = Samenwerkingsafspraak.Status
    due = Samenwerkingsafspraak.objects.filter(ask.items_q()).filter(
        Q(status=Status.TO_EVALUATE) | Q(status=Status.APPROVED, evaluation_date__lte=ask.today)
    )
    counted = count_into(answer, due, {Bucket.OVERDUE: Q()})
    oldest = due.only("id", "dossier_id", "title", "evaluation_date").order_by(
        "evaluation_date", "id"
    )
    for afspraak in ask.first(oldest, counted, Bucket.OVERDUE):
        answer.items.append(
            _work_item(Bucket.OVERDUE, afspraak, afspraak.evaluation_date, _("To evaluate"))
        )
    # a party of a draft's newest version, of an organisation the person approves for there
    approving = ask.acting_for(Section.AFSPRAKEN)
    if not approving:
        return answer
    acting = Q(pk__in=[])
    for (side, organisation), dossier_ids in approving.items():
        acting |= Q(
            kind=side, organisation_id=organisation, versie__afspraak__dossier_id__in=dossier_ids
        )
    newest = AfspraakVersie.objects.filter(afspraak=OuterRef("versie__afspraak")).order_by(
        "-number"
    )
    parties = AfspraakPartij.objects.filter(
        acting,
        approved_at__isnull=True,
        versie__afspraak__status=Status.DRAFT,
        versie=Subquery(newest.values("id")[:1]),
    )
    counted = count_into(
        answer, parties, {Bucket.ASKED: Q()}, dossier="versie__afspraak__dossier_id"
    )
    oldest = (
        parties.select_related("versie__afspraak")
        .only(
            "id",
            "versie__created_at",
            "versie__afspraak__id",
            "versie__afspraak__dossier_id",
            "versie__afspraak__title",
        )
        .order_by("versie__created_at", "id")
    )
    for party in ask.first(oldest, counted, Bucket.ASKED):
        answer.items.append(
            _work_item(
                Bucket.ASKED, party.versie.afspraak, party.versie.created_at, _("To approve")
            )
        )
    return answer


def _work_item(bucket, afspraak, when, kind_label) -> WorkItem:
    return WorkItem(
        bucket=bucket,
        dossier_id=afspraak.dossier_id,
        kind_label=kind_label,
        title=afspraak.title,
        when=when,
        url=reverse(
            "afspraken:afspraak_detail",
            kwargs={"pk": afspraak.dossier_id, "afspraak_pk": afspraak.pk},
        ),
    )
