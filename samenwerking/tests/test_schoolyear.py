"""The school-year choices (issue 13): a few years back to next year where something is filed,
the last years where something is looked up, and a year already chosen kept among them."""

import datetime

import pytest
from django.utils import timezone

from samenwerking.schoolyear import (
    ENTRY_YEARS_BACK,
    FILTER_YEARS_BACK,
    entry_school_years,
    filter_school_years,
    is_school_year,
    school_year_of,
)

DECEMBER_2026 = datetime.date(2026, 12, 4)


def values(choices):
    return [value for value, _label in choices]


def test_a_form_that_files_something_offers_a_few_years_back_and_the_next_one():
    assert ENTRY_YEARS_BACK == 2
    assert values(entry_school_years(DECEMBER_2026)) == [
        "2027-2028",
        "2026-2027",
        "2025-2026",
        "2024-2025",
    ]
    # from 1 September the next school year is the current one
    assert values(entry_school_years(datetime.date(2027, 9, 1)))[:2] == ["2028-2029", "2027-2028"]
    assert values(entry_school_years(datetime.date(2027, 8, 31)))[:2] == ["2027-2028", "2026-2027"]


def test_a_filter_looks_back_and_ahead_only_when_asked():
    assert FILTER_YEARS_BACK == 5
    years = values(filter_school_years(DECEMBER_2026))
    assert years == [f"{y}-{y + 1}" for y in range(2026, 2020, -1)]
    assert "2018-2019" not in years and "2027-2028" not in years
    assert values(filter_school_years(DECEMBER_2026, ahead=1))[0] == "2027-2028"


def test_a_chosen_year_outside_the_range_is_kept_and_garbage_is_not():
    kept = values(entry_school_years(DECEMBER_2026, keep=["2019-2020"]))
    assert kept[-1] == "2019-2020" and len(kept) == 5
    # a year in the range is not offered twice; the newest stay first
    assert values(entry_school_years(DECEMBER_2026, keep=["2025-2026"])) == values(
        entry_school_years(DECEMBER_2026)
    )
    for garbage in [None, "", "2019", "2019-2021", "1999-2000", "abcd-efgh", 2019, ["2019-2020"]]:
        assert values(filter_school_years(DECEMBER_2026, keep=[garbage])) == values(
            filter_school_years(DECEMBER_2026)
        )


@pytest.mark.parametrize(
    ("value", "valid"),
    [("2025-2026", True), ("2000-2001", True), ("2025-2027", False), ("", False), (None, False)],
)
def test_is_school_year(value, valid):
    assert is_school_year(value) is valid


# --- every form and filter that offers a school year ------------------------------------------


@pytest.fixture
def december_2026(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: DECEMBER_2026)
    assert school_year_of(timezone.localdate()) == "2026-2027"


RECENT = [f"{y}-{y + 1}" for y in range(2026, 2020, -1)]  # the filters' years in December 2026
ENTRY = ["2027-2028", "2026-2027", "2025-2026", "2024-2025"]


def choice_values(field):
    return [value for value, _label in field.choices if value]


@pytest.mark.django_db
def test_the_filters_of_the_lists_offer_the_recent_years(december_2026):
    from consultatie.filters import ConsultatieFilter
    from dossier.documenten.forms import DocumentFilterForm
    from leersteun.forms.vragen import VraagFilter
    from signalen.filters import SignaalFilter

    # consultations and leersteunvragen are filed under the school year in which they happen
    for filterset in (ConsultatieFilter(None), VraagFilter(None)):
        assert choice_values(filterset.form.fields["school_year"]) == RECENT
    # signals and documents can be filed under next school year
    assert choice_values(SignaalFilter(None).form.fields["school_year"]) == ["2027-2028", *RECENT]
    assert choice_values(DocumentFilterForm().fields["school_year"]) == ["2027-2028", *RECENT]
    # a link to an older year keeps working, and shows which year it is
    old = ConsultatieFilter({"school_year": "2018-2019"})
    assert choice_values(old.form.fields["school_year"]) == [*RECENT, "2018-2019"]
    assert old.is_valid()
    assert DocumentFilterForm({"school_year": "2018-2019"}).is_valid()
    # what is no school year is refused, not offered
    assert not ConsultatieFilter({"school_year": "1999-2000"}).is_valid()


@pytest.mark.django_db
def test_the_forms_that_file_something_offer_a_few_years(december_2026):
    from dossier.documenten.forms import DocumentForm
    from dossier.rapporten.forms import ReportRequestForm
    from leersteun.forms.raad import FiguresFilter
    from signalen.forms import SignaalForm

    assert choice_values(SignaalForm().fields["school_year"]) == ENTRY
    assert choice_values(DocumentForm().fields["school_year"]) == ENTRY
    # a signal being changed keeps its own year, however old
    assert choice_values(SignaalForm(current_year="2019-2020").fields["school_year"]) == [
        *ENTRY,
        "2019-2020",
    ]
    # a report: the recent years and every older one with something to report
    form = ReportRequestForm(years=["2016-2017", "2025-2026"])
    assert choice_values(form.fields["school_year"]) == [*RECENT, "2016-2017"]
    # the leersteunraad's figures: the recent years, and an older one asked for in the link
    today = timezone.localdate()
    assert choice_values(FiguresFilter(today=today).fields["schooljaar"]) == RECENT
    older = FiguresFilter({"schooljaar": "2019-2020"}, today=today)
    assert older.is_valid()
    assert choice_values(older.fields["schooljaar"])[-1] == "2019-2020"
