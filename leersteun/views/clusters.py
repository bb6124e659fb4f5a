"""An LSC's clusters of leersteunvragen, and its question list across its schools (with the
CSV export).

Every staff member of the LSC opens these pages; its ankerpersonen and coördinator make and
fill clusters (``may_manage_clusters``; others of the LSC: 403); anyone outside the LSC,
platform administrators included, gets 404. What a page lists of a school goes through the
readable dossier ids.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Organisation
from accounts.roles import OrganisationKind
from dossier.core.access.organisations import may_manage_clusters, require_lsc_staff
from leersteun.forms.clusters import (
    ClusterChoiceForm,
    ClusterForm,
    LscVragenFilter,
    QuestionChoiceForm,
)
from leersteun.models import Cluster
from leersteun.selectors import clusters as selectors
from leersteun.services import clusters as services
from samenwerking.csvcells import csv_response, csv_safe
from samenwerking.forms import apply_validation_error
from samenwerking.listing import page_of, querystring_without_page

FORM_METHODS = ["GET", "HEAD", "POST"]
PAGE_SIZE = 50
# the cluster page offers the newest open questions to add (a long list is searched instead)
ADDABLE_LIMIT = 200


def _lsc(request, lsc_pk: int, *, manage: bool = False) -> tuple[Organisation, bool]:
    """The LSC and whether the person manages its clusters: 404 for anyone outside the LSC,
    403 for its other staff on a write."""
    require_lsc_staff(request.user, lsc_pk)
    lsc = Organisation.objects.filter(pk=lsc_pk, kind=OrganisationKind.LSC).first()
    if lsc is None:
        raise Http404
    can_manage = may_manage_clusters(request.user, lsc_pk)
    if manage and not can_manage:
        raise PermissionDenied
    return lsc, can_manage


def _cluster(lsc, cluster_pk) -> Cluster:
    cluster = selectors.cluster_get(lsc.pk, cluster_pk)
    if cluster is None:
        raise Http404
    return cluster


# --- clusters ------------------------------------------------------------------------------------


@login_required
@require_safe
def cluster_list(request, lsc_pk):
    lsc, can_manage = _lsc(request, lsc_pk)
    return render(
        request,
        "leersteun/clusters/list.html",
        {"lsc": lsc, "clusters": list(selectors.clusters_of(lsc.pk)), "can_manage": can_manage},
    )


def _cluster_form(request, lsc, cluster=None):
    form = ClusterForm(
        request.POST or None,
        initial=ClusterForm.initial_from(cluster) if cluster else None,
        lsc_id=lsc.pk,
        editing=cluster is not None,
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        try:
            if cluster is None:
                cluster = services.cluster_create(lsc=lsc, user=request.user, **values)
                messages.success(request, _("The cluster has been made."))
            else:
                cluster = services.cluster_update(cluster=cluster, user=request.user, **values)
                messages.success(request, _("The cluster has been saved."))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return redirect("leersteun:cluster", lsc_pk=lsc.pk, cluster_pk=cluster.pk)
    return render(
        request,
        "leersteun/clusters/form.html",
        {"lsc": lsc, "cluster": cluster, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(FORM_METHODS)
def cluster_create(request, lsc_pk):
    lsc, _can_manage = _lsc(request, lsc_pk, manage=True)
    return _cluster_form(request, lsc)


@login_required
@require_http_methods(FORM_METHODS)
def cluster_edit(request, lsc_pk, cluster_pk):
    lsc, _can_manage = _lsc(request, lsc_pk, manage=True)
    return _cluster_form(request, lsc, _cluster(lsc, cluster_pk))


@login_required
@require_safe
def cluster_detail(request, lsc_pk, cluster_pk):
    lsc, can_manage = _lsc(request, lsc_pk)
    cluster = _cluster(lsc, cluster_pk)
    groups, hidden = selectors.cluster_groups(cluster, request.user)
    addable = []
    if can_manage and cluster.closed_at is None:
        addable = list(selectors.addable_questions(lsc.pk, request.user, cluster)[:ADDABLE_LIMIT])
    return render(
        request,
        "leersteun/clusters/detail.html",
        {
            "lsc": lsc,
            "cluster": cluster,
            "groups": groups,
            "question_count": sum(len(g.vragen) for g in groups),
            "hidden_count": hidden,
            "addable": addable,
            "can_manage": can_manage,
        },
    )


@login_required
@require_POST
def cluster_vraag_add(request, lsc_pk, cluster_pk):
    lsc, _can_manage = _lsc(request, lsc_pk, manage=True)
    cluster = _cluster(lsc, cluster_pk)
    form = QuestionChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a leersteunvraag to add."))
    else:
        try:
            vraag = services.cluster_add_vraag(
                cluster=cluster, vraag_id=form.cleaned_data["vraag"], user=request.user
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("“%(label)s” is now in this cluster.") % {"label": vraag.label}
            )
    return redirect("leersteun:cluster", lsc_pk=lsc.pk, cluster_pk=cluster.pk)


@login_required
@require_POST
def cluster_vraag_remove(request, lsc_pk, cluster_pk, vraag_pk):
    lsc, _can_manage = _lsc(request, lsc_pk, manage=True)
    cluster = _cluster(lsc, cluster_pk)
    try:
        vraag = services.cluster_remove_vraag(cluster=cluster, vraag_id=vraag_pk, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("“%(label)s” has been taken out of this cluster.") % {"label": vraag.label}
        )
    return redirect("leersteun:cluster", lsc_pk=lsc.pk, cluster_pk=cluster.pk)


@login_required
@require_POST
def vraag_cluster(request, lsc_pk, vraag_pk):
    """From the question's page (the bundling panel): put the question in one of the LSC's open
    clusters, then back to the question."""
    lsc, _can_manage = _lsc(request, lsc_pk, manage=True)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    form = ClusterChoiceForm(request.POST)
    cluster = None
    if form.is_valid():
        cluster = selectors.cluster_get(lsc.pk, form.cleaned_data["cluster"])
    if cluster is None:
        messages.error(request, _("Choose one of your LSC's clusters."))
        return redirect(back) if back else redirect("leersteun:clusters", lsc_pk=lsc.pk)
    try:
        vraag = services.cluster_add_vraag(cluster=cluster, vraag_id=vraag_pk, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("“%(label)s” is now in the cluster “%(title)s”.")
            % {"label": vraag.label, "title": cluster.title},
        )
    if back:
        return redirect(back)
    return redirect("leersteun:cluster", lsc_pk=lsc.pk, cluster_pk=cluster.pk)


# --- the LSC's questions across its schools --------------------------------------------------------


def _filtered(request, lsc):
    rows = selectors.lsc_questions(request.user, lsc.pk)
    filterset = LscVragenFilter(
        request.GET or None, queryset=rows, lsc_id=lsc.pk, user=request.user
    )
    valid = not filterset.is_bound or filterset.is_valid()
    return filterset, (filterset.qs if valid else rows.none()), valid


@login_required
@require_safe
def vragen_lsc(request, lsc_pk):
    lsc, can_manage = _lsc(request, lsc_pk)
    if request.GET.get("format") == "csv":
        return vragen_lsc_export(request, lsc_pk)
    filterset, rows, valid = _filtered(request, lsc)
    page = page_of(request, rows, valid=valid, per_page=PAGE_SIZE)
    export_query = request.GET.copy()
    export_query.pop("page", None)
    return render(
        request,
        "leersteun/clusters/vragen.html",
        {
            "lsc": lsc,
            "filter": filterset,
            "page": page,
            "querystring": querystring_without_page(request),
            "export_query": export_query.urlencode(),
            "can_manage": can_manage,
        },
        status=200 if valid else 400,
    )


def _hours(value) -> str:
    return "" if value is None else f"{value:.1f}".replace(".", ",")


def _date(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y") if value else ""


def _cell(value) -> str:
    return csv_safe(str(value or ""))


@login_required
@require_safe
def vragen_lsc_export(request, lsc_pk):
    lsc, _can_manage = _lsc(request, lsc_pk)
    filterset, rows, valid = _filtered(request, lsc)
    if not valid:
        messages.error(request, _("The filter is not valid; nothing was exported."))
        return redirect("leersteun:vragen_lsc", lsc_pk=lsc.pk)
    vragen = list(rows)
    services.vragen_export_record(user=request.user, lsc=lsc, vragen=vragen)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response, writer = csv_response(f"leersteunvragen-{stamp}.csv")
    writer.writerow(
        [
            _("School"),
            _("Instellingsnummer"),
            _("Level"),
            _("Who owns the question"),
            _("Label"),
            _("Domains"),
            _("Themes"),
            _("Status"),
            _("Priority"),
            _("Ondersteuner"),
            _("Hours per week"),
            _("Cluster"),
            _("Registered"),
            _("Waiting since"),
        ]
    )
    for vraag in vragen:
        school = vraag.dossier.school
        writer.writerow(
            [
                _cell(school.name),
                _cell(school.instellingsnummer),
                vraag.get_level_display(),
                vraag.get_owner_display(),
                _cell(vraag.label),
                ", ".join(vraag.domains),
                _cell(", ".join(vraag.theme_names or [])),
                vraag.get_status_display(),
                vraag.get_priority_display(),
                _cell(vraag.ondersteuner or ""),
                _hours(vraag.estimated_hours),
                _cell(vraag.cluster.title if vraag.cluster else ""),
                _date(vraag.created_at),
                _date(vraag.waiting_since),
            ]
        )
    return response
