"""The render path every kind of report shares (dossier.rapporten.pdf.render_pdf).

The PDFs are read back with poppler, as in test_reports.py.
"""

from __future__ import annotations

import gc
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from django.utils import translation

from dossier.core.access import user_flags
from dossier.core.registry import registry
from dossier.rapporten.models import Report
from dossier.rapporten.pdf import render_pdf
from dossier.rapporten.tests.test_reports import KIND, YEAR, bron, make_signalen, thema
from signalen.services import signaal_create
from tests.memory import READABLE, malloc_in_use_mib, resident_mib


def report_source(region) -> tuple[str, dict]:
    """Template and context of the signals overview of school A, as a worker builds them."""
    report = Report.objects.create(
        dossier=region.dossier_a, kind=KIND, school_year=YEAR, requested_by=region.directie_a
    )
    report = Report.objects.select_related("dossier__school").get(pk=report.pk)
    return registry.report_kinds[KIND].build(report)


def render(template_name: str, context: dict) -> bytes:
    # report_generate renders in the site's language; so do these tests
    with translation.override("nl-be"):
        return render_pdf(template_name, context)


def page_label(number: int, total: int) -> str:
    """The page number as the worker writes it, in the site's language: "Pagina 2 van 5"."""
    with translation.override("nl-be"):
        return translation.gettext("Page %(page)s of %(pages)s") % {
            "page": number,
            "pages": total,
        }


def page_texts(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page, whitespace folded, through poppler."""
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is missing: install poppler-utils (make system-deps)"
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        [pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    # poppler ends every page with a form feed
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


def test_every_page_carries_the_school_the_title_the_date_and_its_number(region, tmp_path):
    long_text = " ".join(["De opvolging gebeurt samen met de CLB-medewerker."] * 36)[:2000]
    for number in range(6):
        signaal_create(
            dossier=region.dossier_a,
            author=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
            title=f"Signaal met veel tekst {number + 1}",
            text=long_text,
            thema=thema("Welbevinden"),
            bron=bron(),
            school_year=YEAR,
        )

    pages = page_texts(render(*report_source(region)), tmp_path)

    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert region.school_a.name in page
        assert f"Signalenoverzicht {YEAR}" in page
        assert "Gemaakt op" in page
        assert page_label(number, len(pages)) in page


@pytest.mark.parametrize(
    "kind", sorted(key for key, spec in registry.report_kinds.items() if spec.make is None)
)
def test_every_kind_of_report_renders_on_the_shared_pages(region, tmp_path, kind):
    """A kind brings its data and template; the pages around them are the pipeline's: the
    school's name (an organisation's report: the organisation's) and the page number."""
    spec = registry.report_kinds[kind]
    if spec.for_dossier:
        owner, fields = region.school_a, {"dossier": region.dossier_a}
    else:
        owner, fields = region.clb_a, {"organisation": region.clb_a}
    report = Report.objects.create(
        kind=kind, school_year=YEAR, requested_by=region.directie_a, **fields
    )
    report = Report.objects.select_related("dossier__school", "organisation").get(pk=report.pk)

    pages = page_texts(render(*spec.build(report)), tmp_path)

    for number, page in enumerate(pages, start=1):
        assert owner.name in page
        assert page_label(number, len(pages)) in page


def test_reports_rendered_in_two_threads_at_once_both_come_out_whole(region, tmp_path):
    """Each thread renders with fonts and a stylesheet of its own (a Celery thread pool)."""
    signalen = make_signalen(region)
    source = report_source(region)
    results: dict[int, bytes] = {}

    def work(index: int) -> None:
        results[index] = render(*source)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(results) == [0, 1]
    for pdf in results.values():
        text = " ".join(page_texts(pdf, tmp_path))
        for title in signalen["titles"]:
            assert title in text
        assert re.search(re.escape(page_label(1, 999)).replace("999", r"\d+"), text)


@pytest.mark.skipif(not READABLE, reason="reads /proc and glibc's mallinfo2")
def test_a_worker_does_not_grow_with_each_report(region):
    """Memory stays flat over many renders in one process.

    A fresh WeasyPrint font configuration per render kept about 220 KiB of it each
    (Fontconfig's configuration and a Pango font map are never wholly given back): some
    4.4 MiB over the 20 renders measured here. The first renders fill caches, so they are
    left out.
    """
    make_signalen(region)
    source = report_source(region)
    for _warm_up in range(5):
        render(*source)
    resident, in_use = resident_mib(), malloc_in_use_mib()
    # as a worker does: no collection between renders but the one render_pdf makes
    for _measured in range(20):
        render(*source)
    resident, in_use = resident_mib() - resident, malloc_in_use_mib() - in_use

    assert in_use < 1.0, f"the C libraries hold {in_use:.2f} MiB more after 20 renders"
    assert resident < 2.0, f"the process grew {resident:.2f} MiB over 20 renders"


def test_a_render_takes_its_garbage_with_it(region):
    """The boxes of a report are freed when its PDF is written, not at the collector's
    next round: a worker does not carry one report into the next."""
    make_signalen(region)
    source = report_source(region)
    render(*source)
    gc.collect()

    render(*source)

    assert gc.collect() < 100  # objects in unreachable cycles, left for the collector


def test_a_render_leaves_the_cycle_collector_as_it_found_it(region):
    source = report_source(region)
    assert gc.isenabled()
    render(*source)
    assert gc.isenabled()

    gc.disable()
    try:
        render(*source)
        assert not gc.isenabled(), "a render switched on a collector someone else held off"
    finally:
        gc.enable()
