from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def health(request):
    """For the load balancer and docker compose: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@cache_control(max_age=86400, public=True)
@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico wherever a page names no icon (a PDF, a download, an
    error page): send them to the app's icon instead of a 404 in the console. Temporarily,
    since the icon's address changes with its content."""
    return HttpResponseRedirect(static("img/favicon.svg"))
