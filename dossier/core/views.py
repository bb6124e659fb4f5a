from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Membership, User
from accounts.services import may_decide, membership_confirm, membership_refuse
from accounts.sessions import previous_login
from dossier.core import pagecache
from dossier.core.access import Section, require_section
from dossier.core.filters import AuditEventFilter
from dossier.core.forms import DossierSearchForm, GrantAccessForm
from dossier.core.models import AuditEvent
from dossier.core.registry import registry
from dossier.core.selectors import (
    access_candidates,
    audit_events,
    audit_people,
    dossier_access_rows,
    dossier_partnerships,
    dossier_people,
    dossier_recent_activity,
    newest_audit,
    pending_memberships,
    school_lines,
    with_partners,
)
from dossier.core.services import access_grant, access_revoke, audit_record
from dossier.core.werkoverzicht import CACHE_SECONDS as WERK_SECONDS
from dossier.core.werkoverzicht import werkoverzicht_for
from samenwerking.csvcells import csv_response, csv_safe
from samenwerking.listing import page_of, querystring_without_page

PAGE_SIZE = 25


@login_required
@require_safe
@pagecache.across_page(Section.OVERZICHT, window=WERK_SECONDS)  # its items of the hour
def mijn_dossiers(request):
    """The home page: the werkoverzicht (what needs the person today) and their schools,
    those that need attention first."""
    form = DossierSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    by_name = request.GET.get("volgorde") == "naam"
    werk = werkoverzicht_for(request.user, since=previous_login(request))
    lines = school_lines(request.user, werk, query=query, by_name=by_name)
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    with_partners([line.dossier for line in page.object_list])
    params = {"q": query} if query else {}
    if by_name:
        params["volgorde"] = "naam"
    context = {
        "form": form,
        "page": page,
        "query": query,
        "by_name": by_name,
        "werk": werk,
        "querystring": urlencode(params),
    }
    if request.htmx and request.htmx.target == "dossier-results":
        return render(request, "dossier/_dossier_list.html", context)
    return render(request, "dossier/mijn_dossiers.html", context)


@login_required
@require_safe
@pagecache.dossier_page(Section.OVERZICHT, extra=newest_audit)  # its recent activity
def dossier_overview(request, pk):
    dossier, access = require_section(request.user, pk, Section.OVERZICHT)
    current, earlier = dossier_partnerships(dossier)
    return render(
        request,
        "dossier/overview.html",
        {
            "dossier": dossier,
            "access": access,
            "current_partners": current,
            "earlier_partners": earlier,
            "people": dossier_people(dossier),
            "activity": dossier_recent_activity(dossier, access),
            "widgets": _overview_widgets(request, dossier, access),
        },
    )


def _overview_widgets(request, dossier, access) -> list[str]:
    """The cards the sections add to the overview, for the sections this person may read."""
    cards = []
    for widget in registry.widgets_for(access):
        context = widget.context(dossier, access)
        if context is not None:
            context = {"dossier": dossier, "access": access, **context}
            cards.append(render_to_string(widget.template, context, request=request))
    return cards


