"""The leersteun section's part of the werkoverzicht (``dossier.core.werkoverzicht``)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossier.core.registry import Bucket, WorkAnswer, WorkItem
from dossier.core.werkoverzicht import count_into
from leersteun.models import Gesprek, Leersteunvraag


def work_for(ask) -> WorkAnswer:
    """Samenwerkingsgesprekken planned in the coming weeks, and leersteunvragen that someone
    else registered since the person's previous login. At most four queries."""
    answer = WorkAnswer()
    end = timezone.make_aware(datetime.datetime.combine(ask.horizon, datetime.time.max))
    gesprekken = Gesprek.objects.filter(
        dossier_id__in=ask.ids,
        status__in=(Gesprek.Status.VOORBEREIDING, Gesprek.Status.GEPLAND),
        planned_for__gte=ask.now,
        planned_for__lte=end,
    )
    counted = count_into(answer, gesprekken, {Bucket.UPCOMING: Q()})
    nearest = (
        gesprekken.select_related("lsc")
        .only("id", "dossier_id", "planned_for", "lsc__name")
        .order_by("planned_for", "id")
    )
    for gesprek in ask.first(nearest, counted, Bucket.UPCOMING):
        answer.items.append(
            WorkItem(
                bucket=Bucket.UPCOMING,
                dossier_id=gesprek.dossier_id,
                kind_label=_("Samenwerkingsgesprek"),
                title=gesprek.lsc.name,
                when=gesprek.planned_for,
                url=reverse(
                    "leersteun:gesprek", kwargs={"pk": gesprek.dossier_id, "gesprek_pk": gesprek.pk}
                ),
            )
        )
    vragen = Leersteunvraag.objects.filter(dossier_id__in=ask.ids).filter(
        ask.new_q(by="registered_by")
    )
    counted = count_into(answer, vragen, {Bucket.NEW: Q()})
    newest = vragen.only("id", "dossier_id", "label", "created_at").order_by("-created_at", "-id")
    for vraag in ask.first(newest, counted, Bucket.NEW):
        answer.items.append(
            WorkItem(
                bucket=Bucket.NEW,
                dossier_id=vraag.dossier_id,
                kind_label=_("Leersteunvraag"),
                title=vraag.label,
                when=vraag.created_at,
                url=reverse(
                    "leersteun:vraag", kwargs={"pk": vraag.dossier_id, "vraag_pk": vraag.pk}
                ),
            )
        )
    return answer
