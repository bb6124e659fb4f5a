"""Writes for signals: log, correct, supplement, move through the workflow.

Each service takes the writer's access as the view computed it (``access``), checks with it
that the person may write signals in the dossier, validates, writes in one transaction, and
leaves the notifications to the other side.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from dossier.core.access import DossierAccess, Section
from dossier.core.models import Dossier, Thema
from dossier.meldingen.services import notifications_create
from samenwerking.schoolyear import school_year_of
from signalen.models import (
    TEXT_MAX,
    TITLE_MAX,
    Aanvulling,
    AanvullingVersie,
    Bron,
    Gebeurtenis,
    Signaal,
)
from signalen.workflow import Kind, Status, can_move, status_after_supplement


def _writer_organisation_id(*, access: DossierAccess, user: User, dossier_id: int) -> int:
    """The organisation on whose behalf ``user`` writes signals in the dossier: the school, or
    the CLB that serves it. Raises PermissionDenied when the person may not write signals there.
    """
    access.require_actor(user, dossier_id)
    organisation_id = access.acting_organisation_id(Section.SIGNALEN)
    if organisation_id is None:
        raise PermissionDenied(_("You may not write signals in this dossier."))
    return organisation_id


def _clean_text(value: str, *, field: str, maximum: int, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("%(label)s cannot be empty.") % {"label": label}})
    if len(value) > maximum:
        raise ValidationError(
            {
                field: _("%(label)s can be at most %(max)d characters (now %(length)d).")
                % {"label": label, "max": maximum, "length": len(value)}
            }
        )
    return value


def _refresh_search_text(signaal: Signaal) -> None:
    """What the search looks in: the title, the description and every supplement."""
    parts = [signaal.title, signaal.text, *signaal.aanvullingen.values_list("text", flat=True)]
    Signaal.objects.filter(pk=signaal.pk).update(search_text="\n".join(parts))


def _notify(signaal: Signaal, actor: User, access: DossierAccess, subject: str) -> None:
    url = reverse("signalen:detail", kwargs={"pk": signaal.dossier_id, "signaal_pk": signaal.pk})
    notifications_create(
        dossier=signaal.dossier,
        actor=actor,
        access=access,
        section=Section.SIGNALEN,
        subject=subject,
        url=url,
    )


@transaction.atomic
def signaal_create(
    *,
    dossier: Dossier,
    author: User,
    access: DossierAccess,
    title: str,
    text: str,
    thema: Thema,
    bron: Bron,
    school_year: str | None = None,
    follow_up_date: datetime.date | None = None,
) -> Signaal:
    organisation_id = _writer_organisation_id(access=access, user=author, dossier_id=dossier.pk)
    now = timezone.now()
    signaal = Signaal(
        dossier=dossier,
        title=_clean_text(title, field="title", maximum=TITLE_MAX, label=_("The title")),
        text=_clean_text(text, field="text", maximum=TEXT_MAX, label=_("The description")),
        thema=thema,
        bron=bron,
        school_year=school_year or school_year_of(timezone.localdate()),
        follow_up_date=follow_up_date,
        author=author,
        author_organisation_id=organisation_id,
        last_activity_at=now,
    )
    signaal.full_clean()
    signaal.save()
    Gebeurtenis.objects.create(
        signaal=signaal, kind=Gebeurtenis.Kind.CREATED, actor=author, to_status=signaal.status
    )
    _refresh_search_text(signaal)
    _notify(signaal, author, access, _("New signal: %(title)s") % {"title": signaal.title})
    return signaal


@transaction.atomic
def signaal_update(
    *,
    signaal: Signaal,
    editor: User,
    access: DossierAccess,
    title: str,
    text: str,
    thema: Thema,
    bron: Bron,
    school_year: str,
    follow_up_date: datetime.date | None,
) -> Signaal:
    """Correct a signal; the earlier title and text stay readable on its timeline."""
    signaal = Signaal.objects.select_for_update().get(pk=signaal.pk)
    _writer_organisation_id(access=access, user=editor, dossier_id=signaal.dossier_id)
    old_title, old_text = signaal.title, signaal.text
    signaal.title = _clean_text(title, field="title", maximum=TITLE_MAX, label=_("The title"))
    signaal.text = _clean_text(text, field="text", maximum=TEXT_MAX, label=_("The description"))
    signaal.thema, signaal.bron = thema, bron
    signaal.school_year, signaal.follow_up_date = school_year, follow_up_date
    signaal.last_activity_at = timezone.now()
    signaal.full_clean()
    signaal.save()
    if (old_title, old_text) != (signaal.title, signaal.text):
        Gebeurtenis.objects.create(
            signaal=signaal,
            kind=Gebeurtenis.Kind.EDITED,
            actor=editor,
            old_title=old_title,
            old_text=old_text,
        )
    _refresh_search_text(signaal)
    return signaal


@transaction.atomic
def aanvulling_add(
    *, signaal: Signaal, author: User, access: DossierAccess, kind: str, text: str
) -> Aanvulling:
    """Add a supplement; a first duiding, advies, afspraak or stand van zaken moves the status."""
    signaal = Signaal.objects.select_for_update().select_related("dossier").get(pk=signaal.pk)
    organisation_id = _writer_organisation_id(
        access=access, user=author, dossier_id=signaal.dossier_id
    )
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose what kind of supplement this is.")})
    if signaal.status == Status.AFGESLOTEN:
        raise ValidationError(_("This signal is closed. Reopen it before adding to it."))
    text = _clean_text(
        text,
        field="text",
        maximum=Aanvulling._meta.get_field("text").max_length,
        label=_("The supplement"),
    )
    aanvulling = Aanvulling.objects.create(
        signaal=signaal,
        kind=kind,
        text=text,
        author=author,
        author_organisation_id=organisation_id,
    )
    new_status = status_after_supplement(signaal.status, kind)
    if new_status:
        Gebeurtenis.objects.create(
            signaal=signaal,
            kind=Gebeurtenis.Kind.STATUS,
            actor=author,
            from_status=signaal.status,
            to_status=new_status,
            automatic=True,
        )
        signaal.status = new_status
    signaal.last_activity_at = timezone.now()
    signaal.save(update_fields=["status", "last_activity_at"])
    _refresh_search_text(signaal)
    _notify(
        signaal,
        author,
        access,
        _("%(kind)s added to the signal %(title)s")
        % {"kind": aanvulling.get_kind_display(), "title": signaal.title},
    )
    return aanvulling


@transaction.atomic
def aanvulling_correct(
    *, aanvulling: Aanvulling, author: User, access: DossierAccess, text: str
) -> Aanvulling:
    """Only its author corrects a supplement; the earlier text is kept as a version."""
    aanvulling = (
        Aanvulling.objects.select_for_update()
        .select_related("signaal__dossier")
        .get(pk=aanvulling.pk)
    )
    _writer_organisation_id(access=access, user=author, dossier_id=aanvulling.signaal.dossier_id)
    if not access.may_correct_supplement(aanvulling):
        raise PermissionDenied(_("Only the person who wrote a supplement can correct it."))
    text = _clean_text(
        text,
        field="text",
        maximum=Aanvulling._meta.get_field("text").max_length,
        label=_("The supplement"),
    )
    if text == aanvulling.text:
        raise ValidationError({"text": _("The text has not changed.")})
    AanvullingVersie.objects.create(
        aanvulling=aanvulling,
        text=aanvulling.text,
        written_at=aanvulling.corrected_at or aanvulling.created_at,
    )
    aanvulling.text = text
    aanvulling.corrected_at = timezone.now()
    aanvulling.save(update_fields=["text", "corrected_at"])
    Signaal.objects.filter(pk=aanvulling.signaal_id).update(last_activity_at=timezone.now())
    _refresh_search_text(aanvulling.signaal)
    return aanvulling


@transaction.atomic
def signaal_change_status(
    *, signaal: Signaal, actor: User, access: DossierAccess, to_status: str, note: str = ""
) -> Signaal:
    signaal = Signaal.objects.select_for_update().select_related("dossier").get(pk=signaal.pk)
    _writer_organisation_id(access=access, user=actor, dossier_id=signaal.dossier_id)
    if to_status not in Status.values:
        raise ValidationError({"to_status": _("Choose a status.")})
    if not can_move(signaal.status, to_status):
        raise ValidationError(
            {
                "to_status": _(
                    "A signal with the status “%(current)s” cannot get the status “%(target)s”."
                )
                % {
                    "current": Status(signaal.status).label,
                    "target": Status(to_status).label,
                }
            }
        )
    Gebeurtenis.objects.create(
        signaal=signaal,
        kind=Gebeurtenis.Kind.STATUS,
        actor=actor,
        from_status=signaal.status,
        to_status=to_status,
        note=(note or "").strip()[:300],
    )
    signaal.status = to_status
    signaal.last_activity_at = timezone.now()
    # closing starts the retention period; reopening stops it
    signaal.closed_at = timezone.now() if to_status == Status.AFGESLOTEN else None
    signaal.save(update_fields=["status", "last_activity_at", "closed_at"])
    return signaal
