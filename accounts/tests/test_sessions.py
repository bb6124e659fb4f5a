"""The idle timeout counts from the last request, without a session write on every one."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.sessions import SEEN_KEY
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client):
    client.force_login(UserFactory())  # logging in notes when the session was last seen
    return client


def session_row(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def session_writes(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def age_the_session(client, seconds: int) -> None:
    """As if the last request that moved the expiry was ``seconds`` ago."""
    session = client.session
    session[SEEN_KEY] -= seconds
    session.save()
    row = session_row(client)
    row.expire_date -= datetime.timedelta(seconds=seconds)
    row.save()


def test_page_views_within_the_minute_write_no_session(logged_in):
    assert session_writes(logged_in, reverse("dossier:mijn_dossiers")) == []  # the first one
    assert session_writes(logged_in, reverse("dossier:mijn_dossiers")) == []


def test_a_page_view_a_minute_later_moves_the_expiry(logged_in, settings):
    age_the_session(logged_in, 61)
    before = session_row(logged_in).expire_date

    writes = session_writes(logged_in, reverse("dossier:mijn_dossiers"))

    assert len(writes) == 1
    after = session_row(logged_in).expire_date
    assert after - before >= datetime.timedelta(seconds=60)
    expected = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs(after - expected) < datetime.timedelta(seconds=5)


def test_a_session_idle_for_the_timeout_has_ended(logged_in, settings):
    age_the_session(logged_in, settings.SESSION_COOKIE_AGE + 1)

    response = logged_in.get(reverse("dossier:mijn_dossiers"))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_an_anonymous_visitor_gets_no_session(client):
    client.get(reverse("account_login"))

    assert Session.objects.count() == 0


def test_the_idle_timeout_is_at_most_an_hour(settings):
    # the product's promise to schools: a forgotten browser tab does not stay open all day
    assert 60 < settings.SESSION_COOKIE_AGE <= 3600
    assert settings.SESSION_TOUCH_SECONDS <= 60
