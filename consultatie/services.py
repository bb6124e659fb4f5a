"""Writes for consultation notes. The CLB writes notes; the school adds remarks.

Each service takes the writer's access as the view computed it (``access``) and checks with it.
Every text field passes the privacy guard (no national register numbers, email addresses or
phone numbers); a label that looks like a full name is allowed only after a warning.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation, User
from accounts.roles import Role
from consultatie.models import Consultatie, ConsultatieThema, Gespreksleidraad, Opmerking, Status
from consultatie.section import NOTE_OPENED, note_reference
from dossier.core.access import (
    NOTE_WRITERS,
    DossierAccess,
    Section,
    people_with_access,
)
from dossier.core.models import Dossier, Thema
from dossier.core.registry import AuditAction
from dossier.core.services import AuditEntry, audit_record_many
from samenwerking.privacy import find_identifiers, looks_like_full_name
from samenwerking.schoolyear import school_year_of

TEXT_FIELDS = ("label", "other_participants", "question", "analysis", "advice", "next_steps")


class FullNameWarning(ValidationError):
    """The label looks like a full name: shown as a warning the writer must confirm."""


def _note_writer_id(access: DossierAccess, user: User, dossier_id: int) -> int:
    """The CLB on whose behalf ``user`` writes notes in the dossier; PermissionDenied if none."""
    access.require_actor(user, dossier_id)
    if access.may_write_notes():
        clb_id = access.acting_organisation_id(Section.CONSULTATIES, among=NOTE_WRITERS)
        if clb_id:
            return clb_id
    raise PermissionDenied(_("Only the school's CLB writes consultation notes."))


def check_privacy(fields: dict[str, str], *, confirm_name: bool) -> None:
    """Refuse identifying numbers and addresses in any field; warn about a full name."""
    errors: dict[str, list[str]] = {}
    for name, value in fields.items():
        reasons = find_identifiers(value or "")
        if reasons:
            errors.setdefault(name, []).append(
                _(
                    "This text contains %(what)s. Consultation notes may not identify a pupil: "
                    "leave it out, or describe the situation without it."
                )
                % {"what": _(" and ").join(reasons)}
            )
    if errors:
        raise ValidationError(errors)
    if not confirm_name and looks_like_full_name(fields.get("label", "")):
        raise FullNameWarning(
            {
                "label": _(
                    "This label looks like a full name. Use a class, initials or a label the "
                    "school uses. If it is not a name, tick the box to confirm."
                )
            }
        )


def _search_text(note: Consultatie) -> str:
    parts = [
        note.label,
        note.other_participants,
        note.question,
        note.analysis,
        note.advice,
        note.next_steps,
    ]
    parts += list(note.opmerkingen.values_list("text", flat=True)) if note.pk else []
    return "\n".join(part for part in parts if part)


def _validate_dates(date: datetime.date, follow_up_date: datetime.date | None) -> None:
    if date > timezone.localdate():
        raise ValidationError({"date": _("The consultation cannot lie in the future.")})
    if follow_up_date and follow_up_date < date:
        raise ValidationError(
            {"follow_up_date": _("The follow-up cannot lie before the consultation.")}
        )


@transaction.atomic
def consultatie_create(
    *,
    dossier: Dossier,
    author: User,
    access: DossierAccess,
    themas: list[Thema],
    participants: list[User] = (),
    confirm_name: bool = False,
    **fields,
) -> Consultatie:
    organisation_id = _note_writer_id(access, author, dossier.pk)
    check_privacy({name: fields.get(name, "") for name in TEXT_FIELDS}, confirm_name=confirm_name)
    _validate_dates(fields["date"], fields.get("follow_up_date"))
    if not themas:
        raise ValidationError({"themas": _("Choose at least one theme.")})
    note = Consultatie(
        dossier=dossier,
        author=author,
        author_organisation_id=organisation_id,
        school_year=school_year_of(fields["date"]),
        **{
            key: (value.strip() if isinstance(value, str) else value)
            for key, value in fields.items()
        },
    )
    note.search_text = _search_text(note)
    # a note written as closed starts its retention period now
    note.closed_at = timezone.now() if note.status == Status.AFGESLOTEN else None
    note.full_clean()
    note.save()
    _set_themas(note, themas)
    _set_participants(note, participants)
    return note


@transaction.atomic
def consultatie_update(
    *,
    note: Consultatie,
    editor: User,
    access: DossierAccess,
    themas: list[Thema],
    participants: list[User] = (),
    confirm_name: bool = False,
    **fields,
) -> Consultatie:
    note = Consultatie.objects.select_for_update().get(pk=note.pk)
    _note_writer_id(access, editor, note.dossier_id)
    check_privacy({name: fields.get(name, "") for name in TEXT_FIELDS}, confirm_name=confirm_name)
    _validate_dates(fields["date"], fields.get("follow_up_date"))
    if not themas:
        raise ValidationError({"themas": _("Choose at least one theme.")})
    if note.client_relationship_at:
        raise ValidationError(_("This note became a client relationship and can no longer change."))
    was_closed = note.status == Status.AFGESLOTEN
    filed_under = (note.dossier_id, note.school_year)
    for key, value in fields.items():
        setattr(note, key, value.strip() if isinstance(value, str) else value)
    note.school_year = school_year_of(note.date)
    # the retention period starts when a note is closed, and stops when it is reopened;
    # correcting a closed note does not move it
    if note.status == Status.AFGESLOTEN and not was_closed:
        note.closed_at = timezone.now()
    elif note.status != Status.AFGESLOTEN:
        note.closed_at = None
    note.search_text = _search_text(note)
    note.full_clean()
    note.save()
    if (note.dossier_id, note.school_year) != filed_under:
        # the links the note keeps move along with it (the new ones get it from _set_themas)
        ConsultatieThema.objects.filter(consultatie=note).update(
            dossier_id=note.dossier_id, school_year=note.school_year
        )
    _set_themas(note, themas)
    _set_participants(note, participants)
    return note


def _set_themas(note: Consultatie, themas) -> None:
    """The note's themes, each link with the note's dossier and school year copied in (the
    theme overview counts from the links alone)."""
    note.themas.set(
        themas, through_defaults={"dossier_id": note.dossier_id, "school_year": note.school_year}
    )


def _set_participants(note: Consultatie, participants) -> None:
    allowed = set(people_with_access(note.dossier).values_list("pk", flat=True))
    chosen = [person for person in participants if person.pk in allowed]
    if len(chosen) != len(list(participants)):
        raise ValidationError(
            {"participants": _("Choose participants among the people with access.")}
        )
    note.participants.set(chosen)


@transaction.atomic
def opmerking_add(
    *, note: Consultatie, author: User, access: DossierAccess, text: str
) -> Opmerking:
    access.require_actor(author, note.dossier_id)
    # the school remarks for the school, the CLB for the CLB that serves it
    organisation_id = access.acting_organisation_id(Section.CONSULTATIES)
    if not access.may_remark() or organisation_id is None:
        raise PermissionDenied(_("You may not add remarks to this note."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("The remark cannot be empty.")})
    check_privacy({"text": text}, confirm_name=True)
    remark = Opmerking.objects.create(
        consultatie=note, text=text[:2000], author=author, author_organisation_id=organisation_id
    )
    Consultatie.objects.filter(pk=note.pk).update(
        search_text=_search_text(note), updated_at=timezone.now()
    )
    return remark


@transaction.atomic
def consultatie_mark_client_relationship(
    *, note: Consultatie, actor: User, access: DossierAccess
) -> Consultatie:
    """The consultation became a client relationship: it closes here and the CLB records it in
    its own file. Nothing is copied."""
    note = Consultatie.objects.select_for_update().get(pk=note.pk)
    _note_writer_id(access, actor, note.dossier_id)
    if note.client_relationship_at:
        raise ValidationError(_("This note was already marked as a client relationship."))
    now = timezone.now()
    note.client_relationship_at = now
    note.status = Status.AFGESLOTEN
    note.closed_at = now
    note.save(update_fields=["client_relationship_at", "status", "closed_at", "updated_at"])
    return note


@transaction.atomic
def gespreksleidraad_save(
    *,
    clb: Organisation,
    editor: User,
    question: str = "",
    analysis: str = "",
    advice: str = "",
    next_steps: str = "",
) -> Gespreksleidraad:
    """A directeur of the CLB words the prompts of its conversation guide; an empty prompt
    falls back to the platform's own."""
    is_directeur = (
        Membership.objects.active_on(timezone.localdate())
        .filter(user=editor, organisation=clb, role=Role.CLB_DIRECTEUR)
        .exists()
    )
    if not is_directeur:
        raise PermissionDenied(_("Only a directeur of the CLB words its conversation guide."))
    # get_or_create copes with two directeurs saving the CLB's first guide at once
    guide, _created = Gespreksleidraad.objects.select_for_update().get_or_create(organisation=clb)
    guide.question = question.strip()
    guide.analysis = analysis.strip()
    guide.advice = advice.strip()
    guide.next_steps = next_steps.strip()
    guide.full_clean()
    guide.save()
    return guide


def consultaties_shown(
    *, reader: User, shown: Iterable[tuple[AuditAction, Consultatie]]
) -> list[AuditEntry]:
    """Every display of a note's text is recorded: one event per note shown, with how it was
    shown (``AuditAction``), all of one page in a single INSERT. Returns the entries, which a
    page served again from the cache records again (``pagecache.audit_again``)."""
    entries = [
        AuditEntry(
            dossier_id=note.dossier_id,
            action=action.key,
            section=Section.CONSULTATIES,
            detail=note_reference(note.pk),
        )
        for action, note in shown
    ]
    audit_record_many(actor=reader, entries=entries)
    return entries


def consultatie_read(*, note: Consultatie, reader: User) -> None:
    """Every opening of a note is recorded in the dossier's audit log."""
    consultaties_shown(reader=reader, shown=[(NOTE_OPENED, note)])
