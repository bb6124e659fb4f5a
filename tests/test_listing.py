"""Long lists count a few pages ahead of the one asked for, and say when there are more."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import Organisation
from accounts.tests.factories import OrganisationFactory
from conftest import log_in
from samenwerking import listing
from samenwerking.listing import CappedPaginator
from signalen.tests.test_query_budgets import signals_in

pytestmark = pytest.mark.django_db


def test_the_count_stops_a_few_pages_past_the_page_asked_for(monkeypatch):
    monkeypatch.setattr(listing, "PAGES_AHEAD", 3)
    OrganisationFactory.create_batch(30)
    rows = Organisation.objects.order_by("pk")
    first = CappedPaginator(rows, 5, number=1)
    assert (first.count, first.num_pages, first.is_capped) == (20, 4, True)
    assert first.page(4).has_next()  # there is more than the count says
    later = CappedPaginator(rows, 5, number=4)
    assert (later.count, later.num_pages, later.is_capped) == (30, 6, False)
    assert not later.page(6).has_next()
    # a short list is counted exactly
    short = CappedPaginator(rows[:7], 5, number=1)
    assert (short.count, short.num_pages, short.is_capped) == (7, 2, False)


def test_a_long_signal_list_says_more_than_and_the_next_page_counts_further(client, monkeypatch):
    monkeypatch.setattr(listing, "PAGES_AHEAD", 0)
    medewerker, [dossier] = signals_in([30])
    log_in(client, medewerker)
    url = reverse("signalen:list", args=[dossier.pk])
    with translation.override("nl"):
        first = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
        second = client.get(url + "?page=2", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Meer dan 20 signalen" in first  # 20 a page
    assert "Pagina 1 van meer dan 1" in first
    assert "page=2" in first  # the next page is reachable
    assert "30 signalen" in second and "Meer dan" not in second
    assert "Pagina 2 van 2" in second


def test_a_page_number_that_is_not_a_number_shows_the_first_page(client):
    medewerker, [dossier] = signals_in([3])
    log_in(client, medewerker)
    response = client.get(reverse("signalen:list", args=[dossier.pk]) + "?page=drie")
    assert response.status_code == 200
    assert response.context["page"].number == 1
    huge = client.get(reverse("signalen:list", args=[dossier.pk]) + "?page=" + "9" * 40)
    assert huge.status_code == 200


def test_a_page_holds_the_rows_of_its_place_in_the_order():
    OrganisationFactory.create_batch(12)
    rows = Organisation.objects.select_related(None).order_by("-name", "pk")
    everything = list(rows)
    paginator = CappedPaginator(rows, 5, number=2)
    assert list(paginator.page(1).object_list) == everything[:5]
    assert list(paginator.page(2).object_list) == everything[5:10]
    assert list(paginator.page(3).object_list) == everything[10:]
