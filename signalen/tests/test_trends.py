"""The signals of a school year as trends (signalen.trends) and their charts on the signal list."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import log_in
from signalen.models import Aanvulling, Gebeurtenis, Signaal
from signalen.tests.factories import AanvullingFactory, SignaalFactory
from signalen.trends import days_text, follow_up_times, status_over_year
from signalen.workflow import Kind, Status

pytestmark = pytest.mark.django_db

YEAR = "2025-2026"


def at(month: int, day: int, year: int = 2025) -> datetime.datetime:
    return datetime.datetime(year, month, day, 10, tzinfo=timezone.get_current_timezone())


def signal_logged(dossier, author, when, *, status=None):
    """A signal of ``YEAR`` with its timeline moved back to ``when``."""
    signaal = SignaalFactory(dossier=dossier, author=author, school_year=YEAR, status=status)
    Signaal.objects.filter(pk=signaal.pk).update(created_at=when)
    Gebeurtenis.objects.filter(signaal=signaal).update(created_at=when)
    return signaal


def moved(signaal, when) -> None:
    """The signal's latest status change happened at ``when``."""
    last = Gebeurtenis.objects.filter(signaal=signaal, kind="status").order_by("-pk").first()
    Gebeurtenis.objects.filter(pk=last.pk).update(created_at=when)


def test_each_signal_is_counted_in_the_status_it_had_at_the_end_of_each_month(region):
    dossier, author = region.dossier_a, region.clb_medewerker_a
    signal_logged(dossier, author, at(9, 10))  # new all year
    closed = signal_logged(dossier, author, at(9, 20), status=Status.AFGESLOTEN)
    moved(closed, at(11, 5))  # closed in November
    signal_logged(dossier, author, at(10, 2))  # logged in October

    trend = status_over_year(dossier, YEAR, now=at(12, 15))

    assert [month.month for month in trend.months] == [9, 10, 11, 12]
    assert trend.counts[Status.NIEUW] == [2, 3, 2, 2]
    assert trend.counts[Status.AFGESLOTEN] == [0, 0, 1, 1]
    assert trend.signal_count == 3
    chart = trend.chart()
    assert not chart.empty
    assert [cells[-1] for _label, cells in chart.rows] == ["2", "3", "3", "3"]
    assert "3" in chart.description and "1" in chart.description


def test_a_school_year_that_has_not_begun_has_no_months(region):
    trend = status_over_year(region.dossier_a, "2030-2031", now=at(12, 15))

    assert trend.months == []
    assert trend.chart().empty


def test_follow_up_times_are_the_median_days_to_each_first_supplement(region):
    dossier, author = region.dossier_a, region.clb_medewerker_a
    for days_to_duiding in (2, 4, 9):
        signaal = signal_logged(dossier, author, at(9, 1))
        duiding = AanvullingFactory(signaal=signaal, author=author, kind=Kind.DUIDING)
        Aanvulling.objects.filter(pk=duiding.pk).update(
            created_at=at(9, 1) + datetime.timedelta(days=days_to_duiding)
        )
        # a later duiding does not count: the first one ends the step
        later = AanvullingFactory(signaal=signaal, author=author, kind=Kind.DUIDING)
        Aanvulling.objects.filter(pk=later.pk).update(created_at=at(12, 1))
    signal_logged(dossier, author, at(9, 1))  # still without anything

    follow_up = follow_up_times(dossier, YEAR)

    steps = {step.kind: step for step in follow_up.steps}
    assert steps[Kind.DUIDING].median_days == pytest.approx(4)
    assert (steps[Kind.DUIDING].reached, steps[Kind.DUIDING].waiting) == (3, 1)
    assert steps[Kind.ADVIES].median_days is None
    assert steps[Kind.ADVIES].waiting == 4
    chart = follow_up.chart()
    assert not chart.empty
    assert chart.rows[0][1][1:] == ("3", "1")


def test_signals_without_supplements_say_so_instead_of_a_chart(region):
    signal_logged(region.dossier_a, region.clb_medewerker_a, at(9, 1))

    chart = follow_up_times(region.dossier_a, YEAR).chart()

    assert chart.empty
    assert chart.empty_text != follow_up_times(region.dossier_b, YEAR).chart().empty_text


def test_days_are_written_with_a_decimal_comma():
    assert days_text(None) == "–"
    assert days_text(2.25).startswith("2,2")
    assert days_text(3.0).startswith("3 ")


def test_the_signal_list_draws_the_trends_of_the_chosen_school_year(client, region):
    signal_logged(region.dossier_a, region.clb_medewerker_a, at(9, 10))
    log_in(client, region.pbd_begeleider_a)
    url = reverse("signalen:list", kwargs={"pk": region.dossier_a.pk})

    response = client.get(url, {"school_year": YEAR})

    assert response.status_code == 200
    trends = response.context["trends"]
    assert trends.school_year == YEAR
    assert not trends.status.empty
    content = response.content.decode()
    assert content.count('role="img"') == 1  # the status chart; the follow-up has no data yet
    assert 'class="visually-hidden"' in content  # the numbers beside the chart
    # without a choice, this school year's
    assert client.get(url).context["trends"].school_year != ""


def test_a_tampered_school_year_in_the_filter_still_draws_a_page(client, region):
    log_in(client, region.directie_a)
    url = reverse("signalen:list", kwargs={"pk": region.dossier_a.pk})

    response = client.get(url, {"school_year": "1800-1801"})

    assert response.status_code == 400  # the filter says what is wrong, never a 500
    assert response.context["trends"].school_year != "1800-1801"
