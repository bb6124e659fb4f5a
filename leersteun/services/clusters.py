"""Every write of an LSC's clusters: making and changing one, putting questions in and out.

A cluster groups leersteunvragen of one or several schools of one LSC, worked on teacher- or
team-oriented with its own plan and ondersteuner. Its ankerpersonen and coördinator write
(``may_manage_clusters``); a question joins only a cluster of its own LSC, and only when the
person reads its dossier. Each move in or out leaves a line on the question's timeline and an
event in its dossier's audit log.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Membership, Organisation, membership_active_q
from accounts.roles import Role
from dossier.core.access import Section, readable_dossier_ids
from dossier.core.access.organisations import may_manage_clusters
from dossier.core.services import AuditEntry, audit_record, audit_record_many
from leersteun.models import Cluster, Leersteunvraag, VraagGebeurtenis
from leersteun.section import VRAAG_CLUSTERED, VRAGEN_EXPORTED

TITLE_MAX = 200
PLAN_MAX = 4000
HOURS_MAX = Decimal("9999.9")


def ondersteuner_ids(lsc_id: int) -> set[int]:
    """The people who work for the LSC today as ondersteuner (one query)."""
    return set(
        Membership.objects.filter(
            membership_active_q(), organisation_id=lsc_id, role=Role.LSC_ONDERSTEUNER
        ).values_list("user_id", flat=True)
    )


def _require_manager(user, lsc_id: int) -> None:
    if not may_manage_clusters(user, lsc_id):
        raise PermissionDenied(_("Only the LSC's ankerpersonen and coördinator manage clusters."))


def _clean(*, lsc_id, title, approach, plan, ondersteuner, estimated_hours) -> dict:
    errors: dict[str, str] = {}
    title = (title or "").strip()
    plan = (plan or "").strip()
    if not title:
        errors["title"] = _("Give the cluster a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Keep the title under %(max)s characters.") % {"max": TITLE_MAX}
    if approach not in Cluster.Approach.values:
        errors["approach"] = _("Choose a teacher- or team-oriented approach.")
    if len(plan) > PLAN_MAX:
        errors["plan"] = _("Keep the plan under %(max)s characters.") % {"max": PLAN_MAX}
    if "\x00" in title + plan:
        errors["title"] = _("This text holds a character that cannot be stored.")
    if ondersteuner is not None and ondersteuner.pk not in ondersteuner_ids(lsc_id):
        errors["ondersteuner"] = _("Choose an ondersteuner who works for this LSC.")
    hours = None
    if estimated_hours not in (None, ""):
        try:
            hours = Decimal(str(estimated_hours))
        except InvalidOperation:
            hours = None
            errors["estimated_hours"] = _("Give the hours as a number, such as 2 or 1.5.")
        else:
            if not hours.is_finite():
                errors["estimated_hours"] = _("Give the hours as a number, such as 2 or 1.5.")
            elif hours < 0:
                errors["estimated_hours"] = _("The hours cannot be below zero.")
            elif hours > HOURS_MAX:
                errors["estimated_hours"] = _("That is more hours than a week can hold.")
            else:
                hours = hours.quantize(Decimal("0.1"))
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "approach": approach,
        "plan": plan,
        "ondersteuner": ondersteuner,
        "estimated_hours": hours,
    }


@transaction.atomic
def cluster_create(
    *,
    lsc: Organisation,
    user,
    title: str,
    approach: str,
    plan: str = "",
    ondersteuner=None,
    estimated_hours=None,
) -> Cluster:
    _require_manager(user, lsc.pk)
    fields = _clean(
        lsc_id=lsc.pk,
        title=title,
        approach=approach,
        plan=plan,
        ondersteuner=ondersteuner,
        estimated_hours=estimated_hours,
    )
    return Cluster.objects.create(lsc=lsc, created_by=user, **fields)


@transaction.atomic
def cluster_update(
    *,
    cluster: Cluster,
    user,
    title: str,
    approach: str,
    plan: str = "",
    ondersteuner=None,
    estimated_hours=None,
    closed: bool = False,
) -> Cluster:
    """Change the cluster; ``closed`` closes it (no questions join it any more) or opens it."""
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    _require_manager(user, cluster.lsc_id)
    fields = _clean(
        lsc_id=cluster.lsc_id,
        title=title,
        approach=approach,
        plan=plan,
        ondersteuner=ondersteuner,
        estimated_hours=estimated_hours,
    )
    for name, value in fields.items():
        setattr(cluster, name, value)
    if closed and cluster.closed_at is None:
        cluster.closed_at = timezone.now()
    elif not closed:
        cluster.closed_at = None
    cluster.save()
    return cluster


def _question_for(user, vraag_id: int) -> Leersteunvraag:
    """The question, locked, when the person reads its dossier; else refused as unknown."""
    vraag = (
        Leersteunvraag.objects.select_for_update(of=("self",))
        .select_related("dossier")
        .filter(pk=vraag_id, dossier_id__in=readable_dossier_ids(user, Section.LEERSTEUN))
        .first()
    )
    if vraag is None:
        raise ValidationError(_("This leersteunvraag was not found among those you may read."))
    return vraag


def _record(vraag: Leersteunvraag, user, note: str) -> None:
    VraagGebeurtenis.objects.create(
        vraag=vraag, kind=VraagGebeurtenis.Kind.CLUSTERED, note=note[:2000], actor=user
    )
    audit_record(
        dossier=vraag.dossier,
        actor=user,
        action=VRAAG_CLUSTERED.key,
        section=Section.LEERSTEUN,
        detail=f"{vraag.label}: {note}",
    )


@transaction.atomic
def cluster_add_vraag(*, cluster: Cluster, vraag_id: int, user) -> Leersteunvraag:
    """Put a question in the cluster (out of the cluster it was in). Refused for a question
    of another LSC, one whose dossier the person does not read, or a closed cluster."""
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    _require_manager(user, cluster.lsc_id)
    vraag = _question_for(user, vraag_id)
    if vraag.lsc_id != cluster.lsc_id:
        raise ValidationError(
            _("A cluster holds questions of one LSC only: this question was asked of another.")
        )
    if cluster.closed_at is not None:
        raise ValidationError(_("This cluster is closed: no questions join it any more."))
    if vraag.cluster_id == cluster.pk:
        raise ValidationError(_("This question is already in this cluster."))
    earlier = vraag.cluster
    vraag.cluster = cluster
    vraag.save(update_fields=["cluster"])
    if earlier is not None:
        note = _("Moved from cluster “%(old)s” to “%(new)s”.") % {
            "old": earlier.title,
            "new": cluster.title,
        }
    else:
        note = _("Added to cluster “%(title)s”.") % {"title": cluster.title}
    _record(vraag, user, note)
    return vraag


@transaction.atomic
def cluster_remove_vraag(*, cluster: Cluster, vraag_id: int, user) -> Leersteunvraag:
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    _require_manager(user, cluster.lsc_id)
    vraag = _question_for(user, vraag_id)
    if vraag.cluster_id != cluster.pk:
        raise ValidationError(_("This question is not in this cluster."))
    vraag.cluster = None
    vraag.save(update_fields=["cluster"])
    _record(vraag, user, _("Taken out of cluster “%(title)s”.") % {"title": cluster.title})
    return vraag


def vragen_export_record(*, user, lsc: Organisation, vragen: list[Leersteunvraag]) -> int:
    """Record an export of the LSC's question list: one event in the audit log of every
    dossier whose questions are in it (one INSERT). Returns how many dossiers."""
    per_dossier: dict[int, int] = {}
    for vraag in vragen:
        per_dossier[vraag.dossier_id] = per_dossier.get(vraag.dossier_id, 0) + 1
    audit_record_many(
        actor=user,
        entries=[
            AuditEntry(
                dossier_id=dossier_id,
                action=VRAGEN_EXPORTED.key,
                section=Section.LEERSTEUN,
                detail=ngettext(
                    "%(count)d leersteunvraag in the export of %(lsc)s",
                    "%(count)d leersteunvragen in the export of %(lsc)s",
                    count,
                )
                % {"count": count, "lsc": lsc.name},
            )
            for dossier_id, count in per_dossier.items()
        ],
    )
    return len(per_dossier)
