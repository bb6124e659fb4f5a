"""The server-side charts (samenwerking.charts): valid SVG that reads as an image with words,
runs and fetches nothing, and says so when there is nothing to draw."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.utils.translation import gettext

from samenwerking.charts import (
    INK,
    MUTED,
    PALETTE,
    Series,
    bar_chart,
    chart_key,
    contrast_ratio,
    grouped_bar_chart,
    stacked_column_chart,
)

SVG = "{http://www.w3.org/2000/svg}"


def parsed(chart) -> ET.Element:
    root = ET.fromstring(str(chart.svg))  # noqa: S314 - our own output
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def assert_accessible_and_inert(chart) -> None:
    root = parsed(chart)
    # an image with a name and a description, both in the SVG itself
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == chart.title
    assert desc is not None and desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.get("id") == chart.title_id and desc.get("id") == chart.desc_id
    # nothing that runs, fetches or needs an inline style (the pages' CSP)
    for element in root.iter():
        assert element.tag not in (f"{SVG}script", f"{SVG}style", f"{SVG}image", f"{SVG}a")
        assert "style" not in element.attrib
        assert not any(name.endswith("href") for name in element.attrib)
        assert not any(name.lower().startswith("on") for name in element.attrib)
    # drawn with our colours only
    fills = {element.get("fill") for element in root.iter() if element.get("fill")}
    assert fills <= {*PALETTE, INK, MUTED, "#ffffff"}


def test_every_colour_reads_on_white_and_white_reads_on_every_colour():
    for colour in (*PALETTE, INK, MUTED):
        assert contrast_ratio(colour) >= 4.5, colour


def test_a_bar_chart_is_valid_svg_with_every_label_and_number():
    chart = bar_chart(
        key="Signals per theme!",
        title="Signalen per thema",
        rows=[("Pesten", 5), ("Welbevinden", 3), ("Studiekeuze", 0)],
        row_head="Thema",
        value_head="Signalen",
    )

    assert_accessible_and_inert(chart)
    shown = texts(parsed(chart))
    for word in ("Pesten", "Welbevinden", "Studiekeuze", "5", "3", "0"):
        assert word in shown
    assert chart.key == "signals-per-theme"
    assert chart.head == ("Thema", "Signalen")
    assert chart.rows == (("Pesten", ("5",)), ("Welbevinden", ("3",)), ("Studiekeuze", ("0",)))
    # the longest bar is the largest value; a zero has no bar
    widths = [float(rect.get("width")) for rect in parsed(chart).iter(f"{SVG}rect")]
    assert len(widths) == 2 and widths[0] > widths[1]


def test_labels_are_escaped_and_a_long_one_is_shortened_with_its_full_name_kept():
    long_name = "Tucht en leerlingen die buiten gezet worden tijdens de les, ook in de namiddag"
    chart = bar_chart(
        key="escape",
        title="A <b>title</b> & more",
        rows=[("<script>x</script>", 2), (long_name, 1)],
    )

    assert_accessible_and_inert(chart)
    assert "<script>" not in str(chart.svg)
    root = parsed(chart)
    shown = texts(root)
    assert "<script>x</script>" in shown  # as text, escaped in the markup
    assert any(text.endswith("…") and long_name.startswith(text[:-1]) for text in shown)
    assert any(long_name in (element.text or "") for element in root.iter(f"{SVG}title"))


@pytest.mark.parametrize(
    "rows",
    [[], [("Duiding", None), ("Advies", None)]],
    ids=["no rows", "no measure at all"],
)
def test_a_bar_chart_without_data_draws_nothing_and_says_so(rows):
    chart = bar_chart(key="empty", title="Leeg", rows=rows, empty_text="Nog niets.")

    assert chart.empty
    assert str(chart.svg) == ""
    html = render_to_string("charts/_chart.html", {"chart": chart})
    assert "Nog niets." in html
    assert "<svg" not in html


def test_a_row_without_a_measure_gets_a_dash_and_no_bar():
    chart = bar_chart(
        key="follow-up",
        title="Dagen",
        rows=[("Duiding", 4.5), ("Advies", None)],
        extra_columns=[("Met", [3, 0])],
    )

    assert_accessible_and_inert(chart)
    assert "–" in texts(parsed(chart))
    assert "4,5" in texts(parsed(chart))  # a decimal comma
    assert chart.rows == (("Duiding", ("4,5", "3")), ("Advies", ("–", "0")))


def test_a_bar_chart_refuses_what_is_not_a_colour():
    with pytest.raises(ValueError):
        bar_chart(key="x", title="x", rows=[("a", 1)], colour='red" onload="alert(1)')


def test_a_grouped_chart_draws_the_first_categories_and_tables_all():
    years = ["2023-2024", "2024-2025", "2025-2026"]
    themes = [f"Thema {n}" for n in range(10)]
    chart = grouped_bar_chart(
        key="themes",
        title="Notities per thema en schooljaar",
        categories=themes,
        series=[Series(year, [n + index for n in range(10)]) for index, year in enumerate(years)],
        limit=4,
        total_head="Totaal",
    )

    assert_accessible_and_inert(chart)
    shown = texts(parsed(chart))
    for year in years:
        assert year in shown  # the legend
    assert "Thema 3" in shown and "Thema 4" not in shown
    assert len(chart.rows) == 10
    assert chart.head == (gettext("Item"), *years, "Totaal")  # the column of the row names
    assert chart.rows[1] == ("Thema 1", ("1", "2", "3", "6"))


def test_a_grouped_chart_of_zeros_is_empty():
    chart = grouped_bar_chart(
        key="zeros", title="Niets", categories=["A"], series=[Series("2025-2026", [0])]
    )
    assert chart.empty
    assert chart.rows == (("A", ("0",)),)


def test_a_stacked_chart_has_a_column_per_month_with_its_total():
    chart = stacked_column_chart(
        key="status",
        title="Signalen per status",
        columns=["sep", "okt", "nov"],
        table_labels=["september 2026", "oktober 2026", "november 2026"],
        series=[Series("Nieuw", [2, 1, 0]), Series("Afgesloten", [0, 3, 7])],
    )

    assert_accessible_and_inert(chart)
    shown = texts(parsed(chart))
    for word in ("sep", "okt", "nov", "Nieuw", "Afgesloten", "2", "4", "7"):
        assert word in shown
    assert [label for label, _cells in chart.rows] == [
        "september 2026",
        "oktober 2026",
        "november 2026",
    ]
    assert chart.rows[1][1] == ("1", "3", "4")


@pytest.mark.parametrize("columns", [[], ["sep", "okt"]])
def test_a_stacked_chart_without_signals_is_empty(columns):
    chart = stacked_column_chart(
        key="status",
        title="Signalen",
        columns=columns,
        series=[Series("Nieuw", [0] * len(columns))],
        empty_text="Geen signalen.",
    )
    assert chart.empty


def test_the_snippet_puts_the_numbers_beside_the_chart():
    chart = bar_chart(key="k", title="Titel", rows=[("Pesten", 5)], row_head="Thema")

    hidden = render_to_string("charts/_chart.html", {"chart": chart})
    visible = render_to_string("charts/_chart.html", {"chart": chart, "table": "visible"})
    none = render_to_string("charts/_chart.html", {"chart": chart, "table": "none"})

    assert '<div class="visually-hidden">' in hidden and "<table>" in hidden
    assert '<th scope="row">Pesten</th><td>5</td>' in hidden
    assert '<table class="chart-table">' in visible
    assert "<table" not in none
    for html in (hidden, visible, none):
        assert "<svg" in html and "style=" not in html and "<script" not in html


def test_a_chart_key_is_always_usable_in_an_id():
    assert chart_key("Signals by status 2025-2026") == "signals-by-status-2025-2026"
    assert chart_key('"><script>') == "script"
    assert chart_key("!!!") == "chart"


def test_bars_are_drawn_to_at_least_the_given_scale():
    """A few hours should not look as long as a week."""

    def width(chart) -> float:
        return float(next(parsed(chart).iter(f"{SVG}rect")).get("width"))

    short = bar_chart(key="k", title="t", rows=[("a", 1)], at_least=4)
    full = bar_chart(key="k", title="t", rows=[("a", 4)], at_least=4)

    assert width(short) == pytest.approx(width(full) / 4)
