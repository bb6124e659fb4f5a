"""Every write of a leersteunvraag: registering it, changing it, screening it with the filters,
and moving it through its workflow (``leersteun.workflow``).

The school registers its own questions (the LSC may do it on the school's behalf); only the
LSC the question was registered with screens it and decides on it. Every free text passes the
privacy guard of ``samenwerking.privacy``: no national register numbers, email addresses or
phone numbers, and a label that is pseudonymous (never a full name).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dossier.core.access import LSC, SCHOOL, DossierAccess, Section
from dossier.core.models import Dossier, Thema
from dossier.core.services import audit_record
from dossier.meldingen.services import notify
from leersteun.models import Filter, FilterBeoordeling, Leersteunvraag, VraagGebeurtenis
from leersteun.section import VRAAG_CHANGED, VRAAG_REGISTERED, VRAAG_SCREENED, VRAAG_STATUS
from leersteun.selectors.vragen import active_lsc_partners
from leersteun.workflow import DECISIONS, NEEDS_REASON, Status, allowed
from samenwerking.privacy import find_identifiers, looks_like_full_name
from samenwerking.schoolyear import school_year_of

# The free texts of a question, each passed through the privacy guard.
TEXT_FIELDS = ("label", "leervraag", "phase_0_1", "phase_2_3")
DOMAINS = ("inclusie", "onderwijskunde", "coaching", "doelgroep")
# The statuses in which the school may still change what it registered.
EDITABLE_STATUSES = (Status.AANGEMELD, Status.IN_SCREENING)
# The statuses in which the LSC lays the filters on a question.
SCREENABLE_STATUSES = (Status.AANGEMELD, Status.IN_SCREENING)
# Statuses that close a question (for the retention job).
CLOSED_STATUSES = (Status.AFGEROND, Status.NIET_OPGESTART)


def _field_names() -> dict[str, str]:
    return {
        "label": _("label"),
        "leervraag": _("the question"),
        "phase_0_1": _("phase 0 and 1"),
        "phase_2_3": _("phase 2 and 3"),
        "reason": _("reason"),
        "decision_reason": _("reason"),
    }


def check_privacy(fields: dict[str, str], *, names: dict[str, str] | None = None) -> None:
    """Refuse identifying numbers and addresses in any field, and a label that looks like a
    full name: a leersteunvraag never says who the pupil is."""
    names = {**_field_names(), **(names or {})}
    errors: dict[str, list[str]] = {}
    for field, value in fields.items():
        reasons = find_identifiers(value or "")
        if reasons:
            errors.setdefault(field, []).append(
                _(
                    "The field “%(field)s” contains %(what)s. A leersteunvraag may not identify "
                    "a pupil or a person: leave it out."
                )
                % {"field": names.get(field, field), "what": _(" and ").join(reasons)}
            )
    if "label" in fields and looks_like_full_name(fields["label"]):
        errors.setdefault("label", []).append(
            _(
                "The label looks like a full name. Use a pseudonymous label: a class, initials "
                "or a code the school uses."
            )
        )
    if errors:
        raise ValidationError(errors)


def _detail_url(vraag: Leersteunvraag) -> str:
    return reverse("leersteun:vraag", kwargs={"pk": vraag.dossier_id, "vraag_pk": vraag.pk})


def _registering_lsc(dossier: Dossier, access: DossierAccess, lsc_id: int | None) -> int:
    """The LSC a new question goes to: the LSC's own when it registers for the school, else the
    school's choice among its active LSC partners (the only one when there is one)."""
    sides = access.sides(Section.LEERSTEUN, write=True)
    if SCHOOL in sides:
        partners = active_lsc_partners(dossier)
        if not partners:
            raise ValidationError(
                _(
                    "This school has no active partnership with an LSC, so a leersteunvraag "
                    "cannot be registered yet."
                )
            )
        ids = [lsc.pk for lsc in partners]
        if lsc_id is None and len(ids) == 1:
            return ids[0]
        if lsc_id not in ids:
            raise ValidationError({"lsc": _("Choose one of the school's LSCs.")})
        return lsc_id
    if LSC in sides and access.organisation_id(LSC):
        return access.organisation_id(LSC)
    raise PermissionDenied(_("Only the school or its LSC registers a leersteunvraag."))


