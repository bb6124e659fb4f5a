"""Charts drawn on the server as inline SVG, for the pages and for the PDF reports alike.

A chart here is a picture with words. The ``<svg>`` has ``role="img"`` and a ``<title>`` and
``<desc>`` that say what it shows; every bar carries its number as text, so colour is never the
only thing that tells two bars apart; and ``templates/charts/_chart.html`` puts a table of the
same numbers beside it, for a screen reader (hidden on a page, printed small in a PDF).

Nothing in a chart runs or fetches anything: no script, no external reference, no ``style``
attribute or element (the pages' Content-Security-Policy, ``style-src 'self'``, would refuse
it), only SVG presentation attributes such as ``fill=``, which browsers and WeasyPrint draw
the same way. The colours of ``PALETTE`` each have a contrast of at least 4.5:1 with white, so
a bar stands out on the page (3:1 is the bar for graphics) and white numbers inside a bar read.

This is the shared library: it knows no domain. The sections hand it labels and numbers
(``consultatie.charts``, ``signalen.trends``, ...).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

Number = int | float

# Each at least 4.5:1 against white (tests/.. samenwerking/tests/test_charts.py holds it).
PALETTE = (
    "#1f5f8b",  # blue, the app's brand colour
    "#b35900",  # dark orange
    "#2e7d32",  # green
    "#6a3d9a",  # purple
    "#a4262c",  # dark red
    "#00707a",  # teal
    "#4c5868",  # slate
    "#8a4b08",  # brown
)
INK = "#1b2430"  # text: 15:1 on white
MUTED = "#4c5868"  # axis labels: 7:1 on white
GRID = "#d5dbe3"  # grid lines, behind everything
FONT = "DejaVu Sans, Liberation Sans, sans-serif"  # the PDFs' font (report.css), then the page's
CHAR_WIDTH = 0.6  # an average glyph of DejaVu Sans, in ems: enough to keep labels apart


def _number(value: Number | None) -> str:
    """A number as a label: whole numbers plain, others with one decimal and a comma; a dash
    for no number."""
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}".replace(".", ",")
    return str(int(value))


@dataclass(frozen=True)
class Series:
    """One coloured set of bars: a school year, a status. ``values`` follow the categories."""

    label: str
    values: Sequence[Number]


@dataclass(frozen=True)
class Chart:
    """A drawn chart and the table of its numbers.

    ``head`` are the table's column headers (the first one heads the row labels), ``rows`` each
    a row label and its cells, as text. ``svg`` is empty when there was nothing to draw; the
    snippet then shows ``empty_text`` instead.
    """

    key: str
    title: str
    description: str
    svg: SafeString
    head: tuple[str, ...] = ()
    rows: tuple[tuple[str, tuple[str, ...]], ...] = ()
    empty_text: str = ""
    note: str = ""  # a line under the chart ("the table shows all themes")

    @property
    def empty(self) -> bool:
        return not self.svg

    @property
    def title_id(self) -> str:
        return f"chart-{self.key}-title"

    @property
    def desc_id(self) -> str:
        return f"chart-{self.key}-desc"


def chart_key(value: str) -> str:
    """A key usable in an id: lower case letters, digits and hyphens only."""
    key = re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")
    return key or "chart"


def _text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR_WIDTH


def _shorten(text: str, size: float, room: float) -> str:
    """``text`` cut with an ellipsis to fit ``room`` pixels, never clipped at the margin."""
    if _text_width(text, size) <= room:
        return text
    keep = max(1, int(room / (size * CHAR_WIDTH)) - 1)
    return text[:keep].rstrip() + "…"


def _svg(chart_id: str, width: float, height: float, title: str, desc: str, body: list[str]):
    """The ``<svg>`` element around ``body``; its size in pixels, scaled by its viewBox."""
    width, height = math.ceil(width), math.ceil(height)
    # every label and title is escaped where it is put in; the rest are numbers and colours
    return mark_safe(  # noqa: S308
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart__svg" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="chart-{chart_id}-title chart-{chart_id}-desc" '
        f'font-family="{FONT}" font-size="12" fill="{INK}">'
        f'<title id="chart-{chart_id}-title">{escape(title)}</title>'
        f'<desc id="chart-{chart_id}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _legend(series: Sequence[Series], *, x0: float, width: float, top: float) -> tuple[list, float]:
    """Swatches with their labels, wrapped over as many lines as needed; (parts, height)."""
    parts, x, y, line = [], x0, top, 18
    for index, one in enumerate(series):
        label = _shorten(one.label, 11, width / 2)
        needed = 16 + _text_width(label, 11) + 16
        if x > x0 and x + needed > x0 + width:
            x, y = x0, y + line
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="11" height="11" rx="2" fill="{colour}"/>'
            f'<text x="{x + 16:.1f}" y="{y + 10:.1f}" font-size="11">{escape(label)}</text>'
        )
        x += needed
    return parts, (y - top) + line


def _nice_step(peak: Number, ticks: int = 4) -> int:
    """A round step (1, 2, 5 times a power of ten) that divides 0..peak into about ``ticks``."""
    if peak <= ticks:
        return 1
    raw = peak / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return int(factor * power)
    return int(10 * power)  # pragma: no cover - the loop ends at 10


def bar_chart(
    *,
    key: str,
    title: str,
    rows: Sequence[tuple[str, Number | None]],
    description: str = "",
    row_head: str = "",
    value_head: str = "",
    value_text: Callable[[Number | None], str] = _number,
    extra_columns: Sequence[tuple[str, Sequence[object]]] = (),
    empty_text: str = "",
    note: str = "",
    width: int = 640,
    colour: str = PALETTE[0],
    at_least: Number = 0,
) -> Chart:
    """Horizontal bars, one per row, each with its label on the left and its value after it.

    A value of None is a row without a measure (no bar, a dash); with no value at all there
    is nothing to draw. ``extra_columns`` add columns to the table only (a header and a cell
    per row): what the bars leave out, such as how many items a median rests on. The bars are
    drawn to the largest value, or to ``at_least`` when that is larger (a few hours should not
    look as long as a week).
    """
    key = chart_key(key)
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        raise ValueError(f"Not a colour: {colour!r}")
    head = (
        row_head or _("Item"),
        value_head or _("Number"),
        *(name for name, _cells in extra_columns),
    )
    table = tuple(
        (
            label,
            (value_text(value), *(str(cells[index]) for _name, cells in extra_columns)),
        )
        for index, (label, value) in enumerate(rows)
    )
    measured = [(label, value) for label, value in rows if value is not None]
    if not measured:
        return Chart(key, title, description, mark_safe(""), head, table, empty_text, note)
    size, bar, gap, top = 12, 17, 7, 4
    peak = max(max(value for _label, value in measured), at_least) or 1
    value_room = max(_text_width(value_text(value), size) for _label, value in rows) + 12
    label_room = min(max(_text_width(label, size) for label, _value in rows) + 10, width * 0.42)
    usable = max(40.0, width - label_room - value_room)
    body = []
    for index, (label, value) in enumerate(rows):
        y = top + index * (bar + gap)
        length = usable * (value or 0) / peak
        shown = _shorten(label, size, label_room - 10)
        body.append(
            f"<g><title>{escape(label)}: {escape(value_text(value))}</title>"
            f'<text x="{label_room - 8:.1f}" y="{y + bar - 4:.1f}" text-anchor="end">'
            f"{escape(shown)}</text>"
            + (
                f'<rect x="{label_room:.1f}" y="{y}" width="{max(length, 2):.1f}" '
                f'height="{bar}" rx="2" fill="{colour}"/>'
                if value
                else f'<line x1="{label_room:.1f}" y1="{y}" x2="{label_room:.1f}" '
                f'y2="{y + bar}" stroke="{MUTED}" stroke-width="1"/>'
            )
            + f'<text x="{label_room + length + 6:.1f}" y="{y + bar - 4:.1f}">'
            f"{escape(value_text(value))}</text></g>"
        )
    height = top * 2 + len(rows) * (bar + gap) - gap
    if not description:
        longest = max(measured, key=lambda row: row[1])
        description = _("%(count)s bars; the longest is %(label)s with %(value)s.") % {
            "count": len(rows),
            "label": longest[0],
            "value": value_text(longest[1]),
        }
    svg = _svg(key, width, height, title, description, body)
    return Chart(key, title, description, svg, head, table, empty_text, note)


def grouped_bar_chart(
    *,
    key: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    description: str = "",
    row_head: str = "",
    limit: int | None = None,
    total_head: str = "",
    empty_text: str = "",
    note: str = "",
    width: int = 640,
) -> Chart:
    """Per category (a theme) a group of thin horizontal bars, one per series (a school year),
    in the legend's order and colours, each with its number after it.

    ``limit`` draws only the first categories (the table keeps all of them); with
    ``total_head`` the table has a column of each row's total.
    """
    key = chart_key(key)
    head = (row_head or _("Item"), *(one.label for one in series)) + (
        (total_head,) if total_head else ()
    )
    table = tuple(
        (
            category,
            tuple(_number(one.values[index]) for one in series)
            + ((_number(sum(one.values[index] for one in series)),) if total_head else ()),
        )
        for index, category in enumerate(categories)
    )
    drawn = list(categories[:limit] if limit else categories)
    peak = max((value for one in series for value in one.values[: len(drawn)]), default=0)
    if not drawn or not series or not peak:
        return Chart(key, title, description, mark_safe(""), head, table, empty_text, note)
    size, bar, inner, gap = 12, 11, 2, 12
    legend, legend_height = _legend(series, x0=0, width=width, top=2)
    top = legend_height + 8
    label_room = min(max(_text_width(name, size) for name in drawn) + 10, width * 0.38)
    value_room = _text_width(_number(peak), 10) + 12
    usable = max(40.0, width - label_room - value_room)
    group = len(series) * (bar + inner) - inner
    body = list(legend)
    for index, name in enumerate(drawn):
        y0 = top + index * (group + gap)
        body.append(
            f'<text x="{label_room - 8:.1f}" y="{y0 + group / 2 + 4:.1f}" text-anchor="end">'
            f"{escape(_shorten(name, size, label_room - 10))}</text>"
        )
        for number, one in enumerate(series):
            value = one.values[index]
            y = y0 + number * (bar + inner)
            length = usable * value / peak
            colour = PALETTE[number % len(PALETTE)]
            body.append(
                f"<g><title>{escape(name)}, {escape(one.label)}: {_number(value)}</title>"
                + (
                    f'<rect x="{label_room:.1f}" y="{y:.1f}" width="{max(length, 1.5):.1f}" '
                    f'height="{bar}" fill="{colour}"/>'
                    if value
                    else ""
                )
                + (
                    f'<text x="{label_room + length + 4:.1f}" y="{y + bar - 2:.1f}" '
                    f'font-size="10" fill="{MUTED}">{_number(value)}</text>'
                    if value
                    else ""  # no bar, no number: the table has the zero
                )
                + "</g>"
            )
    body.append(
        f'<line x1="{label_room:.1f}" y1="{top - 3}" x2="{label_room:.1f}" '
        f'y2="{top + len(drawn) * (group + gap) - gap + 3:.1f}" stroke="{MUTED}"/>'
    )
    height = top + len(drawn) * (group + gap) - gap + 6
    if not description:
        totals = [sum(one.values[index] for one in series) for index in range(len(drawn))]
        best = max(range(len(drawn)), key=lambda index: totals[index])
        description = _(
            "%(count)s groups of bars, one bar per %(series)s; the most is %(label)s "
            "with %(value)s in all."
        ) % {
            "count": len(drawn),
            "series": ", ".join(one.label for one in series),
            "label": drawn[best],
            "value": _number(totals[best]),
        }
    svg = _svg(key, width, height, title, description, body)
    return Chart(key, title, description, svg, head, table, empty_text, note)


@dataclass
class _Stack:
    parts: list = field(default_factory=list)
    total: Number = 0


def stacked_column_chart(
    *,
    key: str,
    title: str,
    columns: Sequence[str],
    series: Sequence[Series],
    table_labels: Sequence[str] = (),
    description: str = "",
    row_head: str = "",
    total_head: str = "",
    empty_text: str = "",
    note: str = "",
    width: int = 640,
    plot_height: int = 170,
) -> Chart:
    """Vertical columns (months), each a stack of the series (statuses) from the bottom up in
    the legend's order, the total above it and a segment's number inside it when it fits.
    ``table_labels`` name the columns in the table, where there is room ("September 2025"
    for "sep")."""
    key = chart_key(key)
    total_head = total_head or _("Total")
    head = (row_head or _("Item"), *(one.label for one in series), total_head)
    labels = list(table_labels) or list(columns)
    table = tuple(
        (
            labels[index],
            tuple(_number(one.values[index]) for one in series)
            + (_number(sum(one.values[index] for one in series)),),
        )
        for index in range(len(columns))
    )
    totals = [sum(one.values[index] for one in series) for index in range(len(columns))]
    peak = max(totals, default=0)
    if not columns or not series or not peak:
        return Chart(key, title, description, mark_safe(""), head, table, empty_text, note)
    legend, legend_height = _legend(series, x0=0, width=width, top=2)
    step = _nice_step(peak)
    axis_top = math.ceil(peak / step) * step
    axis_room = _text_width(_number(axis_top), 11) + 10
    top = legend_height + 18  # room for the totals above the highest column
    plot_width = width - axis_room - 4
    slot = plot_width / len(columns)
    column_width = min(38.0, slot * 0.68)
    scale = plot_height / axis_top
    bottom = top + plot_height
    body = list(legend)
    for tick in range(0, axis_top + 1, step):
        y = bottom - tick * scale
        body.append(
            f'<line x1="{axis_room:.1f}" y1="{y:.1f}" x2="{width - 2}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{axis_room - 6:.1f}" y="{y + 3.5:.1f}" text-anchor="end" '
            f'font-size="11" fill="{MUTED}">{tick}</text>'
        )
    for index, column in enumerate(columns):
        x = axis_room + index * slot + (slot - column_width) / 2
        centre = x + column_width / 2
        y = bottom
        segments = []
        for number, one in enumerate(series):
            value = one.values[index]
            if not value:
                continue
            height = value * scale
            y -= height
            colour = PALETTE[number % len(PALETTE)]
            segments.append(
                f"<g><title>{escape(column)}, {escape(one.label)}: {_number(value)}</title>"
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{column_width:.1f}" '
                f'height="{height:.1f}" fill="{colour}" stroke="#ffffff" stroke-width="1"/>'
                + (
                    f'<text x="{centre:.1f}" y="{y + height / 2 + 3.5:.1f}" '
                    f'text-anchor="middle" font-size="10" fill="#ffffff">{_number(value)}</text>'
                    if height >= 13
                    else ""
                )
                + "</g>"
            )
        body.extend(segments)
        if totals[index]:
            body.append(
                f'<text x="{centre:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="11" '
                f'font-weight="bold">{_number(totals[index])}</text>'
            )
        body.append(
            f'<text x="{centre:.1f}" y="{bottom + 15:.1f}" text-anchor="middle" '
            f'font-size="11" fill="{MUTED}">{escape(_shorten(column, 11, slot))}</text>'
        )
    body.append(
        f'<line x1="{axis_room:.1f}" y1="{bottom:.1f}" x2="{width - 2}" y2="{bottom:.1f}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    )
    height = bottom + 20
    if not description:
        best = max(range(len(columns)), key=lambda index: totals[index])
        description = _(
            "%(count)s columns, each split into %(series)s; the highest is %(label)s "
            "with %(value)s."
        ) % {
            "count": len(columns),
            "series": ", ".join(one.label for one in series),
            "label": columns[best],
            "value": _number(totals[best]),
        }
    svg = _svg(key, width, height, title, description, body)
    return Chart(key, title, description, svg, head, table, empty_text, note)


def contrast_ratio(foreground: str, background: str = "#ffffff") -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
