"""The idle timeout without a session write on every request.

Django either saves the session on every request (``SESSION_SAVE_EVERY_REQUEST``: a write per
page view, most of them changing nothing) or only when it changes, which would make the
timeout count from the login instead of from the last click. This middleware moves the expiry
forward at most once a minute: a session idle for ``SESSION_COOKIE_AGE`` seconds still ends,
give or take that minute.
"""

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

SEEN_KEY = "_seen_at"


def mark_seen(session) -> None:
    session[SEEN_KEY] = int(time.time())


@receiver(user_logged_in, dispatch_uid="accounts.sessions.seen_at_login")
def seen_at_login(sender, request, user, **kwargs):
    """Logging in saves the session anyway: the first page after it need not save it again."""
    if request is not None and hasattr(request, "session"):
        mark_seen(request.session)


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
