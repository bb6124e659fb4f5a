from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET


@login_required
@require_GET
def zoeken(request):
    """One search box over consultation notes and signals in every dossier the person may read."""
    from consultatie.selectors import search_notes
    from dossier.zoeken.forms import SearchForm
    from samenwerking.search import highlight
    from signalen.selectors import search_signals

    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results = []
    if query:
        for note in search_notes(request.user, query):
            results.append(
                {
                    "kind": "consultatie",
                    "rank": note.rank,
                    "title": f"{note.date:%d/%m/%Y} · {note.label}",
                    "school": note.dossier.school.name,
                    "excerpt": highlight(note.search_text, query),
                    "url": reverse(
                        "consultatie:detail", kwargs={"pk": note.dossier_id, "note_pk": note.pk}
                    ),
                    "themes": [t.name for t in note.themas.all()],
                }
            )
        for signaal in search_signals(request.user, query):
            results.append(
                {
                    "kind": "signaal",
                    "rank": signaal.rank,
                    "title": signaal.title,
                    "school": signaal.dossier.school.name,
                    "excerpt": highlight(signaal.search_text, query),
                    "url": reverse(
                        "signalen:detail",
                        kwargs={"pk": signaal.dossier_id, "signaal_pk": signaal.pk},
                    ),
                    "themes": [signaal.thema.name],
                }
            )
        results.sort(key=lambda r: r["rank"], reverse=True)
    status = 200 if form.is_valid() or not form.is_bound else 400
    return render(
        request,
        "zoeken/zoeken.html",
        {"form": form, "query": query, "results": results},
        status=status,
    )
