"""``render_many``: several reports laid out in forked children, the same PDFs as
``render_pdf`` makes one by one, in order, and a failing child is an error, not a gap."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from dossier.core.registry import registry
from dossier.rapporten import pdf as pdf_module
from dossier.rapporten.models import Report
from dossier.rapporten.pdf import RenderFailed, render_many, render_pdf
from dossier.rapporten.tests.readback import pdf_text
from dossier.rapporten.tests.test_reports import KIND, YEAR, make_signalen


def sources(region, count: int):
    spec = registry.report_kinds[KIND]
    report = Report.objects.create(
        dossier=region.dossier_a, kind=KIND, school_year=YEAR, requested_by=region.directie_a
    )
    template, context = spec.build(report)
    return [(template, context, spec.pdf_variant) for _number in range(count)]


def text_of(pdf: bytes, tmp_path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    # the moment it was made differs by a minute at most: compare without it
    return " ".join(word for word in pdf_text(path).split() if ":" not in word)


def test_children_make_the_same_pdfs_in_order_and_the_database_stays_usable(region, tmp_path):
    make_signalen(region)
    jobs = sources(region, 3)

    made = list(render_many(iter(jobs), processes=2))

    assert len(made) == 3
    alone = text_of(render_pdf(*jobs[0][:2], pdf_variant=jobs[0][2]), tmp_path, "alone.pdf")
    for number, pdf in enumerate(made):
        assert pdf.startswith(b"%PDF")
        assert text_of(pdf, tmp_path, f"{number}.pdf") == alone
    # the children never touched the connection the parent keeps using
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_child_that_fails_is_an_error(region, monkeypatch):
    jobs = sources(region, 2)

    def broken(html, pdf_variant):
        raise RuntimeError("layout failed")

    monkeypatch.setattr(pdf_module, "_layout", broken)
    with pytest.raises(RenderFailed):
        list(render_many(iter(jobs), processes=2))


def test_leaving_early_stops_the_children_still_running(region, monkeypatch):
    jobs = sources(region, 4)
    started: list[int] = []
    real_start = pdf_module._start_child

    def start(html, pdf_variant):
        pid, path = real_start(html, pdf_variant)
        started.append(pid)
        return pid, path

    monkeypatch.setattr(pdf_module, "_start_child", start)
    made = render_many(iter(jobs), processes=2)
    next(made)
    made.close()

    assert len(started) >= 2  # some still being laid out when the first was read
    for pid in started:  # each has been reaped: none is left running or a zombie
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_one_process_makes_them_here(region, monkeypatch):
    jobs = sources(region, 2)
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("no child with one process"))

    assert len(list(render_many(iter(jobs), processes=1))) == 2
