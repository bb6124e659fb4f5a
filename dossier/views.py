from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dossier.forms import DossierSearchForm
from dossier.selectors import (
    dossier_list_for_user,
    dossier_partnerships,
    dossier_people,
    dossier_recent_activity,
)
from samenwerking.access import Section, require_section

PAGE_SIZE = 25


@login_required
@require_GET
def mijn_dossiers(request):
    form = DossierSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(dossier_list_for_user(request.user, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    querystring = urlencode({"q": query}) if query else ""
    context = {"form": form, "page": page, "query": query, "querystring": querystring}
    if request.htmx and request.htmx.target == "dossier-results":
        return render(request, "dossier/_dossier_list.html", context)
    return render(request, "dossier/mijn_dossiers.html", context)


@login_required
@require_GET
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
        },
    )
