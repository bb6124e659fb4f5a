"""Every write of an LSC's leersteunraad: its members, a school's representative, its meetings
(with who was there) and the allocation rules it decides.

Only the LSC's coördinator writes the members, meetings and rules; a school's directie
designates who sits for its school (``dossier.core.access.organisations.raad_standing``). Each
service checks it again, validates, and writes in one transaction. Nothing here belongs to one
school's dossier, so there is no dossier audit event: each row keeps who made it.

A change of a member changes who reads the council's space, so it moves the access generation
on (``access_changed``): the cached standing is recomputed on the next request.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation, Partnership, User, active_q
from accounts.roles import OrganisationKind
from dossier.core.access import access_changed
from dossier.core.access.organisations import raad_standing
from leersteun.models import RaadDocument, RaadLid, RaadVergadering, Toewijzingsregel
from samenwerking.uploads import check_upload

NAME_MAX = 200
TITLE_MAX = 200
TEXT_MAX = 4000
HOURS_MAX = Decimal("99999.9")
# a meeting is recorded from the year before until a year ahead: a typo in the year is caught
MEETING_DAYS_BACK = 366
MEETING_DAYS_AHEAD = 366


def affiliated_school_ids(lsc_id: int) -> set[int]:
    """The schools with an active partnership with the LSC today: they sit in its council."""
    return set(
        Partnership.objects.filter(active_q(), partner_id=lsc_id).values_list(
            "school_id", flat=True
        )
    )


def _require_manager(user, lsc: Organisation) -> None:
    if lsc.kind != OrganisationKind.LSC or not raad_standing(user, lsc.pk).manage:
        raise PermissionDenied(_("Only the LSC's coördinator runs its leersteunraad."))


def _yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


def _is_active(lid: RaadLid) -> bool:
    today = timezone.localdate()
    return lid.start_date <= today and (lid.end_date is None or lid.end_date >= today)


def _end_now(lid: RaadLid) -> None:
    """End a membership at once: from today on it gives nothing. A membership that only
    started today (or later) and was never at a meeting leaves no trace."""
    yesterday = _yesterday()
    if lid.start_date > yesterday and not lid.vergaderingen.exists():
        lid.delete()
        return
    lid.end_date = yesterday
    lid.start_date = min(lid.start_date, yesterday)
    lid.save(update_fields=["start_date", "end_date"])


# --- members -----------------------------------------------------------------------------------


def lid_add(
    *,
    lsc: Organisation,
    user,
    kind: str,
    name: str = "",
    member_user: User | None = None,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
) -> RaadLid:
    """Another member of the council (CLB, special education, welfare, parents, pupils,
    teachers, ondersteuners...): named by role, with an account or without one. A school's seat
    is not added here: its directie fills it (``afgevaardigde_set``)."""
    _require_manager(user, lsc)
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if kind not in RaadLid.Kind.values or kind == RaadLid.Kind.SCHOOL:
        errors["kind"] = _(
            "Choose what kind of member this is. A school's representative is designated by "
            "the school's directie."
        )
    if not name and member_user is None:
        errors["name"] = _("Give the member's name or role, or the e-mail address of an account.")
    if len(name) > NAME_MAX:
        errors["name"] = _("Keep the name or role under %(max)d characters.") % {"max": NAME_MAX}
    if member_user is not None and not member_user.is_active:
        errors["email"] = _("This account is not active.")
    start_date = start_date or timezone.localdate()
    if end_date is not None and end_date < start_date:
        errors["end_date"] = _("The end date cannot lie before the start date.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if member_user is not None and (
            RaadLid.objects.filter(active_q(), lsc=lsc, user=member_user)
            .exclude(kind=RaadLid.Kind.SCHOOL)
            .exists()
        ):
            raise ValidationError({"email": _("This person is already a member of the council.")})
        lid = RaadLid.objects.create(
            lsc=lsc,
            kind=kind,
            name=name,
            user=member_user,
            start_date=start_date,
            end_date=end_date,
        )
        access_changed()
    return lid


def lid_end(*, lid: RaadLid, user) -> None:
    """The coördinator ends a member's seat today: their access ends with it."""
    _require_manager(user, lid.lsc)
    with transaction.atomic():
        locked = RaadLid.objects.select_for_update().get(pk=lid.pk)
        if not _is_active(locked):
            return
        _end_now(locked)
        access_changed()