def _validate(fields: dict, *, domains: Iterable[str], themas) -> dict:
    """The checks every registration and change passes; returns the model's values."""
    level = fields.get("level")
    if level not in Leersteunvraag.Level.values:
        raise ValidationError({"level": _("Choose the level of the question.")})
    if fields.get("owner") not in Leersteunvraag.Owner.values:
        raise ValidationError({"owner": _("Choose who owns the question.")})
    if not (fields.get("label") or "").strip():
        raise ValidationError({"label": _("Give the question a label.")})
    if not (fields.get("leervraag") or "").strip():
        raise ValidationError({"leervraag": _("Describe the question.")})
    verslag = fields.get("verslag") or ""
    verslag_type = fields.get("verslag_type") or ""
    if verslag not in Leersteunvraag.Verslag.values:
        raise ValidationError({"verslag": _("Choose a kind of verslag from the list.")})
    if verslag_type not in Leersteunvraag.VerslagType.values:
        raise ValidationError({"verslag_type": _("Choose a type from the list.")})
    if level != Leersteunvraag.Level.LEERLING and (verslag or verslag_type):
        raise ValidationError(
            {
                "verslag": _(
                    "A verslag belongs to a pupil: leave it empty for a question about a "
                    "teacher or the school team."
                )
            }
        )
    if verslag_type and not verslag:
        raise ValidationError({"verslag_type": _("Choose the verslag before its type.")})
    domains = set(domains)
    if not domains or not domains <= set(DOMAINS):
        raise ValidationError({"domains": _("Choose at least one expertise domain.")})
    themas = list(themas)
    if any(not thema.is_active for thema in themas):
        raise ValidationError({"themas": _("Choose themes from the current list.")})
    values = {
        "level": level,
        "owner": fields["owner"],
        "label": fields["label"].strip(),
        "leervraag": fields["leervraag"].strip(),
        "phase_0_1": (fields.get("phase_0_1") or "").strip(),
        "phase_2_3": (fields.get("phase_2_3") or "").strip(),
        "verslag": verslag,
        "verslag_type": verslag_type,
    }
    for key in DOMAINS:
        values[f"domain_{key}"] = key in domains
    check_privacy({name: values[name] for name in TEXT_FIELDS})
    return values


def _event(vraag, user, kind, *, note: str = "", from_status: str = "", to_status: str = ""):
    return VraagGebeurtenis.objects.create(
        vraag=vraag,
        kind=kind,
        note=note[:2000],
        from_status=from_status,
        to_status=to_status,
        actor=user,
    )


def _audit(vraag: Leersteunvraag, user, action: str, detail: str = "") -> None:
    audit_record(
        dossier=vraag.dossier,
        actor=user,
        action=action,
        section=Section.LEERSTEUN,
        detail=f"{vraag.label}{': ' + detail if detail else ''}",
    )


def _side_of(access: DossierAccess) -> str:
    sides = access.sides(Section.LEERSTEUN, write=True)
    return SCHOOL if SCHOOL in sides else LSC


# --- registering and changing ------------------------------------------------------------------


@transaction.atomic
def vraag_register(
    *,
    dossier: Dossier,
    user,
    access: DossierAccess,
    themas: Iterable[Thema] = (),
    domains: Iterable[str] = (),
    lsc_id: int | None = None,
    **fields,
) -> Leersteunvraag:
    """Register a school's leersteunvraag with one of its LSCs, for this school year."""
    access.require_actor(user, dossier.pk)
    lsc_id = _registering_lsc(dossier, access, lsc_id)
    themas = list(themas)
    values = _validate(fields, domains=domains, themas=themas)
    vraag = Leersteunvraag.objects.create(
        dossier=dossier,
        lsc_id=lsc_id,
        school_year=school_year_of(timezone.localdate()),
        status=Status.AANGEMELD,
        registered_by=user,
        registered_side=_side_of(access),
        **values,
    )
    vraag.themas.set(themas)
    _event(vraag, user, VraagGebeurtenis.Kind.CREATED, to_status=Status.AANGEMELD)
    _audit(vraag, user, VRAAG_REGISTERED.key)
    notify(
        dossier=dossier,
        subject=_("New leersteunvraag: %(label)s") % {"label": vraag.label},
        url=_detail_url(vraag),
        wants=lambda person: (
            LSC in person.sides(Section.LEERSTEUN) and person.organisation_id(LSC) == lsc_id
        ),
        exclude=user,
    )
    return vraag


