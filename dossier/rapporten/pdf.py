"""The one way a report becomes a PDF: ``render_pdf``, whatever the kind of report (and
``render_many``, the same path for a file of many reports)."""

import contextlib
import gc
import logging
import mimetypes
import os
import re
import signal
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

STATIC_PREFIX = "static:"
# The print stylesheet of every report (a static file, so the fetcher's rules apply to it too)
REPORT_STYLESHEET = "css/report.css"


class StaticOnlyFetcher(URLFetcher):
    """Serves data: URIs and files of our own static folders; refuses everything else.

    No http(s), no file:// outside the static folders: a PDF never reaches the network or
    the server's files (SSRF, CVE-2025-68616).
    """

    def __init__(self):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=2)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith(STATIC_PREFIX):
            path = static_path(url[len(STATIC_PREFIX) :])
            if path is not None:
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    url, body=path.read_bytes(), headers={"Content-Type": content_type}
                )
        raise ValueError(f"Refused to fetch {url!r} while rendering a PDF.")


def static_path(relative: str) -> Path | None:
    """The file for ``relative`` if it lies inside one of our static folders."""
    found = finders.find(relative.lstrip("/"))
    if not found:
        return None
    path = Path(found).resolve()
    roots = [Path(root).resolve() for root in settings.STATICFILES_DIRS]
    return path if any(path.is_relative_to(root) for root in roots) else None


class _PrintSetup(threading.local):
    """What every render in one thread shares: the fonts and the parsed print stylesheet.

    A new ``FontConfiguration`` loads Fontconfig's configuration and a Pango font map again
    and never gives all of it back (some 200 KiB a render, so a worker kept growing); the
    stylesheet would otherwise be parsed again for each report. Neither changes during a
    render, and Pango's font map is not for two threads at once: one of each per thread,
    made on that thread's first report (not at import: web processes never render).
    """

    fonts: FontConfiguration | None = None
    stylesheet: CSS | None = None

    def ready(self) -> "_PrintSetup":
        if self.fonts is None:
            fonts = FontConfiguration()
            self.stylesheet = CSS(
                url=STATIC_PREFIX + REPORT_STYLESHEET,
                url_fetcher=StaticOnlyFetcher(),
                font_config=fonts,
            )
            self.fonts = fonts
        return self


_print_setup = _PrintSetup()


@contextlib.contextmanager
def _collector_paused():
    """Hold Python's cycle collector off while WeasyPrint builds, lays out and writes.

    A 45-page report makes some 130,000 objects that live in reference cycles (its boxes)
    until the PDF is written. While they live, the collector keeps walking them, and every
    other object in the process, for nothing: one to three full collections a render, 0.1
    to 0.3 s of a busy year. Once the PDF is written they are garbage, collected here in one
    go, so a worker does not carry one report's boxes into the next.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        # everything the render made is still in the youngest generation: collect only that
        gc.collect(0)


_PAGE_PLACEHOLDERS = re.compile(r"(%\(pages?\)s)")


def _css_string(text: str) -> str:
    """``text`` as a CSS string, safe inside the template's <style> element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return '"' + escaped.replace("\n", " ") + '"'


def page_counter_css() -> str:
    """The CSS ``content`` of the page number in the active language: "Pagina 2 van 5".

    The sentence is one translatable string with the two numbers as placeholders, so each
    language puts them where it wants; WeasyPrint fills them in with its page counters.
    """
    parts = []
    for part in _PAGE_PLACEHOLDERS.split(gettext("Page %(page)s of %(pages)s")):
        if part == "%(page)s":
            parts.append("counter(page)")
        elif part == "%(pages)s":
            parts.append("counter(pages)")
        elif part:
            parts.append(_css_string(part))
    return mark_safe(" ".join(parts))  # noqa: S308 - built from escaped CSS strings only


def _page_context(context: dict) -> dict:
    """What reports/base.html puts on every page, whatever the kind brought: the school's
    name (a kind that passes none gets its report's), the moment it was made, the page
    number."""
    report = context.get("report")
    defaults = {"generated_at": timezone.localtime(), "page_counter": page_counter_css()}
    if "school" not in context and report is not None:
        # an organisation's report (the CLB's doorlichting) carries that organisation's name
        defaults["school"] = (
            report.dossier.school if report.dossier_id is not None else report.organisation
        )
    return defaults | context


