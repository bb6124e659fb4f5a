"""The demo region as if it had been in use for a while.

Everything the demo loads is written now; a region in use has history. This spreads what was
written over the past weeks, leaves a few items of the last days, lets two follow-ups run late
and plans what comes next, so the werkoverzicht of each persona shows what a working day looks
like. Running it again moves nothing: it only touches items that are still dated today.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from consultatie.models import Consultatie, Opmerking
from dossier.core.models import Dossier
from dossier.documenten.models import DocumentVersie
from dossier.overleg.models import StructureelOverleg
from leersteun.models import Gesprek, Leersteunvraag
from signalen.models import Aanvulling, Signaal
from signalen.workflow import OPEN_STATUSES

# The days ago each item (in order of writing) is moved to, in turn; 1 and 2 stay "new" for a
# first visit, the others lie further back.
SPREAD = (21, 1, 34, 9, 48, 2, 27, 61, 16, 40)


def _backdate(queryset, field: str, now: datetime.datetime) -> None:
    today = timezone.localdate(now)
    fresh = [
        item
        for item in queryset.order_by("pk")
        if timezone.localdate(getattr(item, field)) == today
    ]
    for index, item in enumerate(fresh):
        moment = now - datetime.timedelta(days=SPREAD[index % len(SPREAD)], hours=index % 7)
        type(item).objects.filter(pk=item.pk).update(**{field: moment})


def load_history(orgs, users) -> None:
    now = timezone.now()
    today = timezone.localdate(now)
    _backdate(Signaal.objects.all(), "created_at", now)
    _backdate(Aanvulling.objects.all(), "created_at", now)
    _backdate(Consultatie.objects.all(), "created_at", now)
    _backdate(Opmerking.objects.all(), "created_at", now)
    _backdate(DocumentVersie.objects.all(), "uploaded_at", now)
    _backdate(Leersteunvraag.objects.all(), "created_at", now)
    # a signal's last activity follows its newest supplement (or itself)
    for signaal in Signaal.objects.all():
        newest = signaal.aanvullingen.order_by("-created_at").values_list("created_at", flat=True)
        Signaal.objects.filter(pk=signaal.pk).update(
            last_activity_at=max([signaal.created_at, *newest[:1]])
        )

    regenboog = Dossier.objects.get(school=orgs["regenboog"])
    # two follow-ups ran late: the oldest open signal and the oldest open note of De Regenboog
    late = today - datetime.timedelta(days=5)
    open_signals = Signaal.objects.filter(dossier=regenboog, status__in=OPEN_STATUSES)
    if not open_signals.filter(follow_up_date__lt=today).exists():
        signaal = open_signals.filter(follow_up_date=None).order_by("created_at").first()
        if signaal is not None:
            Signaal.objects.filter(pk=signaal.pk).update(follow_up_date=late)
    open_notes = Consultatie.objects.filter(dossier=regenboog, status="open")
    if not open_notes.filter(follow_up_date__lt=today).exists():
        note = open_notes.filter(follow_up_date=None).order_by("created_at").first()
        if note is not None:
            Consultatie.objects.filter(pk=note.pk).update(follow_up_date=late)
    # what comes next: the structural meeting in three weeks, this year's samenwerkingsgesprek
    StructureelOverleg.objects.filter(
        dossier=regenboog, next_meeting_date__gt=today + datetime.timedelta(days=28)
    ).update(next_meeting_date=today + datetime.timedelta(days=21))
    planned = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=10), datetime.time(14, 0))
    )
    Gesprek.objects.filter(
        dossier=regenboog, status=Gesprek.Status.VOORBEREIDING, planned_for=None
    ).update(planned_for=planned)