AUDIT_PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@pagecache.dossier_page(Section.TOEGANG, extra=newest_audit)
def toegangsbeheer(request, pk):
    write = request.method == "POST"
    dossier, access = require_section(request.user, pk, Section.TOEGANG, write=write)
    candidates = access_candidates(dossier)
    form = GrantAccessForm(request.POST or None, candidates=candidates)
    if write and form.is_valid():
        person = form.cleaned_data["user"]
        try:
            access_grant(
                dossier=dossier,
                granted_by=request.user,
                access=access,
                user=person,
                level=form.cleaned_data["level"],
                can_manage=form.cleaned_data["can_manage"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("%(name)s's access has been saved.") % {"name": person})
            return redirect("dossier:toegangsbeheer", pk=dossier.pk)
    status = 400 if write else 200
    return render(
        request,
        "dossier/toegangsbeheer.html",
        {
            "dossier": dossier,
            "access": access,
            "form": form,
            "candidates": candidates,
            "rows": dossier_access_rows(dossier),
            "pending_count": pending_memberships(dossier).count(),
        },
        status=status,
    )


@login_required
@require_POST
def access_revoke_view(request, pk, user_pk):
    dossier, access = require_section(request.user, pk, Section.TOEGANG, write=True)
    person = User.objects.filter(
        pk=user_pk, dossieruserobjectpermission__content_object=dossier
    ).first()
    if person is None:
        raise Http404
    try:
        access_revoke(dossier=dossier, revoked_by=request.user, access=access, user=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s no longer has access.") % {"name": person})
    return redirect("dossier:toegangsbeheer", pk=dossier.pk)


@login_required
@require_safe
def memberships_pending(request, pk):
    """Memberships of the school that read its dossier without a grant wait here until its
    directie confirms or refuses them."""
    dossier, access = require_section(request.user, pk, Section.TOEGANG)
    rows = [
        (membership, may_decide(membership=membership, actor=request.user))
        for membership in pending_memberships(dossier)
    ]
    return render(
        request,
        "dossier/memberships_pending.html",
        {"dossier": dossier, "access": access, "rows": rows},
    )


@login_required
@require_POST
def membership_decide(request, pk, membership_pk):
    dossier, _access = require_section(request.user, pk, Section.TOEGANG, write=True)
    membership = Membership.objects.filter(
        pk=membership_pk, organisation_id=dossier.school_id
    ).first()
    if membership is None:
        raise Http404
    decision = request.POST.get("decision")
    services = {"confirm": membership_confirm, "refuse": membership_refuse}
    if decision not in services:
        messages.error(request, _("Choose whether to confirm or refuse the membership."))
        return redirect("dossier:memberships_pending", pk=dossier.pk)
    try:
        services[decision](membership=membership, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if decision == "confirm":
            message = _("%(name)s is now %(role)s of the school.")
        else:
            message = _("The membership of %(name)s as %(role)s was refused.")
        messages.success(
            request,
            message % {"name": membership.user, "role": membership.get_role_display().lower()},
        )
    return redirect("dossier:memberships_pending", pk=dossier.pk)


def _audit_filter(request, dossier):
    return AuditEventFilter(
        request.GET or None, queryset=audit_events(dossier), people=audit_people(dossier)
    )


@login_required
@require_safe
@pagecache.dossier_page(Section.TOEGANG, extra=newest_audit)
def auditlog(request, pk):
    dossier, access = require_section(request.user, pk, Section.TOEGANG)
    filterset = _audit_filter(request, dossier)
    valid = filterset.is_valid() if filterset.is_bound else True
    events = filterset.qs if valid else AuditEvent.objects.none()
    page = page_of(request, events, per_page=AUDIT_PAGE_SIZE)
    return render(
        request,
        "dossier/auditlog.html",
        {
            "dossier": dossier,
            "access": access,
            "filter": filterset,
            "page": page,
            "querystring": querystring_without_page(request),
        },
        status=200 if valid else 400,
    )


@login_required
@require_safe
def auditlog_export(request, pk):
    dossier, _access = require_section(request.user, pk, Section.TOEGANG)
    filterset = _audit_filter(request, dossier)
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, _("The filter is not valid; nothing was exported."))
        return redirect("dossier:auditlog", pk=dossier.pk)
    events = list(filterset.qs)
    audit_record(
        dossier=dossier,
        actor=request.user,
        action=AuditEvent.Action.AUDIT_EXPORTED,
        section=Section.TOEGANG,
        detail=ngettext("%(count)d row", "%(count)d rows", len(events)) % {"count": len(events)},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response, writer = csv_response(f"auditlog-{dossier.school.instellingsnummer}-{stamp}.csv")
    writer.writerow([_("When"), _("By"), _("Action"), _("Concerning"), _("Detail")])
    for event in events:
        writer.writerow(
            [
                timezone.localtime(event.created_at).strftime("%d/%m/%Y %H:%M"),
                csv_safe(f"{event.actor} <{event.actor.email}>")
                if event.actor
                else _("the platform"),
                event.get_action_display(),
                csv_safe(f"{event.subject_user} <{event.subject_user.email}>")
                if event.subject_user
                else "",
                csv_safe(event.detail),
            ]
        )
    return response
