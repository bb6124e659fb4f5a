from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from dossier.core.access import DossierAccess, Section
from dossier.core.models import Dossier
from dossier.meldingen.models import Notification


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
    from dossier.core.access import people_with_access

    access.require_actor(actor, dossier.pk)
    actor_sides = access.write_sides
    rows = []
    for person in people_with_access(dossier).exclude(pk=actor.pk):
        if person.notification_frequency == User.NotificationFrequency.NONE:
            continue
        sides = DossierAccess.from_flags(person).sides(section)
        if sides and not sides & actor_sides:
            rows.append(Notification(user=person, dossier=dossier, subject=subject[:200], url=url))
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created]
    if ids:
        transaction.on_commit(lambda: _enqueue_notifications(ids))
    return created


def _enqueue_notifications(ids: list[int]) -> None:
    from dossier.meldingen.tasks import send_notifications
    from samenwerking.queue import enqueue

    enqueue(send_notifications, ids)


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
