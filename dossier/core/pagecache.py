"""Pages served again from the cache while nothing they show has changed.

A busy person opens the same lists many times a day; most of a page's cost is Python building
querysets and rendering the same rows again. A view decorated here is rendered once and then
served from the cache until something it shows changes. Nothing is ever served across people:

- The access check still runs on every request, before the cache is looked at: a person who
  lost access gets 404 at once, exactly as without the cache.
- The key holds the person's **session** (so one person's pages are never another's, and a
  new login starts afresh), the URL with its query, the htmx headers, the language, today's
  date and the access generation (``dossier.core.access.readable``: it moves on with every
  change of a grant, membership, partnership, organisation or person).
- It holds the **content version** of the dossier (or the sum over every dossier the page
  lists, with the list's ids): PostgreSQL moves it on with every write to the dossier's rows,
  whichever way it is made (``dossier.core.contentversion``). A page that shows the audit log
  adds its newest and oldest entry (``extra``).
- A request with messages waiting is rendered, not served, and so is one that sets a cookie or
  answers anything other than 200. The CSRF token in a stored page is replaced by this
  request's own on the way out.
- An entry lives at most ``PAGE_CACHE_SECONDS`` (so a page that says "3 dagen geleden" is never
  more than that behind); 0 switches the cache off, and it is always off on SQLite (the demo),
  which has no triggers to move the versions on.

Only pages that change nothing when read may be decorated: a view that writes the audit log
when read (a consultation note) keeps its entries (``keep_for_hits``) and passes
``on_hit=audit_again``, which records them again on every hit.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db import connection
from django.db.models import Count, Sum
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from dossier.core.access.queries import DOSSIER_MEMO, require_section
from dossier.core.access.readable import access_generation, readable_dossier_ids
from dossier.core.access.rules import Section
from dossier.core.services import audit_record_many

logger = logging.getLogger(__name__)

MAX_PAGE_BYTES = 512 * 1024  # a larger page is rendered every time
HEADER = "X-Page-Cache"  # "hit" or "miss": for the tests and the benchmark
TOKEN = "\x00csrf\x00"  # noqa: S105 - not a secret: where this request's CSRF token goes in a stored page
_TOKENS = re.compile(
    r'(?<=name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{64}(?=")'
    r'|(?<="X-CSRFToken": ")[A-Za-z0-9]{64}(?=")'
)


def _pages():
    return caches["pages"]


def enabled() -> bool:
    return bool(getattr(settings, "PAGE_CACHE_SECONDS", 0)) and connection.vendor == "postgresql"


def _servable(request) -> bool:
    if request.method != "GET" or not request.user.is_authenticated:
        return False
    session = getattr(request, "session", None)
    if session is None or not session.session_key:
        return False
    # messages waiting for this request are shown on the page: render it
    return not len(get_messages(request))


def _messages_touched(request) -> bool:
    """Messages were shown on the page, or added for the next one."""
    storage = get_messages(request)
    return storage.used or bool(len(storage))


def _key(request, versions: tuple) -> str | None:
    generation = access_generation(request.user)
    if generation is None:  # the cache is unreachable: render
        return None
    htmx = sorted(
        (name, value) for name, value in request.META.items() if name.startswith("HTTP_HX_")
    )
    parts = (
        request.resolver_match.view_name if request.resolver_match else "",
        request.get_full_path(),
        repr(htmx),
        get_language() or "",
        timezone.localdate().isoformat(),
        str(generation),
        request.session.session_key,
        repr(versions),
    )
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"page:{digest}"


def _get(key):
    try:
        return _pages().get(key)
    except Exception:  # noqa: BLE001 - the cache is unreachable: render instead
        logger.warning("Page cache unreachable; the page is rendered.", exc_info=True)
        return None


def _serve(request, entry, on_hit, context) -> HttpResponse:
    headers, body, hit_data = entry
    response = HttpResponse(body.replace(TOKEN, get_token(request)) if TOKEN in body else body)
    for name, value in headers:
        response[name] = value
    response[HEADER] = "hit"
    if on_hit is not None:
        on_hit(request, context, hit_data)
    return response


def _store(request, key, response, hit_data) -> None:
    response[HEADER] = "miss"
    if (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or not response.get("Content-Type", "").startswith("text/html")
        or len(response.content) > MAX_PAGE_BYTES
        or _messages_touched(request)
    ):
        return
    body = _TOKENS.sub(TOKEN, response.content.decode(response.charset or "utf-8"))
    headers = [(name, value) for name, value in response.items() if name != HEADER]
    seconds = settings.PAGE_CACHE_SECONDS
    try:
        # A session stores at most PAGE_CACHE_PER_SESSION pages in PAGE_CACHE_SECONDS: a
        # crawler walking every page number or filter is served rendered pages, and the
        # cache does not grow with it.
        counter = f"page-count:{hashlib.sha256(request.session.session_key.encode()).hexdigest()}"
        pages = _pages()
        pages.add(counter, 0, seconds)  # the window starts with the first page stored
        try:
            stored = pages.incr(counter)
        except ValueError:  # the window ended between the two calls
            stored = 1
        if stored > settings.PAGE_CACHE_PER_SESSION:
            return
        pages.set(key, (headers, body, hit_data), seconds)
    except Exception:  # noqa: BLE001 - not stored: the next request renders again
        logger.warning("Page cache unreachable; the page is not stored.", exc_info=True)


HIT_DATA = "_page_cache_hit_data"


def keep_for_hits(request, data) -> None:
    """What a decorated view did when read that every hit must do again (the audit entries
    of the notes it showed): kept with the page and handed to ``on_hit``."""
    setattr(request, HIT_DATA, data)


def audit_again(request, found, entries) -> None:
    """The ``on_hit`` of a page whose reading is audited (a list of notes, a note, the search):
    the audit entries the rendered page recorded, with ``keep_for_hits``, are recorded again
    for this reading, in one insert."""
    audit_record_many(actor=request.user, entries=entries)


def _run(view, request, args, kwargs, versions, on_hit, context):
    key = _key(request, versions)
    if key is None:
        return view(request, *args, **kwargs)
    entry = _get(key)
    if entry is not None:
        return _serve(request, entry, on_hit, context)
    response = view(request, *args, **kwargs)
    hit_data = getattr(request, HIT_DATA, None)
    if on_hit is not None and hit_data is None:
        return response  # the view did not say what a hit must do again: never served
    _store(request, key, response, hit_data)
    return response


def dossier_page(section: Section, *, extra=None, on_hit=None, pk_kwarg="pk"):
    """A page of one dossier, read in ``section``: served from the cache while the dossier's
    content version, the person's access and the request are the same.

    ``extra(dossier, access)`` adds what else the page shows to the key (the audit log's
    newest entry). ``on_hit(request, (dossier, access), data)`` runs on every hit with what the
    view kept (``keep_for_hits``): the audit write of a read.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not (enabled() and _servable(request)):
                return view(request, *args, **kwargs)
            pk = kwargs[pk_kwarg]
            request.user.__dict__.pop(DOSSIER_MEMO, None)
            dossier, access = require_section(request.user, pk, section)  # 404 as the view
            request.user.__dict__[DOSSIER_MEMO] = (str(pk), dossier, access)
            versions = (dossier.pk, dossier.content_version)
            if extra is not None:
                versions += (extra(dossier, access),)
            return _run(view, request, args, kwargs, versions, on_hit, (dossier, access))

        wrapper.page_cache = "dossier"
        return wrapper

    return decorate


