"""HTML to PDF with WeasyPrint, without any network or file access beyond our own static files."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import default_url_fetcher

STATIC_PREFIX = "static:"


def _safe_fetcher(url: str, *args, **kwargs):
    """Serve data: URIs and files of our own static folder; refuse everything else (SSRF)."""
    if url.startswith("data:"):
        return default_url_fetcher(url, *args, **kwargs)
    if url.startswith(STATIC_PREFIX):
        found = finders.find(url[len(STATIC_PREFIX) :].lstrip("/"))
        if found:
            path = Path(found).resolve()
            roots = [Path(root).resolve() for root in settings.STATICFILES_DIRS]
            if any(path.is_relative_to(root) for root in roots):
                return {"string": path.read_bytes(), "filename": path.name}
    raise ValueError(f"Refused to fetch {url!r} while rendering a PDF.")


def render_pdf(template_name: str, context: dict) -> bytes:
    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=_safe_fetcher).write_pdf()
