"""One way to hand a stored file to the browser: documents, reports, the leersteunraad's files.

- Always an attachment, with headers that keep the browser from running or sniffing it.
- A HEAD answers the headers without asking the storage for the file, and is no download.
- A file the storage cannot open (gone, unreadable) is said in Dutch on the page the person
  came from, never a 500; and since the download is only recorded once the file is open,
  the audit log never holds a download that did not happen.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _


def attachment(
    request: HttpRequest,
    file,
    *,
    filename: str,
    content_type: str,
    size: int | None,
    unreadable_to: str,
    downloaded: Callable[[], object] | None = None,
) -> HttpResponse:
    """``file`` is the model's FieldFile; ``unreadable_to`` is the URL to send the person to
    when it does not open; ``downloaded()``, if given, records the download (a GET whose file
    opened)."""
    if request.method == "HEAD":
        response = HttpResponse(content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        if size:
            response["Content-Length"] = str(size)
    else:
        try:
            handle = file.open("rb")
        except OSError:
            messages.error(
                request,
                _(
                    "This file could not be read from the storage, so it was not downloaded. "
                    "Please tell the platform's administrators."
                ),
            )
            return redirect(unreadable_to)
        if downloaded is not None:
            downloaded()
        response = FileResponse(
            handle, as_attachment=True, filename=filename, content_type=content_type
        )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # opened in the browser after all, it runs nothing and reaches nothing
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