def afgevaardigde_set(
    *, lsc: Organisation, school: Organisation, user, person: User | None
) -> RaadLid | None:
    """The school's directie designates who sits for the school (``person``, someone who works
    at the school), or gives the seat back to the directie (``person=None``). The earlier
    representative's access ends today."""
    if not raad_standing(user, lsc.pk).may_designate(school.pk):
        raise PermissionDenied(_("Only the school's directie designates its representative."))
    if school.pk not in affiliated_school_ids(lsc.pk):
        raise ValidationError(
            _("%(school)s does not work with this LSC: it has no seat in its leersteunraad.")
            % {"school": school.name}
        )
    if person is not None and not (
        Membership.objects.active_on().filter(user=person, organisation=school).exists()
        and person.is_active
    ):
        raise ValidationError(
            {"person": _("Choose someone who works at %(school)s.") % {"school": school.name}}
        )
    today = timezone.localdate()
    with transaction.atomic():
        seat = (
            RaadLid.objects.select_for_update()
            .filter(active_q(), lsc=lsc, kind=RaadLid.Kind.SCHOOL, school=school)
            .order_by("-start_date", "-pk")
            .first()
        )
        if seat is None and person is None:
            return None  # the directie sits already
        if seat is not None and seat.user_id == (person.pk if person else None):
            return seat
        if seat is not None and seat.start_date >= today:
            # designated today and changed today: the same seat
            seat.user = person
            seat.save(update_fields=["user"])
        else:
            if seat is not None:
                seat.end_date = _yesterday()
                seat.save(update_fields=["end_date"])
            seat = RaadLid.objects.create(
                lsc=lsc, kind=RaadLid.Kind.SCHOOL, school=school, user=person, start_date=today
            )
        access_changed()
    return seat


# --- meetings ----------------------------------------------------------------------------------


def _meeting_errors(date, agenda, decisions) -> dict[str, str]:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if date is None:
        errors["date"] = _("Give the date of the meeting.")
    elif not (
        today - datetime.timedelta(days=MEETING_DAYS_BACK)
        <= date
        <= today + datetime.timedelta(days=MEETING_DAYS_AHEAD)
    ):
        errors["date"] = _("A meeting lies at most a year before or after today: check the year.")
    if not (agenda or "").strip():
        errors["agenda"] = _("Write the agenda of the meeting.")
    elif len(agenda) > TEXT_MAX:
        errors["agenda"] = _("Keep the agenda under %(max)d characters.") % {"max": TEXT_MAX}
    if len(decisions or "") > TEXT_MAX:
        errors["decisions"] = _("Keep the decisions under %(max)d characters.") % {"max": TEXT_MAX}
    return errors


