from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from accounts.roles import OrganisationKind
from dossier.afspraken.models import AfspraakPartij, AfspraakVersie, Samenwerkingsafspraak
from dossier.afspraken.section import AGREEMENT_APPROVED
from dossier.core.access import DossierAccess, Section
from dossier.core.models import Dossier
from dossier.core.selectors import partner_organisations
from dossier.core.services import audit_record
from dossier.meldingen.services import notify
from samenwerking.versions import next_version_number


def _validate_parties(dossier: Dossier, parties: dict[str, tuple[Organisation, str]]) -> None:
    available = partner_organisations(dossier)
    if OrganisationKind.SCHOOL not in parties or len(parties) < 2:
        raise ValidationError(_("An agreement binds the school and at least one partner."))
    for kind, (organisation, responsibilities) in parties.items():
        if organisation not in available.get(kind, []):
            raise ValidationError(
                _("%(org)s is not a current partner of this school.") % {"org": organisation}
            )
        if not (responsibilities or "").strip():
            raise ValidationError(
                _("Say what %(org)s does under this agreement.") % {"org": organisation.name}
            )


def _write_version(afspraak, user, summary: str, parties) -> AfspraakVersie:
    number = next_version_number(afspraak.versies)
    version = AfspraakVersie(
        afspraak=afspraak, number=number, summary=(summary or "").strip(), created_by=user
    )
    version.full_clean()
    version.save()
    for kind, (organisation, responsibilities) in parties.items():
        AfspraakPartij.objects.create(
            versie=version,
            kind=kind,
            organisation=organisation,
            responsibilities=responsibilities.strip(),
        )
    afspraak.for_clb = OrganisationKind.CLB in parties
    afspraak.for_pbd = OrganisationKind.PBD in parties
    afspraak.for_lsc = OrganisationKind.LSC in parties
    return version


@transaction.atomic
def afspraak_create(
    *,
    dossier: Dossier,
    user,
    access: DossierAccess,
    title: str,
    topic: str,
    evaluation_date,
    summary: str,
    parties,
) -> Samenwerkingsafspraak:
    """Draft an agreement; ``parties`` maps a partner kind to (organisation, what it does)."""
    access.require_actor(user, dossier.pk)
    _validate_parties(dossier, parties)
    if not access.may_draft_agreement(parties):
        raise PermissionDenied(_("You can only draft agreements that bind your own organisation."))
    afspraak = Samenwerkingsafspraak(
        dossier=dossier,
        title=(title or "").strip(),
        topic=topic,
        evaluation_date=evaluation_date,
        created_by=user,
    )
    afspraak.full_clean()
    afspraak.save()
    _write_version(afspraak, user, summary, parties)
    afspraak.save(update_fields=["for_clb", "for_pbd", "for_lsc"])
    return afspraak


@transaction.atomic
def afspraak_change(
    *,
    afspraak: Samenwerkingsafspraak,
    user,
    access: DossierAccess,
    title: str,
    topic: str,
    evaluation_date,
    summary: str,
    parties,
) -> Samenwerkingsafspraak:
    """Change an agreement: a new version that every bound partner approves again."""
    afspraak = Samenwerkingsafspraak.objects.select_for_update().get(pk=afspraak.pk)
    access.require_actor(user, afspraak.dossier_id)
    if not access.may_change_agreement(afspraak):
        raise PermissionDenied(_("Only the partners an agreement binds can change it."))
    _validate_parties(afspraak.dossier, parties)
    afspraak.title, afspraak.topic = (title or "").strip(), topic
    afspraak.evaluation_date = evaluation_date
    afspraak.status = Samenwerkingsafspraak.Status.DRAFT
    afspraak.reminded_at = None
    afspraak.full_clean()
    _write_version(afspraak, user, summary, parties)
    afspraak.save()
    return afspraak


def current_version(afspraak: Samenwerkingsafspraak) -> AfspraakVersie:
    return afspraak.versies.order_by("-number").prefetch_related("partijen__organisation").first()


