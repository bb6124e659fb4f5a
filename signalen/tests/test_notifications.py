"""Notifications about signals: who hears about what, and how the emails go out."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import MembershipFactory, UserFactory
from dossier.core.access import user_flags
from dossier.core.services import AccessLevel, access_grant
from dossier.meldingen.models import Notification
from dossier.meldingen.services import digests_send, notifications_send, notifications_send_late
from signalen.tests.factories import AanvullingFactory, SignaalFactory
from signalen.workflow import Kind

pytestmark = pytest.mark.django_db

SIGNAL_TEXT = "Zes ouders meldden pesten sinds de herfstvakantie, vooral in het vijfde leerjaar."
SUPPLEMENT_TEXT = "Het gaat vooral om de middagpauze op de speelplaats."


def clb_logs(region, **kwargs):
    values = {
        "dossier": region.dossier_a,
        "author": region.clb_medewerker_a,
        "title": "Meer meldingen van pesten",
        "text": SIGNAL_TEXT,
    }
    return SignaalFactory(**(values | kwargs))


def recipients(**filters):
    return set(Notification.objects.filter(**filters).values_list("user__email", flat=True))


def set_frequency(user, frequency):
    User.objects.filter(pk=user.pk).update(notification_frequency=frequency)


@pytest.fixture
def colleagues(region):
    """A second CLB medewerker of CLB A with a grant, and a leerlingenbegeleider without one."""
    clb_colleague = UserFactory(with_mfa=True, email="collega@clbleie.be")
    MembershipFactory(user=clb_colleague, organisation=region.clb_a, role=Role.CLB_MEDEWERKER)
    access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=clb_colleague,
        level=AccessLevel.CONTRIBUTE,
    )
    begeleider = UserFactory(email="begeleider@linde.be")
    MembershipFactory(user=begeleider, organisation=region.school_a, role=Role.LEERLINGENBEGELEIDER)
    return clb_colleague, begeleider


# --- who gets a notification -----------------------------------------------------------------


def test_a_signal_by_the_clb_notifies_the_school_side_and_the_pbd(region, colleagues):
    signaal = clb_logs(region)
    assert recipients() == {"directie@linde.be", "zorg@linde.be", "begeleider@pbd.be"}
    # not the author, nor the author's colleagues on the CLB side, nor the LSC (need-to-know),
    # nor the school's leerlingenbegeleider without a grant, nor anyone outside the dossier
    url = reverse("signalen:detail", kwargs={"pk": region.dossier_a.pk, "signaal_pk": signaal.pk})
    for notification in Notification.objects.all():
        assert notification.dossier == region.dossier_a
        assert notification.url == url
        assert signaal.title in notification.subject
        assert notification.sent_at is None


def test_a_supplement_by_the_zorgcoordinator_notifies_the_clb_not_the_school(region, colleagues):
    signaal = clb_logs(region)
    Notification.objects.all().delete()
    AanvullingFactory(signaal=signaal, author=region.zorg_a, kind=Kind.DUIDING)
    got = recipients()
    assert {"medewerker@clbleie.be", "collega@clbleie.be"} <= got
    assert not got & {"directie@linde.be", "zorg@linde.be", "begeleider@linde.be"}
    assert not got & {"anker@lsc.be", "medewerker@clbschelde.be", "leerkracht@linde.be"}
    # the PBD reads signals, so it hears about the school's supplement as well
    assert got == {"medewerker@clbleie.be", "collega@clbleie.be", "begeleider@pbd.be"}


def test_a_status_change_or_correction_notifies_nobody(region):
    from signalen.services import signaal_change_status

    signaal = clb_logs(region)
    Notification.objects.all().delete()
    signaal_change_status(
        signaal=signaal,
        actor=region.zorg_a,
        access=user_flags(region.zorg_a, signaal.dossier),
        to_status="afgesloten",
    )
    assert not Notification.objects.exists()


def test_someone_who_chose_no_emails_gets_no_notification(region):
    set_frequency(region.zorg_a, User.NotificationFrequency.NONE)
    clb_logs(region)
    assert recipients() == {"directie@linde.be", "begeleider@pbd.be"}


def test_the_pbd_without_an_active_partnership_hears_nothing(region):
    from accounts.models import Partnership
    from accounts.services import partnership_end

    partnership = Partnership.objects.get(school=region.school_a, partner=region.pbd_a)
    partnership_end(
        partnership=partnership, end_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    clb_logs(region)
    assert recipients() == {"directie@linde.be", "zorg@linde.be"}


# --- sending ---------------------------------------------------------------------------------


def test_immediate_notifications_are_emailed_after_commit(
    region, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signaal = clb_logs(region)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["directie@linde.be", "zorg@linde.be", "begeleider@pbd.be"]
    )
    assert not Notification.objects.filter(sent_at__isnull=True).exists()
    message = mail.outbox[0]
    assert message.subject.startswith(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)
    assert signaal.title in message.subject
    link = settings.SITE_URL.rstrip("/") + reverse(
        "signalen:detail", kwargs={"pk": region.dossier_a.pk, "signaal_pk": signaal.pk}
    )
    assert link in message.body
    assert region.school_a.name in message.body
    # the content itself stays behind the login
    assert SIGNAL_TEXT not in message.body
    assert SIGNAL_TEXT not in message.subject


def test_the_email_about_a_supplement_holds_no_supplement_text(
    region, django_capture_on_commit_callbacks
):
    signaal = clb_logs(region)
    with django_capture_on_commit_callbacks(execute=True):
        AanvullingFactory(
            signaal=signaal, author=region.zorg_a, kind=Kind.ADVIES, text=SUPPLEMENT_TEXT
        )
    [message] = [m for m in mail.outbox if m.to == ["medewerker@clbleie.be"]]
    assert signaal.title in message.subject
    assert SUPPLEMENT_TEXT not in message.body
    assert SIGNAL_TEXT not in message.body


def test_daily_sends_nothing_at_once_and_one_digest_with_every_item(
    region, django_capture_on_commit_callbacks
):
    set_frequency(region.zorg_a, User.NotificationFrequency.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        first = clb_logs(region, title="Pesten op de speelplaats")
    with django_capture_on_commit_callbacks(execute=True):
        second = clb_logs(region, title="Meer leerlingen buiten gezet")
    with django_capture_on_commit_callbacks(execute=True):
        AanvullingFactory(signaal=first, author=region.clb_medewerker_a, kind=Kind.ADVIES)
    assert "zorg@linde.be" not in {m.to[0] for m in mail.outbox}
    assert Notification.objects.filter(user=region.zorg_a, sent_at__isnull=True).count() == 3
    mail.outbox.clear()

    assert digests_send() == 1
    [digest] = mail.outbox
    assert digest.to == ["zorg@linde.be"]
    for signaal in (first, second):
        assert signaal.title in digest.body
        url = reverse(
            "signalen:detail", kwargs={"pk": region.dossier_a.pk, "signaal_pk": signaal.pk}
        )
        assert settings.SITE_URL.rstrip("/") + url in digest.body
    assert digest.body.count(region.school_a.name) == 3
    assert SIGNAL_TEXT not in digest.body
    assert not Notification.objects.filter(user=region.zorg_a, sent_at__isnull=True).exists()

    # nothing new: no second digest
    mail.outbox.clear()
    assert digests_send() == 0
    assert mail.outbox == []


def test_one_digest_per_person(region):
    for person in (region.zorg_a, region.directie_a):
        set_frequency(person, User.NotificationFrequency.DAILY)
    clb_logs(region, title="Eerste")
    clb_logs(region, title="Tweede")
    assert digests_send() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["directie@linde.be", "zorg@linde.be"]
    for message in mail.outbox:
        assert "Eerste" in message.body and "Tweede" in message.body


def test_a_notification_is_never_sent_twice(region):
    clb_logs(region)
    ids = list(Notification.objects.values_list("pk", flat=True))
    assert notifications_send(ids=ids) == 3
    assert notifications_send(ids=ids) == 0
    assert len(mail.outbox) == 3
    # nor by the late sweep, nor by the digest
    assert notifications_send_late(now=timezone.now() + datetime.timedelta(hours=1)) == 0
    assert digests_send() == 0
    assert len(mail.outbox) == 3


def test_the_late_sweep_sends_missed_immediate_ones_older_than_two_minutes(region):
    set_frequency(region.zorg_a, User.NotificationFrequency.DAILY)
    # the queue was down: the on-commit callbacks never ran, nothing was sent
    missed = clb_logs(region, title="Gemist")
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=3))
    clb_logs(region, title="Net gebeurd")
    assert mail.outbox == []

    assert notifications_send_late() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["begeleider@pbd.be", "directie@linde.be"]
    assert all(missed.title in m.subject for m in mail.outbox)
    # the recent ones wait for their own task, the daily one for the digest
    assert Notification.objects.filter(sent_at__isnull=True).count() == 4
    assert Notification.objects.filter(
        user=region.zorg_a, subject__contains="Gemist", sent_at__isnull=True
    ).exists()
    # a second sweep sends nothing again
    assert notifications_send_late() == 0
    assert len(mail.outbox) == 2


def test_the_late_sweep_leaves_notifications_younger_than_two_minutes(region):
    clb_logs(region)
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(seconds=90))
    assert notifications_send_late() == 0
    assert mail.outbox == []
