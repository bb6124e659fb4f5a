from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import assign_perm, remove_perm

from accounts import services as accounts_services
from accounts.models import Membership, Organisation, Partnership, User
from accounts.roles import PARTNER_KINDS, SCHOOL_GRANTABLE_ROLES, SCHOOL_MANAGER_ROLES
from dossier.core.access import (
    PERM_CONTRIBUTE,
    PERM_MANAGE,
    PERM_VIEW,
    DossierAccess,
    Section,
)
from dossier.core.models import AuditEvent, Dossier
from dossier.core.registry import registry


def dossier_create(*, school: Organisation) -> Dossier:
    """Each school has exactly one dossier; calling this twice returns the same one."""
    dossier, _created = Dossier.objects.get_or_create(school=school)
    return dossier


def dossier_for_saved_school(sender, *, school: Organisation, **kwargs) -> None:
    """Receiver of ``accounts.services.school_saved``: a school saved anywhere has its dossier."""
    dossier_create(school=school)


# what each accounts action is called in the audit log
MEMBERSHIP_AUDIT_ACTIONS = {
    accounts_services.MEMBERSHIP_ADDED: AuditEvent.Action.MEMBERSHIP_ADDED,
    accounts_services.MEMBERSHIP_PENDING: AuditEvent.Action.MEMBERSHIP_PENDING,
    accounts_services.MEMBERSHIP_CONFIRMED: AuditEvent.Action.MEMBERSHIP_CONFIRMED,
    accounts_services.MEMBERSHIP_REFUSED: AuditEvent.Action.MEMBERSHIP_REFUSED,
    accounts_services.MEMBERSHIP_ENDED: AuditEvent.Action.MEMBERSHIP_ENDED,
    accounts_services.MEMBERSHIP_RESCHEDULED: AuditEvent.Action.MEMBERSHIP_RESCHEDULED,
    accounts_services.MEMBERSHIP_DELETED: AuditEvent.Action.MEMBERSHIP_DELETED,
}
PARTNERSHIP_AUDIT_ACTIONS = {
    accounts_services.PARTNERSHIP_ADDED: AuditEvent.Action.PARTNERSHIP_ADDED,
    accounts_services.PARTNERSHIP_ENDED: AuditEvent.Action.PARTNERSHIP_ENDED,
    accounts_services.PARTNERSHIP_DELETED: AuditEvent.Action.PARTNERSHIP_DELETED,
}


def _period(start: datetime.date, end: datetime.date | None) -> str:
    return f"{start:%d/%m/%Y} – {end:%d/%m/%Y}" if end else f"{start:%d/%m/%Y} – …"


def dossiers_touched_by_membership(membership: Membership):
    """A membership of a school touches that school's dossier; one of a CLB, PBD or LSC the
    dossiers of the schools it works with today."""
    organisation = membership.organisation
    if organisation.is_school:
        return Dossier.objects.filter(school_id=organisation.pk)
    schools = Partnership.objects.active_on().filter(partner_id=organisation.pk)
    return Dossier.objects.filter(school_id__in=schools.values("school_id"))


def audit_membership_changed(
    sender, *, membership: Membership, actor, action: str, **kwargs
) -> None:
    """Receiver of ``accounts.services.membership_changed``: the change goes into the audit log
    of every dossier it touches, in the same transaction."""
    detail = _("%(role)s at %(organisation)s, %(period)s") % {
        "role": membership.get_role_display(),
        "organisation": membership.organisation.name,
        "period": _period(membership.start_date, membership.end_date),
    }
    for dossier in dossiers_touched_by_membership(membership):
        audit_record(
            dossier=dossier,
            actor=actor,
            action=MEMBERSHIP_AUDIT_ACTIONS[action],
            section=Section.TOEGANG,
            subject_user=membership.user,
            detail=detail,
        )


def audit_partnership_changed(
    sender, *, partnership: Partnership, actor, action: str, **kwargs
) -> None:
    """Receiver of ``accounts.services.partnership_changed``: into the school's audit log."""
    dossier = Dossier.objects.filter(school_id=partnership.school_id).first()
    if dossier is None:
        return
    audit_record(
        dossier=dossier,
        actor=actor,
        action=PARTNERSHIP_AUDIT_ACTIONS[action],
        section=Section.TOEGANG,
        detail=_("%(kind)s %(partner)s, %(period)s")
        % {
            "kind": partnership.partner.get_kind_display(),
            "partner": partnership.partner.name,
            "period": _period(partnership.start_date, partnership.end_date),
        },
    )


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


@dataclass(frozen=True)
class AuditEntry:
    """One event of ``audit_record_many``: what was done (or shown) in which dossier."""

    dossier_id: int
    action: str
    section: Section
    detail: str = ""


def audit_record_many(*, actor, entries: Iterable[AuditEntry]) -> list[AuditEvent]:
    """Record several events of one actor in a single INSERT, whatever their number.

    For pages that show the content of several items at once (a list of notes, search hits):
    each item gets its own event, so "who saw this item" stays a plain filter, while the page
    costs one query for all of them. Nothing is written when ``entries`` is empty.
    """
    events = [
        AuditEvent(
            dossier_id=entry.dossier_id,
            actor=actor,
            action=entry.action,
            section=str(entry.section),
            detail=entry.detail[:300],
            quiet=registry.is_quiet(entry.action),  # bulk_create does not call save()
        )
        for entry in entries
    ]
    if not events:
        return []
    return AuditEvent.objects.bulk_create(events)


class AccessLevel(TextChoices):
    VIEW = "view", gettext_lazy("Read")
    CONTRIBUTE = "contribute", gettext_lazy("Read and contribute")


