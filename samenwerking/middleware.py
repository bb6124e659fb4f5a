"""Input that no form could hold is refused before any view sees it."""

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

NUL = "\x00"


def _holds_nul(query) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in query.lists())


class RefuseNulCharactersMiddleware:
    """A NUL character in a query string or a form is refused with 400.

    PostgreSQL stores no NUL in text, and psycopg refuses any query that carries one (a
    ValueError, so a 500), whichever way it arrives: a filter, a choice, an admin search, an
    allauth form. Django's CharField already refuses it on its own fields; this covers the rest
    in one place. Uploaded files are not looked at: their content is the upload checks' work.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _holds_nul(request.GET) or (request.method == "POST" and _holds_nul(request.POST)):
            return HttpResponseBadRequest(
                _(
                    "The request contains a NUL character, which no field accepts. Remove it and try again."
                ),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
