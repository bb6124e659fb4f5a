"""The product's URLconf plus the floor page of the page benchmark (bench.settings only)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import include, path
from django.views.decorators.http import require_safe


@login_required
@require_safe
def floor(request):
    """A logged-in page that extends base.html and does nothing else: what every page pays."""
    return render(request, "bench/floor.html")


urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("", include("samenwerking.urls")),
]
