"""The idle timeout without a session write on every request.

Django either saves the session on every request (``SESSION_SAVE_EVERY_REQUEST``: a write per
page view, most of them changing nothing) or only when it changes, which would make the
timeout count from the login instead of from the last click. This middleware moves the expiry
forward at most once a minute: a session idle for ``SESSION_COOKIE_AGE`` seconds still ends,
give or take that minute.
"""

import datetime
import time

from django.conf import settings
from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

SEEN_KEY = "_seen_at"
# The time of the person's login before this one (ISO 8601, empty for a first login): the
# werkoverzicht shows what is new since then.
PREVIOUS_LOGIN_KEY = "_previous_login"


def mark_seen(session) -> None:
    session[SEEN_KEY] = int(time.time())


@receiver(user_logged_in, dispatch_uid="accounts.sessions.seen_at_login")
def seen_at_login(sender, request, user, **kwargs):
    """Logging in saves the session anyway: the first page after it need not save it again."""
    if request is not None and hasattr(request, "session"):
        mark_seen(request.session)


# Django notes the login's time in ``last_login`` from its own receiver; ours does the same
# after keeping the previous time in the session (the two must not both run).
user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")


@receiver(user_logged_in, dispatch_uid="accounts.sessions.note_login")
def note_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        previous = user.last_login
        request.session[PREVIOUS_LOGIN_KEY] = previous.isoformat() if previous else ""
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])


def previous_login(request):
    """When the person logged in before this session (an aware datetime), or None."""
    value = request.session.get(PREVIOUS_LOGIN_KEY) if hasattr(request, "session") else None
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return moment if timezone.is_aware(moment) else None


class SessionIdleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.session_key or session.is_empty():
            return response  # nothing to keep alive
        if session.modified:
            mark_seen(session)  # saved anyway: the expiry moves with it
        elif int(time.time()) - session.get(SEEN_KEY, 0) >= settings.SESSION_TOUCH_SECONDS:
            mark_seen(session)  # marks it modified: SessionMiddleware saves it
        return response
