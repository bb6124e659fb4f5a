from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dossier.core import pagecache
from dossier.core.access import Section, require_section
from dossier.overleg.forms import OverlegForm
from dossier.overleg.reports import OVERLEG_REPORT
from dossier.overleg.selectors import linked_items, overleg_get, overleggen_for
from dossier.overleg.services import overleg_save
from dossier.rapporten.services import report_request
from dossier.rapporten.views import announce_request
from samenwerking.forms import apply_validation_error
from samenwerking.schoolyear import school_year_of


@login_required
@require_safe
@pagecache.dossier_page(Section.OVERLEG)
def overleg_list(request, pk):
    dossier, access = require_section(request.user, pk, Section.OVERLEG)
    page = Paginator(overleggen_for(dossier), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "overleg/overleggen.html",
        {
            "dossier": dossier,
            "access": access,
            "page": page,
            "can_write": access.may_record_meeting(),
        },
    )


def _overleg_form(request, dossier, access, overleg=None):
    documents = linked_items("documenten", dossier, access)
    afspraken = linked_items("afspraken", dossier, access)
    initial = None
    if overleg:
        initial = {
            field: getattr(overleg, field)
            for field in (
                "date",
                "school_participants",
                "clb_participants",
                "pbd_participants",
                "lsc_participants",
                "data_reflected_on",
                "agenda",
                "decisions",
                "next_meeting_date",
                "minutes_keeper",
            )
        }
        initial["documents"] = list(overleg.documents.all())
        initial["afspraken"] = list(overleg.afspraken.all())
    form = OverlegForm(
        request.POST or None, documents=documents, afspraken=afspraken, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        linked_documents = list(data.pop("documents"))
        linked_afspraken = list(data.pop("afspraken"))
        try:
            overleg = overleg_save(
                dossier=dossier,
                user=request.user,
                access=access,
                overleg=overleg,
                documents=linked_documents,
                afspraken=linked_afspraken,
                **data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The meeting has been recorded."))
            return redirect("overleg:overleg_detail", pk=dossier.pk, overleg_pk=overleg.pk)
    return render(
        request,
        "overleg/overleg_form.html",
        {"dossier": dossier, "access": access, "form": form, "overleg": overleg},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def overleg_create(request, pk):
    dossier, access = require_section(request.user, pk, Section.OVERLEG, write=True)
    return _overleg_form(request, dossier, access)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def overleg_edit(request, pk, overleg_pk):
    dossier, access, overleg = overleg_get(request.user, pk=pk, overleg_pk=overleg_pk, write=True)
    return _overleg_form(request, dossier, access, overleg)


@login_required
@require_safe
@pagecache.dossier_page(Section.OVERLEG)
def overleg_detail(request, pk, overleg_pk):
    dossier, access, overleg = overleg_get(request.user, pk=pk, overleg_pk=overleg_pk)
    return render(
        request,
        "overleg/overleg_detail.html",
        {
            "dossier": dossier,
            "access": access,
            "overleg": overleg,
            "can_write": access.may_edit_meeting(overleg),
        },
    )


# the minutes as a PDF
@login_required
@require_POST
def overleg_report(request, pk, overleg_pk):
    """Ask for the meeting's minutes as a PDF, for whoever reads the meeting (anyone else:
    404); then on to the reports page, which follows it until it can be downloaded."""
    dossier, access, overleg = overleg_get(request.user, pk=pk, overleg_pk=overleg_pk)
    try:
        report = report_request(
            dossier=dossier,
            kind=OVERLEG_REPORT.key,
            school_year=school_year_of(overleg.date),
            requested_by=request.user,
            access=access,
            subject_id=overleg.pk,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("overleg:overleg_detail", pk=dossier.pk, overleg_pk=overleg.pk)
    announce_request(request, report)
    return redirect("rapporten:reports", pk=dossier.pk)
