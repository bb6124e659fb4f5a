from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, When
from django.http import Http404
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dossier.core.access import Section, require_section
from dossier.core.models import Dossier
from dossier.core.registry import Bucket, WorkAnswer, WorkItem, registry
from dossier.core.werkoverzicht import count_into
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


def work_for(ask) -> WorkAnswer:
    """The structural meetings' part of the werkoverzicht: meetings in the coming weeks,
    recorded ones and the "next meeting" an earlier record names (unless that meeting is
    recorded already). At most two queries."""
    answer = WorkAnswer()
    meetings = StructureelOverleg.objects.filter(dossier_id__in=ask.ids)
    planned = Q(date__gte=ask.today, date__lte=ask.horizon)
    recorded = StructureelOverleg.objects.filter(
        dossier_id=OuterRef("dossier_id"), date=OuterRef("next_meeting_date")
    )
    announced = Q(
        date__lt=ask.today,
        next_meeting_date__gte=ask.today,
        next_meeting_date__lte=ask.horizon,
    ) & ~Q(Exists(recorded))
    counted = count_into(answer, meetings, {Bucket.UPCOMING: planned | announced})
    on = Case(When(planned, then=F("date")), default=F("next_meeting_date"))
    nearest = (
        meetings.filter(planned | announced)
        .annotate(on=on)
        .only("id", "dossier_id", "date", "next_meeting_date")
        .order_by("on", "id")
    )
    for meeting in ask.first(nearest, counted, Bucket.UPCOMING):
        when = meeting.on
        answer.items.append(
            WorkItem(
                bucket=Bucket.UPCOMING,
                dossier_id=meeting.dossier_id,
                kind_label=_("Structural meeting"),
                title=_("Structural meeting of %(date)s") % {"date": date_format(when)},
                when=when,
                url=reverse(
                    "overleg:overleg_detail",
                    kwargs={"pk": meeting.dossier_id, "overleg_pk": meeting.pk},
                ),
            )
        )
    return answer
