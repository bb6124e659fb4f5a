"""Every write of a samenwerkingsgesprek: starting it, answering, planning, holding, closing.

Who may write is the access module's (``Section.LEERSTEUN``: school and LSC write); which side
fills in which question is the template's (``Vraag.filled_by``). The services re-check both.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Vestiging
from accounts.roles import OrganisationKind, Role
from dossier.core.access import LSC, SCHOOL, DossierAccess, Section, people_with_access
from dossier.core.access.standing import dossier_roster
from dossier.core.models import Dossier
from dossier.core.selectors import partner_organisations
from dossier.core.services import audit_record
from leersteun import answers
from leersteun.models import Antwoord, AntwoordVersie, Gesprek, GesprekAfspraak, Vraag
from leersteun.section import ANSWER_CORRECTED, GESPREK_STARTED, GESPREK_STATUS
from leersteun.selectors.sjablonen import published_version_for, questions_of
from samenwerking.schoolyear import school_year_of, validate_school_year

# The order a conversation goes through; a step back is not offered.
FLOW = (
    Gesprek.Status.VOORBEREIDING,
    Gesprek.Status.GEPLAND,
    Gesprek.Status.GEHOUDEN,
    Gesprek.Status.AFGEROND,
)


def previous_school_year(school_year: str) -> str:
    start = int(school_year[:4]) - 1
    return f"{start}-{start + 1}"


def lsc_of(access: DossierAccess) -> int | None:
    """The LSC the person writes for in this dossier, or None."""
    if LSC not in access.sides(Section.LEERSTEUN, write=True):
        return None
    return access.organisation_id(LSC)


def side_of(access: DossierAccess, vraag: Vraag | None = None) -> str | None:
    """The side the person answers for: the school first, then the LSC. With ``vraag``, only
    the side that fills it in (None when the person is on neither)."""
    sides = access.sides(Section.LEERSTEUN, write=True)
    if vraag is not None:
        return vraag.filled_by if vraag.filled_by in sides else None
    for side in (SCHOOL, LSC):
        if side in sides:
            return side
    return None


# --- what the platform already knows ---------------------------------------------------------


def platform_facts(dossier: Dossier, lsc_id: int) -> dict[str, object]:
    """For each ``Vraag.Prefill`` source: the text, or the list of people, the platform
    holds today. A handful of queries, whatever the template's size."""
    school = dossier.school
    address = ", ".join(
        part for part in (school.street, f"{school.postcode} {school.city}".strip()) if part
    )
    vestigingen = [
        ", ".join(part for part in (v.name, v.street, f"{v.postcode} {v.city}".strip()) if part)
        for v in Vestiging.objects.filter(school=school).order_by("name")
    ]
    partners = partner_organisations(dossier)
    roster = dossier_roster(dossier)
    people = []
    memberships = {
        m.user_id: m
        for m in Membership.objects.active_on()
        .filter(user_id__in=list(roster))
        .select_related("organisation")
        .order_by("organisation__kind", "role")
    }
    for person in people_with_access(dossier, roster=roster).order_by("last_name", "first_name"):
        membership = memberships.get(person.pk)
        function = ""
        if membership is not None:
            function = f"{membership.get_role_display()} ({membership.organisation.name})"
        people.append(
            {
                "name": person.get_full_name() or person.email,
                "function": function,
                "contact": person.email,
            }
        )
    anchors = [
        {
            "name": m.user.get_full_name() or m.user.email,
            "function": m.get_role_display(),
            "contact": m.user.email,
        }
        for m in Membership.objects.active_on()
        .filter(organisation_id=lsc_id, role=Role.LSC_ANKERPERSOON, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    ]
    return {
        Vraag.Prefill.SCHOOL_NAME: school.name,
        Vraag.Prefill.SCHOOL_ADDRESS: address,
        Vraag.Prefill.SCHOOL_PHONE: school.phone,
        Vraag.Prefill.INSTELLINGSNUMMER: school.instellingsnummer,
        Vraag.Prefill.VESTIGINGEN: "\n".join(vestigingen),
        Vraag.Prefill.CLB: ", ".join(o.name for o in partners.get(OrganisationKind.CLB, [])),
        Vraag.Prefill.PBD: ", ".join(o.name for o in partners.get(OrganisationKind.PBD, [])),
        Vraag.Prefill.PEOPLE_WITH_ACCESS: people,
        Vraag.Prefill.ANKERPERSONEN: anchors,
    }


def prefill_value(vraag: Vraag, facts: dict[str, object]):
    """The platform's fact for ``vraag`` in the shape of its kind, or None."""
    fact = facts.get(vraag.prefill) if vraag.prefill else None
    if not fact:
        return None
    if isinstance(fact, list):  # people
        if vraag.kind == Vraag.Kind.PEOPLE:
            return answers.clean(vraag, fact[: answers.PEOPLE_MAX])
        fact = answers.as_text(Vraag(kind=Vraag.Kind.PEOPLE), fact)
    if vraag.kind in (Vraag.Kind.SHORT_TEXT, Vraag.Kind.LONG_TEXT):
        limit = (
            answers.SHORT_TEXT_MAX if vraag.kind == Vraag.Kind.SHORT_TEXT else answers.LONG_TEXT_MAX
        )
        return answers.clean(vraag, str(fact)[:limit])
    return None


# --- starting ---------------------------------------------------------------------------------


@transaction.atomic
def gesprek_start(
    *, dossier: Dossier, user, access: DossierAccess, school_year: str | None = None
) -> Gesprek:
    """Start the school year's conversation of the person's LSC with this school.

    It is held with the LSC's published template version; every question gets its first
    answer from what the platform knows (for questions that say so) or from last year's
    conversation (marked as carried until someone confirms or changes it).
    """
    access.require_actor(user, dossier.pk)
    lsc_id = lsc_of(access)
    if lsc_id is None:
        raise PermissionDenied(
            _("Only an LSC that is a partner of this school starts its samenwerkingsgesprek.")
        )
    school_year = school_year or school_year_of(timezone.localdate())
    validate_school_year(school_year)
    versie = published_version_for(lsc_id)
    if versie is None:
        raise ValidationError(_("Your LSC has no published conversation template yet."))
    if Gesprek.objects.filter(dossier=dossier, lsc_id=lsc_id, school_year=school_year).exists():
        raise ValidationError(
            _("This school already has a samenwerkingsgesprek with your LSC in %(year)s.")
            % {"year": school_year}
        )
    previous = (
        Gesprek.objects.filter(
            dossier=dossier, lsc_id=lsc_id, school_year=previous_school_year(school_year)
        )
        .select_related("versie")
        .first()
    )
    try:
        with transaction.atomic():
            gesprek = Gesprek.objects.create(
                dossier=dossier,
                lsc_id=lsc_id,
                school_year=school_year,
                versie=versie,
                previous=previous,
                created_by=user,
            )
    except IntegrityError:  # a second start at the same moment
        raise ValidationError(
            _("This school already has a samenwerkingsgesprek with your LSC in %(year)s.")
            % {"year": school_year}
        ) from None
    last_year = {}
    if previous is not None:
        last_year = dict(
            Antwoord.objects.filter(gesprek=previous).values_list("vraag__key", "value")
        )
    facts = platform_facts(dossier, lsc_id)
    rows = []
    for vraag in questions_of(versie):
        previous_value = last_year.get(vraag.key)
        value = prefill_value(vraag, facts)
        origin = Antwoord.Origin.PLATFORM
        carried_from = ""
        if value is None and previous_value is not None:
            try:
                value = answers.clean(vraag, previous_value)
            except ValidationError:  # the question changed kind since last year
                value = None
            origin, carried_from = Antwoord.Origin.CARRIED, previous.school_year
        rows.append(
            Antwoord(
                gesprek=gesprek,
                vraag=vraag,
                value=value,
                origin=origin if value is not None else Antwoord.Origin.ANSWERED,
                carried_from=carried_from if value is not None else "",
                previous_value=previous_value,
            )
        )
    Antwoord.objects.bulk_create(rows)
    audit_record(
        dossier=dossier,
        actor=user,
        action=GESPREK_STARTED.key,
        section=Section.LEERSTEUN,
        detail=school_year,
    )
    return gesprek


# --- answering --------------------------------------------------------------------------------


def _require_open(gesprek: Gesprek) -> None:
    if gesprek.is_closed:
        raise ValidationError(
            _("This samenwerkingsgesprek is closed: correct an answer instead of changing it.")
        )


def _keep_earlier(antwoord: Antwoord, *, correction: bool = False, reason: str = "") -> None:
    if antwoord.value is None and antwoord.answered_by_id is None:
        return
    AntwoordVersie.objects.create(
        antwoord=antwoord,
        value=antwoord.value,
        answered_by_id=antwoord.answered_by_id,
        answered_at=antwoord.answered_at,
        correction=correction,
        reason=reason,
    )


def _mark_answered(antwoord: Antwoord, user, access: DossierAccess, *, value, at=None) -> None:
    """``value`` is now the person's answer for their side (no longer carried or prefilled)."""
    antwoord.value = value
    antwoord.origin = Antwoord.Origin.ANSWERED
    antwoord.carried_from = ""
    antwoord.answered_by = user
    antwoord.answered_side = side_of(access, antwoord.vraag)
    antwoord.answered_at = at or timezone.now()
    antwoord.save()


@transaction.atomic
def answers_save(
    *, gesprek: Gesprek, user, access: DossierAccess, values: dict[int, object]
) -> int:
    """Save answers (question id -> raw value) of the person's side; returns how many changed.

    Every value is checked first, so a wrong one saves nothing. A changed answer keeps the
    earlier one; an unchanged carried answer stays to be confirmed.
    """
    gesprek = Gesprek.objects.select_for_update().get(pk=gesprek.pk)
    access.require_actor(user, gesprek.dossier_id)
    _require_open(gesprek)
    current = {
        a.vraag_id: a
        for a in Antwoord.objects.filter(gesprek=gesprek, vraag_id__in=list(values)).select_related(
            "vraag"
        )
    }
    cleaned, errors = {}, {}
    for vraag_id, raw in values.items():
        antwoord = current.get(vraag_id)
        if antwoord is None:
            raise ValidationError(_("This question is not part of this samenwerkingsgesprek."))
        if side_of(access, antwoord.vraag) is None:
            raise PermissionDenied(_("The other partner fills in this question."))
        try:
            cleaned[vraag_id] = answers.clean(antwoord.vraag, raw)
        except ValidationError as exc:
            errors[f"q_{vraag_id}"] = exc.messages
    if errors:
        raise ValidationError(errors)
    now, changed = timezone.now(), 0
    for vraag_id, value in cleaned.items():
        antwoord = current[vraag_id]
        if answers.same(antwoord.value, value):
            continue
        _keep_earlier(antwoord)
        _mark_answered(antwoord, user, access, value=value, at=now)
        changed += 1
    return changed


@transaction.atomic
def answer_confirm(*, gesprek: Gesprek, vraag_id: int, user, access: DossierAccess) -> Antwoord:
    """Confirm a carried or prefilled answer as still true this year."""
    access.require_actor(user, gesprek.dossier_id)
    _require_open(gesprek)
    antwoord = (
        Antwoord.objects.select_for_update()
        .select_related("vraag")
        .filter(gesprek=gesprek, vraag_id=vraag_id)
        .first()
    )
    if antwoord is None:
        raise ValidationError(_("This question is not part of this samenwerkingsgesprek."))
    if side_of(access, antwoord.vraag) is None:
        raise PermissionDenied(_("The other partner fills in this question."))
    if antwoord.origin != Antwoord.Origin.ANSWERED:
        _mark_answered(antwoord, user, access, value=antwoord.value)
    return antwoord


@transaction.atomic
def answers_confirm(*, gesprek: Gesprek, vraag_ids, user, access: DossierAccess) -> int:
    """Confirm, in one go, the carried or prefilled answers among ``vraag_ids`` that are still
    unconfirmed (those just changed are answered already); returns how many."""
    access.require_actor(user, gesprek.dossier_id)
    _require_open(gesprek)
    pending = (
        Antwoord.objects.select_for_update()
        .select_related("vraag")
        .filter(gesprek=gesprek, vraag_id__in=list(vraag_ids), value__isnull=False)
        .exclude(origin=Antwoord.Origin.ANSWERED)
    )
    count = 0
    for antwoord in pending:
        if side_of(access, antwoord.vraag) is None:
            raise PermissionDenied(_("The other partner fills in this question."))
        answer_confirm(gesprek=gesprek, vraag_id=antwoord.vraag_id, user=user, access=access)
        count += 1
    return count


@transaction.atomic
def answer_correct(
    *, gesprek: Gesprek, vraag_id: int, user, access: DossierAccess, value, reason: str
) -> Antwoord:
    """Correct an answer of a closed conversation: the earlier text stays, with the reason."""
    access.require_actor(user, gesprek.dossier_id)
    if not gesprek.is_closed:
        raise ValidationError(_("Change the answer itself while the conversation is open."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the answer is corrected.")})
    antwoord = (
        Antwoord.objects.select_for_update()
        .select_related("vraag")
        .filter(gesprek=gesprek, vraag_id=vraag_id)
        .first()
    )
    if antwoord is None:
        raise ValidationError(_("This question is not part of this samenwerkingsgesprek."))
    if side_of(access, antwoord.vraag) is None:
        raise PermissionDenied(_("The other partner fills in this question."))
    value = answers.clean(antwoord.vraag, value)
    if answers.same(antwoord.value, value):
        raise ValidationError(_("The correction says the same as the answer."))
    _keep_earlier(antwoord, correction=True, reason=reason[:500])
    _mark_answered(antwoord, user, access, value=value)
    audit_record(
        dossier=gesprek.dossier,
        actor=user,
        action=ANSWER_CORRECTED.key,
        section=Section.LEERSTEUN,
        detail=antwoord.vraag.text,
    )
    return antwoord


# --- planning, holding, closing ---------------------------------------------------------------


def _require_writer(gesprek: Gesprek, user, access: DossierAccess) -> None:
    access.require_actor(user, gesprek.dossier_id)
    if not access.can_write(Section.LEERSTEUN):
        raise PermissionDenied(_("You may read this samenwerkingsgesprek, not change it."))


@transaction.atomic
def gesprek_plan(
    *, gesprek: Gesprek, user, access: DossierAccess, planned_for, **fields
) -> Gesprek:
    """Set the date, place and participants: a conversation in preparation becomes planned."""
    gesprek = Gesprek.objects.select_for_update().get(pk=gesprek.pk)
    _require_writer(gesprek, user, access)
    if gesprek.status in (Gesprek.Status.GEHOUDEN, Gesprek.Status.AFGEROND):
        raise ValidationError(_("This samenwerkingsgesprek has already been held."))
    if planned_for is None:
        raise ValidationError({"planned_for": _("Give the date and time of the conversation.")})
    if gesprek.planned_for != planned_for:
        gesprek.reminded_at = None
    gesprek.planned_for = planned_for
    for key in (
        "place",
        "school_participants",
        "lsc_participants",
        "clb_participants",
        "pbd_participants",
    ):
        if key in fields:
            setattr(gesprek, key, (fields[key] or "").strip())
    was = gesprek.status
    gesprek.status = Gesprek.Status.GEPLAND
    gesprek.full_clean()
    gesprek.save()
    if was != gesprek.status:
        _audit_status(gesprek, user)
    return gesprek


def _audit_status(gesprek: Gesprek, user) -> None:
    audit_record(
        dossier=gesprek.dossier,
        actor=user,
        action=GESPREK_STATUS.key,
        section=Section.LEERSTEUN,
        detail=f"{gesprek.school_year}: {gesprek.get_status_display()}",
    )


@transaction.atomic
def gesprek_advance(*, gesprek: Gesprek, user, access: DossierAccess, to: str) -> Gesprek:
    """Mark a planned conversation as held, or a held one as closed (read-only from then)."""
    gesprek = Gesprek.objects.select_for_update().get(pk=gesprek.pk)
    _require_writer(gesprek, user, access)
    allowed = {
        Gesprek.Status.GEHOUDEN: (Gesprek.Status.GEPLAND,),
        Gesprek.Status.AFGEROND: (Gesprek.Status.GEHOUDEN,),
    }
    if to not in allowed:
        raise ValidationError(_("This status cannot be set here."))
    if gesprek.status not in allowed[to]:
        messages = {
            Gesprek.Status.GEHOUDEN: _("Plan the conversation before marking it as held."),
            Gesprek.Status.AFGEROND: _("Only a conversation that was held can be closed."),
        }
        raise ValidationError(messages[to])
    now = timezone.now()
    gesprek.status = to
    if to == Gesprek.Status.GEHOUDEN:
        gesprek.held_at = now
    else:
        gesprek.closed_at, gesprek.closed_by = now, user
    gesprek.save()
    _audit_status(gesprek, user)
    return gesprek


# --- agreements -------------------------------------------------------------------------------


@transaction.atomic
def afspraak_add(
    *, gesprek: Gesprek, user, access: DossierAccess, what: str, partner: str, due_date=None
) -> GesprekAfspraak:
    gesprek = Gesprek.objects.select_for_update().get(pk=gesprek.pk)
    _require_writer(gesprek, user, access)
    _require_open(gesprek)
    afspraak = GesprekAfspraak(
        gesprek=gesprek,
        what=(what or "").strip(),
        partner=partner,
        due_date=due_date,
        created_by=user,
    )
    afspraak.full_clean()
    afspraak.save()
    return afspraak


@transaction.atomic
def afspraak_evaluate(
    *,
    gesprek: Gesprek,
    afspraak: GesprekAfspraak,
    user,
    access: DossierAccess,
    outcome: str,
    remark: str = "",
) -> GesprekAfspraak:
    """Evaluate one of last year's agreements in this year's conversation."""
    gesprek = Gesprek.objects.select_for_update().get(pk=gesprek.pk)
    _require_writer(gesprek, user, access)
    _require_open(gesprek)
    if gesprek.previous_id is None or afspraak.gesprek_id != gesprek.previous_id:
        raise ValidationError(_("Only last year's agreements are evaluated here."))
    if outcome not in GesprekAfspraak.Outcome.values:
        raise ValidationError({"outcome": _("Choose done, ongoing or dropped.")})
    afspraak.outcome = outcome
    afspraak.outcome_remark = (remark or "").strip()[:1000]
    afspraak.evaluated_in = gesprek
    afspraak.evaluated_by = user
    afspraak.evaluated_at = timezone.now()
    afspraak.save()
    return afspraak


@transaction.atomic
def afspraak_promote(
    *,
    gesprek: Gesprek,
    afspraak: GesprekAfspraak,
    user,
    access: DossierAccess,
    title: str,
    evaluation_date,
) -> GesprekAfspraak:
    """Turn an agreement of the conversation into a samenwerkingsafspraak between the school
    and the LSC (drafted by the agreements section, which each side then approves); both keep
    a link to the other."""
    from dossier.core.registry import registry

    _require_writer(gesprek, user, access)
    afspraak = GesprekAfspraak.objects.select_for_update().get(pk=afspraak.pk)
    if afspraak.gesprek_id != gesprek.pk:
        raise ValidationError(_("This agreement belongs to another conversation."))
    if afspraak.samenwerkingsafspraak_id is not None:
        raise ValidationError(_("This agreement already is a samenwerkingsafspraak."))
    maker = registry.agreement_makers.get("afspraken")
    if maker is None:
        raise ValidationError(_("Samenwerkingsafspraken cannot be drafted here."))
    lsc_name = gesprek.lsc.name
    school_does, lsc_does = {
        GesprekAfspraak.Partner.SCHOOL: (afspraak.what, _("Follows up with the school.")),
        GesprekAfspraak.Partner.LSC: (_("Follows up with the LSC."), afspraak.what),
        GesprekAfspraak.Partner.BOTH: (afspraak.what, afspraak.what),
    }[afspraak.partner]
    made = maker.make(
        dossier=gesprek.dossier,
        user=user,
        access=access,
        title=title,
        summary=_("From the samenwerkingsgesprek %(year)s with %(lsc)s: %(what)s")
        % {"year": gesprek.school_year, "lsc": lsc_name, "what": afspraak.what},
        evaluation_date=evaluation_date,
        partner_kind=LSC,
        school_does=str(school_does),
        partner_does=str(lsc_does),
    )
    afspraak.samenwerkingsafspraak = made
    afspraak.save(update_fields=["samenwerkingsafspraak"])
    return afspraak
