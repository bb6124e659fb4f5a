from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from dossier.core import pagecache
from dossier.core.registry import registry
from dossier.core.services import audit_record_many
from dossier.zoeken.forms import SearchForm
from samenwerking.search import RANKED


def _search_sections():
    return [provider.section for provider in registry.search_providers.values()]


@login_required
@require_safe
@pagecache.across_page(sections_of=_search_sections, on_hit=pagecache.audit_again)
def zoeken(request):
    """One search box over every section that registered a search provider.

    Each provider searches only the dossiers in which the person may read its section, and
    says how many matched: ``count`` in all, ``more`` when a provider found more than it ranked.
    """
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results, count, more = [], 0, False
    if query:
        for provider in registry.search_providers.values():
            found = provider.search(request.user, query)
            results.extend(found.hits)
            count += found.count
            more = more or found.more
        results.sort(key=lambda hit: hit.rank, reverse=True)
        # hits whose excerpt is audited content (notes) are recorded as shown, in one insert
        entries = [hit.audit for hit in results if hit.audit is not None]
        audit_record_many(actor=request.user, entries=entries)
    else:
        entries = []
    pagecache.keep_for_hits(request, entries)  # served again, it records them again
    status = 200 if form.is_valid() or not form.is_bound else 400
    return render(
        request,
        "zoeken/zoeken.html",
        {
            "form": form,
            "query": query,
            "results": results,
            "count": count,
            "more": more,
            "ranked": RANKED,
        },
        status=status,
    )
