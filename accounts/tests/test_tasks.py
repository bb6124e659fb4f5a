import datetime

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import clear_expired_sessions


@pytest.mark.django_db
def test_expired_sessions_are_cleared_and_live_ones_kept():
    now = timezone.now()
    Session.objects.create(
        session_key="verlopen", session_data="", expire_date=now - datetime.timedelta(minutes=1)
    )
    Session.objects.create(
        session_key="levend", session_data="", expire_date=now + datetime.timedelta(minutes=30)
    )
    clear_expired_sessions.apply()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["levend"]
