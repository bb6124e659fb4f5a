"""Every kind of report is a tagged, accessible PDF (PDF/UA-1, as far as WeasyPrint makes one),
numbered "Pagina n van N" and with the school's name on every page.

WeasyPrint 70 writes PDF/UA-1: a structure tree from the HTML (headings, paragraphs, lists,
tables with their header cells), the document's language and title (shown as the window's
title), and the PDF/UA identification in the XMP metadata. It logs an error for what it cannot
make accessible (an image without a text alternative, a document without a language): none
may be logged. Page furniture (the running header and footer) stays outside the structure
tree, as PDF/UA-1 allows no artifact elements there.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from django.utils import translation
from pypdf import PdfReader

from dossier.core.registry import registry
from dossier.rapporten.models import Report
from dossier.rapporten.pdf import _css_string, page_counter_css, render_pdf
from dossier.rapporten.tests.readback import assert_every_page_has, assert_tagged_pdf_ua
from dossier.rapporten.tests.test_reports import KIND, YEAR, make_signalen


def render_kind(region, kind: str, tmp_path: Path, **fields) -> Path:
    """The PDF of a report of ``kind`` as the worker makes it (the site's language, the
    kind's variant), written to a file."""
    spec = registry.report_kinds[kind]
    if spec.for_dossier:
        owner = {"dossier": region.dossier_a, "requested_by": region.directie_a}
    else:  # an organisation's report: the CLB's doorlichting, by its directeur
        owner = {"organisation": region.clb_a, "requested_by": region.clb_medewerker_a}
    report = Report.objects.create(kind=kind, school_year=YEAR, **owner, **fields)
    report = Report.objects.select_related("dossier__school", "organisation").get(pk=report.pk)
    with translation.override("nl-be"):
        pdf = render_pdf(*spec.build(report), pdf_variant=spec.pdf_variant or None)
    path = tmp_path / f"{kind}.pdf"
    path.write_bytes(pdf)
    return path


def structure_elements(path: Path) -> list[dict]:
    """Every element of the PDF's structure tree, depth first."""
    root = PdfReader(str(path)).trailer["/Root"]["/StructTreeRoot"]
    found, todo = [], [root]
    while todo:
        node = todo.pop()
        kids = node.get("/K", [])
        kids = kids if isinstance(kids, list) else [kids]
        for kid in kids:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict):
                found.append(kid)
                todo.append(kid)
    return found


# the kinds that are PDFs (the dossier export is a ZIP of them, made by its own ``make``)
PDF_KINDS = sorted(key for key, spec in registry.report_kinds.items() if spec.make is None)


def test_every_kind_that_renders_a_template_is_served_as_a_pdf():
    for kind in PDF_KINDS:
        spec = registry.report_kinds[kind]
        assert (spec.extension, spec.content_type) == ("pdf", "application/pdf"), kind


@pytest.mark.parametrize("kind", PDF_KINDS)
def test_every_kind_is_made_as_pdf_ua(kind):
    assert registry.report_kinds[kind].pdf_variant == "pdf/ua-1"


@pytest.mark.parametrize("kind", PDF_KINDS)
def test_every_kind_reads_back_as_a_tagged_pdf_with_its_pages_marked(
    region, tmp_path, caplog, kind
):
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        path = render_kind(region, kind, tmp_path)

    assert_tagged_pdf_ua(path)
    # the school's name on every page; an organisation's report carries the organisation's
    owner = region.school_a if registry.report_kinds[kind].for_dossier else region.clb_a
    assert_every_page_has(path, owner.name)
    errors = [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")]
    assert [e for e in errors if "alt" in e.lower() or "lang" in e.lower()] == []
    assert PdfReader(str(path)).trailer["/Root"]["/Lang"] == "nl-BE"


def test_the_signals_overview_chart_has_its_numbers_as_its_text_alternative(region, tmp_path):
    make_signalen(region)

    path = render_kind(region, KIND, tmp_path)

    figures = [e for e in structure_elements(path) if e.get("/S") == "/Figure"]
    assert len(figures) == 1
    alt = str(figures[0]["/Alt"])
    assert "Pesten 1" in alt and "Welbevinden 1" in alt
    headings = [e for e in structure_elements(path) if e.get("/S") in ("/H1", "/H2", "/H3")]
    assert len(headings) >= 5  # the title, two parts and a heading per signal


def test_the_page_number_is_one_sentence_with_the_counters_in_it():
    with translation.override("en"):
        assert page_counter_css() == '"Page " counter(page) " of " counter(pages)'


def test_a_translation_cannot_break_out_of_the_css_string():
    assert _css_string('Blz. "x" \\ </style>') == '"Blz. \\"x\\" \\\\ \\3c /style>"'


def test_a_kind_that_forgets_the_school_still_names_it_on_every_page(region, tmp_path):
    """reports/base.html takes the school from the report when a kind passes none."""
    report = Report.objects.create(
        dossier=region.dossier_a, kind=KIND, school_year=YEAR, requested_by=region.directie_a
    )
    report = Report.objects.select_related("dossier__school").get(pk=report.pk)
    _template, context = registry.report_kinds[KIND].build(report)
    context.pop("school")
    context.pop("generated_at")
    with translation.override("nl-be"):
        pdf = render_pdf("signalen/reports/signalenoverzicht.html", context)
    path = tmp_path / "bare.pdf"
    path.write_bytes(pdf)
    assert_every_page_has(path, region.school_a.name)
