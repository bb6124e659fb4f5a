import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_PREFIX = "static:"


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


def render_pdf(template_name: str, context: dict) -> bytes:
    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=StaticOnlyFetcher()).write_pdf()
