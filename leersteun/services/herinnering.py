"""The reminder to the school of a planned samenwerkingsgesprek with questions still open."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from dossier.core.access import SCHOOL, Section
from dossier.meldingen.services import notify
from leersteun.models import Antwoord, Gesprek, Vraag


def _school_writes(access) -> bool:
    return SCHOOL in access.sides(Section.LEERSTEUN, write=True)


@translation.override(settings.LANGUAGE_CODE)
def gesprek_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Planned conversations within ``GESPREK_REMINDER_DAYS`` whose school part still has
    open questions (not answered, or carried or prefilled and not confirmed): the school's
    writers hear of it once. Returns how many conversations were reminded of.

    The subject names the LSC, the date and how many questions are open, never an answer.
    A second run sends nothing: ``reminded_at`` is claimed first (a new date clears it).
    """
    now = now or timezone.now()
    until = now + datetime.timedelta(days=settings.GESPREK_REMINDER_DAYS)
    open_school = Q(antwoorden__vraag__filled_by=Vraag.FilledBy.SCHOOL) & (
        Q(antwoorden__value__isnull=True) | ~Q(antwoorden__origin=Antwoord.Origin.ANSWERED)
    )
    due = (
        Gesprek.objects.filter(
            status=Gesprek.Status.GEPLAND,
            reminded_at__isnull=True,
            planned_for__gte=now,
            planned_for__lte=until,
        )
        .annotate(open_count=Count("antwoorden", filter=open_school))
        .filter(open_count__gt=0)
        .select_related("lsc", "dossier__school")
        .order_by("planned_for", "pk")
    )
    count = 0
    for gesprek in due:
        with transaction.atomic():
            claimed = Gesprek.objects.filter(
                pk=gesprek.pk,
                reminded_at__isnull=True,
                status=Gesprek.Status.GEPLAND,
                planned_for=gesprek.planned_for,
            ).update(reminded_at=now)
            if not claimed:
                continue
            when = timezone.localtime(gesprek.planned_for).strftime("%d/%m/%Y %H:%M")
            subject = ngettext(
                "Samenwerkingsgesprek with %(lsc)s on %(date)s: %(count)d question of the "
                "school is still open",
                "Samenwerkingsgesprek with %(lsc)s on %(date)s: %(count)d questions of the "
                "school are still open",
                gesprek.open_count,
            ) % {"lsc": gesprek.lsc.name, "date": when, "count": gesprek.open_count}
            notify(
                dossier=gesprek.dossier,
                subject=subject,
                url=reverse(
                    "leersteun:gesprek",
                    kwargs={"pk": gesprek.dossier_id, "gesprek_pk": gesprek.pk},
                ),
                wants=_school_writes,
            )
            count += 1
    return count