def html_of(template_name: str, context: dict) -> str:
    """The HTML of a report: its template with the page furniture every kind gets. Templates
    may still read the database (a queryset left lazy), so this runs in the requesting
    process, never in a render child (``render_many``)."""
    return render_to_string(template_name, _page_context(context))


def _layout(html: str, pdf_variant: str | None) -> bytes:
    setup = _print_setup.ready()
    options = {}
    if pdf_variant:
        options = {"pdf_variant": pdf_variant, "pdf_tags": True}
    with _collector_paused():
        return HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=StaticOnlyFetcher()).write_pdf(
            stylesheets=[setup.stylesheet], font_config=setup.fonts, **options
        )


def render_pdf(template_name: str, context: dict, *, pdf_variant: str | None = None) -> bytes:
    """The PDF of ``template_name`` (extending ``reports/base.html``) with ``context``.

    Every kind of report goes through here (``report_generate``), so each gets the same
    print stylesheet, fonts and fetcher, and the same speed. ``pdf_variant`` is the kind's
    (``ReportKind.pdf_variant``): "pdf/ua-1" makes a tagged PDF a screen reader can follow,
    its structure taken from the template's headings, lists and tables.
    """
    return _layout(html_of(template_name, context), pdf_variant)


class RenderFailed(Exception):
    """A render child ended without a PDF (its error is in the worker's log)."""


def _start_child(html: str, pdf_variant: str | None) -> tuple[int, str]:
    """Fork a child that lays ``html`` out and writes the PDF to a temporary file; the child
    touches nothing but that file (no database, no cache, no broker: all of that stays with
    the parent) and leaves with ``os._exit``, running none of the parent's clean-up."""
    handle, path = tempfile.mkstemp(prefix="report-", suffix=".pdf")
    pid = os.fork()
    if pid == 0:  # the child
        status = 1
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(_layout(html, pdf_variant))
            status = 0
        except BaseException:
            logger.exception("A report's render child failed")
        finally:
            os._exit(status)
    os.close(handle)
    return pid, path


def _read_child(pid: int, status: int, path: str) -> bytes:
    try:
        if os.waitstatus_to_exitcode(status) != 0:
            raise RenderFailed(f"render child {pid} ended with {status}")
        return Path(path).read_bytes()
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def render_many(
    jobs: Iterable[tuple[str, dict, str | None]], *, processes: int | None = None
) -> Iterator[bytes]:
    """The PDFs of several reports, in the order of ``jobs`` (template name, context,
    pdf_variant), laid out ``processes`` at a time (``REPORT_RENDER_PROCESSES``).

    For a file of many reports (the dossier export). The same path as ``render_pdf``: each
    job's HTML is rendered here, in this process, and only WeasyPrint's layout and writing,
    nine tenths of a report's time, runs in a forked child, so two CPUs make them in about
    half the time. A new child starts as soon as any one finishes (a long jaarverslag does
    not hold up the short reports after it); the PDFs still come out in order. With one
    process (or no ``os.fork``) they are made here, one by one. A child that fails raises
    ``RenderFailed``; leaving early (an error, the task's time limit) stops the children still
    running.
    """
    processes = settings.REPORT_RENDER_PROCESSES if processes is None else processes
    if processes <= 1 or not hasattr(os, "fork"):
        for template_name, context, pdf_variant in jobs:
            yield render_pdf(template_name, context, pdf_variant=pdf_variant)
        return
    pending = iter(jobs)
    running: dict[int, tuple[int, str]] = {}  # pid -> (job number, file)
    done: dict[int, tuple[int, int, str]] = {}  # job number -> (pid, status, file)
    started = next_out = 0
    exhausted = False
    try:
        while True:
            while not exhausted and len(running) < processes:
                job = next(pending, None)
                if job is None:
                    exhausted = True
                    break
                template_name, context, pdf_variant = job
                pid, path = _start_child(html_of(template_name, context), pdf_variant)
                running[pid] = (started, path)
                started += 1
            while next_out in done:
                yield _read_child(*done.pop(next_out))
                next_out += 1
            if not running:
                if exhausted:
                    return
                continue
            # our own children only (never another child of this process): ask each
            finished = False
            for pid in list(running):
                reaped, status = os.waitpid(pid, os.WNOHANG)
                if reaped:
                    number, path = running.pop(pid)
                    done[number] = (pid, status, path)
                    finished = True
            if not finished:
                time.sleep(0.02)
    finally:
        for pid, (_number, path) in running.items():
            with contextlib.suppress(ProcessLookupError, ChildProcessError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        for _pid, _status, path in done.values():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
