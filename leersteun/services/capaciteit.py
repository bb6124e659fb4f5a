"""The writes of priorities, ondersteuners, hours and capacity.

A question's priority, ondersteuner and hours are the LSC's to set (the school reads them);
an ondersteuner's hours per week are the coördinator's. Each service re-checks who writes,
validates everything before it writes anything, and writes in one transaction.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dossier.core.access import DossierAccess, Section
from dossier.core.access.organisations import may_manage_capacity
from dossier.core.services import audit_record
from dossier.meldingen.services import notify
from leersteun.models import Capaciteit, Leersteunvraag, VraagGebeurtenis
from leersteun.section import VRAAG_ASSIGNED, VRAAG_PRIORITY
from leersteun.selectors.capaciteit import (
    MAX_HOURS_PER_WEEK,
    format_hours,
    ondersteuners_of,
    vraag_url,
)
from leersteun.services.gesprek import lsc_of
from leersteun.workflow import OPEN_STATUSES


def _check_hours(value: Decimal | None, field: str) -> None:
    if value is None:
        return
    if value < 0:
        raise ValidationError({field: _("Hours cannot be below zero.")})
    if value > MAX_HOURS_PER_WEEK:
        raise ValidationError(
            {field: _("At most %(limit)s hours per week.") % {"limit": MAX_HOURS_PER_WEEK}}
        )


def _person(user) -> str:
    return user.get_full_name() or user.email


def vraag_assign(
    *,
    vraag: Leersteunvraag,
    access: DossierAccess,
    user,
    priority: str,
    ondersteuner=None,
    estimated_hours: Decimal | None = None,
    note: str = "",
) -> list[VraagGebeurtenis]:
    """Set a question's priority, ondersteuner and hours per week (the LSC of the question
    only). One timeline entry per kind of change (PRIORITY, ASSIGNED), with the note; nothing
    is written when nothing changed. A newly assigned ondersteuner is notified."""
    if lsc_of(access) != vraag.lsc_id:
        raise PermissionDenied
    if vraag.status not in OPEN_STATUSES:
        raise ValidationError(
            _("This question is closed: its priority and hours stay as they are.")
        )
    priority = priority or ""
    if priority and priority not in Leersteunvraag.Priority.values:
        raise ValidationError({"priority": _("Choose high, normal or low.")})
    _check_hours(estimated_hours, "estimated_hours")
    if (
        ondersteuner is not None
        and not ondersteuners_of(vraag.lsc_id).filter(pk=ondersteuner.pk).exists()
    ):
        raise ValidationError(
            {"ondersteuner": _("Choose an ondersteuner who works for this LSC today.")}
        )
    note = (note or "").strip()[:1000]

    with transaction.atomic():
        current = Leersteunvraag.objects.select_for_update().get(pk=vraag.pk)
        events = []
        if current.priority != priority:
            label = Leersteunvraag.Priority(priority).label if priority else _("Not set")
            summary = _("Priority: %(priority)s") % {"priority": label}
            events.append((VraagGebeurtenis.Kind.PRIORITY, summary, VRAAG_PRIORITY))
        new_person = ondersteuner.pk if ondersteuner is not None else None
        if current.ondersteuner_id != new_person or current.estimated_hours != estimated_hours:
            who = _person(ondersteuner) if ondersteuner is not None else _("nobody")
            if estimated_hours is None:
                summary = _("Ondersteuner: %(who)s") % {"who": who}
            else:
                summary = _("Ondersteuner: %(who)s, %(hours)s hours per week") % {
                    "who": who,
                    "hours": format_hours(estimated_hours),
                }
            events.append((VraagGebeurtenis.Kind.ASSIGNED, summary, VRAAG_ASSIGNED))
        if not events:
            return []
        newly_assigned = new_person is not None and current.ondersteuner_id != new_person
        current.priority = priority
        current.ondersteuner = ondersteuner
        current.estimated_hours = estimated_hours
        current.save(update_fields=["priority", "ondersteuner", "estimated_hours"])
        written = VraagGebeurtenis.objects.bulk_create(
            [
                VraagGebeurtenis(
                    vraag=current,
                    kind=kind,
                    note=f"{summary}. {note}" if note else summary,
                    actor=user,
                )
                for kind, summary, _action in events
            ]
        )
        for _kind, summary, action in events:
            audit_record(
                dossier=current.dossier,
                actor=user,
                action=action.key,
                section=Section.LEERSTEUN,
                subject_user=ondersteuner if action is VRAAG_ASSIGNED else None,
                detail=f"{current.label}: {summary}",
            )
        if newly_assigned and new_person != user.pk:
            notify(
                dossier=current.dossier,
                subject=_("A leersteunvraag was assigned to you: %(label)s")
                % {"label": current.label},
                url=vraag_url(current) or "",
                wants=lambda their: their.user_id == new_person,
            )
    vraag.priority, vraag.ondersteuner, vraag.estimated_hours = (
        priority,
        ondersteuner,
        estimated_hours,
    )
    return written


def capaciteit_save(*, lsc_id: int, user, hours: dict[int, Decimal | None]) -> int:
    """Set the hours per week of the LSC's ondersteuners (``None``: not set). Only the
    coördinator; only people who are an ondersteuner of the LSC today; never below zero.
    All or nothing. Returns how many ondersteuners' hours changed."""
    if not may_manage_capacity(user, lsc_id):
        raise PermissionDenied
    allowed = set(ondersteuners_of(lsc_id).filter(pk__in=list(hours)).values_list("pk", flat=True))
    errors = {}
    for person_id, value in hours.items():
        if person_id not in allowed:
            errors[f"hours_{person_id}"] = _("This person is not an ondersteuner of the LSC.")
            continue
        try:
            _check_hours(value, f"hours_{person_id}")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        existing = {
            row.ondersteuner_id: row
            for row in Capaciteit.objects.select_for_update().filter(
                lsc_id=lsc_id, ondersteuner_id__in=list(hours)
            )
        }
        create, update, delete = [], [], []
        for person_id, value in hours.items():
            row = existing.get(person_id)
            if value is None:
                if row is not None:
                    delete.append(row.pk)
            elif row is None:
                create.append(
                    Capaciteit(lsc_id=lsc_id, ondersteuner_id=person_id, hours_per_week=value)
                )
            elif row.hours_per_week != value:
                row.hours_per_week = value
                update.append(row)
        if delete:
            Capaciteit.objects.filter(pk__in=delete).delete()
        if create:
            Capaciteit.objects.bulk_create(create)
        if update:
            Capaciteit.objects.bulk_update(update, ["hours_per_week"])
    return len(create) + len(update) + len(delete)
