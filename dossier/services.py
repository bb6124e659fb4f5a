"""Writes for dossiers, partnerships and the audit log."""

from __future__ import annotations

import datetime

from django.db import transaction

from accounts.models import Organisation
from dossier.models import AuditEvent, Dossier, Partnership
from samenwerking.access import Section


def dossier_create(*, school: Organisation) -> Dossier:
    """Each school has exactly one dossier; calling this twice returns the same one."""
    dossier, _created = Dossier.objects.get_or_create(school=school)
    return dossier


def partnership_create(
    *,
    school: Organisation,
    partner: Organisation,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
) -> Partnership:
    with transaction.atomic():
        # Serialise partnership changes per school so two overlapping ones cannot both pass.
        Organisation.objects.select_for_update().filter(pk=school.pk).first()
        partnership = Partnership(
            school=school, partner=partner, start_date=start_date, end_date=end_date
        )
        partnership.full_clean()
        partnership.save()
    return partnership


def partnership_end(*, partnership: Partnership, end_date: datetime.date) -> Partnership:
    """Ending a partnership ends the partner staff's access at once (see the access module)."""
    partnership.end_date = end_date
    partnership.full_clean()
    partnership.save(update_fields=["end_date"])
    return partnership


def audit_record(
    *,
    dossier: Dossier,
    actor,
    action: str,
    section: Section,
    subject_user=None,
    detail: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        dossier=dossier,
        actor=actor,
        action=action,
        section=str(section),
        subject_user=subject_user,
        detail=detail[:300],
    )
