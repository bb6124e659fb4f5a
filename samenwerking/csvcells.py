"""Cells of a CSV export that a spreadsheet program opens safely."""


def csv_safe(value: str) -> str:
    """Keep spreadsheet programs from reading a cell as a formula."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value