def across_page(*sections: Section, sections_of=None, on_hit=None, window: int = 0):
    """A page over every dossier in which the person reads ``sections`` (the signals of my
    schools, the themes across them, Mijn dossiers), or those ``sections_of()`` names at the
    time of the request (the search: every section with a search provider). Its key holds,
    per section, the ids of those dossiers, and the sum of their content versions, which grows
    with any write to any of them. ``on_hit(request, None, data)`` as for ``dossier_page``.
    ``window`` (seconds): a page that also changes with the clock (the werkoverzicht's items of
    the coming hours) is rendered again in each such window, the windows its own cache uses."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not (enabled() and _servable(request)):
                return view(request, *args, **kwargs)
            chosen = sections or tuple(sections_of())
            ids_per_section = [readable_dossier_ids(request.user, section) for section in chosen]
            every = sorted(set().union(*ids_per_section))
            total = _version_sum(every) if every else {"total": 0, "count": 0}  # one query
            digest = hashlib.sha256(
                "|".join(",".join(map(str, ids)) for ids in ids_per_section).encode()
            ).hexdigest()
            versions = (digest, total["count"], total["total"] or 0)
            if window:
                versions += (int(timezone.now().timestamp()) // window,)
            return _run(view, request, args, kwargs, versions, on_hit, None)

        wrapper.page_cache = "across"
        return wrapper

    return decorate


def _version_sum(ids):
    from dossier.core.models import Dossier

    return Dossier.objects.filter(pk__in=ids).aggregate(
        total=Sum("content_version"), count=Count("pk")
    )