def _require_writer(vraag: Leersteunvraag, user, access: DossierAccess) -> None:
    access.require_actor(user, vraag.dossier_id)
    sides = access.sides(Section.LEERSTEUN, write=True)
    if SCHOOL in sides:
        return
    if LSC in sides and access.organisation_id(LSC) == vraag.lsc_id:
        return
    raise PermissionDenied(_("Only the school and its LSC change this leersteunvraag."))


def may_edit(vraag: Leersteunvraag, access: DossierAccess) -> bool:
    sides = access.sides(Section.LEERSTEUN, write=True)
    return vraag.status in EDITABLE_STATUSES and (
        SCHOOL in sides or (LSC in sides and access.organisation_id(LSC) == vraag.lsc_id)
    )


@transaction.atomic
def vraag_update(
    *,
    vraag: Leersteunvraag,
    user,
    access: DossierAccess,
    themas: Iterable[Thema] = (),
    domains: Iterable[str] = (),
    **fields,
) -> Leersteunvraag:
    """Change what the school registered, while the LSC has not decided on it yet."""
    _require_writer(vraag, user, access)
    vraag = Leersteunvraag.objects.select_for_update().select_related("dossier").get(pk=vraag.pk)
    if vraag.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _("The LSC has decided on this question: it can no longer be changed.")
        )
    themas = list(themas)
    values = _validate(fields, domains=domains, themas=themas)
    for name, value in values.items():
        setattr(vraag, name, value)
    vraag.save(update_fields=list(values))
    vraag.themas.set(themas)
    _audit(vraag, user, VRAAG_CHANGED.key)
    return vraag


# --- screening and the workflow ----------------------------------------------------------------


def lsc_may_act(vraag: Leersteunvraag, access: DossierAccess) -> bool:
    """Screening and decisions are for the LSC the question was registered with."""
    return (
        LSC in access.sides(Section.LEERSTEUN, write=True)
        and access.organisation_id(LSC) == vraag.lsc_id
    )


def _require_lsc(vraag: Leersteunvraag, user, access: DossierAccess) -> None:
    access.require_actor(user, vraag.dossier_id)
    if not lsc_may_act(vraag, access):
        raise PermissionDenied(
            _("Only the LSC the question was registered with screens it and decides on it.")
        )


def _move(vraag: Leersteunvraag, user, *, to: str, reason: str = "") -> None:
    """One step of the workflow on a locked row; the caller checked who may take it."""
    reason = (reason or "").strip()
    if to not in Status.values or not allowed(vraag.status, to):
        raise ValidationError(
            _("A question that is “%(from)s” cannot become “%(to)s”.")
            % {
                "from": Status(vraag.status).label,
                "to": Status(to).label if to in Status.values else to,
            }
        )
    if to in NEEDS_REASON and not reason:
        raise ValidationError(
            {
                "reason": _("“%(to)s” needs a reason: the school reads it.")
                % {"to": Status(to).label}
            }
        )
    if reason:
        check_privacy({"reason": reason})
    now = timezone.now()
    from_status = vraag.status
    vraag.status = to
    vraag.status_changed_at = now
    if to == Status.WACHTLIJST:
        vraag.waiting_since = vraag.waiting_since or now
    else:
        vraag.waiting_since = None
    vraag.closed_at = now if to in CLOSED_STATUSES else None
    vraag.decision_reason = reason if (to in DECISIONS or to in NEEDS_REASON) else ""
    vraag.save(
        update_fields=[
            "status",
            "status_changed_at",
            "waiting_since",
            "closed_at",
            "decision_reason",
        ]
    )
    _event(
        vraag,
        user,
        VraagGebeurtenis.Kind.STATUS,
        note=reason,
        from_status=from_status,
        to_status=to,
    )
    _audit(vraag, user, VRAAG_STATUS.key, f"{from_status} -> {to}")
    if to in DECISIONS:
        notify(
            dossier=vraag.dossier,
            subject=_("Decision on leersteunvraag %(label)s: %(status)s")
            % {"label": vraag.label, "status": Status(to).label},
            url=_detail_url(vraag),
            wants=lambda person: SCHOOL in person.sides(Section.LEERSTEUN),
            exclude=user,
        )