@transaction.atomic
def afspraak_approve(
    *, afspraak: Samenwerkingsafspraak, user, access: DossierAccess
) -> list[AfspraakPartij]:
    """The person approves for their own side; once every partner has, the agreement holds."""
    afspraak = Samenwerkingsafspraak.objects.select_for_update().get(pk=afspraak.pk)
    access.require_actor(user, afspraak.dossier_id)
    version = current_version(afspraak)
    pending = access.parties_to_approve(version.partijen.all())
    if not pending:
        raise ValidationError(_("There is nothing left for you to approve in this version."))
    now = timezone.now()
    for partij in pending:
        partij.approved_by, partij.approved_at = user, now
        partij.save(update_fields=["approved_by", "approved_at"])
        audit_record(
            dossier=afspraak.dossier,
            actor=user,
            action=AGREEMENT_APPROVED.key,
            section=Section.AFSPRAKEN,
            detail=f"{afspraak.title} v{version.number} – {partij.organisation.name}"[:300],
        )
    if not version.partijen.filter(approved_at__isnull=True).exists():
        afspraak.status = Samenwerkingsafspraak.Status.APPROVED
        afspraak.save(update_fields=["status", "updated_at"])
    return pending


@transaction.atomic
def afspraak_set_status(
    *, afspraak: Samenwerkingsafspraak, user, access: DossierAccess, status: str
) -> Samenwerkingsafspraak:
    """Mark an approved agreement as evaluated or expired (or due for evaluation)."""
    allowed = {
        Samenwerkingsafspraak.Status.TO_EVALUATE,
        Samenwerkingsafspraak.Status.EVALUATED,
        Samenwerkingsafspraak.Status.EXPIRED,
    }
    afspraak = Samenwerkingsafspraak.objects.select_for_update().get(pk=afspraak.pk)
    access.require_actor(user, afspraak.dossier_id)
    if not access.may_change_agreement(afspraak):
        raise PermissionDenied(_("Only the partners an agreement binds can change it."))
    if status not in allowed:
        raise ValidationError(_("Choose to evaluate, evaluated or expired."))
    if afspraak.status == Samenwerkingsafspraak.Status.DRAFT:
        raise ValidationError(_("Every partner must approve the agreement first."))
    afspraak.status = status
    afspraak.save(update_fields=["status", "updated_at"])
    return afspraak


def afspraken_remind(*, today: datetime.date | None = None, days_ahead: int = 30) -> int:
    """Agreements whose evaluation nears become "to evaluate", and their partners hear of it."""
    from django.urls import reverse

    today = today or timezone.localdate()
    due = Samenwerkingsafspraak.objects.filter(
        status=Samenwerkingsafspraak.Status.APPROVED,
        reminded_at__isnull=True,
        evaluation_date__lte=today + datetime.timedelta(days=days_ahead),
    ).select_related("dossier__school", "created_by")
    count = 0
    for afspraak in due:
        with transaction.atomic():
            updated = Samenwerkingsafspraak.objects.filter(
                pk=afspraak.pk, reminded_at__isnull=True
            ).update(status=Samenwerkingsafspraak.Status.TO_EVALUATE, reminded_at=timezone.now())
            if not updated:
                continue
            _notify_parties(
                afspraak,
                _("Time to evaluate the agreement: %(title)s (by %(date)s)")
                % {"title": afspraak.title, "date": afspraak.evaluation_date.strftime("%d/%m/%Y")},
                reverse(
                    "afspraken:afspraak_detail",
                    kwargs={"pk": afspraak.dossier_id, "afspraak_pk": afspraak.pk},
                ),
            )
            count += 1
    return count


def _notify_parties(afspraak, subject: str, url: str) -> None:
    """Everyone with access on a side the agreement binds gets a notification."""
    notify(
        dossier=afspraak.dossier,
        subject=subject,
        url=url,
        wants=lambda access: access.can_read_item(afspraak),
    )


def afspraak_draft_between(
    *,
    dossier: Dossier,
    user,
    access: DossierAccess,
    title: str,
    summary: str,
    evaluation_date,
    partner_kind: str,
    school_does: str,
    partner_does: str,
) -> Samenwerkingsafspraak:
    """Draft an agreement between the school and the person's own organisation of
    ``partner_kind``, for another section (the registry's ``AgreementMaker``): the same checks
    and approval flow as one drafted here."""
    partner_id = access.organisation_id(partner_kind)
    partner = next(
        (o for o in partner_organisations(dossier).get(partner_kind, []) if o.pk == partner_id),
        None,
    )
    if partner is None:
        raise ValidationError(_("Your organisation is not a current partner of this school."))
    return afspraak_create(
        dossier=dossier,
        user=user,
        access=access,
        title=title,
        topic=Samenwerkingsafspraak.Topic.ANDERE,
        evaluation_date=evaluation_date,
        summary=summary,
        parties={
            OrganisationKind.SCHOOL: (dossier.school, school_does),
            partner_kind: (partner, partner_does),
        },
    )
