"""The reminder to the school of a planned samenwerkingsgesprek with its questions still open."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.models import User
from dossier.core.access import user_flags
from dossier.meldingen.models import Notification
from leersteun import tasks
from leersteun.models import Antwoord, Gesprek, Vraag
from leersteun.services.gesprek import answer_confirm, answers_save, gesprek_plan
from leersteun.services.herinnering import gesprek_reminders_send
from leersteun.tests.factories import VraagFactory
from leersteun.tests.test_overzicht import published_template, start

PLANNED = timezone.make_aware(datetime.datetime(2031, 3, 4, 14, 30))
BEFORE = PLANNED - datetime.timedelta(days=3)  # "now" three days before


@pytest.fixture
def planned(region):
    """School A's conversation with LSC A, planned on PLANNED: three questions for the school
    (one of them confidential) and one for the LSC, nothing answered yet."""
    versie = published_template(region.lsc_a, school_questions=2, lsc_questions=1)
    VraagFactory(
        onderdeel=versie.onderdelen.first(),
        position=50,
        text="Code van de voordeur",
        confidential=True,
    )
    gesprek = start(region.dossier_a, region.lsc_anker_a)
    return gesprek_plan(
        gesprek=gesprek,
        user=region.lsc_anker_a,
        access=user_flags(region.lsc_anker_a, region.dossier_a),
        planned_for=PLANNED,
    )


def school_questions(gesprek) -> list[Vraag]:
    return list(
        Vraag.objects.filter(onderdeel__versie=gesprek.versie, filled_by=Vraag.FilledBy.SCHOOL)
    )


def answer_all(gesprek, user, *, value="Ingevuld") -> None:
    answers_save(
        gesprek=gesprek,
        user=user,
        access=user_flags(user, gesprek.dossier),
        values={vraag.pk: value for vraag in school_questions(gesprek)},
    )


def subject(lsc, count: int) -> str:
    return ngettext(
        "Samenwerkingsgesprek with %(lsc)s on %(date)s: %(count)d question of the "
        "school is still open",
        "Samenwerkingsgesprek with %(lsc)s on %(date)s: %(count)d questions of the "
        "school are still open",
        count,
    ) % {"lsc": lsc.name, "date": "04/03/2031 14:30", "count": count}


@pytest.mark.django_db
def test_the_school_is_reminded_once(region, planned, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert gesprek_reminders_send(now=BEFORE) == 1
    notifications = Notification.objects.filter(dossier=region.dossier_a)
    # the school's writers: the directie and the zorgcoördinator; not the partners
    assert {n.user for n in notifications} == {region.directie_a, region.zorg_a}
    assert {n.subject for n in notifications} == {subject(region.lsc_a, 3)}
    assert {n.url for n in notifications} == {
        f"/dossiers/{region.dossier_a.pk}/samenwerkingsgesprek/{planned.pk}/"
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [region.directie_a.email, region.zorg_a.email]
    )
    planned.refresh_from_db()
    assert planned.reminded_at == BEFORE
    # a second run (the next day) sends nothing
    with django_capture_on_commit_callbacks(execute=True):
        assert gesprek_reminders_send(now=BEFORE + datetime.timedelta(days=1)) == 0
    assert notifications.count() == 2
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_the_reminder_never_tells_an_answer(region, planned, django_capture_on_commit_callbacks):
    confidential = Vraag.objects.get(onderdeel__versie=planned.versie, confidential=True)
    answers_save(
        gesprek=planned,
        user=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        values={confidential.pk: "Deurcode 4711"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert gesprek_reminders_send(now=BEFORE) == 1
    assert {n.subject for n in Notification.objects.all()} == {subject(region.lsc_a, 2)}
    for message in mail.outbox:
        assert "4711" not in message.subject + message.body
        assert "Code van de voordeur" not in message.subject + message.body


@pytest.mark.django_db
def test_a_filled_in_school_part_gets_no_reminder(region, planned):
    answer_all(planned, region.directie_a)
    # the LSC's own question still open does not count
    assert gesprek_reminders_send(now=BEFORE) == 0
    assert not Notification.objects.exists()
    planned.refresh_from_db()
    assert planned.reminded_at is None


@pytest.mark.django_db
def test_a_carried_answer_still_to_confirm_counts_as_open(region, planned):
    answer_all(planned, region.directie_a)
    vraag = school_questions(planned)[0]
    Antwoord.objects.filter(gesprek=planned, vraag=vraag).update(
        origin=Antwoord.Origin.CARRIED, carried_from="2029-2030"
    )
    assert gesprek_reminders_send(now=BEFORE) == 1
    assert {n.subject for n in Notification.objects.all()} == {subject(region.lsc_a, 1)}
    # once confirmed it no longer counts
    Gesprek.objects.filter(pk=planned.pk).update(reminded_at=None)
    answer_confirm(
        gesprek=planned,
        vraag_id=vraag.pk,
        user=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
    )
    assert gesprek_reminders_send(now=BEFORE) == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "now",
    [
        PLANNED + datetime.timedelta(minutes=1),  # past
        PLANNED - datetime.timedelta(days=8),  # too far ahead
    ],
)
def test_no_reminder_for_a_past_or_far_conversation(region, planned, now):
    assert gesprek_reminders_send(now=now) == 0
    assert not Notification.objects.exists()


@pytest.mark.django_db
@override_settings(GESPREK_REMINDER_DAYS=10)
def test_the_window_follows_the_setting(region, planned):
    assert gesprek_reminders_send(now=PLANNED - datetime.timedelta(days=8)) == 1


@pytest.mark.django_db
def test_only_planned_conversations_are_reminded(region, planned):
    Gesprek.objects.filter(pk=planned.pk).update(status=Gesprek.Status.GEHOUDEN)
    assert gesprek_reminders_send(now=BEFORE) == 0


@pytest.mark.django_db
def test_a_person_who_wants_no_emails_gets_no_reminder(
    region, planned, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=region.zorg_a.pk).update(
        notification_frequency=User.NotificationFrequency.NONE
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert gesprek_reminders_send(now=BEFORE) == 1
    assert [n.user for n in Notification.objects.all()] == [region.directie_a]
    assert [m.to for m in mail.outbox] == [[region.directie_a.email]]


@pytest.mark.django_db
def test_a_new_date_gets_a_new_reminder(region, planned):
    assert gesprek_reminders_send(now=BEFORE) == 1
    later = PLANNED + datetime.timedelta(days=7)
    gesprek_plan(
        gesprek=planned,
        user=region.lsc_anker_a,
        access=user_flags(region.lsc_anker_a, region.dossier_a),
        planned_for=later,
    )
    assert gesprek_reminders_send(now=later - datetime.timedelta(days=2)) == 1
    assert Notification.objects.filter(user=region.directie_a).count() == 2


@pytest.mark.django_db
def test_the_daily_task_runs_the_service(region, planned):
    # Celery runs eager in the tests; "now" is today, so a conversation planned in 2031 is
    # not due, and one planned tomorrow is
    assert tasks.gesprek_reminders_send.delay().get() == 0
    Gesprek.objects.filter(pk=planned.pk).update(
        planned_for=timezone.now() + datetime.timedelta(days=1)
    )
    assert tasks.gesprek_reminders_send.delay().get() == 1


def test_the_task_is_in_the_beat_schedule():
    from samenwerking.celery import app

    entry = app.conf.beat_schedule["gesprekken-herinneren"]
    assert (
        entry["task"]
        == tasks.gesprek_reminders_send.name
        == "leersteun.tasks.gesprek_reminders_send"
    )
