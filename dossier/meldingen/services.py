from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import services as accounts_services
from accounts.models import Membership, User
from accounts.roles import CONFIRMATION_ROLES
from dossier.core.access import (
    DossierAccess,
    Section,
    dossier_roster,
    people_with_access,
)
from dossier.core.models import Dossier
from dossier.meldingen.models import Notification
from samenwerking.queue import enqueue


def notifications_create(
    *,
    dossier: Dossier,
    actor,
    access: DossierAccess,
    section: Section,
    subject: str,
    url: str,
):
    """Tell the people with access on the other side(s) of ``section`` about a new entry.

    ``access`` is the actor's, as the view computed it; the recipients' access is read with
    theirs. Written in the same transaction as the entry, so nothing is lost when the queue is
    down; immediate ones are sent by a task after commit, a periodic task catches any left
    behind.
    """
    access.require_actor(actor, dossier.pk)
    actor_sides = access.write_sides

    def on_the_other_side(person: DossierAccess) -> bool:
        sides = person.sides(section)
        return bool(sides) and not sides & actor_sides

    return notify(dossier=dossier, subject=subject, url=url, wants=on_the_other_side, exclude=actor)


def notify(
    *,
    dossier: Dossier,
    subject: str,
    url: str,
    wants: Callable[[DossierAccess], bool],
    exclude=None,
) -> list[Notification]:
    """Notify everyone with access to ``dossier`` for whom ``wants(their access)`` is true.

    The one way to write notifications: two queries for the people and their access, one insert,
    sending enqueued after commit (the periodic sweep sends what the queue missed), and the
    person's own choice (none, at once, daily digest) respected.
    """
    roster = dossier_roster(dossier)
    people = people_with_access(dossier, roster=roster).exclude(
        notification_frequency=User.NotificationFrequency.NONE
    )
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    rows = [
        Notification(user=person, dossier=dossier, subject=subject[:200], url=url)
        for person in people
        if wants(roster[person.pk])
    ]
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created]
    if ids:
        transaction.on_commit(lambda: _enqueue_notifications(ids))
    return created


def notify_person(
    *, dossier: Dossier | None, user, subject: str, url: str, place: str = ""
) -> Notification | None:
    """Notify one person (the one who asked for a report) about something in ``dossier``, or,
    without a dossier, in ``place`` (the organisation whose report it is).

    The same way as ``notify``: one row, sent after commit by the task (the sweep sends what
    the queue missed), and the person's choice respected: at once, in the daily digest, or
    not at all (then nothing is written). An account that is switched off gets nothing.
    """
    user = User.objects.filter(pk=user.pk, is_active=True).first()
    if user is None or user.notification_frequency == User.NotificationFrequency.NONE:
        return None
    notification = Notification.objects.create(
        user=user, dossier=dossier, place=place[:200], subject=subject[:200], url=url[:200]
    )
    transaction.on_commit(lambda: _enqueue_notifications([notification.pk]))
    return notification


def notify_told_person(sender, *, dossier, user, subject, url, place="", **kwargs) -> None:
    """Receiver of ``dossier.core.hooks.person_to_tell``."""
    notify_person(dossier=dossier, user=user, subject=subject, url=url, place=place)


def _enqueue_notifications(ids: list[int]) -> None:
    # the task in dossier/meldingen/tasks.py (named after the former dossier.tasks module)
    enqueue("dossier.tasks.send_notifications", ids)


# Immediate notifications not sent after this long were missed by the queue: the sweep sends them.
LATE_AFTER = datetime.timedelta(minutes=2)


def _absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url


@translation.override(settings.LANGUAGE_CODE)
def notifications_send(*, ids: list[int]) -> int:
    """Send the immediate notifications among ``ids`` that are still unsent."""
    pending = (
        Notification.objects.filter(pk__in=ids, sent_at__isnull=True)
        .select_related("user", "dossier__school")
        .order_by("pk")
    )
    sent = 0
    for notification in pending:
        frequency = notification.user.notification_frequency
        if frequency == User.NotificationFrequency.DAILY:
            continue  # waits for the digest
        # Claim it first, so two runs never mail the same thing twice.
        claimed = Notification.objects.filter(pk=notification.pk, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
        if not claimed or frequency == User.NotificationFrequency.NONE:
            continue
        body = render_to_string(
            "meldingen/email/notification.txt",
            {"notification": notification, "link": _absolute(notification.url)},
        )
        send_mail(
            f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{notification.subject}",
            body,
            None,
            [notification.user.email],
        )
        sent += 1
    return sent


def notifications_send_late(*, now: datetime.datetime | None = None) -> int:
    """Send immediate notifications that the queue did not deliver (it was down, say)."""
    now = now or timezone.now()
    ids = Notification.objects.filter(
        sent_at__isnull=True,
        created_at__lt=now - LATE_AFTER,
        user__notification_frequency=User.NotificationFrequency.IMMEDIATE,
    ).values_list("pk", flat=True)
    return notifications_send(ids=list(ids))


@translation.override(settings.LANGUAGE_CODE)
def digests_send() -> int:
    """One email per person who chose a daily digest, listing what happened since the last."""
    pending = (
        Notification.objects.filter(
            sent_at__isnull=True, user__notification_frequency=User.NotificationFrequency.DAILY
        )
        .select_related("user", "dossier__school")
        .order_by("user_id", "created_at")
    )
    by_user: dict[User, list[Notification]] = defaultdict(list)
    for notification in pending:
        by_user[notification.user].append(notification)
    for user, items in by_user.items():
        claimed = Notification.objects.filter(
            pk__in=[n.pk for n in items], sent_at__isnull=True
        ).update(sent_at=timezone.now())
        if not claimed:
            continue
        body = render_to_string(
            "meldingen/email/digest.txt",
            {"user": user, "items": [(n, _absolute(n.url)) for n in items]},
        )
        send_mail(
            settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _("What happened in your dossiers today"),
            body,
            None,
            [user.email],
        )
    return len(by_user)


def notify_membership_decision(
    sender, *, membership: Membership, actor, action: str, **kwargs
) -> None:
    """Receiver of ``accounts.services.membership_changed``: whoever manages access to a school's
    dossier hears at once of a membership there that reads it without a grant, when it is added
    (pending) and when it is confirmed or refused, whoever did it. A new directie, once
    confirmed, is among them."""
    if membership.role not in CONFIRMATION_ROLES or not membership.organisation.is_school:
        return
    subjects = {
        accounts_services.MEMBERSHIP_PENDING: _(
            "New membership to confirm: %(person)s as %(role)s"
        ),
        accounts_services.MEMBERSHIP_CONFIRMED: _("Membership confirmed: %(person)s as %(role)s"),
        accounts_services.MEMBERSHIP_REFUSED: _("Membership refused: %(person)s as %(role)s"),
    }
    if action not in subjects:
        return
    dossier = Dossier.objects.filter(school_id=membership.organisation_id).first()
    if dossier is None:
        return
    notify(
        dossier=dossier,
        subject=subjects[action]
        % {"person": membership.user, "role": membership.get_role_display().lower()},
        url=reverse("dossier:memberships_pending", kwargs={"pk": dossier.pk}),
        wants=lambda access: access.can_manage,
        exclude=actor,
    )
