from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dossier.afspraken.forms import AfspraakForm, AfspraakStatusForm
from dossier.afspraken.reports import AFSPRAAK_REPORT, newest_approved, school_year_of_version
from dossier.afspraken.selectors import afspraak_get, afspraken_for
from dossier.afspraken.services import (
    afspraak_approve,
    afspraak_change,
    afspraak_create,
    afspraak_set_status,
)
from dossier.core import pagecache
from dossier.core.access import Section, require_section
from dossier.core.selectors import partner_organisations
from dossier.rapporten.services import report_request
from dossier.rapporten.views import announce_request
from samenwerking.forms import apply_validation_error


@login_required
@require_safe
@pagecache.dossier_page(Section.AFSPRAKEN)
def afspraak_list(request, pk):
    dossier, access = require_section(request.user, pk, Section.AFSPRAKEN)
    afspraken = list(afspraken_for(dossier, access).order_by("evaluation_date", "pk"))
    for afspraak in afspraken:
        afspraak.current = afspraak.versies.all()[0] if afspraak.versies.all() else None
    return render(
        request,
        "afspraken/afspraken.html",
        {
            "dossier": dossier,
            "access": access,
            "afspraken": afspraken,
            "can_write": access.can_write(Section.AFSPRAKEN),
            "today": timezone.localdate(),
        },
    )


def _afspraak_form(request, dossier, access, *, afspraak=None, version=None):
    organisations = partner_organisations(dossier)
    initial = AfspraakForm.initial_from(afspraak, version) if afspraak else None
    form = AfspraakForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "title": data["title"],
            "topic": data["topic"],
            "evaluation_date": data["evaluation_date"],
            "summary": data["summary"],
            "parties": form.parties(dossier.school),
        }
        try:
            if afspraak is None:
                afspraak = afspraak_create(
                    dossier=dossier, user=request.user, access=access, **fields
                )
                messages.success(
                    request, _("The agreement has been drafted. Each partner now approves it.")
                )
            else:
                afspraak_change(afspraak=afspraak, user=request.user, access=access, **fields)
                messages.success(
                    request, _("A new version has been made. Each partner approves it again.")
                )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("afspraken:afspraak_detail", pk=dossier.pk, afspraak_pk=afspraak.pk)
    return render(
        request,
        "afspraken/afspraak_form.html",
        {"dossier": dossier, "access": access, "form": form, "afspraak": afspraak},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def afspraak_create_view(request, pk):
    dossier, access = require_section(request.user, pk, Section.AFSPRAKEN, write=True)
    return _afspraak_form(request, dossier, access)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def afspraak_change_view(request, pk, afspraak_pk):
    dossier, access, afspraak = afspraak_get(
        request.user, pk=pk, afspraak_pk=afspraak_pk, write=True
    )
    return _afspraak_form(
        request, dossier, access, afspraak=afspraak, version=afspraak.versies.all()[0]
    )


@login_required
@require_safe
@pagecache.dossier_page(Section.AFSPRAKEN)
def afspraak_detail(request, pk, afspraak_pk):
    dossier, access, afspraak = afspraak_get(request.user, pk=pk, afspraak_pk=afspraak_pk)
    versions = list(afspraak.versies.all())
    current = versions[0]
    return render(
        request,
        "afspraken/afspraak_detail.html",
        {
            "dossier": dossier,
            "access": access,
            "afspraak": afspraak,
            "current": current,
            "earlier": versions[1:],
            "can_approve": bool(access.parties_to_approve(current.partijen.all())),
            "can_change": access.may_change_agreement(afspraak),
            "status_form": AfspraakStatusForm(),
            # the version its PDF shows (None while nothing was approved)
            "approved_version": newest_approved(versions),
        },
    )


@login_required
@require_POST
def afspraak_approve_view(request, pk, afspraak_pk):
    dossier, access, afspraak = afspraak_get(
        request.user, pk=pk, afspraak_pk=afspraak_pk, write=True
    )
    try:
        approved = afspraak_approve(afspraak=afspraak, user=request.user, access=access)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        names = ", ".join(p.organisation.name for p in approved)
        messages.success(request, _("Approved for %(names)s.") % {"names": names})
    return redirect("afspraken:afspraak_detail", pk=dossier.pk, afspraak_pk=afspraak.pk)


@login_required
@require_POST
def afspraak_status_view(request, pk, afspraak_pk):
    dossier, access, afspraak = afspraak_get(
        request.user, pk=pk, afspraak_pk=afspraak_pk, write=True
    )
    form = AfspraakStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
    else:
        try:
            afspraak_set_status(
                afspraak=afspraak,
                user=request.user,
                access=access,
                status=form.cleaned_data["status"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The status has been changed."))
    return redirect("afspraken:afspraak_detail", pk=dossier.pk, afspraak_pk=afspraak.pk)


# the PDF of the agreement's approved version
@login_required
@require_POST
def afspraak_report(request, pk, afspraak_pk):
    """Ask for the PDF of the newest version every partner approved, for whoever the agreement
    binds (anyone else: 404); then on to the reports page, which follows it until it can be
    downloaded. A draft that nobody approved yet is a message on the agreement's page."""
    dossier, access, afspraak = afspraak_get(request.user, pk=pk, afspraak_pk=afspraak_pk)
    version = newest_approved(afspraak.versies.all())
    try:
        if version is None:
            raise ValidationError(
                _("Only a version that every partner approved can be made into a PDF.")
            )
        report = report_request(
            dossier=dossier,
            kind=AFSPRAAK_REPORT.key,
            school_year=school_year_of_version(version),
            requested_by=request.user,
            access=access,
            subject_id=version.pk,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("afspraken:afspraak_detail", pk=dossier.pk, afspraak_pk=afspraak.pk)
    announce_request(request, report)
    return redirect("rapporten:reports", pk=dossier.pk)
