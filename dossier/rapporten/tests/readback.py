"""Reading a report's PDF back, for the tests of every kind: its text page by page (poppler's
pdftotext), its tagging and PDF/UA identification (pdfinfo), and the words the worker writes
in the site's language."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from django.utils import translation


def dutch(text: str) -> str:
    """A source string as the worker writes it (in nl-BE, once the catalogue is compiled)."""
    with translation.override("nl-be"):
        return translation.gettext(text)


def page_label(number: int, total: int) -> str:
    """The page number at the foot of every page: "Pagina 2 van 5"."""
    return dutch("Page %(page)s of %(pages)s") % {"page": number, "pages": total}


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing: install poppler-utils (make system-deps)"
    return path


def page_texts(path: str | Path) -> list[str]:
    """The text of each page in poppler's reading order, whitespace folded."""
    out = subprocess.run(
        [_tool("pdftotext"), "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    # poppler ends every page with a form feed
    return [" ".join(page.split()) for page in out.split("\f") if page.strip()]


def pdf_text(path: str | Path) -> str:
    return " ".join(page_texts(path))


def pdf_info(path: str | Path, *, meta: bool = False) -> str:
    args = [_tool("pdfinfo"), *(["-meta"] if meta else []), str(path)]
    return subprocess.run(args, capture_output=True, check=True).stdout.decode("utf-8")


def assert_in_order(text: str, *parts: str) -> None:
    """Each of ``parts`` is in ``text``, each after the one before."""
    position = -1
    for part in parts:
        found = text.find(part, position + 1)
        assert found != -1, f"{part!r} is missing after position {position}"
        assert found > position, f"{part!r} comes before the part before it"
        position = found


def assert_tagged_pdf_ua(path: str | Path) -> None:
    """A tagged PDF that says it is PDF/UA-1, with the document's language and title."""
    info = pdf_info(path)
    assert "Tagged:          yes" in info
    assert "Title:" in info
    meta = pdf_info(path, meta=True)
    assert 'pdfuaid:part="1"' in meta


def assert_every_page_has(path: str | Path, school_name: str) -> list[str]:
    """Every page carries the school's name and "Pagina n van N"; returns the pages."""
    pages = page_texts(path)
    for number, page in enumerate(pages, start=1):
        assert school_name in page, f"page {number} lacks the school's name"
        assert page_label(number, len(pages)) in page, f"page {number} lacks its number"
    return pages