def _locked(vraag: Leersteunvraag) -> Leersteunvraag:
    return Leersteunvraag.objects.select_for_update().select_related("dossier").get(pk=vraag.pk)


@dataclass(frozen=True)
class Line:
    """One filter as the LSC judged it."""

    filter: Filter
    state: str
    remark: str = ""


@transaction.atomic
def vraag_screen(
    *,
    vraag: Leersteunvraag,
    user,
    access: DossierAccess,
    lines: Iterable[Line],
    decision: str = "",
    reason: str = "",
) -> Leersteunvraag:
    """Lay the filters on a question (it moves into screening the first time) and, when one
    is given, take the decision: start, waiting list, or not start with a reason."""
    _require_lsc(vraag, user, access)
    vraag = _locked(vraag)
    lines = list(lines)
    if vraag.status not in SCREENABLE_STATUSES and lines:
        raise ValidationError(
            _("The filters are laid on a question while it is registered or in screening.")
        )
    errors: dict[str, list[str]] = {}
    for line in lines:
        if line.state not in FilterBeoordeling.State.values:
            errors.setdefault(f"state_{line.filter.pk}", []).append(
                _("Choose met, not yet or not applicable.")
            )
        try:
            check_privacy(
                {f"remark_{line.filter.pk}": line.remark},
                names={f"remark_{line.filter.pk}": _("remark on “%s”") % line.filter.name},
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    if decision and decision not in DECISIONS:
        raise ValidationError({"decision": _("Choose a decision from the list.")})
    if lines:
        existing = {b.filter_key: b for b in vraag.beoordelingen.all()}
        new, changed = [], []
        for line in lines:
            row = existing.get(line.filter.key)
            if row is None:
                new.append(
                    FilterBeoordeling(
                        vraag=vraag,
                        filter_key=line.filter.key,
                        filter_name=line.filter.name,
                        position=line.filter.position,
                        state=line.state,
                        remark=line.remark.strip()[:1000],
                        judged_by=user,
                    )
                )
            elif row.state != line.state or row.remark != line.remark.strip():
                row.state, row.remark, row.judged_by = line.state, line.remark.strip(), user
                row.judged_at = timezone.now()
                changed.append(row)
        FilterBeoordeling.objects.bulk_create(new)
        FilterBeoordeling.objects.bulk_update(
            changed, ["state", "remark", "judged_by", "judged_at"]
        )
        if vraag.status == Status.AANGEMELD:
            _move(vraag, user, to=Status.IN_SCREENING)
        if new or changed:
            _event(vraag, user, VraagGebeurtenis.Kind.SCREENED)
            _audit(vraag, user, VRAAG_SCREENED.key)
    if decision:
        if vraag.status == Status.AANGEMELD and decision != Status.NIET_OPGESTART:
            raise ValidationError(
                {"decision": _("Lay the filters on the question before you decide.")}
            )
        _move(vraag, user, to=decision, reason=reason)
    return vraag


@transaction.atomic
def vraag_status(
    *, vraag: Leersteunvraag, user, access: DossierAccess, to: str, reason: str = ""
) -> Leersteunvraag:
    """Any other step of the workflow: on hold, restart, round off, screen again."""
    _require_lsc(vraag, user, access)
    vraag = _locked(vraag)
    _move(vraag, user, to=to, reason=reason)
    return vraag