def vergadering_save(
    *,
    lsc: Organisation,
    user,
    date: datetime.date | None,
    agenda: str,
    decisions: str = "",
    present_schools: Iterable[int] = (),
    present_members: Iterable[int] = (),
    vergadering: RaadVergadering | None = None,
) -> RaadVergadering:
    """Record a meeting (or change it): its date, agenda, decisions and who was present. A
    school is present through its seat; a school whose directie sits by default gets a seat
    row for it here, so the attendance stays with the school."""
    _require_manager(user, lsc)
    if vergadering is not None and vergadering.lsc_id != lsc.pk:
        raise PermissionDenied
    errors = _meeting_errors(date, agenda, decisions)
    present_schools = {int(pk) for pk in present_schools}
    present_members = {int(pk) for pk in present_members}
    if present_schools - affiliated_school_ids(lsc.pk):
        errors["present"] = _("Only the schools that work with this LSC sit in its council.")
    members = list(
        RaadLid.objects.filter(lsc=lsc, pk__in=present_members).exclude(kind=RaadLid.Kind.SCHOOL)
    )
    if len(members) != len(present_members):
        errors["present"] = _("Tick only members of this council.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        earlier: dict[int, RaadLid] = {}
        if vergadering is None:
            vergadering = RaadVergadering(lsc=lsc, created_by=user)
        else:
            # a school ticked before keeps the seat it was present with
            for seat in vergadering.present.filter(kind=RaadLid.Kind.SCHOOL):
                earlier[seat.school_id] = seat
        vergadering.date = date
        vergadering.agenda = agenda.strip()
        vergadering.decisions = (decisions or "").strip()
        vergadering.save()
        kept = [earlier[pk] for pk in present_schools if pk in earlier]
        seats = _seats_for(lsc, present_schools - set(earlier), on=min(date, timezone.localdate()))
        vergadering.present.set([*members, *kept, *seats])
    return vergadering


def _seats_for(lsc: Organisation, school_ids: set[int], *, on: datetime.date) -> list[RaadLid]:
    """The current seat of each school; a school without one gets its directie's seat."""
    if not school_ids:
        return []
    seats: dict[int, RaadLid] = {}
    for seat in RaadLid.objects.filter(
        active_q(), lsc=lsc, kind=RaadLid.Kind.SCHOOL, school_id__in=school_ids
    ).order_by("start_date", "pk"):
        seats[seat.school_id] = seat  # the newest wins
    missing = [
        RaadLid(lsc=lsc, kind=RaadLid.Kind.SCHOOL, school_id=pk, start_date=on)
        for pk in sorted(school_ids - set(seats))
    ]
    if missing:
        RaadLid.objects.bulk_create(missing)
    return [*seats.values(), *missing]


# --- allocation rules --------------------------------------------------------------------------


def regel_save(
    *,
    lsc: Organisation,
    user,
    title: str,
    text: str,
    school: Organisation | None = None,
    hours_per_week: Decimal | None = None,
    decided_in: RaadVergadering | None = None,
    regel: Toewijzingsregel | None = None,
) -> Toewijzingsregel:
    """An allocation rule the council decided (or a change of it): in words, and optionally the
    hours per week one affiliated school gets."""
    _require_manager(user, lsc)
    if regel is not None and regel.lsc_id != lsc.pk:
        raise PermissionDenied
    errors: dict[str, str] = {}
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        errors["title"] = _("Give the rule a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Keep the title under %(max)d characters.") % {"max": TITLE_MAX}
    if not text:
        errors["text"] = _("Write the rule in words.")
    elif len(text) > TEXT_MAX:
        errors["text"] = _("Keep the rule under %(max)d characters.") % {"max": TEXT_MAX}
    if hours_per_week is not None and not (0 <= hours_per_week <= HOURS_MAX):
        errors["hours_per_week"] = _("The hours per week cannot be below zero.")
    if hours_per_week is not None and school is None:
        errors["school"] = _("Hours per week are given to a school: choose the school.")
    if school is not None and school.pk not in affiliated_school_ids(lsc.pk):
        errors["school"] = _("Choose a school that works with this LSC.")
    if decided_in is not None and decided_in.lsc_id != lsc.pk:
        errors["decided_in"] = _("Choose a meeting of this council.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if regel is None:
            regel = Toewijzingsregel(lsc=lsc, created_by=user)
        regel.title, regel.text = title, text
        regel.school, regel.hours_per_week, regel.decided_in = school, hours_per_week, decided_in
        regel.save()
    return regel


# --- documents of a meeting ------------------------------------------------------------------


@transaction.atomic
def raad_document_add(*, vergadering: RaadVergadering, user, title: str, uploaded) -> RaadDocument:
    """Attach a document to a meeting; the file is checked by its content (every upload of the
    platform is) before anything is written, and nothing stays half-written."""
    _require_manager(user, vergadering.lsc)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the document a title.")})
    checked = check_upload(uploaded)
    document = RaadDocument(
        vergadering=vergadering,
        title=title[:200],
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=user,
    )
    document.file.save(checked.name, ContentFile(checked.content), save=False)
    try:
        document.full_clean(exclude=["file"])
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document


@transaction.atomic
def raad_document_delete(*, document: RaadDocument, user) -> None:
    """Remove a document of a meeting, its file after the transaction holds."""
    _require_manager(user, document.vergadering.lsc)
    stored = document.file.name
    storage = document.file.storage
    document.delete()
    transaction.on_commit(lambda: storage.delete(stored))
