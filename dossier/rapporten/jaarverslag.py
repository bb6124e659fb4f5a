"""The jaarverslag van de samenwerking: one PDF that tells a dossier's school year.

The report pipeline makes it like every other kind (``JAARVERSLAG``). Its chapters are not
written here: each section registers a ``ReportPart`` (``dossier.core.registry``), and this
module puts together the parts the person who asked reads, with their access as it is when
the report is built (``user_flags``), never as it was when they asked. Within a part, the
section decides item by item through that same access (an audience, an agreement's parties).

Two parts are the core's own, registered here beside the kind: the partners of the school year
with the people who have access, for everyone who opens the dossier, and the access granted,
changed and revoked during the year, for those who manage access (the audit log's readers).

A jaarverslag holds what its requester may read, so it is theirs alone: another person who
gets hold of its reference does not open it (``check_jaarverslag``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Partnership
from dossier.core.access import Section, user_flags
from dossier.core.models import AuditEvent
from dossier.core.registry import ReportKind, ReportPart, registry
from dossier.core.selectors import dossier_people
from dossier.core.services import audit_record_many
from samenwerking.schoolyear import school_year_dates, validate_school_year

TEMPLATE = "rapporten/reports/jaarverslag.html"


@dataclass(frozen=True)
class Chapter:
    key: str
    label: str
    html: SafeString


def check_jaarverslag(access, report) -> str:
    """A jaarverslag holds what the person who asked for it reads: only they open it. It has
    no confidential content to add (the confidential site facts stay out of it)."""
    if report.include_confidential:
        raise ValidationError(_("This kind of report has no confidential content."))
    if access.user_id is None or access.user_id != report.requested_by_id:
        raise PermissionDenied(_("A jaarverslag is only for the person who asked for it."))
    return ""


def _aware(day: datetime.date, *, end: bool = False) -> datetime.datetime:
    """The first moment of ``day`` (with ``end``: of the day after), in the site's time zone."""
    if end:
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def build_jaarverslag(report):
    """Template and context of one person's jaarverslag: the parts they read today, each
    rendered from its own template. A person who lost all access gets a report that says so
    and holds nothing of the dossier."""
    validate_school_year(report.school_year)
    dossier = report.dossier
    requester = report.requested_by
    access = user_flags(requester, dossier)
    chapters, entries = [], []
    for part in registry.parts_for(access):
        context = part.context(dossier, access, report.school_year)
        if context is None:
            continue
        entries.extend(context.pop("audit", ()))
        html = render_to_string(
            part.template,
            {
                "dossier": dossier,
                "school": dossier.school,
                "school_year": report.school_year,
                "access": access,
                "part_key": part.key,
                **context,
            },
        )
        # the part's template escapes what it shows, as every template does
        chapters.append(Chapter(part.key, str(part.label), mark_safe(html)))  # noqa: S308
    # what the report shows of audited content (consultation notes): one event per item
    audit_record_many(actor=requester, entries=entries)
    readable = {part.key for part in registry.parts_for(access)}
    left_out = [
        str(part.label)
        for part in sorted(registry.report_parts.values(), key=lambda p: (p.order, p.key))
        if part.key not in readable
    ]
    return TEMPLATE, {
        "report": report,
        "school": dossier.school,
        "requester": requester,
        "generated_at": timezone.localtime(),
        "has_access": access.has_any or access.can_manage,
        "chapters": chapters,
        "left_out": left_out if access.has_any else [],
    }


JAARVERSLAG = ReportKind(
    key="jaarverslag",
    label=gettext_lazy("Jaarverslag van de samenwerking"),
    section=Section.OVERZICHT,
    build=build_jaarverslag,
    filename="jaarverslag",
    check=check_jaarverslag,
    # tagged and accessible: headings, tables and reading order for a screen reader
    pdf_variant="pdf/ua-1",
)


# --- the core's parts ---------------------------------------------------------------------


def partners_context(dossier, access, school_year: str) -> dict:
    """The partnerships that ran during the school year (some of it is enough), and everyone
    who reads the dossier today with their role there: four queries."""
    first, last = school_year_dates(school_year)
    partnerships = list(
        Partnership.objects.filter(school_id=dossier.school_id, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .select_related("partner")
        .order_by("partner_kind", "start_date", "partner__name")
    )
    people = []
    for person in dossier_people(dossier):
        people.append(
            {
                "name": str(person),
                "roles": "; ".join(
                    f"{membership.get_role_display()}, {membership.organisation.name}"
                    for membership in person.relevant_memberships
                ),
                "contributes": bool(person.access.write_sides),
                "manages": person.access.can_manage,
            }
        )
    return {"partnerships": partnerships, "people": people, "first": first, "last": last}


ACCESS_ACTIONS = (
    AuditEvent.Action.ACCESS_GRANTED,
    AuditEvent.Action.ACCESS_CHANGED,
    AuditEvent.Action.ACCESS_REVOKED,
)


def access_changes_context(dossier, access, school_year: str) -> dict:
    """Every grant given, changed or revoked during the school year, from the audit log (which
    only those who manage access read): one query."""
    first, last = school_year_dates(school_year)
    events = list(
        AuditEvent.objects.filter(
            dossier=dossier,
            action__in=ACCESS_ACTIONS,
            created_at__gte=_aware(first),
            created_at__lt=_aware(last, end=True),
        )
        .select_related("actor", "subject_user")
        .order_by("created_at", "pk")
    )
    counts = {str(action.label): 0 for action in ACCESS_ACTIONS}
    for event in events:
        counts[str(AuditEvent.Action(event.action).label)] += 1
    return {"events": events, "counts": counts}


PARTS = [
    ReportPart(
        key="partners",
        label=gettext_lazy("Partners and who has access"),
        section=Section.OVERZICHT,
        order=0,
        template="rapporten/reports/jaarverslag_partners.html",
        context=partners_context,
    ),
    ReportPart(
        key="toegang",
        label=gettext_lazy("Access given and taken away this school year"),
        section=Section.TOEGANG,
        order=5,
        template="rapporten/reports/jaarverslag_toegang.html",
        context=access_changes_context,
    ),
]
