"""The red threads as a chart: consultation notes per theme and school year, for the themes
pages and the jaarverslag (``samenwerking.charts``; the numbers come from ``theme_overview``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from samenwerking.charts import Chart, Series, grouped_bar_chart

# the chart draws the themes with the most notes, and the most recent school years
THEMES_DRAWN = 8
YEARS_DRAWN = 6


def theme_chart(overview, *, key: str = "themes", until: str | None = None) -> Chart:
    """A group of bars per theme, one bar per school year (the oldest first); ``until`` leaves
    out later school years (a jaarverslag looks back from its own year)."""
    years = [year for year in overview.years if until is None or year <= until][-YEARS_DRAWN:]
    index = {year: overview.years.index(year) for year in years}
    rows = [
        (name, [per_year[index[year]] for year in years])
        for name, per_year, _total in overview.rows
    ]
    rows = [(name, counts) for name, counts in rows if any(counts)]
    rows.sort(key=lambda row: -sum(row[1]))
    note = ""
    if len(rows) > THEMES_DRAWN:
        note = _(
            "The chart shows the %(drawn)s themes with the most notes; the table has all %(all)s."
        ) % {
            "drawn": THEMES_DRAWN,
            "all": len(rows),
        }
    return grouped_bar_chart(
        key=key,
        title=_("Consultation notes per theme and school year"),
        categories=[name for name, _counts in rows],
        series=[
            Series(year, [counts[number] for _name, counts in rows])
            for number, year in enumerate(years)
        ],
        row_head=_("Theme"),
        total_head=_("Total"),
        limit=THEMES_DRAWN,
        note=note,
        empty_text=_("No consultation notes yet, so no red threads either."),
    )
