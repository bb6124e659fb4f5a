"""Cells of a CSV export that a spreadsheet program opens safely, and the house's CSV download:
UTF-8 with a BOM (so Excel reads it as UTF-8), cells separated by semicolons (the Flemish
default), never cached, always an attachment."""

import csv

from django.http import HttpResponse


def csv_safe(value: str) -> str:
    """Keep spreadsheet programs from reading a cell as a formula."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def safe_row(cells) -> list[str]:
    """A row of any values as formula-safe text; None is an empty cell."""
    return [csv_safe("" if cell is None else str(cell)) for cell in cells]


def csv_response(filename: str):
    """A CSV download named ``filename``, and the writer that fills it."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response.write("\ufeff")
    return response, csv.writer(response, delimiter=";")