def _grant_side(*, dossier: Dossier, user: User, day: datetime.date) -> str:
    """The side (school or a partner kind) on which ``user`` may be given access.

    Raises a ValidationError that says why when the person cannot be given access.
    """
    memberships = list(
        Membership.objects.active_on(day).filter(user=user).select_related("organisation")
    )
    at_school = [m for m in memberships if m.organisation_id == dossier.school_id]
    if any(m.role in SCHOOL_MANAGER_ROLES for m in at_school):
        raise ValidationError(
            _("%(name)s is part of the directie and always has full access to this dossier.")
            % {"name": user}
        )
    if any(m.role in SCHOOL_GRANTABLE_ROLES for m in at_school):
        return "school"
    if at_school:
        raise ValidationError(
            _(
                "%(name)s is %(role)s at this school. Only the directie and the zorgteam "
                "(zorgcoördinator, leerlingenbegeleider, zorgleerkracht) can get access to "
                "the dossier, because everyone with access reads all of the school's "
                "information."
            )
            % {"name": user, "role": at_school[0].get_role_display().lower()}
        )
    partner_ids = set(
        dossier.school.partnerships.active_on(day).values_list("partner_id", flat=True)
    )
    for membership in memberships:
        if (
            membership.organisation.kind in PARTNER_KINDS
            and membership.organisation_id in partner_ids
        ):
            return membership.organisation.kind
    partner_memberships = [m for m in memberships if m.organisation.kind in PARTNER_KINDS]
    if partner_memberships:
        raise ValidationError(
            _(
                "%(name)s works for %(org)s, which is not an active partner of this school. "
                "Only staff of the school's current CLB, PBD or LSC can get access."
            )
            % {"name": user, "org": partner_memberships[0].organisation.name}
        )
    raise ValidationError(
        _("%(name)s has no active role at this school or at one of its partners.") % {"name": user}
    )


def _require_manager(*, dossier: Dossier, actor: User, access: DossierAccess) -> None:
    access.require_actor(actor, dossier.pk)
    if not access.can_write(Section.TOEGANG):
        raise PermissionDenied(_("You may not manage access to this dossier."))


@transaction.atomic
def access_grant(
    *,
    dossier: Dossier,
    granted_by: User,
    access: DossierAccess,
    user: User,
    level: str,
    can_manage: bool = False,
    day: datetime.date | None = None,
) -> AuditEvent:
    """Give ``user`` read or contribute access to ``dossier`` (or change what they have).

    ``access`` is the access of ``granted_by`` to the dossier, as the view computed it.
    """
    # Lock the dossier row: grants on one dossier are changed one at a time.
    dossier = Dossier.objects.select_for_update().select_related("school").get(pk=dossier.pk)
    _require_manager(dossier=dossier, actor=granted_by, access=access)
    if level not in AccessLevel.values:
        raise ValidationError(_("Choose read or contribute access."))
    if user.pk == granted_by.pk:
        raise ValidationError(_("You cannot change your own access."))
    if not user.is_active:
        raise ValidationError(_("%(name)s's account is switched off.") % {"name": user})
    side = _grant_side(dossier=dossier, user=user, day=day or timezone.localdate())
    if can_manage and side != "school":
        raise ValidationError(
            _("Only members of the school's zorgteam can be allowed to manage access.")
        )

    had = set(
        dossier.dossieruserobjectpermission_set.filter(user=user).values_list(
            "permission__codename", flat=True
        )
    )
    wanted = {PERM_VIEW}
    if level == AccessLevel.CONTRIBUTE:
        wanted.add(PERM_CONTRIBUTE)
    if can_manage:
        wanted.add(PERM_MANAGE)
    if had == wanted:
        raise ValidationError(_("%(name)s already has exactly this access.") % {"name": user})
    for codename in had - wanted:
        remove_perm(f"dossier.{codename}", user, dossier)
    for codename in wanted - had:
        assign_perm(f"dossier.{codename}", user, dossier)
    return audit_record(
        dossier=dossier,
        actor=granted_by,
        subject_user=user,
        action=AuditEvent.Action.ACCESS_CHANGED if had else AuditEvent.Action.ACCESS_GRANTED,
        section=Section.TOEGANG,
        detail=describe_access(wanted),
    )


@transaction.atomic
def access_revoke(
    *, dossier: Dossier, revoked_by: User, access: DossierAccess, user: User
) -> AuditEvent:
    dossier = Dossier.objects.select_for_update().select_related("school").get(pk=dossier.pk)
    _require_manager(dossier=dossier, actor=revoked_by, access=access)
    if user.pk == revoked_by.pk:
        raise ValidationError(_("You cannot change your own access."))
    grants = dossier.dossieruserobjectpermission_set.filter(user=user)
    had = set(grants.values_list("permission__codename", flat=True))
    if not had:
        raise ValidationError(_("%(name)s has no access that can be revoked.") % {"name": user})
    grants.delete()
    return audit_record(
        dossier=dossier,
        actor=revoked_by,
        subject_user=user,
        action=AuditEvent.Action.ACCESS_REVOKED,
        section=Section.TOEGANG,
        detail=describe_access(had),
    )


def describe_access(codenames: set[str]) -> str:
    """A short Dutch description of a grant, kept in the audit log."""
    level = AccessLevel.CONTRIBUTE if PERM_CONTRIBUTE in codenames else AccessLevel.VIEW
    text = str(level.label)
    if PERM_MANAGE in codenames:
        text = _("%(level)s, manages access") % {"level": text}
    return text
